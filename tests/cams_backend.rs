//! `--backend cams` end to end against the CAMS emulator over real HTTP on 127.0.0.1: retries
//! under injected faults converge, and no secret ever shows in any output. The plan scenarios
//! are in `cams_scenarios.rs`; `plans_agree.rs` compares the whole plans on both backends.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const KEY_ID: &str = "test-key-id";
pub(crate) const SECRET: &str = "canary-secret-7f3e9a1b";

use crate::common;
use common::Emulator;

pub(crate) fn start_emulator(extra: &[&str]) -> Emulator {
    Emulator::spawn(KEY_ID, SECRET, extra)
}

/// `chanctl SUBCOMMAND --backend cams --endpoint URL ...`; later `.args` follow the backend flags.
pub(crate) fn chanctl(dir: &Path, emulator: &Emulator, subcommand: &str) -> Command {
    let mut cmd = Command::cargo_bin("chanctl").unwrap();
    for name in crate::common::FLAG_VARIABLES {
        cmd.env_remove(name);
    }
    for word in subcommand.split_whitespace() {
        cmd.arg(word);
    }
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", dir)
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
        .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
        .env_remove("CHANCTL_SANDBOX")
        .args(["--backend", "cams", "--endpoint", &emulator.url])
        .timeout(std::time::Duration::from_secs(120));
    cmd
}

/// The scenarios whose whole plans `plans_agree.rs` compares: all but the templates' (their
/// live templates are set up through the emulator's review flags, in `cams_scenarios.rs`).
pub(crate) fn api_scenarios() -> Vec<PathBuf> {
    let mut dirs = common::scenario::scenarios();
    dirs.retain(|d| {
        !d.file_name()
            .unwrap()
            .to_string_lossy()
            .contains("template")
    });
    dirs
}

/// Names of the channels the emulator holds, read through chanctl's own export.
fn live_names(dir: &Path, emulator: &Emulator) -> Vec<String> {
    let out = chanctl(dir, emulator, "export").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("- name: "))
        .map(|n| n.trim_matches('"').to_string())
        .collect()
}

