//! The apply journal: what an apply was doing when it was killed.
//!
//! Apply writes one JSON line per step before it sends it (`pending`) and one after
//! (`done` with the created id, or `failed`), each flushed to disk, to a file beside the
//! account's lock (CAMS) or beside the sandbox file. A finished apply removes it; one killed
//! (SIGKILL, power loss) leaves it, and the next apply or `lock status` says what it shows:
//! which steps were done and which were in flight.
//!
//! The journal is evidence, not the source of truth: the next plan is made from the account as
//! it is read then, so a step in flight whose change went through is seen and not repeated,
//! and one that did not is planned again. Nothing is guessed from the journal.

use crate::plan::Step;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub step: usize,
    pub action: String,
    /// The step's resource address (`channel.NAME`); empty in journals of older versions.
    #[serde(default)]
    pub resource: String,
    pub channel: String,
    /// `pending`, `done` or `failed`.
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub pid: u32,
    /// Unix seconds.
    pub at: i64,
}

/// What a journal left by an earlier apply shows.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Leftover {
    pub pid: u32,
    pub started: i64,
    pub done: Vec<String>,
    /// Sent, never answered before the process ended.
    pub in_flight: Vec<String>,
    pub failed: Vec<String>,
}

impl Leftover {
    /// Whether the apply that wrote the journal is still running (its process is alive on
    /// this host, and is not this one).
    pub fn running(&self) -> bool {
        self.pid != std::process::id() && crate::lock::pid_alive(self.pid)
    }

    /// One paragraph for people: a running apply's progress, or what an interrupted one left.
    pub fn describe(&self, path: &Path) -> String {
        let list = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else if v.len() > 8 {
                format!("{}, and {} more", v[..8].join(", "), v.len() - 8)
            } else {
                v.join(", ")
            }
        };
        if self.running() {
            return format!(
                "an apply (pid {}) is running ({}): {} {} done so far; in flight now: {}; failed: {}.",
                self.pid,
                path.display(),
                self.done.len(),
                crate::render::plural(self.done.len(), "step", "steps"),
                list(&self.in_flight),
                list(&self.failed)
            );
        }
        format!(
            "an earlier apply (pid {}) was interrupted ({}): {} {} done; in flight when it stopped: {}; failed: {}. The plan is made from the account as it is now, so changes that went through are not repeated.",
            self.pid,
            path.display(),
            self.done.len(),
            crate::render::plural(self.done.len(), "step", "steps"),
            list(&self.in_flight),
            list(&self.failed)
        )
    }
}

/// The journal of the running apply.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    /// What every line is scrubbed with before it is written.
    scrubber: Option<&'static crate::scrub::Scrubber>,
}

/// `PATH.journal` for an account file or a lock file.
pub fn beside(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".journal");
    path.with_file_name(name)
}

/// The journal an interrupted apply left at `path`, if any. A line cut short by the kill is
/// ignored.
pub fn leftover(path: &Path) -> Option<Leftover> {
    let text = std::fs::read_to_string(path).ok()?;
    let entries: Vec<Entry> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let first = entries.first()?;
    let mut out = Leftover {
        pid: first.pid,
        started: first.at,
        ..Leftover::default()
    };
    let mut last: std::collections::BTreeMap<usize, &Entry> = Default::default();
    for e in &entries {
        last.insert(e.step, e);
    }
    for e in last.values() {
        let what = format!("{} {}", e.action, e.channel);
        match e.state.as_str() {
            "done" => out.done.push(what),
            "failed" => out.failed.push(what),
            _ => out.in_flight.push(what),
        }
    }
    Some(out)
}

/// The creates an interrupted apply's journal at `path` records, each with the instance id
/// its answer gave (if it was answered): the evidence that a twin of that name is chanctl's
/// own doing (a create whose answer was lost can land a second copy). Empty without a
/// journal.
pub fn recorded_creates(path: &Path) -> Vec<crate::plan::Recorded> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let mut out: Vec<crate::plan::Recorded> = Vec::new();
    for e in text
        .lines()
        .filter_map(|l| serde_json::from_str::<Entry>(l).ok())
    {
        // Only channel creates: a template's create names its channel, not a copy of it.
        if e.action != "create" || e.resource.starts_with("template.") {
            continue;
        }
        let id = (e.state == "done").then_some(e.detail).flatten();
        match out.iter_mut().find(|r| r.name == e.channel) {
            Some(r) => r.id = r.id.take().or(id),
            None => out.push(crate::plan::Recorded {
                name: e.channel,
                id,
            }),
        }
    }
    out
}

