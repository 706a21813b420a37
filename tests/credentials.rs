//! Each credential source of the default chain, through the real binary against the
//! emulator over HTTP on 127.0.0.1: its STS issues the temporary keys (AssumeRole,
//! AssumeRoleWithOIDC) and its metadata routes the instance role's, and its CAMS operations
//! accept them. Also: keys renewed during a long apply, an expired token refused, and
//! every bad input an error that names its source. No secret reaches any output.

use crate::common::{Emulator, text};
use std::path::Path;
use std::process::{Command, Output, Stdio};

const KEY_ID: &str = "cred-key-id";
const SECRET: &str = "cred-secret-4d1a";
const OIDC_TOKEN: &str = "oidc-token-9b7e2c";
const ROLE: &str = "acs:ram::1234567890:role/chanctl-plan";
const PROVIDER: &str = "acs:ram::1234567890:oidc-provider/github";

fn emulator(extra: &[&str]) -> Emulator {
    let mut args = vec!["--oidc-token", OIDC_TOKEN, "--ecs-role", "web-role"];
    args.extend_from_slice(extra);
    Emulator::spawn(KEY_ID, SECRET, args)
}

/// A directory with `channels` SMS channels in channels.yaml.
fn workdir(channels: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut yaml = String::from("version: 1\nchannels:\n");
    for i in 0..channels {
        yaml.push_str(&format!("  - {{name: sms-{i:02}, type: sms}}\n"));
    }
    std::fs::write(dir.path().join("channels.yaml"), yaml).unwrap();
    dir
}

/// `chanctl ARGS -v` against the emulator with no credential in its environment but
/// `vars`; STS is the emulator, the metadata service is off unless `vars` turn it on.
fn run(dir: &Path, emu: &Emulator, vars: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chanctl"));
    for name in crate::common::FLAG_VARIABLES {
        cmd.env_remove(name);
    }
    for (name, _) in std::env::vars() {
        if name.starts_with("ALIBABA_CLOUD_") || name.starts_with("CHANCTL_") {
            cmd.env_remove(name);
        }
    }
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", dir)
        .env("CHANCTL_LOCK_DIR", dir.join("locks"))
        .env("ALIBABA_CLOUD_STS_ENDPOINT", &emu.url)
        .env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
        .envs(vars.iter().copied())
        .args(args)
        .args(["-v", "--backend", "cams", "--endpoint", &emu.url])
        .stdin(Stdio::null());
    cmd.output().unwrap()
}

/// The run succeeded, said it used `source`, and printed none of `secrets`.
fn used(out: &Output, source: &str, secrets: &[&str]) -> String {
    let all = text(out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("credentials: ") && all.contains(" access key ") && all.contains(source),
        "expected the source `{source}`:\n{all}"
    );
    no_secret(&all, secrets);
    all
}

fn no_secret(all: &str, secrets: &[&str]) {
    for s in [SECRET, OIDC_TOKEN].iter().chain(secrets) {
        assert!(!all.contains(s), "`{s}` was printed:\n{all}");
    }
}

/// The run failed with exit 1 saying each of `says`, and printed no secret.
fn refused(out: &Output, says: &[&str]) -> String {
    let all = text(out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    for s in says {
        assert!(all.contains(s), "expected `{s}`:\n{all}");
    }
    no_secret(&all, &[]);
    all
}

fn write_config(dir: &Path, current: &str, profiles: &str) {
    std::fs::create_dir_all(dir.join(".aliyun")).unwrap();
    std::fs::write(
        dir.join(".aliyun/config.json"),
        format!(r#"{{"current": "{current}", "profiles": [{profiles}]}}"#),
    )
    .unwrap();
}

fn ak_profile(name: &str, secret: &str) -> String {
    format!(
        r#"{{"name": "{name}", "mode": "AK", "access_key_id": "{KEY_ID}", "access_key_secret": "{secret}"}}"#
    )
}

#[test]
fn environment_keys() {
    let emu = emulator(&[]);
    let dir = workdir(1);
    let out = run(
        dir.path(),
        &emu,
        &[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET),
        ],
        &["plan"],
    );
    used(&out, "from environment (ALIBABA_CLOUD_ACCESS_KEY_ID)", &[]);
}

#[test]
fn alibaba_cloud_profile_picks_the_cli_profile() {
    let emu = emulator(&[]);
    let dir = workdir(1);
    let wrong = ak_profile("other", "not-the-secret");
    write_config(
        dir.path(),
        "other",
        &format!("{wrong}, {}", ak_profile("emu", SECRET)),
    );
    let out = run(
        dir.path(),
        &emu,
        &[("ALIBABA_CLOUD_PROFILE", "emu")],
        &["plan"],
    );
    used(&out, "profile `emu` (AK)", &[]);
    // Without it, the current profile, whose secret is wrong: the service says so.
    let out = run(dir.path(), &emu, &[], &["plan"]);
    refused(&out, &["SignatureDoesNotMatch"]);
    // A profile that does not exist is an error naming the variable's choice.
    let out = run(
        dir.path(),
        &emu,
        &[("ALIBABA_CLOUD_PROFILE", "gone")],
        &["plan"],
    );
    refused(&out, &["no profile `gone`", "config.json"]);
}

fn oidc_vars(token_file: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("ALIBABA_CLOUD_ROLE_ARN", ROLE.to_string()),
        ("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", PROVIDER.to_string()),
        (
            "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
            token_file.display().to_string(),
        ),
    ]
}

