//! Message templates, the second kind of resource chanctl manages: WhatsApp and Viber
//! templates declared under the channel whose space they belong to.
//!
//! One home for everything a template is: `components.rs` (the content, shared by the file,
//! the live state and the plan), `file.rs` (the file's shape: one entry per name, with one
//! language or a `languages:` map), `check.rs` (the documented rules a schema cannot hold),
//! `languages.rs` (the documented language codes), `vars.rs` (`{{n}}` variables) and
//! `include.rs` (templates kept in files the channels file includes).

pub mod check;
pub mod components;
pub mod file;
pub mod include;
pub mod languages;
pub mod live;
pub mod plan;
mod plan_steps;
pub mod rules;
pub mod vars;

pub use components::{
    Button, ButtonType, Card, CardButton, CardHeader, CardHeaderFormat, Components, Header,
    HeaderFormat,
};
pub use file::{TemplateContent, TemplateSpec};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

// CreateChatappTemplate's `Category` (SDK 5.3.1): "Viber template category. Valid values:
// UTILITY, MARKETING, AUTHENTICATION", as for WhatsApp; Viber's `text`, `image`,
// `text_button`, ... are SendChatappMessage's message types, not categories. A live template
// of another category is read as written (`live::UnreadTemplate`), not into this type.
/// A template's category. The SDK documents the same three for WhatsApp and Viber.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Category {
    /// Transaction-related messages.
    Utility,
    /// Marketing messages.
    Marketing,
    /// Identity verification (one-time codes).
    Authentication,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Utility => "UTILITY",
            Category::Marketing => "MARKETING",
            Category::Authentication => "AUTHENTICATION",
        }
    }
}

/// Whose template it is: CAMS's `TemplateType`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TemplateType {
    Whatsapp,
    Viber,
}

impl TemplateType {
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateType::Whatsapp => "WHATSAPP",
            TemplateType::Viber => "VIBER",
        }
    }

    /// The template type of a channel of `t`, when that type holds templates.
    pub fn of(t: crate::model::ChannelType) -> Option<TemplateType> {
        match t {
            crate::model::ChannelType::Whatsapp => Some(TemplateType::Whatsapp),
            crate::model::ChannelType::Viber => Some(TemplateType::Viber),
            _ => None,
        }
    }
}

/// One template in one language, as the file declares it: the unit the plan creates,
/// modifies and deletes. Its key is (channel, name, language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredTemplate {
    /// The channel whose space holds it (its final name).
    pub channel: String,
    pub template_type: TemplateType,
    pub name: String,
    pub language: String,
    pub category: Category,
    pub components: Components,
    /// Variable examples, keyed `{{n}}`: CAMS's `Example`.
    pub examples: BTreeMap<String, String>,
    pub message_send_ttl_seconds: Option<u32>,
    /// ModifyChatappTemplateProperties `AllowSend`; `None` leaves it as it is.
    pub allow_send: Option<bool>,
    /// `CategoryChangePaused`; `None` leaves it as it is.
    pub category_change_paused: Option<bool>,
    /// Never delete or replace this template without --force.
    pub protect: bool,
    /// Names this template had before: retired once this one is approved.
    pub previously: Vec<String>,
}

impl DesiredTemplate {
    /// `channel/name/language`: the key of the template's plan address.
    pub fn key(&self) -> String {
        key(&self.channel, &self.name, &self.language)
    }
}

/// The address key of template `name` in `language` in `channel`'s space.
pub fn key(channel: &str, name: &str, language: &str) -> String {
    format!("{channel}/{name}/{language}")
}
