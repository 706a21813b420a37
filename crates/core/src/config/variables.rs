//! The file's `variables:` block: which variables `${NAME}` references may read, and whether
//! each is sensitive. As in Terraform, a file reads only what it declares, so that a value
//! written in a pull request cannot pull a CI secret (the cloud access key) into a plan.
//!
//! Read from the JSON value before substitution (see [`super::vars`]). Names that hold the
//! credentials chanctl itself uses (`ALIBABA_CLOUD_*`, `ALICLOUD_*`, `ALIBABACLOUD_*`) can
//! never be declared; names that look like secrets (holding `SECRET`, `TOKEN`, `PASSWORD` or
//! `KEY`) must be declared `sensitive: true`, which keeps them to bindings. A malformed
//! declaration is reported here or by the schema; its variable is then not read at all.

use super::tree::{SpanMap, escape};
use crate::diagnostic::Diagnostic;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// Prefixes of the environment variables that hold Alibaba Cloud credentials.
pub const CREDENTIAL_PREFIXES: [&str; 3] = ["ALIBABA_CLOUD_", "ALICLOUD_", "ALIBABACLOUD_"];

/// Words that make a variable's name look like it holds a secret.
pub const SECRET_WORDS: [&str; 4] = ["SECRET", "TOKEN", "PASSWORD", "KEY"];

/// Whether `name` is the name of a credential variable (case does not matter).
pub fn is_credential_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    CREDENTIAL_PREFIXES.iter().any(|p| upper.starts_with(p))
}

/// The secret-looking word in `name`, if any (case does not matter).
pub fn secret_word(name: &str) -> Option<&'static str> {
    let upper = name.to_ascii_uppercase();
    SECRET_WORDS.into_iter().find(|w| upper.contains(w))
}

/// A variable name: a letter or `_`, then letters, digits and `_`.
pub fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What a reference to a name finds among the declarations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Declared and usable; sensitive or not.
    Declared { sensitive: bool },
    /// Not declared.
    Undeclared,
    /// A credential's name: never read.
    Credential,
    /// Declared, but the declaration is refused (its diagnostic says why): never read.
    Refused,
}

/// The declarations of one file.
#[derive(Debug, Default)]
pub struct Declared {
    /// Name → sensitive, for the declarations that can be used; `None` when `variables:` is
    /// not a mapping (the schema says so): references are then not checked against it.
    usable: Option<BTreeMap<String, bool>>,
    refused: Vec<String>,
}

impl Declared {
    /// What a reference to `name` finds.
    pub fn lookup(&self, name: &str) -> Found {
        if is_credential_name(name) {
            return Found::Credential;
        }
        if self.refused.iter().any(|r| r == name) {
            return Found::Refused;
        }
        match &self.usable {
            None => Found::Refused,
            Some(usable) => match usable.get(name) {
                Some(&sensitive) => Found::Declared { sensitive },
                None => Found::Undeclared,
            },
        }
    }

    /// The declared name nearest to `name`, for a "did you mean".
    pub fn nearest(&self, name: &str) -> Option<&str> {
        self.usable
            .iter()
            .flat_map(|u| u.keys())
            .chain(&self.refused)
            .filter(|d| super::fuzzy::similar(name, d))
            .min_by_key(|d| super::fuzzy::edit_distance(name, d))
            .map(String::as_str)
    }
}

/// Read the declarations under `/variables` of `json`, with a diagnostic for each that
/// cannot be used.
pub fn read(json: &Json, spans: &SpanMap) -> (Declared, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let map = match json.get("variables") {
        None => {
            return (
                Declared {
                    usable: Some(BTreeMap::new()),
                    refused: Vec::new(),
                },
                out,
            );
        }
        Some(Json::Object(map)) => map,
        // The schema reports what it is instead.
        Some(_) => return (Declared::default(), out),
    };
    let mut usable = BTreeMap::new();
    let mut refused = Vec::new();
    for (name, spec) in map {
        let pointer = format!("/variables/{}", escape(name));
        let sensitive_value = spec.get("sensitive");
        let problem = if !is_name(name) {
            Some(
                Diagnostic::new(
                    "chanctl::vars::declared_name",
                    format!("`{name}` cannot be a variable's name"),
                    spans.key_span(&pointer),
                    "not a variable name",
                )
                .with_help(
                    "a variable name is letters, digits and `_`, not starting with a digit, as \
                     in a shell: `${NAME}` could never reference this one",
                ),
            )
        } else if is_credential_name(name) {
            Some(credential_declared(name, spans.key_span(&pointer)))
        } else if let Some(word) = secret_word(name)
            && sensitive_value != Some(&Json::Bool(true))
        {
            let (span, label) = match sensitive_value {
                Some(v) => (
                    spans.value_span(&format!("{pointer}/sensitive")),
                    format!("`{v}` for a name holding {word}"),
                ),
                None => (
                    spans.key_span(&pointer),
                    format!("holds {word}, not marked `sensitive: true`"),
                ),
            };
            Some(
                Diagnostic::new(
                    "chanctl::vars::secret_name",
                    format!(
                        "`{name}` looks like a secret (its name holds {word}); declare it \
                         `sensitive: true`"
                    ),
                    span,
                    label,
                )
                .with_help(format!(
                    "a variable whose name holds SECRET, TOKEN, PASSWORD or KEY must be marked \
                     `sensitive: true`, and so may be used only in a binding, whose values plans \
                     never show: write `{name}: {{sensitive: true}}`. If it holds no secret, \
                     rename it"
                )),
            )
        } else {
            None
        };
        match problem {
            Some(d) => {
                out.push(d);
                refused.push(name.clone());
            }
            None if !spec.is_object() => refused.push(name.clone()),
            None => {
                // A `sensitive` that is not a boolean is the schema's to report; until it is
                // fixed the variable counts as sensitive.
                let sensitive = !matches!(sensitive_value, Some(Json::Bool(false)));
                usable.insert(name.clone(), sensitive);
            }
        }
    }
    (
        Declared {
            usable: Some(usable),
            refused,
        },
        out,
    )
}

