//! Message templates on CAMS: reading them (this file) and changing them (`write.rs`), with
//! the content's wire form in `wire.rs`.
//!
//! A template lives in the space of a WhatsApp or Viber channel (its listing row's
//! `CustSpaceId`). Reading a space is ListChatappTemplate, page by page, then
//! GetChatappTemplateDetail for each template listed (the listing has no content). Both are
//! documented at 5 requests/s: the client paces them at that rate whatever `--qps` says
//! (`chanctl_cams::limits`), so a space of 500 templates takes about 100 s to read in full.
//! Only the spaces of the channels whose templates the file manages are read, and a detail
//! is read only for a template that is new or changed since the read cache (`cache.rs`).

pub mod cache;
pub mod wire;
mod write;

pub use cache::Cache;
pub use write::execute;

use super::p;
use super::read::read_call;
use crate::model::{LiveState, ReadHints};
use crate::provider::ProviderError;
use crate::template::TemplateType;
use crate::template::live::{LiveTemplate, UnreadTemplate};
use chanctl_cams::client::Client;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde_json::{Value, json};
use wire::Row;

/// The page size asked of ListChatappTemplate. Its largest page is not documented: 100 is
/// assumed, as for ListInstance (the README's table).
pub const PAGE_SIZE: usize = 100;
/// Detail reads in flight at once (the client's 5/s pacing is what bounds them).
const CONCURRENCY: usize = 4;

/// Told how far the template reads have got: details read, and details to read.
pub type Progress = super::read::Progress;

/// A space whose templates are read: the channel's instance id, its `CustSpaceId`, and the
/// type of template it holds.
#[derive(Debug, Clone)]
pub struct Space {
    pub id: String,
    pub cust: String,
    pub template_type: TemplateType,
}

/// The spaces of `live`'s channels that `hints` names (or all, for an export) and that hold
/// templates.
pub fn spaces(
    live: &LiveState,
    hints: &ReadHints,
    cust_of: &std::collections::HashMap<String, String>,
) -> Vec<Space> {
    live.channels
        .iter()
        .filter(|c| hints.all_templates || hints.template_channels.contains(&c.name))
        .filter_map(|c| {
            let t = TemplateType::of(c.channel_type)?;
            Some(Space {
                id: c.id.clone(),
                cust: cust_of.get(&c.id).cloned().unwrap_or_else(|| c.id.clone()),
                template_type: t,
            })
        })
        .collect()
}

/// Every row of `space`'s ListChatappTemplate with `filters`, all pages.
pub async fn list(
    client: &Client,
    cust: &str,
    t: TemplateType,
    filters: &[(String, String)],
) -> Result<Vec<Row>, ProviderError> {
    let mut rows = Vec::new();
    let mut index = 1usize;
    loop {
        let mut params = vec![
            p("CustSpaceId", cust),
            p("TemplateType", t.as_str()),
            p(
                "Page",
                json!({"Index": index, "Size": PAGE_SIZE}).to_string(),
            ),
        ];
        params.extend(filters.iter().cloned());
        let reply = read_call(client, "ListChatappTemplate", &params).await?;
        let page = wire::rows(&reply.body);
        let listed = page.len();
        rows.extend(page);
        let total = reply.body["Total"].as_u64().unwrap_or(0) as usize;
        if listed == 0 || index.saturating_mul(PAGE_SIZE) >= total {
            return Ok(rows);
        }
        index += 1;
    }
}

/// GetChatappTemplateDetail of template `code` in `language`: its `Data`.
pub async fn detail(
    client: &Client,
    cust: &str,
    t: TemplateType,
    code: &str,
    language: &str,
) -> Result<Value, ProviderError> {
    let reply = read_call(
        client,
        "GetChatappTemplateDetail",
        &[
            p("CustSpaceId", cust),
            p("TemplateType", t.as_str()),
            p("TemplateCode", code),
            p("Language", language),
        ],
    )
    .await?;
    Ok(reply.data().clone())
}

/// A template as read: in the model, or kept as written (see [`wire::unread`]).
enum Read {
    Template(Box<LiveTemplate>),
    Unread(UnreadTemplate),
}

/// The live template listed as `row` in `space`, with its detail.
async fn read_one(client: &Client, space: &Space, row: &Row) -> Result<Read, ProviderError> {
    let data = detail(
        client,
        &space.cust,
        space.template_type,
        &row.code,
        &row.language,
    )
    .await?;
    if let Some(unread) = wire::unread(&data, row, &space.id, space.template_type) {
        return Ok(Read::Unread(unread));
    }
    wire::live_template(&data, row, &space.id, space.template_type)
        .map(|t| Read::Template(Box::new(t)))
        .map_err(|message| ProviderError::Api {
            code: "UnknownTemplateContent".into(),
            message,
            request_id: None,
        })
}

/// Every template of `spaces`: each space listed, then the detail of each template the
/// `cache` does not hold at its listed `LastUpdateTime` read (paced at the documented rate);
/// `progress` is told how many details are read of how many.
pub async fn read_all(
    client: &Client,
    spaces: &[Space],
    progress: Option<&Progress>,
    cache: Option<&Cache>,
) -> Result<(Vec<LiveTemplate>, Vec<UnreadTemplate>), ProviderError> {
    let mut cached: Vec<LiveTemplate> = Vec::new();
    let mut listed: Vec<(&Space, Row)> = Vec::new();
    for space in spaces {
        let rows = list(client, &space.cust, space.template_type, &[]).await?;
        for row in rows {
            match cache.and_then(|c| c.get(&space.cust, &space.id, &row)) {
                Some(t) => cached.push(t),
                None => listed.push((space, row)),
            }
        }
    }
    let total = listed.len();
    if let Some(progress) = progress {
        progress(0, Some(total));
    }
    let done = std::sync::atomic::AtomicUsize::new(0);
    let done = &done;
    let read: Vec<Read> = stream::iter(listed)
        .map(|(space, row)| async move {
            let t = read_one(client, space, &row).await;
            if let Some(progress) = progress {
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress(n, Some(total));
            }
            t
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    if !spaces.is_empty() {
        client.log_line(&format!(
            "read {} {} in {} {} ({total} {} read, {} from the cache)",
            total + cached.len(),
            crate::render::plural(total + cached.len(), "template", "templates"),
            spaces.len(),
            crate::render::plural(spaces.len(), "space", "spaces"),
            crate::render::plural(total, "detail", "details"),
            cached.len()
        ));
    }
    let mut templates = cached;
    let mut unread = Vec::new();
    for r in read {
        match r {
            Read::Template(t) => templates.push(*t),
            Read::Unread(u) => unread.push(u),
        }
    }
    if let Some(cache) = cache.filter(|_| !spaces.is_empty()) {
        for space in spaces {
            cache.read_space(&space.cust);
            for t in templates.iter().filter(|t| t.space == space.id) {
                cache.put(&space.cust, t);
            }
        }
        if let Err(e) = cache.save() {
            client.log_line(&format!("the template cache was not written: {e}"));
        }
    }
    templates
        .sort_by(|a, b| (&a.space, &a.name, &a.language).cmp(&(&b.space, &b.name, &b.language)));
    Ok((templates, unread))
}
