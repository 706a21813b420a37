//! Turning JSON Schema validation errors into diagnostics a person can act on.
//!
//! jsonschema reports paths into the JSON value; [`SpanMap`] maps them back to the YAML. For
//! a channel (a `oneOf` over the six types) it reports only "not valid under any": we pick the
//! branch the channel's `type` names and report that branch's errors, with exact paths.
//!
//! A value that comes from an alias is reported once, where it is written (the anchor), with
//! the places that use it as secondary labels: the caller merges the repeats.

use super::load::SpanMap;
use super::yaml::Span;
use crate::diagnostic::Diagnostic;
use crate::model::ChannelType;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value as Json;

/// Every schema error in `json`, as diagnostics. `source` is the YAML text the spans index.
pub fn collect(
    validator: &Validator,
    json: &Json,
    spans: &SpanMap,
    source: &str,
) -> Vec<Diagnostic> {
    let cx = Cx {
        root: json,
        spans,
        source,
    };
    let mut out = Vec::new();
    for error in validator.iter_errors(json) {
        push(&error, &cx, &mut out);
    }
    out
}

/// What every conversion needs: the JSON, where its parts stand, and the source text.
struct Cx<'a> {
    root: &'a Json,
    spans: &'a SpanMap<'a>,
    source: &'a str,
}

/// Where to point: where the thing is written, and where it is used when that is elsewhere
/// (through an alias or a `<<` merge).
#[derive(Debug, Clone, Copy)]
struct Loc {
    span: Span,
    alias: Option<Span>,
}

impl Cx<'_> {
    fn value(&self, pointer: &str) -> Loc {
        let used = self.spans.value_span(pointer);
        let defined = self.spans.defined_span(pointer);
        Self::loc(used, defined)
    }

    fn key(&self, pointer: &str) -> Loc {
        let used = self.spans.key_span(pointer);
        let defined = self.spans.key_defined_span(pointer);
        Self::loc(used, defined)
    }

    fn loc(used: Span, defined: Span) -> Loc {
        if defined != used && defined.len > 0 {
            Loc {
                span: defined,
                alias: Some(used),
            }
        } else {
            Loc {
                span: used,
                alias: None,
            }
        }
    }

    fn text(&self, span: Span) -> &str {
        self.source
            .get(span.offset..span.offset + span.len)
            .unwrap_or("")
    }

    /// A diagnostic at `loc`, with a secondary label where an alias uses the value.
    fn diag(
        &self,
        code: &'static str,
        message: impl Into<String>,
        loc: Loc,
        label: impl Into<String>,
    ) -> Diagnostic {
        let d = Diagnostic::new(code, message, loc.span, label);
        match loc.alias {
            Some(alias) => {
                let text = self.text(alias).trim();
                let label = if text.starts_with('*') && !text.contains(char::is_whitespace) {
                    format!("used again here, through `{text}`")
                } else {
                    "used again here, through an alias".to_string()
                };
                d.with_label(alias, label)
            }
            None => d,
        }
    }
}

