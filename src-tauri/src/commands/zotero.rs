//! Import from Zotero: the data directory Zotero uses on this machine, found by the shell, or
//! one the user picks in the shell's folder dialog. No path comes from the webview.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use papershelf_core::interop::zotero;
use papershelf_core::{ZoteroOptions, ZoteroProgress, ZoteroReport};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use super::blocking;
use crate::dialogs::{pick, Pick};
use crate::error::IpcError;
use crate::state::AppState;

/// Zotero's data directory on this machine (`~/Zotero`, or the one its profile names), to show
/// before importing; `null` when there is none.
#[tauri::command]
#[specta::specta]
#[tracing::instrument]
pub fn zotero_data_dir() -> Option<String> {
    zotero::users_data_dir().map(|d| d.display().to_string())
}

/// Imports the user's Zotero library: from the data directory Zotero uses when `fromDefault`,
/// else from a folder the user picks (`null` when they cancel the dialog). Progress goes to
/// `onProgress`; `cancel_zotero_import` stops it before anything is written. `dryRun` reports
/// without changing anything.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(app, state, on_progress), err(Debug))]
pub async fn import_zotero(
    app: AppHandle,
    state: State<'_, AppState>,
    from_default: bool,
    dry_run: bool,
    on_progress: Channel<ZoteroProgress>,
) -> Result<Option<ZoteroReport>, IpcError> {
    let dir = if from_default {
        zotero::users_data_dir().ok_or_else(|| IpcError {
            code: papershelf_core::ErrorCode::NotFound,
            message: "no Zotero data directory on this machine; choose its folder".into(),
        })?
    } else {
        let picked = pick(
            &app,
            Pick::Folder {
                title: "The Zotero data directory (the folder holding zotero.sqlite)".into(),
            },
        )
        .await?;
        match picked {
            Some(dir) => dir,
            None => return Ok(None),
        }
    };
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut running = state
            .zotero_import
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if running.is_some() {
            return Err(IpcError::invalid("a Zotero import is already running"));
        }
        *running = Some(cancel.clone());
    }
    let stop = cancel.clone();
    let result = blocking(&state, move |lib| {
        lib.import_zotero(&dir, ZoteroOptions { dry_run }, &mut |p| {
            // A closed window just stops hearing about progress.
            let _ = on_progress.send(p);
            !stop.load(Ordering::SeqCst)
        })
    })
    .await;
    *state
        .zotero_import
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = None;
    result.map(Some)
}

/// Stops the running Zotero import (nothing is written when it stops before the write); false
/// when none runs.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state))]
pub fn cancel_zotero_import(state: State<'_, AppState>) -> bool {
    match &*state
        .zotero_import
        .lock()
        .unwrap_or_else(|e| e.into_inner())
    {
        Some(flag) => {
            flag.store(true, Ordering::SeqCst);
            true
        }
        None => false,
    }
}
