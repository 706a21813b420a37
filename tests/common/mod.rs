//! What the integration tests share: the CAMS emulator, started in this process on
//! 127.0.0.1:0 with given credentials and flags, stopped when dropped;
//! running chanctl in a directory (against the sandbox, or with CAMS credentials); the
//! example file; reading a JSON plan's steps and a run's output; the plan scenarios'
//! expectations. Each test file uses part of it.

pub mod emulator_setup;
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
        // With CHANCTL_EMULATOR_RECORD=DIR (as .ci/run sets it), the traffic is kept for
        // tests/sdk/sdk_model_check.py, which checks it against the official SDK's models.
        if let Some(dir) = std::env::var_os("CHANCTL_EMULATOR_RECORD") {
            let dir = std::path::PathBuf::from(dir);
            let _ = std::fs::create_dir_all(&dir);
            static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let file = dir.join(format!("emulator-{}-{n}.jsonl", std::process::id()));
            argv.extend(["--record".into(), file.into_os_string()]);
        }
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
        .map(|s| match s["resource"]["kind"].as_str() {
            // A template step names the template: `modify template wa/order_update/en_US`.
            Some("template") => format!(
                "{} template {}",
                s["template"]["operation"].as_str().unwrap_or("?"),
                s["resource"]["key"].as_str().unwrap_or("?")
            ),
            _ => format!(
                "{} {}",
                s["action"].as_str().unwrap_or("?"),
                s["channel"].as_str().unwrap_or("?")
            ),
        })
        .collect()
}

/// The environment variables that stand in for chanctl's flags or change what it prints (a CI
/// runner's own): a test leaves them unset
/// unless it sets one on purpose.
pub const FLAG_VARIABLES: &[&str] = &[
    "CHANCTL_SANDBOX",
    "CHANCTL_ENV",
    "CHANCTL_BACKEND",
    "CHANCTL_FILE",
    "CHANCTL_QPS",
    "CHANCTL_TIMEOUT",
    "CHANCTL_PROFILE",
    "CHANCTL_LOG",
    "CLICOLOR_FORCE",
    // A CI runner sets CI=true, which makes apply warn about concurrency groups first.
    "CI",
    "CHANCTL_CI_CONCURRENCY",
];

/// `chanctl` run in `dir`, without colour and without the environment variables that would
/// choose another backend, sandbox, environment, file or flag.
pub fn chanctl(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("chanctl").expect("the chanctl binary");
    cmd.current_dir(dir).env("NO_COLOR", "1");
    for name in FLAG_VARIABLES {
        cmd.env_remove(name);
    }
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
    for name in FLAG_VARIABLES {
        cmd.env_remove(name);
    }
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

/// The emulator flags that tell it what Meta knows of the bindings in these channels files
/// (or live-state lists): each WhatsApp Business account shared through embedded signup for
/// its channel with its number (`--signup`), each Page linked to its Instagram account
/// (`--instagram-link`). Values that are `${VAR}` references are left out.
pub fn meta_args(yaml_texts: &[&str]) -> Vec<String> {
    let mut args = Vec::new();
    for text in yaml_texts {
        let value: serde_json::Value = match serde_saphyr::from_str(text) {
            Ok(v) => v,
            Err(_) => continue,
        };
        let channels = value
            .get("channels")
            .unwrap_or(&value)
            .as_array()
            .cloned()
            .unwrap_or_default();
        for c in &channels {
            let b = &c["binding"];
            let field = |k: &str| {
                b[k].as_str()
                    .filter(|v| !v.contains("${"))
                    .map(str::to_string)
            };
            match c["type"].as_str() {
                Some("whatsapp") if b["phone_numbers"].is_array() => {
                    // Of several numbers, the signup shares those without a name to register.
                    if let (Some(waba), Some(name)) = (field("waba_id"), c["name"].as_str()) {
                        let numbers: Vec<&str> = b["phone_numbers"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter(|n| !n["verified_name"].is_string())
                            .filter_map(|n| n["phone_number"].as_str())
                            .filter(|n| !n.contains("${"))
                            .collect();
                        args.push("--signup".to_string());
                        args.push(format!("{waba}={name}:{}", numbers.join(",")));
                    }
                }
                Some("whatsapp") => {
                    if let (Some(waba), Some(number), Some(name)) =
                        (field("waba_id"), field("phone_number"), c["name"].as_str())
                    {
                        // A number with the name to register it with is chanctl's to register:
                        // the signup shares the WABA without it.
                        let number = if b["verified_name"].is_string() {
                            String::new()
                        } else {
                            number
                        };
                        args.push("--signup".to_string());
                        args.push(format!("{waba}={name}:{number}"));
                    }
                }
                Some("instagram") => {
                    if let (Some(page), Some(account)) =
                        (field("page_id"), field("instagram_account_id"))
                    {
                        args.push("--instagram-link".to_string());
                        args.push(format!("{page}={account}"));
                    }
                }
                _ => {}
            }
        }
    }
    args
}

/// The first line of a fixture may hold `# validate-args: …`: the flags it is validated with.
pub fn fixture_args(path: &Path) -> Vec<String> {
    let text = std::fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix("# validate-args:"))
        .map(|a| a.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Run `cmd` with its stderr on a pseudo-terminal (stdout discarded) and return whether it
/// succeeded and everything it drew there, as a terminal would have received it.
#[cfg(unix)]
pub fn on_a_terminal(cmd: &mut Command) -> (bool, String) {
    use std::io::Read;
    let pty = nix::pty::openpty(None, None).unwrap();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(pty.slave))
        .spawn()
        .unwrap();
    // The command keeps its stderr until dropped: let go of the terminal's other end here,
    // or reading would never see it close.
    cmd.stderr(Stdio::null());
    let mut master = std::fs::File::from(pty.master);
    let mut bytes = Vec::new();
    // The terminal ends (EIO) once the process has exited and closed it.
    let mut buf = [0u8; 4096];
    while let Ok(n) = master.read(&mut buf) {
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&buf[..n]);
    }
    let ok = child.wait().unwrap().success();
    (ok, String::from_utf8_lossy(&bytes).into_owned())
}
