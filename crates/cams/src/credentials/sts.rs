//! Alibaba Cloud STS (Security Token Service, API 2015-04-01): the two actions that turn a
//! role into temporary credentials. `AssumeRole` is signed with ACS3-HMAC-SHA256 like a
//! CAMS request (by the caller's keys); `AssumeRoleWithOIDC` is anonymous, as in the
//! official SDKs: the OIDC token is the proof. Both send their parameters as a form body
//! and read `Credentials {AccessKeyId, AccessKeySecret, SecurityToken, Expiration}`.
//!
//! [`DECLARED`] is what the official STS SDK declares for each action; the emulator
//! refuses anything else, as it does for CAMS.

use super::provider::{Hooks, Provider, Temporary};
use crate::endpoint::{self, Endpoint};
use crate::sign;
use serde::Deserialize;
use std::time::Duration;

/// The STS API version.
pub const VERSION: &str = "2015-04-01";
/// The global STS endpoint.
pub const DEFAULT_HOST: &str = "sts.aliyuncs.com";
/// Overrides the STS endpoint (host or URL), as the official credentials libraries do.
pub const ENV_ENDPOINT: &str = "ALIBABA_CLOUD_STS_ENDPOINT";
/// Chooses a regional STS endpoint, `sts.REGION.aliyuncs.com`.
pub const ENV_REGION: &str = "ALIBABA_CLOUD_STS_REGION";
/// With a region: the VPC endpoint `sts-vpc.REGION.aliyuncs.com`.
pub const ENV_VPC: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";
/// The session length asked for, the official SDKs' default.
pub const DEFAULT_DURATION_SECS: u32 = 3600;

/// Request parameters of each STS action, as the official SDK declares them.
pub const DECLARED: [(&str, &[&str]); 2] = [
    (
        "AssumeRole",
        &[
            "RoleArn",
            "RoleSessionName",
            "DurationSeconds",
            "Policy",
            "ExternalId",
        ],
    ),
    (
        "AssumeRoleWithOIDC",
        &[
            "RoleArn",
            "OIDCProviderArn",
            "OIDCToken",
            "RoleSessionName",
            "DurationSeconds",
            "Policy",
        ],
    ),
];

/// Query parameters of an anonymous request (the action and its envelope).
pub const ANONYMOUS_COMMON: [&str; 4] = ["Action", "Version", "Format", "Timestamp"];

/// Whether `action` is an STS action.
pub fn is_action(action: &str) -> bool {
    DECLARED.iter().any(|(a, _)| *a == action)
}

/// Whether STS action `action` takes parameter `name`.
pub fn takes(action: &str, name: &str) -> bool {
    ANONYMOUS_COMMON.contains(&name)
        || DECLARED
            .iter()
            .any(|(a, params)| *a == action && params.contains(&name))
}

/// The STS endpoint: `explicit` (a profile's `sts_endpoint`), else ALIBABA_CLOUD_STS_ENDPOINT,
/// else the region's (`region`, a profile's `sts_region`, else ALIBABA_CLOUD_STS_REGION),
/// else the global one. A host without a scheme is https.
pub fn endpoint(
    env: &dyn Fn(&str) -> Option<String>,
    explicit: Option<&str>,
    region: Option<&str>,
) -> Result<Endpoint, String> {
    let set = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    let given = set(explicit.map(str::to_string)).or_else(|| set(env(ENV_ENDPOINT)));
    let host = match given {
        Some(url) if url.contains("://") => {
            return endpoint::parse(&url).map_err(|e| format!("STS {e}"));
        }
        Some(host) => host,
        None => match set(region.map(str::to_string)).or_else(|| set(env(ENV_REGION))) {
            Some(region) => {
                let vpc = env(ENV_VPC).is_some_and(|v| v.eq_ignore_ascii_case("true"));
                format!("sts{}.{region}.aliyuncs.com", if vpc { "-vpc" } else { "" })
            }
            None => DEFAULT_HOST.to_string(),
        },
    };
    endpoint::parse(&format!("https://{}", host.trim())).map_err(|e| format!("STS {e}"))
}

