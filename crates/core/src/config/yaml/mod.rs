//! A YAML document as a tree of nodes that remember where they stand in the source.
//!
//! Validation needs two things a plain deserializer does not give: the byte span of every
//! value (to underline it in a diagnostic) and every repeated mapping key (to report them all
//! at once instead of stopping at the first). This module parses once with serde-saphyr into
//! such a tree; everything downstream works on the tree or on the JSON value made from it.

mod limits;
mod scan;
mod syntax;
#[cfg(test)]
mod tests;

use limits::limit_error;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::budget::Budget;
use serde_saphyr::{DuplicateKeyPolicy, Location, Options, Spanned};
use std::fmt;
use syntax::{alias_use, explain, first_line};

pub use crate::diagnostic::Span;

/// One YAML node with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    /// Where the node is used: for a value that comes from an alias (`*a`) or a merge
    /// (`<<: *a`), the alias or the merge entry.
    pub span: Span,
    /// Where the node is written: the anchored original for a value that comes from an alias
    /// or a merge; else the same as `span`.
    pub defined: Span,
}

/// The value of a node: YAML's core schema, with mappings kept in source order and with
/// repeated keys kept (so that they can be reported).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// A short name of the kind of value, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A YAML syntax error: what went wrong, where, and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
    /// The text of the primary label.
    pub label: String,
    pub help: Option<String>,
    /// Other places worth showing (e.g. where the parser gave up, after an unclosed `[`).
    pub related: Vec<(Span, String)>,
}

/// How deep lists and mappings may nest. A channels file needs four levels (the file, the
/// `channels` list, a channel, its binding); the cap keeps every recursive pass shallow.
pub const MAX_DEPTH: usize = 32;
/// How many values (scalars, lists and mappings, each use through an alias counted again) a
/// file may hold. 10,000 channels, the most the benchmarks use, are about 120,000.
pub const MAX_NODES: usize = 250_000;
/// How many parser events (each value, each end of a list or mapping, each alias) a file may
/// make; comments do not count.
pub const MAX_EVENTS: usize = 1_000_000;
/// How many YAML items aliases may copy in all: the cap on alias expansion, which aliases of
/// aliases make exponential (the "billion laughs" file).
pub const MAX_ALIAS_ITEMS: usize = 100_000;
/// How deeply aliases may nest: an alias inside an anchored value that is itself used through
/// an alias, and so on.
pub const MAX_ALIAS_NESTING: usize = 16;
/// How many bytes of text the values may hold together, each use through an alias counted
/// again (the input itself is at most 16 MiB).
pub const MAX_TEXT_BYTES: usize = 32 * 1024 * 1024;

/// The parser's options: duplicate keys kept (to report them all), tags refused (a channels
/// file has no use for them, and an ignored `!env NAME` would silently be the text `NAME`),
/// and the limits above, so that no input makes the parser work or allocate without bound.
fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.flow_nesting_limit = MAX_DEPTH;
    budget.max_nodes = MAX_NODES;
    budget.max_events = MAX_EVENTS;
    budget.max_total_scalar_bytes = MAX_TEXT_BYTES;
    // The alias/anchor ratio heuristic refuses a file that merges one `&defaults` anchor into
    // a hundred channels; the hard limits on alias expansion bound the cost instead.
    budget.enforce_alias_anchor_ratio = false;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = MAX_ALIAS_ITEMS;
    options.alias_limits.max_replay_stack_depth = MAX_ALIAS_NESTING;
    options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    options.reject_unsupported_tags = true;
    // YAML 1.2: only `true` and `false` are booleans; `yes`, `on`, `no` and `off` are text
    // (and, where a boolean is expected, a diagnostic that names the fix).
    options.strict_booleans = true;
    // Comments are checked but not kept: nothing reads them, and kept they would count.
    options.emit_comments = false;
    options
}

