//! What the official CAMS SDK declares for each operation: its request parameters and its
//! response fields (`declared.json`, generated from the SDK's own models by
//! `scripts/sdk-declared`; `.ci/run` regenerates it and fails when it differs). The client
//! refuses to send a parameter the SDK does not declare, and the emulator refuses to accept
//! one: no request rests on a guess.

use serde_json::Value;
use std::sync::OnceLock;

/// Request parameters every operation takes besides its own.
pub const COMMON: [&str; 5] = [
    "Action",
    "Version",
    "OwnerId",
    "ResourceOwnerAccount",
    "ResourceOwnerId",
];

fn table() -> &'static serde_json::Map<String, Value> {
    static TABLE: OnceLock<serde_json::Map<String, Value>> = OnceLock::new();
    TABLE.get_or_init(|| {
        match serde_json::from_str::<Value>(include_str!("declared.json")) {
            Ok(Value::Object(map)) => map,
            // The file is generated and checked at build time by the tests below.
            _ => serde_json::Map::new(),
        }
    })
}

/// Whether the SDK has operation `action`.
pub fn knows(action: &str) -> bool {
    table().contains_key(action)
}

/// Whether operation `action` takes parameter `name` (true for an operation the SDK does not
/// have: there is nothing to check it against).
pub fn takes(action: &str, name: &str) -> bool {
    if COMMON.contains(&name) {
        return true;
    }
    match table().get(action).and_then(|op| op["params"].as_array()) {
        Some(params) => params.iter().any(|p| p.as_str() == Some(name)),
        None => !knows(action),
    }
}

/// The first of `names` that operation `action` does not take.
pub fn undeclared<'a>(action: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    names.into_iter().find(|n| !takes(action, n))
}

/// The response fields of `action` (besides the envelope): field → its fields, or null for a
/// value of any shape.
pub fn response(action: &str) -> Option<&'static Value> {
    table().get(action).map(|op| &op["response"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_holds_what_the_sdk_declares() {
        assert!(table().len() > 100, "declared.json did not parse");
        assert!(takes("ChatappBindWaba", "WabaId"));
        assert!(!takes("ChatappBindWaba", "CustSpaceId"));
        assert!(!takes("ChatappBindWaba", "PhoneNumber"));
        assert!(!takes("BindInstagramPage", "AccountId"));
        assert!(takes("ListInstance", "IsBind") && takes("ListInstance", "BindId"));
        let row = &response("ListInstance").unwrap()["Data"];
        assert!(row.get("CustSpaceId").is_some() && row.get("BindId").is_none());
        assert_eq!(
            undeclared("BindInstagramPage", ["InstanceId", "PageId", "AccountId"]),
            Some("AccountId")
        );
        assert!(takes("NoSuchOperation", "Anything"));
    }
}
