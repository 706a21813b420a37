//! Renderers: one per output format, each reading only the plan value.

mod budget;
pub mod export;
pub mod export_kept;
pub mod gfm;
pub mod markdown;
pub mod style;
pub mod templates;
pub mod text;
mod twins;
mod words;

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

/// `FILE is valid: N channels, quota Q.`, with the environment checked, or the ones the
/// file defines when none was: what `chanctl validate` says of a valid file.
pub fn validated(file: &str, desired: &crate::config::Desired) -> String {
    let n = desired.channels.len();
    let what = match &desired.environment {
        Some(env) => format!("is valid for environment {env}"),
        None => "is valid".to_string(),
    };
    let environments = if desired.environment.is_none() && !desired.environments.is_empty() {
        format!(
            "; environments: {} (check each with --env)",
            desired.environments.join(", ")
        )
    } else {
        String::new()
    };
    format!(
        "{file} {what}: {n} {}, quota {}{environments}.\n",
        plural(n, "channel", "channels"),
        desired.quota
    )
}

/// The form of a word that agrees with the count `n`: `one` for exactly 1, else `many`.
/// Every count shown to a person goes through here (`1 wave`, `2 waves`, `1 channel differs`).
pub fn plural<'a, N: PartialEq + From<u8>>(n: N, one: &'a str, many: &'a str) -> &'a str {
    if n == N::from(1) { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(plural(1usize, "wave", "waves"), "wave");
        assert_eq!(plural(0usize, "wave", "waves"), "waves");
        assert_eq!(plural(2usize, "wave", "waves"), "waves");
        assert_eq!(plural(1u64, "character", "characters"), "character");
        assert_eq!(plural(11u64, "character", "characters"), "characters");
        // Verbs agree the other way round.
        assert_eq!(plural(1usize, "differs", "differ"), "differs");
        assert_eq!(plural(3usize, "differs", "differ"), "differ");
    }
}
