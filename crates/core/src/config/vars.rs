//! `${VAR}` references in string values, replaced at load time from variables the caller
//! passes in (the CLI passes the process environment; the core never reads it).
//!
//! Substitution runs on the JSON value before the schema, so validation sees the values that
//! will be used. `$${` writes a literal `${`. Only variables the file declares under
//! `variables:` are read (see [`super::variables`]); a sensitive one only where plans redact
//! the value (a binding, which the schema marks `x-sensitive`). An undeclared or unset
//! variable, one used where it would be shown, a value that holds a credential chanctl uses,
//! an unterminated `${` and a name that is not a variable name are diagnostics at the
//! reference itself, and such a value is left as written. Every string that took a sensitive
//! variable is recorded with its text as written (see [`crate::sensitive`]).

use super::tree::{SpanMap, escape, is_at_or_under};
use super::variables::{self, Declared, Found, is_name};
use super::yaml::Span;
use crate::diagnostic::Diagnostic;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Looks a variable up: `None` when it is not set.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Where references take their values from, and what they may take.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    /// The variables' values.
    pub values: Lookup<'a>,
    /// What the file declares.
    pub declared: &'a Declared,
    /// Credential values chanctl holds: a variable whose value holds one is refused.
    pub credentials: &'a [String],
}

/// What substitution found.
#[derive(Debug, Default)]
pub struct Expanded {
    /// JSON pointer → the string as written, for every string that took a sensitive variable.
    pub templates: BTreeMap<String, String>,
    pub diagnostics: Vec<Diagnostic>,
    /// Where the values whose references could not be replaced are written: other passes
    /// see them as written, so their problems there are noise.
    pub failed: Vec<Span>,
}

impl Expanded {
    /// Whether `d` is about a value whose references could not be replaced (and is not the
    /// diagnostic that says why).
    pub fn is_noise(&self, d: &Diagnostic) -> bool {
        !d.code.starts_with("chanctl::vars::")
            && d.labels.first().is_some_and(|l| {
                self.failed.iter().any(|f| {
                    l.span.offset >= f.offset && l.span.offset + l.span.len <= f.offset + f.len
                })
            })
    }
}

/// Whether the value at `pointer` is one that plans redact when it comes from a sensitive
/// variable: the fields the schema marks `x-sensitive`, which are the binding values.
pub fn is_redacted_field(pointer: &str) -> bool {
    is_binding_value(pointer)
}

/// Whether `pointer` is a binding value: `/channels/N/binding/KEY`, an entry's value of a
/// WhatsApp number list (`/channels/N/binding/phone_numbers/I/KEY`), or the same in an
/// environment's override (`/environments/E/channels/NAME/binding/...`).
pub fn is_binding_value(pointer: &str) -> bool {
    let segments: Vec<&str> = pointer.split('/').skip(1).collect();
    let binding = match segments.as_slice() {
        ["channels", _, "binding", rest @ ..] => rest,
        ["environments", _, "channels", _, "binding", rest @ ..] => rest,
        _ => return false,
    };
    matches!(binding, [_] | ["phone_numbers", _, _])
}

/// Substitute in every string under `root` (a JSON pointer into `json`), leaving alone what
/// is at or under the pointers in `skip`. `source` and `spans` place the diagnostics.
pub fn expand(
    json: &mut Json,
    root: &str,
    skip: &[String],
    vars: Scope<'_>,
    spans: &SpanMap,
    source: &str,
    out: &mut Expanded,
) {
    let Some(value) = json.pointer_mut(root) else {
        return;
    };
    // Most files hold no reference: one look at the strings then spares the walk below,
    // which builds the JSON pointer of every value.
    if !has_dollar(value) {
        return;
    }
    let mut pointer = root.to_string();
    walk(value, &mut pointer, skip, vars, spans, source, out);
}

/// Whether any string in `value` holds a `$`.
fn has_dollar(value: &Json) -> bool {
    match value {
        Json::String(s) => s.contains('$'),
        Json::Array(items) => items.iter().any(has_dollar),
        Json::Object(map) => map.values().any(has_dollar),
        _ => false,
    }
}

/// One step of a JSON pointer, written without allocating.
enum Segment<'a> {
    Index(usize),
    Key(&'a str),
}

