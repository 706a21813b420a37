//! The template read cache: reading 500 templates' details at the documented 5/s takes
//! 100 s, on every plan. ListChatappTemplate gives each template's `LastUpdateTime`, so the
//! details read are kept in `.chanctl/cache/` beside the channels file, one file per account
//! (endpoint and environment, as the apply lock is keyed), each entry keyed by space
//! (`CustSpaceId`), template code and language, with the `LastUpdateTime` it was read at. A
//! template listed with the same `LastUpdateTime` is taken from the cache; a new or changed
//! one is read again. Its review (`AuditStatus`, `Reason`) is always the listing's.
//!
//! The cache only saves calls: a file that is missing, unreadable or of another format is
//! an empty cache, and a cache that cannot be written is a note with -v, not an error. A
//! file that would hold a value the scrubber knows (a credential, a sensitive value) is not
//! written.

use super::wire::Row;
use crate::template::live::LiveTemplate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The cache file's format tag.
const FORMAT: &str = "chanctl-template-cache/1";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    last_update_time: i64,
    template: LiveTemplate,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    format: String,
    /// By `CUSTSPACE/CODE/LANGUAGE`.
    entries: BTreeMap<String, Entry>,
}

/// An account's template cache.
pub struct Cache {
    path: PathBuf,
    /// As loaded.
    old: BTreeMap<String, Entry>,
    /// Read in this process, by key; and the spaces read in full.
    fresh: Mutex<(BTreeMap<String, Entry>, Vec<String>)>,
    scrubber: Option<&'static crate::scrub::Scrubber>,
}

fn key(cust: &str, code: &str, language: &str) -> String {
    format!("{cust}/{code}/{language}")
}

impl Cache {
    /// The cache in `path` (empty when there is none, or none usable).
    pub fn open(path: &Path) -> Cache {
        let old = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok())
            .filter(|f| f.format == FORMAT)
            .map(|f| f.entries)
            .unwrap_or_default();
        Cache {
            path: path.to_path_buf(),
            old,
            fresh: Mutex::new((BTreeMap::new(), Vec::new())),
            scrubber: None,
        }
    }

    /// This cache, written only when `scrubber` finds nothing of its own in it.
    pub fn scrubbed_with(mut self, scrubber: &'static crate::scrub::Scrubber) -> Cache {
        self.scrubber = Some(scrubber);
        self
    }

    /// The template listed as `row` in space `cust`, when the cache holds it at the listed
    /// `LastUpdateTime`, with the listing's review and the channel `space` it is read for.
    pub fn get(&self, cust: &str, space: &str, row: &Row) -> Option<LiveTemplate> {
        let when = row.last_update_time?;
        let entry = self
            .old
            .get(&key(cust, &row.code, &row.language))
            .filter(|e| e.last_update_time == when)?;
        let mut t = entry.template.clone();
        t.space = space.to_string();
        if let Some(status) = row.audit_status {
            t.audit_status = status;
            t.reason = row.reason.clone();
        }
        Some(t)
    }

    /// Keep `t`, read in space `cust`, for the next read.
    pub fn put(&self, cust: &str, t: &LiveTemplate) {
        let Some(when) = t.last_update_time else {
            return;
        };
        let mut fresh = self.fresh.lock().unwrap_or_else(|e| e.into_inner());
        fresh.0.insert(
            key(cust, &t.code, &t.language),
            Entry {
                last_update_time: when,
                template: t.clone(),
            },
        );
    }

    /// Space `cust` was read in full: its entries not put again are gone.
    pub fn read_space(&self, cust: &str) {
        let mut fresh = self.fresh.lock().unwrap_or_else(|e| e.into_inner());
        fresh.1.push(cust.to_string());
    }

    /// Write the entries read, and those of the spaces not read, atomically.
    pub fn save(&self) -> Result<(), String> {
        let fresh = self.fresh.lock().unwrap_or_else(|e| e.into_inner());
        let (read, spaces) = (&fresh.0, &fresh.1);
        let mut entries: BTreeMap<String, Entry> = self
            .old
            .iter()
            .filter(|(k, _)| !spaces.iter().any(|s| k.starts_with(&format!("{s}/"))))
            .map(|(k, e)| (k.clone(), e.clone()))
            .collect();
        entries.extend(read.iter().map(|(k, e)| (k.clone(), e.clone())));
        let file = CacheFile {
            format: FORMAT.to_string(),
            entries,
        };
        let text = serde_json::to_string(&file).map_err(|e| e.to_string())?;
        if let Some(scrubber) = self.scrubber
            && scrubber.scrub(&text) != text
        {
            return Err("the templates hold a value chanctl does not write to files".into());
        }
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let mut out = atomic_write_file::AtomicWriteFile::open(&self.path)
            .map_err(|e| format!("{}: {e}", self.path.display()))?;
        std::io::Write::write_all(&mut out, text.as_bytes())
            .and_then(|_| out.commit())
            .map_err(|e| format!("{}: {e}", self.path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::live::AuditStatus;
    use crate::template::{Category, Components, TemplateType};

    fn template(code: &str, when: i64) -> LiveTemplate {
        LiveTemplate {
            code: code.into(),
            space: "inst".into(),
            template_type: TemplateType::Whatsapp,
            name: "n".into(),
            language: "en".into(),
            category: Category::Utility,
            audit_status: AuditStatus::Auditing,
            reason: None,
            quality: None,
            components: Components::default(),
            examples: Default::default(),
            message_send_ttl_seconds: None,
            allow_send: true,
            category_change_paused: false,
            last_update_time: Some(when),
        }
    }

    fn row(code: &str, when: i64) -> Row {
        Row {
            code: code.into(),
            name: "n".into(),
            language: "en".into(),
            last_update_time: Some(when),
            audit_status: Some(AuditStatus::Fail),
            reason: Some("why".into()),
        }
    }

    #[test]
    fn an_entry_serves_only_its_last_update_time_and_takes_the_listed_review() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache/a.json");
        let cache = Cache::open(&path);
        cache.put("sp", &template("t1", 10));
        cache.put("other", &template("t9", 10));
        cache.read_space("sp");
        cache.read_space("other");
        cache.save().unwrap();
        let cache = Cache::open(&path);
        let hit = cache.get("sp", "inst2", &row("t1", 10)).unwrap();
        assert_eq!(
            (hit.space.as_str(), hit.audit_status),
            ("inst2", AuditStatus::Fail)
        );
        assert_eq!(hit.reason.as_deref(), Some("why"));
        assert!(cache.get("sp", "inst", &row("t1", 11)).is_none(), "changed");
        assert!(cache.get("sp", "inst", &row("t2", 10)).is_none(), "new");
        // Space `sp` read again without t1: t1 goes; `other`, not read, stays.
        cache.read_space("sp");
        cache.save().unwrap();
        let cache = Cache::open(&path);
        assert!(cache.get("sp", "inst", &row("t1", 10)).is_none());
        assert!(cache.get("other", "inst", &row("t9", 10)).is_some());
        std::fs::write(&path, "not json").unwrap();
        assert!(
            Cache::open(&path)
                .get("other", "inst", &row("t9", 10))
                .is_none()
        );
    }
}
