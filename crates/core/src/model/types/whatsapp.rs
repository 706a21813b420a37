//! WhatsApp: a WhatsApp Business account (WABA) and its phone numbers, one (`phone_number`)
//! or several (`phone_numbers`); each number is held exclusively. A number the WABA does not
//! have yet is registered by chanctl when the binding names the `verified_name` Meta shows for
//! it (AddChatappPhoneNumber needs one). The form is how the file writes it, not part of what
//! is bound: equality compares the WABA and its numbers only.

use super::{ChannelBinding, PatternHelp, TypeInfo};
use crate::model::{ChannelType, ResourceKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A WhatsApp Business account and its phone numbers: one (`phone_number`, with an optional
/// `verified_name`) or several (`phone_numbers`, each entry with its own).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = one_form)]
pub struct WhatsappBinding {
    /// The WhatsApp Business Account (WABA) id, digits only. Quote it in YAML.
    #[schemars(regex(pattern = r"^[0-9]{1,32}$"))]
    pub waba_id: String,
    /// The phone number in E.164 form, e.g. "+6588001234" (or `phone_numbers` for several).
    #[serde(default)]
    #[schemars(regex(pattern = r"^\+[1-9][0-9]{6,14}$"))]
    pub phone_number: String,
    /// The business name Meta shows for the number (its display name). Needed only to register
    /// a number the WABA does not have yet; a number already on the WABA keeps its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 512))]
    pub verified_name: Option<String>,
    /// Several numbers of the WABA, instead of `phone_number`: the channel's whole set of
    /// numbers on it.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub phone_numbers: Vec<WhatsappNumber>,
    /// Of a live binding with several numbers, those that wait for their one-time code (the
    /// channel is then `Unverified`); empty for one number, which is the one waiting. What
    /// the reader saw, not part of the binding: never written, never compared.
    #[serde(skip)]
    #[schemars(skip)]
    pub waiting: Vec<String>,
}

/// One number of a WhatsApp binding's `phone_numbers` list.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct WhatsappNumber {
    /// The phone number in E.164 form, e.g. "+6588001234".
    #[schemars(regex(pattern = r"^\+[1-9][0-9]{6,14}$"))]
    pub phone_number: String,
    /// The business name Meta shows for the number. Needed only to register a number the WABA
    /// does not have yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 512))]
    pub verified_name: Option<String>,
}

/// The schema takes exactly one form: `phone_number` (with `verified_name` beside it), or
/// `phone_numbers`; the keys are optional one by one only because either may be the one.
fn one_form(schema: &mut schemars::Schema) {
    if let Some(props) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) {
        for p in props.values_mut().filter_map(|p| p.as_object_mut()) {
            p.remove("default");
        }
    }
    schema.insert(
        "oneOf".to_string(),
        serde_json::json!([
            {"required": ["phone_number"], "not": {"required": ["phone_numbers"]}},
            {
                "required": ["phone_numbers"],
                "not": {"anyOf": [{"required": ["phone_number"]}, {"required": ["verified_name"]}]}
            }
        ]),
    );
}

/// A binding's numbers with their verified names (see [`WhatsappBinding::numbers`]).
pub type Numbers<'a> = smallvec::SmallVec<[(&'a str, Option<&'a str>); 1]>;

/// Numbers with their verified names as the entries of a `phone_numbers` list.
fn entries(numbers: Vec<(String, Option<String>)>) -> Vec<WhatsappNumber> {
    numbers
        .into_iter()
        .map(|(phone_number, verified_name)| WhatsappNumber {
            phone_number,
            verified_name,
        })
        .collect()
}

impl WhatsappBinding {
    /// A binding of `waba_id` with `numbers` (number, verified name): the single form for at
    /// most one number, the list form for several.
    pub fn with_numbers(waba_id: String, numbers: Vec<(String, Option<String>)>) -> Self {
        let mut b = WhatsappBinding {
            waba_id,
            ..WhatsappBinding::default()
        };
        if numbers.len() > 1 {
            b.phone_numbers = entries(numbers);
        } else if let Some((number, name)) = numbers.into_iter().next() {
            b.phone_number = number;
            b.verified_name = name;
        }
        b
    }

