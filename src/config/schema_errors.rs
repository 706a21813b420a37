//! Turning JSON Schema validation errors into diagnostics a person can act on.
//!
//! jsonschema reports paths into the JSON value; [`SpanMap`] maps them back to the YAML. For
//! a channel (a `oneOf` over the six types) it reports only "not valid under any": we pick the
//! branch the channel's `type` names and report that branch's errors, with exact paths.

use super::load::SpanMap;
use crate::diagnostic::Diagnostic;
use crate::model::ChannelType;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value as Json;

/// Every schema error in `json`, as diagnostics.
pub fn collect(validator: &Validator, json: &Json, spans: &SpanMap) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for error in validator.iter_errors(json) {
        push(&error, json, spans, &mut out);
    }
    out
}

fn push(error: &ValidationError<'_>, root: &Json, spans: &SpanMap, out: &mut Vec<Diagnostic>) {
    let pointer = error.instance_path().as_str().to_string();
    let instance = root.pointer(&pointer).unwrap_or(&Json::Null);
    let field = pointer.rsplit('/').next().unwrap_or("").to_string();
    let value_span = spans.value_span(&pointer);
    let d = match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } => match channel_branch(instance) {
            Ok(index) => {
                if let Some(branch) = context.get(index) {
                    for e in branch {
                        push(e, root, spans, out);
                    }
                    return;
                }
                Diagnostic::new(
                    "chanctl::schema::channel",
                    "this channel does not match its type",
                    value_span,
                    "this channel",
                )
            }
            Err(d) => d(spans, &pointer),
        },
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for key in unexpected {
                let key_pointer =
                    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                let span = spans.key_span(&key_pointer);
                let d = if key == "binding" && channel_type(instance) == Some(ChannelType::Sms) {
                    Diagnostic::new(
                        "chanctl::schema::sms_binding",
                        "an sms channel takes no binding",
                        span,
                        "not allowed on sms",
                    )
                    .with_help("SMS channels are not bound to anything: remove `binding`")
                } else {
                    Diagnostic::new(
                        "chanctl::schema::unknown_key",
                        format!("unknown key `{key}`"),
                        span,
                        "not a known key here",
                    )
                    .with_help(format!(
                        "allowed keys here: {}",
                        allowed_keys(&pointer, root).join(", ")
                    ))
                };
                out.push(d);
            }
            return;
        }
        ValidationErrorKind::Required { property } => {
            let property = property.as_str().unwrap_or_default();
            let span = if pointer.is_empty() {
                value_span
            } else {
                spans.key_span(&pointer)
            };
            let what = if pointer.is_empty() {
                "the file".to_string()
            } else {
                format!("`{field}`")
            };
            Diagnostic::new(
                "chanctl::schema::missing_key",
                format!("missing key `{property}` in {}", what),
                span,
                format!("needs `{property}`"),
            )
            .with_help(required_help(property))
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            let found = json_kind(instance);
            let mut d = Diagnostic::new(
                "chanctl::schema::type",
                format!("`{field}` must be {}, found {found}", article(&expected)),
                value_span,
                format!("expected {}", article(&expected)),
            );
            if expected == "string" && instance.is_number() {
                d = d.with_help(format!("quote it so YAML keeps it as text: \"{instance}\""));
            }
            d
        }
        ValidationErrorKind::MaxLength { limit } => {
            let n = instance.as_str().map_or(0, |s| s.chars().count());
            Diagnostic::new(
                "chanctl::schema::too_long",
                format!("`{field}` is {n} characters long; at most {limit} are allowed"),
                value_span,
                format!("{} characters too many", n as u64 - (*limit).min(n as u64)),
            )
        }
        ValidationErrorKind::MinLength { .. } => Diagnostic::new(
            "chanctl::schema::empty",
            format!("`{}` must not be empty", name_of(&pointer, &field)),
            value_span,
            "empty",
        ),
        ValidationErrorKind::Pattern { .. } => pattern_diagnostic(&pointer, &field, value_span),
        ValidationErrorKind::Minimum { limit } | ValidationErrorKind::Maximum { limit } => {
            if pointer == "/version" {
                Diagnostic::new(
                    "chanctl::schema::version",
                    format!("unsupported file version {instance}"),
                    value_span,
                    "this chanctl reads version 1",
                )
                .with_help("set `version: 1`")
            } else {
                Diagnostic::new(
                    "chanctl::schema::range",
                    format!("`{field}` is {instance}, out of range (limit {limit})"),
                    value_span,
                    "out of range",
                )
            }
        }
        _ => Diagnostic::new(
            "chanctl::schema::invalid",
            error.to_string(),
            value_span,
            "here",
        ),
    };
    out.push(d);
}

