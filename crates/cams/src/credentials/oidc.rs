//! OIDC role assumption, how CI systems (GitHub Actions, GitLab) and ACK pods (RRSA) get
//! Alibaba Cloud credentials without a stored key: the platform writes a signed OIDC token
//! to a file, and STS `AssumeRoleWithOIDC` exchanges it for temporary keys of a RAM role.
//! The file is read again at every renewal, since the platform rotates it.

use super::provider::{Hooks, Temporary};
use super::sts::{self, Session};
use crate::endpoint::Endpoint;
use std::path::PathBuf;

pub const ENV_ROLE_ARN: &str = "ALIBABA_CLOUD_ROLE_ARN";
pub const ENV_PROVIDER_ARN: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
pub const ENV_TOKEN_FILE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";

/// An OIDC role to assume.
pub(crate) struct Oidc {
    pub http: reqwest::Client,
    pub endpoint: Endpoint,
    pub role_arn: String,
    pub provider_arn: String,
    pub token_file: PathBuf,
    pub session: Session,
}

/// The three variables, when the environment asks for OIDC: `None` when neither the
/// provider nor the token file is set (a role ARN alone is not a request for OIDC), an
/// error naming what is missing when only some are set.
pub fn from_env(
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<Result<(String, String, PathBuf), String>> {
    let get = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    let (role, provider, file) = (
        get(ENV_ROLE_ARN),
        get(ENV_PROVIDER_ARN),
        get(ENV_TOKEN_FILE),
    );
    if provider.is_none() && file.is_none() {
        return None;
    }
    Some(match (role, provider, file) {
        (Some(role), Some(provider), Some(file)) => Ok((role, provider, PathBuf::from(file))),
        (role, provider, file) => {
            let missing: Vec<&str> = [
                (ENV_ROLE_ARN, role.is_none()),
                (ENV_PROVIDER_ARN, provider.is_none()),
                (ENV_TOKEN_FILE, file.is_none()),
            ]
            .into_iter()
            .filter_map(|(name, absent)| absent.then_some(name))
            .collect();
            Err(format!(
                "OIDC role assumption: {} must be set too ({ENV_ROLE_ARN}, {ENV_PROVIDER_ARN} and {ENV_TOKEN_FILE} go together)",
                missing.join(" and ")
            ))
        }
    })
}

impl Oidc {
    pub async fn fetch(&self, hooks: &Hooks) -> Result<Temporary, String> {
        let shown = self.token_file.display();
        let token = match std::fs::read_to_string(&self.token_file) {
            Ok(t) => t.trim().to_string(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(format!("the OIDC token file {shown} does not exist"));
            }
            Err(e) => return Err(format!("cannot read the OIDC token file {shown}: {e}")),
        };
        if token.is_empty() {
            return Err(format!("the OIDC token file {shown} is empty"));
        }
        hooks.secret(&token);
        sts::assume_role_with_oidc(
            &self.http,
            &self.endpoint,
            &self.role_arn,
            &self.provider_arn,
            &token,
            &self.session,
            hooks,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_three_or_an_error_naming_the_missing_ones() {
        let none = |_: &str| None;
        assert!(from_env(&none).is_none());
        let role_only = |k: &str| (k == ENV_ROLE_ARN).then(|| "acs:ram::1:role/r".to_string());
        assert!(from_env(&role_only).is_none(), "a role ARN alone");
        let partial = |k: &str| (k == ENV_TOKEN_FILE).then(|| "/t".to_string());
        let err = from_env(&partial).unwrap().unwrap_err();
        assert!(
            err.contains(ENV_ROLE_ARN) && err.contains(ENV_PROVIDER_ARN),
            "{err}"
        );
        let all = |k: &str| Some(format!("v-{k}"));
        let (role, _, file) = from_env(&all).unwrap().unwrap();
        assert_eq!(role, format!("v-{ENV_ROLE_ARN}"));
        assert_eq!(file, PathBuf::from(format!("v-{ENV_TOKEN_FILE}")));
    }
}
