//! The command line through the real binary: the main job on the sandbox, exit codes,
//! output formats, confirmation and locking.

use crate::common;
use common::{chanctl, example, fails, succeeds};

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

#[test]
fn apply_example_then_nothing_left() {
    let tmp = example();
    chanctl(tmp.path())
        .args(["apply", "--auto-approve"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Plan: 6 to create, 0 to update, 5 to bind",
        ))
        .stdout(predicate::str::contains(
            "Apply complete: 6 created, 4 bound, 1 pending review.",
        ));
    assert!(tmp.path().join(".chanctl/sandbox.json").exists());
    succeeds(tmp.path(), &["apply", "--auto-approve"], "No changes.");
    chanctl(tmp.path())
        .args(["plan", "--detailed-exitcode"])
        .assert()
        .code(0);
}

#[test]
fn detailed_exitcode_is_two_with_changes() {
    let tmp = example();
    chanctl(tmp.path())
        .args(["plan", "--detailed-exitcode"])
        .assert()
        .code(2);
    chanctl(tmp.path()).args(["plan"]).assert().code(0);
}

#[test]
fn apply_without_terminal_or_auto_approve_refuses() {
    let tmp = example();
    chanctl(tmp.path())
        .arg("apply")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--auto-approve"));
    // Nothing was created.
    chanctl(tmp.path())
        .args(["plan", "--detailed-exitcode"])
        .assert()
        .code(2);
}

#[test]
fn json_plan_is_the_plan_value() {
    let tmp = example();
    let out = chanctl(tmp.path())
        .args(["plan", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["format_version"], 4);
    let steps = plan["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 11);
    for (i, s) in steps.iter().enumerate() {
        assert_eq!(s["index"], i);
        assert!(s["action"].is_string() && s["channel"].is_string());
        // Each step names its resource by kind and key.
        assert_eq!(s["resource"]["kind"], "channel");
        assert_eq!(s["resource"]["key"], s["channel"]);
    }
    assert_eq!(plan["summary"]["create"], 6);
    assert!(
        plan["live_fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    // The JSON plan reads back into the library's type.
    let typed: chanctl::plan::Plan = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(typed.steps.len(), 11);
}

#[test]
fn markdown_plan_snapshot() {
    let tmp = example();
    let out = chanctl(tmp.path())
        .args(["plan", "--format", "markdown"])
        .output()
        .unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!(
        "example_markdown_plan",
        String::from_utf8(out.stdout).unwrap()
    );
}

/// Values that are Markdown, HTML or backticks are shown as written (src/render/gfm.rs);
/// tests/markdown/gfm_check.py renders such plans with cmark-gfm.
#[test]
fn markdown_plan_of_hostile_values_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("channels.yaml"),
        r#"version: 1
channels:
  - {name: "pipe|name", type: sms, description: "a | b <script>alert(1)</script> `tick` **bold** @team #12"}
  - {name: html, type: sms, description: "</details> <!-- x"}
  - {name: "``fence``", type: sms, description: "```\nline two"}
  - {name: "`tick", type: sms, description: " spaced "}
"#,
    )
    .unwrap();
    let out = chanctl(tmp.path())
        .args(["plan", "--format", "markdown"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!(
        "hostile_markdown_plan",
        String::from_utf8(out.stdout).unwrap()
    );
}

#[test]
fn text_plan_has_no_colour_when_not_a_terminal() {
    let tmp = example();
    let mut cmd = Command::cargo_bin("chanctl").unwrap();
    for name in crate::common::FLAG_VARIABLES {
        cmd.env_remove(name);
    }
    cmd.current_dir(tmp.path())
        .env_remove("NO_COLOR")
        .arg("plan");
    let out = cmd.output().unwrap();
    assert!(out.status.success());
    assert!(!out.stdout.contains(&0x1b), "escape codes in piped output");
}

#[test]
fn schema_command_prints_the_committed_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let committed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/channels.schema.json"),
    )
    .unwrap();
    chanctl(tmp.path())
        .arg("schema")
        .assert()
        .success()
        .stdout(committed);
}

#[test]
fn validate_valid_file_prints_one_line() {
    let tmp = example();
    let out = chanctl(tmp.path()).arg("validate").output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1);
    assert!(stdout.contains("is valid: 6 channels"));
}

#[test]
fn missing_file_and_directory_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    fails(
        tmp.path(),
        &["validate", "-f", "nope.yaml"],
        1,
        "cannot read nope.yaml",
    );
    fails(
        tmp.path(),
        &["plan", "-f", "nope.yaml"],
        1,
        "`chanctl init -f nope.yaml` writes a commented starter file",
    );
    std::fs::create_dir(tmp.path().join("dir.yaml")).unwrap();
    fails(tmp.path(), &["plan", "-f", "dir.yaml"], 1, "is a directory");
}

#[test]
fn a_second_apply_fails_fast_while_the_sandbox_is_locked() {
    let tmp = example();
    std::fs::create_dir_all(tmp.path().join(".chanctl")).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(tmp.path().join(".chanctl/sandbox.json.lock"))
        .unwrap();
    lock.lock().unwrap();
    chanctl(tmp.path())
        .args(["apply", "--auto-approve"])
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("in use by another chanctl"));
    drop(lock);
    succeeds(tmp.path(), &["apply", "--auto-approve"], "");
}

