//! Safety thresholds through the real binary: a plan that deletes, unbinds, rebinds or
//! replaces more than `safety.max_change_percent` % of at least `safety.min_managed` managed
//! channels is shown as blocked by `plan` (text, Markdown, JSON `blocked_by`), and `apply`
//! refuses it with exit 3 unless `--force`. The limits come from the file or an environment.

use crate::common;
use common::{chanctl, fails, succeeds};

use predicates::prelude::*;
use std::path::Path;

/// A channels file of email channels `c0`..`c{n-1}` bound to DirectMail accounts
/// `100@mail.example.com`.. (a binding the API can release and read back); `extra` is appended
/// at the top level (before `channels`).
fn file(n: usize, extra: &str) -> String {
    let mut out = format!("version: 1\n{extra}channels:\n");
    for i in 0..n {
        out.push_str(&format!(
            "  - name: c{i}\n    type: email\n    binding: {{dm_account: \"{}@mail.example.com\"}}\n",
            100 + i
        ));
    }
    out
}

/// A directory whose default sandbox holds the channels of `file(n, "")`.
fn account_of(n: usize) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("channels.yaml"), file(n, "")).unwrap();
    succeeds(tmp.path(), &["apply", "--auto-approve"], "");
    tmp
}

fn write(dir: &Path, text: &str) {
    std::fs::write(dir.join("channels.yaml"), text).unwrap();
}

fn pending_steps(dir: &Path) -> usize {
    let out = chanctl(dir)
        .args(["plan", "--format", "json"])
        .output()
        .unwrap();
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    plan["steps"].as_array().unwrap().len()
}

#[test]
fn deleting_four_of_ten_is_shown_blocked_and_refused_without_force() {
    let tmp = account_of(10);
    write(tmp.path(), &file(6, "prune: true\n"));
    let out = chanctl(tmp.path())
        .args(["plan", "--format", "json"])
        .output()
        .unwrap();
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["managed"], 10);
    assert_eq!(
        plan["safety"],
        serde_json::json!({"max_change_percent": 30, "min_managed": 10})
    );
    let blocked = plan["blocked_by"].as_array().unwrap();
    assert_eq!(blocked.len(), 1, "{blocked:?}");
    assert_eq!(blocked[0]["rule"], "max_change_percent");
    assert_eq!(blocked[0]["steps"], serde_json::json!([0, 1, 2, 3]));
    let message = "the plan deletes, unbinds, rebinds or replaces 4 of 10 managed channels (40%), more than safety.max_change_percent (30%)";
    assert_eq!(blocked[0]["message"], message);
    chanctl(tmp.path())
        .arg("plan")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "! Blocked by a safety rule: {message}; apply refuses it without --force."
        )));
    chanctl(tmp.path())
        .args(["plan", "--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "- :no_entry: **Blocked by a safety rule:** {message}; apply refuses it without `--force`"
        )));
    chanctl(tmp.path())
        .args(["apply", "--auto-approve"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!(
            "blocked by a safety rule: {message}; nothing was changed. Re-run with --force"
        )));
    assert_eq!(pending_steps(tmp.path()), 4, "nothing was deleted");
    // With --force the plan it shows says that the steps run.
    chanctl(tmp.path())
        .args(["apply", "--auto-approve", "--force"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Apply complete: 4 deleted."))
        .stdout(predicate::str::contains(format!(
            "! Blocked by a safety rule: {message}; --force is given, so apply runs it."
        )))
        .stdout(predicate::str::contains("without --force").not());
    assert_eq!(pending_steps(tmp.path()), 0);
}

#[test]
fn thirty_percent_is_allowed_and_fewer_than_min_managed_is_not_counted() {
    let tmp = account_of(10);
    write(tmp.path(), &file(7, "prune: true\n"));
    succeeds(
        tmp.path(),
        &["apply", "--auto-approve"],
        "Apply complete: 3 deleted.",
    );
    // 7 managed now: under min_managed (10), deleting 5 of them is not counted.
    write(tmp.path(), &file(2, "prune: true\n"));
    succeeds(
        tmp.path(),
        &["apply", "--auto-approve"],
        "Apply complete: 5 deleted.",
    );
}

#[test]
fn rebinds_and_unbinds_count_and_the_limits_come_from_the_file() {
    let tmp = account_of(10);
    // Four channels move to new accounts (rebinds), a fifth loses its binding (unbind).
    let mut text = file(10, "");
    for i in 0..4 {
        text = text.replace(&format!("\"{}@", 100 + i), &format!("\"{}@", 900 + i));
    }
    text = text.replace(
        "  - name: c9\n    type: email\n    binding: {dm_account: \"109@mail.example.com\"}\n",
        "  - name: c9\n    type: email\n",
    );
    write(tmp.path(), &text);
    fails(
        tmp.path(),
        &["apply", "--auto-approve"],
        3,
        "5 of 10 managed channels (50%)",
    );
    // The file raises the limit: the same plan goes through.
    write(
        tmp.path(),
        &text.replace(
            "version: 1\n",
            "version: 1\nsafety: {max_change_percent: 50}\n",
        ),
    );
    let out = chanctl(tmp.path())
        .args(["plan", "--format", "json"])
        .output()
        .unwrap();
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["blocked_by"], serde_json::json!([]));
    succeeds(
        tmp.path(),
        &["apply", "--auto-approve"],
        "Apply complete: 4 rebound, 1 unbound.",
    );
}

