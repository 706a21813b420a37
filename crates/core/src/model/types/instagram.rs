//! Instagram: a professional account and the Facebook Page it is linked to; both are held
//! exclusively (the Page for Instagram).

use super::{ChannelBinding, TypeInfo};
use crate::model::{ChannelType, ResourceKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// An Instagram professional account and the Facebook Page it is linked to.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct InstagramBinding {
    /// The Facebook Page id the Instagram account is linked to, digits only.
    #[schemars(regex(pattern = r"^[0-9]{1,32}$"))]
    pub page_id: String,
    /// The Instagram professional account id, digits only.
    #[schemars(regex(pattern = r"^[0-9]{1,32}$"))]
    pub instagram_account_id: String,
}

pub const INFO: TypeInfo = TypeInfo {
    channel_type: ChannelType::Instagram,
    keys: &["page_id", "instagram_account_id"],
    fields: &["binding.page_id", "binding.instagram_account_id"],
    schema: Some("InstagramBinding"),
    resources: &[
        (ResourceKind::InstagramPage, "page_id"),
        (ResourceKind::InstagramAccount, "instagram_account_id"),
    ],
    required_help: &[
        (
            "page_id",
            "add the Facebook Page id, quoted: `page_id: \"104857600123\"`",
        ),
        (
            "instagram_account_id",
            "add the Instagram professional account id, quoted: \
             `instagram_account_id: \"17841400000000001\"`",
        ),
    ],
    pattern_help: &[],
};

impl ChannelBinding for InstagramBinding {
    fn fields(&self) -> super::Fields<'_> {
        smallvec::smallvec![
            ("page_id".into(), self.page_id.as_str()),
            (
                "instagram_account_id".into(),
                self.instagram_account_id.as_str()
            ),
        ]
    }

    fn fields_mut(&mut self) -> Vec<(Cow<'static, str>, &mut String)> {
        vec![
            ("page_id".into(), &mut self.page_id),
            (
                "instagram_account_id".into(),
                &mut self.instagram_account_id,
            ),
        ]
    }

    fn resources(&self) -> super::Resources<'_> {
        smallvec::smallvec![
            (ResourceKind::InstagramPage, self.page_id.as_str()),
            (
                ResourceKind::InstagramAccount,
                self.instagram_account_id.as_str()
            ),
        ]
    }
}
