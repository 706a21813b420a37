//! A channel's instance profile: the service provider's customer profile (the console's
//! "Customer Management": contact e-mail, country, office address, Facebook Business Manager
//! id, ISV terms) and the resource group the instance is in.
//!
//! CreateInstance takes all six, UpdateInstance the first five and ChangeResourceGroup moves
//! an instance between groups. In the file every key is optional: an absent key is not
//! managed (like Terraform's optional attributes), so it never shows as a change.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::ops::Deref;

/// A channel's instance profile, held compactly: most channels manage none of its keys, and a
/// plan holds two profiles in every step and one in every draft, so an empty profile is one
/// null pointer instead of six empty strings' worth of bytes (144). It reads as its
/// [`ProfileFields`] (`profile.resource_group`) and is written and read in files and plans as
/// them, with the same schema.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Profile(Option<Box<ProfileFields>>);

/// What an empty [`Profile`] reads as.
static EMPTY: ProfileFields = ProfileFields {
    contact_mail: None,
    country_id: None,
    office_address: None,
    facebook_bm_id: None,
    isv_terms: None,
    resource_group: None,
};

impl From<ProfileFields> for Profile {
    fn from(fields: ProfileFields) -> Self {
        // Kept empty as `None`, so that equality, order and hashing see one empty profile.
        Profile((fields != EMPTY).then(|| Box::new(fields)))
    }
}

impl Deref for Profile {
    type Target = ProfileFields;
    fn deref(&self) -> &ProfileFields {
        self.0.as_deref().unwrap_or(&EMPTY)
    }
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.deref().fmt(f)
    }
}

impl Serialize for Profile {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.deref().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Profile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ProfileFields::deserialize(d).map(Profile::from)
    }
}

impl JsonSchema for Profile {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Profile".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        ProfileFields::json_schema(generator)
    }
}

/// A channel's instance profile: the customer profile and the resource group, in the file's
/// order. An absent key is one the file does not manage, or one the instance has no value
/// for.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct ProfileFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_mail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facebook_bm_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isv_terms: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_group: Option<String>,
}

/// The keys and the CAMS parameter (or ListInstance field) behind each, in the file's order.
pub const KEYS: [(&str, &str); 6] = [
    ("contact_mail", "ContactMail"),
    ("country_id", "CountryId"),
    ("office_address", "OfficeAddress"),
    ("facebook_bm_id", "FacebookBmId"),
    ("isv_terms", "IsvTerms"),
    ("resource_group", "ResourceGroupId"),
];

/// The key of the resource group: ChangeResourceGroup's, not UpdateInstance's.
pub const RESOURCE_GROUP: &str = "resource_group";

impl ProfileFields {
    pub fn is_empty(&self) -> bool {
        self.fields().iter().all(|(_, v)| v.is_none())
    }

    /// Each key and its value, in [`KEYS`]'s order.
    pub fn fields(&self) -> [(&'static str, Option<&str>); 6] {
        [
            (KEYS[0].0, self.contact_mail.as_deref()),
            (KEYS[1].0, self.country_id.as_deref()),
            (KEYS[2].0, self.office_address.as_deref()),
            (KEYS[3].0, self.facebook_bm_id.as_deref()),
            (KEYS[4].0, self.isv_terms.as_deref()),
            (KEYS[5].0, self.resource_group.as_deref()),
        ]
    }

    fn slot(&mut self, key: &str) -> Option<&mut Option<String>> {
        Some(match key {
            "contact_mail" => &mut self.contact_mail,
            "country_id" => &mut self.country_id,
            "office_address" => &mut self.office_address,
            "facebook_bm_id" => &mut self.facebook_bm_id,
            "isv_terms" => &mut self.isv_terms,
            "resource_group" => &mut self.resource_group,
            _ => return None,
        })
    }
}

impl Profile {
    /// Whether the profile has no key (what plans and states leave out).
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The profile with each CAMS field read by `get` (an empty value reads as none).
    pub fn from_fields(mut get: impl FnMut(&str) -> String) -> Profile {
        let mut p = ProfileFields::default();
        for (key, field) in KEYS {
            let v = get(field);
            if let Some(slot) = p.slot(key) {
                *slot = (!v.is_empty()).then_some(v);
            }
        }
        p.into()
    }

    /// The keys as a value of their own, to change some of them.
    pub fn into_fields(self) -> ProfileFields {
        self.0.map_or_else(ProfileFields::default, |b| *b)
    }

