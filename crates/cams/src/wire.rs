//! Decoding what arrives on the wire the way the gateway does: headers by case-insensitive
//! name, `application/x-www-form-urlencoded` query strings and bodies (`+` is a space), the
//! strict `x-acs-date` / `Timestamp` format, and constant-time comparison of signatures.
//!
//! Shared by the verifier and the emulator, so that both read a request identically.

/// The first value of header `name` (case-insensitive).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Whether the body is `application/x-www-form-urlencoded`.
pub fn is_form(headers: &[(String, String)]) -> bool {
    header(headers, "content-type").is_some_and(|ct| {
        ct.to_ascii_lowercase()
            .contains("application/x-www-form-urlencoded")
    })
}

/// Decode an `application/x-www-form-urlencoded` string (`+` is a space, then `%XX`) into
/// pairs, in order. Invalid escapes stay literal; invalid UTF-8 becomes U+FFFD.
pub fn parse_form(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

fn form_decode(s: &str) -> String {
    let spaced = s.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// Parse `YYYY-MM-DDThh:mm:ssZ` strictly.
pub fn parse_date(value: &str) -> Option<jiff::Timestamp> {
    let b = value.as_bytes();
    let shape_ok = b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        });
    if !shape_ok {
        return None;
    }
    value.parse::<jiff::Timestamp>().ok()
}

/// Equality whose running time does not depend on where the inputs differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding_treats_plus_as_space() {
        assert_eq!(
            parse_form("a=x+y%2B&b&=c"),
            vec![
                ("a".into(), "x y+".into()),
                ("b".into(), String::new()),
                (String::new(), "c".into())
            ]
        );
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2025-01-01T00:00:00Z").is_some());
        assert!(parse_date("2025-01-01T00:00:00.5Z").is_none());
        assert!(parse_date("2025-01-01 00:00:00Z").is_none());
        assert!(parse_date("2025-13-01T00:00:00Z").is_none());
    }
}
