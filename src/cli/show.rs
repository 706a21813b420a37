//! `chanctl show PLAN`: render a plan saved with `plan --out` without touching any account
//! (like `terraform show`): to review the artifact a pipeline will apply.

use super::plan::Format;
use super::{Exit, Result};
use crate::ops;
use crate::printer::Printer;
use crate::render;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A plan saved with `chanctl plan --out FILE`.
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn exec(args: &Args, printer: &Printer) -> Result {
    let plan = ops::saved::read(&args.plan)?;
    match args.format {
        Format::Text => printer.out(&render::text::render(&plan, printer.out_style)),
        Format::Markdown => printer.out(&render::markdown::render(&plan)),
        Format::Json => printer.out_with(|w| render::write_json(&plan, w)),
    }
    Ok(Exit::Ok)
}
