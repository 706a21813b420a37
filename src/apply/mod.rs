//! Carrying out a plan: the steps in order, each wave's steps concurrently, stopping at the
//! first failure and saying what was done, what failed and what was not tried.
//!
//! Apply takes only a plan and a provider. It does not diff or re-plan; it reports through
//! a callback so that the caller decides how to print. With a [`Journal`], each step is
//! recorded before it is sent and after it is answered, so that a killed apply leaves
//! evidence of what was in flight.

mod precondition;

pub use precondition::precondition;

use crate::journal::Journal;
use crate::plan::{Action, Plan, Step};
use crate::provider::{Outcome, Provider, ProviderError};
use chanctl_cams::usage::Usage;
use futures_util::stream::{self, StreamExt};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How apply runs.
#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    /// Most steps of one wave in flight at once.
    pub concurrency: usize,
    /// Before each wave, re-read the account and check that each step still finds what the
    /// plan saw (for saved plans, which were made earlier).
    pub recheck: bool,
    /// Stop in order on Ctrl-C ([`crate::interrupt`]): send no further step and wait for
    /// those in flight, at most `grace`.
    pub interruptible: bool,
    pub grace: Duration,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            concurrency: 8,
            recheck: false,
            interruptible: false,
            grace: Duration::from_secs(30),
        }
    }
}

/// What happened to one step.
#[derive(Debug)]
pub enum Event<'a> {
    Done {
        step: &'a Step,
        outcome: &'a Outcome,
    },
    Failed {
        step: &'a Step,
        error: &'a ProviderError,
    },
    /// Ctrl-C: no further step is sent; those in flight are awaited for at most `grace`.
    Interrupted { in_flight: usize, grace: Duration },
    /// Creates whose answer was lost: apply waits `wait`, then looks for twins they left.
    Settling { creates: usize, wait: Duration },
}

/// The result of an apply.
#[derive(Debug, Default)]
pub struct ApplyReport {
    /// Indices of the steps that completed.
    pub done: Vec<usize>,
    /// Steps that failed, with the error.
    pub failed: Vec<(usize, ProviderError)>,
    /// Steps that were not tried because an earlier one failed, or (creates) because the
    /// service refused one for the account's quota.
    pub not_run: Vec<usize>,
    /// The quota refusal after which no further create was sent, when there was one.
    pub quota_full: Option<String>,
    /// Ctrl-C stopped the apply: the steps not yet sent are in `not_run`.
    pub interrupted: bool,
    /// Steps sent whose answer had not come when the apply stopped waiting (interrupted):
    /// the journal holds them as in flight.
    pub abandoned: Vec<usize>,
    /// Instance ids of the channels created, by name, and codes of the templates created, by
    /// [`Step::template_key`].
    pub created: HashMap<String, String>,
    /// What each completed step produced, by index.
    pub outcomes: HashMap<usize, Outcome>,
    /// How long each step that was tried took, by index (the provider's retries included).
    pub durations: HashMap<usize, Duration>,
    /// Steps apply added after the plan's (numbered after them): the removal of twins that
    /// lost answers left (see [`crate::settle`]).
    pub extra: Vec<Step>,
    /// The requests each step sent and the retries it made, by index.
    pub usage: HashMap<usize, Usage>,
}

impl ApplyReport {
    pub fn succeeded(&self) -> bool {
        self.failed.is_empty() && self.not_run.is_empty() && self.abandoned.is_empty()
    }
}

