//! One apply at a time per CAMS account: a lock file per account (endpoint) and environment,
//! so that two people (or two CI jobs on one runner) applying to the same account do not
//! interleave their steps and each make the other's plan wrong.
//!
//! The sandbox needs none of this (it holds an OS lock on its own file); CAMS has no lock of
//! its own, so chanctl keeps one on the machine that applies. The apply holds an **OS file
//! lock** (`File::try_lock`: `flock` on Unix, `LockFileEx` on Windows) on the lock file for
//! as long as it runs, and writes its holder there (user@host, pid, when, the operation) for
//! people to read. The operating system frees the lock when the process ends, however it
//! ends, so a lock file whose OS lock is free is stale on every platform and is taken at
//! once, with a message naming its last holder. The file is emptied, not removed, at the
//! end: removing it would let a process that opened the old file lock a file nobody else
//! sees.
//!
//! What cannot be checked is kept to the one case where the filesystem of the lock directory
//! has no locks at all: then the holder's pid (same host, in `/proc`) or its time to live
//! (another host) decides, as before. The lock is advisory and per machine (or shared
//! directory): two CI runners need the CI's own mutual exclusion (see the README).
//!
//! The directory is `$CHANCTL_LOCK_DIR`, else `$XDG_STATE_HOME/chanctl/locks`, else
//! `~/.chanctl/locks`.

use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a lock holds where the filesystem has no file locks and the holder runs on
/// another host.
pub const DEFAULT_TTL_SECS: i64 = 15 * 60;

/// What a lock file says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub user: String,
    pub host: String,
    pub pid: u32,
    /// Unix seconds when it was taken.
    pub since: i64,
    /// The same instant for people (RFC 3339).
    pub since_text: String,
    pub ttl_secs: i64,
    pub operation: String,
    /// The account: backend and endpoint.
    pub account: String,
    pub environment: Option<String>,
    /// Tells this holder's file from a later one with the same pid.
    pub token: String,
}

impl Holder {
    /// A holder that has not written its name yet (the lock is held, the file empty).
    fn unknown() -> Holder {
        Holder {
            user: "unknown".into(),
            host: "unknown-host".into(),
            pid: 0,
            since: 0,
            since_text: "just now".into(),
            ttl_secs: DEFAULT_TTL_SECS,
            operation: "apply".into(),
            account: String::new(),
            environment: None,
            token: String::new(),
        }
    }

    /// `user@host (pid N), apply since TIME`.
    pub fn describe(&self) -> String {
        format!(
            "{}@{} (pid {}), {} since {}",
            self.user, self.host, self.pid, self.operation, self.since_text
        )
    }

    /// Why this lock no longer holds, or `None` while it does.
    pub fn stale_because(&self, now: i64, this_host: &str) -> Option<String> {
        if self.host == this_host {
            if pid_alive(self.pid) {
                return None;
            }
            return Some(format!("its process {} is gone", self.pid));
        }
        let age = now.saturating_sub(self.since);
        (age > self.ttl_secs).then(|| {
            format!(
                "it is {} min old, past its {} min time to live",
                age / 60,
                self.ttl_secs / 60
            )
        })
    }
}

/// What a lock is for: an account and an environment.
#[derive(Debug, Clone)]
pub struct Key {
    pub account: String,
    pub environment: Option<String>,
}

impl Key {
    /// The lock file's name: the account and environment with anything but letters, digits,
    /// `.` and `-` replaced by `_`.
    pub fn file_name(&self) -> String {
        let clean = |s: &str| {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect::<String>()
        };
        format!(
            "{}@{}.lock",
            clean(&self.account),
            clean(self.environment.as_deref().unwrap_or("default"))
        )
    }
}

/// The lock directory from the environment (see the module header).
pub fn default_dir(env: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    let set = |k: &str| env(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = set("CHANCTL_LOCK_DIR") {
        return dir;
    }
    if let Some(state) = set("XDG_STATE_HOME") {
        return state.join("chanctl").join("locks");
    }
    set("HOME")
        .unwrap_or_else(|| PathBuf::from("."))
        .join(".chanctl")
        .join("locks")
}

/// This host's name (for the owner and the liveness check).
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()))
        .unwrap_or_else(|| "unknown-host".to_string())
}

/// The user: `$USER` (or `$LOGNAME`, `$USERNAME`), else the OS's name for this process's
/// user (a container or cron job often sets no `$USER`).
fn user_name() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|u| !u.is_empty()))
        .or_else(os_user_name)
        .unwrap_or_else(|| "unknown".to_string())
}

#[cfg(unix)]
fn os_user_name() -> Option<String> {
    let uid = nix::unistd::getuid();
    let name = nix::unistd::User::from_uid(uid)
        .ok()
        .flatten()
        .map(|u| u.name);
    Some(name.unwrap_or_else(|| format!("uid {uid}")))
}

#[cfg(not(unix))]
fn os_user_name() -> Option<String> {
    None
}

