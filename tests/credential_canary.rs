//! The credentials chanctl holds never reach an output or a file, whatever route they take
//! into a channels file. Canary values stand in for the access key secret, the STS token and
//! an OIDC token; each is placed in every field of the file (and in a comment), through every
//! route (a reference to the credential's variable, declared or not; another variable that
//! holds a copy, sensitive or not, alone or inside a longer value; the value written as is),
//! then `plan --format markdown` and `apply` run with `-v` for each, and every command in
//! every format for a few fields, on the sandbox and on the emulator. No stdout, stderr or
//! file written may hold a canary, and each route is refused with its diagnostic. A valid
//! file, run through every command while the credentials are set, shows none either.

use crate::common::{self, Emulator};
use std::path::{Path, PathBuf};
use std::process::Output;

const KEY_ID: &str = "canary-key-id";
const SECRET: &str = "CanarySecret0xA7f3Q9zLw2Kd81";
const TOKEN: &str = "CanaryStsToken0xR4n8Vb1Mq7Pe22";
const OIDC: &str = "CanaryOidcToken0xJw5Tc3Hs9Ny64";
const CANARIES: [&str; 3] = [SECRET, TOKEN, OIDC];

/// Where a value goes: the file around `@@`, and the flags it needs.
struct Field {
    name: &'static str,
    yaml: &'static str,
    args: &'static [&'static str],
}

const FIELDS: &[Field] = &[
    Field {
        name: "name",
        yaml: "channels:\n  - name: \"@@\"\n    type: sms\n",
        args: &[],
    },
    Field {
        name: "description",
        yaml: "channels:\n  - name: a\n    type: sms\n    description: \"@@\"\n",
        args: &[],
    },
    Field {
        name: "previously",
        yaml: "channels:\n  - name: a\n    type: sms\n    previously: [\"@@\"]\n",
        args: &[],
    },
    Field {
        name: "whatsapp phone_number",
        yaml: "channels:\n  - name: a\n    type: whatsapp\n    binding: {waba_id: \"1\", phone_number: \"@@\"}\n",
        args: &[],
    },
    Field {
        name: "whatsapp waba_id",
        yaml: "channels:\n  - name: a\n    type: whatsapp\n    binding: {waba_id: \"@@\", phone_number: \"+6588001234\"}\n",
        args: &[],
    },
    Field {
        name: "viber business_account",
        yaml: "channels:\n  - name: a\n    type: viber\n    binding: {business_account: \"@@\"}\n",
        args: &[],
    },
    Field {
        name: "messenger page_id",
        yaml: "channels:\n  - name: a\n    type: messenger\n    binding: {page_id: \"@@\"}\n",
        args: &[],
    },
    Field {
        name: "instagram instagram_account_id",
        yaml: "channels:\n  - name: a\n    type: instagram\n    binding: {page_id: \"1\", instagram_account_id: \"@@\"}\n",
        args: &[],
    },
    Field {
        name: "email dm_account",
        yaml: "channels:\n  - name: a\n    type: email\n    binding: {dm_account: \"@@\"}\n",
        args: &[],
    },
    Field {
        name: "quota",
        yaml: "account: {quota: \"@@\"}\nchannels:\n  - name: a\n    type: sms\n",
        args: &[],
    },
    Field {
        name: "environment's name",
        yaml: "channels:\n  - name: a\n    type: sms\nenvironments:\n  staging:\n    channels:\n      a: {name: \"@@\"}\n",
        args: &["--env", "staging"],
    },
    Field {
        name: "environment's description",
        yaml: "channels:\n  - name: a\n    type: sms\nenvironments:\n  staging:\n    channels:\n      a: {description: \"@@\"}\n",
        args: &["--env", "staging"],
    },
    Field {
        name: "environment's binding",
        yaml: "channels:\n  - name: a\n    type: email\nenvironments:\n  staging:\n    channels:\n      a:\n        binding: {dm_account: \"@@\"}\n",
        args: &["--env", "staging"],
    },
    Field {
        name: "comment",
        yaml: "# @@\nchannels:\n  - name: a\n    type: sms\n",
        args: &[],
    },
];

