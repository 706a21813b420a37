//! A live account as a channels file: what `chanctl export` writes. Planning that file
//! against the same account gives an empty plan.

use crate::model::{Binding, LiveState};
use std::fmt::Write;

/// Quote a string as a YAML double-quoted scalar (JSON's escapes are YAML's).
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// The channels file for `live`, or an error when the account cannot be written as one (two
/// live channels with one name).
pub fn to_yaml(live: &LiveState, quota: u32, modeline: &str) -> Result<String, String> {
    let mut names = std::collections::HashSet::new();
    for c in &live.channels {
        if !names.insert(c.name.as_str()) {
            return Err(format!(
                "the account has two channels named `{}`; a channels file needs unique names: rename one first",
                c.name
            ));
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "# yaml-language-server: $schema={modeline}");
    let _ = writeln!(out, "# Exported by chanctl from the live account.");
    let _ = writeln!(out, "version: 1\naccount:\n  quota: {quota}\nprune: false");
    if live.channels.is_empty() {
        out.push_str("channels: []\n");
        return Ok(out);
    }
    out.push_str("channels:\n");
    let mut channels: Vec<_> = live.channels.iter().collect();
    channels.sort_by(|a, b| a.name.cmp(&b.name));
    for c in channels {
        let _ = writeln!(out, "  - name: {}", q(&c.name));
        let _ = writeln!(out, "    type: {}", c.channel_type);
        if !c.description.is_empty() {
            let _ = writeln!(out, "    description: {}", q(&c.description));
        }
        if let Some(b) = &c.binding {
            out.push_str("    binding:\n");
            for (k, v) in b.fields() {
                let _ = writeln!(out, "      {k}: {}", q(v));
            }
            if let Binding::Viber(_) = b
                && c.bind_state == crate::model::BindState::Pending
            {
                out.push_str("      # the Viber audit is still pending\n");
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    #[test]
    fn awkward_text_survives_the_round_trip() {
        let names = [
            "a: b",
            "#hash",
            "😀 emoji",
            "quote \" and \\",
            "yes",
            "123",
            "- dash",
            "tab\tinside",
        ];
        let channels: Vec<LiveChannel> = names
            .iter()
            .enumerate()
            .map(|(i, n)| LiveChannel {
                id: format!("id{i}"),
                name: n.to_string(),
                channel_type: ChannelType::Messenger,
                description: format!("{n} — description: {{x}} [y] & *z"),
                binding: Some(Binding::Messenger(MessengerBinding {
                    page_id: format!("{i}"),
                })),
                bind_state: BindState::Bound,
            })
            .filter(|c| !c.name.contains('\t'))
            .collect();
        let live = LiveState::new(channels);
        let yaml = to_yaml(&live, 100, "x.json").unwrap();
        let desired = crate::config::load(&yaml).unwrap_or_else(|d| panic!("{yaml}\n{d:?}"));
        assert_eq!(desired.channels.len(), live.channels.len());
        for c in &live.channels {
            let d = desired
                .channels
                .iter()
                .find(|d| d.name == c.name)
                .expect("name kept");
            assert_eq!(d.description, c.description);
            assert_eq!(d.binding, c.binding);
        }
    }

    #[test]
    fn duplicate_live_names_cannot_be_exported() {
        let ch = |id: &str| LiveChannel {
            id: id.into(),
            name: "same".into(),
            channel_type: ChannelType::Sms,
            description: String::new(),
            binding: None,
            bind_state: BindState::Bound,
        };
        let err = to_yaml(&LiveState::new(vec![ch("1"), ch("2")]), 100, "x").unwrap_err();
        assert!(err.contains("two channels named `same`"));
    }
}
