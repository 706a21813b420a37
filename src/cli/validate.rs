//! `chanctl validate`: check a file without touching any account.

use super::args::{EnvArgs, FileArgs};
use super::{Exit, Result};
use crate::ops::Context;
use crate::printer::Printer;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub file: FileArgs,
    #[command(flatten)]
    pub env: EnvArgs,
}

pub fn exec(args: &Args, ctx: &Context, printer: &Printer) -> Result {
    let desired = ctx.load(&args.file.file, args.env.name())?.desired;
    let n = desired.channels.len();
    let what = match &desired.environment {
        Some(env) => format!("is valid for environment {env}"),
        None => "is valid".to_string(),
    };
    let environments = if desired.environment.is_none() && !desired.environments.is_empty() {
        format!(
            "; environments: {} (check each with --env)",
            desired.environments.join(", ")
        )
    } else {
        String::new()
    };
    printer.out(&format!(
        "{} {what}: {n} {}, quota {}{environments}.\n",
        args.file.file.display(),
        crate::render::plural(n, "channel", "channels"),
        desired.quota
    ));
    Ok(Exit::Ok)
}
