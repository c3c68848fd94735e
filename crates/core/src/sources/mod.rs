//! Metadata sources: readers for what remote services answer.
//!
//! [`http`] is the one network layer (timeouts, size cap, retries, pacing, conditional
//! requests) and [`config`] says where each source lives. The other submodules are pure
//! parsers of one service's response bodies (no I/O). Formats, limits and field mappings are
//! described in the project's source notes.

pub mod arxiv_atom;
pub mod config;
pub mod error;
pub mod hf;
pub mod http;
pub mod s2;
