//! The shape of channels.yaml (format version 1), as Rust types.
//!
//! These types are the single source of the JSON Schema (through schemars) and of the typed
//! configuration (through serde). Keep key names stable: users, editors and other tools
//! depend on them.

use crate::model::{
    Binding, ChannelType, EmailBinding, InstagramBinding, MessengerBinding, Profile, ProfileFields,
    SafetyLimits, ViberBinding, WhatsappBinding,
};
use crate::template::include::TemplatesKey;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

pub use crate::rules::DEFAULT_QUOTA;
/// The largest quota the file accepts.
pub const MAX_QUOTA: u32 = 1_000_000;

/// chanctl channels file: the channels of one Alibaba Cloud CAMS account, declared as code.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "chanctl channels file")]
pub struct ChannelsFile {
    /// Format version of this file. Always 1.
    #[schemars(range(min = 1, max = 1))]
    pub version: u32,
    /// Facts about the account the channels live in.
    #[serde(default)]
    #[schemars(with = "AccountSpec")]
    pub account: Option<AccountSpec>,
    /// When true, live channels this file does not declare are deleted (like --prune).
    #[serde(default)]
    pub prune: bool,
    /// How much one apply may change before it needs --force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "SafetyLimits")]
    pub safety: Option<SafetyLimits>,
    /// The channels of the account. Names are unique.
    pub channels: Vec<ChannelSpec>,
    /// Overrides per environment, chosen with `--env NAME` (or CHANCTL_ENV); without it the
    /// file applies as written. Names: letters, digits, `-`, `_` and `.`.
    #[serde(default)]
    pub environments: BTreeMap<String, EnvironmentSpec>,
    /// The variables that `${NAME}` references may read from the environment chanctl runs
    /// in; a reference to any other is an error. Sensitive by default: a sensitive variable
    /// may be used only in a binding, whose values plans redact. Credential names
    /// (`ALIBABA_CLOUD_*`, `ALICLOUD_*`, `ALIBABACLOUD_*`) can never be declared; a name
    /// holding SECRET, TOKEN, PASSWORD or KEY needs `sensitive: true`.
    #[serde(default)]
    pub variables: BTreeMap<String, VariableSpec>,
}

/// One declared variable.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VariableSpec {
    /// Whether the value is secret (the default): then it may be used only in a binding,
    /// and plans, logs and errors never show it. `false` lets any string value use it, and
    /// plans show it.
    #[serde(default = "sensitive_by_default")]
    pub sensitive: bool,
    /// What the variable holds, for the people who set it.
    #[serde(default)]
    #[schemars(length(max = 500))]
    pub description: String,
}

fn sensitive_by_default() -> bool {
    true
}

/// What one environment changes in the file. Every key is optional; what is not given is
/// the file's. (`skip_serializing_if` only keeps a `"default": null` out of the schema.)
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentSpec {
    /// The account in this environment, key by key.
    #[serde(default)]
    #[schemars(with = "AccountSpec")]
    pub account: Option<AccountSpec>,
    /// `prune` in this environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "bool")]
    pub prune: Option<bool>,
    /// The safety limits in this environment, key by key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "SafetyLimits")]
    pub safety: Option<SafetyLimits>,
    /// Channel overrides, keyed by the channel's `name` under `channels` (its base name).
    #[serde(default)]
    pub channels: BTreeMap<String, ChannelOverride>,
}

