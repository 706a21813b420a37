//! The YAML node tree as a JSON value, with a map from each JSON pointer back to where the
//! value (and its key) stands in the source. Validation works on the JSON; diagnostics use
//! the map to point into the YAML. Environment overlays move entries of the map along with
//! the values they graft (see [`super::environments`]).

use super::yaml::{Node, Span, Value};
use crate::diagnostic::Diagnostic;
use serde_json::Value as Json;
use std::collections::HashMap;

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

    /// Record where the value at `pointer` stands.
    pub fn insert(&mut self, pointer: String, place: Place) {
        self.places.insert(pointer, place);
    }

    /// Make `to` and everything under it stand where `from` and everything under it stand:
    /// for a value copied from `from` to `to`. Entries under `to` that `from` lacks go.
    pub fn graft(&mut self, from: &str, to: &str) {
        self.places.retain(|p, _| !is_at_or_under(p, to));
        let copied: Vec<(String, Place)> = self
            .places
            .iter()
            .filter(|(p, _)| is_at_or_under(p, from))
            .map(|(p, place)| (format!("{to}{}", &p[from.len()..]), *place))
            .collect();
        self.places.extend(copied);
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

/// Whether JSON pointer `p` is `root` or a pointer under it.
pub fn is_at_or_under(p: &str, root: &str) -> bool {
    p == root || (p.starts_with(root) && p[root.len()..].starts_with('/'))
}

/// The JSON value of `root`, where each of its parts stands, and the repeated or complex keys
/// found on the way.
pub fn to_json_with_spans(root: &Node) -> (Json, SpanMap, Vec<Diagnostic>) {
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
    let json = to_json(root, &mut pointer, &mut spans, &mut diagnostics);
    (json, spans, diagnostics)
}

/// A JSON pointer segment for `segment` (`~` and `/` escaped).
pub fn escape(segment: &str) -> String {
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

    fn place(offset: usize) -> Place {
        let span = Span { offset, len: 1 };
        Place {
            key: Some(span),
            key_defined: Some(span),
            value: span,
            defined: span,
        }
    }

    #[test]
    fn graft_moves_a_subtree_and_drops_what_the_source_lacks() {
        let mut spans = SpanMap::default();
        spans.insert("/a/b".into(), place(1));
        spans.insert("/a/b/x".into(), place(2));
        spans.insert("/a/bc".into(), place(3));
        spans.insert("/e/b".into(), place(10));
        spans.insert("/e/b/y".into(), place(11));
        spans.graft("/e/b", "/a/b");
        assert_eq!(spans.value_span("/a/b").offset, 10);
        assert_eq!(spans.value_span("/a/b/y").offset, 11);
        assert!(spans.get("/a/b/x").is_none(), "not in the grafted value");
        assert_eq!(
            spans.value_span("/a/bc").offset,
            3,
            "a sibling, not a child"
        );
        assert_eq!(spans.value_span("/e/b").offset, 10, "the source stays");
    }

    #[test]
    fn pointers_under_a_root() {
        assert!(is_at_or_under("/a/b", "/a"));
        assert!(is_at_or_under("/a", "/a"));
        assert!(!is_at_or_under("/ab", "/a"));
        assert!(is_at_or_under("/a", ""));
    }
}
