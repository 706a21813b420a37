//! `chanctl apply`: plan under the account's lock, show the plan, confirm, run the steps.

use super::Exit;
use super::context::{BackendArgs, FileArgs, load_file, open_sandbox_write, runtime};
use crate::apply::{self, ApplyOptions, Event};
use crate::plan::{self, Plan, PlanOptions};
use crate::printer::Printer;
use crate::provider::{Outcome, Provider};
use crate::render;
use std::io::BufRead;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub file: FileArgs,
    #[command(flatten)]
    pub backend: BackendArgs,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    /// Delete live channels that the file does not declare.
    #[arg(long)]
    pub prune: bool,
    /// Run steps that delete or rebind protected channels.
    #[arg(long)]
    pub force: bool,
}

pub fn exec(args: &Args, printer: &Printer) -> Exit {
    match run(args, printer) {
        Ok(exit) | Err(exit) => exit,
    }
}

fn run(args: &Args, printer: &Printer) -> Result<Exit, Exit> {
    let desired = load_file(&args.file.file, printer)?;
    let path = args.backend.sandbox_path(&args.file.file);
    let sandbox = open_sandbox_write(&path, desired.quota, printer)?;
    let rt = runtime(printer)?;
    let live = rt.block_on(sandbox.read()).map_err(|e| {
        printer.error(&e.to_string());
        Exit::Error
    })?;
    let options = PlanOptions {
        prune: args.prune,
        target: sandbox.target(),
    };
    let plan = plan::build(&desired, &live, &options).map_err(|e| {
        printer.error(&e.to_string());
        Exit::Error
    })?;
    printer.out(&render::text::render(&plan, printer.out_style));
    if plan.is_empty() {
        return Ok(Exit::Ok);
    }
    check_protected(&plan, args.force, printer)?;
    confirm(args.auto_approve, printer)?;
    let report = rt.block_on(apply::apply(
        &plan,
        &sandbox,
        ApplyOptions::default(),
        |event| print_event(printer, event),
    ));
    Ok(finish(&plan, &report, printer))
}

/// Refuse (exit 3) when steps touch protected channels and --force is absent.
pub fn check_protected(plan: &Plan, force: bool, printer: &Printer) -> Result<(), Exit> {
    let protected: Vec<_> = plan.protected_steps().collect();
    if protected.is_empty() || force {
        return Ok(());
    }
    printer.error(&format!(
        "blocked by a safety rule: {} step{} would delete or rebind protected channels ({}); nothing was changed. Re-run with --force to allow it.",
        protected.len(),
        if protected.len() == 1 { "" } else { "s" },
        protected
            .iter()
            .map(|s| format!("{} {}", s.action.as_str(), s.channel))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Err(Exit::Blocked)
}

/// Ask on a terminal; refuse without one unless --auto-approve.
pub fn confirm(auto_approve: bool, printer: &Printer) -> Result<(), Exit> {
    if auto_approve {
        return Ok(());
    }
    if !printer.stdin_is_terminal() {
        printer.error("refusing to apply without confirmation: standard input is not a terminal. Pass --auto-approve to apply without asking.");
        return Err(Exit::Error);
    }
    eprint!("\nDo you want to apply these steps? Only 'yes' is accepted: ");
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if answer.trim() == "yes" {
        Ok(())
    } else {
        printer.err("Apply cancelled; nothing was changed.");
        Err(Exit::Error)
    }
}

pub fn print_event(printer: &Printer, event: Event<'_>) {
    let style = printer.err_style;
    match event {
        Event::Done { step, outcome } => {
            let extra = match outcome {
                Outcome::Created(id) => format!(" ({id})"),
                Outcome::Done(crate::model::BindState::Pending) => " (pending review)".to_string(),
                Outcome::Done(_) => String::new(),
            };
            printer.err(&format!(
                "  {} {} {}: done{extra}",
                style.green("✓"),
                step.action.as_str(),
                step.channel
            ));
        }
        Event::Failed { step, error } => {
            printer.err(&format!(
                "  {} {} {}: {error}",
                style.red("✗"),
                step.action.as_str(),
                step.channel
            ));
        }
    }
}

/// Say what was done, what failed and what was not tried.
pub fn finish(plan: &Plan, report: &apply::ApplyReport, printer: &Printer) -> Exit {
    if report.succeeded() {
        printer.out(&format!(
            "\nApply complete: {}.\n",
            plan.summary.done_line()
        ));
        return Exit::Ok;
    }
    printer.error(&format!(
        "apply stopped: {} step{} failed, {} done, {} not tried.",
        report.failed.len(),
        if report.failed.len() == 1 { "" } else { "s" },
        report.done.len(),
        report.not_run.len()
    ));
    for (i, e) in &report.failed {
        let s = &plan.steps[*i];
        printer.err(&format!(
            "  failed: {} {}: {e}",
            s.action.as_str(),
            s.channel
        ));
    }
    for i in &report.not_run {
        let s = &plan.steps[*i];
        printer.err(&format!("  not tried: {} {}", s.action.as_str(), s.channel));
    }
    printer.err("Run `chanctl plan` to see what is left.");
    Exit::Error
}
