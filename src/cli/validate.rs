//! `chanctl validate`: check a file without touching any account.

use super::Exit;
use super::context::{FileArgs, load_file};
use crate::printer::Printer;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub file: FileArgs,
}

pub fn exec(args: &Args, printer: &Printer) -> Exit {
    match load_file(&args.file.file, printer) {
        Ok(desired) => {
            printer.out(&format!(
                "{} is valid: {} channel{}, quota {}.\n",
                args.file.file.display(),
                desired.channels.len(),
                if desired.channels.len() == 1 { "" } else { "s" },
                desired.quota
            ));
            Exit::Ok
        }
        Err(exit) => exit,
    }
}
