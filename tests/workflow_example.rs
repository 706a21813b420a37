//! What chanctl ships for CI, checked without running GitHub: the example workflows
//! (examples/github-actions/), the composite action (action.yml), the release workflow
//! (.github/workflows/release.yml, made by cargo-dist), the pre-commit hook and the
//! Dockerfile. Each YAML file parses, has the parts the README promises, and every chanctl
//! command line in it is accepted by chanctl's own argument parser. The pre-commit hook's
//! entry is run; the Docker image is built where a Docker daemon answers.

use chanctl::cli::Cli;
use clap::Parser;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path} is not valid YAML: {e}"))
}

fn steps(job: &Value) -> &Vec<Value> {
    job["steps"].as_array().expect("steps")
}

fn runs(job: &Value) -> Vec<String> {
    steps(job)
        .iter()
        .filter_map(|s| s["run"].as_str().map(str::to_string))
        .collect()
}

fn uses(job: &Value) -> Vec<String> {
    steps(job)
        .iter()
        .filter_map(|s| s["uses"].as_str().map(str::to_string))
        .collect()
}

fn scripts(job: &Value) -> String {
    steps(job)
        .iter()
        .filter_map(|s| s["with"]["script"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The chanctl command lines of a shell script, as argument vectors: redirections and pipes
/// cut off, shell variables replaced by a plain word (an empty one for `$INPUT_ARGS`, which
/// holds optional flags).
fn chanctl_commands(script: &str) -> Vec<Vec<String>> {
    script
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("chanctl "))
        .map(|line| {
            let line = line
                .split(['>', '|', ';'])
                .next()
                .unwrap()
                .trim_end_matches(" 2");
            line.split_whitespace()
                .filter(|w| *w != "$INPUT_ARGS")
                .map(|w| {
                    let w = w.trim_matches('"');
                    if w.starts_with('$') {
                        "value".to_string()
                    } else {
                        w.to_string()
                    }
                })
                .collect()
        })
        .collect()
}

/// Parse every chanctl command of `scripts` with chanctl's parser; how many there were.
fn check_commands<'a>(what: &str, scripts: impl IntoIterator<Item = &'a str>) -> usize {
    let mut seen = 0;
    for script in scripts {
        for args in chanctl_commands(script) {
            Cli::try_parse_from(&args)
                .unwrap_or_else(|e| panic!("{what}: `{}` does not parse: {e}", args.join(" ")));
            seen += 1;
        }
    }
    seen
}

#[test]
fn command_lines_are_found_and_cleaned() {
    let script = "set -e\n  chanctl plan -f \"$INPUT_FILE\" --out x $INPUT_ARGS > a.md 2> b.txt\necho chanctl\n";
    assert_eq!(
        chanctl_commands(script),
        [["chanctl", "plan", "-f", "value", "--out", "x"]]
    );
}

#[test]
fn the_pull_request_workflow_plans_with_the_action_and_applies_the_reviewed_plan() {
    let w = yaml("examples/github-actions/chanctl.yml");
    assert!(w["on"]["pull_request"].is_object());
    assert_eq!(w["on"]["push"]["branches"][0], "main");
    let jobs = &w["jobs"];
    assert!(
        uses(&jobs["plan"])
            .iter()
            .any(|u| u.starts_with("chanctl/chanctl@"))
    );
    assert!(
        uses(&jobs["plan"])
            .iter()
            .any(|u| u.starts_with("actions/upload-artifact"))
    );
    // Apply: the reviewed plan, behind an environment's approval.
    assert_eq!(jobs["apply"]["environment"], "production");
    let apply = runs(&jobs["apply"]).join("\n");
    assert!(apply.contains("chanctl apply plan.json"));
    assert!(apply.contains("Saved plan is stale"));
    // A stale plan is planned again, and the new plan needs a second approval.
    assert_eq!(jobs["replan"]["needs"], "apply");
    assert!(
        uses(&jobs["replan"])
            .iter()
            .any(|u| u.starts_with("chanctl/chanctl@"))
    );
    assert!(jobs["replan"]["environment"].is_null());
    assert_eq!(jobs["apply-replanned"]["needs"], "replan");
    assert_eq!(jobs["apply-replanned"]["environment"], "production");
    // Applies run one at a time per account and environment, never cancelled, and say so
    // to chanctl (which warns under CI otherwise).
    for job in ["apply", "apply-replanned"] {
        let group = &jobs[job]["concurrency"]["group"];
        assert!(
            group
                .as_str()
                .is_some_and(|g| g.starts_with("chanctl-apply-")),
            "{job}: {group}"
        );
        assert_eq!(
            jobs[job]["concurrency"]["cancel-in-progress"], false,
            "{job}"
        );
        assert_eq!(
            &jobs[job]["env"][chanctl::lock::CI_CONCURRENCY_VARIABLE],
            group,
            "{job}"
        );
    }
    let n = check_commands(
        "chanctl.yml",
        jobs.as_object()
            .unwrap()
            .values()
            .flat_map(runs)
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str),
    );
    assert!(n >= 3, "found {n} chanctl commands");
}

