//! The state every command shares.

use std::sync::Arc;

use papershelf_core::Library;

/// Built once in `setup` and managed by Tauri; commands get it as `State<'_, AppState>`.
pub struct AppState {
    /// The open library. `Library` is internally synchronised, so an `Arc` is enough.
    pub library: Arc<Library>,
}

impl AppState {
    /// Opens the library in `dir` (creating it when missing) and, on its very first open, loads
    /// the demo papers so a new user sees something to search.
    ///
    /// # Errors
    /// When the library cannot be opened or migrated, or seeding fails.
    pub fn open(dir: &std::path::Path) -> papershelf_core::Result<AppState> {
        let library = Library::open(dir)?;
        if let Some(reports) = library.seed_demo_if_new()? {
            let added: u64 = reports.iter().map(|r| r.added).sum();
            tracing::info!(added, "seeded the demo library");
        }
        Ok(AppState {
            library: Arc::new(library),
        })
    }
}