#[test]
fn a_saved_plan_is_checked_against_the_limits_it_was_made_with() {
    let tmp = account_of(10);
    write(tmp.path(), &file(5, "prune: true\n"));
    succeeds(tmp.path(), &["plan", "--out", "plan.json"], "");
    fails(
        tmp.path(),
        &["apply", "plan.json"],
        3,
        "5 of 10 managed channels (50%)",
    );
    succeeds(
        tmp.path(),
        &["apply", "plan.json", "--force"],
        "Apply complete: 5 deleted.",
    );
}

#[test]
fn an_environment_overrides_the_limits() {
    let tmp = tempfile::tempdir().unwrap();
    let envs = "environments:\n  ci:\n    safety: {max_change_percent: 100}\n  strict:\n    safety: {min_managed: 1, max_change_percent: 0}\n";
    let mut ten = file(10, "");
    ten.push_str(envs);
    write(tmp.path(), &ten);
    for env in ["ci", "strict"] {
        succeeds(tmp.path(), &["apply", "--auto-approve", "--env", env], "");
    }
    let mut six = file(6, "prune: true\n");
    six.push_str(envs);
    write(tmp.path(), &six);
    succeeds(
        tmp.path(),
        &["apply", "--auto-approve", "--env", "ci"],
        "Apply complete: 4 deleted.",
    );
    fails(
        tmp.path(),
        &["apply", "--auto-approve", "--env", "strict"],
        3,
        "more than safety.max_change_percent (0%)",
    );
}

#[test]
fn a_protected_channel_and_the_threshold_are_both_named() {
    let tmp = account_of(10);
    let text = file(6, "prune: true\n").replace(
        "  - name: c0\n    type: email\n    binding: {dm_account: \"100@mail.example.com\"}\n",
        "  - name: c0\n    type: email\n    binding: {dm_account: \"999@mail.example.com\"}\n    protect: true\n",
    );
    write(tmp.path(), &text);
    chanctl(tmp.path())
        .arg("plan")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "! 1 step touches a protected channel; apply refuses it without --force:\n  • rebind c0",
        ))
        .stdout(predicate::str::contains("5 of 10 managed channels (50%)"));
    fails(
        tmp.path(),
        &["apply", "--auto-approve"],
        3,
        "blocked by a safety rule: 1 step would delete or rebind a protected channel (rebind c0); and the plan deletes, unbinds, rebinds or replaces 5 of 10",
    );
}
