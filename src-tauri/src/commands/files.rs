//! Files in and out: import through a file dialog, export of the current list, and the open
//! mirror's settings. The shell opens every dialog itself ([`crate::dialogs`]), so no path ever
//! comes from the webview.

use std::path::PathBuf;

use papershelf_core::interop::Format;
use papershelf_core::{
    ExportSelection, FileImportReport, FileKind, ImportProgress, MirrorStatus, Status,
};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use super::blocking;
use crate::dialogs::{pick, Pick};
use crate::error::IpcError;
use crate::state::AppState;

/// What an export wrote.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportDone {
    /// The file (or, for Markdown, the folder) written.
    pub path: String,
    /// Papers in it.
    pub papers: usize,
}

fn filters_for(kinds: &[FileKind]) -> Vec<(String, Vec<String>)> {
    let exts = |k: &FileKind| {
        k.extensions()
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    };
    let mut filters = Vec::new();
    if kinds.len() > 1 {
        filters.push((
            "Everything Papershelf reads".to_string(),
            kinds.iter().flat_map(exts).collect(),
        ));
    }
    filters.extend(kinds.iter().map(|k| (k.label().to_string(), exts(k))));
    filters
}

/// Asks for a file and imports it (`kind` names one, else it is recognised from the file);
/// snapshot imports report progress on `on_progress`. `None` when the user cancelled.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(app, state, on_progress), err(Debug))]
pub async fn import_file(
    app: AppHandle,
    state: State<'_, AppState>,
    kind: Option<String>,
    on_progress: Channel<ImportProgress>,
) -> Result<Option<FileImportReport>, IpcError> {
    let kind = kind
        .map(|k| {
            FileKind::from_name(&k)
                .ok_or_else(|| IpcError::invalid(format!("unknown file kind '{k}'")))
        })
        .transpose()?;
    let kinds = kind.map_or_else(|| FileKind::ALL.to_vec(), |k| vec![k]);
    let Some(path) = pick(
        &app,
        Pick::OpenFile {
            title: "Import papers".into(),
            filters: filters_for(&kinds),
        },
    )
    .await?
    else {
        return Ok(None);
    };
    blocking(&state, move |lib| {
        lib.import_file(&path, kind, &mut |p| {
            // A closed window just stops hearing about progress.
            let _ = on_progress.send(p);
        })
    })
    .await
    .map(Some)
}

/// Asks where to write and exports the papers a query (and sidebar scope) selects: BibTeX,
/// CSL-JSON or RIS to one file, Markdown to a folder. `None` when the user cancelled.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(app, state), err(Debug))]
pub async fn export_papers(
    app: AppHandle,
    state: State<'_, AppState>,
    format: String,
    query: String,
    status: Option<Status>,
    tag: Option<String>,
    collection: Option<String>,
) -> Result<Option<ExportDone>, IpcError> {
    let format = Format::from_name(&format)
        .ok_or_else(|| IpcError::invalid(format!("unknown export format '{format}'")))?;
    crate::limits::query(&query)?;
    if let Some(t) = &tag {
        crate::limits::tags(std::slice::from_ref(t))?;
    }
    if let Some(c) = &collection {
        crate::limits::collection_path(c)?;
    }
    let what = match format {
        Format::Markdown => Pick::Folder {
            title: "Export Markdown notes into a folder".into(),
        },
        _ => {
            let ext = match format {
                Format::Bibtex => "bib",
                Format::Ris => "ris",
                _ => "json",
            };
            Pick::SaveFile {
                title: "Export papers".into(),
                file_name: format!("papershelf.{ext}"),
                filters: vec![(format.name().to_string(), vec![ext.to_string()])],
            }
        }
    };
    let Some(path) = pick(&app, what).await? else {
        return Ok(None);
    };
    let sel = ExportSelection {
        query: Some(query).filter(|q| !q.trim().is_empty()),
        tag,
        collection,
        status,
    };
    let shown = path.display().to_string();
    let papers = blocking(&state, move |lib| lib.export_to_path(format, &sel, &path)).await?;
    Ok(Some(ExportDone {
        path: shown,
        papers,
    }))
}

/// The open mirror's settings and last write.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn mirror_status(state: State<'_, AppState>) -> Result<MirrorStatus, IpcError> {
    blocking(&state, |lib| lib.mirror_status()).await
}

/// Asks for a folder and keeps the mirror there from now on (written at once). `None` when the
/// user cancelled.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(app, state), err(Debug))]
pub async fn mirror_enable(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<MirrorStatus>, IpcError> {
    let Some(dir) = pick(
        &app,
        Pick::Folder {
            title: "Mirror the library into a folder".into(),
        },
    )
    .await?
    else {
        return Ok(None);
    };
    let dir: PathBuf = dir;
    blocking(&state, move |lib| lib.enable_mirror(&dir))
        .await
        .map(Some)
}

/// Stops keeping the mirror (its files stay).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn mirror_disable(state: State<'_, AppState>) -> Result<MirrorStatus, IpcError> {
    blocking(&state, |lib| lib.disable_mirror()).await
}

/// Rewrites the whole mirror now.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn mirror_rebuild(state: State<'_, AppState>) -> Result<MirrorStatus, IpcError> {
    blocking(&state, |lib| lib.refresh_mirror()).await
}
