//! The real backend: Alibaba Cloud CAMS over HTTPS.
//!
//! Reads list every instance (the first page, then the rest concurrently), then read each
//! channel's binding with the operation its type offers, skipping those the listing shows
//! unbound (an empty `BindId`; see `read.rs`). Changes map onto the operations below;
//! where the API has none (unbinding a WhatsApp Business account, or a Viber business
//! account), the backend says so instead of pretending.
//!
//! | step | operations |
//! |---|---|
//! | create / update / delete | CreateInstance / UpdateInstance / DeleteInstance |
//! | update moving the resource group | UpdateInstance, then ChangeResourceGroup |
//! | update of a pending Viber application | UpdateAuditRequest (its `RequestNo` read first) |
//! | bind / unbind | the channel type's own calls, one file per type in [`types`] |
//! | rebind | the type's unbind, then its bind |
//! | template create / modify / delete / properties | the template operations, in [`templates`] |
//!
//! A create whose answer was lost is never sent twice blindly: the backend first looks for
//! the channel by name, and adopts it if the first attempt went through. A request that
//! never answered may still be on its way, so the backend looks again a client timeout later
//! before sending again, and after a create that follows such an attempt it deletes a second
//! copy of the name if the straggler landed after all (`create.rs`; the fault matrix,
//! `tests/fault_matrix.rs`, drives all of this against the emulator). Other changes look
//! whether they went through before they are sent again ([`Cams::change_checked`]).

#[cfg(test)]
mod budget_tests;
mod create;
mod look;
mod read;
#[cfg(test)]
mod retry_tests;
pub mod templates;
#[cfg(test)]
pub(crate) mod test_emulator;
pub mod types;

use super::{LostCreate, Outcome, Provider, ProviderError};
use crate::model::profile::RESOURCE_GROUP;
use crate::model::{BindState, Binding, ChannelType, LiveChannel, LiveState, ReadHints};
use crate::plan::Target;
use crate::rules::Op;
use backon::BackoffBuilder;
use chanctl_cams::client::{CallError, Client, Reply};
use types::Unbind;

/// The CAMS backend.
pub struct Cams {
    client: Client,
    /// What to look up besides the listing (the Pages the file declares).
    hints: ReadHints,
    /// Each instance's `CustSpaceId`, as its listing row gives it (an ISV sub-customer's space
    /// is not its instance id).
    spaces: std::sync::Mutex<std::collections::HashMap<String, String>>,
    /// Creates whose answer was lost, for apply's settle pass.
    lost: std::sync::Mutex<Vec<LostCreate>>,
    /// How long a request whose answer was lost may still land (see [`LostCreate`]).
    settle_window: std::time::Duration,
    /// Told how far a read has got: channels read of those listed (0 of 0 while listing).
    progress: Option<read::Progress>,
    /// Told how far the template reads have got: details read of those listed.
    template_progress: Option<read::Progress>,
    /// Each instance's channel type, as the last read saw it.
    kinds: std::sync::Mutex<std::collections::HashMap<String, ChannelType>>,
    /// Template details read before, by `LastUpdateTime` (none: every detail is read).
    template_cache: Option<templates::Cache>,
    /// The one-time codes that register WhatsApp numbers.
    codes: crate::provider::Codes,
}

fn p(k: &str, v: impl Into<String>) -> (String, String) {
    (k.to_string(), v.into())
}

/// ChangeResourceGroup's `ResourceType` for a channel instance: not documented (assumed,
/// README), taken from the `instance` of the CAMS resource names.
const RESOURCE_TYPE: &str = "instance";

impl Cams {
    pub fn new(client: Client) -> Self {
        Cams::with_hints(client, ReadHints::default())
    }

    /// A backend that reads the account as a file with `hints` sees it.
    pub fn with_hints(client: Client, hints: ReadHints) -> Self {
        Cams {
            client,
            hints,
            spaces: Default::default(),
            lost: Default::default(),
            settle_window: std::time::Duration::from_secs(60),
            progress: None,
            template_progress: None,
            kinds: Default::default(),
            template_cache: None,
            codes: Default::default(),
        }
    }

