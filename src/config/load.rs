//! From the text of channels.yaml to a validated [`Desired`], or to every problem found.
//!
//! Four passes, each reporting all it finds: YAML syntax, the JSON Schema (with paths mapped
//! back to YAML spans), typing, and the semantic rules. Syntax errors stop the run (there is
//! no tree to check); the other passes all run so that one invocation shows everything.

use super::file::{ChannelSpec, ChannelsFile, DEFAULT_QUOTA, Desired, DesiredChannel};
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
    pub value: Span,
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

    /// The span of the key of the entry at `pointer` (its value's span when it has no key).
    pub fn key_span(&self, pointer: &str) -> Span {
        let place = self.nearest(pointer);
        place.key.unwrap_or(place.value)
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
            return Err(vec![Diagnostic::new(
                "chanctl::yaml::syntax",
                format!("invalid YAML: {}", e.message),
                e.span,
                "here",
            )]);
        }
    };
    let mut diagnostics = Vec::new();
    let mut spans = SpanMap::default();
    spans.places.insert(
        String::new(),
        Place {
            key: None,
            value: root.span,
        },
    );
    let mut pointer = String::new();
    let json = to_json(&root, &mut pointer, &mut spans, &mut diagnostics);

    if !json.is_object() {
        diagnostics.push(
            Diagnostic::new(
                "chanctl::schema::root",
                format!(
                    "expected a mapping with `version` and `channels`, found {}",
                    root.value.kind()
                ),
                root.span,
                "the document",
            )
            .with_help("start from `chanctl init`, or see examples/channels.yaml"),
        );
        return Err(diagnostics);
    }

    let schema_errors = super::schema_errors::collect(schema::validator(), &json, &spans);
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
            Err(e) => diagnostics.push(Diagnostic::new(
                "chanctl::schema::typing",
                format!("the file does not fit chanctl's model: {e}"),
                root.span,
                "the document",
            )),
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
        let quota = json
            .pointer("/account/quota")
            .and_then(Json::as_u64)
            .and_then(|q| u32::try_from(q).ok())
            .unwrap_or(DEFAULT_QUOTA);
        let indexed: Vec<_> = channels.iter().map(|(i, c)| (*i, c)).collect();
        let total = json
            .get("channels")
            .and_then(Json::as_array)
            .map_or(0, Vec::len);
        diagnostics.extend(semantic::check_partial(&indexed, total, quota, &spans));
    }
    diagnostics.sort_by_key(Diagnostic::offset);
    Err(diagnostics)
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
                        value: item.span,
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
                    diagnostics.push(
                        Diagnostic::new(
                            "chanctl::yaml::duplicate_key",
                            format!("duplicate key `{key}`"),
                            k.span,
                            "repeated here",
                        )
                        .with_label(*first, "first defined here")
                        .with_help("YAML keys must be unique within a mapping: remove one of them"),
                    );
                    continue;
                }
                first_seen.insert(key.clone(), k.span);
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&escape(&key));
                spans.places.insert(
                    pointer.clone(),
                    Place {
                        key: Some(k.span),
                        value: value_span(k, v),
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
