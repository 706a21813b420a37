//! chanctl: manage Alibaba Cloud CAMS channels as code.
//!
//! This crate is the edge around the pure core ([`chanctl_core`], re-exported here by module):
//! `provider` (the sandbox and CAMS backends behind one trait), `ops` (plan, apply, export,
//! lock: values and typed errors, never printing), `apply` (runs a plan's steps), `journal`
//! and `lock` (one apply at a time, and what it left), `interrupt` (Ctrl-C), `printer` (the one place that writes)
//! and `cli` (arguments → options → one `ops` call → render).
pub use chanctl_core::{config, diagnostic, model, plan, render, rules, sensitive, template};

pub mod allocator;
pub mod apply;
pub mod cli;
pub mod files;
pub mod interrupt;
pub mod journal;
pub mod lock;
pub mod ops;
pub mod printer;
pub mod provider;
pub mod scrub;
pub mod settle;
