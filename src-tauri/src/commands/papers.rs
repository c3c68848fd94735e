//! Reading and triaging papers.

use papershelf_core::{Paper, PaperId, Status};
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

/// One paper with everything the detail pane shows.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn get_paper(state: State<'_, AppState>, id: PaperId) -> Result<Paper, IpcError> {
    crate::limits::id(&id)?;
    blocking(&state, move |lib| lib.paper(&id)).await
}

/// Sets a paper's reading status; returns the paper updated.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn set_status(
    state: State<'_, AppState>,
    id: PaperId,
    status: Status,
) -> Result<Paper, IpcError> {
    crate::limits::id(&id)?;
    blocking(&state, move |lib| lib.set_status(&id, status)).await
}

/// Sets the status of several papers at once (a multi-selection, or an undo); all or nothing.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn set_status_many(
    state: State<'_, AppState>,
    ids: Vec<PaperId>,
    status: Status,
) -> Result<Vec<Paper>, IpcError> {
    crate::limits::ids(&ids)?;
    blocking(&state, move |lib| lib.set_status_many(&ids, status)).await
}
