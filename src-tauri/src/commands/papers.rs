//! Reading and triaging papers.

use papershelf_core::{ListFilter, Paper, PaperId, PaperSummary, Status};
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

/// One paper with everything the detail pane shows.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn get_paper(state: State<'_, AppState>, id: PaperId) -> Result<Paper, IpcError> {
    blocking(&state, move |lib| lib.paper(&id)).await
}

/// Papers filtered by status and tag, newest first.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_papers(
    state: State<'_, AppState>,
    status: Option<Status>,
    tag: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
) -> Result<Vec<PaperSummary>, IpcError> {
    let filter = ListFilter {
        status,
        tag,
        limit,
        offset: offset.unwrap_or(0),
    };
    blocking(&state, move |lib| lib.list(&filter)).await
}

/// Sets a paper's reading status; returns the paper updated.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn set_status(
    state: State<'_, AppState>,
    id: PaperId,
    status: Status,
) -> Result<Paper, IpcError> {
    blocking(&state, move |lib| lib.set_status(&id, status)).await
}
