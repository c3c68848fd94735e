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
//! `main.rs` wires these into the Tauri builder.

pub mod commands;
pub mod dialogs;
pub mod display;
pub mod error;
pub mod limits;
pub mod navigation;
pub mod renderer;
pub mod state;
