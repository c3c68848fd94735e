// The one list of the commands the window may call, as `module::function` under
// `crate::commands`. Everything else derives from it: the invoke handler and the TypeScript
// bindings (`lib.rs`, through tauri-specta), and in `build.rs` each command's `allow-<name>`
// permission and the `app-commands` permission set that the capability grants. A command
// removed here loses its handler, its permission and its binding in one go.
//
// Plain `macro_rules!` so that `build.rs` can `include!` this file too. It hands the list to
// the macro named by `$then`.
macro_rules! app_commands {
    ($then:ident) => {
        $then! {
            search::browse,
            search::saved_searches,
            search::save_search,
            search::delete_saved_search,
            papers::get_paper,
            papers::set_status,
            papers::set_status_many,
            tags::add_tags,
            tags::remove_tags,
            tags::list_tags,
            notes::set_note,
            notes::autosave_note,
            notes::note_history,
            annotations::paper_pdfs,
            annotations::pdf_text,
            annotations::list_annotations,
            annotations::add_annotation,
            annotations::update_annotation,
            annotations::delete_annotation,
            annotations::restore_annotation,
            annotations::add_annotations_to_note,
            annotations::carry_annotations,
            reader::pdf_bytes,
            reader::reading_position,
            reader::set_reading_position,
            reader::fetch_pdf,
            reader::cancel_pdf_fetch,
            reader::attach_pdf,
            reader::open_pdf_externally,
            reader::watch_file_drops,
            reader::attach_dropped_pdf,
            stats::stats,
            sources::add_paper,
            sync::list_subscriptions,
            sync::subscribe,
            sync::unsubscribe,
            sync::sync_now,
            sync::cancel_sync,
            files::import_file,
            zotero::zotero_data_dir,
            zotero::import_zotero,
            zotero::cancel_zotero_import,
            files::export_papers,
            files::mirror_status,
            files::mirror_enable,
            files::mirror_disable,
            files::mirror_rebuild,
            collections::list_collections,
            collections::create_collection,
            collections::add_to_collection,
            collections::remove_from_collection,
            collections::rename_collection,
            collections::delete_collection,
            backups::library_backups,
            backups::restore_backup,
        }
    };
}
