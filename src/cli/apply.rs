//! `chanctl apply`: plan under the account's lock, show the plan, confirm, run the steps;
//! or, given a saved plan file, run exactly that plan if the account has not moved.

use super::Exit;
use super::backend::{BackendArgs, with_provider};
use super::context::{FileArgs, ScopeArgs, load_file_with_source, runtime};
use super::plan::read_and_plan;
use crate::apply::{self, ApplyOptions, Event};
use crate::plan::{FORMAT_VERSION, Plan, staleness};
use crate::printer::Printer;
use crate::provider::{Outcome, Provider};
use crate::render;
use std::io::BufRead;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A plan saved with `chanctl plan --out FILE`: apply exactly it, without re-planning.
    #[arg(value_name = "PLAN")]
    pub plan: Option<PathBuf>,
    #[command(flatten)]
    pub file: FileArgs,
    #[command(flatten)]
    pub backend: BackendArgs,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    /// Delete live channels that the file does not declare.
    #[arg(long)]
    pub prune: bool,
    /// Run steps that delete or rebind protected channels.
    #[arg(long)]
    pub force: bool,
    /// Set by the dispatcher: `-f` was given on the command line.
    #[arg(skip)]
    pub file_explicit: bool,
}

pub fn exec(args: &Args, printer: &Printer) -> Exit {
    match run(args, printer) {
        Ok(exit) | Err(exit) => exit,
    }
}

fn run(args: &Args, printer: &Printer) -> Result<Exit, Exit> {
    let rt = runtime(printer)?;
    let (plan, backend) = match &args.plan {
        Some(path) => {
            let plan = read_saved(path, printer)?;
            let given = args.file.file.display().to_string();
            if args.file_explicit && given != plan.source.file {
                printer.error(&format!(
                    "the saved plan was made from {}, not from {given}; nothing was changed",
                    plan.source.file
                ));
                return Err(Exit::Error);
            }
            let backend = args
                .backend
                .open(&args.file.file, plan.quota, true, printer)?;
            check_saved(&plan, &backend, &rt, printer)?;
            (plan, backend)
        }
        None => {
            let (desired, source) = load_file_with_source(&args.file.file, printer)?;
            let backend = args
                .backend
                .open(&args.file.file, desired.quota, true, printer)?;
            let plan = read_and_plan(
                &backend,
                &desired,
                source,
                args.prune,
                &args.scope,
                &rt,
                printer,
            )?;
            (plan, backend)
        }
    };
    printer.out(&render::text::render(&plan, printer.out_style));
    if plan.is_empty() {
        return Ok(Exit::Ok);
    }
    check_protected(&plan, args.force, printer)?;
    // A saved plan was reviewed when it was made; a fresh one is confirmed now.
    if args.plan.is_none() {
        confirm(args.auto_approve, printer)?;
    }
    // Enough steps in flight to keep the token bucket busy at high latency.
    let options = ApplyOptions {
        concurrency: args.backend.qps.clamp(8, 64) as usize,
    };
    // A progress bar on a terminal (only failures and pending reviews printed above it);
    // one plain line per step otherwise.
    let bar = (printer.err_is_terminal() && !printer.verbose).then(|| {
        let bar = indicatif::ProgressBar::new(plan.steps.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} steps {elapsed} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let report = with_provider!(&backend, p => rt.block_on(apply::apply(&plan, p, options, |event| {
        match &bar {
            Some(bar) => {
                bar.inc(1);
                let quiet = matches!(event, Event::Done { outcome: Outcome::Created(_) | Outcome::Done(crate::model::BindState::Bound), .. });
                if !quiet {
                    bar.suspend(|| print_event(printer, event));
                }
            }
            None => print_event(printer, event),
        }
    })));
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(finish(&plan, &report, printer))
}

fn read_saved(path: &std::path::Path, printer: &Printer) -> Result<Plan, Exit> {
    let fail = |m: String| {
        printer.error(&m);
        Exit::Error
    };
    let bytes =
        std::fs::read(path).map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        fail(format!(
            "{} is not a plan file (not JSON: {e})",
            path.display()
        ))
    })?;
    match value.get("format_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(FORMAT_VERSION) => {}
        Some(v) => {
            return Err(fail(format!(
                "{} is a plan of format version {v}; this chanctl applies version {FORMAT_VERSION}",
                path.display()
            )));
        }
        None => {
            return Err(fail(format!(
                "{} is not a plan file (no format_version)",
                path.display()
            )));
        }
    }
    serde_json::from_value(value)
        .map_err(|e| fail(format!("{} is not a valid plan: {e}", path.display())))
}

/// Refuse a plan made for another account, or one the account has moved away from.
fn check_saved(
    plan: &Plan,
    backend: &super::backend::Backend,
    rt: &tokio::runtime::Runtime,
    printer: &Printer,
) -> Result<(), Exit> {
    let fail = |m: String| {
        printer.error(&m);
        Exit::Error
    };
    let (target, live) = with_provider!(backend, p => (p.target(), rt.block_on(p.read())));
    if target != plan.target {
        return Err(fail(format!(
            "the saved plan was made for {} {}, not for {} {}; nothing was changed",
            plan.target.backend, plan.target.account, target.backend, target.account
        )));
    }
    let live = live.map_err(|e| fail(e.to_string()))?;
    if live.fingerprint() != plan.live_fingerprint {
        let what = staleness(&plan.live_channels, &live)
            .unwrap_or_else(|| "the account differs".to_string());
        return Err(fail(format!(
            "Saved plan is stale: the account changed since it was made ({what}). Nothing was changed; run `chanctl plan` again."
        )));
    }
    Ok(())
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
            let (mark, what) = match outcome {
                Outcome::Created(id) => (style.green("✓"), format!("done ({id})")),
                Outcome::Done(crate::model::BindState::Pending) => (
                    style.yellow("…"),
                    "submitted, pending review (not bound until the review passes)".to_string(),
                ),
                Outcome::Done(_) => (style.green("✓"), "done".to_string()),
            };
            printer.err(&format!(
                "  {mark} {} {}: {what}",
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