    /// Register WhatsApp numbers with `codes`.
    pub fn with_codes(mut self, codes: crate::provider::Codes) -> Self {
        self.codes = codes;
        self
    }

    /// This backend, waiting `window` after a create whose answer was lost before looking
    /// for a copy that landed late.
    pub fn settle_window(mut self, window: std::time::Duration) -> Self {
        self.settle_window = window;
        self
    }

    /// Tell `progress` how far each read has got.
    pub fn with_progress(mut self, progress: read::Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Tell `progress` how far each read of template details has got.
    pub fn with_template_progress(mut self, progress: read::Progress) -> Self {
        self.template_progress = Some(progress);
        self
    }

    /// Keep template details in `cache` between reads.
    pub fn with_template_cache(mut self, cache: templates::Cache) -> Self {
        self.template_cache = Some(cache);
        self
    }

    fn remember_spaces<'a>(&self, rows: impl IntoIterator<Item = &'a read::Row>) {
        let mut spaces = self.spaces.lock().unwrap_or_else(|e| e.into_inner());
        let mut kinds = self.kinds.lock().unwrap_or_else(|e| e.into_inner());
        for r in rows {
            spaces.insert(r.id.clone(), r.cust_space_id.clone());
            if let Some(t) = r.channel_type {
                kinds.insert(r.id.clone(), t);
            }
        }
    }

    /// The `CustSpaceId` of instance `id`: from an earlier listing, else listed now.
    async fn space_of(&self, id: &str) -> Result<String, ProviderError> {
        if let Some(space) = self
            .spaces
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
        {
            return Ok(space.clone());
        }
        self.listed(id)
            .await?
            .map(|r| r.cust_space_id)
            .ok_or_else(|| ProviderError::Api {
                code: "NotListed".into(),
                message: format!("instance {id} is not in the account's listing"),
                request_id: None,
            })
    }

    /// The client's rate limit, requests per second per operation.
    pub fn qps(&self) -> u32 {
        self.client.qps()
    }

    fn api_error(action: &str, e: &CallError) -> ProviderError {
        ProviderError::Api {
            code: e.code().unwrap_or("Transport").to_string(),
            message: e.message(action),
            request_id: e.request_id().map(str::to_string),
        }
    }

    /// `done` before a retry. A look that fails even after its own retries counts as "not
    /// seen": the change is sent again, and a refusal that follows is checked by looking once
    /// more (see [`Cams::change_checked`]), so the step is not lost to a failed read.
    async fn looked_done<F, Fut>(&self, done: &F, action: &str) -> bool
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<bool, ProviderError>>,
    {
        match done().await {
            Ok(done) => done,
            Err(e) => {
                self.client.log_line(&format!(
                    "  could not look whether {action} went through ({e}); sending it again"
                ));
                false
            }
        }
    }

    /// Send a change of `op`; see [`Cams::change_checked`].
    async fn change(
        &self,
        op: &Op,
        action: &str,
        params: &[(String, String)],
    ) -> Result<Reply, ProviderError> {
        self.change_checked(action, params, || self.already_done(op))
            .await
    }

    /// Send a change; on a retryable failure, look (`done`) whether it went through before
    /// retrying.
    ///
    /// A request without an answer (timed out, connection lost) may still be on its way to
    /// the service: when the first look does not find the change, look again a client
    /// timeout later before sending it again, so that a straggler lands before the next
    /// attempt (or the next step on the channel) rather than after it. A refusal that follows
    /// such an attempt is checked the same way: it may be the earlier attempt's doing.
    async fn change_checked<F, Fut>(
        &self,
        action: &str,
        params: &[(String, String)],
        done: F,
    ) -> Result<Reply, ProviderError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<bool, ProviderError>>,
    {
        let mut delays = self.client.backoff().build();
        let mut unsure = false;
        loop {
            let error = match self.client.call_once(action, params).await {
                Ok(reply) => return Ok(reply),
                Err(e) => e,
            };
            if !error.retryable() {
                if unsure && done().await? {
                    return Ok(self.gone_through(action));
                }
                return Err(Self::api_error(action, &error));
            }
            unsure |= error.maybe_done();
            let Some(wait) = delays.next() else {
                // Out of attempts after one that may have gone through: looked for once more
                // (as before a retry), so that a change made is not reported as failed.
                if unsure && self.found_done(&done, action, &error).await {
                    return Ok(self.gone_through(action));
                }
                return Err(Self::api_error(action, &error));
            };
            let wait = match &error {
                CallError::Api {
                    retry_after: Some(after),
                    ..
                } => *after,
                _ => wait,
            };
            chanctl_cams::usage::retry();
            self.client.log_line(&format!(
                "  retrying {action} in {} ms: {}",
                wait.as_millis(),
                error.describe(action)
            ));
            tokio::time::sleep(wait).await;
            if error.maybe_done() && self.found_done(&done, action, &error).await {
                return Ok(self.gone_through(action));
            }
        }
    }

