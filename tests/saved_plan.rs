//! Saved plans: `plan --out` then `apply PLAN` runs exactly that plan; a plan whose account
//! changed behind its back, or made for another account, is refused whole. Scopes
//! (`--target`, `--exclude`) narrow a plan and refuse to leave out a dependency.

use crate::common;
use common::{chanctl, example, fails, succeeds};

use predicates::prelude::*;
use std::path::Path;

#[test]
fn saved_plan_applies_exactly() {
    let tmp = example();
    succeeds(tmp.path(), &["plan", "--out", "plan.json"], "");
    let saved: chanctl::plan::Plan =
        serde_json::from_slice(&std::fs::read(tmp.path().join("plan.json")).unwrap()).unwrap();
    assert_eq!(saved.steps.len(), 11);
    assert!(saved.source.digest.starts_with("sha256:"));
    // The file changes after the plan was made: the saved plan still applies as saved.
    std::fs::write(
        tmp.path().join("channels.yaml"),
        "version: 1\nchannels: []\n",
    )
    .unwrap();
    succeeds(
        tmp.path(),
        &["apply", "plan.json"],
        "Apply complete: 6 created, 4 bound, 1 pending review.",
    );
    // The account now holds the example's channels.
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/channels.yaml"),
        tmp.path().join("channels.yaml"),
    )
    .unwrap();
    chanctl(tmp.path())
        .args(["plan", "--detailed-exitcode"])
        .assert()
        .code(0);
}

#[test]
fn stale_plan_is_refused_naming_what_changed() {
    let tmp = example();
    succeeds(tmp.path(), &["apply", "--auto-approve"], "");
    // Plan a description change, then change the account behind the plan's back.
    let text = std::fs::read_to_string(tmp.path().join("channels.yaml")).unwrap();
    std::fs::write(
        tmp.path().join("channels.yaml"),
        text.replace("Sales enquiries", "Sales"),
    )
    .unwrap();
    succeeds(tmp.path(), &["plan", "--out", "plan.json"], "");
    std::fs::write(
        tmp.path().join("other.yaml"),
        text.replace("One-time passwords", "OTP"),
    )
    .unwrap();
    succeeds(
        tmp.path(),
        &[
            "apply",
            "--auto-approve",
            "-f",
            "other.yaml",
            "--sandbox",
            ".chanctl/sandbox.json",
        ],
        "",
    );
    chanctl(tmp.path())
        .args(["apply", "plan.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Saved plan is stale"))
        .stderr(predicate::str::contains("`login-codes`"))
        .stderr(predicate::str::contains("was changed"));
    // Nothing of the stale plan ran: the sales description is unchanged.
    let plan = chanctl(tmp.path())
        .args(["plan", "--format", "json"])
        .output()
        .unwrap();
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let channels: Vec<&str> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["channel"].as_str().unwrap())
        .collect();
    assert!(channels.contains(&"sales-viber"), "{channels:?}");
}

#[test]
fn plan_for_another_account_is_refused() {
    let tmp = example();
    succeeds(tmp.path(), &["plan", "--out", "plan.json"], "");
    fails(
        tmp.path(),
        &["apply", "plan.json", "--sandbox", "elsewhere.json"],
        1,
        "was made for sandbox",
    );
    assert!(!tmp.path().join("elsewhere.json").exists());
}

#[test]
fn a_file_that_is_not_a_plan_is_refused() {
    let tmp = example();
    std::fs::write(tmp.path().join("plan.json"), "{\"hello\": 1}").unwrap();
    fails(tmp.path(), &["apply", "plan.json"], 1, "not a plan file");
}

#[test]
fn target_and_exclude_narrow_the_plan() {
    let tmp = example();
    let out = chanctl(tmp.path())
        .args([
            "plan", "--format", "json", "--target", "sales-*", "--target", "login-*",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let steps: Vec<String> = common::steps(&plan);
    assert_eq!(
        steps,
        [
            "create login-codes",
            "create sales-viber",
            "bind sales-viber"
        ]
    );
    assert_eq!(plan["steps"][2]["depends_on"], serde_json::json!([1]));
    succeeds(
        tmp.path(),
        &["apply", "--auto-approve", "--exclude", "*-whatsapp"],
        "Apply complete: 5 created, 3 bound, 1 pending review.",
    );
    succeeds(
        tmp.path(),
        &["plan", "--format", "json"],
        "\"channel\": \"support-whatsapp\"",
    );
}

#[test]
fn a_dependency_outside_the_scope_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/plans/07-two-channels-swap-pages");
    let live: Vec<chanctl::model::LiveChannel> =
        serde_saphyr::from_str(&std::fs::read_to_string(fixture.join("live.yaml")).unwrap())
            .unwrap();
    let channels: std::collections::BTreeMap<&str, &chanctl::model::LiveChannel> =
        live.iter().map(|c| (c.id.as_str(), c)).collect();
    std::fs::create_dir_all(tmp.path().join(".chanctl")).unwrap();
    std::fs::write(
        tmp.path().join(".chanctl/sandbox.json"),
        serde_json::to_vec(&serde_json::json!({
            "format": "chanctl-sandbox/1",
            "account": {"quota": 100, "serial": 2, "channels": channels}
        }))
        .unwrap(),
    )
    .unwrap();
    std::fs::copy(
        fixture.join("channels.yaml"),
        tmp.path().join("channels.yaml"),
    )
    .unwrap();
    fails(
        tmp.path(),
        &["apply", "--auto-approve", "--target", "right"],
        1,
        "rebind `right` depends on unbind `left`, which is outside the scope",
    );
    // Nothing changed.
    succeeds(tmp.path(), &["plan", "--format", "json"], "\"rebind\"");
}

#[test]
fn plan_for_another_file_is_refused() {
    let tmp = example();
    succeeds(tmp.path(), &["plan", "--out", "plan.json"], "");
    std::fs::copy(
        tmp.path().join("channels.yaml"),
        tmp.path().join("other.yaml"),
    )
    .unwrap();
    fails(
        tmp.path(),
        &["apply", "plan.json", "-f", "other.yaml"],
        1,
        "was made from channels.yaml, not from other.yaml",
    );
    succeeds(
        tmp.path(),
        &["apply", "plan.json", "-f", "channels.yaml"],
        "",
    );
}
