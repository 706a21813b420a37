//! The domain vocabulary shared by the file, the live account and the plan: channel types,
//! bindings and the resources a binding claims.
//!
//! Both sides of a diff speak these types, so that "the same binding" means exactly one thing
//! whether it was read from channels.yaml, the sandbox file or the CAMS API. What is particular
//! to one channel type (its binding keys and their schema, the resources it holds, how its
//! keys are explained) lives in that type's file under [`types`].

pub mod e164;
pub mod profile;
pub mod types;

pub use profile::{Profile, ProfileFields};
use types::ChannelBinding;
pub use types::email::EmailBinding;
pub use types::instagram::InstagramBinding;
pub use types::messenger::MessengerBinding;
pub use types::viber::{ViberAudit, ViberBinding};
pub use types::whatsapp::WhatsappBinding;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// The six kinds of channel CAMS offers.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ChannelType {
    Whatsapp,
    Viber,
    Messenger,
    Instagram,
    Sms,
    Email,
}

impl ChannelType {
    pub const ALL: [ChannelType; 6] = [
        ChannelType::Whatsapp,
        ChannelType::Viber,
        ChannelType::Messenger,
        ChannelType::Instagram,
        ChannelType::Sms,
        ChannelType::Email,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChannelType::Whatsapp => "whatsapp",
            ChannelType::Viber => "viber",
            ChannelType::Messenger => "messenger",
            ChannelType::Instagram => "instagram",
            ChannelType::Sms => "sms",
            ChannelType::Email => "email",
        }
    }

    /// The type named `name` as the file writes it (`whatsapp`, ...).
    pub fn from_name(name: &str) -> Option<ChannelType> {
        ChannelType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// Every type's name, in [`ChannelType::ALL`]'s order.
    pub fn names() -> Vec<&'static str> {
        ChannelType::ALL.iter().map(|t| t.as_str()).collect()
    }

    /// Whether channels of this type can be bound to anything at all.
    pub fn takes_binding(self) -> bool {
        self != ChannelType::Sms
    }

    /// Whether a bind of this type is submitted for the service's review and stays pending
    /// until it passes (Viber's audit), rather than taking effect at once.
    pub fn bind_is_reviewed(self) -> bool {
        self == ChannelType::Viber
    }
}

impl fmt::Display for ChannelType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a channel is bound to. The variant always matches the channel's type.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(untagged)]
pub enum Binding {
    // Boxed: with its list of numbers, a WhatsApp binding is more than twice the size of the
    // others, and every channel, draft and step holds a binding (inline, it made a
    // 10,000-channel plan's peak memory 7 MB larger: 54 MB against 47).
    Whatsapp(Box<WhatsappBinding>),
    Instagram(InstagramBinding),
    Messenger(MessengerBinding),
    Viber(ViberBinding),
    Email(EmailBinding),
}

/// Something a binding holds exclusively: no two channels may hold the same resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Resource {
    WhatsappNumber(String),
    ViberAccount(String),
    MessengerPage(String),
    InstagramPage(String),
    InstagramAccount(String),
    DmAccount(String),
}

/// The kinds of [`Resource`], for code that keys resources without copying their ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    WhatsappNumber,
    ViberAccount,
    MessengerPage,
    InstagramPage,
    InstagramAccount,
    DmAccount,
}

impl Resource {
    /// The resource of `kind` with `id`.
    pub fn of(kind: ResourceKind, id: &str) -> Resource {
        let id = id.to_string();
        match kind {
            ResourceKind::WhatsappNumber => Resource::WhatsappNumber(id),
            ResourceKind::ViberAccount => Resource::ViberAccount(id),
            ResourceKind::MessengerPage => Resource::MessengerPage(id),
            ResourceKind::InstagramPage => Resource::InstagramPage(id),
            ResourceKind::InstagramAccount => Resource::InstagramAccount(id),
            ResourceKind::DmAccount => Resource::DmAccount(id),
        }
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Resource::WhatsappNumber(id) => write!(f, "WhatsApp number {id}"),
            Resource::ViberAccount(id) => write!(f, "Viber business account {id}"),
            Resource::MessengerPage(id) => write!(f, "Facebook Page {id} (Messenger)"),
            Resource::InstagramPage(id) => write!(f, "Facebook Page {id} (Instagram)"),
            Resource::InstagramAccount(id) => write!(f, "Instagram account {id}"),
            Resource::DmAccount(id) => write!(f, "DirectMail account {id}"),
        }
    }
}

impl Binding {
    /// A WhatsApp binding (boxed, see [`Binding::Whatsapp`]).
    pub fn whatsapp(b: WhatsappBinding) -> Binding {
        Binding::Whatsapp(Box::new(b))
    }

