//! Unit tests of the diff: matching desired channels to live ones.

use super::*;
use crate::config::DesiredChannel;
use crate::model::{Profile, ProfileFields};

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

fn profile(mail: Option<&str>, country: Option<&str>, group: Option<&str>) -> Profile {
    Profile::from(ProfileFields {
        contact_mail: mail.map(str::to_string),
        country_id: country.map(str::to_string),
        resource_group: group.map(str::to_string),
        ..ProfileFields::default()
    })
}

#[test]
fn the_profile_keys_the_file_declares_are_updated_and_the_others_left_alone() {
    let mut live = LiveChannel::sms("a", "codes");
    live.profile = profile(Some("old@example.com"), Some("SG"), Some("rg-one"));
    let state = LiveState::new(vec![live]);
    let mut d = wanted("codes", &[]);
    // Nothing declared: nothing to do, whatever the account holds.
    let desired = Desired {
        quota: 10,
        channels: vec![d.clone()],
        ..Desired::default()
    };
    let plan = build(&desired, &state, &PlanOptions::new(false, target())).unwrap();
    assert!(plan.steps.is_empty(), "{:?}", plan.steps);
    // The same values declared: still nothing.
    d.profile = profile(Some("old@example.com"), None, Some("rg-one"));
    let desired = Desired {
        channels: vec![d.clone()],
        ..desired
    };
    let plan = build(&desired, &state, &PlanOptions::new(false, target())).unwrap();
    assert!(plan.steps.is_empty(), "{:?}", plan.steps);
    // Other values: one update, field by field; country_id is not declared and stays.
    d.profile = profile(Some("ops@example.com"), None, Some("rg-two"));
    let desired = Desired {
        channels: vec![d],
        ..desired
    };
    let plan = build(&desired, &state, &PlanOptions::new(false, target())).unwrap();
    assert_eq!(plan.steps.len(), 1);
    let step = &plan.steps[0];
    assert_eq!(step.action, Action::Update);
    assert_eq!(step.reason, "the instance profile changed");
    let fields: Vec<(&str, Option<&str>, Option<&str>)> = step
        .changes
        .iter()
        .map(|c| (&*c.field, c.before.as_deref(), c.after.as_deref()))
        .collect();
    assert_eq!(
        fields,
        [
            (
                "contact_mail",
                Some("old@example.com"),
                Some("ops@example.com")
            ),
            ("resource_group", Some("rg-one"), Some("rg-two")),
        ]
    );
    assert_eq!(
        step.after.as_ref().unwrap().profile,
        profile(Some("ops@example.com"), Some("SG"), Some("rg-two"))
    );
    // UpdateInstance sends the five, never the group; the group moves on its own.
    match step.op(Some("a")).unwrap() {
        crate::rules::Op::Update {
            profile: sent,
            regroup,
            ..
        } => {
            assert_eq!(sent, profile(Some("ops@example.com"), Some("SG"), None));
            assert_eq!(regroup.as_deref(), Some("rg-two"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_rename_with_a_profile_change_is_one_update_that_keeps_the_group() {
    let state = LiveState::new(vec![LiveChannel::sms("a", "old")]);
    let mut d = wanted("new", &["old"]);
    d.profile = profile(None, Some("ID"), None);
    let desired = Desired {
        quota: 10,
        channels: vec![d],
        ..Desired::default()
    };
    let plan = build(&desired, &state, &PlanOptions::new(false, target())).unwrap();
    assert_eq!(plan.steps.len(), 1);
    assert_eq!(
        plan.steps[0].reason,
        "renamed (previously); the instance profile changed"
    );
    match plan.steps[0].op(Some("a")).unwrap() {
        crate::rules::Op::Update { regroup, .. } => assert_eq!(regroup, None),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_create_takes_the_whole_profile() {
    let mut d = wanted("new", &[]);
    d.profile = profile(Some("a@example.com"), None, Some("rg-one"));
    let desired = Desired {
        quota: 10,
        channels: vec![d.clone()],
        ..Desired::default()
    };
    let plan = build(
        &desired,
        &LiveState::default(),
        &PlanOptions::new(false, target()),
    )
    .unwrap();
    match plan.steps[0].op(None).unwrap() {
        crate::rules::Op::Create { profile: sent, .. } => assert_eq!(sent, d.profile),
        other => panic!("{other:?}"),
    }
    let fields: Vec<&str> = plan.steps[0].changes.iter().map(|c| &*c.field).collect();
    assert_eq!(fields, ["name", "contact_mail", "resource_group"]);
}
