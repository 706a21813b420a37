//! Unit tests of the Viber application: its keys, what is compared in each state, what
//! reads back, and that redaction reaches every value.

use super::super::ViberBinding;
use super::*;
use crate::model::types::ChannelBinding;

fn audit(pairs: &[(&str, &[&str])]) -> ViberAudit {
    let mut a = ViberAudit::default();
    for (k, v) in pairs {
        a.set(k, v.iter().map(|s| s.to_string()).collect());
    }
    a
}

#[test]
fn every_key_is_set_and_read_under_its_own_name() {
    for (n, k) in AUDIT_KEYS.iter().enumerate() {
        let a = audit(&[(k.key, &["x", "y"])]);
        let values = a.values();
        // The destinations are lists in the file too; `Logo` is a list of one on the wire.
        let many = k.key.ends_with("destination_countries");
        let want: Vec<&str> = if many { vec!["x", "y"] } else { vec!["x"] };
        assert_eq!(values[n], (k.key, want), "{}", k.key);
        assert_eq!(values.iter().filter(|(_, v)| !v.is_empty()).count(), 1);
        let json = serde_json::to_value(&a).unwrap();
        assert!(json.get(k.key).is_some(), "{}: serialised as {json}", k.key);
    }
    assert!(audit(&[("not_a_key", &["x"])]).is_empty());
}

#[test]
fn pending_every_read_key_is_compared_approved_only_those_the_card_has() {
    let file = audit(&[
        ("industry", &["E-commerce"]),
        ("contact_name", &["Mei"]),
        ("company_legal_name", &["Acme"]),
    ]);
    // Pending: a key the record lacks was not submitted; a key it cannot hold is not read.
    let live = audit(&[("industry", &["Retail"])]);
    assert_eq!(
        file.differs_from(Some(&live), true),
        ["company_legal_name", "industry"]
    );
    assert_eq!(
        file.differs_from(None, true),
        ["company_legal_name", "industry"]
    );
    // Approved: only the card's keys, and only where it has a value.
    assert_eq!(file.differs_from(Some(&live), false), ["industry"]);
    assert!(file.differs_from(None, false).is_empty());
    assert!(
        ViberAudit::default()
            .differs_from(Some(&live), true)
            .is_empty()
    );
}

#[test]
fn as_read_keeps_the_keys_the_service_gives_back() {
    let full = audit(&[
        ("industry", &["Retail"]),
        ("contact_email", &["a@b.c"]),
        ("logo", &["https://x/l.png"]),
    ]);
    assert_eq!(
        full.as_read(true),
        Some(audit(&[
            ("industry", &["Retail"]),
            ("logo", &["https://x/l.png"])
        ]))
    );
    assert_eq!(
        full.as_read(false),
        Some(audit(&[("industry", &["Retail"])]))
    );
    assert_eq!(audit(&[("contact_email", &["a@b.c"])]).as_read(true), None);
}

#[test]
fn redaction_reaches_every_value_of_the_application() {
    let mut b = ViberBinding {
        business_account: "acme".into(),
        audit: Some(Box::new(audit(&[
            ("contact_email", &["a@b.c"]),
            ("destination_countries", &["SG", "MY"]),
        ]))),
    };
    let keys: Vec<String> = b
        .fields_mut()
        .into_iter()
        .map(|(k, _)| k.into_owned())
        .collect();
    assert_eq!(
        keys,
        [
            "business_account",
            "contact_email",
            "destination_countries",
            "destination_countries"
        ]
    );
}