/// The HTTP client for STS calls. It keeps no idle connection: calls are an hour apart,
/// and each may run on another async runtime than the one before.
pub(crate) fn http() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .user_agent(concat!("chanctl/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot set up HTTPS: {e}"))
}

/// What a role assumption asks for besides the role.
#[derive(Debug, Clone)]
pub struct Session {
    pub name: String,
    pub duration_secs: u32,
    pub policy: Option<String>,
}

impl Session {
    /// ALIBABA_CLOUD_ROLE_SESSION_NAME, else `chanctl-SECONDS`; an hour.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Session {
        Session {
            name: env("ALIBABA_CLOUD_ROLE_SESSION_NAME")
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(default_session_name),
            duration_secs: DEFAULT_DURATION_SECS,
            policy: None,
        }
    }

    fn params(&self) -> Vec<(String, String)> {
        let mut p = vec![
            ("RoleSessionName".to_string(), self.name.clone()),
            (
                "DurationSeconds".to_string(),
                self.duration_secs.to_string(),
            ),
        ];
        if let Some(policy) = &self.policy {
            p.push(("Policy".to_string(), policy.clone()));
        }
        p
    }
}

/// `chanctl-<unix seconds>`.
pub fn default_session_name() -> String {
    format!("chanctl-{}", jiff::Timestamp::now().as_second())
}

/// `AssumeRole` with the credentials of another provider (an AccessKey, an instance role,
/// or a role assumed before: a chain).
pub(crate) struct AssumeRole {
    pub http: reqwest::Client,
    pub endpoint: Endpoint,
    pub source: Box<Provider>,
    pub role_arn: String,
    pub external_id: Option<String>,
    pub session: Session,
}

impl AssumeRole {
    pub async fn fetch(&self, hooks: &Hooks) -> Result<Temporary, String> {
        let creds = self.source.current().await?;
        let mut params = vec![("RoleArn".to_string(), self.role_arn.clone())];
        if let Some(id) = &self.external_id {
            params.push(("ExternalId".to_string(), id.clone()));
        }
        params.extend(self.session.params());
        let body = sign::canonical_query(&params);
        let headers = sign::sign_v3(
            "POST",
            &self.endpoint.host,
            "AssumeRole",
            VERSION,
            &[],
            body.as_bytes(),
            &sign::format_date(jiff::Timestamp::now()),
            &sign::new_nonce(),
            &creds,
        );
        let mut request = self
            .http
            .post(format!("{}/", self.endpoint.base))
            .body(body);
        for (name, value) in &headers {
            if name != "host" {
                request = request.header(name.as_str(), value.as_str());
            }
        }
        send("AssumeRole", &self.endpoint, request, hooks).await
    }
}

