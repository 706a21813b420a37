//! Diagnostics as a terminal shows them: miette's snippets where the file's lines are short
//! enough to show, `FILE:LINE:COL` alone where they are not, and nothing from the file that a
//! terminal would take as a control sequence. Pure: text in, text out.

use super::{Diagnostic, Label, Report, Span};

/// Lines longer than this are not shown in a diagnostic: a snippet of a 10 MB line helps no
/// one. The diagnostic then gives its `FILE:LINE:COL` without the snippet.
const MAX_SHOWN_LINE: usize = 1000;

/// The diagnostics of several files (a channels file's included files), one file after the
/// other, a blank line between them.
pub fn render_all(reports: &[Report], color: bool) -> String {
    let rendered: Vec<String> = reports
        .iter()
        .map(|r| render(r.clone(), color).trim_end().to_string())
        .collect();
    rendered.join("\n\n")
}

/// The diagnostics as the terminal shows them: with snippets of the file where its lines are
/// short enough to show, and nothing from the file that a terminal would take as a control
/// sequence (see [`printable`]).
pub fn render(report: Report, color: bool) -> String {
    let report = printable(report);
    let mut out = String::new();
    for d in &report.diagnostics {
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
        match long_line_near(&report.source, d) {
            None => {
                let one = Report {
                    file_name: report.file_name.clone(),
                    source: report.source.clone(),
                    diagnostics: vec![d.clone()],
                };
                out.push_str(&one.render(color, 100));
            }
            Some((line, chars)) => out.push_str(&without_snippet(&report, d, line, chars)),
        }
    }
    out
}

/// The first line longer than [`MAX_SHOWN_LINE`] characters that a snippet of `d` would show
/// (each label's lines and the one before and after), with its length in characters.
fn long_line_near(source: &str, d: &Diagnostic) -> Option<(usize, usize)> {
    let len = source.len();
    d.labels.iter().find_map(|label| {
        let start = label.span.offset.min(len);
        let end = (label.span.offset + label.span.len).min(len);
        let first = source[..start].rfind('\n').map_or(0, |i| i + 1);
        // One line of context before, one after.
        let first = source[..first.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let last = source[end..]
            .find('\n')
            .map_or(len, |i| end + i + 1)
            .min(len);
        let last = source[last..].find('\n').map_or(len, |i| last + i);
        let first_line = source[..first].matches('\n').count() + 1;
        source[first..last]
            .split('\n')
            .enumerate()
            .find(|(_, l)| l.len() > MAX_SHOWN_LINE && l.chars().count() > MAX_SHOWN_LINE)
            .map(|(i, l)| (first_line + i, l.chars().count()))
    })
}

/// A diagnostic without the snippet: its message, `FILE:LINE:COL` and label for each place,
/// and its help.
fn without_snippet(report: &Report, d: &Diagnostic, line: usize, chars: usize) -> String {
    let mut out = format!("{}\n\n  × {}\n", d.code, d.message);
    for (i, label) in d.labels.iter().enumerate() {
        let (l, c) = super::line_col(&report.source, label.span.offset);
        let at = if i == 0 { "at" } else { "and" };
        out.push_str(&format!(
            "  {at} {}:{l}:{c}: {}\n",
            report.file_name, label.text
        ));
    }
    out.push_str(&format!(
        "  (line {line} is {chars} characters long: too long to show)\n"
    ));
    if let Some(help) = &d.help {
        out.push_str(&wrapped("  help: ", help, 100));
    }
    out
}

/// `text` after `prefix`, wrapped at `width` columns with the lines after the first indented
/// like the first, as miette shows help.
fn wrapped(prefix: &str, text: &str, width: usize) -> String {
    let indent = " ".repeat(prefix.chars().count());
    let mut out = String::new();
    let mut line = prefix.to_string();
    let mut empty = true;
    for word in text.split(' ') {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.clone();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// The report with what a terminal would act on made visible: control characters of the file
/// (an escape sequence could recolour, retitle or clear the screen, a lone carriage return
/// hide text) become symbols (`␛`), and bidirectional overrides, which reorder what is shown,
/// become `�`; the spans move with them. In the messages, which quote keys and values, such
/// characters become escapes (`\u{1b}`).
fn printable(report: Report) -> Report {
    let source = &report.source;
    let mut text = String::with_capacity(source.len());
    // (offset in `source` just after a replaced character, bytes added so far)
    let mut shifts: Vec<(usize, usize)> = Vec::new();
    let mut added = 0;
    for (i, c) in source.char_indices() {
        let lone_cr = c == '\r' && !source[i + 1..].starts_with('\n');
        let shown = match c {
            '\t' | '\n' => None,
            '\r' if !lone_cr => None,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)),
            '\u{7f}' => Some('\u{2421}'),
            c if c.is_control() || is_bidi_control(c) => Some('\u{fffd}'),
            _ => None,
        };
        match shown {
            Some(v) => {
                text.push(v);
                added += v.len_utf8() - c.len_utf8();
                shifts.push((i + c.len_utf8(), added));
            }
            None => text.push(c),
        }
    }
    if shifts.is_empty() && !report.diagnostics.iter().any(has_unprintable_text) {
        return report;
    }
    let moved = |offset: usize| {
        let n = shifts.partition_point(|&(after, _)| after <= offset);
        offset + n.checked_sub(1).map_or(0, |k| shifts[k].1)
    };
    let escaped = |s: &str| {
        s.chars()
            .map(|c| {
                if (c.is_control() && c != '\n') || is_bidi_control(c) {
                    format!("\\u{{{:x}}}", u32::from(c))
                } else {
                    c.to_string()
                }
            })
            .collect::<String>()
    };
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| Diagnostic {
            code: d.code,
            message: escaped(&d.message),
            labels: d
                .labels
                .iter()
                .map(|l| {
                    let start = moved(l.span.offset);
                    let end = moved(l.span.offset + l.span.len);
                    Label {
                        span: Span {
                            offset: start,
                            len: end - start,
                        },
                        text: escaped(&l.text),
                    }
                })
                .collect(),
            help: d.help.as_deref().map(escaped),
        })
        .collect();
    Report {
        file_name: report.file_name,
        source: text.into(),
        diagnostics,
    }
}