fn walk(
    value: &mut Json,
    pointer: &mut String,
    skip: &[String],
    vars: Scope<'_>,
    spans: &SpanMap,
    source: &str,
    out: &mut Expanded,
) {
    if skip.iter().any(|s| is_at_or_under(pointer, s)) {
        return;
    }
    let child =
        |value: &mut Json, segment: Segment<'_>, pointer: &mut String, out: &mut Expanded| {
            let len = pointer.len();
            match segment {
                Segment::Index(i) => {
                    let _ = write!(pointer, "/{i}");
                }
                Segment::Key(k) => {
                    pointer.push('/');
                    pointer.push_str(&escape(k));
                }
            }
            walk(value, pointer, skip, vars, spans, source, out);
            pointer.truncate(len);
        };
    match value {
        Json::String(s) if s.contains('$') => {
            match substitute(s, vars, is_redacted_field(pointer)) {
                Ok(done) => {
                    if !done.sensitive.is_empty() {
                        out.templates.insert(pointer.clone(), s.clone());
                    }
                    *s = done.value;
                }
                Err(problems) => {
                    out.failed.push(spans.defined_span(pointer));
                    for p in problems {
                        if let Some(d) = diagnostic(&p, pointer, spans, source, vars.declared) {
                            out.diagnostics.push(d);
                        }
                    }
                }
            }
        }
        Json::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                child(item, Segment::Index(i), pointer, out);
            }
        }
        Json::Object(map) => {
            for (k, v) in map.iter_mut() {
                child(v, Segment::Key(k), pointer, out);
            }
        }
        _ => {}
    }
}

/// A string after substitution.
#[derive(Debug, PartialEq)]
struct Substituted {
    value: String,
    /// How many `${VAR}` references it held (escapes not counted).
    references: usize,
    /// The sensitive variables among them.
    sensitive: Vec<String>,
}

/// Something wrong with a reference.
#[derive(Debug, PartialEq)]
enum Problem {
    /// `${NAME}` with NAME declared but not set.
    Missing(String),
    /// `${NAME}` with NAME not declared under `variables:`.
    Undeclared(String),
    /// `${NAME}` with NAME a credential's variable.
    Credential(String),
    /// `${NAME}` whose declaration is refused: its own diagnostic says why.
    Refused,
    /// `${NAME}` whose value holds a credential chanctl uses.
    HoldsCredential(String),
    /// `${NAME}`, sensitive, in a value that plans show.
    Shown(String),
    /// `${` without a closing `}`.
    Unterminated,
    /// `${...}` where `...` is not a variable name.
    BadName(String),
}

/// Replace the references in `s`: `${NAME}` by the variable's value, `$${` by `${`.
/// `redacted`: whether plans redact this value (else a sensitive variable is refused here,
/// and not even read).
fn substitute(s: &str, vars: Scope<'_>, redacted: bool) -> Result<Substituted, Vec<Problem>> {
    let mut value = String::with_capacity(s.len());
    let mut problems = Vec::new();
    let mut references = 0;
    let mut sensitive: Vec<String> = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        value.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("$${") {
            value.push_str("${");
            rest = after;
        } else if let Some(after) = tail.strip_prefix("${") {
            let Some(end) = after.find('}') else {
                problems.push(Problem::Unterminated);
                rest = "";
                break;
            };
            let name = &after[..end];
            if !is_name(name) {
                problems.push(Problem::BadName(name.to_string()));
            } else {
                match vars.declared.lookup(name) {
                    Found::Undeclared => problems.push(Problem::Undeclared(name.to_string())),
                    Found::Credential => problems.push(Problem::Credential(name.to_string())),
                    Found::Refused => problems.push(Problem::Refused),
                    Found::Declared { sensitive: true } if !redacted => {
                        if !problems.contains(&Problem::Shown(name.to_string())) {
                            problems.push(Problem::Shown(name.to_string()));
                        }
                    }
                    Found::Declared { sensitive: s } => match (vars.values)(name) {
                        Some(v) if holds_credential(&v, vars.credentials) => {
                            problems.push(Problem::HoldsCredential(name.to_string()));
                        }
                        Some(v) => {
                            value.push_str(&v);
                            references += 1;
                            if s && !sensitive.iter().any(|n| n == name) {
                                sensitive.push(name.to_string());
                            }
                        }
                        None => problems.push(Problem::Missing(name.to_string())),
                    },
                }
            }
            rest = &after[end + 1..];
        } else {
            value.push('$');
            rest = &tail[1..];
        }
    }
    value.push_str(rest);
    if problems.is_empty() {
        Ok(Substituted {
            value,
            references,
            sensitive,
        })
    } else {
        Err(problems)
    }
}

/// Whether `value` holds one of `credentials` (each non-empty).
fn holds_credential(value: &str, credentials: &[String]) -> bool {
    credentials
        .iter()
        .any(|c| !c.is_empty() && value.contains(c.as_str()))
}

