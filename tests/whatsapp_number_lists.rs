//! A WhatsApp channel with several numbers (`phone_numbers`), through the binary on the
//! sandbox and on the emulator: two numbers registered without a terminal wait for their
//! codes, the next plan's manual step names both with their `--verify-code`, a code given
//! for one leaves only the other, and both given finish it; releasing a number of a
//! protected channel is refused without --force, while adding one is not.

use crate::cams_backend::{chanctl as cams, start_emulator};
use crate::common;
use crate::whatsapp_numbers::{
    Run, SENT, a_release_is_held_by_protect, on_sandbox, plan_json, registering_on_the_emulator,
    registering_on_the_sandbox, set_up, text,
};
use std::path::Path;

const TWO: &str = r#"version: 1
channels:
  - name: shop-wa
    type: whatsapp
    binding:
      waba_id: "5001"
      phone_numbers:
        - {phone_number: "+6588001234", verified_name: Example Shop}
        - {phone_number: "+6588005678", verified_name: Example Shop}
"#;

fn register_two(backend: &str, run: &Run<'_>, code: &str) {
    let applied = run("apply").arg("--auto-approve").output().unwrap();
    let (out, err) = text(&applied);
    assert_eq!(applied.status.code(), Some(0), "{backend}: {err}");
    assert!(
        out.contains("1 created, 1 waiting for a one-time code"),
        "{backend}: {out}"
    );
    assert!(
        err.contains("--verify-code +6588001234=CODE --verify-code +6588005678=CODE"),
        "{backend}: the apply says how to finish:\n{err}"
    );

    let plan = plan_json(run, &[]);
    assert_eq!(common::steps(&plan), vec!["bind shop-wa"], "{backend}");
    let manual = plan["steps"][0]["manual"].as_str().unwrap_or_default();
    assert!(
        manual.contains(
            "`chanctl apply --verify-code +6588001234=CODE --verify-code +6588005678=CODE`"
        ),
        "{backend}: {manual}"
    );
    // A code for one number leaves the other waiting.
    let first = format!("+6588001234={code}");
    let plan = plan_json(run, &["--verify-code", &first]);
    let manual = plan["steps"][0]["manual"].as_str().unwrap_or_default();
    assert!(
        manual.contains("`chanctl apply --verify-code +6588005678=CODE`")
            && !manual.contains("+6588001234"),
        "{backend}: {manual}"
    );

    let second = format!("+6588005678={code}");
    let both = ["--verify-code", &first, "--verify-code", &second];
    assert!(plan_json(run, &both)["steps"][0]["manual"].is_null());
    let done = run("apply")
        .arg("--auto-approve")
        .args(both)
        .output()
        .unwrap();
    let (out, err) = text(&done);
    assert_eq!(done.status.code(), Some(0), "{backend}: {err}");
    assert!(out.contains("Apply complete: 1 bound."), "{backend}: {out}");
    let empty = run("plan").arg("--detailed-exitcode").output().unwrap();
    assert_eq!(empty.status.code(), Some(0), "{backend}: nothing left");
}

#[test]
fn two_numbers_wait_for_their_codes_then_register_on_the_sandbox() {
    registering_on_the_sandbox(TWO, |run| register_two("sandbox", run, "000111"));
}

#[test]
fn two_numbers_wait_for_their_codes_then_register_on_the_emulator() {
    registering_on_the_emulator(TWO, |run| register_two("emulator", run, SENT));
}

/// A protected channel with two numbers from the signup: adding a third is no destructive
/// step; dropping the first is refused without --force, and done with it.
fn release_under_protect(backend: &str, dir: &Path, run: &Run<'_>) {
    let numbers = |list: &[&str]| {
        let entries: String = list
            .iter()
            .map(|n| format!("        - phone_number: \"{n}\"\n"))
            .collect();
        format!(
            "version: 1\nchannels:\n  - name: shop-wa\n    type: whatsapp\n    protect: true\n    \
             binding:\n      waba_id: \"5001\"\n      phone_numbers:\n{entries}"
        )
    };
    std::fs::write(
        dir.join("channels.yaml"),
        numbers(&["+6588001234", "+6588005678"]),
    )
    .unwrap();
    set_up(backend, run);
    let empty = run("plan").arg("--detailed-exitcode").output().unwrap();
    assert_eq!(empty.status.code(), Some(0), "{backend}: both numbers held");

    std::fs::write(dir.join("channels.yaml"), numbers(&["+6588005678"])).unwrap();
    a_release_is_held_by_protect(
        backend,
        run,
        "+6588001234 of the WhatsApp Business account: released (deregistered)",
    );

    let forced = run("apply")
        .args(["--auto-approve", "--force"])
        .output()
        .unwrap();
    assert_eq!(
        forced.status.code(),
        Some(0),
        "{backend}: {}",
        text(&forced).1
    );
    let empty = run("plan").arg("--detailed-exitcode").output().unwrap();
    assert_eq!(empty.status.code(), Some(0), "{backend}: released");
}

#[test]
fn releasing_one_of_two_numbers_is_refused_under_protect_on_the_sandbox() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let run = on_sandbox(dir);
    release_under_protect("sandbox", dir, &run);
}

#[test]
fn releasing_one_of_two_numbers_is_refused_under_protect_on_the_emulator() {
    let emulator = start_emulator(&["--signup", "5001=shop-wa:+6588001234,+6588005678"]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let run = |sub: &str| cams(dir, &emulator, sub);
    release_under_protect("emulator", dir, &run);
}

#[test]
fn the_examples_list_form_is_valid_when_uncommented() {
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/channels.yaml"),
    )
    .unwrap();
    let single = "      phone_number: \"+6588001234\"\n";
    assert!(example.contains(single));
    let listed: String = example
        .replacen(single, "", 1)
        .lines()
        .map(|l| match l.strip_prefix("      # ") {
            Some(rest) if rest.starts_with("phone_numbers:") || rest.starts_with("  ") => {
                format!("      {rest}\n")
            }
            _ => format!("{l}\n"),
        })
        .collect();
    assert!(listed.contains("      phone_numbers:\n        - phone_number: \"+6588001234\"\n"));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("channels.yaml"), &listed).unwrap();
    let out = common::chanctl(tmp.path())
        .arg("validate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}\n{listed}", text(&out).1);
}
