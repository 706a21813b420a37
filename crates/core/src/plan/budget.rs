//! What a plan will cost in API calls, and how long they take at the client's rate limit.
//!
//! The backend says which operations each step makes; the estimate follows the plan's waves:
//! within a wave, steps run concurrently under a token bucket per operation, so a wave takes
//! as long as its busiest operation needs at `qps` requests per second.

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
    /// Seconds the calls take at that rate (latency not counted).
    pub seconds: f64,
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
    }
}
