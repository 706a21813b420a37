//! One apply at a time, through the real binary: a second apply to the same CAMS account
//! fails at once naming the holder; a lock left by a killed chanctl is taken over with a
//! message; `lock status` and `lock release --force` show and clear the lock; `lock status`
//! reports the sandbox's own lock too.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const KEY_ID: &str = "lock-key-id";
const SECRET: &str = "lock-secret-51c2";

use crate::common;
use common::{Emulator, text};

fn start_emulator(extra: &[&str]) -> Emulator {
    Emulator::spawn(KEY_ID, SECRET, extra)
}

fn chanctl(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = common::chanctl_with_keys(dir, KEY_ID, SECRET);
    cmd.args(args);
    cmd
}

fn cams(dir: &Path, emu: &Emulator, args: &[&str]) -> Output {
    chanctl(dir, args)
        .args(["--backend", "cams", "--endpoint", &emu.url])
        .output()
        .unwrap()
}

fn many_channels(n: usize) -> String {
    let mut s = String::from("version: 1\nchannels:\n");
    for i in 0..n {
        s.push_str(&format!("  - name: sms-{i:03}\n    type: sms\n"));
    }
    s
}

fn lock_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir.join("locks"))
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "lock"))
                .collect()
        })
        .unwrap_or_default()
}

/// Start a slow apply, without `$USER` (as in many containers), and wait until it holds
/// the lock.
fn slow_apply(dir: &Path, emu: &Emulator) -> Child {
    let child = chanctl(dir, &["apply", "--auto-approve", "--qps", "4"])
        .args(["--backend", "cams", "--endpoint", &emu.url])
        .env_remove("USER")
        .env_remove("LOGNAME")
        .env_remove("USERNAME")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while lock_files(dir).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no lock appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[test]
fn a_second_apply_fails_fast_naming_the_holder_and_status_shows_it() {
    let emu = start_emulator(&["--latency-ms", "50"]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("channels.yaml"), many_channels(30)).unwrap();
    let mut first = slow_apply(dir, &emu);
    let pid = first.id();

    let started = Instant::now();
    let second = cams(dir, &emu, &["apply", "--auto-approve"]);
    assert_eq!(second.status.code(), Some(1), "{}", text(&second));
    assert!(started.elapsed() < Duration::from_secs(5), "fails fast");
    let err = text(&second);
    assert!(err.contains("is locked by"), "{err}");
    assert!(err.contains(&format!("(pid {pid})")), "{err}");
    assert!(err.contains("apply since"), "{err}");

    // Once it has sent a step, its journal shows its progress: a live holder is a running
    // apply, not an interrupted one.
    let journal = lock_files(dir)[0].with_extension("lock.journal");
    let start = Instant::now();
    while std::fs::metadata(&journal).map_or(true, |m| m.len() == 0) {
        assert!(start.elapsed() < Duration::from_secs(10), "no journal");
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = cams(dir, &emu, &["lock", "status"]);
    assert!(status.status.success());
    let out = text(&status);
    #[cfg(unix)]
    {
        // The owner is the OS's name for the user, not "unknown".
        let user = nix::unistd::User::from_uid(nix::unistd::getuid())
            .unwrap()
            .unwrap()
            .name;
        assert!(out.contains(&format!("locked by {user}@")), "{out}");
    }
    assert!(out.contains(&format!("(pid {pid})")), "{out}");
    assert!(
        out.contains(&format!("an apply (pid {pid}) is running")),
        "{out}"
    );
    assert!(out.contains("done so far; in flight now: "), "{out}");
    assert!(!out.contains("interrupted"), "{out}");
    // Another environment of the same account is another lock.
    let other = cams(dir, &emu, &["lock", "status", "--env", "staging"]);
    assert!(text(&other).contains("not locked"), "{}", text(&other));

    assert!(first.wait().unwrap().success());
    assert!(
        lock_files(dir).is_empty(),
        "the lock is released at the end"
    );
    let status = cams(dir, &emu, &["lock", "status"]);
    assert!(text(&status).contains("not locked"), "{}", text(&status));
    let plan = cams(dir, &emu, &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
}

#[test]
fn a_killed_apply_leaves_a_stale_lock_that_is_taken_over_or_released() {
    let emu = start_emulator(&["--latency-ms", "50"]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("channels.yaml"), many_channels(30)).unwrap();
    let mut first = slow_apply(dir, &emu);
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(lock_files(dir).len(), 1, "a killed apply leaves its lock");

    let status = cams(dir, &emu, &["lock", "status"]);
    assert!(text(&status).contains("stale lock"), "{}", text(&status));
    let refused = cams(dir, &emu, &["lock", "release"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused).contains("--force"), "{}", text(&refused));
    assert_eq!(lock_files(dir).len(), 1, "nothing removed without --force");

    let again = cams(dir, &emu, &["apply", "--auto-approve"]);
    assert!(again.status.success(), "{}", text(&again));
    let out = text(&again);
    assert!(out.contains("took over a stale lock"), "{out}");
    assert!(out.contains(&format!("pid {}", first.id())), "{out}");
    assert!(lock_files(dir).is_empty());

    // The lock of a running apply is removed by release --force (and only with it).
    std::fs::write(dir.join("channels.yaml"), many_channels(60)).unwrap();
    let mut held = slow_apply(dir, &emu);
    let released = cams(dir, &emu, &["lock", "release", "--force"]);
    let out = text(&released);
    held.kill().unwrap();
    held.wait().unwrap();
    assert!(released.status.success(), "{out}");
    assert!(out.contains("released the lock of"), "{out}");
    assert!(out.contains(&format!("pid {}", held.id())), "{out}");
    assert!(lock_files(dir).is_empty());
}

#[test]
fn lock_status_reports_the_sandbox_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("channels.yaml"), many_channels(2)).unwrap();
    let status = chanctl(dir, &["lock", "status"]).output().unwrap();
    assert!(status.status.success(), "{}", text(&status));
    assert!(text(&status).contains("not locked"), "{}", text(&status));

    // Hold the sandbox's lock as an apply does (an exclusive OS lock, the pid inside).
    std::fs::create_dir_all(dir.join(".chanctl")).unwrap();
    let mut lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .read(true)
        .open(dir.join(".chanctl/sandbox.json.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    writeln!(lock, "pid 424242").unwrap();
    let status = chanctl(dir, &["lock", "status"]).output().unwrap();
    let out = text(&status);
    assert!(
        out.contains("locked by a running chanctl (pid 424242)"),
        "{out}"
    );
    let apply = chanctl(dir, &["apply", "--auto-approve"]).output().unwrap();
    assert_eq!(apply.status.code(), Some(1));
    assert!(text(&apply).contains("pid 424242"), "{}", text(&apply));
    let release = chanctl(dir, &["lock", "release", "--force"])
        .output()
        .unwrap();
    assert_eq!(release.status.code(), Some(1), "{}", text(&release));
    drop(lock);
    let status = chanctl(dir, &["lock", "status"]).output().unwrap();
    assert!(text(&status).contains("not locked"), "{}", text(&status));
}
