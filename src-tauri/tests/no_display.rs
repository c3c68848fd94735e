//! The built app started with no display: one line on stderr, exit code 2, no GTK panic.

#[cfg(target_os = "linux")]
#[test]
fn starting_without_a_display_says_so_in_one_line_and_exits_2() {
    let library = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_papershelf-app"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .env_remove("GDK_BACKEND")
        // Never the user's own library, should the check ever let the app start.
        .env("PAPERSHELF_LIBRARY", library.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no display"), "{stderr}");
    assert!(stderr.contains("papershelf search"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.stdout.is_empty());
}
