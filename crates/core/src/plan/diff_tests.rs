//! Unit tests of the diff: matching desired channels to live ones.

use super::*;

fn wanted(name: &str, previously: &[&str]) -> DesiredChannel {
    DesiredChannel {
        profile: Default::default(),
        name: name.into(),
        channel_type: ChannelType::Sms,
        description: String::new(),
        binding: None,
        protect: false,
        previously: previously.iter().map(|p| p.to_string()).collect(),
    }
}

#[test]
fn channels_match_by_name_then_old_name_and_a_repeated_live_name_keeps_one_copy() {
    let state = LiveState::new(vec![
        LiveChannel::sms("a", "one"),
        LiveChannel::sms("b", "twin"),
        LiveChannel::sms("c", "old"),
        LiveChannel::sms("d", "twin"),
    ]);
    let desired = Desired {
        quota: 10,
        channels: vec![wanted("new", &["old"]), wanted("one", &[])],
        ..Desired::default()
    };
    let (matched, twins) = match_channels(&desired, &state, &[]);
    assert_eq!(matched, [Some(2), Some(0)]);
    assert!(
        twins.is_empty(),
        "twins of a name the file does not declare are its own"
    );
    let desired = Desired {
        channels: vec![wanted("twin", &[])],
        ..desired
    };
    let (matched, twins) = match_channels(&desired, &state, &[]);
    assert_eq!(matched, [Some(1)]);
    assert_eq!(twins.len(), 1);
    assert_eq!(twins[0].kept, "b");
    assert_eq!(twins[0].keep_because, twins::Keep::FirstById);
    assert!(!twins[0].evidence);
}

#[test]
fn a_twin_is_deleted_with_the_copy_kept_named_and_needs_force_without_evidence() {
    let state = LiveState::new(vec![
        LiveChannel::sms("b", "twin"),
        LiveChannel::sms("d", "twin"),
    ]);
    let desired = Desired {
        quota: 10,
        channels: vec![wanted("twin", &[])],
        ..Desired::default()
    };
    let plan = build(&desired, &state, &PlanOptions::new(false, target())).unwrap();
    assert_eq!(plan.steps.len(), 1);
    let step = &plan.steps[0];
    assert_eq!(step.action, Action::Delete);
    assert_eq!(step.instance_id.as_deref(), Some("d"));
    assert!(step.reason.contains("a twin of `twin`: the plan keeps b"));
    assert_eq!(plan.blocked_by.len(), 1);
    assert_eq!(plan.blocked_by[0].rule, super::super::Rule::UnprovenTwin);
    assert!(plan.unmanaged.is_empty());
    // With the journal's record of the create, the same plan needs no --force; the copy it
    // recorded is kept.
    let mut options = PlanOptions::new(false, target());
    options.recorded = vec![Recorded {
        name: "twin".into(),
        id: Some("d".into()),
    }];
    let plan = build(&desired, &state, &options).unwrap();
    assert_eq!(plan.steps[0].instance_id.as_deref(), Some("b"));
    assert!(plan.blocked_by.is_empty(), "{:?}", plan.blocked_by);
    assert_eq!(plan.twins[0].keep_because, twins::Keep::Recorded);
}

fn target() -> Target {
    Target {
        backend: "sandbox".into(),
        account: "test".into(),
    }
}
