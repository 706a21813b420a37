//! Alibaba Cloud CAMS (Chat App Message Service): the wire protocol, shared by the HTTP
//! client and the local emulator, and the client itself.
//!
//! `sign` computes request signatures (ACS3-HMAC-SHA256 and the legacy HMAC-SHA1 RPC
//! scheme); `verify` is the gateway's side of the same algorithms; `wire` decodes requests as
//! the gateway reads them. All are pure functions of their inputs so that they can be checked
//! against the captured vectors in `testdata/vectors.json`. `client` sends signed RPC requests with retries
//! and a rate limit per operation (`connection` tells why a request got no answer); `credentials`
//! finds the keys; `endpoint` checks the URL.
pub mod client;
pub mod codes;
mod connection;
pub mod credentials;
pub mod declared;
pub mod endpoint;
pub mod limits;
pub mod sign;
pub mod usage;
pub mod verify;
pub mod wire;

#[cfg(test)]
mod vector_tests;
