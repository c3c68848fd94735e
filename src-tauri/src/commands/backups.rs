//! The library's backups, offered when its database turns out damaged.

use papershelf_core::{backup, BackupInfo, Library, RestoreReport};
use serde::Serialize;
use tauri::State;

use crate::error::IpcError;
use crate::state::AppState;

/// The backups of the library and the one to offer.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Backups {
    /// Every backup, newest first.
    pub backups: Vec<BackupInfo>,
    /// The newest backup that passes its own integrity check (`None` when none does).
    pub newest_good: Option<String>,
}

/// Lists the backups without opening the library (it may be the thing that is damaged).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn library_backups(state: State<'_, AppState>) -> Result<Backups, IpcError> {
    let dir = state.dir().to_path_buf();
    tauri::async_runtime::spawn_blocking(move || {
        Ok(Backups {
            backups: Library::backups_in(&dir)?,
            newest_good: backup::newest_good(&dir).map(|b| b.name),
        })
    })
    .await
    .map_err(IpcError::internal)?
}

/// Restores backup `name` in place of a damaged library and opens it (see
/// [`AppState::restore_damaged`]).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn restore_backup(
    state: State<'_, AppState>,
    name: String,
) -> Result<RestoreReport, IpcError> {
    state.restore_damaged(name).await
}
