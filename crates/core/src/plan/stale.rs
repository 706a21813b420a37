//! Is a saved plan still about the account as it is now? A plan records a digest per live
//! channel; comparing them with the live state names what changed behind the plan's back.

use crate::model::{LiveChannel, LiveState};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One live channel as a plan saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LiveDigest {
    pub id: String,
    pub name: String,
    pub digest: String,
}

/// The digests of every live channel, then of every live template.
pub fn digests(live: &LiveState) -> Vec<LiveDigest> {
    let mut all = channel_digests(&live.channels);
    all.extend(template_digests(live));
    all
}

/// The digests of `channels`.
pub(super) fn channel_digests(channels: &[LiveChannel]) -> Vec<LiveDigest> {
    let mut out = Vec::with_capacity(channels.len());
    out.extend(channels.iter().map(|c| LiveDigest {
        id: c.id.clone(),
        name: c.name.clone(),
        digest: c.digest(),
    }));
    out
}

/// The digests of the live templates, their ids marked so that none can equal a channel's.
pub(super) fn template_digests(live: &LiveState) -> impl Iterator<Item = LiveDigest> + '_ {
    live.templates.iter().map(|t| LiveDigest {
        id: format!("template:{}", t.code),
        name: format!("template {} ({})", t.name, t.language),
        digest: t.digest(),
    })
}

/// What changed since the plan was made, or `None` when nothing did.
pub fn staleness(saved: &[LiveDigest], live: &LiveState) -> Option<String> {
    let then: BTreeMap<&str, &LiveDigest> = saved.iter().map(|d| (d.id.as_str(), d)).collect();
    let current = digests(live);
    let now: BTreeMap<&str, &LiveDigest> = current.iter().map(|d| (d.id.as_str(), d)).collect();
    let mut changes = Vec::new();
    for (id, d) in &then {
        match now.get(id) {
            None => changes.push(format!("`{}` ({id}) was deleted", d.name)),
            Some(c) if c.digest != d.digest => {
                changes.push(format!("`{}` ({id}) was changed", c.name))
            }
            Some(_) => {}
        }
    }
    for (id, c) in &now {
        if !then.contains_key(id) {
            changes.push(format!("`{}` ({id}) was created", c.name));
        }
    }
    if changes.is_empty() {
        return None;
    }
    let shown = changes.len().min(10);
    let more = changes.len() - shown;
    let mut text = changes[..shown].join("; ");
    if more > 0 {
        text.push_str(&format!("; and {more} more"));
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(id: &str, name: &str) -> crate::model::LiveChannel {
        crate::model::LiveChannel::sms(id, name)
    }

    #[test]
    fn names_what_changed() {
        let before = LiveState::new(vec![ch("1", "a"), ch("2", "b")]);
        let saved = digests(&before);
        assert_eq!(staleness(&saved, &before), None);
        let mut renamed = ch("2", "b2");
        renamed.description = "x".into();
        let after = LiveState::new(vec![renamed, ch("3", "c")]);
        let why = staleness(&saved, &after).unwrap();
        assert!(why.contains("`a` (1) was deleted"), "{why}");
        assert!(why.contains("`b2` (2) was changed"), "{why}");
        assert!(why.contains("`c` (3) was created"), "{why}");
    }

    #[test]
    fn a_template_is_kept_as_a_short_digest_that_tells_a_change() {
        use crate::template::live::{AuditStatus, LiveTemplate};
        let template = LiveTemplate {
            code: "tpl-1".into(),
            space: "1".into(),
            template_type: crate::template::TemplateType::Whatsapp,
            name: "welcome".into(),
            language: "en".into(),
            category: crate::template::Category::Utility,
            audit_status: AuditStatus::Pass,
            reason: None,
            quality: None,
            components: crate::template::Components {
                body: Some("Hello from the shop".into()),
                ..Default::default()
            },
            examples: Default::default(),
            message_send_ttl_seconds: None,
            allow_send: true,
            category_change_paused: false,
            last_update_time: None,
        };
        let mut before = LiveState::new(vec![ch("1", "a")]);
        before.templates.push(template.clone());
        let saved = digests(&before);
        let kept = &saved[1];
        assert_eq!(kept.id, "template:tpl-1");
        assert_eq!(kept.digest.len(), 24, "{}", kept.digest);
        assert!(
            !kept.digest.contains("Hello"),
            "the template's text is not kept"
        );
        assert_eq!(staleness(&saved, &before), None);
        let mut after = before.clone();
        after.templates[0].components.body = Some("Hello again".into());
        let why = staleness(&saved, &after).unwrap();
        assert!(
            why.contains("`template welcome (en)` (template:tpl-1) was changed"),
            "{why}"
        );
    }
}
