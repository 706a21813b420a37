//! Unit tests of the service's rules: quota, one holder per resource, rebinds, names,
//! reviewed binds and what the API cannot release.

use super::*;
use crate::model::{MessengerBinding, Profile, ProfileFields};

fn page(id: &str) -> Binding {
    Binding::Messenger(MessengerBinding { page_id: id.into() })
}

fn create(a: &mut Account, name: &str) -> String {
    create_of(a, name, ChannelType::Messenger)
}

/// Create channel `name` of type `t` in `a`; its instance id. Other modules' tests use it.
pub(crate) fn create_of(a: &mut Account, name: &str, t: ChannelType) -> String {
    a.apply(&Op::Create {
        profile: Default::default(),
        name: name.into(),
        channel_type: t,
        description: String::new(),
    })
    .unwrap()
    .unwrap()
}

#[test]
fn quota_counts_all_channels() {
    let mut a = Account::new(2);
    create(&mut a, "a");
    create(&mut a, "b");
    let err = a
        .apply(&Op::Create {
            profile: Default::default(),
            name: "c".into(),
            channel_type: ChannelType::Sms,
            description: String::new(),
        })
        .unwrap_err();
    assert_eq!(err, RuleError::QuotaExceeded { quota: 2 });
}

#[test]
fn a_resource_has_one_holder_until_released() {
    let mut a = Account::new(10);
    let x = create(&mut a, "x");
    let y = create(&mut a, "y");
    a.apply(&Op::Bind {
        id: x.clone(),
        binding: page("1"),
    })
    .unwrap();
    let err = a
        .apply(&Op::Bind {
            id: y.clone(),
            binding: page("1"),
        })
        .unwrap_err();
    assert!(matches!(err, RuleError::ResourceHeld { .. }));
    a.apply(&Op::Delete { id: x }).unwrap();
    a.apply(&Op::Bind {
        id: y,
        binding: page("1"),
    })
    .unwrap();
}

#[test]
fn rebind_checks_the_current_binding() {
    let mut a = Account::new(10);
    let x = create(&mut a, "x");
    a.apply(&Op::Bind {
        id: x.clone(),
        binding: page("1"),
    })
    .unwrap();
    let wrong = a.apply(&Op::Rebind {
        id: x.clone(),
        from: page("9"),
        to: page("2"),
    });
    assert!(matches!(wrong, Err(RuleError::BindingMismatch { .. })));
    a.apply(&Op::Rebind {
        id: x.clone(),
        from: page("1"),
        to: page("2"),
    })
    .unwrap();
    assert_eq!(a.get(&x).unwrap().binding, Some(page("2")));
    assert!(a.holder(&Resource::MessengerPage("1".into())).is_none());
}

#[test]
fn names_are_counted_in_characters() {
    let mut a = Account::new(10);
    let emoji: String = "😀".repeat(50);
    create(&mut a, &emoji);
    let err = a.apply(&Op::Create {
        profile: Default::default(),
        name: "x".repeat(51),
        channel_type: ChannelType::Sms,
        description: String::new(),
    });
    assert_eq!(err, Err(RuleError::InvalidName { chars: 51 }));
}

#[test]
fn bind_state_is_set_on_bound_channels_only() {
    let mut a = Account::new(10);
    let x = create(&mut a, "x");
    let err = a.set_bind_state(&x, BindState::Pending);
    assert!(matches!(err, Err(RuleError::BindingMismatch { .. })));
    a.apply(&Op::Bind {
        id: x.clone(),
        binding: page("1"),
    })
    .unwrap();
    a.set_bind_state(&x, BindState::Pending).unwrap();
    assert_eq!(a.get(&x).unwrap().bind_state, BindState::Pending);
    a.set_bind_state(&x, BindState::Bound).unwrap();
    assert_eq!(a.get(&x).unwrap().bind_state, BindState::Bound);
    let missing = a.set_bind_state("nope", BindState::Bound);
    assert!(matches!(missing, Err(RuleError::NotFound { .. })));
}

#[test]
fn a_viber_bind_is_pending_review_until_approved() {
    use crate::model::ViberBinding;
    let mut a = Account::new(10);
    let id = create_of(&mut a, "v", ChannelType::Viber);
    let binding = Binding::Viber(ViberBinding::account("acme"));
    a.apply(&Op::Bind {
        id: id.clone(),
        binding,
    })
    .unwrap();
    assert_eq!(a.get(&id).unwrap().bind_state, BindState::Pending);
    a.approve_pending_binds();
    assert_eq!(a.get(&id).unwrap().bind_state, BindState::Bound);
}

