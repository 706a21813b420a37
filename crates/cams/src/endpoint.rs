//! Which CAMS endpoint to talk to, and the rule that keeps credentials off the wire in clear:
//! https anywhere, plain http only to a loopback address (the emulator).

use std::net::IpAddr;

/// The only documented CAMS endpoint (Singapore).
pub const DEFAULT_ENDPOINT: &str = "https://cams.ap-southeast-1.aliyuncs.com";

/// A checked endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// scheme://host[:port], without a trailing slash.
    pub base: String,
    /// host[:port], as sent in the Host header and signed.
    pub host: String,
}

/// Parse and check `url`.
pub fn parse(url: &str) -> Result<Endpoint, String> {
    let url = url.trim().trim_end_matches('/');
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("endpoint `{url}` has no scheme: use https://HOST"))?;
    if rest.is_empty() || rest.contains('/') || rest.contains('?') || rest.contains('@') {
        return Err(format!(
            "endpoint `{url}` must be scheme://host[:port] with no path"
        ));
    }
    match scheme {
        "https" => {}
        "http" => {
            if !is_loopback(rest) {
                return Err(format!(
                    "endpoint `{url}` uses plain http to a non-loopback address; credentials would cross the network unencrypted. Use https, or http only for 127.0.0.1, ::1 or localhost"
                ));
            }
        }
        other => return Err(format!("endpoint `{url}` has scheme `{other}`: use https")),
    }
    Ok(Endpoint {
        base: format!("{scheme}://{rest}"),
        host: rest.to_string(),
    })
}

fn is_loopback(authority: &str) -> bool {
    let host = if let Some(rest) = authority.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                h
            } else {
                authority
            }
        })
    };
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        assert!(parse(DEFAULT_ENDPOINT).is_ok());
        assert_eq!(
            parse("http://127.0.0.1:8080/").unwrap().host,
            "127.0.0.1:8080"
        );
        assert!(parse("http://localhost:1").is_ok());
        assert!(parse("http://[::1]:9").is_ok());
        assert!(parse("http://127.9.9.9").is_ok());
        let err = parse("http://10.0.0.1:80").unwrap_err();
        assert!(err.contains("non-loopback"), "{err}");
        assert!(parse("http://example.com").is_err());
        assert!(parse("http://127.0.0.1.example.com").is_err());
        assert!(parse("ftp://127.0.0.1").is_err());
        assert!(parse("cams.ap-southeast-1.aliyuncs.com").is_err());
        assert!(parse("https://host/path").is_err());
    }
}
