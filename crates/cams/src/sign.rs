//! Request signing for the Alibaba Cloud OpenAPI gateway that fronts CAMS.
//!
//! Two schemes exist (see `protocol.md`, section 3):
//! - **ACS3-HMAC-SHA256** ("v3"), the default of every current SDK: the signature covers the
//!   method, the canonical query, the signed headers and the SHA-256 of the body, and travels
//!   in the `Authorization` header.
//! - **HMAC-SHA1 RPC "SignatureVersion 1.0"** (legacy): everything, the signature included,
//!   travels in the query string.
//!
//! The functions here are pure (date and nonce are arguments) so that the captured vectors can
//! be replayed byte for byte; [`crate::cams::verify`] is the gateway's side and reuses them.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use std::fmt;

/// The algorithm name of the v3 scheme, as it appears in `Authorization` and the string to sign.
pub const ACS3_ALGORITHM: &str = "ACS3-HMAC-SHA256";
/// `x-acs-date` / `Timestamp` format: UTC, second precision.
pub const DATE_FORMAT: &str = "%Y-%m-%dT%H:%M:%SZ";

/// An AccessKey pair, optionally with an STS security token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub access_key_secret: String,
    pub security_token: Option<String>,
}

impl Credentials {
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
        }
    }
}

/// Never prints the secret or the token.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// RFC 3986 percent-encoding (A-Za-z0-9-_.~ bare, upper-case hex)
pub fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

/// sorted k=v pairs, both percent-encoded, joined by &
pub fn canonical_query(pairs: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (percent_encode(k), percent_encode(v)))
        .collect();
    encoded.sort();
    encoded
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Lower-case hex SHA-256, the form of `x-acs-content-sha256`.
pub fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// HMAC-SHA256 of `msg` under `key`.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length: `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .expect("HMAC-SHA256 accepts keys of any length");
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

/// HMAC-SHA1 of `msg` under `key`.
pub fn hmac_sha1(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut mac =
        <Hmac<Sha1> as KeyInit>::new_from_slice(key).expect("HMAC-SHA1 accepts keys of any length");
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

/// The canonical request of the v3 scheme.
///
/// `headers` are the request's headers (any case; repeated names are joined with `,` after
/// sorting, values trimmed); `signed_headers` are the names listed in `Authorization`, in that
/// order (a client lists them sorted and lower-case). A signed header that is absent
/// canonicalises to an empty value. `query` holds the decoded query pairs.
pub fn canonical_request_v3(
    method: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    signed_headers: &[String],
    payload_hash: &str,
) -> String {
    let mut canonical_headers = String::new();
    for name in signed_headers {
        let wanted = name.to_ascii_lowercase();
        let mut values: Vec<&str> = headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(&wanted))
            .map(|(_, v)| v.trim())
            .collect();
        values.sort_unstable();
        canonical_headers.push_str(&wanted);
        canonical_headers.push(':');
        canonical_headers.push_str(&values.join(","));
        canonical_headers.push('\n');
    }
    format!(
        "{}\n/\n{}\n{}\n{}\n{}",
        method.to_ascii_uppercase(),
        canonical_query(query),
        canonical_headers,
        signed_headers.join(";"),
        payload_hash
    )
}

/// `"ACS3-HMAC-SHA256\n" + hex(sha256(canonical_request))`.
pub fn string_to_sign_v3(canonical_request: &str) -> String {
    format!(
        "{ACS3_ALGORITHM}\n{}",
        hex_sha256(canonical_request.as_bytes())
    )
}

/// Lower-case hex HMAC-SHA256 of the string to sign, keyed by the raw secret.
pub fn signature_v3(secret: &str, string_to_sign: &str) -> String {
    hex::encode(hmac_sha256(secret.as_bytes(), string_to_sign.as_bytes()))
}

/// The value of the `Authorization` header.
pub fn authorization_v3(access_key_id: &str, signed_headers: &[String], signature: &str) -> String {
    format!(
        "{ACS3_ALGORITHM} Credential={access_key_id},SignedHeaders={},Signature={signature}",
        signed_headers.join(";")
    )
}

/// Every intermediate of a v3 signature, for tests and diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3Signature {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
    /// Sorted, lower-case names.
    pub signed_headers: Vec<String>,
    pub authorization: String,
}

/// Sign exactly `headers` (every one of them) with the v3 scheme.
pub fn compute_v3(
    method: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    payload_hash: &str,
    creds: &Credentials,
) -> V3Signature {
    let mut signed_headers: Vec<String> = headers
        .iter()
        .map(|(k, _)| k.to_ascii_lowercase())
        .collect();
    signed_headers.sort();
    signed_headers.dedup();
    let canonical_request =
        canonical_request_v3(method, query, headers, &signed_headers, payload_hash);
    let string_to_sign = string_to_sign_v3(&canonical_request);
    let signature = signature_v3(&creds.access_key_secret, &string_to_sign);
    let authorization = authorization_v3(&creds.access_key_id, &signed_headers, &signature);
    V3Signature {
        canonical_request,
        string_to_sign,
        signature,
        signed_headers,
        authorization,
    }
}

