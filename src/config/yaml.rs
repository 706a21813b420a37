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

/// Parse `source` into a node tree. Duplicate keys are kept; anchors, aliases and `<<` merges
/// are resolved by the parser within its default expansion budget.
pub fn parse(source: &str) -> Result<Node, SyntaxError> {
    let mut options = Options::default();
    options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    let parsed: Result<Spanned<Value>, _> = serde_saphyr::from_str_with_options(source, options);
    match parsed {
        Ok(spanned) => {
            let mut root = node(spanned);
            fix_collection_spans(&mut root, source);
            Ok(root)
        }
        Err(err) => {
            let span = err
                .location()
                .map(|loc| match loc.span().byte_offset() {
                    Some(b) => one_char_at(source, b as usize),
                    // Errors carry a character offset (a byte order mark counts as one) and a
                    // line and column (where it does not): the offset is the reliable one.
                    None => match source.char_indices().nth(loc.span().offset() as usize) {
                        Some((b, _)) => one_char_at(source, b),
                        None => {
                            span_at_line_col(source, loc.line() as usize, loc.column() as usize)
                        }
                    },
                })
                .unwrap_or_default();
            Err(explain(source, &first_line(&err.to_string()), span))
        }
    }
}

/// Turn the parser's message into one a person can act on: name the real culprit (the
/// unclosed bracket, the tab, the second document) and say how to fix it.
fn explain(source: &str, message: &str, span: Span) -> SyntaxError {
    let plain = |label: &str, help: Option<&str>| SyntaxError {
        message: format!("invalid YAML: {message}"),
        span,
        label: label.to_string(),
        help: help.map(str::to_string),
        related: Vec::new(),
    };
    if message.starts_with("multiple YAML documents") {
        let marker = document_marker_before(source, span.offset).unwrap_or(span);
        return SyntaxError {
            message: "the file holds more than one YAML document".to_string(),
            span: marker,
            label: "a second document starts here".to_string(),
            help: Some(
                "a channels file is one document: remove this `---` line and what follows, or \
                 merge the documents"
                    .to_string(),
            ),
            related: Vec::new(),
        };
    }
    if message.contains("tabs ") || message.contains("a tab") || message.contains("tab cannot") {
        let tab = tab_near(source, span.offset).unwrap_or(span);
        return SyntaxError {
            message: "invalid YAML: a tab is used for indentation".to_string(),
            span: tab,
            label: "tab".to_string(),
            help: Some("YAML indents with spaces only: replace the tab with spaces".to_string()),
            related: Vec::new(),
        };
    }
    if message.starts_with("unclosed quote") {
        return plain(
            "this quote is never closed",
            Some("end the string with the same quote character it starts with"),
        );
    }
    if message.starts_with("unclosed bracket") {
        let bracket = if message.contains('{') {
            ('{', '}')
        } else {
            ('[', ']')
        };
        return SyntaxError {
            message: format!("invalid YAML: unclosed bracket `{}`", bracket.0),
            span,
            label: format!("this `{}` is never closed", bracket.0),
            help: Some(format!("close it with `{}` where the list ends", bracket.1)),
            related: Vec::new(),
        };
    }
    if message.starts_with("misplaced bracket") {
        return plain(
            "closes nothing",
            Some("this bracket has no opening one: remove it, or add the missing `[` or `{`"),
        );
    }
    if message.contains("simple key expected ':'") {
        return SyntaxError {
            message: "invalid YAML: a key without `:`".to_string(),
            ..plain(
                "expected `key: value`",
                Some("write a key, a colon and a space, then the value: `type: sms`"),
            )
        };
    }
    if message.contains("trailing content after") {
        return plain(
            "after the closing quote",
            Some("a quoted value ends at its closing quote: put the whole value inside the quotes"),
        );
    }
    if let Some(open) = unclosed_flow_bracket(source, span.offset) {
        let (bracket, close) = if source[open.offset..].starts_with('[') {
            ('[', ']')
        } else {
            ('{', '}')
        };
        let mut related = Vec::new();
        if open.offset != span.offset {
            related.push((span, "the parser gave up here".to_string()));
        }
        return SyntaxError {
            message: format!("invalid YAML: unclosed bracket `{bracket}`"),
            span: open,
            label: format!("this `{bracket}` is never closed"),
            help: Some(format!(
                "close it with `{close}` where the list ends (a `{bracket}...{close}` value may \
                 span lines, but then the lines after it must be inside it)"
            )),
            related,
        };
    }
    if message.contains("mapping values are not allowed")
        || message.contains("did not find expected key")
        || message.contains("did not find expected '-'")
        || message.contains("invalid indentation")
    {
        return plain(
            "unexpected here",
            Some(
                "check the indentation: the keys of one mapping start in the same column, and \
                 a value that contains `: ` must be quoted",
            ),
        );
    }
    if message.contains("unknown anchor") {
        let alias = alias_at(source, span).unwrap_or(span);
        return SyntaxError {
            span: alias,
            ..plain(
                "no anchor of this name",
                Some("define the anchor (`&name`) before the alias (`*name`) that uses it"),
            )
        };
    }
    plain("here", None)
}

