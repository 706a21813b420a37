//! Retries of the CAMS client against a real HTTP server on 127.0.0.1 that fails on purpose:
//! the number of attempts is what lets a large apply ride out runs of passing faults (the
//! fault matrix found reads failing through six attempts).

use chanctl_cams::client::{Client, ClientOptions};
use chanctl_cams::sign;
use std::time::Duration;

/// A server on 127.0.0.1 that answers 503 to the first `failures` requests, then OK.
async fn flaky_server(failures: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut served = 0;
        while let Ok((mut conn, _)) = listener.accept().await {
            let mut buf = vec![0u8; 16 * 1024];
            let mut got = Vec::new();
            while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                }
            }
            let (status, body) = if served < failures {
                (
                    "503 Service Unavailable",
                    r#"{"Code":"ServiceUnavailable","Message":"later","RequestId":"R"}"#,
                )
            } else {
                (
                    "200 OK",
                    r#"{"Code":"OK","Message":"OK","RequestId":"R","Data":[]}"#,
                )
            };
            served += 1;
            let reply = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = conn.write_all(reply.as_bytes()).await;
        }
    });
    url
}

#[test]
fn a_call_survives_seven_passing_failures_in_a_row() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let outcome = |attempts: Option<usize>, action: &str| {
        rt.block_on(async {
            let url = flaky_server(7).await;
            let mut options = ClientOptions {
                min_retry_delay: Duration::from_millis(1),
                ..ClientOptions::default()
            };
            if let Some(n) = attempts {
                options.max_attempts = n;
            }
            let endpoint = chanctl_cams::endpoint::parse(&url).unwrap();
            let client =
                Client::new(endpoint, sign::Credentials::new("id", "secret"), options).unwrap();
            client.call(action, &[]).await.map(|_| ())
        })
    };
    assert!(
        outcome(None, "UpdateInstance").is_ok(),
        "the default attempts ride out 7 failures"
    );
    assert!(
        outcome(Some(6), "UpdateInstance").is_err(),
        "six attempts did not"
    );
    // A read gets four attempts more: it changes nothing.
    assert!(outcome(Some(4), "ListInstance").is_ok(), "4 + 4 attempts");
    assert!(outcome(Some(3), "ListInstance").is_err(), "3 + 4 attempts");
}

#[test]
fn an_unbind_that_lands_late_is_found_by_the_second_look_and_not_sent_twice() {
    use super::test_emulator as emu;
    use crate::model::{Binding, EmailBinding};
    use crate::provider::Provider;
    use crate::rules::Op;
    use cams_emulator::faults::FaultKind;
    let rt = emu::runtime();
    rt.block_on(async {
        let mut config = emu::config();
        config.ambiguous_delay = Duration::from_millis(600);
        let options = ClientOptions {
            qps: 10_000,
            timeout: Duration::from_secs(1),
            ..ClientOptions::default()
        };
        // The third request (the unbind) lands late and no other request faults.
        let (client, lines) = emu::faulting_only_at(FaultKind::Late, 2, 33, config, options).await;
        let id = emu::create_channel(&client, "email", "e").await;
        let binding = Binding::Email(EmailBinding {
            dm_account: "m@example.com".into(),
        });
        let cams = super::Cams::new(client);
        let bind = Op::Bind {
            id: id.clone(),
            binding: binding.clone(),
        };
        cams.execute(&bind).await.unwrap();
        cams.execute(&Op::Unbind { id, binding }).await.unwrap();
        let live = cams.read().await.unwrap();
        assert!(live.channels.iter().all(|c| c.binding.is_none()));
        assert_eq!(live.channels.len(), 1);
        let lines = lines.lock().unwrap();
        assert_sent_once_and_found(&lines, "UnbindDmAccount");
    });
}

/// `action` was sent once, and found done by looking.
fn assert_sent_once_and_found(lines: &[String], action: &str) {
    let log = lines.join("\n");
    let sent = lines
        .iter()
        .filter(|l| l.starts_with(&format!("→ {action} ")))
        .count();
    assert_eq!(sent, 1, "sent once:\n{log}");
    assert!(
        log.contains("had gone through"),
        "found done by looking:\n{log}"
    );
}

/// Options of a client with one attempt at each change.
fn one_attempt() -> ClientOptions {
    ClientOptions {
        qps: 10_000,
        max_attempts: 1,
        ..ClientOptions::default()
    }
}

/// `op` run by a client with one attempt against an emulator that makes request `at` (from
/// 0) and drops its answer, and faults on no other: it must succeed, with `action` sent once
/// and found done by looking. With `channel_first`, an email channel is created first (one
/// request) and `op` gets its id.
fn only_attempt_answer_dropped(
    at: usize,
    action: &str,
    channel_first: bool,
    op: impl FnOnce(Option<String>) -> crate::rules::Op,
) -> crate::provider::Outcome {
    use super::test_emulator as emu;
    use crate::provider::Provider;
    use cams_emulator::faults::FaultKind;
    emu::runtime().block_on(async {
        let (client, lines) =
            emu::faulting_only_at(FaultKind::Drop, at, 20, emu::config(), one_attempt()).await;
        let id = match channel_first {
            true => Some(emu::create_channel(&client, "email", "e").await),
            false => None,
        };
        let outcome = super::Cams::new(client).execute(&op(id)).await;
        let lines = lines.lock().unwrap();
        let outcome = outcome.unwrap_or_else(|e| panic!("{e:?}; the log:\n{}", lines.join("\n")));
        assert_sent_once_and_found(&lines, action);
        outcome
    })
}

#[test]
fn a_change_made_on_its_last_attempt_is_found_by_looking_not_reported_failed() {
    use crate::model::{Binding, EmailBinding};
    use crate::rules::Op;
    // The third request: the bind, after the create and the listing that finds the
    // channel's space.
    only_attempt_answer_dropped(2, "BindDmAccount", true, |id| Op::Bind {
        id: id.unwrap_or_default(),
        binding: Binding::Email(EmailBinding {
            dm_account: "m@example.com".into(),
        }),
    });
}

#[test]
fn a_create_made_on_its_last_attempt_is_found_by_its_name_not_reported_failed() {
    use crate::model::ChannelType;
    use crate::provider::Outcome;
    use crate::rules::Op;
    // The first request: the create.
    let outcome = only_attempt_answer_dropped(0, "CreateInstance", false, |_| Op::Create {
        name: "e".into(),
        channel_type: ChannelType::Email,
        description: String::new(),
        profile: Default::default(),
    });
    assert!(matches!(outcome, Outcome::Created(_)), "{outcome:?}");
}
