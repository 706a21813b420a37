//! Turning the parser's syntax errors into messages a person can act on.
//!
//! The parser says where it gave up, in its own words, and that is often not where the
//! mistake is (an unclosed `[` lines earlier, a tab, a second document). This module
//! rewords its message, moves the span to the likely culprit and adds a hint on the fix.

use super::scan::{
    alias_at, bad_escape, dash_without_space, directive_before, document_marker_before,
    is_printable, leading_tab, long_key_at, merge_of_anchor_at, open_flow_brackets, tab_near,
    tag_before, unclosed_flow_bracket, unprintable_from,
};
use super::{Span, SyntaxError, one_char_at};

/// Turn the parser's message into one a person can act on: name the real culprit (the
/// unclosed bracket, the tab, the second document) and say how to fix it.
pub(super) fn explain(source: &str, message: &str, span: Span) -> SyntaxError {
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
