//! From the text of channels.yaml to a validated [`Desired`], or to every problem found.
//!
//! The passes, each reporting all it finds: YAML syntax; the `variables:` declarations and
//! `${VAR}` references (replaced before anything looks at the values); for an environment, its overrides (see
//! [`super::environments`]); the JSON Schema (with paths mapped back to YAML spans); typing;
//! and the semantic rules. Syntax errors stop the run (there is no tree to
//! check); the other passes all run so that one invocation shows everything.

use super::desired::{Desired, SensitiveField};
use super::direct;
use super::environments;
use super::file::{ChannelSpec, Channels, ChannelsFile, DEFAULT_QUOTA, DesiredChannel, MAX_QUOTA};
use super::schema;
use super::semantic;
use super::tree::take_json;
pub use super::tree::{Place, SpanMap};
use super::variables;
use super::vars::{self, Expanded, Lookup};
use super::yaml::{self, Node, Span};
use crate::diagnostic::Diagnostic;
use crate::sensitive::Secrets;
use crate::template::include::{TemplateInclude, TemplatesKey};
use crate::template::{self, DesiredTemplate, TemplateSpec, TemplateType};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// Larger inputs are refused before parsing: no real channels file comes near it.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// What loading needs from outside the file. The core reads no environment: the caller
/// passes the variables in.
#[derive(Clone, Copy)]
pub struct LoadOptions<'a> {
    /// The environment whose overrides apply (`--env`); `None` for the file as written.
    pub environment: Option<&'a str>,
    /// Where `${VAR}` references take their values from.
    pub vars: Lookup<'a>,
    /// The credential values the caller holds (access key secret, security token): a
    /// variable whose value holds one is refused, so that no file carries it into a plan or
    /// an account.
    pub credentials: &'a [String],
}

fn no_vars(_: &str) -> Option<String> {
    None
}

impl Default for LoadOptions<'_> {
    fn default() -> Self {
        LoadOptions {
            environment: None,
            vars: &no_vars,
            credentials: &[],
        }
    }
}

/// Validate `source` as written, without variables, and return the desired state.
pub fn load(source: &str) -> Result<Desired, Vec<Diagnostic>> {
    load_with(source, &LoadOptions::default())
}

/// Validate `source` for `options.environment`, with `options.vars` for `${VAR}` references,
/// and return the desired state. No diagnostic shows a sensitive value.
pub fn load_with(source: &str, options: &LoadOptions<'_>) -> Result<Desired, Vec<Diagnostic>> {
    load_by(source, options, Some(direct::Checks::BySize))
}

