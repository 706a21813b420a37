//! The desired state as the planner takes it: the channels file validated (and merged for
//! one environment), with what it takes from sensitive variables. Kept apart from `file.rs`,
//! which holds the file's shape.

use super::file::{DesiredChannel, VariableSpec};
use crate::model::{Binding, SafetyLimits};
use crate::template::DesiredTemplate;
use crate::template::include::TemplateInclude;
use std::collections::BTreeMap;

/// The whole desired state, validated (for one environment, when one was chosen).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Desired {
    pub quota: u32,
    pub prune: bool,
    pub channels: Vec<DesiredChannel>,
    /// The templates of the channels, one per (channel, name, language), in file order.
    pub templates: Vec<DesiredTemplate>,
    /// The channels whose templates the file manages (those with a `templates:` key).
    pub template_channels: Vec<String>,
    /// The channels whose templates are in other files (`templates: {include: ...}`): the
    /// caller reads those files and adds their templates (see [`crate::template::include`]).
    pub template_includes: Vec<TemplateInclude>,
    pub safety: SafetyLimits,
    /// The environment the file was loaded for (`--env`); `None` for the file as written.
    pub environment: Option<String>,
    /// Every environment the file defines, sorted.
    pub environments: Vec<String>,
    /// Binding values that come from `${VAR}` references to sensitive variables, by channel
    /// and key.
    pub sensitive: Vec<SensitiveField>,
    /// The variables the file declares, by name.
    pub variables: BTreeMap<String, VariableSpec>,
}

/// A binding value that comes from a `${VAR}` reference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SensitiveField {
    /// The channel's (final) name.
    pub channel: String,
    /// The binding key, e.g. `phone_number`.
    pub field: String,
    /// The value as written in the file, e.g. `${WA_NUMBER}`.
    pub template: String,
}

impl Desired {
    /// What a backend should look up to read the account as this file sees it.
    pub fn read_hints(&self) -> crate::model::ReadHints {
        let mut messenger_pages: Vec<String> = self
            .channels
            .iter()
            .filter_map(|c| match &c.binding {
                Some(Binding::Messenger(m)) => Some(m.page_id.clone()),
                _ => None,
            })
            .collect();
        messenger_pages.sort_unstable();
        messenger_pages.dedup();
        let mut template_channels: Vec<String> = self
            .channels
            .iter()
            .filter(|c| self.template_channels.contains(&c.name))
            .flat_map(|c| std::iter::once(&c.name).chain(&c.previously))
            .cloned()
            .collect();
        template_channels.sort_unstable();
        template_channels.dedup();
        let mut whatsapp_numbers: Vec<String> = self
            .channels
            .iter()
            .flat_map(|c| match &c.binding {
                Some(Binding::Whatsapp(w)) => w
                    .numbers()
                    .into_iter()
                    .map(|(n, _)| n.to_string())
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        whatsapp_numbers.sort_unstable();
        whatsapp_numbers.dedup();
        crate::model::ReadHints {
            messenger_pages,
            template_channels,
            all_templates: false,
            whatsapp_numbers,
        }
    }

    /// The real values of the sensitive fields.
    pub fn sensitive_values(&self) -> Vec<String> {
        self.sensitive
            .iter()
            .filter_map(|s| self.value_of(&s.channel, &s.field))
            .map(str::to_string)
            .collect()
    }

    /// Sensitive value → its text as written (`${VAR}`), e.g. to write a reference back
    /// instead of the value.
    pub fn sensitive_templates(&self) -> BTreeMap<String, String> {
        self.sensitive
            .iter()
            .filter_map(|s| {
                self.value_of(&s.channel, &s.field)
                    .map(|v| (v.to_string(), s.template.clone()))
            })
            .collect()
    }

    fn value_of(&self, channel: &str, field: &str) -> Option<&str> {
        self.channels
            .iter()
            .find(|c| c.name == channel)?
            .binding
            .as_ref()?
            .fields()
            .into_iter()
            .find(|(k, _)| *k == field)
            .map(|(_, v)| v)
    }
}
