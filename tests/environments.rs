//! Environments through the real binary: `--env NAME` (or CHANCTL_ENV) applies the file's
//! overrides to an account of its own (`.chanctl/sandbox-NAME.json`), plans record their
//! environment and a saved plan is refused for another one, and mistakes in `environments`
//! are reported where they are written.

use crate::common;
use common::{chanctl, fails, succeeds};

use predicates::prelude::*;
use std::path::Path;

const FILE: &str = r#"version: 1
account:
  quota: 10
channels:
  - name: support-whatsapp
    type: whatsapp
    description: Customer support
    binding:
      waba_id: "102938475610"
      phone_number: "+6588001234"
    protect: true
  - name: login-codes
    type: sms
    description: One-time passwords
environments:
  staging:
    account: {quota: 20}
    channels:
      support-whatsapp:
        name: support-whatsapp-stg
        binding: {waba_id: "1", phone_number: "+6588000001"}
        protect: false
  prod: {}
"#;

fn dir_with(file: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("channels.yaml"), file).unwrap();
    tmp
}

fn json_plan(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = chanctl(dir)
        .args(["plan", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&common::succeeded(out).stdout).unwrap()
}

/// `FILE:LINE:COL` of the first occurrence of `needle` in `text`.
fn location(text: &str, needle: &str) -> String {
    let offset = text.find(needle).expect("the needle is in the text");
    let line = text[..offset].matches('\n').count() + 1;
    let col = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("channels.yaml:{line}:{col}")
}

#[test]
fn an_environment_applies_its_overrides_to_an_account_of_its_own() {
    let tmp = dir_with(FILE);
    chanctl(tmp.path())
        .args(["apply", "--auto-approve", "--env", "staging"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "on sandbox .chanctl/sandbox-staging.json, environment staging (",
        ))
        .stdout(predicate::str::contains(
            "support-whatsapp-stg (whatsapp) will be created",
        ))
        .stdout(predicate::str::contains("\"+6588000001\""));
    let staging =
        std::fs::read_to_string(tmp.path().join(".chanctl/sandbox-staging.json")).unwrap();
    assert!(staging.contains("support-whatsapp-stg") && staging.contains("+6588000001"));
    assert!(
        !staging.contains("+6588001234"),
        "the base binding is overridden"
    );
    assert!(
        !tmp.path().join(".chanctl/sandbox.json").exists(),
        "the base account is untouched"
    );
    // Staging is done; the base file still has everything to do, in its own account.
    let plan = json_plan(tmp.path(), &["--env", "staging"]);
    assert_eq!(plan["steps"].as_array().unwrap().len(), 0);
    assert_eq!(plan["environment"], "staging");
    assert_eq!(plan["quota"], 20);
    let base = json_plan(tmp.path(), &[]);
    assert_eq!(base["environment"], serde_json::Value::Null);
    assert_eq!(base["quota"], 10);
    assert_eq!(base["steps"][1]["channel"], "support-whatsapp");
    chanctl(tmp.path())
        .args(["plan", "--env", "staging"])
        .assert()
        .success()
        .stdout("No changes. The account matches the file (environment staging).\n");
}

#[test]
fn chanctl_env_chooses_the_environment_like_the_flag() {
    let tmp = dir_with(FILE);
    let mut cmd = chanctl(tmp.path());
    cmd.env("CHANCTL_ENV", "staging");
    let out = cmd.args(["plan", "--format", "markdown"]).output().unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("· environment `staging` ·"), "{md}");
    // An empty CHANCTL_ENV is no environment.
    let mut cmd = chanctl(tmp.path());
    cmd.env("CHANCTL_ENV", "");
    cmd.arg("validate")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "is valid: 2 channels, quota 10; environments: prod, staging",
        ));
}

#[test]
fn validate_checks_the_file_as_the_environment_sees_it() {
    let tmp = dir_with(FILE);
    chanctl(tmp.path())
        .args(["validate", "--env", "staging"])
        .assert()
        .success()
        .stdout("channels.yaml is valid for environment staging: 2 channels, quota 20.\n");
    // A name too long only in staging: the file as written is valid, staging points at it.
    let long = "s".repeat(51);
    let file = FILE.replace("name: support-whatsapp-stg", &format!("name: {long}"));
    std::fs::write(tmp.path().join("channels.yaml"), &file).unwrap();
    chanctl(tmp.path()).arg("validate").assert().success();
    chanctl(tmp.path())
        .args(["validate", "--env", "staging"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("`name` is 51 characters long"))
        .stderr(predicate::str::contains(location(&file, &long)));
}

#[test]
fn an_unknown_environment_is_an_error_that_lists_the_defined_ones() {
    let tmp = dir_with(FILE);
    chanctl(tmp.path())
        .args(["plan", "--env", "qa"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "environment `qa` is not defined: this file defines `prod`, `staging`",
        ))
        .stderr(predicate::str::contains("1 problem in channels.yaml"));
    assert!(
        !tmp.path().join(".chanctl").exists(),
        "no account was opened"
    );
    let plain = dir_with("version: 1\nchannels: []\n");
    fails(
        plain.path(),
        &["apply", "--auto-approve", "--env", "prod"],
        1,
        "this file defines no environments",
    );
}

#[test]
fn an_override_of_an_unknown_channel_is_reported_where_it_is_written() {
    let file = FILE.replace("      support-whatsapp:\n", "      support-whatsap:\n");
    let tmp = dir_with(&file);
    chanctl(tmp.path())
        .arg("validate")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "environment `staging` overrides `support-whatsap`, but no channel has that name",
        ))
        .stderr(predicate::str::contains(location(
            &file,
            "support-whatsap:",
        )))
        .stderr(predicate::str::contains("did you mean `support-whatsapp`?"));
    // An environment name that cannot be part of a file name.
    let file = FILE.replace("  prod: {}", "  \"../prod\": {}");
    let tmp = dir_with(&file);
    chanctl(tmp.path())
        .arg("validate")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`../prod` cannot be an environment name",
        ));
}

