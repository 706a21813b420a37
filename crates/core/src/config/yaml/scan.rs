//! Small scans of the source text that find the likely culprit of a syntax error.
//!
//! The parser often reports the place where it gave up rather than the mistake itself. Each
//! helper here looks around that place for one kind of mistake (a tab in the indentation, a
//! tag, a bad escape, an unclosed bracket, ...) and returns its span, so that the diagnostic
//! underlines what the user has to change.

use super::Span;

/// Whether the line at `offset` starts a key longer than the parser's 1024-character limit.
pub(super) fn long_key_at(source: &str, offset: usize) -> bool {
    let rest = source.get(offset..).unwrap_or_default();
    let line = rest.split(['\n', '\r']).next().unwrap_or_default();
    line.find(": ")
        .or_else(|| line.strip_suffix(':').map(str::len))
        .is_some_and(|colon| line[..colon].chars().count() > 1024)
}

/// The tag (`!name`, `!!type`, `!<uri>`) at `offset`, or the last token before it when that
/// is a tag (the parser points at the tagged value, or at the next line for a tag alone on
/// its line).
pub(super) fn tag_before(source: &str, offset: usize) -> Option<Span> {
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
pub(super) fn merge_of_anchor_at(source: &str, offset: usize) -> Option<Span> {
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
pub(super) fn is_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{85}')
        || (!c.is_control() && c != '\u{fffe}' && c != '\u{ffff}')
}

/// The first character YAML does not allow, from `offset` to the end of its line.
pub(super) fn unprintable_from(source: &str, offset: usize) -> Option<(Span, Option<char>)> {
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
pub(super) fn bad_escape(source: &str, offset: usize) -> Option<Span> {
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
pub(super) fn directive_before(source: &str, offset: usize) -> Option<Span> {
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

/// Where the line holding `offset` starts, and where the line before it starts (the same, on
/// the first line): the parser may report the line after the culprit.
fn line_and_previous(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let previous_start = source[..line_start.saturating_sub(1)]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    (line_start, previous_start)
}

/// A list dash directly followed by a letter (`-name: x`) at the start of the line at `offset`
/// or of the line before: the likely cause of an indentation error there.
pub(super) fn dash_without_space(source: &str, offset: usize) -> Option<Span> {
    let (line_start, previous_start) = line_and_previous(source, offset);
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
pub(super) fn leading_tab(source: &str, offset: usize) -> Option<Span> {
    let (line_start, previous_start) = line_and_previous(source, offset);
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
pub(super) fn alias_at(source: &str, span: Span) -> Option<Span> {
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
pub(super) fn document_marker_before(source: &str, offset: usize) -> Option<Span> {
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
pub(super) fn tab_near(source: &str, offset: usize) -> Option<Span> {
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
pub(super) fn unclosed_flow_bracket(source: &str, offset: usize) -> Option<Span> {
    open_flow_brackets(source, offset)
        .last()
        .map(|&offset| Span { offset, len: 1 })
}

/// The offsets of the flow brackets opened before `offset` and not closed by then, outermost
/// first (see [`unclosed_flow_bracket`]).
pub(super) fn open_flow_brackets(source: &str, offset: usize) -> Vec<usize> {
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
