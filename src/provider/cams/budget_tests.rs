//! Which CAMS calls each plan step makes (`operations`), for the plan's API estimate: an
//! update that moves the resource group makes two; a WhatsApp number's registration, its
//! verification or its release make theirs.

use super::operations;
use crate::config::{Desired, DesiredChannel};
use crate::model::{
    BindState, Binding, ChannelType, LiveChannel, LiveState, Profile, ProfileFields,
    WhatsappBinding,
};
use crate::plan::{PlanOptions, Target, build};

fn live(group: &str) -> LiveChannel {
    LiveChannel {
        id: "cams-1".into(),
        name: "codes".into(),
        channel_type: ChannelType::Sms,
        description: String::new(),
        binding: None,
        bind_state: Default::default(),
        created: None,
        profile: Profile::from(ProfileFields {
            resource_group: Some(group.into()),
            ..ProfileFields::default()
        }),
    }
}

fn calls(profile: Profile) -> Vec<&'static str> {
    let desired = Desired {
        quota: 10,
        channels: vec![DesiredChannel {
            name: "codes".into(),
            channel_type: ChannelType::Sms,
            description: String::new(),
            binding: None,
            protect: false,
            previously: vec![],
            profile,
        }],
        ..Desired::default()
    };
    let target = Target {
        backend: "cams".into(),
        account: "x".into(),
    };
    let state = LiveState::new(vec![live("rg-one")]);
    let plan = build(&desired, &state, &PlanOptions::new(false, target)).unwrap();
    assert_eq!(plan.steps.len(), 1, "{:?}", plan.steps);
    operations(&plan.steps[0])
}

#[test]
fn an_update_that_moves_the_group_makes_two_calls() {
    let moved = Profile::from(ProfileFields {
        resource_group: Some("rg-two".into()),
        ..ProfileFields::default()
    });
    assert_eq!(calls(moved), ["UpdateInstance", "ChangeResourceGroup"]);
    let mail = Profile::from(ProfileFields {
        contact_mail: Some("a@example.com".into()),
        ..ProfileFields::default()
    });
    assert_eq!(calls(mail), ["UpdateInstance"]);
}

/// The calls of the one step that takes a WhatsApp channel bound to `live` (none: unbound),
/// in `state`, to `file`.
fn whatsapp_calls(
    live: Option<(&str, BindState)>,
    file: (&str, Option<&str>),
) -> Vec<&'static str> {
    let binding = |number: &str, name: Option<&str>| {
        Binding::whatsapp(WhatsappBinding {
            waba_id: "5001".into(),
            phone_number: number.into(),
            verified_name: name.map(str::to_string),
            phone_numbers: Vec::new(),
            waiting: Vec::new(),
        })
    };
    binding_calls(
        live.map(|(n, s)| (binding(n, None), s)),
        binding(file.0, file.1),
    )
}

/// The calls of the one step that takes a WhatsApp channel bound to `live` to `file`.
fn binding_calls(live: Option<(Binding, BindState)>, file: Binding) -> Vec<&'static str> {
    let bind_state = live.as_ref().map_or(BindState::Bound, |(_, s)| *s);
    let channel = LiveChannel {
        id: "cams-1".into(),
        name: "shop".into(),
        channel_type: ChannelType::Whatsapp,
        description: String::new(),
        binding: live.map(|(b, _)| b),
        bind_state,
        created: None,
        profile: Profile::default(),
    };
    let desired = Desired {
        quota: 10,
        channels: vec![DesiredChannel {
            name: "shop".into(),
            channel_type: ChannelType::Whatsapp,
            description: String::new(),
            binding: Some(file),
            protect: false,
            previously: vec![],
            profile: Profile::default(),
        }],
        ..Desired::default()
    };
    let target = Target {
        backend: "cams".into(),
        account: "x".into(),
    };
    let mut options = PlanOptions::new(false, target);
    options.ask_codes = true;
    let state = LiveState::new(vec![channel]);
    let plan = build(&desired, &state, &options).unwrap();
    assert_eq!(plan.steps.len(), 1, "{:?}", plan.steps);
    operations(&plan.steps[0])
}

#[test]
fn a_whatsapp_number_counts_its_registration_verification_or_release() {
    let name = Some("Shop");
    assert_eq!(
        whatsapp_calls(None, ("+6588001234", name)),
        [
            "ChatappBindWaba",
            "AddChatappPhoneNumber",
            "GetChatappVerifyCode",
            "ChatappVerifyAndRegister"
        ]
    );
    assert_eq!(
        whatsapp_calls(None, ("+6588001234", None)),
        ["ChatappBindWaba"]
    );
    let waiting = Some(("+6588001234", BindState::Unverified));
    assert_eq!(
        whatsapp_calls(waiting, ("+6588001234", name)),
        ["ChatappVerifyAndRegister"]
    );
    let bound = Some(("+6588001234", BindState::Bound));
    assert_eq!(
        whatsapp_calls(bound, ("+6588005678", name)),
        [
            "ChatappPhoneNumberDeregister",
            "AddChatappPhoneNumber",
            "GetChatappVerifyCode",
            "ChatappVerifyAndRegister"
        ]
    );
    assert_eq!(
        whatsapp_calls(bound, ("+6588005678", None)),
        ["ChatappPhoneNumberDeregister"]
    );
}

#[test]
fn each_number_counts_its_own_calls() {
    let list = |numbers: &[(&str, Option<&str>)]| {
        Binding::whatsapp(WhatsappBinding::with_numbers(
            "5001".into(),
            numbers
                .iter()
                .map(|(n, v)| (n.to_string(), v.map(str::to_string)))
                .collect(),
        ))
    };
    const REGISTER: [&str; 3] = [
        "AddChatappPhoneNumber",
        "GetChatappVerifyCode",
        "ChatappVerifyAndRegister",
    ];
    let (a, b, c) = ("+6588001234", "+6588005678", "+6588009999");
    let name = Some("Shop");
    // Two new numbers: the WABA once, each number's registration.
    let two = binding_calls(None, list(&[(a, name), (b, name)]));
    let mut want = vec!["ChatappBindWaba"];
    want.extend(REGISTER);
    want.extend(REGISTER);
    assert_eq!(two, want);
    // From {a, b} to {b, c}: a released, c registered; b kept costs nothing.
    let live = Some((list(&[(a, None), (b, None)]), BindState::Bound));
    let mut want = vec!["ChatappPhoneNumberDeregister"];
    want.extend(REGISTER);
    assert_eq!(binding_calls(live, list(&[(b, None), (c, name)])), want);
    // Two numbers waiting for their codes: one verification each.
    let waiting = Some((list(&[(a, None), (b, None)]), BindState::Unverified));
    assert_eq!(
        binding_calls(waiting, list(&[(a, name), (b, name)])),
        ["ChatappVerifyAndRegister", "ChatappVerifyAndRegister"]
    );
}