/// `AssumeRoleWithOIDC`: anonymous, the token in the body.
pub(crate) async fn assume_role_with_oidc(
    http: &reqwest::Client,
    endpoint: &Endpoint,
    role_arn: &str,
    provider_arn: &str,
    token: &str,
    session: &Session,
    hooks: &Hooks,
) -> Result<Temporary, String> {
    let mut params = vec![
        ("RoleArn".to_string(), role_arn.to_string()),
        ("OIDCProviderArn".to_string(), provider_arn.to_string()),
        ("OIDCToken".to_string(), token.to_string()),
    ];
    params.extend(session.params());
    let query = sign::canonical_query(&[
        ("Action".to_string(), "AssumeRoleWithOIDC".to_string()),
        ("Format".to_string(), "JSON".to_string()),
        ("Version".to_string(), VERSION.to_string()),
        (
            "Timestamp".to_string(),
            sign::format_date(jiff::Timestamp::now()),
        ),
    ]);
    let request = http
        .post(format!("{}/?{query}", endpoint.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(sign::canonical_query(&params));
    send("AssumeRoleWithOIDC", endpoint, request, hooks).await
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Reply {
    credentials: Option<Issued>,
    request_id: Option<String>,
    code: Option<String>,
    message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Issued {
    access_key_id: String,
    access_key_secret: String,
    security_token: String,
    expiration: String,
}

/// Send, read the reply, and say what went wrong in a line that names the action.
async fn send(
    action: &str,
    endpoint: &Endpoint,
    request: reqwest::RequestBuilder,
    hooks: &Hooks,
) -> Result<Temporary, String> {
    let obtained = jiff::Timestamp::now();
    let response = request.send().await.map_err(|e| {
        format!(
            "STS {action} at {}: {}",
            endpoint.base,
            if e.is_timeout() {
                "timed out"
            } else if e.is_connect() {
                "could not connect"
            } else {
                "connection failed"
            }
        )
    })?;
    let status = response.status().as_u16();
    let bytes = response
        .bytes()
        .await
        .map_err(|_| format!("STS {action}: the answer was cut off"))?;
    let reply: Option<Reply> = serde_json::from_slice(&bytes).ok();
    let request_id = reply
        .as_ref()
        .and_then(|r| r.request_id.clone())
        .map(|r| format!(", RequestId {r}"))
        .unwrap_or_default();
    match reply {
        Some(Reply {
            credentials: Some(issued),
            ..
        }) if (200..300).contains(&status) => {
            hooks.secret(&issued.access_key_secret);
            hooks.secret(&issued.security_token);
            let expiration = issued.expiration.parse::<jiff::Timestamp>().map_err(|_| {
                format!(
                    "STS {action}: Expiration `{}` is not a UTC time (HTTP {status}{request_id})",
                    issued.expiration
                )
            })?;
            let mut credentials =
                sign::Credentials::new(issued.access_key_id, issued.access_key_secret);
            credentials.security_token = Some(issued.security_token);
            Ok(Temporary {
                credentials,
                expiration: Some(expiration),
                obtained,
            })
        }
        Some(Reply {
            code: Some(code),
            message,
            ..
        }) => Err(format!(
            "STS {action}: {code}: {} (HTTP {status}{request_id})",
            message.unwrap_or_else(|| "no message".to_string())
        )),
        _ => Err(format!(
            "STS {action}: HTTP {status} without credentials{request_id}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_explicit_then_the_variable_then_the_region() {
        let env = |k: &str| match k {
            ENV_REGION => Some("ap-southeast-1".to_string()),
            _ => None,
        };
        assert_eq!(
            endpoint(&env, None, None).unwrap().base,
            "https://sts.ap-southeast-1.aliyuncs.com"
        );
        assert_eq!(
            endpoint(&env, Some("sts.cn-hangzhou.aliyuncs.com"), None)
                .unwrap()
                .base,
            "https://sts.cn-hangzhou.aliyuncs.com"
        );
        let none = |_: &str| None;
        assert_eq!(
            endpoint(&none, None, None).unwrap().base,
            "https://sts.aliyuncs.com"
        );
        let local = |k: &str| (k == ENV_ENDPOINT).then(|| "http://127.0.0.1:9".to_string());
        assert_eq!(
            endpoint(&local, None, None).unwrap().base,
            "http://127.0.0.1:9"
        );
        let plain = |k: &str| (k == ENV_ENDPOINT).then(|| "http://10.0.0.1".to_string());
        let err = endpoint(&plain, None, None).unwrap_err();
        assert!(err.starts_with("STS endpoint"), "{err}");
    }

    #[test]
    fn the_declared_parameters() {
        assert!(takes("AssumeRole", "RoleArn") && takes("AssumeRole", "ExternalId"));
        assert!(!takes("AssumeRole", "OIDCToken"));
        assert!(takes("AssumeRoleWithOIDC", "OIDCToken"));
        assert!(takes("AssumeRoleWithOIDC", "Timestamp"));
        assert!(is_action("AssumeRole") && !is_action("ListInstance"));
    }
}
