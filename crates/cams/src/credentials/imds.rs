//! The RAM role of an ECS or ECI instance, read from the instance metadata service in its
//! hardened (IMDSv2-style) mode: `PUT /latest/api/token` with
//! `X-aliyun-ecs-metadata-token-ttl-seconds` gives a token, and with it in
//! `X-aliyun-ecs-metadata-token`, `GET /latest/meta-data/ram/security-credentials/` names the
//! role and `.../<role>` gives its temporary keys. Off an instance there is no answer, so
//! each request gives up after a second.

use super::provider::{Hooks, Temporary};
use crate::sign::Credentials;
use serde::Deserialize;
use std::time::Duration;

/// The metadata service's address on every ECS and ECI instance.
pub const DEFAULT_ENDPOINT: &str = "http://100.100.100.200";
/// Another metadata address (for tests, or a proxy).
pub const ENV_ENDPOINT: &str = "CHANCTL_ECS_METADATA_ENDPOINT";
/// The role to read (skips asking the service which role the instance has).
pub const ENV_ROLE: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// `true`: never ask the metadata service.
pub const ENV_DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// How long a metadata token is asked to last (the official SDKs' six hours).
const TOKEN_TTL_SECS: u32 = 21_600;
/// How long to wait to connect, and for each answer.
pub const TIMEOUT: Duration = Duration::from_secs(1);

const CREDENTIALS_PATH: &str = "/latest/meta-data/ram/security-credentials/";

/// The instance's role.
pub(crate) struct Imds {
    pub http: reqwest::Client,
    /// `http://HOST[:PORT]`, no trailing slash.
    pub base: String,
    pub role: Option<String>,
}

impl Imds {
    /// The metadata service at ENV_ENDPOINT or the default address, and the role named by
    /// `role` (a profile's `ram_role_name`), else ENV_ROLE, else the one the service names.
    pub fn new(env: &dyn Fn(&str) -> Option<String>, role: Option<&str>) -> Result<Imds, String> {
        let set = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .connect_timeout(TIMEOUT)
            .timeout(TIMEOUT * 2)
            .build()
            .map_err(|e| format!("cannot set up HTTP: {e}"))?;
        Ok(Imds {
            http,
            base: set(env(ENV_ENDPOINT))
                .unwrap_or_else(|| DEFAULT_ENDPOINT.to_string())
                .trim_end_matches('/')
                .to_string(),
            role: set(role.map(str::to_string)).or_else(|| set(env(ENV_ROLE))),
        })
    }

    /// Whether the environment turns the metadata service off.
    pub fn disabled(env: &dyn Fn(&str) -> Option<String>) -> bool {
        env(ENV_DISABLED).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }

    async fn text(&self, request: reqwest::RequestBuilder, what: &str) -> Result<String, String> {
        let response = request.send().await.map_err(|e| {
            format!(
                "no answer from the instance metadata service at {} ({}; not an ECS or ECI instance?)",
                self.base,
                if e.is_timeout() {
                    "timed out"
                } else {
                    "could not connect"
                }
            )
        })?;
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|_| format!("{what}: the answer was cut off"))?;
        if !status.is_success() {
            return Err(format!("{what}: HTTP {}", status.as_u16()));
        }
        Ok(body)
    }

    pub async fn fetch(&self, hooks: &Hooks) -> Result<Temporary, String> {
        let obtained = jiff::Timestamp::now();
        let token = self
            .text(
                self.http
                    .put(format!("{}/latest/api/token", self.base))
                    .header("X-aliyun-ecs-metadata-token-ttl-seconds", TOKEN_TTL_SECS),
                "metadata token",
            )
            .await?;
        hooks.secret(&token);
        let get = |path: String| {
            self.http
                .get(format!("{}{path}", self.base))
                .header("X-aliyun-ecs-metadata-token", token.as_str())
        };
        let role = match &self.role {
            Some(r) => r.clone(),
            None => {
                let listed = self
                    .text(get(CREDENTIALS_PATH.to_string()), "the instance's RAM role")
                    .await?;
                match listed.lines().map(str::trim).find(|l| !l.is_empty()) {
                    Some(r) => r.to_string(),
                    None => return Err("the instance has no RAM role attached".to_string()),
                }
            }
        };
        let what = format!("RAM role `{role}`");
        let body = self
            .text(get(format!("{CREDENTIALS_PATH}{role}")), &what)
            .await?;
        let reply: Reply = serde_json::from_str(&body)
            .map_err(|_| format!("{what}: the answer is not the credentials JSON"))?;
        if reply.code != "Success" {
            return Err(format!("{what}: Code {}", reply.code));
        }
        hooks.secret(&reply.access_key_secret);
        hooks.secret(&reply.security_token);
        let expiration = reply.expiration.parse::<jiff::Timestamp>().map_err(|_| {
            format!(
                "{what}: Expiration `{}` is not a UTC time",
                reply.expiration
            )
        })?;
        let mut credentials = Credentials::new(reply.access_key_id, reply.access_key_secret);
        credentials.security_token = Some(reply.security_token);
        Ok(Temporary {
            credentials,
            expiration: Some(expiration),
            obtained,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Reply {
    code: String,
    access_key_id: String,
    access_key_secret: String,
    security_token: String,
    expiration: String,
}
