//! Papershelf desktop app entry point: logging, the library, the command handler (the commands
//! of `command_list.rs`, through [`papershelf_app_lib::specta_builder`]).

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

use papershelf_app_lib::navigation;
use papershelf_app_lib::state::AppState;
use tauri::Manager;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    // Before GTK: without a display it panics with a backtrace instead of saying so.
    #[cfg(target_os = "linux")]
    if let Err(missing) = papershelf_app_lib::display::check(std::env::var_os) {
        eprintln!("{missing}");
        return ExitCode::from(papershelf_app_lib::display::EXIT_NO_DISPLAY);
    }
    // Before logging, GTK or any other thread starts: it may set an environment variable.
    #[cfg(target_os = "linux")]
    let renderer = papershelf_app_lib::renderer::apply();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    #[cfg(target_os = "linux")]
    tracing::debug!("{renderer}");

    let context = tauri::generate_context!("tauri.conf.json");
    // The dev server is the app's own origin only in a development build.
    let dev_url = if cfg!(dev) {
        context.config().build.dev_url.clone()
    } else {
        None
    };
    let result = tauri::Builder::default()
        // The webview stays on the app's origin whatever a page does; links go to the opener.
        .plugin(navigation::guard(dev_url))
        // Opens http(s) links in the system browser; the capability scopes it to those schemes.
        .plugin(tauri_plugin_opener::init())
        // File dialogs, opened from Rust only: the window gets no dialog permission.
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            let dir = papershelf_core::default_library_dir()
                .ok_or("no library directory: set PAPERSHELF_LIBRARY or a home directory")?;
            tracing::info!(dir = %dir.display(), "opening library");
            // The library opens while the window loads; commands wait for it.
            app.manage(AppState::opening(dir));
            tracing::debug!(ms = started.elapsed().as_millis(), "setup done");
            Ok(())
        })
        // Files dropped on the window: the shell keeps their paths (see `drops`).
        .on_window_event(papershelf_app_lib::drops::on_window_event)
        .invoke_handler(papershelf_app_lib::specta_builder().invoke_handler())
        .run(context);

    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "Papershelf could not start");
            eprintln!("papershelf: {err}");
            ExitCode::FAILURE
        }
    }
}
