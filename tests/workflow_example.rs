//! The GitHub Actions example parses, has the jobs the README promises, and every chanctl
//! command line in it is accepted by chanctl's own argument parser.

use chanctl::cli::Cli;
use clap::Parser;
use serde_json::Value;

fn workflow() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/github-actions/chanctl.yml"
    ))
    .unwrap();
    serde_saphyr::from_str(&text).expect("the workflow is valid YAML")
}

fn runs(job: &Value) -> Vec<String> {
    job["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn workflow_plans_on_pull_requests_and_applies_the_saved_plan_on_main() {
    let w = workflow();
    assert!(w["on"]["pull_request"].is_object());
    assert_eq!(w["on"]["push"]["branches"][0], "main");
    let plan = &w["jobs"]["plan"];
    let apply = &w["jobs"]["apply"];
    let plan_runs = runs(plan).join("\n");
    assert!(plan_runs.contains("chanctl validate"));
    assert!(plan_runs.contains("--format markdown") && plan_runs.contains("--out plan.json"));
    let uses: Vec<&str> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["uses"].as_str())
        .collect();
    assert!(
        uses.iter()
            .any(|u| u.starts_with("actions/upload-artifact"))
    );
    assert!(uses.iter().any(|u| u.starts_with("actions/github-script")));
    let script = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|s| s["with"]["script"].as_str())
        .unwrap();
    assert!(
        script.contains("updateComment") && script.contains("createComment"),
        "one comment, updated"
    );
    assert!(runs(apply).join("\n").contains("chanctl apply plan.json"));
}

#[test]
fn every_chanctl_command_in_the_workflow_parses() {
    let w = workflow();
    let mut seen = 0;
    for job in w["jobs"].as_object().unwrap().values() {
        for script in runs(job) {
            for line in script
                .lines()
                .map(str::trim)
                .filter(|l| l.starts_with("chanctl "))
            {
                let line = line.split('>').next().unwrap();
                let args: Vec<&str> = line.split_whitespace().collect();
                Cli::try_parse_from(&args)
                    .unwrap_or_else(|e| panic!("`{line}` does not parse: {e}"));
                seen += 1;
            }
        }
    }
    assert!(seen >= 3, "found {seen} chanctl commands");
}
