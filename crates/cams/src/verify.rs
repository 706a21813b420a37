//! The gateway's side of request signing: verify an incoming request the way the Alibaba
//! Cloud OpenAPI gateway does, and say why it is refused with the gateway's error codes.
//!
//! The emulator authenticates every request with this, and the vector tests replay the
//! captured SDK requests through it, so the client's signer, the emulator and the official SDK
//! are checked against one implementation of `protocol.md` section 3.
//!
//! The clock-window and nonce-replay checks are switchable so that captured requests (whose
//! dates are fixed) can be replayed. Secrets never appear in errors or `Debug` output.

use super::sign::{
    Credentials, canonical_request_v3, hex_sha256, signature_v1, signature_v3, string_to_sign_v1,
    string_to_sign_v3,
};
pub use super::wire::{constant_time_eq, header, is_form, parse_date, parse_form};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, RwLock};
use thiserror::Error;

/// The default allowed clock skew (`x-acs-date` / `Timestamp`), both directions.
pub const DEFAULT_WINDOW_SECS: i64 = 15 * 60;

/// Parameters of the legacy scheme that are authentication, not business input.
const V1_AUTH_PARAMS: [&str; 9] = [
    "AccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "SignatureType",
    "Timestamp",
    "SecurityToken",
    "Format",
];

/// A request as it arrived: only what the signature can cover.
#[derive(Debug, Clone, Copy)]
pub struct HttpRequest<'a> {
    pub method: &'a str,
    /// The query string as sent, without `?` (still encoded).
    pub raw_query: &'a str,
    /// Every header as received, in any case.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

/// Which signature scheme a request used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// ACS3-HMAC-SHA256 in the `Authorization` header.
    V3,
    /// Legacy HMAC-SHA1, all in the query.
    V1,
}

/// An authenticated request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub scheme: Scheme,
    pub access_key_id: String,
    /// Decoded query pairs followed by decoded form-body pairs (when the body is
    /// `application/x-www-form-urlencoded`); for the legacy scheme without its auth params.
    pub params: Vec<(String, String)>,
}

/// Why a request is refused. [`AuthError::code`] and [`AuthError::status`] give the gateway's
/// reply; `Display` gives its message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuthError {
    #[error(
        "The input parameter \"{0}\" that is mandatory for processing this request is not supplied."
    )]
    MissingParameter(String),
    #[error("The request signature does not conform to Aliyun standards: {0}")]
    IncompleteSignature(String),
    #[error("The specified signature method or version is not supported: {0}")]
    InvalidSignatureMethod(String),
    #[error("Specified access key is not found.")]
    AccessKeyNotFound,
    #[error(
        "Specified signature does not match our calculation. {detail}server StringToSign is [{string_to_sign}]"
    )]
    SignatureDoesNotMatch {
        string_to_sign: String,
        /// The server's canonical request (v3) for diagnostics; not part of the message.
        canonical_request: String,
        /// A hint placed before the standard text, e.g. a body-hash mismatch.
        detail: String,
    },
    #[error("Specified time stamp or date value is not well formatted: {0}")]
    TimestampFormat(String),
    #[error("Specified time stamp or date value {0} is expired (allowed skew is 15 minutes).")]
    TimestampExpired(String),
    #[error("Specified signature nonce was used already.")]
    NonceUsed,
    #[error("The security token does not match the AccessKeyId.")]
    SecurityTokenMismatch,
    #[error("Specified SecurityToken is expired.")]
    SecurityTokenExpired,
}

