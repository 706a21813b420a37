//! A Viber application (`AddAuditViberOpen`'s `AuditRecord`): its keys, their SDK names,
//! and which of them the service reads back while the application is pending and once it is
//! approved, so that only those are compared with the file: a key the service does not read
//! back is sent, never compared.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The application for a Viber business account. Every key is optional (the SDK marks none
/// required; the reviewers need the company and contact keys): an absent key is not sent.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct ViberAudit {
    /// The company's registered legal name (`CompanyLegalName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1, max = 200))]
    pub company_legal_name: Option<String>,
    /// The company's name in English (`CompanyEnglishName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1, max = 200))]
    pub company_english_name: Option<String>,
    /// The country or region the company is registered in, as a two-letter ISO 3166-1 code
    /// such as `SG` (`CompanyRegisteredCountry`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", regex(pattern = r"^[A-Z]{2}$"))]
    pub registered_country: Option<String>,
    /// The business licence (registration) number (`BusinessLicenseRegistrationNumber`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1, max = 100))]
    pub licence_number: Option<String>,
    /// The company's legal representative (`CompanyLegalPerson`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1, max = 100))]
    pub legal_person: Option<String>,
    /// The complete address of the headquarters (`CompleteAddressOfHeadquarters`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1, max = 500))]
    pub headquarters_address: Option<String>,
    /// What the company does, in a few sentences (`CompanyProfile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1, max = 1000))]
    pub company_profile: Option<String>,
    /// The contact person's name (`ContactName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1, max = 100))]
    pub contact_name: Option<String>,
    /// The contact person's position (`ContactPosition`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1, max = 100))]
    pub contact_position: Option<String>,
    /// The contact person's e-mail address (`ContactEmail`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        with = "String",
        length(min = 3, max = 254),
        regex(pattern = r"^[^@\s]+@[^@\s]+$")
    )]
    pub contact_email: Option<String>,
    /// The contact person's phone number in E.164 form, e.g. "+6588001234" (`ContactPhone`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", regex(pattern = r"^\+[1-9][0-9]{6,14}$"))]
    pub contact_phone: Option<String>,
    /// The company's website, starting with http:// or https:// (`WebAddress`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        with = "String",
        length(max = 500),
        regex(pattern = r"^https?://[^\s]+$")
    )]
    pub website: Option<String>,
    /// The industry the company is in (`IndustryInvolved`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1, max = 100))]
    pub industry: Option<String>,
    /// The industry, described (`IndustryDescription`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1, max = 1000))]
    pub industry_description: Option<String>,
    /// The local countries or regions messages go to, as two-letter ISO 3166-1 codes
    /// (`MessageDestinationCountry`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(regex(pattern = r"^[A-Z]{2}$")), length(max = 250))]
    pub destination_countries: Vec<String>,
    /// The international countries or regions messages go to, as two-letter ISO 3166-1
    /// codes (`MessageDestinationInternationalCountry`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(regex(pattern = r"^[A-Z]{2}$")), length(max = 250))]
    pub international_destination_countries: Vec<String>,
    /// The address of the logo image, starting with http:// or https:// (`Logo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        with = "String",
        length(max = 1000),
        regex(pattern = r"^https?://[^\s]+$")
    )]
    pub logo: Option<String>,
    /// The name the conversation shows (`MessageSessionName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1, max = 100))]
    pub session_name: Option<String>,
    /// The introduction the conversation shows (`MessageDialogueIntroduction`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1, max = 1000))]
    pub dialogue_introduction: Option<String>,
    /// The address of the signed letter of guarantee, starting with http:// or https://
    /// (`LetterGuarantee`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        with = "String",
        length(max = 1000),
        regex(pattern = r"^https?://[^\s]+$")
    )]
    pub letter_of_guarantee: Option<String>,
}

/// One key of the application: its `AuditRecord` field, whether it is a list there, and
/// whether the service reads it back while the application is pending
/// (`GetAuditRequestByTypeUnAudit`'s record) and once it is approved
/// (`ListViberServiceMessage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditKey {
    pub key: &'static str,
    pub wire: &'static str,
    /// `AddAuditViberOpen` takes a list (`Logo` and the destinations).
    pub list: bool,
    pub read_pending: bool,
    pub read_approved: bool,
}

const fn k(key: &'static str, wire: &'static str, list: bool, pending: bool) -> AuditKey {
    AuditKey {
        key,
        wire,
        list,
        read_pending: pending,
        read_approved: false,
    }
}

const fn approved(a: AuditKey) -> AuditKey {
    AuditKey {
        read_approved: true,
        ..a
    }
}