/// Sign an RPC request with ACS3-HMAC-SHA256; returns every header to send, lower-case names, including host, x-acs-action, x-acs-version, x-acs-date, x-acs-signature-nonce, x-acs-content-sha256, (x-acs-security-token when STS), and authorization.
///
/// A non-empty body is taken to be `application/x-www-form-urlencoded`: a signed
/// `content-type` header is added for it. `date` is [`DATE_FORMAT`] (see [`format_date`]);
/// `nonce` must be new for every request (see [`new_nonce`]).
#[allow(clippy::too_many_arguments)]
pub fn sign_v3(
    method: &str,
    host: &str,
    action: &str,
    version: &str,
    query: &[(String, String)],
    body: &[u8],
    date: &str,
    nonce: &str,
    creds: &Credentials,
) -> Vec<(String, String)> {
    let payload_hash = hex_sha256(body);
    let mut headers: Vec<(String, String)> = vec![
        ("host".into(), host.into()),
        ("x-acs-action".into(), action.into()),
        ("x-acs-version".into(), version.into()),
        ("x-acs-date".into(), date.into()),
        ("x-acs-signature-nonce".into(), nonce.into()),
        ("x-acs-content-sha256".into(), payload_hash.clone()),
    ];
    if !body.is_empty() {
        headers.push((
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
    }
    if let Some(token) = &creds.security_token {
        headers.push(("x-acs-security-token".into(), token.clone()));
    }
    let sig = compute_v3(method, query, &headers, &payload_hash, creds);
    headers.push(("authorization".into(), sig.authorization));
    headers
}

/// The legacy string to sign: `METHOD&%2F&pct(canonical query)`, `Signature` excluded.
/// `params` are all signed parameters (query and form body), decoded.
pub fn string_to_sign_v1(method: &str, params: &[(String, String)]) -> String {
    let signed: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "Signature")
        .cloned()
        .collect();
    format!(
        "{}&%2F&{}",
        method.to_ascii_uppercase(),
        percent_encode(&canonical_query(&signed))
    )
}

/// `base64(HMAC-SHA1(secret + "&", string_to_sign))`.
pub fn signature_v1(secret: &str, string_to_sign: &str) -> String {
    use base64::Engine;
    let key = format!("{secret}&");
    base64::engine::general_purpose::STANDARD
        .encode(hmac_sha1(key.as_bytes(), string_to_sign.as_bytes()))
}

/// Sign a request with the legacy HMAC-SHA1 scheme. Returns the full query to send: the
/// business `params` followed by the common and auth parameters, `Signature` last.
pub fn sign_v1(
    method: &str,
    action: &str,
    version: &str,
    params: &[(String, String)],
    timestamp: &str,
    nonce: &str,
    creds: &Credentials,
) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = params.to_vec();
    for (k, v) in [
        ("Action", action),
        ("Version", version),
        ("Format", "JSON"),
        ("Timestamp", timestamp),
        ("SignatureNonce", nonce),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("AccessKeyId", creds.access_key_id.as_str()),
    ] {
        all.push((k.to_string(), v.to_string()));
    }
    if let Some(token) = &creds.security_token {
        all.push(("SecurityToken".into(), token.clone()));
    }
    let sts = string_to_sign_v1(method, &all);
    all.push((
        "Signature".into(),
        signature_v1(&creds.access_key_secret, &sts),
    ));
    all
}

/// `ts` in the `x-acs-date` / `Timestamp` format.
pub fn format_date(ts: jiff::Timestamp) -> String {
    ts.strftime(DATE_FORMAT).to_string()
}

/// A fresh nonce: 32 lower-case hex digits, like the SDK's.
pub fn new_nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_is_rfc3986() {
        assert_eq!(percent_encode("a b~c*d/é+"), "a%20b~c%2Ad%2F%C3%A9%2B");
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
    }

    #[test]
    fn canonical_query_sorts_after_encoding_and_keeps_empty_values() {
        let q = vec![
            ("b".to_string(), "2 3".to_string()),
            ("a".to_string(), String::new()),
        ];
        assert_eq!(canonical_query(&q), "a=&b=2%203");
        assert_eq!(canonical_query(&[]), "");
    }

    #[test]
    fn debug_redacts_the_secret_and_token() {
        let mut c = Credentials::new("id", "s3cr3t-value");
        c.security_token = Some("tok-value".into());
        let dbg = format!("{c:?}");
        assert!(dbg.contains("id"));
        assert!(!dbg.contains("s3cr3t-value"));
        assert!(!dbg.contains("tok-value"));
    }

    #[test]
    fn sign_v3_adds_content_type_for_a_body_and_the_sts_token() {
        let mut c = Credentials::new("id", "secret");
        c.security_token = Some("tok".into());
        let h = sign_v3(
            "POST",
            "h",
            "A",
            "2020-06-06",
            &[],
            b"x=1",
            "2025-01-01T00:00:00Z",
            "n",
            &c,
        );
        let names: Vec<&str> = h.iter().map(|(k, _)| k.as_str()).collect();
        assert!(names.contains(&"content-type"));
        assert!(names.contains(&"x-acs-security-token"));
        let auth = &h.last().map(|(_, v)| v.clone()).unwrap_or_default();
        assert!(auth.contains("SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,"));
    }

    #[test]
    fn format_date_is_second_precision_utc() {
        let ts = jiff::Timestamp::from_second(1_735_689_600).unwrap_or_default();
        assert_eq!(format_date(ts), "2025-01-01T00:00:00Z");
        assert_eq!(new_nonce().len(), 32);
    }
}
