//! The JSON Schema of the plan value, generated from its types and committed, so that a
//! consumer of `--format json` or `plan --out` can check what it reads.

use super::{Plan, redact};

/// The JSON Schema of the plan value (`--format json`, `plan --out`), committed at
/// crates/core/schemas/plan.schema.json (published as schemas/plan.schema.json).
pub fn schema() -> String {
    let schema = schemars::schema_for!(Plan);
    let mut schema = serde_json::to_value(&schema).unwrap_or_default();
    redact::allow_redacted_in_schema(&mut schema);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod schema_tests {
    const COMMITTED: &str = include_str!("../../schemas/plan.schema.json");

    #[test]
    fn committed_plan_schema_matches_the_types() {
        let generated = super::schema();
        if std::env::var_os("CHANCTL_UPDATE_SCHEMA").is_some() {
            crate::config::schema::write_committed("plan.schema.json", &generated);
            return;
        }
        assert!(
            generated == COMMITTED,
            "crates/core/schemas/plan.schema.json is out of date: run `CHANCTL_UPDATE_SCHEMA=1 cargo test committed_plan_schema`"
        );
    }

    #[test]
    fn plans_validate_against_the_committed_schema() {
        use crate::config::{Desired, DesiredChannel};
        use crate::model::*;
        let schema: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let live = LiveState::new(vec![LiveChannel {
            profile: Default::default(),
            id: "cams-1".into(),
            name: "old".into(),
            channel_type: ChannelType::Messenger,
            description: "d".into(),
            binding: Some(Binding::Messenger(MessengerBinding {
                page_id: "1".into(),
            })),
            bind_state: BindState::Bound,
            created: None,
        }]);
        let desired = Desired {
            quota: 10,
            prune: true,
            channels: vec![DesiredChannel {
                profile: Default::default(),
                name: "new".into(),
                channel_type: ChannelType::Instagram,
                description: String::new(),
                binding: Some(Binding::Instagram(InstagramBinding {
                    page_id: "1".into(),
                    instagram_account_id: "2".into(),
                })),
                protect: false,
                previously: vec!["old".into()],
            }],
            ..Desired::default()
        };
        let plan = crate::plan::plan_in_sandbox(&desired, &live, true);
        let value = serde_json::to_value(&plan).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!plan.steps.is_empty());
    }
}
