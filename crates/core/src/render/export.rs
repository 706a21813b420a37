//! A live account as a channels file: what `chanctl export` writes. Planning that file
//! against the same account gives an empty plan. Sensitive values (those the channels file
//! takes from sensitive `${VAR}` references) are written as those references, never as
//! values, with the `variables:` declarations they need.

use crate::config::file::VariableSpec;
use crate::model::{Binding, LiveState};
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

/// Quote a string as a YAML double-quoted scalar (JSON's escapes are YAML's), with `${`
/// written `$${` so that loading the file gives the text back, not a variable's value.
fn q(s: &str) -> String {
    quoted(&s.replace("${", "$${"))
}

/// Quote a string as is: for `${VAR}` references, which must stay references.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// The channels file for `live`. Of twins (live channels with one name) the file holds the
/// copy a plan keeps, with a comment naming the others.
pub fn to_yaml(live: &LiveState, quota: u32, modeline: &str) -> Result<String, String> {
    to_yaml_with(live, quota, modeline, &References::default())
}

/// What a channels file takes from `${VAR}` references, to write back as references.
#[derive(Debug, Clone, Default)]
pub struct References {
    /// Sensitive value → its text as written, e.g. `${WA_NUMBER}`.
    pub values: BTreeMap<String, String>,
    /// (channel, binding key) → its text as written: the account may still hold another
    /// value there (an old one, not applied yet), as sensitive as the new one.
    pub fields: BTreeMap<(String, String), String>,
    /// The channels file's declarations, for the variables the references name (a name
    /// not declared there is written as a sensitive variable).
    pub variables: BTreeMap<String, VariableSpec>,
}

impl References {
    /// The references of a loaded channels file.
    pub fn of(desired: &crate::config::Desired) -> References {
        References {
            values: desired.sensitive_templates(),
            fields: desired
                .sensitive
                .iter()
                .map(|s| ((s.channel.clone(), s.field.clone()), s.template.clone()))
                .collect(),
            variables: desired.variables.clone(),
        }
    }

    fn get(&self, channel: &str, field: &str, value: &str) -> Option<&str> {
        self.values
            .get(value)
            .or_else(|| self.fields.get(&(channel.to_string(), field.to_string())))
            .map(String::as_str)
    }
}

/// The ids of the twin copies a plan would delete, and for each copy kept a comment naming
/// them.
fn twins(live: &LiveState) -> (HashSet<&str>, BTreeMap<&str, String>) {
    let mut by_name: BTreeMap<&str, Vec<&crate::model::LiveChannel>> = BTreeMap::new();
    for c in &live.channels {
        by_name.entry(c.name.as_str()).or_default().push(c);
    }
    let mut skipped = HashSet::new();
    let mut notes = BTreeMap::new();
    for copies in by_name.values().filter(|c| c.len() > 1) {
        let (k, why) = crate::plan::twins::keeper(copies, None, None);
        let others: Vec<&str> = copies
            .iter()
            .filter(|c| c.id != copies[k].id)
            .map(|c| c.id.as_str())
            .collect();
        skipped.extend(others.iter().copied());
        notes.insert(
            copies[k].id.as_str(),
            format!(
                "twins: {} also {} this name and {} not written here ({} is: {}); `chanctl plan` deletes {}",
                others.join(", "),
                if others.len() == 1 { "has" } else { "have" },
                if others.len() == 1 { "is" } else { "are" },
                copies[k].id,
                why.describe(),
                if others.len() == 1 { "it" } else { "them" }
            ),
        );
    }
    (skipped, notes)
}

/// The names that several live channels share, with how many each.
pub fn twin_names(live: &LiveState) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &live.channels {
        *counts.entry(c.name.as_str()).or_default() += 1;
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(name, n)| (name.to_string(), n))
        .collect()
}

/// Like [`to_yaml`], writing sensitive values as the `references` they come from.
pub fn to_yaml_with(
    live: &LiveState,
    quota: u32,
    modeline: &str,
    references: &References,
) -> Result<String, String> {
    to_yaml_kept(live, quota, modeline, references, None)
}

