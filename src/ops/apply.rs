//! `apply`: under the account's lock, either a fresh plan or a saved one (checked against the
//! file, the environment, the account and its sensitive values), then the steps. Split in two
//! so that a front end can show the plan and ask before anything changes: [`prepare`] gives a
//! [`Prepared`] apply, and [`Prepared::run`] carries it out.

use super::lock::ApplyLock;
use super::{Account, Backend, Context, Error};
use crate::apply::{self, ApplyOptions, ApplyReport, Event};
use crate::model::LiveState;
use crate::plan::{Plan, Scope, redact, staleness};
use crate::provider::Provider;
use crate::sensitive::Secrets;
use std::path::{Path, PathBuf};

/// What to apply.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub account: &'a Account,
    /// A plan saved with `plan --out`: apply exactly it.
    pub saved: Option<PathBuf>,
    /// The channels file was named explicitly (a saved plan must then come from it).
    pub file_explicit: bool,
    pub prune: bool,
    /// Approved templates to delete and re-create when they changed (`--replace NAME`).
    pub replace_templates: Vec<String>,
    pub scope: Scope,
    /// Requests per second per operation, which sizes how many steps run at once.
    pub qps: u32,
}

/// An apply ready to run: the plan holds the lock until it is run or dropped.
pub struct Prepared {
    /// The plan with the real values.
    plan: Plan,
    /// The plan as it is shown (sensitive values redacted).
    pub shown: Plan,
    backend: Backend,
    lock: ApplyLock,
    saved: bool,
    concurrency: usize,
}

/// What a successful apply did.
pub struct Applied {
    pub plan: Plan,
    /// What was done, by action; the binds pending review apart (`pending_review`), not
    /// counted as bound.
    pub done: crate::plan::Summary,
    pub report: ApplyReport,
    /// The same, for `apply --report FILE`.
    pub result: super::report::ApplyResult,
}

/// Steps failed: the plan and what became of each step.
#[derive(Debug)]
pub struct Failure {
    /// `(action, channel, error)` of each failed step.
    pub failed: Vec<(String, String, String)>,
    /// How many steps were done.
    pub done: usize,
    /// `(action, channel)` of each step not tried.
    pub not_run: Vec<(String, String)>,
    /// Why creates were not tried when the service refused one for the account's quota.
    pub quota_full: Option<String>,
    /// `(action, channel)` of each step sent whose answer was not awaited (Ctrl-C): the
    /// journal keeps them as in flight for the next apply.
    pub in_flight: Vec<(String, String)>,
    /// Each step with its outcome, for `apply --report FILE`.
    pub result: super::report::ApplyResult,
}

impl Failure {
    /// `N done, K not tried, J in flight (outcome unknown).`, for an interrupted apply.
    pub fn interrupted_headline(&self) -> String {
        let mut line = format!(
            "{} {} done, {} not tried",
            self.done,
            crate::render::plural(self.done, "step", "steps"),
            self.not_run.len()
        );
        if !self.failed.is_empty() {
            line.push_str(&format!(", {} failed", self.failed.len()));
        }
        if !self.in_flight.is_empty() {
            line.push_str(&format!(
                ", {} sent with no answer yet (the next apply reads what became of {})",
                self.in_flight.len(),
                crate::render::plural(self.in_flight.len(), "it", "them")
            ));
        }
        line.push('.');
        line
    }

    /// `N steps failed, M done, K not tried.`
    pub fn headline(&self) -> String {
        format!(
            "{} {} failed, {} done, {} not tried.",
            self.failed.len(),
            crate::render::plural(self.failed.len(), "step", "steps"),
            self.done,
            self.not_run.len()
        )
    }
}

