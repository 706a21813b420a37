//! Crash safety: an apply of many creates and binds against the emulator is killed with
//! SIGKILL after a short pseudo-random delay, several times. After each kill, `plan` shows
//! exactly the remaining work (computed here from the emulator's state file) and no channel
//! exists twice; a last apply takes over the dead apply's lock, converges, and leaves every
//! channel exactly once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const KEY_ID: &str = "crash-key-id";
const SECRET: &str = "crash-secret-8e21";
const CHANNELS: usize = 150;

use crate::common;
use common::{Emulator, text};

fn start_emulator(state: &Path) -> Emulator {
    let mut args: Vec<std::ffi::OsString> = ["--latency-ms", "40", "--quota", "200", "--state"]
        .iter()
        .map(|s| s.into())
        .collect();
    args.push(state.into());
    Emulator::spawn(KEY_ID, SECRET, args)
}

fn chanctl(dir: &Path, emu: &Emulator, args: &[&str]) -> Command {
    let mut cmd = common::chanctl_with_keys(dir, KEY_ID, SECRET);
    cmd.args(args)
        .args(["--backend", "cams", "--endpoint", &emu.url, "--qps", "10"]);
    cmd
}

/// Messenger channels bound to their own page, and SMS channels.
fn declared() -> Vec<(String, Option<String>)> {
    (0..CHANNELS)
        .map(|i| {
            if i % 2 == 0 {
                (format!("fb-{i:03}"), Some(format!("{}", 50_000 + i)))
            } else {
                (format!("sms-{i:03}"), None)
            }
        })
        .collect()
}

fn channels_file() -> String {
    let mut s = String::from("version: 1\naccount: {quota: 200}\nchannels:\n");
    for (name, page) in declared() {
        match page {
            Some(page) => s.push_str(&format!(
                "  - name: {name}\n    type: messenger\n    binding: {{page_id: \"{page}\"}}\n"
            )),
            None => s.push_str(&format!("  - name: {name}\n    type: sms\n")),
        }
    }
    s
}

/// Each live channel name with how many channels carry it, and its bound page (if any).
fn live(state: &Path) -> BTreeMap<String, (usize, Option<String>)> {
    let mut names = BTreeMap::new();
    let Ok(text) = std::fs::read_to_string(state) else {
        return names;
    };
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    for c in value["account"]["channels"].as_object().unwrap().values() {
        let name = c["name"].as_str().unwrap().to_string();
        let page = c["binding"]["page_id"].as_str().map(str::to_string);
        let entry = names.entry(name).or_insert((0, None));
        entry.0 += 1;
        entry.1 = page;
    }
    names
}

/// The steps left: a create for each missing channel, a bind for each missing binding.
fn remaining(state: &Path) -> BTreeSet<String> {
    let live = live(state);
    let mut steps = BTreeSet::new();
    for (name, page) in declared() {
        let bound = live.get(&name).and_then(|(_, p)| p.clone());
        if !live.contains_key(&name) {
            steps.insert(format!("create {name}"));
        }
        if page.is_some() && bound != page {
            steps.insert(format!("bind {name}"));
        }
    }
    steps
}

fn planned(dir: &Path, emu: &Emulator) -> BTreeSet<String> {
    let out = chanctl(dir, emu, &["plan", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    common::steps(&plan).into_iter().collect()
}

fn assert_no_duplicates(state: &Path, when: &str) {
    let twice: Vec<_> = live(state)
        .into_iter()
        .filter(|(_, (n, _))| *n > 1)
        .collect();
    assert!(twice.is_empty(), "{when}: duplicates {twice:?}");
}

#[test]
fn applies_killed_at_random_moments_leave_exactly_the_remaining_work() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let state = dir.join("emulator.json");
    let emu = start_emulator(&state);
    std::fs::write(dir.join("channels.yaml"), channels_file()).unwrap();
    // Pseudo-random delays (fixed, so that a failure replays): 150..1150 ms.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut kills = 0;
    let mut last_killed = false;
    let mut stale_locks = 0;
    let mut spawned = Vec::new();
    for round in 0..5 {
        if remaining(&state).is_empty() {
            break;
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let delay = Duration::from_millis(150 + x % 1000);
        let mut apply = chanctl(dir, &emu, &["apply", "--auto-approve"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        // SIGKILL: no destructor, no cleanup; the lock and any journal stay behind.
        let finished = apply.try_wait().unwrap().is_some();
        apply.kill().unwrap();
        apply.wait().unwrap();
        kills += usize::from(!finished);
        last_killed = !finished;
        let when = format!("after kill {round} at {} ms", delay.as_millis());
        assert_no_duplicates(&state, &when);
        assert_eq!(planned(dir, &emu), remaining(&state), "{when}");
        spawned.push(apply.id());
        if !finished {
            // The dead apply's lock and journal are there, and say so. On a slow machine it
            // may be killed after taking the lock but before starting its journal: the
            // journal is then the one an earlier killed apply left.
            let status = chanctl(dir, &emu, &["lock", "status"]).output().unwrap();
            let out = text(&status);
            // On a loaded machine it may even be killed before it took the lock: then it
            // did nothing, which the checks above have shown.
            if out.contains("not locked") {
                last_killed = false;
                continue;
            }
            stale_locks += 1;
            assert!(out.contains("stale lock"), "{when}: {out}");
            assert!(
                spawned
                    .iter()
                    .any(|pid| out
                        .contains(&format!("an earlier apply (pid {pid}) was interrupted"))),
                "{when}: {out}"
            );
        }
    }
    assert!(kills >= 3, "the applies were killed part-way ({kills})");
    assert!(stale_locks >= 1, "no killed apply left its lock behind");
    let done = chanctl(dir, &emu, &["apply", "--auto-approve"])
        .output()
        .unwrap();
    assert!(done.status.success(), "{}", text(&done));
    if last_killed {
        // The note comes from the journal the killed apply left.
        assert!(text(&done).contains("was interrupted"), "{}", text(&done));
    }
    // A released lock is an empty file (kept: see src/lock.rs); the journal is removed.
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("locks"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let path = e.path();
            !(path.extension().is_some_and(|x| x == "lock")
                && std::fs::metadata(&path).is_ok_and(|m| m.len() == 0))
        })
        .collect();
    assert!(
        leftovers.is_empty(),
        "lock released and journal removed: {leftovers:?}"
    );
    let plan = chanctl(dir, &emu, &["plan", "--detailed-exitcode"])
        .output()
        .unwrap();
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
    assert_no_duplicates(&state, "at the end");
    let live = live(&state);
    for (name, page) in declared() {
        assert_eq!(
            live.get(&name).map(|(n, p)| (*n, p.clone())),
            Some((1, page)),
            "{name}"
        );
    }
}
