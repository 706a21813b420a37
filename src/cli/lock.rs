//! `chanctl lock status` and `chanctl lock release --force`: see and clear the lock that keeps
//! applies to one account one at a time ([`crate::lock`] for CAMS; the sandbox's own OS lock
//! on `sandbox.json.lock`). Also the one call `apply` makes to take the CAMS lock.

use super::Exit;
use super::backend::{BackendArgs, Kind};
use super::context::AccountArgs;
use crate::journal::{self, Journal};
use crate::lock::{self, Guard, Key, Status};
use crate::printer::Printer;
use chanctl_cams::endpoint;
use std::fs::{File, TryLockError};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Say whether the account is locked, by whom and since when.
    Status(AccountArgs),
    /// Remove the account's lock whoever holds it (after a chanctl that was killed).
    Release {
        #[command(flatten)]
        which: AccountArgs,
        /// Required: the lock may belong to an apply that is still running.
        #[arg(long)]
        force: bool,
    },
}

pub fn exec(args: &Args, printer: &Printer) -> Exit {
    let result = match &args.action {
        Action::Status(which) => status(which, printer),
        Action::Release { which, force } => release(which, *force, printer),
    };
    match result {
        Ok(()) => Exit::Ok,
        Err(message) => {
            printer.error(&message);
            Exit::Error
        }
    }
}

/// The lock directory, from the environment.
pub fn dir() -> PathBuf {
    lock::default_dir(&|k| std::env::var(k).ok())
}

fn key(backend: &BackendArgs, env: Option<&str>) -> Result<Key, String> {
    let endpoint = endpoint::parse(&backend.endpoint)?;
    Ok(Key {
        account: format!("cams {}", endpoint.base),
        environment: env.map(str::to_string),
    })
}

/// What `apply` holds while it runs: the CAMS account's lock (the sandbox locks its own
/// file) and where its journal goes.
pub struct ApplyLock {
    _guard: Option<Guard>,
    journal: PathBuf,
}

impl ApplyLock {
    /// The account already matches the file: whatever an interrupted apply left in its
    /// journal is settled.
    pub fn settled(&self) {
        let _ = std::fs::remove_file(&self.journal);
    }

    /// Start the journal of this apply (replacing an interrupted one's).
    pub fn start_journal(&self, printer: &Printer) -> Result<Journal, Exit> {
        Journal::start(&self.journal).map_err(|e| {
            printer.error(&format!("{e}; nothing was changed"));
            Exit::Error
        })
    }
}

/// The journal file: beside the CAMS lock, or beside the sandbox file.
fn journal_path(which: &AccountArgs) -> Result<PathBuf, String> {
    let env = which.env.name();
    Ok(match which.backend.backend {
        Kind::Sandbox => journal::beside(&which.backend.sandbox_path(&which.file.file, env)),
        Kind::Cams => journal::beside(&dir().join(key(&which.backend, env)?.file_name())),
    })
}

/// For `apply`: take the CAMS account's lock, or fail at once naming the holder; say what an
/// interrupted earlier apply left in its journal. Held until the value is dropped.
pub fn for_apply(which: &AccountArgs, printer: &Printer) -> Result<ApplyLock, Exit> {
    let fail = |m: String| {
        printer.error(&m);
        Exit::Error
    };
    let (backend, env) = (&which.backend, which.env.name());
    let guard = match backend.backend {
        Kind::Sandbox => None,
        Kind::Cams => {
            let key = key(backend, env).map_err(fail)?;
            let guard = lock::acquire(&dir(), &key, "apply", lock::DEFAULT_TTL_SECS, &mut |m| {
                printer.err(&format!("warning: {m}"))
            })
            .map_err(fail)?;
            printer.debug(&format!("lock: {}", guard.path().display()));
            Some(guard)
        }
    };
    let journal = journal_path(which).map_err(fail)?;
    if let Some(left) = journal::leftover(&journal) {
        printer.err(&format!("note: {}", left.describe(&journal)));
    }
    Ok(ApplyLock {
        _guard: guard,
        journal,
    })
}

fn status(which: &AccountArgs, printer: &Printer) -> Result<(), String> {
    let journal = journal_path(which)?;
    if let Some(left) = journal::leftover(&journal) {
        printer.out(&format!("{}\n", left.describe(&journal)));
    }
    let env = which.env.name();
    if which.backend.backend == Kind::Sandbox {
        let sandbox = which.backend.sandbox_path(&which.file.file, env);
        let (path, holder) = sandbox_lock(&sandbox)?;
        printer.out(&match holder {
            Some(h) => format!(
                "sandbox {}: locked by a running chanctl ({h})\nlock file: {}\n",
                sandbox.display(),
                path.display()
            ),
            None => format!("sandbox {}: not locked\n", sandbox.display()),
        });
        return Ok(());
    }
    let key = key(&which.backend, env)?;
    let path = dir().join(key.file_name());
    let env_text = env.unwrap_or("default");
    let line = match lock::status(&path) {
        Status::Free => format!("{} (environment {env_text}): not locked\n", key.account),
        Status::Held(h) => format!(
            "{} (environment {env_text}): locked by {}, time to live {} min\nlock file: {}\n",
            key.account,
            h.describe(),
            h.ttl_secs / 60,
            path.display()
        ),
        Status::Stale(h, why) => format!(
            "{} (environment {env_text}): stale lock of {} ({why}); the next apply takes it over\nlock file: {}\n",
            key.account,
            h.describe(),
            path.display()
        ),
        Status::Unreadable(why) => return Err(why),
    };
    printer.out(&line);
    Ok(())
}

fn release(which: &AccountArgs, force: bool, printer: &Printer) -> Result<(), String> {
    let env = which.env.name();
    if which.backend.backend == Kind::Sandbox {
        let sandbox = which.backend.sandbox_path(&which.file.file, env);
        return match sandbox_lock(&sandbox)? {
            (_, Some(h)) => Err(format!(
                "the sandbox {} is locked by a running chanctl ({h}); its lock ends with that process",
                sandbox.display()
            )),
            (_, None) => {
                printer.out(&format!(
                    "sandbox {}: not locked; nothing to release\n",
                    sandbox.display()
                ));
                Ok(())
            }
        };
    }
    let key = key(&which.backend, env)?;
    let path = dir().join(key.file_name());
    if !force {
        return Err(format!(
            "`lock release` removes the lock of {} even if an apply is still running; pass --force if you are sure none is",
            key.account
        ));
    }
    match lock::force_release(&path)? {
        Status::Free => printer.out(&format!("{}: not locked\n", key.account)),
        Status::Held(h) | Status::Stale(h, _) => printer.out(&format!(
            "{}: released the lock of {}\n",
            key.account,
            h.describe()
        )),
        Status::Unreadable(_) => printer.out(&format!(
            "{}: removed the unreadable lock file {}\n",
            key.account,
            path.display()
        )),
    }
    Ok(())
}

/// The sandbox's lock file and, when a process holds it, what it wrote there (`pid N`).
fn sandbox_lock(sandbox: &Path) -> Result<(PathBuf, Option<String>), String> {
    let mut name = sandbox.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let path = sandbox.with_file_name(name);
    let mut file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((path, None)),
        Err(e) => return Err(format!("cannot open {}: {e}", path.display())),
    };
    match file.try_lock_shared() {
        Ok(()) => Ok((path, None)),
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            let text = text.trim();
            Ok((
                path,
                Some(if text.is_empty() {
                    "unknown process".to_string()
                } else {
                    text.to_string()
                }),
            ))
        }
        Err(TryLockError::Error(e)) => Err(format!("cannot check {}: {e}", path.display())),
    }
}
