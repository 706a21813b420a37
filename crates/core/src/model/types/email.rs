//! Email: a DirectMail sender address, held exclusively.

use super::{ChannelBinding, PatternHelp, TypeInfo};
use crate::model::{ChannelType, ResourceKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A DirectMail sender address.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct EmailBinding {
    /// The DirectMail sender address, e.g. "notify@mail.example.com".
    #[schemars(regex(pattern = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), length(max = 254))]
    pub dm_account: String,
}

pub const INFO: TypeInfo = TypeInfo {
    channel_type: ChannelType::Email,
    keys: &["dm_account"],
    fields: &["binding.dm_account"],
    schema: Some("EmailBinding"),
    resources: &[(ResourceKind::DmAccount, "dm_account")],
    required_help: &[(
        "dm_account",
        "add the DirectMail sender address: `dm_account: notify@mail.example.com`",
    )],
    pattern_help: &[(
        "dm_account",
        PatternHelp {
            message: "`dm_account` is not an email address",
            label: "not an email address",
            help: "use the DirectMail sender address, e.g. \"notify@mail.example.com\"",
        },
    )],
};

impl ChannelBinding for EmailBinding {
    fn fields(&self) -> super::Fields<'_> {
        smallvec::smallvec![("dm_account".into(), self.dm_account.as_str())]
    }

    fn fields_mut(&mut self) -> Vec<(Cow<'static, str>, &mut String)> {
        vec![("dm_account".into(), &mut self.dm_account)]
    }

    fn resources(&self) -> super::Resources<'_> {
        smallvec::smallvec![(ResourceKind::DmAccount, self.dm_account.as_str())]
    }
}
