//! Which CAMS calls each plan step makes (`operations`), for the plan's API estimate: an
//! update that moves the resource group makes two.

use super::operations;
use crate::config::{Desired, DesiredChannel};
use crate::model::{ChannelType, LiveChannel, LiveState, Profile, ProfileFields};
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
