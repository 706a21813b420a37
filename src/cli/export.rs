//! `chanctl export`: write the live account as a channels file, to stdout or `-o FILE`.

use super::args::{BackendArgs, EnvArgs};
use super::{Exit, Result};
use crate::ops::{self, Context};
use crate::printer::Printer;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The channels file whose `${VAR}` references to keep (default: channels.yaml, when it
    /// exists); the default sandbox sits beside it.
    #[arg(short = 'f', long = "file", env = "CHANCTL_FILE", value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub env: EnvArgs,
    #[command(flatten)]
    pub backend: BackendArgs,
    /// The quota to write in the file (the API does not tell it; default: the channels
    /// file's `account.quota`, else 100).
    #[arg(long)]
    pub quota: Option<u32>,
}

pub fn exec(args: &Args, ctx: &Context, printer: &Printer) -> Result {
    let default_file = PathBuf::from("channels.yaml");
    let references_from = args
        .file
        .clone()
        .or_else(|| default_file.is_file().then(|| default_file.clone()));
    // The default sandbox sits beside the channels file named with -f, else beside the file
    // being written.
    let anchor = args
        .file
        .clone()
        .or_else(|| args.output.clone())
        .unwrap_or(default_file);
    let exported = ops::export::export(
        ctx,
        &ops::export::Request {
            account: &args.backend.account(&anchor, args.env.name())?,
            references_from,
            output: args.output.clone(),
            quota: args.quota,
        },
    )?;
    for (name, n) in &exported.twins {
        printer.err(&format!(
            "warning: {n} live channels are named `{name}` (twins); the file holds one copy \
             (its comment names the others), and `chanctl plan` on it deletes the others"
        ));
    }
    if exported.defaults {
        printer.err(&format!(
            "note: no channels file read (none given, no channels.yaml here): the quota ({}), prune, safety limits and environments written are chanctl's defaults, since the API does not tell them; pass -f FILE to keep a file's",
            args.quota.unwrap_or(crate::config::file::DEFAULT_QUOTA)
        ));
    }
    match &args.output {
        None => printer.out(&exported.yaml),
        Some(path) => printer.err(&format!(
            "Wrote {} channels to {}.",
            exported.channels,
            path.display()
        )),
    }
    Ok(Exit::Ok)
}
