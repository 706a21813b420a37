//! The machine-readable result of an apply (`apply --report FILE`): each step with its
//! outcome, the instance id it created, its error and how long it took; the counts; the
//! calls the plan expected to make. Built from what [`super::apply::Prepared::run`] knows,
//! for CI steps and dashboards that should not parse the lines a person reads.

use crate::apply::ApplyReport;
use crate::model::BindState;
use crate::plan::{Plan, Source, Target};
use crate::provider::Outcome;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// The version of this document's shape.
pub const FORMAT_VERSION: u32 = 1;

/// How an apply ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every step was done (a Viber audit may be pending review).
    Succeeded,
    /// A step failed; the steps after it were not tried.
    Failed,
}

/// What became of one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepOutcome {
    /// A channel was created (`instance_id` is its id).
    Created,
    /// Done.
    Done,
    /// Submitted and waiting on the service's review (not bound until it passes).
    Pending,
    /// Tried and failed (`error` says why).
    Failed,
    /// Not tried, because a step before it failed.
    NotRun,
}

/// One step of the plan and its result.
#[derive(Debug, Clone, Serialize)]
pub struct StepResult {
    pub index: usize,
    pub wave: usize,
    pub action: String,
    pub channel: String,
    pub outcome: StepOutcome,
    /// The channel's instance id: the one created, or the one the step acted on.
    pub instance_id: Option<String>,
    pub error: Option<String>,
    /// How long the step took, retries included; null for a step not tried.
    pub duration_ms: Option<u64>,
    /// The API requests the step sent (every attempt) and the retries among them; null for the
    /// sandbox and for a step not sent.
    pub api_calls: Option<usize>,
    pub retries: Option<usize>,
}

/// Steps by outcome.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub created: usize,
    pub done: usize,
    pub pending: usize,
    pub failed: usize,
    pub not_run: usize,
}