    /// Whether the binding is written in the list form (`phone_numbers`).
    pub fn is_list(&self) -> bool {
        !self.phone_numbers.is_empty()
    }

    /// The numbers (E.164) with their verified names, in file order; a WABA without a number
    /// yet has none. Held inline for one number (most bindings), as equality, ordering and
    /// the plan's comparisons ask for them again and again.
    pub fn numbers(&self) -> Numbers<'_> {
        if self.is_list() {
            self.phone_numbers
                .iter()
                .map(|n| (n.phone_number.as_str(), n.verified_name.as_deref()))
                .collect()
        } else if self.phone_number.is_empty() {
            Numbers::new()
        } else {
            smallvec::smallvec![(self.phone_number.as_str(), self.verified_name.as_deref())]
        }
    }

    /// The same numbers written in the list form (`list`) or, when it holds at most one, the
    /// single form: how a live binding is compared with a file's.
    pub fn in_form(&self, list: bool) -> WhatsappBinding {
        // The single form, wanted or holding no number to list: as it is.
        if !self.is_list() && (!list || self.phone_number.is_empty()) {
            return self.clone();
        }
        let numbers: Vec<(String, Option<String>)> = self
            .numbers()
            .into_iter()
            .map(|(n, v)| (n.to_string(), v.map(str::to_string)))
            .collect();
        if list && !numbers.is_empty() {
            let mut b = WhatsappBinding::with_numbers(self.waba_id.clone(), Vec::new());
            b.waiting = self.waiting.clone();
            b.phone_numbers = entries(numbers);
            b
        } else if numbers.len() > 1 {
            WhatsappBinding {
                waiting: self.waiting.clone(),
                ..WhatsappBinding::with_numbers(self.waba_id.clone(), numbers)
            }
        } else {
            let mut b = self.clone();
            if self.is_list() {
                b = WhatsappBinding::with_numbers(self.waba_id.clone(), numbers);
            }
            b
        }
    }

    /// The numbers that wait for their code when the channel is `Unverified`: those the
    /// reader marked, else all of them (a binding of one number).
    pub fn waiting_numbers(&self) -> Vec<&str> {
        if self.waiting.is_empty() {
            self.numbers().into_iter().map(|(n, _)| n).collect()
        } else {
            self.waiting.iter().map(String::as_str).collect()
        }
    }

    /// This binding in the form of `file`, its numbers in the file's order first (then the
    /// others as they are): how a plan shows a live binding beside the file's.
    pub fn as_in(&self, file: &WhatsappBinding) -> WhatsappBinding {
        // Both in the single form: at most one number, already in the file's order.
        if !self.is_list() && !file.is_list() {
            return self.clone();
        }
        let order: Vec<&str> = file.numbers().into_iter().map(|(n, _)| n).collect();
        let mut numbers = self.numbers();
        numbers.sort_by_key(|(n, _)| order.iter().position(|o| o == n).unwrap_or(order.len()));
        let numbers = numbers
            .into_iter()
            .map(|(n, v)| (n.to_string(), v.map(str::to_string)))
            .collect();
        let b = WhatsappBinding {
            waiting: self.waiting.clone(),
            ..WhatsappBinding::with_numbers(self.waba_id.clone(), numbers)
        };
        b.in_form(file.is_list())
    }

    /// Whether `other` names the same WABA and numbers: the verified names are what the
    /// numbers are registered with, not a choice of what to bind.
    pub fn same_number(&self, other: &WhatsappBinding) -> bool {
        fn set(b: &WhatsappBinding) -> smallvec::SmallVec<[&str; 1]> {
            let mut n: smallvec::SmallVec<[&str; 1]> =
                b.numbers().into_iter().map(|(n, _)| n).collect();
            n.sort_unstable();
            n
        }
        self.waba_id == other.waba_id && set(self) == set(other)
    }

    /// What equality and order compare: the WABA and its numbers (in any order), not the form.
    fn key(&self) -> (&str, Numbers<'_>) {
        let mut numbers = self.numbers();
        if self.is_list() {
            numbers.sort_unstable();
        }
        (&self.waba_id, numbers)
    }
}

