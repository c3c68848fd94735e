//! The committed TypeScript bindings (`ui/src/lib/bindings.ts`) are what the Rust commands and
//! types generate now. A change to a command or a type that crosses IPC fails here until the
//! file is regenerated, so the UI cannot drift from the shell unnoticed.

use std::path::PathBuf;

/// Set to rewrite the committed file instead of comparing with it.
const UPDATE: &str = "PAPERSHELF_UPDATE_BINDINGS";

fn generate() -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bindings.ts");
    papershelf_app_lib::specta_builder()
        .export(papershelf_app_lib::typescript(), &path)
        .expect("exporting the TypeScript bindings");
    std::fs::read_to_string(&path).unwrap()
}

#[test]
fn bindings_are_up_to_date() {
    let committed_path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../{}", papershelf_app_lib::BINDINGS_PATH));
    let generated = generate();
    if std::env::var_os(UPDATE).is_some() {
        std::fs::write(&committed_path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "{} is out of date with the Rust commands and types (first difference at line {}).\n\
             Regenerate it: run `{UPDATE}=1 cargo test -p papershelf-app bindings`, then commit it.",
            papershelf_app_lib::BINDINGS_PATH,
            line + 1,
        );
    }
}
