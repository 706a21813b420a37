//! A YAML document as a tree of nodes that remember where they stand in the source.
//!
//! Validation needs two things a plain deserializer does not give: the byte span of every
//! value (to underline it in a diagnostic) and every repeated mapping key (to report them all
//! at once instead of stopping at the first). This module parses once with serde-saphyr into
//! such a tree; everything downstream works on the tree or on the JSON value made from it.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::budget::{Budget, BudgetBreach};
use serde_saphyr::{DuplicateKeyPolicy, Error as YamlError, Location, Options, Spanned};
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

/// The error under the wrappers that only add context.
fn innermost(mut err: &YamlError) -> &YamlError {
    while let YamlError::WithSnippet { error, .. } | YamlError::AliasError { error, .. } = err {
        err = error;
    }
    err
}

/// Where the anchored value an error is in was used, when it was reached through an alias.
fn alias_use(mut err: &YamlError) -> Option<Location> {
    loop {
        match err {
            YamlError::WithSnippet { error, .. } => err = error,
            YamlError::AliasError { locations, .. } => {
                let used = locations.reference_location;
                return (used != locations.defined_location && used.line() > 0).then_some(used);
            }
            _ => return None,
        }
    }
}

/// `n` with a comma between groups of three digits.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The diagnostic for an input that ran into one of the parser's limits, naming the limit.
fn limit_error(source: &str, err: &YamlError, message: &str, span: Span) -> Option<SyntaxError> {
    let nesting = || {
        (
            format!(
                "the file nests lists and mappings more than {MAX_DEPTH} levels deep; chanctl \
                 stops there"
            ),
            "too deep".to_string(),
            "a channels file needs four levels (the file, the `channels` list, a channel, its \
             binding): check that this is the file you meant"
                .to_string(),
        )
    };
    let expansion = |what: String| {
        (
            what,
            "the limit is reached here".to_string(),
            "every `*alias` copies its anchored value, with the aliases inside it, so aliases \
             of aliases multiply (the \"billion laughs\" file): write the values out, or use \
             fewer levels of aliases"
                .to_string(),
        )
    };
    let (message, label, help) = match innermost(err) {
        YamlError::Budget { breach, .. } => match breach {
            BudgetBreach::Depth { .. } => nesting(),
            BudgetBreach::Events { .. } => (
                format!(
                    "the file is too large to be a channels file: more than {} YAML items; \
                     chanctl stops there",
                    grouped(MAX_EVENTS)
                ),
                "the limit is reached here".to_string(),
                "every value, alias and end of a list or mapping counts".to_string(),
            ),
            BudgetBreach::Nodes { .. } => (
                format!(
                    "the file holds more than {} values; chanctl stops there",
                    grouped(MAX_NODES)
                ),
                "the limit is reached here".to_string(),
                "every key, value, list and mapping counts, each time it is used through an \
                 alias; 10,000 channels are about 120,000"
                    .to_string(),
            ),
            BudgetBreach::ScalarBytes { .. } => (
                format!(
                    "the values of the file hold more than {} MiB of text; chanctl stops there",
                    MAX_TEXT_BYTES / (1024 * 1024)
                ),
                "the limit is reached here".to_string(),
                "a value used through an alias counts each time it is used: check for a huge \
                 value, or one repeated through many aliases"
                    .to_string(),
            ),
            BudgetBreach::Aliases { aliases } => aliases_limit(format!(
                "the file uses more than {} aliases; chanctl stops there",
                grouped(aliases.saturating_sub(1))
            )),
            BudgetBreach::Anchors { anchors } => aliases_limit(format!(
                "the file defines more than {} anchors; chanctl stops there",
                grouped(anchors.saturating_sub(1))
            )),
            BudgetBreach::RecordedAnchorEvents { .. }
            | BudgetBreach::RecordedAnchorBytes { .. } => expansion(
                "the anchored values of the file are too large to keep for their aliases; \
                 chanctl stops there"
                    .to_string(),
            ),
            BudgetBreach::MergeKeys { merge_keys } => expansion(format!(
                "the file uses more than {} merge keys (`<<`); chanctl stops there",
                grouped(merge_keys.saturating_sub(1))
            )),
            other => (
                format!("the file exceeds a parser limit ({other:?}); chanctl stops there"),
                "the limit is reached here".to_string(),
                "no channels file comes near this limit: check that this is the file you meant"
                    .to_string(),
            ),
        },
        YamlError::AliasReplayLimitExceeded { .. }
        | YamlError::AliasExpansionLimitExceeded { .. }
        | YamlError::AliasReplayCounterOverflow { .. } => expansion(format!(
            "aliases expand to more than {} YAML items; chanctl stops there",
            grouped(MAX_ALIAS_ITEMS)
        )),
        YamlError::AliasReplayStackDepthExceeded { .. } => expansion(format!(
            "aliases nest more than {MAX_ALIAS_NESTING} levels deep (an alias in an anchored \
             value used through an alias, and so on); chanctl stops there"
        )),
        _ if message.contains("recursion limit exceeded") => nesting(),
        _ => return None,
    };
    Some(SyntaxError {
        message,
        // The alias whose expansion reached the limit, when it is one.
        span: alias_at(source, span).unwrap_or(span),
        label,
        help: Some(help),
        related: Vec::new(),
    })
}

