//! Backends: where live state is read from and where steps are carried out.
//!
//! One trait, two implementations: the embedded sandbox (a file with the service's rules)
//! and CAMS over HTTPS. Everything above this module is written against [`Provider`].

pub mod cams;
pub mod codes;
pub mod sandbox;

pub use codes::Codes;

use crate::model::{BindState, ChannelType, LiveChannel, LiveState};
use crate::plan::Target;
use crate::rules::{Op, RuleError};
use crate::template::rules::TemplateOp;
use std::future::Future;
use thiserror::Error;

/// What a backend without template support says when asked to manage templates.
pub const TEMPLATES_UNSUPPORTED: &str = "templates are not supported by this backend: the \
     file declares `templates:`, which the sandbox and cams backends manage; remove the \
     `templates:` keys or use one of those";

/// What a successful operation produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A channel was created with this instance id.
    Created(String),
    /// Done; for a bind, how far it got (a Viber audit stays pending).
    Done(BindState),
}

/// Why an operation or a read failed.
#[derive(Debug, Error)]
pub enum ProviderError {
    /// The service refused: a rule of the account.
    #[error("{error}{}", request_id.as_ref().map(|r| format!(" (RequestId {r})")).unwrap_or_default())]
    Rule {
        error: RuleError,
        request_id: Option<String>,
    },
    /// The service returned an error code.
    #[error("{code}: {message}{}", request_id.as_ref().map(|r| format!(" (RequestId {r})")).unwrap_or_default())]
    Api {
        code: String,
        message: String,
        request_id: Option<String>,
    },
    /// The backend cannot do this at all (e.g. an operation the API lacks).
    #[error("{0}")]
    Unsupported(String),
    /// The backend's own storage or transport failed.
    #[error("{0}")]
    Io(String),
    /// Another chanctl holds the account.
    #[error("{0}")]
    Locked(String),
}

impl ProviderError {
    /// Whether the service refused because the account's channel quota is full: the
    /// sandbox's rule, or CAMS's `QuotaExceeded.*` code.
    pub fn is_quota_full(&self) -> bool {
        match self {
            ProviderError::Rule { error, .. } => matches!(error, RuleError::QuotaExceeded { .. }),
            ProviderError::Api { code, .. } => code.starts_with("QuotaExceeded"),
            _ => false,
        }
    }
}

impl From<RuleError> for ProviderError {
    fn from(error: RuleError) -> Self {
        ProviderError::Rule {
            error,
            request_id: None,
        }
    }
}

/// A create whose answer was lost: the service may still commit an attempt after chanctl
/// looked, and leave a second channel of the name (a twin).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostCreate {
    pub name: String,
    pub channel_type: ChannelType,
    /// The copy the create went on with (none when the step failed).
    pub kept: Option<String>,
    /// When no attempt sent then can land any more: the last attempt whose answer was lost,
    /// plus the backend's settle window.
    pub settled_at: std::time::Instant,
}

/// A place where channels live.
pub trait Provider {
    /// What this provider manages, for plans and messages.
    fn target(&self) -> Target;

    /// Read every channel of the account.
    fn read(&self) -> impl Future<Output = Result<LiveState, ProviderError>>;

    /// Carry out one operation.
    fn execute(&self, op: &Op) -> impl Future<Output = Result<Outcome, ProviderError>>;

    /// The creates of this process whose answer was lost, for apply to settle (none for a
    /// backend that cannot lose one).
    fn lost_creates(&self) -> Vec<LostCreate> {
        Vec::new()
    }

    /// Why this backend cannot release a binding of type `t`, when it cannot: the plan then
    /// makes an unbind or rebind of that type a manual step with this reason. The default is
    /// the service's rule ([`crate::rules::released_by_hand`]): a backend that stands for the
    /// service, as the sandbox does, plans what the service would get.
    fn released_by_hand(&self, t: ChannelType) -> Option<String> {
        crate::rules::released_by_hand(t).map(str::to_string)
    }

    /// Whether this backend reads and changes message templates. A backend that does not
    /// refuses to plan a file that manages templates, with [`TEMPLATES_UNSUPPORTED`].
    fn supports_templates(&self) -> bool {
        false
    }

    /// Carry out one template operation; the code of a created template comes back as
    /// [`Outcome::Created`].
    fn execute_template(
        &self,
        op: &TemplateOp,
    ) -> impl Future<Output = Result<Outcome, ProviderError>> {
        let _ = op;
        async {
            Err(ProviderError::Unsupported(
                TEMPLATES_UNSUPPORTED.to_string(),
            ))
        }
    }

    /// Every channel named `name` of type `t`, with its binding.
    fn copies(
        &self,
        name: &str,
        t: ChannelType,
    ) -> impl Future<Output = Result<Vec<LiveChannel>, ProviderError>> {
        async move {
            let live = self.read().await?;
            Ok(live
                .channels
                .into_iter()
                .filter(|c| c.name == name && c.channel_type == t)
                .collect())
        }
    }
}

/// For tests: the target of a provider that keeps an account in memory.
#[cfg(test)]
pub(crate) fn memory_target() -> Target {
    Target {
        backend: "test".into(),
        account: "memory".into(),
    }
}
