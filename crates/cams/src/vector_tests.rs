//! Replays the captured signature vectors (`tests/data/cams/vectors.json`, copied from the
//! protocol notes) through the signer and the verifier, so that both are pinned to what the
//! official SDK and the public documentation produce.

use super::sign::*;
use super::verify::*;
use serde_json::Value;

struct Vector {
    name: String,
    creds: Credentials,
    method: String,
    raw_query: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    expected: Value,
}

impl Vector {
    fn request(&self) -> HttpRequest<'_> {
        HttpRequest {
            method: &self.method,
            raw_query: &self.raw_query,
            headers: &self.headers,
            body: &self.body,
        }
    }

    fn is_v3(&self) -> bool {
        header(&self.headers, "authorization").is_some()
    }

    fn expected(&self, key: &str) -> String {
        self.expected[key].as_str().unwrap_or_default().to_string()
    }

    fn signed_headers(&self) -> Vec<String> {
        self.expected("signed_headers")
            .split(';')
            .map(str::to_string)
            .collect()
    }
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p[0].as_str().unwrap_or_default().to_string(),
                        p[1].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn vectors() -> Vec<Vector> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/vectors.json");
    let text = std::fs::read_to_string(path).expect("vectors.json is readable");
    let doc: Value = serde_json::from_str(&text).expect("vectors.json is JSON");
    let vs: Vec<Vector> = doc["vectors"]
        .as_array()
        .expect("a vectors array")
        .iter()
        .map(|v| {
            let r = &v["request"];
            let s = |x: &Value| x.as_str().unwrap_or_default().to_string();
            Vector {
                name: s(&v["name"]),
                creds: Credentials::new(s(&v["access_key_id"]), s(&v["secret"])),
                method: s(&r["method"]),
                raw_query: s(&r["raw_query"]),
                query: pairs(&r["query"]),
                headers: pairs(&r["headers"]),
                body: s(&r["body"]).into_bytes(),
                expected: v["expected"].clone(),
            }
        })
        .collect();
    assert_eq!(vs.len(), 12);
    vs
}

fn verifier() -> Verifier {
    vectors()
        .iter()
        .fold(Verifier::new(), |v, x| v.with_key(&x.creds))
        .clock_check(false)
        .nonce_check(false)
}

#[test]
fn query_decoding_matches_the_captured_pairs() {
    for v in vectors() {
        if !v.query.is_empty() {
            assert_eq!(parse_form(&v.raw_query), v.query, "{}", v.name);
        }
    }
}

#[test]
fn signer_reproduces_every_v3_vector() {
    let mut checked = 0;
    for v in vectors().iter().filter(|v| v.is_v3()) {
        let signed = v.signed_headers();
        let hash = header(&v.headers, "x-acs-content-sha256").unwrap_or_default();
        assert_eq!(hash, hex_sha256(&v.body), "{}", v.name);
        let cr = canonical_request_v3(&v.method, &v.query, &v.headers, &signed, hash);
        assert_eq!(cr, v.expected("canonical_request"), "{}", v.name);
        let sts = string_to_sign_v3(&cr);
        assert_eq!(sts, v.expected("string_to_sign"), "{}", v.name);
        let sig = signature_v3(&v.creds.access_key_secret, &sts);
        assert_eq!(sig, v.expected("signature"), "{}", v.name);
        // Signing exactly the signed headers gives the captured Authorization.
        let to_sign: Vec<(String, String)> = v
            .headers
            .iter()
            .filter(|(k, _)| signed.contains(&k.to_ascii_lowercase()))
            .cloned()
            .collect();
        let full = compute_v3(&v.method, &v.query, &to_sign, hash, &v.creds);
        assert_eq!(
            full.authorization,
            v.expected("authorization"),
            "{}",
            v.name
        );
        checked += 1;
    }
    assert_eq!(checked, 10);
}

