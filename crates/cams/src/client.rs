//! The CAMS RPC transport: sign, send, read the envelope, classify errors, retry what is
//! safe to retry, and keep under the service's rate limits with a token bucket per action.
//!
//! Requests are `POST /` with the parameters in the query and ACS3-HMAC-SHA256 headers. A 200
//! whose `Code` is not OK is an error. Throttling, 5xx and connection failures are retried
//! with exponential backoff and jitter (bounded in attempts and time); auth errors are not,
//! and say what to check. Whether a failed request may have been carried out anyway (a
//! timeout or reset after sending) is reported, so that callers of non-idempotent
//! operations can look before they retry.

use crate::credentials::Provider;
use crate::endpoint::Endpoint;
use crate::sign;
use backon::{ExponentialBuilder, Retryable};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde_json::Value;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The API version every CAMS operation uses.
pub const VERSION: &str = "2020-06-06";

/// Parameters whose values are one-time secrets (the code that registers a WhatsApp number):
/// a request log shows their names, never their values.
const ONE_TIME_PARAMS: &[&str] = &["VerifyCode"];

/// A sink for `-v` lines.
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// How the client behaves.
#[derive(Clone)]
pub struct ClientOptions {
    /// Requests per second per action (the client-side token bucket).
    pub qps: u32,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Most attempts for a retryable failure.
    pub max_attempts: usize,
    /// The first wait between attempts (then doubling, with jitter, up to 5 s).
    pub min_retry_delay: Duration,
    /// Most time spent waiting between attempts of one call.
    pub max_retry_wait: Duration,
    pub log: Option<Log>,
    /// A sink for what is worth saying without `-v`: the first retry that waits more than
    /// [`NOTICE_WAIT`].
    pub notice: Option<Log>,
}

/// A retry that waits longer than this is said even without `-v` (the first one of a client).
pub const NOTICE_WAIT: Duration = Duration::from_secs(2);

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            qps: 10,
            timeout: Duration::from_secs(10),
            // Eight: at a 20 % rate of passing faults, six attempts still lose about one call
            // in 15,000, which a large apply (thousands of calls) meets; eight, one in 400,000.
            max_attempts: 8,
            min_retry_delay: Duration::from_millis(100),
            max_retry_wait: Duration::from_secs(60),
            log: None,
            notice: None,
        }
    }
}

/// A successful reply: the whole JSON body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub body: Value,
    pub request_id: Option<String>,
}

impl Reply {
    pub fn data(&self) -> &Value {
        &self.body["Data"]
    }
}

/// Why a call failed.
#[derive(Debug, Clone)]
pub enum CallError {
    /// The service answered with an error code.
    Api {
        status: u16,
        code: String,
        message: String,
        request_id: Option<String>,
        retry_after: Option<Duration>,
    },
    /// No usable answer. `maybe_done`: the request may have been carried out (sent, then the
    /// connection failed or timed out). `permanent`: a retry cannot help (the host name does
    /// not resolve, TLS does not fit, the certificate is refused).
    Transport {
        message: String,
        maybe_done: bool,
        permanent: bool,
    },
    /// No credentials to sign with: renewing temporary ones failed. Nothing was sent.
    Credentials { message: String },
}

impl CallError {
    /// Worth another attempt.
    pub fn retryable(&self) -> bool {
        match self {
            CallError::Transport { permanent, .. } => !permanent,
            CallError::Credentials { .. } => false,
            CallError::Api {
                status,
                code,
                retry_after,
                ..
            } => {
                *status >= 500
                    || retry_after.is_some()
                    || is_throttling(code)
                    || is_system_error(code)
            }
        }
    }

    pub fn maybe_done(&self) -> bool {
        match self {
            CallError::Transport { maybe_done, .. } => *maybe_done,
            CallError::Credentials { .. } => false,
            // A 5xx or a system error may come after the backend acted.
            CallError::Api { status, code, .. } => *status >= 500 || is_system_error(code),
        }
    }

