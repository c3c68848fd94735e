//! Schema migrations: a fresh library, a library written by the first schema, and one written
//! by a newer Papershelf.

use std::path::Path;

use papershelf_core::{Error, Library, PaperId};
use rusqlite::Connection;

use crate::support::*;

/// The first schema exactly as it shipped.
const MIGRATION_1: &str = include_str!("../../src/db/migrations/0001_init.sql");

/// The database file inside a library directory.
const DB_FILE: &str = "library.sqlite";

fn user_version(db: &Path) -> u32 {
    Connection::open(db)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap()
}

#[test]
fn a_fresh_library_is_created_at_the_latest_schema_version() {
    let mut t = TempLibrary::new();
    let latest = latest_version();
    assert!(latest >= 2);
    assert_eq!(t.lib().stats().unwrap().schema_version, latest);
    t.close();
    assert_eq!(user_version(&t.path().join(DB_FILE)), latest);
    // Opening again applies nothing and keeps the version.
    t.reopen();
    assert_eq!(t.lib().stats().unwrap().schema_version, latest);
}

#[test]
fn a_library_from_the_first_schema_migrates_with_its_data_intact_and_searchable() {
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
        conn.execute_batch(MIGRATION_1).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO works (id, arxiv_id, title, title_key, abstract, authors, published, year,
                status, added_at, modified_at)
             VALUES ('1506.03134', '1506.03134', 'Pointer Networks', 'pointer networks',
                'We introduce a new neural architecture to learn the conditional probability.',
                '[\"Oriol Vinyals\",\"Meire Fortunato\",\"Navdeep Jaitly\"]', '2015-06-09', 2015,
                'reading', '2024-01-02T03:04:05Z', '2024-01-02T03:04:05Z')",
            [],
        )
        .unwrap();
        conn.execute("INSERT INTO tags (name) VALUES ('classic')", [])
            .unwrap();
        conn.execute(
            "INSERT INTO work_tags (work_key, tag_key, added_at) VALUES (1, 1, '2024-01-02T03:04:05Z')",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO notes (work_key, body, updated_at) VALUES (1, 'old note about pointers', '2024-01-02T03:04:05Z')",
            [],
        )
        .unwrap();
    }
    assert_eq!(user_version(&dir.path().join(DB_FILE)), 1);

    let lib = Library::open(dir.path()).expect("an old library opens");
    let stats = lib.stats().unwrap();
    assert_eq!(stats.schema_version, latest_version());
    assert_eq!(
        (stats.papers, stats.indexed, stats.tags, stats.notes),
        (1, 1, 1, 1)
    );

    let id = PaperId::new("1506.03134");
    let paper = lib.paper(&id).unwrap();
    assert_eq!(paper.title, "Pointer Networks");
    assert_eq!(
        paper.authors,
        ["Oriol Vinyals", "Meire Fortunato", "Navdeep Jaitly"]
    );
    assert_eq!(paper.year, Some(2015));
    assert_eq!(paper.status, papershelf_core::Status::Reading);
    assert_eq!(paper.tags, ["classic"]);
    assert_eq!(paper.added_at, "2024-01-02T03:04:05Z");
    assert_eq!(paper.note.as_ref().unwrap().body, "old note about pointers");

    let search = |q: &str| -> Vec<PaperId> {
        lib.search(q, &Default::default())
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.paper.id)
            .collect()
    };
    for query in [
        "pointer networks",
        "author:vinyals",
        "tag:classic",
        "status:reading",
        "year:2015",
        "note:pointers",
        "conditional probability",
    ] {
        assert_eq!(search(query), std::slice::from_ref(&id), "{query}");
    }

    // Migration 2's note history works on the migrated library.
    lib.set_note(&id, "new note").unwrap();
    let history = lib.note_history(&id).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].body, "old note about pointers");
    drop(lib);
    assert_eq!(user_version(&dir.path().join(DB_FILE)), latest_version());
}

#[test]
fn a_library_from_a_newer_papershelf_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(DB_FILE);
    {
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(MIGRATION_1).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    match Library::open(dir.path()) {
        Err(Error::SchemaTooNew { found, known }) => {
            assert_eq!(found, 999);
            assert_eq!(known, latest_version());
        }
        Err(other) => panic!("expected SchemaTooNew, got {other:?}"),
        Ok(_) => panic!("a newer library was opened"),
    }
    let err = Library::open(dir.path()).err().unwrap();
    assert_eq!(err.code(), papershelf_core::ErrorCode::SchemaTooNew);
    assert!(err.to_string().contains("upgrade"), "{err}");
    assert_eq!(user_version(&db), 999);
    let conn = Connection::open(&db).unwrap();
    let note_versions: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'note_versions'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(note_versions, 0, "no migration ran on the newer library");
}