/// [`limit_error`]'s words for a count of aliases or anchors.
fn aliases_limit(message: String) -> (String, String, String) {
    (
        message,
        "the limit is reached here".to_string(),
        "no channels file needs this many: check that this is the file you meant".to_string(),
    )
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
    let with = |message: &str, span: Span, label: &str, help: &str| SyntaxError {
        message: message.to_string(),
        span,
        label: label.to_string(),
        help: Some(help.to_string()),
        related: Vec::new(),
    };
    if message.starts_with("multiple YAML documents") {
        let marker = document_marker_before(source, span.offset).unwrap_or(span);
        return with(
            "the file holds more than one YAML document",
            marker,
            "a second document starts here",
            "a channels file is one document: remove this `---` line and what follows, or \
             merge the documents",
        );
    }
    let tab_in_indentation = || {
        with(
            "invalid YAML: a tab is used for indentation",
            tab_near(source, span.offset).unwrap_or(span),
            "tab",
            "YAML indents with spaces only: replace the tab with spaces",
        )
    };
    if message.contains("tabs ") || message.contains("a tab") || message.contains("tab cannot") {
        return tab_in_indentation();
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
            help: Some(format!(
                "close it with `{}` where the {} ends",
                bracket.1,
                if bracket.0 == '{' { "mapping" } else { "list" }
            )),
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
        if long_key_at(source, span.offset) {
            return with(
                "invalid YAML: a key longer than 1024 characters",
                span,
                "this key",
                "YAML reads a plain key of at most 1024 characters, and no key of a channels \
                 file comes near: look for a missing line break",
            );
        }
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
    if message.contains("recursive references") {
        let alias = alias_at(source, span).unwrap_or(span);
        let name = &source[alias.offset..alias.offset + alias.len];
        let anchor = name.strip_prefix('*').unwrap_or(name);
        return with(
            &format!("invalid YAML: the alias `{name}` is inside the value it refers to"),
            alias,
            &format!("inside `&{anchor}`"),
            "an alias cannot repeat a value it is part of (the copy would contain itself \
             forever): refer to another anchor, or write the value out",
        );
    }
    if message.contains("merge value must be") {
        let mut e = with(
            "invalid YAML: a merge key (`<<`) takes a mapping or a list of mappings",
            span,
            "not a mapping",
            "`<<: *defaults` copies the keys of the mapping anchored `&defaults` into this \
             one: merge a mapping, or remove the `<<` entry",
        );
        // The parser points at the anchored value; show where it is merged too.
        if let Some(merged) = merge_of_anchor_at(source, span.offset) {
            e.related.push((merged, "merged here".to_string()));
        }
        return e;
    }
    if message.starts_with("unexpected character") {
        // The parser may point at the start of the value rather than at the character.
        let (span, c) = unprintable_from(source, span.offset)
            .unwrap_or((span, source[span.offset.min(source.len())..].chars().next()));
        return match c {
            Some(c) if !is_printable(c) => with(
                &format!(
                    "invalid YAML: the {} U+{:04X} is not allowed",
                    if c.is_control() {
                        "control character"
                    } else {
                        "non-printable character"
                    },
                    u32::from(c)
                ),
                span,
                "not allowed",
                "YAML text may hold tabs and line breaks but no other control characters: \
                 remove it (an editor may show it as a blank, or not at all)",
            ),
            Some(c @ ('@' | '`')) => with(
                &format!("invalid YAML: a value cannot start with `{c}`"),
                span,
                "reserved character",
                &format!(
                    "YAML reserves `{c}` at the start of a value: quote the value, e.g. \
                     \"{c}value\""
                ),
            ),
            _ => plain("unexpected character", None),
        };
    }
    if message.contains("BOM must not appear") {
        return with(
            "invalid YAML: a byte order mark (U+FEFF) inside the file",
            span,
            "invisible byte order mark",
            "a byte order mark may only start the file: remove this one (most editors do not \
             show it; deleting the character before the next visible one does)",
        );
    }
    if message.contains("non-finite float") {
        return with(
            "invalid YAML: infinity and not-a-number are not values chanctl accepts",
            span,
            "not a finite number",
            "write a whole number, or quote the value to make it text",
        );
    }
    if message.contains("unsupported tag")
        || message.contains("handle wasn't declared")
        || message.contains("tagged scalar")
        || message.contains("!!binary")
        || message.starts_with("invalid u64")
        || message.starts_with("invalid i64")
        || message.starts_with("invalid boolean")
        || message.starts_with("invalid float")
    {
        let tag_span = tag_before(source, span.offset);
        let tag = tag_span.map_or("!", |t| &source[t.offset..t.offset + t.len]);
        let message = if message.contains("unsupported tag") {
            format!("invalid YAML: the tag `{tag}` is not supported")
        } else if message.contains("!!binary") {
            "invalid YAML: this `!!binary` value is not valid base64-encoded UTF-8 text".to_string()
        } else if message.contains("handle wasn't declared") {
            format!("invalid YAML: the tag `{tag}` uses an undeclared handle")
        } else {
            format!("invalid YAML: the value does not fit its tag `{tag}`")
        };
        return with(
            &message,
            tag_span.unwrap_or(span),
            "tag",
            "a channels file needs no YAML tags (`!name`, `!!type`): remove the tag, and quote \
             a value that must stay text",
        );
    }
    if message.contains("unknown escape character")
        || message.contains("expected hexadecimal number")
    {
        let escape = bad_escape(source, span.offset).unwrap_or(span);
        return with(
            "invalid YAML: an invalid escape sequence in a double-quoted string",
            escape,
            "invalid escape",
            "in double quotes a backslash starts an escape (`\\n`, `\\t`, `\\\\`, `\\x41`, \
             `\\u00e9`): write `\\\\` for a backslash, or use single quotes, which have no \
             escapes",
        );
    }
    if message.contains("anchor or alias") {
        return with(
            "invalid YAML: `&` or `*` without a name",
            span,
            "a name must follow",
            "`&name` defines an anchor and `*name` uses it; to write `&` or `*` as text, quote \
             the value",
        );
    }
    if message.contains("block scalar") {
        return plain(
            "here",
            Some(
                "after `|` or `>` only `-` or `+`, an indentation digit and a comment may follow \
                 on the same line; the text starts on the next line, indented",
            ),
        );
    }
    if let Some(tab) = leading_tab(source, span.offset) {
        return SyntaxError {
            span: tab,
            ..tab_in_indentation()
        };
    }
    if message.contains("directive") || message.contains("<document start>") {
        // A directive not followed by `---`: the parser points past it.
        let directive = directive_before(source, span.offset);
        let message = if directive.is_some() {
            "invalid YAML: a `%` directive without a `---` document after it".to_string()
        } else {
            format!("invalid YAML: {message}")
        };
        let directive = directive.unwrap_or(span);
        return SyntaxError {
            message,
            span: directive,
            ..plain(
                if directive == span {
                    "here"
                } else {
                    "a directive"
                },
                Some(
                    "a line starting with `%` is a YAML directive, which a channels file does \
                     not need: remove it (a directive must be followed by a `---` line)",
                ),
            )
        };
    }
    let unclosed = unclosed_flow_bracket(source, span.offset)
        .filter(|open| open_flow_brackets(source, source.len()).contains(&open.offset));
    if let Some(open) = unclosed {
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
                "close it with `{close}` where the {} ends (a `{bracket}...{close}` value may \
                 span lines, but then the lines after it must be inside it)",
                if bracket == '{' { "mapping" } else { "list" }
            )),
            related,
        };
    }
    if let Some(close) = ["','", "']'", "'}'"]
        .iter()
        .find(|c| message.contains(&format!("expected ',' or {}", c)))
    {
        let close = close.trim_matches('\'');
        // `{a: 1 b: 2}`: the parser reads `1 b` as one value and stops at the `:` after it;
        // the comma is missing before `b`.
        let span = if source[span.offset..].starts_with(':') {
            let before = &source[..span.offset];
            let key = before
                .trim_end()
                .rfind(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | '{'))
                .map_or(0, |i| i + 1);
            one_char_at(source, key)
        } else {
            span
        };
        return with(
            &format!("invalid YAML: expected `,` or `{close}`"),
            span,
            &format!("expected `,` or `{close}` before this"),
            "separate the entries of a `[...]` list or a `{...}` mapping with commas",
        );
    }
    if let Some(dash) = dash_without_space(source, span.offset) {
        return with(
            "invalid YAML: a `-` without a space after it",
            dash,
            "no space after the dash",
            "a list item is a dash, a space, then the value: `- name: receipts`",
        );
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
    plain("here", None)
}

