//! What several commands share: the flags for the file, environment, account and scope;
//! reading and validating the file; opening the backend.

use super::Exit;
use super::backend::{Backend, BackendArgs};
use crate::config::yaml::Span;
use crate::config::{self, Desired};
use crate::diagnostic::{Diagnostic, Label, Report};
use crate::plan::Source;
use crate::printer::Printer;
use clap::Args;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// `-f FILE`.
#[derive(Debug, Clone, Args)]
pub struct FileArgs {
    /// The channels file.
    #[arg(
        short = 'f',
        long = "file",
        default_value = "channels.yaml",
        value_name = "FILE"
    )]
    pub file: PathBuf,
}

/// `--env NAME`: which of the file's environments applies.
#[derive(Debug, Clone, Default, Args)]
pub struct EnvArgs {
    /// The environment: apply the file's `environments.NAME` overrides (the default sandbox
    /// becomes .chanctl/sandbox-NAME.json).
    #[arg(long = "env", env = "CHANCTL_ENV", value_name = "NAME")]
    pub env: Option<String>,
}

impl EnvArgs {
    /// The environment's name; an empty CHANCTL_ENV counts as none.
    pub fn name(&self) -> Option<&str> {
        self.env.as_deref().filter(|e| !e.is_empty())
    }
}

/// `-f FILE`, `--env NAME` and the backend flags: the file, its environment and the account
/// they go to (the default sandbox sits beside the file, one per environment).
#[derive(Debug, Clone, Args)]
pub struct AccountArgs {
    #[command(flatten)]
    pub file: FileArgs,
    #[command(flatten)]
    pub env: EnvArgs,
    #[command(flatten)]
    pub backend: BackendArgs,
}

impl AccountArgs {
    /// Open the backend for the file's environment; `write` takes the sandbox's lock.
    pub fn open(&self, quota: u32, write: bool, printer: &Printer) -> Result<Backend, Exit> {
        self.backend
            .open(&self.file.file, quota, write, self.env.name(), printer)
    }
}

/// `--target` / `--exclude`.
#[derive(Debug, Clone, Default, Args)]
pub struct ScopeArgs {
    /// Only channels whose name matches this glob (repeatable).
    #[arg(long = "target", value_name = "GLOB")]
    pub targets: Vec<String>,
    /// Leave out channels whose name matches this glob (repeatable).
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,
}

impl ScopeArgs {
    pub fn scope(&self) -> crate::plan::Scope {
        crate::plan::Scope {
            targets: self.targets.clone(),
            excludes: self.excludes.clone(),
        }
    }
}

/// Read and validate the file for environment `env`, with `${VAR}` references taken from
/// the process environment, printing diagnostics on failure.
pub fn load_file(path: &Path, env: Option<&str>, printer: &Printer) -> Result<Desired, Exit> {
    load_file_with_source(path, env, printer).map(|(desired, _)| desired)
}

/// Like [`load_file`], also returning which file it was (for plans).
pub fn load_file_with_source(
    path: &Path,
    env: Option<&str>,
    printer: &Printer,
) -> Result<(Desired, Source), Exit> {
    let source = read_source(path, printer)?;
    let origin = Source {
        file: path.display().to_string(),
        digest: format!("sha256:{}", hex::encode(Sha256::digest(source.as_bytes()))),
    };
    let vars = |name: &str| std::env::var(name).ok();
    let options = config::LoadOptions {
        environment: env,
        vars: &vars,
    };
    match config::load_with(&source, &options) {
        Ok(desired) => Ok((desired, origin)),
        Err(diagnostics) => {
            let n = diagnostics.len();
            let report = Report {
                file_name: path.display().to_string(),
                source: source.into(),
                diagnostics,
            };
            printer.err(render_report(report, printer.err_style.color).trim_end());
            printer.err(&format!(
                "\n{} {n} problem{} in {}",
                printer.err_style.red("error:"),
                if n == 1 { "" } else { "s" },
                path.display()
            ));
            Err(Exit::Error)
        }
    }
}

/// Lines longer than this are not shown in a diagnostic: a snippet of a 10 MB line helps no
/// one. The diagnostic then gives its `FILE:LINE:COL` without the snippet.
const MAX_SHOWN_LINE: usize = 1000;

/// The diagnostics as the terminal shows them: with snippets of the file where its lines are
/// short enough to show, and nothing from the file that a terminal would take as a control
/// sequence (see [`printable`]).
fn render_report(report: Report, color: bool) -> String {
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
        let (l, c) = crate::diagnostic::line_col(&report.source, label.span.offset);
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

/// The file's text; errors for a missing file, a directory, a file too large, or bytes that
/// are not UTF-8. At most [`config::load::MAX_INPUT_BYTES`] and one byte are read, whatever
/// the file claims to be (`/dev/zero`, a pipe).
fn read_source(path: &Path, printer: &Printer) -> Result<String, Exit> {
    if path.is_dir() {
        printer.error(&format!(
            "{} is a directory, not a channels file",
            path.display()
        ));
        return Err(Exit::Error);
    }
    let meta = std::fs::metadata(path);
    if let Ok(m) = &meta
        && m.len() > config::load::MAX_INPUT_BYTES as u64
    {
        printer.error(&format!(
            "{} is {} bytes; chanctl reads at most {} bytes",
            path.display(),
            m.len(),
            config::load::MAX_INPUT_BYTES
        ));
        return Err(Exit::Error);
    }
    let limit = config::load::MAX_INPUT_BYTES as u64;
    let mut bytes = Vec::new();
    if let Err(e) =
        std::fs::File::open(path).and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
    {
        printer.error(&format!("cannot read {}: {e}", path.display()));
        return Err(Exit::Error);
    }
    if bytes.len() as u64 > limit {
        printer.error(&format!(
            "{} is larger than {limit} bytes; chanctl reads at most {limit} bytes",
            path.display()
        ));
        return Err(Exit::Error);
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes());
            let (line, col) = crate::diagnostic::line_col(&text, offset);
            printer.error(&format!(
                "{}:{line}:{col}: the file is not valid UTF-8 (byte {offset}); save it as UTF-8",
                path.display()
            ));
            Err(Exit::Error)
        }
    }
}

/// The printer for a command that loaded `desired`: it never writes a sensitive value.
pub fn secret_keeping(printer: &Printer, desired: &Desired) -> Printer {
    printer.with_secrets(crate::sensitive::Secrets::new(desired.sensitive_values()))
}

/// A single-threaded runtime for the async provider calls.
pub fn runtime(printer: &Printer) -> Result<tokio::runtime::Runtime, Exit> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            printer.error(&format!("cannot start the async runtime: {e}"));
            Exit::Error
        })
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
        let rendered = render_report(report(src, vec![at(src, "x", "here")]), false);
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
        let rendered = render_report(
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
        let rendered = render_report(report(src, vec![at(src, "2", "two")]), false);
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