impl AuthError {
    /// The gateway's error code.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::MissingParameter(_) => "MissingParameter",
            AuthError::IncompleteSignature(_) => "IncompleteSignature",
            AuthError::InvalidSignatureMethod(_) => "InvalidSignatureMethod",
            AuthError::AccessKeyNotFound => "InvalidAccessKeyId.NotFound",
            AuthError::SignatureDoesNotMatch { .. } => "SignatureDoesNotMatch",
            AuthError::TimestampFormat(_) => "InvalidTimeStamp.Format",
            AuthError::TimestampExpired(_) => "InvalidTimeStamp.Expired",
            AuthError::NonceUsed => "SignatureNonceUsed",
            AuthError::SecurityTokenMismatch => "InvalidSecurityToken.MismatchWithAccessKey",
            AuthError::SecurityTokenExpired => "InvalidSecurityToken.Expired",
        }
    }

    /// The HTTP status the gateway replies with.
    pub fn status(&self) -> u16 {
        match self {
            AuthError::AccessKeyNotFound => 404,
            AuthError::SecurityTokenMismatch => 403,
            _ => 400,
        }
    }
}

#[derive(Clone)]
struct Key {
    secret: String,
    /// When set, requests must carry exactly this STS token.
    security_token: Option<String>,
    /// A temporary key (from STS) is refused from this second on.
    expires: Option<i64>,
}

/// Verifies v3 and legacy signatures against a set of AccessKeys: fixed ones, and temporary
/// ones added while it runs (an STS emulator issues them).
pub struct Verifier {
    keys: RwLock<HashMap<String, Key>>,
    check_clock: bool,
    check_nonce: bool,
    window_secs: i64,
    /// (access key id, nonce) -> second it was first seen.
    nonces: Mutex<HashMap<(String, String), i64>>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = self.keys.read().unwrap_or_else(|e| e.into_inner());
        let mut ids: Vec<&String> = keys.keys().collect();
        ids.sort();
        f.debug_struct("Verifier")
            .field("access_key_ids", &ids)
            .field("check_clock", &self.check_clock)
            .field("check_nonce", &self.check_nonce)
            .field("window_secs", &self.window_secs)
            .finish_non_exhaustive()
    }
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier::new()
    }
}

impl Verifier {
    /// No keys yet; clock and nonce checks on.
    pub fn new() -> Self {
        Verifier {
            keys: RwLock::new(HashMap::new()),
            check_clock: true,
            check_nonce: true,
            window_secs: DEFAULT_WINDOW_SECS,
            nonces: Mutex::new(HashMap::new()),
        }
    }

    /// Accept `creds`. With a security token, requests must carry exactly that token; without
    /// one, any token (or none) is accepted for this key.
    pub fn with_key(self, creds: &Credentials) -> Self {
        self.insert(creds, None);
        self
    }

    /// Accept `creds` (whose token requests must carry) until `expires`; from then on they
    /// are refused with `InvalidSecurityToken.Expired`.
    pub fn add_temporary(&self, creds: &Credentials, expires: jiff::Timestamp) {
        self.insert(creds, Some(expires.as_second()));
    }

    fn insert(&self, creds: &Credentials, expires: Option<i64>) {
        let mut keys = self.keys.write().unwrap_or_else(|e| e.into_inner());
        keys.insert(
            creds.access_key_id.clone(),
            Key {
                secret: creds.access_key_secret.clone(),
                security_token: creds.security_token.clone(),
                expires,
            },
        );
    }

    fn key(&self, id: &str) -> Result<Key, AuthError> {
        let keys = self.keys.read().unwrap_or_else(|e| e.into_inner());
        keys.get(id).cloned().ok_or(AuthError::AccessKeyNotFound)
    }

    /// Enforce the ±window on `x-acs-date` / `Timestamp`.
    pub fn clock_check(mut self, on: bool) -> Self {
        self.check_clock = on;
        self
    }

    /// Refuse a nonce seen before (per AccessKey).
    pub fn nonce_check(mut self, on: bool) -> Self {
        self.check_nonce = on;
        self
    }

    /// Verify against the system clock.
    pub fn verify(&self, req: &HttpRequest<'_>) -> Result<Verified, AuthError> {
        self.verify_at(req, jiff::Timestamp::now())
    }

