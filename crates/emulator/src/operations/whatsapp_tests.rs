//! Unit tests of the WhatsApp number operations: add, code, verify, release, and refusals.

use super::*;
use crate::meta::{Meta, Signup};
use chanctl_core::model::ChannelType;
use chanctl_core::rules::Op;

fn params(pairs: &[(&str, &str)]) -> Params {
    Params::of(pairs)
}

fn code<T: std::fmt::Debug>(r: Result<T, ApiError>) -> String {
    r.err().map(|e| e.code).unwrap_or_default()
}

/// A WhatsApp channel `shop` whose WABA 5001 was shared with `signup` numbers and is
/// attached, and the context that knows it.
fn attached(signup: &[&str]) -> (State, String, Ctx) {
    let meta = Meta {
        signups: vec![Signup {
            waba: "5001".into(),
            channel: "shop".into(),
            numbers: signup.iter().map(|n| n.to_string()).collect(),
        }],
        phone_code: Some("777111".into()),
        ..Meta::default()
    };
    let ctx = Ctx {
        now: jiff::Timestamp::UNIX_EPOCH,
        viber_audit_ms: 0,
        viber_service_state: String::new(),
        meta: std::sync::Arc::new(meta),
        review: Default::default(),
    };
    let mut st = State::new(10);
    let id = st
        .account
        .apply(&Op::Create {
            name: "shop".into(),
            channel_type: ChannelType::Whatsapp,
            description: String::new(),
            profile: Default::default(),
        })
        .unwrap_or_default()
        .unwrap_or_default();
    let bound = chatapp_bind_waba(&params(&[("WabaId", "5001")]), &mut st, &ctx);
    assert!(bound.is_ok(), "{bound:?}");
    (st, id, ctx)
}

fn listed(st: &State, id: &str, ctx: &Ctx) -> Vec<(String, String)> {
    let reply =
        query_chatapp_phone_numbers(&params(&[("CustSpaceId", id)]), st, ctx).unwrap_or_default();
    reply["PhoneNumbers"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|n| {
            (
                n["PhoneNumber"].as_str().unwrap_or_default().to_string(),
                n["CodeVerificationStatus"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn a_number_is_added_verified_with_the_code_sent_and_released() {
    let (mut st, id, ctx) = attached(&["+6588001234"]);
    let add = |number: &str| {
        params(&[
            ("Cc", "65"),
            ("CustSpaceId", &id),
            ("PhoneNumber", number),
            ("VerifiedName", "Shop"),
        ])
    };
    let number = |extra: &[(&str, &str)]| {
        let mut p = vec![("CustSpaceId", id.as_str()), ("PhoneNumber", "6588005678")];
        p.extend_from_slice(extra);
        params(&p)
    };
    assert!(add_chatapp_phone_number(&add("88005678"), &mut st, &ctx).is_ok());
    // Again (a retried request): no change.
    assert!(add_chatapp_phone_number(&add("88005678"), &mut st, &ctx).is_ok());
    assert_eq!(
        listed(&st, &id, &ctx),
        vec![
            ("6588001234".to_string(), "VERIFIED".to_string()),
            ("6588005678".to_string(), "NOT_VERIFIED".to_string()),
        ]
    );
    let verify = |c: &str| number(&[("VerifyCode", c)]);
    // No code was sent yet; then a wrong one.
    let early = chatapp_verify_and_register(&verify("777111"), &mut st, &ctx);
    assert_eq!(code(early), "InvalidParameter.VerifyCode");
    let send = number(&[("Locale", "en_US"), ("Method", "sms")]);
    assert!(get_chatapp_verify_code(&send, &mut st, &ctx).is_ok());
    let wrong = chatapp_verify_and_register(&verify("123456"), &mut st, &ctx);
    assert_eq!(code(wrong), "InvalidParameter.VerifyCode");
    assert!(chatapp_verify_and_register(&verify("777111"), &mut st, &ctx).is_ok());
    assert_eq!(listed(&st, &id, &ctx)[1].1, "VERIFIED");

    // The signup's number is released; a released number is unknown to the WABA.
    let signup = params(&[("CustSpaceId", &id), ("PhoneNumber", "6588001234")]);
    assert!(chatapp_phone_number_deregister(&signup, &mut st, &ctx).is_ok());
    assert_eq!(
        listed(&st, &id, &ctx),
        vec![("6588005678".to_string(), "VERIFIED".to_string())]
    );
    let gone = chatapp_phone_number_deregister(&signup, &mut st, &ctx);
    assert_eq!(code(gone), "ERR-OPERATION-MAAP-0065");
    // Added again, it waits for a code again.
    let again = params(&[
        ("Cc", "65"),
        ("CustSpaceId", &id),
        ("PhoneNumber", "88001234"),
        ("VerifiedName", "Shop"),
    ]);
    assert!(add_chatapp_phone_number(&again, &mut st, &ctx).is_ok());
    assert_eq!(listed(&st, &id, &ctx)[1].1, "NOT_VERIFIED");
}

#[test]
fn refusals_say_what_is_wrong() {
    let (mut st, id, ctx) = attached(&[]);
    let bad_method = params(&[
        ("CustSpaceId", &id),
        ("Locale", "en_US"),
        ("Method", "fax"),
        ("PhoneNumber", "6588005678"),
    ]);
    let refused = get_chatapp_verify_code(&bad_method, &mut st, &ctx);
    assert_eq!(code(refused), "InvalidParameter.Method");
    let not_added = params(&[
        ("CustSpaceId", &id),
        ("Locale", "en_US"),
        ("Method", "sms"),
        ("PhoneNumber", "6588005678"),
    ]);
    let refused = get_chatapp_verify_code(&not_added, &mut st, &ctx);
    assert_eq!(code(refused), "ERR-OPERATION-MAAP-0065");
    let letters = params(&[
        ("Cc", "6a"),
        ("CustSpaceId", &id),
        ("PhoneNumber", "88005678"),
        ("VerifiedName", "Shop"),
    ]);
    let refused = add_chatapp_phone_number(&letters, &mut st, &ctx);
    assert_eq!(code(refused), "InvalidParameter.PhoneNumber");

    // A second channel cannot add a number the first one's WABA has.
    let add = params(&[
        ("Cc", "65"),
        ("CustSpaceId", &id),
        ("PhoneNumber", "88005678"),
        ("VerifiedName", "Shop"),
    ]);
    assert!(add_chatapp_phone_number(&add, &mut st, &ctx).is_ok());
    let other = st
        .account
        .apply(&Op::Create {
            name: "other".into(),
            channel_type: ChannelType::Whatsapp,
            description: String::new(),
            profile: Default::default(),
        })
        .unwrap_or_default()
        .unwrap_or_default();
    let no_waba = params(&[
        ("Cc", "65"),
        ("CustSpaceId", &other),
        ("PhoneNumber", "88005678"),
        ("VerifiedName", "Other"),
    ]);
    let refused = add_chatapp_phone_number(&no_waba, &mut st, &ctx);
    assert_eq!(code(refused), "ERR-OPERATION-MAAP-0060");
    let bound = st.account.apply(&Op::Bind {
        id: other.clone(),
        binding: Binding::whatsapp(WhatsappBinding {
            waba_id: "6001".into(),
            phone_number: String::new(),
            verified_name: None,
            phone_numbers: Vec::new(),
            waiting: Vec::new(),
        }),
    });
    assert!(bound.is_ok(), "{bound:?}");
    let refused = add_chatapp_phone_number(&no_waba, &mut st, &ctx);
    assert_eq!(code(refused), "OperationDenied.PhoneNumberInUse");
}