fn push(error: &ValidationError<'_>, cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let pointer = error.instance_path().as_str().to_string();
    let instance = cx.root.pointer(&pointer).unwrap_or(&Json::Null);
    let field = name_of(&pointer);
    let subject = subject(&pointer);
    let at_value = cx.value(&pointer);
    let d = match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } => match channel_branch(instance) {
            Ok(index) => {
                if let Some(branch) = context.get(index) {
                    for e in branch {
                        push(e, cx, out);
                    }
                    return;
                }
                cx.diag(
                    "chanctl::schema::channel",
                    "this channel does not match its type",
                    at_value,
                    "this channel",
                )
            }
            Err(problem) => problem.diagnostic(cx, &pointer),
        },
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            unknown_keys(cx, &pointer, instance, unexpected, out);
            return;
        }
        ValidationErrorKind::Required { property } => {
            let property = property.as_str().unwrap_or_default();
            if misspelled(&pointer, instance, property).is_some()
                || foreign_binding(&pointer, instance, cx.root).is_some()
            {
                // The unknown key next to it gets the diagnostic (and names this key).
                return;
            }
            missing_key(cx, &pointer, property)
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => kind_name(&t.to_string()),
                TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| kind_name(&t.to_string()))
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            type_error(cx, &pointer, instance, &expected, at_value)
        }
        ValidationErrorKind::MaxLength { limit } => {
            let n = instance.as_str().map_or(0, |s| s.chars().count()) as u64;
            let over = n.saturating_sub(*limit);
            let mut d = cx.diag(
                "chanctl::schema::too_long",
                format!("{subject} is {n} characters long; at most {limit} are allowed"),
                at_value,
                format!(
                    "{over} character{} too many",
                    if over == 1 { "" } else { "s" }
                ),
            );
            if matches!(field, "name" | "previously") {
                d = d.with_help(
                    "channel names are 1 to 50 characters; every character counts as one, \
                     emoji and accented letters too",
                );
            }
            d
        }
        ValidationErrorKind::MinLength { .. } => {
            let help = match field {
                "name" => "give the channel a name of 1 to 50 characters",
                "previously" => "remove the empty entry",
                _ => "give it a value, or remove the key",
            };
            cx.diag(
                "chanctl::schema::empty",
                format!("{subject} must not be empty"),
                at_value,
                "empty",
            )
            .with_help(help)
        }
        ValidationErrorKind::Pattern { .. } => pattern_diagnostic(cx, &pointer, instance, at_value),
        ValidationErrorKind::Minimum { limit } | ValidationErrorKind::Maximum { limit } => {
            let at_least = matches!(error.kind(), ValidationErrorKind::Minimum { .. });
            if pointer == "/version" {
                cx.diag(
                    "chanctl::schema::version",
                    format!("unsupported file version {instance}"),
                    at_value,
                    "this chanctl reads version 1",
                )
                .with_help("set `version: 1`")
            } else {
                let bound = if at_least { "at least" } else { "at most" };
                let mut d = cx.diag(
                    "chanctl::schema::range",
                    format!("{subject} is {instance}; it must be {bound} {limit}"),
                    at_value,
                    "out of range",
                );
                if field == "quota" {
                    d = d.with_help(
                        "the quota is how many channels the account may hold, all types \
                         together: 100 unless Alibaba Cloud raised it",
                    );
                }
                d
            }
        }
        _ => cx.diag(
            "chanctl::schema::invalid",
            error.to_string(),
            at_value,
            "here",
        ),
    };
    out.push(d);
}

