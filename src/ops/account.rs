//! The account an operation works on, resolved once from the options: the channels file, its
//! environment, and the backend (the sandbox file, or a CAMS endpoint with its client
//! settings). The [`Account`] knows where its lock and journal live without opening anything
//! (so `lock status` needs no credentials); [`Account::open`] gives the [`Backend`], one value
//! that implements [`Provider`] whichever backend it is.

use super::{Context, Error, Note, Notes};
use crate::lock::Key;
use crate::model::{ChannelType, LiveState, ReadHints};
use crate::plan::{PlanOptions, Target};
use crate::provider::cams::{self, Cams};
use crate::provider::sandbox::Sandbox;
use crate::provider::{Outcome, Provider, ProviderError};
use crate::rules::Op;
use crate::scrub::Scrubber;
use chanctl_cams::client::{Client, ClientOptions, Log};
use chanctl_cams::credentials;
use chanctl_cams::endpoint::Endpoint;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Which backend, and how to reach it.
#[derive(Debug, Clone)]
pub enum BackendSpec {
    /// The embedded account in this file.
    Sandbox { path: PathBuf },
    /// CAMS at this endpoint.
    Cams(CamsSpec),
}

/// How to reach CAMS.
#[derive(Debug, Clone)]
pub struct CamsSpec {
    pub endpoint: Endpoint,
    /// The aliyun CLI profile to take credentials from.
    pub profile: Option<String>,
    /// Requests per second per operation.
    pub qps: u32,
    /// How long one answer may take.
    pub timeout: Duration,
    /// How long after a create whose answer was lost apply waits, before it looks for a
    /// second copy that landed late.
    pub settle_window: Duration,
}

/// A channels file, its environment, and the account they go to.
#[derive(Debug, Clone)]
pub struct Account {
    pub file: PathBuf,
    pub environment: Option<String>,
    pub backend: BackendSpec,
    /// Where CAMS apply locks live.
    pub lock_dir: PathBuf,
    /// How long `apply` waits for a lock another process holds (`--lock-timeout`); zero
    /// fails at once.
    pub lock_timeout: Duration,
    /// The one-time codes that register WhatsApp numbers (`--verify-code`, or a person
    /// asked on the terminal).
    pub codes: crate::provider::Codes,
}

impl Account {
    /// The default sandbox file for `file` and environment `env`: `.chanctl/sandbox.json`
    /// beside the channels file, or `.chanctl/sandbox-ENV.json` (each environment is an
    /// account of its own).
    pub fn default_sandbox(file: &Path, env: Option<&str>) -> PathBuf {
        let dir = file.parent().unwrap_or(Path::new(""));
        let name = match env {
            Some(env) => format!("sandbox-{env}.json"),
            None => "sandbox.json".to_string(),
        };
        dir.join(".chanctl").join(name)
    }

    /// Check what can be checked before anything is opened: an environment name that becomes
    /// part of the sandbox file's name.
    pub fn check(&self) -> Result<(), Error> {
        if let (BackendSpec::Sandbox { .. }, Some(env)) = (&self.backend, &self.environment)
            && !crate::config::environments::valid_name(env)
        {
            return Err(Error::Usage(format!(
                "`{env}` cannot be an environment name: use letters, digits, `-`, `_` \
                 and `.`, starting with a letter or digit"
            )));
        }
        Ok(())
    }

    /// The CAMS lock's key (none for the sandbox, which locks its own file).
    pub fn lock_key(&self) -> Option<Key> {
        match &self.backend {
            BackendSpec::Sandbox { .. } => None,
            BackendSpec::Cams(c) => Some(Key {
                account: format!("cams {}", c.endpoint.base),
                environment: self.environment.clone(),
            }),
        }
    }

    /// The CAMS lock file (none for the sandbox).
    pub fn lock_path(&self) -> Option<PathBuf> {
        self.lock_key().map(|k| self.lock_dir.join(k.file_name()))
    }

    /// Where the CAMS template read cache lives: `.chanctl/cache/` beside the channels file,
    /// a file per account (keyed as the apply lock is).
    pub fn template_cache_path(&self) -> PathBuf {
        let dir = self.file.parent().unwrap_or(Path::new(""));
        let name = self
            .lock_key()
            .map(|k| k.file_name())
            .unwrap_or_else(|| "sandbox".into());
        dir.join(".chanctl")
            .join("cache")
            .join(format!("templates-{name}.json"))
    }

    /// Where apply keeps its journal: beside the CAMS lock, or beside the sandbox file.
    pub fn journal_path(&self) -> PathBuf {
        match (&self.backend, self.lock_path()) {
            (BackendSpec::Sandbox { path }, _) => crate::journal::beside(path),
            (_, Some(lock)) => crate::journal::beside(&lock),
            (BackendSpec::Cams(_), None) => unreachable!("a CAMS account has a lock path"),
        }
    }

