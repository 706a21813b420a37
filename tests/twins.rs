//! Accounts that start with twins (live channels sharing a name the file declares), on the
//! sandbox and on the CAMS emulator over HTTP: with an interrupted apply's journal as
//! evidence (deleted without --force), without evidence (apply refuses without --force),
//! and twins that differ (shown side by side, the copy bound as the file says kept). Every
//! run ends with an empty second plan.

use crate::common;
use common::Emulator;
use std::path::PathBuf;
use std::process::Output;

const KEY_ID: &str = "twins-key";
const SECRET: &str = "twins-secret-5d1c";

/// A live channel of the starting account: id, name, type, description, Page, creation time.
type Copy<'a> = (&'a str, &'a str, &'a str, &'a str, Option<&'a str>, i64);

fn channel(c: &Copy<'_>) -> serde_json::Value {
    let (id, name, t, description, page, created) = *c;
    let mut v = serde_json::json!({
        "id": id, "name": name, "type": t, "description": description, "created": created,
    });
    if let Some(p) = page {
        v["binding"] = serde_json::json!({ "page_id": p });
    }
    v
}

fn account(copies: &[Copy<'_>]) -> serde_json::Value {
    let channels: serde_json::Map<String, serde_json::Value> = copies
        .iter()
        .map(|c| (c.0.to_string(), channel(c)))
        .collect();
    serde_json::json!({ "quota": 100, "serial": copies.len(), "channels": channels })
}

/// Where a backend's account lives, and how chanctl reaches it.
enum Backend {
    Sandbox,
    Cams(Emulator),
}

struct Run {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    backend: Backend,
}

impl Run {
    /// `copies` in a fresh account of `backend` ("sandbox" or "cams"), `file` as the
    /// channels file, and an interrupted apply's journal recording a create of each of
    /// `journal` (name, id).
    fn new(backend: &str, copies: &[Copy<'_>], file: &str, journal: &[(&str, &str)]) -> Run {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        std::fs::write(dir.join("channels.yaml"), file).unwrap();
        let backend = if backend == "sandbox" {
            let state =
                serde_json::json!({ "format": "chanctl-sandbox/1", "account": account(copies) });
            std::fs::create_dir_all(dir.join(".chanctl")).unwrap();
            std::fs::write(dir.join(".chanctl/sandbox.json"), state.to_string()).unwrap();
            Backend::Sandbox
        } else {
            // The emulator lists in creation order and gives each row its SubmitTime.
            let instances: serde_json::Map<String, serde_json::Value> = copies
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let at = jiff::Timestamp::from_second(c.5).unwrap();
                    let meta = serde_json::json!({ "seq": i + 1, "submit_time": at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string() });
                    (c.0.to_string(), meta)
                })
                .collect();
            let state = serde_json::json!({
                "format": "chanctl-cams-emulator/1",
                "account": account(copies),
                "instances": instances,
                "serial": copies.len(),
            });
            let path = dir.join("emulator.json");
            std::fs::write(&path, state.to_string()).unwrap();
            Backend::Cams(Emulator::spawn(
                KEY_ID,
                SECRET,
                [std::ffi::OsString::from("--state"), path.into_os_string()],
            ))
        };
        let run = Run {
            _tmp: tmp,
            dir,
            backend,
        };
        if !journal.is_empty() {
            let path = run.journal_path();
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let lines: Vec<String> = journal
                .iter()
                .enumerate()
                .flat_map(|(i, (name, id))| {
                    let entry = |state: &str, detail: Option<&str>| {
                        serde_json::json!({
                            "step": i, "action": "create", "resource": format!("channel:{name}"),
                            "channel": name, "state": state, "detail": detail, "pid": 1, "at": 0,
                        })
                        .to_string()
                    };
                    [entry("pending", None), entry("done", Some(id))]
                })
                .collect();
            std::fs::write(path, lines.join("\n") + "\n").unwrap();
        }
        run
    }

    fn journal_path(&self) -> PathBuf {
        match &self.backend {
            Backend::Sandbox => self.dir.join(".chanctl/sandbox.json.journal"),
            Backend::Cams(emu) => {
                let account = chanctl::ops::Account {
                    file: self.dir.join("channels.yaml"),
                    environment: None,
                    backend: chanctl::ops::account::BackendSpec::Cams(
                        chanctl::ops::account::CamsSpec {
                            endpoint: chanctl_cams::endpoint::parse(&emu.url).unwrap(),
                            profile: None,
                            qps: 10,
                            timeout: std::time::Duration::from_secs(10),
                            settle_window: std::time::Duration::from_secs(1),
                        },
                    ),
                    lock_dir: self.dir.join("locks"),
                    lock_timeout: std::time::Duration::ZERO,
                    codes: Default::default(),
                };
                account.journal_path()
            }
        }
    }

    fn chanctl(&self, args: &[&str]) -> Output {
        let mut cmd = common::chanctl_with_keys(&self.dir, KEY_ID, SECRET);
        cmd.args(args);
        if let Backend::Cams(emu) = &self.backend {
            cmd.args(["--backend", "cams", "--endpoint", &emu.url]);
        }
        cmd.output().unwrap()
    }

    fn plan_json(&self) -> serde_json::Value {
        let out = self.chanctl(&["plan", "--format", "json"]);
        assert!(out.status.success(), "{}", common::text(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// After apply: the second plan is empty, and one channel of the name is left.
    fn converged(&self, name: &str, kept: &str) {
        let again = self.chanctl(&["plan", "--detailed-exitcode"]);
        assert_eq!(again.status.code(), Some(0), "{}", common::text(&again));
        let export = self.chanctl(&["export"]);
        let yaml = String::from_utf8_lossy(&export.stdout);
        assert_eq!(
            yaml.matches(&format!("name: \"{name}\"")).count(),
            1,
            "{yaml}"
        );
        let live = self.plan_json();
        let ids: Vec<&str> = live["live_channels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [kept]);
    }
}

const SMS_FILE: &str = "version: 1\nchannels:\n  - {name: otp, type: sms}\n";
const SMS_TWINS: [Copy<'static>; 2] = [
    ("cams-000000000001", "otp", "sms", "", None, 1_700_000_000),
    ("cams-000000000002", "otp", "sms", "", None, 1_700_000_100),
];

#[test]
fn twins_with_journal_evidence_are_removed_without_force() {
    for backend in ["sandbox", "cams"] {
        let run = Run::new(
            backend,
            &SMS_TWINS,
            SMS_FILE,
            &[("otp", "cams-000000000002")],
        );
        let plan = run.plan_json();
        assert_eq!(common::steps(&plan), ["delete otp"], "{backend}");
        assert_eq!(plan["steps"][0]["instance_id"], "cams-000000000001");
        assert_eq!(plan["twins"][0]["keep_because"], "recorded", "{backend}");
        assert_eq!(plan["blocked_by"], serde_json::json!([]), "{backend}");
        let applied = run.chanctl(&["apply", "--auto-approve"]);
        assert!(
            applied.status.success(),
            "{backend}: {}",
            common::text(&applied)
        );
        run.converged("otp", "cams-000000000002");
    }
}

#[test]
fn twins_without_evidence_need_force_and_keep_the_older_copy() {
    for backend in ["sandbox", "cams"] {
        let run = Run::new(backend, &SMS_TWINS, SMS_FILE, &[]);
        let plan = run.plan_json();
        assert_eq!(plan["steps"][0]["instance_id"], "cams-000000000002");
        assert_eq!(plan["twins"][0]["keep_because"], "older", "{backend}");
        assert_eq!(plan["blocked_by"][0]["rule"], "unproven_twin", "{backend}");
        let exit = run.chanctl(&["plan", "--detailed-exitcode"]);
        assert_eq!(exit.status.code(), Some(2));
        assert!(
            common::text(&exit).contains("twins: 2 live channels are named otp"),
            "{}",
            common::text(&exit)
        );
        let export = run.chanctl(&["export"]);
        assert!(export.status.success(), "{}", common::text(&export));
        assert!(common::text(&export).contains("warning: 2 live channels are named `otp` (twins)"));
        let refused = run.chanctl(&["apply", "--auto-approve"]);
        assert_eq!(refused.status.code(), Some(3), "{}", common::text(&refused));
        let applied = run.chanctl(&["apply", "--auto-approve", "--force"]);
        assert!(
            applied.status.success(),
            "{backend}: {}",
            common::text(&applied)
        );
        run.converged("otp", "cams-000000000001");
    }
}

#[test]
fn twins_that_differ_are_shown_side_by_side_and_the_copy_bound_as_the_file_says_is_kept() {
    let copies: [Copy<'static>; 2] = [
        (
            "cams-000000000001",
            "fb",
            "messenger",
            "old copy",
            None,
            1_700_000_000,
        ),
        (
            "cams-000000000002",
            "fb",
            "messenger",
            "support",
            Some("111"),
            1_700_000_100,
        ),
    ];
    let file = "version: 1\nchannels:\n  - name: fb\n    type: messenger\n    description: support\n    binding: {page_id: \"111\"}\n";
    for backend in ["sandbox", "cams"] {
        let run = Run::new(backend, &copies, file, &[]);
        let text = run.chanctl(&["plan"]);
        let mut text = common::text(&text);
        if let Backend::Cams(emu) = &run.backend {
            text = text.replace(&emu.url, "EMULATOR");
        }
        insta::with_settings!({ snapshot_suffix => backend, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("twins_that_differ", text);
        });
        let markdown = run.chanctl(&["plan", "--format", "markdown"]);
        let markdown = String::from_utf8_lossy(&markdown.stdout);
        assert!(markdown.contains("### Twins"), "{markdown}");
        assert!(
            markdown.contains("| `cams-000000000001` | delete |"),
            "{markdown}"
        );
        let applied = run.chanctl(&["apply", "--auto-approve", "--force"]);
        assert!(
            applied.status.success(),
            "{backend}: {}",
            common::text(&applied)
        );
        run.converged("fb", "cams-000000000002");
    }
}

/// Creates whose answer is lost and which commit after chanctl has looked twice: apply's
/// settle pass waits out the window, finds the second copies and removes them as steps of
/// their own, and exits 0 with the account matching the file.
#[test]
fn late_commits_leave_no_twin_behind_an_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let emu = Emulator::spawn(
        KEY_ID,
        SECRET,
        [
            "--faults",
            "late",
            "--fault-rate",
            "0.3",
            "--ambiguous-delay-ms",
            "3500",
            "--seed",
            "7",
        ],
    );
    let names: Vec<String> = (0..12).map(|i| format!("late-{i:02}")).collect();
    let file = names
        .iter()
        .map(|n| format!("  - {{name: {n}, type: sms}}\n"))
        .collect::<String>();
    std::fs::write(
        dir.join("channels.yaml"),
        format!("version: 1\nchannels:\n{file}"),
    )
    .unwrap();
    let chanctl = |args: &[&str]| {
        common::chanctl_with_keys(dir, KEY_ID, SECRET)
            .args(args)
            .args(["--backend", "cams", "--endpoint", &emu.url])
            .args(["--timeout", "1", "--settle-window", "5"])
            .output()
            .unwrap()
    };
    let applied = chanctl(&["apply", "--auto-approve"]);
    let text = common::text(&applied);
    assert!(applied.status.success(), "{text}");
    assert!(text.contains("had a lost answer: waiting"), "{text}");
    assert!(text.contains("removed a duplicate of `late-"), "{text}");
    // Nothing lands after the window: the account matches the file, one channel a name.
    std::thread::sleep(std::time::Duration::from_secs(4));
    let again = chanctl(&["plan", "--detailed-exitcode"]);
    assert_eq!(again.status.code(), Some(0), "{}", common::text(&again));
}
