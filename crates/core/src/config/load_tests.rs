//! `load_with` end to end: `${VAR}` references, environments and sensitive values together
//! (each part has its own unit tests beside it).

use super::load::{LoadOptions, load, load_with};
use super::{Desired, SensitiveField};
use crate::diagnostic::Diagnostic;

fn primary(src: &str, d: &Diagnostic) -> String {
    let s = d.labels[0].span;
    src[s.offset..s.offset + s.len].to_string()
}

const ENVS: &str = "\
version: 1
variables:
  REGION: {sensitive: false, description: where support is}
  PROD_NUMBER: {description: the production number}
  STG_LOCAL: {}
  TWICE: {}
channels:
  - name: support-whatsapp
    type: whatsapp
    description: Support ${REGION}
    binding: {waba_id: \"1\", phone_number: \"${PROD_NUMBER}\"}
    protect: true
  - name: otp
    type: sms
environments:
  staging:
    account: {quota: 2}
    prune: true
    safety: {max_change_percent: 50}
    channels:
      support-whatsapp:
        name: support-whatsapp-stg
        binding: {waba_id: \"2\", phone_number: \"+65${STG_LOCAL}\"}
        protect: false
  prod: {}
";

fn vars(name: &str) -> Option<String> {
    match name {
        "REGION" => Some("sg".into()),
        "PROD_NUMBER" => Some("+6588001234".into()),
        "STG_LOCAL" => Some("88009999".into()),
        "TWICE" => Some("+6577001234".into()),
        _ => None,
    }
}

fn load_for(src: &str, env: Option<&str>) -> Result<Desired, Vec<Diagnostic>> {
    load_with(
        src,
        &LoadOptions {
            environment: env,
            vars: &vars,
            credentials: &[],
        },
    )
}

#[test]
fn variables_are_replaced_and_binding_values_from_them_are_sensitive() {
    let d = load_for(ENVS, None).unwrap();
    let wa = &d.channels[0];
    assert_eq!(wa.description, "Support sg");
    assert_eq!(
        wa.binding.as_ref().unwrap().fields()[1],
        ("phone_number".into(), "+6588001234")
    );
    assert_eq!(
        d.sensitive,
        [SensitiveField {
            channel: "support-whatsapp".into(),
            field: "phone_number".into(),
            template: "${PROD_NUMBER}".into(),
        }],
        "a description is not sensitive"
    );
    assert_eq!(d.sensitive_values(), ["+6588001234"]);
    assert_eq!(
        (d.environment, d.environments),
        (None, vec!["prod".into(), "staging".into()])
    );
    assert!(
        load(ENVS).is_err(),
        "without variables the references are missing"
    );
}

#[test]
fn an_environment_overrides_the_file_and_needs_only_its_own_variables() {
    let no_prod = |name: &str| (name != "PROD_NUMBER").then(|| vars(name)).flatten();
    let options = LoadOptions {
        environment: Some("staging"),
        vars: &no_prod,
        credentials: &[],
    };
    let d = load_with(ENVS, &options).unwrap();
    assert_eq!(d.environment.as_deref(), Some("staging"));
    assert_eq!((d.quota, d.prune), (2, true));
    assert_eq!(d.safety.max_change_percent, 50);
    assert_eq!(d.safety.min_managed, 10, "not overridden");
    let wa = &d.channels[0];
    assert_eq!(wa.name, "support-whatsapp-stg");
    assert!(!wa.protect);
    assert_eq!(wa.description, "Support sg");
    assert_eq!(wa.binding.as_ref().unwrap().fields()[1].1, "+6588009999");
    assert_eq!(d.sensitive.len(), 1);
    assert_eq!(d.sensitive[0].channel, "support-whatsapp-stg");
    assert_eq!(d.sensitive[0].template, "+65${STG_LOCAL}");
    // An empty environment is the file as written.
    let prod = load_for(ENVS, Some("prod")).unwrap();
    assert_eq!(prod.channels, load_for(ENVS, None).unwrap().channels);
    // The file as written needs its own variables.
    let missing = load_with(
        ENVS,
        &LoadOptions {
            environment: None,
            ..options
        },
    )
    .unwrap_err();
    assert_eq!(missing[0].code, "chanctl::vars::missing");
}

#[test]
fn a_missing_variable_is_underlined_where_it_is_referenced() {
    let src = ENVS
        .replace("${REGION}", "in ${NOWHERE}")
        .replace("TWICE: {}", "TWICE: {}\n  NOWHERE: {sensitive: false}");
    let d = load_for(&src, None).unwrap_err();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].message, "environment variable `NOWHERE` is not set");
    assert_eq!(primary(&src, &d[0]), "${NOWHERE}");
}

