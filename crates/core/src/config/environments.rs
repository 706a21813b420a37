//! Per-environment overrides (`environments:` in the file, chosen with `--env NAME`).
//!
//! An environment may override `account` (key by key), `prune`, `safety` (key by key) and,
//! per channel keyed by its base name, `name`, `description`, `binding` (replaced whole) and
//! `protect`. The overlay works on the JSON value before the typed pass and moves the source
//! spans along, so that a problem in the merged file points at the override that caused it.

use super::tree::{SpanMap, escape, is_at_or_under};
use super::yaml::Span;
use crate::diagnostic::Diagnostic;
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, HashMap};

pub use super::keys::ENVIRONMENT_CHANNEL_KEYS as CHANNEL_KEYS;

/// Whether `name` can name an environment: it becomes part of a file name
/// (`.chanctl/sandbox-NAME.json`), so letters, digits, `-`, `_` and `.`, starting with a
/// letter or digit, at most 64 characters.
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 64
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The environments the file defines, sorted.
pub fn names(json: &Json) -> Vec<String> {
    json.get("environments")
        .and_then(Json::as_object)
        .map(|m| {
            let mut names: Vec<String> = m.keys().cloned().collect();
            names.sort();
            names
        })
        .unwrap_or_default()
}

/// Whether the file defines environment `name`.
pub fn defines(json: &Json, name: &str) -> bool {
    json.get("environments")
        .and_then(Json::as_object)
        .is_some_and(|m| m.contains_key(name))
}

/// Problems the schema cannot see: environment names that cannot be used, and overrides of
/// channels the file does not declare.
pub fn check(json: &Json, spans: &SpanMap) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(envs) = json.get("environments").and_then(Json::as_object) else {
        return out;
    };
    let base = if envs.is_empty() {
        None
    } else {
        base_names(json)
    };
    for (env, spec) in envs {
        let env_pointer = format!("/environments/{}", escape(env));
        if !valid_name(env) {
            out.push(
                Diagnostic::new(
                    "chanctl::env::name",
                    format!("`{env}` cannot be an environment name"),
                    spans.key_span(&env_pointer),
                    "not an environment name",
                )
                .with_help(
                    "use letters, digits, `-`, `_` and `.`, starting with a letter or digit \
                     (at most 64): the name becomes part of the sandbox file's name",
                ),
            );
        }
        let (Some(base), Some(overrides)) = (&base, spec.get("channels").and_then(Json::as_object))
        else {
            continue;
        };
        for key in overrides.keys() {
            if base.contains_key(key.as_str()) {
                continue;
            }
            let near = base
                .keys()
                .filter(|b| super::fuzzy::similar(key, b))
                .min_by_key(|b| super::fuzzy::edit_distance(key, b));
            let help = match near {
                Some(near) => format!(
                    "did you mean `{near}`? Overrides are keyed by a channel's `name` under \
                     `channels:` (its name before any override)"
                ),
                None => "overrides are keyed by a channel's `name` under `channels:` (its name \
                         before any override): declare the channel there, or remove this \
                         override"
                    .to_string(),
            };
            out.push(
                Diagnostic::new(
                    "chanctl::env::unknown_channel",
                    format!("environment `{env}` overrides `{key}`, but no channel has that name"),
                    spans.key_span(&format!("{env_pointer}/channels/{}", escape(key))),
                    "no channel of this name",
                )
                .with_help(help),
            );
        }
    }
    out
}

/// `--env NAME` for an environment the file does not define: which ones it does.
pub fn unknown_environment(json: &Json, spans: &SpanMap, chosen: &str) -> Diagnostic {
    let defined = names(json);
    let (message, span, label) = if defined.is_empty() {
        (
            format!("environment `{chosen}` is not defined: this file defines no environments"),
            Span::default(),
            "no `environments:` in this file".to_string(),
        )
    } else {
        let list: Vec<String> = defined.iter().map(|n| format!("`{n}`")).collect();
        (
            format!(
                "environment `{chosen}` is not defined: this file defines {}",
                list.join(", ")
            ),
            spans.key_span("/environments"),
            format!("no `{chosen}` here"),
        )
    };
    let help = match super::fuzzy::nearest(chosen, defined.iter().map(String::as_str)) {
        Some(near) => format!(
            "did you mean `{near}`? Choose one of the file's environments with --env (or \
             CHANCTL_ENV), or add `{chosen}:` under `environments:`"
        ),
        None => format!(
            "choose one of the file's environments with --env (or CHANCTL_ENV), or add \
             `{chosen}:` under `environments:`"
        ),
    };
    Diagnostic::new("chanctl::env::unknown", message, span, label).with_help(help)
}