impl PartialEq for WhatsappBinding {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for WhatsappBinding {}

impl PartialOrd for WhatsappBinding {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for WhatsappBinding {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl std::hash::Hash for WhatsappBinding {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

/// Written in its own form: the single form exactly as before the list form existed.
impl Serialize for WhatsappBinding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("WhatsappBinding", 3)?;
        st.serialize_field("waba_id", &self.waba_id)?;
        if self.is_list() {
            st.serialize_field("phone_numbers", &self.phone_numbers)?;
        } else {
            st.serialize_field("phone_number", &self.phone_number)?;
            if let Some(name) = &self.verified_name {
                st.serialize_field("verified_name", name)?;
            }
        }
        st.end()
    }
}

pub const INFO: TypeInfo = TypeInfo {
    channel_type: ChannelType::Whatsapp,
    keys: &["waba_id", "phone_number", "verified_name", "phone_numbers"],
    fields: &[
        "binding.waba_id",
        "binding.phone_number",
        "binding.verified_name",
        "binding.phone_numbers",
    ],
    schema: Some("WhatsappBinding"),
    resources: &[(ResourceKind::WhatsappNumber, "phone_number")],
    required_help: &[
        (
            "waba_id",
            "add the WhatsApp Business Account id, quoted: `waba_id: \"102938475610\"`",
        ),
        (
            "phone_number",
            "add the number in E.164 form, quoted: `phone_number: \"+6588001234\"`",
        ),
        (
            "verified_name",
            "add the business name Meta is to show for the number: `verified_name: \"Example Support\"`",
        ),
        (
            "phone_numbers",
            "list the numbers, each in E.164 form: `phone_numbers: [{phone_number: \"+6588001234\"}]`",
        ),
    ],
    pattern_help: &[(
        "phone_number",
        PatternHelp {
            message: "`phone_number` is not an E.164 number",
            label: "not in E.164 form",
            help: "write + and the country code, then the number, digits only: \"+6588001234\"",
        },
    )],
};

impl ChannelBinding for WhatsappBinding {
    fn fields(&self) -> super::Fields<'_> {
        let mut fields: super::Fields<'_> =
            smallvec::smallvec![("waba_id".into(), self.waba_id.as_str())];
        if !self.is_list() {
            fields.push(("phone_number".into(), self.phone_number.as_str()));
            if let Some(name) = &self.verified_name {
                fields.push(("verified_name".into(), name));
            }
        }
        for (i, n) in self.phone_numbers.iter().enumerate() {
            fields.push((
                format!("phone_numbers/{i}/phone_number").into(),
                n.phone_number.as_str(),
            ));
            if let Some(name) = &n.verified_name {
                fields.push((format!("phone_numbers/{i}/verified_name").into(), name));
            }
        }
        fields
    }

    fn fields_mut(&mut self) -> Vec<(Cow<'static, str>, &mut String)> {
        let list = self.is_list();
        let mut fields: Vec<(Cow<'static, str>, &mut String)> =
            vec![("waba_id".into(), &mut self.waba_id)];
        if !list {
            fields.push(("phone_number".into(), &mut self.phone_number));
            if let Some(name) = &mut self.verified_name {
                fields.push(("verified_name".into(), name));
            }
        }
        for (i, n) in self.phone_numbers.iter_mut().enumerate() {
            fields.push((
                format!("phone_numbers/{i}/phone_number").into(),
                &mut n.phone_number,
            ));
            if let Some(name) = &mut n.verified_name {
                fields.push((format!("phone_numbers/{i}/verified_name").into(), name));
            }
        }
        fields
    }

    fn resources(&self) -> super::Resources<'_> {
        let mut out = super::Resources::new();
        if !self.is_list() {
            out.push((ResourceKind::WhatsappNumber, self.phone_number.as_str()));
        }
        for n in &self.phone_numbers {
            out.push((ResourceKind::WhatsappNumber, n.phone_number.as_str()));
        }
        out
    }
}

#[cfg(test)]
#[path = "whatsapp_tests.rs"]
mod tests;
