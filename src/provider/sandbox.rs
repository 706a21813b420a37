//! The sandbox: an embedded, file-backed account that enforces the service's rules.
//!
//! It is the default backend, so that everything works offline. The account lives in one
//! JSON file, written atomically (temp file, fsync, rename) after every change, and an apply
//! holds an exclusive lock on a sibling `.lock` file for as long as it runs, so that two
//! processes never lose each other's writes.
//!
//! It holds the service's rules as the CAMS backend meets them, so that a plan made on the
//! sandbox is the plan the service gets: WhatsApp and Viber bindings are released by hand (the
//! API has no operation for it), a Viber bind stays pending review (its application reads
//! back only with the keys the service gives back), and a Messenger channel
//! bound to a Page the file does not declare reads as bound to an unknown Page (the API says
//! which Page a channel holds only when asked about that Page).

use super::{Codes, Outcome, Provider, ProviderError};
use crate::model::{BindState, Binding, LiveState, ReadHints};
use crate::plan::Target;
use crate::rules::{Account, Op};
use crate::template::rules::{Review, TemplateOp};
use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

mod numbers;

const FORMAT: &str = "chanctl-sandbox/1";

#[derive(Deserialize)]
struct SandboxFile {
    format: String,
    account: Account,
}

/// [`SandboxFile`] as written: the account borrowed, not copied once more for each write.
#[derive(Serialize)]
struct SandboxFileRef<'a> {
    format: &'a str,
    account: &'a Account,
}

/// An opened sandbox account.
pub struct Sandbox {
    path: PathBuf,
    account: Mutex<Account>,
    /// Held for writers; `None` for a read-only open.
    _lock: Option<File>,
    /// The Messenger Pages the file declares: the only ones a read reveals (boxed, as the
    /// codes: the backend's enum holds a sandbox inline).
    hints: Box<ReadHints>,
    /// The one-time codes that register WhatsApp numbers.
    codes: Box<Codes>,
}

impl Sandbox {
    /// Open for reading only: no lock (writers replace the file atomically).
    pub fn open_read(path: &Path, quota: u32) -> Result<Self, ProviderError> {
        let account = load(path, quota)?;
        Ok(Sandbox {
            path: path.to_path_buf(),
            account: Mutex::new(account),
            _lock: None,
            hints: Box::default(),
            codes: Box::default(),
        })
    }

