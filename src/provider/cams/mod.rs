//! The real backend: Alibaba Cloud CAMS over HTTPS.
//!
//! Reads list every instance (the first page, then the rest concurrently), then read each
//! bound channel's binding with the operation its type offers. Changes map onto the
//! operations below; where the API has none (unbinding a WhatsApp Business account, or a
//! Viber business account), the backend says so instead of pretending.
//!
//! | step | operations |
//! |---|---|
//! | create | CreateInstance |
//! | update | UpdateInstance |
//! | delete | DeleteInstance |
//! | bind / unbind, messenger | BindMessengerPage / DeleteMessengerPage |
//! | bind / unbind, instagram | BindInstagramPage / DeleteInstagramPage (read: ListInstagramPage) |
//! | bind / unbind, email | BindDmAccount / UnbindDmAccount (read: ListBindDmAccount) |
//! | bind, whatsapp | ChatappBindWaba (read: QueryChatappBindWaba, QueryChatappPhoneNumbers); no unbind |
//! | bind, viber | AddAuditViberOpen, an audit: pending until approved (read: ListViberServiceMessage); no unbind |
//! | rebind | the type's unbind, then its bind |
//!
//! A create whose answer was lost is never sent twice blindly: the backend first looks for
//! the channel by name, and adopts it if the first attempt went through.

pub mod client;
pub mod credentials;
pub mod endpoint;
mod read;

use super::{Outcome, Provider, ProviderError};
use crate::model::{BindState, Binding, ChannelType, LiveChannel, LiveState};
use crate::plan::Target;
use crate::rules::Op;
use backon::BackoffBuilder;
use client::{CallError, Client, Reply};

/// The CAMS backend.
pub struct Cams {
    client: Client,
}

fn p(k: &str, v: impl Into<String>) -> (String, String) {
    (k.to_string(), v.into())
}