/// Whether the line at `offset` starts a key longer than the parser's 1024-character limit.
fn long_key_at(source: &str, offset: usize) -> bool {
    let rest = source.get(offset..).unwrap_or_default();
    let line = rest.split(['\n', '\r']).next().unwrap_or_default();
    line.find(": ")
        .or_else(|| line.strip_suffix(':').map(str::len))
        .is_some_and(|colon| line[..colon].chars().count() > 1024)
}

/// The tag (`!name`, `!!type`, `!<uri>`) at `offset`, or the last token before it when that
/// is a tag (the parser points at the tagged value, or at the next line for a tag alone on
/// its line).
fn tag_before(source: &str, offset: usize) -> Option<Span> {
    let offset = offset.min(source.len());
    let token = |start: usize| {
        let len = source[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
            .unwrap_or(source.len() - start);
        Span { offset: start, len }
    };
    if source[offset..].starts_with('!') {
        return Some(token(offset));
    }
    let before = source[..offset].trim_end();
    let start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | '{'))
        .map_or(0, |i| i + 1);
    before[start..].starts_with('!').then(|| token(start))
}

/// Where the value anchored just before `offset` (`&name value`) is merged (`<<: *name`).
fn merge_of_anchor_at(source: &str, offset: usize) -> Option<Span> {
    let before = source[..offset.min(source.len())].trim_end();
    let start = before
        .rfind(|c: char| c.is_whitespace())
        .map_or(0, |i| i + 1);
    let name = before[start..].strip_prefix('&')?;
    let alias = format!("*{name}");
    let mut line_start = 0;
    for line in source.split_inclusive('\n') {
        if let Some(merge) = line.find("<<") {
            let found = line[merge..].match_indices(&alias).find(|(i, _)| {
                let after = &line[merge + i + alias.len()..];
                after.is_empty()
                    || after
                        .starts_with(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
            });
            if let Some((i, _)) = found {
                return Some(Span {
                    offset: line_start + merge + i,
                    len: alias.len(),
                });
            }
        }
        line_start += line.len();
    }
    None
}

/// Whether YAML allows `c` in a file (its printable set: tab, line breaks, and no other
/// control character).
fn is_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{85}')
        || (!c.is_control() && c != '\u{fffe}' && c != '\u{ffff}')
}

