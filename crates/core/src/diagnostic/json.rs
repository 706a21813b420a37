//! `validate --format json`: the result of a validation as one JSON document, with one object
//! per diagnostic, for programs (editors, bots, CI steps) that read it instead of a person.
//! Its shape is [`Validation`], whose JSON Schema is committed at
//! crates/core/schemas/diagnostics.schema.json (published as schemas/diagnostics.schema.json).

use super::{Region, Report, codes};
use schemars::JsonSchema;
use serde::Serialize;

/// The version of this document's shape; a change that drops or retypes a field raises it.
pub const FORMAT_VERSION: u32 = 1;

/// What `chanctl validate --format json` prints.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "chanctl validate --format json")]
pub struct Validation {
    /// The version of this shape: 1.
    #[schemars(range(min = 1, max = 1))]
    pub format_version: u32,
    /// The channels file, as named on the command line.
    pub file: String,
    /// Whether the file is valid (then `diagnostics` is empty).
    pub valid: bool,
    /// The environment it was checked for (`--env`); null for the file as written.
    pub environment: Option<String>,
    /// For a valid file: what it declares. Null for an invalid one.
    pub summary: Option<Summary>,
    /// Every problem found, in the order of the file.
    pub diagnostics: Vec<JsonDiagnostic>,
}

/// What a valid file declares.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// How many channels.
    pub channels: usize,
    /// The account's channel quota.
    pub quota: u32,
    /// The environments the file defines (check each with `--env`).
    pub environments: Vec<String>,
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum JsonSeverity {
    Error,
    Warning,
}

/// One problem, where it is, and what to do about it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonDiagnostic {
    /// A stable identifier (`chanctl::schema::type`); `chanctl explain CODE` tells more.
    #[schemars(regex(pattern = r"^chanctl::[a-z_]+::[a-z_]+$"))]
    pub code: String,
    pub severity: JsonSeverity,
    pub message: String,
    /// What to do about it, when chanctl knows.
    pub help: Option<String>,
    /// The file the problem is in.
    pub file: String,
    /// 1-based line of the start of the primary span.
    #[schemars(range(min = 1))]
    pub line: usize,
    /// 1-based column, in characters, of the start of the primary span.
    #[schemars(range(min = 1))]
    pub column: usize,
    /// 1-based line just after the primary span.
    #[schemars(range(min = 1))]
    pub end_line: usize,
    /// 1-based column, in characters, just after the primary span.
    #[schemars(range(min = 1))]
    pub end_column: usize,
    /// The primary span, in bytes of the file.
    pub span: JsonSpan,
    /// Every labelled place, the primary one first.
    pub labels: Vec<JsonLabel>,
}

/// A byte range of the file.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonSpan {
    /// Bytes from the start of the file.
    pub offset: usize,
    /// Length in bytes (0: a point between two characters).
    pub len: usize,
}

/// A labelled place.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonLabel {
    pub message: String,
    #[schemars(range(min = 1))]
    pub line: usize,
    #[schemars(range(min = 1))]
    pub column: usize,
    pub span: JsonSpan,
}

/// The document for an invalid channels file `file`: `reports` holds the problems of each file
/// that has some (the channels file, or the template files it includes; each diagnostic names
/// its file).
pub fn invalid(file: &str, reports: &[Report], environment: Option<&str>) -> Validation {
    let diagnostics = reports.iter().flat_map(diagnostics_of).collect();
    Validation {
        format_version: FORMAT_VERSION,
        file: file.to_string(),
        valid: false,
        environment: environment.map(str::to_string),
        summary: None,
        diagnostics,
    }
}

/// The diagnostics of one file.
fn diagnostics_of(report: &Report) -> Vec<JsonDiagnostic> {
    let source = &report.source;
    report
        .diagnostics
        .iter()
        .map(|d| {
            let span = d.span();
            let at = Region::of(source, span);
            JsonDiagnostic {
                code: d.code.to_string(),
                severity: match codes::severity(d.code) {
                    codes::Severity::Error => JsonSeverity::Error,
                    codes::Severity::Warning => JsonSeverity::Warning,
                },
                message: d.message.clone(),
                help: d.help.clone(),
                file: report.file_name.clone(),
                line: at.line,
                column: at.column,
                end_line: at.end_line,
                end_column: at.end_column,
                span: JsonSpan {
                    offset: span.offset,
                    len: span.len,
                },
                labels: d
                    .labels
                    .iter()
                    .map(|l| {
                        let at = Region::of(source, l.span);
                        JsonLabel {
                            message: l.text.clone(),
                            line: at.line,
                            column: at.column,
                            span: JsonSpan {
                                offset: l.span.offset,
                                len: l.span.len,
                            },
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The document for a valid file.
pub fn valid(file: &str, environment: Option<&str>, summary: Summary) -> Validation {
    Validation {
        format_version: FORMAT_VERSION,
        file: file.to_string(),
        valid: true,
        environment: environment.map(str::to_string),
        summary: Some(summary),
        diagnostics: Vec::new(),
    }
}

/// `validation` as pretty JSON with a final newline.
pub fn render(validation: &Validation) -> String {
    let mut s = serde_json::to_string_pretty(validation)
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// The JSON Schema of [`Validation`], pretty-printed with a final newline.
pub fn schema() -> String {
    let schema = schemars::schema_for!(Validation);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Span};

    const COMMITTED: &str = include_str!("../../schemas/diagnostics.schema.json");

    /// `CHANCTL_UPDATE_SCHEMA=1 cargo test committed_diagnostics_schema` rewrites it.
    #[test]
    fn committed_diagnostics_schema_matches_the_types() {
        let generated = schema();
        if std::env::var_os("CHANCTL_UPDATE_SCHEMA").is_some() {
            crate::config::schema::write_committed("diagnostics.schema.json", &generated);
            return;
        }
        assert!(
            generated == COMMITTED,
            "crates/core/schemas/diagnostics.schema.json is out of date: run \
             `CHANCTL_UPDATE_SCHEMA=1 cargo test committed_diagnostics_schema`"
        );
    }

    fn report() -> Report {
        Report {
            file_name: "channels.yaml".into(),
            source: "version: 1\nchannels:\n  - name: é x\n".into(),
            diagnostics: vec![
                Diagnostic::new(
                    "chanctl::schema::type",
                    "bad",
                    Span { offset: 34, len: 1 },
                    "here",
                )
                .with_label(Span { offset: 0, len: 7 }, "and here")
                .with_help("fix it"),
            ],
        }
    }

    #[test]
    fn positions_count_characters_and_spans_bytes() {
        let v = invalid("channels.yaml", &[report()], Some("prod"));
        let d = &v.diagnostics[0];
        assert_eq!((d.line, d.column, d.end_line, d.end_column), (3, 13, 3, 14));
        assert_eq!((d.span.offset, d.span.len), (34, 1));
        assert_eq!(d.labels.len(), 2);
        assert_eq!((d.labels[1].line, d.labels[1].column), (1, 1));
        assert!(!v.valid && v.summary.is_none());
    }

    #[test]
    fn output_validates_against_the_committed_schema() {
        let schema: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let ok = valid(
            "c.yaml",
            None,
            Summary {
                channels: 2,
                quota: 100,
                environments: vec!["prod".into()],
            },
        );
        for v in [invalid("channels.yaml", &[report()], Some("prod")), ok] {
            let value: serde_json::Value = serde_json::from_str(&render(&v)).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{errors:#?}");
        }
    }
}
