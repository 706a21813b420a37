//! The JSON Schema of channels.yaml: generated from the Rust types, committed at
//! schemas/channels.schema.json, and used (the committed copy) to validate every file.

use super::file::ChannelsFile;
use std::sync::OnceLock;

/// The committed schema, as shipped in the binary.
pub const COMMITTED: &str = include_str!("../../../../schemas/channels.schema.json");

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

#[cfg(test)]
mod tests {
    /// `CHANCTL_UPDATE_SCHEMA=1 cargo test committed_schema` rewrites the committed file.
    /// (`chanctl schema` prints the committed copy, so it cannot regenerate it.)
    #[test]
    fn committed_schema_matches_the_types() {
        let generated = super::generate();
        if std::env::var_os("CHANCTL_UPDATE_SCHEMA").is_some() {
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../schemas/channels.schema.json"
            );
            std::fs::write(path, &generated).expect("the schema file is writable");
            return;
        }
        assert!(
            generated == super::COMMITTED,
            "schemas/channels.schema.json is out of date: run \
             `CHANCTL_UPDATE_SCHEMA=1 cargo test committed_schema` and review the diff"
        );
    }
}
