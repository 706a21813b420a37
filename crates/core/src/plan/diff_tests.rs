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

#[test]
fn a_plan_does_not_depend_on_which_ids_the_service_chose() {
    // The same two live channels, their ids given either way round: the plan (which delete the
    // first create waits for included) must be the same.
    let plan_with = |ids: [&str; 2]| {
        let state = LiveState::new(vec![
            LiveChannel::sms(ids[0], "old-a"),
            LiveChannel::sms(ids[1], "old-b"),
        ]);
        let desired = Desired {
            quota: 2,
            channels: vec![wanted("new-a", &[]), wanted("new-b", &[])],
            ..Desired::default()
        };
        let plan = build(&desired, &state, &PlanOptions::new(true, target())).unwrap();
        plan.steps
            .iter()
            .map(|s| {
                let after: Vec<&str> = s
                    .depends_on
                    .iter()
                    .map(|&d| plan.steps[d].channel.as_ref())
                    .collect();
                format!("{:?} {} after {after:?}", s.action, s.channel)
            })
            .collect::<Vec<_>>()
    };
    let one = plan_with(["a1", "b2"]);
    assert_eq!(plan_with(["b2", "a1"]), one);
    assert_eq!(
        one,
        [
            "Delete old-a after []",
            "Delete old-b after []",
            "Create new-a after [\"old-a\"]",
            "Create new-b after [\"old-a\", \"old-b\"]",
        ]
    );
}

#[test]
fn a_viber_application_edit_is_an_amend_while_pending_and_manual_once_approved() {
    use crate::model::{ViberAudit, ViberBinding};
    let with = |industry: &str| {
        let mut a = ViberAudit::default();
        a.set("industry", vec![industry.to_string()]);
        Binding::Viber(ViberBinding {
            business_account: "acme".into(),
            audit: Some(Box::new(a)),
        })
    };
    let mut live = LiveChannel::sms("v1", "v");
    live.channel_type = ChannelType::Viber;
    live.binding = Some(with("Retail"));
    live.bind_state = BindState::Pending;
    let desired = Desired {
        quota: 10,
        channels: vec![DesiredChannel {
            channel_type: ChannelType::Viber,
            binding: Some(with("Travel")),
            ..wanted("v", &[])
        }],
        ..Desired::default()
    };
    let options = PlanOptions::new(false, target());
    let plan = build(&desired, &LiveState::new(vec![live.clone()]), &options).unwrap();
    assert_eq!(plan.steps.len(), 1);
    let step = &plan.steps[0];
    assert_eq!(
        (step.action, step.manual.as_deref()),
        (Action::Update, None)
    );
    assert!(matches!(
        step.op(Some("v1")),
        Some(crate::rules::Op::Amend { ref to, .. }) if *to == with("Travel")
    ));
    assert!(
        step.changes
            .iter()
            .any(|c| c.field == "binding.audit.industry")
    );
    // Approved: the same edit is manual, with the reason.
    live.bind_state = BindState::Bound;
    let plan = build(&desired, &LiveState::new(vec![live.clone()]), &options).unwrap();
    let why = plan.steps[0].manual.as_deref().unwrap_or_default();
    assert!(why.contains("is approved"), "{why}");
    // The same application: nothing to do; none in the file: nothing compared.
    live.binding = Some(with("Travel"));
    let plan = build(&desired, &LiveState::new(vec![live.clone()]), &options).unwrap();
    assert!(plan.steps.is_empty());
    live.binding = Some(with("Retail"));
    let plain = Desired {
        channels: vec![DesiredChannel {
            channel_type: ChannelType::Viber,
            binding: Some(Binding::Viber(ViberBinding::account("acme"))),
            ..wanted("v", &[])
        }],
        ..desired
    };
    let plan = build(&plain, &LiveState::new(vec![live]), &options).unwrap();
    assert!(plan.steps.is_empty());
    // A new application without `audit:` is sent, with a warning.
    let plan = build(&plain, &LiveState::default(), &options).unwrap();
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("has no `audit:` block")),
        "{:?}",
        plan.warnings
    );
}

#[test]
fn a_renamed_viber_channel_is_suggested_whatever_its_application_reads_back() {
    use crate::model::{ViberAudit, ViberBinding};
    let mut audit = ViberAudit::default();
    audit.set("contact_name", vec!["Mei".into()]);
    let mut live = LiveChannel::sms("v1", "old");
    live.channel_type = ChannelType::Viber;
    live.binding = Some(Binding::Viber(ViberBinding::account("acme")));
    let desired = Desired {
        quota: 10,
        channels: vec![DesiredChannel {
            channel_type: ChannelType::Viber,
            binding: Some(Binding::Viber(ViberBinding {
                business_account: "acme".into(),
                audit: Some(Box::new(audit)),
            })),
            ..wanted("new", &[])
        }],
        ..Desired::default()
    };
    let options = PlanOptions::new(true, target());
    let plan = build(&desired, &LiveState::new(vec![live]), &options).unwrap();
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("add `previously: [old]`")),
        "{:?}",
        plan.warnings
    );
}

/// A large account: the live digests come from a second thread, and the scheduler numbers
/// only the resources a step releases. A Page moved from one channel to another among many
/// that keep theirs is still bound only once the first has let go of it.
#[test]
fn in_a_large_account_a_moved_page_waits_for_its_release_and_every_channel_is_digested() {
    let n = DIGESTS_APART + 50;
    let page = |i: usize| {
        Binding::Messenger(crate::model::MessengerBinding {
            page_id: format!("{i}"),
        })
    };
    let live = LiveState::new(
        (0..n)
            .map(|i| LiveChannel {
                binding: Some(page(i)),
                ..LiveChannel::new(
                    format!("id-{i:04}"),
                    format!("ch-{i:04}"),
                    ChannelType::Messenger,
                )
            })
            .collect(),
    );
    // Channel 0 lets go of its Page (unbound in the file), and a new channel takes it.
    let mut channels: Vec<DesiredChannel> = (0..n)
        .map(|i| DesiredChannel {
            channel_type: ChannelType::Messenger,
            binding: (i > 0).then(|| page(i)),
            ..wanted(&format!("ch-{i:04}"), &[])
        })
        .collect();
    channels.push(DesiredChannel {
        channel_type: ChannelType::Messenger,
        binding: Some(page(0)),
        ..wanted("taker", &[])
    });
    let desired = Desired {
        quota: 1000,
        channels,
        ..Desired::default()
    };
    let plan = build(&desired, &live, &PlanOptions::new(false, target())).unwrap();
    let actions: Vec<(Action, &str)> = plan
        .steps
        .iter()
        .map(|s| (s.action, s.channel.as_ref()))
        .collect();
    assert_eq!(
        actions,
        [
            (Action::Unbind, "ch-0000"),
            (Action::Create, "taker"),
            (Action::Bind, "taker")
        ]
    );
    let bind = &plan.steps[2];
    assert_eq!(bind.wave, 1);
    assert_eq!(
        bind.depends_on,
        [0, 1],
        "the bind waits for the unbind and the create"
    );
    assert_eq!(plan.live.channels(), super::super::digests(&live));
    assert_eq!(plan.live.channels().len(), n);
    assert_eq!(plan.live.fingerprint(), live.fingerprint());
    // Built sharing the live state, the plan computes the same record when it is read.
    let shared = super::build_shared(
        &desired,
        std::sync::Arc::new(live.clone()),
        &PlanOptions::new(false, target()),
    )
    .unwrap();
    assert_eq!(shared, plan);
    assert_eq!(
        crate::render::json(&shared),
        crate::render::json(&plan),
        "the same JSON"
    );
}
