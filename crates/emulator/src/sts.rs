//! STS (API 2015-04-01) on the emulator's address, so that role assumption runs over real
//! HTTP in tests: `AssumeRole` (signed by a key the emulator accepts, its own or a
//! temporary one: a chain) and `AssumeRoleWithOIDC` (anonymous; the token must be one of
//! `--oidc-token`). Both issue temporary keys that the CAMS operations then accept with
//! their SecurityToken, until they expire (`InvalidSecurityToken.Expired` after).
//!
//! Lifetimes: the `DurationSeconds` asked for (900 to 43,200; default 3,600), unless
//! `--sts-lifetime-secs` sets one for every key (a refresh test needs seconds, not
//! minutes). Replies: `{RequestId, AssumedRoleUser {Arn, AssumedRoleId}, Credentials
//! {AccessKeyId, AccessKeySecret, SecurityToken, Expiration}}`. Refusals (all HTTP 400,
//! codes assumed where STS does not document them): `MissingParameter`,
//! `InvalidParameter.RoleArn`, `.OIDCProviderArn`, `.DurationSeconds`, `.OIDCToken` (not a
//! token the emulator was given), `InvalidParameter.Undeclared`, `InvalidVersion`.

use super::Emulator;
use super::envelope::ApiError;
use chanctl_cams::credentials::sts;
use chanctl_cams::sign::Credentials;
use chanctl_cams::verify::{HttpRequest, header, is_form, parse_form};
use serde_json::{Value, json};
use std::time::Duration;

/// What the STS side is told at start.
#[derive(Debug, Clone, Default)]
pub struct StsConfig {
    /// Every issued key lasts this long, whatever was asked.
    pub lifetime: Option<Duration>,
    /// The OIDC tokens `AssumeRoleWithOIDC` accepts.
    pub oidc_tokens: Vec<String>,
    /// The RAM role the instance metadata routes serve (none: they answer 404).
    pub ecs_role: Option<String>,
}

/// The STS action a request names, if it names one.
pub fn action(req: &HttpRequest<'_>) -> Option<String> {
    let query = parse_form(req.raw_query);
    header(req.headers, "x-acs-action")
        .map(str::to_string)
        .or_else(|| {
            query
                .iter()
                .find(|(k, _)| k == "Action")
                .map(|(_, v)| v.clone())
        })
        .filter(|a| sts::is_action(a))
}

fn version(req: &HttpRequest<'_>) -> Option<String> {
    header(req.headers, "x-acs-version")
        .map(str::to_string)
        .or_else(|| {
            parse_form(req.raw_query)
                .into_iter()
                .find(|(k, _)| k == "Version")
                .map(|(_, v)| v)
        })
}

/// Digits, then `:KIND/NAME`: `acs:ram::1234:role/name`.
fn valid_arn(arn: &str, kind: &str) -> bool {
    let Some(rest) = arn.strip_prefix("acs:ram::") else {
        return false;
    };
    let Some((account, resource)) = rest.split_once(':') else {
        return false;
    };
    !account.is_empty()
        && account.chars().all(|c| c.is_ascii_digit())
        && resource
            .strip_prefix(kind)
            .and_then(|r| r.strip_prefix('/'))
            .is_some_and(|name| !name.is_empty())
}

/// A new temporary key pair with its token.
pub fn issue() -> Credentials {
    let random = || uuid::Uuid::new_v4().simple().to_string();
    let mut c = Credentials::new(format!("STS.{}", &random()[..24]).to_uppercase(), random());
    c.security_token = Some(format!("CAIS{}{}", random(), random()));
    c
}

/// `now + lifetime`, to the second (as `Expiration` is written).
pub fn expiration(lifetime: Duration) -> jiff::Timestamp {
    let secs = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX / 2);
    jiff::Timestamp::from_second(jiff::Timestamp::now().as_second().saturating_add(secs))
        .unwrap_or(jiff::Timestamp::MAX)
}

