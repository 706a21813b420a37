//! The command line: argument parsing and dispatch. Each subcommand lives in its own file
//! with a clap `Args` struct and an `exec` function; this file only routes.

mod apply;
pub(crate) mod backend;
mod context;
mod export;
mod init;
mod lock;
pub(crate) mod plan;
mod schema;
mod validate;

use crate::printer::Printer;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit codes, the same for every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success; for `plan --detailed-exitcode`, no changes.
    Ok = 0,
    /// An error: bad input, a failed step, a refused apply.
    Error = 1,
    /// `plan --detailed-exitcode`: there are changes.
    Changes = 2,
    /// Apply refused by a safety rule (protected channels) without --force.
    Blocked = 3,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// Manage Alibaba Cloud Chat App Message Service (CAMS) channels as code.
#[derive(Debug, Parser)]
#[command(name = "chanctl", version, about, long_about = None)]
pub struct Cli {
    /// Print more detail (to stderr).
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a channels file: YAML, schema and semantic rules.
    Validate(validate::Args),
    /// Show what apply would change.
    Plan(plan::Args),
    /// Change the account to match the file.
    Apply(apply::Args),
    /// Print the JSON Schema of channels.yaml.
    Schema,
    /// Write the live account as a channels file.
    Export(export::Args),
    /// Write a commented starter channels.yaml.
    Init(init::Args),
    /// See or clear the lock that keeps applies to one account one at a time.
    Lock(lock::Args),
    /// Print shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Parse arguments, run the command, return the process exit code.
pub fn main() -> ExitCode {
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    // Whether `apply` was given -f explicitly (a saved plan is then checked against it).
    let explicit_file = matches
        .subcommand_matches("apply")
        .and_then(|m| m.value_source("file"))
        == Some(clap::parser::ValueSource::CommandLine);
    let printer = Printer::from_env(cli.verbose);
    let exit = match cli.command {
        Command::Validate(args) => validate::exec(&args, &printer),
        Command::Plan(args) => plan::exec(&args, &printer),
        Command::Apply(mut args) => {
            args.file_explicit = explicit_file;
            apply::exec(&args, &printer)
        }
        Command::Schema => schema::exec(&printer),
        Command::Export(args) => export::exec(&args, &printer),
        Command::Init(args) => init::exec(&args, &printer),
        Command::Lock(args) => lock::exec(&args, &printer),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "chanctl", &mut out);
            printer.out(&String::from_utf8_lossy(&out));
            Exit::Ok
        }
    };
    exit.into()
}
