//! `chanctl validate` on every file in fixtures/invalid (each must fail with diagnostics that
//! match their snapshot) and fixtures/valid (each must pass).
//!
//! The binary runs from the crate root with a relative path, so that the `FILE:LINE:COL` in
//! the snapshots is the same on every machine. Update snapshots with
//! `INSTA_UPDATE=always cargo test --test invalid_fixtures`, then review every change.

use crate::common;
use common::hostile;

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The `.yaml` files of `fixtures/<dir>`, sorted by name.
fn fixtures(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .expect("fixture names are UTF-8")
        .to_string()
}

/// Run `chanctl validate -f fixtures/<dir>/<file>` from the crate root, with the flags its
/// first line names (`# validate-args: --env prod`), and CHANCTL_FIXTURE_UNSET unset.
fn validate(dir: &str, path: &Path) -> std::process::Output {
    let name = path
        .file_name()
        .and_then(|s| s.to_str())
        .expect("UTF-8 name");
    Command::cargo_bin("chanctl")
        .expect("the chanctl binary is built")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["validate", "-f", &format!("fixtures/{dir}/{name}")])
        .args(common::fixture_args(path))
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CHANCTL_ENV")
        .env_remove("CHANCTL_FIXTURE_UNSET")
        .output()
        .expect("chanctl runs")
}

/// Whether `text` contains `prefix` directly followed by `LINE:COL` (two runs of digits).
fn has_location_after(text: &str, prefix: &str) -> bool {
    text.match_indices(prefix).any(|(i, _)| {
        let rest = &text[i + prefix.len()..];
        let line_len = rest.chars().take_while(char::is_ascii_digit).count();
        let Some(after_line) = rest[line_len..].strip_prefix(':') else {
            return false;
        };
        line_len > 0 && after_line.starts_with(|c: char| c.is_ascii_digit())
    })
}

#[test]
fn every_invalid_fixture_fails_with_its_snapshotted_diagnostics() {
    let files = fixtures("invalid");
    assert!(!files.is_empty(), "no fixtures in fixtures/invalid");
    for path in &files {
        let name = stem(path);
        let output = validate("invalid", path);
        let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
        let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
        assert!(
            !stderr.contains("panicked"),
            "{name}: chanctl panicked:\n{stderr}"
        );
        assert_eq!(
            output.status.code(),
            Some(1),
            "{name}: expected exit code 1; stderr:\n{stderr}"
        );
        assert!(
            stdout.is_empty(),
            "{name}: expected no stdout, got:\n{stdout}"
        );
        let location = format!("fixtures/invalid/{name}.yaml:");
        assert!(
            has_location_after(&stderr, &location),
            "{name}: stderr has no `{location}LINE:COL`:\n{stderr}"
        );
        insta::with_settings!({
            prepend_module_to_snapshot => false,
            snapshot_path => "snapshots/invalid",
            description => format!(
                "chanctl validate -f fixtures/invalid/{name}.yaml{}",
                common::fixture_args(path).iter().map(|a| format!(" {a}")).collect::<String>()
            ),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name.as_str(), stderr);
        });
    }
}

#[test]
fn there_are_at_least_a_hundred_invalid_fixtures() {
    let n = fixtures("invalid").len();
    assert!(n >= 100, "only {n} fixtures in fixtures/invalid");
}

#[test]
fn every_valid_fixture_passes() {
    let files = fixtures("valid");
    assert!(
        files.len() >= 3,
        "expected at least 3 fixtures in fixtures/valid"
    );
    for path in &files {
        let name = stem(path);
        let output = validate("valid", path);
        let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
        let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{name}: expected exit code 0; stderr:\n{stderr}"
        );
        assert!(
            stdout.starts_with(&format!("fixtures/valid/{name}.yaml is valid: ")),
            "{name}: unexpected stdout:\n{stdout}"
        );
        assert!(stderr.is_empty(), "{name}: unexpected stderr:\n{stderr}");
    }
}

