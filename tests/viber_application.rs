//! A Viber application through the binary on the emulator: submitted with its `audit:` block,
//! edited while pending (UpdateAuditRequest, with only the declared record fields), then
//! approved: an edit is a manual step that is never sent, and the export of the account
//! plans empty.

use crate::emulator::{KEY_ID, SECRET, client, start};
use std::path::Path;

fn file(industry: &str, destinations: &str) -> String {
    format!(
        "version: 1\nchannels:\n  - name: v\n    type: viber\n    binding:\n      \
         business_account: acme\n      audit:\n        company_legal_name: Acme Pte. Ltd.\n        \
         registered_country: SG\n        contact_email: ops@acme.example\n        \
         industry: {industry}\n        destination_countries: {destinations}\n"
    )
}

fn run(dir: &Path, url: &str, args: &[&str]) -> (Option<i32>, String) {
    let out = crate::common::chanctl_with_keys(dir, KEY_ID, SECRET)
        .args(args)
        .args(["--backend", "cams", "--endpoint", url])
        .output()
        .unwrap();
    (out.status.code(), crate::common::text(&out))
}

/// The plan's steps as `action channel`, each with `(manual)` when it is one.
fn steps(dir: &Path, url: &str, file: &str) -> Vec<String> {
    let (code, text) = run(dir, url, &["plan", "-f", file, "--format", "json"]);
    assert_eq!(code, Some(0), "{text}");
    let start = text.find('{').unwrap();
    let plan: serde_json::Value = serde_json::Deserializer::from_str(&text[start..])
        .into_iter()
        .next()
        .unwrap()
        .unwrap();
    plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let manual = if s["manual"].is_string() {
                " (manual)"
            } else {
                ""
            };
            format!(
                "{} {}{manual}",
                s["action"].as_str().unwrap(),
                s["channel"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test]
async fn a_viber_application_is_edited_while_pending_and_is_manual_once_approved() {
    let emu = start(&["--viber-service-state", "stop"]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let url = emu.url.clone();
    std::fs::write(dir.join("channels.yaml"), file("Retail", "[SG]")).unwrap();
    let (code, text) = run(dir, &url, &["apply", "--auto-approve"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("has no `audit:` block"), "{text}");
    assert_eq!(steps(dir, &url, "channels.yaml"), Vec::<String>::new());

    // Pending: the edit is an update, sent with UpdateAuditRequest.
    std::fs::write(dir.join("channels.yaml"), file("E-commerce", "[SG, MY]")).unwrap();
    assert_eq!(steps(dir, &url, "channels.yaml"), ["update v"]);
    let (code, text) = run(dir, &url, &["apply", "--auto-approve"]);
    assert_eq!(code, Some(0), "{text}");
    let c = client(&emu);
    let (id, waiting) = c.pending_viber_application().await;
    let record = &waiting["AuditRecord"];
    assert_eq!(record["IndustryInvolved"], "E-commerce");
    assert_eq!(
        record["MessageDestinationCountry"],
        serde_json::json!(["SG", "MY"])
    );
    assert_eq!(
        record["CompanyRegisteredCountry"],
        serde_json::json!(["SG"])
    );
    assert_eq!(steps(dir, &url, "channels.yaml"), Vec::<String>::new());

    // Approved: the API edits it no more; the plan says so and apply sends nothing.
    let request_no = waiting["RequestNo"].as_str().unwrap().to_string();
    c.ok("GetViberByRequestNo", &format!("RequestNo={request_no}"))
        .await;
    let (code, text) = run(dir, &url, &["plan", "--detailed-exitcode"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("is in state `stop`"), "{text}");
    std::fs::write(dir.join("channels.yaml"), file("Travel", "[SG, MY]")).unwrap();
    assert_eq!(steps(dir, &url, "channels.yaml"), ["update v (manual)"]);
    let (_, text) = run(dir, &url, &["plan"]);
    assert!(
        text.contains("the Viber application of `v` is approved, and the API edits only an application still pending"),
        "{text}"
    );
    let (_, text) = run(dir, &url, &["apply", "--auto-approve"]);
    let card = c
        .ok("ListViberServiceMessage", &format!("CustSpaceId={id}"))
        .await;
    assert_eq!(card["Data"][0]["IndustryInvolved"], "E-commerce", "{text}");
    assert_eq!(steps(dir, &url, "channels.yaml"), ["update v (manual)"]);

    // A keyword the service card does not have is not compared once approved.
    std::fs::write(
        dir.join("channels.yaml"),
        file("E-commerce", "[SG, MY]").replace("Acme Pte. Ltd.", "Acme Holdings"),
    )
    .unwrap();
    assert_eq!(steps(dir, &url, "channels.yaml"), Vec::<String>::new());

    // The export of the account plans empty.
    let (code, text) = run(dir, &url, &["export", "-o", "exported.yaml"]);
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = run(
        dir,
        &url,
        &["plan", "-f", "exported.yaml", "--detailed-exitcode"],
    );
    assert_eq!(code, Some(0), "{text}");
}

/// The same rules on the sandbox: pending, an edit is an update; approved (the sandbox's
/// reviewers approve with `CHANCTL_SANDBOX_REVIEW=approve`), a manual step.
#[test]
fn the_sandbox_edits_a_pending_application_and_not_an_approved_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let sandbox = |args: &[&str], review: &str| {
        let out = crate::common::chanctl(dir)
            .env("CHANCTL_SANDBOX_REVIEW", review)
            .args(args)
            .output()
            .unwrap();
        (out.status.code(), crate::common::text(&out))
    };
    let steps = |review: &str| {
        let (code, text) = sandbox(&["plan", "--format", "json"], review);
        assert_eq!(code, Some(0), "{text}");
        let plan: serde_json::Value = serde_json::from_str(&text[..text.rfind('}').unwrap() + 1])
            .unwrap_or_else(|e| panic!("{e}: {text}"));
        crate::common::steps(&plan)
            .into_iter()
            .zip(plan["steps"].as_array().unwrap())
            .map(|(s, step)| match step["manual"].as_str() {
                Some(why) => format!("{s} (manual: {why})"),
                None => s,
            })
            .collect::<Vec<_>>()
    };
    std::fs::write(dir.join("channels.yaml"), file("Retail", "[SG]")).unwrap();
    let (code, text) = sandbox(&["apply", "--auto-approve"], "pending");
    assert_eq!(code, Some(0), "{text}");
    std::fs::write(dir.join("channels.yaml"), file("E-commerce", "[SG]")).unwrap();
    assert_eq!(steps("pending"), ["update v"]);
    let (code, text) = sandbox(&["apply", "--auto-approve"], "pending");
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(steps("pending"), Vec::<String>::new());
    // Approved, then edited: manual, with the reason.
    std::fs::write(dir.join("channels.yaml"), file("Travel", "[SG]")).unwrap();
    let manual = steps("approve");
    assert_eq!(manual.len(), 1, "{manual:?}");
    assert!(
        manual[0].starts_with("update v (manual: the Viber application of `v` is approved"),
        "{manual:?}"
    );
}