    /// Whether the change that failed with `error` is found done: looked for at once, and for
    /// a request that may still be in flight again a client timeout later.
    async fn found_done<F, Fut>(&self, done: &F, action: &str, error: &CallError) -> bool
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<bool, ProviderError>>,
    {
        if self.looked_done(done, action).await {
            return true;
        }
        if error.in_flight() {
            tokio::time::sleep(self.client.timeout()).await;
            return self.looked_done(done, action).await;
        }
        false
    }

    fn gone_through(&self, action: &str) -> Reply {
        self.client.log_line(&format!(
            "  {action} had gone through; not sending it again"
        ));
        Reply {
            body: serde_json::Value::Null,
            request_id: None,
        }
    }

    /// Every channel named `name` of type `t`, with its binding as its type's read gives it.
    /// A Messenger channel's Page shows only through the account-wide listing filters, so a
    /// copy reads here as not bound; the settle pass then keeps the copy the create returned.
    pub async fn copies(
        &self,
        name: &str,
        t: ChannelType,
    ) -> Result<Vec<LiveChannel>, ProviderError> {
        let rows = read::find_all_by_name(&self.client, name, t).await?;
        self.remember_spaces(&rows);
        let view = read::Lookups {
            whatsapp_numbers: self.hints.whatsapp_numbers.clone(),
            ..read::Lookups::default()
        };
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(read::with_binding(&self.client, row, &view).await?.0);
        }
        Ok(out)
    }

    /// The creates of this process whose answer was lost.
    pub fn lost_creates(&self) -> Vec<LostCreate> {
        self.lost.lock().map(|l| l.clone()).unwrap_or_default()
    }

    async fn bind(&self, op: &Op, id: &str, binding: &Binding) -> Result<Outcome, ProviderError> {
        types::bind(self, op, id, binding).await
    }

    async fn unbind(&self, op: &Op, id: &str, binding: &Binding) -> Result<(), ProviderError> {
        types::unbind(self, op, id, binding).await
    }
}

/// The CAMS operations a plan step makes (without retries or reads), for the plan's budget.
pub fn operations(step: &crate::plan::Step) -> Vec<&'static str> {
    use crate::plan::Action;
    // A manual step is a person's to do in the console: apply sends nothing for it.
    if step.manual.is_some() {
        return Vec::new();
    }
    if let Some(t) = &step.template {
        use crate::template::plan::TemplateOperation as T;
        return vec![match t.operation {
            T::Create => "CreateChatappTemplate",
            T::Modify => "ModifyChatappTemplate",
            T::Delete => "DeleteChatappTemplate",
            T::Properties => "ModifyChatappTemplateProperties",
        }];
    }
    if let Some(calls) = types::number_operations(step) {
        return calls;
    }
    let ops = types::of(step.channel_type);
    let unbind = match ops.unbind {
        Unbind::Api(action) => Some(action),
        Unbind::Manual(_) | Unbind::Never => None,
    };
    match step.action {
        Action::Create => vec!["CreateInstance"],
        // A resource group changes through its own call.
        Action::Update if step.changes.iter().any(|c| c.field == RESOURCE_GROUP) => {
            vec!["UpdateInstance", "ChangeResourceGroup"]
        }
        // An edit of a pending Viber application (it changes the binding, nothing else).
        Action::Update if step.changes.iter().any(|c| c.field.starts_with("binding.")) => {
            vec!["UpdateAuditRequest"]
        }
        Action::Update => vec!["UpdateInstance"],
        Action::Delete => vec!["DeleteInstance"],
        Action::Bind => ops.bind.into_iter().collect(),
        Action::Unbind => unbind.into_iter().collect(),
        Action::Rebind => unbind.into_iter().chain(ops.bind).collect(),
    }
}