    /// This (live) profile with every key `desired` manages set to the desired value.
    pub fn managed_by(&self, desired: &Profile) -> Profile {
        let mut out = self.clone().into_fields();
        for (key, value) in desired.fields() {
            if let (Some(v), Some(slot)) = (value, out.slot(key)) {
                *slot = Some(v.to_string());
            }
        }
        out.into()
    }

    /// The keys `desired` manages whose value differs from this (live) profile's.
    pub fn differs_from(&self, desired: &ProfileFields) -> Vec<&'static str> {
        let live = self.fields();
        desired
            .fields()
            .into_iter()
            .zip(live)
            .filter(|((_, d), (_, l))| d.is_some() && d != l)
            .map(|((k, _), _)| k)
            .collect()
    }

    /// The CAMS parameters that carry the profile's values, without the resource group
    /// (UpdateInstance takes none): what Create (with [`Profile::group_param`]) and Update
    /// send.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        self.fields()
            .into_iter()
            .zip(KEYS)
            .filter(|((key, _), _)| *key != RESOURCE_GROUP)
            .filter_map(|((_, v), (_, field))| v.map(|v| (field, v.to_string())))
            .collect()
    }
}

/// Whether the file accepts `value` for profile key `key`: what its schema says (see
/// `config/file.rs`), so that `export` writes only values the file takes back.
pub fn accepts(key: &str, value: &str) -> bool {
    let chars = value.chars().count();
    match key {
        "contact_mail" => {
            (3..=254).contains(&chars)
                && !value.chars().any(char::is_whitespace)
                && value
                    .split_once('@')
                    .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && !b.contains('@'))
        }
        "country_id" => value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase()),
        "facebook_bm_id" => (1..=32).contains(&chars) && value.bytes().all(|b| b.is_ascii_digit()),
        "resource_group" => value.strip_prefix("rg-").is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        }),
        "office_address" | "isv_terms" => (1..=500).contains(&chars),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(mail: Option<&str>, group: Option<&str>) -> Profile {
        ProfileFields {
            contact_mail: mail.map(str::to_string),
            resource_group: group.map(str::to_string),
            ..ProfileFields::default()
        }
        .into()
    }

    #[test]
    fn an_absent_key_is_not_managed() {
        let live = p(Some("a@example.com"), Some("rg-1"));
        assert!(live.differs_from(&Profile::default()).is_empty());
        assert_eq!(live.managed_by(&Profile::default()), live);
        let desired = p(None, Some("rg-2"));
        assert_eq!(live.differs_from(&desired), vec!["resource_group"]);
        assert_eq!(
            live.managed_by(&desired),
            p(Some("a@example.com"), Some("rg-2"))
        );
    }

    #[test]
    fn params_leave_out_the_group_and_empty_keys() {
        let profile = Profile::from(ProfileFields {
            country_id: Some("SG".into()),
            ..p(Some("a@example.com"), Some("rg-1")).into_fields()
        });
        assert_eq!(
            profile.params(),
            vec![
                ("ContactMail", "a@example.com".to_string()),
                ("CountryId", "SG".to_string())
            ]
        );
    }

    #[test]
    fn accepts_what_the_schema_accepts() {
        for (k, v) in [
            ("contact_mail", "ops@example.com"),
            ("country_id", "SG"),
            ("facebook_bm_id", "1234567890"),
            ("resource_group", "rg-acfmxazb4ph6aiy"),
            ("office_address", "1 Raffles Place, Singapore"),
            ("isv_terms", "accepted 2026-01-01"),
        ] {
            assert!(accepts(k, v), "{k}: {v}");
        }
        for (k, v) in [
            ("contact_mail", "ops.example.com"),
            ("contact_mail", "a@b@c"),
            ("contact_mail", "a b@c"),
            ("country_id", "sg"),
            ("country_id", "SGP"),
            ("facebook_bm_id", "bm-1"),
            ("resource_group", "default"),
            ("resource_group", "rg-"),
            ("office_address", ""),
            ("nothing", "x"),
        ] {
            assert!(!accepts(k, v), "{k}: {v}");
        }
    }

    #[test]
    fn read_from_fields_takes_empty_as_none() {
        let read = Profile::from_fields(|f| match f {
            "ContactMail" => "a@example.com".into(),
            "ResourceGroupId" => "rg-1".into(),
            _ => String::new(),
        });
        assert_eq!(read, p(Some("a@example.com"), Some("rg-1")));
        assert!(Profile::default().is_empty());
    }
}
