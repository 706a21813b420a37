//! The command line: arguments → options → one `ops` call → render. Each subcommand lives in
//! its own file with a clap `Args` struct and an `exec` function that returns an exit status
//! or an [`Error`]; this file routes, and is the one place that prints errors and chooses
//! exit codes ([`report`]).

mod apply;
pub mod args;
mod explain;
mod export;
mod init;
mod lock;
mod plan;
mod reading;
mod schema;
mod show;
mod validate;

use crate::diagnostic::{Report, github, json, sarif, terminal};
use crate::ops::{self, Note};
use crate::printer::Printer;
use clap::{Parser, Subcommand};
use std::process::ExitCode;
use std::sync::Arc;

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
    /// Interrupted by Ctrl-C (128 + SIGINT).
    Interrupted = 130,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// Why a command failed: an operation's error, or a refusal of the command line's own.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Ops(#[from] ops::Error),
    /// `apply` without a terminal to ask on, and without --auto-approve.
    #[error(
        "refusing to apply without confirmation: standard input is not a terminal. Pass --auto-approve to apply without asking."
    )]
    NoTerminal,
    /// The person at the terminal did not answer `yes`.
    #[error("Apply cancelled; nothing was changed.")]
    Cancelled,
    /// `validate --format json|github|sarif` found problems: they are the output.
    #[error("{}", ops::problems_in(reports))]
    Diagnostics {
        /// The channels file as named on the command line.
        file: String,
        /// A report for each file that has problems.
        reports: Vec<Report>,
        format: validate::Format,
        environment: Option<String>,
    },
}

/// What a command returns: its exit status, or why it failed.
pub type Result<T = Exit> = std::result::Result<T, Error>;

/// Manage Alibaba Cloud Chat App Message Service (CAMS) channels as code.
#[derive(Debug, Parser)]
#[command(name = "chanctl", version, about, long_about = None)]
pub struct Cli {
    /// Print more detail (to stderr): every API call and retry.
    #[arg(
        short,
        long,
        global = true,
        env = "CHANCTL_LOG",
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    pub verbose: bool,

    /// When to colour output: auto (a terminal, unless NO_COLOR; CLICOLOR_FORCE forces it),
    /// always or never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,

    #[command(subcommand)]
    pub command: Command,
}

/// `--color WHEN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a channels file: YAML, schema and semantic rules.
    Validate(validate::Args),
    /// Show what apply would change.
    Plan(plan::Args),
    /// Change the account to match the file.
    Apply(apply::Args),
    /// Show a plan saved with `plan --out`, without touching the account.
    Show(show::Args),
    /// Explain a diagnostic code.
    Explain(explain::Args),
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
    // Whether `apply` was given -f (or CHANCTL_FILE) explicitly: a saved plan is then
    // checked against it.
    let explicit_file = matches!(
        matches
            .subcommand_matches("apply")
            .and_then(|m| m.value_source("file")),
        Some(clap::parser::ValueSource::CommandLine | clap::parser::ValueSource::EnvVariable)
    );
    let color = match cli.color {
        Color::Auto => anstream::ColorChoice::Auto,
        Color::Always => anstream::ColorChoice::AlwaysAnsi,
        Color::Never => anstream::ColorChoice::Never,
    };
    let printer = Printer::from_env(cli.verbose, color);
    // Ctrl-C: an apply running its steps stops in order; anything else ends at once.
    crate::interrupt::install(|| eprintln!("\nInterrupted."));
    // Whatever the command, the credentials of the environment never reach an output.
    printer
        .scrubber()
        .add_environment_credentials(&|k| std::env::var(k).ok());
    let ctx = context(&printer);
    let result = match cli.command {
        Command::Validate(args) => validate::exec(&args, &ctx, &printer),
        Command::Plan(args) => plan::exec(&args, &ctx, &printer),
        Command::Apply(args) => apply::exec(&args, explicit_file, &ctx, &printer),
        Command::Show(args) => show::exec(&args, &printer),
        Command::Explain(args) => explain::exec(&args, &printer),
        Command::Schema => schema::exec(&printer),
        Command::Export(args) => export::exec(&args, &ctx, &printer),
        Command::Init(args) => init::exec(&args, &printer),
        Command::Lock(args) => lock::exec(&args, &printer),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "chanctl", &mut out);
            printer.out(&String::from_utf8_lossy(&out));
            Ok(Exit::Ok)
        }
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => report(&e, &printer).into(),
    }
}

