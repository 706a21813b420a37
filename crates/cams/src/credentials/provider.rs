//! A source of credentials that the client asks before every request: fixed keys, or
//! temporary ones (STS, instance metadata) kept until shortly before they expire and then
//! fetched again, so that a long apply never signs with an expired token.
//!
//! Every secret a provider meets (a key's secret, an STS token, an OIDC token, a metadata
//! token) is handed to the [`Hooks`]' secret sink as soon as it is read, so that the caller
//! can keep it out of everything it writes.

use super::{imds, oidc, sts};
use crate::sign::Credentials;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Told every secret value read.
pub type SecretSink = Arc<dyn Fn(&str) + Send + Sync>;
/// Told what a provider does (for `-v`), never a secret.
pub type LogSink = Arc<dyn Fn(&str) + Send + Sync>;

/// Where a provider reports secrets and what it does.
#[derive(Clone, Default)]
pub struct Hooks {
    pub secrets: Option<SecretSink>,
    pub log: Option<LogSink>,
}

impl Hooks {
    pub(crate) fn secret(&self, value: &str) {
        if let Some(sink) = &self.secrets
            && !value.is_empty()
        {
            sink(value);
        }
    }

    pub(crate) fn log(&self, line: &str) {
        if let Some(log) = &self.log {
            log(line);
        }
    }
}

/// Credentials and, for temporary ones, when they expire.
#[derive(Debug, Clone)]
pub struct Temporary {
    pub credentials: Credentials,
    pub expiration: Option<jiff::Timestamp>,
    /// When they were obtained (their lifetime decides how early they are renewed).
    pub obtained: jiff::Timestamp,
}

/// The longest a provider waits before an expiration to renew: the official SDKs' margin.
pub const MAX_RENEW_MARGIN: jiff::SignedDuration = jiff::SignedDuration::from_secs(180);

impl Temporary {
    /// Fixed credentials: they never expire.
    pub fn fixed(credentials: Credentials) -> Self {
        Temporary {
            credentials,
            expiration: None,
            obtained: jiff::Timestamp::now(),
        }
    }

    /// Still good enough to sign with at `now`: more than the renewal margin before the
    /// expiration. The margin is 180 s, or a quarter of the lifetime for credentials issued
    /// for less than 12 minutes (STS issues at least 15, so only a test's short-lived keys).
    pub fn fresh_at(&self, now: jiff::Timestamp) -> bool {
        let Some(end) = self.expiration else {
            return true;
        };
        let lifetime = end.duration_since(self.obtained);
        let margin = (lifetime / 4).min(MAX_RENEW_MARGIN);
        end.duration_since(now) > margin
    }
}

/// How a provider gets its credentials.
pub(crate) enum Fetch {
    Fixed(Credentials),
    Oidc(oidc::Oidc),
    AssumeRole(sts::AssumeRole),
    Imds(imds::Imds),
}

/// A source of credentials, renewed before they expire.
pub struct Provider {
    fetch: Fetch,
    describe: String,
    hooks: Hooks,
    cache: tokio::sync::Mutex<Option<Temporary>>,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("source", &self.describe)
            .finish_non_exhaustive()
    }
}

/// Fixed keys, for tests and callers that hold their own.
impl From<Credentials> for Provider {
    fn from(credentials: Credentials) -> Self {
        Provider::new(Fetch::Fixed(credentials), "given keys", Hooks::default())
    }
}

impl Provider {
    pub(crate) fn new(fetch: Fetch, describe: impl Into<String>, hooks: Hooks) -> Self {
        if let Fetch::Fixed(c) = &fetch {
            hooks.secret(&c.access_key_secret);
            if let Some(token) = &c.security_token {
                hooks.secret(token);
            }
        }
        Provider {
            fetch,
            describe: describe.into(),
            hooks,
            cache: tokio::sync::Mutex::new(None),
        }
    }

    /// Where the credentials come from, for messages (never a secret).
    pub fn describe(&self) -> &str {
        &self.describe
    }

