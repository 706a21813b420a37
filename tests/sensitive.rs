//! `${VAR}` references and sensitive values through the real binary. Binding values taken
//! from variables are canaries here: after validate, plan (text, JSON, Markdown, `--out`),
//! apply (saved and fresh), export and errors that name the value, all with -v, no output
//! and no file written holds one, except the account itself (the sandbox file). A saved plan
//! whose variable changed before apply is refused.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

const PHONE: &str = "+4915550123987";
const PHONE_2: &str = "+4915550123988";
const VIBER: &str = "canary-viber-7f3a9c";
const MAIL: &str = "canary-91b2@mail.example.com";
const STAGING_LOCAL: &str = "15550177731";
const CANARIES: [&str; 5] = [PHONE, PHONE_2, VIBER, MAIL, STAGING_LOCAL];

const FILE: &str = r#"version: 1
variables:
  CANARY_PHONE: {description: the support number}
  CANARY_VIBER: {sensitive: true}
  CANARY_MAIL: {}
  CANARY_STAGING_LOCAL: {}
  TEAM: {sensitive: false, description: shown in plans}
channels:
  - name: support-whatsapp
    type: whatsapp
    description: Support by ${TEAM}, costs $5 and $${NOT_A_VAR}
    binding:
      waba_id: "102938475610"
      phone_number: "${CANARY_PHONE}"
  - name: sales-viber
    type: viber
    binding: {business_account: "${CANARY_VIBER}"}
  - name: receipts
    type: email
    binding: {dm_account: "${CANARY_MAIL}"}
environments:
  staging:
    channels:
      support-whatsapp:
        binding: {waba_id: "1", phone_number: "+49${CANARY_STAGING_LOCAL}"}
"#;

/// chanctl in `dir` with the canaries in its environment; `phone` is CANARY_PHONE.
fn chanctl(dir: &Path, phone: &str) -> Command {
    let mut cmd = Command::cargo_bin("chanctl").unwrap();
    for name in crate::common::FLAG_VARIABLES {
        cmd.env_remove(name);
    }
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CHANCTL_SANDBOX")
        .env_remove("CHANCTL_ENV")
        .env_remove("CHANCTL_BACKEND")
        .env("CANARY_PHONE", phone)
        .env("CANARY_VIBER", VIBER)
        .env("CANARY_MAIL", MAIL)
        .env("CANARY_STAGING_LOCAL", STAGING_LOCAL)
        .env("TEAM", "team-7")
        .env_remove("CI");
    cmd
}

/// Runs commands and keeps everything they print.
struct Run {
    dir: PathBuf,
    printed: Vec<(String, String)>,
}

impl Run {
    fn cmd(&mut self, phone: &str, args: &[&str], code: i32) -> String {
        let out = chanctl(&self.dir, phone).args(args).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}"
        );
        self.printed
            .push((format!("{args:?}"), format!("{stdout}\n{stderr}")));
        stdout
    }
}

