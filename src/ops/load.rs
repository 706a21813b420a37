//! Reading a channels file from disk and validating it: the one I/O step in front of the pure
//! `config::load_with`. The variables for `${VAR}` come from the options, so that tests can
//! pass their own.

use super::Error;
use crate::config::{self, Desired};
use crate::diagnostic::Report;
use crate::plan::Source;
use crate::scrub::Scrubber;
use crate::sensitive::Secrets;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// Where `${VAR}` values come from.
pub type Vars<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The variables of the process's environment.
pub fn process_vars(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A loaded, valid channels file.
#[derive(Debug)]
pub struct Loaded {
    pub desired: Desired,
    /// Which file it was, with the digest of its text and of the files it includes (for
    /// plans).
    pub source: Source,
    /// The files it includes, as named in diagnostics, in the order read.
    pub included: Vec<String>,
}

/// `sha256:` of the channels file's text; with included files, of the text followed by each
/// file's path (relative to the channels file's folder) and text, each length-prefixed, so
/// that a change in any of them, or a file added or removed, shows.
fn digest(text: &str, included: &[super::include::IncludedFile]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(text.as_bytes());
    for f in included {
        for part in [&f.relative, &f.text] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
    }
    format!("sha256:{}", hex::encode(hasher.finalize()))
}

/// Read and validate `path` for environment `env`; its sensitive values are added to
/// `scrubber` at once, so that nothing written after this point can show them.
pub fn load(
    path: &Path,
    env: Option<&str>,
    vars: Vars<'_>,
    scrubber: &Scrubber,
) -> Result<Loaded, Error> {
    let text = read_source(path)?;
    let credentials = scrubber.credentials();
    let options = config::LoadOptions {
        environment: env,
        vars,
        credentials: &credentials,
    };
    match config::load_with(&text, &options) {
        Ok(mut desired) => {
            let included = super::include::read(path, &text, &mut desired)?;
            scrubber.add(&Secrets::new(desired.sensitive_values()));
            let source = Source {
                file: path.display().to_string(),
                digest: digest(&text, &included),
            };
            Ok(Loaded {
                desired,
                source,
                included: included.into_iter().map(|f| f.name).collect(),
            })
        }
        Err(diagnostics) => Err(Error::Invalid(vec![Report {
            file_name: path.display().to_string(),
            source: text.into(),
            diagnostics,
        }])),
    }
}

/// The file's text; errors for a missing file, a directory, a file too large, or bytes that
/// are not UTF-8. At most [`config::load::MAX_INPUT_BYTES`] and one byte are read, whatever
/// the file claims to be (`/dev/zero`, a pipe).
pub(super) fn read_source(path: &Path) -> Result<String, Error> {
    let limit = config::load::MAX_INPUT_BYTES as u64;
    if path.is_dir() {
        return Err(Error::Read(format!(
            "{} is a directory, not a channels file",
            path.display()
        )));
    }
    if let Ok(m) = std::fs::metadata(path)
        && m.len() > limit
    {
        return Err(Error::Read(format!(
            "{} is {} bytes; chanctl reads at most {limit} bytes",
            path.display(),
            m.len(),
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    ". `chanctl init -f {}` writes a commented starter file",
                    path.display()
                )
            } else {
                String::new()
            };
            Error::Read(format!("cannot read {}: {e}{hint}", path.display()))
        })?;
    if bytes.len() as u64 > limit {
        return Err(Error::Read(format!(
            "{} is larger than {limit} bytes; chanctl reads at most {limit} bytes",
            path.display()
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes());
        let (line, col) = crate::diagnostic::line_col(&text, offset);
        Error::Read(format!(
            "{}:{line}:{col}: the file is not valid UTF-8 (byte {offset}); save it as UTF-8",
            path.display()
        ))
    })
}