fn article(t: &str) -> String {
    match t {
        "integer" | "object" | "array" => format!("an {t}"),
        "null" => t.to_string(),
        _ => format!("a {t}"),
    }
}

fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "nothing (null)",
        Json::Bool(_) => "a boolean",
        Json::Number(n) if n.is_f64() => "a decimal number",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "a mapping",
    }
}

/// For `/channels/3/previously/0`, report the field as `previously` rather than `0`.
fn name_of<'a>(pointer: &'a str, field: &'a str) -> &'a str {
    if field.chars().all(|c| c.is_ascii_digit()) {
        pointer.rsplit('/').nth(1).unwrap_or(field)
    } else {
        field
    }
}

fn pattern_diagnostic(pointer: &str, field: &str, span: crate::config::yaml::Span) -> Diagnostic {
    let (message, help) = match name_of(pointer, field) {
        "phone_number" => (
            "`phone_number` is not an E.164 number".to_string(),
            "write it as + and the country code, then the number, digits only: \"+6588001234\"",
        ),
        "dm_account" => (
            "`dm_account` is not an email address".to_string(),
            "use the DirectMail sender address, e.g. \"notify@mail.example.com\"",
        ),
        "name" | "previously" => (
            format!("`{}` contains a control character", name_of(pointer, field)),
            "names are printable text: remove tabs, line breaks and other control characters",
        ),
        other => (
            format!("`{other}` must be digits only"),
            "ids are the digits shown in the Meta or Alibaba Cloud console; quote them in YAML",
        ),
    };
    Diagnostic::new("chanctl::schema::format", message, span, "invalid format").with_help(help)
}

fn required_help(property: &str) -> String {
    match property {
        "version" => "add `version: 1` at the top of the file".to_string(),
        "channels" => "add a `channels:` list (it may be empty: `channels: []`)".to_string(),
        "type" => format!(
            "every channel needs a type: one of {}",
            type_names().join(", ")
        ),
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

type Deferred = Box<dyn Fn(&SpanMap, &str) -> Diagnostic>;

/// Which `oneOf` branch a channel belongs to (the order of [`ChannelType::ALL`]), or a
/// diagnostic about its `type` when it names none.
fn channel_branch(instance: &Json) -> Result<usize, Deferred> {
    if !instance.is_object() {
        let found = json_kind(instance);
        return Err(Box::new(move |spans: &SpanMap, pointer: &str| {
            Diagnostic::new(
                "chanctl::schema::channel",
                format!("a channel must be a mapping, found {found}"),
                spans.value_span(pointer),
                "expected `name:`, `type:` ...",
            )
        }));
    }
    match instance.get("type") {
        None => Err(Box::new(|spans: &SpanMap, pointer: &str| {
            Diagnostic::new(
                "chanctl::schema::missing_key",
                "missing key `type` in a channel",
                spans.value_span(pointer),
                "this channel has no type",
            )
            .with_help(required_help("type"))
        })),
        Some(t) => {
            let name = t.as_str().map(str::to_string);
            match ChannelType::ALL
                .iter()
                .position(|c| Some(c.as_str()) == name.as_deref())
            {
                Some(i) => Ok(i),
                None => {
                    let shown = t.to_string();
                    Err(Box::new(move |spans: &SpanMap, pointer: &str| {
                        let mut d = Diagnostic::new(
                            "chanctl::schema::channel_type",
                            format!("unknown channel type {shown}"),
                            spans.value_span(&format!("{pointer}/type")),
                            "not a channel type",
                        )
                        .with_help(format!("use one of: {}", type_names().join(", ")));
                        if let Some(s) = shown.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                            let lower = s.to_lowercase();
                            if type_names().contains(&lower.as_str()) {
                                d = d.with_help(format!("types are lower case: `{lower}`"));
                            }
                        }
                        d
                    }))
                }
            }
        }
    }
}

/// The keys allowed in the mapping at `pointer`, for the help of an unknown-key error.
fn allowed_keys(pointer: &str, root: &Json) -> Vec<&'static str> {
    let segments: Vec<&str> = pointer.split('/').skip(1).collect();
    match segments.as_slice() {
        [] => vec!["version", "account", "prune", "channels"],
        ["account"] => vec!["quota"],
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
        ["channels", i, "binding"] => {
            let t = root
                .pointer(&format!("/channels/{i}"))
                .and_then(channel_type);
            match t {
                Some(ChannelType::Whatsapp) => vec!["waba_id", "phone_number"],
                Some(ChannelType::Viber) => vec!["business_account"],
                Some(ChannelType::Messenger) => vec!["page_id"],
                Some(ChannelType::Instagram) => vec!["page_id", "instagram_account_id"],
                Some(ChannelType::Email) => vec!["dm_account"],
                _ => vec![],
            }
        }
        _ => vec![],
    }
}
