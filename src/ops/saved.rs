//! Reading a plan saved with `plan --out`: the one place that decides whether a file is a
//! plan this chanctl understands, so that `apply PLAN` and `show PLAN` refuse the same files
//! with the same words.

use super::Error;
use crate::plan::{FORMAT_VERSION, Plan};
use std::path::Path;

/// The plan saved at `path`; refused (as [`Error::NotAPlan`], saying what to do) when it
/// cannot be read, is not JSON, is not a plan, or is of another format version.
pub fn read(path: &Path) -> Result<Plan, Error> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::NotAPlan(format!("cannot read {}: {e}", path.display())))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        Error::NotAPlan(format!(
            "{} is not a plan file (not JSON: {e})",
            path.display()
        ))
    })?;
    match value.get("format_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(FORMAT_VERSION) => {}
        Some(v) if v < u64::from(FORMAT_VERSION) => {
            return Err(Error::NotAPlan(format!(
                "{} is a plan of format version {v}, made by an older chanctl; this chanctl applies version {FORMAT_VERSION}. Nothing was changed: run `chanctl plan --out {}` again and apply the new plan.",
                path.display(),
                path.display()
            )));
        }
        Some(v) => {
            return Err(Error::NotAPlan(format!(
                "{} is a plan of format version {v}; this chanctl applies version {FORMAT_VERSION}",
                path.display()
            )));
        }
        None => {
            return Err(Error::NotAPlan(format!(
                "{} is not a plan file (no format_version)",
                path.display()
            )));
        }
    }
    serde_json::from_value(value)
        .map_err(|e| Error::NotAPlan(format!("{} is not a valid plan: {e}", path.display())))
}
