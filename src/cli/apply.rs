//! `chanctl apply`: take the lock and plan (or check a saved plan), show the plan, confirm a
//! fresh one, run the steps with one line (or a progress bar) per step, and say how it went.

use super::args::{AccountArgs, ScopeArgs};
use super::{Error, Exit, Result};
use crate::apply::Event;
use crate::model::BindState;
use crate::ops::{self, Context};
use crate::printer::Printer;
use crate::provider::Outcome;
use crate::render;
use std::io::BufRead;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A plan saved with `chanctl plan --out FILE`: apply exactly it, without re-planning.
    /// A saved plan never asks for confirmation (it was reviewed when it was made, as with
    /// `terraform apply PLANFILE`); a fresh plan asks on a terminal unless --auto-approve.
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
    /// Delete and re-create this approved template when it changed (an approved template
    /// cannot be modified; its review starts over). Repeatable.
    #[arg(long = "replace", value_name = "NAME")]
    pub replace: Vec<String>,
    /// Run a plan that a safety rule blocks: steps that delete or rebind protected channels,
    /// or more changes than `safety.max_change_percent` allows.
    #[arg(long)]
    pub force: bool,
    /// Also write the result as JSON to this file: each step with its outcome, created
    /// instance id, error and duration (written whether the steps succeed or fail).
    #[arg(long, visible_alias = "json", value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// The one-time code sent to a WhatsApp number being registered: NUMBER=CODE, the number
    /// in E.164 form (repeatable). Finishes a registration an earlier apply started without a
    /// terminal; on a terminal, apply asks for the code instead.
    #[arg(long = "verify-code", value_name = "NUMBER=CODE")]
    pub verify_code: Vec<String>,
    /// How long to wait for the account's lock while another apply holds it, as
    /// `terraform apply -lock-timeout` does: `30s`, `5m`, `1h30m`; `0` (the default) fails
    /// at once, naming the holder.
    #[arg(
        long,
        value_name = "DURATION",
        env = "CHANCTL_LOCK_TIMEOUT",
        default_value = "0",
        value_parser = crate::lock::parse_duration
    )]
    pub lock_timeout: std::time::Duration,
}

