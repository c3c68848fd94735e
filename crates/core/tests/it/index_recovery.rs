//! The search index is derived from SQLite: missing, damaged or stale, it is rebuilt or caught
//! up on open and search answers as before.

use std::fs;

use papershelf_core::{Library, Status};
use rusqlite::Connection;

use crate::support::*;

/// Queries whose results are compared before and after recovery.
const PROBES: [&str; 6] = [
    "brain",
    "positional encodings ",
    "\"neural networks\"",
    "title:representations",
    "year:2023",
    "status:inbox",
];

/// A library with both pages and the snapshot sample, and its answers to [`PROBES`].
fn library_with_answers() -> (TempLibrary, Vec<Vec<String>>) {
    let t = TempLibrary::with_both_pages();
    t.import_snapshot(SNAPSHOT_SAMPLE);
    let answers = answers(&t);
    (t, answers)
}

fn answers(t: &TempLibrary) -> Vec<Vec<String>> {
    PROBES
        .iter()
        .map(|q| {
            let mut ids: Vec<String> = t
                .search(q)
                .hits
                .into_iter()
                .map(|h| h.paper.id.to_string())
                .collect();
            // Scores may tie differently after a rebuild; compare the sets.
            ids.sort();
            ids
        })
        .collect()
}

fn assert_recovered(t: &TempLibrary, before: &[Vec<String>]) {
    let stats = t.lib().stats().unwrap();
    assert_eq!(stats.papers, 226);
    assert_eq!(stats.indexed, 226);
    assert_eq!(answers(t), before);
    assert!(t.path().join("index/meta.json").exists());
    assert!(!t.path().join("index.new").exists());
    assert!(!t.path().join("index.old").exists());
}