/// Whether a diagnostic's texts hold a character [`printable`] escapes.
fn has_unprintable_text(d: &Diagnostic) -> bool {
    let bad = |s: &str| {
        s.chars()
            .any(|c| (c.is_control() && c != '\n') || is_bidi_control(c))
    };
    bad(&d.message) || d.labels.iter().any(|l| bad(&l.text)) || d.help.as_deref().is_some_and(bad)
}

/// The invisible characters that make a terminal reorder the text around them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(source: &str, diagnostics: Vec<Diagnostic>) -> Report {
        Report {
            file_name: "f.yaml".to_string(),
            source: source.into(),
            diagnostics,
        }
    }

    fn at(source: &str, needle: &str, text: &str) -> Diagnostic {
        let span = Span {
            offset: source.find(needle).expect("the needle is in the source"),
            len: needle.len(),
        };
        Diagnostic::new("test", "message", span, text)
    }

    #[test]
    fn control_characters_of_the_file_are_shown_as_symbols_and_spans_follow() {
        let src = "a: \u{1b}[2J\u{0}x\r\nb: \u{9b}y\rz\n";
        let out = printable(report(
            src,
            vec![at(src, "x", "here"), at(src, "y", "there")],
        ));
        assert_eq!(&*out.source, "a: ␛[2J␀x\r\nb: \u{fffd}y␍z\n");
        for (d, needle) in out.diagnostics.iter().zip(["x", "y"]) {
            let s = d.labels[0].span;
            assert_eq!(&out.source[s.offset..s.offset + s.len], needle);
        }
        let rendered = render(report(src, vec![at(src, "x", "here")]), false);
        assert!(!rendered.contains('\u{1b}'), "{rendered:?}");
        assert!(rendered.contains("[f.yaml:1:9]"), "{rendered}");
    }

    #[test]
    fn control_characters_in_messages_become_escapes() {
        let src = "a: 1\n";
        let mut d = at(src, "1", "label \u{7}");
        d.message = "unknown key `\u{1b}[31mred`".to_string();
        d.help = Some("bidi \u{202e}text".to_string());
        let out = printable(report(src, vec![d]));
        let d = &out.diagnostics[0];
        assert_eq!(d.message, "unknown key `\\u{1b}[31mred`");
        assert_eq!(d.labels[0].text, "label \\u{7}");
        assert_eq!(d.help.as_deref(), Some("bidi \\u{202e}text"));
        // A clean report is left as it is.
        let clean = printable(report(src, vec![at(src, "1", "one")]));
        assert_eq!(clean.diagnostics[0].labels[0].span.offset, 3);
    }

    #[test]
    fn a_line_too_long_to_show_gives_the_location_without_a_snippet() {
        let src = format!("a: 1\nb: {}\nc: 3\n", "x".repeat(5000));
        let rendered = render(
            report(
                &src,
                vec![
                    at(&src, "1", "short line").with_help("the help"),
                    at(&src, "xxx", "long line").with_help("more help"),
                    at(&src, "3", "next to a long line"),
                ],
            ),
            false,
        );
        assert!(rendered.len() < 2000, "{rendered}");
        // Line 1's snippet would show line 2 after it: no snippet either.
        assert!(rendered.contains("at f.yaml:1:4: short line"), "{rendered}");
        assert!(rendered.contains("at f.yaml:2:4: long line"), "{rendered}");
        assert!(
            rendered.contains("(line 2 is 5003 characters long"),
            "{rendered}"
        );
        assert!(
            rendered.contains("at f.yaml:3:4: next to a long line"),
            "{rendered}"
        );
        assert!(rendered.contains("help: more help"), "{rendered}");
        let src = "a: 1\nb: 2\nc: 3\n";
        let rendered = render(report(src, vec![at(src, "2", "two")]), false);
        assert!(rendered.contains("[f.yaml:2:4]"), "{rendered}");
        assert!(rendered.contains("b: 2"), "{rendered}");
    }

    #[test]
    fn help_is_wrapped_like_miette_wraps_it() {
        let help = "word ".repeat(40);
        let out = wrapped("  help: ", help.trim(), 40);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() > 4, "{out}");
        assert!(lines[0].starts_with("  help: word"), "{out}");
        assert!(lines[1].starts_with("        word"), "{out}");
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{out}");
    }
}