/// A struct whose keys end with the instance profile's (channels and environment overrides
/// take the same six, with the same checks): one list, so that the two cannot drift apart.
macro_rules! with_profile {
    (
        $(#[$meta:meta])*
        pub struct $name:ident $(<$g:ident>)? { $($fields:tt)* }
    ) => {
        $(#[$meta])*
        pub struct $name $(<$g>)? {
            $($fields)*
            /// The customer profile's contact e-mail address (CAMS `ContactMail`). Like every
            /// profile key, absent means not managed: chanctl leaves the live value alone.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #[schemars(
                with = "String",
                length(min = 3, max = 254),
                regex(pattern = r"^[^@\s]+@[^@\s]+$")
            )]
            pub contact_mail: Option<String>,
            /// The customer's country or region, as a two-letter ISO 3166-1 code such as `SG`
            /// (CAMS `CountryId`).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #[schemars(with = "String", regex(pattern = r"^[A-Z]{2}$"))]
            pub country_id: Option<String>,
            /// The customer's office address (CAMS `OfficeAddress`).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #[schemars(with = "String", length(min = 1, max = 500))]
            pub office_address: Option<String>,
            /// The customer's Facebook Business Manager id (CAMS `FacebookBmId`).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #[schemars(with = "String", regex(pattern = r"^[0-9]{1,32}$"))]
            pub facebook_bm_id: Option<String>,
            /// The ISV terms the customer accepted (CAMS `IsvTerms`), as the console records them.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #[schemars(with = "String", length(min = 1, max = 500))]
            pub isv_terms: Option<String>,
            /// The id of the resource group the instance belongs to (CAMS `ResourceGroupId`; a
            /// change moves it with ChangeResourceGroup).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #[schemars(with = "String", regex(pattern = r"^rg-[0-9a-z]+$"))]
            pub resource_group: Option<String>,
        }
    };
}

with_profile! {
/// What an environment changes in one channel. The merged channel is checked like any other.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelOverride {
    /// The channel's name in this environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub name: Option<String>,
    /// The description in this environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub description: Option<String>,
    /// The binding in this environment: replaces the file's binding whole, with the keys of
    /// the channel's type. Values that take sensitive variables are sensitive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>", extend("x-sensitive" = true))]
    pub binding: Option<serde_json::Value>,
    /// `protect` in this environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "bool")]
    pub protect: Option<bool>,
}
}

/// Facts about the account.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    /// The account's channel limit, all types together: 100 unless it was raised.
    #[serde(default = "default_quota")]
    #[schemars(range(min = 1, max = MAX_QUOTA))]
    pub quota: u32,
}

fn none<T>() -> Option<T> {
    None
}

fn default_quota() -> u32 {
    DEFAULT_QUOTA
}

/// One channel. `type` decides which binding keys are allowed.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ChannelSpec {
    /// A WhatsApp channel, bound to a WhatsApp Business account and number.
    Whatsapp(Templated<WhatsappBinding>),
    /// A Viber channel, bound to a Viber business account.
    Viber(Templated<ViberBinding>),
    /// A Messenger channel, bound to a Facebook Page.
    Messenger(Bound<MessengerBinding>),
    /// An Instagram channel, bound to a professional account linked to a Facebook Page.
    Instagram(Bound<InstagramBinding>),
    /// An SMS channel. It takes no binding.
    Sms(Unbound),
    /// An Email channel, bound to a DirectMail sender address.
    Email(Bound<EmailBinding>),
}