/// Like [`to_yaml_with`], keeping what the account cannot hold from a channels file
/// (`kept`); without one, `prune: false`, no safety limits nor environments, and a comment
/// saying that these are defaults.
pub fn to_yaml_kept(
    live: &LiveState,
    quota: u32,
    modeline: &str,
    references: &References,
    kept: Option<&super::export_kept::Kept>,
) -> Result<String, String> {
    let (skipped, twin_notes) = twins(live);
    let mut out = String::new();
    let _ = writeln!(out, "# yaml-language-server: $schema={modeline}");
    let _ = writeln!(out, "# Exported by chanctl from the live account.");
    let default = super::export_kept::Kept::default();
    if kept.is_none() {
        out.push_str(
            "# The API does not tell the quota, prune, safety limits, environments, protect or\n\
             # previously: these are chanctl's defaults. Export with -f FILE to keep a file's.\n",
        );
    }
    let kept = kept.unwrap_or(&default);
    let _ = writeln!(out, "version: 1\naccount:\n  quota: {quota}");
    kept.write_head(&mut out);
    if live.channels.is_empty() {
        out.push_str("channels: []\n");
        kept.write_tail(&mut out);
        return Ok(out);
    }
    let channels = channels_yaml(live, references, kept, (&skipped, &twin_notes));
    let used = referenced_names(&channels);
    if !used.is_empty() {
        out.push_str("variables:\n");
        for name in used {
            let spec = references.variables.get(&name);
            let _ = write!(
                out,
                "  {name}: {{sensitive: {}",
                spec.is_none_or(|s| s.sensitive)
            );
            match spec.filter(|s| !s.description.is_empty()) {
                Some(s) => {
                    let _ = writeln!(out, ", description: {}}}", q(&s.description));
                }
                None => out.push_str("}\n"),
            }
        }
    }
    out.push_str(&channels);
    kept.write_tail(&mut out);
    Ok(out)
}

/// The `${NAME}` names in `text` (a `$${` escape is not one), sorted.
fn referenced_names(text: &str) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        let escaped = rest[..i].ends_with('$');
        let after = &rest[i + 2..];
        if let Some(end) = after.find('}') {
            let name = &after[..end];
            if !escaped && crate::config::variables::is_name(name) {
                names.insert(name.to_string());
            }
        }
        rest = after;
    }
    names
}

/// The `channels:` list of the exported file, without the twin copies a plan deletes (`twins`:
/// their ids, and the comment for each copy kept).
fn channels_yaml(
    live: &LiveState,
    references: &References,
    kept: &super::export_kept::Kept,
    (skipped, twin_notes): (&HashSet<&str>, &BTreeMap<&str, String>),
) -> String {
    let mut out = String::new();
    out.push_str("channels:\n");
    let mut channels: Vec<_> = live
        .channels
        .iter()
        .filter(|c| !skipped.contains(c.id.as_str()))
        .collect();
    channels.sort_by(|a, b| a.name.cmp(&b.name));
    for c in channels {
        let _ = writeln!(out, "  - name: {}", q(&c.name));
        if let Some(note) = twin_notes.get(c.id.as_str()) {
            let _ = writeln!(out, "    # {note}");
        }
        let _ = writeln!(out, "    type: {}", c.channel_type);
        if !c.description.is_empty() {
            let _ = writeln!(out, "    description: {}", q(&c.description));
        }
        for (k, v) in c.profile.fields() {
            match v {
                Some(v) if crate::model::profile::accepts(k, v) => {
                    let _ = writeln!(out, "    {k}: {}", q(v));
                }
                Some(v) => {
                    let _ = writeln!(
                        out,
                        "    # {k}: {} (not managed: the file does not accept this value)",
                        q(v)
                    );
                }
                None => {}
            }
        }
        kept.write_channel(&mut out, &c.name);
        if let Some(b) = &c.binding {
            out.push_str("    binding:\n");
            // A list entry's key is `LIST/INDEX/KEY`: the list's key once, then `- KEY:` for
            // an entry's first key and the others below it.
            let mut entry: Option<(String, String)> = None;
            for (k, v) in b.fields() {
                let v = match references.get(&c.name, &k, v) {
                    Some(reference) => quoted(reference),
                    None => q(v),
                };
                match k.splitn(3, '/').collect::<Vec<_>>().as_slice() {
                    [list, index, key] => {
                        let this = (list.to_string(), index.to_string());
                        if entry.as_ref().is_none_or(|(l, _)| l != list) {
                            let _ = writeln!(out, "      {list}:");
                        }
                        if entry.as_ref() == Some(&this) {
                            let _ = writeln!(out, "          {key}: {v}");
                        } else {
                            let _ = writeln!(out, "        - {key}: {v}");
                        }
                        entry = Some(this);
                    }
                    _ => {
                        let _ = writeln!(out, "      {k}: {v}");
                    }
                }
            }
            if let Binding::Viber(_) = b
                && c.bind_state == crate::model::BindState::Pending
            {
                out.push_str("      # the Viber audit is still pending\n");
            }
        }
        templates(&mut out, live, &c.id);
    }
    out
}

