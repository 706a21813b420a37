//! What apply says while it runs and when it stops, through the real binary against the
//! emulator: a quota refusal stops the creates behind it, and each is reported once.

use crate::common::{Emulator, chanctl_with_keys, text};
use std::path::Path;

const KEY_ID: &str = "apply-output-key";
const SECRET: &str = "apply-output-secret-41c2";

/// A channels file of `n` SMS channels that declares `quota`.
fn sms_file(dir: &Path, quota: u32, n: usize) {
    let mut text = format!("version: 1\naccount:\n  quota: {quota}\nchannels:\n");
    for i in 0..n {
        text.push_str(&format!("  - name: sms-{i:02}\n    type: sms\n"));
    }
    std::fs::write(dir.join("channels.yaml"), text).unwrap();
}

fn apply(dir: &Path, emulator: &Emulator, extra: &[&str]) -> std::process::Output {
    chanctl_with_keys(dir, KEY_ID, SECRET)
        .args(["apply", "--auto-approve", "--backend", "cams"])
        .args(["--endpoint", &emulator.url])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn a_quota_refusal_stops_the_creates_behind_it_and_each_line_is_printed_once() {
    // The file says 40, the account holds 3: the fourth create is refused.
    let emulator = Emulator::spawn(KEY_ID, SECRET, ["--quota", "3"]);
    let tmp = tempfile::tempdir().unwrap();
    sms_file(tmp.path(), 40, 30);
    // At 8 requests/s, 8 steps run at once.
    let out = apply(tmp.path(), &emulator, &["--qps", "8"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let failed = stderr.lines().filter(|l| l.contains("✗ create")).count();
    let created = stderr.lines().filter(|l| l.contains("✓ create")).count();
    let not_tried = stderr
        .lines()
        .filter(|l| l.starts_with("  not tried: create sms-"))
        .count();
    assert_eq!(created, 3, "{stderr}");
    // Only the creates already in flight (at most 8 at a time) were sent after the refusal.
    assert!((1..=8).contains(&failed), "{stderr}");
    assert_eq!(created + failed + not_tried, 30, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "apply stopped: {failed} steps failed, 3 done, {not_tried} not tried."
        )) || stderr.contains("1 step failed"),
        "{stderr}"
    );
    // The reason is given once, naming the file's quota.
    assert_eq!(stderr.matches("Creates not tried:").count(), 1, "{stderr}");
    assert!(
        stderr.contains("The file's `account.quota` (40) is above the account's own quota"),
        "{stderr}"
    );
    // No line is printed twice.
    let mut seen = std::collections::HashSet::new();
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        assert!(seen.insert(line), "printed twice: {line}\n{stderr}");
    }
}

