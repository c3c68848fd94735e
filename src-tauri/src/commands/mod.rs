//! IPC commands, one module per area. Each is a one-line wrapper around a `Library` method run
//! on a blocking thread through [`blocking`] (or, for `add_paper`, a core fetch awaited on the
//! async runtime first): no SQL, index or network code lives here.

pub mod annotations;
pub mod backups;
pub mod collections;
pub mod files;
pub mod notes;
pub mod papers;
pub mod reader;
pub mod search;
pub mod sources;
pub mod stats;
pub mod sync;
pub mod tags;
pub mod zotero;

use papershelf_core::Library;

use crate::error::IpcError;
use crate::state::AppState;

/// Runs a synchronous library call off the async runtime (once the library is open). SQLite and
/// tantivy block; on an async worker they would stall every other IPC call.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Library) -> papershelf_core::Result<T> + Send + 'static,
) -> Result<T, IpcError> {
    let library = state.ready().await?.library.clone();
    tauri::async_runtime::spawn_blocking(move || f(&library))
        .await
        .map_err(IpcError::internal)?
        .map_err(Into::into)
}