#[test]
fn a_saved_plan_is_refused_for_another_environment() {
    let tmp = dir_with(FILE);
    succeeds(
        tmp.path(),
        &["plan", "--env", "staging", "--out", "plan.json"],
        "",
    );
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("plan.json")).unwrap()).unwrap();
    assert_eq!(saved["environment"], "staging");
    fails(
        tmp.path(),
        &["apply", "plan.json", "--env", "prod"],
        1,
        "the saved plan was made for environment `staging`, not for environment `prod`; nothing was changed. Pass --env staging",
    );
    fails(
        tmp.path(),
        &["apply", "plan.json"],
        1,
        "not for the file as written (no --env)",
    );
    assert!(!tmp.path().join(".chanctl").exists(), "nothing was opened");
    let mut cmd = chanctl(tmp.path());
    cmd.env("CHANCTL_ENV", "staging");
    cmd.args(["apply", "plan.json"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Apply complete: 2 created, 1 bound.",
        ));
    // A plan of the file as written is refused for an environment.
    succeeds(tmp.path(), &["plan", "--out", "base.json"], "");
    fails(
        tmp.path(),
        &["apply", "base.json", "--env", "staging"],
        1,
        "made for the file as written (no --env), not for environment `staging`",
    );
}

#[test]
fn prune_and_protect_follow_the_environment() {
    let tmp = dir_with(FILE);
    succeeds(
        tmp.path(),
        &["apply", "--auto-approve", "--env", "prod"],
        "",
    );
    // prod prunes and unprotects: the deletes run, without --force.
    let file = FILE.replace(
        "  prod: {}",
        "  prod:\n    prune: true\n    channels:\n      support-whatsapp: {protect: false}",
    );
    let file = file.replace(
        "  - name: login-codes\n    type: sms\n    description: One-time passwords\n",
        "",
    );
    let file = file.replace(
        "    binding:\n      waba_id: \"102938475610\"",
        "    binding:\n      waba_id: \"999\"",
    );
    std::fs::write(tmp.path().join("channels.yaml"), file).unwrap();
    let plan = json_plan(tmp.path(), &["--env", "prod"]);
    let steps: Vec<String> = common::steps(&plan);
    assert_eq!(steps, ["delete login-codes", "rebind support-whatsapp"]);
    assert_eq!(plan["prune"], true);
    assert_eq!(plan["blocked_by"], serde_json::json!([]));
    // The file as written, on the same account: protected, and no prune.
    fails(
        tmp.path(),
        &[
            "apply",
            "--auto-approve",
            "--sandbox",
            ".chanctl/sandbox-prod.json",
        ],
        3,
        "blocked by a safety rule: 1 step would delete or rebind a protected channel (rebind support-whatsapp)",
    );
    // The delete runs; the WhatsApp rebind is a manual step (the API cannot unbind a WABA), on
    // the sandbox as on CAMS: nothing is sent for it, and it is still planned after.
    fails(
        tmp.path(),
        &["apply", "--auto-approve", "--env", "prod"],
        1,
        "rebind support-whatsapp: manual step, nothing sent",
    );
    let plan = json_plan(tmp.path(), &["--env", "prod"]);
    assert_eq!(common::steps(&plan), ["rebind support-whatsapp"]);
}

#[test]
fn export_reads_the_environments_account() {
    let tmp = dir_with(FILE);
    succeeds(
        tmp.path(),
        &["apply", "--auto-approve", "--env", "staging"],
        "",
    );
    let out = chanctl(tmp.path())
        .args(["export", "--env", "staging"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let yaml = String::from_utf8(out.stdout).unwrap();
    assert!(yaml.contains("support-whatsapp-stg"), "{yaml}");
    chanctl(tmp.path())
        .args(["export", "--env", "../x", "-f", "missing.yaml"])
        .assert()
        .code(1);
    // Without a channels file at hand, --env still chooses the account, if it is a safe name.
    let bare = tempfile::tempdir().unwrap();
    fails(
        bare.path(),
        &["export", "--env", "../x"],
        1,
        "cannot be an environment name",
    );
}