#[test]
fn explicit_sandbox_path_from_flag_and_env() {
    let tmp = example();
    succeeds(
        tmp.path(),
        &["apply", "--auto-approve", "--sandbox", "acct/one.json"],
        "",
    );
    assert!(tmp.path().join("acct/one.json").exists());
    let mut cmd = chanctl(tmp.path());
    cmd.env("CHANCTL_SANDBOX", "acct/one.json");
    cmd.args(["plan", "--detailed-exitcode"]).assert().code(0);
    // The default sandbox is still empty.
    chanctl(tmp.path())
        .args(["plan", "--detailed-exitcode"])
        .assert()
        .code(2);
}

#[test]
fn corrupt_sandbox_is_an_error_not_a_panic() {
    let tmp = example();
    std::fs::create_dir_all(tmp.path().join(".chanctl")).unwrap();
    std::fs::write(tmp.path().join(".chanctl/sandbox.json"), "{ not json").unwrap();
    chanctl(tmp.path())
        .arg("plan")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a valid sandbox file"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn init_writes_a_valid_starter_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    chanctl(tmp.path()).arg("init").assert().success();
    let text = std::fs::read_to_string(tmp.path().join("channels.yaml")).unwrap();
    assert!(text.starts_with("# yaml-language-server: $schema=channels.schema.json"));
    assert!(tmp.path().join("channels.schema.json").exists());
    chanctl(tmp.path()).arg("validate").assert().success();
    chanctl(tmp.path())
        .arg("init")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    // Another file, in folders that do not exist yet: they are made, and the next command
    // names the file.
    succeeds(
        tmp.path(),
        &["init", "-f", "sub/dir/x.yaml"],
        "Next: edit it, then `chanctl plan -f sub/dir/x.yaml`.",
    );
    assert!(tmp.path().join("sub/dir/channels.schema.json").exists());
    succeeds(
        tmp.path(),
        &["validate", "-f", "sub/dir/x.yaml"],
        "is valid",
    );
}

#[test]
fn completions_for_each_shell() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        succeeds(tmp.path(), &["completions", shell], "chanctl");
    }
}

#[test]
fn detailed_exitcode_prints_a_drift_summary() {
    let tmp = example();
    fails(
        tmp.path(),
        &["plan", "--detailed-exitcode"],
        2,
        "drift: 6 channels differ from the file",
    );
    succeeds(tmp.path(), &["apply", "--auto-approve"], "");
    // An unmanaged channel is listed but is not drift without --prune.
    std::fs::write(
        tmp.path().join("less.yaml"),
        std::fs::read_to_string(tmp.path().join("channels.yaml"))
            .unwrap()
            .replace(
                "  - name: login-codes\n    type: sms\n    description: One-time passwords\n",
                "",
            ),
    )
    .unwrap();
    chanctl(tmp.path())
        .args([
            "plan",
            "--detailed-exitcode",
            "-f",
            "less.yaml",
            "--sandbox",
            ".chanctl/sandbox.json",
        ])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("drift: none"))
        .stderr(predicate::str::contains(
            "unmanaged (not drift without --prune): login-codes",
        ));
    fails(
        tmp.path(),
        &[
            "plan",
            "--detailed-exitcode",
            "--prune",
            "-f",
            "less.yaml",
            "--sandbox",
            ".chanctl/sandbox.json",
        ],
        2,
        "drift: 1 channel differs",
    );
}

#[test]
fn export_round_trips_to_an_empty_plan() {
    let tmp = example();
    succeeds(tmp.path(), &["apply", "--auto-approve"], "");
    chanctl(tmp.path())
        .args(["export", "-o", "exported.yaml"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Wrote 6 channels"));
    let text = std::fs::read_to_string(tmp.path().join("exported.yaml")).unwrap();
    assert!(text.starts_with("# yaml-language-server: $schema="));
    // The example's instance profile is written back.
    for line in [
        "contact_mail: \"support@example.com\"",
        "country_id: \"SG\"",
        "facebook_bm_id: \"204857600456\"",
        "resource_group: \"rg-acfmxazb4ph6aiy\"",
    ] {
        assert!(text.contains(line), "{line} not in:\n{text}");
    }
    chanctl(tmp.path())
        .args([
            "plan",
            "--detailed-exitcode",
            "--prune",
            "-f",
            "exported.yaml",
            "--sandbox",
            ".chanctl/sandbox.json",
        ])
        .assert()
        .code(0);
    // Stdout by default, the same content.
    let out = chanctl(tmp.path()).arg("export").output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), text);
}

#[test]
fn a_plan_of_an_older_format_is_refused_with_what_to_do() {
    let tmp = example();
    succeeds(tmp.path(), &["plan", "--out", "plan.json"], "");
    let path = tmp.path().join("plan.json");
    let mut plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    plan["format_version"] = 2.into();
    std::fs::write(&path, plan.to_string()).unwrap();
    fails(
        tmp.path(),
        &["apply", "plan.json"],
        1,
        "plan.json is a plan of format version 2, made by an older chanctl; this chanctl applies version 4",
    );
    let account =
        std::fs::read_to_string(tmp.path().join(".chanctl/sandbox.json")).unwrap_or_default();
    assert!(!account.contains("support"), "nothing was applied");
}
