//! Putting each kind of schema error into words: the message, the label and the help.
//!
//! A value is named the way a person reads the file (a key by its name, a channel by its
//! number, a list entry by its list), and JSON Schema's type names become the ones a YAML
//! user would say.

use super::{Cx, Loc};
use crate::config::yaml::Span;
use crate::diagnostic::Diagnostic;
use crate::model::ChannelType;
use serde_json::Value as Json;

/// JSON Schema's type names, as a YAML user would say them.
pub(super) fn kind_name(t: &str) -> String {
    match t {
        "string" => "a string".to_string(),
        "integer" => "a whole number".to_string(),
        "number" => "a number".to_string(),
        "boolean" => "true or false".to_string(),
        "array" => "a list".to_string(),
        "object" => "a mapping".to_string(),
        "null" => "nothing".to_string(),
        other => other.to_string(),
    }
}

/// What a value is, for "found ..." (an empty `key:` is "nothing").
fn json_kind(cx: &Cx<'_>, v: &Json, at: Loc) -> &'static str {
    match v {
        Json::Null if is_null_literal(cx.text(at.span)) => "null",
        Json::Null => "nothing",
        Json::Bool(_) => "a boolean",
        Json::Number(n) if n.is_f64() => "a decimal number",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "a mapping",
    }
}

fn is_null_literal(text: &str) -> bool {
    matches!(text.trim(), "null" | "Null" | "NULL" | "~")
}

/// The name of the field at `pointer`; for an entry of a list, the list's name
/// (`/channels/3/previously/0` → `previously`).
pub(super) fn name_of(pointer: &str) -> &str {
    let mut segments = pointer.rsplit('/');
    let last = segments.next().unwrap_or("");
    if !last.is_empty() && last.chars().all(|c| c.is_ascii_digit()) {
        segments.next().unwrap_or(last)
    } else {
        last
    }
}

/// How a message names the value at `pointer`: `` `name` ``, `an entry of `previously``,
/// `channel 3`, `the file`.
pub(super) fn subject(pointer: &str) -> String {
    if pointer.is_empty() {
        return "the file".to_string();
    }
    let last = pointer.rsplit('/').next().unwrap_or("");
    if let Ok(i) = last.parse::<usize>() {
        match name_of(pointer) {
            "channels" => format!("channel {}", i + 1),
            list => format!("an entry of `{list}`"),
        }
    } else {
        format!("`{last}`")
    }
}

pub(super) fn type_error(
    cx: &Cx<'_>,
    pointer: &str,
    instance: &Json,
    expected: &str,
    at: Loc,
) -> Diagnostic {
    let subject = subject(pointer);
    let found = json_kind(cx, instance, at);
    let empty = found == "nothing";
    let label = if empty {
        "no value".to_string()
    } else {
        format!("expected {expected}")
    };
    let d = cx.diag(
        "chanctl::schema::type",
        format!("{subject} must be {expected}, found {found}"),
        at,
        label,
    );
    let text = cx.text(at.span).trim();
    let field = name_of(pointer);
    if expected == "true or false"
        && let Some(fix) = yes_no_boolean(text)
    {
        return cx
            .diag(
                "chanctl::schema::yes_no_boolean",
                format!("{subject} must be true or false, found `{text}`"),
                at,
                format!("write `{fix}`"),
            )
            .with_help(format!(
                "chanctl reads YAML 1.2, where only `true` and `false` are booleans: `{text}` \
                 is text here, though YAML 1.1 tools read it as {fix}; write `{fix}`"
            ));
    }
    let help = match (expected, instance) {
        ("a list", _) if field == "channels" && empty => {
            Some("for a file without channels, write `channels: []`".to_string())
        }
        ("a list", Json::Object(_)) if field == "channels" => Some(
            "write each channel as a list item that starts with `- `, e.g. `- name: receipts`"
                .to_string(),
        ),
        ("a list", Json::String(s)) => Some(format!(
            "write a list, even for one entry: `{field}: [{s}]`"
        )),
        (_, Json::Null) if empty => Some(format!("give `{field}` a value, or remove the key")),
        ("a string", Json::Number(_) | Json::Bool(_) | Json::Null) if !text.is_empty() => {
            Some(format!(
                "quote it so YAML keeps it as text: \"{}\"",
                text.replace('\\', "\\\\").replace('"', "\\\"")
            ))
        }
        ("a whole number", Json::String(s)) if s.trim().parse::<u64>().is_ok() => Some(format!(
            "write the number without quotes: `{field}: {}`",
            s.trim()
        )),
        ("true or false", Json::String(_)) => {
            Some("write `true` or `false`, without quotes".to_string())
        }
        _ => None,
    };
    match help {
        Some(help) => d.with_help(help),
        None => d,
    }
}

/// The boolean a YAML 1.1 reader would see in the plain word `text` (`yes`, `no`, `on`,
/// `off`, in any case), as the YAML 1.2 word to write instead.
pub(super) fn yes_no_boolean(text: &str) -> Option<&'static str> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "on" => Some("true"),
        "no" | "off" => Some("false"),
        _ => None,
    }
}

