//! arXiv snapshot JSON Lines: bad lines are reported and skipped, and an interrupted import
//! resumes where its last batch was committed.

use std::fs;
use std::path::{Path, PathBuf};

use papershelf_core::{ErrorCode, ImportProgress, PaperId};
use rusqlite::Connection;

use crate::support::*;

/// The lines of the broken fixture that must be skipped, with a word each reason must contain.
/// Line 6 is blank: blank lines are passed over silently, like a trailing newline.
const BROKEN_LINES: [(usize, &str); 10] = [
    (2, "JSON"),            // cut off mid-string
    (3, "id"),              // no id
    (4, "type"),            // authors_parsed is a string
    (5, "id"),              // id is null
    (7, "JSON"),            // single quotes
    (8, "byte order mark"), // a BOM is legal only at the start of the file
    (9, "UTF-8"),           // invalid bytes in the title
    (10, "2108.8810"),      // impossible arXiv id
    (13, "object"),         // an array, not an object
    (14, "trailing"),       // two records glued together
];

/// The good lines of the broken fixture: line 1, 11 (line 1's paper again, now with a v2) and 12.
const BROKEN_GOOD_IDS: [&str; 2] = ["1506.03134", "2004.07667"];

#[test]
fn malformed_lines_are_reported_with_line_number_and_reason_and_the_rest_imports() {
    let t = TempLibrary::new();
    let report = t.import_snapshot(SNAPSHOT_BROKEN);
    let skipped: Vec<usize> = report.skipped.iter().map(|s| s.line).collect();
    assert_eq!(
        skipped,
        BROKEN_LINES.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        "{:#?}",
        report.skipped
    );
    for (entry, (line, word)) in report.skipped.iter().zip(BROKEN_LINES) {
        assert!(
            entry.reason.contains(word),
            "line {line}: {:?} should mention {word:?}",
            entry.reason
        );
    }
    // Two distinct papers; line 11 brings line 1's paper again with a second version.
    assert_eq!(
        (report.added, report.updated, report.unchanged),
        (2, 1, 0),
        "{report:?}"
    );
    assert_eq!(report.origin, SNAPSHOT_BROKEN);
    for id in BROKEN_GOOD_IDS {
        let paper = t.lib().paper(&PaperId::new(id)).unwrap();
        assert!(!paper.authors.is_empty(), "{id}");
        assert!(paper.year.is_some(), "{id}");
    }
    let versions: Vec<u32> = t
        .lib()
        .paper(&PaperId::new("1506.03134"))
        .unwrap()
        .versions
        .iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(versions, [1, 2]);
    let stored: Vec<String> = t.all().into_iter().map(|p| p.id.to_string()).collect();
    assert_eq!(stored.len(), 2, "{stored:?}");
    // None of the malformed lines' papers slipped in.
    for id in [
        "1508.06576",
        "2309.08600",
        "2210.13382",
        "1703.00810",
        "1802.07088",
        "1711.11279",
    ] {
        let err = t.lib().paper(&PaperId::new(id)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotFound, "{id}");
    }
}

#[test]
fn reimporting_the_broken_file_reports_the_same_lines_and_changes_nothing() {
    let t = TempLibrary::new();
    let first = t.import_snapshot(SNAPSHOT_BROKEN);
    let second = t.import_snapshot(SNAPSHOT_BROKEN);
    assert_eq!(second.skipped, first.skipped);
    assert_eq!(
        (second.added, second.updated, second.unchanged),
        (0, 0, 3),
        "{second:?}"
    );
}

#[test]
fn a_missing_file_is_an_io_error_naming_the_path() {
    let t = TempLibrary::new();
    let path = t.path().join("no-such-snapshot.jsonl");
    let err = t
        .lib()
        .import_arxiv_jsonl(&path, &mut |_| {})
        .expect_err("a missing file cannot import");
    assert_eq!(err.code(), ErrorCode::Io);
    assert!(err.to_string().contains("no-such-snapshot.jsonl"), "{err}");
}

#[test]
fn progress_is_reported_up_to_the_file_size() {
    let t = TempLibrary::new();
    let mut seen: Vec<ImportProgress> = Vec::new();
    t.lib()
        .import_arxiv_jsonl(&snapshot_path(SNAPSHOT_SAMPLE), &mut |p| seen.push(p))
        .unwrap();
    let size = fs::metadata(snapshot_path(SNAPSHOT_SAMPLE)).unwrap().len();
    let last = seen.last().expect("at least one progress report");
    assert_eq!(
        (last.bytes_done, last.bytes_total, last.records),
        (size, size, 50)
    );
}

/// Copies the sample into `dir` so its fingerprint belongs to this test alone.
fn copy_sample(dir: &Path) -> PathBuf {
    let path = dir.join("snapshot.jsonl");
    fs::copy(snapshot_path(SNAPSHOT_SAMPLE), &path).unwrap();
    path
}

/// Byte offset just after line `n` (1-based).
fn offset_after_line(path: &Path, n: usize) -> u64 {
    let bytes = fs::read(path).unwrap();
    let mut seen = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            seen += 1;
            if seen == n {
                return i as u64 + 1;
            }
        }
    }
    panic!("fewer than {n} lines");
}

