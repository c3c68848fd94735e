//! "Import this file", whatever it is: the desktop's Import… dialog hands over one path and gets
//! one report shape back. The kind comes from the file name's extension, else from the first
//! bytes; each kind then goes through its own importer ([`Library::import_hf_page`],
//! [`Library::import_arxiv_jsonl`], [`Library::import_interop`]).

use std::fs;
use std::io::Read;
use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::import::text_file;
use crate::interop::Format;
use crate::library::interop::{EntryOutcome, EntryReport, InteropReport};
use crate::library::{ImportProgress, ImportReport, Library};

/// Whole-file formats are read into memory; past this size the file is not one of them.
const MAX_WHOLE_FILE_BYTES: u64 = 256 << 20;
/// Entries a report lists (skipped ones first); the counts always cover every entry.
const MAX_REPORTED_ENTRIES: usize = 2_000;
/// Bytes sniffed when the extension does not say what a file is.
const SNIFF_BYTES: usize = 64 << 10;

/// What kind of file an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// Text copied from a Hugging Face papers page.
    HfPage,
    /// An arXiv metadata snapshot in JSON Lines.
    ArxivJsonl,
    /// BibTeX or BibLaTeX.
    Bibtex,
    /// RIS.
    Ris,
    /// CSL-JSON.
    CslJson,
    /// One Markdown notes file with YAML front matter.
    Markdown,
}

impl FileKind {
    /// Every kind, in the order a file dialog lists them.
    pub const ALL: [FileKind; 6] = [
        FileKind::Bibtex,
        FileKind::Ris,
        FileKind::CslJson,
        FileKind::ArxivJsonl,
        FileKind::HfPage,
        FileKind::Markdown,
    ];

    /// Stable name (`hf-page`, `arxiv-jsonl`, `bibtex`, `ris`, `csl-json`, `markdown`).
    pub fn name(self) -> &'static str {
        match self {
            FileKind::HfPage => "hf-page",
            FileKind::ArxivJsonl => "arxiv-jsonl",
            FileKind::Bibtex => "bibtex",
            FileKind::Ris => "ris",
            FileKind::CslJson => "csl-json",
            FileKind::Markdown => "markdown",
        }
    }

    /// A name for people (file dialog filters, reports).
    pub fn label(self) -> &'static str {
        match self {
            FileKind::HfPage => "Hugging Face page text",
            FileKind::ArxivJsonl => "arXiv metadata (JSON Lines)",
            FileKind::Bibtex => "BibTeX",
            FileKind::Ris => "RIS",
            FileKind::CslJson => "CSL-JSON",
            FileKind::Markdown => "Markdown notes",
        }
    }

    /// File name extensions of this kind, lower case, without the dot.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::HfPage => &["txt"],
            FileKind::ArxivJsonl => &["jsonl", "ndjson"],
            FileKind::Bibtex => &["bib", "bibtex", "biblatex"],
            FileKind::Ris => &["ris"],
            FileKind::CslJson => &["json", "csl", "csljson"],
            FileKind::Markdown => &["md", "markdown"],
        }
    }

    /// The kind a file name's extension names, if any.
    pub fn from_extension(path: &Path) -> Option<FileKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        FileKind::ALL
            .into_iter()
            .find(|k| k.extensions().contains(&ext.as_str()))
    }

    /// The kind the first bytes of a file look like. Text that is none of the structured
    /// formats is read as pasted page text, whose importer says plainly when it finds nothing.
    pub fn sniff(head: &[u8]) -> FileKind {
        let text = String::from_utf8_lossy(head);
        let text = text.trim_start_matches('\u{feff}').trim_start();
        if text.starts_with('[') {
            return FileKind::CslJson;
        }
        if text.starts_with('{') {
            // One object per line is a snapshot; one object spanning lines is CSL-JSON.
            let first_line = text.lines().next().unwrap_or("").trim_end();
            return if first_line.ends_with('}') {
                FileKind::ArxivJsonl
            } else {
                FileKind::CslJson
            };
        }
        if text.starts_with("---") {
            return FileKind::Markdown;
        }
        if text.lines().take(50).any(|l| l.starts_with("TY  -")) {
            return FileKind::Ris;
        }
        let entry_start = text.lines().take(200).any(|l| {
            let l = l.trim_start();
            l.starts_with('@')
                && l[1..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
        });
        if entry_start {
            return FileKind::Bibtex;
        }
        FileKind::HfPage
    }

    /// Parses a kind's name as [`FileKind::name`] gives it.
    pub fn from_name(name: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.name() == name.trim())
    }

    fn interop_format(self) -> Option<Format> {
        match self {
            FileKind::Bibtex => Some(Format::Bibtex),
            FileKind::Ris => Some(Format::Ris),
            FileKind::CslJson => Some(Format::CslJson),
            FileKind::Markdown => Some(Format::Markdown),
            FileKind::HfPage | FileKind::ArxivJsonl => None,
        }
    }
}

