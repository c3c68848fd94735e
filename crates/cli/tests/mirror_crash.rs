//! The open mirror when the process writing it is killed: the real `papershelf` binary tags a
//! paper (which commits, acknowledges, then brings the mirror up to date before it exits) and
//! is SIGKILLed, alternately at a seeded random moment and at the moment a temporary mirror
//! file is seen (a write in progress).
//!
//! A kill counts as landing mid-write when the temporary file is still there after the process
//! is dead: it was created and not yet renamed over its target. Every kill aimed at a write must
//! land there (a run that finishes first is retried with the next tag), so the mid-write window
//! is always exercised, however fast or slow the machine.
//!
//! After every kill, every file in the mirror is whole (`library.bib` and `library.json` hold
//! every paper and parse without a skipped entry, every notes file parses); the next command
//! brings the mirror up to date, leaves no temporary file behind, and the mirror then holds
//! every tag the CLI acknowledged.
//!
//! `PAPERSHELF_CRASH_KILLS=N` sets the kills (default 20), `PAPERSHELF_CRASH_SEED` replays a
//! seed (by default one fixed seed and one from the clock run, each printed).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use papershelf_core::interop::{bibtex, csl, markdown};

mod common;
use common::{papershelf, rounds_for, Round};

/// Papers in the library: enough that writing the mirror takes a good part of each command.
const PAPERS: usize = 2_000;

/// Runs a kill aimed at a write may take before one lands mid-write (each is one command; a
/// miss needs the write to finish between seeing its temporary file and the kill).
const AIMED_TRIES: usize = 100;

