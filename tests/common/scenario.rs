//! The plan scenarios in fixtures/plans: each a folder with a live state, a channels file and
//! `expect.yaml`. The sandbox and the CAMS backend run the same ones.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// What a scenario expects (`expect.yaml`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Expect {
    /// Extra arguments for plan and apply (e.g. --prune).
    pub args: Vec<String>,
    /// Extra arguments for apply only (e.g. --force).
    pub apply_args: Vec<String>,
    /// The plan's steps as `action channel`, in order.
    pub steps: Option<Vec<String>>,
    pub plan_exit: i32,
    pub apply_exit: i32,
    /// Text stderr must contain when plan or apply fails.
    pub error: Option<String>,
    pub unmanaged: Option<Vec<String>>,
    /// Where the CAMS backend's plan differs from the sandbox's, and why (`reason`).
    pub cams: Option<CamsExpect>,
}

/// A scenario's plan on CAMS where the API cannot do what the sandbox does: a Messenger
/// channel bound to a Page the file no longer names reads as "bound, page unknown", so moving
/// it to another Page is a manual step, never sent.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CamsExpect {
    pub reason: String,
    pub steps: Vec<String>,
    /// The steps are manual: the plan says so, apply exits 1 naming the console, and the
    /// next plan is the same (nothing was sent, nothing loops).
    pub manual: bool,
}

/// Every scenario folder, sorted.
pub fn scenarios() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/plans");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .expect("fixtures/plans")
        .map(|e| e.expect("a fixture entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// The scenario's name and expectations.
pub fn expect(fixture: &Path) -> (String, Expect) {
    let name = fixture.file_name().unwrap().to_string_lossy().to_string();
    let text = std::fs::read_to_string(fixture.join("expect.yaml"))
        .unwrap_or_else(|e| panic!("{name}/expect.yaml: {e}"));
    let expect =
        serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{name}/expect.yaml: {e}"));
    (name, expect)
}
