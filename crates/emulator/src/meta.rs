//! What Meta knows and CAMS does not let a caller choose: which WhatsApp Business account a
//! person shared through embedded signup, for which channel and with which numbers; which
//! Instagram professional account each Facebook Page is linked to. The real service learns
//! these from Meta; the emulator is told them (`--signup`, `--instagram-link`,
//! `--page-connection`, and the
//! one-time code a number is sent, `--phone-code`), so that it
//! invents nothing a client could come to rely on. Without such a fact, binding fails as the
//! service would for a WABA or Page that was never shared (`ERR-FB-001`, assumed).

use std::collections::BTreeMap;

/// One embedded signup: WABA `waba` was shared for the channel named `channel`, with these
/// numbers (E.164) registered on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signup {
    pub waba: String,
    pub channel: String,
    pub numbers: Vec<String>,
}

/// The facts from Meta's side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    pub signups: Vec<Signup>,
    /// Facebook Page id → the Instagram account linked to it.
    pub instagram: BTreeMap<String, String>,
    /// The one-time code Meta sends to a number being registered (`--phone-code`; none:
    /// [`DEFAULT_PHONE_CODE`]), so that a test can type what a person would read.
    pub phone_code: Option<String>,
    /// The quality rating Meta gives a verified number (E.164 → rating, `--number-quality`);
    /// `GREEN` for the others.
    pub quality: BTreeMap<String, String>,
    /// The connection status of a Facebook Page's link (`--page-connection`, Page id →
    /// status); `Connected` for the others.
    pub connection: BTreeMap<String, String>,
}

/// The one-time code sent when `--phone-code` does not name one.
pub const DEFAULT_PHONE_CODE: &str = "123456";

impl Meta {
    /// The signups that shared `waba` (a person may have redone one for another channel).
    pub fn signups_of<'a>(&'a self, waba: &'a str) -> impl Iterator<Item = &'a Signup> {
        self.signups.iter().filter(move |s| s.waba == waba)
    }

    /// The `ConnectionStatus` the service writes for Page `page`.
    pub fn connection_of(&self, page: &str) -> &str {
        self.connection
            .get(page)
            .map(String::as_str)
            .unwrap_or("Connected")
    }

    /// The one-time code sent to a number.
    pub fn phone_code(&self) -> &str {
        self.phone_code.as_deref().unwrap_or(DEFAULT_PHONE_CODE)
    }
}

/// `WABA=CHANNEL:+NUMBER[,+NUMBER...]`.
pub fn parse_signup(text: &str) -> Result<Signup, String> {
    let bad = || format!("--signup takes WABA=CHANNEL:[+NUMBER[,+NUMBER...]], not `{text}`");
    let (waba, rest) = text.split_once('=').ok_or_else(bad)?;
    let (channel, numbers) = rest.rsplit_once(':').ok_or_else(bad)?;
    // `WABA=CHANNEL:` shares a WABA without a number (chanctl registers one).
    let numbers: Vec<String> = numbers
        .split(',')
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    if waba.is_empty() || channel.is_empty() || numbers.iter().any(|n| !n.starts_with('+')) {
        return Err(bad());
    }
    Ok(Signup {
        waba: waba.to_string(),
        channel: channel.to_string(),
        numbers,
    })
}

/// `PAGE=ACCOUNT`.
pub fn parse_link(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((page, account)) if !page.is_empty() && !account.is_empty() => {
            Ok((page.to_string(), account.to_string()))
        }
        _ => Err(format!("--instagram-link takes PAGE=ACCOUNT, not `{text}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_parse_or_say_what_they_take() {
        let s = parse_signup("1029=support-wa:+6588001234,+6588001235").unwrap();
        assert_eq!(s.channel, "support-wa");
        assert_eq!(s.numbers.len(), 2);
        assert!(parse_signup("1029=support-wa").is_err());
        assert!(parse_signup("1029=support-wa:").unwrap().numbers.is_empty());
        assert!(parse_signup("1029=wa:6588").is_err());
        assert_eq!(
            parse_link("104=178").unwrap(),
            ("104".to_string(), "178".to_string())
        );
        assert!(parse_link("104").is_err());
    }
}