/// The three channel shapes share their keys: the name and description, then what a shape
/// has of its own before `protect` (a binding), `protect` with its own doc, `previously`, what
/// it has after them (templates), then the instance profile keys. One list of the keys, so
/// that the shapes (and the schema's order of keys) cannot drift apart.
macro_rules! channel_spec {
    (
        $(#[$meta:meta])*
        pub struct $name:ident $(<$g:ident>)? {
            before_protect: { $($before:tt)* },
            protect: { $(#[$protect:meta])* },
            after_previously: { $($after:tt)* } $(,)?
        }
    ) => {
        with_profile! {
        $(#[$meta])*
        #[derive(Debug, Clone, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name $(<$g>)? {
            /// The channel's name: 1 to 50 characters, unique in the file.
            #[schemars(
                length(min = 1, max = 50),
                regex(pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")
            )]
            pub name: String,
            /// A free-text description of at most 150 characters.
            #[serde(default)]
            #[schemars(length(max = 150))]
            pub description: String,
            $($before)*
            $(#[$protect])*
            #[serde(default)]
            pub protect: bool,
            /// Names this channel had before: a rename is an update, never a delete and a create.
            #[serde(default)]
            #[schemars(inner(length(min = 1, max = 50)))]
            pub previously: Vec<String>,
            $($after)*
        }
        }
    };
}

channel_spec! {
    /// A channel of a type that takes a binding.
    pub struct Bound<B> {
        before_protect: {
            /// What the channel is bound to. Without it the channel exists Unbound. Values may be
            /// `${VAR}` references to declared variables; a value that takes a sensitive one is
            /// sensitive: plans show it as `(sensitive)` and never save it.
            #[serde(default = "none::<B>")]
            #[schemars(with = "B", extend("x-sensitive" = true))]
            pub binding: Option<B>,
        },
        protect: {
            /// Never delete or rebind this channel without --force.
        },
        after_previously: {},
    }
}

channel_spec! {
    /// A channel of a type that takes a binding and holds message templates (WhatsApp, Viber).
    pub struct Templated<B> {
        before_protect: {
            /// What the channel is bound to. Without it the channel exists Unbound. Values may be
            /// `${VAR}` references to declared variables; a value that takes a sensitive one is
            /// sensitive: plans show it as `(sensitive)` and never save it.
            #[serde(default = "none::<B>")]
            #[schemars(with = "B", extend("x-sensitive" = true))]
            pub binding: Option<B>,
        },
        protect: {
            /// Never delete or rebind this channel, nor prune its undeclared templates, without
            /// --force.
        },
        after_previously: {
            /// The message templates of the channel's space: a list, or `{include: PATTERN}` for
            /// templates kept in other files. Each is keyed by name and language. With this key
            /// (even empty) the channel's templates are managed: live ones the file does not
            /// declare are listed, and deleted with prune.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #[schemars(with = "TemplatesKey")]
            pub templates: Option<TemplatesKey>,
        },
    }
}

impl<B> Templated<B> {
    /// The channel without its templates, and the templates.
    fn split(self) -> (Bound<B>, Option<TemplatesKey>) {
        let bound = Bound {
            name: self.name,
            description: self.description,
            binding: self.binding,
            protect: self.protect,
            previously: self.previously,
            contact_mail: self.contact_mail,
            country_id: self.country_id,
            office_address: self.office_address,
            facebook_bm_id: self.facebook_bm_id,
            isv_terms: self.isv_terms,
            resource_group: self.resource_group,
        };
        (bound, self.templates)
    }
}

channel_spec! {
    /// A channel of a type that takes no binding (SMS).
    pub struct Unbound {
        before_protect: {},
        protect: {
            /// Never delete this channel without --force.
        },
        after_previously: {},
    }
}

/// A channel as the rest of chanctl sees it: the file's variant flattened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredChannel {
    pub name: String,
    pub channel_type: ChannelType,
    pub description: String,
    pub binding: Option<Binding>,
    pub protect: bool,
    pub previously: Vec<String>,
    /// The instance profile keys the file manages.
    pub profile: Profile,
}

/// The profile keys of a channel struct, as a [`Profile`].
macro_rules! profile_of {
    ($c:expr) => {
        Profile::from(ProfileFields {
            contact_mail: $c.contact_mail,
            country_id: $c.country_id,
            office_address: $c.office_address,
            facebook_bm_id: $c.facebook_bm_id,
            isv_terms: $c.isv_terms,
            resource_group: $c.resource_group,
        })
    };
}

impl ChannelSpec {
    /// Read one channel from its JSON form: what deserializing [`ChannelSpec`] gives, without
    /// serde's copy of the whole channel that an internally tagged enum makes to find its
    /// tag. The `type` is taken out of the object, and the rest read as that type's fields.
    pub fn from_json(mut value: serde_json::Value) -> Result<ChannelSpec, serde_json::Error> {
        use serde_json::from_value as read;
        let tag = match value.as_object_mut().map(|o| o.remove("type")) {
            Some(Some(serde_json::Value::String(tag))) => tag,
            // No object, or no string `type`: serde's own reading says what is wrong.
            Some(Some(other)) => {
                if let Some(o) = value.as_object_mut() {
                    o.insert("type".into(), other);
                }
                return read(value);
            }
            _ => return read(value),
        };
        match ChannelType::from_name(&tag) {
            Some(t) => Self::of_type(t, value),
            None => {
                if let Some(o) = value.as_object_mut() {
                    o.insert("type".into(), serde_json::Value::String(tag));
                }
                read(value)
            }
        }
    }

    /// Read a channel of type `t` from `rest`, its other fields.
    pub fn of_type<'de, D: serde::Deserializer<'de>>(
        t: ChannelType,
        rest: D,
    ) -> Result<ChannelSpec, D::Error> {
        Ok(match t {
            ChannelType::Whatsapp => ChannelSpec::Whatsapp(Deserialize::deserialize(rest)?),
            ChannelType::Viber => ChannelSpec::Viber(Deserialize::deserialize(rest)?),
            ChannelType::Messenger => ChannelSpec::Messenger(Deserialize::deserialize(rest)?),
            ChannelType::Instagram => ChannelSpec::Instagram(Deserialize::deserialize(rest)?),
            ChannelType::Sms => ChannelSpec::Sms(Deserialize::deserialize(rest)?),
            ChannelType::Email => ChannelSpec::Email(Deserialize::deserialize(rest)?),
        })
    }

    /// The channel and its `templates:` key (`None` when it has none).
    pub fn into_parts(self) -> (DesiredChannel, Option<TemplatesKey>) {
        fn bound<B>(
            b: Bound<B>,
            t: ChannelType,
            wrap: impl FnOnce(B) -> Binding,
        ) -> DesiredChannel {
            DesiredChannel {
                name: b.name,
                channel_type: t,
                description: b.description,
                binding: b.binding.map(wrap),
                protect: b.protect,
                previously: b.previously,
                profile: profile_of!(b),
            }
        }
        let none = || None;
        match self {
            ChannelSpec::Whatsapp(t) => {
                let (b, templates) = t.split();
                (
                    bound(b, ChannelType::Whatsapp, Binding::whatsapp),
                    templates,
                )
            }
            ChannelSpec::Viber(t) => {
                let (b, templates) = t.split();
                (bound(b, ChannelType::Viber, Binding::Viber), templates)
            }
            ChannelSpec::Messenger(b) => {
                (bound(b, ChannelType::Messenger, Binding::Messenger), none())
            }
            ChannelSpec::Instagram(b) => {
                (bound(b, ChannelType::Instagram, Binding::Instagram), none())
            }
            ChannelSpec::Email(b) => (bound(b, ChannelType::Email, Binding::Email), none()),
            ChannelSpec::Sms(u) => (
                DesiredChannel {
                    name: u.name,
                    channel_type: ChannelType::Sms,
                    description: u.description,
                    binding: None,
                    protect: u.protect,
                    previously: u.previously,
                    profile: profile_of!(u),
                },
                none(),
            ),
        }
    }

    pub fn into_desired(self) -> DesiredChannel {
        self.into_parts().0
    }
}

/// A file's channels as the rest of chanctl sees them, each split from its `templates:` key
/// as it is read: the large file form of a channel is never kept in a list.
#[derive(Debug, Default)]
pub struct Channels {
    pub list: Vec<DesiredChannel>,
    /// The `templates:` keys, with the index of their channel in `list`, in file order.
    pub templates: Vec<(usize, TemplatesKey)>,
}

impl Channels {
    /// Room for `n` channels: growing the list would copy them.
    pub fn with_capacity(n: usize) -> Self {
        Channels {
            list: Vec::with_capacity(n),
            templates: Vec::new(),
        }
    }

    pub fn push(&mut self, spec: ChannelSpec) {
        let (channel, key) = spec.into_parts();
        if let Some(key) = key {
            self.templates.push((self.list.len(), key));
        }
        self.list.push(channel);
    }
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
