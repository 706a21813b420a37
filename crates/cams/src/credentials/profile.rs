//! Profiles of the aliyun CLI's `~/.aliyun/config.json`, in the modes chanctl can use:
//! `AK` and `StsToken` (keys in the file), `RamRoleArn` (the profile's key assumes a role),
//! `EcsRamRole` (the instance's role), `ChainableRamRoleArn` (another profile's credentials
//! assume a role) and `OIDC`. Field names are the CLI's own.

use super::provider::{Fetch, Hooks, Provider};
use super::{imds, oidc, sts};
use crate::sign::Credentials;
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// The aliyun CLI's configuration file.
#[derive(Debug, Deserialize)]
pub(crate) struct CliConfig {
    #[serde(default)]
    pub current: String,
    #[serde(default)]
    pub profiles: Vec<CliProfile>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CliProfile {
    name: String,
    mode: String,
    access_key_id: String,
    access_key_secret: String,
    sts_token: String,
    sts_region: String,
    sts_endpoint: String,
    ram_role_name: String,
    ram_role_arn: String,
    ram_session_name: String,
    external_id: String,
    source_profile: String,
    expired_seconds: u32,
    oidc_provider_arn: String,
    oidc_token_file: String,
}

impl fmt::Debug for CliProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CliProfile")
            .field("name", &self.name)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

/// What building a profile's provider needs.
pub(crate) struct Ctx<'a> {
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub hooks: &'a Hooks,
    pub path: &'a Path,
}

/// The file, or `None` when it does not exist; an error says what is wrong with it.
pub(crate) fn read(path: &Path) -> Result<Option<CliConfig>, String> {
    let shown = path.display();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{shown}: cannot read: {e}")),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| format!("{shown}: not a valid aliyun CLI config: {e}"))
}

impl CliConfig {
    /// The profile named `wanted`, else `current`, else `default`.
    pub fn chosen(&self, wanted: Option<&str>) -> String {
        match wanted {
            Some(w) => w.to_string(),
            None if self.current.is_empty() => "default".to_string(),
            None => self.current.clone(),
        }
    }

