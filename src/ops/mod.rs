//! What chanctl does, as a library: load a file, plan, apply (fresh or saved), read a saved
//! plan, export, and see or clear the apply lock. Each operation takes an options value and
//! returns a value or an [`Error`]; none prints or knows the command line (the `cli` module
//! does both), so the same operations serve tests, and later other front ends, unchanged.
//!
//! Progress that a front end may show while an operation runs (a `-v` line, a warning about a
//! lock taken over) goes through a [`Notes`] callback; secrets met on the way are added to
//! the process's [`Scrubber`](crate::scrub::Scrubber), which the printer reads.

pub mod account;
pub mod apply;
pub mod export;
pub mod include;
pub mod load;
pub mod lock;
pub mod plan;
pub mod report;
pub mod saved;

use crate::plan::PlanError;
use crate::provider::ProviderError;
use crate::scrub::Scrubber;
use std::path::PathBuf;
use std::sync::Arc;
use thiserror::Error;

pub use account::{Account, Backend, BackendSpec};

/// Something an operation has to say while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// Detail for `-v`: a request, a retry, where a lock lives.
    Debug(String),
    /// Worth seeing always: a stale lock taken over, what an interrupted apply left.
    Warning(String),
    /// A plain remark (`note: ...`).
    Info(String),
    /// How far reading the account has got: channels read of those listed (`None` while the
    /// account is listed; `done == total` when the read is over), for a progress bar.
    Reading { done: usize, total: Option<usize> },
    /// How far reading template details has got: read of those listed (`done == total` when
    /// the read is over).
    ReadingTemplates { done: usize, total: usize },
}

/// Where notes go; the front end decides what to show.
pub type Notes = Arc<dyn Fn(Note) + Send + Sync>;

/// Notes that go nowhere (tests, library callers that do not care).
pub fn silent() -> Notes {
    Arc::new(|_| {})
}

/// Where `${VAR}` values come from.
pub type VarSource = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// What every operation is given besides its own options: where `${VAR}` values come from,
/// where notes go, whether to note every request, and the process's scrubber.
#[derive(Clone)]
pub struct Context {
    pub vars: VarSource,
    pub notes: Notes,
    pub verbose: bool,
    pub scrubber: &'static Scrubber,
}

impl Context {
    /// The process's environment variables, these notes and this scrubber.
    pub fn new(notes: Notes, verbose: bool, scrubber: &'static Scrubber) -> Context {
        Context {
            vars: Arc::new(load::process_vars),
            notes,
            verbose,
            scrubber,
        }
    }

    pub(crate) fn note(&self, note: Note) {
        (self.notes)(note)
    }

    /// Read and validate a channels file (see [`load::load`]).
    pub fn load(&self, file: &std::path::Path, env: Option<&str>) -> Result<load::Loaded, Error> {
        load::load(file, env, &*self.vars, self.scrubber)
    }
}

/// "3 problems in a.yaml and b.yaml": how many problems `reports` hold, and in which files.
pub fn problems_in(reports: &[crate::diagnostic::Report]) -> String {
    let n: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
    let names: Vec<&str> = reports.iter().map(|r| r.file_name.as_str()).collect();
    let files = match names.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => "no file".to_string(),
    };
    format!(
        "{n} {} in {files}",
        crate::render::plural(n, "problem", "problems")
    )
}

/// Why an operation did not do what it was asked. Each refusal is a variant of its own, so
/// that a front end can tell them apart (the CLI gives a safety block its own exit code).
#[derive(Debug, Error)]
pub enum Error {
    /// The channels file could not be read (missing, a directory, too large, not UTF-8).
    #[error("{0}")]
    Read(String),
    /// The channels file, or a file it includes, was read but is not valid: the diagnostics
    /// say why and where, a report for each file that has problems (never none).
    #[error("{}", problems_in(.0))]
    Invalid(Vec<crate::diagnostic::Report>),
    /// The options do not make sense together (an environment name, an endpoint, a scope).
    #[error("{0}")]
    Usage(String),
    /// Credentials could not be found or read.
    #[error("{0}")]
    Credentials(String),
    /// The backend refused or failed.
    #[error("{0}")]
    Provider(#[from] ProviderError),
    /// No plan can take the account to the file.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The saved plan file is not a plan this chanctl applies.
    #[error("{0}")]
    NotAPlan(String),
    /// The saved plan was made from another channels file.
    #[error("the saved plan was made from {made_from}, not from {given}; nothing was changed")]
    WrongFile { made_from: String, given: String },
    /// The saved plan was made for another environment.
    #[error("the saved plan was made for {plan}, not for {given}; nothing was changed. {how}")]
    WrongEnvironment {
        plan: String,
        given: String,
        how: String,
    },
    /// The saved plan was made for another account.
    #[error("the saved plan was made for {plan}, not for {given}; nothing was changed")]
    WrongAccount { plan: String, given: String },
    /// The account changed since the saved plan was made.
    #[error(
        "Saved plan is stale: the account changed since it was made ({what}). Nothing was changed; run `chanctl plan` again."
    )]
    StalePlan { what: String },
    /// A sensitive value of the saved plan reads differently now (or cannot be read).
    #[error(
        "the saved plan holds sensitive values, {why}; nothing was changed. Run `chanctl plan` again."
    )]
    ChangedSecret {
        why: String,
        /// Why the plan's channels file did not load, when that is the reason.
        #[source]
        cause: Option<Box<Error>>,
    },
    /// A safety rule blocks the plan and `force` was not given.
    #[error(
        "blocked by a safety rule: {}; nothing was changed. Re-run with --force to allow it.",
        reasons.join("; and ")
    )]
    SafetyBlock { reasons: Vec<String> },
    /// Another apply holds the account.
    #[error("{0}")]
    LockHeld(String),
    /// The lock or the journal could not be read or written.
    #[error("{0}")]
    Lock(String),
    /// Steps failed: what was done, what failed and what was not tried.
    #[error("apply stopped: {}", .0.headline())]
    ApplyFailed(Box<apply::Failure>),
    /// Ctrl-C stopped the apply: what was done, what was not, what was left in flight.
    #[error("apply interrupted: {}", .0.interrupted_headline())]
    Interrupted(Box<apply::Failure>),
    /// The account cannot be written as a channels file.
    #[error("{0}")]
    Export(String),
    /// The channels file export reads for its references is not valid.
    #[error(
        "export reads {file} to keep its sensitive values out; fix it, or name another file with -f"
    )]
    ExportSource {
        file: String,
        #[source]
        cause: Box<Error>,
    },
}

/// A single-threaded runtime for the async provider calls.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)
}

#[cfg(test)]
mod tests;
