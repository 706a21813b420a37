//! Where CAMS credentials come from, in the order Alibaba Cloud users already keep them:
//! the ALIBABA_CLOUD_* environment variables, else a profile of the aliyun CLI's
//! `~/.aliyun/config.json`. Secrets are never printed: `Debug` redacts them.

pub use crate::sign::Credentials;
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

pub const ENV_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
pub const ENV_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
pub const ENV_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

/// Credentials and where they were found (for messages).
#[derive(Debug, Clone)]
pub struct Resolved {
    pub credentials: Credentials,
    pub source: String,
}

/// The aliyun CLI's configuration file.
#[derive(Debug, Deserialize)]
struct CliConfig {
    #[serde(default)]
    current: String,
    #[serde(default)]
    profiles: Vec<CliProfile>,
}

#[derive(Deserialize)]
struct CliProfile {
    name: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    access_key_id: String,
    #[serde(default)]
    access_key_secret: String,
    #[serde(default)]
    sts_token: String,
}

impl fmt::Debug for CliProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CliProfile")
            .field("name", &self.name)
            .field("mode", &self.mode)
            .finish()
    }
}

/// What to read: the environment (as a lookup function, for tests) and the CLI config path.
pub struct Sources<'a> {
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub config_path: Option<PathBuf>,
    pub profile: Option<String>,
}

/// The default location of the aliyun CLI's config.
pub fn default_config_path() -> Option<PathBuf> {
    std::env::home_dir().map(|h| h.join(".aliyun").join("config.json"))
}

/// Find credentials, or say every place that was looked at.
pub fn resolve(sources: &Sources<'_>) -> Result<Resolved, String> {
    let get = |k: &str| (sources.env)(k).filter(|v| !v.trim().is_empty());
    // "not set" and "set but empty" are different mistakes: say which.
    let state = |k: &str| match (sources.env)(k) {
        None => "is not set",
        Some(_) => "is empty",
    };
    let mut looked = Vec::new();
    if sources.profile.is_none() {
        match (get(ENV_ID), get(ENV_SECRET)) {
            (Some(id), Some(secret)) => {
                return Ok(Resolved {
                    credentials: Credentials {
                        access_key_id: id,
                        access_key_secret: secret,
                        security_token: get(ENV_TOKEN),
                    },
                    source: "environment".to_string(),
                });
            }
            (Some(_), None) => looked.push(format!(
                "environment: {ENV_ID} is set but {ENV_SECRET} {}",
                state(ENV_SECRET)
            )),
            (None, Some(_)) => looked.push(format!(
                "environment: {ENV_SECRET} is set but {ENV_ID} {}",
                state(ENV_ID)
            )),
            (None, None) => looked.push(match (state(ENV_ID), state(ENV_SECRET)) {
                ("is not set", "is not set") => {
                    format!("environment: {ENV_ID} and {ENV_SECRET} are not set")
                }
                (id, secret) => format!("environment: {ENV_ID} {id}, {ENV_SECRET} {secret}"),
            }),
        }
    } else {
        looked.push("environment: skipped because --profile was given".to_string());
    }
    match &sources.config_path {
        Some(path) => match from_cli_config(path, sources.profile.as_deref()) {
            Ok(c) => return Ok(c),
            Err(why) => looked.push(why),
        },
        None => looked.push("aliyun CLI config: no home directory to look in".to_string()),
    }
    Err(format!(
        "no Alibaba Cloud credentials found. Looked at:\n  - {}",
        looked.join("\n  - ")
    ))
}

