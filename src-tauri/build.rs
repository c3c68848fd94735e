//! Generates the Tauri context and the permissions for the app's own commands (so capabilities
//! can grant exactly these).
//!
//! The one config file is `tauri.conf.json` at the repository root. It is read through the
//! symlink `src-tauri/tauri.conf.json`, exactly as the Tauri CLI reads it, so the relative paths in
//! it (`../ui/dist`, `icons/…`) mean the same to cargo, `tauri build` and the bundler. Reading
//! `../tauri.conf.json` directly would resolve them from the root instead and break the CLI.

/// Every command `main.rs` registers; each gets an `allow-<name>` permission.
const COMMANDS: &[&str] = &[
    "browse",
    "saved_searches",
    "save_search",
    "delete_saved_search",
    "get_paper",
    "set_status",
    "add_tags",
    "remove_tags",
    "list_tags",
    "set_note",
    "stats",
    "add_paper",
    "set_status_many",
    "autosave_note",
    "note_history",
    "list_subscriptions",
    "subscribe",
    "unsubscribe",
    "sync_now",
    "cancel_sync",
    "import_file",
    "export_papers",
    "mirror_status",
    "mirror_enable",
    "mirror_disable",
    "mirror_rebuild",
    "list_collections",
    "create_collection",
    "add_to_collection",
    "remove_from_collection",
    "rename_collection",
    "delete_collection",
    "library_backups",
    "restore_backup",
];

fn main() {
    // No `config_path`: the default is `tauri.conf.json` here, the symlink to the root file.
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(err) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {err:#}");
    }
}
