//! Choosing and opening the backend: the sandbox (default) or CAMS, from flags and
//! environment variables. Commands get a [`Backend`] and run generic code over it.

use super::Exit;
use crate::model::ChannelType;
use crate::plan::PlanOptions;
use crate::printer::Printer;
use crate::provider::cams::{self, Cams};
use crate::provider::sandbox::Sandbox;
use chanctl_cams::client::{Client, ClientOptions, Log};
use chanctl_cams::{credentials, endpoint};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    /// The aliyun CLI profile to take credentials from (default: the environment, then its current profile).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Requests per second per CAMS operation (client-side limit).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub qps: u32,
    /// Seconds to wait for one CAMS response before treating it as lost.
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    pub timeout: u64,
}

/// An opened backend.
pub enum Backend {
    Sandbox(Sandbox),
    Cams(Cams),
}

impl BackendArgs {
    /// The sandbox file: --sandbox, else `.chanctl/sandbox.json` beside `file`, or
    /// `.chanctl/sandbox-ENV.json` for environment `env` (each environment is its own account).
    pub fn sandbox_path(&self, file: &Path, env: Option<&str>) -> PathBuf {
        self.sandbox.clone().unwrap_or_else(|| {
            let dir = file.parent().unwrap_or(Path::new(""));
            let name = match env {
                Some(env) => format!("sandbox-{env}.json"),
                None => "sandbox.json".to_string(),
            };
            dir.join(".chanctl").join(name)
        })
    }

    /// Open the backend for environment `env`; `write` takes the sandbox's lock.
    pub fn open(
        &self,
        file: &Path,
        quota: u32,
        write: bool,
        env: Option<&str>,
        printer: &Printer,
    ) -> Result<Backend, Exit> {
        let fail = |message: String| {
            printer.error(&message);
            Exit::Error
        };
        match self.backend {
            Kind::Sandbox => {
                if let Some(env) = env
                    && !crate::config::environments::valid_name(env)
                {
                    return Err(fail(format!(
                        "`{env}` cannot be an environment name: use letters, digits, `-`, `_` \
                         and `.`, starting with a letter or digit"
                    )));
                }
                let path = self.sandbox_path(file, env);
                let sandbox = if write {
                    Sandbox::open_write(&path, quota)
                } else {
                    Sandbox::open_read(&path, quota)
                };
                sandbox
                    .map(Backend::Sandbox)
                    .map_err(|e| fail(e.to_string()))
            }
            Kind::Cams => {
                let endpoint = endpoint::parse(&self.endpoint).map_err(fail)?;
                let env = |k: &str| std::env::var(k).ok();
                let resolved = credentials::resolve(&credentials::Sources {
                    env: &env,
                    config_path: credentials::default_config_path(),
                    profile: self.profile.clone(),
                })
                .map_err(fail)?;
                printer.debug(&format!(
                    "credentials: access key {} from {}",
                    resolved.credentials.access_key_id, resolved.source
                ));
                let log: Option<Log> = printer.verbose.then(|| {
                    let p = *printer;
                    Arc::new(move |line: &str| p.err(line)) as Log
                });
                let options = ClientOptions {
                    qps: self.qps,
                    timeout: std::time::Duration::from_secs(self.timeout.max(1)),
                    log,
                    ..ClientOptions::default()
                };
                let client = Client::new(endpoint, resolved.credentials, options).map_err(fail)?;
                Ok(Backend::Cams(Cams::new(client)))
            }
        }
    }
}

impl Backend {
    /// Plan options for this backend: what it cannot do through its API.
    pub fn plan_options(&self, prune: bool) -> PlanOptions {
        use crate::provider::Provider;
        match self {
            Backend::Sandbox(s) => PlanOptions::new(prune, s.target()),
            Backend::Cams(c) => {
                let mut options = PlanOptions::new(prune, c.target());
                options.manual_unbind = [ChannelType::Whatsapp, ChannelType::Viber]
                    .into_iter()
                    .map(|t| (t, cams::unsupported_unbind(t)))
                    .collect();
                options
            }
        }
    }
}

/// Run `$body` with `$p` bound to the concrete provider inside `$backend`.
macro_rules! with_provider {
    ($backend:expr, $p:ident => $body:expr) => {
        match $backend {
            $crate::cli::backend::Backend::Sandbox($p) => $body,
            $crate::cli::backend::Backend::Cams($p) => $body,
        }
    };
}
pub(crate) use with_provider;
