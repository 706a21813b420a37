//! Sensitive values: binding values that come from `${VAR}` references. They are the real
//! values chanctl binds, but they are never printed nor saved: plans carry a redacted form
//! (with a digest, so that `apply PLAN` can check the value it re-reads), and everything the
//! printer writes is scrubbed of them as a last guard.
//!
//! Pure: no I/O. The values come from the loaded file ([`crate::config::Desired`]).

use sha2::{Digest, Sha256};

/// What a reader sees in place of a sensitive value.
pub const SHOWN: &str = "(sensitive)";

/// The redacted form starts with this, followed by the value's digest.
const REDACTED_PREFIX: &str = "(sensitive) sha256:";

/// Domain separation for the digest: the same value hashed for another purpose differs.
const DIGEST_CONTEXT: &[u8] = b"chanctl sensitive value v1\0";

/// `sha256:` digest of a sensitive value. It lets `apply PLAN` check that the value it
/// re-reads is the one the plan was made with; it does not hide a value that can be guessed
/// (a phone number can be found by trying them all), so plan files stay private.
pub fn digest(value: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(DIGEST_CONTEXT);
    hasher.update(value.as_bytes());
    format!("sha256:{}", hex::encode(hasher.finalize()))
}

/// The form a sensitive value takes in a plan: `(sensitive) sha256:…`.
pub fn redacted(value: &str) -> String {
    format!("(sensitive) {}", digest(value))
}

/// Whether `s` is a redacted value.
pub fn is_redacted(s: &str) -> bool {
    s.starts_with(REDACTED_PREFIX)
}

/// How a value is shown to a person: [`SHOWN`] for a redacted one, else the value.
pub fn shown(s: &str) -> &str {
    if is_redacted(s) { SHOWN } else { s }
}

/// The sensitive values of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    /// Longest first, so that a value inside another is not replaced first.
    values: Vec<String>,
}

impl Secrets {
    pub fn new(values: impl IntoIterator<Item = String>) -> Self {
        let mut values: Vec<String> = values.into_iter().filter(|v| !v.is_empty()).collect();
        values.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        values.dedup();
        Secrets { values }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values, longest first.
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// These values and `other`'s.
    pub fn union(&self, other: &Secrets) -> Secrets {
        Secrets::new(self.values.iter().chain(&other.values).cloned())
    }

    pub fn contains(&self, value: &str) -> bool {
        self.values.iter().any(|v| v == value)
    }

    /// The value whose [`redacted`] form is `redacted_form`, if it is one of these.
    pub fn reveal(&self, redacted_form: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|v| redacted(v) == redacted_form)
            .map(String::as_str)
    }

    /// `text` with every occurrence of a sensitive value replaced by [`SHOWN`]. An occurrence
    /// inside a longer word (letters or digits on both sides of the value's own letters or
    /// digits) is left alone, so that a short value does not eat parts of other words.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for value in &self.values {
            if out.contains(value.as_str()) {
                out = replace_tokens(&out, value);
            }
        }
        out
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Replace `value` in `text` where it is not part of a longer word.
fn replace_tokens(text: &str, value: &str) -> String {
    let starts_word = value.chars().next().is_some_and(is_word);
    let ends_word = value.chars().next_back().is_some_and(is_word);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(value) {
        let before = rest[..i].chars().next_back().or(out.chars().next_back());
        let after = rest[i + value.len()..].chars().next();
        let glued = (starts_word && before.is_some_and(is_word))
            || (ends_word && after.is_some_and(is_word));
        out.push_str(&rest[..i]);
        if glued {
            // Not a token of its own: keep its first character and look again after it.
            let first = rest[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&rest[i..i + first]);
            rest = &rest[i + first..];
        } else {
            out.push_str(SHOWN);
            rest = &rest[i + value.len()..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redacted_value_shows_as_sensitive_and_can_be_revealed_by_its_owner() {
        let r = redacted("+6588001234");
        assert!(is_redacted(&r));
        assert!(!r.contains("6588001234"));
        assert_eq!(shown(&r), SHOWN);
        assert_eq!(shown("+6588001234"), "+6588001234");
        let secrets = Secrets::new(["+6588001234".to_string()]);
        assert_eq!(secrets.reveal(&r), Some("+6588001234"));
        assert_eq!(Secrets::default().reveal(&r), None);
        assert_ne!(digest("a"), digest("b"));
    }

    #[test]
    fn scrub_replaces_values_that_stand_alone_only() {
        let s = Secrets::new(["+6588001234".to_string(), "12".to_string()]);
        assert_eq!(
            s.scrub("WhatsApp number +6588001234 is bound to two channels"),
            "WhatsApp number (sensitive) is bound to two channels"
        );
        assert_eq!(s.scrub("phone=+6588001234,x"), "phone=(sensitive),x");
        // `12` inside 2012 or a12b is part of another word.
        assert_eq!(
            s.scrub("in 2012, a12b and 12."),
            "in 2012, a12b and (sensitive)."
        );
        assert_eq!(s.scrub("12"), "(sensitive)");
        assert_eq!(s.scrub("nothing here"), "nothing here");
    }

    #[test]
    fn a_longer_value_is_replaced_before_a_value_inside_it() {
        let s = Secrets::new(["acme".to_string(), "acme-sales".to_string()]);
        assert_eq!(s.scrub("bound to acme-sales"), "bound to (sensitive)");
        assert_eq!(s.scrub("acme and é-acme"), "(sensitive) and é-(sensitive)");
    }

    #[test]
    fn empty_values_are_ignored() {
        let s = Secrets::new([String::new()]);
        assert!(s.is_empty());
        assert_eq!(s.scrub("text"), "text");
    }
}
