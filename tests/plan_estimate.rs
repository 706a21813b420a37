//! The plan's API-call estimate counts the retries reading the account needed: through the
//! binary against the emulator, once calm and once throttling a share of requests
//! (`--fault-throttle`). The same change planned on both must give the same calls; the
//! throttled one expects retries at the rate its read saw, takes longer, and says so.

use crate::common;
use common::Emulator;
use std::path::Path;

const KEY_ID: &str = "estimate-key-id";
const SECRET: &str = "estimate-secret-41c8";
const CHANNELS: usize = 20;

/// `CHANNELS` email channels, each bound (each read is a call of its own), described `desc`.
fn file(desc: &str) -> String {
    let mut out = String::from("version: 1\nchannels:\n");
    for i in 0..CHANNELS {
        out.push_str(&format!(
            "  - name: c{i}\n    type: email\n    description: {desc}\n    binding: {{dm_account: c{i}@mail.example.com}}\n"
        ));
    }
    out
}

fn chanctl(dir: &Path, emulator: &Emulator, args: &[&str]) -> std::process::Output {
    common::chanctl_with_keys(dir, KEY_ID, SECRET)
        .args(args)
        .args(["--backend", "cams", "--endpoint", &emulator.url])
        .output()
        .unwrap()
}

/// Set the account up, then plan a description change of every channel: the JSON plan's
/// budget and the text plan's line on API calls.
fn estimate(faults: &[&str]) -> (serde_json::Value, String) {
    let emulator = Emulator::spawn(KEY_ID, SECRET, faults);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("channels.yaml"), file("before")).unwrap();
    common::succeeded(chanctl(dir, &emulator, &["apply", "--auto-approve"]));
    std::fs::write(dir.join("channels.yaml"), file("after")).unwrap();
    let json = common::succeeded(chanctl(dir, &emulator, &["plan", "--format", "json"]));
    let plan: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let text = common::succeeded(chanctl(dir, &emulator, &["plan"]));
    let line = String::from_utf8_lossy(&text.stdout)
        .lines()
        .find(|l| l.starts_with("API calls:"))
        .unwrap_or_else(|| panic!("no line on API calls:\n{}", common::text(&text)))
        .to_string();
    (plan["api_budget"].clone(), line)
}

#[test]
fn the_estimate_counts_the_retries_seen_while_reading_the_account() {
    let (calm, calm_line) = estimate(&[]);
    assert_eq!(calm["calls"], CHANNELS, "{calm}");
    assert_eq!(calm["retries"], 0, "{calm}");
    let read_calls = calm["read"]["calls"].as_u64().unwrap();
    // The listing, then each channel's binding.
    assert!(read_calls > CHANNELS as u64, "{calm}");
    assert_eq!(calm["read"]["retries"], 0, "{calm}");
    assert!(
        calm_line.contains("reading the account needed no retries"),
        "{calm_line}"
    );

    let (throttled, line) = estimate(&["--fault-throttle", "0.3", "--seed", "7"]);
    assert_eq!(throttled["calls"], CHANNELS, "{throttled}");
    let (calls, retries) = (
        throttled["read"]["calls"].as_u64().unwrap(),
        throttled["read"]["retries"].as_u64().unwrap(),
    );
    assert!(retries > 0, "the read met no throttling: {throttled}");
    // Each call is expected to need retries / (calls - retries) retries.
    let rate = retries as f64 / (calls - retries) as f64;
    assert_eq!(
        throttled["retries"].as_u64().unwrap(),
        (CHANNELS as f64 * rate).ceil() as u64,
        "{throttled}"
    );
    let (slow, fast) = (
        throttled["seconds"].as_f64().unwrap(),
        calm["seconds"].as_f64().unwrap(),
    );
    assert!(
        (slow - fast * (1.0 + rate)).abs() < 1e-9,
        "{slow} vs {fast}"
    );
    // The text plan read the account again (other requests throttled): its own rate.
    assert!(
        line.contains("retries at the rate reading the account saw (")
            && line.contains("requests were retries): about"),
        "{line}"
    );
}
