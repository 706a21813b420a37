//! Connection failures say why, through the real binary: a refused port, an unknown host,
//! TLS against a plain-HTTP port. What a retry cannot fix is not retried; the first long
//! retry wait is said without -v.

use crate::common::{Emulator, chanctl_with_keys};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

const KEY_ID: &str = "connection-key";
const SECRET: &str = "connection-secret-5d1e";

fn plan(dir: &Path, endpoint: &str) -> (Option<i32>, String) {
    std::fs::write(
        dir.join("channels.yaml"),
        "version: 1\nchannels:\n  - name: s\n    type: sms\n",
    )
    .unwrap();
    let out = chanctl_with_keys(dir, KEY_ID, SECRET)
        .args(["plan", "-v", "--backend", "cams", "--endpoint", endpoint])
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_unknown_host_is_a_dns_failure_and_is_not_retried() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, stderr) = plan(tmp.path(), "https://no-such-host.invalid");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("DNS lookup failed"), "{stderr}");
    assert!(!stderr.contains("retrying"), "{stderr}");
}

#[test]
fn tls_against_a_plain_http_port_is_a_tls_failure_and_is_not_retried() {
    let emulator = Emulator::spawn(KEY_ID, SECRET, std::iter::empty::<&str>());
    let tmp = tempfile::tempdir().unwrap();
    let endpoint = emulator.url.replace("http://", "https://");
    let (code, stderr) = plan(tmp.path(), &endpoint);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("TLS handshake failed"), "{stderr}");
    assert!(!stderr.contains("retrying"), "{stderr}");
}

#[test]
fn a_refused_port_says_so_and_its_first_long_retry_is_shown_without_verbose() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("channels.yaml"),
        "version: 1\nchannels:\n  - name: s\n    type: sms\n",
    )
    .unwrap();
    let mut child = chanctl_with_keys(tmp.path(), KEY_ID, SECRET)
        .args(["plan", "--backend", "cams"])
        .args(["--endpoint", &format!("http://127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    // Reads are retried for a while; the first retry that waits over 2 s is said at once.
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.starts_with("note: retrying ListInstance in "),
        "{first}"
    );
    assert!(first.contains("connection refused"), "{first}");
    let wait: f64 = first
        .trim_start_matches("note: retrying ListInstance in ")
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // Said to a tenth of a second: more than 2 s reads as 2.0 at least.
    assert!(wait >= 2.0, "{first}");
}