/// The operations' context: notes go to stderr (`-v` ones only with -v), secrets to the
/// printer's scrubber.
fn context(printer: &Printer) -> ops::Context {
    let p = *printer;
    let notes: ops::Notes = Arc::new(move |note| match note {
        Note::Debug(line) => p.debug(&line),
        Note::Warning(line) => p.err(&format!("warning: {line}")),
        Note::Info(line) => p.err(&format!("note: {line}")),
        Note::Reading { done, total } => reading::show(&p, done, total),
        Note::ReadingTemplates { done, total } => reading::show_templates(&p, done, total),
    });
    ops::Context::new(notes, printer.verbose, printer.scrubber())
}

/// Print `error` and choose the exit code: the one place that does either.
pub fn report(error: &Error, printer: &Printer) -> Exit {
    match error {
        Error::Ops(e) => report_ops(e, printer),
        Error::NoTerminal => {
            printer.error(&error.to_string());
            Exit::Error
        }
        Error::Cancelled => {
            printer.err(&error.to_string());
            Exit::Error
        }
        Error::Diagnostics {
            file,
            reports,
            format,
            environment,
        } => {
            printer.out(&match format {
                validate::Format::Json => {
                    json::render(&json::invalid(file, reports, environment.as_deref()))
                }
                validate::Format::Github => github::render(reports),
                validate::Format::Sarif => sarif::render(reports, sarif_tool()),
                validate::Format::Text => terminal::render_all(reports, false),
            });
            printer.error(&error.to_string());
            Exit::Error
        }
    }
}

/// chanctl as a SARIF log names it.
pub fn sarif_tool() -> sarif::Tool<'static> {
    sarif::Tool {
        name: "chanctl",
        version: env!("CARGO_PKG_VERSION"),
        information_uri: env!("CARGO_PKG_REPOSITORY"),
    }
}

fn report_ops(error: &ops::Error, printer: &Printer) -> Exit {
    use ops::Error as E;
    match error {
        E::Invalid(reports) => {
            printer.err(&terminal::render_all(reports, printer.err_style.color));
            printer.err(&format!(
                "\n{} {}",
                printer.err_style.red("error:"),
                ops::problems_in(reports),
            ));
            Exit::Error
        }
        E::ChangedSecret {
            cause: Some(cause), ..
        }
        | E::ExportSource { cause, .. } => {
            report_ops(cause, printer);
            printer.error(&error.to_string());
            Exit::Error
        }
        E::ApplyFailed(failure) => {
            // Each failure was printed as its step finished; it is not printed again.
            printer.error(&error.to_string());
            if let Some(why) = &failure.quota_full {
                printer.err(&format!("Creates not tried: {why}."));
            }
            for (action, channel) in &failure.not_run {
                printer.err(&format!("  not tried: {action} {channel}"));
            }
            printer.err("Run `chanctl plan` to see what is left.");
            Exit::Error
        }
        E::Interrupted(failure) => {
            printer.error(&error.to_string());
            for (action, channel) in &failure.in_flight {
                printer.err(&format!("  no answer yet: {action} {channel}"));
            }
            for (action, channel) in &failure.not_run {
                printer.err(&format!("  not tried: {action} {channel}"));
            }
            printer.err("The lock is released. Run `chanctl plan` to see what is left.");
            Exit::Interrupted
        }
        E::SafetyBlock { .. } => {
            printer.error(&error.to_string());
            Exit::Blocked
        }
        _ => {
            printer.error(&error.to_string());
            Exit::Error
        }
    }
}
