//! The JSON Schema of channels.yaml: generated from the Rust types, committed at
//! crates/core/schemas/channels.schema.json (inside this crate, so that it is packaged with
//! it), and used (the committed copy) to validate every file. The repository's
//! schemas/channels.schema.json is the copy editors read; a test in the chanctl crate checks
//! that the two are equal.

use super::file::ChannelsFile;
use std::sync::OnceLock;

/// The committed schema, as shipped in the binary.
pub const COMMITTED: &str = include_str!("../../schemas/channels.schema.json");

/// The schema generated from the current Rust types, pretty-printed with a final newline.
pub fn generate() -> String {
    let schema = schemars::schema_for!(ChannelsFile);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    text.push('\n');
    text
}

/// The compiled validator for the committed schema, built once per process.
pub fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: serde_json::Value =
            serde_json::from_str(COMMITTED).expect("the committed schema is JSON");
        jsonschema::validator_for(&schema).expect("the committed schema compiles")
    })
}

/// Write a regenerated schema to crates/core/schemas/NAME and to the repository's
/// schemas/NAME (when this crate sits in the repository). For the tests that regenerate them.
#[cfg(test)]
pub(crate) fn write_committed(name: &str, text: &str) {
    let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::write(crate_dir.join("schemas").join(name), text).expect("the schema is writable");
    let published = crate_dir.join("../../schemas");
    if published.is_dir() {
        std::fs::write(published.join(name), text).expect("the published schema is writable");
    }
}

#[cfg(test)]
mod tests {
    /// `CHANCTL_UPDATE_SCHEMA=1 cargo test committed_schema` rewrites the committed file
    /// and its published copy.
    /// (`chanctl schema` prints the committed copy, so it cannot regenerate it.)
    #[test]
    fn committed_schema_matches_the_types() {
        let generated = super::generate();
        if std::env::var_os("CHANCTL_UPDATE_SCHEMA").is_some() {
            crate::config::schema::write_committed("channels.schema.json", &generated);
            return;
        }
        assert!(
            generated == super::COMMITTED,
            "crates/core/schemas/channels.schema.json is out of date: run \
             `CHANCTL_UPDATE_SCHEMA=1 cargo test committed_schema` and review the diff"
        );
    }
}
