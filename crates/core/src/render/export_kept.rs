//! What `export` keeps from the channels file it reads: the settings the account cannot
//! hold (the quota as the file states it, `prune`, `safety`, `environments`) and, for each
//! channel, `protect` and `previously`. The API tells none of them, so without a file they
//! are chanctl's defaults, and the export says so.

use crate::config::yaml;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Top-level keys kept from the file, in the order they are written.
const SECTIONS: [&str; 3] = ["prune", "safety", "environments"];
/// Channel keys kept from the file.
const CHANNEL_KEYS: [&str; 2] = ["protect", "previously"];

/// The parts of a channels file that `export` writes back as the file has them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kept {
    /// `account.quota`, when the file states it.
    pub quota: Option<u32>,
    /// `prune`, `safety` and `environments`, each when the file has it.
    pub sections: Vec<(String, Value)>,
    /// `protect` and `previously` of each channel that has them, by the channel's name.
    pub channels: BTreeMap<String, Vec<(String, Value)>>,
}

impl Kept {
    /// What `source` (a channels file's text, valid) has of the kept parts.
    pub fn of(source: &str) -> Kept {
        let Ok(mut root) = yaml::parse(source) else {
            return Kept::default();
        };
        let (json, _) = crate::config::tree::take_json(&mut root);
        let quota = json
            .pointer("/account/quota")
            .and_then(Value::as_u64)
            .and_then(|q| u32::try_from(q).ok());
        let sections = SECTIONS
            .iter()
            .filter_map(|k| json.get(*k).map(|v| (k.to_string(), v.clone())))
            .collect();
        let mut channels = BTreeMap::new();
        for c in json["channels"].as_array().into_iter().flatten() {
            let Some(name) = c["name"].as_str() else {
                continue;
            };
            let keys: Vec<(String, Value)> = CHANNEL_KEYS
                .iter()
                .filter_map(|k| c.get(*k).map(|v| (k.to_string(), v.clone())))
                .collect();
            if !keys.is_empty() {
                channels.insert(name.to_string(), keys);
            }
        }
        Kept {
            quota,
            sections,
            channels,
        }
    }

    /// What to keep when the file is exported for one environment (`--env`): that
    /// environment's values, as `desired` (loaded for it) has them, and no `environments`
    /// (their overrides name the file's channels, not the environment's).
    pub fn for_environment(self, desired: &crate::config::Desired) -> Kept {
        let had = |k: &str| self.sections.iter().any(|(key, _)| key == k);
        let mut sections = Vec::new();
        if had("prune") || desired.prune {
            sections.push(("prune".to_string(), Value::Bool(desired.prune)));
        }
        if had("safety") || desired.safety != crate::model::SafetyLimits::default() {
            let safety = serde_json::to_value(desired.safety).unwrap_or(Value::Null);
            sections.push(("safety".to_string(), safety));
        }
        let mut channels = BTreeMap::new();
        for c in &desired.channels {
            let mut keys = Vec::new();
            if c.protect {
                keys.push(("protect".to_string(), Value::Bool(true)));
            }
            if !c.previously.is_empty() {
                keys.push(("previously".to_string(), serde_json::json!(c.previously)));
            }
            if !keys.is_empty() {
                channels.insert(c.name.clone(), keys);
            }
        }
        Kept {
            quota: Some(desired.quota),
            sections,
            channels,
        }
    }

    /// The top-level lines after `account`: `prune` (false when the file has none) and
    /// `safety`.
    pub(super) fn write_head(&self, out: &mut String) {
        if !self.sections.iter().any(|(k, _)| k == "prune") {
            out.push_str("prune: false\n");
        }
        for (key, value) in self.sections.iter().filter(|(k, _)| k != "environments") {
            write_entry(out, 0, key, value);
        }
    }

    /// The top-level lines after `channels`: `environments`.
    pub(super) fn write_tail(&self, out: &mut String) {
        for (key, value) in self.sections.iter().filter(|(k, _)| k == "environments") {
            write_entry(out, 0, key, value);
        }
    }

    /// The kept keys of channel `name`, as entries of its mapping.
    pub(super) fn write_channel(&self, out: &mut String, name: &str) {
        for (key, value) in self.channels.get(name).into_iter().flatten() {
            write_entry(out, 4, key, value);
        }
    }
}

/// A key: plain when it is a simple word, else quoted.
fn key(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && k.starts_with(|c: char| c.is_ascii_alphabetic());
    if plain {
        k.to_string()
    } else {
        scalar(&Value::String(k.to_string()))
    }
}

/// A scalar or an empty collection on one line. Strings are quoted as written (a `${VAR}`
/// stays a reference).
fn scalar(v: &Value) -> String {
    match v {
        Value::Array(a) if a.is_empty() => "[]".to_string(),
        Value::Object(o) if o.is_empty() => "{}".to_string(),
        other => serde_json::to_string(other).unwrap_or_else(|_| "null".to_string()),
    }
}

fn nested(v: &Value) -> bool {
    matches!(v, Value::Array(a) if !a.is_empty()) || matches!(v, Value::Object(o) if !o.is_empty())
}

/// `key: value` at `indent` spaces, in block style.
fn write_entry(out: &mut String, indent: usize, k: &str, v: &Value) {
    let pad = " ".repeat(indent);
    if nested(v) {
        let _ = writeln!(out, "{pad}{}:", key(k));
        write_block(out, indent + 2, v);
    } else {
        let _ = writeln!(out, "{pad}{}: {}", key(k), scalar(v));
    }
}

fn write_block(out: &mut String, indent: usize, v: &Value) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                write_entry(out, indent, k, v);
            }
        }
        Value::Array(a) => {
            for item in a {
                if nested(item) {
                    let _ = writeln!(out, "{pad}-");
                    write_block(out, indent + 2, item);
                } else {
                    let _ = writeln!(out, "{pad}- {}", scalar(item));
                }
            }
        }
        other => {
            let _ = writeln!(out, "{pad}{}", scalar(other));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "version: 1
account: {quota: 20}
prune: true
safety: {max_change_percent: 50, min_managed: 4}
channels:
  - name: a
    type: sms
    protect: true
    previously: [old-a]
  - name: b
    type: sms
environments:
  staging:
    account: {quota: 5}
    channels:
      a: {description: \"${DESC}\", protect: false}
";

    #[test]
    fn the_kept_parts_are_read_and_written_back_as_they_were() {
        let kept = Kept::of(FILE);
        assert_eq!(kept.quota, Some(20));
        assert_eq!(kept.channels.len(), 1);
        let mut out = String::new();
        kept.write_head(&mut out);
        kept.write_tail(&mut out);
        let mut channel = String::new();
        kept.write_channel(&mut channel, "a");
        assert_eq!(
            channel,
            "    protect: true\n    previously:\n      - \"old-a\"\n"
        );
        let text = format!("version: 1\naccount:\n  quota: 20\n{out}channels: []\n");
        let again = Kept::of(&text);
        assert_eq!(again.sections, kept.sections, "{text}");
        assert!(out.contains("description: \"${DESC}\""), "{out}");
    }

    #[test]
    fn without_them_prune_is_false() {
        let kept = Kept::of("version: 1\nchannels: []\n");
        assert_eq!(kept, Kept::default());
        let mut out = String::new();
        kept.write_head(&mut out);
        kept.write_tail(&mut out);
        assert_eq!(out, "prune: false\n");
    }
}