#[test]
fn problems_of_an_environment_point_at_its_overrides() {
    let long = "x".repeat(51);
    let src = ENVS.replace("name: support-whatsapp-stg", &format!("name: {long}"));
    assert!(load_for(&src, None).is_ok(), "only staging has the problem");
    let d = load_for(&src, Some("staging")).unwrap_err();
    let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["chanctl::schema::too_long"], "{d:#?}");
    assert_eq!(primary(&src, &d[0]), long);
    // Over the environment's quota of 2 with a third channel: at the environment's quota.
    let src = ENVS.replace("environments:", "  - name: c\n    type: sms\nenvironments:");
    let d = load_for(&src, Some("staging")).unwrap_err();
    assert_eq!(d[0].code, "chanctl::semantic::over_quota");
    assert_eq!(d[0].offset(), src.find("quota: 2}").unwrap() + 7);
    let d = load_for(ENVS, Some("qa")).unwrap_err();
    assert_eq!(d[0].code, "chanctl::env::unknown");
    assert!(
        d[0].message.contains("`prod`, `staging`"),
        "{}",
        d[0].message
    );
}

#[test]
fn no_diagnostic_shows_a_sensitive_value() {
    let src = "version: 1\nvariables: {TWICE: {}}\nchannels:\n  - name: a\n    type: whatsapp\n    binding: {waba_id: \"1\", phone_number: \"${TWICE}\"}\n  - name: b\n    type: whatsapp\n    binding: {waba_id: \"1\", phone_number: \"${TWICE}\"}\n";
    let d = load_for(src, None).unwrap_err();
    assert_eq!(d[0].code, "chanctl::semantic::resource_claimed_twice");
    let text = format!("{d:?}");
    assert!(!text.contains("+6577001234"), "{text}");
    assert!(d[0].message.contains("(sensitive)"), "{}", d[0].message);
}

#[test]
fn a_sensitive_variable_is_refused_where_plans_would_show_it() {
    let src = ENVS.replace("REGION: {sensitive: false, ", "REGION: {");
    let d = load_for(&src, None).unwrap_err();
    let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["chanctl::vars::sensitive_shown"], "{d:#?}");
    assert_eq!(primary(&src, &d[0]), "${REGION}");
    assert!(
        d[0].message.contains("plans show `description`"),
        "{}",
        d[0].message
    );
    // In an environment's override too, and in a name.
    let src = ENVS.replace(
        "name: support-whatsapp-stg",
        "name: \"support-${STG_LOCAL}\"",
    );
    let d = load_for(&src, Some("staging")).unwrap_err();
    assert_eq!(d[0].code, "chanctl::vars::sensitive_shown");
    assert!(
        d[0].message.contains("plans show `name`"),
        "{}",
        d[0].message
    );
}

#[test]
fn a_non_sensitive_variable_in_a_binding_is_shown() {
    let src = ENVS.replace(
        "PROD_NUMBER: {description",
        "PROD_NUMBER: {sensitive: false, description",
    );
    let d = load_for(&src, None).unwrap();
    assert!(d.sensitive.is_empty(), "{:?}", d.sensitive);
    assert_eq!(d.variables.len(), 4);
}

