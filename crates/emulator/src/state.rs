//! The emulator's account and its persistence.
//!
//! Channels, bindings, the quota and generated ids live in a [`chanctl_core::rules::Account`], the
//! same rules the sandbox enforces. What CAMS keeps beside them (instance attributes such as
//! ContactMail, the DirectMail account code, Viber audit records) lives here. With `--state`
//! the whole state is written atomically after every change and *before* the response is
//! sent, so an emulator killed at any moment has lost nothing it acknowledged.

use super::envelope::ApiError;
use chanctl_core::rules::Account;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The state file's format tag.
pub const FORMAT: &str = "chanctl-cams-emulator/1";

/// What CAMS stores about an instance beyond the rules' [`chanctl_core::model::LiveChannel`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InstanceMeta {
    /// Creation order: ListInstance lists instances in it.
    pub seq: u64,
    pub submit_time: String,
    pub contact_mail: String,
    pub country_id: String,
    pub facebook_bm_id: String,
    pub isv_terms: String,
    pub office_address: String,
    pub resource_group_id: String,
    /// BindDmAccount's AccountCode and ExtendAttr.SendType.
    pub dm_account_code: String,
    pub dm_send_type: String,
    /// The Viber audit behind the current Viber binding.
    pub viber_request_no: String,
}

/// A Viber opening audit (AddAuditViberOpen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViberAudit {
    pub request_no: String,
    pub instance_id: String,
    pub service_id: String,
    pub business_account_name: String,
    /// The AuditRecord as submitted.
    pub audit_record: Value,
    pub submitted_ms: i64,
    pub submit_time: String,
    pub approved: bool,
    #[serde(default)]
    pub audit_time: String,
}

/// A message template (CreateChatappTemplate), with its review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Template {
    pub code: String,
    /// The space it belongs to (`CustSpaceId`, or `CustWabaId`; empty: the account's own).
    pub space: String,
    /// WHATSAPP or VIBER.
    pub template_type: String,
    pub name: String,
    pub language: String,
    pub category: String,
    /// `Components` and `Example` as sent.
    pub components: Value,
    pub example: Value,
    pub message_send_ttl_seconds: Option<i64>,
    pub category_change_paused: bool,
    pub allow_send: bool,
    /// pass, fail, auditing or unaudit.
    pub audit_status: String,
    pub reason: String,
    /// RED, YELLOW, GREEN or UNKNOWN.
    pub quality_score: String,
    /// When the current review started (Unix milliseconds).
    pub submitted_ms: i64,
    pub last_update_ms: i64,
}

/// Everything the emulator persists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub format: String,
    pub account: Account,
    #[serde(default)]
    pub instances: BTreeMap<String, InstanceMeta>,
    #[serde(default)]
    pub audits: BTreeMap<String, ViberAudit>,
    /// Message templates, by TemplateCode.
    #[serde(default)]
    pub templates: BTreeMap<String, Template>,
    /// Counter behind instance creation order and audit numbers.
    #[serde(default)]
    pub serial: u64,
    /// The numbers added to each space's WABA (AddChatappPhoneNumber), by `CustSpaceId`.
    #[serde(default)]
    pub numbers: BTreeMap<String, Vec<AddedNumber>>,
}

/// A number added to a WABA, and how far its registration got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedNumber {
    /// Country code and number, digits only (as QueryChatappPhoneNumbers answers it).
    pub number: String,
    pub verified_name: String,
    /// The one-time code last sent to it (GetChatappVerifyCode), if any.
    #[serde(default)]
    pub code_sent: Option<String>,
    /// Verified and registered (ChatappVerifyAndRegister).
    #[serde(default)]
    pub verified: bool,
    /// Released (ChatappPhoneNumberDeregister): verified, no longer registered.
    #[serde(default)]
    pub deregistered: bool,
}

impl State {
    pub fn new(quota: u32) -> Self {
        State {
            format: FORMAT.to_string(),
            account: Account::new(quota),
            instances: BTreeMap::new(),
            audits: BTreeMap::new(),
            templates: BTreeMap::new(),
            serial: 0,
            numbers: BTreeMap::new(),
        }
    }

