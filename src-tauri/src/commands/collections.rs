//! Collections: named groups of papers (a reading group, a thesis chapter).

use papershelf_core::{Collection, CollectionChange, PaperId};
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

/// Every collection with its paper count, by name.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_collections(state: State<'_, AppState>) -> Result<Vec<Collection>, IpcError> {
    blocking(&state, |lib| lib.collections()).await
}

/// Creates an empty collection.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn create_collection(
    state: State<'_, AppState>,
    name: String,
) -> Result<Collection, IpcError> {
    crate::limits::collection_name(&name)?;
    blocking(&state, move |lib| lib.create_collection(&name)).await
}

/// Puts papers in a collection, creating it when no collection has the name.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state, ids), fields(papers = ids.len()), err(Debug))]
pub async fn add_to_collection(
    state: State<'_, AppState>,
    name: String,
    ids: Vec<PaperId>,
) -> Result<CollectionChange, IpcError> {
    crate::limits::collection_name(&name)?;
    crate::limits::ids(&ids)?;
    blocking(&state, move |lib| lib.add_to_collection(&name, &ids)).await
}

/// Takes papers out of a collection (they stay in the library).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state, ids), fields(papers = ids.len()), err(Debug))]
pub async fn remove_from_collection(
    state: State<'_, AppState>,
    name: String,
    ids: Vec<PaperId>,
) -> Result<CollectionChange, IpcError> {
    crate::limits::collection_name(&name)?;
    crate::limits::ids(&ids)?;
    blocking(&state, move |lib| lib.remove_from_collection(&name, &ids)).await
}

/// Renames a collection; its papers stay in it.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn rename_collection(
    state: State<'_, AppState>,
    name: String,
    new_name: String,
) -> Result<Collection, IpcError> {
    crate::limits::collection_name(&name)?;
    crate::limits::collection_name(&new_name)?;
    blocking(&state, move |lib| lib.rename_collection(&name, &new_name)).await
}

/// Deletes a collection (its papers stay in the library); returns how many it held.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn delete_collection(state: State<'_, AppState>, name: String) -> Result<u64, IpcError> {
    crate::limits::collection_name(&name)?;
    blocking(&state, move |lib| {
        lib.delete_collection(&name).map(|d| d.papers)
    })
    .await
}
