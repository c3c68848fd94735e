//! Files dropped on the window. The OS hands the shell their paths; the webview only hears how
//! many PDFs are held (and their names), then asks to attach one to a paper. No path ever comes
//! from the webview.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{DragDropEvent, Manager, Runtime, Window, WindowEvent};

use crate::state::AppState;

/// What the window hears about a drag over it or a drop on it.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum FileDrop {
    /// Files are being dragged over the window.
    Over,
    /// The drag left the window without a drop.
    Left,
    /// Files were dropped: the PDFs among them are held for `attach_dropped_pdf`.
    Dropped {
        /// The dropped PDFs' file names (not their paths).
        pdfs: Vec<String>,
        /// How many dropped files were not PDFs.
        others: u32,
    },
}

/// The dropped PDFs held for the next `attach_dropped_pdf`, and the window's listener.
#[derive(Default)]
pub struct Drops {
    held: Mutex<Vec<PathBuf>>,
    listener: Mutex<Option<Channel<FileDrop>>>,
}

impl Drops {
    /// The window wants to hear about drops on `channel` (a reload replaces the old one).
    pub fn listen(&self, channel: Channel<FileDrop>) {
        *self.listener.lock().unwrap_or_else(|e| e.into_inner()) = Some(channel);
    }

    /// Takes the held PDFs (they are attached once, then forgotten).
    pub fn take(&self) -> Vec<PathBuf> {
        std::mem::take(&mut *self.held.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn tell(&self, event: FileDrop) {
        if let Some(channel) = &*self.listener.lock().unwrap_or_else(|e| e.into_inner()) {
            if let Err(err) = channel.send(event) {
                tracing::debug!(error = %err, "the window stopped listening to drops");
            }
        }
    }

    fn dropped(&self, paths: &[PathBuf]) {
        let pdfs = pdf_files(paths);
        let names = pdfs
            .iter()
            .map(|p| {
                p.file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            })
            .collect();
        let others = (paths.len() - pdfs.len()) as u32;
        *self.held.lock().unwrap_or_else(|e| e.into_inner()) = pdfs;
        self.tell(FileDrop::Dropped {
            pdfs: names,
            others,
        });
    }
}

/// The regular files named `*.pdf` (any case) among `paths`; folders and the rest are left out.
pub fn pdf_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter(|p| is_pdf_name(p) && p.is_file())
        .cloned()
        .collect()
}

fn is_pdf_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

/// The window event hook: drags and drops go to [`Drops`].
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::DragDrop(drag) = event else {
        return;
    };
    let Some(state) = window.try_state::<AppState>() else {
        return;
    };
    match drag {
        DragDropEvent::Enter { .. } => state.drops.tell(FileDrop::Over),
        DragDropEvent::Leave => state.drops.tell(FileDrop::Left),
        DragDropEvent::Drop { paths, .. } => state.drops.dropped(paths),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_pdf_files_are_held() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("paper.PDF");
        let text = dir.path().join("notes.txt");
        let folder = dir.path().join("folder.pdf");
        std::fs::write(&pdf, b"%PDF-1.7").unwrap();
        std::fs::write(&text, b"x").unwrap();
        std::fs::create_dir(&folder).unwrap();
        let gone = dir.path().join("gone.pdf");
        assert_eq!(pdf_files(&[pdf.clone(), text, folder, gone]), vec![pdf]);
    }
}
