//! Notes.

use papershelf_core::{Paper, PaperId};
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

/// Saves a paper's Markdown note (empty text deletes it); returns the paper updated.
#[tauri::command]
#[tracing::instrument(skip(state, body), fields(bytes = body.len()), err(Debug))]
pub async fn set_note(
    state: State<'_, AppState>,
    id: PaperId,
    body: String,
) -> Result<Paper, IpcError> {
    blocking(&state, move |lib| lib.set_note(&id, &body)).await
}