#[test]
fn converges_under_injected_faults_with_retries_shown_only_with_verbose() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/plans/01-create-all-six-types/channels.yaml");
    let mut retries_seen = 0;
    for seed in 1..=4 {
        // 20 % of requests fail: 503, throttling, 200 with an error code, or ambiguous (the
        // change is made, the answer is lost or comes after the client gave up).
        let meta = common::meta_args(&[&std::fs::read_to_string(&fixture).unwrap()]);
        let seed_flag = seed.to_string();
        let mut flags = vec![
            "--fault-rate",
            "0.2",
            "--seed",
            &seed_flag,
            "--ambiguous-delay-ms",
            "1500",
        ];
        flags.extend(meta.iter().map(String::as_str));
        let emulator = start_emulator(&flags);
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::copy(&fixture, dir.join("channels.yaml")).unwrap();
        let verbose = seed % 2 == 0;
        let sub = if verbose { "-v apply" } else { "apply" };
        let out = chanctl(dir, &emulator, sub)
            // A create whose answer was lost commits within 1.5 s: a short settle window.
            .args(["--auto-approve", "--timeout", "1", "--settle-window", "3"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(
            out.status.success(),
            "seed {seed}: apply under faults failed:\n{stderr}"
        );
        assert!(!stderr.contains(SECRET));
        if verbose {
            retries_seen += stderr.matches("retrying").count();
        } else {
            assert!(
                !stderr.contains("retrying"),
                "retries show only with -v:\n{stderr}"
            );
            assert!(
                !stderr.contains("Throttling"),
                "throttling is not shown as an error:\n{stderr}"
            );
        }
        let again = chanctl(dir, &emulator, "plan")
            .args(["--detailed-exitcode", "--timeout", "1"])
            .output()
            .unwrap();
        assert_eq!(
            again.status.code(),
            Some(0),
            "seed {seed}: {}",
            String::from_utf8_lossy(&again.stdout)
        );
        // No duplicates: each of the six channels exists exactly once.
        let mut names = live_names(dir, &emulator);
        names.sort();
        assert_eq!(
            names,
            [
                "alerts-sms",
                "fb-page",
                "ig",
                "mail",
                "sales-viber",
                "support-whatsapp"
            ],
            "seed {seed}"
        );
    }
    assert!(retries_seen > 0, "with -v, retries are shown");
}

#[test]
fn http_to_a_non_loopback_address_is_refused() {
    let tmp = common::example();
    let mut cmd = Command::cargo_bin("chanctl").unwrap();
    for name in crate::common::FLAG_VARIABLES {
        cmd.env_remove(name);
    }
    cmd.current_dir(tmp.path())
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
        .args([
            "plan",
            "--backend",
            "cams",
            "--endpoint",
            "http://192.0.2.1:80",
        ]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("non-loopback"));
}

#[test]
fn missing_credentials_name_every_place_looked_at() {
    let tmp = common::example();
    let mut cmd = Command::cargo_bin("chanctl").unwrap();
    for name in crate::common::FLAG_VARIABLES {
        cmd.env_remove(name);
    }
    cmd.current_dir(tmp.path())
        .env("HOME", tmp.path())
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        .args([
            "plan",
            "--backend",
            "cams",
            "--endpoint",
            "http://127.0.0.1:9",
        ]);
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"), "{stderr}");
    assert!(stderr.contains(".aliyun/config.json"), "{stderr}");
}

#[test]
fn viber_audit_shows_as_pending_and_waba_unbind_as_a_manual_step() {
    let emulator = start_emulator(&["--viber-audit-ms", "600000", "--signup", "1=w:+6588001234"]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let bound = "version: 1\nchannels:\n  - name: v\n    type: viber\n    binding: {business_account: acme}\n  - name: w\n    type: whatsapp\n    binding: {waba_id: \"1\", phone_number: \"+6588001234\"}\n";
    std::fs::write(dir.join("channels.yaml"), bound).unwrap();
    let out = chanctl(dir, &emulator, "apply")
        .arg("--auto-approve")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("bind v: submitted, pending review"),
        "{stderr}"
    );
    let plan = chanctl(dir, &emulator, "plan")
        .arg("--detailed-exitcode")
        .output()
        .unwrap();
    assert_eq!(plan.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&plan.stdout).contains("`v` is pending review"));

    // The API cannot unbind a WhatsApp Business account: the plan says so, apply does not pretend.
    std::fs::write(
        dir.join("channels.yaml"),
        bound.replace(
            "    binding: {waba_id: \"1\", phone_number: \"+6588001234\"}\n",
            "",
        ),
    )
    .unwrap();
    let plan = chanctl(dir, &emulator, "plan").output().unwrap();
    let text = String::from_utf8_lossy(&plan.stdout);
    assert!(text.contains("manual step"), "{text}");
    let out = chanctl(dir, &emulator, "apply")
        .arg("--auto-approve")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // The plan shown gives the reason; the step's line says that nothing was sent.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("no operation to unbind a WhatsApp Business account"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unbind w: manual step, nothing sent"),
        "{stderr}"
    );
    assert!(!stderr.contains(SECRET));
}

#[test]
fn export_from_the_emulator_round_trips() {
    let tmp = common::example();
    let example = std::fs::read_to_string(tmp.path().join("channels.yaml")).unwrap();
    let meta = common::meta_args(&[&example]);
    let meta: Vec<&str> = meta.iter().map(String::as_str).collect();
    let emulator = start_emulator(&meta);
    let dir = tmp.path();
    assert!(
        chanctl(dir, &emulator, "apply")
            .arg("--auto-approve")
            .output()
            .unwrap()
            .status
            .success()
    );
    common::succeeded(
        chanctl(dir, &emulator, "export")
            .args(["-o", "exported.yaml"])
            .output()
            .unwrap(),
    );
    let plan = chanctl(dir, &emulator, "plan")
        .args(["-f", "exported.yaml", "--prune", "--detailed-exitcode"])
        .output()
        .unwrap();
    assert_eq!(
        plan.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&plan.stdout)
    );
}