    /// The channel type this binding belongs to.
    pub fn channel_type(&self) -> ChannelType {
        match self {
            Binding::Whatsapp(_) => ChannelType::Whatsapp,
            Binding::Viber(_) => ChannelType::Viber,
            Binding::Messenger(_) => ChannelType::Messenger,
            Binding::Instagram(_) => ChannelType::Instagram,
            Binding::Email(_) => ChannelType::Email,
        }
    }

    /// The resources this binding holds exclusively.
    pub fn resources(&self) -> Vec<Resource> {
        self.resource_keys()
            .map(|(kind, id)| Resource::of(kind, id))
            .collect()
    }

    /// [`Binding::resources`] without copying: each resource's kind and id, in the order of
    /// [`Binding::resource_fields`].
    pub fn resource_keys(&self) -> impl Iterator<Item = (ResourceKind, &str)> {
        let resources = match self {
            Binding::Whatsapp(b) => b.resources(),
            Binding::Viber(b) => b.resources(),
            Binding::Messenger(b) => b.resources(),
            Binding::Instagram(b) => b.resources(),
            Binding::Email(b) => b.resources(),
        };
        // A WABA without a number yet holds no number.
        resources.into_iter().filter(|(_, id)| !id.is_empty())
    }

    /// Each resource the binding holds with the key (a pointer below the binding) that names
    /// it: one per number of a WhatsApp binding with several.
    pub fn resource_fields(
        &self,
    ) -> smallvec::SmallVec<[(ResourceKind, Cow<'static, str>, &str); 2]> {
        let resources = types::info(self.channel_type()).resources;
        let fields = self.fields();
        let mut out = smallvec::SmallVec::new();
        for (kind, key) in resources {
            for (k, value) in &fields {
                // `KEY`, or `KEYs/N/KEY` in a list (the plan builds this for every step: no
                // allocation here).
                let names = k == key
                    || k.strip_suffix(key).is_some_and(|rest| {
                        rest.ends_with('/')
                            && rest
                                .strip_prefix(key)
                                .is_some_and(|list| list.starts_with("s/"))
                    });
                // A WABA without a number yet holds no number.
                if names && !value.is_empty() {
                    out.push((*kind, k.clone(), *value));
                }
            }
        }
        out
    }

    /// The binding's fields as (key, value) pairs, in file order, for display and diffs; a
    /// key is a pointer below the binding (`phone_numbers/1/phone_number` in a list).
    pub fn fields(&self) -> types::Fields<'_> {
        match self {
            Binding::Whatsapp(b) => b.fields(),
            Binding::Viber(b) => b.fields(),
            Binding::Messenger(b) => b.fields(),
            Binding::Instagram(b) => b.fields(),
            Binding::Email(b) => b.fields(),
        }
    }

    /// The binding's values, by key, to change in place (e.g. to redact them).
    pub fn fields_mut(&mut self) -> Vec<(Cow<'static, str>, &mut String)> {
        match self {
            Binding::Whatsapp(b) => b.fields_mut(),
            Binding::Viber(b) => b.fields_mut(),
            Binding::Messenger(b) => b.fields_mut(),
            Binding::Instagram(b) => b.fields_mut(),
            Binding::Email(b) => b.fields_mut(),
        }
    }

    /// This binding written in the form of `desired` (a WhatsApp number list or a single
    /// number), so that a plan shows a live binding key by key as the file writes it.
    pub fn in_form_of(&self, desired: &Binding) -> Binding {
        match (self, desired) {
            (Binding::Whatsapp(live), Binding::Whatsapp(file)) => {
                Binding::whatsapp(live.as_in(file))
            }
            _ => self.clone(),
        }
    }

    /// Whether `other` binds the same thing as far as a caller chooses it: an Instagram
    /// binding's account is the one Meta links to its Page, not a choice, so only the Page
    /// counts (a different account is drift to report, not a step to take); a WhatsApp
    /// number's verified name is what it is registered with, not what is bound; a Viber
    /// binding's application is edited in place, so only the business account counts.
    pub fn same_choice(&self, other: &Binding) -> bool {
        match (self, other) {
            (Binding::Instagram(a), Binding::Instagram(b)) => a.page_id == b.page_id,
            (Binding::Whatsapp(a), Binding::Whatsapp(b)) => a.same_number(b),
            (Binding::Viber(a), Binding::Viber(b)) => a.business_account == b.business_account,
            (a, b) => a == b,
        }
    }

