//! Crash harness: the real `papershelf` binary is killed with SIGKILL at seeded random points
//! during a bulk JSONL import, a sync against the local fixture server, and a loop of note,
//! tag and status edits. After every kill the library is reopened and checked:
//!
//! - `PRAGMA integrity_check` and `PRAGMA foreign_key_check` are clean;
//! - every write the CLI acknowledged (printed) before the kill is there;
//! - no paper is half-written (each work has its source record and, for the snapshot, its
//!   versions; an import holds exactly the papers of the lines its saved position covers;
//!   a Daily Papers day is all there or not at all);
//! - the tantivy index agrees with SQLite after the automatic repair on open (document count
//!   equals the work count, spot searches find papers that are there and only those);
//! - running the interrupted job again finishes with no duplicates and the same library as a
//!   run that was never interrupted (a canonical dump of ids, titles, tags, notes, statuses).
//!
//! Environment:
//! - `PAPERSHELF_CRASH_SEED=N` replays a run (the seed is printed on stderr);
//! - `PAPERSHELF_CRASH_KILLS=N` kills per scenario (default 20);
//! - `PAPERSHELF_CRASH_FULL=1` imports 100,000 papers instead of 20,000 and adds an
//!   arXiv-category subscription to the sync scenario (slow: arXiv requests are 3 s apart).
//!
//! Run: `cargo test -p papershelf-cli --test crash -- --nocapture`.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use papershelf_core::{Library, PaperId, SearchOptions};
use rusqlite::Connection;

mod common;
use common::{papershelf, rounds_for, Rng};

// ---------------------------------------------------------------------------------------------
// Settings and randomness

fn full() -> bool {
    std::env::var("PAPERSHELF_CRASH_FULL").is_ok_and(|v| v == "1")
}

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures")
        .join(relative)
}

// ---------------------------------------------------------------------------------------------
// Running the binary and killing it

/// What one run of the binary did.
struct Run {
    /// True when the harness killed it; false when it exited on its own.
    killed: bool,
    status: ExitStatus,
    /// Everything it printed before it ended (read as it was written).
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

fn drain(mut pipe: impl Read + Send + 'static) -> (Arc<Mutex<Vec<u8>>>, JoinHandle<()>) {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&buf);
    let handle = std::thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        while let Ok(n) = pipe.read(&mut chunk) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    (buf, handle)
}

/// Runs `cmd` and SIGKILLs it after `kill_after` unless it exits first.
fn run(mut cmd: Command, kill_after: Option<Duration>) -> Run {
    let started = Instant::now();
    let mut child: Child = cmd.spawn().expect("the binary starts");
    let (out, out_thread) = drain(child.stdout.take().unwrap());
    let (err, err_thread) = drain(child.stderr.take().unwrap());
    let mut killed = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if kill_after.is_some_and(|d| started.elapsed() >= d) {
            // `Child::kill` is SIGKILL on Unix: no destructor, no flush, no clean shutdown.
            child.kill().unwrap();
            killed = true;
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let elapsed = started.elapsed();
    out_thread.join().unwrap();
    err_thread.join().unwrap();
    let text = |b: &Arc<Mutex<Vec<u8>>>| String::from_utf8_lossy(&b.lock().unwrap()).into_owned();
    Run {
        killed,
        status,
        stdout: text(&out),
        stderr: text(&err),
        elapsed,
    }
}

/// Runs to the end and expects success.
fn run_ok(cmd: Command, what: &str) -> Run {
    let r = run(cmd, None);
    assert!(
        r.status.success(),
        "{what} failed ({}):\n{}\nstdout: {}",
        r.status,
        r.stderr,
        r.stdout
    );
    assert!(!r.stderr.contains("panicked"), "{what}: {}", r.stderr);
    r
}

// ---------------------------------------------------------------------------------------------
// Checks after a kill

/// The raw database is sound, and no work lacks its source record.
fn check_sqlite(dir: &Path) -> Connection {
    let conn = Connection::open(dir.join("library.sqlite")).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok", "integrity_check");
    let version: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    if version == 0 {
        // Killed before the first migration committed: an empty database, which is whole.
        let tables: i64 = conn
            .query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 0, "schema version 0 with tables in it");
        drop(conn);
        drop(Library::open(dir).expect("an empty library opens"));
        return check_sqlite(dir);
    }
    let fk_violations: i64 = conn
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk_violations, 0, "foreign_key_check");
    let orphans: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM works w
             WHERE NOT EXISTS (SELECT 1 FROM source_records s WHERE s.work_key = w.key)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0, "works without a source record");
    conn
}