/// The first character YAML does not allow, from `offset` to the end of its line.
fn unprintable_from(source: &str, offset: usize) -> Option<(Span, Option<char>)> {
    let offset = offset.min(source.len());
    let line = source[offset..].split('\n').next().unwrap_or_default();
    line.char_indices()
        .find(|&(_, c)| !is_printable(c))
        .map(|(i, c)| {
            (
                Span {
                    offset: offset + i,
                    len: c.len_utf8(),
                },
                Some(c),
            )
        })
}

/// The first invalid escape (`\q`, or `\x`, `\u`, `\U` without enough hex digits) in the
/// double-quoted string that starts at or before `offset`.
fn bad_escape(source: &str, offset: usize) -> Option<Span> {
    let offset = offset.min(source.len());
    let quote = if source[offset..].starts_with('"') {
        offset
    } else {
        source[..offset].rfind('"')?
    };
    let mut chars = source[quote + 1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return None,
            '\\' => {
                let start = quote + 1 + i;
                let Some((_, e)) = chars.next() else {
                    return Some(Span {
                        offset: start,
                        len: 1,
                    });
                };
                let digits = match e {
                    'x' => 2,
                    'u' => 4,
                    'U' => 8,
                    '0' | 'a' | 'b' | 't' | '\t' | 'n' | 'v' | 'f' | 'r' | 'e' | ' ' | '"'
                    | '/' | '\\' | 'N' | '_' | 'L' | 'P' | '\n' | '\r' => continue,
                    _ => {
                        return Some(Span {
                            offset: start,
                            len: 1 + e.len_utf8(),
                        });
                    }
                };
                let hex = source[start + 2..]
                    .chars()
                    .take(digits)
                    .take_while(char::is_ascii_hexdigit)
                    .count();
                if hex < digits {
                    return Some(Span {
                        offset: start,
                        len: 2 + hex,
                    });
                }
            }
            _ => {}
        }
    }
    None
}

