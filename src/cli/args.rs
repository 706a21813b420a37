//! The flags several commands share (file, environment, backend, scope), as given, and their
//! resolution into the values `ops` takes: an [`ops::Account`] and a [`Scope`]. Arguments are
//! resolved once, here, environment variables included.

use crate::lock;
use crate::ops::account::CamsSpec;
use crate::ops::{self, Account, BackendSpec};
use crate::plan::Scope;
use chanctl_cams::endpoint;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `-f FILE`.
#[derive(Debug, Clone, Args)]
pub struct FileArgs {
    /// The channels file.
    #[arg(
        short = 'f',
        long = "file",
        env = "CHANCTL_FILE",
        default_value = "channels.yaml",
        value_name = "FILE"
    )]
    pub file: PathBuf,
}

/// `--env NAME`: which of the file's environments applies.
#[derive(Debug, Clone, Default, Args)]
pub struct EnvArgs {
    /// The environment: apply the file's `environments.NAME` overrides (the default sandbox
    /// becomes .chanctl/sandbox-NAME.json).
    #[arg(long = "env", env = "CHANCTL_ENV", value_name = "NAME")]
    pub env: Option<String>,
}

impl EnvArgs {
    /// The environment's name; an empty CHANCTL_ENV counts as none.
    pub fn name(&self) -> Option<&str> {
        self.env.as_deref().filter(|e| !e.is_empty())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// The embedded, file-backed account (offline).
    Sandbox,
    /// Alibaba Cloud CAMS over HTTPS.
    Cams,
}

/// Which account to work on.
#[derive(Debug, Clone, Args)]
pub struct BackendArgs {
    /// The backend.
    #[arg(long, value_enum, env = "CHANCTL_BACKEND", default_value_t = Kind::Sandbox)]
    pub backend: Kind,
    /// The sandbox account file (default: .chanctl/sandbox.json beside the channels file;
    /// .chanctl/sandbox-ENV.json with --env ENV).
    #[arg(long, env = "CHANCTL_SANDBOX", value_name = "PATH")]
    pub sandbox: Option<PathBuf>,
    /// The CAMS endpoint (https; plain http only to a loopback address).
    #[arg(long, env = "CHANCTL_ENDPOINT", value_name = "URL", default_value = endpoint::DEFAULT_ENDPOINT)]
    pub endpoint: String,
    /// The aliyun CLI profile to take credentials from (default: the credential chain:
    /// environment keys, ALIBABA_CLOUD_PROFILE, OIDC, the CLI's current profile, the
    /// instance's RAM role).
    #[arg(long, env = "CHANCTL_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// Requests per second per CAMS operation (client-side limit).
    #[arg(long, env = "CHANCTL_QPS", default_value_t = 10, value_name = "N")]
    pub qps: u32,
    /// Seconds to wait for one CAMS response before treating it as lost.
    #[arg(
        long,
        env = "CHANCTL_TIMEOUT",
        default_value_t = 10,
        value_name = "SECS"
    )]
    pub timeout: u64,
    /// After a create whose answer was lost, seconds apply waits (from the last such send)
    /// before it looks for a second copy that landed late and removes it.
    #[arg(
        long,
        env = "CHANCTL_SETTLE_WINDOW",
        default_value_t = 60,
        value_name = "SECS"
    )]
    pub settle_window: u64,
}

impl BackendArgs {
    /// The account for channels file `file` (which anchors the default sandbox) and
    /// environment `env`.
    pub fn account(&self, file: &Path, env: Option<&str>) -> Result<Account, ops::Error> {
        let backend = match self.backend {
            Kind::Sandbox => BackendSpec::Sandbox {
                path: self
                    .sandbox
                    .clone()
                    .unwrap_or_else(|| Account::default_sandbox(file, env)),
            },
            Kind::Cams => BackendSpec::Cams(CamsSpec {
                endpoint: endpoint::parse(&self.endpoint).map_err(ops::Error::Usage)?,
                profile: self.profile.clone(),
                qps: self.qps,
                timeout: Duration::from_secs(self.timeout.max(1)),
                settle_window: Duration::from_secs(self.settle_window),
            }),
        };
        Ok(Account {
            file: file.to_path_buf(),
            environment: env.map(str::to_string),
            backend,
            lock_dir: lock::default_dir(&|k| std::env::var(k).ok()),
            lock_timeout: Duration::ZERO,
            codes: Default::default(),
        })
    }
}

/// `-f FILE`, `--env NAME` and the backend flags: the file, its environment and the account
/// they go to (the default sandbox sits beside the file, one per environment).
#[derive(Debug, Clone, Args)]
pub struct AccountArgs {
    #[command(flatten)]
    pub file: FileArgs,
    #[command(flatten)]
    pub env: EnvArgs,
    #[command(flatten)]
    pub backend: BackendArgs,
}

impl AccountArgs {
    /// The resolved account.
    pub fn account(&self) -> Result<Account, ops::Error> {
        self.backend.account(&self.file.file, self.env.name())
    }
}

/// `--target` / `--exclude`.
#[derive(Debug, Clone, Default, Args)]
pub struct ScopeArgs {
    /// Only channels whose name matches this glob (repeatable).
    #[arg(long = "target", value_name = "GLOB")]
    pub targets: Vec<String>,
    /// Leave out channels whose name matches this glob (repeatable).
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,
}

impl ScopeArgs {
    pub fn scope(&self) -> Scope {
        Scope {
            targets: self.targets.clone(),
            excludes: self.excludes.clone(),
        }
    }
}
