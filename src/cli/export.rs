//! `chanctl export`: write the live account as a channels file. When a channels file is at
//! hand (`-f`, or `channels.yaml` if it exists), its sensitive values are written as the
//! `${VAR}` references it takes them from, never as values.

use super::Exit;
use super::backend::{BackendArgs, with_provider};
use super::context::{EnvArgs, load_file, runtime, secret_keeping};
use crate::config::file::DEFAULT_QUOTA;
use crate::files::write_atomically;
use crate::printer::Printer;
use crate::provider::Provider;
use crate::render::export::References;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The channels file whose `${VAR}` references to keep (default: channels.yaml, when it
    /// exists); the default sandbox sits beside it.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub env: EnvArgs,
    #[command(flatten)]
    pub backend: BackendArgs,
    /// The quota to write in the file (the API does not tell it).
    #[arg(long, default_value_t = DEFAULT_QUOTA)]
    pub quota: u32,
}

pub fn exec(args: &Args, printer: &Printer) -> Exit {
    let env = args.env.name();
    let default_file = PathBuf::from("channels.yaml");
    let file = args
        .file
        .clone()
        .or_else(|| default_file.is_file().then(|| default_file.clone()));
    let (references, printer) = match &file {
        Some(file) => match load_file(file, env, printer) {
            Ok(desired) => (References::of(&desired), secret_keeping(printer, &desired)),
            Err(exit) => {
                printer.error(&format!(
                    "export reads {} to keep its sensitive values out; fix it, or name another file with -f",
                    file.display()
                ));
                return exit;
            }
        },
        None => (References::default(), *printer),
    };
    let printer = &printer;
    // The default sandbox sits beside the channels file named with -f, else beside the file
    // being written.
    let anchor = args
        .file
        .clone()
        .or_else(|| args.output.clone())
        .unwrap_or(default_file);
    let backend = match args.backend.open(&anchor, args.quota, false, env, printer) {
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
    let yaml = match crate::render::export::to_yaml_with(&live, args.quota, &modeline, &references)
    {
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