#[test]
fn sign_v3_reproduces_the_minimal_header_vectors() {
    let mut checked = 0;
    for v in vectors().iter().filter(|v| v.is_v3()) {
        let minimal = v.signed_headers().iter().all(|h| {
            h == "host"
                || h == "content-type"
                || h.starts_with("x-acs-") && h != "x-acs-accesskey-id"
        }) && !v
            .signed_headers()
            .contains(&"x-acs-credentials-provider".to_string());
        if !minimal {
            continue;
        }
        let get = |n: &str| header(&v.headers, n).unwrap_or_default().to_string();
        let out = sign_v3(
            &v.method,
            &get("host"),
            &get("x-acs-action"),
            &get("x-acs-version"),
            &v.query,
            &v.body,
            &get("x-acs-date"),
            &get("x-acs-signature-nonce"),
            &v.creds,
        );
        let sent = |n: &str| out.iter().find(|(k, _)| k == n).map(|(_, x)| x.clone());
        assert_eq!(
            sent("authorization"),
            Some(v.expected("authorization")),
            "{}",
            v.name
        );
        for (k, val) in &v.headers {
            if k != "Authorization" {
                assert_eq!(
                    sent(&k.to_ascii_lowercase()).as_ref(),
                    Some(val),
                    "{}",
                    v.name
                );
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 4);
}

#[test]
fn legacy_signer_reproduces_the_v1_vectors() {
    let mut checked = 0;
    for v in vectors().iter().filter(|v| !v.is_v3()) {
        let params = parse_form(&v.raw_query);
        let sts = string_to_sign_v1(&v.method, &params);
        assert_eq!(sts, v.expected("string_to_sign"), "{}", v.name);
        let sig = signature_v1(&v.creds.access_key_secret, &sts);
        assert_eq!(sig, v.expected("signature"), "{}", v.name);
        checked += 1;
    }
    assert_eq!(checked, 2);
}

#[test]
fn verifier_accepts_every_vector() {
    let verifier = verifier();
    for v in vectors() {
        let ok = verifier.verify(&v.request());
        let ok = ok.unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert_eq!(ok.access_key_id, v.creds.access_key_id);
        assert_eq!(ok.scheme, if v.is_v3() { Scheme::V3 } else { Scheme::V1 });
    }
}

/// Change one ASCII alphanumeric character of `s` at or after `from`.
fn flip(s: &str, from: usize) -> String {
    let mut bytes = s.as_bytes().to_vec();
    if let Some(i) = (from..bytes.len()).find(|&i| bytes[i].is_ascii_alphanumeric()) {
        bytes[i] = if bytes[i] == b'7' { b'8' } else { b'7' };
    }
    String::from_utf8(bytes).unwrap_or_default()
}

fn refused(verifier: &Verifier, v: &Vector, what: &str) {
    let res = verifier.verify(&v.request());
    assert!(
        matches!(res, Err(AuthError::SignatureDoesNotMatch { .. })),
        "{} with a changed {what}: {res:?}",
        v.name
    );
}

#[test]
fn verifier_refuses_every_vector_with_one_byte_changed() {
    let verifier = verifier();
    for v in vectors() {
        // The signature.
        let mut t = clone_vector(&v);
        if v.is_v3() {
            for (k, val) in t.headers.iter_mut() {
                if k.eq_ignore_ascii_case("authorization") {
                    let at = val.find("Signature=").unwrap_or(0) + 10;
                    *val = flip(val, at);
                }
            }
        } else {
            let at = t.raw_query.find("Signature=").unwrap_or(0) + 10;
            t.raw_query = flip(&t.raw_query, at);
        }
        refused(&verifier, &t, "signature");

        // Each signed header value (v3 only: the legacy scheme signs no header).
        if v.is_v3() {
            for name in v.signed_headers() {
                let mut t = clone_vector(&v);
                for (k, val) in t.headers.iter_mut() {
                    if k.eq_ignore_ascii_case(&name) {
                        *val = flip(val, 0);
                    }
                }
                refused(&verifier, &t, &format!("{name} header"));
            }
        }

        // A query value.
        if let Some(at) = business_value_offset(&v.raw_query) {
            let mut t = clone_vector(&v);
            t.raw_query = flip(&v.raw_query, at);
            refused(&verifier, &t, "query value");
        }

        // The body: a changed byte, or one byte more when it is empty.
        if v.is_v3() {
            let mut t = clone_vector(&v);
            match t.body.first_mut() {
                Some(b) => *b ^= 1,
                None => t.body.push(b'x'),
            }
            refused(&verifier, &t, "body");
        } else {
            // Legacy signatures cover the body only as form parameters.
            let mut t = clone_vector(&v);
            t.headers.push((
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ));
            t.body = b"PageSize=6".to_vec();
            refused(&verifier, &t, "form body");
        }
    }
}

/// Where the value of the first parameter that is not itself authentication starts (changing
/// the AccessKeyId or SignatureMethod gives a different, earlier refusal).
fn business_value_offset(raw: &str) -> Option<usize> {
    let mut offset = 0;
    for part in raw.split('&') {
        let key = part.split('=').next().unwrap_or_default();
        if !key.is_empty()
            && !matches!(
                key,
                "AccessKeyId" | "Signature" | "SignatureMethod" | "SignatureVersion" | "Timestamp"
            )
        {
            return part.find('=').map(|eq| offset + eq + 1);
        }
        offset += part.len() + 1;
    }
    None
}

fn clone_vector(v: &Vector) -> Vector {
    Vector {
        name: v.name.clone(),
        creds: v.creds.clone(),
        method: v.method.clone(),
        raw_query: v.raw_query.clone(),
        query: v.query.clone(),
        headers: v.headers.clone(),
        body: v.body.clone(),
        expected: v.expected.clone(),
    }
}

#[test]
fn wrong_secret_is_a_mismatch_whose_message_shows_the_string_to_sign_but_no_secret() {
    let v = &vectors()[0];
    let verifier = Verifier::new()
        .with_key(&Credentials::new("testid", "other-secret"))
        .clock_check(false);
    let err = verifier.verify(&v.request()).err();
    let err = err.unwrap_or_else(|| panic!("accepted with the wrong secret"));
    assert_eq!(err.code(), "SignatureDoesNotMatch");
    assert_eq!(err.status(), 400);
    let msg = err.to_string();
    assert!(msg.contains(&v.expected("string_to_sign")), "{msg}");
    assert!(!msg.contains("other-secret") && !format!("{err:?}").contains("other-secret"));
}

#[test]
fn unknown_key_unsigned_header_expiry_and_replay_are_refused() {
    let vs = vectors();
    let v = &vs[0];
    let none = Verifier::new().clock_check(false);
    assert_eq!(
        none.verify(&v.request()).err().map(|e| e.code()),
        Some("InvalidAccessKeyId.NotFound")
    );

    let mut t = clone_vector(v);
    t.headers.push(("x-acs-extra".into(), "1".into()));
    let res = verifier().verify(&t.request());
    assert!(
        matches!(res, Err(AuthError::IncompleteSignature(_))),
        "{res:?}"
    );

    let date = header(&v.headers, "x-acs-date").and_then(parse_date);
    let date = date.unwrap_or_else(|| panic!("vector date"));
    let strict = Verifier::new().with_key(&v.creds);
    let late = date + jiff::SignedDuration::from_secs(16 * 60);
    let res = strict.verify_at(&v.request(), late);
    assert!(
        matches!(res, Err(AuthError::TimestampExpired(_))),
        "{res:?}"
    );
    let in_window = date + jiff::SignedDuration::from_secs(14 * 60);
    assert!(strict.verify_at(&v.request(), in_window).is_ok());
    let res = strict.verify_at(&v.request(), in_window);
    assert_eq!(res.err(), Some(AuthError::NonceUsed));

    // The legacy scheme checks its Timestamp and SignatureNonce the same way.
    let legacy = vs.iter().find(|v| !v.is_v3()).map(clone_vector);
    let legacy = legacy.unwrap_or_else(|| panic!("a legacy vector"));
    let strict = Verifier::new().with_key(&legacy.creds);
    assert!(strict.verify_at(&legacy.request(), in_window).is_ok());
    assert_eq!(
        strict.verify_at(&legacy.request(), in_window).err(),
        Some(AuthError::NonceUsed)
    );
}

#[test]
fn a_required_sts_token_must_match() {
    let vs = vectors();
    let v = vs
        .iter()
        .find(|v| header(&v.headers, "x-acs-security-token").is_some());
    let v = v.unwrap_or_else(|| panic!("an STS vector"));
    let mut creds = v.creds.clone();
    creds.security_token = Some("testststoken".into());
    let ok = Verifier::new().with_key(&creds).clock_check(false);
    assert!(ok.verify(&v.request()).is_ok());
    creds.security_token = Some("another".into());
    let bad = Verifier::new().with_key(&creds).clock_check(false);
    assert_eq!(
        bad.verify(&v.request()).err(),
        Some(AuthError::SecurityTokenMismatch)
    );
}

#[test]
fn sign_v1_round_trips_through_the_verifier() {
    let creds = Credentials::new("kid", "ksecret");
    let now = jiff::Timestamp::now();
    let q = sign_v1(
        "POST",
        "ListInstance",
        "2020-06-06",
        &[("InstanceName".into(), "a b/c".into())],
        &format_date(now),
        &new_nonce(),
        &creds,
    );
    let raw = canonical_query(&q);
    let headers = vec![("host".to_string(), "h".to_string())];
    let req = HttpRequest {
        method: "POST",
        raw_query: &raw,
        headers: &headers,
        body: b"",
    };
    let ok = Verifier::new().with_key(&creds).verify(&req);
    let ok = ok.unwrap_or_else(|e| panic!("{e}"));
    assert!(ok.params.contains(&("InstanceName".into(), "a b/c".into())));
    assert!(!ok.params.iter().any(|(k, _)| k == "Signature"));
}