/// Why the API cannot release a binding of this type.
pub fn unsupported_unbind(t: ChannelType) -> String {
    match types::of(t).unbind {
        Unbind::Manual(why) => why.to_string(),
        _ => format!("{t} bindings cannot be released through the API"),
    }
}

impl Provider for Cams {
    fn target(&self) -> Target {
        Target {
            backend: "cams".to_string(),
            account: self.client.endpoint().base.clone(),
        }
    }

    /// The types whose calls (`types/`) have no release operation.
    fn released_by_hand(&self, t: ChannelType) -> Option<String> {
        match types::of(t).unbind {
            Unbind::Manual(why) => Some(why.to_string()),
            Unbind::Api(_) | Unbind::Never => None,
        }
    }

    async fn read(&self) -> Result<LiveState, ProviderError> {
        let (mut live, spaces) =
            read::all(&self.client, &self.hints, self.progress.as_ref()).await?;
        let spaces: std::collections::HashMap<String, String> = spaces.into_iter().collect();
        let template_spaces = templates::spaces(&live, &self.hints, &spaces);
        self.spaces
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(spaces);
        self.kinds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(live.channels.iter().map(|c| (c.id.clone(), c.channel_type)));
        let (read, unread) = templates::read_all(
            &self.client,
            &template_spaces,
            self.template_progress.as_ref(),
            self.template_cache.as_ref(),
        )
        .await?;
        live.templates = read;
        for u in &unread {
            let channel = live.channels.iter().find(|c| c.id == u.space);
            live.notes
                .push(u.note(channel.map_or(u.space.as_str(), |c| c.name.as_str())));
        }
        live.unread_templates = unread;
        Ok(live)
    }

    fn supports_templates(&self) -> bool {
        true
    }

    async fn execute_template(
        &self,
        op: &crate::template::rules::TemplateOp,
    ) -> Result<Outcome, ProviderError> {
        templates::execute(self, op).await
    }

    async fn execute(&self, op: &Op) -> Result<Outcome, ProviderError> {
        match op {
            Op::Create {
                name,
                channel_type,
                description,
                profile,
            } => self.create(name, *channel_type, description, profile).await,
            Op::Update {
                id,
                name,
                description,
                profile,
                regroup,
            } => {
                let mut params = vec![
                    p("InstanceId", id),
                    p("InstanceName", name),
                    p("InstanceDescription", description),
                ];
                params.extend(profile.params().into_iter().map(|(k, v)| p(k, v)));
                self.change(op, "UpdateInstance", &params).await?;
                if let Some(group) = regroup {
                    // Whether ChangeResourceGroup needs ResourceType, and its value for an
                    // instance, are not documented (assumed, README).
                    let params = [
                        p("ResourceId", id),
                        p("ResourceGroupId", group),
                        p("ResourceType", RESOURCE_TYPE),
                    ];
                    self.change(op, "ChangeResourceGroup", &params).await?;
                }
                Ok(Outcome::Done(BindState::Bound))
            }
            Op::Delete { id } => {
                self.change(op, "DeleteInstance", &[p("InstanceId", id)])
                    .await?;
                Ok(Outcome::Done(BindState::Bound))
            }
            Op::Bind { id, binding } => self.bind(op, id, binding).await,
            Op::Unbind { id, binding } => {
                self.unbind(op, id, binding).await?;
                Ok(Outcome::Done(BindState::Bound))
            }
            Op::Rebind { id, from, to } if crate::rules::swaps_number(from, to) => {
                types::swap_number(self, op, id, from, to).await
            }
            Op::Amend { id, to, .. } => types::amend(self, op, id, to).await,
            Op::Rebind { id, from, to } => {
                let release = Op::Unbind {
                    id: id.clone(),
                    binding: from.clone(),
                };
                self.unbind(&release, id, from).await?;
                let take = Op::Bind {
                    id: id.clone(),
                    binding: to.clone(),
                };
                self.bind(&take, id, to).await
            }
        }
    }
}
