//! Authentication of emulator requests: which action and version a request names, and whether
//! its signature (v3 or legacy v1) is valid, using the same verifier the signature vectors
//! pin down ([`chanctl_cams::verify`]), with the 15-minute clock window and nonce replay on.

use super::envelope::ApiError;
use super::operations::{VERSION, is_known};
use chanctl_cams::sign::Credentials;
use chanctl_cams::verify::{AuthError, HttpRequest, Verified, Verifier, header, parse_form};

/// The verifier for the emulator's one AccessKey.
pub fn verifier(creds: &Credentials) -> Verifier {
    Verifier::new().with_key(creds)
}

/// The action a request names: the `x-acs-action` header for v3 (it is signed), the `Action`
/// query parameter for the legacy scheme (the SDK also sends the header there, unsigned).
/// Unknown actions are 404 `InvalidApi.NotFound`; a version other than 2020-06-06 is 400
/// `InvalidVersion`.
pub fn action(req: &HttpRequest<'_>) -> Result<String, ApiError> {
    let query = parse_form(req.raw_query);
    let from_query = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let v3 = header(req.headers, "authorization").is_some();
    let pick = |hdr: &str, param: &str| {
        let h = header(req.headers, hdr).map(str::to_string);
        if v3 {
            h.or_else(|| from_query(param))
        } else {
            from_query(param).or(h)
        }
    };
    let action = pick("x-acs-action", "Action").ok_or_else(|| ApiError::missing("Action"))?;
    if !is_known(&action) {
        return Err(ApiError::new(
            404,
            "InvalidApi.NotFound",
            format!("Specified api is not found, please check your url and method. ({action})"),
        ));
    }
    let version = pick("x-acs-version", "Version").ok_or_else(|| ApiError::missing("Version"))?;
    if version != VERSION {
        return Err(ApiError::new(
            400,
            "InvalidVersion",
            format!("Specified parameter Version `{version}` is not valid; CAMS has {VERSION}."),
        ));
    }
    Ok(action)
}

/// Verify the signature. A mismatch is logged (with the server's canonical request, never a
/// secret) to stderr, to help whoever writes a client.
pub fn authenticate(verifier: &Verifier, req: &HttpRequest<'_>) -> Result<Verified, ApiError> {
    verifier.verify(req).map_err(|e| {
        if let AuthError::SignatureDoesNotMatch {
            canonical_request, ..
        } = &e
        {
            eprintln!(
                "cams-emulator: signature mismatch; server canonical request:\n{canonical_request}\n--"
            );
        }
        ApiError::from(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>(query: &'a str, headers: &'a [(String, String)]) -> HttpRequest<'a> {
        HttpRequest {
            method: "POST",
            raw_query: query,
            headers,
            body: b"",
        }
    }

    #[test]
    fn action_and_version_come_from_headers_or_query() {
        let h = vec![
            ("authorization".to_string(), "x".to_string()),
            ("x-acs-action".to_string(), "ListInstance".to_string()),
            ("x-acs-version".to_string(), "2020-06-06".to_string()),
        ];
        assert_eq!(action(&req("", &h)).ok().as_deref(), Some("ListInstance"));
        let v1 = action(&req("Action=QueryInstance&Version=2020-06-06", &[]));
        assert_eq!(v1.ok().as_deref(), Some("QueryInstance"));
        let unknown = action(&req("Action=Nope&Version=2020-06-06", &[])).err();
        assert_eq!(
            unknown.map(|e| (e.status, e.code)),
            Some((404, "InvalidApi.NotFound".into()))
        );
        let old = action(&req("Action=ListInstance&Version=2017-01-01", &[])).err();
        assert_eq!(
            old.map(|e| (e.status, e.code)),
            Some((400, "InvalidVersion".into()))
        );
    }
}
