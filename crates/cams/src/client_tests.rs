//! Unit tests of [`super`] (`client.rs`), kept beside it in a file of their own.

use super::*;

#[test]
fn a_permanent_transport_failure_is_not_retried() {
    let transport = |permanent| CallError::Transport {
        message: String::new(),
        maybe_done: false,
        permanent,
    };
    assert!(transport(false).retryable());
    assert!(!transport(true).retryable());
}

#[test]
fn throttling_and_server_errors_are_retryable_auth_is_not() {
    let api = |status, code: &str| CallError::Api {
        status,
        code: code.into(),
        message: String::new(),
        request_id: None,
        retry_after: None,
    };
    assert!(api(400, "Throttling.User").retryable());
    assert!(api(400, "System.LimitControl").retryable());
    assert!(api(503, "ServiceUnavailable").retryable());
    assert!(!api(400, "SignatureDoesNotMatch").retryable());
    assert!(!api(403, "Forbidden.RAM").retryable());
    assert!(api(200, "ERR-COMMON-001").retryable());
    assert!(api(200, "ERR-COMMON-001").maybe_done());
    assert!(
        !api(503, "ServiceUnavailable").in_flight(),
        "an answer ends it"
    );
    let lost = |maybe_done| CallError::Transport {
        message: String::new(),
        maybe_done,
        permanent: false,
    };
    assert!(lost(true).in_flight() && lost(true).maybe_done());
    assert!(!lost(false).in_flight(), "never connected: never sent");
    assert!(!api(400, "OperationDenied.ResourceHeld").retryable());
    assert!(!api(200, "QuotaExceeded.Instance").retryable());
    let e = api(400, "InvalidTimeStamp.Expired").describe("ListInstance");
    assert!(e.contains("clock"), "{e}");
}

#[test]
fn xml_errors_are_read() {
    let v = xml_error(b"<Error><Code>Throttling</Code><Message>slow down</Message><RequestId>R1</RequestId></Error>");
    assert_eq!(v["Code"], "Throttling");
    assert_eq!(v["RequestId"], "R1");
}