/// The last `%` directive line that starts before `offset`, when nothing but blank lines and
/// comments follows it up to `offset`.
fn directive_before(source: &str, offset: usize) -> Option<Span> {
    let before = &source[..offset.min(source.len())];
    let mut start = 0;
    let mut found = None;
    for line in before.split_inclusive('\n') {
        let text = line.trim_end();
        if line.starts_with('%') {
            found = Some(Span {
                offset: start,
                len: text.len(),
            });
        } else if !text.trim_start().is_empty() && !text.trim_start().starts_with('#') {
            found = None;
        }
        start += line.len();
    }
    found
}

/// A list dash directly followed by a letter (`-name: x`) at the start of the line at `offset`
/// or of the line before: the likely cause of an indentation error there.
fn dash_without_space(source: &str, offset: usize) -> Option<Span> {
    let offset = offset.min(source.len());
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let previous_start = source[..line_start.saturating_sub(1)]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    [line_start, previous_start].into_iter().find_map(|start| {
        let line = &source[start..];
        let indent = line.len() - line.trim_start_matches(' ').len();
        let mut rest = line[indent..].chars();
        (rest.next() == Some('-') && rest.next().is_some_and(char::is_alphabetic)).then_some(Span {
            offset: start + indent,
            len: 1,
        })
    })
}

/// The tab in the indentation of the line at `offset`, or of the line before (the parser may
/// report the line after the culprit), if there is one.
fn leading_tab(source: &str, offset: usize) -> Option<Span> {
    let offset = offset.min(source.len());
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let previous_start = source[..line_start.saturating_sub(1)]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    tab_in_indent(source, line_start).or_else(|| {
        (line_start > 0)
            .then(|| tab_in_indent(source, previous_start))
            .flatten()
    })
}

/// The tab in the indentation of the line that starts at `line_start`.
fn tab_in_indent(source: &str, line_start: usize) -> Option<Span> {
    let indent_len = source[line_start..]
        .find(|c: char| c != ' ' && c != '\t')
        .unwrap_or(source.len() - line_start);
    source[line_start..line_start + indent_len]
        .find('\t')
        .map(|i| Span {
            offset: line_start + i,
            len: 1,
        })
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
    open_flow_brackets(source, offset)
        .last()
        .map(|&offset| Span { offset, len: 1 })
}

