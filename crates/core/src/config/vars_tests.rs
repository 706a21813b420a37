//! Unit tests of `${VAR}` substitution: references, escapes, declarations and where a
//! sensitive variable may go.

use super::*;

fn vars(name: &str) -> Option<String> {
    match name {
        "A" => Some("alpha".into()),
        "EMPTY" => Some(String::new()),
        "NESTED" => Some("${A}".into()),
        _ => None,
    }
}

/// Every name above declared, `A` and `EMPTY` not sensitive.
fn declared() -> &'static Declared {
    let src = "variables:\n  A: {sensitive: false}\n  EMPTY: {sensitive: false}\n  NESTED: {}\n  NOPE: {}\n  B: {}\n";
    let root = Box::leak(Box::new(crate::config::yaml::parse(src).unwrap()));
    let (json, spans, _) = crate::config::tree::to_json_with_spans(root);
    Box::leak(Box::new(variables::read(&json, &spans).0))
}

fn scope() -> Scope<'static> {
    Scope {
        values: &vars,
        declared: declared(),
        credentials: &[],
    }
}

fn sub(s: &str) -> Result<Substituted, Vec<Problem>> {
    substitute(s, scope(), true)
}

#[test]
fn references_are_replaced_and_counted() {
    assert_eq!(
        sub("x-${A}-${EMPTY}-y"),
        Ok(Substituted {
            value: "x-alpha--y".into(),
            references: 2,
            sensitive: vec![],
        })
    );
    let plain = sub("costs $5 or $ 6$").unwrap();
    assert_eq!(
        (plain.value.as_str(), plain.references),
        ("costs $5 or $ 6$", 0)
    );
}

#[test]
fn a_doubled_dollar_is_a_literal_reference_and_values_are_not_expanded_again() {
    let escaped = sub("$${A} and ${A}").unwrap();
    assert_eq!(escaped.value, "${A} and alpha");
    assert_eq!(escaped.references, 1);
    assert_eq!(sub("$${A}").unwrap().references, 0);
    let nested = sub("${NESTED}").unwrap();
    assert_eq!(nested.value, "${A}");
    assert_eq!(nested.sensitive, ["NESTED"]);
}

#[test]
fn only_declared_variables_are_read_and_credentials_never() {
    assert_eq!(
        sub("${HOME}"),
        Err(vec![Problem::Undeclared("HOME".into())])
    );
    assert_eq!(
        sub("${ALIBABA_CLOUD_ACCESS_KEY_SECRET}"),
        Err(vec![Problem::Credential(
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET".into()
        )])
    );
    let credentials = ["alph".to_string()];
    let held = Scope {
        credentials: &credentials,
        ..scope()
    };
    assert_eq!(
        substitute("${A}", held, true),
        Err(vec![Problem::HoldsCredential("A".into())])
    );
    // Where plans show the value, a sensitive variable is refused without being read.
    assert_eq!(
        substitute("${NOPE} ${A} ${NOPE}", scope(), false),
        Err(vec![Problem::Shown("NOPE".into())])
    );
}

#[test]
fn every_problem_in_a_string_is_reported() {
    assert_eq!(
        sub("${NOPE} ${1X} ${A}"),
        Err(vec![
            Problem::Missing("NOPE".into()),
            Problem::BadName("1X".into())
        ])
    );
    assert_eq!(sub("${A"), Err(vec![Problem::Unterminated]));
    assert_eq!(sub("${}"), Err(vec![Problem::BadName(String::new())]));
}

#[test]
fn a_missing_variable_is_underlined_where_it_is_written() {
    let source = "name: \"$${B} ${B}\"\n";
    let value = Span {
        offset: 6,
        len: source.len() - 7,
    };
    let span = locate(source, value, "${B}");
    assert_eq!(span.offset, source.rfind("${B}").unwrap());
    assert_eq!(span.len, 4);
    // Not shown as is (an escape sequence): the whole value.
    assert_eq!(locate(source, value, "${C}"), value);
}

#[test]
fn binding_values_are_recognised_by_their_pointer() {
    assert!(is_binding_value("/channels/0/binding/phone_number"));
    assert!(is_binding_value(
        "/environments/stg/channels/a~1b/binding/page_id"
    ));
    assert!(!is_binding_value("/channels/0/name"));
    assert!(!is_binding_value("/channels/0/binding"));
    assert!(is_binding_value(
        "/channels/0/binding/phone_numbers/1/phone_number"
    ));
    assert!(is_binding_value(
        "/environments/stg/channels/a/binding/phone_numbers/0/verified_name"
    ));
    assert!(!is_binding_value("/channels/0/binding/phone_numbers/1"));
    assert!(!is_binding_value("/channels/0/binding/audit/contact_name"));
    assert!(!is_binding_value("/environments/stg/channels/a/name"));
}

/// Where the schema marks a property `x-sensitive`, and under which property name.
fn sensitive_properties(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                for (name, prop) in props {
                    if prop.get("x-sensitive") == Some(&serde_json::Value::Bool(true)) {
                        out.push(name.clone());
                    }
                }
            }
            for v in map.values() {
                sensitive_properties(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| sensitive_properties(v, out)),
        _ => {}
    }
}

#[test]
fn the_redacted_fields_are_those_the_schema_marks_x_sensitive() {
    let schema: serde_json::Value = serde_json::from_str(crate::config::schema::COMMITTED).unwrap();
    let mut marked = Vec::new();
    sensitive_properties(&schema, &mut marked);
    marked.sort();
    marked.dedup();
    // A field marked anew needs its pointers in `is_redacted_field` (and the plans' redaction).
    assert_eq!(marked, ["binding"]);
    assert!(is_redacted_field("/channels/3/binding/dm_account"));
    assert!(is_redacted_field(
        "/environments/prod/channels/a/binding/page_id"
    ));
    assert!(!is_redacted_field("/channels/3/description"));
    assert!(!is_redacted_field("/account/quota"));
}
