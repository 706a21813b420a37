//! `validate --format sarif`: diagnostics as a SARIF 2.1.0 log, the format GitHub code
//! scanning (and other static-analysis dashboards) upload. Each registered code is a rule
//! with its summary and explanation; each diagnostic is a result at its region, its other
//! labels related locations. Columns count Unicode code points, as chanctl's do.

use super::{Region, Report, codes};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

/// The schema a SARIF 2.1.0 log names.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Who made the log.
#[derive(Debug, Clone, Copy)]
pub struct Tool<'a> {
    pub name: &'a str,
    pub version: &'a str,
    /// Where to read about the tool (its repository or home page).
    pub information_uri: &'a str,
}

/// The SARIF log of `reports`, one per file that has problems (possibly one without
/// diagnostics: a valid file is a run with no results), pretty-printed with a final newline.
pub fn render(reports: &[Report], tool: Tool<'_>) -> String {
    let mut s = serde_json::to_string_pretty(&log(reports, tool))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// The SARIF log as a JSON value: one run, an artifact per file, the results of every file.
pub fn log(reports: &[Report], tool: Tool<'_>) -> Value {
    let rules: Vec<Value> = codes::ALL.iter().map(rule).collect();
    let artifacts: Vec<Value> = reports
        .iter()
        .map(|r| json!({"location": {"uri": file_uri(&r.file_name)}, "sourceLanguage": "yaml"}))
        .collect();
    let results: Vec<Value> = reports.iter().flat_map(results_of).collect();
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": tool.name,
                    "version": tool.version,
                    "informationUri": tool.information_uri,
                    "rules": rules,
                }
            },
            "artifacts": artifacts,
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// The results of one file.
fn results_of(report: &Report) -> Vec<Value> {
    let uri = file_uri(&report.file_name);
    let location = |span, message: Option<&str>| {
        let at = Region::of(&report.source, span);
        let super::Span { offset, len } = span;
        let mut location = json!({
            "physicalLocation": {
                "artifactLocation": {"uri": uri},
                "region": {
                    "startLine": at.line,
                    "startColumn": at.column,
                    "endLine": at.end_line,
                    "endColumn": at.end_column,
                    "byteOffset": offset,
                    "byteLength": len,
                }
            }
        });
        if let Some(text) = message {
            location["message"] = json!({"text": text});
        }
        location
    };
    report
        .diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let mut result = json!({
                "ruleId": d.code,
                "level": codes::severity(d.code).as_str(),
                "message": {"text": text},
                "locations": [location(d.span(), None)],
            });
            if let Some(i) = codes::ALL.iter().position(|c| c.code == d.code) {
                result["ruleIndex"] = json!(i);
            }
            let related: Vec<Value> = d
                .labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut r = location(l.span, Some(&l.text));
                    r["id"] = json!(i);
                    r
                })
                .collect();
            if related.len() > 1 {
                result["relatedLocations"] = Value::Array(related);
            }
            result
        })
        .collect()
}

fn rule(code: &codes::Code) -> Value {
    let short = code.code.strip_prefix("chanctl::").unwrap_or(code.code);
    json!({
        "id": code.code,
        "name": short.replace("::", "/"),
        "shortDescription": {"text": code.summary},
        "fullDescription": {"text": code.explanation},
        "help": {"text": format!("{}\n\nRun `chanctl explain {}` for this text.", code.explanation, code.code)},
        "defaultConfiguration": {"level": code.severity.as_str()},
    })
}

/// What a path segment keeps unescaped in a URI: letters, digits and `-._~`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The file as a URI reference: a relative path stays relative (as code scanning wants it,
/// from the repository's root), `/` separated; an absolute one becomes a `file://` URI.
pub fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let encoded: Vec<String> = path
        .split('/')
        .map(|segment| utf8_percent_encode(segment, SEGMENT).to_string())
        .collect();
    let encoded = encoded.join("/");
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else if path.as_bytes().get(1) == Some(&b':') {
        // A Windows drive (`C:/…`): the colon stays.
        format!("file:///{}", encoded.replacen("%3A", ":", 1))
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Span};

    const TOOL: Tool<'static> = Tool {
        name: "chanctl",
        version: "0.0.0",
        information_uri: "https://example.com/chanctl",
    };

    #[test]
    fn results_point_at_their_rule_and_region() {
        let report = Report {
            file_name: "./my dir/channels.yaml".into(),
            source: "a: 1\nb: 2\n".into(),
            diagnostics: vec![
                Diagnostic::new(
                    "chanctl::schema::type",
                    "m",
                    Span { offset: 8, len: 1 },
                    "x",
                )
                .with_label(Span { offset: 0, len: 1 }, "first"),
            ],
        };
        let log = log(std::slice::from_ref(&report), TOOL);
        let run = &log["runs"][0];
        let result = &run["results"][0];
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            run["tool"]["driver"]["rules"][index]["id"],
            "chanctl::schema::type"
        );
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"],
            "my%20dir/channels.yaml"
        );
        assert_eq!(location["region"]["startLine"], 2);
        assert_eq!(location["region"]["startColumn"], 4);
        assert_eq!(location["region"]["endColumn"], 5);
        assert_eq!(result["relatedLocations"][1]["message"]["text"], "first");
    }

    #[test]
    fn file_uris() {
        assert_eq!(file_uri("channels.yaml"), "channels.yaml");
        assert_eq!(file_uri("/tmp/a b.yaml"), "file:///tmp/a%20b.yaml");
        assert_eq!(file_uri("C:\\x\\c.yaml"), "file:///C:/x/c.yaml");
        assert_eq!(file_uri("é#?.yaml"), "%C3%A9%23%3F.yaml");
    }
}
