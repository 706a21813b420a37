//! Unit tests of [`super`] (`verify.rs`), kept beside it in a file of their own.

use super::*;

#[test]
fn authorization_parsing_names_what_is_missing() {
    let err = parse_authorization("ACS3-HMAC-SHA256 Credential=a,Signature=b");
    assert!(matches!(err, Err(AuthError::IncompleteSignature(m)) if m.contains("SignedHeaders")));
    let err = parse_authorization("ACS3-HMAC-SM3 Credential=a");
    assert!(matches!(err, Err(AuthError::InvalidSignatureMethod(_))));
}

#[test]
fn debug_does_not_show_secrets() {
    let v = Verifier::new().with_key(&Credentials::new("kid", "very-secret"));
    let dbg = format!("{v:?}");
    assert!(dbg.contains("kid") && !dbg.contains("very-secret"));
}

#[test]
fn a_temporary_key_needs_its_token_and_expires() {
    let v = Verifier::new();
    let mut creds = Credentials::new("STS.tmp", "tmp-secret");
    creds.security_token = Some("tok".into());
    let start = jiff::Timestamp::from_second(1_800_000_000).unwrap_or_default();
    v.add_temporary(&creds, start + jiff::SignedDuration::from_secs(60));
    let sign = |c: &Credentials, at: jiff::Timestamp| {
        let headers = crate::sign::sign_v3(
            "POST",
            "h",
            "ListInstance",
            "2020-06-06",
            &[],
            b"",
            &crate::sign::format_date(at),
            &crate::sign::new_nonce(),
            c,
        );
        let req = HttpRequest {
            method: "POST",
            raw_query: "",
            headers: &headers,
            body: b"",
        };
        v.verify_at(&req, at).map(|_| ())
    };
    assert_eq!(sign(&creds, start), Ok(()));
    let late = start + jiff::SignedDuration::from_secs(60);
    assert_eq!(sign(&creds, late), Err(AuthError::SecurityTokenExpired));
    assert_eq!(
        AuthError::SecurityTokenExpired.code(),
        "InvalidSecurityToken.Expired"
    );
    let mut other = creds.clone();
    other.security_token = Some("another".into());
    assert_eq!(sign(&other, start), Err(AuthError::SecurityTokenMismatch));
}