#[test]
fn a_viber_application_is_amended_only_while_pending_and_only_for_its_account() {
    use crate::model::{ViberAudit, ViberBinding};
    let mut a = Account::new(10);
    let id = create_of(&mut a, "v", ChannelType::Viber);
    let plain = Binding::Viber(ViberBinding::account("acme"));
    a.apply(&Op::Bind {
        id: id.clone(),
        binding: plain.clone(),
    })
    .unwrap();
    let mut audit = ViberAudit::default();
    audit.set("industry", vec!["Retail".into()]);
    let edited = Binding::Viber(ViberBinding {
        business_account: "acme".into(),
        audit: Some(Box::new(audit)),
    });
    let amend = |from: &Binding, to: &Binding| Op::Amend {
        id: id.clone(),
        from: from.clone(),
        to: to.clone(),
    };
    a.apply(&amend(&plain, &edited)).unwrap();
    assert_eq!(a.get(&id).unwrap().binding.as_ref(), Some(&edited));
    assert_eq!(a.get(&id).unwrap().bind_state, BindState::Pending);
    // Another account is a rebind, not an edit.
    let other = Binding::Viber(ViberBinding::account("other"));
    assert!(matches!(
        a.apply(&amend(&edited, &other)),
        Err(RuleError::BindingMismatch { .. })
    ));
    a.approve_pending_binds();
    assert_eq!(
        a.apply(&amend(&edited, &plain)),
        Err(RuleError::NotUnderReview { id: id.clone() })
    );
}

#[test]
fn only_whatsapp_and_viber_are_released_by_hand() {
    for t in ChannelType::ALL {
        let by_hand = released_by_hand(t);
        assert_eq!(
            by_hand.is_some(),
            matches!(t, ChannelType::Whatsapp | ChannelType::Viber),
            "{t}"
        );
        if let Some(why) = by_hand {
            assert!(why.contains("CAMS console"), "{t}: {why}");
        }
    }
}

#[test]
fn wrong_binding_type_is_refused() {
    let mut a = Account::new(10);
    let id = a
        .apply(&Op::Create {
            profile: Default::default(),
            name: "s".into(),
            channel_type: ChannelType::Sms,
            description: String::new(),
        })
        .unwrap()
        .unwrap();
    let err = a.apply(&Op::Bind {
        id,
        binding: page("1"),
    });
    assert!(matches!(err, Err(RuleError::WrongBindingType { .. })));
}

#[test]
fn an_update_sets_the_profile_it_sends_and_moves_the_group_only_when_told() {
    let mut a = Account::new(10);
    let id = a
        .apply(&Op::Create {
            name: "x".into(),
            channel_type: ChannelType::Sms,
            description: String::new(),
            profile: Profile::from(ProfileFields {
                country_id: Some("SG".into()),
                resource_group: Some("rg-one".into()),
                ..ProfileFields::default()
            }),
        })
        .unwrap()
        .unwrap();
    let update = |regroup: Option<&str>| Op::Update {
        id: id.clone(),
        name: "x".into(),
        description: String::new(),
        profile: Profile::from(ProfileFields {
            contact_mail: Some("a@example.com".into()),
            ..ProfileFields::default()
        }),
        regroup: regroup.map(str::to_string),
    };
    a.apply(&update(None)).unwrap();
    let want = |group: &str| {
        Profile::from(ProfileFields {
            contact_mail: Some("a@example.com".into()),
            country_id: Some("SG".into()),
            resource_group: Some(group.into()),
            ..ProfileFields::default()
        })
    };
    assert_eq!(a.snapshot().channels[0].profile, want("rg-one"));
    a.apply(&update(Some("rg-two"))).unwrap();
    assert_eq!(a.snapshot().channels[0].profile, want("rg-two"));
}

#[test]
fn a_number_waiting_for_its_code_is_finished_by_the_bind_that_brings_it() {
    use crate::model::WhatsappBinding;
    let wa = |number: &str, name: Option<&str>| {
        Binding::whatsapp(WhatsappBinding {
            waba_id: "1".into(),
            phone_number: number.into(),
            verified_name: name.map(str::to_string),
            phone_numbers: Vec::new(),
            waiting: Vec::new(),
        })
    };
    let mut a = Account::new(10);
    let x = a
        .apply(&Op::Create {
            name: "x".into(),
            channel_type: ChannelType::Whatsapp,
            description: String::new(),
            profile: Default::default(),
        })
        .unwrap()
        .unwrap();
    let bind = |b: Binding| Op::Bind {
        id: x.clone(),
        binding: b,
    };
    a.apply(&bind(wa("+6588001234", Some("Shop")))).unwrap();
    a.set_bind_state(&x, BindState::Unverified).unwrap();
    // Another number is not the one waiting: the channel is bound.
    let other = a.apply(&bind(wa("+6588001235", Some("Shop"))));
    assert!(matches!(other, Err(RuleError::AlreadyBound { .. })));
    // The same number, with or without its name, finishes it.
    a.apply(&bind(wa("+6588001234", None))).unwrap();
    assert_eq!(a.get(&x).unwrap().bind_state, BindState::Bound);
    assert_eq!(a.get(&x).unwrap().binding, Some(wa("+6588001234", None)));
    let again = a.apply(&bind(wa("+6588001234", None)));
    assert!(matches!(again, Err(RuleError::AlreadyBound { .. })));
}
