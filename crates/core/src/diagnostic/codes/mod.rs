//! Every diagnostic code chanctl emits, in one place: its severity, a one-line summary and
//! the long explanation that `chanctl explain CODE` prints and the SARIF output carries as
//! the rule's help. A test in the chanctl crate checks that every code written in the
//! sources is here, and that a fixture in fixtures/invalid produces it.

use crate::config::fuzzy;

/// How serious a diagnostic is. Every code chanctl has today is an error (the file is not
/// loaded); warnings are for later codes that let the file load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One diagnostic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// `chanctl::AREA::NAME`.
    pub code: &'static str,
    pub severity: Severity,
    /// One line: what the problem is.
    pub summary: &'static str,
    /// Paragraphs: why it is a problem and how to fix it.
    pub explanation: &'static str,
    /// Why no file in fixtures/invalid produces it, for the codes `chanctl validate` cannot
    /// reach on a file alone; `None` for the others (their fixture is checked).
    pub no_fixture: Option<&'static str>,
}

const fn error(code: &'static str, summary: &'static str, explanation: &'static str) -> Code {
    Code {
        code,
        severity: Severity::Error,
        summary,
        explanation,
        no_fixture: None,
    }
}

const fn unreachable_by_fixture(code: Code, why: &'static str) -> Code {
    Code {
        no_fixture: Some(why),
        ..code
    }
}

mod table;

pub use table::ALL;

/// The code `code` (`chanctl::schema::type`), or its short form without `chanctl::`.
pub fn lookup(code: &str) -> Option<&'static Code> {
    let code = code.trim();
    ALL.iter()
        .find(|c| c.code == code || c.code.strip_prefix("chanctl::") == Some(code))
}

/// The severity of `code`: an error for a code that is not registered.
pub fn severity(code: &str) -> Severity {
    lookup(code).map_or(Severity::Error, |c| c.severity)
}

/// The long help of `code`, as `chanctl explain` prints it; or, for a code that does not
/// exist, why not with the nearest codes.
pub fn explain(code: &str) -> Result<String, String> {
    let Some(c) = lookup(code) else {
        return Err(unknown(code));
    };
    let mut out = format!("{} ({})\n\n{}\n\n", c.code, c.severity.as_str(), c.summary);
    out.push_str(&wrap(c.explanation, 90));
    Ok(out)
}

fn unknown(code: &str) -> String {
    let short = |c: &Code| c.code.strip_prefix("chanctl::").unwrap_or(c.code);
    let wanted = code.trim().strip_prefix("chanctl::").unwrap_or(code.trim());
    let mut near: Vec<(usize, &str)> = ALL
        .iter()
        .filter(|c| {
            fuzzy::similar(short(c), wanted)
                || short(c).rsplit("::").next() == wanted.rsplit("::").next()
        })
        .map(|c| (fuzzy::edit_distance(short(c), wanted), c.code))
        .collect();
    near.sort();
    let mut message = format!("`{code}` is not a chanctl diagnostic code");
    if near.is_empty() {
        message.push_str("; the codes are:");
        for c in ALL {
            message.push_str(&format!("\n  {}", c.code));
        }
    } else {
        message.push_str("; did you mean ");
        let names: Vec<String> = near.iter().take(3).map(|(_, c)| format!("`{c}`")).collect();
        message.push_str(&names.join(" or "));
        message.push('?');
    }
    message
}

/// `text` broken into lines of at most `width` characters (a word longer than that stands
/// alone), ending with a newline.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for c in ALL {
            assert!(seen.insert(c.code), "{} twice", c.code);
            let parts: Vec<&str> = c.code.split("::").collect();
            assert!(
                parts.len() == 3
                    && parts[0] == "chanctl"
                    && parts[1..].iter().all(|p| !p.is_empty()
                        && p.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')),
                "{}",
                c.code
            );
            assert!(
                !c.summary.is_empty() && c.explanation.len() > 40,
                "{}",
                c.code
            );
        }
    }

    #[test]
    fn explain_takes_the_full_or_the_short_code() {
        let full = explain("chanctl::schema::type").unwrap();
        assert_eq!(explain("schema::type").unwrap(), full);
        assert!(
            full.starts_with("chanctl::schema::type (error)\n\na value has the wrong type\n\n")
        );
        assert!(full.contains("quote it"), "{full}");
        assert!(full.lines().all(|l| l.chars().count() <= 90), "{full}");
    }

    #[test]
    fn an_unknown_code_suggests_the_nearest() {
        let e = explain("schema::typo").unwrap_err();
        assert!(e.contains("did you mean `chanctl::schema::type`"), "{e}");
        let e = explain("chanctl::yaml::duplicate").unwrap_err();
        assert!(e.contains("`chanctl::yaml::duplicate_key`"), "{e}");
        let e = explain("nothing-like-it").unwrap_err();
        assert!(
            e.contains("the codes are:\n  chanctl::input::too_large"),
            "{e}"
        );
    }

    #[test]
    fn unregistered_codes_are_errors() {
        assert_eq!(severity("chanctl::yaml::syntax"), Severity::Error);
        assert_eq!(severity("made::up"), Severity::Error);
    }
}
