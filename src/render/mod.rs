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
