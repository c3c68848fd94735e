//! Importers: text formats turned into [`NewPaper`]s, then written by the library.
//!
//! Each format has a pure parser here (no I/O to the library); [`crate::Library`] owns the
//! writing, so every importer gets the same idempotent upsert, index update and report.

pub mod arxiv_bulk;
pub mod arxiv_jsonl;
pub mod hf_page;
pub mod text_file;

#[allow(unused_imports)]
use crate::model::NewPaper;

pub use crate::model::SkippedEntry;

use crate::db::works;
use crate::model::ImportReport;

/// Most cut-field notices one import report keeps (a hostile file could have millions).
const MAX_NOTICES: usize = 1_000;

/// Adds `notices` about one record (named by `what`: a line, a title) to the report.
pub(crate) fn note_cuts(report: &mut ImportReport, what: &str, notices: Vec<String>) {
    let what = crate::clean::cut_to(
        &crate::clean::strip_controls(what, crate::clean::Lines::One),
        120,
    )
    .to_string();
    for n in notices {
        tracing::warn!(origin = %report.origin, "{what}: {n}");
        if report.notices.len() < MAX_NOTICES {
            report.notices.push(format!("{what}: {n}"));
        }
    }
}

/// Counts one upsert's outcome in the report, and notes the work as changed when it was.
pub(crate) fn tally(report: &mut ImportReport, changed: &mut Vec<i64>, outcome: works::Upserted) {
    match outcome {
        works::Upserted::Added(k) => {
            report.added += 1;
            changed.push(k);
        }
        works::Upserted::Updated(k) => {
            report.updated += 1;
            changed.push(k);
        }
        works::Upserted::Unchanged(_) => report.unchanged += 1,
    }
}
