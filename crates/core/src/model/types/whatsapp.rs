//! WhatsApp: a WhatsApp Business account (WABA) and one of its phone numbers; the number is
//! held exclusively.

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
}

pub const INFO: TypeInfo = TypeInfo {
    channel_type: ChannelType::Whatsapp,
    keys: &["waba_id", "phone_number"],
    fields: &["binding.waba_id", "binding.phone_number"],
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
        vec![
            ("waba_id", &self.waba_id),
            ("phone_number", &self.phone_number),
        ]
    }

    fn fields_mut(&mut self) -> Vec<(&'static str, &mut String)> {
        vec![
            ("waba_id", &mut self.waba_id),
            ("phone_number", &mut self.phone_number),
        ]
    }
}
