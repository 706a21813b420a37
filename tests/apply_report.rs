//! `apply --report FILE` (alias `--json`): the result of an apply as JSON, through the real
//! binary on the sandbox: every step with its outcome, the created ids and durations; and a
//! report for an apply with nothing to do. On CAMS (the emulator) each step's API calls and
//! retries too.

use crate::common::{self, chanctl, example, succeeds};
use serde_json::Value;

fn read(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_report_has_each_step_with_its_outcome() {
    let tmp = example();
    succeeds(
        tmp.path(),
        &["apply", "--auto-approve", "--report", "report.json"],
        "Apply complete",
    );
    let report = read(&tmp.path().join("report.json"));
    assert_eq!(report["format_version"], 1);
    assert_eq!(report["status"], "succeeded");
    assert_eq!(report["saved_plan"], false);
    assert_eq!(report["target"]["backend"], "sandbox");
    let steps = report["steps"].as_array().unwrap();
    assert!(!steps.is_empty());
    let mut created = 0;
    for s in steps {
        let outcome = s["outcome"].as_str().unwrap();
        assert!(["created", "done", "pending"].contains(&outcome), "{s}");
        assert!(s["duration_ms"].is_u64(), "{s}");
        assert!(s["error"].is_null());
        assert!(s["instance_id"].is_string(), "{s}");
        if outcome == "created" {
            created += 1;
            let channel = s["channel"].as_str().unwrap();
            assert_eq!(report["created"][channel], s["instance_id"]);
        }
    }
    assert_eq!(created, 6);
    assert_eq!(report["counts"]["created"], 6);
    assert_eq!(
        report["counts"]["done"].as_u64().unwrap() + report["counts"]["pending"].as_u64().unwrap(),
        steps.len() as u64 - 6
    );

    // Nothing left to do: a report without steps.
    succeeds(
        tmp.path(),
        &["apply", "--auto-approve", "--json", "again.json"],
        "",
    );
    let again = read(&tmp.path().join("again.json"));
    assert_eq!(again["status"], "succeeded");
    assert_eq!(again["steps"], serde_json::json!([]));
}

#[test]
fn a_saved_plan_applied_says_so() {
    let tmp = example();
    succeeds(tmp.path(), &["plan", "--out", "plan.json"], "");
    chanctl(tmp.path())
        .args(["apply", "plan.json", "--report", "report.json"])
        .assert()
        .success();
    let report = read(&tmp.path().join("report.json"));
    assert_eq!(report["saved_plan"], true);
    assert_eq!(report["source"]["file"], "channels.yaml");
}

/// On CAMS each step counts the requests it sent and its retries, and the totals add up;
/// the sandbox, which sends none, has null there.
#[test]
fn on_cams_each_step_counts_its_calls_and_retries() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let emu = common::Emulator::spawn(
        "report-key",
        "report-secret",
        ["--fault-5xx", "0.3", "--seed", "5"],
    );
    let names: String = (0..8)
        .map(|i| format!("  - {{name: r-{i}, type: sms}}\n"))
        .collect();
    std::fs::write(
        dir.join("channels.yaml"),
        format!("version: 1\nchannels:\n{names}"),
    )
    .unwrap();
    let out = common::chanctl_with_keys(dir, "report-key", "report-secret")
        .args(["apply", "--auto-approve", "--report", "report.json"])
        .args(["--backend", "cams", "--endpoint", &emu.url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::text(&out));
    let report = read(&dir.join("report.json"));
    let steps = report["steps"].as_array().unwrap();
    let calls: u64 = steps.iter().map(|s| s["api_calls"].as_u64().unwrap()).sum();
    let retries: u64 = steps.iter().map(|s| s["retries"].as_u64().unwrap()).sum();
    assert!(steps.iter().all(|s| s["api_calls"].as_u64().unwrap() >= 1));
    assert_eq!(report["api_calls_made"].as_u64(), Some(calls));
    assert_eq!(report["retries"].as_u64(), Some(retries));
    assert!(
        retries > 0,
        "a 30 % fault rate over 8 creates retries: {report}"
    );
    assert!(calls >= 8 + retries, "{report}");

    let sandbox = tempfile::tempdir().unwrap();
    std::fs::copy(
        dir.join("channels.yaml"),
        sandbox.path().join("channels.yaml"),
    )
    .unwrap();
    common::succeeded(
        common::chanctl(sandbox.path())
            .args(["apply", "--auto-approve", "--report", "report.json"])
            .output()
            .unwrap(),
    );
    let report = read(&sandbox.path().join("report.json"));
    assert!(report["api_calls_made"].is_null() && report["steps"][0]["api_calls"].is_null());
}
