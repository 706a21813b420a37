//! Messenger: a Facebook Page, held exclusively (for Messenger).

use super::{ChannelBinding, TypeInfo};
use crate::model::{ChannelType, ResourceKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A Facebook Page.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct MessengerBinding {
    /// The Facebook Page id, digits only. Quote it in YAML.
    #[schemars(regex(pattern = r"^[0-9]{1,32}$"))]
    pub page_id: String,
}

pub const INFO: TypeInfo = TypeInfo {
    channel_type: ChannelType::Messenger,
    keys: &["page_id"],
    fields: &["binding.page_id"],
    schema: Some("MessengerBinding"),
    resources: &[(ResourceKind::MessengerPage, "page_id")],
    required_help: &[(
        "page_id",
        "add the Facebook Page id, quoted: `page_id: \"104857600123\"`",
    )],
    pattern_help: &[],
};

impl ChannelBinding for MessengerBinding {
    fn fields(&self) -> super::Fields<'_> {
        smallvec::smallvec![("page_id".into(), self.page_id.as_str())]
    }

    fn fields_mut(&mut self) -> Vec<(Cow<'static, str>, &mut String)> {
        vec![("page_id".into(), &mut self.page_id)]
    }

    fn resources(&self) -> super::Resources<'_> {
        smallvec::smallvec![(ResourceKind::MessengerPage, self.page_id.as_str())]
    }
}
