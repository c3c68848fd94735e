//! The state every command shares.

use std::sync::{Arc, Mutex};

use papershelf_core::sources::config::SourceConfig;
use papershelf_core::sources::http::{HttpClient, HttpOptions};
use papershelf_core::sync::CancelToken;
use papershelf_core::{Library, MirrorWorker};

/// Built once in `setup` and managed by Tauri; commands get it as `State<'_, AppState>`.
pub struct AppState {
    /// The open library. `Library` is internally synchronised, so an `Arc` is enough.
    pub library: Arc<Library>,
    /// The one HTTP client for the sources (it paces requests per host, so it is shared).
    pub http: Arc<HttpClient>,
    /// The running sync's cancel token; `None` when no sync runs.
    pub sync: Mutex<Option<CancelToken>>,
    /// Keeps the open mirror in step a short quiet time after each change (when enabled).
    pub mirror: MirrorWorker,
}

/// How long the library must be quiet before the mirror is rewritten.
const MIRROR_DEBOUNCE: std::time::Duration = std::time::Duration::from_secs(2);

impl AppState {
    /// Opens the library in `dir` (creating it when missing) and, on its very first open, loads
    /// the demo papers so a new user sees something to search. Builds the sources' HTTP client
    /// from the library's configuration; an unusable configuration is logged and the default
    /// sources are used, so the app still starts.
    ///
    /// # Errors
    /// When the library cannot be opened or migrated, seeding fails, or the HTTP client cannot
    /// be built.
    pub fn open(dir: &std::path::Path) -> papershelf_core::Result<AppState> {
        let library = Library::open(dir)?;
        if let Some(reports) = library.seed_demo_if_new()? {
            let added: u64 = reports.iter().map(|r| r.added).sum();
            tracing::info!(added, "seeded the demo library");
        }
        let config = SourceConfig::load(library.dir()).unwrap_or_else(|err| {
            tracing::warn!(error = %err, "ignoring the source configuration; using the defaults");
            SourceConfig::default()
        });
        let http = HttpClient::new(config, HttpOptions::default())?;
        let library = Arc::new(library);
        let mirror = library.start_mirror_worker(MIRROR_DEBOUNCE);
        Ok(AppState {
            library,
            mirror,
            http: Arc::new(http),
            sync: Mutex::new(None),
        })
    }
}