/// The templates of the space of channel `id`, one entry per name and language, their
/// content in JSON's flow style (which YAML reads as it is).
fn templates(out: &mut String, live: &LiveState, id: &str) {
    let mut here: Vec<_> = live.templates.iter().filter(|t| t.space == id).collect();
    if here.is_empty() {
        return;
    }
    here.sort_by(|a, b| (&a.name, &a.language).cmp(&(&b.name, &b.language)));
    out.push_str("    templates:\n");
    for t in here {
        let _ = writeln!(out, "      - name: {}", q(&t.name));
        let _ = writeln!(
            out,
            "        # review: {}",
            super::templates::review(&crate::template::plan::ReviewState {
                audit_status: t.audit_status,
                reason: t.reason.clone(),
                quality: t.quality,
            })
        );
        let _ = writeln!(out, "        category: {}", t.category.as_str());
        let _ = writeln!(out, "        language: {}", q(&t.language));
        let _ = writeln!(out, "        components: {}", json(&t.components));
        if !t.examples.is_empty() {
            let _ = writeln!(out, "        examples: {}", json(&t.examples));
        }
        if let Some(ttl) = t.message_send_ttl_seconds {
            let _ = writeln!(out, "        message_send_ttl_seconds: {ttl}");
        }
        let _ = writeln!(out, "        allow_send: {}", t.allow_send);
        if t.template_type == crate::template::TemplateType::Whatsapp {
            let _ = writeln!(
                out,
                "        category_change_paused: {}",
                t.category_change_paused
            );
        }
    }
}