/// Parse `source` into a node tree. Duplicate keys are kept; anchors, aliases and `<<` merges
/// are resolved by the parser, within the limits above.
pub fn parse(source: &str) -> Result<Node, SyntaxError> {
    let parsed: Result<Spanned<Value>, _> = serde_saphyr::from_str_with_options(source, options());
    match parsed {
        Ok(spanned) => {
            let mut root = node(spanned);
            fix_collection_spans(&mut root, source);
            Ok(root)
        }
        Err(err) => {
            let span = err
                .location()
                .map(|loc| location_span(source, loc))
                .unwrap_or_default();
            let message = first_line(&err.to_string());
            let mut e = limit_error(source, &err, &message, span)
                .unwrap_or_else(|| explain(source, &message, span));
            // An error in an anchored value used through an alias: show the alias too.
            if let Some(used) = alias_use(&err).map(|loc| location_span(source, loc))
                && used != e.span
                && used != span
                && !e.related.iter().any(|(s, _)| *s == used)
            {
                e.related
                    .push((used, "used here, through an alias".to_string()));
            }
            Err(e)
        }
    }
}

/// The span of a parser location.
fn location_span(source: &str, loc: Location) -> Span {
    match loc.span().byte_offset() {
        Some(b) => one_char_at(source, b as usize),
        // Errors carry a character offset (a byte order mark counts as one) and a line and
        // column (where it does not): the offset is the reliable one.
        None => match source.char_indices().nth(loc.span().offset() as usize) {
            Some((b, _)) => one_char_at(source, b),
            None => span_at_line_col(source, loc.line() as usize, loc.column() as usize),
        },
    }
}

/// Block collections come from the parser with an empty span at their start. Give them the
/// span of their first entry (a mapping's first key; a list's first item, from its `-` when
/// on one line) so that a message about the whole collection underlines something.
fn fix_collection_spans(node: &mut Node, source: &str) {
    let first = match &mut node.value {
        Value::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                fix_collection_spans(k, source);
                fix_collection_spans(v, source);
            }
            entries.first().map(|(k, _)| (k.span, k.defined, false))
        }
        Value::Seq(items) => {
            for item in items.iter_mut() {
                fix_collection_spans(item, source);
            }
            items.first().map(|i| (i.span, i.defined, true))
        }
        _ => None,
    };
    if let Some((span, defined, from_start)) = first {
        node.span = widen(node.span, span, from_start, source);
        node.defined = widen(node.defined, defined, from_start, source);
    }
}

/// `own` if it is not empty, else `first` (from `own`'s start when `from_start` and both are on
/// one line).
fn widen(own: Span, first: Span, from_start: bool, source: &str) -> Span {
    if own.len != 0 || first.offset < own.offset {
        return own;
    }
    let end = first.offset + first.len;
    let one_line = source
        .get(own.offset..end)
        .is_some_and(|s| !s.contains('\n'));
    if from_start && one_line {
        Span {
            offset: own.offset,
            len: end - own.offset,
        }
    } else {
        first
    }
}

/// The byte offset of a 1-based line and (character) column, clamped to the source.
pub fn span_at_line_col(source: &str, line: usize, column: usize) -> Span {
    let mut offset = 0;
    for (i, l) in source.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col_bytes: usize = l
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            return one_char_at(source, offset + col_bytes);
        }
        offset += l.len();
    }
    Span {
        offset: source.len(),
        len: 0,
    }
}

/// A span over the character at byte `offset` (empty at a line break or the end).
fn one_char_at(source: &str, offset: usize) -> Span {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let len = source[offset..]
        .chars()
        .next()
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(0, char::len_utf8);
    Span { offset, len }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(i128::try_from(v).map_or_else(|_| Value::Str(v.to_string()), Value::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Value>>()? {
            items.push(item);
        }
        Ok(Value::Seq(items.into_iter().map(node).collect()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Spanned<Value>, Spanned<Value>>()? {
            entries.push((node(k), node(v)));
        }
        Ok(Value::Map(entries))
    }
}

/// Input is always a string, so serde-saphyr knows byte offsets; where an alias is used, the
/// span is the alias (the place the user wrote), not the anchor.
fn node(spanned: Spanned<Value>) -> Node {
    let span = |s: serde_saphyr::Span| Span {
        offset: s.byte_offset().unwrap_or(0) as usize,
        len: s.byte_len().unwrap_or(0) as usize,
    };
    Node {
        value: spanned.value,
        span: span(spanned.referenced.span()),
        defined: span(spanned.defined.span()),
    }
}
