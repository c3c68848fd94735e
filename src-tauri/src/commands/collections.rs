//! Collections: named groups of papers (a reading group, a thesis chapter), nested in a tree.
//! Every command names a collection by its path (`Thesis/Chapter 2`; a top-level collection by
//! its name).

use papershelf_core::{Collection, CollectionChange, CollectionDeletion, PaperId};
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

/// Every collection with its paper count, in tree order: parents before their children,
/// siblings by name.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_collections(state: State<'_, AppState>) -> Result<Vec<Collection>, IpcError> {
    blocking(&state, |lib| lib.collections()).await
}

/// Creates an empty collection at a path, and its missing parents.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn create_collection(
    state: State<'_, AppState>,
    path: String,
) -> Result<Collection, IpcError> {
    crate::limits::collection_path(&path)?;
    blocking(&state, move |lib| lib.create_collection(&path)).await
}

/// Puts papers in the collection at a path, creating it (and its parents) when there is none.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state, ids), fields(papers = ids.len()), err(Debug))]
pub async fn add_to_collection(
    state: State<'_, AppState>,
    path: String,
    ids: Vec<PaperId>,
) -> Result<CollectionChange, IpcError> {
    crate::limits::collection_path(&path)?;
    crate::limits::ids(&ids)?;
    blocking(&state, move |lib| lib.add_to_collection(&path, &ids)).await
}

/// Takes papers out of the collection at a path (they stay in the library).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state, ids), fields(papers = ids.len()), err(Debug))]
pub async fn remove_from_collection(
    state: State<'_, AppState>,
    path: String,
    ids: Vec<PaperId>,
) -> Result<CollectionChange, IpcError> {
    crate::limits::collection_path(&path)?;
    crate::limits::ids(&ids)?;
    blocking(&state, move |lib| lib.remove_from_collection(&path, &ids)).await
}

/// Renames a collection, or moves it with its subtree: `new_path` is its whole new path (the
/// same parent renames it, another parent moves it). Its papers stay in it.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn rename_collection(
    state: State<'_, AppState>,
    path: String,
    new_path: String,
) -> Result<Collection, IpcError> {
    crate::limits::collection_path(&path)?;
    crate::limits::collection_path(&new_path)?;
    blocking(&state, move |lib| lib.rename_collection(&path, &new_path)).await
}

/// Deletes a collection and every collection under it (the papers stay in the library);
/// says how many collections went and how many papers they held.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn delete_collection(
    state: State<'_, AppState>,
    path: String,
) -> Result<CollectionDeletion, IpcError> {
    crate::limits::collection_path(&path)?;
    blocking(&state, move |lib| lib.delete_collection(&path)).await
}
