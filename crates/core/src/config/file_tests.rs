//! Reading a channel by its `type` tag gives what serde's reading of the tagged enum
//! gives (kept apart from `file.rs`, the file's shape).

use super::ChannelSpec;
use serde_json::json;

/// Reading a channel by its tag gives what serde's reading of the tagged enum gives,
/// errors included.
#[test]
fn from_json_reads_as_serde_does() {
    let cases = [
        json!({"name": "w", "type": "whatsapp", "binding": {"waba_id": "1", "phone_number": "+6588001234"}}),
        json!({"type": "viber", "name": "v", "description": "d", "binding": {"business_account": "b"}}),
        json!({"name": "m", "type": "messenger", "protect": true, "previously": ["old"]}),
        json!({"name": "i", "type": "instagram", "binding": {"page_id": "1", "instagram_account_id": "2"}}),
        json!({"name": "s", "type": "sms"}),
        json!({"name": "s", "type": "sms", "contact_mail": "a@b.example", "resource_group": "rg-1"}),
        json!({"name": "w", "type": "whatsapp", "country_id": "SG", "isv_terms": "x", "templates": []}),
        json!({"name": "e", "type": "email", "binding": {"dm_account": "a@b.example"}}),
        json!({"name": "s", "type": "sms", "binding": {"page_id": "1"}}),
        json!({"name": "w", "type": "whatsapp", "extra": 1}),
        json!({"name": "w", "type": "telegram"}),
        json!({"name": "w", "type": 7}),
        json!({"name": "w"}),
        json!({"type": "sms"}),
        json!(["not", "a", "channel"]),
        json!("sms"),
    ];
    for case in cases {
        let ours = ChannelSpec::from_json(case.clone());
        let serde = serde_json::from_value::<ChannelSpec>(case.clone());
        match (&ours, &serde) {
            (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{case}"),
            (Err(_), Err(_)) => {}
            _ => panic!("{case}: from_json {ours:?}, serde {serde:?}"),
        }
    }
}
