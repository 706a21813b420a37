//! The one place that writes to the terminal: stdout for results, stderr for progress and
//! errors, each coloured as `--color` says; with `auto`, anstream decides per stream (a
//! terminal, NO_COLOR, CLICOLOR, CLICOLOR_FORCE). Everything
//! written is scrubbed with the process's [`Scrubber`], to which `ops` adds the sensitive
//! values of the channels file once it is loaded: a last guard behind the redacted plans (a
//! provider's error or a -v log line may quote a value).

use crate::render::style::Style;
use crate::scrub::Scrubber;
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
    secrets: &'static Scrubber,
}

impl Printer {
    /// A printer for this process: `color` is `--color` (`Auto`: anstream's choice for each
    /// stream, from the environment and whether it is a terminal).
    pub fn from_env(verbose: bool, color: anstream::ColorChoice) -> Self {
        color.write_global();
        let colored = |choice: anstream::ColorChoice| choice != anstream::ColorChoice::Never;
        Printer {
            out_style: Style {
                color: colored(anstream::AutoStream::choice(&std::io::stdout())),
            },
            err_style: Style {
                color: colored(anstream::AutoStream::choice(&std::io::stderr())),
            },
            verbose,
            secrets: Scrubber::leaked(),
        }
    }

    /// The process's scrubber: what `ops` adds to it is kept out of everything written.
    pub fn scrubber(&self) -> &'static Scrubber {
        self.secrets
    }

    /// This printer, also scrubbing `secrets` from everything it (or any printer of this
    /// process) writes.
    pub fn with_secrets(self, secrets: Secrets) -> Printer {
        self.secrets.add(&secrets);
        self
    }

    fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.secrets.scrub(text)
    }

    /// Write to stdout (results: plans, schemas).
    pub fn out(&self, text: &str) {
        let text = self.scrub(text);
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }

    /// Write to stdout what `write` writes, as it writes it, scrubbed line by line: for
    /// results too large to hold whole (the JSON of a large plan). Scrubbing by line gives
    /// what scrubbing the whole text gives, since a line break is never part of a word.
    pub fn out_with(&self, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
        let stdout = std::io::BufWriter::new(std::io::stdout().lock());
        let mut lines = LineScrub {
            inner: stdout,
            secrets: (!self.secrets.is_empty()).then_some(self.secrets),
            line: Vec::new(),
        };
        let _ = write(&mut lines).and_then(|()| lines.flush());
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

/// A writer that passes text on a line at a time, scrubbed of `secrets` when there are any.
struct LineScrub<W: Write> {
    inner: W,
    secrets: Option<&'static Scrubber>,
    /// The start of a line not yet ended.
    line: Vec<u8>,
}

impl<W: Write> LineScrub<W> {
    fn emit(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self.secrets {
            Some(s) => self
                .inner
                .write_all(s.scrub(&String::from_utf8_lossy(bytes)).as_bytes()),
            None => self.inner.write_all(bytes),
        }
    }
}

impl<W: Write> Write for LineScrub<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.secrets.is_none() {
            return self.inner.write(buf);
        }
        let mut rest = buf;
        while let Some(i) = rest.iter().position(|&b| b == b'\n') {
            self.line.extend_from_slice(&rest[..=i]);
            let line = std::mem::take(&mut self.line);
            self.emit(&line)?;
            self.line = line;
            self.line.clear();
            rest = &rest[i + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.emit(&line)?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written in pieces that split lines and values, the text comes out as scrubbing it
    /// whole gives.
    #[test]
    fn line_scrub_matches_scrubbing_the_whole_text() {
        let secrets = Scrubber::leaked();
        secrets.add(&Secrets::new(["+6588001234".to_string()]));
        let text =
            "{\n  \"phone\": \"+6588001234\",\n  \"other\": \"x+6588001234\"\n}\nlast +6588001234";
        for piece in [1, 3, 7, 64] {
            let mut w = LineScrub {
                inner: Vec::new(),
                secrets: Some(secrets),
                line: Vec::new(),
            };
            for chunk in text.as_bytes().chunks(piece) {
                w.write_all(chunk).unwrap();
            }
            w.flush().unwrap();
            assert_eq!(
                String::from_utf8(w.inner).unwrap(),
                secrets.scrub(text),
                "{piece}"
            );
        }
        let mut plain = LineScrub {
            inner: Vec::new(),
            secrets: None,
            line: Vec::new(),
        };
        plain.write_all(text.as_bytes()).unwrap();
        plain.flush().unwrap();
        assert_eq!(String::from_utf8(plain.inner).unwrap(), text);
    }
}
