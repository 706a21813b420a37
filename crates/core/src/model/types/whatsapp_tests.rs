//! The WhatsApp binding's two forms: one number or a list. The single form must read and
//! write exactly as before the list existed; equality compares the WABA and its numbers.

use super::*;
use crate::model::Binding;

fn single(number: &str, name: Option<&str>) -> WhatsappBinding {
    WhatsappBinding {
        waba_id: "5001".into(),
        phone_number: number.into(),
        verified_name: name.map(str::to_string),
        phone_numbers: Vec::new(),
        waiting: Vec::new(),
    }
}

fn list(numbers: &[(&str, Option<&str>)]) -> WhatsappBinding {
    WhatsappBinding::with_numbers(
        "5001".into(),
        numbers
            .iter()
            .map(|(n, v)| (n.to_string(), v.map(str::to_string)))
            .collect(),
    )
}

#[test]
fn the_single_form_is_written_as_before() {
    let json = serde_json::to_string(&single("+6588001234", Some("Shop"))).unwrap();
    assert_eq!(
        json,
        r#"{"waba_id":"5001","phone_number":"+6588001234","verified_name":"Shop"}"#
    );
    let json = serde_json::to_string(&single("", None)).unwrap();
    assert_eq!(json, r#"{"waba_id":"5001","phone_number":""}"#);
    let back: WhatsappBinding = serde_json::from_str(&json).unwrap();
    assert!(!back.is_list() && back.numbers().is_empty());
}

#[test]
fn the_list_form_is_written_as_a_list_and_read_back() {
    let b = list(&[("+6588001234", Some("Shop")), ("+6588005678", None)]);
    assert!(b.is_list());
    let json = serde_json::to_string(&b).unwrap();
    assert_eq!(
        json,
        r#"{"waba_id":"5001","phone_numbers":[{"phone_number":"+6588001234","verified_name":"Shop"},{"phone_number":"+6588005678"}]}"#
    );
    let back: WhatsappBinding = serde_json::from_str(&json).unwrap();
    assert!(back.is_list());
    assert_eq!(back, b);
}

#[test]
fn one_number_takes_the_single_form_and_equality_ignores_the_form() {
    let one = list(&[("+6588001234", None)]);
    assert!(!one.is_list(), "with_numbers writes one number singly");
    let as_list = one.in_form(true);
    assert!(as_list.is_list());
    assert_eq!(as_list, single("+6588001234", None));
    assert_eq!(as_list.in_form(false), single("+6588001234", None));
    assert!(!as_list.in_form(false).is_list());
    // Several numbers stay a list whatever form is asked for.
    let two = list(&[("+6588001234", None), ("+6588005678", None)]);
    assert!(two.in_form(false).is_list());
    assert_ne!(two, single("+6588001234", None));
}

#[test]
fn the_same_numbers_in_another_order_are_the_same_choice() {
    let ab = list(&[("+6588001234", None), ("+6588005678", None)]);
    let ba = list(&[("+6588005678", None), ("+6588001234", None)]);
    assert!(ab.same_number(&ba));
    assert!(!ab.same_number(&list(&[("+6588001234", None)])));
}

#[test]
fn keys_are_pointers_and_each_number_is_a_resource() {
    let b = Binding::whatsapp(list(&[
        ("+6588001234", Some("Shop")),
        ("+6588005678", None),
    ]));
    let keys: Vec<String> = b
        .fields()
        .into_iter()
        .map(|(k, _)| k.into_owned())
        .collect();
    assert_eq!(
        keys,
        [
            "waba_id",
            "phone_numbers/0/phone_number",
            "phone_numbers/0/verified_name",
            "phone_numbers/1/phone_number",
        ]
    );
    let resources: Vec<(String, &str)> = b
        .resource_fields()
        .into_iter()
        .map(|(_, k, v)| (k.into_owned(), v))
        .collect();
    assert_eq!(
        resources,
        [
            ("phone_numbers/0/phone_number".to_string(), "+6588001234"),
            ("phone_numbers/1/phone_number".to_string(), "+6588005678"),
        ]
    );
    let one = Binding::whatsapp(single("+6588001234", Some("Shop")));
    assert_eq!(one.resources().len(), 1);
    assert!(Binding::whatsapp(single("", None)).resources().is_empty());
}
