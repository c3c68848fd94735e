//! Shared helpers: a library in a temporary directory, fixture paths and small queries.

use std::path::{Path, PathBuf};

use papershelf_core::import::hf_page;
use papershelf_core::{Library, ListFilter, NewPaper, PaperSummary, SearchOptions, SearchResults};

/// The Hugging Face search page about encodings (35 papers).
pub const ENCODING_PAGE: &str = "hf-search-encoding.txt";
/// The Hugging Face search page about representations (199 papers).
pub const REPRESENTATIONS_PAGE: &str = "hf-search-representations.txt";
/// 50 arXiv snapshot lines, all valid, with authors.
pub const SNAPSHOT_SAMPLE: &str = "snapshot-sample.jsonl";
/// 14 arXiv snapshot lines, several malformed.
pub const SNAPSHOT_BROKEN: &str = "snapshot-broken.jsonl";

/// A fixture file under `crates/core/tests/fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

/// A saved Hugging Face page.
pub fn hf_page_path(name: &str) -> PathBuf {
    fixture(&format!("hf-pages/{name}"))
}

/// The text of a saved Hugging Face page.
pub fn hf_page_text(name: &str) -> String {
    std::fs::read_to_string(hf_page_path(name)).expect("fixture page is readable")
}

/// The papers a saved Hugging Face page parses to.
pub fn hf_page_papers(name: &str) -> Vec<NewPaper> {
    hf_page::parse(&hf_page_text(name)).papers
}

/// An arXiv snapshot fixture.
pub fn snapshot_path(name: &str) -> PathBuf {
    fixture(&format!("api/{name}"))
}

/// A library in its own temporary directory, removed when dropped.
pub struct TempLibrary {
    // Declared first so the library closes before its directory is deleted.
    lib: Option<Library>,
    dir: tempfile::TempDir,
}

impl TempLibrary {
    /// A new, empty library.
    pub fn new() -> TempLibrary {
        let dir = tempfile::tempdir().expect("temp dir");
        let lib = Library::open(dir.path()).expect("open a new library");
        TempLibrary {
            lib: Some(lib),
            dir,
        }
    }

    /// A library holding both Hugging Face pages (226 works).
    pub fn with_both_pages() -> TempLibrary {
        let t = TempLibrary::new();
        t.import_page(ENCODING_PAGE);
        t.import_page(REPRESENTATIONS_PAGE);
        t
    }

    /// The library directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The open library.
    pub fn lib(&self) -> &Library {
        self.lib.as_ref().expect("library is open")
    }

    /// Closes the library (so its files can be tampered with); [`reopen`](Self::reopen) after.
    pub fn close(&mut self) {
        self.lib = None;
    }

    /// Closes and opens the library again, as a new process would.
    pub fn reopen(&mut self) {
        self.lib = None;
        self.lib = Some(Library::open(self.dir.path()).expect("reopen the library"));
    }

    /// Imports a saved Hugging Face page under its file name.
    pub fn import_page(&self, name: &str) -> papershelf_core::ImportReport {
        self.lib()
            .import_hf_page(&hf_page_text(name), name)
            .expect("import page")
    }

    /// Imports an arXiv snapshot fixture.
    pub fn import_snapshot(&self, name: &str) -> papershelf_core::ImportReport {
        self.lib()
            .import_arxiv_jsonl(&snapshot_path(name), &mut |_| {})
            .expect("import snapshot")
    }

    /// Every paper, newest first.
    pub fn all(&self) -> Vec<PaperSummary> {
        self.lib()
            .list(&ListFilter {
                limit: Some(100_000),
                ..Default::default()
            })
            .expect("list")
    }

    /// Up to 1000 results for `query`.
    pub fn search(&self, query: &str) -> SearchResults {
        self.lib()
            .search(
                query,
                &SearchOptions {
                    limit: 1000,
                    offset: 0,
                },
            )
            .unwrap_or_else(|e| panic!("search {query:?}: {e}"))
    }

    /// Titles of the results for `query`, best first.
    pub fn titles(&self, query: &str) -> Vec<String> {
        self.search(query)
            .hits
            .into_iter()
            .map(|h| h.paper.title)
            .collect()
    }

    /// The one paper whose title is exactly `title`.
    pub fn by_title(&self, title: &str) -> PaperSummary {
        let mut found: Vec<PaperSummary> = self
            .all()
            .into_iter()
            .filter(|p| p.title == title)
            .collect();
        assert_eq!(found.len(), 1, "expected one paper titled {title:?}");
        found.pop().expect("one")
    }
}
