//! The plan scenarios of fixtures/plans on `--backend cams` against the emulator: each
//! reaches the sandbox's steps (or its documented CAMS difference), applies, and ends with an
//! empty second plan; no output holds the secret. Template scenarios get their live
//! templates' reviews through the emulator's review flags (see `common::emulator_setup`).

use crate::cams_backend::{SECRET, chanctl, start_emulator};
use crate::common;
use common::Emulator;
use common::emulator_setup as setup;
use common::scenario::Expect;
use std::path::{Path, PathBuf};

fn steps(json: &[u8]) -> Vec<String> {
    let plan: serde_json::Value = serde_json::from_slice(json).unwrap();
    common::steps(&plan)
}

/// A plan of manual steps: every step says why, apply sends nothing and exits 1 naming the
/// console, and the plan after it is the same one.
fn manual_steps_are_not_sent(name: &str, dir: &Path, emulator: &Emulator, expect: &Expect) {
    let plan = |dir: &Path| {
        let out = chanctl(dir, emulator, "plan")
            .args(["--format", "json"])
            .args(&expect.args)
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let before = plan(dir);
    for s in before["steps"].as_array().unwrap() {
        assert!(
            s["manual"]
                .as_str()
                .is_some_and(|m| m.contains("CAMS console")),
            "{name}: not manual: {s}"
        );
    }
    let out = chanctl(dir, emulator, "apply")
        .args(["--auto-approve", "--force"])
        .args(&expect.args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
    // The plan shown says why; each step's line says that nothing was sent.
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("unbind it in the CAMS console"),
        "{name}: {stderr}"
    );
    assert!(
        stderr.contains("manual step, nothing sent"),
        "{name}: {stderr}"
    );
    assert_eq!(
        common::steps(&plan(dir)),
        common::steps(&before),
        "{name}: no loop"
    );
}

/// Scenarios whose steps the CAMS API can carry out (no WhatsApp or Viber unbind/rebind).
fn api_scenarios() -> Vec<PathBuf> {
    let mut dirs = common::scenario::scenarios();
    dirs.retain(|d| {
        let name = d.file_name().unwrap().to_string_lossy().to_string();
        !name.contains("rotation") && !name.contains("swap-whatsapp")
    });
    dirs
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
    let texts: Vec<String> = ["live.yaml", "channels.yaml"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(fixture.join(f)).ok())
        .collect();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let meta = common::meta_args(&texts);
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
    std::fs::copy(fixture.join("channels.yaml"), dir.join("channels.yaml")).unwrap();

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
    if let Some(cams) = &expect.cams {
        assert_eq!(
            steps(&out.stdout),
            cams.steps,
            "{name}: cams plan ({})",
            cams.reason
        );
        if cams.manual {
            manual_steps_are_not_sent(name.as_str(), dir, &emulator, &expect);
        }
        return;
    }
    if let Some(expected) = &expect.steps {
        assert_eq!(
            &steps(&out.stdout),
            expected,
            "{name}: cams plan differs from the sandbox's"
        );
    }
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
}

#[test]
fn scenarios_match_the_sandbox_and_no_secret_leaks() {
    let mut outputs = Vec::new();
    let scenarios = api_scenarios();
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
