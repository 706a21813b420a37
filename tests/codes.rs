//! The registry of diagnostic codes (crates/core/src/diagnostic/codes/) against the code
//! that emits them and the fixtures that show them: every code written in the sources is
//! registered with an explanation, every registered code is emitted somewhere, and a file in
//! fixtures/invalid produces it (unless the registry says why none can). `chanctl explain`
//! prints the explanation.

use crate::common::{chanctl, fails, fixture_args};
use chanctl::diagnostic::codes;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `"chanctl::AREA::NAME"` string literal in the crates' sources, except in the
/// registry itself and in tests.
fn codes_in_sources() -> BTreeSet<String> {
    let mut files = Vec::new();
    for dir in [
        "src",
        "crates/core/src",
        "crates/cams/src",
        "crates/emulator/src",
    ] {
        rust_files(&Path::new(ROOT).join(dir), &mut files);
    }
    let mut found = BTreeSet::new();
    for file in files {
        let name = file.to_string_lossy();
        let registry = file
            .parent()
            .is_some_and(|d| d.ends_with("diagnostic/codes"));
        if registry || name.contains("test") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, _) in text.match_indices("\"chanctl::") {
            let rest = &text[i + 1..];
            let end = rest.find('"').unwrap_or(0);
            let code = &rest[..end];
            let parts: Vec<&str> = code.split("::").collect();
            if parts.len() == 3 && parts.iter().all(|p| !p.is_empty()) {
                found.insert(code.to_string());
            }
        }
    }
    found
}

#[test]
fn every_code_in_the_sources_is_registered_and_every_registered_code_is_used() {
    let used = codes_in_sources();
    assert!(used.len() >= 25, "found only {used:?}");
    let registered: BTreeSet<String> = codes::ALL.iter().map(|c| c.code.to_string()).collect();
    let unregistered: Vec<&String> = used.difference(&registered).collect();
    assert!(
        unregistered.is_empty(),
        "add these to crates/core/src/diagnostic/codes/table.rs: {unregistered:?}"
    );
    let unused: Vec<&String> = registered.difference(&used).collect();
    assert!(
        unused.is_empty(),
        "registered but never emitted: {unused:?}"
    );
    for c in codes::ALL {
        assert!(c.explanation.len() > 40, "{} has no explanation", c.code);
    }
}

#[test]
fn every_code_is_produced_by_a_fixture() {
    let dir = Path::new(ROOT).join("fixtures/invalid");
    let mut produced = BTreeSet::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    for path in files {
        let out = chanctl(Path::new(ROOT))
            .args(["validate", "--format", "json", "-f"])
            .arg(&path)
            .args(fixture_args(&path))
            .env_remove("CHANCTL_FIXTURE_UNSET")
            .output()
            .unwrap();
        let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&out.stdout) else {
            continue; // not read at all (invalid UTF-8): an error without a code
        };
        for d in doc["diagnostics"].as_array().into_iter().flatten() {
            produced.insert(d["code"].as_str().unwrap_or_default().to_string());
        }
    }
    let missing: Vec<&str> = codes::ALL
        .iter()
        .filter(|c| c.no_fixture.is_none() && !produced.contains(c.code))
        .map(|c| c.code)
        .collect();
    assert!(
        missing.is_empty(),
        "no file in fixtures/invalid produces {missing:?}"
    );
    for c in codes::ALL.iter().filter(|c| c.no_fixture.is_some()) {
        assert!(
            !produced.contains(c.code),
            "{} is produced by a fixture now: drop its `no_fixture` reason",
            c.code
        );
    }
}

#[test]
fn explain_prints_the_long_help() {
    let tmp = tempfile::tempdir().unwrap();
    for c in codes::ALL {
        let out = chanctl(tmp.path())
            .args(["explain", c.code])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", c.code);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with(&format!("{} (error)\n\n{}\n\n", c.code, c.summary)));
    }
    let out = chanctl(tmp.path())
        .args(["explain", "schema::type"])
        .output()
        .unwrap();
    insta::with_settings!({snapshot_path => "snapshots/formats", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("explain-schema-type", String::from_utf8(out.stdout).unwrap());
    });
    fails(
        tmp.path(),
        &["explain", "schema::tpye"],
        1,
        "`schema::tpye` is not a chanctl diagnostic code; did you mean `chanctl::schema::type`?",
    );
}