/// [`load_with`], with the direct way's checks where `direct` says, or always through the
/// JSON copy (`None`): the tests compare the ways.
pub(crate) fn load_by(
    source: &str,
    options: &LoadOptions<'_>,
    direct: Option<direct::Checks>,
) -> Result<Desired, Vec<Diagnostic>> {
    if source.len() > MAX_INPUT_BYTES {
        return Err(vec![Diagnostic::new(
            "chanctl::input::too_large",
            format!(
                "the file is {} bytes; chanctl reads at most {MAX_INPUT_BYTES}",
                source.len()
            ),
            Span::default(),
            "file starts here",
        )]);
    }
    let mut root = yaml::parse(source).map_err(|e| vec![syntax(e)])?;
    let credentials = credentials_written(source, options.credentials);
    if let Some(checks) = direct
        && credentials.is_empty()
        && direct::fits_top(&root, options.environment)
    {
        let spans = SpanMap::new(&root);
        let expanded = Expanded::default();
        let outcome = direct::read_checked(&root, checks, |file| {
            let mut diagnostics = Vec::new();
            match file {
                Ok((file, channels)) => {
                    let names = Vec::new();
                    if let Some(desired) = desired_of(
                        file,
                        channels,
                        None,
                        names,
                        &expanded,
                        &spans,
                        &mut diagnostics,
                    ) {
                        return Ok(desired);
                    }
                }
                Err(e) => diagnostics.push(typing_bug(e, &root)),
            }
            Err(finish(diagnostics, &expanded, &Secrets::default()))
        });
        if let Some(outcome) = outcome {
            return outcome;
        }
    }
    let (mut json, mut diagnostics) = take_json(&mut root);
    diagnostics.extend(credentials);
    let mut spans = SpanMap::new(&root);

    if !json.is_object() {
        diagnostics.push(super::schema_errors::root_diagnostic(source, &root));
        return Err(diagnostics);
    }

    // An environment the file does not define: what else is wrong depends on which was meant.
    if let Some(env) = options.environment
        && !environments::defines(&json, env)
    {
        return Err(vec![environments::unknown_environment(&json, &spans, env)]);
    }
    // Variables: in the file as written, except what the chosen environment replaces, and in
    // that environment only, so that the variables of values not used need not be set.
    let chosen = options.environment;
    let grafts = chosen.map_or_else(Vec::new, |env| environments::grafts(&json, env));
    let mut skip: Vec<String> = grafts.iter().map(|(_, to)| to.clone()).collect();
    skip.push("/environments".to_string());
    // Declarations are text, never references.
    skip.push("/variables".to_string());
    let (declared, declaration_problems) = variables::read(&json, &spans);
    diagnostics.extend(declaration_problems);
    let scope = vars::Scope {
        values: options.vars,
        declared: &declared,
        credentials: options.credentials,
    };
    let mut expanded = Expanded::default();
    vars::expand(&mut json, "", &skip, scope, &spans, source, &mut expanded);
    if let Some(env) = chosen {
        let at = format!("/environments/{}", super::tree::escape(env));
        vars::expand(&mut json, &at, &[], scope, &spans, source, &mut expanded);
    }
    let secrets = Secrets::new(
        expanded
            .templates
            .keys()
            .filter(|p| vars::is_binding_value(p))
            .filter_map(|p| json.pointer(p).and_then(Json::as_str).map(str::to_string)),
    );
    diagnostics.append(&mut expanded.diagnostics);
    diagnostics.extend(environments::check(&json, &spans));
    let environment_names = environments::names(&json);

    // The file as the environment sees it: what the environment replaces is not checked.
    if let Some(env) = chosen {
        environments::overlay(&mut json, env, &mut spans, &mut expanded.templates);
    }
    let schema_errors = super::schema_errors::collect(schema::validator(), &json, &spans, source);
    if let Some(root) = json.as_object_mut() {
        root.remove("environments");
    }
    let schema_ok = schema_errors.is_empty();
    diagnostics.extend(schema_errors);

    if schema_ok {
        // The channels are read one by one (see `ChannelSpec::from_json`), the rest as a whole.
        let channels_json = json
            .get_mut("channels")
            .map(|c| std::mem::replace(c, Json::Array(Vec::new())));
        let read = serde_json::from_value::<ChannelsFile>(json).and_then(|file| {
            let mut channels = Channels::default();
            if let Some(Json::Array(items)) = channels_json {
                channels = Channels::with_capacity(items.len());
                for item in items {
                    channels.push(ChannelSpec::from_json(item)?);
                }
            }
            Ok((file, channels))
        });
        match read {
            Ok((file, channels)) => {
                let names = environment_names;
                let expanded = &expanded;
                if let Some(desired) = desired_of(
                    file,
                    channels,
                    chosen,
                    names,
                    expanded,
                    &spans,
                    &mut diagnostics,
                ) {
                    return Ok(desired);
                }
            }
            Err(e) => diagnostics.push(typing_bug(e, &root)),
        }
    } else {
        // Check what can be checked among the channels that are valid on their own, so that
        // one run reports semantic problems next to the schema ones.
        let channels: Vec<(usize, DesiredChannel)> = json
            .get("channels")
            .and_then(Json::as_array)
            .map(|items| {
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, item)| match ChannelSpec::from_json(item.clone()) {
                        Ok(c) => {
                            let (channel, key) = c.into_parts();
                            let specs = key.map(TemplatesKey::into_list).unwrap_or_default();
                            channel_templates(i, &channel, &specs, &spans, &mut diagnostics);
                            Some((i, channel))
                        }
                        Err(_) => {
                            readable_templates(i, item, &spans, &mut diagnostics);
                            None
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        // An invalid quota has its own diagnostic; the count is checked only against a valid one.
        let quota = match json.pointer("/account/quota") {
            None => Some(DEFAULT_QUOTA),
            Some(q) => q
                .as_u64()
                .and_then(|q| u32::try_from(q).ok())
                .filter(|q| (1..=MAX_QUOTA).contains(q)),
        };
        let indexed: Vec<_> = channels.iter().map(|(i, c)| (*i, c)).collect();
        let total = json
            .get("channels")
            .and_then(Json::as_array)
            .map_or(0, Vec::len);
        diagnostics.extend(semantic::check_partial(&indexed, total, quota, &spans));
    }
    Err(finish(diagnostics, &expanded, &secrets))
}

/// The diagnostics as shown: without the noise of substitutions, repeats merged, in file
/// order, and no sensitive value in their text.
fn finish(
    mut diagnostics: Vec<Diagnostic>,
    expanded: &Expanded,
    secrets: &Secrets,
) -> Vec<Diagnostic> {
    diagnostics.retain(|d| !expanded.is_noise(d));
    let mut diagnostics = merge_repeats(diagnostics);
    diagnostics.sort_by_key(Diagnostic::offset);
    if !secrets.is_empty() {
        for d in &mut diagnostics {
            scrub(d, secrets);
        }
    }
    diagnostics
}

/// A file the schema accepts but the types do not: the two disagree, which is a bug.
fn typing_bug(e: impl std::fmt::Display, root: &Node) -> Diagnostic {
    Diagnostic::new(
        "chanctl::schema::typing",
        format!("the file passes the schema but does not fit chanctl's model: {e}"),
        Span {
            offset: root.span.offset,
            len: 0,
        },
        "in this file",
    )
    .with_help("this is a bug in chanctl: please report it with the file")
}

/// The desired state of a typed `file` and its `channels` (the file's own list is not
/// read), or `None` with the semantic problems added to `diagnostics` (which must hold none
/// of another pass for `Some`).
fn desired_of(
    file: ChannelsFile,
    channels: Channels,
    chosen: Option<&str>,
    environment_names: Vec<String>,
    expanded: &Expanded,
    spans: &SpanMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Desired> {
    let quota = file.account.as_ref().map_or(DEFAULT_QUOTA, |a| a.quota);
    let Channels {
        list: channels,
        templates: keys,
    } = channels;
    let mut templates = Vec::new();
    let mut template_channels = Vec::with_capacity(keys.len());
    let mut template_includes = Vec::new();
    for (i, key) in keys {
        let channel = &channels[i];
        template_channels.push(channel.name.clone());
        match key {
            TemplatesKey::List(specs) => {
                templates.extend(channel_templates(i, channel, &specs, spans, diagnostics))
            }
            TemplatesKey::Include(include) => template_includes.extend(
                TemplateType::of(channel.channel_type).map(|template_type| TemplateInclude {
                    channel: channel.name.clone(),
                    template_type,
                    pattern: include.include,
                    span: spans.value_span(&format!("/channels/{i}/templates/include")),
                }),
            ),
        }
    }
    let desired = Desired {
        quota,
        prune: file.prune,
        safety: file.safety.unwrap_or_default(),
        environment: chosen.map(str::to_string),
        environments: environment_names,
        sensitive: sensitive_fields(&channels, &expanded.templates),
        variables: file.variables,
        channels,
        templates,
        template_channels,
        template_includes,
    };
    let indexed: Vec<_> = desired.channels.iter().enumerate().collect();
    diagnostics.extend(semantic::check(&indexed, desired.quota, spans));
    if diagnostics.is_empty() {
        return Some(desired);
    }
    None
}

/// The diagnostic of a YAML syntax error (of a channels file or an included file).
pub(crate) fn syntax(e: yaml::SyntaxError) -> Diagnostic {
    let mut d = Diagnostic::new("chanctl::yaml::syntax", e.message, e.span, e.label);
    for (span, text) in e.related {
        d = d.with_label(span, text);
    }
    if let Some(help) = e.help {
        d = d.with_help(help);
    }
    d
}

/// Where `source` holds one of `credentials` as written: a credential never goes into a
/// channels file, where any value may reach a plan or the account.
fn credentials_written(source: &str, credentials: &[String]) -> Vec<Diagnostic> {
    credentials
        .iter()
        .filter(|c| !c.is_empty())
        .filter_map(|c| source.find(c.as_str()).map(|offset| (offset, c.len())))
        .map(|(offset, len)| {
            Diagnostic::new(
                "chanctl::input::credential",
                "the file holds a credential chanctl uses (its access key secret or security token)",
                Span { offset, len },
                "a credential",
            )
            .with_help(
                "remove it from the file, and rotate the key if the file was shared: chanctl \
                 reads its credentials from the environment or the aliyun CLI's profiles, \
                 never from a channels file",
            )
        })
        .collect()
}

/// The templates of `channel` (at index `i`), one per language, with the problems of their
/// entries added to `diagnostics`.
fn channel_templates(
    i: usize,
    channel: &DesiredChannel,
    specs: &[TemplateSpec],
    spans: &SpanMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<DesiredTemplate> {
    let Some(t) = TemplateType::of(channel.channel_type) else {
        return Vec::new();
    };
    let indexed: Vec<_> = specs.iter().enumerate().collect();
    let list = format!("/channels/{i}/templates");
    diagnostics.extend(template::check::check(&list, t, &indexed, spans));
    specs
        .iter()
        .flat_map(|s| s.expand(&channel.name, t))
        .map(|(_, d)| d)
        .collect()
}

/// The problems of the template entries of channel `item` (at index `i`) that can be read on
/// their own, when the channel as a whole cannot.
fn readable_templates(i: usize, item: &Json, spans: &SpanMap, diagnostics: &mut Vec<Diagnostic>) {
    let channel_type = item.get("type").and_then(Json::as_str);
    let Some(t) = channel_type
        .and_then(crate::model::ChannelType::from_name)
        .and_then(TemplateType::of)
    else {
        return;
    };
    let Some(entries) = item.get("templates").and_then(Json::as_array) else {
        return;
    };
    let specs: Vec<(usize, TemplateSpec)> = entries
        .iter()
        .enumerate()
        .filter_map(|(j, e)| Some((j, serde_json::from_value(e.clone()).ok()?)))
        .collect();
    let indexed: Vec<(usize, &TemplateSpec)> = specs.iter().map(|(j, s)| (*j, s)).collect();
    let list = format!("/channels/{i}/templates");
    diagnostics.extend(template::check::check(&list, t, &indexed, spans));
}

/// The binding values of `channels` that took sensitive variables (`templates`: JSON
/// pointer → text as written, in the merged file).
fn sensitive_fields(
    channels: &[DesiredChannel],
    templates: &BTreeMap<String, String>,
) -> Vec<SensitiveField> {
    let mut out = Vec::new();
    // Most files take no variable: then there is no pointer to build for every binding field.
    if templates.is_empty() {
        return out;
    }
    for (i, c) in channels.iter().enumerate() {
        for (field, _) in c.binding.iter().flat_map(|b| b.fields()) {
            if let Some(template) = templates.get(&format!("/channels/{i}/binding/{field}")) {
                out.push(SensitiveField {
                    channel: c.name.clone(),
                    field: field.to_string(),
                    template: template.clone(),
                });
            }
        }
    }
    out
}

/// Keep sensitive values out of a diagnostic's text (a message may quote a value).
fn scrub(d: &mut Diagnostic, secrets: &Secrets) {
    d.message = secrets.scrub(&d.message);
    for label in &mut d.labels {
        label.text = secrets.scrub(&label.text);
    }
    if let Some(help) = &mut d.help {
        *help = secrets.scrub(help);
    }
}

/// One diagnostic per problem: the same problem reached twice (a value written once under an
/// anchor and used again through an alias) becomes one, with every place it is used.
fn merge_repeats(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        let same = out.iter_mut().find(|o| {
            o.code == d.code
                && o.message == d.message
                && o.help == d.help
                && o.labels.first().map(|l| l.span) == d.labels.first().map(|l| l.span)
        });
        match same {
            Some(o) => {
                for label in d.labels {
                    if !o.labels.iter().any(|l| l.span == label.span) {
                        o.labels.push(label);
                    }
                }
            }
            None => out.push(d),
        }
    }
    out
}

#[cfg(test)]
#[path = "load_unit_tests.rs"]
mod tests;