/// The workflow's jobs get credentials from an OIDC token, never a stored key: read-only
/// role for plans, the write role only behind the environment's approval.
#[test]
fn the_workflows_use_oidc_with_a_read_only_role_to_plan_and_a_write_role_to_apply() {
    for (path, roles) in [
        (
            "examples/github-actions/chanctl.yml",
            &[
                ("plan", "CHANCTL_PLAN_ROLE_ARN"),
                ("replan", "CHANCTL_PLAN_ROLE_ARN"),
                ("apply", "CHANCTL_APPLY_ROLE_ARN"),
                ("apply-replanned", "CHANCTL_APPLY_ROLE_ARN"),
            ][..],
        ),
        (
            "examples/github-actions/drift.yml",
            &[("drift", "CHANCTL_PLAN_ROLE_ARN")][..],
        ),
    ] {
        let text = std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap();
        assert!(!text.contains("ACCESS_KEY"), "{path} uses a stored key");
        let w = yaml(path);
        assert_eq!(w["permissions"]["id-token"], "write", "{path}");
        assert!(
            w["env"]["ALIBABA_CLOUD_OIDC_PROVIDER_ARN"]
                .as_str()
                .is_some_and(|v| v.contains("vars.")),
            "{path}"
        );
        for (job, role) in roles {
            let job_value = &w["jobs"][*job];
            let arn = job_value["env"]["ALIBABA_CLOUD_ROLE_ARN"]
                .as_str()
                .or_else(|| w["env"]["ALIBABA_CLOUD_ROLE_ARN"].as_str())
                .unwrap_or_default();
            assert!(arn.contains(role), "{path} {job}: {arn}");
            // The token is written to a file before chanctl runs, and the file named.
            let first = steps(job_value)
                .iter()
                .position(|s| {
                    s["run"].as_str().is_some_and(|r| r.contains("chanctl "))
                        || s["uses"]
                            .as_str()
                            .is_some_and(|u| u.starts_with("chanctl/chanctl@"))
                })
                .unwrap_or_else(|| panic!("{path} {job} runs no chanctl"));
            let token = steps(job_value).iter().position(|s| {
                s["run"].as_str().is_some_and(|r| {
                    r.contains("ACTIONS_ID_TOKEN_REQUEST_URL")
                        && r.contains("ALIBABA_CLOUD_OIDC_TOKEN_FILE=")
                })
            });
            assert!(
                token.is_some_and(|t| t < first),
                "{path} {job}: no OIDC token before chanctl"
            );
        }
        // Only jobs behind the production environment take the write role.
        for (name, job) in w["jobs"].as_object().unwrap() {
            if job["env"]["ALIBABA_CLOUD_ROLE_ARN"]
                .as_str()
                .is_some_and(|a| a.contains("APPLY"))
            {
                assert_eq!(job["environment"], "production", "{path} {name}");
            }
        }
    }
}

#[test]
fn the_drift_check_runs_on_a_schedule_and_keeps_one_issue() {
    let w = yaml("examples/github-actions/drift.yml");
    assert!(w["on"]["schedule"][0]["cron"].is_string());
    let job = &w["jobs"]["drift"];
    assert!(uses(job).iter().any(|u| u.starts_with("chanctl/chanctl@")));
    let script = scripts(job);
    for call in ["issues.create", "issues.update", "listForRepo"] {
        assert!(script.contains(call), "{call}");
    }
}

