//! `templates: {include: "templates/*.yaml"}` through the binary on the sandbox: a problem in
//! an included file is shown in that file with its line and column; a template declared in
//! two files names both; a pattern that matches nothing, or reaches out of the channels
//! file's folder (`..`, a link), is refused at the pattern; a saved plan records the included
//! files in its digest and says so when one changed before `apply PLAN`.
//! The include scenario itself is fixtures/plans/70-template-include-files (sandbox and
//! emulator).

use crate::common::{chanctl, succeeds};
use std::path::Path;

const CHANNELS: &str = r#"version: 1
channels:
  - name: wa
    type: whatsapp
    binding: {waba_id: "102938475610", phone_number: "+6588001234"}
    templates: {include: "templates/*.yaml"}
"#;

const ORDERS: &str = r#"templates:
  - name: order_update
    category: UTILITY
    language: en_US
    components:
      body: "Hello {{1}}, your order has shipped."
    examples: {"{{1}}": "Alice"}
"#;

const LOGIN: &str = r#"templates:
  - name: login_code
    category: AUTHENTICATION
    language: en_US
    components:
      buttons: [{type: COPY_CODE, text: Copy code}]
"#;

/// A folder with the channels file and `templates/orders.yaml` and `templates/login.yaml`.
fn folder() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "channels.yaml", CHANNELS);
    write(tmp.path(), "templates/orders.yaml", ORDERS);
    write(tmp.path(), "templates/login.yaml", LOGIN);
    tmp
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `chanctl validate` in `dir`: exit code and stderr, with the message lines that the
/// terminal rendering wraps joined again.
fn validate(dir: &Path) -> (Option<i32>, String) {
    let out = chanctl(dir).arg("validate").output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    (out.status.code(), stderr.replace("\n  │ ", ""))
}

#[test]
fn templates_in_included_files_are_planned_and_applied_like_inline_ones() {
    let tmp = folder();
    let out = chanctl(tmp.path())
        .args(["plan", "--format", "json"])
        .output()
        .unwrap();
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["resource"]["kind"] == "template")
        .map(|s| s["resource"]["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["wa/login_code/en_US", "wa/order_update/en_US"]);
    succeeds(tmp.path(), &["apply", "--auto-approve"], "Apply complete");
    chanctl(tmp.path())
        .args(["plan", "--detailed-exitcode"])
        .assert()
        .code(0);
    // A template's file removed from the include: under prune, its template goes.
    std::fs::remove_file(tmp.path().join("templates/login.yaml")).unwrap();
    let out = chanctl(tmp.path())
        .args(["plan", "--prune", "--format", "json"])
        .output()
        .unwrap();
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["steps"][0]["resource"]["key"], "wa/login_code/en_US");
    assert_eq!(plan["steps"][0]["action"], "delete");
}

#[test]
fn a_problem_in_an_included_file_is_shown_in_that_file() {
    let tmp = folder();
    write(
        tmp.path(),
        "templates/login.yaml",
        &LOGIN.replace("COPY_CODE", "COPY_COD"),
    );
    let (code, stderr) = validate(tmp.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("[templates/login.yaml:6:"), "{stderr}");
    insta::with_settings!({prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("template-include-bad-file", stderr);
    });
    // `${VAR}` is substituted in the channels file only: here it is refused, where written.
    write(
        tmp.path(),
        "templates/login.yaml",
        &LOGIN.replace("Copy code", "\"Copy ${CODE}\""),
    );
    let (code, stderr) = validate(tmp.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("chanctl::template::include_variable"),
        "{stderr}"
    );
    assert!(stderr.contains("[templates/login.yaml:6:"), "{stderr}");
    // The rules are the including channel's: a footer is refused in a Viber channel's file.
    write(
        tmp.path(),
        "channels.yaml",
        &CHANNELS.replace("whatsapp", "viber").replace(
            r#"{waba_id: "102938475610", phone_number: "+6588001234"}"#,
            "{business_account: \"acme\"}",
        ),
    );
    std::fs::remove_file(tmp.path().join("templates/login.yaml")).unwrap();
    write(
        tmp.path(),
        "templates/orders.yaml",
        &ORDERS.replace("has shipped.\"", "has shipped.\"\n      footer: \"Thanks\""),
    );
    let (code, stderr) = validate(tmp.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("[templates/orders.yaml:"), "{stderr}");
}

