//! Plan scenarios from fixtures/plans/: each directory holds a channels.yaml, an optional
//! live.yaml (the account before), and expect.yaml (the steps the plan must have, or the
//! error it must give). Each runs through the real binary: plan, apply, then a plan that
//! must be empty. The text plan of each is an insta snapshot.

use crate::common;
use common::chanctl;
use common::scenario::scenarios;

use chanctl::model::LiveChannel;
use chanctl::template::live::LiveTemplate;
use std::collections::BTreeMap;
use std::path::Path;

/// Write the sandbox file for a live state (channels, and the templates of a scenario's
/// `templates.yaml`), in the sandbox's own format.
fn seed(dir: &Path, live: &[LiveChannel], templates: &[LiveTemplate]) {
    let channels: BTreeMap<&str, &LiveChannel> = live.iter().map(|c| (c.id.as_str(), c)).collect();
    let templates: BTreeMap<&str, &LiveTemplate> =
        templates.iter().map(|t| (t.code.as_str(), t)).collect();
    let file = serde_json::json!({
        "format": "chanctl-sandbox/1",
        "account": {
            "quota": 100,
            "serial": live.len() + templates.len(),
            "channels": channels,
            "templates": templates,
        },
    });
    std::fs::create_dir_all(dir.join(".chanctl")).unwrap();
    std::fs::write(
        dir.join(".chanctl/sandbox.json"),
        serde_json::to_vec_pretty(&file).unwrap(),
    )
    .unwrap();
}

fn run_scenario(fixture: &Path) {
    let (name, expect) = common::scenario::expect(fixture);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    common::scenario::copy_files(fixture, dir);
    if let Ok(live) = std::fs::read_to_string(fixture.join("live.yaml")) {
        let live: Vec<LiveChannel> =
            serde_saphyr::from_str(&live).unwrap_or_else(|e| panic!("{name}/live.yaml: {e}"));
        let templates: Vec<LiveTemplate> = std::fs::read_to_string(fixture.join("templates.yaml"))
            .map(|t| {
                serde_saphyr::from_str(&t).unwrap_or_else(|e| panic!("{name}/templates.yaml: {e}"))
            })
            .unwrap_or_default();
        seed(dir, &live, &templates);
    }

    // Plan as JSON: the steps.
    let out = chanctl(dir)
        .arg("plan")
        .arg("--format")
        .arg("json")
        .args(&expect.args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(expect.plan_exit),
        "{name}: plan exit code; stderr:\n{stderr}"
    );
    if expect.plan_exit != 0 {
        let wanted = expect
            .error
            .as_deref()
            .expect("a failing scenario says which error");
        assert!(
            stderr.contains(wanted),
            "{name}: stderr lacks `{wanted}`:\n{stderr}"
        );
        assert!(
            out.stdout.is_empty(),
            "{name}: a failed plan prints no plan"
        );
        return;
    }
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let steps: Vec<String> = common::steps(&plan);
    if let Some(expected) = &expect.steps {
        assert_eq!(&steps, expected, "{name}: steps");
    }
    if let Some(unmanaged) = &expect.unmanaged {
        let got: Vec<&str> = plan["unmanaged"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["name"].as_str().unwrap())
            .collect();
        assert_eq!(&got, unmanaged, "{name}: unmanaged");
    }

    // The text plan, as a reviewer sees it.
    let text = chanctl(dir)
        .arg("plan")
        .args(&expect.args)
        .output()
        .unwrap();
    insta::with_settings!({ snapshot_suffix => name.clone(), prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("plan", String::from_utf8_lossy(&text.stdout));
    });

    // Apply, then nothing is left to do.
    let applied = chanctl(dir)
        .arg("apply")
        .arg("--auto-approve")
        .args(&expect.args)
        .args(&expect.apply_args)
        .output()
        .unwrap();
    let apply_err = String::from_utf8_lossy(&applied.stderr).to_string();
    assert_eq!(
        applied.status.code(),
        Some(expect.apply_exit),
        "{name}: apply exit code; stderr:\n{apply_err}"
    );
    let again = chanctl(dir)
        .arg("plan")
        .arg("--detailed-exitcode")
        .args(&expect.args)
        .output()
        .unwrap();
    if expect.apply_exit != 0 {
        let wanted = expect
            .error
            .as_deref()
            .expect("a failing apply says which error");
        assert!(
            apply_err.contains(wanted),
            "{name}: apply stderr lacks `{wanted}`:\n{apply_err}"
        );
        // Refused whole: the same plan is still pending.
        assert_eq!(
            again.status.code(),
            Some(2),
            "{name}: a refused apply changes nothing"
        );
        return;
    }
    assert_eq!(
        again.status.code(),
        Some(0),
        "{name}: second plan not empty:\n{}",
        String::from_utf8_lossy(&again.stdout)
    );
    let second = chanctl(dir)
        .arg("apply")
        .arg("--auto-approve")
        .args(&expect.args)
        .output()
        .unwrap();
    assert!(second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("No changes."),
        "{name}: second apply"
    );
}

#[test]
fn plan_scenarios() {
    let all = scenarios();
    assert!(
        all.len() >= 20,
        "at least 20 plan scenarios, found {}",
        all.len()
    );
    for fixture in all {
        run_scenario(&fixture);
    }
}
