//! Importers: text formats turned into [`NewPaper`]s, then written by the library.
//!
//! Each format has a pure parser here (no I/O to the library); [`crate::Library`] owns the
//! writing, so every importer gets the same idempotent upsert, index update and report.

pub mod arxiv_jsonl;
pub mod hf_page;
pub mod text_file;

use serde::Serialize;

#[allow(unused_imports)]
use crate::model::NewPaper;

/// An entry an importer passed over, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedEntry {
    /// 1-based line number in the input.
    pub line: usize,
    /// Why it was skipped, e.g. "invalid JSON: expected `,` at column 18".
    pub reason: String,
}
