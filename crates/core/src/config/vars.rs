//! `${VAR}` references in string values, replaced at load time from variables the caller
//! passes in (the CLI passes the process environment; the core never reads it).
//!
//! Substitution runs on the JSON value before the schema, so validation sees the values that
//! will be used. `$${` writes a literal `${`. A variable that is not set, an unterminated
//! `${` and a name that is not a variable name are diagnostics at the reference itself. Every
//! string that held a reference is recorded with its text as written: binding values among
//! them are sensitive (see [`crate::sensitive`]).

use super::tree::{SpanMap, escape, is_at_or_under};
use super::yaml::Span;
use crate::diagnostic::Diagnostic;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Looks a variable up: `None` when it is not set.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// What substitution found.
#[derive(Debug, Default)]
pub struct Expanded {
    /// JSON pointer → the string as written, for every string that held a `${VAR}` reference.
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

/// Whether `pointer` is a binding value: `/channels/N/binding/KEY`, or the same in an
/// environment's override (`/environments/E/channels/NAME/binding/KEY`).
pub fn is_binding_value(pointer: &str) -> bool {
    let segments: Vec<&str> = pointer.split('/').skip(1).collect();
    matches!(
        segments.as_slice(),
        ["channels", _, "binding", _] | ["environments", _, "channels", _, "binding", _]
    )
}

/// Substitute in every string under `root` (a JSON pointer into `json`), leaving alone what
/// is at or under the pointers in `skip`. `source` and `spans` place the diagnostics.
pub fn expand(
    json: &mut Json,
    root: &str,
    skip: &[String],
    vars: Lookup<'_>,
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
    vars: Lookup<'_>,
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
        Json::String(s) if s.contains('$') => match substitute(s, vars) {
            Ok(done) => {
                if done.references > 0 {
                    out.templates.insert(pointer.clone(), s.clone());
                }
                *s = done.value;
            }
            Err(problems) => {
                out.failed.push(spans.defined_span(pointer));
                for p in problems {
                    out.diagnostics.push(diagnostic(&p, pointer, spans, source));
                }
            }
        },
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
}

/// Something wrong with a reference.
#[derive(Debug, PartialEq)]
enum Problem {
    /// `${NAME}` with NAME not set.
    Missing(String),
    /// `${` without a closing `}`.
    Unterminated,
    /// `${...}` where `...` is not a variable name.
    BadName(String),
}

/// Replace the references in `s`: `${NAME}` by the variable's value, `$${` by `${`.
fn substitute(s: &str, vars: Lookup<'_>) -> Result<Substituted, Vec<Problem>> {
    let mut value = String::with_capacity(s.len());
    let mut problems = Vec::new();
    let mut references = 0;
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
                match vars(name) {
                    Some(v) => {
                        value.push_str(&v);
                        references += 1;
                    }
                    None => problems.push(Problem::Missing(name.to_string())),
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
        Ok(Substituted { value, references })
    } else {
        Err(problems)
    }
}

/// A variable name: a letter or `_`, then letters, digits and `_`.
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn diagnostic(problem: &Problem, pointer: &str, spans: &SpanMap, source: &str) -> Diagnostic {
    let value = spans.defined_span(pointer);
    let escape_help = "to write a literal `${`, double the dollar: `$${`";
    match problem {
        Problem::Missing(name) => Diagnostic::new(
            "chanctl::vars::missing",
            format!("environment variable `{name}` is not set"),
            locate(source, value, &format!("${{{name}}}")),
            format!("`{name}` is not set"),
        )
        .with_help(format!(
            "set `{name}` in the environment chanctl runs in; {escape_help}"
        )),
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
    }
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
mod tests {
    use super::*;

    fn vars(name: &str) -> Option<String> {
        match name {
            "A" => Some("alpha".into()),
            "EMPTY" => Some(String::new()),
            "NESTED" => Some("${A}".into()),
            _ => None,
        }
    }

    fn sub(s: &str) -> Result<Substituted, Vec<Problem>> {
        substitute(s, &vars)
    }

    #[test]
    fn references_are_replaced_and_counted() {
        assert_eq!(
            sub("x-${A}-${EMPTY}-y"),
            Ok(Substituted {
                value: "x-alpha--y".into(),
                references: 2
            })
        );
        let plain = sub("costs $5 or $ 6$").unwrap();
        assert_eq!(
            (plain.value.as_str(), plain.references),
            ("costs $5 or $ 6$", 0)
        );
    }

    #[test]
    fn a_doubled_dollar_is_a_literal_reference_and_values_are_not_expanded_again() {
        let escaped = sub("$${A} and ${A}").unwrap();
        assert_eq!(escaped.value, "${A} and alpha");
        assert_eq!(escaped.references, 1);
        assert_eq!(sub("$${A}").unwrap().references, 0);
        assert_eq!(sub("${NESTED}").unwrap().value, "${A}");
    }

    #[test]
    fn every_problem_in_a_string_is_reported() {
        assert_eq!(
            sub("${NOPE} ${1X} ${A}"),
            Err(vec![
                Problem::Missing("NOPE".into()),
                Problem::BadName("1X".into())
            ])
        );
        assert_eq!(sub("${A"), Err(vec![Problem::Unterminated]));
        assert_eq!(sub("${}"), Err(vec![Problem::BadName(String::new())]));
    }

    #[test]
    fn a_missing_variable_is_underlined_where_it_is_written() {
        let source = "name: \"$${B} ${B}\"\n";
        let value = Span {
            offset: 6,
            len: source.len() - 7,
        };
        let span = locate(source, value, "${B}");
        assert_eq!(span.offset, source.rfind("${B}").unwrap());
        assert_eq!(span.len, 4);
        // Not shown as is (an escape sequence): the whole value.
        assert_eq!(locate(source, value, "${C}"), value);
    }

    #[test]
    fn binding_values_are_recognised_by_their_pointer() {
        assert!(is_binding_value("/channels/0/binding/phone_number"));
        assert!(is_binding_value(
            "/environments/stg/channels/a~1b/binding/page_id"
        ));
        assert!(!is_binding_value("/channels/0/name"));
        assert!(!is_binding_value("/channels/0/binding"));
        assert!(!is_binding_value("/environments/stg/channels/a/name"));
    }
}
