//! The documented template rules a schema cannot hold, each a diagnostic at its place in the
//! file: the form of an entry (one `language` or a `languages:` map), language codes,
//! (name, language) pairs declared twice, old names; and, per language, the content rules
//! of [`content`] and [`buttons`].
//!
//! The rules come from the SDK's own descriptions of CreateChatappTemplate (`fidelity.md`,
//! Templates) unless a comment at the rule cites Meta's or Viber's documentation.

mod buttons;
mod content;

use super::file::TemplateSpec;
use super::{TemplateType, languages};
use crate::config::tree::{SpanMap, escape};
use crate::diagnostic::Diagnostic;
use std::collections::BTreeMap;

/// Where one template's content stands in the file.
pub(crate) struct At<'a> {
    pub spans: &'a SpanMap<'a>,
    /// JSON pointer of the mapping that holds `components`, `examples`, ...
    pub base: String,
}

impl At<'_> {
    pub fn pointer(&self, rel: &str) -> String {
        if rel.is_empty() {
            self.base.clone()
        } else {
            format!("{}/{rel}", self.base)
        }
    }
    pub fn value(&self, rel: &str) -> crate::config::yaml::Span {
        self.spans.value_span(&self.pointer(rel))
    }
    pub fn key(&self, rel: &str) -> crate::config::yaml::Span {
        self.spans.key_span(&self.pointer(rel))
    }
}

/// Every problem of the templates of the list at JSON pointer `list` (a channel's
/// `/channels/N/templates`, or an included file's `/templates`), of a channel whose type
/// holds templates of `template_type`; each template with its index in the list (when some
/// entries could not be read, the others are still checked).
pub fn check(
    list: &str,
    template_type: TemplateType,
    templates: &[(usize, &TemplateSpec)],
    spans: &SpanMap,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<(&str, String), String> = BTreeMap::new();
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for &(j, t) in templates {
        names.entry(t.name.as_str()).or_insert(j);
    }
    for &(j, t) in templates {
        let entry = format!("{list}/{j}");
        form(t, &entry, spans, &mut out);
        let contents: Vec<(String, String, &str)> = match &t.language {
            Some(language) => vec![(language.clone(), format!("{entry}/language"), "")],
            None => t
                .languages
                .keys()
                .map(|code| {
                    let p = format!("{entry}/languages/{}", escape(code));
                    (code.clone(), p, "key")
                })
                .collect(),
        };
        for (language, pointer, how) in &contents {
            let span = if how.is_empty() {
                spans.value_span(pointer)
            } else {
                spans.key_span(pointer)
            };
            if !languages::is_known(language) {
                let near = languages::nearest(language);
                let help = if near.is_empty() {
                    "use a code from the documented list, e.g. `en_US`, `pt_BR`, `zh_CN` (see \
                     `chanctl explain template::unknown_language`)"
                        .to_string()
                } else {
                    let near: Vec<String> = near.iter().map(|n| format!("`{n}`")).collect();
                    format!("did you mean {}?", near.join(" or "))
                };
                out.push(
                    Diagnostic::new(
                        "chanctl::template::unknown_language",
                        format!("`{language}` is not a template language code"),
                        span,
                        "not a documented code",
                    )
                    .with_help(help),
                );
            }
            if let Some(first) = seen.get(&(t.name.as_str(), language.clone())) {
                out.push(
                    Diagnostic::new(
                        "chanctl::template::duplicate",
                        format!(
                            "template `{}` in `{language}` is declared twice in this channel",
                            t.name
                        ),
                        span,
                        "second declaration",
                    )
                    .with_label(spans.value_span(first), "first declaration")
                    .with_help(
                        "a template is identified by its name and language in its channel's \
                         space: merge the two, or list the languages under one entry's \
                         `languages:`",
                    ),
                );
            } else {
                seen.insert((t.name.as_str(), language.clone()), pointer.clone());
            }
        }
        for (k, old) in t.previously.iter().enumerate() {
            let current = names.get(old.as_str());
            if let Some(&owner) = current {
                let whose = if owner == j {
                    "this template's own name".to_string()
                } else {
                    format!("the name of template {} of this channel", owner + 1)
                };
                out.push(
                    Diagnostic::new(
                        "chanctl::template::previously",
                        format!("`{old}` is in `previously` but is {whose}"),
                        spans.value_span(&format!("{entry}/previously/{k}")),
                        "listed as an old name",
                    )
                    .with_help(
                        "`previously` lists names to retire once this template is approved; \
                         a current name cannot be one of them",
                    ),
                );
            }
        }
        let template_contents: Vec<(String, super::file::TemplateContent)> = match &t.language {
            Some(_) => vec![(
                entry.clone(),
                super::file::TemplateContent {
                    components: t.components.clone(),
                    examples: t.examples.clone(),
                    message_send_ttl_seconds: t.message_send_ttl_seconds,
                    allow_send: t.allow_send,
                    category_change_paused: t.category_change_paused,
                },
            )],
            None => t
                .languages
                .iter()
                .map(|(code, c)| (format!("{entry}/languages/{}", escape(code)), c.clone()))
                .collect(),
        };
        for (base, c) in &template_contents {
            let at = At {
                spans,
                base: base.clone(),
            };
            content::check(template_type, t.category, c, &at, &mut out);
        }
    }
    out
}

/// An entry has `language:` with its content beside it, or `languages:`, never both.
fn form(t: &TemplateSpec, entry: &str, spans: &SpanMap, out: &mut Vec<Diagnostic>) {
    let name = &t.name;
    match (&t.language, t.languages.is_empty()) {
        (Some(_), false) => out.push(
            Diagnostic::new(
                "chanctl::template::language_form",
                format!("template `{name}` has both `language` and `languages`"),
                spans.key_span(&format!("{entry}/languages")),
                "second way to give the language",
            )
            .with_label(spans.key_span(&format!("{entry}/language")), "first way")
            .with_help(
                "write `language:` with the content beside it for one language, or \
                 `languages:` with the content under each code for several",
            ),
        ),
        (None, true) => out.push(
            Diagnostic::new(
                "chanctl::template::language_form",
                format!("template `{name}` has no language"),
                spans.value_span(&format!("{entry}/name")),
                "no `language` or `languages`",
            )
            .with_help(
                "add `language: en_US` (or another code), or a `languages:` map with the \
                 content under each code",
            ),
        ),
        (None, false) => {
            let beside = [
                ("components", t.components.is_some()),
                ("examples", !t.examples.is_empty()),
                (
                    "message_send_ttl_seconds",
                    t.message_send_ttl_seconds.is_some(),
                ),
                ("allow_send", t.allow_send.is_some()),
                ("category_change_paused", t.category_change_paused.is_some()),
            ];
            for (key, present) in beside {
                if present {
                    out.push(
                        Diagnostic::new(
                            "chanctl::template::language_form",
                            format!("`{key}` of template `{name}` is outside its `languages`"),
                            spans.key_span(&format!("{entry}/{key}")),
                            "beside `languages`",
                        )
                        .with_help(format!(
                            "with `languages:`, each language has its own content: move \
                             `{key}` under each language code"
                        )),
                    );
                }
            }
        }
        (Some(_), true) => {}
    }
}
