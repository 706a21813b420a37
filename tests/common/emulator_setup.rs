//! Putting a scenario's live state on the emulator: its channels (`live.yaml`) and templates
//! (`templates.yaml`) as a channels file that chanctl applies, and the review flags under
//! which the templates reach the audit status the scenario gives them. The emulator has no
//! back door into its state: everything goes through the API, as on the real service.

use chanctl::template::live::{AuditStatus, LiveTemplate};
use serde::Deserialize;
use std::path::Path;

/// A channel of `live.yaml`.
#[derive(Debug, Deserialize)]
pub struct LiveRow {
    #[serde(default)]
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub channel_type: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub binding: Option<serde_json::Value>,
}

/// A scenario's `templates.yaml`, or none.
pub fn templates(fixture: &Path) -> Vec<LiveTemplate> {
    std::fs::read_to_string(fixture.join("templates.yaml"))
        .map(|t| serde_saphyr::from_str(&t).expect("templates.yaml"))
        .unwrap_or_default()
}

/// The live state of a scenario as a channels file that creates it, templates included.
pub fn setup_file(live: &[LiveRow], templates: &[LiveTemplate]) -> String {
    let channels: Vec<serde_json::Value> = live
        .iter()
        .map(|r| {
            let mut c = serde_json::json!({"name": r.name, "type": r.channel_type, "description": r.description});
            if let Some(b) = &r.binding {
                c["binding"] = b.clone();
            }
            let here: Vec<serde_json::Value> = templates
                .iter()
                .filter(|t| t.space == r.id)
                .map(|t| {
                    let mut e = serde_json::json!({
                        "name": t.name, "language": t.language, "category": t.category,
                        "components": t.components,
                    });
                    if !t.examples.is_empty() {
                        e["examples"] = serde_json::json!(t.examples);
                    }
                    if let Some(ttl) = t.message_send_ttl_seconds {
                        e["message_send_ttl_seconds"] = ttl.into();
                    }
                    e
                })
                .collect();
            if !here.is_empty() {
                c["templates"] = here.into();
            }
            c
        })
        .collect();
    serde_json::json!({"version": 1, "channels": channels}).to_string()
}

/// The emulator's review flags under which `templates`, once created and read, have their
/// audit status: approved (the default review), under review (`hold`), or rejected with
/// their reason (`--template-reject`). A scenario cannot mix approved and under review.
pub fn review_flags(templates: &[LiveTemplate]) -> Vec<String> {
    let has = |s: AuditStatus| templates.iter().any(|t| t.audit_status == s);
    let held = has(AuditStatus::Auditing) || has(AuditStatus::Unaudit);
    assert!(
        !(held && has(AuditStatus::Pass)),
        "a scenario's templates are either approved or under review"
    );
    let mut flags = Vec::new();
    if held || (has(AuditStatus::Fail) && !has(AuditStatus::Pass)) {
        flags.extend(["--template-review".to_string(), "hold".to_string()]);
    }
    for t in templates
        .iter()
        .filter(|t| t.audit_status == AuditStatus::Fail)
    {
        let reason = t.reason.clone().unwrap_or_else(|| "rejected".into());
        flags.extend([
            "--template-reject".to_string(),
            format!("{}={reason}", t.name),
        ]);
    }
    flags
}