    /// No answer came at all after the request was sent: it may still be on its way to the
    /// service and take effect later (an answer, even an error, means it has finished).
    pub fn in_flight(&self) -> bool {
        matches!(
            self,
            CallError::Transport {
                maybe_done: true,
                ..
            }
        )
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            CallError::Api { code, .. } => Some(code),
            CallError::Transport { .. } | CallError::Credentials { .. } => None,
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            CallError::Api { request_id, .. } => request_id.as_deref(),
            CallError::Transport { .. } | CallError::Credentials { .. } => None,
        }
    }

    /// The action, the service's message and what to check: without the code and RequestId,
    /// which [`the provider's error`] shows itself.
    pub fn message(&self, action: &str) -> String {
        self.text(action, false)
    }

    /// A message for people: the code, the service's message, what to check, the RequestId.
    pub fn describe(&self, action: &str) -> String {
        self.text(action, true)
    }

    /// Both texts: `ACTION: [CODE: ]MESSAGE (HTTP STATUS[, RequestId ID])[. HINT]`, the code
    /// and RequestId only `with_ids`; `ACTION: MESSAGE` for a transport failure.
    fn text(&self, action: &str, with_ids: bool) -> String {
        match self {
            CallError::Transport { message, .. } => format!("{action}: {message}"),
            CallError::Credentials { message } => {
                format!("{action}: not sent, no credentials: {message}")
            }
            CallError::Api {
                status,
                code,
                message,
                request_id,
                ..
            } => {
                let (code_part, request_part) = if with_ids {
                    (
                        format!("{code}: "),
                        request_id
                            .as_ref()
                            .map(|r| format!(", RequestId {r}"))
                            .unwrap_or_default(),
                    )
                } else {
                    (String::new(), String::new())
                };
                format!(
                    "{action}: {code_part}{message} (HTTP {status}{request_part}){}",
                    hint(code, action)
                        .map(|h| format!(". {h}"))
                        .unwrap_or_default()
                )
            }
        }
    }
}

use crate::codes::{hint, is_system_error, is_throttling};

