//! The list (search, paging, order, facets) and saved searches.

use papershelf_core::{BrowseRequest, BrowseResults, BrowseSort, SavedSearch};
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

/// One page of the list: the papers `request` selects (query, sidebar scope), in its order,
/// with facet counts over all of them when asked.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn browse(
    state: State<'_, AppState>,
    request: BrowseRequest,
) -> Result<BrowseResults, IpcError> {
    crate::limits::query(&request.query)?;
    if let Some(tag) = &request.tag {
        crate::limits::tags(std::slice::from_ref(tag))?;
    }
    if let Some(collection) = &request.collection {
        crate::limits::collection_path(collection)?;
    }
    let request = BrowseRequest {
        limit: crate::limits::page(Some(request.limit)).unwrap_or(request.limit),
        ..request
    };
    blocking(&state, move |lib| lib.browse(&request)).await
}

/// Every saved search, by name.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn saved_searches(state: State<'_, AppState>) -> Result<Vec<SavedSearch>, IpcError> {
    blocking(&state, |lib| lib.saved_searches()).await
}

/// Keeps `query` (and its order) under `name`; the same name replaces the older one.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn save_search(
    state: State<'_, AppState>,
    name: String,
    query: String,
    sort: Option<BrowseSort>,
) -> Result<SavedSearch, IpcError> {
    crate::limits::query(&query)?;
    crate::limits::text_id(&name)?;
    blocking(&state, move |lib| lib.save_search(&name, &query, sort)).await
}

/// Forgets a saved search.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn delete_saved_search(state: State<'_, AppState>, id: i64) -> Result<(), IpcError> {
    blocking(&state, move |lib| lib.delete_saved_search(id)).await
}
