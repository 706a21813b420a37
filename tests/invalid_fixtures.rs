//! `chanctl validate` on every file in fixtures/invalid (each must fail with diagnostics that
//! match their snapshot) and fixtures/valid (each must pass).
//!
//! The binary runs from the crate root with a relative path, so that the `FILE:LINE:COL` in
//! the snapshots is the same on every machine. Update snapshots with
//! `INSTA_UPDATE=always cargo test --test invalid_fixtures`, then review every change.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

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

/// Run `chanctl validate -f fixtures/<dir>/<file>` from the crate root.
fn validate(dir: &str, path: &Path) -> std::process::Output {
    let name = path
        .file_name()
        .and_then(|s| s.to_str())
        .expect("UTF-8 name");
    Command::cargo_bin("chanctl")
        .expect("the chanctl binary is built")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["validate", "-f", &format!("fixtures/{dir}/{name}")])
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
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
            description => format!("chanctl validate -f fixtures/invalid/{name}.yaml"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name.as_str(), stderr);
        });
    }
}

#[test]
fn there_are_at_least_thirty_invalid_fixtures() {
    let n = fixtures("invalid").len();
    assert!(n >= 30, "only {n} fixtures in fixtures/invalid");
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

/// The fixtures about line endings and byte order marks must keep their bytes (an editor or a
/// git setting could silently normalise them, and the snapshots would then test nothing).
#[test]
fn crlf_and_bom_fixtures_keep_their_bytes() {
    let mut checked = 0;
    for path in fixtures("invalid").iter().chain(&fixtures("valid")) {
        let name = stem(path);
        let bytes = std::fs::read(path).expect("the fixture is readable");
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
        checked >= 4,
        "expected CRLF and BOM fixtures, found {checked}"
    );
}

#[test]
fn locations_are_found_only_with_line_and_column() {
    assert!(has_location_after("at f.yaml:12:3 here", "f.yaml:"));
    assert!(!has_location_after("at f.yaml:12 here", "f.yaml:"));
    assert!(!has_location_after("at f.yaml: 12:3", "f.yaml:"));
    assert!(!has_location_after("at g.yaml:1:1", "f.yaml:"));
}
