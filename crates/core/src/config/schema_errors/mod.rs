//! Turning JSON Schema validation errors into diagnostics a person can act on.
//!
//! jsonschema reports paths into the JSON value; [`SpanMap`] maps them back to the YAML. For
//! a channel (a `oneOf` over the six types) it reports only "not valid under any": we pick the
//! branch the channel's `type` names and report that branch's errors, with exact paths.
//!
//! A value that comes from an alias is reported once, where it is written (the anchor), with
//! the places that use it as secondary labels: the caller merges the repeats.

mod channel;
mod forms;
mod keys;
#[cfg(test)]
mod tests;
mod wording;

use crate::config::tree::SpanMap;
use crate::config::yaml::{Node, Span, Value};
use crate::diagnostic::Diagnostic;
use channel::{channel_branch, foreign_binding};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use keys::{misspelled, unknown_keys};
use serde_json::Value as Json;
use wording::{kind_name, missing_key, name_of, pattern_diagnostic, subject, type_error};

/// Every schema error in `json`, as diagnostics. `source` is the YAML text the spans index.
pub fn collect(
    validator: &Validator,
    json: &Json,
    spans: &SpanMap,
    source: &str,
) -> Vec<Diagnostic> {
    // A valid file, the usual case, is checked without building errors: jsonschema's
    // yes-or-no pass stops at the first `oneOf` branch that fits and makes no error paths.
    if validator.is_valid(json) {
        return Vec::new();
    }
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

/// Whether `pointer` is a channel of `channels` (`/channels/N`).
fn is_channel(pointer: &str) -> bool {
    pointer
        .strip_prefix("/channels/")
        .is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))
}

/// A value that is not one of `options`, with the nearest as a suggestion.
fn enum_diagnostic(
    cx: &Cx<'_>,
    pointer: &str,
    instance: &Json,
    options: &[String],
    at: Loc,
) -> Diagnostic {
    let subject = subject(pointer);
    let found = match instance {
        Json::String(s) => format!("`{s}`"),
        other => other.to_string(),
    };
    let list = options
        .iter()
        .map(|o| format!("`{o}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let near = instance.as_str().and_then(|s| {
        options
            .iter()
            .find(|o| o.eq_ignore_ascii_case(s) || crate::config::fuzzy::similar(o, s))
    });
    let help = match near {
        Some(n) => format!("did you mean `{n}`? The values are {list}"),
        None => format!("the values are {list}"),
    };
    cx.diag(
        "chanctl::schema::enum",
        format!("{subject} is {found}, not one of its values"),
        at,
        "not a known value",
    )
    .with_help(help)
}

fn push(error: &ValidationError<'_>, cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let pointer = error.instance_path().as_str().to_string();
    let instance = cx.root.pointer(&pointer).unwrap_or(&Json::Null);
    let field = name_of(&pointer);
    let subject = subject(&pointer);
    let at_value = cx.value(&pointer);
    let d = match error.kind() {
        // A binding that is no mapping has its type error; its forms say nothing more.
        ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::OneOfMultipleValid { .. }
            if pointer.ends_with("/binding") && !instance.is_object() =>
        {
            return;
        }
        // A WhatsApp binding's two forms: one number, or a list.
        ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::OneOfMultipleValid { .. }
            if forms::is_whatsapp_binding(instance) =>
        {
            match forms::whatsapp_form(cx, &pointer, instance) {
                Some(d) => d,
                None => return,
            }
        }
        ValidationErrorKind::MinItems { .. } if field == "phone_numbers" => cx
            .diag(
                "chanctl::schema::empty",
                format!("{subject} must not be empty"),
                at_value,
                "no number",
            )
            .with_help(
                "list at least one number (`- phone_number: \"+6588001234\"`), or write one \
                 number as `phone_number:`",
            ),
        // A `oneOf` elsewhere than a channel is one of an enum's documented values.
        ValidationErrorKind::OneOfNotValid { context } if !is_channel(&pointer) => {
            let options: Vec<String> = context
                .iter()
                .flatten()
                .filter_map(|e| match e.kind() {
                    ValidationErrorKind::Constant { expected_value } => {
                        expected_value.as_str().map(str::to_string)
                    }
                    _ => None,
                })
                .collect();
            enum_diagnostic(cx, &pointer, instance, &options, at_value)
        }
        ValidationErrorKind::Enum { options } => {
            let options: Vec<String> = options
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|o| o.as_str().map(str::to_string))
                .collect();
            enum_diagnostic(cx, &pointer, instance, &options, at_value)
        }
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
        // A channel's `templates:` is a list or `{include: PATTERN}`: report the errors of
        // the form the value has, and a type error for a value of neither form.
        ValidationErrorKind::AnyOf { context } if pointer.ends_with("/templates") => {
            let branch = match instance {
                Json::Array(_) => context.first(),
                Json::Object(_) => context.get(1),
                _ => None,
            };
            match branch {
                Some(errors) => {
                    for e in errors {
                        push(e, cx, out);
                    }
                    return;
                }
                None => type_error(
                    cx,
                    &pointer,
                    instance,
                    "a list of templates or `{include: PATTERN}`",
                    at_value,
                ),
            }
        }
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
                    "{over} {} too many",
                    crate::render::plural(over, "character", "characters")
                ),
            );
            if matches!(field, "name" | "previously") {
                d = d.with_help(
                    "channel names are 1 to 50 characters; every character counts as one, \
                     emoji and accented letters too",
                );
            } else if field == "description" {
                d = d.with_help(format!(
                    "descriptions are at most {limit} characters; every character counts as \
                     one, emoji and accented letters too: shorten it by {over} {}",
                    crate::render::plural(over, "character", "characters")
                ));
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

/// The file is not a mapping: say what it is instead, and how a channels file starts.
pub fn root_diagnostic(source: &str, root: &Node) -> Diagnostic {
    let help = "a channels file is a mapping with `version: 1` and a `channels:` list; \
                `chanctl init` writes a starter file";
    if root.value == Value::Null && root.span.len == 0 {
        let content = source
            .trim_start_matches('\u{feff}')
            .lines()
            .map(str::trim)
            .any(|l| !l.is_empty() && !l.starts_with('#'));
        let message = if content {
            "the file holds no value: expected a mapping with `version` and `channels`"
        } else if source.trim_start_matches('\u{feff}').trim().is_empty() {
            "the file is empty: expected a mapping with `version` and `channels`"
        } else {
            "the file holds only comments: expected a mapping with `version` and `channels`"
        };
        let start = if source.starts_with('\u{feff}') { 3 } else { 0 };
        return Diagnostic::new(
            "chanctl::schema::root",
            message,
            Span {
                offset: start,
                len: 0,
            },
            "nothing here",
        )
        .with_help(help);
    }
    Diagnostic::new(
        "chanctl::schema::root",
        format!(
            "expected a mapping with `version` and `channels`, found {}",
            root.value.kind()
        ),
        root.span,
        format!("{}, not a mapping", root.value.kind()),
    )
    .with_help(help)
}