/// Reopens through the core (which repairs the index) and checks the index agrees.
fn reopen_checked(dir: &Path) -> Library {
    let lib = Library::open(dir).expect("the library reopens after a kill");
    let stats = lib.stats().unwrap();
    assert_eq!(
        stats.indexed, stats.papers,
        "index documents vs works after reopening"
    );
    lib
}

/// Ids of the works whose search for `word` finds them.
fn search_ids(lib: &Library, query: &str) -> Vec<String> {
    lib.search(query, &SearchOptions::default())
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.paper.id.to_string())
        .collect()
}

/// One line per work: id, title, status, tags, note, sources, versions.
fn canonical_dump(dir: &Path) -> Vec<String> {
    let conn = Connection::open(dir.join("library.sqlite")).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT w.id, w.title, w.status,
                (SELECT group_concat(name, ',') FROM
                    (SELECT t.name FROM work_tags wt JOIN tags t ON t.key = wt.tag_key
                     WHERE wt.work_key = w.key ORDER BY t.name)),
                (SELECT body FROM notes n WHERE n.work_key = w.key),
                (SELECT group_concat(s, ',') FROM
                    (SELECT source || ':' || origin AS s FROM source_records
                     WHERE work_key = w.key ORDER BY s)),
                (SELECT COUNT(*) FROM work_versions v WHERE v.work_key = w.key),
                w.upvotes,
                w.authors || ' | ' || w.categories || ' | ' || ifnull(w.published, '') || ' | '
                    || w.content_hash || ' | ' || length(w.abstract)
             FROM works w ORDER BY w.id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok(format!(
                "{}\t{}\t{}\t{}\t{:?}\t{}\t{}\t{:?}\t{}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                r.get::<_, i64>(6)?,
                r.get::<_, Option<i64>>(7)?,
                r.get::<_, String>(8)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    rows
}

fn assert_same_library(got: &[String], want: &[String], what: &str) {
    if got != want {
        let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).take(5).collect();
        let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).take(5).collect();
        panic!(
            "{what}: {} works vs {} expected\nmissing (first 5): {missing:#?}\nextra (first 5): {extra:#?}",
            got.len(),
            want.len()
        );
    }
}

/// A summary line for the end of a scenario.
fn report(scenario: &str, kills: usize, writes_checked: usize, started: Instant, extra: &str) {
    eprintln!(
        "[{scenario}] survived {kills} kills, {writes_checked} acknowledged writes checked, {:.1}s{extra}",
        started.elapsed().as_secs_f64()
    );
}

// ---------------------------------------------------------------------------------------------
// (a) Bulk import

