//! What the integration tests share: the CAMS emulator, started in this process on
//! 127.0.0.1:0 with given credentials and flags, stopped when dropped;
//! running chanctl in a directory (against the sandbox, or with CAMS credentials); the
//! example file; reading a JSON plan's steps and a run's output; the plan scenarios'
//! expectations. Each test file uses part of it.

pub mod hostile;
pub mod scenario;

use clap::Parser;
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output, Stdio};

pub struct Emulator {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Emulator {
    /// Start the emulator (the `cams_emulator` library, in this process, on a thread of its
    /// own) on 127.0.0.1 with this key and `extra` flags, parsed as `cams-emulator` parses
    /// them; ready when this returns.
    pub fn spawn<I, S>(key_id: &str, secret: &str, extra: I) -> Emulator
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut argv: Vec<std::ffi::OsString> = [
            "cams-emulator",
            "--listen",
            "127.0.0.1:0",
            "--access-key-id",
            key_id,
            "--access-key-secret",
            secret,
        ]
        .iter()
        .map(Into::into)
        .collect();
        argv.extend(extra.into_iter().map(|a| a.as_ref().to_os_string()));
        let args = cams_emulator::args::Args::try_parse_from(argv)
            .unwrap_or_else(|e| panic!("the emulator's flags: {e}"));
        let (listen, config) =
            cams_emulator::args::config(args).unwrap_or_else(|e| panic!("the emulator: {e}"));
        let (ready, address) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime for the emulator");
            rt.block_on(async move {
                let emulator = std::sync::Arc::new(
                    cams_emulator::Emulator::new(config).expect("the emulator starts"),
                );
                let listener = tokio::net::TcpListener::bind(&listen)
                    .await
                    .expect("the emulator listens");
                let _ = ready.send(listener.local_addr().expect("the listening address"));
                tokio::select! {
                    _ = cams_emulator::server::serve(listener, emulator) => {}
                    _ = stopped => {}
                }
            });
            // Whatever is in flight is dropped where it stands, as a killed process's would be.
            rt.shutdown_background();
        });
        let addr = address.recv().expect("the emulator's address");
        let url = format!("http://{addr}");
        assert!(
            url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
            "{url}"
        );
        Emulator {
            url,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// `127.0.0.1:PORT`
    pub fn host(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// Stop at once: requests in flight are dropped, nothing more is written.
    pub fn kill(self) {
        drop(self);
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
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

/// `chanctl` as a plain process (a test may need to kill it) run in `dir`, with `dir` as
/// HOME and its `locks` folder for locks, CAMS credentials `key_id`/`secret`, and none of
/// the environment variables that would choose another backend, sandbox, environment or
/// session token.
pub fn chanctl_with_keys(dir: &Path, key_id: &str, secret: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chanctl"));
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", dir)
        .env("CHANCTL_LOCK_DIR", dir.join("locks"))
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", key_id)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret)
        .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
        .env_remove("CHANCTL_BACKEND")
        .env_remove("CHANCTL_ENV")
        .env_remove("CHANCTL_SANDBOX")
        .stdin(Stdio::null());
    cmd
}

/// Everything a run printed: stdout, then stderr.
pub fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// `out`, after checking that the run succeeded (else fail showing its stderr).
pub fn succeeded(out: Output) -> Output {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `chanctl ARGS` in `dir` must exit with `code` and say `stderr_has` on stderr.
pub fn fails(dir: &Path, args: &[&str], code: i32, stderr_has: &str) {
    chanctl(dir)
        .args(args)
        .assert()
        .code(code)
        .stderr(predicates::str::contains(stderr_has));
}

/// `chanctl ARGS` in `dir` must succeed and say `stdout_has` on stdout (`""`: anything).
pub fn succeeds(dir: &Path, args: &[&str], stdout_has: &str) {
    chanctl(dir)
        .args(args)
        .assert()
        .success()
        .stdout(predicates::str::contains(stdout_has));
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
