//! Adding a paper from the sources (arXiv, Hugging Face).

use papershelf_core::Paper;
use serde::Serialize;
use tauri::State;

use super::blocking;
use crate::error::IpcError;
use crate::state::AppState;

/// What `add_paper` returns: the paper as stored, and whether it is new to the library.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AddedPaper {
    /// The paper, as the detail pane shows it.
    pub paper: Paper,
    /// `false` when it was already in the library (its record was refreshed).
    pub added: bool,
}

/// Looks a paper up by arXiv id or URL and adds it to the inbox.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn add_paper(state: State<'_, AppState>, input: String) -> Result<AddedPaper, IpcError> {
    crate::limits::text_id(&input)?;
    let fetched = papershelf_core::sync::fetch_paper(&state.ready().await?.http, &input).await?;
    let (paper, added) = blocking(&state, move |lib| lib.add_fetched(&fetched)).await?;
    Ok(AddedPaper { paper, added })
}
