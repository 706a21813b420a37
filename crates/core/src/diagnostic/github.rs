//! `validate --format github`: diagnostics as GitHub Actions workflow commands
//! (`::error file=…,line=…,col=…,title=CODE::message`), so that a workflow step that runs
//! `chanctl validate` annotates the pull request's diff at each problem.
//!
//! Values are escaped as GitHub's runner expects (actions/toolkit's `command.ts`): in the
//! message `%`, `\r` and `\n`; in a property also `:` and `,`. Other control characters,
//! which the log would interpret, are written as `\u{…}`.

use super::{Region, Report, codes};

/// One workflow command per diagnostic of each file in `reports`, each on a line of its own.
/// The message carries the help after a blank line (shown under the annotation).
pub fn render(reports: &[Report]) -> String {
    let mut out = String::new();
    for (report, d) in reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(move |d| (r, d)))
    {
        let at = Region::of(&report.source, d.span());
        let mut properties = vec![
            ("file", report.file_name.clone()),
            ("line", at.line.to_string()),
            ("col", at.column.to_string()),
        ];
        if at.end_line > at.line {
            properties.push(("endLine", at.end_line.to_string()));
        } else if at.end_column > at.column {
            properties.push(("endColumn", at.end_column.to_string()));
        }
        properties.push(("title", d.code.to_string()));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\n\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&command(
            codes::severity(d.code).as_str(),
            &properties,
            &message,
        ));
        out.push('\n');
    }
    out
}

/// `::NAME k=v,k=v::message`, escaped.
pub fn command(name: &str, properties: &[(&str, String)], message: &str) -> String {
    let properties: Vec<String> = properties
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    let space = if properties.is_empty() { "" } else { " " };
    format!(
        "::{name}{space}{}::{}",
        properties.join(","),
        escape_data(message)
    )
}

/// A message: `%`, `\r`, `\n` as `%25`, `%0D`, `%0A`; other control characters as `\u{…}`.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// A property value: as [`escape_data`], and `:` and `,` as `%3A` and `%2C`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Span};

    #[test]
    fn one_command_per_diagnostic_with_escapes() {
        let report = Report {
            file_name: "dir,a:b/c.yaml".into(),
            source: "a: 1\nb: 2\n".into(),
            diagnostics: vec![
                Diagnostic::new(
                    "chanctl::schema::type",
                    "100% wrong\r\nreally",
                    Span { offset: 8, len: 1 },
                    "x",
                )
                .with_help("do: this, then that"),
                Diagnostic::new(
                    "chanctl::yaml::syntax",
                    "esc \u{1b}[2J",
                    Span { offset: 0, len: 7 },
                    "y",
                ),
            ],
        };
        let out = render(std::slice::from_ref(&report));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines,
            [
                "::error file=dir%2Ca%3Ab/c.yaml,line=2,col=4,endColumn=5,title=chanctl%3A%3Aschema%3A%3Atype::100%25 wrong%0D%0Areally%0A%0Ahelp: do: this, then that",
                "::error file=dir%2Ca%3Ab/c.yaml,line=1,col=1,endLine=2,title=chanctl%3A%3Ayaml%3A%3Asyntax::esc \\u{1b}[2J",
            ]
        );
    }
}
