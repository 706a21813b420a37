//! Tests of reading the live account, against an in-process emulator on 127.0.0.1. Calls are
//! counted through the client's `-v` sink, which sees one `→ Action ...` line per attempt.

use super::*;
use crate::provider::cams::Cams;
use crate::provider::cams::test_emulator;
use chanctl_cams::client::{ClientOptions, Log};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Requests sent, by action.
#[derive(Clone, Default)]
struct Calls(Arc<Mutex<BTreeMap<String, usize>>>);

impl Calls {
    fn log(&self) -> Log {
        let calls = self.clone();
        Arc::new(move |line: &str| {
            if let Some(action) = line
                .strip_prefix("→ ")
                .and_then(|rest| rest.split(' ').next())
            {
                *calls.0.lock().unwrap().entry(action.into()).or_default() += 1;
            }
        })
    }

    /// The counts so far, starting again from zero.
    fn take(&self) -> BTreeMap<String, usize> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(a, n)| (a.to_string(), *n))
        .collect()
}

use test_emulator::runtime;

/// An in-process emulator on 127.0.0.1 and a client for it, whose calls `calls` counts.
async fn emulator_counting(calls: &Calls) -> Client {
    let mut config = test_emulator::config();
    config.quota = Some(300);
    // What Meta knows about the bindings `binding` makes: each WABA shared for its channel
    // with its number, each Page linked to its Instagram account.
    for i in 0..20 {
        if let Some(Binding::Whatsapp(w)) = binding(ChannelType::Whatsapp, i) {
            let name = format!("{}-{i:03}", ChannelType::Whatsapp);
            config.meta.signups.push(cams_emulator::meta::Signup {
                waba: w.waba_id,
                channel: name,
                numbers: vec![w.phone_number],
            });
        }
        if let Some(Binding::Instagram(b)) = binding(ChannelType::Instagram, i) {
            config
                .meta
                .instagram
                .insert(b.page_id, b.instagram_account_id);
        }
    }
    let options = ClientOptions {
        qps: 10_000,
        log: Some(calls.log()),
        ..ClientOptions::default()
    };
    test_emulator::client(config, options).await
}

async fn emulator() -> Client {
    emulator_counting(&Calls::default()).await
}

async fn create(client: &Client, t: ChannelType, name: &str) -> String {
    let r = client
        .call(
            "CreateInstance",
            &[p("ChannelType", t.as_str()), p("InstanceName", name)],
        )
        .await
        .unwrap();
    r.data()["InstanceId"].as_str().unwrap().to_string()
}

/// The `i`th binding of type `t` (None for SMS).
fn binding(t: ChannelType, i: usize) -> Option<Binding> {
    Some(match t {
        ChannelType::Sms => return None,
        ChannelType::Messenger => Binding::Messenger(MessengerBinding {
            page_id: format!("mp{i}"),
        }),
        ChannelType::Instagram => Binding::Instagram(InstagramBinding {
            page_id: format!("ip{i}"),
            instagram_account_id: format!("ia{i}"),
        }),
        ChannelType::Email => Binding::Email(EmailBinding {
            dm_account: format!("mail{i}@example.com"),
        }),
        ChannelType::Whatsapp => Binding::whatsapp(WhatsappBinding {
            waba_id: format!("w{i}"),
            phone_number: format!("+658800{i:04}"),
            verified_name: None,
            phone_numbers: Vec::new(),
            waiting: Vec::new(),
        }),
        ChannelType::Viber => Binding::Viber(ViberBinding::account(format!("Viber {i}"))),
    })
}

/// Bind as the backend does; Viber is then Pending until its audit is queried.
async fn bind(client: &Client, id: &str, b: &Binding) -> BindState {
    let (action, params) = match b {
        Binding::Messenger(b) => (
            "BindMessengerPage",
            vec![p("InstanceId", id), p("PageId", &b.page_id)],
        ),
        Binding::Instagram(b) => (
            "BindInstagramPage",
            vec![p("InstanceId", id), p("PageId", &b.page_id)],
        ),
        Binding::Email(b) => (
            "BindDmAccount",
            vec![
                p("CustSpaceId", id),
                p("AccountCode", &b.dm_account),
                p(
                    "ExtendAttr",
                    serde_json::json!({"AccountName": b.dm_account, "SendType": "batch"})
                        .to_string(),
                ),
            ],
        ),
        Binding::Whatsapp(b) => ("ChatappBindWaba", vec![p("WabaId", &b.waba_id)]),
        Binding::Viber(b) => (
            "AddAuditViberOpen",
            vec![
                p("CustSpaceId", id),
                p(
                    "AuditRecord",
                    serde_json::json!({"BusinessAccountName": b.business_account}).to_string(),
                ),
            ],
        ),
    };
    client.call(action, &params).await.unwrap();
    if matches!(b, Binding::Viber(_)) {
        BindState::Pending
    } else {
        BindState::Bound
    }
}