/// The CAMS client.
pub struct Client {
    http: reqwest::Client,
    endpoint: Endpoint,
    creds: Provider,
    limiter: DefaultKeyedRateLimiter<String>,
    /// Operations whose documented rate is below `--qps`, each with a bucket at that rate
    /// (see [`crate::limits`]).
    documented: Vec<(&'static str, DefaultDirectRateLimiter)>,
    options: ClientOptions,
    /// Whether a retry was said without -v already.
    noticed: std::sync::atomic::AtomicBool,
}

impl Client {
    /// A client that signs with what `creds` gives before each request: fixed keys
    /// (`Credentials` converts), or a provider that renews temporary ones.
    pub fn new(
        endpoint: Endpoint,
        creds: impl Into<Provider>,
        options: ClientOptions,
    ) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("chanctl/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot set up HTTPS: {e}"))?;
        let qps = NonZeroU32::new(options.qps.max(1)).unwrap_or(NonZeroU32::MIN);
        let documented = crate::limits::DOCUMENTED
            .iter()
            .filter(|(_, rate)| *rate < qps.get())
            .filter_map(|(action, rate)| {
                NonZeroU32::new(*rate).map(|r| (*action, RateLimiter::direct(Quota::per_second(r))))
            })
            .collect();
        Ok(Client {
            http,
            endpoint,
            creds: creds.into(),
            limiter: RateLimiter::keyed(Quota::per_second(qps)),
            documented,
            options,
            noticed: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// The client's rate limit, requests per second per operation.
    pub fn qps(&self) -> u32 {
        self.options.qps.max(1)
    }

    /// How long one answer may take.
    pub fn timeout(&self) -> Duration {
        self.options.timeout
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    fn log(&self, line: &str) {
        if let Some(log) = &self.options.log {
            log(line);
        }
    }

    /// One attempt, after waiting for the action's token.
    pub async fn call_once(
        &self,
        action: &str,
        params: &[(String, String)],
    ) -> Result<Reply, CallError> {
        match self.documented.iter().find(|(a, _)| *a == action) {
            Some((_, bucket)) => bucket.until_ready().await,
            None => self.limiter.until_key_ready(&action.to_string()).await,
        }
        crate::usage::call();
        let creds = self
            .creds
            .current()
            .await
            .map_err(|message| CallError::Credentials { message })?;
        let date = sign::format_date(jiff::Timestamp::now());
        let nonce = sign::new_nonce();
        let headers = sign::sign_v3(
            "POST",
            &self.endpoint.host,
            action,
            VERSION,
            params,
            b"",
            &date,
            &nonce,
            &creds,
        );
        let query = sign::canonical_query(params);
        let url = if query.is_empty() {
            format!("{}/", self.endpoint.base)
        } else {
            format!("{}/?{query}", self.endpoint.base)
        };
        let mut request = self.http.post(&url);
        for (name, value) in &headers {
            if name != "host" {
                request = request.header(name.as_str(), value.as_str());
            }
        }
        let started = Instant::now();
        let shown: Vec<String> = params
            .iter()
            .map(|(k, v)| match ONE_TIME_PARAMS.contains(&k.as_str()) {
                true => format!("{k}=<redacted>"),
                false => format!("{k}={v}"),
            })
            .collect();
        self.log(&format!("→ {action} {}", shown.join(" ")));
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                let failure = crate::connection::failure(&e);
                self.log(&format!(
                    "← {action} {} after {} ms",
                    failure.kind,
                    started.elapsed().as_millis()
                ));
                return Err(CallError::Transport {
                    message: format!("{} ({})", failure.describe(), self.endpoint.base),
                    maybe_done: !e.is_connect() && failure.sent,
                    permanent: failure.permanent,
                });
            }
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("x-acs-retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|ms| *ms > 0)
            .map(Duration::from_millis);
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                return Err(CallError::Transport {
                    message: format!(
                        "the response was cut off: {}",
                        if e.is_timeout() {
                            "timed out"
                        } else {
                            "connection failed"
                        }
                    ),
                    maybe_done: true,
                    permanent: false,
                });
            }
        };
        let body: Value = serde_json::from_slice(&bytes).unwrap_or_else(|_| xml_error(&bytes));
        let field = |k: &str, alt: &str| {
            body.get(k)
                .or_else(|| body.get(alt))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let request_id = field("RequestId", "requestId");
        let code = field("Code", "code");
        self.log(&format!(
            "← {action} {status} {} ({} ms{})",
            code.as_deref().unwrap_or("-"),
            started.elapsed().as_millis(),
            request_id
                .as_ref()
                .map(|r| format!(", RequestId {r}"))
                .unwrap_or_default()
        ));
        // `Code` is the documented verdict: the API's own examples show `"Code": "OK"` with
        // `"Success": false` on operations that succeeded.
        let ok_code = code.as_deref().is_none_or(|c| c.eq_ignore_ascii_case("OK"));
        if (200..300).contains(&status) && body.is_object() && ok_code {
            return Ok(Reply { body, request_id });
        }
        Err(CallError::Api {
            status,
            code: code.unwrap_or_else(|| format!("HTTP{status}")),
            message: field("Message", "message").unwrap_or_else(|| "no message".to_string()),
            request_id,
            retry_after,
        })
    }

    /// A call with retries for retryable failures. Safe for reads and for idempotent changes;
    /// for others use [`Client::call_once`] and look before retrying.
    pub async fn call(
        &self,
        action: &str,
        params: &[(String, String)],
    ) -> Result<Reply, CallError> {
        let mut backoff = self.backoff();
        if is_read(action) {
            // A read changes nothing: more attempts cost only time, and a plan is not lost
            // to one unlucky listing.
            backoff = backoff.with_max_times(self.options.max_attempts + READ_EXTRA_ATTEMPTS - 1);
        }
        (|| async { self.call_once(action, params).await })
            .retry(backoff)
            .when(CallError::retryable)
            .adjust(|e: &CallError, wait| match e {
                CallError::Api {
                    retry_after: Some(after),
                    ..
                } => Some(*after),
                _ => wait,
            })
            .notify(|e: &CallError, wait: Duration| {
                crate::usage::retry();
                self.log(&format!(
                    "  retrying {action} in {} ms: {}",
                    wait.as_millis(),
                    e.describe(action)
                ));
                // A long wait is said without -v too, once: silence would look like a hang.
                if wait > NOTICE_WAIT
                    && let Some(notice) = &self.options.notice
                    && !self
                        .noticed
                        .swap(true, std::sync::atomic::Ordering::Relaxed)
                {
                    notice(&format!(
                        "retrying {action} in {:.1} s: {} (further retries are shown with -v)",
                        wait.as_secs_f64(),
                        e.describe(action)
                    ));
                }
            })
            .await
    }

    /// The backoff used between attempts.
    pub fn backoff(&self) -> ExponentialBuilder {
        ExponentialBuilder::default()
            .with_min_delay(self.options.min_retry_delay)
            .with_max_delay(Duration::from_secs(5))
            .with_max_times(self.options.max_attempts.saturating_sub(1))
            .with_total_delay(Some(self.options.max_retry_wait))
            .with_jitter()
    }

    pub fn log_line(&self, line: &str) {
        self.log(line);
    }
}

/// Attempts a read gets beyond [`ClientOptions::max_attempts`].
const READ_EXTRA_ATTEMPTS: usize = 4;

/// Whether `action` only reads (List*, Query*, Get*).
fn is_read(action: &str) -> bool {
    ["List", "Query", "Get"]
        .iter()
        .any(|p| action.starts_with(p))
}

/// Gateways may answer errors in XML: read `<Code>`, `<Message>` and `<RequestId>`.
fn xml_error(bytes: &[u8]) -> Value {
    let text = String::from_utf8_lossy(bytes);
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let close = format!("</{name}>");
        let start = text.find(&open)? + open.len();
        let end = text[start..].find(&close)? + start;
        Some(Value::String(text[start..end].to_string()))
    };
    let mut map = serde_json::Map::new();
    for name in ["Code", "Message", "RequestId"] {
        if let Some(v) = tag(name) {
            map.insert(name.to_string(), v);
        }
    }
    if map.is_empty() {
        map.insert(
            "Message".into(),
            Value::String("the response was not JSON".into()),
        );
    }
    Value::Object(map)
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