fn assert_no_canary(what: &str, text: &str) {
    for canary in CANARIES {
        assert!(
            !text.contains(canary),
            "{what} shows the sensitive value {canary}:\n{text}"
        );
    }
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn no_output_and_no_file_written_shows_a_sensitive_value() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("channels.yaml"), FILE).unwrap();
    let mut run = Run {
        dir: dir.to_path_buf(),
        printed: Vec::new(),
    };
    let valid = run.cmd(PHONE, &["validate", "-v"], 0);
    assert!(valid.contains("is valid: 3 channels"));
    run.cmd(PHONE, &["validate", "-v", "--env", "staging"], 0);
    let text = run.cmd(PHONE, &["plan", "-v"], 0);
    assert!(
        text.contains("+ binding.phone_number = (sensitive)"),
        "{text}"
    );
    assert!(
        text.contains("+ binding.waba_id      = \"102938475610\""),
        "{text}"
    );
    assert!(
        text.contains("Support by team-7, costs $5 and ${NOT_A_VAR}"),
        "a variable declared `sensitive: false` is shown: {text}"
    );
    let json = run.cmd(PHONE, &["plan", "-v", "--format", "json"], 0);
    assert!(
        json.contains("\"phone_number\": \"(sensitive) sha256:"),
        "{json}"
    );
    let md = run.cmd(PHONE, &["plan", "-v", "--format", "markdown"], 0);
    assert!(
        md.contains("binding.business_account: `(sensitive)`"),
        "{md}"
    );
    assert!(md.contains("+     binding.dm_account: (sensitive)"), "{md}");
    run.cmd(
        PHONE,
        &["plan", "-v", "--out", "plan.json", "--detailed-exitcode"],
        2,
    );
    let applied = run.cmd(PHONE, &["apply", "-v", "plan.json"], 0);
    assert!(
        applied.contains("Apply complete: 3 created, 2 bound, 1 pending review."),
        "{applied}"
    );
    // The real values were bound: the account holds them.
    let account = std::fs::read_to_string(dir.join(".chanctl/sandbox.json")).unwrap();
    for value in [PHONE, VIBER, MAIL] {
        assert!(account.contains(value), "{value} was not bound");
    }
    run.cmd(PHONE, &["plan", "-v", "--detailed-exitcode"], 0);
    // An update carries the binding in the step's before and after.
    std::fs::write(
        dir.join("channels.yaml"),
        FILE.replace("Support by", "Help by"),
    )
    .unwrap();
    let update = run.cmd(PHONE, &["plan", "-v", "--format", "json"], 0);
    assert!(update.contains("\"update\""), "{update}");
    run.cmd(PHONE, &["apply", "-v", "--auto-approve"], 0);
    // A rebind from one sensitive value to another.
    let rebind = run.cmd(PHONE_2, &["plan", "-v"], 0);
    assert!(
        rebind.contains("~ binding.phone_number = (sensitive) → (sensitive)"),
        "{rebind}"
    );
    run.cmd(
        PHONE_2,
        &["plan", "-v", "--out", "rebind.json", "--format", "markdown"],
        0,
    );
    // Another number of the same WhatsApp Business account: the old one is released and the
    // new one taken through the API (on the sandbox, a number without `verified_name` is one
    // the signup registered); the next apply has nothing to do.
    run.cmd(PHONE_2, &["apply", "-v", "rebind.json"], 0);
    run.cmd(PHONE_2, &["apply", "-v", "--auto-approve"], 0);
    // Export writes the references, and the exported file plans to nothing.
    let exported = run.cmd(PHONE_2, &["export", "-v"], 0);
    assert!(
        exported.contains("phone_number: \"${CANARY_PHONE}\""),
        "{exported}"
    );
    run.cmd(PHONE_2, &["export", "-v", "-o", "exported.yaml"], 0);
    run.cmd(
        PHONE_2,
        &[
            "plan",
            "-v",
            "--detailed-exitcode",
            "-f",
            "exported.yaml",
            "--sandbox",
            ".chanctl/sandbox.json",
        ],
        0,
    );
    // An environment with a sensitive value of its own.
    run.cmd(
        PHONE,
        &["apply", "-v", "--auto-approve", "--env", "staging"],
        0,
    );
    let staging = std::fs::read_to_string(dir.join(".chanctl/sandbox-staging.json")).unwrap();
    assert!(staging.contains(&format!("+49{STAGING_LOCAL}")));
    // Errors that name a value: a number bound twice in the file, one held by a channel the
    // file does not declare.
    std::fs::write(
        dir.join("twice.yaml"),
        "version: 1\nvariables: {CANARY_VIBER: {}}\nchannels:\n  - name: a\n    type: viber\n    binding: {business_account: \"${CANARY_VIBER}\"}\n  - name: b\n    type: viber\n    binding: {business_account: \"${CANARY_VIBER}\"}\n",
    )
    .unwrap();
    let twice = run.cmd(PHONE, &["validate", "-v", "-f", "twice.yaml"], 1);
    assert!(twice.is_empty());
    std::fs::write(
        dir.join("other.yaml"),
        "version: 1\nvariables: {CANARY_VIBER: {}}\nchannels:\n  - name: other-viber\n    type: viber\n    binding: {business_account: \"${CANARY_VIBER}\"}\n",
    )
    .unwrap();
    run.cmd(
        PHONE,
        &[
            "plan",
            "-v",
            "-f",
            "other.yaml",
            "--sandbox",
            ".chanctl/sandbox.json",
        ],
        1,
    );
    let held = &run.printed.last().unwrap().1;
    assert!(
        held.contains("Viber business account (sensitive) is wanted by `other-viber`"),
        "{held}"
    );

    for (args, printed) in &run.printed {
        assert_no_canary(args, printed);
    }
    let mut checked = 0;
    for path in files(dir) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("sandbox") && name.ends_with(".json") {
            continue;
        }
        assert_no_canary(
            &path.display().to_string(),
            &std::fs::read_to_string(&path).unwrap(),
        );
        checked += 1;
    }
    assert!(
        checked >= 6,
        "plan.json, rebind.json, exported.yaml, the inputs: {checked}"
    );
}

