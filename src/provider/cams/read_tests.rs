//! Tests of reading the live account, against an in-process emulator on 127.0.0.1. Calls are
//! counted through the client's `-v` sink, which sees one `→ Action ...` line per attempt.

use super::*;
use crate::provider::cams::Cams;
use cams_emulator::{Config, Emulator, server};
use chanctl_cams::client::{ClientOptions, Log};
use chanctl_cams::endpoint;
use chanctl_cams::sign::Credentials;
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

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// An in-process emulator on 127.0.0.1 and a client for it, whose calls `calls` counts.
async fn emulator_counting(calls: &Calls) -> Client {
    let creds = Credentials::new("id".to_string(), "secret".to_string());
    let mut config = Config::new(creds.clone());
    config.quota = Some(300);
    let emu = Arc::new(Emulator::new(config).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(server::serve(listener, emu));
    let options = ClientOptions {
        qps: 10_000,
        log: Some(calls.log()),
        ..ClientOptions::default()
    };
    Client::new(endpoint::parse(&url).unwrap(), creds, options).unwrap()
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
        ChannelType::Whatsapp => Binding::Whatsapp(WhatsappBinding {
            waba_id: format!("w{i}"),
            phone_number: format!("+658800{i:04}"),
        }),
        ChannelType::Viber => Binding::Viber(ViberBinding {
            business_account: format!("Viber {i}"),
        }),
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
            vec![
                p("InstanceId", id),
                p("PageId", &b.page_id),
                p("AccountId", &b.instagram_account_id),
            ],
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
        Binding::Whatsapp(b) => (
            "ChatappBindWaba",
            vec![
                p("WabaId", &b.waba_id),
                p("CustSpaceId", id),
                p("PhoneNumber", &b.phone_number),
            ],
        ),
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
                id,
                name,
                channel_type: t,
                description: String::new(),
                binding: b,
                bind_state,
            });
        }
    }
    expected.sort_by(|a, b| a.id.cmp(&b.id));
    expected
}

#[test]
fn the_listing_s_bind_id_spares_the_binding_reads_of_unbound_channels() {
    runtime().block_on(async {
        let calls = Calls::default();
        let client = emulator_counting(&calls).await;
        // 60 channels, 10 of each type, 5 of each bound (SMS has nothing to bind).
        let expected = mixed_account(&client, 10).await;
        calls.take();
        let live = all(&client).await.unwrap();
        assert_eq!(live.channels, expected);
        // Only the bound channels of the types whose binding is not all in the row are read
        // (before BindId was trusted: 10 of each but WhatsApp's number, 45 reads in all).
        let want = counts(&[
            ("ListInstance", 1),
            ("ListInstagramPage", 5),
            ("ListBindDmAccount", 5),
            ("QueryChatappBindWaba", 5),
            ("QueryChatappPhoneNumbers", 5),
            ("ListViberServiceMessage", 5),
        ]);
        assert_eq!(calls.take(), want);
    });
}

#[test]
fn rows_tell_a_missing_bind_id_from_an_empty_one() {
    let reply = Reply {
        body: serde_json::json!({"Data": [
            // As the real service lists it: no BindId.
            {"InstanceId": "a", "CustSpaceId": "a", "ChannelType": "whatsapp", "State": "published"},
            {"InstanceId": "b", "ChannelType": "whatsapp", "BindId": ""},
            {"InstanceId": "c", "ChannelType": "whatsapp", "BindId": "w1"},
            {"InstanceId": "d", "ChannelType": "whatsapp", "BindId": null},
        ]}),
        request_id: None,
    };
    let bind_ids: Vec<Option<String>> = rows(&reply).into_iter().map(|r| r.bind_id).collect();
    assert_eq!(
        bind_ids,
        [None, Some(String::new()), Some("w1".into()), None]
    );
}

#[test]
fn a_row_without_bind_id_reads_each_binding_with_its_operation() {
    runtime().block_on(async {
        let calls = Calls::default();
        let client = emulator_counting(&calls).await;
        // One bound and one unbound channel of each type.
        let expected = mixed_account(&client, 2).await;
        let listed = client
            .call("ListInstance", &[p("PageSize", "100")])
            .await
            .unwrap();
        calls.take();
        for row in rows(&listed) {
            assert!(row.bind_id.is_some(), "the emulator lists BindId");
            // As the real service would list it.
            let row = Row {
                bind_id: None,
                ..row
            };
            let got = with_binding(&client, row).await.unwrap();
            let mut want = expected.iter().find(|c| c.id == got.id).unwrap().clone();
            if want.channel_type == ChannelType::Messenger {
                // No operation reads a Messenger page: unbound, as before BindId was read.
                want.binding = None;
            }
            assert_eq!(got, want);
        }
        // Every channel but SMS and Messenger is read, bound or not; a bound WABA twice.
        let want = counts(&[
            ("ListInstagramPage", 2),
            ("ListBindDmAccount", 2),
            ("QueryChatappBindWaba", 2),
            ("QueryChatappPhoneNumbers", 1),
            ("ListViberServiceMessage", 2),
        ]);
        assert_eq!(calls.take(), want);
    });
}

#[test]
fn an_email_address_other_than_its_account_code_reads_the_account_code() {
    // BindId shows the address (ExtendAttr.AccountName) but the binding is the AccountCode
    // that ListBindDmAccount returns: the two can differ, so a bound email is still read.
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
        let live = all(&client).await.unwrap();
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
fn twins_left_by_lost_create_answers_are_deleted_keeping_the_answered_one() {
    runtime().block_on(async {
        let client = emulator().await;
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(create(&client, ChannelType::Sms, "twin").await);
        }
        let cams = Cams::new(client);
        let kept = cams
            .settle_create("twin", ChannelType::Sms, Some(ids[1].clone()))
            .await
            .unwrap();
        assert_eq!(kept.as_deref(), Some(ids[1].as_str()));
        let left = find_all_by_name(&cams.client, "twin", ChannelType::Sms)
            .await
            .unwrap();
        assert_eq!(left, vec![ids[1].clone()], "the answered one is kept");
        // Without an answer, the oldest is adopted; nothing of the name: none.
        let adopted = cams.settle_create("twin", ChannelType::Sms, None).await;
        assert_eq!(adopted.unwrap().as_deref(), Some(ids[1].as_str()));
        let none = cams.settle_create("nope", ChannelType::Sms, None).await;
        assert_eq!(none.unwrap(), None);
    });
}
