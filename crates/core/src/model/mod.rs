//! Plain data: what a paper is, as stored and as handed in by importers.

mod annotation;
mod arxiv_id;
mod date;
mod doi;
mod links;
mod paper;
mod reading;
mod report;
mod status;
mod summary;

pub use annotation::{
    parse_color, Annotation, AnnotationChange, AnnotationKind, NewAnnotation, PdfRect,
    ANNOTATION_COLORS, DEFAULT_ANNOTATION_COLOR,
};
pub use arxiv_id::{ArxivId, ArxivIdError};
pub use date::PartialDate;
pub use doi::{doi_key, parse_doi, DoiKind};
pub use links::{encode_doi, is_web_url, links_of, LinkKind, PaperLink};
pub use paper::{
    FetchedPaper, FieldSource, ImportedRecord, NewPaper, Note, Paper, PaperId, PaperSignals,
    PaperVersion, SourceRecord,
};
pub use reading::ReadingPosition;
pub use report::{ImportProgress, ImportReport, SkippedEntry};
pub use status::Status;
pub use summary::{ListFilter, ListSort, PaperSummary, TagCount};