/// Run `plan` against `provider`, calling `on_event` as each step finishes.
pub async fn apply<P: Provider>(
    plan: &Plan,
    provider: &P,
    options: ApplyOptions,
    on_event: impl FnMut(Event<'_>),
) -> ApplyReport {
    apply_journaled(plan, provider, options, None, on_event).await
}

/// [`apply`], recording each step in `journal` before it is sent and after it is answered.
/// A step whose intent cannot be recorded is not sent (it fails).
pub async fn apply_journaled<P: Provider>(
    plan: &Plan,
    provider: &P,
    options: ApplyOptions,
    journal: Option<&Journal>,
    mut on_event: impl FnMut(Event<'_>),
) -> ApplyReport {
    let mut report = ApplyReport::default();
    let usage_of: std::sync::Mutex<HashMap<usize, Usage>> = Default::default();
    let quota_full = std::cell::RefCell::new(None::<String>);
    let in_flight = std::cell::RefCell::new(std::collections::BTreeSet::<usize>::new());
    let stop = || options.interruptible && crate::interrupt::requested();
    let waves = plan.waves();
    for wave in 0..waves {
        let steps: Vec<&Step> = plan.steps.iter().filter(|s| s.wave == wave).collect();
        let live = if options.recheck {
            Some(
                provider
                    .read()
                    .await
                    .map(precondition::Reread::new)
                    .map_err(|e| e.to_string()),
            )
        } else {
            None
        };
        // The ids created by earlier waves (a wave's steps never need each other's).
        let created = report.created.clone();
        let created = &created;
        let live = &live;
        let quota_full = &quota_full;
        let usage_of = &usage_of;
        let in_flight = &in_flight;
        let stop = &stop;
        // Each step is reported as it finishes, not when its wave does.
        let mut results = stream::iter(steps)
            .map(|step| async move {
                let started = Instant::now();
                // `None`: not sent, after Ctrl-C, or a create when the account's quota is full.
                if stop() || (step.action == Action::Create && quota_full.borrow().is_some()) {
                    return (step, None, started.elapsed());
                }
                in_flight.borrow_mut().insert(step.index);
                let (step, result, took) =
                    run_step(step, provider, created, live, journal, usage_of).await;
                in_flight.borrow_mut().remove(&step.index);
                if let Err(e) = &result
                    && e.is_quota_full()
                    && quota_full.borrow().is_none()
                {
                    *quota_full.borrow_mut() = Some(e.to_string());
                }
                (step, Some(result), took)
            })
            .buffer_unordered(options.concurrency.max(1));
        // After Ctrl-C, the steps in flight are awaited until then.
        let mut deadline: Option<tokio::time::Instant> = None;
        loop {
            let next = match deadline {
                None if options.interruptible => tokio::select! {
                    biased;
                    next = results.next() => next,
                    () = crate::interrupt::wait() => {
                        deadline = Some(tokio::time::Instant::now() + options.grace);
                        let in_flight = in_flight.borrow().len();
                        on_event(Event::Interrupted { in_flight, grace: options.grace });
                        continue;
                    }
                },
                None => results.next().await,
                Some(at) => match tokio::time::timeout_at(at, results.next()).await {
                    Ok(next) => next,
                    Err(_) => break,
                },
            };
            let Some((step, result, took)) = next else {
                break;
            };
            let Some(result) = result else {
                report.not_run.push(step.index);
                continue;
            };
            report.durations.insert(step.index, took);
            match result {
                Ok(outcome) => {
                    on_event(Event::Done {
                        step,
                        outcome: &outcome,
                    });
                    if let (Action::Create, Outcome::Created(id)) = (step.action, &outcome) {
                        // A channel by its name; a template by its key (its code).
                        let key = step
                            .template_key()
                            .unwrap_or_else(|| step.channel.to_string());
                        report.created.insert(key, id.clone());
                    }
                    report.done.push(step.index);
                    report.outcomes.insert(step.index, outcome);
                }
                Err(error) => {
                    on_event(Event::Failed {
                        step,
                        error: &error,
                    });
                    report.failed.push((step.index, error));
                }
            }
        }
        drop(results);
        report.done.sort_unstable();
        report.failed.sort_by_key(|(i, _)| *i);
        if stop() {
            report.interrupted = true;
            report.abandoned = in_flight.borrow().iter().copied().collect();
            // Steps of this wave never started, and every later one.
            let seen: std::collections::HashSet<usize> = report
                .done
                .iter()
                .chain(report.failed.iter().map(|(i, _)| i))
                .chain(&report.abandoned)
                .copied()
                .collect();
            report.not_run = plan
                .steps
                .iter()
                .filter(|s| s.wave >= wave && !seen.contains(&s.index))
                .map(|s| s.index)
                .collect();
            break;
        }
        report.not_run.sort_unstable();
        if !report.failed.is_empty() {
            report
                .not_run
                .extend(plan.steps.iter().filter(|s| s.wave > wave).map(|s| s.index));
            break;
        }
    }
    report.quota_full = quota_full.into_inner();
    report.usage = usage_of.into_inner().unwrap_or_default();
    // Not after Ctrl-C: the person asked to stop; the journal keeps the creates as evidence.
    if !report.interrupted {
        crate::settle::settle(plan, provider, journal, &mut report, &mut on_event).await;
    }
    report
}

/// Run one step: check it against a re-read account when there is one, record it in the
/// journal, send it and record how it ended. A manual step sends nothing and fails.
async fn run_step<'a, P: Provider>(
    step: &'a Step,
    provider: &P,
    created: &HashMap<String, String>,
    live: &Option<Result<precondition::Reread, String>>,
    journal: Option<&Journal>,
    usage_of: &std::sync::Mutex<HashMap<usize, Usage>>,
) -> (&'a Step, Result<Outcome, ProviderError>, Duration) {
    let started = Instant::now();
    let id = step
        .instance_id
        .clone()
        .or_else(|| created.get(&*step.channel).cloned());
    // A manual step is a person's to do: nothing is sent.
    if let Some(why) = &step.manual {
        let error = ProviderError::Unsupported(why.clone());
        return (step, Err(error), started.elapsed());
    }
    match live {
        Some(Err(e)) => {
            return (step, Err(ProviderError::Io(e.clone())), started.elapsed());
        }
        Some(Ok(live)) => {
            if let Err(why) = precondition(step, id.as_deref(), live) {
                let error = ProviderError::Io(format!("not run: {why}"));
                return (step, Err(error), started.elapsed());
            }
        }
        None => {}
    }
    if let Some(Err(e)) = journal.map(|j| j.pending(step)) {
        return (step, Err(ProviderError::Io(e)), started.elapsed());
    }
    let sent = async {
        let code = step.template_key().and_then(|k| created.get(&k));
        match (
            step.template_op(id.as_deref(), code.map(String::as_str)),
            step.op(id.as_deref()),
        ) {
            (Some(op), _) => Some(provider.execute_template(&op).await),
            (None, Some(op)) => Some(provider.execute(&op).await),
            (None, None) => None,
        }
    };
    let (result, usage) = chanctl_cams::usage::counted(sent).await;
    if let Ok(mut all) = usage_of.lock() {
        all.insert(step.index, usage);
    }
    let result = match result {
        Some(result) => result,
        None => Err(ProviderError::Io(format!(
            "step {} ({} {}) is incomplete: no instance id for the channel",
            step.index,
            step.action.as_str(),
            step.channel
        ))),
    };
    if let Some(j) = journal {
        let detail = match &result {
            Ok(Outcome::Created(id)) => Some(id.clone()),
            Ok(_) => None,
            Err(e) => Some(e.to_string()),
        };
        j.finished(step, result.is_ok(), detail);
    }
    (step, result, started.elapsed())
}

#[cfg(test)]
mod tests;
