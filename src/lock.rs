//! One apply at a time per CAMS account: an advisory lock file per account (endpoint) and
//! environment, so that two people (or two CI jobs) applying to the same account do not
//! interleave their steps and each make the other's plan wrong.
//!
//! The sandbox needs none of this (it holds an OS lock on its own file); CAMS has no lock of
//! its own, so chanctl keeps one on the machine that applies: a JSON file holding the owner
//! (user@host, pid), when it was taken, the operation and a time to live. It is advisory: it
//! protects applies that go through chanctl on machines sharing the lock directory.
//!
//! The directory is `$CHANCTL_LOCK_DIR`, else `$XDG_STATE_HOME/chanctl/locks`, else
//! `~/.chanctl/locks`. A lock is taken by hard-linking a complete file into place (atomic:
//! it fails if the name exists), so a reader never sees half a lock. A lock is **stale** when
//! its process is gone (same host, checked in `/proc`) or, for another host's, when its TTL
//! has passed; a stale lock is taken over with a message. A live process on this host keeps
//! its lock whatever the TTL.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How long a lock holds without its process being visible (other hosts).
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

/// Read the lock at `path`.
pub fn status(path: &Path) -> Status {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Status::Free,
        Err(e) => return Status::Unreadable(format!("cannot read {}: {e}", path.display())),
    };
    match serde_json::from_str::<Holder>(&text) {
        Ok(h) => match h.stale_because(now_secs(), &host_name()) {
            Some(why) => Status::Stale(h, why),
            None => Status::Held(h),
        },
        Err(e) => Status::Unreadable(format!("{} is not a chanctl lock: {e}", path.display())),
    }
}

/// A taken lock; the file is removed when this is dropped (if it is still ours).
#[derive(Debug)]
pub struct Guard {
    path: PathBuf,
    token: String,
}