pub(super) fn missing_key(cx: &Cx<'_>, pointer: &str, property: &str) -> Diagnostic {
    let segments: Vec<&str> = pointer.split('/').skip(1).collect();
    let (message, loc, label) = match segments.as_slice() {
        [] => (
            format!("missing key `{property}` in the file"),
            start_of(cx.value(pointer)),
            format!("the file has no `{property}`"),
        ),
        ["channels", _] => (
            format!("missing key `{property}` in a channel"),
            start_of(cx.value(pointer)),
            format!("this channel has no `{property}`"),
        ),
        _ => (
            format!("missing key `{property}` in {}", subject(pointer)),
            cx.key(pointer),
            format!("has no `{property}`"),
        ),
    };
    cx.diag("chanctl::schema::missing_key", message, loc, label)
        .with_help(required_help(property))
}

/// An empty span at the start of `loc`: "something is missing from what starts here".
pub(super) fn start_of(loc: Loc) -> Loc {
    Loc {
        span: Span {
            offset: loc.span.offset,
            len: 0,
        },
        alias: None,
    }
}

pub(super) fn pattern_diagnostic(
    cx: &Cx<'_>,
    pointer: &str,
    instance: &Json,
    at: Loc,
) -> Diagnostic {
    let field = name_of(pointer);
    if let Some(h) = crate::model::types::pattern_help(field) {
        return cx
            .diag(
                "chanctl::schema::format",
                h.message.to_string(),
                at,
                h.label,
            )
            .with_help(h.help);
    }
    let subject = subject(pointer);
    // Template names (and their old names) have a pattern of their own.
    let in_template = pointer.contains("/templates/");
    let (message, label, help) = match field {
        "name" | "previously" if in_template => (
            format!("{subject} is not a template name"),
            "not lower-case letters, digits and `_`",
            "a template name is 1 to 512 lower-case letters, digits and underscores: \
             `order_update`",
        ),
        "name" | "previously" => {
            let what = instance
                .as_str()
                .and_then(|s| s.chars().find(|c| c.is_control()))
                .map_or_else(|| "a control character".to_string(), describe_control);
            (
                format!("{subject} contains {what}"),
                "control character",
                "names are one line of printable text: remove tabs, line breaks and other \
                 control characters",
            )
        }
        _ => (
            format!("{subject} must be digits only"),
            "not digits only",
            "ids are the digits shown in the Meta or Alibaba Cloud console; quote them in YAML",
        ),
    };
    cx.diag("chanctl::schema::format", message, at, label)
        .with_help(help)
}

fn describe_control(c: char) -> String {
    match c {
        '\n' => "a line break (\\n)".to_string(),
        '\r' => "a carriage return (\\r)".to_string(),
        '\t' => "a tab (\\t)".to_string(),
        other => format!("the control character U+{:04X}", other as u32),
    }
}

pub(super) fn required_help(property: &str) -> String {
    match property {
        "version" => "add `version: 1` at the top of the file".to_string(),
        "channels" => "add a `channels:` list (it may be empty: `channels: []`)".to_string(),
        "type" => format!(
            "every channel needs a type: one of {}",
            ChannelType::names().join(", ")
        ),
        "name" => {
            "every channel needs a `name`: 1 to 50 characters, unique in the file".to_string()
        }
        key => match crate::model::types::required_help(key) {
            Some(help) => help.to_string(),
            None => format!("add `{property}`"),
        },
    }
}
