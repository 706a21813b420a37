//! A template as the account holds it: what ListChatappTemplate and GetChatappTemplateDetail
//! return (code, name, language, category, audit status and reason, quality score, content,
//! properties, last update time), keyed by the space (channel) it lives in; and a template
//! the reader could not take into that model ([`UnreadTemplate`]), kept as written.

use super::{Category, Components, TemplateType};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a template's review stands (`AuditStatus`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AuditStatus {
    /// Approved.
    Pass,
    /// Rejected; `reason` says why.
    Fail,
    /// Under review.
    Auditing,
    /// Not submitted for review yet.
    Unaudit,
}

impl AuditStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditStatus::Pass => "pass",
            AuditStatus::Fail => "fail",
            AuditStatus::Auditing => "auditing",
            AuditStatus::Unaudit => "unaudit",
        }
    }

    /// Whether ModifyChatappTemplate may change the template: only while it is not yet
    /// reviewed, or after it was rejected (documented).
    pub fn modifiable(self) -> bool {
        !matches!(self, AuditStatus::Pass)
    }
}

/// The quality rating of an approved template (`QualityScore`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Quality {
    Red,
    Yellow,
    Green,
    Unknown,
}

impl Quality {
    pub fn as_str(self) -> &'static str {
        match self {
            Quality::Red => "RED",
            Quality::Yellow => "YELLOW",
            Quality::Green => "GREEN",
            Quality::Unknown => "UNKNOWN",
        }
    }
}

/// One live template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LiveTemplate {
    /// `TemplateCode`: the service's id for it.
    pub code: String,
    /// The instance id of the channel whose space holds it (`CustSpaceId`).
    pub space: String,
    pub template_type: TemplateType,
    pub name: String,
    pub language: String,
    pub category: Category,
    pub audit_status: AuditStatus,
    /// Why the review rejected it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<Quality>,
    #[serde(default)]
    pub components: Components,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub examples: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_send_ttl_seconds: Option<u32>,
    #[serde(default = "yes")]
    pub allow_send: bool,
    #[serde(default)]
    pub category_change_paused: bool,
    /// `LastUpdateTime`, milliseconds since the epoch as the service gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_time: Option<i64>,
}

fn yes() -> bool {
    true
}

impl LiveTemplate {
    /// A short digest of everything chanctl reads of the template, as a channel's
    /// ([`crate::model::short_digest`]): a saved plan keeps one per template to tell which
    /// changed since, without keeping the template's text.
    pub fn digest(&self) -> String {
        crate::model::short_digest(self)
    }
}

/// A live template whose `Category` is none of those the SDK documents for its type
/// (UTILITY, MARKETING, AUTHENTICATION, for WhatsApp and Viber alike): kept as the service
/// wrote it, so that a plan that does not touch it is not blocked by it, and one that declares
/// it does not create it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UnreadTemplate {
    pub code: String,
    /// The instance id of the channel whose space holds it.
    pub space: String,
    pub template_type: TemplateType,
    pub name: String,
    pub language: String,
    /// The category as the service wrote it.
    pub category: String,
}

impl UnreadTemplate {
    /// What a plan says of it, in channel `channel`.
    pub fn note(&self, channel: &str) -> String {
        format!(
            "template `{}` ({}) in {channel} has category `{}` as the service writes it, which \
             the SDK does not document for {} templates (UTILITY, MARKETING, AUTHENTICATION): \
             chanctl leaves it as it is",
            self.name,
            self.language,
            self.category,
            self.template_type.as_str()
        )
    }
}
