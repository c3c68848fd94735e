//! Full-text search.

use papershelf_core::{SearchOptions, SearchResults};
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

/// Searches the library; `limit` defaults to 20 and `offset` to 0.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn search(
    state: State<'_, AppState>,
    query: String,
    limit: Option<usize>,
    offset: Option<usize>,
) -> Result<SearchResults, IpcError> {
    crate::limits::query(&query)?;
    let defaults = SearchOptions::default();
    let opts = SearchOptions {
        limit: crate::limits::page(limit).unwrap_or(defaults.limit),
        offset: offset.unwrap_or(defaults.offset),
    };
    blocking(&state, move |lib| lib.search(&query, &opts)).await
}
