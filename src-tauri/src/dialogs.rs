//! Native file dialogs, opened by the shell (never by the webview): a command that needs a path
//! asks the user here, so the window can only ever reach files the user picked.
//!
//! For the end-to-end tests, debug builds honour `PAPERSHELF_TEST_PICK`: a list of paths (joined
//! like `PATH`), each "picked" in turn instead of showing a dialog that WebDriver cannot drive;
//! when the list runs out, the user "cancels". Release builds (the installed app) ignore it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

use crate::error::IpcError;

/// What to ask the user for.
#[derive(Debug, Clone)]
pub enum Pick {
    /// An existing file; `filters` are (name, extensions) pairs shown in the dialog.
    OpenFile {
        /// Dialog title.
        title: String,
        /// (name, extensions) pairs.
        filters: Vec<(String, Vec<String>)>,
    },
    /// A file to write, suggested under `file_name`.
    SaveFile {
        /// Dialog title.
        title: String,
        /// Suggested name.
        file_name: String,
        /// (name, extensions) pairs.
        filters: Vec<(String, Vec<String>)>,
    },
    /// A folder (to write into).
    Folder {
        /// Dialog title.
        title: String,
    },
}

/// The environment variable debug builds read instead of showing a dialog.
pub const TEST_PICK_ENV: &str = "PAPERSHELF_TEST_PICK";

/// Shows the dialog and waits for the user; `None` when they cancel.
pub async fn pick<R: Runtime>(app: &AppHandle<R>, what: Pick) -> Result<Option<PathBuf>, IpcError> {
    if cfg!(debug_assertions) {
        if let Some(list) = std::env::var_os(TEST_PICK_ENV) {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let at = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = std::env::split_paths(&list).nth(at);
            tracing::warn!(?path, "{TEST_PICK_ENV} set: picking without a dialog");
            return Ok(path);
        }
    }
    let app = app.clone();
    // The blocking dialog calls must not run on the event loop's thread; a blocking worker
    // waits on them while the window stays responsive.
    let picked = tauri::async_runtime::spawn_blocking(move || {
        let with_filters = |mut b: tauri_plugin_dialog::FileDialogBuilder<R>,
                            filters: &[(String, Vec<String>)]| {
            for (name, exts) in filters {
                let exts: Vec<&str> = exts.iter().map(String::as_str).collect();
                b = b.add_filter(name, &exts);
            }
            b
        };
        match what {
            Pick::OpenFile { title, filters } => {
                with_filters(app.dialog().file().set_title(title), &filters).blocking_pick_file()
            }
            Pick::SaveFile {
                title,
                file_name,
                filters,
            } => with_filters(
                app.dialog()
                    .file()
                    .set_title(title)
                    .set_file_name(file_name),
                &filters,
            )
            .blocking_save_file(),
            Pick::Folder { title } => app.dialog().file().set_title(title).blocking_pick_folder(),
        }
    })
    .await
    .map_err(IpcError::internal)?;
    picked
        .map(|p| p.into_path().map_err(IpcError::internal))
        .transpose()
}
