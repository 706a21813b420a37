//! The service's rules for an account's channels, independent of any storage or transport.
//!
//! The sandbox backend stores an [`Account`] in a file, the CAMS emulator serves one over
//! HTTP, and the planner's property tests replay plans against one: all three enforce exactly
//! these rules, so a plan that runs here runs there.

use crate::model::{
    BindState, Binding, ChannelType, LiveChannel, LiveState, Profile, ProfileFields, Resource,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use thiserror::Error;

/// The default channel quota of a CAMS account, all types together (raised on request).
pub const DEFAULT_QUOTA: u32 = 100;
/// Longest channel name, in characters (Unicode scalar values).
pub const MAX_NAME_CHARS: usize = 50;
/// Longest channel description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 150;

/// Why a WhatsApp binding is released by hand: the API has no operation that unbinds a WABA.
pub const WHATSAPP_RELEASED_BY_HAND: &str = "the CAMS API has no operation to unbind a WhatsApp Business account: unbind it in the CAMS console (Channel Management), then run apply again";
/// Why a Viber binding is released by hand: the API has no operation that releases one.
pub const VIBER_RELEASED_BY_HAND: &str = "the CAMS API has no operation to unbind a Viber business account: release it in the CAMS console, then run apply again";

/// Whether the service's API can release a binding of type `t`; when it cannot, what a person
/// does instead. Every backend plans such an unbind or rebind as a manual step, so that a plan
/// made on the sandbox is the plan the service gets.
pub fn released_by_hand(t: ChannelType) -> Option<&'static str> {
    match t {
        ChannelType::Whatsapp => Some(WHATSAPP_RELEASED_BY_HAND),
        ChannelType::Viber => Some(VIBER_RELEASED_BY_HAND),
        ChannelType::Messenger | ChannelType::Instagram | ChannelType::Email | ChannelType::Sms => {
            None
        }
    }
}

mod numbers;
pub use numbers::{only_adds_numbers, released_numbers, swaps_number};

/// One change to an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    Create {
        name: String,
        #[serde(rename = "type")]
        channel_type: ChannelType,
        description: String,
        /// The instance profile to create it with (all six keys; absent ones are not sent).
        #[serde(default, skip_serializing_if = "Profile::is_empty")]
        profile: Profile,
    },
    /// UpdateInstance, then ChangeResourceGroup when `regroup` names a group.
    Update {
        id: String,
        name: String,
        description: String,
        /// The profile values UpdateInstance sends (never the resource group, which it
        /// does not take).
        #[serde(default, skip_serializing_if = "Profile::is_empty")]
        profile: Profile,
        /// The resource group to move the instance to (ChangeResourceGroup).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        regroup: Option<String>,
    },
    Bind {
        id: String,
        binding: Binding,
    },
    /// Replace the channel's binding `from` with `to` (both must be of the channel's type).
    Rebind {
        id: String,
        from: Binding,
        to: Binding,
    },
    Unbind {
        id: String,
        binding: Binding,
    },
    /// Edit a binding still under review in place, keeping what it holds: Viber's pending
    /// application (`UpdateAuditRequest`). `from` is the binding as read, `to` the edit.
    Amend {
        id: String,
        from: Binding,
        to: Binding,
    },
    Delete {
        id: String,
    },
}

impl Op {
    /// The instance the operation works on (none for a create).
    pub fn id(&self) -> Option<&str> {
        match self {
            Op::Create { .. } => None,
            Op::Update { id, .. }
            | Op::Bind { id, .. }
            | Op::Rebind { id, .. }
            | Op::Unbind { id, .. }
            | Op::Amend { id, .. }
            | Op::Delete { id } => Some(id),
        }
    }
}

/// Why the service refuses an operation.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum RuleError {
    #[error("the account's channel quota of {quota} is full")]
    QuotaExceeded { quota: u32 },
    #[error("no channel with instance id {id}")]
    NotFound { id: String },
    #[error("{resource} is already bound to channel `{holder_name}` ({holder_id})")]
    ResourceHeld {
        resource: Resource,
        holder_id: String,
        holder_name: String,
    },
    #[error("channel {id} is already bound")]
    AlreadyBound { id: String },
    #[error("channel {id} is not bound to what the request says (it has {actual})")]
    BindingMismatch { id: String, actual: String },
    #[error(
        "the binding of channel {id} is not under review: only a pending application can be edited"
    )]
    NotUnderReview { id: String },
    #[error("a {binding} binding does not fit a {channel_type} channel")]
    WrongBindingType {
        channel_type: ChannelType,
        binding: ChannelType,
    },
    #[error("channel names are 1 to {MAX_NAME_CHARS} characters; got {chars}")]
    InvalidName { chars: usize },
    #[error("descriptions are at most {MAX_DESCRIPTION_CHARS} characters; got {chars}")]
    DescriptionTooLong { chars: usize },
}

