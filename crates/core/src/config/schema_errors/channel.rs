//! Channels and their types: which `oneOf` branch a channel is checked against, and what to
//! say when it fits none.
//!
//! Also which keys each type's binding takes, so that a binding written for another type of
//! channel is reported as that, not as a list of unknown and missing keys.

use super::Cx;
use super::keys::misspelled;
use super::wording::{required_help, start_of};
use crate::diagnostic::Diagnostic;
use crate::model::ChannelType;
use serde_json::Value as Json;

/// The type of the channel whose binding is at `pointer` (`/channels/N/binding`).
pub(super) fn binding_owner(pointer: &str, root: &Json) -> Option<ChannelType> {
    let channel = pointer.strip_suffix("/binding")?;
    root.pointer(channel).and_then(channel_type)
}

/// When the binding at `pointer` has only keys of another type's binding (and none of its
/// own), that other type: the binding was written for a different kind of channel.
pub(super) fn foreign_binding(pointer: &str, instance: &Json, root: &Json) -> Option<ChannelType> {
    let own = binding_owner(pointer, root)?;
    let keys: Vec<&str> = instance.as_object()?.keys().map(String::as_str).collect();
    if keys.is_empty() {
        return None;
    }
    ChannelType::ALL
        .into_iter()
        .filter(|t| *t != own)
        .find(|t| {
            let theirs = binding_keys(*t);
            let own_keys = binding_keys(own);
            keys.iter()
                .all(|k| theirs.contains(k) && !own_keys.contains(k))
        })
}

pub(super) fn channel_type(instance: &Json) -> Option<ChannelType> {
    ChannelType::from_name(instance.get("type")?.as_str()?)
}

/// Why a channel matches no `oneOf` branch, before anything else can be said about it.
pub(super) enum NoBranch {
    NotAMapping(&'static str),
    NoType,
    UnknownType(Json),
}

impl NoBranch {
    pub(super) fn diagnostic(&self, cx: &Cx<'_>, pointer: &str) -> Diagnostic {
        match self {
            NoBranch::NotAMapping(found) => {
                let at = cx.value(pointer);
                let (found, label, help) = if *found == "nothing" {
                    (
                        "nothing (an empty list item)",
                        "empty item",
                        "remove the lone `-`, or write the channel after it",
                    )
                } else {
                    (
                        *found,
                        "expected `name:`, `type:` ...",
                        "write a channel as a mapping: `- name: receipts` with `type: email` \
                         and its other keys below, indented to line up with `name`",
                    )
                };
                cx.diag(
                    "chanctl::schema::channel",
                    format!("a channel must be a mapping, found {found}"),
                    at,
                    label,
                )
                .with_help(help)
            }
            NoBranch::NoType => {
                let instance = cx.root.pointer(pointer).unwrap_or(&Json::Null);
                match misspelled(pointer, instance, "type") {
                    Some(typo) => cx
                        .diag(
                            "chanctl::schema::unknown_key",
                            format!("unknown key `{typo}`, and the channel has no `type`"),
                            cx.key(&format!("{pointer}/{typo}")),
                            "not a known key here",
                        )
                        .with_help(format!(
                            "did you mean `type`? Every channel needs a type: one of {}",
                            ChannelType::names().join(", ")
                        )),
                    None => cx
                        .diag(
                            "chanctl::schema::missing_key",
                            "missing key `type` in a channel",
                            start_of(cx.value(pointer)),
                            "this channel has no `type`",
                        )
                        .with_help(required_help("type")),
                }
            }
            NoBranch::UnknownType(Json::Null) => cx
                .diag(
                    "chanctl::schema::channel_type",
                    "the channel's `type` is empty",
                    cx.value(&format!("{pointer}/type")),
                    "no type",
                )
                .with_help(format!("use one of: {}", ChannelType::names().join(", "))),
            NoBranch::UnknownType(t) => {
                let shown = match t.as_str() {
                    Some(s) => format!("`{s}`"),
                    None => t.to_string(),
                };
                let mut d = cx
                    .diag(
                        "chanctl::schema::channel_type",
                        format!("unknown channel type {shown}"),
                        cx.value(&format!("{pointer}/type")),
                        "not a channel type",
                    )
                    .with_help(format!("use one of: {}", ChannelType::names().join(", ")));
                if let Some(s) = t.as_str() {
                    let lower = s.trim().to_lowercase();
                    if ChannelType::names().contains(&lower.as_str()) {
                        d = d.with_help(format!("types are lower case: `{lower}`"));
                    } else if let Some(near) =
                        crate::config::fuzzy::nearest(&lower, ChannelType::names())
                    {
                        d = d.with_help(format!(
                            "did you mean `{near}`? The types are: {}",
                            ChannelType::names().join(", ")
                        ));
                    }
                }
                d
            }
        }
    }
}

/// Which `oneOf` branch a channel belongs to (the order of [`ChannelType::ALL`]), or why it
/// belongs to none.
pub(super) fn channel_branch(instance: &Json) -> Result<usize, NoBranch> {
    if !instance.is_object() {
        let found = match instance {
            Json::Null => "nothing",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "a list",
            Json::Object(_) => "a mapping",
        };
        return Err(NoBranch::NotAMapping(found));
    }
    match instance.get("type") {
        None => Err(NoBranch::NoType),
        Some(t) => ChannelType::ALL
            .iter()
            .position(|c| Some(c.as_str()) == t.as_str())
            .ok_or_else(|| NoBranch::UnknownType(t.clone())),
    }
}

pub(super) fn binding_keys(t: ChannelType) -> &'static [&'static str] {
    crate::model::types::info(t).keys
}
