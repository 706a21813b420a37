//! How the file declares templates: a `templates:` list under a WhatsApp or Viber channel,
//! one entry per name, with its content either beside `language:` or under each code of a
//! `languages:` map. [`TemplateSpec::expand`] gives one [`DesiredTemplate`] per language.

use super::{Category, Components, DesiredTemplate, TemplateType};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One template: a name, a category, and its content in one language (`language:` with
/// `components:`) or several (`languages:`, keyed by language code).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateSpec {
    /// The template's name: lower-case letters, digits and underscores, at most 512.
    // The pattern is Meta's ("Template names ... can only contain lowercase alphanumeric
    // characters and underscores", WhatsApp Business Management API, message templates;
    // 512 characters); Alibaba's pages give no pattern.
    #[schemars(regex(pattern = r"^[a-z0-9_]{1,512}$"))]
    pub name: String,
    /// UTILITY, MARKETING or AUTHENTICATION.
    pub category: Category,
    /// The language of a one-language template (e.g. `en_US`); use `languages:` for several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub language: Option<String>,
    /// Header, body, footer, buttons and carousel cards (with `language:`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Components")]
    pub components: Option<Components>,
    /// An example for each variable, keyed as written: `"{{1}}": "Alice"` (with `language:`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub examples: BTreeMap<String, String>,
    /// Delivery time to live in seconds (with `language:`): 30–900 for AUTHENTICATION,
    /// 30–43,200 for UTILITY.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 30, max = 43_200))]
    pub message_send_ttl_seconds: Option<u32>,
    /// Whether messages may be sent with the template (with `language:`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_send: Option<bool>,
    /// WhatsApp: pause sending when Meta moves the template from UTILITY to MARKETING (with
    /// `language:`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_change_paused: Option<bool>,
    /// The content per language code, for a template in several languages.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub languages: BTreeMap<String, TemplateContent>,
    /// Never delete or replace this template without --force.
    #[serde(default)]
    pub protect: bool,
    /// Names this template had before: each is deleted once this one is approved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previously: Vec<String>,
}

/// A template's content in one language.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateContent {
    /// Header, body, footer, buttons and carousel cards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Components")]
    pub components: Option<Components>,
    /// An example for each variable, keyed as written: `"{{1}}": "Alice"`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub examples: BTreeMap<String, String>,
    /// How long the service keeps trying to deliver a message (seconds): 30–900 for
    /// AUTHENTICATION, 30–43,200 for UTILITY.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 30, max = 43_200))]
    pub message_send_ttl_seconds: Option<u32>,
    /// Whether messages may be sent with the template (ModifyChatappTemplateProperties).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_send: Option<bool>,
    /// WhatsApp: pause sending when Meta moves the template from UTILITY to MARKETING.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_change_paused: Option<bool>,
}

impl TemplateSpec {
    /// One template per language: `(language, its key in the file, desired)`, where the key
    /// is `None` for `language:` and the code for an entry of `languages:`. Entries whose
    /// form is wrong (see `check`) give nothing.
    pub fn expand(
        &self,
        channel: &str,
        template_type: TemplateType,
    ) -> Vec<(Option<String>, DesiredTemplate)> {
        let one = |language: &str, c: &TemplateContent| DesiredTemplate {
            channel: channel.to_string(),
            template_type,
            name: self.name.clone(),
            language: language.to_string(),
            category: self.category,
            components: c.components.clone().unwrap_or_default(),
            examples: c.examples.clone(),
            message_send_ttl_seconds: c.message_send_ttl_seconds,
            allow_send: c.allow_send,
            category_change_paused: c.category_change_paused,
            protect: self.protect,
            previously: self.previously.clone(),
        };
        match &self.language {
            Some(language) => {
                let content = TemplateContent {
                    components: self.components.clone(),
                    examples: self.examples.clone(),
                    message_send_ttl_seconds: self.message_send_ttl_seconds,
                    allow_send: self.allow_send,
                    category_change_paused: self.category_change_paused,
                };
                vec![(None, one(language, &content))]
            }
            None => self
                .languages
                .iter()
                .map(|(code, c)| (Some(code.clone()), one(code, c)))
                .collect(),
        }
    }
}