#[test]
fn a_saved_plan_is_refused_when_a_variable_changed() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("channels.yaml"), FILE).unwrap();
    chanctl(tmp.path(), PHONE)
        .args(["plan", "--out", "plan.json"])
        .assert()
        .success();
    chanctl(tmp.path(), PHONE_2)
        .args(["apply", "plan.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the saved plan holds sensitive values, and 1 of them (`support-whatsapp` binding.phone_number) no longer reads the same from channels.yaml",
        ))
        .stderr(predicate::str::contains(PHONE).not())
        .stderr(predicate::str::contains(PHONE_2).not());
    let account =
        std::fs::read_to_string(tmp.path().join(".chanctl/sandbox.json")).unwrap_or_default();
    assert!(!account.contains("support-whatsapp"), "nothing was applied");
    // A variable that is no longer set: the file does not load, and the plan is refused.
    let mut cmd = chanctl(tmp.path(), PHONE);
    cmd.env_remove("CANARY_MAIL");
    cmd.args(["apply", "plan.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "environment variable `CANARY_MAIL` is not set",
        ))
        .stderr(predicate::str::contains("and channels.yaml does not load"));
}

#[test]
fn a_missing_variable_is_reported_at_its_reference() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("channels.yaml"), FILE).unwrap();
    let mut cmd = chanctl(tmp.path(), PHONE);
    cmd.env_remove("CANARY_PHONE");
    cmd.arg("validate")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "environment variable `CANARY_PHONE` is not set",
        ))
        .stderr(predicate::str::contains("channels.yaml:14:22"))
        .stderr(predicate::str::contains("1 problem in channels.yaml"));
    // The file as written does not need staging's variable.
    let mut cmd = chanctl(tmp.path(), PHONE);
    cmd.env_remove("CANARY_STAGING_LOCAL");
    cmd.arg("validate").assert().success();
}

use crate::common;
use common::Emulator;

fn start_emulator() -> Emulator {
    Emulator::spawn("k", "s", [] as [&str; 0])
}

#[test]
fn the_cams_request_log_does_not_show_a_sensitive_value() {
    let emulator = start_emulator();
    let tmp = tempfile::tempdir().unwrap();
    // Viber and email only: the emulator's WhatsApp numbers must exist in its WABA.
    let file = "version: 1\nvariables: {CANARY_VIBER: {}, CANARY_MAIL: {}}\nchannels:\n  - name: sales-viber\n    type: viber\n    binding: {business_account: \"${CANARY_VIBER}\"}\n  - name: receipts\n    type: email\n    binding: {dm_account: \"${CANARY_MAIL}\"}\n";
    std::fs::write(tmp.path().join("channels.yaml"), file).unwrap();
    let run = |args: &[&str]| {
        let out = chanctl(tmp.path(), PHONE)
            .env("HOME", tmp.path())
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "k")
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s")
            .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
            .args(args)
            .args(["--backend", "cams", "--endpoint", &emulator.url])
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap();
        let printed = format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{args:?}: {printed}");
        printed
    };
    let applied = run(&["apply", "-v", "--auto-approve"]);
    assert!(
        applied.contains("→ "),
        "the request log is shown: {applied}"
    );
    assert!(applied.contains("(sensitive)"), "{applied}");
    assert_no_canary("apply -v on cams", &applied);
    let exported = run(&["export", "-v"]);
    assert!(exported.contains("${CANARY_MAIL}"), "{exported}");
    assert_no_canary("export -v on cams", &exported);
}