/// The field a pointer names, for messages: its last segment that is not a list index
/// (`description`, `name`, `previously`).
fn field_name(pointer: &str) -> String {
    let last = pointer
        .rsplit('/')
        .find(|s| s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_default();
    last.replace("~1", "/").replace("~0", "~")
}

fn diagnostic(
    problem: &Problem,
    pointer: &str,
    spans: &SpanMap,
    source: &str,
    declared: &Declared,
) -> Option<Diagnostic> {
    let value = spans.defined_span(pointer);
    let escape_help = "to write a literal `${`, double the dollar: `$${`";
    let at = |name: &str| locate(source, value, &format!("${{{name}}}"));
    Some(match problem {
        Problem::Refused => return None,
        Problem::Missing(name) => Diagnostic::new(
            "chanctl::vars::missing",
            format!("environment variable `{name}` is not set"),
            at(name),
            format!("`{name}` is not set"),
        )
        .with_help(format!(
            "set `{name}` in the environment chanctl runs in; {escape_help}"
        )),
        Problem::Undeclared(name) => {
            let declare = if variables::secret_word(name).is_some() {
                format!("`{name}: {{sensitive: true}}` (its name looks like a secret's)")
            } else {
                format!(
                    "`{name}: {{sensitive: true}}` (or `sensitive: false` for a value plans may show)"
                )
            };
            let help = match declared.nearest(name) {
                Some(near) => format!(
                    "did you mean `{near}`? A file reads only the variables it declares under \
                     `variables:`; to read `{name}`, declare {declare}; {escape_help}"
                ),
                None => format!(
                    "a file reads only the variables it declares: add {declare} under a \
                     top-level `variables:`; {escape_help}"
                ),
            };
            Diagnostic::new(
                "chanctl::vars::undeclared",
                format!("`{name}` is not declared under `variables:`"),
                at(name),
                "not a declared variable",
            )
            .with_help(help)
        }
        Problem::Credential(name) => Diagnostic::new(
            "chanctl::vars::credential",
            format!("`{name}` holds an Alibaba Cloud credential and cannot be read by a file"),
            at(name),
            "a credential's variable",
        )
        .with_help(variables::credential_help()),
        Problem::HoldsCredential(name) => Diagnostic::new(
            "chanctl::vars::credential_value",
            format!("the value of `{name}` holds a credential chanctl uses"),
            at(name),
            "holds a credential",
        )
        .with_help(
            "the variable holds the access key secret or security token chanctl signs its \
             requests with; a channels file never takes a credential. Set the variable to the \
             value it is meant to hold",
        ),
        Problem::Shown(name) => {
            let field = field_name(pointer);
            Diagnostic::new(
                "chanctl::vars::sensitive_shown",
                format!(
                    "`{name}` is sensitive, and plans show `{field}`: a sensitive variable may \
                     be used only in a binding value that plans redact"
                ),
                at(name),
                "a sensitive variable where its value would be shown",
            )
            .with_help(format!(
                "plans, pull-request comments and logs show this value as written; only \
                 binding values (marked `x-sensitive` in the schema) are redacted. If `{name}` \
                 holds no secret, declare it `sensitive: false`{}",
                if variables::secret_word(name).is_some() {
                    " and give it a name without SECRET, TOKEN, PASSWORD or KEY"
                } else {
                    ""
                }
            ))
        }
        Problem::BadName(name) => Diagnostic::new(
            "chanctl::vars::bad_name",
            format!("`${{{name}}}` is not a variable reference"),
            locate(source, value, &format!("${{{name}}}")),
            "not a variable name",
        )
        .with_help(format!(
            "a variable name is letters, digits and `_`, not starting with a digit; \
             {escape_help}"
        )),
        Problem::Unterminated => Diagnostic::new(
            "chanctl::vars::unterminated",
            "`${` without a closing `}`",
            locate(source, value, "${"),
            "never closed",
        )
        .with_help(format!("close the reference: `${{NAME}}`; {escape_help}")),
    })
}

/// The reference `needle` inside the value written at `value`, when the source shows it as
/// is (not an escaped `$${`); else the whole value.
fn locate(source: &str, value: Span, needle: &str) -> Span {
    let Some(raw) = source.get(value.offset..value.offset + value.len) else {
        return value;
    };
    raw.match_indices(needle)
        .find(|(i, _)| !raw[..*i].ends_with('$'))
        .map_or(value, |(i, _)| Span {
            offset: value.offset + i,
            len: needle.len(),
        })
}

#[cfg(test)]
#[path = "vars_tests.rs"]
mod tests;
