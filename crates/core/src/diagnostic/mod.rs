//! Diagnostics about an input file: what is wrong, where (a byte span in the source), and
//! what to do about it. Rendered with miette as `FILE:LINE:COL` plus the underlined snippet.
//!
//! The pure core produces [`Diagnostic`] values; each output format renders them in a module
//! of its own: [`terminal`] for a person, [`json`] for programs, [`github`] for GitHub
//! Actions annotations and [`sarif`] for code scanning. [`codes`] registers every code.

pub mod codes;
pub mod github;
pub mod json;
pub mod sarif;
pub mod terminal;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::sync::Arc;

/// Where something stands in the source: a byte range (its line and column are computed
/// when a diagnostic is shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

/// A labelled place in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// One problem found in an input file. The first label is the primary one.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// A stable identifier, e.g. `chanctl::schema::type`.
    pub code: &'static str,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            labels: vec![Label {
                span,
                text: label.into(),
            }],
            help: None,
        }
    }

    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Where the primary label starts, for sorting.
    pub fn offset(&self) -> usize {
        self.labels.first().map_or(0, |l| l.span.offset)
    }

    /// The primary label's span (empty at the start of the file when there is none).
    pub fn span(&self) -> Span {
        self.labels.first().map_or(Span::default(), |l| l.span)
    }
}

/// Where a span starts and ends as editors count: 1-based lines and columns in characters,
/// the end being the position just after the span's last character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Region {
    /// The region of `span` in `source` (clamped to the source).
    pub fn of(source: &str, span: Span) -> Region {
        let (line, column) = line_col(source, span.offset);
        let (end_line, end_column) = line_col(source, span.offset.saturating_add(span.len));
        Region {
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// All the diagnostics about one source file.
#[derive(Debug, Clone)]
pub struct Report {
    pub file_name: String,
    pub source: Arc<str>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Render every diagnostic, in source order, with miette's graphical handler; a blank line
    /// separates one from the next.
    pub fn render(&self, color: bool, width: usize) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(width)
            .with_links(false);
        let source = Source {
            name: self.file_name.clone(),
            text: self.source.clone(),
        };
        let mut out = String::new();
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 && !out.ends_with("\n\n") {
                out.push('\n');
            }
            let one = OneDiagnostic {
                d,
                source: &source,
                len: self.source.len(),
            };
            if handler.render_report(&mut out, &one).is_err() {
                out.push_str(&format!("error: {}\n", d.message));
            }
        }
        out
    }

    /// `FILE:LINE:COL: message` per diagnostic, for logs and tests that want one line each.
    pub fn short_lines(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .map(|d| {
                let (line, col) = line_col(&self.source, d.offset());
                format!("{}:{line}:{col}: {}", self.file_name, d.message)
            })
            .collect()
    }
}

/// 1-based line and column (in characters) of a byte offset. A byte order mark at the start
/// of the file is not a column: editors do not show it.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(source, offset.min(source.len()));
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    (line, column(source, offset) + 1)
}

/// 0-based column, in characters, of the byte `offset` (a char boundary) in its line.
fn column(source: &str, offset: usize) -> usize {
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let mut line = &source[line_start..offset];
    if line_start == 0 {
        line = line.strip_prefix('\u{feff}').unwrap_or(line);
    }
    line.chars().count()
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The file as miette reads it. miette counts columns in bytes; this counts them in
/// characters (as editors and [`line_col`] do), so that `FILE:LINE:COL` is right on lines with
/// non-ASCII text (emoji, accents, a byte order mark).
#[derive(Debug)]
struct Source {
    name: String,
    text: Arc<str>,
}

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_ref()
                .read_span(span, context_lines_before, context_lines_after)?;
        let offset = floor_char_boundary(&self.text, span.offset().min(self.text.len()));
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column(&self.text, offset),
            inner.line_count(),
        )))
    }
}

struct OneDiagnostic<'a> {
    d: &'a Diagnostic,
    source: &'a Source,
    len: usize,
}

impl fmt::Debug for OneDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for OneDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for OneDiagnostic<'_> {}

impl miette::Diagnostic for OneDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.d.code))
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let len = self.len;
        Some(Box::new(self.d.labels.iter().enumerate().map(
            move |(i, l)| {
                let start = l.span.offset.min(len);
                let span_len = l.span.len.min(len - start);
                let span = SourceSpan::new(start.into(), span_len);
                if i == 0 {
                    LabeledSpan::new_primary_with_span(Some(l.text.clone()), span)
                } else {
                    LabeledSpan::new_with_span(Some(l.text.clone()), span)
                }
            },
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let src = "a: 1\nb: é x\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 5), (2, 1));
        let x = src.find('x').unwrap();
        assert_eq!(line_col(src, x), (2, 6));
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let src = "\u{feff}version: 2\n";
        let two = src.find('2').unwrap();
        assert_eq!(line_col(src, two), (1, 10));
        assert_eq!(line_col(src, 3), (1, 1));
    }

    #[test]
    fn diagnostics_are_separated_by_a_blank_line() {
        let report = Report {
            file_name: "f.yaml".to_string(),
            source: "a: 1\nb: 2\n".into(),
            diagnostics: vec![
                Diagnostic::new("one", "first", Span { offset: 0, len: 1 }, "a")
                    .with_help("help one"),
                Diagnostic::new("two", "second", Span { offset: 5, len: 1 }, "b"),
            ],
        };
        let rendered = report.render(false, 100);
        assert!(rendered.contains("help one\n\ntwo\n"), "{rendered}");
    }

    fn render(source: &str, offset: usize) -> String {
        Report {
            file_name: "f.yaml".to_string(),
            source: source.into(),
            diagnostics: vec![Diagnostic::new(
                "test",
                "message",
                Span { offset, len: 1 },
                "label",
            )],
        }
        .render(false, 100)
    }

    #[test]
    fn the_rendered_location_counts_characters_not_bytes() {
        // miette on its own would say 1:15 (the emoji is 4 bytes) and 1:13 (the BOM is 3).
        let src = "a: [\"🎉 x\", \"\"]\n";
        let rendered = render(src, src.rfind('"').unwrap() - 1);
        assert!(rendered.contains("[f.yaml:1:12]"), "{rendered}");
        let src = "\u{feff}version: 2\n";
        let rendered = render(src, src.find('2').unwrap());
        assert!(rendered.contains("[f.yaml:1:10]"), "{rendered}");
        let src = "a: 1\r\nb: é\r\nc: x\r\n";
        let rendered = render(src, src.find('x').unwrap());
        assert!(rendered.contains("[f.yaml:3:4]"), "{rendered}");
    }
}