fn index_files(t: &TempLibrary) -> Vec<std::path::PathBuf> {
    let files: Vec<_> = fs::read_dir(t.path().join("index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    assert!(files.len() > 3, "{files:?}");
    files
}

/// Damages the closed library's index with `damage`, reopens, and checks the answers.
fn recovers_from(damage: impl Fn(&TempLibrary)) {
    let (mut t, before) = library_with_answers();
    assert!(before.iter().all(|ids| !ids.is_empty()));
    t.close();
    damage(&t);
    t.reopen();
    assert_recovered(&t, &before);
}

#[test]
fn a_deleted_index_directory_is_rebuilt_on_open() {
    recovers_from(|t| fs::remove_dir_all(t.path().join("index")).unwrap());
}

#[test]
fn an_index_with_every_file_overwritten_by_garbage_is_rebuilt() {
    recovers_from(|t| {
        for f in index_files(t) {
            fs::write(&f, b"\x00garbage\xff not an index").unwrap();
        }
    });
}

#[test]
fn an_index_with_every_file_truncated_is_rebuilt() {
    recovers_from(|t| {
        for f in index_files(t) {
            let len = fs::metadata(&f).unwrap().len();
            fs::OpenOptions::new()
                .write(true)
                .open(&f)
                .unwrap()
                .set_len(len / 2)
                .unwrap();
        }
    });
}

#[test]
fn an_index_with_every_file_emptied_is_rebuilt() {
    recovers_from(|t| {
        for f in index_files(t) {
            fs::write(&f, b"").unwrap();
        }
    });
}

#[test]
fn an_index_with_intact_meta_but_garbage_segments_is_rebuilt() {
    recovers_from(|t| {
        for f in index_files(t) {
            if f.file_name().unwrap() != "meta.json" {
                let len = fs::metadata(&f).unwrap().len() as usize;
                fs::write(&f, vec![0xA5; len]).unwrap();
            }
        }
    });
}

#[test]
fn an_index_without_meta_json_is_rebuilt() {
    recovers_from(|t| fs::remove_file(t.path().join("index/meta.json")).unwrap());
}

#[test]
fn an_index_with_junk_in_meta_json_is_rebuilt() {
    recovers_from(|t| {
        fs::write(t.path().join("index/meta.json"), b"{\"segments\": [junk").unwrap()
    });
}

#[test]
fn an_index_directory_replaced_by_a_file_is_rebuilt() {
    let (mut t, before) = library_with_answers();
    t.close();
    let index = t.path().join("index");
    fs::remove_dir_all(&index).unwrap();
    fs::write(&index, b"not a directory").unwrap();
    t.reopen();
    let stats = t.lib().stats().unwrap();
    assert_eq!((stats.papers, stats.indexed), (226, 226));
    assert_eq!(answers(&t), before);
    assert!(t.path().join("index/meta.json").exists());
    assert!(
        !t.path().join("index.old").exists(),
        "the damaged file is cleaned up"
    );
}

#[test]
fn a_stray_index_old_file_does_not_block_rebuilds() {
    let (mut t, before) = library_with_answers();
    fs::write(t.path().join("index.old"), b"left by something else").unwrap();
    assert_eq!(t.lib().reindex().unwrap(), 226);
    assert_recovered(&t, &before);

    t.close();
    fs::remove_dir_all(t.path().join("index")).unwrap();
    fs::write(t.path().join("index.old"), b"left by something else").unwrap();
    t.reopen();
    assert_recovered(&t, &before);
}

#[test]
fn leftovers_of_an_interrupted_rebuild_are_ignored() {
    recovers_from(|t| {
        fs::remove_dir_all(t.path().join("index")).unwrap();
        fs::create_dir_all(t.path().join("index.new")).unwrap();
        fs::write(t.path().join("index.new/meta.json"), b"half written").unwrap();
        fs::create_dir_all(t.path().join("index.old")).unwrap();
    });
}

#[test]
fn reindex_rebuilds_and_keeps_the_answers() {
    let (t, before) = library_with_answers();
    assert_eq!(t.lib().reindex().unwrap(), 226);
    assert_recovered(&t, &before);
}

fn db(t: &TempLibrary) -> Connection {
    Connection::open(t.path().join("library.sqlite")).unwrap()
}

#[test]
fn a_change_logged_in_sqlite_but_not_indexed_is_applied_on_open() {
    let (mut t, _) = library_with_answers();
    let id = t.by_title("Visio-Linguistic Brain Encoding").id;
    t.close();
    {
        // Another writer updated the database and logged the change, then died before
        // updating the index.
        let conn = db(&t);
        let key: i64 = conn
            .query_row("SELECT key FROM works WHERE id = ?1", [id.as_str()], |r| {
                r.get(0)
            })
            .unwrap();
        conn.execute(
            "UPDATE works SET title = 'Visio-Linguistic Brain Encoding with Quetzalcoatl' WHERE key = ?1",
            [key],
        )
        .unwrap();
        conn.execute("INSERT INTO changes (work_key) VALUES (?1)", [key])
            .unwrap();
    }
    t.reopen();
    assert_eq!(
        t.titles("quetzalcoatl"),
        ["Visio-Linguistic Brain Encoding with Quetzalcoatl"]
    );
    let stats = t.lib().stats().unwrap();
    assert_eq!((stats.papers, stats.indexed), (226, 226));
}

#[test]
fn rows_added_to_sqlite_without_a_change_log_entry_are_indexed_on_open() {
    let (mut t, _) = library_with_answers();
    t.close();
    db(&t)
        .execute(
            "INSERT INTO works (id, title, title_key, added_at, modified_at)
             VALUES ('t-0000000000000001', 'Axolotl Regeneration Networks',
                     'axolotl regeneration networks', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
    t.reopen();
    assert_eq!(t.titles("axolotl"), ["Axolotl Regeneration Networks"]);
    assert_eq!(t.lib().stats().unwrap().indexed, 227);
}

#[test]
fn writes_through_a_second_handle_are_searchable_after_reopening() {
    let (mut t, _) = library_with_answers();
    let id = t.by_title("Visio-Linguistic Brain Encoding").id;
    {
        let other = Library::open(t.path()).unwrap();
        other.set_note(&id, "capybara").unwrap();
        other.add_tags(&id, &["mammals".to_string()]).unwrap();
        other.set_status(&id, Status::Archived).unwrap();
    }
    t.reopen();
    for q in ["capybara", "tag:mammals", "status:archived"] {
        assert_eq!(t.titles(q), ["Visio-Linguistic Brain Encoding"], "{q}");
    }
}

#[test]
fn writes_through_a_second_handle_are_searchable_from_the_first_without_reopening() {
    // The second handle stands for another process (the CLI while the app is open).
    let (t, _) = library_with_answers();
    let id = t.by_title("Visio-Linguistic Brain Encoding").id;
    let other = Library::open(t.path()).unwrap();
    other.set_note(&id, "capybara").unwrap();
    assert_eq!(
        other.search("capybara", &Default::default()).unwrap().total,
        1
    );
    assert_eq!(t.titles("capybara"), ["Visio-Linguistic Brain Encoding"]);

    other.add_tags(&id, &["mammals".to_string()]).unwrap();
    other.set_status(&id, Status::Archived).unwrap();
    for q in ["tag:mammals", "status:archived"] {
        assert_eq!(t.titles(q), ["Visio-Linguistic Brain Encoding"], "{q}");
    }
    other
        .add_papers(
            &[papershelf_core::NewPaper {
                title: "Axolotl Regeneration Networks".into(),
                ..Default::default()
            }],
            "test",
            "doc",
        )
        .unwrap();
    assert_eq!(t.titles("axolotl"), ["Axolotl Regeneration Networks"]);
    let stats = t.lib().stats().unwrap();
    assert_eq!((stats.papers, stats.indexed), (227, 227));
}

#[test]
fn an_index_written_by_this_build_survives_reopening_without_a_rebuild() {
    let (mut t, before) = library_with_answers();
    let meta = |t: &TempLibrary| fs::read(t.path().join("index/meta.json")).unwrap();
    let meta_before = meta(&t);
    t.reopen();
    assert_eq!(meta(&t), meta_before, "a healthy index was rebuilt");
    assert_recovered(&t, &before);
}
