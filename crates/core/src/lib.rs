//! The pure core of chanctl: everything that can be decided from values alone.
//!
//! `config` reads a channels file (YAML with spans → JSON Schema → types → semantic rules);
//! `model` holds channels and bindings; `rules` are the service's rules as one state machine;
//! `plan` diffs the file against a live state and orders the steps; `render` shows a plan;
//! `sensitive` keeps secret values out of what is shown; `diagnostic` is a problem with its
//! place in the file. Nothing here does I/O, runs async code or reads the clock: this crate's
//! Cargo.toml cannot reach tokio or reqwest, so the boundary is a build fact.
mod beside;
pub mod config;
pub mod diagnostic;
pub mod model;
pub mod plan;
pub mod render;
pub mod rules;
pub mod sensitive;
pub mod template;