impl Guard {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let ours = std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|t| serde_json::from_str::<Holder>(&t).ok())
            .is_some_and(|h| h.token == self.token);
        if ours {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Take the lock for `key` in `dir`, or fail at once naming the holder. A stale lock is
/// taken over; `on_takeover` is told whose and why.
pub fn acquire(
    dir: &Path,
    key: &Key,
    operation: &str,
    ttl_secs: i64,
    on_takeover: &mut dyn FnMut(&str),
) -> Result<Guard, String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the lock directory {}: {e}", dir.display()))?;
    let path = dir.join(key.file_name());
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
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    std::io::Write::write_all(&mut tmp, &json)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    // Two tries: the second after taking over a stale lock.
    for _ in 0..2 {
        match std::fs::hard_link(tmp.path(), &path) {
            Ok(()) => {
                return Ok(Guard {
                    path,
                    token: holder.token,
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(format!("cannot create {}: {e}", path.display())),
        }
        match status(&path) {
            Status::Free => continue,
            Status::Held(h) => {
                return Err(format!(
                    "the account {}{} is locked by {}: another chanctl is applying to it. Try again when it has finished; if it is not running, `chanctl lock release --force` removes the lock ({})",
                    key.account,
                    key.environment
                        .as_deref()
                        .map(|e| format!(" (environment {e})"))
                        .unwrap_or_default(),
                    h.describe(),
                    path.display()
                ));
            }
            Status::Stale(h, why) => {
                take_over(&path, &h)?;
                on_takeover(&format!(
                    "took over a stale lock of {} ({why})",
                    h.describe()
                ));
            }
            Status::Unreadable(why) => {
                return Err(format!(
                    "{why}; remove it with `chanctl lock release --force` if no chanctl is running"
                ));
            }
        }
    }
    Err(format!(
        "another chanctl took the lock {} at the same moment; try again",
        path.display()
    ))
}

/// Remove the stale lock `h`, unless another process replaced it meanwhile.
fn take_over(path: &Path, h: &Holder) -> Result<(), String> {
    let aside = path.with_extension(format!("stale-{}", std::process::id()));
    std::fs::rename(path, &aside)
        .map_err(|e| format!("cannot take over {}: {e}", path.display()))?;
    let moved = std::fs::read_to_string(&aside)
        .ok()
        .and_then(|t| serde_json::from_str::<Holder>(&t).ok());
    if moved.as_ref().is_some_and(|m| m.token != h.token) {
        // Someone else's fresh lock: put it back and let the caller see it.
        let _ = std::fs::hard_link(&aside, path);
    }
    let _ = std::fs::remove_file(&aside);
    Ok(())
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
mod tests {
    use super::*;

    fn key() -> Key {
        Key {
            account: "cams http://127.0.0.1:9".into(),
            environment: Some("prod".into()),
        }
    }

    #[test]
    fn a_second_acquire_fails_naming_the_holder_and_drop_releases() {
        let dir = tempfile::tempdir().unwrap();
        let guard = acquire(dir.path(), &key(), "apply", 900, &mut |_| {}).unwrap();
        assert!(guard.path().exists());
        let err = acquire(dir.path(), &key(), "apply", 900, &mut |_| {}).unwrap_err();
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        assert!(err.contains("environment prod"), "{err}");
        let other_env = Key {
            environment: None,
            ..key()
        };
        assert!(acquire(dir.path(), &other_env, "apply", 900, &mut |_| {}).is_ok());
        let path = guard.path().to_path_buf();
        drop(guard);
        assert!(!path.exists());
        assert!(matches!(status(&path), Status::Free));
    }

    fn write_holder(dir: &Path, h: &Holder) -> PathBuf {
        let path = dir.join(key().file_name());
        std::fs::write(&path, serde_json::to_vec(h).unwrap()).unwrap();
        path
    }

    fn holder(host: &str, pid: u32, since: i64) -> Holder {
        Holder {
            user: "someone".into(),
            host: host.into(),
            pid,
            since,
            since_text: "then".into(),
            ttl_secs: 900,
            operation: "apply".into(),
            account: key().account,
            environment: key().environment,
            token: "t".into(),
        }
    }

    #[test]
    fn stale_locks_are_taken_over_with_a_message_live_ones_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let here = host_name();
        // A process of this host that is gone (pid far above pid_max).
        write_holder(dir.path(), &holder(&here, 4_000_000_000, now_secs()));
        let mut said = Vec::new();
        let g = acquire(dir.path(), &key(), "apply", 900, &mut |m| {
            said.push(m.to_string())
        })
        .unwrap();
        assert_eq!(said.len(), 1);
        assert!(said[0].contains("is gone"), "{said:?}");
        drop(g);
        // Another host's lock within its TTL holds; past it, it is stale.
        write_holder(dir.path(), &holder("elsewhere", 1, now_secs() - 60));
        assert!(acquire(dir.path(), &key(), "apply", 900, &mut |_| {}).is_err());
        write_holder(dir.path(), &holder("elsewhere", 1, now_secs() - 3600));
        let mut said = Vec::new();
        assert!(
            acquire(dir.path(), &key(), "apply", 900, &mut |m| said
                .push(m.to_string()))
            .is_ok()
        );
        assert!(said[0].contains("time to live"), "{said:?}");
        // A live process of this host holds past its TTL.
        let path = write_holder(
            dir.path(),
            &holder(&here, std::process::id(), now_secs() - 3600),
        );
        assert!(matches!(status(&path), Status::Held(_)));
    }

    #[test]
    fn the_directory_comes_from_the_environment_in_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let all = env(&[
            ("CHANCTL_LOCK_DIR", "/a"),
            ("XDG_STATE_HOME", "/s"),
            ("HOME", "/h"),
        ]);
        assert_eq!(default_dir(&all), PathBuf::from("/a"));
        let xdg = env(&[("XDG_STATE_HOME", "/s"), ("HOME", "/h")]);
        assert_eq!(default_dir(&xdg), PathBuf::from("/s/chanctl/locks"));
        let home = env(&[("HOME", "/h")]);
        assert_eq!(default_dir(&home), PathBuf::from("/h/.chanctl/locks"));
        assert_eq!(
            key().file_name(),
            "cams_http___127.0.0.1_9@prod.lock".to_string()
        );
    }
}
