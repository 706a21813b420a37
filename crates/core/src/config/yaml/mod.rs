//! A YAML document as a tree of nodes that remember where they stand in the source.
//!
//! Validation needs two things a plain deserializer does not give: the byte span of every
//! value (to underline it in a diagnostic) and every repeated mapping key (to report them all
//! at once instead of stopping at the first). This module builds such a tree in one pass
//! from the events of granit-parser (see [`build`]); everything downstream works on the tree
//! or on the JSON value made from it.

mod build;
mod limits;
mod resolve;
mod scan;
mod syntax;
#[cfg(test)]
mod tests;

use build::Stop;
use limits::limit_error;
use syntax::explain;

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

/// Parse `source` into a node tree. Duplicate keys are kept; anchors, aliases and `<<` merges
/// are resolved, within the limits above. Tags are refused (a channels file has no use for
/// them, and an ignored `!env NAME` would silently be the text `NAME`), but for the core
/// schema's own; only `true` and `false` are booleans (YAML 1.2).
pub fn parse(source: &str) -> Result<Node, SyntaxError> {
    build::build(source).map_err(|stop| match stop {
        Stop::Scan(err) => {
            let mark = err.marker();
            let span = match mark.byte_offset() {
                Some(b) => one_char_at(source, b),
                None => match source.char_indices().nth(mark.index()) {
                    Some((b, _)) => one_char_at(source, b),
                    None => span_at_line_col(source, mark.line(), mark.col() + 1),
                },
            };
            let message = match err.kind() {
                granit_parser::ErrorKind::UnknownAnchor => {
                    "alias references unknown anchor".to_string()
                }
                _ if err.info().contains("recursion limit") => {
                    return limit_error(source, build::Limit::Depth, span);
                }
                _ => first_line(&err.info()),
            };
            explain(source, &message, span)
        }
        Stop::Limit(limit, at) => limit_error(source, limit, one_char_at(source, at.offset)),
        Stop::Message { message, at, used } => {
            let mut e = explain(source, &message, one_char_at(source, at.offset));
            // An error in an anchored value used through an alias: show the alias too.
            if let Some(used) = used
                && used != e.span
                && !e.related.iter().any(|(s, _)| *s == used)
            {
                e.related
                    .push((used, "used here, through an alias".to_string()));
            }
            e
        }
    })
}

/// The parser's message without its position (we render that ourselves).
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or("invalid YAML").trim();
    line.trim_end_matches(':').to_string()
}

/// `own` if it is not empty, else `first` (from `own`'s start when `from_start` and both are on
/// one line).
pub(super) fn widen(own: Span, first: Span, from_start: bool, source: &str) -> Span {
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
