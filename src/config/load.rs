//! From the text of channels.yaml to a validated [`Desired`], or to every problem found.
//!
//! Four passes, each reporting all it finds: YAML syntax, the JSON Schema (with paths mapped
//! back to YAML spans), typing, and the semantic rules. Syntax errors stop the run (there is
//! no tree to check); the other passes all run so that one invocation shows everything.

use super::file::{ChannelSpec, ChannelsFile, DEFAULT_QUOTA, Desired, DesiredChannel, MAX_QUOTA};
use super::schema;
use super::semantic;
use super::yaml::{self, Node, Span, Value};
use crate::diagnostic::Diagnostic;
use serde_json::Value as Json;
use std::collections::HashMap;

/// Larger inputs are refused before parsing: no real channels file comes near it.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Where a JSON pointer's value (and its key, for mapping entries) stands in the source.
#[derive(Debug, Clone, Copy, Default)]
pub struct Place {
    pub key: Option<Span>,
    /// Where the key is written (in the anchored original, for an entry from an alias).
    pub key_defined: Option<Span>,
    /// Where the value is used (an alias or merge entry, for a value that comes from one).
    pub value: Span,
    /// Where the value is written (the anchored original, for a value from an alias).
    pub defined: Span,
}

/// JSON pointer → place in the YAML source.
#[derive(Debug, Default)]
pub struct SpanMap {
    places: HashMap<String, Place>,
}

impl SpanMap {
    pub fn get(&self, pointer: &str) -> Option<Place> {
        self.places.get(pointer).copied()
    }

    /// The span of the value at `pointer`, else of its nearest ancestor.
    pub fn value_span(&self, pointer: &str) -> Span {
        self.nearest(pointer).value
    }

    /// Where the value at `pointer` (else its nearest ancestor) is written: unlike
    /// [`SpanMap::value_span`], the anchored original when the value comes from an alias.
    pub fn defined_span(&self, pointer: &str) -> Span {
        self.nearest(pointer).defined
    }

    /// The span of the key of the entry at `pointer` (its value's span when it has no key).
    pub fn key_span(&self, pointer: &str) -> Span {
        let place = self.nearest(pointer);
        place.key.unwrap_or(place.value)
    }

    /// Like [`SpanMap::key_span`], but where the key is written (see [`SpanMap::defined_span`]).
    pub fn key_defined_span(&self, pointer: &str) -> Span {
        let place = self.nearest(pointer);
        place.key_defined.unwrap_or(place.defined)
    }

    fn nearest(&self, pointer: &str) -> Place {
        let mut p = pointer;
        loop {
            if let Some(place) = self.places.get(p) {
                return *place;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Place::default(),
            }
        }
    }
}