fn as_refs<'a>(vars: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    vars.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn oidc_role_assumption() {
    let emu = emulator(&[]);
    let dir = workdir(1);
    let token_file = dir.path().join("oidc-token");
    std::fs::write(&token_file, format!("{OIDC_TOKEN}\n")).unwrap();
    let vars = oidc_vars(&token_file);
    let mut with_session = as_refs(&vars);
    with_session.push(("ALIBABA_CLOUD_ROLE_SESSION_NAME", "ci-plan"));
    let out = run(dir.path(), &emu, &with_session, &["plan"]);
    let all = used(&out, "from OIDC role assumption", &[]);
    assert!(
        all.contains("credentials: obtained access key STS.") && all.contains(ROLE),
        "{all}"
    );
    // A token the identity provider never issued: STS refuses it, and the error names
    // the source; the token is not printed.
    std::fs::write(&token_file, "forged-token-31c5").unwrap();
    let out = run(dir.path(), &emu, &as_refs(&vars), &["plan"]);
    let all = refused(
        &out,
        &[
            "OIDC role assumption",
            "AssumeRoleWithOIDC",
            "InvalidParameter.OIDCToken",
        ],
    );
    assert!(!all.contains("forged-token-31c5"), "{all}");
    // No token file, or only some of the variables: errors saying what is missing.
    std::fs::remove_file(&token_file).unwrap();
    let out = run(dir.path(), &emu, &as_refs(&vars), &["plan"]);
    refused(&out, &["OIDC token file", "does not exist"]);
    let out = run(
        dir.path(),
        &emu,
        &[("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "/t")],
        &["plan"],
    );
    refused(
        &out,
        &["ALIBABA_CLOUD_ROLE_ARN and ALIBABA_CLOUD_OIDC_PROVIDER_ARN"],
    );
}

#[test]
fn ram_role_arn_and_chainable_profiles_assume_roles() {
    let emu = emulator(&[]);
    let dir = workdir(1);
    let base = ak_profile("base", SECRET);
    let ram = format!(
        r#"{{"name": "ram", "mode": "RamRoleArn", "access_key_id": "{KEY_ID}", "access_key_secret": "{SECRET}",
            "ram_role_arn": "{ROLE}", "ram_session_name": "s1", "expired_seconds": 900}}"#
    );
    // A chain from an AccessKey, and a chain from a role assumed before (temporary keys
    // sign the second AssumeRole).
    let chain = r#"{"name": "chain", "mode": "ChainableRamRoleArn", "source_profile": "base",
            "ram_role_arn": "acs:ram::1234567890:role/chanctl-apply"}"#;
    let chain2 = r#"{"name": "chain2", "mode": "ChainableRamRoleArn", "source_profile": "ram",
            "ram_role_arn": "acs:ram::1234567890:role/second"}"#;
    write_config(
        dir.path(),
        "ram",
        &format!("{base}, {ram}, {chain}, {chain2}"),
    );
    let out = run(dir.path(), &emu, &[], &["plan"]);
    used(&out, "profile `ram` (RamRoleArn): role", &[]);
    let out = run(
        dir.path(),
        &emu,
        &[("ALIBABA_CLOUD_PROFILE", "chain")],
        &["plan"],
    );
    used(
        &out,
        "profile `chain` (ChainableRamRoleArn, from profile `base`): role acs:ram::1234567890:role/chanctl-apply",
        &[],
    );
    let out = run(dir.path(), &emu, &[], &["plan", "--profile", "chain2"]);
    used(&out, "(ChainableRamRoleArn, from profile `ram`)", &[]);
    // STS refuses a malformed role: the error names the profile and the action.
    write_config(
        dir.path(),
        "bad",
        &format!(
            r#"{{"name": "bad", "mode": "RamRoleArn", "access_key_id": "{KEY_ID}", "access_key_secret": "{SECRET}", "ram_role_arn": "not-an-arn"}}"#
        ),
    );
    let out = run(dir.path(), &emu, &[], &["plan"]);
    refused(
        &out,
        &[
            "profile `bad` (RamRoleArn)",
            "STS AssumeRole",
            "InvalidParameter.RoleArn",
        ],
    );
}

