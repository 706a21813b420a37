//! Looking at one channel before a change is sent again: after an answer that was lost, the
//! backend reads the channel (its listing row and, for the binding the step concerns, its
//! type's read) and decides whether the change went through. Kept apart from `mod.rs`, which
//! sends the changes.

use super::{Cams, p, read};
use crate::model::{BindState, Binding, ChannelType, LiveChannel, ReadHints};
use crate::provider::ProviderError;
use crate::rules::Op;

impl Cams {
    /// Read one channel (for looking before a retry). A Messenger channel's Page is looked
    /// up among `pages` only (those the step binds or releases: one ListInstance call each,
    /// not one per Page the file declares); without any, its binding is not read.
    pub(super) async fn read_one(
        &self,
        id: &str,
        pages: Vec<String>,
    ) -> Result<Option<LiveChannel>, ProviderError> {
        let Some(row) = self.listed(id).await? else {
            return Ok(None);
        };
        let view = if row.channel_type == Some(ChannelType::Messenger) && !pages.is_empty() {
            let hints = ReadHints {
                messenger_pages: pages,
                ..ReadHints::default()
            };
            read::messenger_view(&self.client, &hints).await?
        } else {
            read::Lookups::default()
        };
        let view = read::Lookups {
            whatsapp_numbers: self.hints.whatsapp_numbers.clone(),
            ..view
        };
        match read::with_binding(&self.client, row, &view).await {
            Ok((channel, _)) => Ok(Some(channel)),
            // Deleted between the listing and the binding read (a delete landing late)? The
            // listing says so; the API documents no error code for a vanished instance.
            Err(e) => match self.listed(id).await? {
                None => Ok(None),
                Some(_) => Err(e),
            },
        }
    }

    /// Instance `id`'s listing row, if the account lists it.
    pub(super) async fn listed(&self, id: &str) -> Result<Option<read::Row>, ProviderError> {
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
        self.remember_spaces(&rows);
        Ok(rows.into_iter().find(|r| r.id == id))
    }

    /// Whether `op`'s effect is already in place (after an answer that was lost).
    pub(super) async fn already_done(&self, op: &Op) -> Result<bool, ProviderError> {
        let Some(id) = op.id() else { return Ok(false) };
        let current = self.read_one(id, read::messenger_pages(op)).await?;
        Ok(match (op, current) {
            (Op::Delete { .. }, None) => true,
            (
                Op::Update {
                    name,
                    description,
                    profile,
                    regroup,
                    ..
                },
                Some(c),
            ) => {
                c.name == *name
                    && c.description == *description
                    && c.profile.managed_by(profile) == c.profile
                    && regroup
                        .as_ref()
                        .is_none_or(|g| c.profile.resource_group.as_ref() == Some(g))
            }
            // A WhatsApp number is registered with its verified name, which is not read back;
            // one still waiting for its code is not bound yet. A Viber application reads back
            // only in part: its business account tells (`same_choice`).
            (Op::Bind { binding, .. }, Some(c)) | (Op::Rebind { to: binding, .. }, Some(c)) => {
                c.binding.as_ref().is_some_and(|b| b.same_choice(binding))
                    && c.bind_state != BindState::Unverified
            }
            // The edit is in when the keys the service reads back say what it sent.
            (Op::Amend { to, .. }, Some(c)) => match (&c.binding, to) {
                (Some(Binding::Viber(live)), Binding::Viber(to)) => {
                    live.business_account == to.business_account
                        && to.audit.as_ref().is_none_or(|a| {
                            a.differs_from(
                                live.audit.as_deref(),
                                c.bind_state == BindState::Pending,
                            )
                            .is_empty()
                        })
                }
                _ => false,
            },
            // Bound to a Page nobody named is still bound.
            (Op::Unbind { .. }, Some(c)) => {
                c.binding.is_none() && c.bind_state != BindState::Unknown
            }
            _ => false,
        })
    }
}
