//! The YAML node tree as a JSON value, with a map from each JSON pointer back to where the
//! value (and its key) stands in the source. Validation works on the JSON; diagnostics use
//! the map to point into the YAML. Environment overlays move entries of the map along with
//! the values they graft (see [`super::environments`]).

use super::yaml::{Node, Span, Value};
use crate::diagnostic::Diagnostic;
use serde_json::Value as Json;
use std::borrow::Cow;

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
///
/// Built for every file but asked only for diagnostics, so nothing is computed up front: a
/// lookup walks the node tree along the pointer, after undoing the edits that environment
/// overlays made (values grafted from one pointer to another, places recorded by hand).
#[derive(Debug, Default)]
pub struct SpanMap<'a> {
    root: Option<&'a Node>,
    edits: Vec<Edit>,
}

#[derive(Debug)]
enum Edit {
    /// The value at the pointer stands at this place.
    Place(String, Place),
    /// The value at `to` (and everything under it) is the one at `from`.
    Graft { from: String, to: String },
}

impl<'a> SpanMap<'a> {
    /// The places of the values of `root`'s tree, as [`to_json`] converts it.
    pub fn new(root: &'a Node) -> Self {
        SpanMap {
            root: Some(root),
            edits: Vec::new(),
        }
    }

    pub fn get(&self, pointer: &str) -> Option<Place> {
        let mut p = std::borrow::Cow::Borrowed(pointer);
        for edit in self.edits.iter().rev() {
            match edit {
                Edit::Place(at, place) if *at == *p => return Some(*place),
                Edit::Graft { from, to } if is_at_or_under(&p, to) => {
                    p = format!("{from}{}", &p[to.len()..]).into();
                }
                _ => {}
            }
        }
        lookup(self.root?, &p)
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
        self.edits.push(Edit::Place(pointer, place));
    }

    /// Make `to` and everything under it stand where `from` and everything under it stand:
    /// for a value copied from `from` to `to`. Entries under `to` that `from` lacks go.
    pub fn graft(&mut self, from: &str, to: &str) {
        self.edits.push(Edit::Graft {
            from: from.to_string(),
            to: to.to_string(),
        });
    }

    fn nearest(&self, pointer: &str) -> Place {
        let mut p = pointer;
        loop {
            if let Some(place) = self.get(p) {
                return place;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Place::default(),
            }
        }
    }
}

/// Where the value at `pointer` stands in `root`'s tree: the same entry [`to_json`] keeps
/// (the first of repeated keys; complex keys have none).
fn lookup(root: &Node, pointer: &str) -> Option<Place> {
    let mut node = root;
    let mut place = Place {
        key: None,
        key_defined: None,
        value: root.span,
        defined: root.defined,
    };
    if pointer.is_empty() {
        return Some(place);
    }
    for segment in pointer.strip_prefix('/')?.split('/') {
        let segment = unescape(segment);
        match &node.value {
            Value::Seq(items) => {
                let canonical = segment == "0" || !segment.starts_with('0');
                let item = segment
                    .parse::<usize>()
                    .ok()
                    .filter(|_| canonical && !segment.starts_with('+'))
                    .and_then(|i| items.get(i))?;
                place = Place {
                    key: None,
                    key_defined: None,
                    value: item.span,
                    defined: item.defined,
                };
                node = item;
            }
            Value::Map(entries) => {
                let (k, v) = entries
                    .iter()
                    .find(|(k, _)| key_text(k).as_deref() == Some(&*segment))?;
                place = entry_place(k, v);
                node = v;
            }
            _ => return None,
        }
    }
    Some(place)
}

fn entry_place(k: &Node, v: &Node) -> Place {
    Place {
        key: Some(k.span),
        key_defined: Some(k.defined),
        value: value_span(k, v),
        defined: if v.defined == v.span {
            value_span(k, v)
        } else {
            v.defined
        },
    }
}

/// Whether JSON pointer `p` is `root` or a pointer under it.
pub fn is_at_or_under(p: &str, root: &str) -> bool {
    p == root || (p.starts_with(root) && p[root.len()..].starts_with('/'))
}

/// The JSON value of `root`, and the repeated or complex keys found on the way. The strings
/// of `root`'s values move into the JSON (keys and spans stay, for [`SpanMap`]).
pub fn take_json(root: &mut Node) -> (Json, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let json = to_json(root, &mut diagnostics);
    (json, diagnostics)
}

/// [`take_json`] and the span map of `root`.
#[cfg(test)]
pub fn to_json_with_spans(root: &mut Node) -> (Json, SpanMap<'_>, Vec<Diagnostic>) {
    let (json, diagnostics) = take_json(root);
    (json, SpanMap::new(root), diagnostics)
}

