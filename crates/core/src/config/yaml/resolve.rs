//! What a scalar means: YAML 1.2's core schema, and the few tags a channels file may carry.
//!
//! The event parser hands over scalars as text with their quoting style and tag; the tree
//! needs typed values. The rules are the ones chanctl has always applied (they were
//! serde-saphyr's): a plain `~`, `null` or nothing is null; only `true` and `false` (and
//! their capitalised spellings) are booleans; decimal, `0x`, `0o` and `0b` integers; finite
//! floats; everything else, and every quoted scalar, is text.

use super::Value;
use base64::Engine as _;
use granit_parser::{ScalarStyle, Tag};
use std::borrow::Cow;

/// Why a scalar has no value: the wording [`super::syntax::explain`] recognises.
pub(super) enum Refused {
    /// `.inf`, `.nan` or a number too large for a float.
    NonFinite,
    /// A tag chanctl does not support (`!env`, `!!set`).
    UnsupportedTag,
    /// The text does not fit its tag (`!!int abc`); the name of the type.
    Invalid(&'static str),
    /// A `!!binary` value that is not base64 of UTF-8 text.
    Binary,
}

impl Refused {
    /// The parser-style message [`super::syntax::explain`] rewords.
    pub(super) fn message(&self, tag: &str) -> String {
        match self {
            Refused::NonFinite => "non-finite float rejected".to_string(),
            Refused::UnsupportedTag => format!("unsupported tag `{tag}`"),
            Refused::Invalid(ty) => format!("invalid {ty}"),
            Refused::Binary => "!!binary value is not base64-encoded UTF-8".to_string(),
        }
    }
}

/// The core-schema name of `tag` (`str`, `int`, ...), `""` for the non-specific `!`, or
/// `None` for any other tag.
pub(super) fn core_name(tag: &Tag) -> Option<&str> {
    if tag.handle() == "!" && tag.suffix().is_empty() {
        return Some("");
    }
    match tag.suffix_in_namespace("tag:yaml.org,2002:") {
        Some(Cow::Borrowed(name)) => Some(name),
        _ => None,
    }
}

/// The value of a scalar `text` written in `style` with `tag`.
pub(super) fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, Refused> {
    let plain = style == ScalarStyle::Plain;
    let Some(tag) = tag else {
        return Ok(if plain {
            untagged(text)?
        } else {
            Value::Str(text.to_string())
        });
    };
    match core_name(tag) {
        Some("" | "str") => Ok(Value::Str(text.to_string())),
        Some("null") => Ok(Value::Null),
        Some("bool") => match trim(text) {
            "true" | "True" | "TRUE" => Ok(Value::Bool(true)),
            "false" | "False" | "FALSE" => Ok(Value::Bool(false)),
            _ => Err(Refused::Invalid("boolean")),
        },
        Some("int") => int(trim(text)).ok_or(Refused::Invalid(if trim(text).starts_with('-') {
            "i64"
        } else {
            "u64"
        })),
        Some("float") => match float(trim(text)) {
            Some(f) if f.is_finite() => Ok(Value::Float(f)),
            Some(_) => Err(Refused::NonFinite),
            None => Err(Refused::Invalid("float")),
        },
        Some("binary") => {
            let compact: String = text.split_whitespace().collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .map(Value::Str)
                .ok_or(Refused::Binary)
        }
        _ => Err(Refused::UnsupportedTag),
    }
}

/// YAML's padding, as the scalar conversions accept it.
fn trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\r', '\n'])
}

/// A plain scalar without a tag.
fn untagged(text: &str) -> Result<Value, Refused> {
    let t = trim(text);
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        "true" | "True" | "TRUE" => return Ok(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(Value::Bool(false)),
        _ => {}
    }
    let first = t.as_bytes()[0];
    // Only text that starts like a number can be one (the fast path for most values).
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return Ok(Value::Str(text.to_string()));
    }
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    // `0X1F` and a signed `.nan` are text in the core schema.
    if matches!(unsigned.as_bytes(), [b'0', b'X' | b'O' | b'B', ..])
        || matches!(unsigned, ".nan" | ".NaN" | ".NAN") && unsigned.len() < t.len()
    {
        return Ok(Value::Str(text.to_string()));
    }
    if let Some(v) = int(t) {
        return Ok(v);
    }
    match float(t) {
        Some(f) if f.is_finite() => Ok(Value::Float(f)),
        Some(_) => Err(Refused::NonFinite),
        None => Ok(Value::Str(text.to_string())),
    }
}

/// An integer in the 64-bit range: decimal (no leading zero; `_` between digits) or `0x`,
/// `0o`, `0b`.
fn int(t: &str) -> Option<Value> {
    let (negative, rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (radix, digits) = match rest.get(..2) {
        Some("0x" | "0X") => (16, &rest[2..]),
        Some("0o" | "0O") => (8, &rest[2..]),
        Some("0b" | "0B") => (2, &rest[2..]),
        _ => (10, rest),
    };
    if radix == 10 && digits.starts_with('0') && digits != "0" {
        return None;
    }
    let bytes = digits.as_bytes();
    let mut magnitude: u128 = 0;
    let mut seen = false;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' && radix == 10 {
            let between =
                i > 0 && bytes[i - 1] != b'_' && bytes.get(i + 1).is_some_and(|n| *n != b'_');
            if !between {
                return None;
            }
            continue;
        }
        let d = char::from(b).to_digit(radix)?;
        magnitude = magnitude
            .checked_mul(u128::from(radix))?
            .checked_add(u128::from(d))?;
        seen = true;
    }
    if !seen {
        return None;
    }
    let value = i128::try_from(magnitude).ok()?;
    let value = if negative { -value } else { value };
    (i128::from(i64::MIN)..=i128::from(u64::MAX))
        .contains(&value)
        .then_some(Value::Int(value))
}

/// A float: YAML's `.inf` and `.nan` spellings, or a Rust float literal that starts like a
/// number (so `inf` and `nan` stay text). An overflowing literal is infinite.
fn float(t: &str) -> Option<f64> {
    let (negative, unsigned) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    match unsigned {
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        ".inf" | ".Inf" | ".INF" if negative => return Some(f64::NEG_INFINITY),
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        _ => {}
    }
    let starts_like_a_number = unsigned
        .as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_digit() || *b == b'.');
    if !starts_like_a_number || unsigned.contains(['i', 'I', 'n', 'N']) {
        return None;
    }
    t.parse::<f64>().ok()
}