/// The whole alias token (`*name`) starting at `span`.
fn alias_at(source: &str, span: Span) -> Option<Span> {
    let rest = source.get(span.offset..)?.strip_prefix('*')?;
    let name_len = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
        .unwrap_or(rest.len());
    Some(Span {
        offset: span.offset,
        len: 1 + name_len,
    })
}

/// The `---` line that starts the document containing `offset`.
fn document_marker_before(source: &str, offset: usize) -> Option<Span> {
    let before = &source[..offset.min(source.len())];
    let mut start = 0;
    let mut found = None;
    for line in before.split_inclusive('\n') {
        if line.starts_with("---") {
            found = Some(Span {
                offset: start,
                len: 3,
            });
        }
        start += line.len();
    }
    found
}

/// The tab the parser complains about: the first on the line of `offset` or the next one
/// (the parser sometimes reports the end of the line before).
fn tab_near(source: &str, offset: usize) -> Option<Span> {
    let offset = offset.min(source.len());
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let rest = &source[line_start..];
    let window_end = rest
        .match_indices('\n')
        .nth(1)
        .map_or(rest.len(), |(i, _)| i);
    rest[..window_end].find('\t').map(|i| Span {
        offset: line_start + i,
        len: 1,
    })
}

/// The innermost flow bracket (`[` or `{`) opened before `offset` and not closed by then.
///
/// A light scan, good enough for pointing at the likely culprit of a syntax error: it skips
/// comments and quoted strings, and counts a bracket only where a flow collection can start
/// (at the start of a value) or inside another flow collection.
fn unclosed_flow_bracket(source: &str, offset: usize) -> Option<Span> {
    let text = &source[..offset.min(source.len())];
    let mut stack: Vec<usize> = Vec::new();
    // Whether the next non-blank character starts a node.
    let mut at_node_start = true;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\n' => at_node_start = true,
            ' ' | '\t' | '\r' => {}
            '#' => while chars.next_if(|&(_, c)| c != '\n').is_some() {},
            '"' | '\'' if at_node_start => {
                while let Some((_, q)) = chars.next() {
                    if q == '\\' && c == '"' {
                        chars.next();
                    } else if q == c {
                        if c == '\'' && chars.next_if(|&(_, n)| n == '\'').is_some() {
                            continue;
                        }
                        break;
                    }
                }
                at_node_start = false;
            }
            '[' | '{' if at_node_start || !stack.is_empty() => {
                stack.push(i);
                at_node_start = true;
            }
            ']' | '}' if !stack.is_empty() => {
                stack.pop();
                at_node_start = false;
            }
            ',' if !stack.is_empty() => at_node_start = true,
            ':' | '-' | '?' => {
                at_node_start = chars.peek().is_none_or(|&(_, n)| n.is_whitespace())
                    || (c == ':' && !stack.is_empty());
            }
            _ => at_node_start = false,
        }
    }
    stack.last().map(|&offset| Span { offset, len: 1 })
}