impl Journal {
    /// Start a new journal at `path` (replacing one left by an earlier apply).
    pub fn start(path: &Path) -> Result<Journal, String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(path)
            .map_err(|e| format!("cannot write the apply journal {}: {e}", path.display()))?;
        Ok(Journal {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            scrubber: None,
        })
    }

    /// This journal, its lines scrubbed with `scrubber` (a step's error may quote a value).
    pub fn scrubbed_with(self, scrubber: &'static crate::scrub::Scrubber) -> Journal {
        Journal {
            scrubber: Some(scrubber),
            ..self
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn write(&self, step: &Step, state: &str, detail: Option<String>) -> Result<(), String> {
        let entry = Entry {
            step: step.index,
            action: step.action.as_str().to_string(),
            resource: step.resource.to_string(),
            channel: step.channel.to_string(),
            state: state.to_string(),
            detail,
            pid: std::process::id(),
            at: jiff::Timestamp::now().as_second(),
        };
        let mut line = serde_json::to_string(&entry).map_err(|e| e.to_string())?;
        if let Some(scrubber) = self.scrubber {
            line = scrubber.scrub(&line).into_owned();
        }
        line.push('\n');
        let mut file = self
            .file
            .lock()
            .map_err(|_| "the apply journal is unusable".to_string())?;
        file.write_all(line.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| {
                format!(
                    "cannot write the apply journal {}: {e}",
                    self.path.display()
                )
            })
    }

    /// Before a step is sent. A step whose intent cannot be recorded is not sent.
    pub fn pending(&self, step: &Step) -> Result<(), String> {
        self.write(step, "pending", None)
    }

    /// After a step: done (with the created id, if any) or failed.
    pub fn finished(&self, step: &Step, ok: bool, detail: Option<String>) {
        let _ = self.write(step, if ok { "done" } else { "failed" }, detail);
    }

    /// The apply ended and reported everything: the journal is no longer needed.
    pub fn close(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Action;

    fn step(index: usize, channel: &str) -> Step {
        let plan: serde_json::Value = serde_json::json!({
            "index": index, "action": "create", "channel": channel, "type": "sms",
            "resource": {"kind": "channel", "key": channel},
            "instance_id": null, "changes": [], "before": null, "after": null,
            "reason": "", "wave": 0, "depends_on": [], "replace": false, "protected": false
        });
        serde_json::from_value(plan).unwrap()
    }

    #[test]
    fn a_killed_apply_leaves_done_in_flight_and_failed_steps() {
        let dir = tempfile::tempdir().unwrap();
        let path = beside(&dir.path().join("sandbox.json"));
        assert!(path.ends_with("sandbox.json.journal"));
        let journal = Journal::start(&path).unwrap();
        let (a, b, c) = (step(0, "a"), step(1, "b"), step(2, "c"));
        assert_eq!(a.action, Action::Create);
        for s in [&a, &b, &c] {
            journal.pending(s).unwrap();
        }
        journal.finished(&a, true, Some("id-1".into()));
        journal.finished(&c, false, None);
        drop(journal);
        // A line cut short by the kill.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"step\": 1, \"sta").unwrap();
        let left = leftover(&path).unwrap();
        assert_eq!(left.pid, std::process::id());
        assert_eq!(left.done, vec!["create a"]);
        assert_eq!(left.in_flight, vec!["create b"]);
        assert_eq!(left.failed, vec!["create c"]);
        let recorded = recorded_creates(&path);
        let names: Vec<(&str, Option<&str>)> = recorded
            .iter()
            .map(|r| (r.name.as_str(), r.id.as_deref()))
            .collect();
        assert_eq!(names, [("a", Some("id-1")), ("b", None), ("c", None)]);
        assert!(
            left.describe(&path)
                .contains("in flight when it stopped: create b")
        );
        // A new apply replaces it; a finished one removes it.
        let journal = Journal::start(&path).unwrap();
        assert_eq!(leftover(&path), None);
        journal.close();
        assert!(!path.exists());
    }
}
