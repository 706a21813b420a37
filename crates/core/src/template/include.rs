//! Templates kept in files of their own: `templates: {include: "templates/*.yaml"}` under a
//! WhatsApp or Viber channel, so that a team with hundreds of templates keeps one file per
//! template family.
//!
//! The core stays pure. It says which pattern a channel includes ([`TemplateInclude`], on the
//! loaded `Desired`), loads the text of one included file ([`load_file`], with the including
//! channel's type for the WhatsApp and Viber rules; every diagnostic points into that file),
//! and merges the files of a channel ([`merge`]), checking (name, language) across them.
//! Finding the files (the glob, relative to the channels file's folder) and reading them is
//! the caller's: chanctl's `ops::include`.
//!
//! A channel has one form or the other: a `templates:` list, or `templates: {include: ...}`
//! with every template in the included files (one place to look for a channel's templates).

use super::file::TemplateSpec;
use super::{DesiredTemplate, TemplateType, check};
use crate::config::tree::{SpanMap, escape, take_json};
use crate::config::yaml::{self, Span};
use crate::diagnostic::{Diagnostic, line_col};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A channel's `templates:` key: the templates themselves, or the files that hold them.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum TemplatesKey {
    /// The channel's templates, written here. Each is keyed by name and language.
    List(Vec<TemplateSpec>),
    /// The channel's templates, in other files (see schemas/templates.schema.json).
    Include(Include),
}

impl TemplatesKey {
    /// The templates written in the channels file (none for an include).
    pub fn into_list(self) -> Vec<TemplateSpec> {
        match self {
            TemplatesKey::List(list) => list,
            TemplatesKey::Include(_) => Vec::new(),
        }
    }
}

/// `templates: {include: PATTERN}`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Include {
    /// A glob pattern, relative to this file's folder (e.g. `templates/*.yaml`): every file it
    /// matches holds a `templates:` list of this channel. It must match at least one file,
    /// and only files under this file's folder.
    #[schemars(length(min = 1, max = 1024))]
    pub include: String,
}

/// What an included file holds: a list of templates, of the channel that includes it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "chanctl templates file")]
pub struct TemplateFile {
    /// Message templates, as under a channel's `templates:` in channels.yaml. Each is keyed by
    /// name and language, across every file the channel includes.
    pub templates: Vec<TemplateSpec>,
}

/// A channel's include, as the loaded channels file declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateInclude {
    /// The channel (its final name) whose templates the files hold.
    pub channel: String,
    /// Whose rules the templates follow (the channel's type).
    pub template_type: TemplateType,
    /// The glob pattern as written.
    pub pattern: String,
    /// Where the pattern is written in the channels file.
    pub span: Span,
}

/// One template of an included file, with where its language is written (for a duplicate).
#[derive(Debug, Clone)]
pub struct Located {
    pub template: DesiredTemplate,
    pub span: Span,
}

/// The committed schema of an included file, as shipped in the binary.
pub const COMMITTED_SCHEMA: &str = include_str!("../../schemas/templates.schema.json");

/// The schema of an included file generated from the current Rust types.
pub fn generate_schema() -> String {
    let schema = schemars::schema_for!(TemplateFile);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    text.push('\n');
    text
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: serde_json::Value =
            serde_json::from_str(COMMITTED_SCHEMA).expect("the committed schema is JSON");
        jsonschema::validator_for(&schema).expect("the committed schema compiles")
    })
}

