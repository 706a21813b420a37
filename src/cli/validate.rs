//! `chanctl validate`: check a file without touching any account, and say so in the format
//! asked for (text for a person; JSON, GitHub workflow commands or SARIF for a machine).

use super::args::{EnvArgs, FileArgs};
use super::{Error, Exit, Result};
use crate::diagnostic::{Report, json, sarif};
use crate::ops::{self, Context};
use crate::printer::Printer;
use clap::ValueEnum;

/// How to write the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For a person: snippets of the file, underlined.
    Text,
    /// One JSON document, one object per diagnostic (schemas/diagnostics.schema.json).
    Json,
    /// GitHub Actions workflow commands: annotations on the pull request's diff.
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub file: FileArgs,
    #[command(flatten)]
    pub env: EnvArgs,
    /// Output format (machine formats go to stdout, problems included).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn exec(args: &Args, ctx: &Context, printer: &Printer) -> Result {
    let file = args.file.file.display().to_string();
    let env = args.env.name();
    let desired = match ctx.load(&args.file.file, env) {
        Ok(loaded) => loaded.desired,
        Err(ops::Error::Invalid(reports)) if args.format != Format::Text => {
            return Err(Error::Diagnostics {
                file: file.clone(),
                reports,
                format: args.format,
                environment: env.map(str::to_string),
            });
        }
        Err(e) => return Err(e.into()),
    };
    let n = desired.channels.len();
    match args.format {
        Format::Text | Format::Github => printer.out(&crate::render::validated(&file, &desired)),
        Format::Json => printer.out(&json::render(&json::valid(
            &file,
            env,
            json::Summary {
                channels: n,
                quota: desired.quota,
                environments: desired.environments.clone(),
            },
        ))),
        Format::Sarif => {
            let none = Report {
                file_name: file,
                source: "".into(),
                diagnostics: Vec::new(),
            };
            printer.out(&sarif::render(&[none], super::sarif_tool()));
        }
    }
    Ok(Exit::Ok)
}
