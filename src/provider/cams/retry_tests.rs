//! Retries of the CAMS client against a real HTTP server on 127.0.0.1 that fails on purpose:
//! the number of attempts is what lets a large apply ride out runs of passing faults (the
//! fault matrix found reads failing through six attempts).

use super::client::{Client, ClientOptions};
use crate::cams::sign;
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
    let outcome = |attempts: Option<usize>| {
        rt.block_on(async {
            let url = flaky_server(7).await;
            let mut options = ClientOptions {
                min_retry_delay: Duration::from_millis(1),
                ..ClientOptions::default()
            };
            if let Some(n) = attempts {
                options.max_attempts = n;
            }
            let endpoint = super::endpoint::parse(&url).unwrap();
            let client =
                Client::new(endpoint, sign::Credentials::new("id", "secret"), options).unwrap();
            client.call("ListInstance", &[]).await.map(|_| ())
        })
    };
    assert!(
        outcome(None).is_ok(),
        "the default attempts ride out 7 failures"
    );
    assert!(outcome(Some(6)).is_err(), "six attempts did not");
}

#[test]
fn a_channel_that_vanishes_between_two_reads_counts_as_deleted() {
    use crate::provider::ProviderError;
    let api = |code: &str| ProviderError::Api {
        code: code.into(),
        message: String::new(),
        request_id: None,
    };
    assert!(super::vanished(&api("InvalidInstanceId.NotFound")));
    assert!(!super::vanished(&api("ServiceUnavailable")));
    assert!(!super::vanished(&ProviderError::Io("x".into())));
}
