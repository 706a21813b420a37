//! `chanctl plan`: read the file and the account, print the plan.

use super::Exit;
use super::context::{BackendArgs, FileArgs, load_file, open_sandbox_read, runtime};
use crate::plan::{self, Plan, PlanOptions};
use crate::printer::Printer;
use crate::provider::Provider;
use crate::render;
use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub file: FileArgs,
    #[command(flatten)]
    pub backend: BackendArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit 0 when there are no changes, 2 when there are, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Delete live channels that the file does not declare.
    #[arg(long)]
    pub prune: bool,
}

pub fn exec(args: &Args, printer: &Printer) -> Exit {
    match compute(args, printer) {
        Ok(plan) => {
            let text = match args.format {
                Format::Text => render::text::render(&plan, printer.out_style),
                Format::Json => render::json(&plan),
                Format::Markdown => render::markdown::render(&plan),
            };
            printer.out(&text);
            if args.detailed_exitcode && !plan.is_empty() {
                Exit::Changes
            } else {
                Exit::Ok
            }
        }
        Err(exit) => exit,
    }
}

fn compute(args: &Args, printer: &Printer) -> Result<Plan, Exit> {
    let desired = load_file(&args.file.file, printer)?;
    let path = args.backend.sandbox_path(&args.file.file);
    let sandbox = open_sandbox_read(&path, desired.quota, printer)?;
    let rt = runtime(printer)?;
    let live = rt.block_on(sandbox.read()).map_err(|e| {
        printer.error(&e.to_string());
        Exit::Error
    })?;
    let options = PlanOptions {
        prune: args.prune,
        target: sandbox.target(),
    };
    plan::build(&desired, &live, &options).map_err(|e| {
        printer.error(&e.to_string());
        Exit::Error
    })
}