#[test]
fn undeclared_and_credential_variables_are_never_read() {
    let read = std::cell::RefCell::new(Vec::new());
    let spy = |name: &str| {
        read.borrow_mut().push(name.to_string());
        vars(name)
    };
    let src = ENVS.replace(
        "Support ${REGION}",
        "Support ${REGON} ${ALIBABA_CLOUD_ACCESS_KEY_SECRET}",
    );
    let d = load_with(
        &src,
        &LoadOptions {
            environment: None,
            vars: &spy,
            credentials: &[],
        },
    )
    .unwrap_err();
    let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        ["chanctl::vars::undeclared", "chanctl::vars::credential"],
        "{d:#?}"
    );
    assert!(
        d[0].help
            .as_deref()
            .unwrap()
            .contains("did you mean `REGION`?")
    );
    assert_eq!(primary(&src, &d[1]), "${ALIBABA_CLOUD_ACCESS_KEY_SECRET}");
    let read = read.borrow();
    assert!(
        !read
            .iter()
            .any(|n| n == "REGON" || n.starts_with("ALIBABA")),
        "{read:?}"
    );
}

#[test]
fn a_variable_holding_a_credential_is_refused() {
    let credentials = ["+6588001234".to_string()];
    let d = load_with(
        ENVS,
        &LoadOptions {
            environment: None,
            vars: &vars,
            credentials: &credentials,
        },
    )
    .unwrap_err();
    assert_eq!(d[0].code, "chanctl::vars::credential_value");
    assert_eq!(primary(ENVS, &d[0]), "${PROD_NUMBER}");
    assert!(!format!("{d:?}").contains("+6588001234"));
}

#[test]
fn a_credential_written_in_the_file_is_refused_where_it_stands() {
    let secret = "Zx9SecretValue0123456789abcdef".to_string();
    let src = ENVS.replace(
        "name: otp",
        &format!("name: otp\n    description: {secret}"),
    );
    let credentials = [secret.clone()];
    let d = load_with(
        &src,
        &LoadOptions {
            environment: None,
            vars: &vars,
            credentials: &credentials,
        },
    )
    .unwrap_err();
    let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["chanctl::input::credential"], "{d:#?}");
    assert_eq!(primary(&src, &d[0]), secret);
    assert!(!format!("{:?}", d[0]).contains(&secret));
}

#[test]
fn the_instance_profile_is_read_checked_and_overridden_per_environment() {
    let src = ENVS
        .replace(
            "  - name: otp\n    type: sms\n",
            "  - name: otp\n    type: sms\n    contact_mail: ops@example.com\n    resource_group: rg-prod1\n",
        )
        .replace(
            "  prod: {}\n",
            "  prod: {}\n  qa:\n    channels:\n      otp: {resource_group: rg-qa1, country_id: ID}\n",
        );
    let otp = |d: Desired| d.channels.into_iter().find(|c| c.name == "otp").unwrap();
    let file = otp(load_for(&src, None).unwrap()).profile;
    assert_eq!(file.contact_mail.as_deref(), Some("ops@example.com"));
    assert_eq!(file.resource_group.as_deref(), Some("rg-prod1"));
    assert_eq!(file.country_id, None, "absent: not managed");
    let qa = otp(load_for(&src, Some("qa")).unwrap()).profile;
    assert_eq!(qa.resource_group.as_deref(), Some("rg-qa1"));
    assert_eq!(qa.country_id.as_deref(), Some("ID"));
    assert_eq!(qa.contact_mail.as_deref(), Some("ops@example.com"));
    // Values the schema refuses, each where it is written.
    for (good, bad) in [
        (
            "contact_mail: ops@example.com",
            "contact_mail: ops.example.com",
        ),
        (
            "contact_mail: ops@example.com",
            "contact_mail: a b@example.com",
        ),
        ("resource_group: rg-prod1", "resource_group: default"),
    ] {
        let src = src.replace(good, bad);
        let d = load_for(&src, None).unwrap_err();
        let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["chanctl::schema::format"], "{bad}: {d:#?}");
        assert_eq!(primary(&src, &d[0]), &bad[bad.find(' ').unwrap() + 1..]);
    }
    let src = src.replace("country_id: ID", "country_id: sg");
    assert!(load_for(&src, Some("qa")).is_err(), "lower-case country");
}