/// A realistic arXiv snapshot of `n` records (plus ~1% repeated ids carrying a new version),
/// deterministic. Returns the file text and, per line, the record's id and title word.
fn snapshot_corpus(n: usize) -> (String, Vec<(String, String)>) {
    const WORDS: &[&str] = &[
        "attention",
        "graph",
        "diffusion",
        "contrastive",
        "sparse",
        "latent",
        "robust",
        "federated",
        "causal",
        "spectral",
        "bayesian",
        "transformer",
        "kernel",
        "recurrent",
        "adversarial",
        "meta",
        "equivariant",
        "variational",
        "neural",
        "language",
        "vision",
        "policy",
        "reward",
        "token",
        "memory",
        "retrieval",
        "embedding",
        "pruning",
        "distillation",
        "quantized",
        "stochastic",
        "gradient",
        "manifold",
        "operator",
        "benchmark",
        "protein",
    ];
    const FIRST: &[&str] = &[
        "Wei", "Maria", "John", "Aiko", "Olga", "Kwame", "Priya", "Lucas", "Zoë", "Jürgen",
        "Fatima", "Hyun", "Søren", "Elena", "Diego", "Mei",
    ];
    const LAST: &[&str] = &[
        "Zhang", "Smith", "Okafor", "Müller", "Tanaka", "Kumar", "García", "Novak", "Kim", "Rossi",
        "Nguyen", "Dubois", "Ivanov", "Silva", "Chen", "O'Neill",
    ];
    const CATS: &[&str] = &[
        "cs.LG",
        "cs.CV",
        "cs.CL",
        "cs.AI stat.ML",
        "stat.ML cs.LG",
        "cs.NE",
    ];
    const SYLLABLES: &[&str] = &[
        "ka", "ro", "vi", "tem", "lu", "zan", "por", "qui", "sel", "ba", "dro", "fen", "gu", "hal",
        "jo", "mex",
    ];
    let mut rng = Rng(42);
    let mut text = String::with_capacity(n * 1_400);
    let mut lines = Vec::with_capacity(n + n / 100);
    type Written = (
        String,
        String,
        String,
        String,
        Vec<(&'static str, &'static str)>,
        u64,
    );
    let mut written: Vec<Written> = Vec::new();
    for i in 0..n {
        // A coined word unique to this paper, so a search for it has exactly one answer.
        // Five syllables each: no coined word is a prefix of another (search completes the
        // last word as a prefix).
        let mut coined = String::from("zy");
        let mut k = i;
        for _ in 0..5 {
            coined.push_str(SYLLABLES[k % SYLLABLES.len()]);
            k /= SYLLABLES.len();
        }
        let id = format!(
            "{:02}{:02}.{:05}",
            15 + (i / 90_000) % 10,
            1 + (i / 7_500) % 12,
            1 + i % 99_999
        );
        let w = |rng: &mut Rng| WORDS[rng.below(WORDS.len() as u64) as usize];
        let title = format!(
            "{} {} {} for {}\n  {} {}",
            capitalise(w(&mut rng)),
            w(&mut rng),
            capitalise(&coined),
            w(&mut rng),
            w(&mut rng),
            w(&mut rng)
        );
        let n_authors = 1 + rng.below(6) as usize;
        let people: Vec<(&str, &str)> = (0..n_authors)
            .map(|_| {
                (
                    FIRST[rng.below(FIRST.len() as u64) as usize],
                    LAST[rng.below(LAST.len() as u64) as usize],
                )
            })
            .collect();
        let mut abstract_text = String::from("  ");
        for s in 0..(4 + rng.below(5)) {
            let _ = write!(
                abstract_text,
                "We study {} {} {} and",
                w(&mut rng),
                w(&mut rng),
                w(&mut rng)
            );
            let _ = write!(
                abstract_text,
                " show that {} {} improves {} on {} tasks.",
                w(&mut rng),
                w(&mut rng),
                w(&mut rng),
                w(&mut rng)
            );
            abstract_text.push(if s % 2 == 0 { '\n' } else { ' ' });
        }
        let day = 1 + rng.below(28);
        written.push((
            id.clone(),
            title.clone(),
            abstract_text.clone(),
            coined.clone(),
            people.clone(),
            day,
        ));
        push_record(
            &mut text,
            &id,
            &title,
            &people,
            &abstract_text,
            CATS[i % CATS.len()],
            day,
            1,
        );
        lines.push((id, coined));
        // Now and then a later line brings a new version of an earlier paper.
        if i % 100 == 99 {
            let j = rng.below(written.len() as u64) as usize;
            let (old_id, old_title, old_abstract, old_coined, old_people, old_day) =
                written[j].clone();
            push_record(
                &mut text,
                &old_id,
                &old_title,
                &old_people,
                &old_abstract,
                CATS[j % CATS.len()],
                old_day,
                2,
            );
            lines.push((old_id, old_coined));
        }
    }
    (text, lines)
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
fn push_record(
    out: &mut String,
    id: &str,
    title: &str,
    people: &[(&str, &str)],
    abstract_text: &str,
    cats: &str,
    day: u64,
    versions: u32,
) {
    let authors = people
        .iter()
        .map(|(f, l)| format!("{f} {l}"))
        .collect::<Vec<_>>()
        .join(", ");
    let parsed: Vec<[&str; 3]> = people.iter().map(|(f, l)| [*l, *f, ""]).collect();
    let versions: Vec<serde_json::Value> = (1..=versions)
        .map(|v| {
            serde_json::json!({
                "version": format!("v{v}"),
                "created": format!("Mon, {day} Apr 2019 1{v}:18:42 GMT"),
            })
        })
        .collect();
    let record = serde_json::json!({
        "id": id,
        "submitter": people[0].0,
        "authors": authors,
        "title": title,
        "comments": "12 pages, 4 figures",
        "journal-ref": null,
        "doi": null,
        "report-no": null,
        "categories": cats,
        "license": "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
        "abstract": abstract_text,
        "versions": versions,
        "update_date": "2019-05-01",
        "authors_parsed": parsed,
    });
    out.push_str(&record.to_string());
    out.push('\n');
}

#[test]
fn import_survives_sigkill_at_random_points() {
    let started = Instant::now();
    let n = if full() { 100_000 } else { 20_000 };
    let work = tempfile::tempdir().unwrap();
    let (text, lines) = snapshot_corpus(n);
    let file = work.path().join("arxiv-snapshot.jsonl");
    std::fs::write(&file, &text).unwrap();
    if let Ok(keep) = std::env::var("PAPERSHELF_CRASH_CORPUS_OUT") {
        std::fs::write(keep, &text).unwrap();
    }
    let file_arg = file.to_str().unwrap().to_string();
    let import = ["import", "arxiv-jsonl", file_arg.as_str()];

    // Per line: the distinct ids up to and including it, and where each id first appears.
    let mut first_line: HashMap<&str, usize> = HashMap::new();
    let mut distinct_upto = vec![0usize; lines.len() + 1];
    for (i, (id, _)) in lines.iter().enumerate() {
        first_line.entry(id.as_str()).or_insert(i + 1);
        distinct_upto[i + 1] = first_line.len();
    }
    let total = first_line.len();

    // The library an uninterrupted import makes, and how long it takes.
    let reference = work.path().join("reference");
    let r = run_ok(papershelf(&reference, &import), "reference import");
    assert!(r.stdout.contains(&format!("{total} added")), "{}", r.stdout);
    let t_ref = r.elapsed;
    let want = canonical_dump(&reference);
    assert_eq!(want.len(), total);
    eprintln!(
        "[import] {n} papers ({} lines, {:.1} MB) imported uninterrupted in {:.1}s",
        lines.len(),
        text.len() as f64 / 1e6,
        t_ref.as_secs_f64()
    );

    // Kill delays are uniform in [0, t_ref / 3): about six kills per round, spread over the
    // job since each run resumes where the last committed batch left off.
    // A run that starts by catching up the index may need longer than that to commit a new
    // batch: when a kill made no progress, the next one waits up to twice as long.
    let base_delay = t_ref / 3;
    let (mut kills, mut checks, mut rounds) = (0usize, 0usize, 0usize);
    for round in rounds_for("import") {
        let (mut rng, seed) = (round.rng, round.seed);
        let wanted = kills + round.kills;
        while kills < wanted {
            rounds += 1;
            let lib_dir = work.path().join(format!("round-{rounds}"));
            let mut committed_line = 0usize;
            let mut max_delay = base_delay;
            loop {
                let delay = rng.delay(max_delay);
                let line_before = committed_line;
                let r = run(papershelf(&lib_dir, &import), Some(delay));
                if !r.killed {
                    assert!(r.status.success(), "import failed: {}", r.stderr);
                    break;
                }
                kills += 1;
                // What the saved position says is committed.
                let conn = check_sqlite(&lib_dir);
                let (line, done): (usize, bool) = conn
                    .query_row("SELECT line, done FROM import_jobs", [], |r| {
                        Ok((r.get::<_, i64>(0)? as usize, r.get(1)?))
                    })
                    .unwrap_or((0, false));
                // After the import finished once, a new run starts over (all unchanged).
                committed_line = if done {
                    lines.len()
                } else {
                    committed_line.max(line)
                };
                max_delay = if committed_line > line_before || done {
                    base_delay
                } else {
                    max_delay * 2
                };
                let expected = distinct_upto[committed_line];
                let mut stmt = conn.prepare("SELECT id FROM works").unwrap();
                let ids: Vec<String> = stmt
                    .query_map([], |r| r.get(0))
                    .unwrap()
                    .collect::<rusqlite::Result<_>>()
                    .unwrap();
                assert_eq!(
                ids.len(),
                expected,
                "kill {kills} (after {delay:?}): works vs distinct ids in the {committed_line} committed lines"
            );
                for id in &ids {
                    let at = first_line.get(id.as_str()).copied();
                    assert!(
                    at.is_some_and(|l| l <= committed_line),
                    "{id} is in the library but its line is past the committed {committed_line}"
                );
                }
                let versionless: i64 = conn
                    .query_row(
                        "SELECT COUNT(*) FROM works w WHERE NOT EXISTS
                        (SELECT 1 FROM work_versions v WHERE v.work_key = w.key)",
                        [],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(versionless, 0, "works imported without their versions");
                drop(stmt);
                drop(conn);
                let lib = reopen_checked(&lib_dir);
                // Spot searches: papers that are there are found; one past the position is not.
                let mut probes = vec![];
                if committed_line > 0 {
                    probes.push((0, true));
                    probes.push((committed_line - 1, true));
                    probes.push((rng.below(committed_line as u64) as usize, true));
                }
                if committed_line < lines.len() {
                    let beyond =
                        committed_line + rng.below((lines.len() - committed_line) as u64) as usize;
                    // Only when that line's paper first appears beyond the position.
                    if first_line[lines[beyond].0.as_str()] > committed_line {
                        probes.push((beyond, false));
                    }
                }
                for (at, present) in probes {
                    let (id, coined) = &lines[at];
                    let hits = search_ids(&lib, coined);
                    if present {
                        assert_eq!(
                            hits,
                            vec![id.clone()],
                            "search for {coined} after kill {kills}"
                        );
                        checks += 1;
                    } else {
                        // (Search may answer a near miss within one edit: another paper.)
                        assert!(
                            !hits.contains(id),
                            "{coined} found before its line was imported"
                        );
                    }
                }
                checks += ids.len();
            }
            // The interrupted job finished: the same library as the uninterrupted run.
            assert_same_library(&canonical_dump(&lib_dir), &want, "after resuming");
            if rounds == 1 {
                // Once is enough to show a finished import is not imported twice.
                let again = run_ok(papershelf(&lib_dir, &import), "re-import");
                assert!(
                    again.stdout.contains(": 0 added, 0 updated"),
                    "{}",
                    again.stdout
                );
                assert_same_library(&canonical_dump(&lib_dir), &want, "after importing again");
            }
            let lib = reopen_checked(&lib_dir);
            assert_eq!(lib.stats().unwrap().papers as usize, total);
            drop(lib);
            std::fs::remove_dir_all(&lib_dir).unwrap();
        }
        eprintln!("[import] seed {seed}: {kills} kills so far, all checks passed");
    }
    report(
        "import",
        kills,
        checks,
        started,
        &format!(" ({rounds} interrupted imports of {n} papers)"),
    );
}

// ---------------------------------------------------------------------------------------------
// (b) Sync against the fixture server

/// The arXiv ids of one recorded Daily Papers day.
fn daily_ids(day: &str) -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(fixture(&format!("api/hf/daily_papers-{day}.json"))).unwrap();
    let items: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    items
        .iter()
        .map(|i| i["paper"]["id"].as_str().unwrap().to_string())
        .collect()
}

fn with_sources(mut cmd: Command, origin: &str) -> Command {
    cmd.env("PAPERSHELF_HF_URL", origin)
        .env("PAPERSHELF_ARXIV_URL", origin)
        .env("PAPERSHELF_S2_URL", origin);
    cmd
}

#[test]
fn sync_survives_sigkill_at_random_points() {
    let started = Instant::now();
    let api = papershelf_testkit::FixtureApi::start(&fixture("api"));
    let work = tempfile::tempdir().unwrap();
    let days = ["2024-01-15", "2024-01-16"].map(|d| (d, daily_ids(d)));
    // Days around the recorded ones answer `[]`: more requests, more places to die.
    let sync = ["sync", "--from", "2024-01-12", "--to", "2024-01-19"];
    let subscribe = |dir: &Path| {
        run_ok(papershelf(dir, &["subscribe", "hf-daily"]), "subscribe");
        if full() {
            run_ok(
                papershelf(dir, &["subscribe", "arxiv-category", "cs.LG"]),
                "subscribe",
            );
        }
    };
    let sync_cmd = |dir: &Path| {
        let mut args = sync.to_vec();
        if full() {
            args.extend(["--page-size", "2"]);
        }
        with_sources(papershelf(dir, &args), api.origin())
    };

    let reference = work.path().join("reference");
    subscribe(&reference);
    let r = run_ok(sync_cmd(&reference), "reference sync");
    let t_ref = r.elapsed;
    let want = canonical_dump(&reference);
    assert!(want.len() >= 37, "{}", r.stdout);
    eprintln!(
        "[sync] {} papers synced uninterrupted in {:.1}s",
        want.len(),
        t_ref.as_secs_f64()
    );

    let (mut kills, mut checks, mut rounds) = (0usize, 0usize, 0usize);
    for round in rounds_for("sync") {
        let (mut rng, seed) = (round.rng, round.seed);
        let wanted = kills + round.kills;
        while kills < wanted {
            rounds += 1;
            let lib_dir = work.path().join(format!("round-{rounds}"));
            subscribe(&lib_dir);
            let mut acked_days: BTreeSet<&str> = BTreeSet::new();
            loop {
                let delay = rng.delay(t_ref + t_ref / 5);
                let r = run(sync_cmd(&lib_dir), Some(delay));
                // A day is acknowledged once its page line is printed.
                for (day, _) in &days {
                    if r.stderr.contains(&format!("{day}: 20 papers")) {
                        acked_days.insert(day);
                    }
                }
                if !r.killed {
                    assert!(
                        r.status.success(),
                        "sync failed: {}\n{}",
                        r.stderr,
                        r.stdout
                    );
                    break;
                }
                kills += 1;
                let conn = check_sqlite(&lib_dir);
                let present: BTreeSet<String> = conn
                    .prepare("SELECT id FROM works")
                    .unwrap()
                    .query_map([], |r| r.get(0))
                    .unwrap()
                    .collect::<rusqlite::Result<_>>()
                    .unwrap();
                for (day, ids) in &days {
                    let here = ids.intersection(&present).count();
                    if acked_days.contains(day) {
                        assert_eq!(
                            here,
                            ids.len(),
                            "kill {kills}: acknowledged day {day} incomplete"
                        );
                        checks += 1;
                    } else {
                        // A page is one transaction: all of a day, or only papers other days brought.
                        let others: BTreeSet<&String> = days
                            .iter()
                            .filter(|(d, _)| d != day)
                            .flat_map(|(_, i)| i.iter())
                            .collect();
                        assert!(
                            here == ids.len()
                                || ids.intersection(&present).all(|id| others.contains(id)),
                            "kill {kills}: day {day} half-written ({here} of {})",
                            ids.len()
                        );
                    }
                }
                drop(conn);
                let lib = reopen_checked(&lib_dir);
                for id in present.iter().take(3) {
                    let paper = lib.paper(&PaperId::new(id.clone())).unwrap();
                    let hits = search_ids(&lib, &format!("\"{}\"", paper.title.replace('"', " ")));
                    assert!(
                        hits.contains(id),
                        "kill {kills}: search for {:?}: {hits:?}",
                        paper.title
                    );
                }
            }
            assert_same_library(&canonical_dump(&lib_dir), &want, "after resuming the sync");
            let again = run_ok(sync_cmd(&lib_dir), "sync again");
            assert!(again.stdout.contains("added 0"), "{}", again.stdout);
            assert_same_library(&canonical_dump(&lib_dir), &want, "after syncing again");
            drop(reopen_checked(&lib_dir));
        }
        eprintln!("[sync] seed {seed}: {kills} kills so far, all checks passed");
    }
    report(
        "sync",
        kills,
        checks,
        started,
        &format!(" ({rounds} interrupted syncs)"),
    );
}

// ---------------------------------------------------------------------------------------------
// (c) Note, tag and status edits

#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Edits {
    note: Option<String>,
    tags: BTreeSet<String>,
    status: String,
}

