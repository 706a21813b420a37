//! The usual file, read without its JSON copy.
//!
//! Loading validates a JSON copy of the YAML tree, because variables, environment overlays
//! and the explanation of schema errors all work on JSON. A file that uses none of them and
//! passes the schema (most files, most of the time) needs no copy: it is checked against
//! the same schema and typed straight from the tree, which for 10,000 channels saves a tenth
//! of the load and the copy's memory. Anything else, and any file the schema refuses, takes
//! the JSON way, which explains every problem; the two agree on what they accept (tests in
//! `load_tests.rs` and `tests.rs` run files both ways). For a large file the checks run on the
//! helper thread while the file is typed and its rules checked: both only read the tree.

mod de;
mod schema;

use super::file::{ChannelSpec, Channels, ChannelsFile};
use super::yaml::{Node, Value};
use de::De;
use serde::Deserialize;
use std::sync::OnceLock;

/// Whether `root` can be read without the JSON copy: no environment is chosen, no
/// `variables:` or `environments:`, nothing to substitute (no value holds a `$`), and the
/// tree is one JSON can hold as it is (string keys, each once per mapping; numbers in JSON's
/// range). A `false` costs nothing but the JSON way. (Loading checks [`fits_top`] first,
/// and the rest with the schema, see [`read_checked`].)
#[cfg(test)]
pub fn fits(root: &Node, environment: Option<&str>) -> bool {
    fits_top(root, environment) && plain(root)
}

/// The part of [`fits`] that reads only the top of the file: a mapping, no environment
/// chosen, no `variables:` or `environments:`.
pub fn fits_top(root: &Node, environment: Option<&str>) -> bool {
    if environment.is_some() {
        return false;
    }
    let Value::Map(entries) = &root.value else {
        return false;
    };
    let special = |k: &Node| matches!(schema::key(k), Some("variables" | "environments"));
    !entries.iter().any(|(k, _)| special(k))
}

/// Where the checks of a file that [`fits_top`] accepts run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// Before the typing, on the same thread (tests ask for either way).
    #[cfg(test)]
    Before,
    /// On the helper thread, while the file is typed and its rules are checked.
    #[cfg(test)]
    Beside,
    /// Beside for a file of [`BESIDE_FROM`] channels or more, else before.
    BySize,
}

/// From how many channels the checks run beside the typing: below it, handing them to the
/// helper thread costs more than it saves.
pub const BESIDE_FROM: usize = 256;

/// `then` of the typed file, if the file passes the checks (`plain` and the schema);
/// `None` if it does not (and then `then`'s result, if it ran, is dropped). The checks and
/// the typing only read the tree, so they can run at once.
pub fn read_checked<T>(
    root: &Node,
    checks: Checks,
    then: impl FnOnce(Result<(ChannelsFile, Channels), serde::de::value::Error>) -> T,
) -> Option<T> {
    let passes = || plain(root) && valid(root);
    let beside = match checks {
        #[cfg(test)]
        Checks::Before => false,
        #[cfg(test)]
        Checks::Beside => true,
        Checks::BySize => channel_count(root) >= BESIDE_FROM,
    };
    if !beside {
        return passes().then(|| then(read(root)));
    }
    // Built here, not on the helper thread: the validator lives as long as the process, and
    // belongs with the memory of the thread that uses the load's results.
    validator();
    let (passed, out) = crate::beside::beside(passes, || then(read(root)));
    passed.then_some(out)
}

/// How many items the file's `channels` list has.
fn channel_count(root: &Node) -> usize {
    match &root.value {
        Value::Map(entries) => entries
            .iter()
            .filter(|(k, _)| schema::key(k) == Some("channels"))
            .map(|(_, v)| match &v.value {
                Value::Seq(items) => items.len(),
                _ => 0,
            })
            .sum(),
        _ => 0,
    }
}

/// String keys, unique in their mapping; integers JSON holds; finite floats; no `$` in a
/// string value (where `${NAME}` would be substituted).
fn plain(node: &Node) -> bool {
    match &node.value {
        Value::Null | Value::Bool(_) => true,
        // Without a branch per byte: values are short, and most hold no `$`.
        Value::Str(s) => !s.bytes().fold(false, |seen, b| seen | (b == b'$')),
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
    validator().is_valid(root)
}

/// The schema's validator of trees, built once.
fn validator() -> &'static jsonschema::Validator<schema::Tree> {
    static VALIDATOR: OnceLock<jsonschema::Validator<schema::Tree>> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::options_for::<schema::Tree>()
            .build(
                &serde_json::from_str(super::schema::COMMITTED)
                    .expect("the committed schema is JSON"),
            )
            .expect("the committed schema compiles")
    })
}

/// The typed file (its `channels` left empty) and its channels. The channels are read one by
/// one, each as the type its `type` names.
pub fn read(root: &Node) -> Result<(ChannelsFile, Channels), serde::de::value::Error> {
    let Value::Map(entries) = &root.value else {
        return Err(serde::de::Error::custom("the file is not a mapping"));
    };
    let file = ChannelsFile::deserialize(De::hollow(root, "channels"))?;
    let list = entries
        .iter()
        .find(|(k, _)| schema::key(k) == Some("channels"))
        .map(|(_, v)| &v.value);
    let mut channels = Channels::default();
    if let Some(Value::Seq(items)) = list {
        channels = Channels::with_capacity(items.len());
        for item in items {
            channels.push(channel(item)?);
        }
    }
    Ok((file, channels))
}

/// One channel: its `type` read first, then the rest as that type's fields.
fn channel(item: &Node) -> Result<ChannelSpec, serde::de::value::Error> {
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
