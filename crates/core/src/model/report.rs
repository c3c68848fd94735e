//! What an import did and how far it is: [`ImportReport`], [`ImportProgress`] and the
//! entries passed over ([`SkippedEntry`]). Shared by the importers and the library facade.

use serde::Serialize;

/// An entry an importer passed over, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedEntry {
    /// 1-based line number in the input.
    pub line: usize,
    /// Why it was skipped, e.g. "invalid JSON: expected `,` at column 18".
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// The file or page imported.
    pub origin: String,
    /// New works.
    pub added: u64,
    /// Existing works that gained or changed something.
    pub updated: u64,
    /// Records that changed nothing.
    pub unchanged: u64,
    /// Records passed over, with reasons.
    pub skipped: Vec<SkippedEntry>,
    /// Records imported with something cut or left out (a field over its cap), one line each:
    /// where the record was, and what happened.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    /// Line the import resumed after, when an earlier run was interrupted.
    pub resumed_after_line: Option<u64>,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// Progress of a long import, reported after each batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    /// Bytes read so far.
    pub bytes_done: u64,
    /// File size.
    pub bytes_total: u64,
    /// Records written so far (added + updated + unchanged).
    pub records: u64,
}