    /// Verify as if the time were `now`.
    pub fn verify_at(
        &self,
        req: &HttpRequest<'_>,
        now: jiff::Timestamp,
    ) -> Result<Verified, AuthError> {
        if let Some(auth) = header(req.headers, "authorization") {
            self.verify_v3(req, auth, now)
        } else {
            self.verify_v1(req, now)
        }
    }

    fn verify_v3(
        &self,
        req: &HttpRequest<'_>,
        auth: &str,
        now: jiff::Timestamp,
    ) -> Result<Verified, AuthError> {
        let parsed = parse_authorization(auth)?;
        let key = self.key(&parsed.credential)?;
        let mut required = HashMap::new();
        for name in [
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-action",
            "x-acs-version",
            "x-acs-content-sha256",
        ] {
            let value = header(req.headers, name)
                .ok_or_else(|| AuthError::MissingParameter(name.to_string()))?;
            required.insert(name, value);
        }
        let date = required["x-acs-date"];
        self.check_time(date, now)?;
        let signed: Vec<String> = parsed.signed_headers;
        let covered = |name: &str| signed.iter().any(|s| s.eq_ignore_ascii_case(name));
        if !covered("host") {
            return Err(AuthError::IncompleteSignature(
                "the host header must be signed".into(),
            ));
        }
        for (name, _) in req.headers {
            let lower = name.to_ascii_lowercase();
            if lower.starts_with("x-acs-") && !covered(&lower) {
                return Err(AuthError::IncompleteSignature(format!(
                    "the {lower} header must be signed"
                )));
            }
        }
        check_token(&key, header(req.headers, "x-acs-security-token"), now)?;
        let query = parse_form(req.raw_query);
        let claimed = required["x-acs-content-sha256"];
        let actual = hex_sha256(req.body);
        let (payload_hash, detail) = if claimed == actual {
            (claimed, String::new())
        } else {
            (
                actual.as_str(),
                "x-acs-content-sha256 does not match the SHA-256 of the body. ".to_string(),
            )
        };
        let canonical_request =
            canonical_request_v3(req.method, &query, req.headers, &signed, payload_hash);
        let string_to_sign = string_to_sign_v3(&canonical_request);
        let expected = signature_v3(&key.secret, &string_to_sign);
        if !detail.is_empty() || !constant_time_eq(expected.as_bytes(), parsed.signature.as_bytes())
        {
            return Err(AuthError::SignatureDoesNotMatch {
                string_to_sign,
                canonical_request,
                detail,
            });
        }
        self.check_nonce(&parsed.credential, required["x-acs-signature-nonce"], now)?;
        let mut params = query;
        params.extend(form_body(req));
        Ok(Verified {
            scheme: Scheme::V3,
            access_key_id: parsed.credential,
            params,
        })
    }

