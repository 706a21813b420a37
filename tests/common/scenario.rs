//! The plan scenarios in fixtures/plans: each a folder with a live state, a channels file and
//! `expect.yaml`. The sandbox and the CAMS backend run the same ones and expect the same: the
//! sandbox holds the service's rules (manual steps, pending reviews, Pages it cannot read).

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
}

/// A live-state row of `live.yaml`, as far as a channels file can create it.
#[derive(Debug, Deserialize)]
struct LiveRow {
    name: String,
    #[serde(rename = "type")]
    channel_type: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    binding: Option<serde_json::Value>,
    /// The instance profile: keys of the channel in a channels file.
    #[serde(default)]
    profile: serde_json::Map<String, serde_json::Value>,
}

/// The scenario's live state (`live.yaml`) as a channels file whose apply creates it, on any
/// backend; none for a scenario that starts from an empty account.
pub fn setup_file(fixture: &Path) -> Option<String> {
    let live = std::fs::read_to_string(fixture.join("live.yaml")).ok()?;
    let live: Vec<LiveRow> = serde_saphyr::from_str(&live).unwrap();
    let channels: Vec<serde_json::Value> = live
        .iter()
        .map(|r| {
            let mut c = serde_json::json!({"name": r.name, "type": r.channel_type, "description": r.description});
            if let Some(b) = &r.binding {
                c["binding"] = b.clone();
            }
            if let Some(c) = c.as_object_mut() {
                c.extend(r.profile.clone());
            }
            c
        })
        .collect();
    Some(serde_json::json!({"version": 1, "channels": channels}).to_string())
}

/// The emulator flags that tell it what Meta knows of the scenario's bindings (see
/// [`super::meta_args`]). The live state comes last: where the file moves a WABA to another
/// channel, the live state's signup is the one its WABA landed by.
pub fn emulator_meta(fixture: &Path) -> Vec<String> {
    let texts: Vec<String> = ["channels.yaml", "live.yaml"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(fixture.join(f)).ok())
        .collect();
    super::meta_args(&texts.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Put the scenario's channels file in `dir`, with the files it includes: the scenario's
/// `templates/` folder (for `templates: {include: "templates/*.yaml"}`), when it has one.
pub fn copy_files(fixture: &Path, dir: &Path) {
    std::fs::copy(fixture.join("channels.yaml"), dir.join("channels.yaml")).unwrap();
    let included = fixture.join("templates");
    if included.is_dir() {
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        for entry in std::fs::read_dir(&included).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.join("templates").join(path.file_name().unwrap())).unwrap();
        }
    }
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