/// serde-saphyr prefixes its own location and may append a snippet; we render those ourselves.
/// Hints about serde-saphyr's API (`use from_str_multiple`) mean nothing to a user: dropped.
fn first_line(message: &str) -> String {
    let mut line = message.lines().next().unwrap_or("invalid YAML").trim();
    line = line.strip_prefix("error: ").unwrap_or(line);
    if line.starts_with("line ")
        && let Some((_, rest)) = line.split_once(": ")
    {
        line = rest;
    }
    line = line.split(" at line ").next().unwrap_or(line);
    line = line.split("; use from_str").next().unwrap_or(line);
    line.trim_end_matches(':').to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn text(src: &str, span: Span) -> &str {
        &src[span.offset..span.offset + span.len]
    }

    fn entries(node: &Node) -> &[(Node, Node)] {
        match &node.value {
            Value::Map(entries) => entries,
            other => panic!("expected a mapping, got {other:?}"),
        }
    }

    #[test]
    fn scalars_and_keys_have_their_spans() {
        let src = "a: 1\nb: 'y z'\na: 2\n";
        let root = parse(src).unwrap();
        let e = entries(&root);
        assert_eq!(e.len(), 3, "duplicate keys are kept");
        assert_eq!(text(src, e[0].0.span), "a");
        assert_eq!(text(src, e[1].1.span), "'y z'");
        assert_eq!(e[2].1.value, Value::Int(2));
    }

    #[test]
    fn block_collections_get_the_span_of_their_first_entry() {
        let src = "top:\n  inner: 1\n  other: 2\nlist:\n  - first\n  - second\n";
        let root = parse(src).unwrap();
        let e = entries(&root);
        assert_eq!(text(src, root.span), "top", "the root mapping");
        assert_eq!(text(src, e[0].1.span), "inner");
        assert_eq!(text(src, e[1].1.span), "- first");
        assert_eq!(e[1].1.defined, e[1].1.span);
    }

    #[test]
    fn an_alias_is_used_at_the_alias_and_defined_at_the_anchor() {
        let src = "a: &x {k: v}\nb: *x\n";
        let root = parse(src).unwrap();
        let e = entries(&root);
        let (used, original) = (&e[1].1, &e[0].1);
        assert_eq!(text(src, used.span), "*x");
        assert_eq!(used.defined, original.defined);
        let inner = &entries(used)[0].1;
        assert_eq!(text(src, inner.span), "*x");
        assert_eq!(text(src, inner.defined), "v");
    }

    #[test]
    fn an_unclosed_bracket_is_blamed_not_the_line_where_the_parser_gives_up() {
        let src = "a:\n  b: [x, y\n  c: d\n";
        let e = parse(src).unwrap_err();
        assert_eq!(e.message, "invalid YAML: unclosed bracket `[`");
        assert_eq!(e.span.offset, src.find('[').unwrap());
        assert_eq!(e.related.len(), 1, "{e:?}");
        assert!(e.related[0].0.offset > src.find('c').unwrap() - 1);
        assert!(e.help.unwrap().contains("`]`"));
    }

    #[test]
    fn brackets_in_plain_text_quotes_and_comments_are_not_flow_collections() {
        let src = "a: see [docs\nb: 'x [y'\n# c: [\nd: \"[\"\ne: [1, [2]]\n";
        assert_eq!(unclosed_flow_bracket(src, src.len()), None);
        let open = "a: {k: [1, 2}\n";
        assert_eq!(
            unclosed_flow_bracket(open, open.len()).map(|s| s.offset),
            Some(3)
        );
    }

    #[test]
    fn a_tab_in_indentation_is_pointed_at() {
        let src = "a:\n  b: 1\n\tc: 2\n";
        let e = parse(src).unwrap_err();
        assert_eq!(e.message, "invalid YAML: a tab is used for indentation");
        assert_eq!(
            e.span,
            Span {
                offset: src.find('\t').unwrap(),
                len: 1
            }
        );
        // The parser may report the line before the tab.
        let src = "version: 1\n\tchannels: []\n";
        let e = parse(src).unwrap_err();
        assert_eq!(e.span.offset, src.find('\t').unwrap(), "{e:?}");
    }

    #[test]
    fn a_second_document_is_pointed_at_its_marker_without_api_hints() {
        let src = "a: 1\n---\na: 2\n";
        let e = parse(src).unwrap_err();
        assert_eq!(e.message, "the file holds more than one YAML document");
        assert_eq!(text(src, e.span), "---");
        assert!(!format!("{e:?}").contains("from_str"));
    }

    #[test]
    fn parser_messages_are_reworded_with_help() {
        let e = parse("a: [1\n").unwrap_err();
        assert_eq!(e.message, "invalid YAML: unclosed bracket `[`");
        assert_eq!(e.label, "this `[` is never closed");
        let e = parse("a: [1]]\n").unwrap_err();
        assert_eq!(e.label, "closes nothing");
        let e = parse("a:\n  b: 1\n  c 2\n  d: 3\n").unwrap_err();
        assert_eq!(e.message, "invalid YAML: a key without `:`");
        let e = parse("a: \"x\" y\n").unwrap_err();
        assert!(e.help.unwrap().contains("inside the quotes"));
    }

    #[test]
    fn an_unknown_alias_is_underlined_whole() {
        let src = "a: *nowhere\n";
        let e = parse(src).unwrap_err();
        assert_eq!(text(src, e.span), "*nowhere");
    }

    #[test]
    fn syntax_errors_after_a_byte_order_mark_are_placed_right() {
        let src = "\u{feff}a: 'open\n";
        let e = parse(src).unwrap_err();
        assert_eq!(e.message, "invalid YAML: unclosed quote");
        assert_eq!(e.span.offset, src.find('\'').unwrap());
    }

    #[test]
    fn line_and_column_map_to_bytes_in_characters() {
        let src = "a: é\nbé: x\n";
        assert_eq!(span_at_line_col(src, 2, 5), Span { offset: 11, len: 1 });
        assert_eq!(text(src, span_at_line_col(src, 2, 5)), "x");
        assert_eq!(
            span_at_line_col(src, 9, 1),
            Span {
                offset: src.len(),
                len: 0
            }
        );
    }
}
