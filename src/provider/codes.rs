//! Where a WhatsApp number's one-time code comes from while apply registers the number: codes
//! given on the command line (`--verify-code NUMBER=CODE`), or a person asked on the terminal
//! through a callback the front end supplies (the backends never print or read a terminal).

use std::collections::BTreeMap;
use std::sync::Arc;

/// Asks a person for the code sent to a number (E.164); `None` when they gave none.
pub type Ask = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The one-time codes an apply can use.
#[derive(Clone, Default)]
pub struct Codes {
    /// By E.164 number.
    given: BTreeMap<String, String>,
    ask: Option<Ask>,
}

impl std::fmt::Debug for Codes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The codes themselves are not for logs.
        f.debug_struct("Codes")
            .field("numbers", &self.given.keys().collect::<Vec<_>>())
            .field("ask", &self.ask.is_some())
            .finish()
    }
}

impl Codes {
    /// Codes from `--verify-code NUMBER=CODE` arguments; an argument that is not of that form
    /// is an error that says what is expected.
    pub fn parse(args: &[String]) -> Result<Codes, String> {
        let mut given = BTreeMap::new();
        for arg in args {
            let (number, code) = arg.split_once('=').ok_or_else(|| bad(arg))?;
            let e164 = number.strip_prefix('+').is_some_and(|d| {
                (7..=15).contains(&d.len())
                    && !d.starts_with('0')
                    && d.bytes().all(|b| b.is_ascii_digit())
            });
            let code_ok =
                (4..=10).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit());
            if !e164 || !code_ok {
                return Err(bad(arg));
            }
            if given.insert(number.to_string(), code.to_string()).is_some() {
                return Err(format!("--verify-code gives {number} twice"));
            }
        }
        Ok(Codes { given, ask: None })
    }

    /// The same codes, and `ask` for a number that has none.
    pub fn asking(mut self, ask: Ask) -> Codes {
        self.ask = Some(ask);
        self
    }

    /// Whether a person is asked for codes not given.
    pub fn asks(&self) -> bool {
        self.ask.is_some()
    }

    /// The numbers whose code was given.
    pub fn numbers(&self) -> Vec<String> {
        self.given.keys().cloned().collect()
    }

    /// The code given for `number` (for a code sent by an earlier run).
    pub fn given(&self, number: &str) -> Option<String> {
        self.given.get(number).cloned()
    }

    /// A person's answer for the code just sent to `number`, when one is asked.
    pub fn ask(&self, number: &str) -> Option<String> {
        self.ask.as_ref().and_then(|ask| ask(number))
    }
}

fn bad(arg: &str) -> String {
    format!(
        "--verify-code takes NUMBER=CODE, the number in E.164 form and the digits of its \
         one-time code (e.g. --verify-code +6588001234=123456), not `{arg}`"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers_and_codes_and_refuses_anything_else() {
        let codes = Codes::parse(&["+6588001234=123456".into()]).unwrap();
        assert_eq!(codes.given("+6588001234").as_deref(), Some("123456"));
        assert_eq!(codes.given("+6588001235"), None);
        assert_eq!(codes.ask("+6588001235"), None);
        assert_eq!(codes.numbers(), vec!["+6588001234".to_string()]);
        assert!(!codes.asks());
        for bad in [
            "6588001234=123456",
            "+6588001234",
            "+6588001234=",
            "+6588001234=12a456",
            "+06588001234=123456",
            "+65=123456",
        ] {
            let err = Codes::parse(&[bad.to_string()]).unwrap_err();
            assert!(err.contains(bad), "{err}");
        }
        let twice = Codes::parse(&["+6588001234=1234".into(), "+6588001234=5678".into()]);
        assert!(twice.unwrap_err().contains("twice"));
    }

    #[test]
    fn a_person_is_asked_when_the_front_end_can_ask() {
        let codes = Codes::parse(&["+6588001234=123456".into()])
            .unwrap()
            .asking(Arc::new(|n: &str| Some(format!("asked {n}"))));
        assert!(codes.asks());
        assert_eq!(codes.given("+6588001234").as_deref(), Some("123456"));
        assert_eq!(
            codes.ask("+6588001235").as_deref(),
            Some("asked +6588001235")
        );
        assert!(!format!("{codes:?}").contains("123456"), "no code in logs");
    }
}
