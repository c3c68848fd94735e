//! One module per group of subcommands.

pub mod annotations;
pub mod collections;
pub mod import;
pub mod interop;
pub mod notes;
pub mod papers;
pub mod pdf;
pub mod safety;
pub mod saved;
pub mod search;
pub mod sources;
pub mod zotero;
