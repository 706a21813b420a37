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
        Binding::Whatsapp(WhatsappBinding {
            waba_id: "5001".into(),
            phone_number: number.into(),
            verified_name: name.map(str::to_string),
            phone_numbers: Vec::new(),
            waiting: Vec::new(),
        })
    };
    let channel = LiveChannel {
        id: "cams-1".into(),
        name: "shop".into(),
        channel_type: ChannelType::Whatsapp,
        description: String::new(),
        binding: live.map(|(n, _)| binding(n, None)),
        bind_state: live.map_or(BindState::Bound, |(_, s)| s),
        created: None,
        profile: Profile::default(),
    };
    let desired = Desired {
        quota: 10,
        channels: vec![DesiredChannel {
            name: "shop".into(),
            channel_type: ChannelType::Whatsapp,
            description: String::new(),
            binding: Some(binding(file.0, file.1)),
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