    pub fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    /// The instance's attributes (defaults for one created outside the emulator's records).
    pub fn meta(&self, id: &str) -> InstanceMeta {
        self.instances.get(id).cloned().unwrap_or_default()
    }

    pub fn meta_mut(&mut self, id: &str) -> &mut InstanceMeta {
        self.instances.entry(id.to_string()).or_default()
    }
}

/// The state and where it is kept.
#[derive(Debug)]
pub struct Store {
    path: Option<PathBuf>,
    state: State,
}

impl Store {
    /// Load `path` if it exists (else start empty). `quota`, when given, replaces the stored
    /// quota.
    pub fn open(path: Option<&Path>, quota: Option<u32>) -> Result<Store, String> {
        let default_quota = chanctl_core::rules::DEFAULT_QUOTA;
        let mut state = match path {
            None => State::new(default_quota),
            Some(p) => match std::fs::read(p) {
                Ok(bytes) => {
                    let mut st: State = serde_json::from_slice(&bytes).map_err(|e| {
                        format!("{} is not an emulator state file: {e}", p.display())
                    })?;
                    if st.format != FORMAT {
                        return Err(format!(
                            "{} has format `{}`; this emulator reads `{FORMAT}`",
                            p.display(),
                            st.format
                        ));
                    }
                    st.account
                        .reindex()
                        .map_err(|e| format!("{} breaks the service's rules: {e}", p.display()))?;
                    st
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    // Fail now, not on the first change, when the file cannot be created.
                    if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                        std::fs::create_dir_all(dir)
                            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                    }
                    State::new(default_quota)
                }
                Err(e) => return Err(format!("cannot read {}: {e}", p.display())),
            },
        };
        if let Some(q) = quota {
            state.account.quota = q;
        }
        Ok(Store {
            path: path.map(Path::to_path_buf),
            state,
        })
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// Run `f` on a copy of the state; if it succeeds, persist the copy and only then make it
    /// the state. A failed `f` or a failed write leaves the state as it was.
    pub fn change<T>(
        &mut self,
        f: impl FnOnce(&mut State) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut next = self.state.clone();
        let out = f(&mut next)?;
        self.persist(&next)?;
        self.state = next;
        Ok(out)
    }

    fn persist(&self, state: &State) -> Result<(), ApiError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let json = serde_json::to_vec_pretty(state)
            .map_err(|e| ApiError::internal(format!("cannot encode the state: {e}")))?;
        write_atomically(path, &json).map_err(|e| {
            eprintln!("cams-emulator: cannot write {}: {e}", path.display());
            ApiError::internal("the emulator could not save its state")
        })
    }
}

/// Write `bytes` to `path` so that a reader (or a restarted emulator) sees the old file or
/// the new one, never a mix.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = atomic_write_file::AtomicWriteFile::open(path)?;
    file.write_all(bytes)?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chanctl_core::model::ChannelType;
    use chanctl_core::rules::Op;

    fn create(st: &mut State) -> Result<Option<String>, ApiError> {
        st.account
            .apply(&Op::Create {
                profile: Default::default(),
                name: "x".into(),
                channel_type: ChannelType::Sms,
                description: String::new(),
            })
            .map_err(ApiError::from)
    }

    #[test]
    fn changes_survive_a_reopen_and_failures_change_nothing() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("state.json");
        let mut store = Store::open(Some(&path), Some(1)).unwrap_or_else(|e| panic!("{e}"));
        store.change(create).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(store.change(create).is_err(), "quota of 1");
        let again = Store::open(Some(&path), None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.state(), store.state());
        assert_eq!(again.state().account.len(), 1);
        assert_eq!(again.state().account.quota, 1);
    }

    #[test]
    fn a_foreign_file_is_refused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("state.json");
        std::fs::write(&path, "{\"format\":\"other\"}").unwrap_or_else(|e| panic!("{e}"));
        assert!(Store::open(Some(&path), None).is_err());
    }
}
