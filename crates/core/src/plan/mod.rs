//! The plan: an ordered, serialisable list of steps that takes the live account to the
//! desired one, with the reasons, the live fingerprint it was made from, and a summary.
//!
//! A plan is a value. It is computed without I/O ([`build`]), printed by renderers that read
//! only this value, saved as JSON, and executed by `apply`, which takes nothing but a plan.

mod budget;
mod changes;
mod channel_steps;
mod diff;
mod manual;
#[cfg(test)]
mod numbers_tests;
mod order;
mod record;
pub mod redact;
pub mod safety;
mod schema;
mod scope;
mod stale;
mod summary;
pub mod twins;

pub use budget::{ApiBudget, ReadCost, estimate};
pub use diff::{PlanError, PlanOptions, build, build_shared};
pub use record::{LiveRecord, RecordedLive};
pub use safety::{Blocked, Rule};
pub use schema::schema;
pub use scope::{Scope, check_matches, narrow};
pub use stale::{LiveDigest, digests, staleness};
pub use summary::Summary;
pub use twins::{Keep, Recorded, TwinCopy, TwinGroup};

use crate::model::{Binding, ChannelType, Profile, ProfileFields, SafetyLimits};
use crate::rules::Op;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

/// Version of the plan's JSON form. Bump it when a field changes meaning. Version 2: each
/// step names its resource by kind and key (`resource`).
/// Version 3: template steps (`template` on a step, `kind: template` addresses).
/// Version 4: a channel's instance profile (`profile` in a step's `before` and `after`);
/// an update step may change it, and move the instance to another resource group.
pub const FORMAT_VERSION: u32 = 4;

/// The kinds of resource a plan manages. Channels now; message templates, phone-number
/// settings and webhooks take their place beside them, with the same diff, ordering, safety,
/// redaction, journal and renderings.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Channel,
    /// A message template; its key is `channel/name/language`.
    Template,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Channel => "channel",
            Kind::Template => "template",
        }
    }
}

/// A resource by kind and key, as Terraform addresses resources: `channel.support-sms`. The
/// key is unique among the resources of its kind in the file (a channel's name).
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct Address {
    pub kind: Kind,
    pub key: Arc<str>,
}

impl Address {
    pub fn channel(name: &str) -> Address {
        Address {
            kind: Kind::Channel,
            key: name.into(),
        }
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.kind.as_str(), self.key)
    }
}

/// What a step does.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Bind,
    Rebind,
    Unbind,
    Delete,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::Create,
        Action::Update,
        Action::Bind,
        Action::Rebind,
        Action::Unbind,
        Action::Delete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Bind => "bind",
            Action::Rebind => "rebind",
            Action::Unbind => "unbind",
            Action::Delete => "delete",
        }
    }
}

/// A channel's attributes as a step sees them before or after it runs.
// The texts of a plan are shared (`Arc<str>`): a channel's name is copied once from the
// file, and its steps, their addresses, attributes and changes all hold that one copy. A
// plan of 10,000 channels made a third fewer allocations for it, and was built 15 % faster.
// (A comment, not documentation: the plan's JSON Schema takes its descriptions from these.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Attrs {
    pub name: Arc<str>,
    pub description: Arc<str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding: Option<Binding>,
    /// The instance profile: the keys the file manages (after), as read (before).
    #[serde(default, skip_serializing_if = "Profile::is_empty")]
    pub profile: Profile,
}

