//! The flags every command shares, as a pipeline sets them: `--color` against NO_COLOR and
//! CLICOLOR_FORCE; the environment fallbacks CHANCTL_FILE, CHANCTL_QPS, CHANCTL_TIMEOUT,
//! CHANCTL_PROFILE and CHANCTL_LOG; and `--target`/`--exclude` patterns that match nothing.

use crate::common::{chanctl, example, fails, succeeds};
use predicates::prelude::*;

fn has_escape(out: &std::process::Output) -> bool {
    out.stdout.contains(&0x1b) || out.stderr.contains(&0x1b)
}

#[test]
fn color_flag_overrides_the_environment_both_ways() {
    let tmp = example();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = chanctl(tmp.path());
        cmd.env_remove("NO_COLOR").args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    // Piped: no colour by default, nor with NO_COLOR.
    assert!(!has_escape(&run(&["plan"], &[])));
    assert!(!has_escape(&run(&["plan"], &[("NO_COLOR", "1")])));
    // CLICOLOR_FORCE colours a pipe, unless NO_COLOR says otherwise.
    assert!(has_escape(&run(&["plan"], &[("CLICOLOR_FORCE", "1")])));
    assert!(!has_escape(&run(
        &["plan"],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    )));
    // The flag wins over both.
    assert!(has_escape(&run(
        &["--color", "always", "plan"],
        &[("NO_COLOR", "1")]
    )));
    assert!(has_escape(&run(&["plan", "--color=always"], &[])));
    assert!(!has_escape(&run(
        &["--color", "never", "plan"],
        &[("CLICOLOR_FORCE", "1")]
    )));
    fails(
        tmp.path(),
        &["--color", "sometimes", "plan"],
        2,
        "sometimes",
    );
}

#[test]
fn chanctl_file_stands_in_for_dash_f() {
    let tmp = example();
    std::fs::rename(
        tmp.path().join("channels.yaml"),
        tmp.path().join("other.yaml"),
    )
    .unwrap();
    chanctl(tmp.path())
        .arg("validate")
        .env("CHANCTL_FILE", "other.yaml")
        .assert()
        .success()
        .stdout(predicates::str::starts_with("other.yaml is valid"));
    // -f wins over the variable.
    chanctl(tmp.path())
        .args(["validate", "-f", "missing.yaml"])
        .env("CHANCTL_FILE", "other.yaml")
        .assert()
        .code(1)
        .stderr(predicates::str::contains("missing.yaml"));
}

#[test]
fn numeric_and_profile_variables_are_read_and_checked() {
    let tmp = example();
    for (var, flag) in [("CHANCTL_QPS", "--qps"), ("CHANCTL_TIMEOUT", "--timeout")] {
        chanctl(tmp.path())
            .arg("plan")
            .env(var, "lots")
            .assert()
            .code(2)
            .stderr(predicates::str::contains(flag).and(predicates::str::contains("lots")));
        chanctl(tmp.path())
            .arg("plan")
            .env(var, "3")
            .assert()
            .success();
    }
    // A profile, from the variable, means credentials come from the aliyun CLI config only.
    chanctl(tmp.path())
        .args([
            "plan",
            "--backend",
            "cams",
            "--endpoint",
            "http://127.0.0.1:9",
        ])
        .env("CHANCTL_PROFILE", "from-the-variable")
        .env("HOME", tmp.path())
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "skipped because --profile was given",
        ));
}

#[test]
fn chanctl_log_turns_on_verbose_output() {
    let tmp = example();
    let said = |value: Option<&str>| {
        let mut cmd = chanctl(tmp.path());
        cmd.args(["plan", "--out", "plan.json"]);
        if let Some(v) = value {
            cmd.env("CHANCTL_LOG", v);
        }
        String::from_utf8(cmd.output().unwrap().stderr).unwrap()
    };
    assert!(said(Some("debug")).contains("plan saved to plan.json"));
    assert!(said(Some("1")).contains("plan saved to plan.json"));
    assert!(!said(Some("0")).contains("plan saved to"));
    assert!(!said(None).contains("plan saved to"));
}

#[test]
fn a_pattern_that_matches_nothing_names_the_nearest_channels() {
    let tmp = example();
    fails(
        tmp.path(),
        &["plan", "--target", "suport-whatsapp"],
        1,
        "--target `suport-whatsapp` matches no channel (nearest: `support-whatsapp`)",
    );
    fails(
        tmp.path(),
        &["apply", "--auto-approve", "--exclude", "recipts"],
        1,
        "--exclude `recipts` matches no channel (nearest: `receipts`)",
    );
    // Nothing was applied.
    succeeds(
        tmp.path(),
        &["plan"],
        "support-whatsapp (whatsapp) will be created",
    );
    // A channel only the account has is a name too.
    succeeds(tmp.path(), &["apply", "--auto-approve"], "Apply complete");
    std::fs::write(
        tmp.path().join("channels.yaml"),
        "version: 1\nchannels: []\n",
    )
    .unwrap();
    succeeds(tmp.path(), &["plan", "--target", "receipts"], "");
}
