//! Subscriptions and "Sync now": the core's sync engine, with its progress events streamed to
//! the window over a channel and a cancel the window can send.

use papershelf_core::sync::{CancelToken, SyncEvent, SyncOptions, SyncReport};
use papershelf_core::{Subscription, SubscriptionKind};
use tauri::ipc::Channel;
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

/// Every subscription, oldest first.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_subscriptions(state: State<'_, AppState>) -> Result<Vec<Subscription>, IpcError> {
    blocking(&state, |lib| lib.subscriptions()).await
}

/// Follows a feed (`hf-daily`, `hf-search`, `arxiv-category`, `arxiv-query`); an identical one
/// is returned as it is.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn subscribe(
    state: State<'_, AppState>,
    kind: String,
    query: String,
) -> Result<Subscription, IpcError> {
    let kind: SubscriptionKind = kind.parse().map_err(IpcError::invalid)?;
    crate::limits::query(&query)?;
    blocking(&state, move |lib| lib.subscribe(kind, &query)).await
}

/// Stops following a feed (its papers stay).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn unsubscribe(state: State<'_, AppState>, id: i64) -> Result<(), IpcError> {
    blocking(&state, move |lib| lib.unsubscribe(id)).await
}

/// Runs every subscription, then Semantic Scholar enrichment; each progress event goes to
/// `on_event` as it happens. One sync at a time; `cancel_sync` stops it after the current page,
/// and the report says so (everything fetched before is kept).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state, on_event), err(Debug))]
pub async fn sync_now(
    state: State<'_, AppState>,
    on_event: Channel<SyncEvent>,
) -> Result<SyncReport, IpcError> {
    let opened = state.ready().await?;
    let cancel = CancelToken::new();
    {
        let mut running = state.sync.lock().unwrap_or_else(|e| e.into_inner());
        if running.is_some() {
            return Err(IpcError::invalid("a sync is already running"));
        }
        *running = Some(cancel.clone());
    }
    let opts = SyncOptions {
        cancel,
        ..SyncOptions::default()
    };
    let (library, http) = (opened.library.clone(), opened.http.clone());
    let result = papershelf_core::sync::sync(&library, &http, &opts, &mut |event| {
        if let Err(err) = on_event.send(event.clone()) {
            tracing::debug!(error = %err, "the window stopped listening to sync progress");
        }
    })
    .await;
    *state.sync.lock().unwrap_or_else(|e| e.into_inner()) = None;
    Ok(result?)
}

/// Asks a running sync to stop after its current page; false when none is running.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state))]
pub fn cancel_sync(state: State<'_, AppState>) -> bool {
    match &*state.sync.lock().unwrap_or_else(|e| e.into_inner()) {
        Some(token) => {
            token.cancel();
            true
        }
        None => false,
    }
}