/// `per_type` channels of every type, every other one bound: what `all` should read.
async fn mixed_account(client: &Client, per_type: usize) -> Vec<LiveChannel> {
    let mut expected = Vec::new();
    for t in ChannelType::ALL {
        for i in 0..per_type {
            let name = format!("{t}-{i:03}");
            let id = create(client, t, &name).await;
            let b = binding(t, i).filter(|_| i % 2 == 0);
            let bind_state = match &b {
                Some(b) => bind(client, &id, b).await,
                None => BindState::Bound,
            };
            expected.push(LiveChannel {
                profile: Default::default(),
                id,
                name,
                channel_type: t,
                description: String::new(),
                binding: b,
                bind_state,
                created: None,
            });
        }
    }
    expected.sort_by(|a, b| a.id.cmp(&b.id));
    expected
}

/// `channels` without the creation times the listing gives (the expected ones have none).
fn without_times(channels: Vec<LiveChannel>) -> Vec<LiveChannel> {
    channels
        .into_iter()
        .map(|c| LiveChannel { created: None, ..c })
        .collect()
}

/// The hints a file declaring `channels`' bindings gives: their Messenger pages and WhatsApp
/// numbers.
fn hints_of(channels: &[LiveChannel]) -> ReadHints {
    ReadHints {
        messenger_pages: channels
            .iter()
            .filter_map(|c| match &c.binding {
                Some(Binding::Messenger(m)) => Some(m.page_id.clone()),
                _ => None,
            })
            .collect(),
        template_channels: Vec::new(),
        all_templates: false,
        whatsapp_numbers: channels
            .iter()
            .filter_map(|c| match &c.binding {
                Some(Binding::Whatsapp(w)) => Some(w.phone_number.clone()),
                _ => None,
            })
            .collect(),
    }
}

#[test]
fn each_type_reads_its_binding_and_messenger_pages_come_from_the_listing_filters() {
    runtime().block_on(async {
        let calls = Calls::default();
        let client = emulator_counting(&calls).await;
        // 60 channels, 10 of each type, 5 of each bound (SMS has nothing to bind).
        let expected = mixed_account(&client, 10).await;
        calls.take();
        let (live, spaces) = all(&client, &hints_of(&expected), None).await.unwrap();
        assert!(
            live.channels.iter().all(|c| c.created.is_some()),
            "SubmitTime read"
        );
        assert_eq!(without_times(live.channels), expected);
        assert_eq!(spaces.len(), 60);
        // The listing, the bound Messenger channels (IsBind), then one BindId look-up per
        // Page the file declares; every other channel is read with its type's operation.
        let want = counts(&[
            ("ListInstance", 1 + 1 + 5),
            ("ListInstagramPage", 10),
            ("ListBindDmAccount", 10),
            ("QueryChatappBindWaba", 10),
            ("QueryChatappPhoneNumbers", 5),
            ("ListViberServiceMessage", 10),
            ("GetAuditRequestByTypeUnAudit", 10),
        ]);
        assert_eq!(calls.take(), want);
    });
}

#[test]
fn a_messenger_page_the_file_does_not_name_reads_as_bound_to_an_unknown_page() {
    runtime().block_on(async {
        let client = emulator().await;
        let expected = mixed_account(&client, 2).await;
        // The file names no Page: the bound Messenger channel is bound, page unknown.
        let (live, _) = all(&client, &ReadHints::default(), None).await.unwrap();
        for (got, want) in without_times(live.channels).iter().zip(&expected) {
            if want.channel_type == ChannelType::Messenger && want.binding.is_some() {
                assert_eq!(got.binding, None);
                assert_eq!(got.bind_state, BindState::Unknown);
            } else {
                assert_eq!(got, want);
            }
        }
    });
}

#[test]
fn an_email_address_other_than_its_account_code_reads_the_account_code() {
    // The binding is the AccountCode that ListBindDmAccount returns, which may differ from
    // the address (ExtendAttr.AccountName).
    runtime().block_on(async {
        let client = emulator().await;
        let id = create(&client, ChannelType::Email, "mail").await;
        let attr = r#"{"AccountName":"noreply@mail.example.com","SendType":"batch"}"#;
        client
            .call(
                "BindDmAccount",
                &[
                    p("CustSpaceId", &id),
                    p("AccountCode", "acc-1"),
                    p("ExtendAttr", attr),
                ],
            )
            .await
            .unwrap();
        let (live, _) = all(&client, &ReadHints::default(), None).await.unwrap();
        assert_eq!(
            live.channels[0].binding,
            Some(Binding::Email(EmailBinding {
                dm_account: "acc-1".into()
            }))
        );
    });
}