/// The templates of an included file, for `channel` of type `template_type`, or every
/// problem found (spans index `source`). Variables (`${VAR}`) are not substituted here.
pub fn load_file(
    source: &str,
    channel: &str,
    template_type: TemplateType,
) -> Result<Vec<Located>, Vec<Diagnostic>> {
    if source.len() > crate::config::load::MAX_INPUT_BYTES {
        return Err(vec![Diagnostic::new(
            "chanctl::input::too_large",
            format!(
                "the file is {} bytes; chanctl reads at most {}",
                source.len(),
                crate::config::load::MAX_INPUT_BYTES
            ),
            Span::default(),
            "file starts here",
        )]);
    }
    let mut root = yaml::parse(source).map_err(|e| vec![crate::config::load::syntax(e)])?;
    let (json, mut diagnostics) = take_json(&mut root);
    let spans = SpanMap::new(&root);
    if !json.is_object() {
        return Err(vec![
            Diagnostic::new(
                "chanctl::schema::root",
                format!(
                    "expected a mapping with a `templates:` list, found {}",
                    root.value.kind()
                ),
                root.span,
                "not a mapping",
            )
            .with_help(
                "an included file is a mapping with one key, `templates:`, a list of templates",
            ),
        ]);
    }
    // The schema's own wording would offer a channels file's keys.
    if let Some(root_map) = json.as_object() {
        for key in root_map.keys().filter(|k| *k != "templates") {
            let pointer = format!("/{}", escape(key));
            diagnostics.push(
                Diagnostic::new(
                    "chanctl::schema::unknown_key",
                    format!("unknown key `{key}` in an included templates file"),
                    spans.key_span(&pointer),
                    "not a key of an included file",
                )
                .with_help("an included file has one key, `templates:`, a list of templates"),
            );
        }
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
    }
    diagnostics.extend(crate::config::schema_errors::collect(
        validator(),
        &json,
        &spans,
        source,
    ));
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let mut references = Vec::new();
    variables_in(&json, "", &mut references);
    if !references.is_empty() {
        return Err(references
            .into_iter()
            .map(|pointer| {
                Diagnostic::new(
                    "chanctl::template::include_variable",
                    "`${…}` is not substituted in an included templates file",
                    spans.value_span(&pointer),
                    "a variable reference",
                )
                .with_help(
                    "variables are declared and substituted in the channels file only: write                      the text itself here, or keep this template in the channels file",
                )
            })
            .collect());
    }
    let file: TemplateFile = serde_json::from_value(json).map_err(|e| {
        vec![Diagnostic::new(
            "chanctl::schema::typing",
            format!("the file passes the schema but does not fit chanctl's model: {e}"),
            root.span,
            "in this file",
        )]
    })?;
    let indexed: Vec<_> = file.templates.iter().enumerate().collect();
    let mut problems = check::check("/templates", template_type, &indexed, &spans);
    if !problems.is_empty() {
        problems.sort_by_key(Diagnostic::offset);
        return Err(problems);
    }
    let mut out = Vec::new();
    for (j, spec) in file.templates.iter().enumerate() {
        for (key, template) in spec.expand(channel, template_type) {
            let span = match key {
                Some(code) => {
                    spans.key_span(&format!("/templates/{j}/languages/{}", escape(&code)))
                }
                None => spans.value_span(&format!("/templates/{j}/language")),
            };
            out.push(Located { template, span });
        }
    }
    Ok(out)
}

/// The JSON pointers of the strings under `value` (at `pointer`) that hold `${`.
fn variables_in(value: &serde_json::Value, pointer: &str, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) if s.contains("${") => out.push(pointer.to_string()),
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                variables_in(v, &format!("{pointer}/{i}"), out);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                variables_in(v, &format!("{pointer}/{}", escape(k)), out);
            }
        }
        _ => {}
    }
}

/// An included file, loaded: its name as shown, its text, its templates.
#[derive(Debug)]
pub struct Included<'a> {
    pub name: &'a str,
    pub source: &'a str,
    pub templates: Vec<Located>,
}

