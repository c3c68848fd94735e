//! Backups, restore, the integrity check on open, and the trash.

use std::fs;

use papershelf_core::{Error, ErrorCode, Library, ListFilter, PaperId, Status};
use rusqlite::Connection;

use crate::support::*;

fn backups_dir(t: &TempLibrary) -> std::path::PathBuf {
    t.path().join("backups")
}

#[test]
fn the_first_open_of_a_library_with_papers_takes_a_daily_backup_and_only_one() {
    let mut t = TempLibrary::with_both_pages();
    // An empty library is not backed up; the pages arrived after the first open.
    assert!(Library::backups_in(t.path()).unwrap().is_empty());
    t.reopen();
    // Taken beside the open library, not before it answers.
    assert_eq!(t.lib().stats().unwrap().papers, 226);
    let taken = t.lib().wait_for_daily_backup().unwrap().expect("a backup");
    let list = t.lib().backups().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0].name, taken.name);
    assert_eq!(list[0].papers, Some(226));
    assert!(list[0].name.starts_with("library-") && list[0].name.ends_with(".sqlite"));
    t.reopen();
    assert_eq!(
        t.lib().wait_for_daily_backup().unwrap(),
        None,
        "at most one a day"
    );
    assert_eq!(t.lib().backups().unwrap().len(), 1);
}

/// Every work of the database at `path`, one line each: id, title, status, tags, note.
fn dump(path: &std::path::Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT w.id, w.title, w.status,
                (SELECT group_concat(name, ',') FROM
                    (SELECT t.name FROM work_tags wt JOIN tags t ON t.key = wt.tag_key
                     WHERE wt.work_key = w.key ORDER BY t.name)),
                (SELECT body FROM notes n WHERE n.work_key = w.key)
             FROM works w ORDER BY w.id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok(format!(
                "{}\t{}\t{}\t{:?}\t{:?}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    rows
}

#[test]
fn the_daily_backup_is_one_snapshot_while_the_library_is_written() {
    let mut t = TempLibrary::with_both_pages();
    t.reopen();
    // Writes while the copy runs: it holds the library as one of them left it, whole. The
    // state after each write is recorded; the backup must be exactly one of these.
    let live = t.path().join("library.sqlite");
    let mut states = vec![dump(&live)];
    let ids: Vec<PaperId> = t.all().into_iter().take(20).map(|p| p.id).collect();
    for (i, id) in ids.iter().enumerate() {
        t.lib().add_tags(id, &["during-backup".into()]).unwrap();
        states.push(dump(&live));
        if i == 9 {
            // Ten papers in one transaction: all of them or none.
            let batch: Vec<papershelf_core::NewPaper> = (0..10)
                .map(|n| papershelf_core::NewPaper {
                    title: format!("Added during the backup, number {n}"),
                    ..Default::default()
                })
                .collect();
            t.lib().add_papers(&batch, "test", "test").unwrap();
            states.push(dump(&live));
        }
    }
    let taken = t.lib().wait_for_daily_backup().unwrap().expect("a backup");
    papershelf_core::backup::verify(&taken.path).unwrap();
    let copy = dump(&taken.path);
    let at = states.iter().position(|s| *s == copy);
    assert!(
        at.is_some(),
        "the backup ({} works) is none of the {} states the writes left",
        copy.len(),
        states.len()
    );
    assert!(
        taken.papers == Some(226) || taken.papers == Some(236),
        "{:?}",
        taken.papers
    );
    assert_eq!(taken.papers, Some(copy.len() as u64));
}

#[test]
fn dropping_the_library_finishes_the_daily_backup() {
    let mut t = TempLibrary::with_both_pages();
    t.reopen();
    // A CLI command ends at once; the day's backup still lands, whole.
    t.close();
    let list = Library::backups_in(t.path()).unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    papershelf_core::backup::verify(&list[0].path).unwrap();
    let leftovers = fs::read_dir(backups_dir(&t))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".partial")
        })
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn backups_rotate_keeping_the_configured_number() {
    let t = TempLibrary::with_both_pages();
    fs::write(t.path().join("config.json"), r#"{"backups": {"keep": 3}}"#).unwrap();
    let mut names = Vec::new();
    for _ in 0..5 {
        names.push(t.lib().backup().unwrap().name);
    }
    let left: Vec<String> = t
        .lib()
        .backups()
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert_eq!(left.len(), 3, "{left:?}");
    // Newest first, and they are the last three taken.
    let mut newest: Vec<String> = names[2..].to_vec();
    newest.reverse();
    assert_eq!(left, newest);
    // Nothing but the backups themselves: no half-written copy, no -wal/-shm beside them.
    let files: Vec<String> = fs::read_dir(backups_dir(&t))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 3, "{files:?}");
}

