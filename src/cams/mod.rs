//! Alibaba Cloud CAMS (Chat App Message Service) wire protocol pieces shared by the HTTP
//! client and the local emulator.
//!
//! `sign` computes request signatures (ACS3-HMAC-SHA256 and the legacy HMAC-SHA1 RPC
//! scheme); `verify` is the gateway's side of the same algorithms; `wire` decodes requests as
//! the gateway reads them. All are pure functions of their inputs so that they can be checked
//! against the captured vectors in `tests/data/cams/vectors.json`.
pub mod sign;
pub mod verify;
pub mod wire;

#[cfg(test)]
mod vector_tests;
