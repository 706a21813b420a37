//! Viber: a Viber business account, held exclusively, and the application the service's
//! reviewers audit before the account is in service (`AddAuditViberOpen`'s `AuditRecord`).
//!
//! The application is the `audit:` block of the binding, in [`audit`]: its keys, which of
//! them the service reads back in each state, and how they are compared.

mod audit;

pub use audit::{AUDIT_KEYS, AuditKey, ViberAudit, audit_keys, changes};

use super::{ChannelBinding, PatternHelp, TypeInfo};
use crate::model::{ChannelType, ResourceKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A Viber business account and the application for it.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct ViberBinding {
    /// The Viber business account (service) name or id.
    #[schemars(length(min = 1, max = 100))]
    pub business_account: String,
    /// The application the service's reviewers audit (`AddAuditViberOpen`'s `AuditRecord`).
    /// Optional: a channel already in service needs none. A new application without it is
    /// submitted with the business account alone, which a plan warns about. While the
    /// application is pending, a change here is an update (`UpdateAuditRequest`); once it is
    /// approved, a change is a manual step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "ViberAudit")]
    pub audit: Option<Box<ViberAudit>>,
}

impl ViberBinding {
    /// The binding of business account `name`, without an application.
    pub fn account(name: impl Into<String>) -> ViberBinding {
        ViberBinding {
            business_account: name.into(),
            audit: None,
        }
    }
}

pub const INFO: TypeInfo = TypeInfo {
    channel_type: ChannelType::Viber,
    keys: &["business_account", "audit"],
    fields: &["binding.business_account", "binding.audit"],
    schema: Some("ViberBinding"),
    resources: &[(ResourceKind::ViberAccount, "business_account")],
    required_help: &[
        (
            "business_account",
            "add the Viber business account: `business_account: acme-sales`",
        ),
        (
            "audit",
            "add the application the reviewers audit: `audit: {company_legal_name: Acme Pte. \
             Ltd., registered_country: SG, contact_email: ops@acme.example}`",
        ),
    ],
    pattern_help: &[
        (
            "contact_email",
            PatternHelp {
                message: "`contact_email` is not an e-mail address",
                label: "not an e-mail address",
                help: "write the contact's address: `contact_email: ops@acme.example`",
            },
        ),
        (
            "contact_phone",
            PatternHelp {
                message: "`contact_phone` is not an E.164 number",
                label: "not in E.164 form",
                help: "write + and the country code, then the number, digits only: \"+6588001234\"",
            },
        ),
        (
            "registered_country",
            PatternHelp {
                message: "`registered_country` is not a two-letter country code",
                label: "not an ISO 3166-1 code",
                help: "write the two-letter ISO 3166-1 code in capitals: `SG`",
            },
        ),
        (
            "destination_countries",
            PatternHelp {
                message: "a destination country is not a two-letter country code",
                label: "not an ISO 3166-1 code",
                help: "write two-letter ISO 3166-1 codes in capitals: `[SG, MY]`",
            },
        ),
        (
            "international_destination_countries",
            PatternHelp {
                message: "a destination country is not a two-letter country code",
                label: "not an ISO 3166-1 code",
                help: "write two-letter ISO 3166-1 codes in capitals: `[SG, MY]`",
            },
        ),
        (
            "website",
            PatternHelp {
                message: "`website` is not a web address",
                label: "not an http:// or https:// address",
                help: "the service takes a website starting with http:// or https:// \
                       (ERR-OPERATION-MAAP-0085): `https://acme.example`",
            },
        ),
        (
            "logo",
            PatternHelp {
                message: "`logo` is not a web address",
                label: "not an http:// or https:// address",
                help: "give the address of the logo image: `https://acme.example/logo.png`",
            },
        ),
        (
            "letter_of_guarantee",
            PatternHelp {
                message: "`letter_of_guarantee` is not a web address",
                label: "not an http:// or https:// address",
                help: "give the address of the signed letter: `https://acme.example/letter.pdf`",
            },
        ),
    ],
};

impl ChannelBinding for ViberBinding {
    fn fields(&self) -> super::Fields<'_> {
        smallvec::smallvec![("business_account".into(), self.business_account.as_str())]
    }

    fn fields_mut(&mut self) -> Vec<(Cow<'static, str>, &mut String)> {
        let mut out: Vec<(Cow<'static, str>, &mut String)> =
            vec![("business_account".into(), &mut self.business_account)];
        if let Some(a) = &mut self.audit {
            out.extend(a.fields_mut().into_iter().map(|(k, v)| (k.into(), v)));
        }
        out
    }

    fn resources(&self) -> super::Resources<'_> {
        smallvec::smallvec![(ResourceKind::ViberAccount, self.business_account.as_str())]
    }
}
