//! The state every command shares.
//!
//! The library opens on a thread of its own while the window and the page load (opening a large
//! library and starting a webview take about as long as each other, and the page cannot load
//! while the main thread is busy). Commands wait for it through [`AppState::ready`]; the first
//! ones usually find it open already.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use papershelf_core::sources::config::SourceConfig;
use papershelf_core::sources::http::{HttpClient, HttpOptions};
use papershelf_core::sync::CancelToken;
use papershelf_core::{ErrorCode, Library, MirrorWorker, RestoreReport};

use crate::error::IpcError;

/// Managed by Tauri from `setup` on; commands get it as `State<'_, AppState>`.
pub struct AppState {
    /// The library directory (backups are listed and restored here even when it cannot open).
    dir: PathBuf,
    opening: Arc<Opening>,
    /// Set while a backup is being restored (one at a time).
    restoring: AtomicBool,
    /// The running sync's cancel token; `None` when no sync runs.
    pub sync: Mutex<Option<CancelToken>>,
    /// The running PDF download's cancel token; `None` when none runs.
    pub pdf_fetch: Mutex<Option<CancelToken>>,
    /// The running Zotero import's stop flag, if one runs.
    pub zotero_import: Mutex<Option<Arc<std::sync::atomic::AtomicBool>>>,
    /// PDFs dropped on the window, held until one is attached.
    pub drops: crate::drops::Drops,
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

    /// Forgets the outcome, so commands wait for the next open.
    fn reset(&self) {
        *self.outcome.lock().unwrap_or_else(|e| e.into_inner()) = None;
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
        let state = AppState {
            dir,
            opening: Arc::new(Opening::default()),
            restoring: AtomicBool::new(false),
            sync: Mutex::new(None),
            pdf_fetch: Mutex::new(None),
            zotero_import: Mutex::new(None),
            drops: crate::drops::Drops::default(),
        };
        state.start_opening();
        state
    }

    fn start_opening(&self) {
        let done = self.opening.clone();
        let dir = self.dir.clone();
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
            self.opening.finish(Err(IpcError::internal(format!(
                "could not start opening the library: {err}"
            ))));
        }
    }

    /// The library directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Replaces a library that could not be opened because its database is damaged by one of
    /// its backups (`name` as listed), then opens it again. Refused while the library is open
    /// or still opening: nothing may hold the file being replaced.
    ///
    /// # Errors
    /// `invalid-input` when the library is not in the damaged state; the core's error when the
    /// backup is unknown, fails its own integrity check, or cannot be copied; then whatever the
    /// new open fails with.
    pub async fn restore_damaged(&self, name: String) -> Result<RestoreReport, IpcError> {
        if self.restoring.swap(true, Ordering::AcqRel) {
            return Err(IpcError::invalid("a backup is already being restored"));
        }
        // Checked while holding the flag, so a second click cannot restore over the library
        // the first one is reopening.
        let refusal = match self.opening.get() {
            Some(Err(e)) if e.code == ErrorCode::Corrupt => None,
            Some(_) => Some(
                "the library is open and not damaged: restore a backup from the command line \
                 (papershelf restore) with the app closed",
            ),
            None => Some("the library is still opening"),
        };
        if let Some(why) = refusal {
            self.restoring.store(false, Ordering::Release);
            return Err(IpcError::invalid(why));
        }
        let dir = self.dir.clone();
        let restored = tauri::async_runtime::spawn_blocking(move || {
            Library::restore_backup(&dir, Some(&name))
        })
        .await
        .map_err(IpcError::internal)
        .and_then(|r| r.map_err(IpcError::from));
        if restored.is_ok() {
            self.opening.reset();
            self.start_opening();
        }
        self.restoring.store(false, Ordering::Release);
        let report = restored?;
        self.ready().await?;
        Ok(report)
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

#[cfg(test)]
mod tests {
    use std::fs::OpenOptions;
    use std::io::{Seek, SeekFrom, Write};

    use super::*;

    /// A library of the demo papers with one backup, whose database header is then overwritten.
    fn damaged_library_with_a_backup(dir: &Path) -> (String, u64) {
        let opened = Opened::open(dir).unwrap();
        let papers = opened.library.stats().unwrap().papers;
        let backup = opened.library.backup().unwrap().name;
        drop(opened);
        for side in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.join(format!("library.sqlite{side}")));
        }
        let mut db = OpenOptions::new()
            .write(true)
            .open(dir.join("library.sqlite"))
            .unwrap();
        db.seek(SeekFrom::Start(0)).unwrap();
        db.write_all(&[0x5a; 100]).unwrap();
        (backup, papers)
    }

    #[test]
    fn a_damaged_library_is_restored_from_a_backup_and_opened_again() {
        let tmp = tempfile::tempdir().unwrap();
        let (backup, papers) = damaged_library_with_a_backup(tmp.path());
        assert!(papers > 0);
        let state = AppState::opening(tmp.path().to_path_buf());
        tauri::async_runtime::block_on(async {
            let err = state
                .ready()
                .await
                .err()
                .expect("a damaged library does not open");
            assert_eq!(err.code, ErrorCode::Corrupt, "{err}");
            assert!(err.message.contains(&backup), "{err}");

            // A name no backup has is not found (the core's `BackupNotFound`).
            let unknown = state.restore_damaged("library-nope.sqlite".into()).await;
            assert_eq!(unknown.unwrap_err().code, ErrorCode::NotFound);

            let report = state.restore_damaged(backup.clone()).await.unwrap();
            assert_eq!(
                (report.restored.name.as_str(), report.papers),
                (backup.as_str(), papers)
            );
            let opened = state.ready().await.unwrap();
            assert_eq!(opened.library.stats().unwrap().papers, papers);

            // Open and healthy: nothing may be swapped under it.
            let again = state.restore_damaged(backup.clone()).await.unwrap_err();
            assert_eq!(again.code, ErrorCode::InvalidInput, "{again}");
        });
        let kept = std::fs::read_dir(tmp.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with("library.sqlite.before-restore-") && !name.ends_with("-wal")
            })
            .count();
        assert_eq!(kept, 1, "the damaged file is kept");
    }
}
