//! The open mirror when the process writing it is killed: the real `papershelf` binary tags a
//! paper (which commits, acknowledges, then brings the mirror up to date before it exits) and
//! is SIGKILLed at seeded random moments, many of them in the middle of writing the mirror.
//!
//! After every kill, every file in the mirror is whole (`library.bib` and `library.json` hold
//! every paper and parse without a skipped entry, every notes file parses); the next command
//! brings the mirror up to date, leaves no temporary file behind, and the mirror then holds
//! every tag the CLI acknowledged.
//!
//! `PAPERSHELF_CRASH_KILLS=N` sets the kills (default 20), `PAPERSHELF_CRASH_SEED` the seed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use papershelf_core::interop::{bibtex, csl, markdown};

mod common;
use common::{kills_wanted, papershelf, rng_for};

/// Papers in the library: enough that writing the mirror takes a good part of each command.
const PAPERS: usize = 2_000;

fn ok(lib: &Path, args: &[&str]) -> String {
    let out = papershelf(lib, args).output().expect("the binary runs");
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `papershelf tag add ID TAG`, SIGKILLed after `kill_after`; the stdout it printed and
/// whether it was killed.
fn tag_killed(lib: &Path, id: &str, tag: &str, kill_after: Duration) -> (String, bool) {
    let mut child = papershelf(lib, &["tag", "add", id, tag])
        .spawn()
        .expect("the binary starts");
    let started = Instant::now();
    let killed = loop {
        if child.try_wait().unwrap().is_some() {
            break false;
        }
        if started.elapsed() >= kill_after {
            // SIGKILL on Unix: no destructor, no flush.
            child.kill().unwrap();
            break true;
        }
        std::thread::sleep(Duration::from_micros(200));
    };
    let out = child.wait_with_output().unwrap();
    (String::from_utf8_lossy(&out.stdout).into_owned(), killed)
}

fn snapshot(n: usize) -> String {
    (0..n)
        .map(|i| {
            serde_json::json!({
                "id": format!("2310.{:05}", i + 1),
                "title": format!("Paper {i} on mirrored quokkas"),
                "abstract": format!("Abstract {i}: every file whole."),
                "authors": "Ada Lovelace and Alan Turing",
                "categories": "cs.LG",
                "versions": [{ "version": "v1", "created": "Mon, 2 Oct 2023 10:00:00 GMT" }],
                "update_date": "2023-10-02",
            })
            .to_string()
                + "\n"
        })
        .collect()
}

fn temp_files(mirror: &Path) -> Vec<PathBuf> {
    [mirror.to_path_buf(), mirror.join("notes")]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap().flatten())
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".papershelf-tmp"))
        .collect()
}

/// Every mirror file is complete: the BibTeX and CSL-JSON files hold all papers with nothing
/// unreadable, and every notes file parses.
fn assert_whole(mirror: &Path, when: &str) {
    let bib = std::fs::read_to_string(mirror.join("library.bib")).unwrap();
    let parsed = bibtex::parse(&bib);
    assert!(parsed.skipped.is_empty(), "{when}: {:?}", parsed.skipped);
    assert_eq!(parsed.records.len(), PAPERS, "{when}: library.bib");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(mirror.join("library.json")).unwrap())
            .unwrap_or_else(|e| panic!("{when}: library.json is not whole JSON: {e}"));
    assert_eq!(json.as_array().map(Vec::len), Some(PAPERS), "{when}");
    let mut notes = 0;
    for e in std::fs::read_dir(mirror.join("notes")).unwrap().flatten() {
        let path = e.path();
        if path.extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(&path).unwrap();
            let p = markdown::parse(&text);
            assert!(
                p.skipped.is_empty() && p.records.len() == 1,
                "{when}: {} is not whole: {:?}",
                path.display(),
                p.skipped
            );
            notes += 1;
        }
    }
    assert_eq!(notes, PAPERS, "{when}: notes files");
}

#[test]
fn a_mirror_write_killed_at_any_moment_leaves_whole_files_and_catches_up() {
    let kills = kills_wanted();
    let (mut rng, seed) = rng_for("mirror crash");

    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("library");
    let mirror = dir.path().join("mirror");
    let jsonl = dir.path().join("snapshot.jsonl");
    std::fs::write(&jsonl, snapshot(PAPERS)).unwrap();
    ok(&lib, &["import", "arxiv-jsonl", jsonl.to_str().unwrap()]);
    ok(&lib, &["mirror", "enable", mirror.to_str().unwrap()]);
    assert_whole(&mirror, "after enable");

    // How long one uninterrupted command takes, mirror write included.
    let started = Instant::now();
    ok(&lib, &["tag", "add", "2310.00001", "warmup"]);
    let typical = started.elapsed();

    let mut acknowledged: Vec<String> = vec!["warmup".into()];
    let (mut interrupted, mut leftovers_seen, mut behind) = (0, 0, 0);
    for k in 0..kills {
        let id = format!("2310.{:05}", rng.below(PAPERS as u64) + 1);
        let tag = format!("crash{k}");
        let micros = rng.below(typical.as_micros() as u64 * 6 / 5);
        let (stdout, killed) = tag_killed(&lib, &id, &tag, Duration::from_micros(micros));
        let when = format!("kill {k} (seed {seed}, {micros} µs into `tag add {id} {tag}`)");
        if stdout.contains(&tag) {
            acknowledged.push(tag.clone());
        }
        if killed {
            interrupted += 1;
        }
        if !temp_files(&mirror).is_empty() {
            leftovers_seen += 1;
        }
        assert_whole(&mirror, &when);

        // The next command finds the mirror behind (if it is) and brings it up to date.
        let status: serde_json::Value =
            serde_json::from_str(ok(&lib, &["mirror", "status", "--json"]).trim()).unwrap();
        if status["dirty"] == true {
            behind += 1;
        }
        ok(&lib, &["stats"]);
        let status: serde_json::Value =
            serde_json::from_str(ok(&lib, &["mirror", "status", "--json"]).trim()).unwrap();
        assert_eq!(status["dirty"], false, "{when}: {status}");
        assert!(status["lastError"].is_null(), "{when}: {status}");
        assert!(
            temp_files(&mirror).is_empty(),
            "{when}: temporary files left"
        );
        assert_whole(&mirror, &when);
        let json = std::fs::read_to_string(mirror.join("library.json")).unwrap();
        let tags: std::collections::HashSet<String> = csl::parse(&json)
            .records
            .into_iter()
            .flat_map(|r| r.tags)
            .collect();
        for t in &acknowledged {
            assert!(
                tags.contains(t),
                "{when}: the acknowledged tag {t} is not in the mirror"
            );
        }
    }
    eprintln!(
        "mirror crash: {kills} runs, {interrupted} killed, {leftovers_seen} left a temporary \
         file, {behind} left the mirror behind; {} acknowledged tags all in the mirror \
         (command time {typical:?})",
        acknowledged.len()
    );
    assert!(
        interrupted > 0,
        "no run was interrupted; the kill points are too late"
    );
}
