//! The apply lock as operations: take it for an apply (with its journal), say who holds it,
//! and clear a CAMS lock left by a killed chanctl. CAMS accounts lock a file per endpoint and
//! environment ([`crate::lock`]); the sandbox holds an OS lock on `sandbox.json.lock`.

use super::{Account, BackendSpec, Context, Error, Note};
use crate::journal::{self, Journal};
use crate::lock::{self, Guard, Status};
use std::fs::{File, TryLockError};
use std::io::Read;
use std::path::{Path, PathBuf};

/// What `apply` holds while it runs: the CAMS account's lock (the sandbox locks its own
/// file) and where its journal goes.
pub struct ApplyLock {
    _guard: Option<Guard>,
    journal: PathBuf,
    scrubber: &'static crate::scrub::Scrubber,
}

impl ApplyLock {
    /// The account already matches the file: whatever an interrupted apply left in its
    /// journal is settled.
    pub fn settled(&self) {
        let _ = std::fs::remove_file(&self.journal);
    }

    /// Start the journal of this apply (replacing an interrupted one's).
    pub fn start_journal(&self) -> Result<Journal, Error> {
        Journal::start(&self.journal)
            .map(|j| j.scrubbed_with(self.scrubber))
            .map_err(|e| Error::Lock(format!("{e}; nothing was changed")))
    }
}

/// For `apply`: take the CAMS account's lock, waiting up to the account's `lock_timeout`
/// while another process holds it, then failing naming the holder; note what an interrupted
/// earlier apply left in its journal. Held until the value is dropped. (The sandbox's lock
/// is taken when it is opened for writing, with the same wait.)
pub fn for_apply(ctx: &Context, account: &Account) -> Result<ApplyLock, Error> {
    let guard = match account.lock_key() {
        None => None,
        Some(mut key) => {
            // The lock file is written too: scrubbed like everything else.
            key.account = ctx.scrubber.scrub(&key.account).into_owned();
            let guard = lock::acquire(
                &account.lock_dir,
                &key,
                "apply",
                lock::DEFAULT_TTL_SECS,
                lock::Wait {
                    timeout: account.lock_timeout,
                    on_wait: &mut |m: &str| ctx.note(Note::Info(m.to_string())),
                },
                &mut |m: &str| ctx.note(Note::Warning(m.to_string())),
            )
            .map_err(Error::LockHeld)?;
            ctx.note(Note::Debug(format!("lock: {}", guard.path().display())));
            Some(guard)
        }
    };
    let journal = account.journal_path();
    if let Some(left) = journal::leftover(&journal) {
        ctx.note(Note::Info(left.describe(&journal)));
    }
    Ok(ApplyLock {
        _guard: guard,
        journal,
        scrubber: ctx.scrubber,
    })
}

/// Who holds an account's lock.
#[derive(Debug)]
pub enum Holder {
    /// The sandbox file, its lock file, and what the holding process wrote there.
    Sandbox {
        sandbox: PathBuf,
        lock_file: PathBuf,
        holder: Option<String>,
    },
    /// The CAMS account (`cams URL`), its lock file and the lock's state.
    Cams {
        account: String,
        lock_file: PathBuf,
        status: Status,
    },
}

/// `lock status`: the lock, and what an interrupted apply left in the journal.
pub struct LockStatus {
    pub leftover: Option<String>,
    pub holder: Holder,
}

/// Say who holds the account's lock.
pub fn status(account: &Account) -> Result<LockStatus, Error> {
    let journal = account.journal_path();
    let leftover = journal::leftover(&journal).map(|left| left.describe(&journal));
    match holder(account)? {
        Holder::Cams {
            status: Status::Unreadable(why),
            ..
        } => Err(Error::Lock(why)),
        holder => Ok(LockStatus { leftover, holder }),
    }
}

fn holder(account: &Account) -> Result<Holder, Error> {
    match (&account.backend, account.lock_key(), account.lock_path()) {
        (BackendSpec::Sandbox { path }, _, _) => {
            let (lock_file, holder) = sandbox_lock(path)?;
            Ok(Holder::Sandbox {
                sandbox: path.clone(),
                lock_file,
                holder,
            })
        }
        (BackendSpec::Cams(_), Some(key), Some(lock_file)) => {
            let status = lock::status(&lock_file);
            Ok(Holder::Cams {
                account: key.account,
                lock_file,
                status,
            })
        }
        (BackendSpec::Cams(_), _, _) => unreachable!("a CAMS account has a lock key"),
    }
}

/// `lock release --force`: remove a CAMS lock whoever holds it. The sandbox's lock ends with
/// the process that holds it, so releasing it is refused while it is held. Returns what was
/// there.
pub fn release(account: &Account, force: bool) -> Result<Holder, Error> {
    match holder(account)? {
        Holder::Sandbox {
            sandbox,
            holder: Some(h),
            ..
        } => Err(Error::Lock(format!(
            "the sandbox {} is locked by a running chanctl ({h}); its lock ends with that process",
            sandbox.display()
        ))),
        Holder::Cams { account: name, .. } if !force => Err(Error::Usage(format!(
            "`lock release` removes the lock of {name} even if an apply is still running; pass --force if you are sure none is"
        ))),
        Holder::Cams {
            account: name,
            lock_file,
            ..
        } => {
            let status = lock::force_release(&lock_file).map_err(Error::Lock)?;
            Ok(Holder::Cams {
                account: name,
                lock_file,
                status,
            })
        }
        free => Ok(free),
    }
}

/// The sandbox's lock file and, when a process holds it, what it wrote there (`pid N`).
fn sandbox_lock(sandbox: &Path) -> Result<(PathBuf, Option<String>), Error> {
    let mut name = sandbox.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let path = sandbox.with_file_name(name);
    let mut file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((path, None)),
        Err(e) => return Err(Error::Lock(format!("cannot open {}: {e}", path.display()))),
    };
    match file.try_lock_shared() {
        Ok(()) => Ok((path, None)),
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            let text = text.trim();
            let holder = if text.is_empty() {
                "unknown process".to_string()
            } else {
                text.to_string()
            };
            Ok((path, Some(holder)))
        }
        Err(TryLockError::Error(e)) => {
            Err(Error::Lock(format!("cannot check {}: {e}", path.display())))
        }
    }
}
