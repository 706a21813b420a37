//! Reading the live account from CAMS: every instance (ListInstance, the first page, then the
//! remaining pages concurrently), then each channel's binding through its type's operation.
//!
//! From a ListInstance row: the id, CustSpaceId, name, type, description and SubmitTime
//! (the SDK's row has no binding). Then each channel but SMS is read with its type's
//! operation (ListInstagramPage, ListBindDmAccount, QueryChatappBindWaba then
//! QueryChatappPhoneNumbers, ListViberServiceMessage then GetAuditRequestByTypeUnAudit). A
//! Messenger channel has no read operation: the listing's filters tell which channels are
//! bound (`IsBind=true`) and which holds each Page the file declares (`BindId=PAGE`); one
//! bound to a Page the file does not name reads as bound to an unknown Page.

use super::{Cams, p};
use crate::model::*;
use crate::provider::ProviderError;
use crate::rules::Op;
use chanctl_cams::client::{Client, Reply};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde_json::Value;

/// The largest page ListInstance serves.
pub const PAGE_SIZE: usize = 100;
/// Pages or binding reads in flight at once.
const CONCURRENCY: usize = 8;

pub(super) fn s(v: &Value, k: &str) -> String {
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
    /// `SubmitTime`, as Unix seconds, when it reads as a time (see [`submit_time`]).
    pub created: Option<i64>,
    /// ContactMail, CountryId, OfficeAddress, FacebookBmId, IsvTerms and ResourceGroupId.
    pub profile: Profile,
}

/// A row's `SubmitTime` as Unix seconds. Its format is not documented (assumed, in the
/// README's table): RFC 3339, `YYYY-MM-DD HH:MM:SS` (taken as UTC: only the order of two
/// copies matters), or Unix seconds or milliseconds. Anything else is no time at all.
pub fn submit_time(text: &str) -> Option<i64> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = text.parse().ok()?;
        return Some(if n > 100_000_000_000 { n / 1000 } else { n });
    }
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Some(t.as_second());
    }
    let civil: jiff::civil::DateTime = text.parse().ok()?;
    jiff::tz::TimeZone::UTC
        .to_timestamp(civil)
        .ok()
        .map(|t| t.as_second())
}

/// What the type reads need besides a channel's row. For Messenger, what the ListInstance
/// filters say (no field of a row does): the channels that are bound (`IsBind=true`), and
/// which channel holds each Page the file declares (`BindId=PAGE`). For WhatsApp, the numbers
/// the file binds: of a WABA's numbers, the one the file names is read.
#[derive(Debug, Default)]
pub struct Lookups {
    pub bound: std::collections::HashSet<String>,
    pub page_of: std::collections::HashMap<String, String>,
    pub whatsapp_numbers: Vec<String>,
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
                    created: submit_time(&s(r, "SubmitTime")),
                    profile: Profile::from_fields(|field| s(r, field)),
                })
                .collect()
        })
        .unwrap_or_default()
}

pub(super) fn err(action: &str, e: chanctl_cams::client::CallError) -> ProviderError {
    Cams::api_error(action, &e)
}

/// A read (retried as reads are) whose failure names its action.
pub(super) async fn read_call(
    client: &Client,
    action: &str,
    params: &[(String, String)],
) -> Result<Reply, ProviderError> {
    client
        .call(action, params)
        .await
        .map_err(|e| err(action, e))
}

/// The ids of every channel the listing with `filters` returns, all pages.
async fn ids_where(
    client: &Client,
    filters: &[(String, String)],
) -> Result<Vec<String>, ProviderError> {
    let mut ids = Vec::new();
    let mut page = 1usize;
    loop {
        let mut params = filters.to_vec();
        params.push(p("PageIndex", page.to_string()));
        params.push(p("PageSize", PAGE_SIZE.to_string()));
        let reply = client
            .call("ListInstance", &params)
            .await
            .map_err(|e| err("ListInstance", e))?;
        let rows = rows(&reply);
        let listed = rows.len();
        ids.extend(rows.into_iter().map(|r| r.id));
        let total = reply.body["TotalCount"].as_u64().unwrap_or(0) as usize;
        if listed == 0 || page.saturating_mul(PAGE_SIZE) >= total {
            return Ok(ids);
        }
        page += 1;
    }
}