#[test]
fn problems_in_several_included_files_are_all_shown() {
    let tmp = folder();
    write(
        tmp.path(),
        "templates/login.yaml",
        &LOGIN.replace("COPY_CODE", "COPY_COD"),
    );
    write(
        tmp.path(),
        "templates/orders.yaml",
        &ORDERS.replace("UTILITY", "UTILTY"),
    );
    let (code, stderr) = validate(tmp.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("[templates/login.yaml:6:"), "{stderr}");
    assert!(stderr.contains("[templates/orders.yaml:3:"), "{stderr}");
    assert!(
        stderr.contains("2 problems in templates/login.yaml and templates/orders.yaml"),
        "{stderr}"
    );
    // The machine formats carry both files too, each diagnostic naming its own.
    let out = chanctl(tmp.path())
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["file"], "channels.yaml");
    let files: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["templates/login.yaml", "templates/orders.yaml"]);
    let out = chanctl(tmp.path())
        .args(["validate", "--format", "github"])
        .output()
        .unwrap();
    let annotations = String::from_utf8(out.stdout).unwrap();
    assert!(
        annotations.contains("file=templates/login.yaml,line=6")
            && annotations.contains("file=templates/orders.yaml,line=3"),
        "{annotations}"
    );
}

#[test]
fn a_template_declared_in_two_files_names_both() {
    let tmp = folder();
    write(
        tmp.path(),
        "templates/more-orders.yaml",
        &format!("# the same template again\n{ORDERS}"),
    );
    let (code, stderr) = validate(tmp.path());
    assert_eq!(code, Some(1), "{stderr}");
    // Files are read in sorted order: more-orders.yaml before orders.yaml.
    assert!(stderr.contains("[templates/orders.yaml:4:15]"), "{stderr}");
    assert!(
        stderr.contains("also at templates/more-orders.yaml:5:15"),
        "{stderr}"
    );
    assert!(stderr.contains("chanctl::template::duplicate"), "{stderr}");
}

#[test]
fn a_pattern_matching_no_file_is_an_error_at_the_pattern() {
    let tmp = folder();
    write(
        tmp.path(),
        "channels.yaml",
        &CHANNELS.replace("templates/*.yaml", "templates/*.yml"),
    );
    let (code, stderr) = validate(tmp.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("`templates/*.yml` matches no file"),
        "{stderr}"
    );
    assert!(stderr.contains("[channels.yaml:6:26]"), "{stderr}");
    // A folder matched by the pattern is not a file.
    write(
        tmp.path(),
        "channels.yaml",
        &CHANNELS.replace("templates/*.yaml", "templat*"),
    );
    let (code, stderr) = validate(tmp.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("matches no file"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn files_outside_the_folder_are_refused_even_through_a_link() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.yaml", ORDERS);
    let tmp = folder();
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        tmp.path().join("templates/secret.yaml"),
    )
    .unwrap();
    let (code, stderr) = validate(tmp.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("chanctl::template::include_outside"),
        "{stderr}"
    );
    assert!(
        stderr.contains("templates/secret.yaml leads out of it"),
        "{stderr}"
    );
    std::fs::remove_file(tmp.path().join("templates/secret.yaml")).unwrap();
    write(
        tmp.path(),
        "channels.yaml",
        &CHANNELS.replace("templates/*.yaml", "templates/../../*.yaml"),
    );
    let (code, stderr) = validate(tmp.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("chanctl::template::include_outside"),
        "{stderr}"
    );
}

#[test]
fn a_saved_plan_records_the_included_files_and_says_when_one_changed() {
    let tmp = folder();
    succeeds(tmp.path(), &["plan", "--out", "plan.json"], "");
    let digest = |dir: &Path| -> String {
        let plan: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("plan.json")).unwrap()).unwrap();
        plan["source"]["digest"].as_str().unwrap().to_string()
    };
    let before = digest(tmp.path());
    // The digest is the same from another folder: included files count by their path
    // relative to the channels file.
    let sub = tmp.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    succeeds(
        &sub,
        &[
            "plan",
            "-f",
            "../channels.yaml",
            "--sandbox",
            "../.chanctl/sandbox.json",
            "--out",
            "plan.json",
        ],
        "",
    );
    assert_eq!(digest(&sub), before);
    // An included file changes after the plan was made: a new plan has another digest.
    write(
        tmp.path(),
        "templates/orders.yaml",
        &ORDERS.replace("has shipped", "is on its way"),
    );
    std::fs::copy(tmp.path().join("plan.json"), tmp.path().join("saved.json")).unwrap();
    succeeds(tmp.path(), &["plan", "--out", "plan.json"], "");
    assert_ne!(
        digest(tmp.path()),
        before,
        "the digest covers included files"
    );
    // The saved plan is applied as it was reviewed, and apply says which files changed.
    chanctl(tmp.path())
        .args(["apply", "saved.json"])
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "channels.yaml or a file it includes (templates/login.yaml, templates/orders.yaml) \
             changed since the plan was made",
        ));
    let out = chanctl(tmp.path())
        .args(["plan", "--format", "json"])
        .output()
        .unwrap();
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["steps"][0]["action"], "update", "{plan}");
    assert_eq!(plan["steps"][0]["resource"]["key"], "wa/order_update/en_US");
}