pub fn exec(args: &Args, file_explicit: bool, ctx: &Context, printer: &Printer) -> Result {
    let mut account = args.account.account()?;
    account.lock_timeout = args.lock_timeout;
    let codes = crate::provider::Codes::parse(&args.verify_code).map_err(ops::Error::Usage)?;
    // On a terminal a person types in the code sent to a number being registered.
    account.codes = if printer.stdin_is_terminal() && args.plan.is_none() {
        codes.asking(ask_code(ctx.scrubber))
    } else {
        codes
    };
    let prepared = ops::apply::prepare(
        ctx,
        &ops::apply::Request {
            account: &account,
            saved: args.plan.clone(),
            file_explicit,
            prune: args.prune,
            replace_templates: args.replace.clone(),
            scope: args.scope.scope(),
            qps: args.account.backend.qps,
        },
    )?;
    printer.out(&render::text::render_forced(
        &prepared.shown,
        printer.out_style,
        args.force,
    ));
    if prepared.settle_if_empty() {
        if let Some(path) = &args.report {
            let none = crate::apply::ApplyReport::default();
            let result = ops::report::build(
                &prepared.shown,
                &none,
                prepared.is_saved(),
                Default::default(),
            );
            ops::report::write(ctx, path, &result)?;
        }
        return Ok(Exit::Ok);
    }
    prepared.check_safety(args.force)?;
    // A saved plan was reviewed when it was made; a fresh one is confirmed now.
    if !prepared.is_saved() {
        confirm(args.auto_approve, printer)?;
    }
    // On a terminal, one line per finished step above a progress bar (the bar is cleared at
    // the end, the lines stay); one plain line per step otherwise. Each as the step finishes.
    let bar = (printer.err_is_terminal() && !printer.verbose).then(|| {
        let bar = indicatif::ProgressBar::new(prepared.shown.steps.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} steps {elapsed} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let applied = prepared.run(|event| match &bar {
        Some(bar) => {
            let finished = !matches!(event, Event::Interrupted { .. } | Event::Settling { .. });
            bar.suspend(|| print_event(printer, event));
            if finished {
                bar.inc(1);
            }
        }
        None => print_event(printer, event),
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(path) = &args.report {
        match &applied {
            Ok(done) => ops::report::write(ctx, path, &done.result)?,
            // The failure is the error to report; a report that cannot be written is a warning.
            Err(ops::Error::ApplyFailed(failure) | ops::Error::Interrupted(failure)) => {
                if let Err(e) = ops::report::write(ctx, path, &failure.result) {
                    printer.err(&format!("warning: {e}"));
                }
            }
            Err(_) => {}
        }
    }
    let applied = applied?;
    printer.out(&format!(
        "\nApply complete: {}.\n",
        applied.done.done_line()
    ));
    Ok(Exit::Ok)
}

/// Asks on the terminal for the one-time code sent to a number (the number scrubbed like
/// every output); an empty answer gives none, and the number then waits for its code.
fn ask_code(scrubber: &'static crate::scrub::Scrubber) -> crate::provider::codes::Ask {
    std::sync::Arc::new(move |number: &str| {
        let prompt = format!(
            "\nEnter the one-time code sent to {number} (empty: finish later with --verify-code): "
        );
        eprint!("{}", scrubber.scrub(&prompt));
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        Some(answer.trim().to_string()).filter(|a| !a.is_empty())
    })
}

/// Ask on a terminal; refuse without one unless --auto-approve.
fn confirm(auto_approve: bool, printer: &Printer) -> Result<()> {
    if auto_approve {
        return Ok(());
    }
    if !printer.stdin_is_terminal() {
        return Err(Error::NoTerminal);
    }
    eprint!("\nDo you want to apply these steps? Only 'yes' is accepted: ");
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if answer.trim() == "yes" {
        Ok(())
    } else {
        Err(Error::Cancelled)
    }
}

fn print_event(printer: &Printer, event: Event<'_>) {
    let style = printer.err_style;
    let (mark, step, what) = match event {
        Event::Settling { creates, wait } => {
            printer.err(&format!(
                "  {} {creates} {} had a lost answer: waiting {} s (--settle-window) for any \
                 attempt still on its way, then looking for duplicates it left",
                style.yellow("…"),
                crate::render::plural(creates, "create", "creates"),
                crate::settle::seconds(wait)
            ));
            return;
        }
        Event::Done { step, .. } if step.twin.is_some() => {
            printer.err(&format!("  {} {}", style.green("✓"), step.reason));
            return;
        }
        Event::Interrupted { in_flight, grace } => {
            printer.err(&format!(
                "Interrupted: no further step is sent; waiting up to {} s for the {in_flight} {} in flight (Ctrl-C again to exit at once).",
                grace.as_secs(),
                crate::render::plural(in_flight, "step", "steps")
            ));
            return;
        }
        Event::Done { step, outcome } => match outcome {
            Outcome::Created(id) => (style.green("✓"), step, format!("done ({id})")),
            Outcome::Done(BindState::Pending) => (
                style.yellow("…"),
                step,
                "submitted, pending review (not bound until the review passes)".to_string(),
            ),
            Outcome::Done(BindState::Unverified) => {
                (style.yellow("…"), step, waiting_for_code(step))
            }
            Outcome::Done(_) => (style.green("✓"), step, "done".to_string()),
        },
        // A template step the service refuses (an approved template changed): why, once.
        Event::Failed { step, error } if step.manual.is_some() && step.template.is_some() => {
            (style.red("✗"), step, format!("nothing sent: {error}"))
        }
        // The plan above gave a manual step's reason; it is not repeated.
        Event::Failed { step, .. } if step.manual.is_some() => (
            style.red("✗"),
            step,
            "manual step, nothing sent: do it in the CAMS console as the plan says".to_string(),
        ),
        Event::Failed { step, error } => (style.red("✗"), step, error.to_string()),
    };
    printer.err(&format!(
        "  {mark} {} {}: {what}",
        step.action.as_str(),
        step.subject()
    ));
}

/// What a bind that added a WhatsApp number and sent it a code says: how to finish it.
fn waiting_for_code(step: &crate::plan::Step) -> String {
    let numbers: Vec<&str> = match step.after.as_ref().and_then(|a| a.binding.as_ref()) {
        // Of several numbers, those registered by chanctl (named): the others were on the
        // WABA already.
        Some(crate::model::Binding::Whatsapp(w)) if w.is_list() => w
            .numbers()
            .into_iter()
            .filter(|(_, name)| name.is_some())
            .map(|(n, _)| n)
            .collect(),
        Some(crate::model::Binding::Whatsapp(w)) => {
            w.numbers().into_iter().map(|(n, _)| n).collect()
        }
        _ => Vec::new(),
    };
    match numbers.as_slice() {
        [] | [_] => format!(
            "the number is added and a one-time code was sent to it; not bound until verified: \
             run `chanctl apply --verify-code {}=CODE` with that code",
            numbers.first().copied().unwrap_or("NUMBER")
        ),
        several => {
            let flags: Vec<String> = several
                .iter()
                .map(|n| format!("--verify-code {n}=CODE"))
                .collect();
            format!(
                "the numbers are added and a one-time code was sent to each; not bound until \
                 verified: run `chanctl apply {}` with their codes (for those that wait)",
                flags.join(" ")
            )
        }
    }
}