/// Validate `source` (named `file_name` in messages) and return the desired state.
pub fn load(source: &str) -> Result<Desired, Vec<Diagnostic>> {
    if source.len() > MAX_INPUT_BYTES {
        return Err(vec![Diagnostic::new(
            "chanctl::input::too_large",
            format!(
                "the file is {} bytes; chanctl reads at most {MAX_INPUT_BYTES}",
                source.len()
            ),
            Span::default(),
            "file starts here",
        )]);
    }
    let root = match yaml::parse(source) {
        Ok(root) => root,
        Err(e) => {
            let mut d = Diagnostic::new("chanctl::yaml::syntax", e.message, e.span, e.label);
            for (span, text) in e.related {
                d = d.with_label(span, text);
            }
            if let Some(help) = e.help {
                d = d.with_help(help);
            }
            return Err(vec![d]);
        }
    };
    let mut diagnostics = Vec::new();
    let mut spans = SpanMap::default();
    spans.places.insert(
        String::new(),
        Place {
            key: None,
            key_defined: None,
            value: root.span,
            defined: root.defined,
        },
    );
    let mut pointer = String::new();
    let json = to_json(&root, &mut pointer, &mut spans, &mut diagnostics);

    if !json.is_object() {
        diagnostics.push(root_diagnostic(source, &root));
        return Err(diagnostics);
    }

    let schema_errors = super::schema_errors::collect(schema::validator(), &json, &spans, source);
    let schema_ok = schema_errors.is_empty();
    diagnostics.extend(schema_errors);

    if schema_ok {
        match serde_json::from_value::<ChannelsFile>(json) {
            Ok(file) => {
                let quota = file.account.as_ref().map_or(DEFAULT_QUOTA, |a| a.quota);
                let desired = Desired {
                    quota,
                    prune: file.prune,
                    channels: file
                        .channels
                        .into_iter()
                        .map(|c| c.into_desired())
                        .collect(),
                };
                let indexed: Vec<_> = desired.channels.iter().enumerate().collect();
                diagnostics.extend(semantic::check(&indexed, desired.quota, &spans));
                if diagnostics.is_empty() {
                    return Ok(desired);
                }
            }
            // The schema is generated from the types, so this means the two disagree: a bug.
            Err(e) => diagnostics.push(
                Diagnostic::new(
                    "chanctl::schema::typing",
                    format!("the file passes the schema but does not fit chanctl's model: {e}"),
                    Span {
                        offset: root.span.offset,
                        len: 0,
                    },
                    "in this file",
                )
                .with_help("this is a bug in chanctl: please report it with the file"),
            ),
        }
    } else {
        // Check what can be checked among the channels that are valid on their own, so that
        // one run reports semantic problems next to the schema ones.
        let channels: Vec<(usize, DesiredChannel)> = json
            .get("channels")
            .and_then(Json::as_array)
            .map(|items| {
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, item)| {
                        serde_json::from_value::<ChannelSpec>(item.clone())
                            .ok()
                            .map(|c| (i, c.into_desired()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        // An invalid quota has its own diagnostic; the count is checked only against a valid one.
        let quota = match json.pointer("/account/quota") {
            None => Some(DEFAULT_QUOTA),
            Some(q) => q
                .as_u64()
                .and_then(|q| u32::try_from(q).ok())
                .filter(|q| (1..=MAX_QUOTA).contains(q)),
        };
        let indexed: Vec<_> = channels.iter().map(|(i, c)| (*i, c)).collect();
        let total = json
            .get("channels")
            .and_then(Json::as_array)
            .map_or(0, Vec::len);
        diagnostics.extend(semantic::check_partial(&indexed, total, quota, &spans));
    }
    let mut diagnostics = merge_repeats(diagnostics);
    diagnostics.sort_by_key(Diagnostic::offset);
    Err(diagnostics)
}

/// One diagnostic per problem: the same problem reached twice (a value written once under an
/// anchor and used again through an alias) becomes one, with every place it is used.
fn merge_repeats(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        let same = out.iter_mut().find(|o| {
            o.code == d.code
                && o.message == d.message
                && o.help == d.help
                && o.labels.first().map(|l| l.span) == d.labels.first().map(|l| l.span)
        });
        match same {
            Some(o) => {
                for label in d.labels {
                    if !o.labels.iter().any(|l| l.span == label.span) {
                        o.labels.push(label);
                    }
                }
            }
            None => out.push(d),
        }
    }
    out
}

/// The file is not a mapping: say what it is instead, and how a channels file starts.
fn root_diagnostic(source: &str, root: &Node) -> Diagnostic {
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

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Convert the node tree to JSON, recording spans and reporting repeated keys.
fn to_json(
    node: &Node,
    pointer: &mut String,
    spans: &mut SpanMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Json {
    match &node.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => {
            if let Ok(v) = i64::try_from(*i) {
                Json::from(v)
            } else if let Ok(v) = u64::try_from(*i) {
                Json::from(v)
            } else {
                Json::String(i.to_string())
            }
        }
        // JSON Schema counts 1.0 as an integer; serde does not. Say it as the integer it is.
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Json::from(*f as i64),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Json::Number)
            .unwrap_or_else(|| Json::String(f.to_string())),
        Value::Str(s) => Json::String(s.clone()),
        Value::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                spans.places.insert(
                    pointer.clone(),
                    Place {
                        key: None,
                        key_defined: None,
                        value: item.span,
                        defined: item.defined,
                    },
                );
                out.push(to_json(item, pointer, spans, diagnostics));
                pointer.truncate(len);
            }
            Json::Array(out)
        }
        Value::Map(entries) => {
            let mut out = serde_json::Map::new();
            let mut first_seen: HashMap<String, Span> = HashMap::new();
            for (k, v) in entries {
                let key = match &k.value {
                    Value::Str(s) => s.clone(),
                    Value::Int(i) => i.to_string(),
                    Value::Bool(b) => b.to_string(),
                    Value::Null => "null".to_string(),
                    Value::Float(f) => f.to_string(),
                    Value::Seq(_) | Value::Map(_) => {
                        diagnostics.push(Diagnostic::new(
                            "chanctl::yaml::complex_key",
                            "a mapping key must be a plain value",
                            k.span,
                            "complex key",
                        ));
                        continue;
                    }
                };
                if let Some(first) = first_seen.get(&key) {
                    // Where the keys are written: a mapping used through an alias repeats the
                    // anchor's problem, which is then reported once.
                    let mut d = Diagnostic::new(
                        "chanctl::yaml::duplicate_key",
                        format!("duplicate key `{key}`"),
                        k.defined,
                        "repeated here",
                    )
                    .with_label(*first, "first defined here")
                    .with_help("YAML keys must be unique within a mapping: remove one of them");
                    if k.span != k.defined {
                        d = d.with_label(k.span, "used again here, through an alias");
                    }
                    diagnostics.push(d);
                    continue;
                }
                first_seen.insert(key.clone(), k.defined);
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&escape(&key));
                spans.places.insert(
                    pointer.clone(),
                    Place {
                        key: Some(k.span),
                        key_defined: Some(k.defined),
                        value: value_span(k, v),
                        defined: if v.defined == v.span {
                            value_span(k, v)
                        } else {
                            v.defined
                        },
                    },
                );
                let value = to_json(v, pointer, spans, diagnostics);
                pointer.truncate(len);
                out.insert(key, value);
            }
            Json::Object(out)
        }
    }
}

