//! Templates in the plan: the file's templates against the live ones, space by space, into
//! steps that follow the channel steps they need.
//!
//! - a template the space lacks is created (after its channel's create and bind, when the
//!   plan makes the channel);
//! - a changed template is modified while its review allows it (not yet approved, or
//!   rejected); an approved one is not: the step is refused (manual) with the two paths, a
//!   new name with `previously:`, or `--replace NAME` (delete, then create: reviews start
//!   over);
//! - `allow_send` and `category_change_paused` are properties (ModifyChatappTemplateProperties);
//! - an old name in `previously` is deleted once the template under its new name is approved;
//! - a live template the file does not declare, in a space whose channel declares
//!   `templates:`, is deleted with prune and listed otherwise.

use super::live::{AuditStatus, LiveTemplate, Quality};
use super::rules::{TemplateBody, TemplateOp};
use super::{Category, Components, DesiredTemplate, TemplateType};
use crate::config::Desired;
use crate::model::{ChannelType, LiveState};
use crate::plan::{Action, Address, FieldChange, Kind, Step};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// What a template step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TemplateOperation {
    Create,
    Modify,
    Delete,
    Properties,
}

/// A template's content and properties as a step sees them before or after it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TemplateAttrs {
    pub category: Category,
    pub components: Components,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub examples: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_send_ttl_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_send: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_change_paused: Option<bool>,
}

/// Where a live template's review stands, for the reviewer of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReviewState {
    pub audit_status: AuditStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<Quality>,
}

impl ReviewState {
    fn of(t: &LiveTemplate) -> ReviewState {
        ReviewState {
            audit_status: t.audit_status,
            reason: t.reason.clone(),
            quality: t.quality,
        }
    }
}

/// The template part of a template step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TemplateChange {
    pub name: String,
    pub language: String,
    pub template_type: TemplateType,
    pub operation: TemplateOperation,
    /// The live template's code (absent for a create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<TemplateAttrs>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<TemplateAttrs>,
    /// The live template's review, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewState>,
}

/// A live template the plan does not change, with its review: what the plan shows of the
/// templates the file manages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TemplateStatus {
    /// `channel/name/language`.
    pub key: String,
    pub code: String,
    pub review: ReviewState,
}

/// What the template part of a plan adds besides steps.
#[derive(Debug, Default)]
pub struct Extra {
    pub warnings: Vec<String>,
    /// Live templates the file manages, with their review.
    pub statuses: Vec<TemplateStatus>,
    /// Keys of live templates in managed spaces that the file does not declare (kept
    /// without prune).
    pub unmanaged: Vec<String>,
}

impl TemplateAttrs {
    fn of_desired(d: &DesiredTemplate) -> TemplateAttrs {
        TemplateAttrs {
            category: d.category,
            components: d.components.clone(),
            examples: d.examples.clone(),
            message_send_ttl_seconds: d.message_send_ttl_seconds,
            allow_send: d.allow_send,
            category_change_paused: d.category_change_paused,
        }
    }

    fn of_live(t: &LiveTemplate) -> TemplateAttrs {
        TemplateAttrs {
            category: t.category,
            components: t.components.clone(),
            examples: t.examples.clone(),
            message_send_ttl_seconds: t.message_send_ttl_seconds,
            allow_send: Some(t.allow_send),
            category_change_paused: Some(t.category_change_paused),
        }
    }

    /// The content only (what Create and Modify send), to compare.
    fn content(
        &self,
    ) -> (
        Category,
        &Components,
        &BTreeMap<String, String>,
        Option<u32>,
    ) {
        (
            self.category,
            &self.components,
            &self.examples,
            self.message_send_ttl_seconds,
        )
    }
}

impl Step {
    /// The key under which apply remembers the code of the template this step creates (and
    /// a later step of the same template looks it up): `template CHANNEL/NAME/LANGUAGE`.
    pub fn template_key(&self) -> Option<String> {
        let t = self.template.as_ref()?;
        Some(format!(
            "template {}",
            super::key(&self.channel, &t.name, &t.language)
        ))
    }