/// A CAMS account's channels and the bookkeeping the rules need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub quota: u32,
    /// Counter behind generated instance ids.
    pub serial: u64,
    channels: BTreeMap<String, LiveChannel>,
    #[serde(skip)]
    holders: HashMap<Resource, String>,
    /// Message templates by code (their rules: `crate::template::rules`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) templates: BTreeMap<String, crate::template::live::LiveTemplate>,
}

impl Default for Account {
    fn default() -> Self {
        Account::new(DEFAULT_QUOTA)
    }
}

impl Account {
    pub fn new(quota: u32) -> Self {
        Account {
            quota,
            serial: 0,
            channels: BTreeMap::new(),
            holders: HashMap::new(),
            templates: BTreeMap::new(),
        }
    }

    /// Rebuild the resource index (after deserializing). Fails when the stored channels
    /// already break the one-holder rule.
    pub fn reindex(&mut self) -> Result<(), RuleError> {
        self.holders.clear();
        for ch in self.channels.values() {
            for r in ch.binding.iter().flat_map(Binding::resources) {
                if let Some(other) = self.holders.get(&r) {
                    return Err(RuleError::ResourceHeld {
                        resource: r,
                        holder_id: other.clone(),
                        holder_name: self.channels[other].name.clone(),
                    });
                }
                self.holders.insert(r, ch.id.clone());
            }
        }
        Ok(())
    }

    /// Build an account from channels already there (e.g. a live snapshot).
    pub fn from_channels(quota: u32, channels: Vec<LiveChannel>) -> Result<Self, RuleError> {
        let mut account = Account::new(quota);
        account.serial = channels.len() as u64;
        account.channels = channels.into_iter().map(|c| (c.id.clone(), c)).collect();
        account.reindex()?;
        Ok(account)
    }

    pub fn channels(&self) -> impl Iterator<Item = &LiveChannel> {
        self.channels.values()
    }

    pub fn get(&self, id: &str) -> Option<&LiveChannel> {
        self.channels.get(id)
    }

    pub fn len(&self) -> usize {
        self.channels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.channels.is_empty()
    }

    /// The channel that holds `resource`, if any.
    pub fn holder(&self, resource: &Resource) -> Option<&LiveChannel> {
        self.holders
            .get(resource)
            .and_then(|id| self.channels.get(id))
    }

    pub fn snapshot(&self) -> LiveState {
        let mut state = LiveState::new(self.channels.values().cloned().collect());
        state.templates = self.templates.values().cloned().collect();
        state
    }

    /// Apply `op` if the rules allow it. Returns the new instance id for a create.
    pub fn apply(&mut self, op: &Op) -> Result<Option<String>, RuleError> {
        match op {
            Op::Create {
                name,
                channel_type,
                description,
                profile,
            } => {
                check_name(name)?;
                check_description(description)?;
                if self.channels.len() >= self.quota as usize {
                    return Err(RuleError::QuotaExceeded { quota: self.quota });
                }
                let id = self.next_id();
                self.channels.insert(
                    id.clone(),
                    LiveChannel {
                        description: description.clone(),
                        profile: profile.clone(),
                        ..LiveChannel::new(id.clone(), name.clone(), *channel_type)
                    },
                );
                Ok(Some(id))
            }
            Op::Update {
                id,
                name,
                description,
                profile,
                regroup,
            } => {
                check_name(name)?;
                check_description(description)?;
                let ch = self.channel_mut(id)?;
                ch.name = name.clone();
                ch.description = description.clone();
                let group = regroup
                    .clone()
                    .or_else(|| ch.profile.resource_group.clone());
                ch.profile = Profile::from(ProfileFields {
                    resource_group: group,
                    ..ch.profile.managed_by(profile).into_fields()
                });
                Ok(None)
            }
            Op::Bind { id, binding } => {
                let ch = self.channel(id)?;
                check_type(ch, binding)?;
                // A number waiting for its code: the bind that brings the code finishes it.
                let finishes = ch.bind_state == BindState::Unverified
                    && ch.binding.as_ref().is_some_and(|b| b.same_choice(binding));
                if finishes {
                    self.release(id);
                } else if ch.binding.is_some() {
                    return Err(RuleError::AlreadyBound { id: id.clone() });
                }
                self.check_free(id, binding)?;
                self.take(id, binding);
                Ok(None)
            }
            Op::Rebind { id, from, to } => {
                let ch = self.channel(id)?;
                check_type(ch, to)?;
                check_current(ch, from)?;
                self.check_free(id, to)?;
                self.release(id);
                self.take(id, to);
                Ok(None)
            }
            Op::Unbind { id, binding } => {
                check_current(self.channel(id)?, binding)?;
                self.release(id);
                Ok(None)
            }
            Op::Amend { id, from, to } => {
                let ch = self.channel(id)?;
                check_type(ch, to)?;
                // The binding as read: a Viber application reads back only in part.
                if !ch.binding.as_ref().is_some_and(|b| b.same_choice(from)) {
                    check_current(ch, from)?;
                }
                if from.resources() != to.resources() {
                    return Err(RuleError::BindingMismatch {
                        id: id.clone(),
                        actual: format!("{}, not {}", from.summary(), to.summary()),
                    });
                }
                if ch.bind_state != BindState::Pending {
                    return Err(RuleError::NotUnderReview { id: id.clone() });
                }
                self.take(id, to);
                Ok(None)
            }
            Op::Delete { id } => {
                self.channel(id)?;
                self.release(id);
                self.channels.remove(id);
                // The channel's space goes with it, and its templates.
                self.templates.retain(|_, t| t.space != *id);
                Ok(None)
            }
        }
    }

