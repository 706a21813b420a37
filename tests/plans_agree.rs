//! A plan made on the sandbox is the plan the service gets. Every plan scenario is set up the
//! same way on both backends (its live state applied from a channels file, so that a Viber
//! audit is pending on both), then planned on each; the JSON plans must be equal step by step
//! (actions, order, waves, changes, reasons, manual steps and their reasons), warnings,
//! summary, blocks and unmanaged channels included. Only what differs by backend is left out:
//! the target, the instance ids (each replaced by its channel's name) and the live digests.
//!
//! Template scenarios are left out: the CAMS backend does not manage templates yet (a file
//! with `templates:` is refused on it), so there is no CAMS plan to compare.

use crate::cams_backend;
use crate::common;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The plan of `fixture` on one backend: its exit code and its JSON (when it made one).
struct Made {
    exit: Option<i32>,
    plan: Option<Value>,
    stderr: String,
}

/// Set the scenario up with `run`, then plan it.
fn make(
    fixture: &Path,
    dir: &Path,
    args: &[String],
    run: &dyn Fn(&Path, &str) -> assert_cmd::Command,
) -> Made {
    let name = fixture.file_name().unwrap().to_string_lossy().to_string();
    if let Some(setup) = common::scenario::setup_file(fixture) {
        std::fs::write(dir.join("setup.yaml"), setup).unwrap();
        let out = run(dir, "apply")
            .args(["--auto-approve", "-f", "setup.yaml"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: setup: {}",
            common::text(&out)
        );
    }
    std::fs::copy(fixture.join("channels.yaml"), dir.join("channels.yaml")).unwrap();
    let out = run(dir, "plan")
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    Made {
        exit: out.status.code(),
        plan: serde_json::from_slice(&out.stdout).ok(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `plan` without what differs by backend: instance ids become `<id of NAME>` wherever they
/// appear (the service chooses them), and the target, the live digests and the API budget
/// (the sandbox makes no API calls) go.
fn normalised(mut plan: Value) -> Value {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (list, key) in [("steps", "channel"), ("unmanaged", "name")] {
        for item in plan[list].as_array().into_iter().flatten() {
            if let (Some(id), Some(name)) = (item["instance_id"].as_str(), item[key].as_str()) {
                names.insert(id.to_string(), format!("<id of {name}>"));
            }
        }
    }
    let object = plan.as_object_mut().unwrap();
    for key in ["target", "live_fingerprint", "live_channels", "api_budget"] {
        object.remove(key);
    }
    replace_ids(&mut plan, &names);
    plan
}

fn replace_ids(value: &mut Value, names: &BTreeMap<String, String>) {
    match value {
        Value::String(s) => {
            for (id, name) in names {
                if s.contains(id.as_str()) {
                    *s = s.replace(id.as_str(), name);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| replace_ids(v, names)),
        Value::Object(map) => map.values_mut().for_each(|v| replace_ids(v, names)),
        _ => {}
    }
}

#[test]
fn every_scenario_plans_the_same_on_the_sandbox_and_the_emulator() {
    let scenarios = cams_backend::api_scenarios();
    assert!(scenarios.len() >= 28, "{}", scenarios.len());
    let mut manual = 0;
    for fixture in scenarios {
        let (name, expect) = common::scenario::expect(&fixture);
        let meta = common::scenario::emulator_meta(&fixture);
        let meta: Vec<&str> = meta.iter().map(String::as_str).collect();
        let emulator = cams_backend::start_emulator(&meta);

        let (sandbox_dir, cams_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let sandbox = make(
            &fixture,
            sandbox_dir.path(),
            &expect.args,
            &|dir, command| {
                let mut cmd = common::chanctl(dir);
                cmd.arg(command);
                cmd
            },
        );
        let cams = make(&fixture, cams_dir.path(), &expect.args, &|dir, command| {
            cams_backend::chanctl(dir, &emulator, command)
        });

        assert_eq!(
            sandbox.exit, cams.exit,
            "{name}: exit codes differ\nsandbox: {}\ncams: {}",
            sandbox.stderr, cams.stderr
        );
        let (Some(on_sandbox), Some(on_cams)) = (sandbox.plan, cams.plan) else {
            assert_ne!(sandbox.exit, Some(0), "{name}: no plan");
            continue;
        };
        let (on_sandbox, on_cams) = (normalised(on_sandbox), normalised(on_cams));
        assert!(
            on_sandbox == on_cams,
            "{name}: the plans differ\n--- sandbox\n{}\n--- cams\n{}",
            serde_json::to_string_pretty(&on_sandbox).unwrap(),
            serde_json::to_string_pretty(&on_cams).unwrap()
        );
        manual += on_cams["steps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["manual"].is_string())
            .count();
    }
    // Manual steps (Viber, WhatsApp, an unread Page) are among what is compared.
    assert!(manual >= 4, "{manual} manual steps");
}
