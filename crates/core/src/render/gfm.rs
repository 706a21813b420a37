//! Text put into GitHub-flavoured Markdown so that a reader sees exactly that text. A
//! pull-request comment is read through cmark-gfm, where a value could otherwise end a table
//! cell, open HTML, close a `<details>` block or a code fence, or mention a team. Values go in
//! code spans fenced longer than any backtick run they hold (pipes escaped in table cells),
//! fenced blocks get a fence no line of theirs can close, and chanctl's own wording has the
//! characters that could start markup escaped. tests/markdown/gfm_check.py renders the result
//! with cmark-gfm itself.
//!
//! A code span cannot hold a line break (in a table cell it would end the row), so a value is
//! shown on one line: a line break as `⏎` (U+23CE), any other control character but the tab as
//! its Unicode control picture (`␍` for a carriage return, `␀` for NUL, `␡` for DEL). A bidi
//! embedding, override or isolate (U+202A–U+202E, U+2066–U+2069) would reorder the text after
//! the value, so it is shown as its code point, `<U+202E>`; right-to-left letters are kept.

use std::borrow::Cow;

/// `value` as shown: on one line, with control characters (not tabs) and bidi controls as
/// visible marks.
pub fn visible(value: &str) -> Cow<'_, str> {
    if !value
        .chars()
        .any(|c| (c.is_ascii_control() && c != '\t') || is_bidi_control(c))
    {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\t' => out.push(c),
            '\n' => out.push('\u{23ce}'),
            '\u{7f}' => out.push('\u{2421}'),
            c if (c as u32) < 0x20 => out.push(char::from_u32(0x2400 + c as u32).unwrap_or(c)),
            c if is_bidi_control(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The length of the longest run of backticks in `s`.
fn longest_backtick_run(s: &str) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// `value` as an inline code span, shown exactly ([`visible`]). The fence
/// is one backtick longer than the longest run inside, so no run closes it early. A space
/// pads both ends where the value starts or ends with a backtick (it would join the fence),
/// or starts and ends with a space (CommonMark strips one from each end; the padding is
/// what gets stripped). An empty value is empty: there is no empty code span. Outside table
/// cells only: see [`cell_code`].
pub fn code(value: &str) -> String {
    if value.is_empty() {
        return String::new();
    }
    let value = visible(value);
    let fence = "`".repeat(longest_backtick_run(&value) + 1);
    let all_spaces = value.chars().all(|c| c == ' ');
    let pad = value.starts_with('`')
        || value.ends_with('`')
        || (value.starts_with(' ') && value.ends_with(' ') && !all_spaces);
    let pad = if pad { " " } else { "" };
    format!("{fence}{pad}{value}{pad}{fence}")
}

/// [`code`] for a table cell: each `|` escaped as `\|`, which GFM takes out again before it
/// reads the code span, so the value keeps its pipes and the row keeps its cells.
pub fn cell_code(value: &str) -> String {
    code(value).replace('|', "\\|")
}

/// chanctl's own wording (reasons, rule messages, field names), in running text or a table
/// cell: the characters that could start markup, HTML, an entity, math or end a cell are
/// backslash-escaped (`_` only where it could start or end emphasis). GitHub still links
/// `@team`, `#12` and addresses in such text, so values never go here: they go in [`code`].
pub fn text(s: &str) -> String {
    let s = visible(s);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let escape = match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '$' => true,
            '_' => {
                let before = i.checked_sub(1).and_then(|j| chars.get(j));
                let after = chars.get(i + 1);
                !(before.is_some_and(|b| b.is_alphanumeric())
                    && after.is_some_and(|a| a.is_alphanumeric()))
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The fence of a fenced code block holding `content`: three backticks, or one more than the
/// longest run in `content`, so that no line of it can close the block.
pub fn fence(content: &str) -> String {
    "`".repeat(longest_backtick_run(content).max(2) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_value_has_one_backtick() {
        assert_eq!(code("sales"), "`sales`");
        assert_eq!(code("@team #12 **bold**"), "`@team #12 **bold**`");
        assert_eq!(code("<script>"), "`<script>`");
    }

    #[test]
    fn the_fence_is_longer_than_any_run_inside() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("a``b"), "```a``b```");
        assert_eq!(code("a```b`c"), "````a```b`c````");
        assert_eq!(code("x````y"), "`````x````y`````");
    }

    #[test]
    fn a_backtick_at_either_end_is_padded() {
        assert_eq!(code("`tick`"), "`` `tick` ``");
        assert_eq!(code("`start"), "`` `start ``");
        assert_eq!(code("end`"), "`` end` ``");
        assert_eq!(code("```"), "```` ``` ````");
    }

    #[test]
    fn spaces_at_both_ends_survive_the_stripping() {
        assert_eq!(code(" spaced "), "`  spaced  `");
        assert_eq!(code(" left"), "` left`");
        // All spaces: CommonMark strips nothing.
        assert_eq!(code("  "), "`  `");
        assert_eq!(code(""), "");
    }

    #[test]
    fn line_breaks_and_controls_are_shown_on_one_line() {
        assert_eq!(code("a\nb\r\nc"), "`a\u{23ce}b\u{240d}\u{23ce}c`");
        assert_eq!(code("nul\0del\u{7f}"), "`nul\u{2400}del\u{2421}`");
        assert_eq!(code("tab\there"), "`tab\there`");
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn bidi_controls_are_shown_and_right_to_left_letters_kept() {
        assert_eq!(code("\u{202e}evil"), "`<U+202E>evil`");
        assert_eq!(code("\u{2067}x\u{2069}"), "`<U+2067>x<U+2069>`");
        assert_eq!(code("مرحبا"), "`مرحبا`");
        // A joiner inside an emoji is not a control.
        assert_eq!(code("👩\u{200d}👧"), "`👩\u{200d}👧`");
    }

    #[test]
    fn a_cell_escapes_pipes_and_only_there() {
        assert_eq!(cell_code("a|b"), "`a\\|b`");
        assert_eq!(cell_code("a\\|b"), "`a\\\\|b`");
        assert_eq!(code("a|b"), "`a|b`");
    }

    #[test]
    fn wording_escapes_what_could_start_markup() {
        assert_eq!(
            text("declared in the file, not in the account"),
            "declared in the file, not in the account"
        );
        assert_eq!(
            text("more than safety.max_change_percent (30%)"),
            "more than safety.max_change_percent (30%)"
        );
        assert_eq!(
            text("_a_ *b* <c> [d] a|b \\ `e` ~f~ &g $h"),
            "\\_a\\_ \\*b\\* \\<c\\> \\[d\\] a\\|b \\\\ \\`e\\` \\~f\\~ \\&g \\$h"
        );
    }

    #[test]
    fn a_block_fence_is_longer_than_any_run_inside() {
        assert_eq!(fence("+ create sales (sms)\n"), "```");
        assert_eq!(fence("a ``` b"), "````");
        assert_eq!(fence("`````"), "``````");
    }
}