fn from_cli_config(path: &Path, profile: Option<&str>) -> Result<Resolved, String> {
    let shown = path.display();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("{shown}: not found"));
        }
        Err(e) => return Err(format!("{shown}: cannot read: {e}")),
    };
    let config: CliConfig =
        serde_json::from_str(&text).map_err(|e| format!("{shown}: not valid JSON: {e}"))?;
    let wanted = profile.map(str::to_string).unwrap_or_else(|| {
        if config.current.is_empty() {
            "default".to_string()
        } else {
            config.current.clone()
        }
    });
    let Some(p) = config.profiles.iter().find(|p| p.name == wanted) else {
        let names: Vec<&str> = config.profiles.iter().map(|p| p.name.as_str()).collect();
        return Err(format!(
            "{shown}: no profile `{wanted}` (profiles: {})",
            names.join(", ")
        ));
    };
    let mode = if p.mode.is_empty() {
        "AK"
    } else {
        p.mode.as_str()
    };
    if mode != "AK" && mode != "StsToken" {
        return Err(format!(
            "{shown}: profile `{wanted}` has mode {mode}; chanctl reads AK and StsToken profiles (or use the {ENV_ID} variables)"
        ));
    }
    if p.access_key_id.is_empty() || p.access_key_secret.is_empty() {
        return Err(format!(
            "{shown}: profile `{wanted}` has no access_key_id/access_key_secret"
        ));
    }
    Ok(Resolved {
        credentials: Credentials {
            access_key_id: p.access_key_id.clone(),
            access_key_secret: p.access_key_secret.clone(),
            security_token: (mode == "StsToken" && !p.sts_token.is_empty())
                .then(|| p.sts_token.clone()),
        },
        source: format!("{shown} profile `{wanted}`"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn environment_first() {
        let e = env(&[(ENV_ID, "id"), (ENV_SECRET, "s3cret"), (ENV_TOKEN, "tok")]);
        let c = resolve(&Sources {
            env: &e,
            config_path: None,
            profile: None,
        })
        .unwrap()
        .credentials;
        assert_eq!(c.access_key_id, "id");
        assert_eq!(c.security_token.as_deref(), Some("tok"));
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("tok\""),
            "{shown}"
        );
    }

    #[test]
    fn cli_profile_current_or_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(
            &path,
            r#"{"current":"work","profiles":[
                {"name":"default","mode":"AK","access_key_id":"a","access_key_secret":"x"},
                {"name":"work","mode":"StsToken","access_key_id":"b","access_key_secret":"y","sts_token":"t"},
                {"name":"ecs","mode":"EcsRamRole"}]}"#,
        )
        .unwrap();
        let e = env(&[]);
        let c = resolve(&Sources {
            env: &e,
            config_path: Some(path.clone()),
            profile: None,
        })
        .unwrap()
        .credentials;
        assert_eq!(
            (c.access_key_id.as_str(), c.security_token.as_deref()),
            ("b", Some("t"))
        );
        let c = resolve(&Sources {
            env: &e,
            config_path: Some(path.clone()),
            profile: Some("default".into()),
        })
        .unwrap()
        .credentials;
        assert_eq!(c.access_key_id, "a");
        let err = resolve(&Sources {
            env: &e,
            config_path: Some(path),
            profile: Some("ecs".into()),
        })
        .unwrap_err();
        assert!(err.contains("EcsRamRole"), "{err}");
    }

    #[test]
    fn missing_credentials_name_every_place() {
        let e = env(&[(ENV_ID, "only-id")]);
        let err = resolve(&Sources {
            env: &e,
            config_path: Some(PathBuf::from("/nonexistent/.aliyun/config.json")),
            profile: None,
        })
        .unwrap_err();
        assert!(err.contains(ENV_SECRET), "{err}");
        assert!(
            err.contains("/nonexistent/.aliyun/config.json: not found"),
            "{err}"
        );
        // An empty secret is not a missing one.
        let e = env(&[(ENV_ID, "id"), (ENV_SECRET, "")]);
        let err = resolve(&Sources {
            env: &e,
            config_path: None,
            profile: None,
        })
        .unwrap_err();
        assert!(
            err.contains(&format!("{ENV_ID} is set but {ENV_SECRET} is empty")),
            "{err}"
        );
    }
}
