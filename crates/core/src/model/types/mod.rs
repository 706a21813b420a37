//! One file per channel type, each saying everything about the type that does not depend on
//! the backend: its binding (keys, their schema and patterns), the resources the binding
//! holds exclusively, and how each key is explained when it is missing or malformed. The
//! loader, the schema diagnostics, the semantic rules, the plan and its redaction read these
//! tables; the CAMS backend's calls for each type live in `provider/cams/types` of the
//! chanctl crate. Adding a binding key is a change to one file here.

pub mod email;
pub mod instagram;
pub mod messenger;
pub mod sms;
pub mod viber;
pub mod whatsapp;

use super::{ChannelType, ResourceKind};
use std::borrow::Cow;

/// What the rest of chanctl knows of one channel type.
#[derive(Debug)]
pub struct TypeInfo {
    pub channel_type: ChannelType,
    /// The binding's keys in file order (none: the type takes no binding).
    pub keys: &'static [&'static str],
    /// The same keys as plan fields (`binding.KEY`), in the same order.
    pub fields: &'static [&'static str],
    /// The binding's schema definition (its name under `$defs`).
    pub schema: Option<&'static str>,
    /// The resources the binding holds exclusively, each with the key that names it.
    pub resources: &'static [(ResourceKind, &'static str)],
    /// How to add each key when it is missing.
    pub required_help: &'static [(&'static str, &'static str)],
    /// For keys whose pattern is not "digits only": how a value that does not match is
    /// explained.
    pub pattern_help: &'static [(&'static str, PatternHelp)],
}

/// How a value that does not match its key's pattern is explained.
#[derive(Debug)]
pub struct PatternHelp {
    pub message: &'static str,
    pub label: &'static str,
    pub help: &'static str,
}

/// A binding's fields by key, in file order: held inline, as a binding has a few (the plan
/// reads them for every step, and a vector on the heap for each was a tenth of its time).
pub type Fields<'a> = smallvec::SmallVec<[(Cow<'static, str>, &'a str); 4]>;

/// The resources a binding holds, by kind and id, held inline like [`Fields`].
pub type Resources<'a> = smallvec::SmallVec<[(ResourceKind, &'a str); 2]>;

/// A binding of one type: its fields by key, in file order.
pub trait ChannelBinding {
    /// Each key is a JSON pointer below the binding: `phone_number`, or
    /// `phone_numbers/1/phone_number` for an entry of a list.
    fn fields(&self) -> Fields<'_>;
    fn fields_mut(&mut self) -> Vec<(Cow<'static, str>, &mut String)>;
    /// The fields that name a resource (the type's `resources` table), in the order of
    /// [`ChannelBinding::fields`], without their keys: the rules and the plan ask for every
    /// channel, and building the keys cost more than the rest of the check.
    fn resources(&self) -> Resources<'_>;
}

/// How a plan names binding key `key` (a pointer below the binding): `phone_number` as it
/// is, `phone_numbers/1/phone_number` as `phone_numbers[1].phone_number`.
pub fn shown_key(key: &str) -> Cow<'_, str> {
    if !key.contains('/') {
        return key.into();
    }
    let mut out = String::with_capacity(key.len() + 2);
    for (n, segment) in key.split('/').enumerate() {
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(segment);
            out.push(']');
        } else {
            if n > 0 {
                out.push('.');
            }
            out.push_str(segment);
        }
    }
    out.into()
}

/// The pointer of a key as a plan names it: the reverse of [`shown_key`].
pub fn pointer_key(shown: &str) -> Cow<'_, str> {
    if !shown.contains('[') {
        return shown.into();
    }
    shown
        .replace("].", "/")
        .replace(['[', '.'], "/")
        .replace(']', "")
        .into()
}

/// The table of channel type `t`.
pub fn info(t: ChannelType) -> &'static TypeInfo {
    match t {
        ChannelType::Whatsapp => &whatsapp::INFO,
        ChannelType::Viber => &viber::INFO,
        ChannelType::Messenger => &messenger::INFO,
        ChannelType::Instagram => &instagram::INFO,
        ChannelType::Sms => &sms::INFO,
        ChannelType::Email => &email::INFO,
    }
}

/// Every type's table, in [`ChannelType::ALL`]'s order.
pub fn all() -> impl Iterator<Item = &'static TypeInfo> {
    ChannelType::ALL.into_iter().map(info)
}

/// Whether any type's binding has `key`.
pub fn is_binding_key(key: &str) -> bool {
    all().any(|i| i.keys.contains(&key))
}

/// Every binding key of every type, each once, in the order the types list them.
pub fn all_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for k in all().flat_map(|i| i.keys.iter()) {
        if !keys.contains(k) {
            keys.push(k);
        }
    }
    keys
}

/// The plan field (`binding.KEY`) of binding key `key`, when a type has it.
pub fn field_of(key: &str) -> Option<&'static str> {
    all().find_map(|i| i.keys.iter().position(|k| *k == key).map(|n| i.fields[n]))
}

/// The binding key that names a resource of `kind`.
pub fn key_of(kind: ResourceKind) -> &'static str {
    all()
        .flat_map(|i| i.resources.iter())
        .find(|(k, _)| *k == kind)
        .map_or("binding", |(_, key)| key)
}

/// How to add binding key `key` when it is missing.
pub fn required_help(key: &str) -> Option<&'static str> {
    all()
        .flat_map(|i| i.required_help.iter())
        .find(|(k, _)| *k == key)
        .map(|(_, help)| *help)
}

/// How a value of binding key `key` that does not match its pattern is explained, when the
/// pattern is not "digits only".
pub fn pattern_help(key: &str) -> Option<&'static PatternHelp> {
    all()
        .flat_map(|i| i.pattern_help.iter())
        .find(|(k, _)| *k == key)
        .map(|(_, help)| help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_keys_are_shown_with_brackets_and_read_back() {
        for (pointer, shown) in [
            ("phone_number", "phone_number"),
            (
                "phone_numbers/1/phone_number",
                "phone_numbers[1].phone_number",
            ),
            (
                "phone_numbers/12/verified_name",
                "phone_numbers[12].verified_name",
            ),
        ] {
            assert_eq!(shown_key(pointer), shown);
            assert_eq!(pointer_key(shown), pointer);
        }
    }

    #[test]
    fn each_table_is_consistent() {
        for t in ChannelType::ALL {
            let i = info(t);
            assert_eq!(i.channel_type, t);
            assert_eq!(i.keys.is_empty(), !t.takes_binding(), "{t}");
            assert_eq!(i.schema.is_some(), t.takes_binding(), "{t}");
            assert_eq!(i.keys.len(), i.fields.len(), "{t}");
            for (key, field) in i.keys.iter().zip(i.fields) {
                assert_eq!(*field, format!("binding.{key}"), "{t}");
                assert!(required_help(key).is_some(), "{t}: no help for {key}");
            }
            for (_, key) in i.resources {
                assert!(i.keys.contains(key), "{t}: {key}");
            }
        }
        assert_eq!(
            key_of(ResourceKind::InstagramAccount),
            "instagram_account_id"
        );
        assert_eq!(field_of("dm_account"), Some("binding.dm_account"));
        assert!(is_binding_key("waba_id") && !is_binding_key("name"));
        assert_eq!(all_keys().len(), 9);
    }
}