/// What importing one file did, in the same shape for every kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FileImportReport {
    /// The file's name (not its full path).
    pub origin: String,
    /// What it was read as.
    pub kind: FileKind,
    /// New papers.
    pub added: u64,
    /// Entries that matched a paper in the library and added to it.
    pub merged: u64,
    /// Entries the library already had in full.
    pub unchanged: u64,
    /// Entries not imported.
    pub skipped: u64,
    /// Entries worth showing: every skipped one first (with its line and reason), then, for the
    /// reference formats, the others in file order; at most 2,000.
    pub entries: Vec<EntryReport>,
    /// True when `entries` was cut short.
    pub entries_truncated: bool,
    /// Records imported with a field cut to its cap or left out, one line each (the reference
    /// formats put these on their entry instead, in [`EntryReport::notices`]).
    pub notices: Vec<String>,
    /// An interrupted earlier import of this file was resumed after this line.
    pub resumed_after_line: Option<u64>,
    /// Wall time in seconds.
    pub seconds: f64,
}

impl FileImportReport {
    fn from_import(kind: FileKind, r: ImportReport) -> FileImportReport {
        let skipped = r.skipped.len() as u64;
        let entries: Vec<EntryReport> = r
            .skipped
            .into_iter()
            .map(|s| EntryReport {
                file: None,
                line: s.line,
                key: None,
                outcome: EntryOutcome::Skipped,
                id: None,
                title: None,
                reason: Some(s.reason),
                notices: Vec::new(),
            })
            .collect();
        let mut report = FileImportReport {
            origin: r.origin,
            kind,
            added: r.added,
            merged: r.updated,
            unchanged: r.unchanged,
            skipped,
            entries,
            entries_truncated: false,
            notices: r.notices,
            resumed_after_line: r.resumed_after_line,
            seconds: r.seconds,
        };
        report.truncate_entries();
        report
    }

    fn from_interop(kind: FileKind, r: InteropReport) -> FileImportReport {
        let (mut entries, rest): (Vec<_>, Vec<_>) = r
            .entries
            .into_iter()
            .partition(|e| e.outcome == EntryOutcome::Skipped);
        entries.extend(rest);
        let mut report = FileImportReport {
            origin: r.origin,
            kind,
            added: r.added,
            merged: r.merged,
            unchanged: r.unchanged,
            skipped: r.skipped,
            entries,
            entries_truncated: false,
            notices: Vec::new(),
            resumed_after_line: None,
            seconds: r.seconds,
        };
        report.truncate_entries();
        report
    }

    fn truncate_entries(&mut self) {
        if self.entries.len() > MAX_REPORTED_ENTRIES {
            self.entries.truncate(MAX_REPORTED_ENTRIES);
            self.entries_truncated = true;
        }
    }
}

