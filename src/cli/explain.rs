//! `chanctl explain CODE`: the long help of a diagnostic code (`chanctl::schema::type`, or
//! `schema::type`), from the registry in `diagnostic::codes`.

use super::{Exit, Result};
use crate::diagnostic::codes;
use crate::ops;
use crate::printer::Printer;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The code, as a diagnostic shows it (`chanctl::schema::type`, or `schema::type`).
    #[arg(value_name = "CODE")]
    pub code: String,
}

pub fn exec(args: &Args, printer: &Printer) -> Result {
    let text = codes::explain(&args.code).map_err(ops::Error::Usage)?;
    printer.out(&text);
    Ok(Exit::Ok)
}