/// Whether a process runs on this host. Without `/proc` it is assumed alive (only the TTL
/// frees such a lock).
pub fn pid_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    match std::fs::read_to_string(proc.join(pid.to_string()).join("stat")) {
        // A zombie (state Z) has exited; only its parent has not reaped it yet.
        Ok(stat) => !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

fn now_secs() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// The state of one lock file.
#[derive(Debug)]
pub enum Status {
    Free,
    Held(Holder),
    /// Held by a lock that no longer holds, and why.
    Stale(Holder, String),
    /// The file exists but cannot be read as a lock.
    Unreadable(String),
}

/// Open (creating) the lock file at `path` for reading and writing, never truncating it.
fn open(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
}

/// What the lock file says: `None` when it is empty.
fn read_holder(file: &mut File, path: &Path) -> Result<Option<Holder>, String> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0))
        .and_then(|_| file.read_to_string(&mut text))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str::<Holder>(&text)
        .map(Some)
        .map_err(|e| format!("{} is not a chanctl lock: {e}", path.display()))
}

/// Whether the OS lock of `file` is free (checked by taking and dropping a shared lock);
/// `None` when the filesystem has no locks.
fn os_lock_free(file: &File) -> Option<bool> {
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            Some(true)
        }
        Err(TryLockError::WouldBlock) => Some(false),
        Err(TryLockError::Error(_)) => None,
    }
}

/// Read the lock at `path`.
pub fn status(path: &Path) -> Status {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Status::Free,
        Err(e) => return Status::Unreadable(format!("cannot read {}: {e}", path.display())),
    };
    let free = os_lock_free(&file);
    match (read_holder(&mut file, path), free) {
        (Err(why), _) => Status::Unreadable(why),
        (Ok(None), Some(false)) => Status::Held(Holder::unknown()),
        (Ok(None), _) => Status::Free,
        (Ok(Some(h)), Some(true)) => Status::Stale(h, "no process holds its lock".to_string()),
        (Ok(Some(h)), Some(false)) => Status::Held(h),
        (Ok(Some(h)), None) => match h.stale_because(now_secs(), &host_name()) {
            Some(why) => Status::Stale(h, why),
            None => Status::Held(h),
        },
    }
}

/// A taken lock: the OS lock is held while this lives; the file is emptied when it is
/// dropped (if it is still ours).
#[derive(Debug)]
pub struct Guard {
    path: PathBuf,
    file: File,
    token: String,
}

impl Guard {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let ours = read_holder(&mut self.file, &self.path)
            .ok()
            .flatten()
            .is_some_and(|h| h.token == self.token);
        if ours {
            let _ = self.file.set_len(0);
            let _ = self.file.sync_all();
        }
        // Closing the file (next) frees the OS lock.
    }
}

/// The variable a CI workflow sets to say that its apply job runs in a concurrency group of
/// its own (per account and environment), so that two runners never apply at once.
pub const CI_CONCURRENCY_VARIABLE: &str = "CHANCTL_CI_CONCURRENCY";

/// The warning for an apply under CI (`CI=true`, as GitHub Actions, GitLab CI and most
/// others set it) whose workflow does not say it has a concurrency group: this lock holds
/// on one machine only. `env` looks a variable up.
pub fn ci_warning(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let set = |k: &str| env(k).is_some_and(|v| !v.trim().is_empty());
    let ci = env("CI").is_some_and(|v| v.trim().eq_ignore_ascii_case("true") || v.trim() == "1");
    (ci && !set(CI_CONCURRENCY_VARIABLE)).then(|| {
        format!(
            "running under CI without a sign of a concurrency group: chanctl's apply lock holds \
             on this runner only, so two runners can apply to the account at once. Run apply \
             in a CI concurrency group per account and environment (GitHub Actions: \
             `concurrency: {{group: chanctl-apply-ACCOUNT-ENV, cancel-in-progress: false}}`) \
             and set {CI_CONCURRENCY_VARIABLE} to the group's name in that job"
        )
    })
}

/// `--lock-timeout DURATION`: `30s`, `5m`, `1h30m`, `500ms` (units required, as in
/// Terraform's `-lock-timeout`), or `0` for no wait.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    let d: jiff::SignedDuration = text.parse().map_err(|_| {
        format!("`{text}` is not a duration: write it with its unit, e.g. `30s`, `5m` or `1h30m`")
    })?;
    Duration::try_from(d).map_err(|_| format!("`{text}` is negative: a duration to wait is not"))
}

/// A duration for people: `5m`, `1h 30m`, `500ms`.
pub fn show_duration(d: Duration) -> String {
    jiff::SignedDuration::try_from(d).map_or_else(|_| format!("{d:?}"), |d| format!("{d:#}"))
}

/// How long to wait for a held lock, and what to say when the wait begins.
pub struct Wait<'a> {
    /// Zero: fail at once.
    pub timeout: Duration,
    /// Told once, when the lock is found held and the wait begins.
    pub on_wait: &'a mut dyn FnMut(&str),
}

