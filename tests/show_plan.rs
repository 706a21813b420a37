//! `chanctl show PLAN`: a saved plan rendered as `plan` rendered it, without reading or
//! touching any account; files that are not plans, or plans of an older format, refused
//! with the words `apply PLAN` uses.

use crate::common::{chanctl, example, fails, succeeds};

fn stdout(dir: &std::path::Path, args: &[&str]) -> String {
    let out = chanctl(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn show_renders_the_saved_plan_as_plan_did() {
    let tmp = example();
    for format in ["text", "markdown", "json"] {
        let planned = stdout(
            tmp.path(),
            &["plan", "--format", format, "--out", "plan.json"],
        );
        let shown = stdout(tmp.path(), &["show", "plan.json", "--format", format]);
        assert_eq!(shown, planned, "{format}");
    }
    let saved = std::fs::read_to_string(tmp.path().join("plan.json")).unwrap();
    assert_eq!(
        stdout(tmp.path(), &["show", "plan.json", "--format", "json"]),
        saved
    );
}

#[test]
fn show_touches_no_account() {
    let tmp = example();
    succeeds(tmp.path(), &["plan", "--out", "plan.json"], "");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::copy(
        tmp.path().join("plan.json"),
        elsewhere.path().join("plan.json"),
    )
    .unwrap();
    // No channels file, no sandbox, a backend that cannot be reached: show needs none.
    chanctl(elsewhere.path())
        .args(["show", "plan.json"])
        .env("CHANCTL_BACKEND", "cams")
        .env("CHANCTL_ENDPOINT", "http://127.0.0.1:9")
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "support-whatsapp (whatsapp) will be created",
        ));
    let left: Vec<_> = std::fs::read_dir(elsewhere.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "show wrote nothing beside the plan");
}

#[test]
fn show_refuses_what_apply_refuses() {
    let tmp = example();
    std::fs::write(tmp.path().join("hello.json"), "{\"hello\": 1}").unwrap();
    std::fs::write(tmp.path().join("text.json"), "not json").unwrap();
    std::fs::write(
        tmp.path().join("old.json"),
        "{\"format_version\": 1, \"steps\": []}",
    )
    .unwrap();
    for (file, says) in [
        (
            "hello.json",
            "hello.json is not a plan file (no format_version)",
        ),
        ("text.json", "text.json is not a plan file (not JSON"),
        (
            "old.json",
            "old.json is a plan of format version 1, made by an older chanctl",
        ),
        ("missing.json", "cannot read missing.json"),
    ] {
        fails(tmp.path(), &["show", file], 1, says);
        fails(tmp.path(), &["apply", file], 1, says);
    }
}
