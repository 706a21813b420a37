//! What a plan will cost in API calls, and how long they take at the client's rate limit.
//!
//! The backend says which operations each step makes; the estimate follows the plan's waves:
//! within a wave, steps run concurrently under a token bucket per operation, so a wave takes
//! as long as its busiest operation needs at `qps` requests per second. Reading the account
//! shows how often the service makes the client try again (throttling, 5xx): the estimate
//! counts the retries the plan's calls will need at that rate ([`ApiBudget::with_read`]).

use super::{Plan, Step};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The API calls a plan will make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApiBudget {
    /// Calls in all, not counting retries.
    pub calls: usize,
    /// Calls per operation.
    pub by_operation: BTreeMap<String, usize>,
    /// The client's limit, requests per second per operation.
    pub qps: u32,
    /// Seconds the calls take at that rate, with the expected retries (latency and the waits
    /// between retries not counted).
    pub seconds: f64,
    /// What reading the account cost, when it was counted: the rate of retries it saw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<ReadCost>,
    /// Retries the calls are expected to need, at the rate reading the account saw (0 when
    /// it was not counted).
    #[serde(default)]
    pub retries: usize,
}

/// The requests reading the account sent, and how many of them were retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReadCost {
    /// Requests sent, every attempt counted.
    pub calls: usize,
    /// Attempts sent again after a failure.
    pub retries: usize,
}

impl ApiBudget {
    /// This budget with the retries reading the account saw: `read.retries` of `read.calls`
    /// attempts were retries, so each call needs `retries / (calls - retries)` retries on
    /// average (a failed attempt is followed by another). The expected retries are added to
    /// the calls' time.
    pub fn with_read(mut self, read: ReadCost) -> Self {
        let first_tries = read.calls.saturating_sub(read.retries).max(1);
        let rate = read.retries as f64 / first_tries as f64;
        self.retries = (self.calls as f64 * rate).ceil() as usize;
        self.seconds *= 1.0 + rate;
        self.read = Some(read);
        self
    }
}

/// Estimate the budget of `plan`, given the operations each step makes.
pub fn estimate(
    plan: &Plan,
    operations: impl Fn(&Step) -> Vec<&'static str>,
    qps: u32,
) -> ApiBudget {
    let qps = qps.max(1);
    let mut by_operation: BTreeMap<String, usize> = BTreeMap::new();
    let mut seconds = 0.0;
    for wave in 0..plan.waves() {
        let mut in_wave: BTreeMap<&str, usize> = BTreeMap::new();
        for step in plan.steps.iter().filter(|s| s.wave == wave) {
            for op in operations(step) {
                *in_wave.entry(op).or_default() += 1;
                *by_operation.entry(op.to_string()).or_default() += 1;
            }
        }
        let busiest = in_wave.values().copied().max().unwrap_or(0);
        seconds += busiest as f64 / f64::from(qps);
    }
    ApiBudget {
        calls: by_operation.values().sum(),
        by_operation,
        qps,
        seconds,
        read: None,
        retries: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Desired, DesiredChannel};
    use crate::model::ChannelType;
    use crate::plan::Action;

    #[test]
    fn a_thousand_creates_at_fifty_per_second_take_twenty_seconds() {
        let desired = Desired {
            quota: 1000,
            prune: false,
            channels: (0..1000)
                .map(|i| DesiredChannel {
                    profile: Default::default(),
                    name: format!("c{i}"),
                    channel_type: ChannelType::Sms,
                    description: String::new(),
                    binding: None,
                    protect: false,
                    previously: vec![],
                })
                .collect(),
            ..Desired::default()
        };
        let plan = crate::plan::plan_from_nothing(&desired);
        let budget = estimate(
            &plan,
            |s| match s.action {
                Action::Create => vec!["CreateInstance"],
                _ => vec![],
            },
            50,
        );
        assert_eq!(budget.calls, 1000);
        assert_eq!(budget.by_operation["CreateInstance"], 1000);
        assert!((budget.seconds - 20.0).abs() < 1e-9, "{}", budget.seconds);
        assert_eq!(budget.retries, 0);

        // Reading saw 25 retries among 125 attempts: one retry per 4 calls.
        let read = ReadCost {
            calls: 125,
            retries: 25,
        };
        let scaled = budget.clone().with_read(read);
        assert_eq!(scaled.calls, 1000);
        assert_eq!(scaled.retries, 250);
        assert!((scaled.seconds - 25.0).abs() < 1e-9, "{}", scaled.seconds);
        assert_eq!(scaled.read, Some(read));

        // No retries while reading: the estimate stands.
        let calm = budget.clone().with_read(ReadCost {
            calls: 10,
            retries: 0,
        });
        assert_eq!((calm.retries, calm.seconds), (0, budget.seconds));
        // Every attempt a retry (none counted as a first try) stays finite.
        let storm = budget.with_read(ReadCost {
            calls: 3,
            retries: 3,
        });
        assert!(storm.seconds.is_finite() && storm.retries == 3000);
    }
}
