//! `chanctl export`: write the live account as a channels file.

use super::Exit;
use super::backend::{BackendArgs, with_provider};
use super::context::runtime;
use crate::config::file::DEFAULT_QUOTA;
use crate::printer::Printer;
use crate::provider::Provider;
use crate::provider::sandbox::write_atomically;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub backend: BackendArgs,
    /// The quota to write in the file (the API does not tell it).
    #[arg(long, default_value_t = DEFAULT_QUOTA)]
    pub quota: u32,
}

pub fn exec(args: &Args, printer: &Printer) -> Exit {
    // The default sandbox sits beside the file being written.
    let anchor = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("channels.yaml"));
    let backend = match args.backend.open(&anchor, args.quota, false, printer) {
        Ok(b) => b,
        Err(exit) => return exit,
    };
    let rt = match runtime(printer) {
        Ok(rt) => rt,
        Err(exit) => return exit,
    };
    let live = match with_provider!(&backend, p => rt.block_on(p.read())) {
        Ok(live) => live,
        Err(e) => {
            printer.error(&e.to_string());
            return Exit::Error;
        }
    };
    let modeline = modeline_for(args.output.as_deref());
    let yaml = match crate::render::export::to_yaml(&live, args.quota, &modeline) {
        Ok(y) => y,
        Err(e) => {
            printer.error(&e);
            return Exit::Error;
        }
    };
    match &args.output {
        None => printer.out(&yaml),
        Some(path) => {
            if let Err(e) = write_atomically(path, yaml.as_bytes()) {
                printer.error(&format!("cannot write {}: {e}", path.display()));
                return Exit::Error;
            }
            printer.err(&format!(
                "Wrote {} channels to {}.",
                live.channels.len(),
                path.display()
            ));
        }
    }
    Exit::Ok
}

/// A schema reference that resolves from where the file is written: `channels.schema.json`
/// beside it (as `chanctl init` writes it).
fn modeline_for(_output: Option<&Path>) -> String {
    "channels.schema.json".to_string()
}