#[test]
fn the_action_has_its_inputs_outputs_comment_and_summary() {
    let a = yaml("action.yml");
    assert_eq!(a["runs"]["using"], "composite");
    for input in [
        "file",
        "env",
        "backend",
        "args",
        "version",
        "install",
        "plan-file",
    ] {
        assert!(a["inputs"][input].is_object(), "input {input}");
    }
    for output in ["has-changes", "plan-file"] {
        assert!(a["outputs"][output]["value"].is_string(), "output {output}");
    }
    let job = &a["runs"];
    let all_runs = runs(job).join("\n");
    assert!(all_runs.contains("--format github"), "annotations");
    assert!(all_runs.contains("GITHUB_STEP_SUMMARY"), "job summary");
    assert!(
        all_runs.contains("cargo install --locked --path"),
        "from source"
    );
    assert!(
        all_runs.contains("chanctl-installer.sh"),
        "a released binary"
    );
    // Inputs reach the scripts through the environment, never spliced into the script.
    for run in runs(job) {
        assert!(
            !run.contains("${{"),
            "an expression inside a script:\n{run}"
        );
    }
    let script = scripts(job);
    assert!(script.contains("<!-- chanctl-plan"), "a hidden marker");
    assert!(script.contains("env=${env"), "one comment per environment");
    assert!(script.contains("updateComment") && script.contains("createComment"));
    assert!(
        script.contains("failed for") && script.contains("sha") && script.contains("runs/"),
        "a failed plan says so, with the commit and the run"
    );
    let n = check_commands("action.yml", runs(job).iter().map(String::as_str));
    assert!(n >= 3, "found {n} chanctl commands");
}

#[test]
fn the_release_workflow_builds_static_and_native_archives_with_checksums() {
    let w = yaml(".github/workflows/release.yml");
    assert!(w["jobs"].as_object().unwrap().len() >= 4);
    let all: Vec<String> = w["jobs"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(runs)
        .collect();
    check_commands("release.yml", all.iter().map(String::as_str));
    let dist = std::fs::read_to_string(Path::new(ROOT).join("dist-workspace.toml")).unwrap();
    for needed in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
        "\"shell\"",
        "checksum = \"sha256\"",
    ] {
        assert!(dist.contains(needed), "dist-workspace.toml lacks {needed}");
    }
}

#[test]
fn the_pre_commit_hook_validates_each_file() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = &hooks[0];
    assert_eq!(hook["id"], "chanctl-validate");
    let entry = hook["entry"].as_str().unwrap();
    assert!(entry.contains("chanctl validate -f"));
    let bin = Path::new(env!("CARGO_BIN_EXE_chanctl")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |files: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!("{entry} {files}"))
            .current_dir(ROOT)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .output()
            .expect("sh runs")
    };
    let good = "examples/channels.yaml";
    let bad = "fixtures/invalid/11-over-quota.yaml";
    assert!(run(good).status.success());
    let out = run(&format!("{bad} {good}"));
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("examples/channels.yaml is valid"),
        "{stdout}"
    );
}

#[test]
fn the_dockerfile_builds_a_static_non_root_image() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("Dockerfile")).unwrap();
    assert!(text.contains("FROM scratch"));
    assert!(text.contains("USER 65532:65532"));
    assert!(text.contains("ENTRYPOINT [\"/chanctl\"]"));
    assert!(text.contains("--package chanctl --bin chanctl"));
    let daemon = Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output();
    if !daemon.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: no Docker daemon here; the Dockerfile was checked, not built");
        return;
    }
    let built = Command::new("docker")
        .args(["build", "-t", "chanctl:test", "."])
        .current_dir(ROOT)
        .status()
        .expect("docker build runs");
    assert!(built.success(), "docker build failed");
    let out = Command::new("docker")
        .args(["run", "--rm", "chanctl:test", "--version"])
        .output()
        .expect("docker run runs");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("chanctl "));
}