/// The application's keys in the file's order. The pending record has no licence number,
/// headquarters address, contact name, position, e-mail or phone; the service card has the
/// industry and the destinations only.
pub const AUDIT_KEYS: [AuditKey; 20] = [
    k("company_legal_name", "CompanyLegalName", false, true),
    k("company_english_name", "CompanyEnglishName", false, true),
    k(
        "registered_country",
        "CompanyRegisteredCountry",
        false,
        true,
    ),
    k(
        "licence_number",
        "BusinessLicenseRegistrationNumber",
        false,
        false,
    ),
    k("legal_person", "CompanyLegalPerson", false, true),
    k(
        "headquarters_address",
        "CompleteAddressOfHeadquarters",
        false,
        false,
    ),
    k("company_profile", "CompanyProfile", false, true),
    k("contact_name", "ContactName", false, false),
    k("contact_position", "ContactPosition", false, false),
    k("contact_email", "ContactEmail", false, false),
    k("contact_phone", "ContactPhone", false, false),
    k("website", "WebAddress", false, true),
    approved(k("industry", "IndustryInvolved", false, true)),
    k("industry_description", "IndustryDescription", false, true),
    approved(k(
        "destination_countries",
        "MessageDestinationCountry",
        true,
        true,
    )),
    approved(k(
        "international_destination_countries",
        "MessageDestinationInternationalCountry",
        true,
        true,
    )),
    k("logo", "Logo", true, true),
    k("session_name", "MessageSessionName", false, true),
    k(
        "dialogue_introduction",
        "MessageDialogueIntroduction",
        false,
        true,
    ),
    k("letter_of_guarantee", "LetterGuarantee", false, true),
];

/// The keys an `audit:` block may have, in the file's order.
pub fn audit_keys() -> Vec<&'static str> {
    AUDIT_KEYS.iter().map(|a| a.key).collect()
}

impl ViberAudit {
    /// Each key and its values (none, one, or a list's), in [`AUDIT_KEYS`]'s order.
    pub fn values(&self) -> Vec<(&'static str, Vec<&str>)> {
        AUDIT_KEYS
            .iter()
            .map(|a| (a.key, self.get(a.key)))
            .collect()
    }

    fn get(&self, key: &str) -> Vec<&str> {
        match self.slot_ref(key) {
            Slot::One(v) => v.iter().map(String::as_str).collect(),
            Slot::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }

    fn slot_ref(&self, key: &str) -> Slot<'_> {
        match key {
            "company_legal_name" => Slot::One(&self.company_legal_name),
            "company_english_name" => Slot::One(&self.company_english_name),
            "registered_country" => Slot::One(&self.registered_country),
            "licence_number" => Slot::One(&self.licence_number),
            "legal_person" => Slot::One(&self.legal_person),
            "headquarters_address" => Slot::One(&self.headquarters_address),
            "company_profile" => Slot::One(&self.company_profile),
            "contact_name" => Slot::One(&self.contact_name),
            "contact_position" => Slot::One(&self.contact_position),
            "contact_email" => Slot::One(&self.contact_email),
            "contact_phone" => Slot::One(&self.contact_phone),
            "website" => Slot::One(&self.website),
            "industry" => Slot::One(&self.industry),
            "industry_description" => Slot::One(&self.industry_description),
            "destination_countries" => Slot::Many(&self.destination_countries),
            "international_destination_countries" => {
                Slot::Many(&self.international_destination_countries)
            }
            "logo" => Slot::One(&self.logo),
            "session_name" => Slot::One(&self.session_name),
            "dialogue_introduction" => Slot::One(&self.dialogue_introduction),
            "letter_of_guarantee" => Slot::One(&self.letter_of_guarantee),
            _ => Slot::One(&None),
        }
    }

    /// Set `key` to `values` (the first one for a key that holds one; none clears it). An
    /// unknown key is ignored.
    pub fn set(&mut self, key: &str, values: Vec<String>) {
        let one = values.first().cloned();
        let slot = match key {
            "company_legal_name" => &mut self.company_legal_name,
            "company_english_name" => &mut self.company_english_name,
            "registered_country" => &mut self.registered_country,
            "licence_number" => &mut self.licence_number,
            "legal_person" => &mut self.legal_person,
            "headquarters_address" => &mut self.headquarters_address,
            "company_profile" => &mut self.company_profile,
            "contact_name" => &mut self.contact_name,
            "contact_position" => &mut self.contact_position,
            "contact_email" => &mut self.contact_email,
            "contact_phone" => &mut self.contact_phone,
            "website" => &mut self.website,
            "industry" => &mut self.industry,
            "industry_description" => &mut self.industry_description,
            "logo" => &mut self.logo,
            "session_name" => &mut self.session_name,
            "dialogue_introduction" => &mut self.dialogue_introduction,
            "letter_of_guarantee" => &mut self.letter_of_guarantee,
            "destination_countries" => {
                self.destination_countries = values;
                return;
            }
            "international_destination_countries" => {
                self.international_destination_countries = values;
                return;
            }
            _ => return,
        };
        *slot = one;
    }