fn ids_of_lines(path: &Path, lines: std::ops::RangeInclusive<usize>) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .enumerate()
        .filter(|(i, _)| lines.contains(&(i + 1)))
        .map(|(_, l)| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// Rewinds the library to the state an import interrupted after line `n` leaves behind: the job
/// row says line `n` was committed, and the papers of later lines are not in the database.
fn simulate_interruption_after(t: &mut TempLibrary, file: &Path, n: usize) {
    t.close();
    let conn = Connection::open(t.path().join("library.sqlite")).unwrap();
    let changed = conn
        .execute(
            "UPDATE import_jobs SET done = 0, offset = ?1, line = ?2",
            rusqlite::params![offset_after_line(file, n) as i64, n as i64],
        )
        .unwrap();
    assert_eq!(changed, 1, "one import job recorded");
    for id in ids_of_lines(file, n + 1..=50) {
        let deleted = conn
            .execute("DELETE FROM works WHERE arxiv_id = ?1", [&id])
            .unwrap();
        assert_eq!(deleted, 1, "{id}");
    }
    drop(conn);
    t.reopen();
    assert_eq!(t.lib().stats().unwrap().papers, n as u64);
    assert_eq!(t.lib().stats().unwrap().indexed, n as u64);
}

#[test]
fn an_interrupted_import_resumes_after_the_last_committed_line() {
    let mut t = TempLibrary::new();
    let file = copy_sample(t.path());
    let full = t.lib().import_arxiv_jsonl(&file, &mut |_| {}).unwrap();
    assert_eq!(full.added, 50);

    simulate_interruption_after(&mut t, &file, 20);
    let resumed = t.lib().import_arxiv_jsonl(&file, &mut |_| {}).unwrap();
    assert_eq!(resumed.resumed_after_line, Some(20), "{resumed:?}");
    // Only lines 21–50 were read again.
    assert_eq!(
        (resumed.added, resumed.updated, resumed.unchanged),
        (30, 0, 0),
        "{resumed:?}"
    );
    assert_eq!(t.lib().stats().unwrap().papers, 50);
    assert_eq!(
        t.titles("pointer networks ").first().map(String::as_str),
        Some("Pointer Networks")
    );
    assert_eq!(
        t.titles("retrieval head mechanistically")
            .first()
            .map(String::as_str),
        Some("Retrieval Head Mechanistically Explains Long-Context Factuality")
    );

    // A finished import is not resumed: importing again reads the whole file.
    let again = t.lib().import_arxiv_jsonl(&file, &mut |_| {}).unwrap();
    assert_eq!(again.resumed_after_line, None);
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 50));
}

#[test]
fn an_interrupted_import_of_a_file_that_changed_since_starts_over() {
    let mut t = TempLibrary::new();
    let file = copy_sample(t.path());
    t.lib().import_arxiv_jsonl(&file, &mut |_| {}).unwrap();
    simulate_interruption_after(&mut t, &file, 20);

    // The file grows by one line: its fingerprint no longer matches the saved job.
    let broken = fs::read(snapshot_path(SNAPSHOT_BROKEN)).unwrap();
    let line_12 = broken.split(|b| *b == b'\n').nth(11).unwrap();
    let mut text = fs::read(&file).unwrap();
    text.extend_from_slice(line_12);
    text.push(b'\n');
    fs::write(&file, text).unwrap();

    let report = t.lib().import_arxiv_jsonl(&file, &mut |_| {}).unwrap();
    assert_eq!(report.resumed_after_line, None, "{report:?}");
    // Lines 1–20 are read again (unchanged), 21–50 come back, line 51 is Null It Out again.
    assert_eq!(
        (report.added, report.updated, report.unchanged),
        (30, 0, 21),
        "{report:?}"
    );
}

#[test]
fn a_bulk_import_leaves_no_grown_write_ahead_log_behind() {
    let t = TempLibrary::new();
    let report = t
        .lib()
        .import_arxiv_jsonl(&snapshot_path(SNAPSHOT_SAMPLE), &mut |_| {})
        .unwrap();
    let wal = t.path().join("library.sqlite-wal");
    let size = fs::metadata(&wal).map_or(0, |m| m.len());
    assert_eq!(
        size,
        0,
        "{} is {size} bytes after the import",
        wal.display()
    );
    // And the papers are all there.
    assert_eq!(t.lib().stats().unwrap().papers, report.added);
}

#[test]
fn long_abstracts_are_stored_compressed_and_read_back_the_same_everywhere() {
    let mut t = TempLibrary::new();
    t.import_snapshot(SNAPSHOT_SAMPLE);
    let conn = Connection::open(t.path().join("library.sqlite")).unwrap();
    let (packed, plain): (i64, i64) = conn
        .query_row(
            "SELECT SUM(typeof(abstract) = 'blob'), SUM(typeof(abstract) = 'text') FROM works",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(packed > 10, "{packed} packed, {plain} plain");

    // The paper, its snippet and the index built from SQLite all see the whole text.
    let id = PaperId::new("1506.03134");
    let abstract_text = t.lib().paper(&id).unwrap().abstract_text;
    assert!(abstract_text.starts_with("We introduce a new neural architecture"));
    assert!(abstract_text.ends_with("neural learning for discrete problems."));
    let hits = t.search("travelling salesman").hits;
    assert_eq!(hits[0].paper.id, id);
    assert!(hits[0].abstract_snippet.text.contains("Salesman"));
    t.lib().reindex().unwrap();
    assert_eq!(
        t.search("\"planar travelling salesman\"").hits[0].paper.id,
        id
    );

    // A row written as plain text (by a Papershelf before packing) reads as before.
    let older = "An abstract stored as plain text by an older version. ".repeat(8);
    conn.execute(
        "UPDATE works SET abstract = ?1 WHERE id = ?2",
        rusqlite::params![older, id.as_str()],
    )
    .unwrap();
    drop(conn);
    t.reopen();
    assert_eq!(t.lib().paper(&id).unwrap().abstract_text, older);
}
