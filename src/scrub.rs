//! The values chanctl must never write, held in one place for the whole process: `ops` adds
//! the sensitive values of each channels file it loads (and the credentials it holds), and
//! the printer scrubs everything it writes with them. A last guard behind the redacted plans:
//! a provider's error or a `-v` log line may quote a value.

use crate::sensitive::Secrets;
use std::borrow::Cow;
use std::sync::RwLock;

/// A growing set of values to keep out of every output.
#[derive(Debug, Default)]
pub struct Scrubber(RwLock<Secrets>);

impl Scrubber {
    /// One scrubber for the life of the process (the printer is `Copy` and holds it by
    /// reference).
    pub fn leaked() -> &'static Scrubber {
        Box::leak(Box::default())
    }

    /// Keep `secrets` out from now on, besides those already kept out.
    pub fn add(&self, secrets: &Secrets) {
        if secrets.is_empty() {
            return;
        }
        let mut held = self.0.write().unwrap_or_else(|e| e.into_inner());
        *held = held.union(secrets);
    }

    /// `text` with every kept value replaced.
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let held = self.0.read().unwrap_or_else(|e| e.into_inner());
        if held.is_empty() {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(held.scrub(text))
        }
    }

    /// Whether no value is kept out yet.
    pub fn is_empty(&self) -> bool {
        self.0.read().unwrap_or_else(|e| e.into_inner()).is_empty()
    }

    /// The values kept out, for code that must also hide them by other means.
    pub fn secrets(&self) -> Secrets {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_added_later_are_scrubbed_too() {
        let s = Scrubber::default();
        assert_eq!(s.scrub("a +6588001234 b"), "a +6588001234 b");
        s.add(&Secrets::new(["+6588001234".to_string()]));
        assert_ne!(s.scrub("a +6588001234 b"), "a +6588001234 b");
        s.add(&Secrets::new(["other-secret".to_string()]));
        let out = s.scrub("+6588001234 other-secret");
        assert!(
            !out.contains("+6588001234") && !out.contains("other-secret"),
            "{out}"
        );
    }
}
