//! Reading the live account from CAMS: every instance (ListInstance, the first page, then the
//! remaining pages concurrently), then each channel's binding through its type's operation.

use super::client::{Client, Reply};
use super::{Cams, p};
use crate::model::*;
use crate::provider::ProviderError;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde_json::Value;

/// The largest page ListInstance serves.
pub const PAGE_SIZE: usize = 100;
/// "subscriber has not bind WABA": what QueryChatappBindWaba answers for an unbound channel.
const NO_WABA: &str = "ERR-OPERATION-MAAP-0060";
/// Pages or binding reads in flight at once.
const CONCURRENCY: usize = 8;

fn s(v: &Value, k: &str) -> String {
    match &v[k] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// One ListInstance row, before its binding is known.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub cust_space_id: String,
    pub name: String,
    pub channel_type: Option<ChannelType>,
    pub description: String,
    /// The bound resource, where the listing says it (`BindId`).
    pub bind_id: String,
}

pub fn rows(reply: &Reply) -> Vec<Row> {
    reply
        .data()
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|r| Row {
                    id: s(r, "InstanceId"),
                    cust_space_id: Some(s(r, "CustSpaceId"))
                        .filter(|c| !c.is_empty())
                        .unwrap_or_else(|| s(r, "InstanceId")),
                    name: s(r, "InstanceName"),
                    channel_type: ChannelType::ALL
                        .into_iter()
                        .find(|t| t.as_str().eq_ignore_ascii_case(&s(r, "ChannelType"))),
                    description: s(r, "InstanceDescription"),
                    bind_id: s(r, "BindId"),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn err(action: &str, e: super::client::CallError) -> ProviderError {
    Cams::api_error(action, &e)
}

/// Every channel of the account with its binding.
pub async fn all(client: &Client) -> Result<LiveState, ProviderError> {
    let page = |n: usize| async move {
        client
            .call(
                "ListInstance",
                &[
                    p("PageIndex", n.to_string()),
                    p("PageSize", PAGE_SIZE.to_string()),
                ],
            )
            .await
            .map_err(|e| err("ListInstance", e))
    };
    let first = page(1).await?;
    let total = first.body["TotalCount"].as_u64().unwrap_or(0) as usize;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let mut all_rows = rows(&first);
    let rest: Vec<Reply> = stream::iter(2..=pages)
        .map(page)
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    for reply in &rest {
        all_rows.extend(rows(reply));
    }
    client.log_line(&format!(
        "read {} channels in {pages} ListInstance call{}",
        all_rows.len(),
        if pages == 1 { "" } else { "s" }
    ));
    let channels: Vec<LiveChannel> = stream::iter(all_rows)
        .map(|row| with_binding(client, row))
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    Ok(LiveState::new(channels))
}

/// Every channel of exact name and type, oldest first (after a create whose answer was lost).
///
/// `InstanceName` filters by substring, so a short name can match more than a page of other
/// channels: every page is read, or a channel that an earlier attempt did create would be
/// missed and created a second time.
pub async fn find_all_by_name(
    client: &Client,
    name: &str,
    t: ChannelType,
) -> Result<Vec<String>, ProviderError> {
    let mut found = Vec::new();
    let mut page = 1usize;
    loop {
        let reply = client
            .call(
                "ListInstance",
                &[
                    p("InstanceName", name),
                    p("ChannelType", t.as_str()),
                    p("PageIndex", page.to_string()),
                    p("PageSize", PAGE_SIZE.to_string()),
                ],
            )
            .await
            .map_err(|e| err("ListInstance", e))?;
        let rows = rows(&reply);
        let listed = rows.len();
        found.extend(
            rows.into_iter()
                .filter(|r| r.name == name && r.channel_type == Some(t))
                .map(|r| r.id),
        );
        let total = reply.body["TotalCount"].as_u64().unwrap_or(0) as usize;
        if listed == 0 || page.saturating_mul(PAGE_SIZE) >= total {
            return Ok(found);
        }
        page += 1;
    }
}

/// Add the binding to a row, with the read operation of its type.
pub async fn with_binding(client: &Client, row: Row) -> Result<LiveChannel, ProviderError> {
    let Some(t) = row.channel_type else {
        return Err(ProviderError::Api {
            code: "UnknownChannelType".into(),
            message: format!(
                "instance {} `{}` has a channel type chanctl does not know",
                row.id, row.name
            ),
            request_id: None,
        });
    };
    let space = row.cust_space_id.clone();
    let (binding, bind_state) = match t {
        ChannelType::Sms => (None, BindState::Bound),
        ChannelType::Messenger => (
            (!row.bind_id.is_empty()).then(|| {
                Binding::Messenger(MessengerBinding {
                    page_id: row.bind_id.clone(),
                })
            }),
            BindState::Bound,
        ),
        ChannelType::Instagram => {
            let r = client
                .call("ListInstagramPage", &[p("InstanceId", &row.id)])
                .await
                .map_err(|e| err("ListInstagramPage", e))?;
            let info = &r.data()["InstagramInfo"];
            let (page, account) = (s(info, "PageId"), s(info, "AccountId"));
            (
                (!page.is_empty()).then_some(Binding::Instagram(InstagramBinding {
                    page_id: page,
                    instagram_account_id: account,
                })),
                BindState::Bound,
            )
        }
        ChannelType::Email => {
            let r = client
                .call("ListBindDmAccount", &[p("CustSpaceId", &space)])
                .await
                .map_err(|e| err("ListBindDmAccount", e))?;
            let code = r
                .data()
                .as_array()
                .and_then(|a| a.first())
                .map(|d| s(d, "AccountCode"))
                .unwrap_or_default();
            (
                (!code.is_empty()).then_some(Binding::Email(EmailBinding { dm_account: code })),
                BindState::Bound,
            )
        }
        ChannelType::Whatsapp => {
            // A channel without a WABA answers with this documented CAMS code.
            let waba = match client
                .call("QueryChatappBindWaba", &[p("CustSpaceId", &space)])
                .await
            {
                Ok(r) => s(r.data(), "Id"),
                Err(e) if e.code() == Some(NO_WABA) => String::new(),
                Err(e) => return Err(err("QueryChatappBindWaba", e)),
            };
            if waba.is_empty() {
                (None, BindState::Bound)
            } else {
                let n = client
                    .call("QueryChatappPhoneNumbers", &[p("CustSpaceId", &space)])
                    .await
                    .map_err(|e| err("QueryChatappPhoneNumbers", e))?;
                let number = n.body["PhoneNumbers"]
                    .as_array()
                    .and_then(|a| a.first())
                    .map(|d| s(d, "PhoneNumber"))
                    .unwrap_or_default();
                let number = if number.is_empty() || number.starts_with('+') {
                    number
                } else {
                    format!("+{number}")
                };
                (
                    Some(Binding::Whatsapp(WhatsappBinding {
                        waba_id: waba,
                        phone_number: number,
                    })),
                    BindState::Bound,
                )
            }
        }
        ChannelType::Viber => {
            let r = client
                .call("ListViberServiceMessage", &[p("CustSpaceId", &space)])
                .await
                .map_err(|e| err("ListViberServiceMessage", e))?;
            match r.data().as_array().and_then(|a| a.first()) {
                Some(d) if !s(d, "BusinessAccountName").is_empty() => {
                    let state = s(d, "State");
                    let pending = !matches!(
                        state.to_ascii_lowercase().as_str(),
                        "approved" | "pass" | "passed" | "online" | "normal" | "active"
                    );
                    (
                        Some(Binding::Viber(ViberBinding {
                            business_account: s(d, "BusinessAccountName"),
                        })),
                        if pending {
                            BindState::Pending
                        } else {
                            BindState::Bound
                        },
                    )
                }
                _ => (None, BindState::Bound),
            }
        }
    };
    Ok(LiveChannel {
        id: row.id,
        name: row.name,
        channel_type: t,
        description: row.description,
        binding,
        bind_state,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cams::sign::Credentials;
    use crate::emulator::{Config, Emulator, server};
    use crate::provider::cams::Cams;
    use crate::provider::cams::client::ClientOptions;
    use crate::provider::cams::endpoint;
    use std::sync::Arc;

    /// An in-process emulator on 127.0.0.1 and a client for it.
    async fn emulator() -> Client {
        let creds = Credentials::new("id".to_string(), "secret".to_string());
        let mut config = Config::new(creds.clone());
        config.quota = Some(300);
        let emu = Arc::new(Emulator::new(config).unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(server::serve(listener, emu));
        let options = ClientOptions {
            qps: 10_000,
            ..ClientOptions::default()
        };
        Client::new(endpoint::parse(&url).unwrap(), creds, options).unwrap()
    }

    #[test]
    fn a_name_listed_after_a_page_of_substring_matches_is_found() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let client = emulator().await;
            // 120 channels whose names contain `a`, then `a` itself: the 121st match.
            for i in 0..=120 {
                let name = if i < 120 {
                    format!("alpha-{i:03}")
                } else {
                    "a".to_string()
                };
                client
                    .call(
                        "CreateInstance",
                        &[p("ChannelType", "sms"), p("InstanceName", name)],
                    )
                    .await
                    .unwrap();
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
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let client = emulator().await;
            let mut ids = Vec::new();
            for _ in 0..3 {
                let r = client
                    .call(
                        "CreateInstance",
                        &[p("ChannelType", "sms"), p("InstanceName", "twin")],
                    )
                    .await
                    .unwrap();
                ids.push(r.data()["InstanceId"].as_str().unwrap().to_string());
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
}