/// An empty value (`key:` with nothing after it) has no span of its own: point at the key.
fn value_span(key: &Node, value: &Node) -> Span {
    if value.value == Value::Null && value.span.len == 0 {
        key.span
    } else {
        value.span
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(src: &str) -> Vec<Diagnostic> {
        load(src).expect_err("the source is invalid")
    }

    fn primary(src: &str, d: &Diagnostic) -> String {
        let s = d.labels[0].span;
        src[s.offset..s.offset + s.len].to_string()
    }

    #[test]
    fn an_empty_file_and_a_comment_only_file_say_so() {
        let d = problems("");
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.starts_with("the file is empty"),
            "{}",
            d[0].message
        );
        let d = problems("# nothing yet\n\n# really\n");
        assert!(d[0].message.starts_with("the file holds only comments"));
        assert_eq!(d[0].offset(), 0, "points at the start, not the end");
        let d = problems("\u{feff}# only a comment\n");
        assert_eq!(d[0].offset(), 3, "after the byte order mark");
    }

    #[test]
    fn a_root_that_is_not_a_mapping_names_what_it_is() {
        let d = problems("- a\n- b\n");
        assert_eq!(
            d[0].message,
            "expected a mapping with `version` and `channels`, found a list"
        );
    }

    #[test]
    fn whole_numbers_written_as_decimals_are_integers() {
        // JSON Schema counts 1.0 as an integer; the typed pass must agree, not fail at 1:1.
        let desired = load("version: 1.0\naccount:\n  quota: 5.0\nchannels: []\n").unwrap();
        assert_eq!(desired.quota, 5);
        let d = problems("version: 1.5\nchannels: []\n");
        assert_eq!(d[0].code, "chanctl::schema::type");
        assert_eq!(primary("version: 1.5\nchannels: []\n", &d[0]), "1.5");
    }

    #[test]
    fn a_problem_in_an_anchor_is_reported_once_with_every_alias() {
        let src = "version: 1\nchannels:\n  - name: a\n    type: messenger\n    binding: &p\n      page_id: 123\n  - name: b\n    type: messenger\n    binding: *p\n  - name: c\n    type: messenger\n    binding: *p\n";
        let d = problems(src);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(primary(src, &d[0]), "123");
        let aliases: Vec<&str> = d[0].labels[1..]
            .iter()
            .map(|l| &src[l.span.offset..l.span.offset + l.span.len])
            .collect();
        assert_eq!(aliases, ["*p", "*p"]);
        assert!(d[0].labels[1].text.contains("through `*p`"));
    }

    #[test]
    fn a_duplicate_key_in_an_anchor_is_reported_once() {
        let src =
            "version: 1\nchannels:\n  - &c\n    name: a\n    name: b\n    type: sms\n  - *c\n";
        let d: Vec<_> = problems(src)
            .into_iter()
            .filter(|d| d.code == "chanctl::yaml::duplicate_key")
            .collect();
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(primary(src, &d[0]), "name");
        assert_eq!(d[0].offset(), src.find("name: b").unwrap());
    }

    #[test]
    fn an_invalid_quota_is_not_also_reported_as_exceeded() {
        let src = "version: 1\naccount:\n  quota: 0\nchannels:\n  - name: a\n    type: sms\n";
        let d = problems(src);
        let codes: Vec<_> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["chanctl::schema::range"]);
    }

    #[test]
    fn identical_diagnostics_merge_their_labels() {
        let a = Diagnostic::new("x", "m", Span { offset: 1, len: 1 }, "here");
        let b = Diagnostic::new("x", "m", Span { offset: 1, len: 1 }, "here")
            .with_label(Span { offset: 5, len: 1 }, "again");
        let c = Diagnostic::new("x", "other", Span { offset: 1, len: 1 }, "here");
        let merged = merge_repeats(vec![a, b, c]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].labels.len(), 2);
    }
}