/// JSON Schema's type names, as a YAML user would say them.
fn kind_name(t: &str) -> String {
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
fn name_of(pointer: &str) -> &str {
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
fn subject(pointer: &str) -> String {
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

fn type_error(cx: &Cx<'_>, pointer: &str, instance: &Json, expected: &str, at: Loc) -> Diagnostic {
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

fn missing_key(cx: &Cx<'_>, pointer: &str, property: &str) -> Diagnostic {
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
fn start_of(loc: Loc) -> Loc {
    Loc {
        span: Span {
            offset: loc.span.offset,
            len: 0,
        },
        alias: None,
    }
}

fn unknown_keys(
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
fn misspelled<'a>(pointer: &str, instance: &'a Json, property: &str) -> Option<&'a str> {
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
        [] => &[
            "version",
            "account",
            "prune",
            "safety",
            "channels",
            "environments",
        ],
        ["account"] | ["environments", _, "account"] => &["quota"],
        ["safety"] | ["environments", _, "safety"] => &["max_change_percent", "min_managed"],
        ["environments", _] => &["account", "prune", "safety", "channels"],
        ["environments", _, "channels", _] => &super::environments::CHANNEL_KEYS,
        ["channels", _] => &[
            "name",
            "type",
            "description",
            "binding",
            "protect",
            "previously",
        ],
        ["channels", _, "binding"] => &[
            "waba_id",
            "phone_number",
            "business_account",
            "page_id",
            "instagram_account_id",
            "dm_account",
        ],
        _ => &[],
    };
    all.contains(&key)
}

/// Close enough to be a typo: a prefix of the other (`phone` / `phone_number`), or a few edits
/// away (`descripton`).
pub(crate) fn similar(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    if a.len() >= 3 && b.len() >= 3 && (a.starts_with(&b) || b.starts_with(&a)) {
        return true;
    }
    let limit = match a.chars().count().min(b.chars().count()) {
        0..=3 => 1,
        4..=7 => 2,
        _ => 3,
    };
    edit_distance(&a, &b) <= limit
}

/// Levenshtein distance, in characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// The type of the channel whose binding is at `pointer` (`/channels/N/binding`).
fn binding_owner(pointer: &str, root: &Json) -> Option<ChannelType> {
    let channel = pointer.strip_suffix("/binding")?;
    root.pointer(channel).and_then(channel_type)
}

/// When the binding at `pointer` has only keys of another type's binding (and none of its
/// own), that other type: the binding was written for a different kind of channel.
fn foreign_binding(pointer: &str, instance: &Json, root: &Json) -> Option<ChannelType> {
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

fn pattern_diagnostic(cx: &Cx<'_>, pointer: &str, instance: &Json, at: Loc) -> Diagnostic {
    let field = name_of(pointer);
    let subject = subject(pointer);
    let (message, label, help) = match field {
        "phone_number" => (
            "`phone_number` is not an E.164 number".to_string(),
            "not in E.164 form",
            "write + and the country code, then the number, digits only: \"+6588001234\"",
        ),
        "dm_account" => (
            "`dm_account` is not an email address".to_string(),
            "not an email address",
            "use the DirectMail sender address, e.g. \"notify@mail.example.com\"",
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

fn required_help(property: &str) -> String {
    match property {
        "version" => "add `version: 1` at the top of the file".to_string(),
        "channels" => "add a `channels:` list (it may be empty: `channels: []`)".to_string(),
        "type" => format!(
            "every channel needs a type: one of {}",
            type_names().join(", ")
        ),
        "name" => {
            "every channel needs a `name`: 1 to 50 characters, unique in the file".to_string()
        }
        "waba_id" => {
            "add the WhatsApp Business Account id, quoted: `waba_id: \"102938475610\"`".to_string()
        }
        "phone_number" => {
            "add the number in E.164 form, quoted: `phone_number: \"+6588001234\"`".to_string()
        }
        "business_account" => {
            "add the Viber business account: `business_account: acme-sales`".to_string()
        }
        "page_id" => "add the Facebook Page id, quoted: `page_id: \"104857600123\"`".to_string(),
        "instagram_account_id" => "add the Instagram professional account id, quoted: \
                                   `instagram_account_id: \"17841400000000001\"`"
            .to_string(),
        "dm_account" => {
            "add the DirectMail sender address: `dm_account: notify@mail.example.com`".to_string()
        }
        _ => format!("add `{property}`"),
    }
}

fn type_names() -> Vec<&'static str> {
    ChannelType::ALL.iter().map(|t| t.as_str()).collect()
}

fn channel_type(instance: &Json) -> Option<ChannelType> {
    let t = instance.get("type")?.as_str()?;
    ChannelType::ALL.into_iter().find(|c| c.as_str() == t)
}

/// Why a channel matches no `oneOf` branch, before anything else can be said about it.
enum NoBranch {
    NotAMapping(&'static str),
    NoType,
    UnknownType(Json),
}

impl NoBranch {
    fn diagnostic(&self, cx: &Cx<'_>, pointer: &str) -> Diagnostic {
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
                            type_names().join(", ")
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
                .with_help(format!("use one of: {}", type_names().join(", "))),
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
                    .with_help(format!("use one of: {}", type_names().join(", ")));
                if let Some(s) = t.as_str() {
                    let lower = s.trim().to_lowercase();
                    if type_names().contains(&lower.as_str()) {
                        d = d.with_help(format!("types are lower case: `{lower}`"));
                    }
                }
                d
            }
        }
    }
}

/// Which `oneOf` branch a channel belongs to (the order of [`ChannelType::ALL`]), or why it
/// belongs to none.
fn channel_branch(instance: &Json) -> Result<usize, NoBranch> {
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

fn binding_keys(t: ChannelType) -> &'static [&'static str] {
    match t {
        ChannelType::Whatsapp => &["waba_id", "phone_number"],
        ChannelType::Viber => &["business_account"],
        ChannelType::Messenger => &["page_id"],
        ChannelType::Instagram => &["page_id", "instagram_account_id"],
        ChannelType::Email => &["dm_account"],
        ChannelType::Sms => &[],
    }
}

/// The keys allowed in the mapping at `pointer`, for the help of an unknown-key error.
fn allowed_keys(pointer: &str, root: &Json) -> Vec<&'static str> {
    let segments: Vec<&str> = pointer.split('/').skip(1).collect();
    match segments.as_slice() {
        [] => vec![
            "version",
            "account",
            "prune",
            "safety",
            "channels",
            "environments",
        ],
        ["account"] | ["environments", _, "account"] => vec!["quota"],
        ["safety"] | ["environments", _, "safety"] => vec!["max_change_percent", "min_managed"],
        ["environments", _] => vec!["account", "prune", "safety", "channels"],
        ["environments", _, "channels", _] => super::environments::CHANNEL_KEYS.to_vec(),
        ["channels", _] => {
            let t = root.pointer(pointer).and_then(channel_type);
            if t == Some(ChannelType::Sms) {
                vec!["name", "type", "description", "protect", "previously"]
            } else {
                vec![
                    "name",
                    "type",
                    "description",
                    "binding",
                    "protect",
                    "previously",
                ]
            }
        }
        ["channels", _, "binding"] => binding_owner(pointer, root)
            .map(|t| binding_keys(t).to_vec())
            .unwrap_or_default(),
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_similar_but_other_keys_are_not() {
        assert!(similar("descripton", "description"));
        assert!(similar("phone", "phone_number"));
        assert!(similar("Name", "name"));
        assert!(similar("nmae", "name"));
        assert!(!similar("quota", "version"));
        assert!(!similar("waba_id", "page_id"));
        assert!(!similar("prune", "name"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn subjects_name_list_entries_by_their_list() {
        assert_eq!(
            subject("/channels/2/previously/0"),
            "an entry of `previously`"
        );
        assert_eq!(subject("/channels/2"), "channel 3");
        assert_eq!(subject("/channels/2/name"), "`name`");
        assert_eq!(subject(""), "the file");
        assert_eq!(name_of("/channels/2/previously/0"), "previously");
    }

    fn problems(src: &str) -> Vec<Diagnostic> {
        crate::config::load(src).expect_err("the source is invalid")
    }

    fn channel(body: &str) -> String {
        format!("version: 1\nchannels:\n  - name: c\n{body}")
    }

    /// The first problem in `src`.
    fn first(src: &str) -> Diagnostic {
        problems(src).swap_remove(0)
    }

    /// The one problem in `src`: fails when there are more.
    #[track_caller]
    fn only(src: &str) -> Diagnostic {
        let mut d = problems(src);
        assert_eq!(d.len(), 1, "{d:#?}");
        d.swap_remove(0)
    }

    #[test]
    fn a_misspelled_key_is_one_problem_with_a_suggestion() {
        let src = channel(
            "    type: whatsapp\n    binding:\n      waba_id: \"1\"\n      phone: \"+6588001234\"\n",
        );
        // Not also `missing phone_number`.
        let d = only(&src);
        assert_eq!(d.message, "unknown key `phone`");
        assert!(
            d.help
                .as_deref()
                .unwrap()
                .starts_with("did you mean `phone_number`?")
        );
    }

    #[test]
    fn a_missing_key_without_a_lookalike_is_still_reported() {
        let src =
            channel("    type: whatsapp\n    binding:\n      waba_id: \"1\"\n      extra: x\n");
        let codes: Vec<_> = problems(&src).iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                "chanctl::schema::missing_key",
                "chanctl::schema::unknown_key"
            ]
        );
    }

    #[test]
    fn an_empty_type_says_so() {
        assert_eq!(
            first("version: 1\nchannels:\n  - name: c\n    type:\n").message,
            "the channel's `type` is empty"
        );
    }

    #[test]
    fn a_misspelled_type_key_is_named() {
        assert_eq!(
            only("version: 1\nchannels:\n  - name: c\n    tpye: sms\n").message,
            "unknown key `tpye`, and the channel has no `type`"
        );
    }

    #[test]
    fn a_binding_of_another_type_is_one_problem() {
        let src = channel(
            "    type: messenger\n    binding:\n      waba_id: \"1\"\n      phone_number: \"+6588001234\"\n",
        );
        let d = only(&src);
        assert_eq!(d.code, "chanctl::schema::binding_type");
        assert_eq!(
            d.message,
            "this is a whatsapp binding, but the channel's type is messenger"
        );
    }

    #[test]
    fn the_quote_hint_shows_the_value_as_written() {
        let src = channel("    type: messenger\n    binding:\n      page_id: 0x1F\n");
        assert_eq!(
            first(&src).help.as_deref(),
            Some("quote it so YAML keeps it as text: \"0x1F\"")
        );
        let src = channel(
            "    type: messenger\n    binding:\n      page_id: 123456789012345678901234567890\n",
        );
        let help = first(&src).help.unwrap();
        assert!(
            help.ends_with("\"123456789012345678901234567890\""),
            "{help}"
        );
    }

    #[test]
    fn lengths_are_counted_and_pluralised() {
        let src = channel(&format!(
            "    type: sms\n    description: {}\n",
            "é".repeat(152)
        ));
        let d = first(&src);
        assert_eq!(
            d.message,
            "`description` is 152 characters long; at most 150 are allowed"
        );
        assert_eq!(d.labels[0].text, "2 characters too many");
        let src = format!(
            "version: 1\nchannels:\n  - name: {}\n    type: sms\n",
            "😀".repeat(51)
        );
        assert_eq!(first(&src).labels[0].text, "1 character too many");
    }

    #[test]
    fn an_empty_value_is_nothing_and_a_list_entry_is_named_by_its_list() {
        let d = first("version: 1\nchannels:\n  - name:\n    type: sms\n");
        assert_eq!(d.message, "`name` must be a string, found nothing");
        assert_eq!(
            d.help.as_deref(),
            Some("give `name` a value, or remove the key")
        );
        assert_eq!(
            first(&channel("    type: sms\n    previously: [~]\n")).message,
            "an entry of `previously` must be a string, found null"
        );
    }

    #[test]
    fn a_quota_out_of_range_says_the_bound() {
        assert_eq!(
            first("version: 1\naccount:\n  quota: 0\nchannels: []\n").message,
            "`quota` is 0; it must be at least 1"
        );
        assert_eq!(
            first("version: 1\naccount:\n  quota: 2000000\nchannels: []\n").message,
            "`quota` is 2000000; it must be at most 1000000"
        );
    }

    #[test]
    fn a_control_character_is_named() {
        assert_eq!(
            first("version: 1\nchannels:\n  - name: \"a\\tb\"\n    type: sms\n").message,
            "`name` contains a tab (\\t)"
        );
        // C1 controls too: U+009B is a terminal's control sequence introducer.
        assert_eq!(
            first("version: 1\nchannels:\n  - name: \"a\\x9bb\"\n    type: sms\n").message,
            "`name` contains the control character U+009B"
        );
    }
}
