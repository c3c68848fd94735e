//! The Papershelf desktop app: a thin Tauri shell over `papershelf-core`.
//!
//! - [`state`]: the one [`state::AppState`] built at startup (the library, opened on a thread
//!   of its own while the window loads).
//! - [`commands`]: one module per area of one-line IPC wrappers around `Library` methods.
//! - [`dialogs`]: native file dialogs the shell opens itself (paths never come from the window).
//! - [`display`]: whether there is a display at all, checked before GTK starts.
//! - [`error`]: [`error::IpcError`], the single error type that crosses IPC.
//! - [`limits`]: bounds on command arguments, checked before the library sees them.
//! - [`navigation`]: the webview may only navigate within the app's own origin.
//! - [`renderer`]: WebKitGTK's renderer on Linux, turned to the unaccelerated one where there is
//!   no GPU render node.
//!
//! - [`specta_builder`]: the commands of `command_list.rs`, for the invoke handler and the
//!   generated TypeScript bindings (`ui/src/lib/bindings.ts`, checked by `tests/bindings.rs`).
//!
//! `main.rs` wires these into the Tauri builder.

pub mod commands;
pub mod dialogs;
pub mod display;
pub mod drops;
pub mod error;
pub mod limits;
pub mod navigation;
pub mod renderer;
pub mod state;

include!("command_list.rs");

/// Where the generated TypeScript goes, from the repository root.
pub const BINDINGS_PATH: &str = "ui/src/lib/bindings.ts";

/// Every command of `command_list.rs` with the types they take and return: `main.rs` takes its
/// invoke handler from this, and `tests/bindings.rs` exports it to [`BINDINGS_PATH`].
///
/// A failed command throws its [`error::IpcError`] (`{ code, message }`, as before; `api.ts`
/// turns it into an `ApiError`). Integers go out as `number`: ids and counts stay far below 2^53.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    macro_rules! collect {
        ($($module:ident :: $name:ident),* $(,)?) => {
            tauri_specta::collect_commands![$(commands::$module::$name),*]
        };
    }
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(app_commands!(collect))
        // What every failed command rejects with; named here because a throwing binding's type
        // does not mention it.
        .typ::<error::IpcError>()
        .error_handling(tauri_specta::ErrorHandlingMode::Throw)
        // One TypeScript type per Rust type, as it is sent (`Option` is `T | null`), rather than a
        // `_Serialize` and a `_Deserialize` variant of each: the UI reads what Rust sends, and
        // sends every field of the few types it passes in.
        .disable_serde_phases()
        .dangerously_cast_bigints_to_number()
}

/// The TypeScript exporter [`specta_builder`] is exported with.
pub fn typescript() -> specta_typescript::Typescript {
    specta_typescript::Typescript::default().header(
        "// Generated from the Rust commands and types by src-tauri/tests/bindings.rs: do not edit.\n\
         // Regenerate with `PAPERSHELF_UPDATE_BINDINGS=1 cargo test -p papershelf-app bindings`.",
    )
}
