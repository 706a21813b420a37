//! One apply at a time, through the real binary: a second apply to the same CAMS account
//! fails at once naming the holder, or waits for it with `--lock-timeout` (and gives up
//! naming it when the time is up); a lock left by a chanctl killed with SIGKILL is taken at
//! once with a message, whoever wrote it and however fresh it is, since no process holds its
//! OS lock; `lock status` and `lock release --force` show and clear the lock; `lock status`
//! reports the sandbox's own lock too, and the sandbox's lock is waited for the same way. An
//! apply under CI without a concurrency group is warned about.

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

/// The lock files that hold a holder (a released lock is an empty file).
fn lock_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir.join("locks"))
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "lock"))
                .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 0))
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
    // Child::kill is SIGKILL: nothing of chanctl runs after it.
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(
        lock_files(dir).len(),
        1,
        "a killed apply leaves its lock file"
    );

    let status = cams(dir, &emu, &["lock", "status"]);
    assert!(text(&status).contains("stale lock"), "{}", text(&status));
    let refused = cams(dir, &emu, &["lock", "release"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused).contains("--force"), "{}", text(&refused));
    assert_eq!(lock_files(dir).len(), 1, "nothing removed without --force");

    // Taken at once: the lock is minutes younger than its time to live, and the waiting
    // apply would wait a minute for a live holder.
    let started = Instant::now();
    let again = cams(
        dir,
        &emu,
        &["apply", "--auto-approve", "--lock-timeout", "1m"],
    );
    assert!(again.status.success(), "{}", text(&again));
    let out = text(&again);
    assert!(!out.contains("waiting up to"), "{out}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert!(out.contains("took over a stale lock"), "{out}");
    assert!(out.contains("its process no longer holds it"), "{out}");
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

/// Write a lock file as a chanctl on another host would have, just now, holding no OS lock.
fn foreign_lock(dir: &Path, emu: &Emulator) -> PathBuf {
    let status = cams(dir, emu, &["lock", "status", "-v"]);
    let out = text(&status);
    assert!(out.contains("not locked"), "{out}");
    let name = format!(
        "cams_{}@default.lock",
        emu.url
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            })
            .collect::<String>()
    );
    std::fs::create_dir_all(dir.join("locks")).unwrap();
    let path = dir.join("locks").join(name);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    std::fs::write(
        &path,
        format!(
            r#"{{"user":"ci","host":"runner-elsewhere","pid":4242,"since":{now},"since_text":"now","ttl_secs":900,"operation":"apply","account":"cams {}","environment":null,"token":"t"}}"#,
            emu.url
        ),
    )
    .unwrap();
    path
}

#[test]
fn a_fresh_lock_of_another_host_that_nobody_holds_is_taken_at_once() {
    let emu = start_emulator(&[]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("channels.yaml"), many_channels(2)).unwrap();
    foreign_lock(dir, &emu);
    assert_eq!(lock_files(dir).len(), 1);
    let status = cams(dir, &emu, &["lock", "status"]);
    let out = text(&status);
    assert!(
        out.contains("stale lock of ci@runner-elsewhere (pid 4242)"),
        "{out}"
    );
    let started = Instant::now();
    let applied = cams(dir, &emu, &["apply", "--auto-approve"]);
    let out = text(&applied);
    assert!(applied.status.success(), "{out}");
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(
        out.contains("took over a stale lock of ci@runner-elsewhere (pid 4242)"),
        "{out}"
    );
    assert!(lock_files(dir).is_empty(), "released at the end");
}