#[test]
fn a_backup_is_a_consistent_database_with_everything() {
    let t = TempLibrary::with_both_pages();
    let id = t.all()[0].id.clone();
    t.lib().set_note(&id, "kept in the backup").unwrap();
    let b = t.lib().backup().unwrap();
    let conn = Connection::open(&b.path).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let note: String = conn
        .query_row("SELECT body FROM notes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(note, "kept in the backup");
    assert_eq!(b.papers, Some(226));
}

#[test]
fn restore_brings_back_the_backup_keeps_the_current_file_and_rebuilds_the_index() {
    let mut t = TempLibrary::with_both_pages();
    let id = t.all()[0].id.clone();
    t.lib().set_note(&id, "before the mistake").unwrap();
    let b = t.lib().backup().unwrap();
    // A mistake after the backup.
    t.lib().set_note(&id, "").unwrap();
    let extra = papershelf_core::NewPaper {
        title: "A Paper Added After The Backup".into(),
        ..Default::default()
    };
    t.lib().add_papers(&[extra], "test", "test").unwrap();
    assert!(t.lib().stats().unwrap().papers > 226);
    t.close();
    let report = Library::restore_backup(t.path(), Some(&b.name)).unwrap();
    assert_eq!(report.papers, 226);
    let kept = report.previous_kept_as.unwrap();
    assert!(kept.is_file());
    assert!(kept
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("library.sqlite.before-restore-"));
    t.reopen();
    let stats = t.lib().stats().unwrap();
    assert_eq!((stats.papers, stats.indexed), (226, 226));
    assert_eq!(
        t.lib().note(&id).unwrap().unwrap().body,
        "before the mistake"
    );
    assert!(t.titles("\"before the mistake\"").len() == 1);
    // The replaced file is a whole database too (its WAL went with it).
    let conn = Connection::open(&kept).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM works", [], |r| r.get(0))
        .unwrap();
    assert!(n > 226);
}

#[test]
fn restore_refuses_a_damaged_backup_and_picks_the_newest_good_one_by_default() {
    let mut t = TempLibrary::with_both_pages();
    let good = t.lib().backup().unwrap();
    let bad = t.lib().backup().unwrap();
    t.close();
    // Damage the newest: keep the header, garble the pages.
    let mut bytes = fs::read(&bad.path).unwrap();
    for b in bytes.iter_mut().skip(4096) {
        *b = 0x5A;
    }
    fs::write(&bad.path, &bytes).unwrap();
    let err = Library::restore_backup(t.path(), Some(&bad.name)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    assert!(err.to_string().contains("integrity"), "{err}");
    let report = Library::restore_backup(t.path(), None).unwrap();
    assert_eq!(report.restored.name, good.name);
    assert_eq!(report.papers, 226);
}

#[test]
fn a_damaged_database_is_reported_plainly_with_the_backup_to_restore() {
    let mut t = TempLibrary::with_both_pages();
    let good = t.lib().backup().unwrap();
    t.close();
    let db = t.path().join("library.sqlite");
    // Flush the WAL into the file first, then overwrite everything after the header page.
    {
        let conn = Connection::open(&db).unwrap();
        conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
            .unwrap();
    }
    let mut bytes = fs::read(&db).unwrap();
    for b in bytes.iter_mut().skip(4096) {
        *b = 0xA5;
    }
    fs::write(&db, &bytes).unwrap();
    // Make the daily check due.
    for b in t.lib_backups_paths() {
        let name = b
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace("library-2", "library-1");
        fs::rename(&b, b.with_file_name(name)).unwrap();
    }
    // The damage is found on open, or by the day's check beside the open library; either way
    // it is reported as Corrupt and nothing more is written onto the file.
    let err = match Library::open(t.path()) {
        Err(e) => e,
        Ok(lib) => {
            let err = lib.wait_for_daily_backup().unwrap_err();
            let id = PaperId::new("2310.02579");
            let write = lib.set_status(&id, Status::Read).unwrap_err();
            assert_eq!(write.code(), ErrorCode::Corrupt, "{write}");
            err
        }
    };
    assert_eq!(err.code(), ErrorCode::Corrupt, "{err}");
    let msg = err.to_string();
    assert!(msg.contains("damaged"), "{msg}");
    assert!(msg.contains("papershelf restore"), "{msg}");
    let renamed = good.name.replacen("library-2", "library-1", 1);
    assert!(
        matches!(&err, Error::Corrupt { newest_backup: Some(b), .. } if *b == renamed),
        "{err:?}"
    );
    // And the way out works.
    Library::restore_backup(t.path(), None).unwrap();
    t.reopen();
    assert_eq!(t.lib().stats().unwrap().papers, 226);
}

trait BackupPaths {
    fn lib_backups_paths(&self) -> Vec<std::path::PathBuf>;
}

impl BackupPaths for TempLibrary {
    fn lib_backups_paths(&self) -> Vec<std::path::PathBuf> {
        fs::read_dir(backups_dir(self))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    }
}

#[test]
fn a_migration_is_preceded_by_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    // A library written by the previous build: one schema version back, with a paper in it.
    let v = latest_version();
    write_library_at_version(dir.path(), v - 1);
    let lib = Library::open(dir.path()).unwrap();
    assert_eq!(lib.stats().unwrap().schema_version, v);
    assert_eq!(
        lib.paper(&PaperId::new("1506.03134")).unwrap().title,
        "Pointer Networks"
    );
    let backups = lib.backups().unwrap();
    assert!(!backups.is_empty());
    let old = Connection::open(&backups.last().unwrap().path).unwrap();
    let old_v: u32 = old
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(
        old_v,
        v - 1,
        "the backup holds the database as it was before migrating"
    );
    let titles: String = old
        .query_row("SELECT title FROM works", [], |r| r.get(0))
        .unwrap();
    assert_eq!(titles, "Pointer Networks");
}

#[test]
fn deleted_papers_leave_search_lists_and_counts_but_keep_everything_for_restore() {
    let mut t = TempLibrary::with_both_pages();
    let target = t.all()[0].clone();
    let id = target.id.clone();
    t.lib().set_note(&id, "a note worth keeping").unwrap();
    t.lib().add_tags(&id, &["keep".into()]).unwrap();
    t.lib().set_status(&id, Status::Reading).unwrap();
    assert_eq!(t.titles("\"a note worth keeping\"").len(), 1);

    assert_eq!(t.lib().delete_papers(std::slice::from_ref(&id)).unwrap(), 1);
    assert_eq!(
        t.lib().delete_papers(std::slice::from_ref(&id)).unwrap(),
        0,
        "already in the trash"
    );
    assert!(t.titles("\"a note worth keeping\"").is_empty());
    assert!(t.search("tag:keep").hits.is_empty());
    let stats = t.lib().stats().unwrap();
    assert_eq!((stats.papers, stats.indexed, stats.notes), (225, 225, 0));
    assert!(t
        .lib()
        .list(&ListFilter {
            limit: Some(1000),
            ..Default::default()
        })
        .unwrap()
        .iter()
        .all(|p| p.id != id));
    let trash = t.lib().trash().unwrap();
    assert_eq!(trash.len(), 1);
    assert_eq!(trash[0].id, id);
    assert!(trash[0].has_note);
    assert_eq!(trash[0].tags, vec!["keep".to_string()]);

    // The trash survives reopening (the index is not rebuilt with the paper in it).
    t.reopen();
    assert_eq!(t.lib().stats().unwrap().indexed, 225);

    assert_eq!(
        t.lib().restore_papers(std::slice::from_ref(&id)).unwrap(),
        1
    );
    let back = t.lib().paper(&id).unwrap();
    assert_eq!(back.note.unwrap().body, "a note worth keeping");
    assert_eq!(back.tags, vec!["keep".to_string()]);
    assert_eq!(back.status, Status::Reading);
    assert_eq!(
        t.titles("\"a note worth keeping\""),
        vec![target.title.clone()]
    );
    assert_eq!(t.lib().stats().unwrap().papers, 226);
    assert!(t.lib().trash().unwrap().is_empty());
}

#[test]
fn deleting_an_unknown_id_changes_nothing() {
    let t = TempLibrary::with_both_pages();
    let id = t.all()[0].id.clone();
    let err = t
        .lib()
        .delete_papers(&[id.clone(), PaperId::new("9999.99999")])
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert!(t.lib().trash().unwrap().is_empty());
    assert_eq!(t.lib().stats().unwrap().papers, 226);
}

#[test]
fn emptying_the_trash_deletes_for_good_and_respects_the_age_limit() {
    let t = TempLibrary::with_both_pages();
    let ids: Vec<PaperId> = t.all().into_iter().take(3).map(|p| p.id).collect();
    t.lib().set_note(&ids[0], "gone with it").unwrap();
    t.lib().delete_papers(&ids).unwrap();
    assert_eq!(
        t.lib().empty_trash(Some(30)).unwrap(),
        0,
        "deleted just now"
    );
    assert_eq!(t.lib().trash().unwrap().len(), 3);
    assert_eq!(t.lib().empty_trash(None).unwrap(), 3);
    assert!(t.lib().trash().unwrap().is_empty());
    assert_eq!(
        t.lib().paper(&ids[0]).unwrap_err().code(),
        ErrorCode::NotFound
    );
    let conn = Connection::open(t.path().join("library.sqlite")).unwrap();
    let orphans: i64 = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM notes) + (SELECT COUNT(*) FROM note_versions)
                  + (SELECT COUNT(*) FROM pragma_foreign_key_check)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
    assert_eq!(t.lib().stats().unwrap().papers, 223);
}

#[test]
fn a_stale_index_writer_lock_left_by_a_killed_process_does_not_block_writes() {
    let mut t = TempLibrary::with_both_pages();
    t.close();
    // What a SIGKILLed writer leaves: the lock files, with nobody holding them.
    fs::write(t.path().join("index/.tantivy-writer.lock"), b"").unwrap();
    fs::write(t.path().join("index/.tantivy-meta.lock"), b"").unwrap();
    t.reopen();
    let id = t.all()[0].id.clone();
    t.lib()
        .set_note(&id, "written after the stale lock")
        .unwrap();
    assert_eq!(t.titles("\"written after the stale lock\"").len(), 1);
    let stats = t.lib().stats().unwrap();
    assert_eq!((stats.papers, stats.indexed), (226, 226));
}
