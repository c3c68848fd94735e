//! The reader: a PDF's bytes for pdf.js, the place it was left at, fetching a paper's PDF with
//! progress and Cancel, and attaching a local file through the shell's own dialog.

use papershelf_core::sync::{fetch_pdf as core_fetch_pdf, CancelToken};
use papershelf_core::{PaperId, PdfFile, ReadingPosition};
use serde::Serialize;
use specta::datatype::DataType;
use tauri::ipc::{Channel, InvokeResponseBody, IpcResponse, Response};
use tauri::{AppHandle, State};

use super::blocking;
use crate::dialogs::{pick, Pick};
use crate::error::IpcError;
use crate::state::AppState;

/// A PDF's bytes, sent as a raw `ArrayBuffer` (no JSON array of numbers, no file-system
/// scope: the webview never learns where the file is).
pub struct PdfBytes(Response);

impl specta::Type for PdfBytes {
    fn definition(_: &mut specta::Types) -> DataType {
        DataType::Reference(specta_typescript::define("ArrayBuffer"))
    }
}

impl IpcResponse for PdfBytes {
    fn body(self) -> tauri::Result<InvokeResponseBody> {
        self.0.body()
    }
}

/// The bytes of one of the paper's PDFs (`sha256`, else its newest).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn pdf_bytes(
    state: State<'_, AppState>,
    id: PaperId,
    sha256: Option<String>,
) -> Result<PdfBytes, IpcError> {
    crate::limits::id(&id)?;
    let (_, bytes) = blocking(&state, move |lib| lib.pdf_bytes(&id, sha256.as_deref())).await?;
    Ok(PdfBytes(Response::new(bytes)))
}

/// Where the reader last was in the paper's PDF (`null` when never read).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn reading_position(
    state: State<'_, AppState>,
    id: PaperId,
) -> Result<Option<ReadingPosition>, IpcError> {
    crate::limits::id(&id)?;
    blocking(&state, move |lib| lib.reading_position(&id)).await
}

/// Remembers where the reader is in the paper's PDF.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn set_reading_position(
    state: State<'_, AppState>,
    id: PaperId,
    position: ReadingPosition,
) -> Result<(), IpcError> {
    crate::limits::id(&id)?;
    blocking(&state, move |lib| lib.set_reading_position(&id, &position)).await
}

/// How far a PDF download has got.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PdfProgress {
    /// Bytes received so far.
    pub received: f64,
    /// The length the server announced, when it did.
    pub total: Option<f64>,
}

/// What fetching a paper's PDF did.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PdfFetched {
    /// The file, now in the library.
    pub file: PdfFile,
    /// False when the library held that version already and nothing was downloaded.
    pub downloaded: bool,
}

/// Fetches the paper's PDF (the newest arXiv version the library knows) unless it is held,
/// reporting progress on `on_progress`, and reads its text. One download at a time; `cancel_pdf_fetch` stops it
/// and nothing is stored.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state, on_progress), err(Debug))]
pub async fn fetch_pdf(
    state: State<'_, AppState>,
    id: PaperId,
    on_progress: Channel<PdfProgress>,
) -> Result<PdfFetched, IpcError> {
    crate::limits::id(&id)?;
    let opened = state.ready().await?;
    let cancel = CancelToken::new();
    {
        let mut running = state.pdf_fetch.lock().unwrap_or_else(|e| e.into_inner());
        if running.is_some() {
            return Err(IpcError::invalid("a PDF is already being fetched"));
        }
        *running = Some(cancel.clone());
    }
    let report = move |received: u64, total: Option<u64>| {
        let progress = PdfProgress {
            received: received as f64,
            total: total.map(|t| t as f64),
        };
        if let Err(err) = on_progress.send(progress) {
            tracing::debug!(error = %err, "the window stopped listening to PDF progress");
        }
    };
    let result = core_fetch_pdf(&opened.library, &opened.http, &id, &report, &cancel).await;
    *state.pdf_fetch.lock().unwrap_or_else(|e| e.into_inner()) = None;
    let fetched = result?;
    Ok(PdfFetched {
        file: fetched.file,
        downloaded: fetched.downloaded,
    })
}

/// Stops the running PDF download; false when none runs.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state))]
pub fn cancel_pdf_fetch(state: State<'_, AppState>) -> bool {
    match &*state.pdf_fetch.lock().unwrap_or_else(|e| e.into_inner()) {
        Some(token) => {
            token.cancel();
            true
        }
        None => false,
    }
}

/// Asks for a PDF on disk and attaches a copy of it to the paper; `null` when the user
/// cancelled.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(app, state), err(Debug))]
pub async fn attach_pdf(
    app: AppHandle,
    state: State<'_, AppState>,
    id: PaperId,
) -> Result<Option<PdfFile>, IpcError> {
    crate::limits::id(&id)?;
    let Some(path) = pick(
        &app,
        Pick::OpenFile {
            title: "Attach a PDF".into(),
            filters: vec![("PDF".into(), vec!["pdf".into()])],
        },
    )
    .await?
    else {
        return Ok(None);
    };
    let file = blocking(&state, move |lib| lib.attach_pdf_and_read_text(&id, &path)).await?;
    Ok(Some(file))
}

/// Opens the paper's PDF in the system's own viewer (for a file pdf.js cannot show).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(app, state), err(Debug))]
pub async fn open_pdf_externally(
    app: AppHandle,
    state: State<'_, AppState>,
    id: PaperId,
    sha256: Option<String>,
) -> Result<(), IpcError> {
    use tauri_plugin_opener::OpenerExt;
    crate::limits::id(&id)?;
    let (file, _) = blocking(&state, move |lib| lib.pdf_bytes(&id, sha256.as_deref())).await?;
    app.opener()
        .open_path(file.path, None::<&str>)
        .map_err(IpcError::internal)
}

/// Tells the window about files dragged over it and dropped on it, on `on_drop`.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state, on_drop))]
pub fn watch_file_drops(state: State<'_, AppState>, on_drop: Channel<crate::drops::FileDrop>) {
    state.drops.listen(on_drop);
}

/// Attaches the PDF dropped last (the first, when several were) to the paper; `null` when no
/// PDF is held.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn attach_dropped_pdf(
    state: State<'_, AppState>,
    id: PaperId,
) -> Result<Option<PdfFile>, IpcError> {
    crate::limits::id(&id)?;
    let Some(path) = state.drops.take().into_iter().next() else {
        return Ok(None);
    };
    let file = blocking(&state, move |lib| lib.attach_pdf_and_read_text(&id, &path)).await?;
    Ok(Some(file))
}