#[test]
fn ecs_ram_role_from_the_instance_metadata() {
    let emu = emulator(&[]);
    let dir = workdir(1);
    let metadata = [
        ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "false"),
        ("CHANCTL_ECS_METADATA_ENDPOINT", emu.url.as_str()),
    ];
    // The chain's last resort: nothing else is configured.
    let out = run(dir.path(), &emu, &metadata, &["plan"]);
    used(&out, "from ECS instance metadata", &[]);
    // A profile in EcsRamRole mode, naming the role.
    write_config(
        dir.path(),
        "ecs",
        r#"{"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "web-role"}"#,
    );
    let out = run(dir.path(), &emu, &metadata, &["plan"]);
    used(&out, "profile `ecs` (EcsRamRole: web-role role", &[]);
    // A role the instance does not have.
    write_config(
        dir.path(),
        "ecs",
        r#"{"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "db-role"}"#,
    );
    let out = run(dir.path(), &emu, &metadata, &["plan"]);
    refused(&out, &["RAM role `db-role`: HTTP 404"]);
}

#[test]
fn nothing_found_names_every_place_and_a_bad_config_names_itself() {
    let emu = emulator(&[]);
    let dir = workdir(1);
    let out = run(dir.path(), &emu, &[], &["plan"]);
    refused(
        &out,
        &[
            "no Alibaba Cloud credentials found",
            "ALIBABA_CLOUD_ACCESS_KEY_ID",
            "OIDC role assumption",
            "config.json: not found",
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
        ],
    );
    std::fs::create_dir_all(dir.path().join(".aliyun")).unwrap();
    std::fs::write(dir.path().join(".aliyun/config.json"), "{\"current\": 7").unwrap();
    let out = run(dir.path(), &emu, &[], &["plan"]);
    refused(&out, &["config.json: not a valid aliyun CLI config"]);
}

#[test]
fn temporary_keys_are_renewed_during_a_long_apply() {
    // Keys that last 3 s, and an apply of 12 creates at 2 per second.
    let emu = emulator(&["--sts-lifetime-secs", "3"]);
    let dir = workdir(12);
    let token_file = dir.path().join("oidc-token");
    std::fs::write(&token_file, OIDC_TOKEN).unwrap();
    let vars = oidc_vars(&token_file);
    let out = run(
        dir.path(),
        &emu,
        &as_refs(&vars),
        &["apply", "--auto-approve", "--qps", "2"],
    );
    let all = used(&out, "from OIDC role assumption", &[]);
    assert!(
        all.contains("credentials: renewed access key STS."),
        "{all}"
    );
    assert!(!all.contains("InvalidSecurityToken"), "{all}");
    let out = run(dir.path(), &emu, &as_refs(&vars), &["plan"]);
    assert!(text(&out).contains("No changes"), "{}", text(&out));
}

#[test]
fn an_expired_security_token_is_refused() {
    let emu = emulator(&["--sts-lifetime-secs", "1"]);
    let dir = workdir(1);
    // Temporary keys from the emulator's STS, used as fixed keys after they expire.
    let config = dir.path().join("sts.json");
    std::fs::write(
        &config,
        format!(
            r#"{{"current": "ram", "profiles": [{{"name": "ram", "mode": "RamRoleArn", "access_key_id": "{KEY_ID}",
                "access_key_secret": "{SECRET}", "ram_role_arn": "{ROLE}"}}]}}"#
        ),
    )
    .unwrap();
    let url = emu.url.clone();
    let env = move |k: &str| match k {
        "ALIBABA_CLOUD_STS_ENDPOINT" => Some(url.clone()),
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED" => Some("true".to_string()),
        _ => None,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let issued = rt
        .block_on(chanctl_cams::credentials::resolve(
            &chanctl_cams::credentials::Sources {
                env: &env,
                config_path: Some(config),
                profile: None,
                hooks: Default::default(),
            },
        ))
        .unwrap()
        .credentials;
    let token = issued.security_token.clone().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let out = run(
        dir.path(),
        &emu,
        &[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", issued.access_key_id.as_str()),
            (
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                issued.access_key_secret.as_str(),
            ),
            ("ALIBABA_CLOUD_SECURITY_TOKEN", token.as_str()),
        ],
        &["plan"],
    );
    let all = refused(
        &out,
        &[
            "InvalidSecurityToken.Expired",
            "STS security token has expired",
        ],
    );
    no_secret(&all, &[issued.access_key_secret.as_str(), token.as_str()]);
}