#[test]
fn a_name_listed_after_a_page_of_substring_matches_is_found() {
    runtime().block_on(async {
        let client = emulator().await;
        // 120 channels whose names contain `a`, then `a` itself: the 121st match.
        for i in 0..=120 {
            let name = if i < 120 {
                format!("alpha-{i:03}")
            } else {
                "a".to_string()
            };
            create(&client, ChannelType::Sms, &name).await;
        }
        let found = find_all_by_name(&client, "a", ChannelType::Sms)
            .await
            .unwrap();
        assert_eq!(found.len(), 1, "the channel on the second page is found");
        let missing = find_all_by_name(&client, "alp", ChannelType::Sms).await;
        assert!(
            missing.unwrap().is_empty(),
            "a name only contained in others is not taken"
        );
        let other_type = find_all_by_name(&client, "a", ChannelType::Email).await;
        assert!(other_type.unwrap().is_empty());
    });
}

#[test]
fn every_copy_of_a_name_is_read_with_its_creation_time() {
    runtime().block_on(async {
        let client = emulator().await;
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(create(&client, ChannelType::Sms, "twin").await);
        }
        let cams = Cams::new(client);
        let copies = cams.copies("twin", ChannelType::Sms).await.unwrap();
        let got: Vec<&str> = copies.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(got, ids.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(copies.iter().all(|c| c.created.is_some()), "{copies:?}");
        // After a lost answer the create adopts the first copy listed; nothing of the
        // name: none.
        let adopted = cams.found_by_name("twin", ChannelType::Sms).await;
        assert_eq!(adopted.unwrap().as_deref(), Some(ids[0].as_str()));
        let none = cams.found_by_name("nope", ChannelType::Sms).await;
        assert_eq!(none.unwrap(), None);
    });
}

#[test]
fn submit_time_reads_the_forms_a_time_may_take() {
    assert_eq!(submit_time("2026-11-29T08:00:00Z"), Some(1_795_939_200));
    assert_eq!(submit_time("2026-11-29 08:00:00"), Some(1_795_939_200));
    assert_eq!(submit_time("1795939200000"), Some(1_795_939_200));
    assert_eq!(submit_time("1795939200"), Some(1_795_939_200));
    assert_eq!(submit_time(""), None);
    assert_eq!(submit_time("yesterday"), None);
}

#[test]
fn a_look_after_a_lost_answer_asks_only_about_the_pages_its_step_names() {
    let m = |page: &str| {
        Binding::Messenger(MessengerBinding {
            page_id: page.into(),
        })
    };
    let id = || "cams-1".to_string();
    assert_eq!(
        messenger_pages(&Op::Bind {
            id: id(),
            binding: m("p1")
        }),
        ["p1"]
    );
    assert_eq!(
        messenger_pages(&Op::Rebind {
            id: id(),
            from: m("p1"),
            to: m("p2")
        }),
        ["p1", "p2"]
    );
    let email = Binding::Email(EmailBinding {
        dm_account: "a@example.com".into(),
    });
    assert!(
        messenger_pages(&Op::Unbind {
            id: id(),
            binding: email
        })
        .is_empty()
    );
    assert!(messenger_pages(&Op::Delete { id: id() }).is_empty());
}

#[test]
fn a_viber_application_is_pending_while_not_audited_and_its_service_state_is_shown_as_written() {
    runtime().block_on(async {
        let mut config = test_emulator::config();
        config.viber_service_state = "stop".into();
        let options = ClientOptions {
            qps: 10_000,
            ..ClientOptions::default()
        };
        let client = test_emulator::client(config, options).await;
        let id = create(&client, ChannelType::Viber, "vb").await;
        let record = r#"{"BusinessAccountName":"acme"}"#;
        let r = client
            .call(
                "AddAuditViberOpen",
                &[p("CustSpaceId", &id), p("AuditRecord", record)],
            )
            .await
            .unwrap();
        let request_no = r.data()["RequestNo"].as_str().unwrap().to_string();
        let hints = ReadHints::default();
        let acme = Some(Binding::Viber(ViberBinding::account("acme")));
        let (live, _) = all(&client, &hints, None).await.unwrap();
        assert_eq!(live.channels[0].binding, acme);
        assert_eq!(live.channels[0].bind_state, BindState::Pending);
        assert!(live.notes.is_empty(), "{:?}", live.notes);
        client
            .call("GetViberByRequestNo", &[p("RequestNo", &request_no)])
            .await
            .unwrap();
        let (live, _) = all(&client, &hints, None).await.unwrap();
        assert_eq!(live.channels[0].binding, acme);
        assert_eq!(live.channels[0].bind_state, BindState::Bound);
        assert_eq!(
            live.notes,
            [
                "viber channel `vb`: the service of business account `acme` is in state `stop` \
              (as ListViberServiceMessage writes it; chanctl does not read meaning into it)"
            ]
        );
    });
}
