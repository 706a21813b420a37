//! The usual file, read without its JSON copy.
//!
//! Loading validates a JSON copy of the YAML tree, because variables, environment overlays
//! and the explanation of schema errors all work on JSON. A file that uses none of them and
//! passes the schema (most files, most of the time) needs no copy: it is checked against
//! the same schema and typed straight from the tree, which for 10,000 channels saves a tenth
//! of the load and the copy's memory. Anything else, and any file the schema refuses, takes
//! the JSON way, which explains every problem; the two agree on what they accept (tests in
//! `load_tests.rs` run files both ways).

mod de;
mod schema;

use super::file::{ChannelSpec, ChannelsFile};
use super::yaml::{Node, Value};
use de::De;
use serde::Deserialize;
use std::sync::OnceLock;

/// Whether `root` can be read without the JSON copy: no environment is chosen, no
/// `variables:` or `environments:`, nothing to substitute (no value holds a `$`), and the
/// tree is one JSON can hold as it is (string keys, each once per mapping; numbers in JSON's
/// range). A `false` costs nothing but the JSON way.
pub fn fits(root: &Node, environment: Option<&str>) -> bool {
    if environment.is_some() {
        return false;
    }
    let Value::Map(entries) = &root.value else {
        return false;
    };
    let special = |k: &Node| matches!(schema::key(k), Some("variables" | "environments"));
    !entries.iter().any(|(k, _)| special(k)) && plain(root)
}

/// String keys, unique in their mapping; integers JSON holds; finite floats; no `$` in a
/// string value (where `${NAME}` would be substituted).
fn plain(node: &Node) -> bool {
    match &node.value {
        Value::Null | Value::Bool(_) => true,
        Value::Str(s) => !s.contains('$'),
        Value::Int(i) => i64::try_from(*i).is_ok() || u64::try_from(*i).is_ok(),
        Value::Float(f) => f.is_finite(),
        Value::Seq(items) => items.iter().all(plain),
        Value::Map(entries) => entries.iter().enumerate().all(|(i, (k, v))| {
            schema::key(k).is_some_and(|key| {
                !entries[..i]
                    .iter()
                    .any(|(e, _)| schema::key(e) == Some(key))
            }) && plain(v)
        }),
    }
}

/// Whether the tree passes the schema (the one the JSON way checks).
pub fn valid(root: &Node) -> bool {
    static VALIDATOR: OnceLock<jsonschema::Validator<schema::Tree>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            jsonschema::options_for::<schema::Tree>()
                .build(
                    &serde_json::from_str(super::schema::COMMITTED)
                        .expect("the committed schema is JSON"),
                )
                .expect("the committed schema compiles")
        })
        .is_valid(root)
}

/// The typed file, its strings taken from the tree (its keys and spans stay, for the span
/// map). The channels are read one by one, each as the type its `type` names.
pub fn read(root: &mut Node) -> Result<ChannelsFile, serde::de::value::Error> {
    let Value::Map(entries) = &mut root.value else {
        return Err(serde::de::Error::custom("the file is not a mapping"));
    };
    let mut list = entries
        .iter_mut()
        .find(|(k, _)| schema::key(k) == Some("channels"))
        .map(|(_, v)| std::mem::replace(&mut v.value, Value::Seq(Vec::new())));
    let file = ChannelsFile::deserialize(De::new(root));
    let mut channels = Vec::new();
    let mut typed = Ok(());
    if let Some(Value::Seq(items)) = &mut list {
        // Sized once: the channels are large, and growing the vector would copy them.
        channels.reserve(items.len());
        typed = items
            .iter_mut()
            .try_for_each(|item| channel(item).map(|c| channels.push(c)));
    }
    // The list goes back into the tree, whose spans the diagnostics read.
    if let (Some(list), Value::Map(entries)) = (list, &mut root.value)
        && let Some((_, v)) = entries
            .iter_mut()
            .find(|(k, _)| schema::key(k) == Some("channels"))
    {
        v.value = list;
    }
    let mut file = file?;
    typed?;
    file.channels = channels;
    Ok(file)
}

/// One channel: its `type` read first, then the rest as that type's fields.
fn channel(item: &mut Node) -> Result<ChannelSpec, serde::de::value::Error> {
    let known = match &item.value {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| schema::key(k) == Some("type"))
            .and_then(|(_, v)| match &v.value {
                Value::Str(s) => crate::model::ChannelType::from_name(s),
                _ => None,
            }),
        _ => None,
    };
    match known {
        Some(t) => ChannelSpec::of_type(t, De::without(item, "type")),
        None => ChannelSpec::deserialize(De::new(item)),
    }
}

#[cfg(test)]
mod tests;
