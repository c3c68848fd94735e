//! # papershelf-core
//!
//! Everything Papershelf does, without a user interface: the desktop app and the `papershelf`
//! CLI are thin shells over this crate.
//!
//! ## Brief overview
//! - [`Library`] is the facade: open a library directory, import papers, search, tag, triage
//!   and annotate them. Every method is synchronous (SQLite and tantivy block); call it from a
//!   blocking thread in async code.
//! - [`Paper`] is a stored work; [`NewPaper`] is what importers and sources hand in.
//! - Search takes the query syntax described in [`search`] and returns [`SearchResults`] with
//!   plain-text snippets and match offsets (never HTML).
//! - SQLite is the source of truth; the tantivy index in `index/` is derived from it, kept in
//!   step by a change log, and rebuilt automatically when it is missing, damaged or behind.
//!
//! ```
//! use papershelf_core::{Library, NewPaper, SearchOptions};
//! let dir = tempfile::tempdir().unwrap();
//! let lib = Library::open(dir.path()).unwrap();
//! let paper = NewPaper { title: "Pointer Networks".into(), ..Default::default() };
//! lib.add_papers(&[paper], "example", "doc").unwrap();
//! let results = lib.search("pointer", &SearchOptions::default()).unwrap();
//! assert_eq!(results.hits[0].paper.title, "Pointer Networks");
//! ```
#![warn(missing_docs)]

pub mod backup;
pub mod clean;
mod db;
pub mod demo;
mod error;
pub mod fulltext;
pub mod import;
mod index;
pub mod interop;
mod library;
pub mod model;
pub mod search;
pub mod sources;
pub mod sync;
pub mod text;

// The concern modules of `Library` keep their public paths (`papershelf_core::graph::…`).
pub use library::{collections, graph, pdfs, saved};

pub use backup::{BackupInfo, RestoreReport};
pub use db::subscriptions::{Subscription, SubscriptionKind};
pub use db::unreadable::UnreadablePaper;
pub use error::{Error, ErrorCode, Failure, Result};
pub use interop::mirror::{MirrorStatus, MirrorWorker};
pub use interop::Format;
pub use library::annotations::{QuoteAnnotated, QuoteAnnotation};
pub use library::carry::CarryReport;
pub use library::collections::{
    Collection, CollectionChange, CollectionDeletion, MAX_COLLECTION_DEPTH,
    MAX_COLLECTION_NAME_CHARS,
};
pub use library::file_import::{FileImportReport, FileKind};
pub use library::fulltext::{PdfPage, PdfText};
pub use library::interop::{
    first_skip_note, EntryOutcome, EntryReport, ExportSelection, InteropReport,
};
pub use library::pdfs::{PdfFile, PdfLocation};
pub use library::saved::SavedSearch;
pub use library::trash::TrashedPaper;
pub use library::zotero::{ZoteroItemReport, ZoteroOptions, ZoteroProgress, ZoteroReport};
pub use library::{default_library_dir, Library, Stats, LIBRARY_ENV};
pub use model::{
    Annotation, AnnotationChange, AnnotationKind, ArxivId, ImportProgress, ImportReport,
    ImportedRecord, LinkKind, ListFilter, ListSort, NewAnnotation, NewPaper, Note, Paper, PaperId,
    PaperLink, PaperSummary, PartialDate, ReadingPosition, SkippedEntry, Status, TagCount,
};
pub use search::{
    BrowseRequest, BrowseResults, BrowseSort, FacetCount, Facets, Highlight, SearchHit,
    SearchOptions, SearchResults, Snippet,
};