    /// The template operation of a template step, in the space of channel `space` (from the
    /// plan, or from the create that ran earlier in the same apply); `created` is the code
    /// of the template when an earlier step of the same apply created it.
    pub fn template_op(&self, space: Option<&str>, created: Option<&str>) -> Option<TemplateOp> {
        let t = self.template.as_ref()?;
        let space = space?.to_string();
        let code = || t.code.clone().or_else(|| created.map(str::to_string));
        let body = |a: &TemplateAttrs| TemplateBody {
            template_type: t.template_type,
            name: t.name.clone(),
            language: t.language.clone(),
            category: a.category,
            components: a.components.clone(),
            examples: a.examples.clone(),
            message_send_ttl_seconds: a.message_send_ttl_seconds,
        };
        Some(match t.operation {
            TemplateOperation::Create => TemplateOp::Create {
                space,
                body: body(t.after.as_ref()?),
            },
            TemplateOperation::Modify => TemplateOp::Modify {
                space,
                code: code()?,
                body: body(t.after.as_ref()?),
            },
            TemplateOperation::Delete => TemplateOp::Delete {
                space,
                code: code()?,
                language: t.language.clone(),
            },
            TemplateOperation::Properties => TemplateOp::Properties {
                space,
                code: code()?,
                language: t.language.clone(),
                allow_send: t.after.as_ref()?.allow_send,
                category_change_paused: t.after.as_ref()?.category_change_paused,
            },
        })
    }
}

/// The field-level differences between two template versions, as `components.body` and the
/// like (the renderers show the body's text diff).
pub fn field_changes(
    before: Option<&TemplateAttrs>,
    after: Option<&TemplateAttrs>,
) -> Vec<FieldChange> {
    let flat = |a: Option<&TemplateAttrs>| -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let Some(a) = a else { return out };
        let value = serde_json::to_value(a).unwrap_or_default();
        flatten("", &value, &mut out);
        out
    };
    let (b, a) = (flat(before), flat(after));
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        // Properties left unset in the file are not changes.
        .filter(|k| !(after.is_some() && before.is_some() && !a.contains_key(*k) && is_property(k)))
        .map(|k| FieldChange {
            field: Cow::Owned(k.clone()),
            before: b.get(k).map(|v| v.as_str().into()),
            after: a.get(k).map(|v| v.as_str().into()),
        })
        .collect()
}

fn is_property(key: &str) -> bool {
    matches!(key, "allow_send" | "category_change_paused")
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut BTreeMap<String, String>) {
    use serde_json::Value as J;
    let join = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        J::Object(m) => {
            for (k, v) in m {
                flatten(&join(k), v, out);
            }
        }
        J::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&join(&i.to_string()), v, out);
            }
        }
        J::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        J::Null => {}
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// Choices for templates that are not in the file.
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    pub prune: bool,
    /// Template names to delete and re-create when they are approved and changed
    /// (`--replace NAME`).
    pub replace: Vec<String>,
}

/// Append the template steps to `steps` (the channel steps, scheduled), numbered and in
/// waves after the channel steps they depend on.
pub fn append(
    desired: &Desired,
    live: &LiveState,
    options: &TemplateOptions,
    steps: &mut Vec<Step>,
) -> Extra {
    super::plan_steps::append(desired, live, options, steps)
}

/// The channel type of a template type, for a step's `type`.
pub(crate) fn channel_type(t: TemplateType) -> ChannelType {
    match t {
        TemplateType::Whatsapp => ChannelType::Whatsapp,
        TemplateType::Viber => ChannelType::Viber,
    }
}

/// A template step's address.
pub(crate) fn address(key: String) -> Address {
    Address {
        kind: Kind::Template,
        key: key.into(),
    }
}

pub(crate) fn attrs_of_desired(d: &DesiredTemplate) -> TemplateAttrs {
    TemplateAttrs::of_desired(d)
}

pub(crate) fn attrs_of_live(t: &LiveTemplate) -> TemplateAttrs {
    TemplateAttrs::of_live(t)
}

pub(crate) fn review_of(t: &LiveTemplate) -> ReviewState {
    ReviewState::of(t)
}

/// Whether the content (not the properties) of `a` and `b` differ.
pub(crate) fn content_differs(a: &TemplateAttrs, b: &TemplateAttrs) -> bool {
    a.content() != b.content()
}

/// Whether `d` sets a property `t` does not have.
pub(crate) fn properties_differ(d: &TemplateAttrs, t: &LiveTemplate) -> bool {
    d.allow_send.is_some_and(|a| a != t.allow_send)
        || d.category_change_paused
            .is_some_and(|c| c != t.category_change_paused)
}

/// For `Action` on the plan's summary: what a template operation counts as.
pub(crate) fn action_of(op: TemplateOperation) -> Action {
    match op {
        TemplateOperation::Create => Action::Create,
        TemplateOperation::Modify | TemplateOperation::Properties => Action::Update,
        TemplateOperation::Delete => Action::Delete,
    }
}