#[test]
fn lock_timeout_waits_for_the_holder_and_gives_up_naming_it() {
    let emu = start_emulator(&["--latency-ms", "50"]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("channels.yaml"), many_channels(30)).unwrap();
    let mut first = slow_apply(dir, &emu);
    let pid = first.id();

    // A short wait ends with a clear error naming the holder and how long it waited.
    let started = Instant::now();
    let short = cams(
        dir,
        &emu,
        &["apply", "--auto-approve", "--lock-timeout", "500ms"],
    );
    let elapsed = started.elapsed();
    let out = text(&short);
    assert_eq!(short.status.code(), Some(1), "{out}");
    assert!(elapsed >= Duration::from_millis(500), "{elapsed:?}");
    assert!(out.contains("waiting up to 500ms"), "{out}");
    assert!(out.contains("is locked by"), "{out}");
    assert!(out.contains(&format!("(pid {pid})")), "{out}");
    assert!(out.contains("after waiting 500ms"), "{out}");
    assert!(
        first.try_wait().unwrap().is_none(),
        "the holder was still running"
    );

    // A long enough wait takes the lock when the holder ends, and applies.
    let waiting = chanctl(dir, &["apply", "--auto-approve", "--lock-timeout", "2m"])
        .args(["--backend", "cams", "--endpoint", &emu.url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(first.wait().unwrap().success());
    let ended = Instant::now();
    let second = waiting.wait_with_output().unwrap();
    let out = text(&second);
    assert!(second.status.success(), "{out}");
    assert!(out.contains("waiting up to 2m"), "{out}");
    assert!(!out.contains("took over"), "released, not stale: {out}");
    assert!(ended.elapsed() < Duration::from_secs(60));
    assert!(lock_files(dir).is_empty());
}

#[test]
fn the_sandbox_lock_is_waited_for_too() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("channels.yaml"), many_channels(2)).unwrap();
    std::fs::create_dir_all(dir.join(".chanctl")).unwrap();
    let hold = || {
        let mut lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .read(true)
            .open(dir.join(".chanctl/sandbox.json.lock"))
            .unwrap();
        lock.try_lock().unwrap();
        writeln!(lock, "pid 535353").unwrap();
        lock
    };
    let lock = hold();
    let out = chanctl(dir, &["apply", "--auto-approve", "--lock-timeout", "300ms"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("pid 535353"), "{}", text(&out));
    assert!(text(&out).contains("after waiting 300ms"), "{}", text(&out));
    let mut waiting = chanctl(dir, &["apply", "--auto-approve", "--lock-timeout", "1m"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Released once the waiting apply says it waits.
    let stderr = waiting.stderr.take().unwrap();
    let (lines, said) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufRead::lines(std::io::BufReader::new(stderr)) {
            let _ = lines.send(line.unwrap_or_default());
        }
    });
    let mut seen = Vec::new();
    while !seen.iter().any(|l: &String| l.contains("waiting up to 1m")) {
        match said.recv_timeout(Duration::from_secs(20)) {
            Ok(line) => seen.push(line),
            Err(e) => panic!("the apply never said it waits ({e}): {seen:?}"),
        }
    }
    drop(lock);
    let status = waiting.wait().unwrap();
    reader.join().unwrap();
    seen.extend(said.try_iter());
    assert!(status.success(), "{seen:?}");
    let applied = std::fs::read_to_string(dir.join(".chanctl/sandbox.json")).unwrap();
    assert!(applied.contains("sms-001"), "{applied}");
}

#[test]
fn lock_timeout_must_be_a_duration() {
    let tmp = tempfile::tempdir().unwrap();
    let out = chanctl(tmp.path(), &["apply", "--lock-timeout", "10"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("with its unit"), "{}", text(&out));
}

#[test]
fn an_apply_under_ci_without_a_concurrency_group_is_warned_about() {
    let emu = start_emulator(&[]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("channels.yaml"), many_channels(1)).unwrap();
    let apply = |group: Option<&str>| {
        let mut cmd = chanctl(dir, &["apply", "--auto-approve"]);
        cmd.args(["--backend", "cams", "--endpoint", &emu.url])
            .env("CI", "true");
        match group {
            Some(g) => cmd.env("CHANCTL_CI_CONCURRENCY", g),
            None => cmd.env_remove("CHANCTL_CI_CONCURRENCY"),
        };
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", text(&out));
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let warned = apply(None);
    assert!(
        warned.contains("warning: running under CI without a sign of a concurrency group"),
        "{warned}"
    );
    assert!(warned.contains("CHANCTL_CI_CONCURRENCY"), "{warned}");
    let quiet = apply(Some("chanctl-apply-prod"));
    assert!(!quiet.contains("concurrency"), "{quiet}");
}
