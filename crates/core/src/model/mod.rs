//! Plain data: what a paper is, as stored and as handed in by importers.

mod arxiv_id;
mod date;
mod paper;
mod status;

pub use arxiv_id::{ArxivId, ArxivIdError};
pub use date::PartialDate;
pub use paper::{NewPaper, Note, Paper, PaperId, PaperSignals, PaperVersion, SourceRecord};
pub use status::Status;