impl Emulator {
    /// Answer an STS request: the reply's body, or the refusal.
    pub fn sts(&self, action: &str, req: &HttpRequest<'_>) -> Result<Value, ApiError> {
        match version(req) {
            Some(v) if v == sts::VERSION => {}
            Some(v) => {
                return Err(ApiError::new(
                    400,
                    "InvalidVersion",
                    format!(
                        "Specified parameter Version `{v}` is not valid; STS has {}.",
                        sts::VERSION
                    ),
                ));
            }
            None => return Err(ApiError::missing("Version")),
        }
        let params = if action == "AssumeRoleWithOIDC" {
            let mut p = parse_form(req.raw_query);
            if is_form(req.headers) {
                p.extend(parse_form(&String::from_utf8_lossy(req.body)));
            }
            p
        } else {
            super::auth::authenticate(&self.verifier, req)?.params
        };
        if let Some((bad, _)) = params.iter().find(|(k, _)| !sts::takes(action, k)) {
            return Err(ApiError::new(
                400,
                "InvalidParameter.Undeclared",
                format!(
                    "{action} has no parameter {bad}: the official STS SDK does not declare it"
                ),
            ));
        }
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
        };
        let required = |name: &str| get(name).ok_or_else(|| ApiError::missing(name));
        let role_arn = required("RoleArn")?;
        if !valid_arn(role_arn, "role") {
            return Err(ApiError::invalid(
                "RoleArn",
                "expected acs:ram::ACCOUNT:role/NAME",
            ));
        }
        let session = required("RoleSessionName")?;
        let asked = match get("DurationSeconds") {
            None => 3600,
            Some(d) => match d.parse::<u64>() {
                Ok(d) if (900..=43_200).contains(&d) => d,
                _ => {
                    return Err(ApiError::invalid(
                        "DurationSeconds",
                        "seconds from 900 to 43200",
                    ));
                }
            },
        };
        if action == "AssumeRoleWithOIDC" {
            if !valid_arn(required("OIDCProviderArn")?, "oidc-provider") {
                return Err(ApiError::invalid(
                    "OIDCProviderArn",
                    "expected acs:ram::ACCOUNT:oidc-provider/NAME",
                ));
            }
            let token = required("OIDCToken")?;
            if !self.sts_config.oidc_tokens.iter().any(|t| t == token) {
                return Err(ApiError::invalid(
                    "OIDCToken",
                    "the token is not one this identity provider issued",
                ));
            }
        }
        let lifetime = self
            .sts_config
            .lifetime
            .unwrap_or(Duration::from_secs(asked));
        let (creds, expires) = self.issue_temporary(lifetime);
        let account = role_arn
            .trim_start_matches("acs:ram::")
            .split(':')
            .next()
            .unwrap_or_default();
        Ok(json!({
            "RequestId": super::envelope::request_id(),
            "AssumedRoleUser": {
                "Arn": format!("{}/{session}", role_arn.replacen(":role/", ":assumed-role/", 1)),
                "AssumedRoleId": format!("{account}:{session}"),
            },
            "Credentials": credentials_json(&creds, expires),
        }))
    }

    /// New temporary keys, accepted until `lifetime` from now.
    pub fn issue_temporary(&self, lifetime: Duration) -> (Credentials, jiff::Timestamp) {
        let creds = issue();
        let expires = expiration(lifetime);
        self.verifier.add_temporary(&creds, expires);
        (creds, expires)
    }
}

/// `{AccessKeyId, AccessKeySecret, SecurityToken, Expiration}`.
pub fn credentials_json(creds: &Credentials, expires: jiff::Timestamp) -> Value {
    json!({
        "AccessKeyId": creds.access_key_id,
        "AccessKeySecret": creds.access_key_secret,
        "SecurityToken": creds.security_token,
        "Expiration": chanctl_cams::sign::format_date(expires),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_are_checked() {
        assert!(valid_arn("acs:ram::1234:role/plan", "role"));
        assert!(valid_arn(
            "acs:ram::1:oidc-provider/github",
            "oidc-provider"
        ));
        assert!(!valid_arn("acs:ram::12a:role/plan", "role"));
        assert!(!valid_arn("acs:ram::1:role/", "role"));
        assert!(!valid_arn("acs:ram::1:user/x", "role"));
        let c = issue();
        assert!(c.access_key_id.starts_with("STS."));
        assert!(c.security_token.is_some_and(|t| t.starts_with("CAIS")));
    }
}
