//! Where CAMS credentials come from: the default credential chain of the official Alibaba
//! Cloud SDKs, in their order.
//!
//! 1. The environment's AccessKey: `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET`, with
//!    `ALIBABA_CLOUD_SECURITY_TOKEN` for STS keys.
//! 2. `ALIBABA_CLOUD_PROFILE` (or `--profile`): that profile of the aliyun CLI's config.
//! 3. OIDC role assumption: `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and
//!    `ALIBABA_CLOUD_OIDC_TOKEN_FILE` ([`oidc`]).
//! 4. The aliyun CLI config's current profile ([`profile`]: AK, StsToken, RamRoleArn,
//!    EcsRamRole, ChainableRamRoleArn, OIDC), `ALIBABA_CLOUD_CONFIG_FILE` or
//!    `~/.aliyun/config.json`.
//! 5. The ECS/ECI instance's RAM role from the metadata service ([`imds`]), only when
//!    nothing above applies and `ALIBABA_CLOUD_ECS_METADATA_DISABLED` is not `true`.
//!
//! A source that is chosen and fails (a malformed config, a missing token file, STS
//! refusing) is an error naming it; chanctl does not fall through to another source then.
//! What [`resolve`] gives is a [`Provider`] the client asks before each request, which
//! renews temporary credentials before they expire. Secrets never appear in `Debug`.

pub mod imds;
pub mod oidc;
pub mod profile;
pub mod provider;
pub mod sts;

pub use crate::sign::Credentials;
use provider::Fetch;
pub use provider::{Hooks, LogSink, Provider, SecretSink, Temporary};
use std::path::PathBuf;

pub const ENV_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
pub const ENV_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
pub const ENV_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
pub const ENV_CONFIG_FILE: &str = "ALIBABA_CLOUD_CONFIG_FILE";

/// Credentials, where they were found (for messages), and the provider that renews them.
#[derive(Debug)]
pub struct Resolved {
    /// The first credentials, already obtained.
    pub credentials: Credentials,
    pub source: String,
    pub provider: Provider,
}

/// What to read: the environment (as a lookup function, for tests), the CLI config path,
/// the profile `--profile` names, and where secrets and `-v` lines go.
pub struct Sources<'a> {
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub config_path: Option<PathBuf>,
    pub profile: Option<String>,
    pub hooks: Hooks,
}

/// The aliyun CLI's config: `ALIBABA_CLOUD_CONFIG_FILE`, else `~/.aliyun/config.json`.
pub fn default_config_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    env(ENV_CONFIG_FILE)
        .filter(|p| !p.trim().is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::home_dir().map(|h| h.join(".aliyun").join("config.json")))
}

/// What the chain chose before any request: a provider, or nothing but the instance's role.
enum Choice {
    Chosen(Box<Provider>),
    Metadata { looked: Vec<String> },
}

/// Find credentials and obtain the first ones, or say every place that was looked at.
pub async fn resolve(sources: &Sources<'_>) -> Result<Resolved, String> {
    let provider = match choose(sources)? {
        Choice::Chosen(p) => *p,
        Choice::Metadata { mut looked } => {
            let p = Provider::new(
                Fetch::Imds(imds::Imds::new(sources.env, None)?),
                "ECS instance metadata",
                sources.hooks.clone(),
            );
            match p.current().await {
                Ok(_) => p,
                Err(why) => {
                    looked.push(why);
                    return Err(nothing_found(&looked));
                }
            }
        }
    };
    let credentials = provider.current().await?;
    Ok(Resolved {
        credentials,
        source: provider.describe().to_string(),
        provider,
    })
}

fn nothing_found(looked: &[String]) -> String {
    format!(
        "no Alibaba Cloud credentials found. Looked at:\n  - {}",
        looked.join("\n  - ")
    )
}