/// The fixtures about line endings, byte order marks, tabs, control characters and encodings
/// must keep their bytes (an editor or a git setting could silently normalise them, and the
/// snapshots would then test nothing).
#[test]
fn crlf_and_bom_fixtures_keep_their_bytes() {
    let mut checked = 0;
    for path in fixtures("invalid").iter().chain(&fixtures("valid")) {
        let name = stem(path);
        let bytes = std::fs::read(path).expect("the fixture is readable");
        if name.contains("byte-order-mark") {
            assert!(
                bytes.windows(3).skip(1).any(|w| w == b"\xef\xbb\xbf"),
                "{name}: no byte order mark after the start"
            );
            checked += 1;
        }
        if ["invalid-utf8", "truncated-utf8", "utf16"]
            .iter()
            .any(|n| name.contains(n))
        {
            assert!(
                std::str::from_utf8(&bytes).is_err(),
                "{name}: the bytes are valid UTF-8"
            );
            checked += 1;
        }
        if name.contains("nul-byte") {
            assert!(bytes.contains(&0), "{name}: no NUL byte");
            checked += 1;
        }
        if name.contains("control-character") || name.contains("delete-character") {
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                text.chars()
                    .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
                "{name}: no control character"
            );
            checked += 1;
        }
        if name.contains("-tab-") {
            assert!(bytes.contains(&b'\t'), "{name}: no tab");
            checked += 1;
        }
        if name.contains("crlf") {
            let lf = bytes.iter().filter(|&&b| b == b'\n').count();
            let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
            assert!(
                lf > 4 && lf == crlf,
                "{name}: not all line endings are CRLF"
            );
            checked += 1;
        }
        if name.contains("bom") {
            assert!(
                bytes.starts_with(b"\xef\xbb\xbf"),
                "{name}: no byte order mark"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 20,
        "expected CRLF, BOM, tab, control character and encoding fixtures, found {checked}"
    );
}

#[test]
fn locations_are_found_only_with_line_and_column() {
    assert!(has_location_after("at f.yaml:12:3 here", "f.yaml:"));
    assert!(!has_location_after("at f.yaml:12 here", "f.yaml:"));
    assert!(!has_location_after("at f.yaml: 12:3", "f.yaml:"));
    assert!(!has_location_after("at g.yaml:1:1", "f.yaml:"));
}

/// Run `chanctl validate -f <path>` with a timeout that only guards against a hang (how fast
/// these inputs are refused is measured by `cargo bench --bench hostile`, not here).
fn validate_path(path: &Path) -> (Option<i32>, String, String, Duration) {
    let start = Instant::now();
    let output = Command::cargo_bin("chanctl")
        .expect("the chanctl binary is built")
        .args(["validate", "-f"])
        .arg(path)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .timeout(HANG_GUARD)
        .output()
        .expect("chanctl runs");
    (
        output.status.code(),
        String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        start.elapsed(),
    )
}

/// Generous: a debug build refuses the slowest of these inputs (10 MB) in about 15 s when the
/// machine is loaded, a release build in well under one; at a load average of 30 it once took
/// over 30 s. Past this, the process is killed (and then has no exit code).
const HANG_GUARD: Duration = Duration::from_secs(120);

/// Assert that `chanctl validate` refused `path` with exit code 1, no panic, nothing on
/// stdout, and a diagnostic on stderr that contains each of `expected`.
fn assert_refused(name: &str, path: &Path, expected: &[&str]) {
    let (code, stdout, stderr, took) = validate_path(path);
    eprintln!("{name}: refused in {took:?}");
    assert!(
        !stderr.contains("panicked"),
        "{name}: chanctl panicked:\n{stderr}"
    );
    assert_eq!(
        code,
        Some(1),
        "{name}: expected exit code 1 (none: killed after {HANG_GUARD:?}); stderr:\n{}",
        stderr.chars().take(2000).collect::<String>()
    );
    assert!(
        stdout.is_empty(),
        "{name}: expected no stdout, got:\n{stdout}"
    );
    for text in expected {
        assert!(
            stderr.contains(text),
            "{name}: stderr does not contain `{text}`:\n{}",
            stderr.chars().take(2000).collect::<String>()
        );
    }
    assert!(
        stderr.len() < 10_000,
        "{name}: {} bytes of diagnostics; the snippet of a huge line must not be printed",
        stderr.len()
    );
}

/// Inputs too large to commit, written to a temporary directory: each is refused with a
/// diagnostic naming the problem (the limit it hit), never a panic or a hang.
#[test]
fn generated_hostile_inputs_are_refused_with_a_diagnostic_naming_the_problem() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let header = hostile::HEADER;
    let nested = |open: &str, close: &str| {
        format!(
            "{header}  - name: deep\n    type: sms\n    previously: {}{}\n",
            open.repeat(1000),
            close.repeat(1000)
        )
    };
    let laughs = hostile::billion_laughs();
    let channels = hostile::many_channels(100_000);
    let huge_name = format!(
        "{header}  - name: \"{}\"\n    type: sms\n",
        "a".repeat(10 * 1024 * 1024)
    );
    let repeated_text = format!(
        "{header}  - name: &big \"{}\"\n    type: sms\n    previously: [{}]\n",
        "b".repeat(8 * 1024 * 1024),
        vec!["*big"; 200].join(", ")
    );
    let mut too_large = header.to_string();
    while too_large.len() <= 20 * 1024 * 1024 {
        too_large.push_str("  # a comment line to make the file larger than the limit\n");
    }
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "ten-megabyte-string",
            huge_name,
            vec!["`name` is 10485760 characters long", ":5:11"],
        ),
        (
            "thousand-deep-lists",
            nested("[", "]"),
            vec!["more than 32 levels deep"],
        ),
        (
            "thousand-deep-mappings",
            nested("{a: ", "}"),
            vec!["more than 32 levels deep"],
        ),
        (
            "thousand-deep-block-lists",
            format!(
                "{header}{}",
                (0..1000)
                    .map(|i| format!("{}  -\n", "  ".repeat(i)))
                    .collect::<String>()
            ),
            vec!["more than 32 levels deep"],
        ),
        (
            "thousand-deep-block-mappings",
            format!(
                "version: 1\nchannels: []\nx:\n{}",
                (1..=1000)
                    .map(|i| format!("{}k:\n", " ".repeat(i)))
                    .collect::<String>()
            ),
            vec!["more than 32 levels deep"],
        ),
        (
            "billion-laughs",
            laughs,
            vec!["aliases expand to more than 100,000 YAML items"],
        ),
        (
            "hundred-thousand-channels",
            channels,
            vec!["the file holds more than 250,000 values"],
        ),
        (
            "alias-repeating-an-eight-megabyte-string",
            repeated_text,
            vec!["more than 32 MiB of text"],
        ),
        (
            "twenty-megabytes",
            too_large,
            vec!["chanctl reads at most 16777216 bytes"],
        ),
    ];
    for (name, text, expected) in cases {
        let path = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&path, text).expect("the input is written");
        let mut expected = expected;
        let file_name = format!("{name}.yaml");
        expected.push(&file_name);
        assert_refused(name, &path, &expected);
    }
}

#[test]
fn a_directory_is_not_a_channels_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    assert_refused(
        "directory",
        dir.path(),
        &["is a directory, not a channels file"],
    );
}

#[test]
fn a_missing_file_is_named() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("nowhere.yaml");
    assert_refused("missing", &path, &["cannot read", "nowhere.yaml"]);
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (a, b) = (dir.path().join("a.yaml"), dir.path().join("b.yaml"));
    if let Err(e) =
        std::os::unix::fs::symlink(&b, &a).and_then(|()| std::os::unix::fs::symlink(&a, &b))
    {
        eprintln!("skipped: cannot make symlinks here: {e}");
        return;
    }
    assert_refused("symlink loop", &a, &["cannot read", "a.yaml"]);
}

/// A file that never ends (or a pipe) is read up to the size limit, not forever.
#[cfg(unix)]
#[test]
fn an_endless_file_is_read_only_up_to_the_limit() {
    let zero = Path::new("/dev/zero");
    if !zero.exists() {
        eprintln!("skipped: no /dev/zero");
        return;
    }
    assert_refused(
        "/dev/zero",
        zero,
        &["is larger than 16777216 bytes; chanctl reads at most 16777216 bytes"],
    );
}
