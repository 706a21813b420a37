//! Reading and validating channels.yaml: from text to a [`Desired`] or a list of
//! diagnostics. Pure: the caller reads the file and passes in the variables.

mod desired;
mod direct;
pub mod environments;
pub mod file;
pub mod fuzzy;
pub mod keys;
pub mod load;
#[cfg(test)]
mod load_tests;
pub mod schema;
pub mod schema_errors;
pub mod semantic;
pub mod tree;
pub mod variables;
pub mod vars;
pub mod yaml;

pub use desired::{Desired, SensitiveField};
pub use file::DesiredChannel;
pub use load::{LoadOptions, load, load_with};