    fn verify_v1(
        &self,
        req: &HttpRequest<'_>,
        now: jiff::Timestamp,
    ) -> Result<Verified, AuthError> {
        let mut params = parse_form(req.raw_query);
        params.extend(form_body(req));
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let access_key_id =
            get("AccessKeyId").ok_or_else(|| AuthError::MissingParameter("AccessKeyId".into()))?;
        let signature = get("Signature").ok_or_else(|| {
            AuthError::IncompleteSignature(
                "no Authorization header and no Signature parameter".into(),
            )
        })?;
        let mut required = HashMap::new();
        for name in [
            "SignatureMethod",
            "SignatureVersion",
            "SignatureNonce",
            "Timestamp",
        ] {
            let value = get(name).ok_or_else(|| AuthError::MissingParameter(name.to_string()))?;
            required.insert(name, value);
        }
        if required["SignatureMethod"] != "HMAC-SHA1" {
            return Err(AuthError::InvalidSignatureMethod(format!(
                "SignatureMethod {}",
                required["SignatureMethod"]
            )));
        }
        if required["SignatureVersion"] != "1.0" {
            return Err(AuthError::InvalidSignatureMethod(format!(
                "SignatureVersion {}",
                required["SignatureVersion"]
            )));
        }
        let key = self.key(access_key_id)?;
        self.check_time(required["Timestamp"], now)?;
        check_token(&key, get("SecurityToken"), now)?;
        let string_to_sign = string_to_sign_v1(req.method, &params);
        let expected = signature_v1(&key.secret, &string_to_sign);
        if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
            return Err(AuthError::SignatureDoesNotMatch {
                canonical_request: string_to_sign.clone(),
                string_to_sign,
                detail: String::new(),
            });
        }
        let access_key_id = access_key_id.to_string();
        self.check_nonce(&access_key_id, required["SignatureNonce"], now)?;
        params.retain(|(k, _)| !V1_AUTH_PARAMS.contains(&k.as_str()));
        Ok(Verified {
            scheme: Scheme::V1,
            access_key_id,
            params,
        })
    }

    fn check_time(&self, value: &str, now: jiff::Timestamp) -> Result<(), AuthError> {
        let ts = parse_date(value).ok_or_else(|| AuthError::TimestampFormat(value.to_string()))?;
        if self.check_clock && (now.as_second() - ts.as_second()).abs() > self.window_secs {
            return Err(AuthError::TimestampExpired(value.to_string()));
        }
        Ok(())
    }

    fn check_nonce(
        &self,
        key_id: &str,
        nonce: &str,
        now: jiff::Timestamp,
    ) -> Result<(), AuthError> {
        if !self.check_nonce {
            return Ok(());
        }
        let now = now.as_second();
        let mut seen = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        // A nonce older than twice the window can only come with an expired date.
        if seen.len() > 10_000 {
            let horizon = now - 2 * self.window_secs;
            seen.retain(|_, t| *t >= horizon);
        }
        let entry = (key_id.to_string(), nonce.to_string());
        if seen.contains_key(&entry) {
            return Err(AuthError::NonceUsed);
        }
        seen.insert(entry, now);
        Ok(())
    }
}

fn check_token(key: &Key, sent: Option<&str>, now: jiff::Timestamp) -> Result<(), AuthError> {
    match &key.security_token {
        Some(expected) if sent != Some(expected.as_str()) => Err(AuthError::SecurityTokenMismatch),
        _ if key.expires.is_some_and(|end| now.as_second() >= end) => {
            Err(AuthError::SecurityTokenExpired)
        }
        _ => Ok(()),
    }
}

struct Authorization {
    credential: String,
    signed_headers: Vec<String>,
    signature: String,
}

fn parse_authorization(value: &str) -> Result<Authorization, AuthError> {
    let value = value.trim();
    let (algorithm, rest) = value.split_once(' ').unwrap_or((value, ""));
    if algorithm != super::sign::ACS3_ALGORITHM {
        return Err(AuthError::InvalidSignatureMethod(format!(
            "algorithm {algorithm}"
        )));
    }
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for item in rest.split(',') {
        let (k, v) = item.trim().split_once('=').unwrap_or((item.trim(), ""));
        match k {
            "Credential" => credential = Some(v.to_string()),
            "SignedHeaders" => signed_headers = Some(v.to_string()),
            "Signature" => signature = Some(v.to_string()),
            _ => {}
        }
    }
    let missing = |what: &str| {
        AuthError::IncompleteSignature(format!("the Authorization header has no {what}"))
    };
    let credential = credential
        .filter(|c| !c.is_empty())
        .ok_or_else(|| missing("Credential"))?;
    let signed_headers = signed_headers
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("SignedHeaders"))?;
    let signature = signature
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("Signature"))?;
    Ok(Authorization {
        credential,
        signed_headers: signed_headers.split(';').map(str::to_string).collect(),
        signature,
    })
}

fn form_body(req: &HttpRequest<'_>) -> Vec<(String, String)> {
    if is_form(req.headers) {
        parse_form(&String::from_utf8_lossy(req.body))
    } else {
        Vec::new()
    }
}

#[cfg(test)]
#[path = "verify_tests.rs"]
mod tests;
