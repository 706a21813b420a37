//! `chanctl schema`: print the JSON Schema of channels.yaml (for editors and CI).

use super::{Exit, Result};
use crate::printer::Printer;

pub fn exec(printer: &Printer) -> Result {
    printer.out(crate::config::schema::COMMITTED);
    Ok(Exit::Ok)
}