/// Two Viber channels and one Messenger channel, each bound.
const REVIEWED: &str = "version: 1
channels:
  - name: viber-a
    type: viber
    binding: {business_account: acme-a}
  - name: viber-b
    type: viber
    binding: {business_account: acme-b}
  - name: page
    type: messenger
    binding: {page_id: \"111\"}
";

#[test]
fn binds_pending_review_are_counted_apart_and_are_not_a_failure() {
    let emulator = Emulator::spawn(KEY_ID, SECRET, std::iter::empty::<&str>());
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("channels.yaml"), REVIEWED).unwrap();
    let plan = |format: &str| {
        let out = chanctl_with_keys(tmp.path(), KEY_ID, SECRET)
            .args(["plan", "--backend", "cams", "--endpoint", &emulator.url])
            .args(["--format", format])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let pending = "Plan: 3 to create, 0 to update, 3 to bind, 0 to rebind, 0 to unbind, 0 to delete; 2 binds will stay pending review.";
    assert!(plan("text").contains(pending), "{}", plan("text"));
    assert!(plan("markdown").contains(pending), "{}", plan("markdown"));
    let json: serde_json::Value = serde_json::from_str(&plan("json")).unwrap();
    assert_eq!(json["summary"]["pending_review"], 2);
    assert_eq!(json["summary"]["bind"], 3);

    let out = apply(tmp.path(), &emulator, &["--report", "report.json"]);
    // Pending is not a failure.
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Apply complete: 3 created, 1 bound, 2 pending review."),
        "{stdout}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report["status"], "succeeded");
    assert_eq!(report["counts"]["pending"], 2);
    assert_eq!(report["counts"]["done"], 1);
    // The account, pending review, is what the file asks for: no drift.
    let again = chanctl_with_keys(tmp.path(), KEY_ID, SECRET)
        .args(["plan", "--detailed-exitcode", "--backend", "cams"])
        .args(["--endpoint", &emulator.url])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(text(&again).contains("pending review"), "{}", text(&again));
}

#[test]
fn apply_help_says_that_a_saved_plan_is_applied_without_asking() {
    let tmp = tempfile::tempdir().unwrap();
    let out = crate::common::chanctl(tmp.path())
        .args(["apply", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("A saved plan never asks for confirmation"),
        "{help}"
    );
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains("`apply PLAN` never asks"));
}

#[test]
fn a_manual_step_gives_its_reason_once_and_counts_no_api_call() {
    let emulator = Emulator::spawn(KEY_ID, SECRET, ["--signup", "1=w:+6588001234"]);
    let tmp = tempfile::tempdir().unwrap();
    let bound = "version: 1\nchannels:\n  - name: w\n    type: whatsapp\n    binding: {waba_id: \"1\", phone_number: \"+6588001234\"}\n  - name: s\n    type: sms\n";
    std::fs::write(tmp.path().join("channels.yaml"), bound).unwrap();
    let out = apply(tmp.path(), &emulator, &[]);
    assert!(out.status.success(), "{}", text(&out));
    // The API cannot unbind a WhatsApp Business account; the description's update is a call.
    let unbound = "version: 1\nchannels:\n  - name: w\n    type: whatsapp\n  - name: s\n    type: sms\n    description: codes\n";
    std::fs::write(tmp.path().join("channels.yaml"), unbound).unwrap();
    let out = chanctl_with_keys(tmp.path(), KEY_ID, SECRET)
        .args(["plan", "--backend", "cams", "--endpoint", &emulator.url])
        .output()
        .unwrap();
    let plan = String::from_utf8_lossy(&out.stdout);
    let reason = "the CAMS API has no operation to unbind a WhatsApp Business account";
    assert_eq!(plan.matches(reason).count(), 1, "{plan}");
    assert!(plan.contains("API calls: 1 "), "{plan}");
    let out = apply(tmp.path(), &emulator, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(text(&out).matches(reason).count(), 1, "{}", text(&out));
    assert!(
        text(&out).contains("✗ unbind w: manual step, nothing sent"),
        "{}",
        text(&out)
    );
}

/// How many steps the journal of the apply running in `dir` records as done.
fn journaled_done(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("locks"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".journal"))
        .map(|p| {
            std::fs::read_to_string(p)
                .unwrap_or_default()
                .matches("\"state\":\"done\"")
                .count()
        })
        .sum()
}

#[test]
fn each_step_is_reported_as_it_finishes_not_when_its_wave_does() {
    use std::io::BufRead;
    // 16 creates in one wave at 4 requests/s: the wave lasts seconds.
    let emulator = Emulator::spawn(KEY_ID, SECRET, std::iter::empty::<&str>());
    let tmp = tempfile::tempdir().unwrap();
    sms_file(tmp.path(), 100, 16);
    let mut child = chanctl_with_keys(tmp.path(), KEY_ID, SECRET)
        .args(["apply", "--auto-approve", "--qps", "4", "--backend", "cams"])
        .args(["--endpoint", &emulator.url])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("  ✓ create sms-"), "{first}");
    // When the first line is out, the wave is still running.
    let done = journaled_done(tmp.path());
    assert!(
        (1..16).contains(&done),
        "{done} steps done at the first line"
    );
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert!(child.wait().unwrap().success(), "{rest:?}");
    let created = std::iter::once(&first)
        .chain(&rest)
        .filter(|l| l.starts_with("  ✓ create sms-") && l.contains("done (cams-"))
        .count();
    assert_eq!(created, 16, "one line per step: {first}\n{rest:?}");
}

#[cfg(unix)]
#[test]
fn on_a_terminal_each_finished_step_keeps_its_line_above_the_bar() {
    let tmp = crate::common::example();
    let (ok, screen) = crate::common::on_a_terminal(
        crate::common::chanctl_with_keys(tmp.path(), "unused", "unused")
            .args(["apply", "--auto-approve"]),
    );
    assert!(ok, "{screen:?}");
    // The progress bar was drawn, and every step's line stayed: the creates with their ids.
    assert!(screen.contains(" steps "), "{screen:?}");
    let created = screen
        .split(['\r', '\n'])
        .filter(|l| l.contains("✓ create ") && l.contains(": done ("))
        .count();
    assert_eq!(created, 6, "{screen:?}");
    assert!(
        screen.contains("✓ bind facebook-support: done"),
        "{screen:?}"
    );
}
