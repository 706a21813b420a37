//! Renderers: one per output format, each reading only the plan value.

pub mod export;
pub mod markdown;
pub mod style;
pub mod text;

use crate::plan::Plan;

/// The plan as pretty JSON, exactly the value `plan --out` saves and `apply` reads.
pub fn json(plan: &Plan) -> String {
    let mut s =
        serde_json::to_string_pretty(plan).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// [`json`], written to `w` as it is made: a large plan's JSON is never held whole.
pub fn write_json(plan: &Plan, mut w: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut w, plan)?;
    w.write_all(b"\n")
}