    /// A one-line rendering such as `page_id=123`.
    pub fn summary(&self) -> String {
        self.fields()
            .iter()
            .map(|(k, v)| format!("{}={v}", types::shown_key(k)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// How much one apply may change before it needs --force (after octoDNS's update and delete
/// thresholds): a plan that deletes, unbinds, rebinds or replaces more than
/// `max_change_percent` % of the managed channels, when at least `min_managed` channels are
/// managed, is refused without --force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SafetyLimits {
    /// The largest share of the managed channels, in percent, that one apply may delete,
    /// unbind, rebind or replace without --force. 100 turns the rule off.
    #[schemars(range(max = 100))]
    pub max_change_percent: u32,
    /// The rule applies only when at least this many live channels are managed.
    #[schemars(range(max = 1_000_000))]
    pub min_managed: u32,
}

impl Default for SafetyLimits {
    fn default() -> Self {
        SafetyLimits {
            max_change_percent: 30,
            min_managed: 10,
        }
    }
}

/// How far a channel's binding has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BindState {
    /// Bound and usable.
    #[default]
    Bound,
    /// Submitted and waiting on an asynchronous review (Viber's audit).
    Pending,
    /// Bound to something the backend cannot name: a CAMS Messenger channel bound to a Page
    /// the file does not declare (the API says only that it is bound). The binding reads as
    /// none; a step that would change it is manual.
    Unknown,
    /// A WhatsApp number added to its WABA that waits for the one-time code that verifies
    /// and registers it: the bind is finished by a run that has the code.
    Unverified,
}

/// What a backend may look up besides listing the account, taken from the file: the
/// resources it names. CAMS tells which Messenger Page a channel holds only through
/// ListInstance's `BindId` filter, so its reader asks about each Page the file declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadHints {
    /// The Facebook Pages the file binds Messenger channels to.
    pub messenger_pages: Vec<String>,
    /// The channels whose templates the file manages (and their earlier names): a backend
    /// whose template reads are costly reads only these spaces' templates.
    pub template_channels: Vec<String>,
    /// Read every template-holding channel's templates (export: the account as it is).
    pub all_templates: bool,
    /// The WhatsApp numbers the file binds (E.164): of the numbers a WABA has, the reader
    /// takes those the file names (any status) and the verified others.
    pub whatsapp_numbers: Vec<String>,
}

/// A channel as it exists in the live account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveChannel {
    /// The instance id the service generated.
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub channel_type: ChannelType,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding: Option<Binding>,
    #[serde(default, skip_serializing_if = "is_bound")]
    pub bind_state: BindState,
    /// When the service says the channel was created (Unix seconds), where it says so: it
    /// tells the older of two channels with the same name apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<i64>,
    /// The instance profile (customer profile and resource group), where it has one.
    #[serde(default, skip_serializing_if = "Profile::is_empty")]
    pub profile: Profile,
}

fn is_bound(s: &BindState) -> bool {
    *s == BindState::Bound
}

/// Everything chanctl reads from an account before planning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LiveState {
    /// Channels, sorted by instance id.
    pub channels: Vec<LiveChannel>,
    /// What the reader found that a person should know and the channels cannot say (e.g.
    /// more DirectMail accounts bound than a channel's binding holds); the plan shows them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Message templates, in the order read (by code for the sandbox).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<crate::template::live::LiveTemplate>,
    /// Live templates the reader could not take into the model (an undocumented category),
    /// as written: shown, never planned over.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread_templates: Vec<crate::template::live::UnreadTemplate>,
}

impl LiveState {
    pub fn new(mut channels: Vec<LiveChannel>) -> Self {
        channels.sort_by(|a, b| a.id.cmp(&b.id));
        LiveState {
            channels,
            notes: Vec::new(),
            templates: Vec::new(),
            unread_templates: Vec::new(),
        }
    }

    /// A stable digest of the state: plans record it so that a saved plan can tell whether
    /// the account moved underneath it.
    pub fn fingerprint(&self) -> String {
        // The fingerprint a plan records.
        crate::plan::RecordedLive::of(self).live_fingerprint
    }
}

/// The fingerprint of a state from its channels' ids and digests ([`LiveChannel::digest`]),
/// in the state's order: for a caller that has the digests already.
pub fn fingerprint_of<'a, D: AsRef<str>>(channels: impl Iterator<Item = (&'a str, D)>) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for (id, digest) in channels {
        hasher.update(id.as_bytes());
        hasher.update(b" ");
        hasher.update(digest.as_ref().as_bytes());
        hasher.update(b"\n");
    }
    format!("sha256:{}", hex::encode(hasher.finalize()))
}

impl LiveChannel {
    /// A channel as a create leaves it: unbound, without description, profile or creation
    /// time.
    pub fn new(id: impl Into<String>, name: impl Into<String>, channel_type: ChannelType) -> Self {
        LiveChannel {
            id: id.into(),
            name: name.into(),
            channel_type,
            description: String::new(),
            binding: None,
            bind_state: BindState::Bound,
            created: None,
            profile: Profile::default(),
        }
    }