    /// Record when a channel was created (Unix seconds, from the caller's clock).
    pub fn set_created(&mut self, id: &str, at: i64) -> Result<(), RuleError> {
        self.channel_mut(id)?.created = Some(at);
        Ok(())
    }

    /// Record how far a channel's binding has got, e.g. a Viber audit that is pending and
    /// later approved, or a WhatsApp number waiting for its code. A channel without a binding
    /// has nothing to be pending.
    pub fn set_bind_state(&mut self, id: &str, state: BindState) -> Result<(), RuleError> {
        let ch = self.channel_mut(id)?;
        let needs_binding = matches!(state, BindState::Pending | BindState::Unverified);
        if ch.binding.is_none() && needs_binding {
            return Err(RuleError::BindingMismatch {
                id: id.to_string(),
                actual: "no binding".to_string(),
            });
        }
        ch.bind_state = state;
        Ok(())
    }

    /// The service's reviewers approve every binding pending review (Viber's audits).
    pub fn approve_pending_binds(&mut self) {
        for ch in self.channels.values_mut() {
            if ch.bind_state == BindState::Pending && ch.binding.is_some() {
                ch.bind_state = BindState::Bound;
            }
        }
    }

    fn next_id(&mut self) -> String {
        loop {
            self.serial += 1;
            let id = format!("cams-{:012x}", mix(self.serial) & 0xffff_ffff_ffff);
            if !self.channels.contains_key(&id) {
                return id;
            }
        }
    }

    fn channel(&self, id: &str) -> Result<&LiveChannel, RuleError> {
        self.channels
            .get(id)
            .ok_or_else(|| RuleError::NotFound { id: id.to_string() })
    }

    fn channel_mut(&mut self, id: &str) -> Result<&mut LiveChannel, RuleError> {
        self.channels
            .get_mut(id)
            .ok_or_else(|| RuleError::NotFound { id: id.to_string() })
    }

    fn check_free(&self, id: &str, binding: &Binding) -> Result<(), RuleError> {
        for r in binding.resources() {
            if let Some(holder) = self.holders.get(&r)
                && holder != id
            {
                return Err(RuleError::ResourceHeld {
                    resource: r,
                    holder_id: holder.clone(),
                    holder_name: self.channels[holder].name.clone(),
                });
            }
        }
        Ok(())
    }

    fn take(&mut self, id: &str, binding: &Binding) {
        for r in binding.resources() {
            self.holders.insert(r, id.to_string());
        }
        if let Some(ch) = self.channels.get_mut(id) {
            ch.binding = Some(binding.clone());
            // A reviewed binding (Viber's audit) is submitted, not yet bound.
            ch.bind_state = if binding.channel_type().bind_is_reviewed() {
                BindState::Pending
            } else {
                BindState::Bound
            };
        }
    }

    fn release(&mut self, id: &str) {
        if let Some(ch) = self.channels.get_mut(id) {
            if let Some(old) = ch.binding.take() {
                for r in old.resources() {
                    self.holders.remove(&r);
                }
            }
            ch.bind_state = BindState::Bound;
        }
    }
}

fn check_name(name: &str) -> Result<(), RuleError> {
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return Err(RuleError::InvalidName { chars });
    }
    Ok(())
}

fn check_description(description: &str) -> Result<(), RuleError> {
    let chars = description.chars().count();
    if chars > MAX_DESCRIPTION_CHARS {
        return Err(RuleError::DescriptionTooLong { chars });
    }
    Ok(())
}

fn check_type(ch: &LiveChannel, binding: &Binding) -> Result<(), RuleError> {
    if binding.channel_type() != ch.channel_type {
        return Err(RuleError::WrongBindingType {
            channel_type: ch.channel_type,
            binding: binding.channel_type(),
        });
    }
    Ok(())
}

fn check_current(ch: &LiveChannel, expected: &Binding) -> Result<(), RuleError> {
    // What a caller names (a WhatsApp number's verified name is what it was registered with).
    if !ch.binding.as_ref().is_some_and(|b| b.same_choice(expected)) {
        return Err(RuleError::BindingMismatch {
            id: ch.id.clone(),
            actual: ch
                .binding
                .as_ref()
                .map_or_else(|| "no binding".to_string(), Binding::summary),
        });
    }
    Ok(())
}

/// splitmix64: spreads a counter over 64 bits so ids look like the service's opaque ones.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
#[path = "rules_tests.rs"]
pub(crate) mod tests;
