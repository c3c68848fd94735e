//! The library's one error type and its stable, serialisable code.

use serde::Serialize;

use crate::model::PaperId;

/// Everything that can go wrong in the library, each with the input it failed on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No work with this id (or alias) exists.
    #[error("paper {0} is not in the library (try `papershelf search` to find its id)")]
    PaperNotFound(PaperId),
    /// A value given by the user is not acceptable.
    #[error("{0}")]
    InvalidInput(String),
    /// A query could not be read even leniently.
    #[error("query error at position {position}: {reason}")]
    Query {
        /// 0-based character position in the query.
        position: usize,
        /// What is wrong there.
        reason: String,
    },
    /// A file could not be parsed at all (individual bad records are skipped and reported instead).
    #[error("{file}: line {line}: {reason}")]
    Parse {
        /// The file as the user named it.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The database was written by a newer Papershelf.
    #[error("library schema {found} is newer than this build knows ({known}); upgrade Papershelf")]
    SchemaTooNew {
        /// Version found in the file.
        found: u32,
        /// Newest version this build knows.
        known: u32,
    },
    /// Another process holds the library's write lock for longer than we wait.
    #[error(
        "the library is busy: another Papershelf process is writing to it; try again in a moment"
    )]
    Busy,
    /// An I/O failure on a named path.
    #[error("{path}: {err}")]
    Io {
        /// The path involved.
        path: String,
        /// The underlying failure: quoted in the message and kept as the source, so a caller
        /// can match its [`std::io::ErrorKind`].
        #[source]
        err: std::io::Error,
    },
    /// SQLite failed. The SQLite error is quoted in the message and kept as the source, so a
    /// caller can match its extended code.
    #[error("database: {0}")]
    Db(#[source] rusqlite::Error),
    /// The library database is damaged (it failed SQLite's integrity check, or is no database).
    #[error("{}", corrupt_message(.reason, .newest_backup.as_deref()))]
    Corrupt {
        /// What SQLite said.
        reason: String,
        /// File name of the newest backup that passed its own integrity check, if any.
        newest_backup: Option<String>,
    },
    /// The search index failed in a way a rebuild did not fix.
    #[error("search index: {0}")]
    Index(String),
    /// A source could not be reached or refused (after bounded retries where that helps).
    #[error(transparent)]
    Source(#[from] crate::sources::http::SourceError),
    /// A source answered something we cannot read.
    #[error("{source_name}: unreadable answer from {url}: {reason}")]
    SourceFormat {
        /// Source name.
        source_name: &'static str,
        /// URL requested.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A source does not know the paper.
    #[error("{source_name} has no paper {id}")]
    NotAtSource {
        /// Source name.
        source_name: &'static str,
        /// The id asked for.
        id: String,
    },
    /// An operation was cancelled by the caller.
    #[error("cancelled")]
    Cancelled,
    /// No saved search with this id exists.
    #[error("no saved search {0} (`papershelf saved list` lists them)")]
    SavedSearchNotFound(i64),
    /// No collection with this name exists.
    #[error("no collection named '{0}' (`papershelf collection list` lists them)")]
    CollectionNotFound(String),
    /// A collection with this name (in any case) exists already.
    #[error("a collection named '{0}' exists already")]
    CollectionExists(String),
    /// No subscription with this id exists.
    #[error("no subscription {0}; `papershelf subscriptions` lists them")]
    SubscriptionNotFound(i64),
    /// No backup with this file name exists in the library's backups folder.
    #[error("no backup named {0}; `papershelf backups` lists them")]
    BackupNotFound(String),
    /// A paper has neither an arXiv id nor a DOI, so no source can be asked about it.
    #[error("{id} has no arXiv id or DOI to look up its {what} by")]
    NoExternalId {
        /// The paper.
        id: PaperId,
        /// What was to be looked up (`references`, `citations`).
        what: String,
    },
    /// A paper has no arXiv id, so there is no PDF to fetch for it.
    #[error("{0} has no arXiv id to fetch its PDF by; attach a file with `papershelf pdf attach {0} FILE`")]
    NoPdfSource(PaperId),
    /// The paper has no PDF in the library.
    #[error("{0} has no PDF; fetch it with `papershelf pdf fetch {0}` or attach one with `papershelf pdf attach {0} FILE`")]
    NoPdf(PaperId),
    /// No text could be read from the paper's PDF (damaged, encrypted, too big); the reason is
    /// kept, so the file is not read again until the extractor changes.
    #[error("no text could be read from the PDF of {paper}: {reason}")]
    PdfUnreadable {
        /// The paper.
        paper: PaperId,
        /// Why, as the extractor reported it.
        reason: String,
    },
    /// The text extractor itself is missing or could not be run.
    #[error(transparent)]
    Extractor(crate::fulltext::ExtractError),
    /// A quote to anchor an annotation by is not in the PDF's text.
    #[error("{}", quote_not_found(.paper, .quote, *.page))]
    QuoteNotFound {
        /// The paper.
        paper: PaperId,
        /// The quote, as given.
        quote: String,
        /// The page it was looked for on, when one was given.
        page: Option<u32>,
    },
    /// No annotation with this id exists.
    #[error("no annotation {0}; `papershelf annotations ID` lists a paper's annotations")]
    AnnotationNotFound(String),
    /// A folder or file given as a Zotero data directory holds no readable Zotero database.
    #[error("{path}: not a readable Zotero database: {reason}")]
    NotZotero {
        /// The folder or database file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The mirror left files it did not write as they are and wrote nothing over them; the
    /// refresh is retried once they are moved.
    #[error("{first}{}; the mirror left it as it is and writes nothing over it", more_suffix(*.more))]
    MirrorBlocked {
        /// The first file in the way, as `path: why`.
        first: String,
        /// How many more files are in the way.
        more: usize,
    },
}

fn quote_not_found(paper: &PaperId, quote: &str, page: Option<u32>) -> String {
    let short: String = quote.chars().take(80).collect();
    let ellipsis = if short.len() < quote.len() { "…" } else { "" };
    match page {
        Some(p) => format!("page {p} of the PDF of {paper} does not contain \"{short}{ellipsis}\""),
        None => format!("the PDF of {paper} does not contain \"{short}{ellipsis}\""),
    }
}

fn more_suffix(more: usize) -> String {
    match more {
        0 => String::new(),
        n => format!(" (and {n} more)"),
    }
}

impl From<rusqlite::Error> for Error {
    /// A busy or locked database is [`Error::Busy`] wherever it comes from (open, migrate, write).
    fn from(e: rusqlite::Error) -> Self {
        if is_busy(&e) {
            Error::Busy
        } else {
            Error::Db(e)
        }
    }
}

fn corrupt_message(reason: &str, newest_backup: Option<&str>) -> String {
    let offer = match newest_backup {
        Some(b) => format!(
            "the newest good backup is {b}; restore it with `papershelf restore {b}` \
             (the damaged file is kept beside it)"
        ),
        None => "no good backup was found in the library's backups folder".to_string(),
    };
    format!("the library database is damaged ({reason}); {offer}")
}

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Self {
        Error::Index(e.to_string())
    }
}

/// The kind of an [`Error`], stable across releases, for callers that branch on it (the UI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// The thing asked for does not exist.
    NotFound,
    /// The caller's input is wrong; the message says how.
    InvalidInput,
    /// Another process is writing; retry.
    Busy,
    /// The library needs a newer Papershelf.
    SchemaTooNew,
    /// A file or disk problem.
    Io,
    /// The operation was cancelled.
    Cancelled,
    /// A source could not be reached; the library is unchanged.
    Network,
    /// A source asks us to slow down.
    RateLimited,
    /// The library database is damaged; the message names the backup to restore.
    Corrupt,
    /// A bug or an unexpected failure.
    Internal,
}

impl Error {
    /// The stable kind of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::PaperNotFound(_) => ErrorCode::NotFound,
            Error::InvalidInput(_) | Error::Query { .. } | Error::Parse { .. } => {
                ErrorCode::InvalidInput
            }
            Error::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            Error::Busy => ErrorCode::Busy,
            Error::Io { .. } => ErrorCode::Io,
            Error::Cancelled => ErrorCode::Cancelled,
            Error::NotAtSource { .. }
            | Error::SavedSearchNotFound(_)
            | Error::CollectionNotFound(_)
            | Error::SubscriptionNotFound(_)
            | Error::BackupNotFound(_)
            | Error::NoPdf(_)
            | Error::QuoteNotFound { .. }
            | Error::AnnotationNotFound(_) => ErrorCode::NotFound,
            Error::PdfUnreadable { .. } | Error::NotZotero { .. } => ErrorCode::InvalidInput,
            Error::Extractor(crate::fulltext::ExtractError::Io(_)) => ErrorCode::Io,
            Error::Extractor(_) => ErrorCode::Internal,
            Error::CollectionExists(_) | Error::NoExternalId { .. } | Error::NoPdfSource(_) => {
                ErrorCode::InvalidInput
            }
            Error::MirrorBlocked { .. } => ErrorCode::Io,
            Error::SourceFormat { .. } => ErrorCode::Network,
            Error::Source(e) => match e {
                crate::sources::http::SourceError::NotFound { .. } => ErrorCode::NotFound,
                crate::sources::http::SourceError::RateLimited { .. } => ErrorCode::RateLimited,
                crate::sources::http::SourceError::Config(_) => ErrorCode::InvalidInput,
                crate::sources::http::SourceError::Cancelled { .. } => ErrorCode::Cancelled,
                _ => ErrorCode::Network,
            },
            Error::Db(e) if is_busy(e) => ErrorCode::Busy,
            Error::Corrupt { .. } => ErrorCode::Corrupt,
            Error::Db(_) | Error::Index(_) => ErrorCode::Internal,
        }
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl AsRef<std::path::Path>, err: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().display().to_string(),
            err,
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// A failure that stopped one part of an operation while the rest went on (one subscription
/// of a sync, the enrichment, a mirror refresh): an [`Error`]'s kind and sentence, kept as data
/// in the operation's report so callers branch on `code` as they do for errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Failure {
    /// The error's kind.
    pub code: ErrorCode,
    /// A sentence for the user.
    pub message: String,
}