/// `chanctl apply --auto-approve` in `dir`: its exit code and stderr.
fn apply(dir: &Path, emulator: &Emulator) -> (Option<i32>, String) {
    let out = chanctl(dir, emulator, "apply")
        .arg("--auto-approve")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The steps of the plan of the file in `dir`, and its text.
fn plan_of(dir: &Path, emulator: &Emulator) -> (Vec<String>, String) {
    let json = chanctl(dir, emulator, "plan")
        .args(["--format", "json"])
        .output()
        .unwrap();
    let text = chanctl(dir, emulator, "plan").output().unwrap();
    (
        common::steps(&serde_json::from_slice(&json.stdout).unwrap()),
        String::from_utf8_lossy(&text.stdout).into_owned(),
    )
}

#[test]
fn a_waba_that_lands_in_another_space_is_refused_naming_both() {
    // The person did the embedded signup of WABA 777 from the channel `other`.
    let emulator = start_emulator(&["--signup", "777=other:+6588001111"]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = "version: 1\nchannels:\n  - {name: wa, type: whatsapp, binding: {waba_id: \"777\", phone_number: \"+6588001111\"}}\n  - {name: other, type: whatsapp}\n";
    std::fs::write(dir.join("channels.yaml"), file).unwrap();
    let (code, stderr) = apply(dir, &emulator);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("is attached to space") && stderr.contains("not to this channel's space"),
        "{stderr}"
    );
    assert!(stderr.contains("redo the embedded signup"), "{stderr}");
    // The account as it now is, declared: nothing left to do.
    let settled = "version: 1\nchannels:\n  - {name: wa, type: whatsapp}\n  - {name: other, type: whatsapp, binding: {waba_id: \"777\", phone_number: \"+6588001111\"}}\n";
    std::fs::write(dir.join("channels.yaml"), settled).unwrap();
    assert_eq!(plan_of(dir, &emulator).0, Vec::<String>::new());
}

#[test]
fn an_instagram_page_linked_to_another_account_is_an_error_then_drift() {
    let emulator = start_emulator(&["--instagram-link", "555=999"]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = "version: 1\nchannels:\n  - {name: ig, type: instagram, binding: {page_id: \"555\", instagram_account_id: \"111\"}}\n";
    std::fs::write(dir.join("channels.yaml"), file).unwrap();
    let (code, stderr) = apply(dir, &emulator);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("is linked to Instagram account 999, not to 111"),
        "{stderr}"
    );
    // Bound with Meta's account: no step to take (the link is Meta's), a drift warning.
    let (steps, text) = plan_of(dir, &emulator);
    assert!(steps.is_empty(), "{steps:?}");
    assert!(
        text.contains("is linked to Instagram account 999, not to 111"),
        "{text}"
    );
    std::fs::write(
        dir.join("channels.yaml"),
        file.replace("\"111\"", "\"999\""),
    )
    .unwrap();
    let (steps, text) = plan_of(dir, &emulator);
    assert!(steps.is_empty() && !text.contains("drift"), "{text}");
}

#[test]
fn an_instagram_page_not_connected_is_shown_as_the_service_writes_it() {
    let emulator = start_emulator(&[
        "--instagram-link",
        "555=999",
        "--instagram-link",
        "556=998",
        "--page-connection",
        "555=Disconnected",
    ]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = "version: 1\nchannels:\n  - {name: ig, type: instagram, binding: {page_id: \"555\", instagram_account_id: \"999\"}}\n  - {name: ig2, type: instagram, binding: {page_id: \"556\", instagram_account_id: \"998\"}}\n";
    std::fs::write(dir.join("channels.yaml"), file).unwrap();
    let (code, stderr) = apply(dir, &emulator);
    assert_eq!(code, Some(0), "{stderr}");
    // Nothing to do: the status is Meta's, shown for the Page that is not connected only.
    let (steps, text) = plan_of(dir, &emulator);
    assert!(steps.is_empty(), "{steps:?}");
    assert!(
        text.contains("the connection of Page 555 is `Disconnected`"),
        "{text}"
    );
    assert!(!text.contains("Page 556"), "{text}");
}

#[test]
fn a_messenger_channel_bound_to_an_undeclared_page_is_never_guessed() {
    let emulator = start_emulator(&[]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let bound =
        "version: 1\nchannels:\n  - {name: fb, type: messenger, binding: {page_id: \"111\"}}\n";
    std::fs::write(dir.join("channels.yaml"), bound).unwrap();
    assert_eq!(apply(dir, &emulator).0, Some(0));
    // The file no longer names the Page: bound, page unknown; a warning, no step, no loop.
    let unbound = "version: 1\nchannels:\n  - {name: fb, type: messenger}\n";
    std::fs::write(dir.join("channels.yaml"), unbound).unwrap();
    let (steps, text) = plan_of(dir, &emulator);
    assert!(steps.is_empty(), "{steps:?}");
    assert!(
        text.contains("bound to something the file does not name"),
        "{text}"
    );
    // A Page swap between two declared channels reads both Pages and converges.
    let two = "version: 1\nchannels:\n  - {name: fb, type: messenger, binding: {page_id: \"111\"}}\n  - {name: fb2, type: messenger, binding: {page_id: \"222\"}}\n";
    std::fs::write(dir.join("channels.yaml"), two).unwrap();
    assert_eq!(apply(dir, &emulator).0, Some(0));
    let swapped = two
        .replace("\"111\"", "\"x\"")
        .replace("\"222\"", "\"111\"")
        .replace("\"x\"", "\"222\"");
    std::fs::write(dir.join("channels.yaml"), swapped).unwrap();
    let (code, stderr) = apply(dir, &emulator);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(plan_of(dir, &emulator).0, Vec::<String>::new());
}
