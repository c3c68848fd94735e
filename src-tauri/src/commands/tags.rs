//! Tagging.

use papershelf_core::{Paper, PaperId, TagCount};
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

/// Adds tags to a paper; returns the paper updated.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn add_tags(
    state: State<'_, AppState>,
    id: PaperId,
    tags: Vec<String>,
) -> Result<Paper, IpcError> {
    crate::limits::id(&id)?;
    crate::limits::tags(&tags)?;
    blocking(&state, move |lib| lib.add_tags(&id, &tags)).await
}

/// Removes tags from a paper; returns the paper updated.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn remove_tags(
    state: State<'_, AppState>,
    id: PaperId,
    tags: Vec<String>,
) -> Result<Paper, IpcError> {
    crate::limits::id(&id)?;
    crate::limits::tags(&tags)?;
    blocking(&state, move |lib| lib.remove_tags(&id, &tags)).await
}

/// Every tag with its paper count, most used first.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_tags(state: State<'_, AppState>) -> Result<Vec<TagCount>, IpcError> {
    blocking(&state, |lib| lib.tags()).await
}