impl From<&Error> for Failure {
    fn from(e: &Error) -> Self {
        Failure {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn sqlite_and_io_failures_keep_their_source() {
        let sqlite = rusqlite::Connection::open_in_memory()
            .unwrap()
            .execute("INSERT INTO nowhere VALUES (1)", [])
            .unwrap_err();
        let err = Error::from(sqlite);
        let source = err.source().expect("the SQLite error is the source");
        assert!(source.downcast_ref::<rusqlite::Error>().is_some());
        assert!(
            err.to_string().starts_with("database: no such table"),
            "{err}"
        );

        let err = Error::io(
            "notes.md",
            std::io::Error::from(std::io::ErrorKind::NotFound),
        );
        let source = err
            .source()
            .and_then(|s| s.downcast_ref::<std::io::Error>());
        assert_eq!(source.map(|e| e.kind()), Some(std::io::ErrorKind::NotFound));
    }

    #[test]
    fn a_failure_keeps_the_kind_and_sentence_of_its_error() {
        let failure = Failure::from(&Error::SubscriptionNotFound(7));
        assert_eq!(failure.code, ErrorCode::NotFound);
        assert_eq!(
            failure.to_string(),
            Error::SubscriptionNotFound(7).to_string()
        );
        let json = serde_json::to_value(&failure).unwrap();
        assert_eq!(json["code"], "not-found");
    }

    #[test]
    fn a_blocked_mirror_names_the_first_file_and_counts_the_rest() {
        let one = Error::MirrorBlocked {
            first: "a.md: a link".into(),
            more: 0,
        };
        assert_eq!(
            one.to_string(),
            "a.md: a link; the mirror left it as it is and writes nothing over it"
        );
        let three = Error::MirrorBlocked {
            first: "a.md: a link".into(),
            more: 2,
        };
        assert!(
            three.to_string().starts_with("a.md: a link (and 2 more); "),
            "{three}"
        );
        assert_eq!(three.code(), ErrorCode::Io);
    }
}
