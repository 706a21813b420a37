//! Unit tests of the diff: matching desired channels to live ones.

use super::*;

fn wanted(name: &str, previously: &[&str]) -> DesiredChannel {
    DesiredChannel {
        name: name.into(),
        channel_type: ChannelType::Sms,
        description: String::new(),
        binding: None,
        protect: false,
        previously: previously.iter().map(|p| p.to_string()).collect(),
    }
}

#[test]
fn channels_match_by_name_then_old_name_and_a_repeated_live_name_is_refused() {
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
    assert_eq!(
        match_channels(&desired, &state).unwrap(),
        [Some(2), Some(0)]
    );
    let desired = Desired {
        channels: vec![wanted("twin", &[])],
        ..desired
    };
    assert_eq!(
        match_channels(&desired, &state).unwrap_err(),
        PlanError::AmbiguousLive {
            name: "twin".into(),
            ids: vec!["b".into(), "d".into()],
        }
    );
}