/// The base channels by name → index, when every channel has a string name (otherwise the
/// schema reports the channel, and overrides cannot be checked against names).
fn base_names(json: &Json) -> Option<HashMap<&str, usize>> {
    let channels = json.get("channels")?.as_array()?;
    let mut names = HashMap::new();
    for (i, c) in channels.iter().enumerate() {
        names.entry(c.get("name")?.as_str()?).or_insert(i);
    }
    Some(names)
}

/// What environment `env` overrides: (where the override is written, the value of the file
/// it replaces), as JSON pointers. Parts of the wrong shape are left out: the schema reports
/// them.
pub fn grafts(json: &Json, env: &str) -> Vec<(String, String)> {
    let env_pointer = format!("/environments/{}", escape(env));
    let Some(spec) = json.pointer(&env_pointer).and_then(Json::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for section in ["account", "safety"] {
        for k in spec
            .get(section)
            .and_then(Json::as_object)
            .into_iter()
            .flat_map(|m| m.keys())
        {
            let k = escape(k);
            out.push((
                format!("{env_pointer}/{section}/{k}"),
                format!("/{section}/{k}"),
            ));
        }
    }
    if spec.contains_key("prune") {
        out.push((format!("{env_pointer}/prune"), "/prune".to_string()));
    }
    let index = base_names(json).unwrap_or_default();
    let overrides = spec.get("channels").and_then(Json::as_object);
    for (key, fields) in overrides.into_iter().flatten() {
        let (Some(i), Some(fields)) = (index.get(key.as_str()), fields.as_object()) else {
            continue;
        };
        for field in CHANNEL_KEYS.into_iter().filter(|f| fields.contains_key(*f)) {
            out.push((
                format!("{env_pointer}/channels/{}/{field}", escape(key)),
                format!("/channels/{i}/{field}"),
            ));
        }
    }
    out
}

/// Apply environment `env`'s overrides to `json`, moving `spans` and `templates` (JSON
/// pointer → text as written, see [`super::vars`]) along.
pub fn overlay(
    json: &mut Json,
    env: &str,
    spans: &mut SpanMap,
    templates: &mut BTreeMap<String, String>,
) {
    for (from, to) in grafts(json, env) {
        let Some(value) = json.pointer(&from).cloned() else {
            continue;
        };
        let Some((parent, last)) = to.rsplit_once('/') else {
            continue;
        };
        let key = last.replace("~1", "/").replace("~0", "~");
        if json.pointer(parent).is_none_or(|p| !p.is_object()) {
            // `account:` or `safety:` only in the environment: it starts there.
            let (Some(root), Some(section)) = (json.as_object_mut(), parent.strip_prefix('/'))
            else {
                continue;
            };
            root.insert(section.to_string(), Json::Object(Map::new()));
            if let Some(place) = from.rsplit_once('/').and_then(|(p, _)| spans.get(p)) {
                spans.insert(parent.to_string(), place);
            }
        }
        if let Some(Json::Object(map)) = json.pointer_mut(parent) {
            map.insert(key, value);
        }
        spans.graft(&from, &to);
        templates.retain(|p, _| !is_at_or_under(p, &to));
        let moved: Vec<(String, String)> = templates
            .iter()
            .filter(|(p, _)| is_at_or_under(p, &from))
            .map(|(p, t)| (format!("{to}{}", &p[from.len()..]), t.clone()))
            .collect();
        templates.extend(moved);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tree::to_json_with_spans;
    use crate::config::yaml;

    const FILE: &str = "\
version: 1
channels:
  - name: wa
    type: whatsapp
    binding: {waba_id: \"1\", phone_number: \"+6588000001\"}
  - name: otp
    type: sms
environments:
  stg:
    account: {quota: 20}
    prune: true
    safety: {min_managed: 3}
    channels:
      wa:
        name: wa-stg
        binding: {waba_id: \"2\", phone_number: \"+6588000002\"}
  prod: {}
";

    fn parsed(src: &str) -> (Json, SpanMap<'static>) {
        // The span map reads the tree; a test can keep it for good.
        let root = Box::leak(Box::new(yaml::parse(src).unwrap()));
        let (json, spans, d) = to_json_with_spans(root);
        assert!(d.is_empty());
        (json, spans)
    }

    fn text(src: &str, span: Span) -> &str {
        &src[span.offset..span.offset + span.len]
    }

    #[test]
    fn an_overlay_replaces_the_overridden_keys_and_moves_their_spans() {
        let (mut json, mut spans) = parsed(FILE);
        let mut templates = BTreeMap::new();
        templates.insert(
            "/environments/stg/channels/wa/binding/phone_number".to_string(),
            "${N}".to_string(),
        );
        templates.insert(
            "/channels/0/binding/waba_id".to_string(),
            "${W}".to_string(),
        );
        overlay(&mut json, "stg", &mut spans, &mut templates);
        assert_eq!(json["account"]["quota"], 20);
        assert_eq!(json["prune"], true);
        assert_eq!(json["safety"]["min_managed"], 3);
        assert_eq!(json["channels"][0]["name"], "wa-stg");
        assert_eq!(json["channels"][0]["type"], "whatsapp");
        assert_eq!(json["channels"][0]["binding"]["waba_id"], "2");
        assert_eq!(json["channels"][1]["name"], "otp");
        assert_eq!(text(FILE, spans.value_span("/channels/0/name")), "wa-stg");
        assert_eq!(text(FILE, spans.value_span("/account/quota")), "20");
        assert_eq!(
            text(FILE, spans.value_span("/channels/0/binding/phone_number")),
            "\"+6588000002\""
        );
        // The binding is replaced whole: the base's template went with it.
        let moved: Vec<&str> = templates.keys().map(String::as_str).collect();
        assert!(
            moved.contains(&"/channels/0/binding/phone_number"),
            "{moved:?}"
        );
        assert!(!moved.contains(&"/channels/0/binding/waba_id"), "{moved:?}");
    }

    #[test]
    fn an_empty_environment_changes_nothing() {
        let (mut json, mut spans) = parsed(FILE);
        let before = json.clone();
        overlay(&mut json, "prod", &mut spans, &mut BTreeMap::new());
        assert_eq!(json, before);
    }

    #[test]
    fn unknown_channels_names_and_environments_are_reported_where_written() {
        let src = FILE
            .replace("      wa:\n", "      wq:\n")
            .replace("  prod: {}", "  a/b: {}");
        let (json, spans) = parsed(&src);
        let mut d = check(&json, &spans);
        d.push(unknown_environment(&json, &spans, "qa"));
        let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                "chanctl::env::unknown_channel",
                "chanctl::env::name",
                "chanctl::env::unknown"
            ]
        );
        assert_eq!(text(&src, d[0].labels[0].span), "wq");
        assert!(d[0].help.as_deref().unwrap().contains("did you mean `wa`"));
        assert_eq!(text(&src, d[1].labels[0].span), "a/b");
        assert_eq!(
            d[2].message,
            "environment `qa` is not defined: this file defines `a/b`, `stg`"
        );
        assert_eq!(check(&json, &spans).len(), 2);
    }

    #[test]
    fn an_environment_in_a_file_without_environments_says_so() {
        let (json, spans) = parsed("version: 1\nchannels: []\n");
        assert!(check(&json, &spans).is_empty());
        let d = unknown_environment(&json, &spans, "stg");
        assert!(
            d.message.contains("defines no environments"),
            "{}",
            d.message
        );
    }

    #[test]
    fn environment_names_are_safe_in_file_names() {
        for ok in ["prod", "staging-2", "eu_west.1", "A"] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in ["", "../x", "a/b", ".hidden", "-x", "a b", &"x".repeat(65)] {
            assert!(!valid_name(bad), "{bad}");
        }
    }
}
