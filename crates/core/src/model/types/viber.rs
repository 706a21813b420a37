//! Viber: a Viber business account, held exclusively.

use super::{ChannelBinding, TypeInfo};
use crate::model::{ChannelType, ResourceKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A Viber business account.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct ViberBinding {
    /// The Viber business account (service) name or id.
    #[schemars(length(min = 1, max = 100))]
    pub business_account: String,
}

pub const INFO: TypeInfo = TypeInfo {
    channel_type: ChannelType::Viber,
    keys: &["business_account"],
    fields: &["binding.business_account"],
    schema: Some("ViberBinding"),
    resources: &[(ResourceKind::ViberAccount, "business_account")],
    required_help: &[(
        "business_account",
        "add the Viber business account: `business_account: acme-sales`",
    )],
    pattern_help: &[],
};

impl ChannelBinding for ViberBinding {
    fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![("business_account", &self.business_account)]
    }

    fn fields_mut(&mut self) -> Vec<(&'static str, &mut String)> {
        vec![("business_account", &mut self.business_account)]
    }
}