/// The offsets of the flow brackets opened before `offset` and not closed by then, outermost
/// first (see [`unclosed_flow_bracket`]).
fn open_flow_brackets(source: &str, offset: usize) -> Vec<usize> {
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
    stack
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

    fn error(src: &str) -> SyntaxError {
        parse(src).expect_err("the source is invalid")
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_refused_naming_the_limit() {
        let flow = format!("a: {}{}\n", "[".repeat(1000), "]".repeat(1000));
        let block: String = (0..100).map(|i| format!("{}- \n", " ".repeat(i))).collect();
        let mappings: String = (0..100).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        for src in [flow, block, mappings] {
            let e = error(&src);
            assert_eq!(
                e.message,
                "the file nests lists and mappings more than 32 levels deep; chanctl stops there",
                "{}",
                &src[..40]
            );
            assert!(e.help.is_some());
        }
        // 32 levels are fine.
        let ok = format!("a: {}{}\n", "[".repeat(30), "]".repeat(30));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn an_alias_bomb_is_stopped_at_the_alias_that_reaches_the_limit() {
        let mut src = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n".to_string();
        for (prev, next) in "abcdefgh".chars().zip("bcdefghi".chars()) {
            let items = vec![format!("*{prev}"); 9].join(", ");
            src.push_str(&format!("{next}: &{next} [{items}]\n"));
        }
        src.push_str("z: *i\n");
        let e = error(&src);
        assert_eq!(
            e.message,
            "aliases expand to more than 100,000 YAML items; chanctl stops there"
        );
        assert!(text(&src, e.span).starts_with('*'), "{e:?}");
        assert!(e.help.unwrap().contains("billion laughs"));
    }

    #[test]
    fn comments_do_not_count_against_the_limits() {
        // Kept, the comments would pass the limit on parser events and be called values.
        let src = format!("a: 1\n{}", "#\n".repeat(MAX_EVENTS + 10));
        assert!(parse(&src).is_ok());
    }

    #[test]
    fn one_anchor_merged_into_many_mappings_is_not_an_alias_bomb() {
        // The parser's alias/anchor ratio heuristic would refuse this.
        let mut src = "- &d {type: sms, description: shared}\n".to_string();
        for i in 0..300 {
            src.push_str(&format!("- <<: *d\n  name: c{i}\n"));
        }
        let root = parse(&src).expect("300 merges of one anchor are fine");
        assert!(matches!(root.value, Value::Seq(ref items) if items.len() == 301));
    }

    #[test]
    fn tags_are_refused_but_standard_scalar_tags_are_not() {
        for (src, tag) in [
            ("a: !env NAME\n", "!env"),
            ("a: !!set {x, y}\n", "!!set"),
            ("a:\n  - !thing\n    k: v\n", "!thing"),
        ] {
            let e = error(src);
            assert_eq!(
                e.message,
                format!("invalid YAML: the tag `{tag}` is not supported")
            );
            assert_eq!(text(src, e.span), tag);
        }
        let e = error("a: !!binary /w==\n");
        assert!(e.message.contains("!!binary"), "{e:?}");
        let root = parse("a: !!str 123\n").unwrap();
        assert_eq!(entries(&root)[0].1.value, Value::Str("123".to_string()));
    }

    #[test]
    fn a_control_character_is_pointed_at_and_named() {
        for (src, code) in [
            ("a: b\u{0}c\n", "U+0000"),
            ("a: b\u{7f}c\n", "U+007F"),
            ("a: b\u{90}c\n", "U+0090"),
            ("a: \"b\u{7}c\"\n", "U+0007"),
        ] {
            let e = error(src);
            assert!(e.message.contains(code), "{src:?}: {e:?}");
            assert_eq!(
                e.span.offset,
                src.find('c').unwrap() - e.span.len,
                "{src:?}"
            );
        }
        let e = error("a: @b\n");
        assert_eq!(e.message, "invalid YAML: a value cannot start with `@`");
    }

    #[test]
    fn alias_and_merge_mistakes_are_explained() {
        let src = "a: &x\n  - *x\n";
        let e = error(src);
        assert_eq!(
            e.message,
            "invalid YAML: the alias `*x` is inside the value it refers to"
        );
        assert_eq!(text(src, e.span), "*x");
        let src = "a: &k sms\nb:\n  <<: *k\n";
        let e = error(src);
        assert!(e.message.contains("merge key"), "{e:?}");
        assert_eq!(e.span.offset, src.find("sms").unwrap());
        assert_eq!(text(src, e.related[0].0), "*k", "{e:?}");
        // An unknown alias inside brackets is not an unclosed bracket.
        let src = "a: [*nowhere]\n";
        let e = error(src);
        assert!(e.message.contains("unknown anchor"), "{e:?}");
        assert_eq!(text(src, e.span), "*nowhere");
        let e = error("a: &\n");
        assert_eq!(e.message, "invalid YAML: `&` or `*` without a name");
    }

    #[test]
    fn a_closed_flow_mapping_missing_a_comma_is_not_called_unclosed() {
        let src = "a: {b: 1 c: 2}\n";
        let e = error(src);
        assert_eq!(e.message, "invalid YAML: expected `,` or `}`");
        assert_eq!(text(src, e.span), "c");
        assert_eq!(open_flow_brackets(src, src.len()), Vec::<usize>::new());
        assert_eq!(open_flow_brackets("a: {b: [1\n", 10), vec![3, 7]);
    }

    #[test]
    fn other_syntax_errors_point_at_their_culprit() {
        let src = "a: \"x\\qy\"\n";
        let e = error(src);
        assert_eq!(text(src, e.span), "\\q");
        let src = "a: \"x\\u00\n";
        let e = error(src);
        assert_eq!(text(src, e.span), "\\u00");
        let src = "\tversion: 1\nchannels: []\n";
        let e = error(src);
        assert_eq!(e.message, "invalid YAML: a tab is used for indentation");
        assert_eq!(e.span, Span { offset: 0, len: 1 });
        let src = "a:\n  -b: 1\n    c: 2\n";
        let e = error(src);
        assert_eq!(e.message, "invalid YAML: a `-` without a space after it");
        assert_eq!(e.span.offset, src.find('-').unwrap());
        let src = "%YAML 1.2\n";
        let e = error(src);
        assert_eq!(text(src, e.span), "%YAML 1.2");
        let src = format!("a: 1\n{}: x\n", "k".repeat(1100));
        let e = error(&src);
        assert_eq!(e.message, "invalid YAML: a key longer than 1024 characters");
        let src = "a: 1\nb: 2\u{feff}\n";
        assert!(parse(src).is_ok(), "a BOM inside a value is content");
        let src = "a: 1\n\u{feff}b: 2\n";
        let e = error(src);
        assert_eq!(e.span.offset, src.find('\u{feff}').unwrap());
        let e = error("a: .inf\n");
        assert!(e.message.contains("infinity"), "{e:?}");
    }

    #[test]
    fn helpers_find_tags_escapes_and_groups() {
        let src = "a: !!int abc\n";
        assert_eq!(
            tag_before(src, src.find("abc").unwrap()).map(|s| text(src, s)),
            Some("!!int")
        );
        assert_eq!(tag_before(src, 3).map(|s| text(src, s)), Some("!!int"));
        assert_eq!(tag_before("a: b\n", 3), None);
        assert_eq!(
            bad_escape("\"ok \\n \\x4\"", 0),
            Some(Span { offset: 7, len: 3 })
        );
        assert_eq!(bad_escape("\"ok \\n\"", 0), None);
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(250_000), "250,000");
        assert_eq!(grouped(1_000_000), "1,000,000");
        assert_eq!(
            leading_tab("a:\n \tb: 1\n", 5),
            Some(Span { offset: 4, len: 1 })
        );
        assert_eq!(leading_tab("a: \tb\n", 4), None);
    }
}
