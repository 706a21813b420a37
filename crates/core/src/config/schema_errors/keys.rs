//! Keys that do not belong where they are written, and the key a misspelling was meant to be.
//!
//! An unknown key next to a missing one that looks like it is one problem, not two: the
//! unknown key is reported, with the key it was probably meant to be as the suggestion.

use super::Cx;
use super::channel::{binding_keys, binding_owner, channel_type, foreign_binding};
use crate::config::fuzzy::{edit_distance, similar};
use crate::config::keys::{
    ACCOUNT_KEYS, CHANNEL_ENTRY_KEYS, ENVIRONMENT_CHANNEL_KEYS, ENVIRONMENT_KEYS, ROOT_KEYS,
    SAFETY_KEYS, VARIABLE_KEYS,
};
use crate::diagnostic::Diagnostic;
use crate::model::ChannelType;
use serde_json::Value as Json;

pub(super) fn unknown_keys(
    cx: &Cx<'_>,
    pointer: &str,
    instance: &Json,
    unexpected: &[String],
    out: &mut Vec<Diagnostic>,
) {
    let channel_type = channel_type(instance);
    if let Some(other) = foreign_binding(pointer, instance, cx.root) {
        let this = binding_owner(pointer, cx.root).map_or("this", ChannelType::as_str);
        let allowed = allowed_keys(pointer, cx.root);
        out.push(
            cx.diag(
                "chanctl::schema::binding_type",
                format!("this is a {other} binding, but the channel's type is {this}"),
                cx.key(pointer),
                format!("keys of a {other} binding"),
            )
            .with_help(format!(
                "a {this} binding takes only {}. If this is a {other} channel, change its `type`",
                backticked(&allowed)
            )),
        );
        return;
    }
    for key in unexpected {
        let key_pointer = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
        let loc = cx.key(&key_pointer);
        let d = if key == "binding" && channel_type == Some(ChannelType::Sms) {
            cx.diag(
                "chanctl::schema::sms_binding",
                "an sms channel takes no binding",
                loc,
                "not allowed on sms",
            )
            .with_help("SMS channels are not bound to anything: remove `binding`")
        } else if key == "templates" && channel_type.is_some() {
            let t = channel_type.map_or("this", ChannelType::as_str);
            cx.diag(
                "chanctl::schema::unknown_key",
                format!("a {t} channel holds no templates"),
                loc,
                format!("not allowed on {t}"),
            )
            .with_help(
                "message templates belong to WhatsApp and Viber channels: move them under one",
            )
        } else {
            let allowed = allowed_keys(pointer, cx.root);
            let help = match suggestion(key, &allowed, instance) {
                Some(near) => format!(
                    "did you mean `{near}`? Allowed keys here: {}",
                    allowed.join(", ")
                ),
                None => format!("allowed keys here: {}", allowed.join(", ")),
            };
            cx.diag(
                "chanctl::schema::unknown_key",
                format!("unknown key `{key}`"),
                loc,
                "not a known key here",
            )
            .with_help(help)
        };
        out.push(d);
    }
}

fn backticked(keys: &[&str]) -> String {
    let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match keys.as_slice() {
        [] => "no keys".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The allowed key that `key` is probably a misspelling of, if it is not already there.
fn suggestion<'k>(key: &str, allowed: &[&'k str], instance: &Json) -> Option<&'k str> {
    allowed
        .iter()
        .copied()
        .filter(|a| instance.get(a).is_none())
        .filter(|a| similar(key, a))
        .min_by_key(|a| edit_distance(key, a))
}

/// When the mapping at `pointer` lacks `property` but has an unknown key that looks like it,
/// that key (the misspelling).
pub(super) fn misspelled<'a>(pointer: &str, instance: &'a Json, property: &str) -> Option<&'a str> {
    let object = instance.as_object()?;
    object
        .keys()
        .map(String::as_str)
        .filter(|k| !known_key_somewhere(pointer, k))
        .find(|k| similar(k, property))
}

/// Whether `key` is a key the mapping at `pointer` could ever take (for any channel type), so
/// that it is not mistaken for a misspelling of another.
fn known_key_somewhere(pointer: &str, key: &str) -> bool {
    let segments: Vec<&str> = pointer.split('/').skip(1).collect();
    let all: &[&str] = match segments.as_slice() {
        [] => ROOT_KEYS,
        ["account"] | ["environments", _, "account"] => ACCOUNT_KEYS,
        ["safety"] | ["environments", _, "safety"] => SAFETY_KEYS,
        ["environments", _] => ENVIRONMENT_KEYS,
        ["variables", _] => VARIABLE_KEYS,
        ["environments", _, "channels", _] => &ENVIRONMENT_CHANNEL_KEYS,
        ["channels", _] => CHANNEL_ENTRY_KEYS,
        ["channels", _, "binding"] => return crate::model::types::is_binding_key(key),
        ["channels", _, "binding", "audit"] => {
            return crate::model::types::viber::audit_keys().contains(&key);
        }
        other => crate::config::keys::template_keys(other).unwrap_or(&[]),
    };
    all.contains(&key)
}

/// The keys allowed in the mapping at `pointer`, for the help of an unknown-key error.
fn allowed_keys(pointer: &str, root: &Json) -> Vec<&'static str> {
    let segments: Vec<&str> = pointer.split('/').skip(1).collect();
    match segments.as_slice() {
        [] => ROOT_KEYS.to_vec(),
        ["account"] | ["environments", _, "account"] => ACCOUNT_KEYS.to_vec(),
        ["safety"] | ["environments", _, "safety"] => SAFETY_KEYS.to_vec(),
        ["environments", _] => ENVIRONMENT_KEYS.to_vec(),
        ["variables", _] => VARIABLE_KEYS.to_vec(),
        ["environments", _, "channels", _] => ENVIRONMENT_CHANNEL_KEYS.to_vec(),
        ["channels", _] => {
            let t = root.pointer(pointer).and_then(channel_type);
            CHANNEL_ENTRY_KEYS
                .iter()
                .copied()
                .filter(|k| *k != "binding" || t != Some(ChannelType::Sms))
                .filter(|k| {
                    *k != "templates" || t.and_then(crate::template::TemplateType::of).is_some()
                })
                .collect()
        }
        ["channels", _, "binding"] => match binding_owner(pointer, root) {
            // A WhatsApp binding takes the keys of the form it is written in.
            Some(ChannelType::Whatsapp) => {
                let listed = root.pointer(&format!("{pointer}/phone_numbers")).is_some();
                if listed {
                    vec!["waba_id", "phone_numbers"]
                } else {
                    vec!["waba_id", "phone_number", "verified_name"]
                }
            }
            Some(t) => binding_keys(t).to_vec(),
            None => Vec::new(),
        },
        ["channels", _, "binding", "phone_numbers", _] => vec!["phone_number", "verified_name"],
        ["channels", _, "binding", "audit"] => crate::model::types::viber::audit_keys(),
        other => crate::config::keys::template_keys(other)
            .map(<[&str]>::to_vec)
            .unwrap_or_default(),
    }
}
