//! A YAML document as a tree of nodes that remember where they stand in the source.
//!
//! Validation needs two things a plain deserializer does not give: the byte span of every
//! value (to underline it in a diagnostic) and every repeated mapping key (to report them all
//! at once instead of stopping at the first). This module parses once with serde-saphyr into
//! such a tree; everything downstream works on the tree or on the JSON value made from it.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{DuplicateKeyPolicy, Options, Spanned};
use std::fmt;

/// Where a node stands in the source: a byte range plus the 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

/// One YAML node with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
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
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A YAML syntax error: the parser's message and where it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

/// Parse `source` into a node tree. Duplicate keys are kept; anchors, aliases and `<<` merges
/// are resolved by the parser within its default expansion budget.
pub fn parse(source: &str) -> Result<Node, SyntaxError> {
    let mut options = Options::default();
    options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    let parsed: Result<Spanned<Value>, _> = serde_saphyr::from_str_with_options(source, options);
    match parsed {
        Ok(spanned) => Ok(node(spanned)),
        Err(err) => {
            let span = err
                .location()
                .map(|loc| span_at_line_col(source, loc.line() as usize, loc.column() as usize))
                .unwrap_or_default();
            let message = first_line(&err.to_string());
            Err(SyntaxError { message, span })
        }
    }
}

/// serde-saphyr prefixes its own location and may append a snippet; we render those ourselves.
fn first_line(message: &str) -> String {
    let mut line = message.lines().next().unwrap_or("invalid YAML").trim();
    line = line.strip_prefix("error: ").unwrap_or(line);
    if line.starts_with("line ")
        && let Some((_, rest)) = line.split_once(": ")
    {
        line = rest;
    }
    line = line.split(" at line ").next().unwrap_or(line);
    line.trim_end_matches(':').to_string()
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
            let offset = offset + col_bytes;
            let len = l[col_bytes..]
                .chars()
                .next()
                .filter(|c| *c != '\n' && *c != '\r')
                .map_or(0, char::len_utf8);
            return Span { offset, len };
        }
        offset += l.len();
    }
    Span {
        offset: source.len(),
        len: 0,
    }
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
    let s = spanned.referenced.span();
    Node {
        value: spanned.value,
        span: Span {
            offset: s.byte_offset().unwrap_or(0) as usize,
            len: s.byte_len().unwrap_or(0) as usize,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe() {
        let src = "a: 1\nb:\n  - x\n  - 'y z'\na: 2\nc: &an {k: v}\nd: *an\n";
        let n = parse(src).unwrap();
        eprintln!("{n:#?}");
        if let Value::Map(entries) = &n.value {
            for (k, v) in entries {
                eprintln!(
                    "{:?} => {:?}",
                    &src[k.span.offset..k.span.offset + k.span.len],
                    &src[v.span.offset..(v.span.offset + v.span.len).min(src.len())]
                );
            }
        }
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        eprintln!("{e:?}");
        let e = parse("a:\tb\n  c: d\n").unwrap_err();
        eprintln!("{e:?}");
    }
}