/// The templates of one channel's included files, in the files' order, or one
/// `chanctl::template::duplicate` per (name, language) declared in two places: the index of
/// the file of the second declaration, and its diagnostic (which names the first's
/// `FILE:LINE:COL`).
pub fn merge(files: Vec<Included<'_>>) -> Result<Vec<DesiredTemplate>, Vec<(usize, Diagnostic)>> {
    let mut first: BTreeMap<(String, String), (usize, Span)> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (i, file) in files.iter().enumerate() {
        for t in &file.templates {
            let key = (t.template.name.clone(), t.template.language.clone());
            match first.get(&key) {
                Some(&(f, span)) => {
                    let other = &files[f];
                    let (line, col) = line_col(other.source, span.offset);
                    problems.push((
                        i,
                        Diagnostic::new(
                            "chanctl::template::duplicate",
                            format!(
                                "template `{}` in `{}` of channel `{}` is declared twice: also at {}:{line}:{col}",
                                key.0, key.1, t.template.channel, other.name
                            ),
                            t.span,
                            "second declaration",
                        )
                        .with_help(
                            "a template is identified by its name and language in its \
                             channel's space, across every file the channel includes: keep \
                             one of the two",
                        ),
                    ));
                }
                None => {
                    first.insert(key, (i, t.span));
                    out.push(t.template.clone());
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = "templates:\n  - name: hello\n    category: UTILITY\n    language: en_US\n    components: {body: \"Hi\"}\n";

    #[test]
    fn a_file_loads_with_the_span_of_each_language() {
        let loaded = load_file(ONE, "wa", TemplateType::Whatsapp).unwrap();
        assert_eq!(loaded.len(), 1);
        assert_eq!(loaded[0].template.channel, "wa");
        assert_eq!(loaded[0].template.key(), "wa/hello/en_US");
        let s = loaded[0].span;
        assert_eq!(&ONE[s.offset..s.offset + s.len], "en_US");
    }

    #[test]
    fn problems_point_into_the_included_file() {
        let src = "templates:\n  - name: hello\n    category: UTILITY\n    language: en_XX\n    components: {body: \"Hi\"}\n";
        let d = load_file(src, "wa", TemplateType::Whatsapp).unwrap_err();
        assert_eq!(d[0].code, "chanctl::template::unknown_language");
        assert_eq!(line_col(src, d[0].offset()), (4, 15));
        let d = load_file("templates: 3\n", "wa", TemplateType::Whatsapp).unwrap_err();
        assert_eq!(d[0].code, "chanctl::schema::type");
        let d = load_file("- a\n", "wa", TemplateType::Whatsapp).unwrap_err();
        assert_eq!(d[0].code, "chanctl::schema::root");
        let d = load_file("templates: [\n", "wa", TemplateType::Whatsapp).unwrap_err();
        assert_eq!(d[0].code, "chanctl::yaml::syntax");
    }

    #[test]
    fn a_variable_reference_is_refused_where_it_is_written() {
        let src = ONE.replace("\"Hi\"", "\"Hi ${NAME}\"");
        let d = load_file(&src, "wa", TemplateType::Whatsapp).unwrap_err();
        assert_eq!(d[0].code, "chanctl::template::include_variable");
        assert_eq!(line_col(&src, d[0].offset()), (5, 24));
    }

    #[test]
    fn the_including_channel_decides_the_rules() {
        // A footer is refused for Viber, accepted for WhatsApp.
        let src = "templates:\n  - name: hello\n    category: UTILITY\n    language: en_US\n    components: {body: \"Hi\", footer: \"Bye\"}\n";
        assert!(load_file(src, "wa", TemplateType::Whatsapp).is_ok());
        assert!(load_file(src, "vb", TemplateType::Viber).is_err());
    }

    #[test]
    fn a_duplicate_across_files_names_both_places() {
        let a = load_file(ONE, "wa", TemplateType::Whatsapp).unwrap();
        let b_src = format!("# second\n{ONE}");
        let b = load_file(&b_src, "wa", TemplateType::Whatsapp).unwrap();
        let problems = merge(vec![
            Included {
                name: "t/a.yaml",
                source: ONE,
                templates: a.clone(),
            },
            Included {
                name: "t/b.yaml",
                source: &b_src,
                templates: b,
            },
        ])
        .unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, 1, "reported in the second file");
        assert!(
            problems[0].1.message.ends_with("also at t/a.yaml:4:15"),
            "{}",
            problems[0].1.message
        );
        let merged = merge(vec![Included {
            name: "t/a.yaml",
            source: ONE,
            templates: a,
        }])
        .unwrap();
        assert_eq!(merged.len(), 1);
    }

    /// `CHANCTL_UPDATE_SCHEMA=1 cargo test -p chanctl-core committed` rewrites it.
    #[test]
    fn committed_templates_schema_matches_the_types() {
        let generated = generate_schema();
        if std::env::var_os("CHANCTL_UPDATE_SCHEMA").is_some() {
            crate::config::schema::write_committed("templates.schema.json", &generated);
            return;
        }
        assert!(
            generated == COMMITTED_SCHEMA,
            "crates/core/schemas/templates.schema.json is out of date: run \
             `CHANCTL_UPDATE_SCHEMA=1 cargo test -p chanctl-core committed` and review the diff"
        );
    }
}