/// JSON text of a value, for the flow-style parts of an export.
fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    #[test]
    fn the_instance_profile_round_trips_and_a_value_the_file_refuses_is_a_comment() {
        let mut c = LiveChannel::sms("id1", "codes");
        c.profile = Profile::from(ProfileFields {
            contact_mail: Some("ops@example.com".into()),
            country_id: Some("sg".into()),
            office_address: Some("1 Main St: #01-02".into()),
            facebook_bm_id: Some("104857600123".into()),
            isv_terms: Some("yes".into()),
            resource_group: Some("rg-acfmxazb4ph6aiy".into()),
        });
        let live = LiveState::new(vec![c.clone()]);
        let yaml = to_yaml(&live, 100, "x.json").unwrap();
        assert!(
            yaml.contains("    # country_id: \"sg\" (not managed"),
            "{yaml}"
        );
        let desired = crate::config::load(&yaml).unwrap_or_else(|d| panic!("{yaml}\n{d:?}"));
        let want = Profile::from(ProfileFields {
            country_id: None,
            ..c.profile.clone().into_fields()
        });
        assert_eq!(desired.channels[0].profile, want);
        // Planned against the account it came from: nothing to do.
        let plan = crate::plan::plan_in_sandbox(&desired, &live, false);
        assert!(plan.steps.is_empty(), "{:?}", plan.steps);
    }

    #[test]
    fn awkward_text_survives_the_round_trip() {
        let names = [
            "a: b",
            "costs ${HOME} and $${x}",
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
                profile: Default::default(),
                id: format!("id{i}"),
                name: n.to_string(),
                channel_type: ChannelType::Messenger,
                description: format!("{n} — description: {{x}} [y] & *z"),
                binding: Some(Binding::Messenger(MessengerBinding {
                    page_id: format!("{i}"),
                })),
                bind_state: BindState::Bound,
                created: None,
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
    fn sensitive_values_are_written_as_their_references() {
        let live = LiveState::new(vec![LiveChannel {
            profile: Default::default(),
            id: "1".into(),
            name: "wa".into(),
            channel_type: ChannelType::Whatsapp,
            description: String::new(),
            binding: Some(Binding::whatsapp(WhatsappBinding {
                waba_id: "12".into(),
                phone_number: "+6588001234".into(),
                verified_name: None,
                phone_numbers: Vec::new(),
                waiting: Vec::new(),
            })),
            bind_state: BindState::Bound,
            created: None,
        }]);
        let references = References {
            values: BTreeMap::from([("+6588001234".to_string(), "+65${LOCAL_NUMBER}".to_string())]),
            fields: BTreeMap::from([(
                ("wa".to_string(), "waba_id".to_string()),
                "${W}".to_string(),
            )]),
            variables: BTreeMap::from([(
                "W".to_string(),
                VariableSpec {
                    sensitive: false,
                    description: "the WABA".into(),
                },
            )]),
        };
        let yaml = to_yaml_with(&live, 100, "x", &references).unwrap();
        assert!(
            yaml.contains("waba_id: \"${W}\""),
            "by key, whatever the value: {yaml}"
        );
        assert!(!yaml.contains("+6588001234"), "{yaml}");
        assert!(
            yaml.contains("phone_number: \"+65${LOCAL_NUMBER}\""),
            "{yaml}"
        );
        let vars = |k: &str| match k {
            "LOCAL_NUMBER" => Some("88001234".to_string()),
            "W" => Some("12".to_string()),
            _ => None,
        };
        let options = crate::config::LoadOptions {
            environment: None,
            vars: &vars,
            credentials: &[],
        };
        let desired = crate::config::load_with(&yaml, &options).unwrap();
        assert_eq!(desired.channels[0].binding, live.channels[0].binding);
        assert_eq!(desired.sensitive.len(), 1, "W is declared not sensitive");
        assert!(
            yaml.contains("  W: {sensitive: false, description: \"the WABA\"}\n"),
            "{yaml}"
        );
        assert!(
            yaml.contains("  LOCAL_NUMBER: {sensitive: true}\n"),
            "{yaml}"
        );
    }

    #[test]
    fn of_twins_the_copy_a_plan_keeps_is_written_with_the_others_named() {
        let ch = |id: &str, created: i64| LiveChannel {
            profile: Default::default(),
            id: id.into(),
            name: "same".into(),
            channel_type: ChannelType::Sms,
            description: String::new(),
            binding: None,
            bind_state: BindState::Bound,
            created: Some(created),
        };
        let live = LiveState::new(vec![ch("1", 20), ch("2", 10)]);
        let yaml = to_yaml(&live, 100, "x").unwrap();
        assert_eq!(yaml.matches("- name:").count(), 1, "{yaml}");
        assert!(
            yaml.contains(
                "# twins: 1 also has this name and is not written here (2 is: it is the older copy)"
            ),
            "{yaml}"
        );
        assert!(crate::config::load(&yaml).is_ok(), "{yaml}");
        assert_eq!(twin_names(&live), [("same".to_string(), 2)]);
    }
}
