//! The one place that writes to the terminal: stdout for results, stderr for progress and
//! errors, each coloured only when it is a terminal and NO_COLOR is not set. Once the
//! channels file is loaded, everything written is scrubbed of its sensitive values: a last
//! guard behind the redacted plans (a provider's error or a -v log line may quote a value).

use crate::render::style::Style;
use crate::sensitive::Secrets;
use std::borrow::Cow;
use std::io::{IsTerminal, Write};

/// Writes output and decides colour.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    pub out_style: Style,
    pub err_style: Style,
    pub verbose: bool,
    /// Values never to write (see [`Printer::with_secrets`]).
    secrets: Option<&'static Secrets>,
}

impl Printer {
    pub fn from_env(verbose: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Printer {
            out_style: Style {
                color: !no_color && std::io::stdout().is_terminal(),
            },
            err_style: Style {
                color: !no_color && std::io::stderr().is_terminal(),
            },
            verbose,
            secrets: None,
        }
    }

    /// This printer, scrubbing `secrets` from everything it writes. The values live as long
    /// as the process (the printer is `Copy`); a command sets them once, after loading.
    pub fn with_secrets(self, secrets: Secrets) -> Printer {
        if secrets.is_empty() {
            return self;
        }
        Printer {
            secrets: Some(Box::leak(Box::new(secrets))),
            ..self
        }
    }

    fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.secrets {
            Some(s) => Cow::Owned(s.scrub(text)),
            None => Cow::Borrowed(text),
        }
    }

    /// Write to stdout (results: plans, schemas).
    pub fn out(&self, text: &str) {
        let text = self.scrub(text);
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }

    /// Write a line to stderr (progress, errors).
    pub fn err(&self, text: &str) {
        let text = self.scrub(text);
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(stderr, "{text}");
    }

    /// A line to stderr only with -v.
    pub fn debug(&self, text: &str) {
        if self.verbose {
            self.err(text);
        }
    }

    /// `error: ...` on stderr.
    pub fn error(&self, text: &str) {
        self.err(&format!("{} {text}", self.err_style.red("error:")));
    }

    pub fn err_is_terminal(&self) -> bool {
        std::io::stderr().is_terminal()
    }

    pub fn stdin_is_terminal(&self) -> bool {
        std::io::stdin().is_terminal()
    }
}
