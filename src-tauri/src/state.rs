//! The state every command shares.
//!
//! The library opens on a thread of its own while the window and the page load (opening a large
//! library and starting a webview take about as long as each other, and the page cannot load
//! while the main thread is busy). Commands wait for it through [`AppState::ready`]; the first
//! ones usually find it open already.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use papershelf_core::sources::config::SourceConfig;
use papershelf_core::sources::http::{HttpClient, HttpOptions};
use papershelf_core::sync::CancelToken;
use papershelf_core::{Library, MirrorWorker};

use crate::error::IpcError;

/// Managed by Tauri from `setup` on; commands get it as `State<'_, AppState>`.
pub struct AppState {
    opening: Arc<Opening>,
    /// The running sync's cancel token; `None` when no sync runs.
    pub sync: Mutex<Option<CancelToken>>,
}

/// The open library and what is built with it.
pub struct Opened {
    /// The open library. `Library` is internally synchronised, so an `Arc` is enough.
    pub library: Arc<Library>,
    /// The one HTTP client for the sources (it paces requests per host, so it is shared).
    pub http: Arc<HttpClient>,
    /// Keeps the open mirror in step a short quiet time after each change (when enabled).
    pub mirror: MirrorWorker,
}

/// The outcome of opening, once known (an error is kept and given to every command).
#[derive(Default)]
struct Opening {
    outcome: Mutex<Option<Result<Arc<Opened>, IpcError>>>,
    done: Condvar,
}

impl Opening {
    fn finish(&self, outcome: Result<Arc<Opened>, IpcError>) {
        *self.outcome.lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
        self.done.notify_all();
    }

    fn wait(&self) -> Result<Arc<Opened>, IpcError> {
        let guard = self.outcome.lock().unwrap_or_else(|e| e.into_inner());
        let guard = self
            .done
            .wait_while(guard, |o| o.is_none())
            .unwrap_or_else(|e| e.into_inner());
        guard
            .clone()
            .expect("wait_while returned without an outcome")
    }

    fn get(&self) -> Option<Result<Arc<Opened>, IpcError>> {
        self.outcome
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// How long the library must be quiet before the mirror is rewritten.
const MIRROR_DEBOUNCE: Duration = Duration::from_secs(2);

impl AppState {
    /// Starts opening the library in `dir` on a thread of its own and returns at once.
    pub fn opening(dir: PathBuf) -> AppState {
        let opening = Arc::new(Opening::default());
        let done = opening.clone();
        let spawned = std::thread::Builder::new()
            .name("open-library".into())
            .spawn(move || {
                let outcome = Opened::open(&dir).map(Arc::new).map_err(|err| {
                    tracing::error!(error = %err, dir = %dir.display(), "the library could not be opened");
                    IpcError::from(err)
                });
                done.finish(outcome);
            });
        if let Err(err) = spawned {
            opening.finish(Err(IpcError::internal(format!(
                "could not start opening the library: {err}"
            ))));
        }
        AppState {
            opening,
            sync: Mutex::new(None),
        }
    }

    /// The open library, waiting (off the async runtime) while it is still opening.
    ///
    /// # Errors
    /// The error the library failed to open with, for every command.
    pub async fn ready(&self) -> Result<Arc<Opened>, IpcError> {
        if let Some(outcome) = self.opening.get() {
            return outcome;
        }
        let opening = self.opening.clone();
        tauri::async_runtime::spawn_blocking(move || opening.wait())
            .await
            .map_err(IpcError::internal)?
    }
}

impl Opened {
    /// Opens the library in `dir` (creating it when missing) and, on its very first open, loads
    /// the demo papers so a new user sees something to search. Builds the sources' HTTP client
    /// from the library's configuration; an unusable configuration is logged and the default
    /// sources are used, so the app still starts.
    ///
    /// # Errors
    /// When the library cannot be opened or migrated, seeding fails, or the HTTP client cannot
    /// be built.
    pub fn open(dir: &Path) -> papershelf_core::Result<Opened> {
        let started = Instant::now();
        let library = Library::open(dir)?;
        let opened_ms = started.elapsed().as_millis();
        if let Some(reports) = library.seed_demo_if_new()? {
            let added: u64 = reports.iter().map(|r| r.added).sum();
            tracing::info!(added, "seeded the demo library");
        }
        let seeded_ms = started.elapsed().as_millis();
        let config = SourceConfig::load(library.dir()).unwrap_or_else(|err| {
            tracing::warn!(error = %err, "ignoring the source configuration; using the defaults");
            SourceConfig::default()
        });
        let http = HttpClient::new(config, HttpOptions::default())?;
        let http_ms = started.elapsed().as_millis();
        let library = Arc::new(library);
        let mirror = library.start_mirror_worker(MIRROR_DEBOUNCE);
        tracing::debug!(
            library_ms = opened_ms,
            demo_check_ms = seeded_ms - opened_ms,
            http_client_ms = http_ms - seeded_ms,
            mirror_worker_ms = started.elapsed().as_millis() - http_ms,
            "library ready"
        );
        Ok(Opened {
            library,
            mirror,
            http: Arc::new(http),
        })
    }
}