/// A JSON pointer segment for `segment` (`~` and `/` escaped).
pub fn escape(segment: &str) -> Cow<'_, str> {
    if segment.contains(['~', '/']) {
        segment.replace('~', "~0").replace('/', "~1").into()
    } else {
        segment.into()
    }
}

fn unescape(segment: &str) -> Cow<'_, str> {
    if segment.contains('~') {
        segment.replace("~1", "/").replace("~0", "~").into()
    } else {
        segment.into()
    }
}

/// A mapping key as JSON names it; `None` for a sequence or mapping used as a key.
fn key_text(k: &Node) -> Option<Cow<'_, str>> {
    Some(match &k.value {
        Value::Str(s) => Cow::Borrowed(s.as_str()),
        Value::Int(i) => i.to_string().into(),
        Value::Bool(b) => b.to_string().into(),
        Value::Null => "null".into(),
        Value::Float(f) => f.to_string().into(),
        Value::Seq(_) | Value::Map(_) => return None,
    })
}

/// Convert the node tree to JSON, reporting repeated and complex keys.
fn to_json(node: &mut Node, diagnostics: &mut Vec<Diagnostic>) -> Json {
    match &mut node.value {
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
        Value::Str(s) => Json::String(std::mem::take(s)),
        Value::Seq(items) => {
            Json::Array(items.iter_mut().map(|i| to_json(i, diagnostics)).collect())
        }
        Value::Map(entries) => {
            let mut out = serde_json::Map::with_capacity(entries.len());
            for idx in 0..entries.len() {
                let (earlier, rest) = entries.split_at_mut(idx);
                let (k, v) = &mut rest[0];
                let Some(key) = key_text(k) else {
                    diagnostics.push(Diagnostic::new(
                        "chanctl::yaml::complex_key",
                        "a mapping key must be a plain value",
                        k.span,
                        "complex key",
                    ));
                    continue;
                };
                // One lookup per key: a key is hashed once whether or not it is new.
                let entry = match out.entry(key.into_owned()) {
                    serde_json::map::Entry::Vacant(entry) => entry,
                    serde_json::map::Entry::Occupied(entry) => {
                        let key = entry.key();
                        // The first definition: the earliest entry with this key (the map holds
                        // one entry per key, so a repeat is found only when there is one).
                        let first = earlier
                            .iter()
                            .find(|(e, _)| key_text(e).as_deref() == Some(key.as_str()))
                            .map_or(k.defined, |(e, _)| e.defined);
                        // Where the keys are written: a mapping used through an alias repeats the
                        // anchor's problem, which is then reported once.
                        let mut d = Diagnostic::new(
                            "chanctl::yaml::duplicate_key",
                            format!("duplicate key `{key}`"),
                            k.defined,
                            "repeated here",
                        )
                        .with_label(first, "first defined here")
                        .with_help("YAML keys must be unique within a mapping: remove one of them");
                        if k.span != k.defined {
                            d = d.with_label(k.span, "used again here, through an alias");
                        }
                        diagnostics.push(d);
                        continue;
                    }
                };
                entry.insert(to_json(v, diagnostics));
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
    fn lookups_walk_the_tree_as_the_json_has_it() {
        let src = "a: 1\na: 2\n'x/y': 3\n? [k]\n: 4\nl: [5, 6]\n7: seven\n";
        let mut root = crate::config::yaml::parse(src).unwrap();
        let (json, spans, diagnostics) = to_json_with_spans(&mut root);
        assert_eq!(diagnostics.len(), 2, "a repeated key and a complex key");
        assert_eq!(json["a"], 1);
        let text = |s: Span| &src[s.offset..s.offset + s.len];
        assert_eq!(
            text(spans.value_span("/a")),
            "1",
            "the first of repeated keys"
        );
        assert_eq!(text(spans.key_span("/a")), "a");
        assert_eq!(text(spans.value_span("/x~1y")), "3");
        assert_eq!(text(spans.value_span("/l/1")), "6");
        assert_eq!(text(spans.value_span("/7")), "seven");
        assert!(
            spans.get("/l/01").is_none(),
            "not an index as JSON writes it"
        );
        assert!(spans.get("/l/2").is_none());
        assert_eq!(
            spans.value_span("/l/9/x"),
            spans.value_span("/l"),
            "the nearest ancestor"
        );
        assert_eq!(spans.value_span("").offset, 0);
    }

    #[test]
    fn pointers_under_a_root() {
        assert!(is_at_or_under("/a/b", "/a"));
        assert!(is_at_or_under("/a", "/a"));
        assert!(!is_at_or_under("/ab", "/a"));
        assert!(is_at_or_under("/a", ""));
    }
}