/// Take the lock and make (or check) the plan.
pub fn prepare(ctx: &Context, request: &Request<'_>) -> Result<Prepared, Error> {
    let account = request.account;
    // The lock holds on one machine; CI runners need the CI's own mutual exclusion.
    if account.lock_key().is_some()
        && let Some(warning) = crate::lock::ci_warning(&|k| std::env::var(k).ok())
    {
        ctx.note(super::Note::Warning(warning));
    }
    // One apply at a time per account and environment (held until the apply is dropped).
    let lock = super::lock::for_apply(ctx, account)?;
    let concurrency = request.qps.clamp(8, 64) as usize;
    let (plan, shown, backend) = match &request.saved {
        Some(path) => {
            let plan = super::saved::read(path)?;
            let given = account.file.display().to_string();
            if request.file_explicit && given != plan.source.file {
                return Err(Error::WrongFile {
                    made_from: plan.source.file.clone(),
                    given,
                });
            }
            // Before opening anything: the environment decides the sandbox file.
            check_environment(&plan, account.environment.as_deref())?;
            // The account is read as the plan's file sees it (the Pages it names); a file that
            // no longer loads reads as naming none, and a plan that then differs is stale.
            let loaded = ctx
                .load(Path::new(&plan.source.file), plan.environment.as_deref())
                .ok();
            // The plan applies as it was reviewed; a file changed since is worth knowing.
            if let Some(l) = &loaded
                && !plan.source.digest.is_empty()
                && l.source.digest != plan.source.digest
            {
                ctx.note(super::Note::Warning(changed_since(
                    &plan.source.file,
                    &l.included,
                )));
            }
            let hints = loaded.map(|l| l.desired.read_hints()).unwrap_or_default();
            let backend = account.open(plan.quota, true, ctx, hints)?;
            let live = check_saved(&plan, &backend)?;
            let real = restore_sensitive(ctx, &plan, &live)?;
            (real, plan, backend)
        }
        None => {
            let planned = super::plan::plan(
                ctx,
                &super::plan::Request {
                    account,
                    prune: request.prune,
                    scope: request.scope.clone(),
                    write: true,
                    replace_templates: request.replace_templates.clone(),
                },
            )?;
            let shown = super::plan::shown(planned.plan.clone(), &planned.desired, ctx);
            (planned.plan, shown, planned.backend)
        }
    };
    Ok(Prepared {
        plan,
        shown,
        backend,
        lock,
        saved: request.saved.is_some(),
        concurrency,
    })
}

impl Prepared {
    /// Whether there is nothing to do. The account then matches the file, and what an
    /// interrupted apply left in its journal is settled.
    pub fn settle_if_empty(&self) -> bool {
        let empty = self.plan.is_empty();
        if empty {
            self.lock.settled();
        }
        empty
    }

    /// Whether the plan was saved (and so reviewed when it was made).
    pub fn is_saved(&self) -> bool {
        self.saved
    }

    /// Refuse when a safety rule blocks the plan (protected channels, too large a share of
    /// the managed channels) and `force` is not given.
    pub fn check_safety(&self, force: bool) -> Result<(), Error> {
        let blocks = self.plan.blocks();
        if blocks.is_empty() || force {
            return Ok(());
        }
        Err(Error::SafetyBlock {
            reasons: blocks.iter().map(|b| b.message.clone()).collect(),
        })
    }

