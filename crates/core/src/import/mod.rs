//! Importers: text formats turned into [`NewPaper`]s, then written by the library.
//!
//! Each format has a pure parser here (no I/O to the library); [`crate::Library`] owns the
//! writing, so every importer gets the same idempotent upsert, index update and report.

pub mod arxiv_jsonl;
pub mod hf_page;
pub mod text_file;

#[allow(unused_imports)]
use crate::model::NewPaper;

pub use crate::model::SkippedEntry;