/// What `apply --report FILE` writes.
#[derive(Debug, Clone, Serialize)]
pub struct ApplyResult {
    pub format_version: u32,
    pub status: Status,
    /// Whether a saved plan was applied (else a fresh one).
    pub saved_plan: bool,
    pub environment: Option<String>,
    pub target: Target,
    pub source: Source,
    /// From the first step sent to the last answer.
    pub duration_ms: u64,
    pub counts: Counts,
    /// The instance ids of the channels created, by name, and the codes of the templates
    /// created, by `template CHANNEL/NAME/LANGUAGE`.
    pub created: BTreeMap<String, String>,
    /// The API calls the plan expected to make, without retries (null for the sandbox).
    pub api_calls_planned: Option<usize>,
    /// The API requests apply sent, every attempt counted, and the retries among them
    /// (null for the sandbox).
    pub api_calls_made: Option<usize>,
    pub retries: Option<usize>,
    pub steps: Vec<StepResult>,
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The result of running `plan` (as shown: no sensitive value) with `report`.
pub fn build(plan: &Plan, report: &ApplyReport, saved: bool, took: Duration) -> ApplyResult {
    let failed: BTreeMap<usize, String> = report
        .failed
        .iter()
        .map(|(i, e)| (*i, e.to_string()))
        .collect();
    let mut counts = Counts::default();
    let api = plan.target.backend != "sandbox";
    let usage = |i: usize| report.usage.get(&i).filter(|_| api);
    let steps = plan
        .steps
        .iter()
        .chain(&report.extra)
        .map(|s| {
            let outcome = match (report.outcomes.get(&s.index), failed.contains_key(&s.index)) {
                (Some(Outcome::Created(_)), _) => StepOutcome::Created,
                (Some(Outcome::Done(BindState::Pending | BindState::Unverified)), _) => {
                    StepOutcome::Pending
                }
                (Some(Outcome::Done(_)), _) => StepOutcome::Done,
                (None, true) => StepOutcome::Failed,
                (None, false) => StepOutcome::NotRun,
            };
            *match outcome {
                StepOutcome::Created => &mut counts.created,
                StepOutcome::Done => &mut counts.done,
                StepOutcome::Pending => &mut counts.pending,
                StepOutcome::Failed => &mut counts.failed,
                StepOutcome::NotRun => &mut counts.not_run,
            } += 1;
            let instance_id = match report.outcomes.get(&s.index) {
                Some(Outcome::Created(id)) => Some(id.clone()),
                _ => s
                    .instance_id
                    .clone()
                    .or_else(|| report.created.get(&*s.channel).cloned()),
            };
            StepResult {
                index: s.index,
                wave: s.wave,
                action: s.action.as_str().to_string(),
                channel: s.channel.to_string(),
                outcome,
                instance_id,
                error: failed.get(&s.index).cloned(),
                duration_ms: report.durations.get(&s.index).copied().map(millis),
                api_calls: usage(s.index).map(|u| u.calls),
                retries: usage(s.index).map(|u| u.retries),
            }
        })
        .collect();
    ApplyResult {
        format_version: FORMAT_VERSION,
        status: if report.succeeded() {
            Status::Succeeded
        } else {
            Status::Failed
        },
        saved_plan: saved,
        environment: plan.environment.clone(),
        target: plan.target.clone(),
        source: plan.source.clone(),
        duration_ms: millis(took),
        counts,
        created: report
            .created
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        api_calls_planned: plan.api_budget.as_ref().map(|b| b.calls),
        api_calls_made: api.then(|| report.usage.values().map(|u| u.calls).sum()),
        retries: api.then(|| report.usage.values().map(|u| u.retries).sum()),
        steps,
    }
}

/// Write `result` as pretty JSON to `path` (atomically), scrubbed of the process's secrets.
pub fn write(ctx: &super::Context, path: &Path, result: &ApplyResult) -> Result<(), super::Error> {
    let mut text = serde_json::to_string_pretty(result).unwrap_or_default();
    text.push('\n');
    let text = ctx.scrubber.scrub(&text);
    crate::files::write_atomically(path, text.as_bytes()).map_err(|source| super::Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::ProviderError;

    fn plan() -> Plan {
        let text = "version: 1\nchannels:\n  - {name: a, type: sms}\n  - {name: b, type: messenger, binding: {page_id: \"1\"}}\n";
        let desired = crate::config::load_with(
            text,
            &crate::config::LoadOptions {
                environment: None,
                vars: &|_| None,
                credentials: &[],
            },
        )
        .unwrap();
        let target = Target {
            backend: "sandbox".into(),
            account: "test".into(),
        };
        crate::plan::build(
            &desired,
            &crate::model::LiveState::default(),
            &crate::plan::PlanOptions::new(false, target),
        )
        .unwrap()
    }

    #[test]
    fn each_step_has_its_outcome_id_error_and_duration() {
        let plan = plan();
        let actions: Vec<String> = plan
            .steps
            .iter()
            .map(|s| format!("{} {}", s.action.as_str(), s.channel))
            .collect();
        assert_eq!(actions, ["create a", "create b", "bind b"]);
        let mut report = ApplyReport::default();
        report.done.push(0);
        report.outcomes.insert(0, Outcome::Created("id-a".into()));
        report.created.insert("a".into(), "id-a".into());
        report.durations.insert(0, Duration::from_millis(5));
        report.failed.push((1, ProviderError::Io("boom".into())));
        report.durations.insert(1, Duration::from_millis(7));
        report.not_run.push(2);
        let result = build(&plan, &report, false, Duration::from_millis(12));
        assert_eq!(result.status, Status::Failed);
        assert_eq!(result.duration_ms, 12);
        let outcomes: Vec<StepOutcome> = result.steps.iter().map(|s| s.outcome).collect();
        assert_eq!(
            outcomes,
            [
                StepOutcome::Created,
                StepOutcome::Failed,
                StepOutcome::NotRun
            ]
        );
        assert_eq!(result.steps[0].instance_id.as_deref(), Some("id-a"));
        assert_eq!(result.steps[0].duration_ms, Some(5));
        assert!(result.steps[1].error.as_deref().unwrap().contains("boom"));
        assert_eq!(result.steps[2].duration_ms, None);
        assert_eq!(
            (
                result.counts.created,
                result.counts.failed,
                result.counts.not_run
            ),
            (1, 1, 1)
        );
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(json["status"], "failed");
        assert_eq!(json["steps"][2]["outcome"], "not_run");
        assert_eq!(json["created"]["a"], "id-a");
    }
}
