//! How a changed text is shown: the words that changed, found by `similar`'s word diff, as
//! git's `[-removed-]{+added+}` inline form or as two coloured lines. Kept apart from the
//! plan's terminal layout (text.rs), which decides where a changed value goes, not how its
//! words are marked.

use super::style::Style;
use similar::{ChangeTag, TextDiff};
use std::fmt::Write;

/// An inline word diff: `[-removed-]{+added+}` without colour, red and green with it.
pub fn word_diff(before: &str, after: &str, style: Style) -> String {
    let diff = TextDiff::from_words(before, after);
    let mut out = String::from("\"");
    // Runs of removed and added words, so that a changed phrase reads as one edit.
    let mut removed = String::new();
    let mut added = String::new();
    // One run, coloured or between its markers, then emptied for the next.
    let run =
        |out: &mut String, words: &mut String, paint: fn(Style, &str) -> String, open, close| {
            if words.is_empty() {
                return;
            }
            if style.color {
                out.push_str(&paint(style, words));
            } else {
                let _ = write!(out, "{open}{words}{close}");
            }
            words.clear();
        };
    let flush = |out: &mut String, removed: &mut String, added: &mut String| {
        run(out, removed, Style::red, "[-", "-]");
        run(out, added, Style::green, "{+", "+}");
    };
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Equal => {
                flush(&mut out, &mut removed, &mut added);
                out.push_str(change.value());
            }
            ChangeTag::Delete => removed.push_str(change.value()),
            ChangeTag::Insert => added.push_str(change.value()),
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out.push('"');
    out
}

/// A changed value as two quoted lines, before in red and after in green, each with the
/// words that changed emphasised (bold and underlined).
pub fn word_lines(before: &str, after: &str, style: Style) -> (String, String) {
    let diff = TextDiff::from_words(before, after);
    let (mut old, mut new) = (String::from("\""), String::from("\""));
    for change in diff.iter_all_changes() {
        let value = change.value();
        match change.tag() {
            ChangeTag::Equal => {
                old.push_str(&style.red(value));
                new.push_str(&style.green(value));
            }
            ChangeTag::Delete => old.push_str(&style.strong_red(value)),
            ChangeTag::Insert => new.push_str(&style.strong_green(value)),
        }
    }
    old.push('"');
    new.push('"');
    (old, new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_description_reads_as_before_and_after_lines_in_colour() {
        let style = Style { color: true };
        let (before, after) = word_lines("OTP codes", "One-time codes", style);
        let plain = |s: &str| {
            let mut out = String::new();
            let mut chars = s.chars();
            while let Some(c) = chars.next() {
                if c == '\x1b' {
                    chars.by_ref().find(|&c| c == 'm');
                } else {
                    out.push(c);
                }
            }
            out
        };
        assert_eq!(plain(&before), "\"OTP codes\"");
        assert_eq!(plain(&after), "\"One-time codes\"");
        assert!(before.contains(&style.strong_red("OTP")), "{before:?}");
        assert!(after.contains(&style.strong_green("One-time")), "{after:?}");
        assert!(!before.contains(&style.strong_red("codes")), "{before:?}");
        // Without colour, git's word-diff form.
        assert_eq!(
            word_diff("OTP codes", "One-time codes", Style::PLAIN),
            "\"[-OTP-]{+One-time+} codes\""
        );
    }
}
