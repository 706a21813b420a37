//! What the integration tests share: the CAMS emulator binary, started on 127.0.0.1:0 with
//! given credentials and flags, ready when it prints its address, killed when dropped; and
//! running chanctl in a directory; the example file; reading a JSON plan's steps. Each test
//! file uses part of it.
#![allow(dead_code)]

pub mod hostile;

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct Emulator {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

impl Emulator {
    /// Start `cams-emulator --listen 127.0.0.1:0` with this key and `extra` flags.
    pub fn spawn<I, S>(key_id: &str, secret: &str, extra: I) -> Emulator
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cams-emulator"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--access-key-id",
                key_id,
                "--access-key-secret",
                secret,
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the emulator");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("the emulator's stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the ready line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .expect("the ready line")
            .to_string();
        Emulator { child, url }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A JSON plan's steps as `action channel`, in order.
pub fn steps(plan: &serde_json::Value) -> Vec<String> {
    plan["steps"]
        .as_array()
        .expect("a plan has steps")
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s["action"].as_str().unwrap_or("?"),
                s["channel"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

/// `chanctl` run in `dir`, without colour and without the environment variables that would
/// choose another backend, sandbox or environment.
pub fn chanctl(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("chanctl").expect("the chanctl binary");
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CHANCTL_SANDBOX")
        .env_remove("CHANCTL_ENV")
        .env_remove("CHANCTL_BACKEND");
    cmd
}

/// A temporary directory holding examples/channels.yaml as channels.yaml.
pub fn example() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/channels.yaml"),
        tmp.path().join("channels.yaml"),
    )
    .expect("copy the example");
    tmp
}