    /// Open for changes: takes the exclusive lock, waiting up to `wait` while another
    /// process holds it (`on_wait` is told when the wait begins), or fails naming the
    /// holder. `quota` is the account's quota as the file declares it (the sandbox simulates
    /// it).
    pub fn open_write(
        path: &Path,
        quota: u32,
        wait: std::time::Duration,
        on_wait: &mut dyn FnMut(&str),
    ) -> Result<Self, ProviderError> {
        let dir = parent(path);
        fs::create_dir_all(&dir)
            .map_err(|e| ProviderError::Io(format!("cannot create {}: {e}", dir.display())))?;
        let lock_path = lock_path(path);
        let mut lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&lock_path)
            .map_err(|e| ProviderError::Io(format!("cannot open {}: {e}", lock_path.display())))?;
        let mut told = false;
        let taken = crate::lock::poll(wait, || match lock.try_lock() {
            Ok(()) => Ok(Some(())),
            Err(fs::TryLockError::WouldBlock) => {
                if !told && !wait.is_zero() {
                    told = true;
                    on_wait(&format!(
                        "the sandbox {} is in use by another chanctl ({}); waiting up to {} for it",
                        path.display(),
                        holder_of(&mut lock),
                        crate::lock::show_duration(wait)
                    ));
                }
                Ok(None)
            }
            Err(fs::TryLockError::Error(e)) => Err(ProviderError::Io(format!(
                "cannot lock {}: {e}",
                lock_path.display()
            ))),
        })?;
        if taken.is_none() {
            let waited = if wait.is_zero() {
                String::new()
            } else {
                format!(" after waiting {}", crate::lock::show_duration(wait))
            };
            return Err(ProviderError::Locked(format!(
                "the sandbox {} is in use by another chanctl ({}){waited}; try again when it has finished, or wait for it with --lock-timeout (e.g. 5m)",
                path.display(),
                holder_of(&mut lock),
            )));
        }
        let _ = lock.set_len(0);
        let _ = writeln!(lock, "pid {}", std::process::id());
        let mut account = load(path, quota)?;
        account.quota = quota;
        Ok(Sandbox {
            path: path.to_path_buf(),
            account: Mutex::new(account),
            _lock: Some(lock),
            hints: Box::default(),
            codes: Box::default(),
        })
    }

    /// This sandbox, reading the account as a file with `hints` sees it, as the CAMS backend
    /// does: a Messenger Page the hints do not name is not revealed.
    pub fn with_hints(mut self, hints: ReadHints) -> Self {
        self.hints = Box::new(hints);
        self
    }

    /// The same sandbox, registering WhatsApp numbers with `codes`.
    pub fn with_codes(mut self, codes: Codes) -> Self {
        self.codes = Box::new(codes);
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn persist(&self, account: &Account) -> Result<(), ProviderError> {
        let file = SandboxFileRef {
            format: FORMAT,
            account,
        };
        let json =
            serde_json::to_vec_pretty(&file).map_err(|e| ProviderError::Io(e.to_string()))?;
        crate::files::write_atomically(&self.path, &json)
            .map_err(|e| ProviderError::Io(format!("cannot write {}: {e}", self.path.display())))
    }
}

/// What the holder of the sandbox's lock wrote in its lock file (`pid N`).
fn holder_of(lock: &mut File) -> String {
    use std::io::Seek;
    let mut holder = String::new();
    let _ = lock
        .seek(std::io::SeekFrom::Start(0))
        .and_then(|_| lock.read_to_string(&mut holder));
    match holder.trim() {
        "" => "unknown process".to_string(),
        h => h.to_string(),
    }
}

impl Provider for Sandbox {
    fn target(&self) -> Target {
        Target {
            backend: "sandbox".to_string(),
            account: self.path.display().to_string(),
        }
    }

    async fn read(&self) -> Result<LiveState, ProviderError> {
        let mut live = self.account.lock().map_err(|_| poisoned())?.snapshot();
        for ch in &mut live.channels {
            // A number's verified name is sent to register it, and not read back (as on CAMS).
            if let Some(Binding::Whatsapp(w)) = &mut ch.binding {
                // Of several numbers, those still with the name they were registered with
                // wait for their code (the sandbox drops the name once a number has its code).
                if ch.bind_state == BindState::Unverified && w.is_list() {
                    w.waiting = w
                        .phone_numbers
                        .iter()
                        .filter(|n| n.verified_name.is_some())
                        .map(|n| n.phone_number.clone())
                        .collect();
                }
                w.verified_name = None;
                for n in &mut w.phone_numbers {
                    n.verified_name = None;
                }
            }
            if let Some(Binding::Messenger(m)) = &ch.binding
                && !self.hints.messenger_pages.contains(&m.page_id)
            {
                ch.binding = None;
                ch.bind_state = BindState::Unknown;
            }
            // A Viber application reads back as on CAMS: only the keys the service gives.
            let pending = ch.bind_state == BindState::Pending;
            if let Some(Binding::Viber(v)) = &mut ch.binding {
                v.audit = v
                    .audit
                    .as_ref()
                    .and_then(|a| a.as_read(pending))
                    .map(Box::new);
            }
        }
        Ok(live)
    }

    fn supports_templates(&self) -> bool {
        true
    }

