//! `chanctl apply`: plan under the account's lock, show the plan, confirm, run the steps;
//! or, given a saved plan file, run exactly that plan if the account has not moved, it was
//! made for the same environment, and its sensitive values still read the same.

use super::Exit;
use super::backend::with_provider;
use super::context::{AccountArgs, ScopeArgs, load_file, runtime, secret_keeping};
use super::plan::load_and_plan;
use crate::apply::{self, ApplyOptions, Event};
use crate::model::LiveState;
use crate::plan::{FORMAT_VERSION, Plan, redact, staleness};
use crate::printer::Printer;
use crate::provider::{Outcome, Provider};
use crate::render;
use crate::sensitive::Secrets;
use std::io::BufRead;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A plan saved with `chanctl plan --out FILE`: apply exactly it, without re-planning.
    #[arg(value_name = "PLAN")]
    pub plan: Option<PathBuf>,
    #[command(flatten)]
    pub account: AccountArgs,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    /// Delete live channels that the file does not declare.
    #[arg(long)]
    pub prune: bool,
    /// Run a plan that a safety rule blocks: steps that delete or rebind protected channels,
    /// or more changes than `safety.max_change_percent` allows.
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
    let account = &args.account;
    let env = account.env.name();
    // One apply at a time per CAMS account and environment (held until `run` returns).
    let lock = super::lock::for_apply(account, printer)?;
    // `plan` runs (with the real values); `shown` is what is printed (sensitive ones redacted).
    let (plan, shown, backend, printer) = match &args.plan {
        Some(path) => {
            let plan = read_saved(path, printer)?;
            let given = account.file.file.display().to_string();
            if args.file_explicit && given != plan.source.file {
                printer.error(&format!(
                    "the saved plan was made from {}, not from {given}; nothing was changed",
                    plan.source.file
                ));
                return Err(Exit::Error);
            }
            // Before opening anything: the environment decides the sandbox file.
            check_environment(&plan, env, printer)?;
            let backend = account.open(plan.quota, true, printer)?;
            let live = check_saved(&plan, &backend, &rt, printer)?;
            let (real, printer) = restore_sensitive(&plan, &live, printer)?;
            (real, plan, backend, printer)
        }
        None => {
            let (plan, desired, backend, printer) =
                load_and_plan(account, args.prune, &args.scope, true, &rt, printer)?;
            let secrets = Secrets::new(desired.sensitive_values());
            let (shown, hidden) = redact::redact(plan.clone(), &secrets, &desired.sensitive);
            (plan, shown, backend, printer.with_secrets(hidden))
        }
    };
    let printer = &printer;
    printer.out(&render::text::render(&shown, printer.out_style));
    if plan.is_empty() {
        lock.settled();
        return Ok(Exit::Ok);
    }
    check_safety(&plan, args.force, printer)?;
    // A saved plan was reviewed when it was made; a fresh one is confirmed now.
    if args.plan.is_none() {
        confirm(args.auto_approve, printer)?;
    }
    // Enough steps in flight to keep the token bucket busy at high latency.
    let options = ApplyOptions {
        concurrency: account.backend.qps.clamp(8, 64) as usize,
        recheck: args.plan.is_some(),
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
    let journal = lock.start_journal(printer)?;
    let report = with_provider!(&backend, p => rt.block_on(apply::apply_journaled(&plan, p, options, Some(&journal), |event| {
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
    journal.close();
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

/// Refuse a saved plan made for another environment than the one given now (`--env`, or
/// none): each environment is its own account, with its own overrides.
fn check_environment(plan: &Plan, env: Option<&str>, printer: &Printer) -> Result<(), Exit> {
    if plan.environment.as_deref() == env {
        return Ok(());
    }
    let name = |e: Option<&str>| match e {
        Some(e) => format!("environment `{e}`"),
        None => "the file as written (no --env)".to_string(),
    };
    let how = match &plan.environment {
        Some(e) => format!("Pass --env {e} (or set CHANCTL_ENV={e}) to apply it."),
        None => "Apply it without --env (and with CHANCTL_ENV unset).".to_string(),
    };
    printer.error(&format!(
        "the saved plan was made for {}, not for {}; nothing was changed. {how}",
        name(plan.environment.as_deref()),
        name(env)
    ));
    Err(Exit::Error)
}

/// A saved plan holds sensitive values only as digests. Re-read them from the plan's source
/// file (for the plan's environment, from the same `${VAR}` references) and, for values the
/// account holds now, from `live` (which the plan was checked to be made from); put them
/// back; refuse when one matches none. Also returns a printer that keeps the values out.
fn restore_sensitive(
    plan: &Plan,
    live: &LiveState,
    printer: &Printer,
) -> Result<(Plan, Printer), Exit> {
    if redact::redacted_count(plan) == 0 {
        return Ok((plan.clone(), *printer));
    }
    let refuse = |why: String| {
        printer.error(&format!(
            "the saved plan holds sensitive values, {why}; nothing was changed. Run `chanctl plan` again."
        ));
        Exit::Error
    };
    if plan.source.file.is_empty() {
        return Err(refuse(
            "but names no channels file to read them from".into(),
        ));
    }
    let file = std::path::Path::new(&plan.source.file);
    let desired = load_file(file, plan.environment.as_deref(), printer)
        .map_err(|_| refuse(format!("and {} does not load", plan.source.file)))?;
    let printer = secret_keeping(printer, &desired);
    let held = live
        .channels
        .iter()
        .flat_map(|c| c.binding.iter().flat_map(|b| b.fields()))
        .map(|(_, v)| v.to_string());
    let known = Secrets::new(desired.sensitive_values().into_iter().chain(held));
    match redact::restore(plan.clone(), &known) {
        Ok((real, restored)) => Ok((real, printer.with_secrets(restored))),
        Err(changed) => Err(refuse(format!(
            "and {} of them ({}) no longer read{} the same from {}: a `${{VAR}}` or the file changed since the plan was made",
            changed.len(),
            changed.join(", "),
            if changed.len() == 1 { "s" } else { "" },
            plan.source.file
        ))),
    }
}

/// Refuse a plan made for another account, or one the account has moved away from; the
/// account as it is (the same as when the plan was made).
fn check_saved(
    plan: &Plan,
    backend: &super::backend::Backend,
    rt: &tokio::runtime::Runtime,
    printer: &Printer,
) -> Result<LiveState, Exit> {
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
    Ok(live)
}

/// Refuse (exit 3) when a safety rule blocks the plan (protected channels, too large a
/// share of the managed channels) and --force is absent.
pub fn check_safety(plan: &Plan, force: bool, printer: &Printer) -> Result<(), Exit> {
    let blocks = plan.blocks();
    if blocks.is_empty() || force {
        return Ok(());
    }
    let reasons: Vec<&str> = blocks.iter().map(|b| b.message.as_str()).collect();
    printer.error(&format!(
        "blocked by a safety rule: {}; nothing was changed. Re-run with --force to allow it.",
        reasons.join("; and ")
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
