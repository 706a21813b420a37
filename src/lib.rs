//! chanctl: manage Alibaba Cloud CAMS channels as code.
//!
//! The pure core (`config`, `model`, `rules`, `plan`, `render`, `sensitive`) does no I/O;
//! `provider`, `apply` and `cli` are the edges.
pub mod allocator;
pub mod apply;
pub mod cams;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod emulator;
pub mod journal;
pub mod lock;
pub mod model;
pub mod plan;
pub mod printer;
pub mod provider;
pub mod render;
pub mod rules;
pub mod sensitive;
