//! Creating a channel on CAMS (CreateInstance) when an answer may be lost: a create is never
//! sent twice blindly. An attempt without an answer may have gone through, so the backend
//! looks for the channel by name before sending again, twice a client timeout apart when the
//! request may still be on its way, and remembers the create for apply's settle pass, which
//! removes a second copy a straggler may leave.

use super::{Cams, p, read};
use crate::model::{ChannelType, Profile};
use crate::provider::{LostCreate, Outcome, ProviderError};
use backon::BackoffBuilder;

impl Cams {
    /// Remember that a create of `name` had an attempt sent at `sent` whose answer was lost.
    fn lost_create(
        &self,
        name: &str,
        t: ChannelType,
        kept: Option<&str>,
        sent: std::time::Instant,
    ) {
        if let Ok(mut lost) = self.lost.lock() {
            lost.push(LostCreate {
                name: name.to_string(),
                channel_type: t,
                kept: kept.map(str::to_string),
                settled_at: sent + self.settle_window,
            });
        }
    }

    /// CreateInstance, retried. A create with an attempt whose answer was lost is
    /// remembered for apply's settle pass (see [`LostCreate`]), whether it ends well or not.
    pub(super) async fn create(
        &self,
        name: &str,
        channel_type: ChannelType,
        description: &str,
        profile: &Profile,
    ) -> Result<Outcome, ProviderError> {
        let mut lost_send = None;
        let result = self
            .create_attempts(name, channel_type, description, profile, &mut lost_send)
            .await;
        if let Some(sent) = lost_send {
            let kept = match &result {
                Ok(Outcome::Created(id)) => Some(id.as_str()),
                _ => None,
            };
            self.lost_create(name, channel_type, kept, sent);
        }
        result
    }

    async fn create_attempts(
        &self,
        name: &str,
        channel_type: ChannelType,
        description: &str,
        profile: &Profile,
        lost_send: &mut Option<std::time::Instant>,
    ) -> Result<Outcome, ProviderError> {
        let mut params = vec![
            p("ChannelType", channel_type.as_str()),
            p("InstanceName", name),
            p("InstanceDescription", description),
        ];
        params.extend(profile.params().into_iter().map(|(k, v)| p(k, v)));
        if let Some(group) = &profile.resource_group {
            params.push(p("ResourceGroupId", group));
        }
        let mut delays = self.client.backoff().build();
        let mut unsure = false;
        let mut in_flight = false;
        loop {
            // An earlier attempt may have created it: look by name before sending again.
            if unsure && let Some(id) = self.made_after_all(name, channel_type, in_flight).await? {
                return Ok(Outcome::Created(id));
            }
            let sent = std::time::Instant::now();
            let error = match self.client.call_once("CreateInstance", &params).await {
                Ok(reply) => {
                    if let Some(id) = reply.data()["InstanceId"].as_str() {
                        return Ok(Outcome::Created(id.to_string()));
                    }
                    // Answered without an id: the channel of this name, if there is one.
                    return match self.found_by_name(name, channel_type).await? {
                        Some(id) => Ok(Outcome::Created(id)),
                        None => Err(ProviderError::Api {
                            code: "MissingInstanceId".into(),
                            message: "CreateInstance answered OK without an InstanceId, and no channel of that name exists".into(),
                            request_id: reply.request_id,
                        }),
                    };
                }
                Err(e) => e,
            };
            // An answer, even an error, means the request has finished; only one that never
            // answered may still be on its way and commit after chanctl has looked.
            if error.in_flight() {
                *lost_send = Some(sent);
            }
            if !error.retryable() {
                return Err(Self::api_error("CreateInstance", &error));
            }
            unsure |= error.maybe_done();
            in_flight = error.in_flight();
            let Some(wait) = delays.next() else {
                // Out of attempts after one that may have gone through: looked for once more,
                // so that a channel made is not reported as failed.
                if unsure
                    && let Some(id) = self.made_after_all(name, channel_type, in_flight).await?
                {
                    return Ok(Outcome::Created(id));
                }
                return Err(Self::api_error("CreateInstance", &error));
            };
            chanctl_cams::usage::retry();
            self.client.log_line(&format!(
                "  retrying CreateInstance in {} ms: {}",
                wait.as_millis(),
                error.describe("CreateInstance")
            ));
            tokio::time::sleep(wait).await;
        }
    }

    /// After an attempt whose answer was lost: the channel it made, if it is listed. A request
    /// that timed out may still be on its way, so it is looked for twice, a client timeout
    /// apart, before deciding that it did not go through.
    async fn made_after_all(
        &self,
        name: &str,
        channel_type: ChannelType,
        in_flight: bool,
    ) -> Result<Option<String>, ProviderError> {
        let mut seen = self.found_by_name(name, channel_type).await?;
        if seen.is_none() && in_flight {
            tokio::time::sleep(self.client.timeout()).await;
            seen = self.found_by_name(name, channel_type).await?;
        }
        if let Some(id) = &seen {
            self.client.log_line(&format!(
                "  CreateInstance had gone through ({id}); not sending it again"
            ));
        }
        Ok(seen)
    }

    /// After a create whose answer was lost: the channel of this name and type that an
    /// earlier attempt made, if any (the oldest listed, when there are several: apply's
    /// settle pass removes the others).
    pub(super) async fn found_by_name(
        &self,
        name: &str,
        channel_type: ChannelType,
    ) -> Result<Option<String>, ProviderError> {
        let found = read::find_all_by_name(&self.client, name, channel_type).await?;
        Ok(found.into_iter().next().map(|row| row.id))
    }
}
