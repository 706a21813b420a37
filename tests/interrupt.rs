//! Ctrl-C through the real binary against the emulator: the first one stops an apply in
//! order (no further step, those in flight awaited, what was done and not said, the lock
//! released, exit 130); a second one exits at once; a plan stops at once.

use crate::common::{Emulator, chanctl_with_keys};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};

const KEY_ID: &str = "interrupt-key";
const SECRET: &str = "interrupt-secret-93ab";

fn sms_file(dir: &Path, n: usize) {
    let mut text = String::from("version: 1\nchannels:\n");
    for i in 0..n {
        text.push_str(&format!("  - name: sms-{i:02}\n    type: sms\n"));
    }
    std::fs::write(dir.join("channels.yaml"), text).unwrap();
}

fn spawn(dir: &Path, emulator: &Emulator, args: &[&str]) -> Child {
    chanctl_with_keys(dir, KEY_ID, SECRET)
        .args(args)
        .args(["--backend", "cams", "--endpoint", &emulator.url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn ctrl_c(child: &Child) {
    kill(Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
}

/// The files in `dir/locks` whose names end with `suffix`.
fn lock_dir_files(dir: &Path, suffix: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir.join("locks"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect()
}

#[test]
fn the_first_ctrl_c_stops_an_apply_in_order() {
    let emulator = Emulator::spawn(KEY_ID, SECRET, ["--latency-ms", "200"]);
    let tmp = tempfile::tempdir().unwrap();
    sms_file(tmp.path(), 24);
    let mut child = spawn(
        tmp.path(),
        &emulator,
        &["apply", "--auto-approve", "--qps", "4"],
    );
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains("✓ create sms-"), "{first}");
    ctrl_c(&child);
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    let stderr = format!("{first}\n{}", rest.join("\n"));
    assert_eq!(child.wait().unwrap().code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("Interrupted: no further step is sent; waiting up to 30 s"),
        "{stderr}"
    );
    let done = stderr.lines().filter(|l| l.contains("✓ create")).count();
    let not_tried = stderr
        .lines()
        .filter(|l| l.contains("not tried: create"))
        .count();
    assert!(not_tried > 0, "{stderr}");
    // Everything in flight was answered and reported: nothing is left unknown.
    assert_eq!(done + not_tried, 24, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "apply interrupted: {done} steps done, {not_tried} not tried."
        )),
        "{stderr}"
    );
    // Released: the lock file is emptied (it stays, for its OS lock) or gone.
    assert!(
        lock_dir_files(tmp.path(), ".lock")
            .iter()
            .all(|p| std::fs::metadata(p).map(|m| m.len() == 0).unwrap_or(true)),
        "the lock is released"
    );
    assert!(
        lock_dir_files(tmp.path(), ".journal").is_empty(),
        "nothing left in flight"
    );
    // What was done is in the account; what was not is what the next plan does.
    let plan = chanctl_with_keys(tmp.path(), KEY_ID, SECRET)
        .args(["plan", "--format", "json", "--backend", "cams"])
        .args(["--endpoint", &emulator.url])
        .output()
        .unwrap();
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    assert_eq!(plan["steps"].as_array().unwrap().len(), not_tried);
}

#[test]
fn a_second_ctrl_c_exits_at_once() {
    // Answers take 15 s (the read first, then the creates): after the first Ctrl-C the
    // apply would wait that long for the creates' answers.
    let emulator = Emulator::spawn(KEY_ID, SECRET, ["--latency-ms", "15000"]);
    let tmp = tempfile::tempdir().unwrap();
    sms_file(tmp.path(), 3);
    let mut child = spawn(
        tmp.path(),
        &emulator,
        &["apply", "--auto-approve", "--timeout", "60"],
    );
    // Wait until the creates are sent (the journal holds them as pending).
    let journal = loop {
        if let Some(j) = lock_dir_files(tmp.path(), ".journal").pop()
            && std::fs::read_to_string(&j)
                .unwrap_or_default()
                .matches("pending")
                .count()
                == 3
        {
            break j;
        }
        assert!(child.try_wait().unwrap().is_none(), "the apply ended early");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    ctrl_c(&child);
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let waiting = lines.next().unwrap().unwrap();
    assert!(
        waiting.starts_with("Interrupted: no further step is sent"),
        "{waiting}"
    );
    assert!(waiting.contains("for the 3 steps in flight"), "{waiting}");
    ctrl_c(&child);
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert_eq!(child.wait().unwrap().code(), Some(130), "{rest:?}");
    assert!(rest.iter().any(|l| l == "Interrupted."), "{rest:?}");
    assert!(
        !rest.iter().any(|l| l.contains("apply interrupted")),
        "{rest:?}"
    );
    // It did not wait: the creates are still in flight in the journal.
    let text = std::fs::read_to_string(journal).unwrap();
    assert!(!text.contains("\"done\""), "{text}");
}

#[test]
fn ctrl_c_stops_a_plan_while_it_reads() {
    let emulator = Emulator::spawn(KEY_ID, SECRET, ["--latency-ms", "60000"]);
    let tmp = tempfile::tempdir().unwrap();
    sms_file(tmp.path(), 1);
    let mut child = spawn(tmp.path(), &emulator, &["plan", "-v"]);
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    // The first request is sent; its answer would take a minute.
    for line in lines.by_ref() {
        if line.unwrap().starts_with("→ ListInstance") {
            break;
        }
    }
    ctrl_c(&child);
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert_eq!(child.wait().unwrap().code(), Some(130), "{rest:?}");
    assert!(rest.iter().any(|l| l == "Interrupted."), "{rest:?}");
}