fn credential_declared(name: &str, span: crate::config::yaml::Span) -> Diagnostic {
    Diagnostic::new(
        "chanctl::vars::credential",
        format!("`{name}` holds an Alibaba Cloud credential and cannot be a variable"),
        span,
        "a credential's name",
    )
    .with_help(credential_help())
}

/// Why a credential's variable is never read into a file.
pub fn credential_help() -> String {
    format!(
        "chanctl reads its credentials itself and never lets a channels file read them: a \
         value in the file can end up in a plan, which pull requests show. Names starting \
         with {} are refused. Pass the value under another name if it is not a credential",
        CREDENTIAL_PREFIXES
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tree::to_json_with_spans;
    use crate::config::yaml;

    fn declared(src: &str) -> (Declared, Vec<Diagnostic>) {
        let root = Box::leak(Box::new(yaml::parse(src).unwrap()));
        let (json, spans, _) = to_json_with_spans(root);
        read(&json, &spans)
    }

    #[test]
    fn declarations_are_sensitive_unless_they_say_otherwise() {
        let (d, problems) = declared(
            "variables:\n  A: {}\n  B: {sensitive: false}\n  C: {sensitive: true, description: x}\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(d.lookup("A"), Found::Declared { sensitive: true });
        assert_eq!(d.lookup("B"), Found::Declared { sensitive: false });
        assert_eq!(d.lookup("C"), Found::Declared { sensitive: true });
        assert_eq!(d.lookup("D"), Found::Undeclared);
        assert_eq!(d.nearest("AA"), Some("A"));
    }

    #[test]
    fn a_file_without_variables_declares_none() {
        let (d, problems) = declared("version: 1\n");
        assert!(problems.is_empty());
        assert_eq!(d.lookup("HOME"), Found::Undeclared);
    }

    #[test]
    fn credentials_are_never_declared_and_secrets_must_be_marked() {
        let (d, problems) = declared(
            "variables:\n  ALIBABA_CLOUD_ACCESS_KEY_SECRET: {sensitive: true}\n  alicloud_x: {}\n  API_KEY: {}\n  DB_PASSWORD: {sensitive: false}\n  SIGNING_TOKEN: {sensitive: true}\n  1X: {}\n",
        );
        let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
        assert_eq!(
            codes,
            [
                "chanctl::vars::credential",
                "chanctl::vars::credential",
                "chanctl::vars::secret_name",
                "chanctl::vars::secret_name",
                "chanctl::vars::declared_name",
            ]
        );
        assert_eq!(
            d.lookup("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
            Found::Credential
        );
        assert_eq!(d.lookup("ALICLOUD_ACCESS_KEY"), Found::Credential);
        assert_eq!(d.lookup("API_KEY"), Found::Refused);
        assert_eq!(d.lookup("DB_PASSWORD"), Found::Refused);
        assert_eq!(
            d.lookup("SIGNING_TOKEN"),
            Found::Declared { sensitive: true }
        );
    }

    #[test]
    fn malformed_variables_check_no_reference() {
        let (d, problems) = declared("variables: [A]\n");
        assert!(problems.is_empty(), "the schema reports it");
        assert_eq!(d.lookup("A"), Found::Refused);
        let (d, _) = declared("variables:\n  A: yes\n  B: {sensitive: 1}\n");
        assert_eq!(d.lookup("A"), Found::Refused);
        assert_eq!(d.lookup("B"), Found::Declared { sensitive: true });
    }
}