fn ok(lib: &Path, args: &[&str]) -> String {
    let out = papershelf(lib, args).output().expect("the binary runs");
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// When to kill a `tag add`.
#[derive(Clone, Copy, Debug)]
enum KillAt {
    /// This long after it started.
    After(Duration),
    /// As soon as a temporary file appears in the mirror folder.
    FirstTempFile,
}

/// Runs `papershelf tag add ID TAG` and SIGKILLs it as `at` says (unless it exits first); the
/// stdout it printed and whether it was killed.
fn tag_killed(lib: &Path, mirror: &Path, id: &str, tag: &str, at: KillAt) -> (String, bool) {
    let mut child = papershelf(lib, &["tag", "add", id, tag])
        .spawn()
        .expect("the binary starts");
    let started = Instant::now();
    let killed = loop {
        if child.try_wait().unwrap().is_some() {
            break false;
        }
        let now = match at {
            KillAt::After(d) => started.elapsed() >= d,
            // The top folder only: listing it is cheap, so the poll is fast next to a write.
            KillAt::FirstTempFile => !temp_files_in(mirror).is_empty(),
        };
        if now {
            // SIGKILL on Unix: no destructor, no flush.
            child.kill().unwrap();
            break true;
        }
        match at {
            KillAt::After(_) => std::thread::sleep(Duration::from_micros(200)),
            KillAt::FirstTempFile => std::thread::yield_now(),
        }
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

/// Files in `dir` that are not a finished mirror file: a write in progress (a writer's lock
/// file, `*.lock`, is not one).
fn temp_files_in(dir: &Path) -> Vec<PathBuf> {
    let is_notes = dir.file_name().is_some_and(|n| n == "notes");
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let finished = if is_notes {
                name.ends_with(".md") && !name.starts_with('.')
            } else {
                [
                    "library.bib",
                    "library.json",
                    ".papershelf-mirror.json",
                    "notes",
                ]
                .contains(&name.as_str())
            };
            !finished && !name.ends_with(".lock")
        })
        .map(|e| e.path())
        .collect()
}

/// Temporary files anywhere in the mirror.
fn temp_files(mirror: &Path) -> Vec<PathBuf> {
    let mut all = temp_files_in(mirror);
    all.extend(temp_files_in(&mirror.join("notes")));
    all
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

/// What the rounds saw.
#[derive(Default)]
struct Tally {
    runs: usize,
    killed: usize,
    mid_write: usize,
    aimed: usize,
    aimed_mid_write: usize,
    behind: usize,
    acknowledged: usize,
}

#[test]
fn a_mirror_write_killed_at_any_moment_leaves_whole_files_and_catches_up() {
    let mut tally = Tally::default();
    for round in rounds_for("mirror crash") {
        kill_round(round, &mut tally);
    }
    eprintln!(
        "mirror crash: {} runs, {} killed, {} of them mid-write ({} of {} kills aimed at a \
         write), {} left the mirror behind; {} acknowledged tags all in the mirror",
        tally.runs,
        tally.killed,
        tally.mid_write,
        tally.aimed_mid_write,
        tally.aimed,
        tally.behind,
        tally.acknowledged
    );
    assert!(tally.aimed > 0, "no kill was aimed at a write");
    assert_eq!(
        tally.aimed_mid_write, tally.aimed,
        "every kill aimed at a write lands while a temporary file exists"
    );
}

/// One seed's kills on a fresh library and mirror.
fn kill_round(round: Round, tally: &mut Tally) {
    let Round {
        mut rng,
        seed,
        kills,
    } = round;
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
    let mut runs = 0usize;
    for k in 0..kills {
        // Every other kill waits for a write in progress; the others fall anywhere.
        let aimed = k % 2 == 1;
        let mut tries = 0;
        loop {
            tries += 1;
            runs += 1;
            let id = format!("2310.{:05}", rng.below(PAPERS as u64) + 1);
            let tag = format!("crash{runs}");
            let at = if aimed {
                KillAt::FirstTempFile
            } else {
                KillAt::After(Duration::from_micros(
                    rng.below(typical.as_micros() as u64 * 6 / 5),
                ))
            };
            let (stdout, killed) = tag_killed(&lib, &mirror, &id, &tag, at);
            let when = format!("kill {k} (seed {seed}, {at:?} in `tag add {id} {tag}`)");
            if stdout.contains(&tag) {
                acknowledged.push(tag.clone());
            }
            let mid_write = killed && !temp_files(&mirror).is_empty();
            tally.runs += 1;
            tally.killed += usize::from(killed);
            tally.mid_write += usize::from(mid_write);
            check_and_catch_up(&lib, &mirror, &acknowledged, &when, tally);
            if !aimed || mid_write {
                if aimed {
                    tally.aimed += 1;
                    tally.aimed_mid_write += 1;
                }
                break;
            }
            if tries == AIMED_TRIES {
                tally.aimed += 1;
                break;
            }
        }
    }
    tally.acknowledged += acknowledged.len();
    eprintln!("[mirror crash] seed {seed}: {kills} kills, all checks passed");
}

/// After a run: the mirror is whole as the kill left it; the next command finds it behind (if
/// it is), brings it up to date with no temporary file left, and it holds every acknowledged
/// tag.
fn check_and_catch_up(
    lib: &Path,
    mirror: &Path,
    acknowledged: &[String],
    when: &str,
    tally: &mut Tally,
) {
    assert_whole(mirror, when);
    let status: serde_json::Value =
        serde_json::from_str(ok(lib, &["mirror", "status", "--json"]).trim()).unwrap();
    if status["dirty"] == true {
        tally.behind += 1;
    }
    ok(lib, &["stats"]);
    let status: serde_json::Value =
        serde_json::from_str(ok(lib, &["mirror", "status", "--json"]).trim()).unwrap();
    assert_eq!(status["dirty"], false, "{when}: {status}");
    assert!(status["lastError"].is_null(), "{when}: {status}");
    assert_eq!(
        temp_files(mirror),
        Vec::<PathBuf>::new(),
        "{when}: temporary files left"
    );
    assert_whole(mirror, when);
    let json = std::fs::read_to_string(mirror.join("library.json")).unwrap();
    let tags: std::collections::HashSet<String> = csl::parse(&json)
        .records
        .into_iter()
        .flat_map(|r| r.tags)
        .collect();
    for t in acknowledged {
        assert!(
            tags.contains(t),
            "{when}: the acknowledged tag {t} is not in the mirror"
        );
    }
}