    /// Whether the credentials are temporary (renewed by this provider).
    pub fn renews(&self) -> bool {
        !matches!(self.fetch, Fetch::Fixed(_))
    }

    /// Credentials to sign a request with now: the ones held while they are fresh, else
    /// new ones. An error names the source and says what went wrong.
    pub async fn current(&self) -> Result<Credentials, String> {
        self.current_temporary().await.map(|t| t.credentials)
    }

    /// [`Provider::current`] with the expiration.
    pub async fn current_temporary(&self) -> Result<Temporary, String> {
        if let Fetch::Fixed(c) = &self.fetch {
            // Nothing to renew, nothing to wait for.
            return Ok(Temporary::fixed(c.clone()));
        }
        let mut cache = self.cache.lock().await;
        if let Some(held) = cache.as_ref()
            && held.fresh_at(jiff::Timestamp::now())
        {
            return Ok(held.clone());
        }
        let renewing = cache.is_some();
        let fresh = match self.fetch().await {
            Ok(fresh) => fresh,
            Err(why) => {
                // Renewal failed before the held credentials ran out: sign with them while
                // they last, and try again at the next request.
                if let Some(held) = cache.as_ref()
                    && held.expiration.is_some_and(|e| e > jiff::Timestamp::now())
                {
                    self.hooks.log(&format!(
                        "credentials: renewal failed, the held ones are used until they expire: {}: {why}",
                        self.describe
                    ));
                    return Ok(held.clone());
                }
                return Err(format!("{}: {why}", self.describe));
            }
        };
        self.hooks.secret(&fresh.credentials.access_key_secret);
        if let Some(token) = &fresh.credentials.security_token {
            self.hooks.secret(token);
        }
        if self.renews() {
            self.hooks.log(&format!(
                "credentials: {} access key {} from {}{}",
                if renewing { "renewed" } else { "obtained" },
                fresh.credentials.access_key_id,
                self.describe,
                fresh
                    .expiration
                    .map(|e| format!(", expires {e}"))
                    .unwrap_or_default()
            ));
        }
        *cache = Some(fresh.clone());
        Ok(fresh)
    }

    fn fetch(&self) -> Pin<Box<dyn Future<Output = Result<Temporary, String>> + Send + '_>> {
        Box::pin(async move {
            match &self.fetch {
                Fetch::Fixed(c) => Ok(Temporary::fixed(c.clone())),
                Fetch::Oidc(o) => o.fetch(&self.hooks).await,
                Fetch::AssumeRole(a) => a.fetch(&self.hooks).await,
                Fetch::Imds(i) => i.fetch(&self.hooks).await,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> jiff::Timestamp {
        jiff::Timestamp::from_second(1_800_000_000 + secs).unwrap_or_default()
    }

    #[test]
    fn renewed_within_the_margin_before_expiry() {
        let hour = Temporary {
            credentials: Credentials::new("id", "s"),
            expiration: Some(at(3600)),
            obtained: at(0),
        };
        assert!(hour.fresh_at(at(3600 - 181)));
        assert!(!hour.fresh_at(at(3600 - 180)), "180 s before: renew");
        let short = Temporary {
            expiration: Some(at(4)),
            ..hour.clone()
        };
        assert!(short.fresh_at(at(2)));
        assert!(!short.fresh_at(at(3)), "a quarter of 4 s before: renew");
        assert!(Temporary::fixed(Credentials::new("id", "s")).fresh_at(at(1 << 30)));
    }

    #[test]
    fn fixed_keys_are_told_to_the_secret_sink() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let sink = seen.clone();
        let hooks = Hooks {
            secrets: Some(Arc::new(move |s: &str| {
                sink.lock().unwrap().push(s.to_string())
            })),
            log: None,
        };
        let mut c = Credentials::new("id", "the-secret");
        c.security_token = Some("the-token".into());
        let p = Provider::new(Fetch::Fixed(c), "test", hooks);
        assert!(!p.renews());
        assert_eq!(*seen.lock().unwrap(), ["the-secret", "the-token"]);
    }
}
