//! Shared helpers: a library in a temporary directory, fixture paths and small queries.

use std::path::{Path, PathBuf};
use std::time::Duration;

use papershelf_core::import::hf_page;
use papershelf_core::sources::config::{Source, SourceConfig};
use papershelf_core::sources::http::{HttpClient, HttpOptions};
use papershelf_core::{Library, ListFilter, NewPaper, PaperSummary, SearchOptions, SearchResults};
use papershelf_testkit::FixtureApi;

/// The Hugging Face search page about encodings (35 papers).
pub const ENCODING_PAGE: &str = "hf-search-encoding.txt";
/// The Hugging Face search page about representations (199 papers).
pub const REPRESENTATIONS_PAGE: &str = "hf-search-representations.txt";
/// A crafted search page mixing author-count and organisation card trailers (16 papers).
pub const ORGANISATIONS_PAGE: &str = "crafted/hf-search-organisations.txt";
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

/// An HTTP client that sends every source to `origin` (a local test server), with no
/// spacing between requests and short backoffs; `tweak` adjusts the options further.
pub fn http_client(origin: &str, tweak: impl FnOnce(&mut HttpOptions)) -> HttpClient {
    let mut config = SourceConfig::default();
    for s in Source::ALL {
        config
            .set_origin(s, origin)
            .expect("a local origin is valid");
    }
    let mut options = HttpOptions {
        base_backoff: Duration::from_millis(10),
        spacing: [Duration::ZERO; Source::COUNT],
        max_attempts: 2,
        ..HttpOptions::default()
    };
    tweak(&mut options);
    HttpClient::new(config, options).expect("client")
}

/// [`http_client`] for a recorded fixture API, with the default test options.
pub fn client(api: &FixtureApi) -> HttpClient {
    http_client(api.origin(), |_| {})
}

/// The schema migrations shipped in `src/db/migrations/`, as (number, SQL) in order; checks
/// they are numbered 1, 2, 3… without gaps, as the migration runner expects.
pub fn schema_migrations() -> Vec<(u32, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/db/migrations");
    let mut migrations: Vec<(u32, String)> = std::fs::read_dir(dir)
        .expect("migrations directory")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let number = name[..4].parse().expect("migrations are named NNNN_*.sql");
            (
                number,
                std::fs::read_to_string(&p).expect("readable migration"),
            )
        })
        .collect();
    migrations.sort_unstable_by_key(|m| m.0);
    assert_eq!(
        migrations.iter().map(|m| m.0).collect::<Vec<_>>(),
        (1..=migrations.len() as u32).collect::<Vec<_>>(),
        "migration numbers have a gap"
    );
    migrations
}

/// The newest schema version: one migration file per version, numbered from 1.
pub fn latest_version() -> u32 {
    schema_migrations().len() as u32
}

/// Writes the database of a library directory as a build whose newest schema was `version`
/// left it: migrations 1..=`version` applied in order, `user_version` set, and one paper
/// (`Pointer Networks`, id `1506.03134`) stored with the first schema's columns.
pub fn write_library_at_version(dir: &Path, version: u32) {
    let conn = rusqlite::Connection::open(dir.join("library.sqlite")).expect("create database");
    for (number, sql) in schema_migrations().iter().filter(|m| m.0 <= version) {
        conn.execute_batch(sql).expect("migration applies");
        conn.pragma_update(None, "user_version", number)
            .expect("set user_version");
    }
    conn.execute(
        "INSERT INTO works (id, arxiv_id, title, title_key, abstract, authors, published, year,
            status, added_at, modified_at)
         VALUES ('1506.03134', '1506.03134', 'Pointer Networks', 'pointer networks',
            'We introduce a new neural architecture to learn the conditional probability.',
            '[\"Oriol Vinyals\",\"Meire Fortunato\",\"Navdeep Jaitly\"]', '2015-06-09', 2015,
            'reading', '2024-01-02T03:04:05Z', '2024-01-02T03:04:05Z')",
        [],
    )
    .expect("insert a paper");
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
