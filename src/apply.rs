//! Carrying out a plan: the steps in order, each wave's steps concurrently, stopping at the
//! first failure and saying what was done, what failed and what was not tried.
//!
//! Apply takes only a plan and a provider. It does not diff or re-plan; it reports through
//! a callback so that the caller decides how to print.

use crate::plan::{Action, Plan, Step};
use crate::provider::{Outcome, Provider, ProviderError};
use futures_util::stream::{self, StreamExt};
use std::collections::HashMap;

/// How apply runs.
#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    /// Most steps of one wave in flight at once.
    pub concurrency: usize,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions { concurrency: 8 }
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
}

/// The result of an apply.
#[derive(Debug, Default)]
pub struct ApplyReport {
    /// Indices of the steps that completed.
    pub done: Vec<usize>,
    /// Steps that failed, with the error.
    pub failed: Vec<(usize, ProviderError)>,
    /// Steps that were not tried because an earlier one failed.
    pub not_run: Vec<usize>,
    /// Instance ids of the channels created, by name.
    pub created: HashMap<String, String>,
}

impl ApplyReport {
    pub fn succeeded(&self) -> bool {
        self.failed.is_empty() && self.not_run.is_empty()
    }
}

/// Run `plan` against `provider`, calling `on_event` as steps finish.
pub async fn apply<P: Provider>(
    plan: &Plan,
    provider: &P,
    options: ApplyOptions,
    mut on_event: impl FnMut(Event<'_>),
) -> ApplyReport {
    let mut report = ApplyReport::default();
    let waves = plan.waves();
    for wave in 0..waves {
        let steps: Vec<&Step> = plan.steps.iter().filter(|s| s.wave == wave).collect();
        let created = &report.created;
        let results: Vec<(&Step, Result<Outcome, ProviderError>)> = stream::iter(steps)
            .map(|step| async move {
                let id = step
                    .instance_id
                    .clone()
                    .or_else(|| created.get(&step.channel).cloned());
                let result = match step.op(id.as_deref()) {
                    Some(op) => provider.execute(&op).await,
                    None => Err(ProviderError::Io(format!(
                        "step {} ({} {}) is incomplete: no instance id for the channel",
                        step.index,
                        step.action.as_str(),
                        step.channel
                    ))),
                };
                (step, result)
            })
            .buffer_unordered(options.concurrency.max(1))
            .collect()
            .await;
        let mut results = results;
        results.sort_by_key(|(s, _)| s.index);
        for (step, result) in results {
            match result {
                Ok(outcome) => {
                    on_event(Event::Done {
                        step,
                        outcome: &outcome,
                    });
                    if let (Action::Create, Outcome::Created(id)) = (step.action, &outcome) {
                        report.created.insert(step.channel.clone(), id.clone());
                    }
                    report.done.push(step.index);
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
        if !report.failed.is_empty() {
            report.not_run = plan
                .steps
                .iter()
                .filter(|s| s.wave > wave)
                .map(|s| s.index)
                .collect();
            break;
        }
    }
    report
}
