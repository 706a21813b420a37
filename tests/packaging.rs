//! What `cargo install chanctl` and `cargo binstall chanctl` depend on: the published crates
//! carry the metadata crates.io and cargo-binstall read, the emulator is never published
//! nor built by an install, and the schemas the core crate compiles in (inside its own
//! directory, so that `cargo package` ships them) are the ones the repository publishes.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn metadata() -> Value {
    let out = cargo()
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

fn package<'a>(metadata: &'a Value, name: &str) -> &'a Value {
    metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no package {name}"))
}

#[test]
fn published_crates_have_the_metadata_crates_io_shows() {
    let m = metadata();
    for name in ["chanctl", "chanctl-core"] {
        let p = package(&m, name);
        for key in ["description", "license", "repository", "homepage", "readme"] {
            assert!(
                p[key].as_str().is_some_and(|v| !v.is_empty()),
                "{name} has no {key}"
            );
        }
        let keywords = p["keywords"].as_array().expect("keywords");
        assert!((1..=5).contains(&keywords.len()), "{name}: 1 to 5 keywords");
        for k in keywords {
            let k = k.as_str().unwrap();
            assert!(
                k.len() <= 20
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                "{name}: crates.io refuses the keyword {k:?}"
            );
        }
        assert!(!p["categories"].as_array().expect("categories").is_empty());
        assert!(p["publish"].is_null(), "{name} is published");
    }
    let cams = package(&m, "chanctl-cams");
    assert!(cams["repository"].is_string());
    assert_eq!(
        package(&m, "cams-emulator")["publish"],
        serde_json::json!([]),
        "the emulator is never published"
    );
}

#[test]
fn binstall_finds_the_release_archives() {
    let m = metadata();
    let binstall = &package(&m, "chanctl")["metadata"]["binstall"];
    let url = binstall["pkg-url"].as_str().expect("pkg-url");
    for part in [
        "{ repo }",
        "{ version }",
        "{ target }",
        "{ archive-suffix }",
    ] {
        assert!(url.contains(part), "pkg-url lacks {part}: {url}");
    }
    assert_eq!(binstall["pkg-fmt"], "txz");
    assert_eq!(
        binstall["overrides"]["x86_64-pc-windows-msvc"]["pkg-fmt"],
        "zip"
    );
}

/// `cargo install` builds the `chanctl` package's normal dependencies only: the emulator
/// (and axum with it) is a dev-dependency.
#[test]
fn an_install_builds_no_emulator_nor_http_server() {
    let out = cargo()
        .args([
            "tree",
            "-p",
            "chanctl",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    for name in ["axum", "cams-emulator"] {
        assert!(
            !tree.lines().any(|l| l.starts_with(&format!("{name} "))),
            "`cargo install chanctl` would build {name}"
        );
    }
}

#[test]
fn the_published_schemas_are_the_ones_compiled_in() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in [
        "channels.schema.json",
        "plan.schema.json",
        "diagnostics.schema.json",
        "templates.schema.json",
    ] {
        let read = |p: &Path| {
            std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        };
        assert!(
            read(&root.join("schemas").join(name))
                == read(&root.join("crates/core/schemas").join(name)),
            "schemas/{name} differs from crates/core/schemas/{name}: run \
             `CHANCTL_UPDATE_SCHEMA=1 cargo test -p chanctl-core committed` to write both"
        );
    }
}

/// The README's emulator example builds every binary it runs: each `target/release/BIN` in
/// its block is a binary of a package that the block's `cargo build -p` names.
#[test]
fn the_readme_emulator_example_builds_what_it_runs() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let section = readme
        .split("### The CAMS emulator")
        .nth(1)
        .expect("the emulator section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("its sh block");
    let built: Vec<&str> = block
        .lines()
        .filter(|l| l.trim_start().starts_with("cargo build"))
        .flat_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            words
                .windows(2)
                .filter(|w| w[0] == "-p")
                .map(|w| w[1])
                .collect::<Vec<_>>()
        })
        .collect();
    let m = metadata();
    let binaries: Vec<String> = built
        .iter()
        .flat_map(|name| {
            package(&m, name)["targets"]
                .as_array()
                .expect("targets")
                .iter()
                .filter(|t| {
                    t["kind"]
                        .as_array()
                        .is_some_and(|k| k.iter().any(|k| k == "bin"))
                })
                .map(|t| t["name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let run: Vec<&str> = block
        .split("target/release/")
        .skip(1)
        .map(|rest| rest.split_whitespace().next().unwrap_or(""))
        .collect();
    assert!(run.len() >= 2, "{block}");
    for bin in run {
        assert!(
            binaries.iter().any(|b| b == bin),
            "the example runs {bin} but builds only {binaries:?}:\n{block}"
        );
    }
}