    /// The application as the service reads it back: only the keys it gives while pending,
    /// or once approved (none when that leaves nothing).
    pub fn as_read(&self, pending: bool) -> Option<ViberAudit> {
        let mut out = ViberAudit::default();
        for a in AUDIT_KEYS {
            if (pending && a.read_pending) || (!pending && a.read_approved) {
                out.set(
                    a.key,
                    self.get(a.key).into_iter().map(str::to_string).collect(),
                );
            }
        }
        (!out.is_empty()).then_some(out)
    }

    pub fn is_empty(&self) -> bool {
        self.values().iter().all(|(_, v)| v.is_empty())
    }

    /// The keys this (the file's) application declares whose values differ from the live
    /// one's, among those the service reads back: while pending, every key of its record (a
    /// key it lacks was not submitted); once approved, only the keys its service card has a
    /// value for (an empty one says nothing).
    pub fn differs_from(&self, live: Option<&ViberAudit>, pending: bool) -> Vec<&'static str> {
        let empty = ViberAudit::default();
        let live = live.unwrap_or(&empty);
        AUDIT_KEYS
            .iter()
            .filter(|a| {
                if pending {
                    a.read_pending
                } else {
                    a.read_approved
                }
            })
            .filter(|a| {
                let (file, read) = (self.get(a.key), live.get(a.key));
                !file.is_empty() && (pending || !read.is_empty()) && file != read
            })
            .map(|a| a.key)
            .collect()
    }
}

/// What changes from application `before` to `after`, key by key in the file's order, as
/// `binding.audit.KEY` with each side's values joined (none where a side has none).
pub fn changes(
    before: Option<&ViberAudit>,
    after: Option<&ViberAudit>,
) -> Vec<(String, Option<String>, Option<String>)> {
    // Most steps are of channels without an application: nothing to compare.
    if before.is_none() && after.is_none() {
        return Vec::new();
    }
    let joined = |a: Option<&ViberAudit>, key: &str| {
        a.map(|a| a.get(key))
            .filter(|v| !v.is_empty())
            .map(|v| v.join(", "))
    };
    AUDIT_KEYS
        .iter()
        .map(|k| (k.key, joined(before, k.key), joined(after, k.key)))
        .filter(|(_, b, a)| b != a)
        .map(|(k, b, a)| (format!("binding.audit.{k}"), b, a))
        .collect()
}

enum Slot<'a> {
    One(&'a Option<String>),
    Many(&'a Vec<String>),
}

impl ViberAudit {
    /// Every value by key (a list's values each under its key), to change in place (e.g. to
    /// redact them).
    pub(super) fn fields_mut(&mut self) -> Vec<(&'static str, &mut String)> {
        let ViberAudit {
            company_legal_name,
            company_english_name,
            registered_country,
            licence_number,
            legal_person,
            headquarters_address,
            company_profile,
            contact_name,
            contact_position,
            contact_email,
            contact_phone,
            website,
            industry,
            industry_description,
            destination_countries,
            international_destination_countries,
            logo,
            session_name,
            dialogue_introduction,
            letter_of_guarantee,
        } = self;
        let ones = [
            ("company_legal_name", company_legal_name),
            ("company_english_name", company_english_name),
            ("registered_country", registered_country),
            ("licence_number", licence_number),
            ("legal_person", legal_person),
            ("headquarters_address", headquarters_address),
            ("company_profile", company_profile),
            ("contact_name", contact_name),
            ("contact_position", contact_position),
            ("contact_email", contact_email),
            ("contact_phone", contact_phone),
            ("website", website),
            ("industry", industry),
            ("industry_description", industry_description),
            ("logo", logo),
            ("session_name", session_name),
            ("dialogue_introduction", dialogue_introduction),
            ("letter_of_guarantee", letter_of_guarantee),
        ];
        let mut out: Vec<(&'static str, &mut String)> = ones
            .into_iter()
            .filter_map(|(k, v)| v.as_mut().map(|v| (k, v)))
            .collect();
        out.extend(
            destination_countries
                .iter_mut()
                .map(|v| ("destination_countries", v)),
        );
        out.extend(
            international_destination_countries
                .iter_mut()
                .map(|v| ("international_destination_countries", v)),
        );
        out
    }
}

#[cfg(test)]
#[path = "audit_tests.rs"]
mod tests;