/// Call `try_once` until it gives a value or an error, pausing a few milliseconds (doubling
/// up to 100 ms) between calls, for up to `timeout`; `Ok(None)` when the time is up.
pub fn poll<T, E>(
    timeout: Duration,
    mut try_once: impl FnMut() -> Result<Option<T>, E>,
) -> Result<Option<T>, E> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(5);
    loop {
        if let Some(v) = try_once()? {
            return Ok(Some(v));
        }
        let elapsed = start.elapsed();
        if elapsed >= timeout {
            return Ok(None);
        }
        std::thread::sleep(pause.min(timeout - elapsed));
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// Take the lock for `key` in `dir`, waiting up to `wait.timeout` while another process
/// holds it, then failing naming the holder. A lock file left by a process that no longer
/// holds its OS lock is taken at once; `on_takeover` is told whose it was.
pub fn acquire(
    dir: &Path,
    key: &Key,
    operation: &str,
    ttl_secs: i64,
    wait: Wait<'_>,
    on_takeover: &mut dyn FnMut(&str),
) -> Result<Guard, String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the lock directory {}: {e}", dir.display()))?;
    let path = dir.join(key.file_name());
    let mut file = open(&path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let Wait { timeout, on_wait } = wait;
    let mut told = false;
    let mut last_holder: Option<Holder> = None;
    let taken = poll(timeout, || match file.try_lock() {
        Ok(()) => Ok(Some(true)),
        Err(TryLockError::WouldBlock) => {
            last_holder = read_holder(&mut file, &path).ok().flatten();
            if !told && !timeout.is_zero() {
                told = true;
                let who = last_holder
                    .as_ref()
                    .map_or_else(|| "another chanctl".to_string(), Holder::describe);
                on_wait(&format!(
                    "the account is locked by {who}; waiting up to {} for it",
                    show_duration(timeout)
                ));
            }
            Ok(None)
        }
        // No locks on this filesystem: the holder's pid or time to live decides.
        Err(TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
            Ok(Some(false))
        }
        Err(TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", path.display())),
    })?;
    let Some(os_locked) = taken else {
        let who = last_holder
            .as_ref()
            .map_or_else(|| "another chanctl".to_string(), Holder::describe);
        let waited = if timeout.is_zero() {
            String::new()
        } else {
            format!(" after waiting {}", show_duration(timeout))
        };
        return Err(format!(
            "the account {}{} is locked by {who}{waited}: another chanctl is applying to it. Try again when it has finished, or wait for it with --lock-timeout (e.g. 5m); if it is not running, `chanctl lock release --force` removes the lock ({})",
            key.account,
            key.environment
                .as_deref()
                .map(|e| format!(" (environment {e})"))
                .unwrap_or_default(),
            path.display()
        ));
    };
    match read_holder(&mut file, &path) {
        Ok(Some(h)) if !os_locked => match h.stale_because(now_secs(), &host_name()) {
            Some(why) => on_takeover(&format!(
                "took over a stale lock of {} ({why})",
                h.describe()
            )),
            None => {
                return Err(format!(
                    "the account {} is locked by {} (the lock directory's filesystem has no file locks, so the holder's process or the lock's time to live decides); if it is not running, `chanctl lock release --force` removes the lock ({})",
                    key.account,
                    h.describe(),
                    path.display()
                ));
            }
        },
        Ok(Some(h)) => on_takeover(&format!(
            "took over a stale lock of {} (its process no longer holds it)",
            h.describe()
        )),
        Ok(None) => {}
        // Not a lock of ours, but nobody holds it: it is replaced.
        Err(why) => on_takeover(&format!(
            "replaced a lock file that could not be read: {why}"
        )),
    }
    let now = jiff::Timestamp::now();
    let holder = Holder {
        user: user_name(),
        host: host_name(),
        pid: std::process::id(),
        since: now.as_second(),
        since_text: now.round(jiff::Unit::Second).unwrap_or(now).to_string(),
        ttl_secs,
        operation: operation.to_string(),
        account: key.account.clone(),
        environment: key.environment.clone(),
        token: uuid::Uuid::new_v4().simple().to_string(),
    };
    let json = serde_json::to_vec_pretty(&holder).map_err(|e| e.to_string())?;
    file.set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)))
        .and_then(|_| file.write_all(&json))
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(Guard {
        path,
        file,
        token: holder.token,
    })
}

/// Remove the lock at `path` whoever holds it (`lock release --force`); what was there.
pub fn force_release(path: &Path) -> Result<Status, String> {
    let was = status(path);
    match std::fs::remove_file(path) {
        Ok(()) => Ok(was),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Status::Free),
        Err(e) => Err(format!("cannot remove {}: {e}", path.display())),
    }
}

#[cfg(test)]
#[path = "lock_tests.rs"]
mod tests;
