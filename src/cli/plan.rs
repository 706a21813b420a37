//! `chanctl plan`: read the file and the account, print the plan (and save it with --out).

use super::args::{AccountArgs, ScopeArgs};
use super::{Exit, Result};
use crate::files::write_atomically;
use crate::ops::{self, Context};
use crate::printer::Printer;
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
    pub account: AccountArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit 0 when there are no changes, 2 when there are, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Delete live channels that the file does not declare.
    #[arg(long)]
    pub prune: bool,
    /// Delete and re-create this approved template when it changed (an approved template
    /// cannot be modified; its review starts over). Repeatable.
    #[arg(long = "replace", value_name = "NAME")]
    pub replace: Vec<String>,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// The one-time code sent to a WhatsApp number being registered, as apply takes it:
    /// NUMBER=CODE (repeatable). The plan then shows the step that uses it as one apply runs.
    #[arg(long = "verify-code", value_name = "NUMBER=CODE")]
    pub verify_code: Vec<String>,
    /// Also save the plan (JSON) to this file, for `chanctl apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
}

pub fn exec(args: &Args, ctx: &Context, printer: &Printer) -> Result {
    let mut account = args.account.account()?;
    account.codes = crate::provider::Codes::parse(&args.verify_code).map_err(ops::Error::Usage)?;
    let request = ops::plan::Request {
        account: &account,
        prune: args.prune,
        scope: args.scope.scope(),
        write: false,
        replace_templates: args.replace.clone(),
    };
    // Shown and saved, the plan never holds a sensitive value. It is not freed: the process
    // ends after printing it, and freeing a large plan step by step (10,000 channels: 18,000
    // steps and their strings) took 2-3 % of a `plan`'s time in the profile for nothing.
    let plan = std::mem::ManuallyDrop::new(ops::plan::plan(ctx, &request)?.into_shown(ctx));
    if let Some(out) = &args.out {
        // Scrubbed like everything chanctl writes (a live value may quote a credential).
        let saved = ctx.scrubber.scrub(&render::json(&plan)).into_owned();
        write_atomically(out, saved.as_bytes()).map_err(|source| ops::Error::Write {
            path: out.clone(),
            source,
        })?;
        printer.debug(&format!("plan saved to {}", out.display()));
    }
    match args.format {
        Format::Text => printer.out(&render::text::render(&plan, printer.out_style)),
        Format::Markdown => printer.out(&render::markdown::render(&plan)),
        // Written as it is made: for a large plan it is the largest output.
        Format::Json => printer.out_with(|w| render::write_json(&plan, w)),
    }
    if args.detailed_exitcode {
        printer.err(&render::text::drift_summary(&plan));
        if !plan.is_empty() || plan.rejected_templates().next().is_some() {
            return Ok(Exit::Changes);
        }
    }
    Ok(Exit::Ok)
}
