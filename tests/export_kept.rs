//! `export` keeps from the channels file what the account cannot hold (quota, prune, safety,
//! environments, protect, previously), and without a file writes the defaults and says so.

use crate::common::{chanctl, succeeded, succeeds};

const FILE: &str = r#"version: 1
account:
  quota: 20
safety:
  max_change_percent: 50
  min_managed: 4
channels:
  - name: codes
    type: sms
    description: One-time codes
    protect: true
    previously: [otp]
  - name: alerts
    type: sms
environments:
  staging:
    account: {quota: 5}
    channels:
      codes: {name: codes-stg, protect: false}
"#;

#[test]
fn export_keeps_what_the_account_cannot_hold_from_the_channels_file() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("channels.yaml"), FILE).unwrap();
    succeeds(tmp.path(), &["apply", "--auto-approve"], "");
    let out = succeeded(
        chanctl(tmp.path())
            .args(["export", "-o", "exported.yaml"])
            .output()
            .unwrap(),
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("defaults"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let yaml = std::fs::read_to_string(tmp.path().join("exported.yaml")).unwrap();
    for kept in [
        "quota: 20",
        "max_change_percent: 50",
        "protect: true",
        "previously:\n      - \"otp\"",
        "environments:\n  staging:",
        "name: \"codes-stg\"",
    ] {
        assert!(yaml.contains(kept), "{kept}:\n{yaml}");
    }
    // The exported file is the account and the file's settings: its plan is empty, and
    // its staging environment reads as the original's.
    succeeds(
        tmp.path(),
        &[
            "plan",
            "--detailed-exitcode",
            "-f",
            "exported.yaml",
            "--sandbox",
            ".chanctl/sandbox.json",
        ],
        "No changes",
    );
    let summary = |file: &str| {
        let out = chanctl(tmp.path())
            .args([
                "validate", "--format", "json", "--env", "staging", "-f", file,
            ])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["summary"].clone()
    };
    assert_eq!(summary("exported.yaml"), summary("channels.yaml"));

    // For one environment: its own quota and names, no environments.
    succeeds(
        tmp.path(),
        &["apply", "--auto-approve", "--env", "staging"],
        "",
    );
    let out = succeeded(
        chanctl(tmp.path())
            .args(["export", "--env", "staging"])
            .output()
            .unwrap(),
    );
    let yaml = String::from_utf8(out.stdout).unwrap();
    assert!(yaml.contains("quota: 5"), "{yaml}");
    assert!(!yaml.contains("environments"), "{yaml}");
    assert!(!yaml.contains("protect"), "{yaml}");
    std::fs::write(tmp.path().join("staging.yaml"), &yaml).unwrap();
    succeeds(
        tmp.path(),
        &[
            "plan",
            "--detailed-exitcode",
            "-f",
            "staging.yaml",
            "--sandbox",
            ".chanctl/sandbox-staging.json",
        ],
        "No changes",
    );
}

#[test]
fn export_without_a_channels_file_writes_the_defaults_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let out = succeeded(
        chanctl(tmp.path())
            .args(["export", "--sandbox", "account.json"])
            .output()
            .unwrap(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no channels file read") && stderr.contains("chanctl's defaults"),
        "{stderr}"
    );
    let yaml = String::from_utf8(out.stdout).unwrap();
    assert!(yaml.contains("quota: 100\nprune: false\n"), "{yaml}");
    assert!(yaml.contains("these are chanctl's defaults"), "{yaml}");
}