/// Which Messenger channels are bound, and to which of the Pages in `hints`.
pub async fn messenger_view(client: &Client, hints: &ReadHints) -> Result<Lookups, ProviderError> {
    let messenger = p("ChannelType", ChannelType::Messenger.as_str());
    let bound: std::collections::HashSet<String> =
        ids_where(client, &[messenger.clone(), p("IsBind", "true")])
            .await?
            .into_iter()
            .collect();
    let mut view = Lookups {
        bound,
        ..Lookups::default()
    };
    if view.bound.is_empty() {
        return Ok(view);
    }
    let holders: Vec<(String, Vec<String>)> = stream::iter(hints.messenger_pages.iter())
        .map(|page| {
            let filters = [messenger.clone(), p("BindId", page)];
            async move { Ok::<_, ProviderError>((page.clone(), ids_where(client, &filters).await?)) }
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    for (page, ids) in holders {
        for id in ids.into_iter().filter(|id| view.bound.contains(id)) {
            view.page_of.insert(id, page.clone());
        }
    }
    Ok(view)
}

/// The Messenger Pages `op` binds or releases: what a look at its channel must ask about.
pub(super) fn messenger_pages(op: &Op) -> Vec<String> {
    let page = |b: &Binding| match b {
        Binding::Messenger(m) => Some(m.page_id.clone()),
        _ => None,
    };
    match op {
        Op::Bind { binding, .. } | Op::Unbind { binding, .. } => {
            page(binding).into_iter().collect()
        }
        Op::Rebind { from, to, .. } => page(from).into_iter().chain(page(to)).collect(),
        Op::Create { .. } | Op::Update { .. } | Op::Amend { .. } | Op::Delete { .. } => Vec::new(),
    }
}

/// Told how far a read has got: channels read, and the channels listed (`None` while the
/// account is being listed).
pub type Progress = std::sync::Arc<dyn Fn(usize, Option<usize>) + Send + Sync>;

/// Every channel of the account with its binding (`hints` names the Pages to look up), and
/// each instance's `CustSpaceId`; `progress` is told how far it has got.
pub async fn all(
    client: &Client,
    hints: &ReadHints,
    progress: Option<&Progress>,
) -> Result<(LiveState, Vec<(String, String)>), ProviderError> {
    let tell = |done: usize, total: Option<usize>| {
        if let Some(progress) = progress {
            progress(done, total);
        }
    };
    tell(0, None);
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
        "read {} {} in {pages} ListInstance {}",
        all_rows.len(),
        crate::render::plural(all_rows.len(), "channel", "channels"),
        crate::render::plural(pages, "call", "calls")
    ));
    let view = if all_rows
        .iter()
        .any(|r| r.channel_type == Some(ChannelType::Messenger))
    {
        messenger_view(client, hints).await?
    } else {
        Lookups::default()
    };
    let view = &Lookups {
        whatsapp_numbers: hints.whatsapp_numbers.clone(),
        ..view
    };
    let spaces = all_rows
        .iter()
        .map(|r| (r.id.clone(), r.cust_space_id.clone()))
        .collect();
    let total = all_rows.len();
    tell(0, Some(total));
    let read = std::sync::atomic::AtomicUsize::new(0);
    let read = &read;
    let tell = &tell;
    let read_all: Vec<(LiveChannel, Option<String>)> = stream::iter(all_rows)
        .map(|row| async move {
            let channel = with_binding(client, row, view).await;
            tell(
                read.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                Some(total),
            );
            channel
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    let (channels, notes): (Vec<LiveChannel>, Vec<Option<String>>) = read_all.into_iter().unzip();
    let mut live = LiveState::new(channels);
    live.notes = notes.into_iter().flatten().collect();
    Ok((live, spaces))
}

/// The rows of every channel of exact name and type, in the listing's order (after a create
/// whose answer was lost).
///
/// `InstanceName` filters by substring, so a short name can match more than a page of other
/// channels: every page is read, or a channel that an earlier attempt did create would be
/// missed and created a second time.
pub async fn find_all_by_name(
    client: &Client,
    name: &str,
    t: ChannelType,
) -> Result<Vec<Row>, ProviderError> {
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
                .filter(|r| r.name == name && r.channel_type == Some(t)),
        );
        let total = reply.body["TotalCount"].as_u64().unwrap_or(0) as usize;
        if listed == 0 || page.saturating_mul(PAGE_SIZE) >= total {
            return Ok(found);
        }
        page += 1;
    }
}

/// Add the binding to a row, with the read operation of its type (for Messenger, from what the
/// listing filters said).
pub async fn with_binding(
    client: &Client,
    row: Row,
    messenger: &Lookups,
) -> Result<(LiveChannel, Option<String>), ProviderError> {
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
    let read = super::types::read(t, client, &row, messenger).await?;
    let channel = LiveChannel {
        id: row.id,
        name: row.name,
        channel_type: t,
        description: row.description,
        binding: read.binding,
        bind_state: read.state,
        created: row.created,
        profile: row.profile,
    };
    Ok((channel, read.note))
}

#[cfg(test)]
#[path = "read_tests.rs"]
mod tests;
