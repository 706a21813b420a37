//! The plan scenarios of fixtures/plans on `--backend cams` against the emulator: each
//! reaches the sandbox's steps, exit codes and final states, manual steps included (never
//! sent, still planned after), and ends with an empty second plan (or, after manual steps,
//! the same one); no output holds the secret. Template scenarios get their live
//! templates' reviews through the emulator's review flags (see `common::emulator_setup`).

use crate::cams_backend::{SECRET, chanctl, start_emulator};
use crate::common;
use common::Emulator;
use common::emulator_setup as setup;
use std::path::Path;

fn steps(json: &[u8]) -> Vec<String> {
    let plan: serde_json::Value = serde_json::from_slice(json).unwrap();
    common::steps(&plan)
}

/// The manual steps of a JSON plan, as `action channel`.
fn manual_steps(json: &[u8]) -> Vec<String> {
    let plan: serde_json::Value = serde_json::from_slice(json).unwrap();
    plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["manual"].is_string())
        .map(|s| {
            format!(
                "{} {}",
                s["action"].as_str().unwrap(),
                s["channel"].as_str().unwrap()
            )
        })
        .collect()
}

/// Apply `setup.yaml` in `dir` (the scenario's live state), then plan it once: the template
/// reviews are decided on the first read.
fn set_up(name: &str, dir: &Path, emulator: &Emulator, outputs: &mut Vec<String>) {
    for sub in ["apply --auto-approve", "plan"] {
        let out = chanctl(dir, emulator, sub)
            .args(["-f", "setup.yaml"])
            .output()
            .unwrap();
        outputs.push(
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        );
        assert!(
            out.status.success(),
            "{name}: setup ({sub}) failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn run_scenario(fixture: &Path, outputs: &mut Vec<String>) {
    let (name, expect) = common::scenario::expect(fixture);
    let meta = common::scenario::emulator_meta(fixture);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // Template scenarios keep the emulator's state in a file: the live templates get their
    // review under the flags of a first emulator, and the scenario runs on a second one whose
    // reviews never end, so that what it submits stays as it left it.
    let state = dir.join("emulator-state.json").display().to_string();
    let mut flags: Vec<&str> = meta.iter().map(String::as_str).collect();
    if name.contains("template") {
        flags.extend(["--state", &state, "--template-review", "hold"]);
    }
    let templates = setup::templates(fixture);
    let live: Option<Vec<setup::LiveRow>> = std::fs::read_to_string(fixture.join("live.yaml"))
        .ok()
        .map(|live| serde_saphyr::from_str(&live).unwrap());
    if let Some(live) = &live {
        std::fs::write(dir.join("setup.yaml"), setup::setup_file(live, &templates)).unwrap();
    }
    if live.is_some() && !templates.is_empty() {
        let reviews = setup::review_flags(&templates);
        let mut first: Vec<&str> = meta.iter().map(String::as_str).collect();
        first.extend(["--state", &state]);
        first.extend(reviews.iter().map(String::as_str));
        let emulator = start_emulator(&first);
        set_up(&name, dir, &emulator, outputs);
        emulator.kill();
    }
    let emulator = start_emulator(&flags);
    if live.is_some() && templates.is_empty() {
        set_up(&name, dir, &emulator, outputs);
    }
    common::scenario::copy_files(fixture, dir);

    let out = chanctl(dir, &emulator, "plan")
        .args(["--format", "json"])
        .args(&expect.args)
        .output()
        .unwrap();
    outputs.push(
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(
        out.status.code(),
        Some(expect.plan_exit),
        "{name}: plan exit; stderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    if expect.plan_exit != 0 {
        return;
    }
    // A rejected live template shows with the review's reason.
    for reason in templates.iter().filter_map(|t| t.reason.as_deref()) {
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(reason),
            "{name}: the plan shows why the template was rejected"
        );
    }
    if let Some(expected) = &expect.steps {
        assert_eq!(
            &steps(&out.stdout),
            expected,
            "{name}: cams plan differs from the sandbox's"
        );
    }
    let manual = manual_steps(&out.stdout);
    let applied = chanctl(dir, &emulator, "apply")
        .args(["--auto-approve"])
        .args(&expect.args)
        .args(&expect.apply_args)
        .output()
        .unwrap();
    outputs.push(
        String::from_utf8_lossy(&applied.stdout).into_owned()
            + &String::from_utf8_lossy(&applied.stderr),
    );
    assert_eq!(
        applied.status.code(),
        Some(expect.apply_exit),
        "{name}: apply exit; stderr:\n{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    let again = chanctl(dir, &emulator, "plan")
        .args(["--detailed-exitcode"])
        .args(&expect.args)
        .output()
        .unwrap();
    let want = if expect.apply_exit == 0 { 0 } else { 2 };
    assert_eq!(
        again.status.code(),
        Some(want),
        "{name}: plan after apply:\n{}",
        String::from_utf8_lossy(&again.stdout)
    );
    if expect.apply_exit != 0
        && let Some(wanted) = &expect.error
    {
        let stderr = String::from_utf8_lossy(&applied.stderr);
        assert!(
            stderr.contains(wanted),
            "{name}: apply lacks `{wanted}`:\n{stderr}"
        );
    }
    // A manual step is never sent: the next plan still has it, and nothing loops.
    if !manual.is_empty() {
        let next = chanctl(dir, &emulator, "plan")
            .args(["--format", "json"])
            .args(&expect.args)
            .output()
            .unwrap();
        assert_eq!(manual_steps(&next.stdout), manual, "{name}: manual steps");
    }
}

#[test]
fn scenarios_match_the_sandbox_and_no_secret_leaks() {
    let mut outputs = Vec::new();
    let scenarios = common::scenario::scenarios();
    assert!(scenarios.len() >= 20);
    let templates = scenarios
        .iter()
        .filter(|d| d.to_string_lossy().contains("template"))
        .count();
    assert!(templates >= 10, "the template scenarios run on CAMS too");
    for fixture in scenarios {
        run_scenario(&fixture, &mut outputs);
    }
    for o in &outputs {
        assert!(!o.contains(SECRET), "the secret leaked into output:\n{o}");
    }
}