    /// The provider of profile `name`; `seen` holds the profiles a chain came through.
    pub fn provider(
        &self,
        name: &str,
        ctx: &Ctx<'_>,
        seen: &mut Vec<String>,
    ) -> Result<Provider, String> {
        let shown = ctx.path.display();
        let Some(p) = self.profiles.iter().find(|p| p.name == name) else {
            let names: Vec<&str> = self.profiles.iter().map(|p| p.name.as_str()).collect();
            return Err(format!(
                "{shown}: no profile `{name}` (profiles: {})",
                names.join(", ")
            ));
        };
        if seen.iter().any(|s| s == name) {
            seen.push(name.to_string());
            return Err(format!(
                "{shown}: profiles form a loop through source_profile: {}",
                seen.join(" → ")
            ));
        }
        seen.push(name.to_string());
        let mode = if p.mode.is_empty() { "AK" } else { &p.mode };
        let here = format!("{shown} profile `{name}`");
        let need = |field: &str, value: &str| {
            if value.trim().is_empty() {
                Err(format!("{here}: mode {mode} needs `{field}`"))
            } else {
                Ok(value.to_string())
            }
        };
        let keys = |token: Option<String>| -> Result<Credentials, String> {
            let mut c = Credentials::new(
                need("access_key_id", &p.access_key_id)?,
                need("access_key_secret", &p.access_key_secret)?,
            );
            c.security_token = token;
            Ok(c)
        };
        let session = || sts::Session {
            name: if p.ram_session_name.trim().is_empty() {
                sts::default_session_name()
            } else {
                p.ram_session_name.clone()
            },
            duration_secs: if p.expired_seconds == 0 {
                sts::DEFAULT_DURATION_SECS
            } else {
                p.expired_seconds
            },
            policy: None,
        };
        let assume = |source: Provider, describe: String| -> Result<Provider, String> {
            let role_arn = need("ram_role_arn", &p.ram_role_arn)?;
            let endpoint = sts::endpoint(
                ctx.env,
                Some(p.sts_endpoint.as_str()),
                Some(p.sts_region.as_str()),
            )
            .map_err(|e| format!("{here}: {e}"))?;
            let fetch = Fetch::AssumeRole(sts::AssumeRole {
                http: sts::http()?,
                endpoint,
                source: Box::new(source),
                role_arn: role_arn.clone(),
                external_id: Some(p.external_id.clone()).filter(|e| !e.is_empty()),
                session: session(),
            });
            Ok(Provider::new(
                fetch,
                format!("{describe}: role {role_arn}"),
                ctx.hooks.clone(),
            ))
        };
        let hooks = ctx.hooks.clone();
        match mode {
            "AK" => Ok(Provider::new(
                Fetch::Fixed(keys(None)?),
                format!("{here} (AK)"),
                hooks,
            )),
            "StsToken" => Ok(Provider::new(
                Fetch::Fixed(keys(Some(need("sts_token", &p.sts_token)?))?),
                format!("{here} (StsToken)"),
                hooks,
            )),
            "RamRoleArn" => {
                let source = Provider::new(Fetch::Fixed(keys(None)?), here.clone(), hooks);
                assume(source, format!("{here} (RamRoleArn)"))
            }
            "EcsRamRole" => {
                let imds = imds::Imds::new(ctx.env, Some(p.ram_role_name.as_str()))?;
                let role = imds.role.clone().unwrap_or_else(|| "the instance's".into());
                Ok(Provider::new(
                    Fetch::Imds(imds),
                    format!("{here} (EcsRamRole: {role} role from the instance metadata)"),
                    hooks,
                ))
            }
            "ChainableRamRoleArn" => {
                let from = need("source_profile", &p.source_profile)?;
                let source = self.provider(&from, ctx, seen)?;
                assume(
                    source,
                    format!("{here} (ChainableRamRoleArn, from profile `{from}`)"),
                )
            }
            "OIDC" => {
                let role_arn = need("ram_role_arn", &p.ram_role_arn)?;
                let fetch = Fetch::Oidc(oidc::Oidc {
                    http: sts::http()?,
                    endpoint: sts::endpoint(
                        ctx.env,
                        Some(p.sts_endpoint.as_str()),
                        Some(p.sts_region.as_str()),
                    )
                    .map_err(|e| format!("{here}: {e}"))?,
                    role_arn: role_arn.clone(),
                    provider_arn: need("oidc_provider_arn", &p.oidc_provider_arn)?,
                    token_file: PathBuf::from(need("oidc_token_file", &p.oidc_token_file)?),
                    session: session(),
                });
                Ok(Provider::new(
                    fetch,
                    format!("{here} (OIDC): role {role_arn}"),
                    hooks,
                ))
            }
            other => Err(format!(
                "{here} has mode {other}; chanctl reads AK, StsToken, RamRoleArn, EcsRamRole, \
                 ChainableRamRoleArn and OIDC profiles (or use the {} variables)",
                super::ENV_ID
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> CliConfig {
        serde_json::from_str(text).unwrap()
    }

    fn build(c: &CliConfig, name: &str) -> Result<Provider, String> {
        let env = |_: &str| None;
        let hooks = Hooks::default();
        let ctx = Ctx {
            env: &env,
            hooks: &hooks,
            path: Path::new("/cfg.json"),
        };
        c.provider(name, &ctx, &mut Vec::new())
    }

    #[test]
    fn each_mode_says_what_it_lacks() {
        let c = config(
            r#"{"profiles":[
            {"name":"ram","mode":"RamRoleArn","access_key_id":"a","access_key_secret":"s"},
            {"name":"chain","mode":"ChainableRamRoleArn","ram_role_arn":"acs:ram::1:role/r"},
            {"name":"loop1","mode":"ChainableRamRoleArn","source_profile":"loop2","ram_role_arn":"x"},
            {"name":"loop2","mode":"ChainableRamRoleArn","source_profile":"loop1","ram_role_arn":"x"},
            {"name":"sso","mode":"CloudSSO"},
            {"name":"ecs","mode":"EcsRamRole","ram_role_name":"web"}]}"#,
        );
        let err = build(&c, "ram").unwrap_err();
        assert!(err.contains("`ram_role_arn`"), "{err}");
        let err = build(&c, "chain").unwrap_err();
        assert!(err.contains("`source_profile`"), "{err}");
        let err = build(&c, "loop1").unwrap_err();
        assert!(err.contains("loop1 → loop2 → loop1"), "{err}");
        let err = build(&c, "sso").unwrap_err();
        assert!(err.contains("mode CloudSSO"), "{err}");
        let ecs = build(&c, "ecs").unwrap();
        assert!(ecs.describe().contains("web role"), "{}", ecs.describe());
        assert!(ecs.renews());
    }

    #[test]
    fn a_chain_names_its_source() {
        let c = config(
            r#"{"profiles":[
            {"name":"base","mode":"AK","access_key_id":"a","access_key_secret":"s"},
            {"name":"ops","mode":"ChainableRamRoleArn","source_profile":"base","ram_role_arn":"acs:ram::1:role/ops"}]}"#,
        );
        let p = build(&c, "ops").unwrap();
        assert!(
            p.describe().contains("from profile `base`") && p.describe().contains("role/ops"),
            "{}",
            p.describe()
        );
    }
}