/// One field a step changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FieldChange {
    pub field: Cow<'static, str>,
    pub before: Option<Arc<str>>,
    pub after: Option<Arc<str>>,
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Step {
    /// Position in [`Plan::steps`].
    pub index: usize,
    pub action: Action,
    /// The resource the step changes, by kind and key; dependencies between steps are edges
    /// between their resources.
    pub resource: Address,
    /// The channel's name: the desired name, or the live name of a channel being deleted.
    pub channel: Arc<str>,
    #[serde(rename = "type")]
    pub channel_type: ChannelType,
    /// The live instance id; absent for a channel that an earlier step creates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// The fields this step changes.
    pub changes: Vec<FieldChange>,
    /// The channel before the step (absent for a create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Arc<Attrs>>,
    /// The channel after the step (absent for a delete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Arc<Attrs>>,
    /// Why the step is needed.
    pub reason: Cow<'static, str>,
    /// Steps in the same wave do not depend on each other and may run concurrently; every
    /// step of wave n runs after all steps of earlier waves.
    pub wave: usize,
    /// Steps (by index) that must have run before this one.
    pub depends_on: Vec<usize>,
    /// Part of replacing a channel whose type changed (delete, then create, then bind).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replace: bool,
    /// Deletes or rebinds a channel marked `protect: true`: apply refuses it without --force.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub protected: bool,
    /// The backend cannot do this step through its API: it must be done by hand (the reason
    /// says how). Apply reports it as not done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<String>,
    /// Deletes an extra copy of a channel that has twins (live channels of one name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub twin: Option<TwinDelete>,
    /// For a template step (`resource.kind` is `template`): the template, its operation,
    /// its content before and after, and its review. `channel` is the channel whose space
    /// holds it and `instance_id` that channel's id.
    // Boxed: most steps are channel steps, and inline it would multiply the size of
    // every step (240 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<Box<crate::template::plan::TemplateChange>>,
}

/// A delete that removes an extra copy of a twin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TwinDelete {
    /// The copy kept.
    pub kept: String,
    /// Whether a journal shows that chanctl made the copies; without it apply needs --force.
    pub evidence: bool,
}

impl Step {
    /// What the step changes, for messages: the channel's name, or `template NAME (LANGUAGE)
    /// in CHANNEL`.
    pub fn subject(&self) -> String {
        crate::render::templates::subject(self).unwrap_or_else(|| self.channel.to_string())
    }

    /// The operation this step performs, given the instance id of its channel (known from the
    /// plan, or from the create that ran earlier in the same apply).
    pub fn op(&self, id: Option<&str>) -> Option<Op> {
        // A template step is no channel operation (see `template_op`).
        if self.template.is_some() {
            return None;
        }
        let id = id.map(str::to_string);
        let after = self.after.as_ref();
        let before = self.before.as_ref();
        Some(match self.action {
            Action::Create => Op::Create {
                name: after?.name.to_string(),
                channel_type: self.channel_type,
                description: after?.description.to_string(),
                profile: after?.profile.clone(),
            },
            // An update that changes the binding edits an application under review.
            Action::Update if before.map(|b| &b.binding) != after.map(|a| &a.binding) => {
                Op::Amend {
                    id: id?,
                    from: before?.binding.clone()?,
                    to: after?.binding.clone()?,
                }
            }
            Action::Update => {
                let group = after?.profile.resource_group.clone();
                let moved = before.map(|b| &b.profile.resource_group) != Some(&group);
                Op::Update {
                    id: id?,
                    name: after?.name.to_string(),
                    description: after?.description.to_string(),
                    profile: Profile::from(ProfileFields {
                        resource_group: None,
                        ..after?.profile.clone().into_fields()
                    }),
                    regroup: group.filter(|_| moved),
                }
            }
            Action::Bind => Op::Bind {
                id: id?,
                binding: after?.binding.clone()?,
            },
            Action::Rebind => Op::Rebind {
                id: id?,
                from: before?.binding.clone()?,
                to: after?.binding.clone()?,
            },
            Action::Unbind => Op::Unbind {
                id: id?,
                binding: before?.binding.clone()?,
            },
            Action::Delete => Op::Delete { id: id? },
        })
    }
}

/// A live channel the file does not declare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Unmanaged {
    pub name: String,
    #[serde(rename = "type")]
    pub channel_type: ChannelType,
    pub instance_id: String,
}