    async fn execute_template(&self, op: &TemplateOp) -> Result<Outcome, ProviderError> {
        if self._lock.is_none() {
            return Err(ProviderError::Io(
                "the sandbox was opened read-only".to_string(),
            ));
        }
        let mut account = self.account.lock().map_err(|_| poisoned())?;
        let mut next = account.clone();
        let created = next
            .apply_template(op, Review::Pending)
            .map_err(|e| ProviderError::Api {
                code: e.code().to_string(),
                message: e.to_string(),
                request_id: None,
            })?;
        self.persist(&next)?;
        *account = next;
        Ok(match created {
            Some(code) => Outcome::Created(code),
            None => Outcome::Done(BindState::Bound),
        })
    }

    async fn execute(&self, op: &Op) -> Result<Outcome, ProviderError> {
        if self._lock.is_none() {
            return Err(ProviderError::Io(
                "the sandbox was opened read-only".to_string(),
            ));
        }
        // The service has no operation for it: refused as the CAMS backend refuses it.
        let swaps =
            matches!(op, Op::Rebind { from, to, .. } if crate::rules::swaps_number(from, to));
        if let Op::Unbind { binding, .. } | Op::Rebind { from: binding, .. } = op
            && let Some(why) = self.released_by_hand(binding.channel_type())
            && !swaps
        {
            return Err(ProviderError::Unsupported(why));
        }
        let mut account = self.account.lock().map_err(|_| poisoned())?;
        let mut next = account.clone();
        let registered = self.register(&next, op).transpose()?;
        // Of several numbers, only those still waiting keep the name they were registered
        // with in the sandbox's file: how a later read tells which wait.
        let renamed = registered
            .as_deref()
            .and_then(|waiting| numbers::keep_waiting_names(op, waiting));
        let op = renamed.as_ref().unwrap_or(op);
        let registered = registered.map(|waiting| waiting.is_empty());
        let created = next.apply(op)?;
        if let Some(id) = &created {
            next.set_created(id, jiff::Timestamp::now().as_second())?;
        }
        // A number added without its code waits for it.
        if let (Some(false), Op::Bind { id, .. } | Op::Rebind { id, .. }) = (registered, op) {
            next.set_bind_state(id, BindState::Unverified)?;
        }
        // How far a bind got: a Viber audit stays pending review.
        let state = match op {
            Op::Bind { id, .. } | Op::Rebind { id, .. } | Op::Amend { id, .. } => {
                next.get(id).map_or(BindState::Bound, |c| c.bind_state)
            }
            _ => BindState::Bound,
        };
        self.persist(&next)?;
        *account = next;
        Ok(match created {
            Some(id) => Outcome::Created(id),
            None => Outcome::Done(state),
        })
    }
}

/// What the sandbox's reviewers decide about templates under review, from
/// `CHANCTL_SANDBOX_REVIEW`: `approve`, `reject`, or `pending` (the default: they stay under
/// review). Applied to every template under review each time the sandbox is opened, as if the
/// review had finished between two runs.
fn review() -> Result<Review, ProviderError> {
    let value = std::env::var("CHANCTL_SANDBOX_REVIEW").unwrap_or_default();
    Review::from_name(&value).ok_or_else(|| {
        ProviderError::Io(format!(
            "CHANCTL_SANDBOX_REVIEW is `{value}`: it takes approve, reject or pending"
        ))
    })
}