/// How a canary gets into the file: the text at the field, the declarations, the variables
/// set besides the credentials, and whether the route works on the emulator too (the STS
/// and OIDC tokens are set on the sandbox only: the emulator takes the access key).
struct Route {
    name: &'static str,
    value: String,
    declare: &'static str,
    env: Vec<(&'static str, &'static str)>,
    emulator: bool,
    /// Whether it is in the file's text (a reference in a comment is not read at all).
    literal: bool,
}

fn routes() -> Vec<Route> {
    let route = |name, value: &str, declare, env: Vec<_>, emulator| Route {
        name,
        value: value.to_string(),
        declare,
        env,
        emulator,
        literal: false,
    };
    vec![
        route(
            "the credential's variable",
            "${ALIBABA_CLOUD_ACCESS_KEY_SECRET}",
            "",
            vec![],
            true,
        ),
        route(
            "the credential's variable, declared",
            "${ALIBABA_CLOUD_ACCESS_KEY_SECRET}",
            "variables:\n  ALIBABA_CLOUD_ACCESS_KEY_SECRET: {sensitive: true}\n",
            vec![],
            true,
        ),
        route(
            "a sensitive copy",
            "${COPY}",
            "variables:\n  COPY: {}\n",
            vec![("COPY", SECRET)],
            true,
        ),
        route(
            "a copy declared not sensitive",
            "${COPY}",
            "variables:\n  COPY: {sensitive: false}\n",
            vec![("COPY", SECRET)],
            true,
        ),
        route(
            "a copy inside a longer value",
            "x${COPY}y",
            "variables:\n  COPY: {sensitive: false}\n",
            vec![(
                "COPY",
                &*Box::leak(format!("pre-{SECRET}-post").into_boxed_str()),
            )],
            true,
        ),
        route(
            "the STS token's variable",
            "${ALIBABA_CLOUD_SECURITY_TOKEN}",
            "",
            vec![],
            false,
        ),
        route(
            "a copy of the STS token",
            "${TOK}",
            "variables:\n  TOK: {sensitive: false}\n",
            vec![("TOK", TOKEN)],
            false,
        ),
        route(
            "a copy of the OIDC token",
            "${OIDC_COPY}",
            "variables:\n  OIDC_COPY: {}\n",
            vec![("OIDC_COPY", OIDC)],
            false,
        ),
        Route {
            literal: true,
            ..route("the secret written as is", SECRET, "", vec![], true)
        },
        Route {
            literal: true,
            ..route("the STS token written as is", TOKEN, "", vec![], false)
        },
        Route {
            literal: true,
            ..route("the OIDC token written as is", OIDC, "", vec![], false)
        },
    ]
}

/// chanctl in `dir` holding the canary credentials: the access key always, the STS token and
/// an OIDC token file unless `emulator` (which checks the access key's signatures).
fn chanctl(
    dir: &Path,
    emulator: Option<&Emulator>,
    route_env: &[(&str, &str)],
) -> std::process::Command {
    let mut cmd = common::chanctl_with_keys(dir, KEY_ID, SECRET);
    cmd.env_remove("CHANCTL_LOG");
    for (k, v) in route_env {
        cmd.env(k, v);
    }
    match emulator {
        Some(_) => {}
        None => {
            let token_file = dir.join("oidc-token");
            std::fs::write(&token_file, format!("{OIDC}\n")).unwrap();
            cmd.env("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
                .env("ALIBABA_CLOUD_OIDC_TOKEN_FILE", &token_file);
        }
    }
    cmd
}

/// The flags that choose the emulator, for the commands that read an account.
fn backend_args(args: &[&str], emulator: Option<&Emulator>) -> Vec<String> {
    match emulator {
        Some(emu) if ["plan", "apply", "export", "lock"].contains(&args[0]) => [
            "--backend",
            "cams",
            "--endpoint",
            &emu.url,
            "--timeout",
            "10",
        ]
        .map(str::to_string)
        .to_vec(),
        _ => Vec::new(),
    }
}

/// Every file under `dir` that chanctl may have written (not the inputs).
fn written(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            out.extend(written(&path));
        } else if !["channels.yaml", "oidc-token"].contains(&name.as_str()) {
            out.push(path);
        }
    }
    out
}