    /// Run the steps, telling `on_event` of each as it finishes.
    pub fn run(self, on_event: impl FnMut(Event<'_>)) -> Result<Applied, Error> {
        let rt = super::runtime()?;
        let options = ApplyOptions {
            concurrency: self.concurrency,
            recheck: self.saved,
            interruptible: true,
            ..ApplyOptions::default()
        };
        let journal = self.lock.start_journal()?;
        // The first Ctrl-C from here stops the steps in order (see crate::interrupt).
        let graceful = crate::interrupt::graceful();
        let started = std::time::Instant::now();
        let report = rt.block_on(apply::apply_journaled(
            &self.plan,
            &self.backend,
            options,
            Some(&journal),
            on_event,
        ));
        drop(graceful);
        // Steps sent but not answered stay in the journal, for the next apply to report.
        if report.abandoned.is_empty() {
            journal.close();
        }
        let result = super::report::build(&self.shown, &report, self.saved, started.elapsed());
        if report.succeeded() {
            return Ok(Applied {
                done: done_summary(&self.shown, &report),
                plan: self.shown,
                report,
                result,
            });
        }
        let step = |i: usize| match self
            .shown
            .steps
            .get(i)
            .or_else(|| report.extra.iter().find(|s| s.index == i))
        {
            Some(s) => (s.action.as_str().to_string(), s.subject()),
            None => (String::from("step"), i.to_string()),
        };
        let failure = Box::new(Failure {
            failed: report
                .failed
                .iter()
                .map(|(i, e)| {
                    let (action, channel) = step(*i);
                    (action, channel, e.to_string())
                })
                .collect(),
            done: report.done.len(),
            not_run: report.not_run.iter().map(|i| step(*i)).collect(),
            in_flight: report.abandoned.iter().map(|i| step(*i)).collect(),
            quota_full: report.quota_full.as_ref().map(|e| {
                format!(
                    "the service refused a create because the account's channel quota is full ({e}); no further create was sent. The file's `account.quota` ({}) is above the account's own quota: lower it to what the account allows, or ask Alibaba Cloud to raise the account's quota",
                    self.shown.quota
                )
            }),
            result,
        });
        if report.interrupted {
            return Err(Error::Interrupted(failure));
        }
        Err(Error::ApplyFailed(failure))
    }
}

/// The steps done, by action, with those left pending review counted apart.
fn done_summary(plan: &Plan, report: &ApplyReport) -> crate::plan::Summary {
    use crate::model::BindState;
    use crate::provider::Outcome;
    let state = |i: &usize| match report.outcomes.get(i) {
        Some(Outcome::Done(state)) => Some(*state),
        _ => None,
    };
    let pending = |i: &usize| matches!(state(i), Some(BindState::Pending | BindState::Unverified));
    let done: Vec<_> = report
        .done
        .iter()
        .filter(|i| !pending(i))
        // A step apply added (a twin's removal) is numbered after the plan's.
        .filter_map(|&i| {
            plan.steps
                .get(i)
                .or_else(|| report.extra.iter().find(|s| s.index == i))
                .cloned()
        })
        .collect();
    let mut summary = crate::plan::Summary::of(&done, 0);
    let count = |want: BindState| {
        report
            .done
            .iter()
            .filter(|i| state(i) == Some(want))
            .count()
    };
    summary.pending_review = count(BindState::Pending);
    summary.waiting_for_code = count(BindState::Unverified);
    summary
}

/// Refuse a saved plan made for another environment than the one given now (`--env`, or
/// none): each environment is its own account, with its own overrides.
fn check_environment(plan: &Plan, env: Option<&str>) -> Result<(), Error> {
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
    Err(Error::WrongEnvironment {
        plan: name(plan.environment.as_deref()),
        given: name(env),
        how,
    })
}

/// Refuse a plan made for another account, or one the account has moved away from; the
/// account as it is (the same as when the plan was made).
fn check_saved(plan: &Plan, backend: &Backend) -> Result<LiveState, Error> {
    let rt = super::runtime()?;
    let target = backend.target();
    if target != plan.target {
        return Err(Error::WrongAccount {
            plan: format!("{} {}", plan.target.backend, plan.target.account),
            given: format!("{} {}", target.backend, target.account),
        });
    }
    let live = rt.block_on(backend.read())?;
    if live.fingerprint() != plan.live.fingerprint() {
        let what = staleness(plan.live.channels(), &live)
            .unwrap_or_else(|| "the account differs".to_string());
        return Err(Error::StalePlan { what });
    }
    Ok(live)
}

/// What to say when the channels file, or a file it includes, is not what the saved plan
/// was made from.
fn changed_since(file: &str, included: &[String]) -> String {
    let which = if included.is_empty() {
        file.to_string()
    } else {
        format!("{file} or a file it includes ({})", included.join(", "))
    };
    format!(
        "{which} changed since the plan was made: the saved plan is applied as it was made, \
         not as the files read now; run `chanctl plan` again to see what they would do"
    )
}

/// A saved plan holds sensitive values only as digests. Re-read them from the plan's source
/// file (for the plan's environment, from the same `${VAR}` references) and, for values the
/// account holds now, from `live` (which the plan was checked to be made from); put them
/// back; refuse when one matches none. The values are added to the scrubber.
fn restore_sensitive(ctx: &Context, plan: &Plan, live: &LiveState) -> Result<Plan, Error> {
    if redact::redacted_count(plan) == 0 {
        return Ok(plan.clone());
    }
    let refuse = |why: String| Error::ChangedSecret { why, cause: None };
    if plan.source.file.is_empty() {
        return Err(refuse(
            "but names no channels file to read them from".into(),
        ));
    }
    let file = Path::new(&plan.source.file);
    let loaded = ctx
        .load(file, plan.environment.as_deref())
        .map_err(|e| Error::ChangedSecret {
            why: format!("and {} does not load", plan.source.file),
            cause: Some(Box::new(e)),
        })?;
    let held = live
        .channels
        .iter()
        .flat_map(|c| c.binding.iter().flat_map(|b| b.fields()))
        .map(|(_, v)| v.to_string());
    let known = Secrets::new(loaded.desired.sensitive_values().into_iter().chain(held));
    match redact::restore(plan.clone(), &known) {
        Ok((real, restored)) => {
            ctx.scrubber.add(&restored);
            Ok(real)
        }
        Err(changed) => Err(refuse(format!(
            "and {} of them ({}) no longer {} the same from {}: a `${{VAR}}` or the file changed since the plan was made",
            changed.len(),
            changed.join(", "),
            crate::render::plural(changed.len(), "reads", "read"),
            plan.source.file
        ))),
    }
}
