//! Library-wide counts.

use papershelf_core::Stats;
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

/// Counts for the sidebar: papers per status, tags, notes.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn stats(state: State<'_, AppState>) -> Result<Stats, IpcError> {
    blocking(&state, |lib| lib.stats()).await
}
