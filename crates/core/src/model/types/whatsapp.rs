//! WhatsApp: a WhatsApp Business account (WABA) and one of its phone numbers; the number is
//! held exclusively. A number the WABA does not have yet is registered by chanctl when the
//! binding names the `verified_name` Meta shows for it (AddChatappPhoneNumber needs one).

use super::{ChannelBinding, PatternHelp, TypeInfo};
use crate::model::{ChannelType, ResourceKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A WhatsApp Business account and one of its phone numbers.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct WhatsappBinding {
    /// The WhatsApp Business Account (WABA) id, digits only. Quote it in YAML.
    #[schemars(regex(pattern = r"^[0-9]{1,32}$"))]
    pub waba_id: String,
    /// The phone number in E.164 form, e.g. "+6588001234".
    #[schemars(regex(pattern = r"^\+[1-9][0-9]{6,14}$"))]
    pub phone_number: String,
    /// The business name Meta shows for the number (its display name). Needed only to register
    /// a number the WABA does not have yet; a number already on the WABA keeps its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 512))]
    pub verified_name: Option<String>,
}

impl WhatsappBinding {
    /// Whether `other` names the same WABA and number: the verified name is what the number
    /// is registered with, not a choice of what to bind.
    pub fn same_number(&self, other: &WhatsappBinding) -> bool {
        self.waba_id == other.waba_id && self.phone_number == other.phone_number
    }
}

pub const INFO: TypeInfo = TypeInfo {
    channel_type: ChannelType::Whatsapp,
    keys: &["waba_id", "phone_number", "verified_name"],
    fields: &[
        "binding.waba_id",
        "binding.phone_number",
        "binding.verified_name",
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
    fn fields(&self) -> Vec<(&'static str, &str)> {
        let mut fields = vec![
            ("waba_id", self.waba_id.as_str()),
            ("phone_number", self.phone_number.as_str()),
        ];
        if let Some(name) = &self.verified_name {
            fields.push(("verified_name", name));
        }
        fields
    }

    fn fields_mut(&mut self) -> Vec<(&'static str, &mut String)> {
        let mut fields = vec![
            ("waba_id", &mut self.waba_id),
            ("phone_number", &mut self.phone_number),
        ];
        if let Some(name) = &mut self.verified_name {
            fields.push(("verified_name", name));
        }
        fields
    }
}