impl Library {
    /// Imports one file of any supported kind: `kind` when given, else the kind its extension
    /// names, else the kind its first bytes look like. Wrong encodings and binary files are
    /// refused naming the file and line; a file in which nothing could be read is an error that
    /// says what the file was taken for, so the user can pick the right kind. `progress` sees
    /// long (snapshot) imports batch by batch.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read, [`Error::Parse`] for the refusals above, and
    /// whatever the kind's importer reports.
    pub fn import_file(
        &self,
        path: &Path,
        kind: Option<FileKind>,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<FileImportReport> {
        let shown = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        let meta = fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !meta.is_file() {
            return Err(Error::InvalidInput(format!("{shown}: not a file")));
        }
        let kind = match kind.or_else(|| FileKind::from_extension(path)) {
            Some(k) => k,
            None => FileKind::sniff(&read_head(path)?),
        };
        tracing::info!(file = %shown, kind = kind.name(), "importing a file");
        let report = if kind == FileKind::ArxivJsonl {
            let mut head = read_head(path)?;
            head.truncate(8 << 10);
            text_file::check_head(&shown, &head)?;
            FileImportReport::from_import(kind, self.import_arxiv_jsonl(path, progress)?)
        } else {
            if meta.len() > MAX_WHOLE_FILE_BYTES {
                return Err(Error::InvalidInput(format!(
                    "{shown}: {} MB is too large for a {} file (at most {} MB)",
                    meta.len() >> 20,
                    kind.label(),
                    MAX_WHOLE_FILE_BYTES >> 20
                )));
            }
            let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
            let text = text_file::decode(&shown, &bytes)?;
            let started = Instant::now();
            match kind.interop_format() {
                Some(format) => FileImportReport::from_interop(
                    kind,
                    self.import_interop(format, &text, &shown)?,
                ),
                None => {
                    let mut r = self.import_hf_page(&text, &shown)?;
                    r.seconds = started.elapsed().as_secs_f64();
                    FileImportReport::from_import(kind, r)
                }
            }
        };
        if report.added + report.merged + report.unchanged == 0 {
            let first = crate::library::interop::first_skip_note(&report.entries);
            return Err(Error::Parse {
                file: shown,
                line: report.entries.first().map_or(1, |e| e.line),
                reason: format!(
                    "no papers found reading it as {}{first}; is it the right kind of file?",
                    kind.label()
                ),
            });
        }
        Ok(report)
    }
}

fn read_head(path: &Path) -> Result<Vec<u8>> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    fs::File::open(path)
        .and_then(|f| f.take(SNIFF_BYTES as u64).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_name_their_kind() {
        let k = |p: &str| FileKind::from_extension(Path::new(p));
        assert_eq!(k("refs.BIB"), Some(FileKind::Bibtex));
        assert_eq!(k("zotero.ris"), Some(FileKind::Ris));
        assert_eq!(k("export.json"), Some(FileKind::CslJson));
        assert_eq!(k("arxiv-snapshot.jsonl"), Some(FileKind::ArxivJsonl));
        assert_eq!(k("page.txt"), Some(FileKind::HfPage));
        assert_eq!(k("note.md"), Some(FileKind::Markdown));
        assert_eq!(k("noextension"), None);
        assert_eq!(k("archive.tar.gz"), None);
    }

    #[test]
    fn content_tells_the_kind_apart() {
        assert_eq!(
            FileKind::sniff(b"% JabRef\n\n@Article{vaswani2017,\n title={A}}"),
            FileKind::Bibtex
        );
        assert_eq!(
            FileKind::sniff(b"TY  - JOUR\nTI  - A\nER  - \n"),
            FileKind::Ris
        );
        assert_eq!(
            FileKind::sniff(b"  [\n {\"id\": \"a\"}]"),
            FileKind::CslJson
        );
        assert_eq!(
            FileKind::sniff(b"{\"id\":\"2101.00001\",\"title\":\"A\"}\n{\"id\":\"x\"}\n"),
            FileKind::ArxivJsonl
        );
        assert_eq!(FileKind::sniff(b"{\n  \"items\": []\n}"), FileKind::CslJson);
        assert_eq!(FileKind::sniff(b"---\nid: x\n---\n"), FileKind::Markdown);
        assert_eq!(
            FileKind::sniff(b"Papers\nAttention Is All You Need\nPublished on Jun 12"),
            FileKind::HfPage
        );
        // An e-mail address is not an entry start.
        assert_eq!(FileKind::sniff(b"write to @ 1\n"), FileKind::HfPage);
    }

    #[test]
    fn names_round_trip() {
        for k in FileKind::ALL {
            assert_eq!(FileKind::from_name(k.name()), Some(k));
            assert!(!k.extensions().is_empty());
        }
    }
}