/// Walk the chain as far as it goes without a request.
fn choose(sources: &Sources<'_>) -> Result<Choice, String> {
    let env = sources.env;
    let get = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    // "not set" and "set but empty" are different mistakes: say which.
    let state = |k: &str| match env(k) {
        None => "is not set",
        Some(_) => "is empty",
    };
    let hooks = &sources.hooks;
    let mut looked = Vec::new();
    let cli = |name: Option<&str>, looked: &mut Vec<String>| -> Result<Option<Provider>, String> {
        let Some(path) = &sources.config_path else {
            looked.push("aliyun CLI config: no home directory to look in".to_string());
            return Ok(None);
        };
        let Some(config) = profile::read(path)? else {
            looked.push(format!("{}: not found", path.display()));
            return Ok(None);
        };
        let ctx = profile::Ctx { env, hooks, path };
        config
            .provider(&config.chosen(name), &ctx, &mut Vec::new())
            .map(Some)
    };
    if let Some(name) = &sources.profile {
        looked.push("environment: skipped because --profile was given".to_string());
        return match cli(Some(name), &mut looked)? {
            Some(p) => Ok(Choice::Chosen(Box::new(p))),
            None => Err(nothing_found(&looked)),
        };
    }
    match (get(ENV_ID), get(ENV_SECRET)) {
        (Some(id), Some(secret)) => {
            let mut c = Credentials::new(id, secret);
            c.security_token = get(ENV_TOKEN);
            let describe = if c.security_token.is_some() {
                format!("environment ({ENV_ID}, {ENV_TOKEN})")
            } else {
                format!("environment ({ENV_ID})")
            };
            return Ok(Choice::Chosen(Box::new(Provider::new(
                Fetch::Fixed(c),
                describe,
                hooks.clone(),
            ))));
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
    if let Some(name) = get(ENV_PROFILE) {
        return match cli(Some(&name), &mut looked)? {
            Some(p) => Ok(Choice::Chosen(Box::new(p))),
            None => Err(format!(
                "{ENV_PROFILE} names profile `{name}`, but there is no aliyun CLI config to take it from:\n  - {}",
                looked.join("\n  - ")
            )),
        };
    }
    match oidc::from_env(env) {
        Some(Ok((role_arn, provider_arn, token_file))) => {
            let describe = format!(
                "OIDC role assumption ({}={role_arn}, token file {})",
                oidc::ENV_ROLE_ARN,
                token_file.display()
            );
            let fetch = Fetch::Oidc(oidc::Oidc {
                http: sts::http()?,
                endpoint: sts::endpoint(env, None, None)?,
                role_arn,
                provider_arn,
                token_file,
                session: sts::Session::from_env(env),
            });
            return Ok(Choice::Chosen(Box::new(Provider::new(
                fetch,
                describe,
                hooks.clone(),
            ))));
        }
        Some(Err(why)) => return Err(why),
        None => looked.push(format!(
            "OIDC role assumption: {} and {} are not set",
            oidc::ENV_PROVIDER_ARN,
            oidc::ENV_TOKEN_FILE
        )),
    }
    if let Some(p) = cli(None, &mut looked)? {
        return Ok(Choice::Chosen(Box::new(p)));
    }
    if imds::Imds::disabled(env) {
        looked.push(format!(
            "ECS instance metadata: not asked ({}=true)",
            imds::ENV_DISABLED
        ));
        return Err(nothing_found(&looked));
    }
    Ok(Choice::Metadata { looked })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let mut map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        // No test asks a metadata service, wherever it runs.
        map.entry(imds::ENV_DISABLED.to_string())
            .or_insert_with(|| "true".to_string());
        move |k| map.get(k).cloned()
    }

    fn run(
        env: &dyn Fn(&str) -> Option<String>,
        config_path: Option<PathBuf>,
        profile: Option<&str>,
    ) -> Result<Resolved, String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(resolve(&Sources {
            env,
            config_path,
            profile: profile.map(str::to_string),
            hooks: Hooks::default(),
        }))
    }

    #[test]
    fn environment_first() {
        let e = env(&[(ENV_ID, "id"), (ENV_SECRET, "s3cret"), (ENV_TOKEN, "tok")]);
        let r = run(&e, None, None).unwrap();
        let c = r.credentials;
        assert_eq!(c.access_key_id, "id");
        assert_eq!(c.security_token.as_deref(), Some("tok"));
        assert!(r.source.contains(ENV_TOKEN), "{}", r.source);
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("tok\""),
            "{shown}"
        );
    }

    #[test]
    fn cli_profile_current_named_or_from_the_variable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(
            &path,
            r#"{"current":"work","profiles":[
                {"name":"default","mode":"AK","access_key_id":"a","access_key_secret":"x"},
                {"name":"work","mode":"StsToken","access_key_id":"b","access_key_secret":"y","sts_token":"t"},
                {"name":"odd","mode":"External"}]}"#,
        )
        .unwrap();
        let e = env(&[]);
        let c = run(&e, Some(path.clone()), None).unwrap().credentials;
        assert_eq!(
            (c.access_key_id.as_str(), c.security_token.as_deref()),
            ("b", Some("t"))
        );
        let c = run(&e, Some(path.clone()), Some("default"))
            .unwrap()
            .credentials;
        assert_eq!(c.access_key_id, "a");
        let by_variable = env(&[(ENV_PROFILE, "default")]);
        let r = run(&by_variable, Some(path.clone()), None).unwrap();
        assert_eq!(r.credentials.access_key_id, "a");
        assert!(r.source.contains("profile `default`"), "{}", r.source);
        let err = run(&e, Some(path.clone()), Some("odd")).unwrap_err();
        assert!(err.contains("mode External"), "{err}");
        let missing = env(&[(ENV_PROFILE, "nope")]);
        let err = run(&missing, Some(path), None).unwrap_err();
        assert!(err.contains("no profile `nope`"), "{err}");
    }

    #[test]
    fn a_malformed_config_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(&path, "{\"profiles\": [").unwrap();
        let err = run(&env(&[]), Some(path.clone()), None).unwrap_err();
        assert!(
            err.contains(&path.display().to_string())
                && err.contains("not a valid aliyun CLI config"),
            "{err}"
        );
    }

    #[test]
    fn missing_credentials_name_every_place() {
        let e = env(&[(ENV_ID, "only-id")]);
        let err = run(
            &e,
            Some(PathBuf::from("/nonexistent/.aliyun/config.json")),
            None,
        )
        .unwrap_err();
        assert!(err.contains(ENV_SECRET), "{err}");
        assert!(
            err.contains("/nonexistent/.aliyun/config.json: not found"),
            "{err}"
        );
        assert!(err.contains("OIDC role assumption"), "{err}");
        assert!(err.contains(imds::ENV_DISABLED), "{err}");
        // An empty secret is not a missing one.
        let e = env(&[(ENV_ID, "id"), (ENV_SECRET, "")]);
        let err = run(&e, None, None).unwrap_err();
        assert!(
            err.contains(&format!("{ENV_ID} is set but {ENV_SECRET} is empty")),
            "{err}"
        );
    }

    #[test]
    fn without_a_metadata_server_the_chain_fails_fast() {
        // A port nothing listens on: refused at once.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        let e = env(&[
            (imds::ENV_DISABLED, "false"),
            (imds::ENV_ENDPOINT, url.as_str()),
        ]);
        let started = std::time::Instant::now();
        let err = run(&e, None, None).unwrap_err();
        assert!(err.contains("instance metadata service"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(3));
    }

    #[test]
    fn a_missing_oidc_token_file_is_named() {
        let e = env(&[
            (oidc::ENV_ROLE_ARN, "acs:ram::1:role/r"),
            (oidc::ENV_PROVIDER_ARN, "acs:ram::1:oidc-provider/p"),
            (oidc::ENV_TOKEN_FILE, "/nonexistent/token"),
        ]);
        let err = run(&e, None, None).unwrap_err();
        assert!(
            err.contains("OIDC role assumption")
                && err.contains("/nonexistent/token does not exist"),
            "{err}"
        );
    }
}