fn poisoned() -> ProviderError {
    ProviderError::Io("the sandbox state is unusable after an earlier failure".to_string())
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

fn load(path: &Path, quota: u32) -> Result<Account, ProviderError> {
    let review = review()?;
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Account::new(quota)),
        Err(e) => {
            return Err(ProviderError::Io(format!(
                "cannot read sandbox {}: {e}",
                path.display()
            )));
        }
    };
    let file: SandboxFile = serde_json::from_slice(&bytes).map_err(|e| {
        ProviderError::Io(format!(
            "the sandbox {} is not a valid sandbox file: {e}",
            path.display()
        ))
    })?;
    if file.format != FORMAT {
        return Err(ProviderError::Io(format!(
            "the sandbox {} has format `{}`; this chanctl reads `{FORMAT}`",
            path.display(),
            file.format
        )));
    }
    let mut account = file.account;
    account.review_templates(review);
    // Viber's reviewers answer only `approve`: any other audit state reads as pending on CAMS.
    if review == Review::Approve {
        account.approve_pending_binds();
    }
    account.reindex().map_err(|e| {
        ProviderError::Io(format!(
            "the sandbox {} breaks the service's rules: {e}",
            path.display()
        ))
    })?;
    Ok(account)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChannelType, MessengerBinding, ViberBinding, WhatsappBinding};

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn open(dir: &Path) -> Sandbox {
        let wait = std::time::Duration::ZERO;
        Sandbox::open_write(&dir.join("sandbox.json"), 10, wait, &mut |_| {}).unwrap()
    }

    fn create(sandbox: &Sandbox, name: &str, t: ChannelType) -> String {
        let op = Op::Create {
            profile: Default::default(),
            name: name.into(),
            channel_type: t,
            description: String::new(),
        };
        match run(sandbox.execute(&op)).unwrap() {
            Outcome::Created(id) => id,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn whatsapp_and_viber_are_released_by_hand_as_on_cams() {
        let tmp = tempfile::tempdir().unwrap();
        let sandbox = open(tmp.path());
        let id = create(&sandbox, "w", ChannelType::Whatsapp);
        let binding = Binding::whatsapp(WhatsappBinding {
            waba_id: "1".into(),
            phone_number: "+6588000001".into(),
            verified_name: None,
            phone_numbers: Vec::new(),
            waiting: Vec::new(),
        });
        let bind = Op::Bind {
            id: id.clone(),
            binding: binding.clone(),
        };
        assert_eq!(
            run(sandbox.execute(&bind)).unwrap(),
            Outcome::Done(BindState::Bound)
        );
        let refused = run(sandbox.execute(&Op::Unbind { id, binding })).unwrap_err();
        assert!(
            matches!(&refused, ProviderError::Unsupported(why) if why.contains("CAMS console")),
            "{refused}"
        );
        for t in ChannelType::ALL {
            let cams = crate::provider::cams::types::of(t);
            let by_api = !matches!(cams.unbind, crate::provider::cams::types::Unbind::Manual(_));
            assert_eq!(sandbox.released_by_hand(t).is_none(), by_api, "{t}");
        }
    }

    #[test]
    fn a_viber_bind_stays_pending_review() {
        let tmp = tempfile::tempdir().unwrap();
        let sandbox = open(tmp.path());
        let id = create(&sandbox, "v", ChannelType::Viber);
        let binding = Binding::Viber(ViberBinding::account("acme"));
        let done = run(sandbox.execute(&Op::Bind { id, binding })).unwrap();
        assert_eq!(done, Outcome::Done(BindState::Pending));
        let live = run(sandbox.read()).unwrap();
        assert_eq!(live.channels[0].bind_state, BindState::Pending);
    }

    #[test]
    fn a_messenger_page_the_file_does_not_declare_is_not_revealed() {
        let tmp = tempfile::tempdir().unwrap();
        let sandbox = open(tmp.path());
        let id = create(&sandbox, "fb", ChannelType::Messenger);
        let binding = Binding::Messenger(MessengerBinding {
            page_id: "111".into(),
        });
        run(sandbox.execute(&Op::Bind {
            id,
            binding: binding.clone(),
        }))
        .unwrap();
        let hidden = run(sandbox.read()).unwrap();
        assert_eq!(hidden.channels[0].binding, None);
        assert_eq!(hidden.channels[0].bind_state, BindState::Unknown);
        let sandbox = sandbox.with_hints(ReadHints {
            messenger_pages: vec!["111".into()],
            ..ReadHints::default()
        });
        let shown = run(sandbox.read()).unwrap();
        assert_eq!(shown.channels[0].binding, Some(binding));
        assert_eq!(shown.channels[0].bind_state, BindState::Bound);
    }
}