fn current(lib: &Library, id: &str) -> Edits {
    let paper = lib.paper(&PaperId::new(id)).unwrap();
    Edits {
        note: paper.note.map(|n| n.body),
        tags: paper.tags.into_iter().collect(),
        status: paper.status.to_string(),
    }
}

#[test]
fn note_and_tag_edits_survive_sigkill_at_random_points() {
    let started = Instant::now();
    let (mut kills, mut ops, mut acked, mut checks) = (0usize, 0usize, 0usize, 0usize);
    for round in rounds_for("edits") {
        let (mut rng, seed) = (round.rng, round.seed);
        let wanted = kills + round.kills;
        let work = tempfile::tempdir().unwrap();
        let lib_dir = work.path().join("library");
        run_ok(
            papershelf(
                &lib_dir,
                &[
                    "import",
                    "hf-page",
                    fixture("hf-pages/hf-search-encoding.txt").to_str().unwrap(),
                    fixture("hf-pages/hf-search-representations.txt")
                        .to_str()
                        .unwrap(),
                ],
            ),
            "seed import",
        );
        let ids: Vec<String> = {
            let lib = Library::open(&lib_dir).unwrap();
            lib.list(&papershelf_core::ListFilter {
                limit: Some(12),
                ..Default::default()
            })
            .unwrap()
            .into_iter()
            .map(|p| p.id.to_string())
            .collect()
        };
        let mut model: HashMap<String, Edits> = ids
            .iter()
            .map(|id| {
                (
                    id.clone(),
                    Edits {
                        status: "inbox".into(),
                        ..Default::default()
                    },
                )
            })
            .collect();
        const STATUSES: [&str; 5] = ["inbox", "to-read", "reading", "read", "archived"];
        let note_file = work.path().join("note.md");
        let mut typical = Duration::from_millis(300);
        while kills < wanted {
            ops += 1;
            let id = ids[rng.below(ids.len() as u64) as usize].clone();
            let before = model[&id].clone();
            let mut after = before.clone();
            let (args, ack): (Vec<String>, String) = match rng.below(4) {
                0 => {
                    // Notes of a few kilobytes, each with a word of its own to search for.
                    let mut body = format!("# Reading notes {ops}\n\nnoteword{ops} on {id}.\n");
                    for line in 0..rng.below(200) {
                        let _ = writeln!(
                            body,
                            "- point {line}: the method of {id} revisited, edit {ops}"
                        );
                    }
                    std::fs::write(&note_file, &body).unwrap();
                    after.note = Some(body);
                    (
                        vec![
                            "note".into(),
                            "set".into(),
                            id.clone(),
                            "--file".into(),
                            note_file.display().to_string(),
                        ],
                        format!("{id}: note saved"),
                    )
                }
                1 => {
                    let tag = format!("t{}", rng.below(6));
                    after.tags.insert(tag.clone());
                    (
                        vec!["tag".into(), "add".into(), id.clone(), tag],
                        format!("{id}: tags "),
                    )
                }
                2 => {
                    let tag = format!("t{}", rng.below(6));
                    after.tags.remove(&tag);
                    (
                        vec!["tag".into(), "remove".into(), id.clone(), tag],
                        format!("{id}: tags "),
                    )
                }
                _ => {
                    let status = STATUSES[rng.below(5) as usize];
                    after.status = status.into();
                    (
                        vec!["status".into(), id.clone(), status.into()],
                        format!("{id}: {status}"),
                    )
                }
            };
            let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let kill_after = rng.chance(60).then(|| rng.delay(typical + typical / 2));
            let r = run(papershelf(&lib_dir, &arg_refs), kill_after);
            let printed = r.stdout.contains(&ack);
            if !r.killed {
                assert!(r.status.success(), "{args:?} failed: {}", r.stderr);
                assert!(printed, "{args:?} printed {:?}", r.stdout);
                typical = (typical * 3 + r.elapsed) / 4;
                model.insert(id, after);
                acked += 1;
                continue;
            }
            kills += 1;
            if printed {
                acked += 1;
            }
            drop(check_sqlite(&lib_dir));
            let lib = reopen_checked(&lib_dir);
            let now = current(&lib, &id);
            if printed {
                assert_eq!(
                    now, after,
                    "kill {kills}: {args:?} was acknowledged but is not there"
                );
            } else {
                assert!(
                    now == before || now == after,
                    "kill {kills}: {args:?} left neither the old nor the new state: {now:?}"
                );
            }
            model.insert(id, now);
            // Every write acknowledged so far is still there, and searchable.
            for (pid, edits) in &model {
                assert_eq!(&current(&lib, pid), edits, "kill {kills}: paper {pid}");
                checks += 1;
                if let Some(note) = &edits.note {
                    let word = note
                        .split_whitespace()
                        .find(|w| w.starts_with("noteword"))
                        .unwrap();
                    assert!(
                        search_ids(&lib, word).contains(pid),
                        "kill {kills}: {word} not found"
                    );
                }
                for tag in &edits.tags {
                    let hits = search_ids(&lib, &format!("tag:{tag} status:{}", edits.status));
                    assert!(hits.contains(pid), "kill {kills}: tag:{tag} misses {pid}");
                }
            }
        }
        eprintln!("[edits] seed {seed}: {kills} kills so far, all checks passed");
    }
    report(
        "edits",
        kills,
        checks,
        started,
        &format!(" ({ops} commands, {acked} acknowledged)"),
    );
}