    /// For tests: an unbound SMS channel.
    #[cfg(test)]
    pub(crate) fn sms(id: &str, name: &str) -> LiveChannel {
        LiveChannel::new(id, name, ChannelType::Sms)
    }

    /// A short digest of everything chanctl reads of the channel: a saved plan keeps one per
    /// channel to tell which changed since.
    pub fn digest(&self) -> String {
        short_digest(self)
    }
}

/// The first 12 bytes of the SHA-256 of `value`'s JSON text, in hex: what a saved plan keeps
/// of each live channel and template, to tell which changed since.
pub fn short_digest(value: &impl Serialize) -> String {
    use sha2::{Digest, Sha256};
    /// The JSON text goes straight into the hash.
    struct Hashing(Sha256);
    impl std::io::Write for Hashing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hashing = Hashing(Sha256::new());
    // Writing into a hash cannot fail, nor can serialising the model's types.
    let _ = serde_json::to_writer(&mut hashing, value);
    // Into a buffer on the stack: `hex::encode` builds its string a char at a time.
    let mut text = [0u8; 24];
    let _ = hex::encode_to_slice(&hashing.0.finalize()[..12], &mut text);
    // Hex digits are ASCII: the text is always UTF-8.
    String::from_utf8(text.to_vec()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_keys_are_the_resource_fields_without_their_keys() {
        let number = |n: &str| types::whatsapp::WhatsappNumber {
            phone_number: n.into(),
            verified_name: Some("Acme".into()),
        };
        let bindings = [
            Binding::whatsapp(WhatsappBinding {
                waba_id: "1".into(),
                phone_number: "+6580000001".into(),
                verified_name: Some("Acme".into()),
                ..Default::default()
            }),
            // A WABA without a number yet holds no number.
            Binding::whatsapp(WhatsappBinding {
                waba_id: "1".into(),
                ..Default::default()
            }),
            Binding::whatsapp(WhatsappBinding {
                waba_id: "1".into(),
                phone_numbers: vec![number("+6580000002"), number(""), number("+6580000003")],
                ..Default::default()
            }),
            Binding::Viber(ViberBinding {
                business_account: "acme".into(),
                audit: None,
            }),
            Binding::Messenger(MessengerBinding {
                page_id: "2".into(),
            }),
            Binding::Instagram(InstagramBinding {
                page_id: "3".into(),
                instagram_account_id: "4".into(),
            }),
            Binding::Instagram(InstagramBinding {
                page_id: "3".into(),
                instagram_account_id: String::new(),
            }),
            Binding::Email(EmailBinding {
                dm_account: "a@mail.example.com".into(),
            }),
        ];
        for b in &bindings {
            let fields: Vec<_> = b
                .resource_fields()
                .into_iter()
                .map(|(k, _, v)| (k, v))
                .collect();
            assert!(
                !fields.is_empty() || b.channel_type() == ChannelType::Whatsapp,
                "{b:?}"
            );
            assert_eq!(b.resource_keys().collect::<Vec<_>>(), fields, "{b:?}");
        }
        assert_eq!(bindings[2].resource_keys().count(), 2);
    }

    #[test]
    fn untagged_binding_round_trips_to_the_right_variant() {
        let ig = Binding::Instagram(InstagramBinding {
            page_id: "1".into(),
            instagram_account_id: "2".into(),
        });
        let m = Binding::Messenger(MessengerBinding {
            page_id: "1".into(),
        });
        for b in [ig, m] {
            let json = serde_json::to_string(&b).unwrap();
            let back: Binding = serde_json::from_str(&json).unwrap();
            assert_eq!(back, b);
        }
    }

    #[test]
    fn fingerprint_ignores_input_order() {
        let a = LiveChannel {
            id: "a".into(),
            name: "x".into(),
            channel_type: ChannelType::Sms,
            description: String::new(),
            binding: None,
            bind_state: BindState::Bound,
            created: None,
            profile: Profile::default(),
        };
        let mut b = a.clone();
        b.id = "b".into();
        let s1 = LiveState::new(vec![a.clone(), b.clone()]);
        let s2 = LiveState::new(vec![b.clone(), a.clone()]);
        assert_eq!(s1.fingerprint(), s2.fingerprint());
        let digests: Vec<(&str, String)> = s1
            .channels
            .iter()
            .map(|c| (c.id.as_str(), c.digest()))
            .collect();
        assert_eq!(
            fingerprint_of(digests.iter().map(|(id, d)| (*id, d.as_str()))),
            s1.fingerprint(),
            "from the digests, as plans compute it"
        );
        b.description = "changed".into();
        let s3 = LiveState::new(vec![a, b]);
        assert_ne!(s1.fingerprint(), s3.fingerprint());
    }
}