    /// Open the backend (reading the account as a file with `hints` sees it); `write` takes
    /// the sandbox's lock. CAMS credentials are found here, and added to the context's
    /// scrubber; with `ctx.verbose`, every request and retry is a [`Note::Debug`].
    pub fn open(
        &self,
        quota: u32,
        write: bool,
        ctx: &Context,
        hints: ReadHints,
    ) -> Result<Backend, Error> {
        let (notes, verbose) = (&ctx.notes, ctx.verbose);
        self.check()?;
        match &self.backend {
            BackendSpec::Sandbox { path } => {
                let sandbox = if write {
                    Sandbox::open_write(path, quota, self.lock_timeout, &mut |m: &str| {
                        notes(Note::Info(m.to_string()))
                    })
                } else {
                    Sandbox::open_read(path, quota)
                };
                Ok(Backend::Sandbox(
                    sandbox?.with_hints(hints).with_codes(self.codes.clone()),
                ))
            }
            BackendSpec::Cams(spec) => {
                let resolved = credentials(spec, notes, verbose, ctx.scrubber)?;
                // Temporary credentials said where they came from as they were obtained.
                if !resolved.provider.renews() {
                    notes(Note::Debug(format!(
                        "credentials: access key {} from {}",
                        resolved.credentials.access_key_id, resolved.source
                    )));
                }
                let log: Option<Log> = verbose.then(|| {
                    let notes = notes.clone();
                    Arc::new(move |line: &str| notes(Note::Debug(line.to_string()))) as Log
                });
                // Without -v, the first long retry wait is said, so that it does not look
                // like a hang (with -v, every retry is).
                let notice: Option<Log> = (!verbose).then(|| {
                    let notes = notes.clone();
                    Arc::new(move |line: &str| notes(Note::Info(line.to_string()))) as Log
                });
                let options = ClientOptions {
                    qps: spec.qps,
                    timeout: spec.timeout,
                    log,
                    notice,
                    ..ClientOptions::default()
                };
                let client = Client::new(spec.endpoint.clone(), resolved.provider, options)
                    .map_err(Error::Usage)?;
                let reading = notes.clone();
                let templates = notes.clone();
                let cams = Cams::with_hints(client, hints)
                    .with_codes(self.codes.clone())
                    .settle_window(spec.settle_window)
                    .with_progress(Arc::new(move |done: usize, total: Option<usize>| {
                        reading(Note::Reading { done, total })
                    }))
                    .with_template_progress(Arc::new(move |done: usize, total: Option<usize>| {
                        templates(Note::ReadingTemplates {
                            done,
                            total: total.unwrap_or(done),
                        })
                    }))
                    .with_template_cache(
                        crate::provider::cams::templates::Cache::open(&self.template_cache_path())
                            .scrubbed_with(ctx.scrubber),
                    );
                Ok(Backend::Cams(Box::new(cams)))
            }
        }
    }
}

/// The default credential chain (see [`credentials`]), run now so that a missing or refused
/// credential is an error before anything is read; the provider it gives renews temporary
/// credentials during the run.
fn credentials(
    spec: &CamsSpec,
    notes: &Notes,
    verbose: bool,
    scrubber: &'static Scrubber,
) -> Result<credentials::Resolved, Error> {
    let env = |k: &str| std::env::var(k).ok();
    let hooks = credentials::Hooks {
        secrets: Some(Arc::new(move |secret: &str| {
            scrubber.add_credentials(std::iter::once(secret.to_string()))
        })),
        log: verbose.then(|| {
            let notes = notes.clone();
            Arc::new(move |line: &str| notes(Note::Debug(line.to_string()))) as Log
        }),
    };
    let sources = credentials::Sources {
        env: &env,
        config_path: credentials::default_config_path(&env),
        profile: spec.profile.clone(),
        hooks,
    };
    super::runtime()?
        .block_on(credentials::resolve(&sources))
        .map_err(Error::Credentials)
}

/// An opened backend: a [`Provider`] that also knows what it cannot do through its API.
pub enum Backend {
    Sandbox(Sandbox),
    Cams(Box<Cams>),
}

impl Backend {
    /// Plan options for this backend: what it cannot do through its API.
    pub fn plan_options(&self, prune: bool) -> PlanOptions {
        let mut options = PlanOptions::new(prune, self.target());
        options.manual_unbind = ChannelType::ALL
            .into_iter()
            .filter_map(|t| self.released_by_hand(t).map(|why| (t, why)))
            .collect();
        options
    }

    /// The API-call budget of a plan, for a backend that has one.
    pub fn budget(&self, plan: &crate::plan::Plan) -> Option<crate::plan::ApiBudget> {
        match self {
            Backend::Sandbox(_) => None,
            Backend::Cams(c) => Some(crate::plan::estimate(plan, cams::operations, c.qps())),
        }
    }
}

impl Provider for Backend {
    fn target(&self) -> Target {
        match self {
            Backend::Sandbox(s) => s.target(),
            Backend::Cams(c) => c.target(),
        }
    }

    async fn read(&self) -> Result<LiveState, ProviderError> {
        match self {
            Backend::Sandbox(s) => s.read().await,
            Backend::Cams(c) => c.read().await,
        }
    }

    async fn execute(&self, op: &Op) -> Result<Outcome, ProviderError> {
        match self {
            Backend::Sandbox(s) => s.execute(op).await,
            Backend::Cams(c) => c.execute(op).await,
        }
    }

    fn released_by_hand(&self, t: ChannelType) -> Option<String> {
        match self {
            Backend::Sandbox(s) => s.released_by_hand(t),
            Backend::Cams(c) => c.released_by_hand(t),
        }
    }

    fn supports_templates(&self) -> bool {
        match self {
            Backend::Sandbox(s) => s.supports_templates(),
            Backend::Cams(c) => c.supports_templates(),
        }
    }

    async fn execute_template(
        &self,
        op: &crate::template::rules::TemplateOp,
    ) -> Result<Outcome, ProviderError> {
        match self {
            Backend::Sandbox(s) => s.execute_template(op).await,
            Backend::Cams(c) => c.execute_template(op).await,
        }
    }

    fn lost_creates(&self) -> Vec<crate::provider::LostCreate> {
        match self {
            Backend::Sandbox(s) => s.lost_creates(),
            Backend::Cams(c) => c.lost_creates(),
        }
    }

    async fn copies(
        &self,
        name: &str,
        t: crate::model::ChannelType,
    ) -> Result<Vec<crate::model::LiveChannel>, ProviderError> {
        match self {
            Backend::Sandbox(s) => s.copies(name, t).await,
            Backend::Cams(c) => c.copies(name, t).await,
        }
    }
}