fn assert_clean(what: &str, text: &str) {
    for canary in CANARIES {
        assert!(
            !text.contains(canary),
            "{what} shows the canary {canary}:\n{text}"
        );
        // Not in part either (a scrubbed value shows as `(sensitive)`).
        assert!(
            !text.contains(&canary[6..20]),
            "{what} shows part of {canary}:\n{text}"
        );
    }
}

fn printed(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn check_files(what: &str, dir: &Path) {
    for path in written(dir) {
        let bytes = std::fs::read(&path).unwrap();
        assert_clean(
            &format!("{what}: {}", path.display()),
            &String::from_utf8_lossy(&bytes),
        );
    }
}

const SANDBOX_COMMANDS: &[&[&str]] = &[
    &["validate", "-v"],
    &["validate", "-v", "--format", "json"],
    &["validate", "-v", "--format", "sarif"],
    &["validate", "-v", "--format", "github"],
    &["plan", "-v"],
    &["plan", "-v", "--format", "markdown"],
    &["plan", "-v", "--format", "json", "--out", "saved.json"],
    &["apply", "-v", "--auto-approve", "--report", "report.json"],
    &["export", "-v", "-o", "exported.yaml"],
];

const CAMS_COMMANDS: &[&[&str]] = &[
    &["plan", "-v", "--format", "markdown"],
    &["apply", "-v", "--auto-approve", "--report", "report.json"],
    &["export", "-v", "-o", "exported.yaml"],
];

/// The commands run for every field: what a pull request shows, and what writes the
/// account. The fields of `ALL_COMMANDS_FIELDS` run through every command and format.
const FIELD_COMMANDS: &[&[&str]] = &[
    &["plan", "-v", "--format", "markdown"],
    &["apply", "-v", "--auto-approve", "--report", "report.json"],
];

/// The fields that run through every command and format.
const ALL_COMMANDS_FIELDS: &[&str] = &[
    "description",
    "whatsapp phone_number",
    "environment's binding",
];

#[test]
fn a_credential_in_any_field_through_any_route_is_refused_and_never_shown() {
    let emulator = Emulator::spawn(KEY_ID, SECRET, [] as [&str; 0]);
    let mut runs = 0;
    for field in FIELDS {
        for route in routes() {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path();
            let file = format!(
                "version: 1\n{}{}",
                route.declare,
                field.yaml.replace("@@", &route.value)
            );
            std::fs::write(dir.join("channels.yaml"), &file).unwrap();
            // A reference in a comment is text nobody reads: the file is valid (unless it
            // declares a credential's variable).
            let refused = route.literal
                || field.name != "comment"
                || route.declare.contains("ALIBABA_CLOUD_");
            let backends: Vec<Option<&Emulator>> = if route.emulator {
                vec![None, Some(&emulator)]
            } else {
                vec![None]
            };
            let every_command = ALL_COMMANDS_FIELDS.contains(&field.name);
            for backend in backends {
                let commands = match (backend.is_some(), every_command) {
                    (_, false) => FIELD_COMMANDS,
                    (true, true) => CAMS_COMMANDS,
                    (false, true) => SANDBOX_COMMANDS,
                };
                for args in commands {
                    let out = chanctl(dir, backend, &route.env)
                        .args(*args)
                        .args(field.args)
                        .args(backend_args(args, backend))
                        .output()
                        .unwrap();
                    runs += 1;
                    let what = format!(
                        "{} in {} on {}: chanctl {args:?}",
                        route.name,
                        field.name,
                        if backend.is_some() {
                            "the emulator"
                        } else {
                            "the sandbox"
                        }
                    );
                    // GitHub's workflow commands escape `:`.
                    let text = printed(&out).replace("%3A", ":");
                    assert_clean(&what, &text);
                    assert!(!text.contains("panicked"), "{what}: {text}");
                    if refused {
                        assert_eq!(out.status.code(), Some(1), "{what}: {text}\n{file}");
                        let expected = [
                            "chanctl::vars::credential",
                            "chanctl::input::credential",
                            "chanctl::vars::credential_value",
                            "chanctl::vars::sensitive_shown",
                        ];
                        assert!(
                            expected.iter().any(|code| text.contains(code)),
                            "{what}: refused for another reason:\n{text}\n{file}"
                        );
                    }
                }
                check_files(&format!("{} in {}", route.name, field.name), dir);
            }
        }
    }
    assert!(runs > 400, "{runs} runs");
}

#[test]
fn a_valid_file_run_through_every_command_shows_no_credential() {
    let emulator = Emulator::spawn(KEY_ID, SECRET, [] as [&str; 0]);
    let file = "version: 1\nvariables:\n  MAIL: {}\n  TEAM: {sensitive: false}\nchannels:\n  - name: receipts\n    type: email\n    description: \"run by ${TEAM}\"\n    binding: {dm_account: \"${MAIL}\"}\n  - name: otp\n    type: sms\nenvironments:\n  staging:\n    channels:\n      otp: {description: staging codes}\n";
    let env = [("MAIL", "canary-mail@mail.example.com"), ("TEAM", "team-7")];
    for backend in [None, Some(&emulator)] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("channels.yaml"), file).unwrap();
        let run = |args: &[&str], code: i32| {
            let out = chanctl(dir, backend, &env)
                .args(args)
                .args(backend_args(args, backend))
                .output()
                .unwrap();
            let text = printed(&out);
            let what = format!(
                "chanctl {args:?} on {}",
                backend.map_or("the sandbox", |_| "the emulator")
            );
            assert_eq!(out.status.code(), Some(code), "{what}: {text}");
            assert_clean(&what, &text);
            text
        };
        for format in ["text", "json", "github", "sarif"] {
            run(&["validate", "-v", "--format", format], 0);
            run(
                &["validate", "-v", "--format", format, "--env", "staging"],
                0,
            );
        }
        for format in ["text", "json", "markdown"] {
            run(&["plan", "-v", "--format", format], 0);
        }
        run(
            &["plan", "-v", "--out", "saved.json", "--detailed-exitcode"],
            2,
        );
        for format in ["text", "json", "markdown"] {
            run(&["show", "-v", "saved.json", "--format", format], 0);
        }
        run(&["lock", "status", "-v"], 0);
        let applied = run(&["apply", "-v", "saved.json", "--report", "report.json"], 0);
        assert!(applied.contains("Apply complete"), "{applied}");
        run(&["export", "-v"], 0);
        run(&["export", "-v", "-o", "exported.yaml"], 0);
        run(&["plan", "-v", "--detailed-exitcode"], 0);
        run(
            &[
                "apply",
                "-v",
                "--auto-approve",
                "--env",
                "staging",
                "--report",
                "staging.json",
            ],
            0,
        );
        // An error that quotes the account: a saved plan that is now stale.
        std::fs::write(dir.join("channels.yaml"), file.replace("run by", "kept by")).unwrap();
        run(&["plan", "-v", "--out", "stale.json"], 0);
        run(&["apply", "-v", "--auto-approve"], 0);
        run(&["apply", "-v", "stale.json"], 1);
        check_files("a valid file", dir);
        assert!(written(dir).len() >= 5, "{:?}", written(dir));
    }
}
