//! Templates through the binary on the sandbox: the review driven by
//! `CHANCTL_SANDBOX_REVIEW`, a rejected template as drift, an old name retired once its
//! successor is approved, export and its empty plan. The CAMS backend's templates are in
//! `cams_templates.rs`.

use crate::common::chanctl;
use std::path::Path;

const FILE: &str = r#"version: 1
channels:
  - name: wa
    type: whatsapp
    binding: {waba_id: "102938475610", phone_number: "+6588001234"}
    templates:
      - name: NAME
        category: UTILITY
        language: en_US
        components:
          body: "Hello {{1}}, your order has shipped."
        examples: {"{{1}}": "Alice"}
PREVIOUSLY"#;

fn write(dir: &Path, name: &str, previously: &str) {
    let text = FILE.replace("NAME", name).replace("PREVIOUSLY", previously);
    std::fs::write(dir.join("channels.yaml"), text).unwrap();
}

fn run(dir: &Path, review: &str, args: &[&str]) -> (i32, String, String) {
    let out = chanctl(dir)
        .env("CHANCTL_SANDBOX_REVIEW", review)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_rejected_template_is_drift_with_its_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "order_update", "");
    let (code, _, err) = run(dir, "pending", &["apply", "--auto-approve"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(dir, "pending", &["plan", "--detailed-exitcode"]);
    assert_eq!(code, 0, "under review, nothing to do:\n{out}");
    assert!(out.contains("review auditing"), "{out}");
    let (code, out, _) = run(dir, "reject", &["plan", "--detailed-exitcode"]);
    assert_eq!(code, 2, "a rejected template is drift:\n{out}");
    assert!(out.contains("rejected by the sandbox's review"), "{out}");
    let (code, out, _) = run(dir, "reject", &["plan", "--format", "json"]);
    assert_eq!(code, 0);
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(plan["templates"][0]["review"]["audit_status"], "fail");
}

#[test]
fn an_old_name_is_retired_once_the_new_one_is_approved() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "order_shipped", "");
    assert_eq!(run(dir, "approve", &["apply", "--auto-approve"]).0, 0);
    write(dir, "order_update", "        previously: [order_shipped]\n");
    let (code, out, err) = run(dir, "pending", &["apply", "--auto-approve"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("is kept until `order_update` is approved"),
        "{out}"
    );
    // Still under review: the old one stays.
    let (code, out, _) = run(dir, "pending", &["plan", "--detailed-exitcode"]);
    assert_eq!(code, 0, "{out}");
    // Approved: the old one goes.
    let (code, out, _) = run(dir, "approve", &["plan", "--detailed-exitcode"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("template order_shipped (en_US) in wa (whatsapp) will be deleted"),
        "{out}"
    );
    assert_eq!(run(dir, "approve", &["apply", "--auto-approve"]).0, 0);
    assert_eq!(run(dir, "approve", &["plan", "--detailed-exitcode"]).0, 0);
}

#[test]
fn export_writes_templates_and_its_plan_is_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "order_update", "");
    assert_eq!(run(dir, "approve", &["apply", "--auto-approve"]).0, 0);
    let (code, _, err) = run(dir, "approve", &["export", "-o", "exported.yaml"]);
    assert_eq!(code, 0, "{err}");
    let exported = std::fs::read_to_string(dir.join("exported.yaml")).unwrap();
    assert!(exported.contains("templates:"), "{exported}");
    assert!(exported.contains("# review: pass"), "{exported}");
    let (code, out, err) = run(
        dir,
        "approve",
        &["plan", "-f", "exported.yaml", "--detailed-exitcode"],
    );
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn an_unknown_review_setting_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "order_update", "");
    let (code, _, err) = run(tmp.path(), "maybe", &["plan"]);
    assert_eq!(code, 1);
    assert!(err.contains("CHANCTL_SANDBOX_REVIEW is `maybe`"), "{err}");
}

#[test]
fn content_and_properties_changed_together_converge_in_one_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "order_update", "");
    let (code, _, err) = run(dir, "pending", &["apply", "--auto-approve"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.join("channels.yaml"))
        .unwrap()
        .replace(
            "has shipped.\"",
            "is on its way.\"\n        allow_send: false",
        );
    std::fs::write(dir.join("channels.yaml"), text).unwrap();
    let (code, out, err) = run(dir, "pending", &["plan", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        crate::common::steps(&plan),
        [
            "modify template wa/order_update/en_US",
            "properties template wa/order_update/en_US"
        ]
    );
    let props = &plan["steps"][1];
    assert_eq!(props["depends_on"], serde_json::json!([0]), "{props}");
    let changed: Vec<&str> = props["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["allow_send"], "only the property: {props}");
    let (code, _, err) = run(dir, "pending", &["apply", "--auto-approve"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(dir, "pending", &["plan", "--detailed-exitcode"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_new_template_that_may_not_be_sent_is_created_and_set_in_one_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(dir, "order_update", "");
    let text = std::fs::read_to_string(dir.join("channels.yaml"))
        .unwrap()
        .replace(
            "has shipped.\"",
            "has shipped.\"\n        allow_send: false",
        );
    std::fs::write(dir.join("channels.yaml"), text).unwrap();
    let (code, out, err) = run(dir, "pending", &["plan", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    let steps = crate::common::steps(&plan);
    assert_eq!(
        steps[steps.len() - 2..],
        [
            "create template wa/order_update/en_US",
            "properties template wa/order_update/en_US"
        ]
    );
    let (code, _, err) = run(dir, "pending", &["apply", "--auto-approve"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(dir, "pending", &["plan", "--detailed-exitcode"]);
    assert_eq!(code, 0, "one apply is enough:\n{out}");
}
