//! Reading and validating channels.yaml: from text to a [`file::Desired`] or a list of
//! diagnostics. Pure: the caller reads the file.

pub mod file;
pub mod load;
pub mod schema;
pub mod schema_errors;
pub mod semantic;
pub mod yaml;

pub use file::{Desired, DesiredChannel};
pub use load::load;
