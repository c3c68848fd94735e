//! A paper's PDFs, their text and the annotations on them.

use papershelf_core::{
    Annotation, AnnotationChange, CarryReport, NewAnnotation, Note, PaperId, PdfFile, PdfText,
};
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

/// The paper's PDFs in the library, newest first.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn paper_pdfs(state: State<'_, AppState>, id: PaperId) -> Result<Vec<PdfFile>, IpcError> {
    crate::limits::id(&id)?;
    blocking(&state, move |lib| lib.pdfs(&id)).await
}

/// The text of the paper's newest PDF (one page, or all), read once and kept.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn pdf_text(
    state: State<'_, AppState>,
    id: PaperId,
    page: Option<u32>,
) -> Result<PdfText, IpcError> {
    crate::limits::id(&id)?;
    blocking(&state, move |lib| lib.pdf_text(&id, page)).await
}

/// The paper's annotations, in page order.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_annotations(
    state: State<'_, AppState>,
    id: PaperId,
) -> Result<Vec<Annotation>, IpcError> {
    crate::limits::id(&id)?;
    blocking(&state, move |lib| lib.annotations(&id)).await
}

/// Stores an annotation the reader made, the moment it is made.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state, annotation), err(Debug))]
pub async fn add_annotation(
    state: State<'_, AppState>,
    id: PaperId,
    annotation: NewAnnotation,
) -> Result<Annotation, IpcError> {
    crate::limits::id(&id)?;
    blocking(&state, move |lib| lib.add_annotation(&id, &annotation)).await
}

/// Changes an annotation's colour, comment or rectangles.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state, change), err(Debug))]
pub async fn update_annotation(
    state: State<'_, AppState>,
    annotation_id: String,
    change: AnnotationChange,
) -> Result<Annotation, IpcError> {
    crate::limits::text_id(&annotation_id)?;
    blocking(&state, move |lib| {
        lib.update_annotation(&annotation_id, &change)
    })
    .await
}

/// Deletes an annotation (`restore_annotation` undoes it).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn delete_annotation(
    state: State<'_, AppState>,
    annotation_id: String,
) -> Result<(), IpcError> {
    crate::limits::text_id(&annotation_id)?;
    blocking(&state, move |lib| lib.delete_annotation(&annotation_id)).await
}

/// Brings back a deleted annotation.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn restore_annotation(
    state: State<'_, AppState>,
    annotation_id: String,
) -> Result<Annotation, IpcError> {
    crate::limits::text_id(&annotation_id)?;
    blocking(&state, move |lib| lib.restore_annotation(&annotation_id)).await
}

/// "Add to note": quotes the paper's highlights (all, or those named) into its note.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn add_annotations_to_note(
    state: State<'_, AppState>,
    id: PaperId,
    only: Vec<String>,
) -> Result<Note, IpcError> {
    crate::limits::id(&id)?;
    blocking(&state, move |lib| lib.add_annotations_to_note(&id, &only)).await
}

/// Moves the paper's annotations from one of its PDFs to another (a newer version), each
/// found again by its quote; those not found stay where they were.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn carry_annotations(
    state: State<'_, AppState>,
    id: PaperId,
    from: String,
    to: String,
) -> Result<CarryReport, IpcError> {
    crate::limits::id(&id)?;
    blocking(&state, move |lib| lib.carry_annotations(&id, &from, &to)).await
}