impl Cams {
    pub fn new(client: Client) -> Self {
        Cams { client }
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

    /// Read one channel (for looking before a retry).
    async fn read_one(&self, id: &str) -> Result<Option<LiveChannel>, ProviderError> {
        let reply = self
            .client
            .call(
                "ListInstance",
                &[
                    p("InstanceId", id),
                    p("PageIndex", "1"),
                    p("PageSize", "10"),
                ],
            )
            .await
            .map_err(|e| Self::api_error("ListInstance", &e))?;
        let rows = read::rows(&reply);
        match rows.into_iter().find(|r| r.id == id) {
            Some(row) => Ok(Some(read::with_binding(&self.client, row).await?)),
            None => Ok(None),
        }
    }

    /// Whether `op`'s effect is already in place (after an answer that was lost).
    async fn already_done(&self, op: &Op) -> Result<bool, ProviderError> {
        let Some(id) = op.id() else { return Ok(false) };
        let current = self.read_one(id).await?;
        Ok(match (op, current) {
            (Op::Delete { .. }, None) => true,
            (
                Op::Update {
                    name, description, ..
                },
                Some(c),
            ) => c.name == *name && c.description == *description,
            (Op::Bind { binding, .. }, Some(c)) | (Op::Rebind { to: binding, .. }, Some(c)) => {
                c.binding.as_ref() == Some(binding)
            }
            (Op::Unbind { .. }, Some(c)) => c.binding.is_none(),
            _ => false,
        })
    }

    /// Send a change; on a retryable failure, look whether it went through before retrying.
    async fn change(
        &self,
        op: &Op,
        action: &str,
        params: &[(String, String)],
    ) -> Result<Reply, ProviderError> {
        let mut delays = self.client.backoff().build();
        loop {
            let error = match self.client.call_once(action, params).await {
                Ok(reply) => return Ok(reply),
                Err(e) => e,
            };
            if !error.retryable() {
                return Err(Self::api_error(action, &error));
            }
            let Some(wait) = delays.next() else {
                return Err(Self::api_error(action, &error));
            };
            let wait = match &error {
                CallError::Api {
                    retry_after: Some(after),
                    ..
                } => *after,
                _ => wait,
            };
            self.client.log_line(&format!(
                "  retrying {action} in {} ms: {}",
                wait.as_millis(),
                error.describe(action)
            ));
            tokio::time::sleep(wait).await;
            if error.maybe_done() && self.already_done(op).await? {
                self.client.log_line(&format!(
                    "  {action} had gone through; not sending it again"
                ));
                return Ok(Reply {
                    body: serde_json::Value::Null,
                    request_id: None,
                });
            }
        }
    }

    async fn create(
        &self,
        name: &str,
        channel_type: ChannelType,
        description: &str,
    ) -> Result<Outcome, ProviderError> {
        let params = vec![
            p("ChannelType", channel_type.as_str()),
            p("InstanceName", name),
            p("InstanceDescription", description),
        ];
        let mut delays = self.client.backoff().build();
        let mut unsure = false;
        loop {
            if unsure {
                // An earlier attempt may have created it: look by name before sending again.
                if let Some(id) = read::find_by_name(&self.client, name, channel_type).await? {
                    self.client.log_line(&format!(
                        "  CreateInstance had gone through ({id}); not sending it again"
                    ));
                    return Ok(Outcome::Created(id));
                }
            }
            let error = match self.client.call_once("CreateInstance", &params).await {
                Ok(reply) => {
                    return match reply.data()["InstanceId"].as_str() {
                        Some(id) => Ok(Outcome::Created(id.to_string())),
                        None => match read::find_by_name(&self.client, name, channel_type).await? {
                            Some(id) => Ok(Outcome::Created(id)),
                            None => Err(ProviderError::Api {
                                code: "MissingInstanceId".into(),
                                message: "CreateInstance answered OK without an InstanceId, and no channel of that name exists".into(),
                                request_id: reply.request_id,
                            }),
                        },
                    };
                }
                Err(e) => e,
            };
            if !error.retryable() {
                return Err(Self::api_error("CreateInstance", &error));
            }
            unsure |= error.maybe_done();
            let Some(wait) = delays.next() else {
                return Err(Self::api_error("CreateInstance", &error));
            };
            self.client.log_line(&format!(
                "  retrying CreateInstance in {} ms: {}",
                wait.as_millis(),
                error.describe("CreateInstance")
            ));
            tokio::time::sleep(wait).await;
        }
    }

    async fn bind(&self, op: &Op, id: &str, binding: &Binding) -> Result<Outcome, ProviderError> {
        match binding {
            Binding::Messenger(b) => {
                self.change(
                    op,
                    "BindMessengerPage",
                    &[p("InstanceId", id), p("PageId", &b.page_id)],
                )
                .await?;
            }
            Binding::Instagram(b) => {
                self.change(
                    op,
                    "BindInstagramPage",
                    &[
                        p("InstanceId", id),
                        p("PageId", &b.page_id),
                        p("AccountId", &b.instagram_account_id),
                    ],
                )
                .await?;
            }
            Binding::Email(b) => {
                let extend = serde_json::json!({"AccountName": b.dm_account, "SendType": "batch"})
                    .to_string();
                self.change(
                    op,
                    "BindDmAccount",
                    &[
                        p("CustSpaceId", id),
                        p("AccountCode", &b.dm_account),
                        p("ExtendAttr", extend),
                    ],
                )
                .await?;
            }
            Binding::Whatsapp(b) => {
                self.change(
                    op,
                    "ChatappBindWaba",
                    &[
                        p("WabaId", &b.waba_id),
                        p("CustSpaceId", id),
                        p("PhoneNumber", &b.phone_number),
                    ],
                )
                .await?;
            }
            Binding::Viber(b) => {
                let record =
                    serde_json::json!({"BusinessAccountName": b.business_account}).to_string();
                self.change(
                    op,
                    "AddAuditViberOpen",
                    &[p("CustSpaceId", id), p("AuditRecord", record)],
                )
                .await?;
                return Ok(Outcome::Done(BindState::Pending));
            }
        }
        Ok(Outcome::Done(BindState::Bound))
    }

    async fn unbind(&self, op: &Op, id: &str, binding: &Binding) -> Result<(), ProviderError> {
        match binding {
            Binding::Messenger(b) => {
                self.change(
                    op,
                    "DeleteMessengerPage",
                    &[p("InstanceId", id), p("PageId", &b.page_id)],
                )
                .await?;
            }
            Binding::Instagram(b) => {
                self.change(
                    op,
                    "DeleteInstagramPage",
                    &[p("InstanceId", id), p("PageId", &b.page_id)],
                )
                .await?;
            }
            Binding::Email(_) => {
                self.change(op, "UnbindDmAccount", &[p("CustSpaceId", id)])
                    .await?;
            }
            Binding::Whatsapp(_) | Binding::Viber(_) => {
                return Err(ProviderError::Unsupported(unsupported_unbind(
                    binding.channel_type(),
                )));
            }
        }
        Ok(())
    }
}

/// The CAMS operations a plan step makes (without retries or reads), for the plan's budget.
pub fn operations(step: &crate::plan::Step) -> Vec<&'static str> {
    use crate::plan::Action;
    let bind = |t: ChannelType| match t {
        ChannelType::Messenger => vec!["BindMessengerPage"],
        ChannelType::Instagram => vec!["BindInstagramPage"],
        ChannelType::Email => vec!["BindDmAccount"],
        ChannelType::Whatsapp => vec!["ChatappBindWaba"],
        ChannelType::Viber => vec!["AddAuditViberOpen"],
        ChannelType::Sms => vec![],
    };
    let unbind = |t: ChannelType| match t {
        ChannelType::Messenger => vec!["DeleteMessengerPage"],
        ChannelType::Instagram => vec!["DeleteInstagramPage"],
        ChannelType::Email => vec!["UnbindDmAccount"],
        _ => vec![],
    };
    match step.action {
        Action::Create => vec!["CreateInstance"],
        Action::Update => vec!["UpdateInstance"],
        Action::Delete => vec!["DeleteInstance"],
        Action::Bind => bind(step.channel_type),
        Action::Unbind => unbind(step.channel_type),
        Action::Rebind => {
            let mut ops = unbind(step.channel_type);
            ops.extend(bind(step.channel_type));
            ops
        }
    }
}

/// Why the API cannot release a binding of this type.
pub fn unsupported_unbind(t: ChannelType) -> String {
    match t {
        ChannelType::Whatsapp => "the CAMS API has no operation to unbind a WhatsApp Business account: unbind it in the CAMS console (Channel Management), then run apply again".to_string(),
        ChannelType::Viber => "the CAMS API has no operation to unbind a Viber business account: release it in the CAMS console, then run apply again".to_string(),
        other => format!("{other} bindings cannot be released through the API"),
    }
}

impl Provider for Cams {
    fn target(&self) -> Target {
        Target {
            backend: "cams".to_string(),
            account: self.client.endpoint().base.clone(),
        }
    }

    async fn read(&self) -> Result<LiveState, ProviderError> {
        read::all(&self.client).await
    }

    async fn execute(&self, op: &Op) -> Result<Outcome, ProviderError> {
        match op {
            Op::Create {
                name,
                channel_type,
                description,
            } => self.create(name, *channel_type, description).await,
            Op::Update {
                id,
                name,
                description,
            } => {
                self.change(
                    op,
                    "UpdateInstance",
                    &[
                        p("InstanceId", id),
                        p("InstanceName", name),
                        p("InstanceDescription", description),
                    ],
                )
                .await?;
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
