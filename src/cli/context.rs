//! What several commands share: reading and validating the file, opening the backend.

use super::Exit;
use crate::config::{self, Desired};
use crate::diagnostic::Report;
use crate::plan::Source;
use crate::printer::Printer;
use clap::Args;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// `-f FILE`.
#[derive(Debug, Clone, Args)]
pub struct FileArgs {
    /// The channels file.
    #[arg(
        short = 'f',
        long = "file",
        default_value = "channels.yaml",
        value_name = "FILE"
    )]
    pub file: PathBuf,
}

/// `--target` / `--exclude`.
#[derive(Debug, Clone, Default, Args)]
pub struct ScopeArgs {
    /// Only channels whose name matches this glob (repeatable).
    #[arg(long = "target", value_name = "GLOB")]
    pub targets: Vec<String>,
    /// Leave out channels whose name matches this glob (repeatable).
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,
}

impl ScopeArgs {
    pub fn scope(&self) -> crate::plan::Scope {
        crate::plan::Scope {
            targets: self.targets.clone(),
            excludes: self.excludes.clone(),
        }
    }
}

/// Read and validate the file, printing diagnostics on failure.
pub fn load_file(path: &Path, printer: &Printer) -> Result<Desired, Exit> {
    load_file_with_source(path, printer).map(|(desired, _)| desired)
}

/// Like [`load_file`], also returning which file it was (for plans).
pub fn load_file_with_source(path: &Path, printer: &Printer) -> Result<(Desired, Source), Exit> {
    let source = read_source(path, printer)?;
    let origin = Source {
        file: path.display().to_string(),
        digest: format!("sha256:{}", hex::encode(Sha256::digest(source.as_bytes()))),
    };
    match config::load(&source) {
        Ok(desired) => Ok((desired, origin)),
        Err(diagnostics) => {
            let n = diagnostics.len();
            let report = Report {
                file_name: path.display().to_string(),
                source: source.into(),
                diagnostics,
            };
            printer.err(report.render(printer.err_style.color, 100).trim_end());
            printer.err(&format!(
                "\n{} {n} problem{} in {}",
                printer.err_style.red("error:"),
                if n == 1 { "" } else { "s" },
                path.display()
            ));
            Err(Exit::Error)
        }
    }
}

/// The file's text; errors for a missing file, a directory, or bytes that are not UTF-8.
fn read_source(path: &Path, printer: &Printer) -> Result<String, Exit> {
    if path.is_dir() {
        printer.error(&format!(
            "{} is a directory, not a channels file",
            path.display()
        ));
        return Err(Exit::Error);
    }
    let meta = std::fs::metadata(path);
    if let Ok(m) = &meta
        && m.len() > config::load::MAX_INPUT_BYTES as u64
    {
        printer.error(&format!(
            "{} is {} bytes; chanctl reads at most {} bytes",
            path.display(),
            m.len(),
            config::load::MAX_INPUT_BYTES
        ));
        return Err(Exit::Error);
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            printer.error(&format!("cannot read {}: {e}", path.display()));
            return Err(Exit::Error);
        }
    };
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes());
            let (line, col) = crate::diagnostic::line_col(&text, offset);
            printer.error(&format!(
                "{}:{line}:{col}: the file is not valid UTF-8 (byte {offset}); save it as UTF-8",
                path.display()
            ));
            Err(Exit::Error)
        }
    }
}

/// A single-threaded runtime for the async provider calls.
pub fn runtime(printer: &Printer) -> Result<tokio::runtime::Runtime, Exit> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            printer.error(&format!("cannot start the async runtime: {e}"));
            Exit::Error
        })
}
