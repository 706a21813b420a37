//! `chanctl schema`: print the JSON Schema of channels.yaml (for editors and CI).

use super::Exit;
use crate::printer::Printer;

pub fn exec(printer: &Printer) -> Exit {
    printer.out(crate::config::schema::COMMITTED);
    Exit::Ok
}
