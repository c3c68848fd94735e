//! Notes.

use papershelf_core::{Note, Paper, PaperId};
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

/// Saves a paper's Markdown note (empty text deletes it); returns the paper updated.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state, body), fields(bytes = body.len()), err(Debug))]
pub async fn set_note(
    state: State<'_, AppState>,
    id: PaperId,
    body: String,
) -> Result<Paper, IpcError> {
    crate::limits::id(&id)?;
    crate::limits::note(&body)?;
    blocking(&state, move |lib| lib.set_note(&id, &body)).await
}

/// Saves a note as the user types (the editor calls this within a second of a change and on
/// blur): the history keeps one version per few minutes of editing, not one per keystroke.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state, body), fields(bytes = body.len()), err(Debug))]
pub async fn autosave_note(
    state: State<'_, AppState>,
    id: PaperId,
    body: String,
) -> Result<Paper, IpcError> {
    crate::limits::id(&id)?;
    crate::limits::note(&body)?;
    blocking(&state, move |lib| lib.autosave_note(&id, &body)).await
}

/// Earlier versions of a paper's note, newest first.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn note_history(state: State<'_, AppState>, id: PaperId) -> Result<Vec<Note>, IpcError> {
    crate::limits::id(&id)?;
    blocking(&state, move |lib| lib.note_history(&id)).await
}