/// What the plan was made for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Target {
    /// `sandbox` or `cams`.
    pub backend: String,
    /// The sandbox file, or the CAMS endpoint.
    pub account: String,
}

/// The channels file a plan was made from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Source {
    /// The path as given.
    pub file: String,
    /// `sha256:` digest of the file's bytes.
    pub digest: String,
}

/// The plan value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Plan {
    /// Version of this JSON form; apply refuses a plan of another version.
    pub format_version: u32,
    pub target: Target,
    #[serde(default)]
    pub source: Source,
    /// The environment (`--env`) the file was read for; `null` for the file as written.
    #[serde(default)]
    pub environment: Option<String>,
    /// What the plan records of the live state it was computed from (its fingerprint, and a
    /// digest per live channel): the fields `live_fingerprint` and `live_channels`.
    #[serde(flatten)]
    pub live: LiveRecord,
    /// The quota the plan was checked against.
    pub quota: u32,
    pub prune: bool,
    /// The steps, in an order in which each is valid when it runs.
    pub steps: Vec<Step>,
    pub summary: Summary,
    /// Live channels the file does not declare, left alone (deleted only with prune).
    pub unmanaged: Vec<Unmanaged>,
    /// Things a reviewer should know that do not stop the plan.
    pub warnings: Vec<String>,
    /// The safety limits the plan is checked against (from the file).
    #[serde(default)]
    pub safety: SafetyLimits,
    /// How many live channels the file manages (matched by name or old name; with prune,
    /// every live channel): what `safety.max_change_percent` is a share of.
    #[serde(default)]
    pub managed: usize,
    /// The safety rules that make apply refuse this plan without --force (exit 3).
    #[serde(default)]
    pub blocked_by: Vec<Blocked>,
    /// The API calls apply will make (absent for the sandbox, which makes none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_budget: Option<ApiBudget>,
    /// Names the file declares that several live channels share: each copy side by side,
    /// the one kept and why (the others are deleted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub twins: Vec<TwinGroup>,
    /// Live templates the file manages and the plan does not change, with their review
    /// (status, rejection reason, quality).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<crate::template::plan::TemplateStatus>,
    /// Live templates (`channel/name/language`) in spaces whose channel declares
    /// `templates:` that the file does not declare: left alone, deleted with prune.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmanaged_templates: Vec<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Steps that apply refuses without --force, with the reason for each.
    pub fn protected_steps(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(|s| s.protected)
    }

    /// The safety rules that block this plan without --force, evaluated now from its steps
    /// (the same as `blocked_by` for a plan made by [`build`] or [`narrow`]).
    pub fn blocks(&self) -> Vec<Blocked> {
        safety::evaluate(&self.steps, self.managed, self.templates.len(), self.safety)
    }

    /// Managed templates whose review rejected them: drift even when no step is planned.
    pub fn rejected_templates(
        &self,
    ) -> impl Iterator<Item = &crate::template::plan::TemplateStatus> {
        self.templates
            .iter()
            .filter(|t| t.review.audit_status == crate::template::live::AuditStatus::Fail)
    }

    pub fn waves(&self) -> usize {
        self.steps.iter().map(|s| s.wave + 1).max().unwrap_or(0)
    }
}

/// For tests: the plan that creates `desired` in an empty sandbox account.
#[cfg(test)]
pub(crate) fn plan_from_nothing(desired: &crate::config::Desired) -> Plan {
    plan_in_sandbox(desired, &crate::model::LiveState::default(), false)
}

/// For tests: the plan from `live` to `desired` on a sandbox account.
#[cfg(test)]
pub(crate) fn plan_in_sandbox(
    desired: &crate::config::Desired,
    live: &crate::model::LiveState,
    prune: bool,
) -> Plan {
    let target = Target {
        backend: "sandbox".into(),
        account: "test".into(),
    };
    build(desired, live, &PlanOptions::new(prune, target)).expect("a plan")
}
