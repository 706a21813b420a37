//! The values chanctl must never write, held in one place for the whole process: `ops` adds
//! the sensitive values of each channels file it loads and the credentials it holds (access
//! key secret, security token, OIDC token), and the printer and every file chanctl writes
//! (saved plans, reports, exports, the journal) are scrubbed with them. A last guard behind
//! the redacted plans: a provider's error or a `-v` log line may quote a value.
//!
//! Sensitive values are replaced where they stand as a word of their own (a short number
//! must not eat other numbers); credentials, long random strings, wherever they appear, even
//! inside a longer word. A credential shorter than [`MIN_CREDENTIAL_LEN`] characters is no
//! real key (Alibaba Cloud's secrets have 30) and is not looked for: replacing it everywhere
//! would garble the output.

use crate::sensitive::{SHOWN, Secrets};
use std::borrow::Cow;
use std::sync::RwLock;

/// Credential values shorter than this are not scrubbed (see the module header).
pub const MIN_CREDENTIAL_LEN: usize = 8;

/// The environment variables whose values are credentials chanctl may hold.
pub const CREDENTIAL_VARIABLES: &[&str] = &[
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALICLOUD_ACCESS_KEY_SECRET",
    "ALICLOUD_SECURITY_TOKEN",
    "ALIBABACLOUD_ACCESS_KEY_SECRET",
    "ALIBABACLOUD_SECURITY_TOKEN",
];

/// The environment variable that names a file holding an OIDC token.
pub const OIDC_TOKEN_FILE_VARIABLE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";

/// A growing set of values to keep out of every output.
#[derive(Debug, Default)]
pub struct Scrubber {
    secrets: RwLock<Secrets>,
    /// Credentials, longest first: replaced wherever they appear.
    credentials: RwLock<Vec<String>>,
}

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
        let mut held = self.secrets.write().unwrap_or_else(|e| e.into_inner());
        *held = held.union(secrets);
    }

    /// Keep these credential values out from now on, wherever they appear (values shorter
    /// than [`MIN_CREDENTIAL_LEN`] or holding a line break are ignored).
    pub fn add_credentials(&self, values: impl IntoIterator<Item = String>) {
        let mut held = self.credentials.write().unwrap_or_else(|e| e.into_inner());
        for v in values {
            let v = v.trim().to_string();
            if v.chars().count() >= MIN_CREDENTIAL_LEN
                && !v.contains(['\n', '\r'])
                && !held.contains(&v)
            {
                held.push(v);
            }
        }
        held.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    }

    /// The credential values of the process's environment (`env` looks a variable up): those
    /// of [`CREDENTIAL_VARIABLES`] and the OIDC token in the file
    /// [`OIDC_TOKEN_FILE_VARIABLE`] names (its first 64 KiB).
    pub fn add_environment_credentials(&self, env: &dyn Fn(&str) -> Option<String>) {
        let mut values: Vec<String> = CREDENTIAL_VARIABLES.iter().filter_map(|k| env(k)).collect();
        if let Some(path) = env(OIDC_TOKEN_FILE_VARIABLE).filter(|p| !p.is_empty()) {
            use std::io::Read;
            let mut text = String::new();
            if std::fs::File::open(path)
                .and_then(|f| f.take(64 * 1024).read_to_string(&mut text))
                .is_ok()
            {
                values.push(text);
            }
        }
        self.add_credentials(values);
    }

    /// The credential values held, for checks that refuse them (a variable holding one).
    pub fn credentials(&self) -> Vec<String> {
        self.credentials
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// `text` with every kept value replaced.
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let credentials = self.credentials.read().unwrap_or_else(|e| e.into_inner());
        let mut text = Cow::Borrowed(text);
        for c in credentials.iter() {
            if text.contains(c.as_str()) {
                text = Cow::Owned(text.replace(c.as_str(), SHOWN));
            }
        }
        let held = self.secrets.read().unwrap_or_else(|e| e.into_inner());
        if held.is_empty() {
            text
        } else {
            Cow::Owned(held.scrub(&text))
        }
    }

    /// Whether no value is kept out yet.
    pub fn is_empty(&self) -> bool {
        self.secrets
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
            && self
                .credentials
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .is_empty()
    }

    /// The sensitive values kept out (not the credentials), for code that must also hide
    /// them by other means.
    pub fn secrets(&self) -> Secrets {
        self.secrets
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
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

    #[test]
    fn credentials_are_scrubbed_even_inside_words_and_short_ones_are_ignored() {
        let s = Scrubber::default();
        s.add_credentials(["Zx9SecretValue0123456789abcdef".to_string(), "short".into()]);
        assert!(!s.is_empty());
        assert_eq!(
            s.scrub(
                "key=Zx9SecretValue0123456789abcdef; prefixZx9SecretValue0123456789abcdefsuffix"
            ),
            "key=(sensitive); prefix(sensitive)suffix"
        );
        assert_eq!(s.scrub("a short word"), "a short word");
        assert_eq!(s.credentials().len(), 1);
    }

    #[test]
    fn the_environments_credentials_and_the_oidc_token_file_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let token = dir.path().join("token");
        std::fs::write(&token, "eyJoidc.token.value\n").unwrap();
        let token = token.display().to_string();
        let env = move |k: &str| match k {
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET" => Some("secret-from-env-123".to_string()),
            "ALIBABA_CLOUD_OIDC_TOKEN_FILE" => Some(token.clone()),
            _ => None,
        };
        let s = Scrubber::default();
        s.add_environment_credentials(&env);
        assert_eq!(
            s.scrub("secret-from-env-123 eyJoidc.token.value"),
            "(sensitive) (sensitive)"
        );
    }
}
