//! Property: for random live and desired accounts, running the plan's steps against the
//! service's rules never breaks a rule mid-way, and ends with live equal to desired. Steps
//! of one wave are also run in reverse order, since apply may run them concurrently.

use chanctl::config::{Desired, DesiredChannel};
use chanctl::model::*;
use chanctl::plan::{self, Action, PlanError, PlanOptions, Target};
use chanctl::rules::Account;
use proptest::prelude::*;
use std::collections::{HashMap, HashSet};

const NAMES: [&str; 8] = ["a", "b", "c", "d", "e", "f", "g", "h"];

fn binding_for(t: ChannelType, r: u8) -> Option<Binding> {
    let id = (r % 4).to_string();
    match t {
        ChannelType::Whatsapp => Some(Binding::whatsapp(WhatsappBinding {
            waba_id: "100".into(),
            phone_number: format!("+6588000{id}"),
            verified_name: None,
            phone_numbers: Vec::new(),
            waiting: Vec::new(),
        })),
        ChannelType::Viber => Some(Binding::Viber(ViberBinding::account(format!("v{id}")))),
        ChannelType::Messenger => Some(Binding::Messenger(MessengerBinding { page_id: id })),
        ChannelType::Instagram => Some(Binding::Instagram(InstagramBinding {
            page_id: id.clone(),
            instagram_account_id: format!("9{id}"),
        })),
        ChannelType::Email => Some(Binding::Email(EmailBinding {
            dm_account: format!("m{id}@x.io"),
        })),
        ChannelType::Sms => None,
    }
}

#[derive(Debug, Clone)]
struct Spec {
    name: usize,
    kind: usize,
    desc: u8,
    bound: bool,
    res: u8,
}

fn spec() -> impl Strategy<Value = Spec> {
    (0..NAMES.len(), 0..6usize, 0..3u8, any::<bool>(), 0..4u8).prop_map(
        |(name, kind, desc, bound, res)| Spec {
            name,
            kind,
            desc,
            bound,
            res,
        },
    )
}

/// Channels with unique names and no resource held twice (later duplicates drop the binding).
fn channels(specs: &[Spec]) -> Vec<(String, ChannelType, String, Option<Binding>)> {
    let mut names = HashSet::new();
    let mut held = HashSet::new();
    let mut out = Vec::new();
    for s in specs {
        let name = NAMES[s.name].to_string();
        if !names.insert(name.clone()) {
            continue;
        }
        let t = ChannelType::ALL[s.kind];
        let mut binding = if s.bound { binding_for(t, s.res) } else { None };
        if let Some(b) = &binding {
            if b.resources().iter().any(|r| held.contains(r)) {
                binding = None;
            } else {
                held.extend(b.resources());
            }
        }
        out.push((name, t, format!("desc {}", s.desc), binding));
    }
    out
}

fn run(
    live_specs: Vec<Spec>,
    desired_specs: Vec<Spec>,
    quota: u32,
    prune: bool,
    reverse_waves: bool,
) -> Result<(), TestCaseError> {
    let live_channels: Vec<LiveChannel> = channels(&live_specs)
        .into_iter()
        .enumerate()
        .map(|(i, (name, t, description, binding))| LiveChannel {
            id: format!("cams-{i:04}"),
            name,
            channel_type: t,
            description,
            binding,
            bind_state: BindState::Bound,
            created: None,
            profile: Default::default(),
        })
        .collect();
    let mut account =
        Account::from_channels(quota.max(live_channels.len() as u32), live_channels.clone())
            .unwrap();
    account.quota = quota;
    let live = account.snapshot();
    let desired = Desired {
        quota,
        prune,
        channels: channels(&desired_specs)
            .into_iter()
            .map(|(name, t, description, binding)| DesiredChannel {
                name,
                channel_type: t,
                description,
                binding,
                protect: false,
                previously: vec![],
                profile: Default::default(),
            })
            .collect(),
        ..Desired::default()
    };
    let options = PlanOptions::new(
        prune,
        Target {
            backend: "test".into(),
            account: "test".into(),
        },
    );
    let plan = match plan::build(&desired, &live, &options) {
        Ok(p) => p,
        Err(PlanError::OverQuota {
            needed, quota: q, ..
        }) => {
            prop_assert!(needed > q);
            return Ok(());
        }
        Err(PlanError::HeldByUnmanaged { holder, .. }) => {
            prop_assert!(!prune);
            prop_assert!(!desired.channels.iter().any(|d| d.name == holder));
            return Ok(());
        }
    };

    let mut created: HashMap<String, String> = HashMap::new();
    for wave in 0..plan.waves() {
        let mut steps: Vec<_> = plan.steps.iter().filter(|s| s.wave == wave).collect();
        if reverse_waves {
            steps.reverse();
        }
        for step in steps {
            for &d in &step.depends_on {
                prop_assert!(
                    plan.steps[d].wave < step.wave,
                    "step {} depends on a step of the same or a later wave",
                    step.index
                );
            }
            let id = step
                .instance_id
                .clone()
                .or_else(|| created.get(&*step.channel).cloned());
            let op = step
                .op(id.as_deref())
                .ok_or_else(|| TestCaseError::fail(format!("step {step:?} has no op")))?;
            match account.apply(&op) {
                Ok(Some(new_id)) => {
                    prop_assert_eq!(step.action, Action::Create);
                    created.insert(step.channel.to_string(), new_id);
                }
                Ok(None) => {}
                Err(e) => {
                    return Err(TestCaseError::fail(format!(
                        "step {} ({:?} {}) broke a rule: {e}\nplan: {:#?}",
                        step.index, step.action, step.channel, plan.steps
                    )));
                }
            }
        }
    }

    // Live now equals desired: every declared channel exactly, and no others when pruning.
    let after = account.snapshot();
    for d in &desired.channels {
        let found: Vec<_> = after.channels.iter().filter(|c| c.name == d.name).collect();
        prop_assert_eq!(found.len(), 1, "channel {} should exist once", d.name);
        let c = found[0];
        prop_assert_eq!(c.channel_type, d.channel_type);
        prop_assert_eq!(&c.description, &d.description);
        prop_assert_eq!(&c.binding, &d.binding);
    }
    let expected_count = if prune {
        desired.channels.len()
    } else {
        desired.channels.len() + plan.unmanaged.len()
    };
    prop_assert_eq!(after.channels.len(), expected_count);

    // And a second plan is empty.
    let again =
        plan::build(&desired, &after, &options).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(again.is_empty(), "second plan not empty: {:?}", again.steps);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn plans_keep_the_rules_and_converge(
        live in prop::collection::vec(spec(), 0..8),
        desired in prop::collection::vec(spec(), 0..8),
        quota in 1u32..10,
        prune in any::<bool>(),
        reverse in any::<bool>(),
    ) {
        run(live, desired, quota, prune, reverse)?;
    }
}
