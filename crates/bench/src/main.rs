//! `papershelf-bench`: Papershelf against a SQLite FTS5 baseline on the same corpus, at
//! several corpus sizes, in one run.
//!
//! ```text
//! cargo run --release -p papershelf-bench -- --data-dir <dir> [--sizes 10000,100000,1000000]
//! cargo run -p papershelf-bench -- --sizes 10000 --smoke --out <tmp dir>   # CI
//! ```
//!
//! For every size it makes (or reuses) a corpus and query set with
//! `../shared/bench/gen_corpus.py`, imports the corpus into a Papershelf library and into an
//! FTS5 database (each import in its own child process, so peak RSS is per engine), times a
//! cold open to first answer (child processes again), then warm searches per query kind, an
//! as-you-type prefix ladder, recall@1 on known titles, adding one paper until searchable and
//! a note-edit loop. It writes `benchmarks.md` (the generated section) and `benchmarks.json`
//! into `--out` (default `docs`). Numbers, not assertions.

mod fts5;
mod fulltext;
mod report;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Parser;
use papershelf_core::import::arxiv_jsonl;
use papershelf_core::{Library, NewPaper, PaperId, SearchOptions};
use serde::{Deserialize, Serialize};

#[derive(Debug, Parser)]
#[command(about = "Papershelf against SQLite FTS5 on the same corpus")]
struct Args {
    /// Corpus sizes (papers), comma-separated
    #[arg(long, value_delimiter = ',', default_values_t = [10_000usize, 100_000, 1_000_000])]
    sizes: Vec<usize>,
    /// Where corpora, query sets and the libraries under test live (reused across runs)
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// The corpus generator (falls back to the copy in crates/bench when missing)
    #[arg(long, default_value = "../shared/bench/gen_corpus.py")]
    gen_corpus: PathBuf,
    /// Generator seed
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Queries per size
    #[arg(long, default_value_t = 1000)]
    queries: usize,
    /// Note edits to time
    #[arg(long, default_value_t = 1000)]
    note_edits: usize,
    /// Stop the note-edit loop after this many seconds (throughput is over the edits done)
    #[arg(long, default_value_t = 60.0)]
    note_edit_seconds: f64,
    /// Known-item title queries for recall@1
    #[arg(long, default_value_t = 200)]
    known_items: usize,
    /// Directory to write benchmarks.md and benchmarks.json into
    #[arg(long)]
    out: Option<PathBuf>,
    /// CI smoke run: fewer note edits, output to --out (a temporary directory by default),
    /// never the docs
    #[arg(long)]
    smoke: bool,
    /// Keep the libraries after measuring (they are deleted by default to save disk)
    #[arg(long)]
    keep: bool,
    /// Measure searches on an existing Papershelf library only (no import, no baseline):
    /// warm latencies per query kind and the prefix ladder, printed, nothing written. Takes
    /// the query set from --queries-file.
    #[arg(long, value_name = "LIBRARY")]
    probe: Option<PathBuf>,
    /// The query set for --probe (a gen_corpus.py --queries file)
    #[arg(long)]
    queries_file: Option<PathBuf>,
    /// Instead of the comparison with FTS5: what the text of this many papers' PDFs costs the
    /// metadata search, at each of --sizes (see the module `fulltext`); printed, nothing
    /// written
    #[arg(long, value_name = "PAPERS")]
    fulltext: Option<usize>,
    /// Internal: run one measurement in this child process
    #[arg(long, hide = true)]
    child: Option<String>,
    /// Internal: the child's corpus
    #[arg(long, hide = true)]
    corpus: Option<PathBuf>,
    /// Internal: the child's library or database
    #[arg(long, hide = true)]
    target: Option<PathBuf>,
    /// Internal: the child's first query
    #[arg(long, hide = true)]
    query: Option<String>,
}

/// One line of the generator's query set.
#[derive(Debug, Clone, Deserialize)]
struct QueryLine {
    q: String,
    kind: String,
}

/// What a child process reports on its last stdout line.
#[derive(Debug, Default, Serialize, Deserialize)]
struct ChildResult {
    seconds: f64,
    peak_rss_mb: f64,
    papers: u64,
}

const CHILD_MARK: &str = "papershelf-bench-result ";

/// Words typed letter by letter for the as-you-type ladder.
const LADDER_WORDS: [&str; 6] = [
    "transformer",
    "diffusion",
    "reinforcement",
    "representation",
    "graph",
    "segmentation",
];

/// Figures for one engine at one size (the JSON shape, plus extras for the Markdown).
#[derive(Debug, Default, Clone, Serialize)]
pub struct EngineFigures {
    p50_ms: Option<f64>,
    p95_ms: Option<f64>,
    p99_ms: Option<f64>,
    kind_p99_max_ms: Option<f64>,
    prefix_ladder_max_ms: Option<f64>,
    import_s: Option<f64>,
    peak_rss_mb: Option<f64>,
    disk_mb: Option<f64>,
    add_one_ms: Option<f64>,
    cold_open_ms: Option<f64>,
    recall_at_1: Option<f64>,
    #[serde(skip)]
    extra: Extra,
}

/// Figures only the Markdown shows.
#[derive(Debug, Default, Clone)]
pub struct Extra {
    /// Per kind: (n, p50, p95, p99, share of queries with at least one hit).
    kinds: BTreeMap<String, (usize, f64, f64, f64, f64)>,
    /// Note edits per second.
    note_edits_per_s: Option<f64>,
    /// Note edits timed.
    note_edits_done: usize,
    /// Queries the engine rejected.
    errors: usize,
    /// Ladder: (prefix, ms) of the slowest keystroke.
    ladder_worst: Option<(String, f64)>,
}

/// Both engines at one size.
#[derive(Debug, Default, Clone)]
pub struct SizeFigures {
    papershelf: EngineFigures,
    fts5: EngineFigures,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(child) = &args.child {
        return run_child(child, &args);
    }
    if let Some(lib) = &args.probe {
        return probe(lib, args.queries_file.as_deref());
    }
    let data_dir = args
        .data_dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("papershelf-bench"));
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let out_dir = match (&args.out, args.smoke) {
        (Some(o), _) => o.clone(),
        (None, true) => data_dir.join("smoke-out"),
        (None, false) => PathBuf::from("docs"),
    };
    let note_edits = if args.smoke {
        args.note_edits.min(50)
    } else {
        args.note_edits
    };
    if let Some(with_text) = args.fulltext {
        for &size in &args.sizes {
            eprintln!("== {size} papers, {with_text} with full text");
            fulltext::run(&args, &data_dir, size, with_text)?;
        }
        return Ok(());
    }
    let mut results: BTreeMap<usize, SizeFigures> = BTreeMap::new();
    for &size in &args.sizes {
        eprintln!("== {size} papers");
        let figures = measure_size(&args, &data_dir, size, note_edits)?;
        results.insert(size, figures);
    }
    std::fs::create_dir_all(&out_dir)?;
    let command = report::command_line(&args.data_dir);
    report::write(&out_dir, &results, &command, &args)?;
    eprintln!(
        "wrote {} and {}",
        out_dir.join("benchmarks.md").display(),
        out_dir.join("benchmarks.json").display()
    );
    Ok(())
}

/// Makes (or reuses) the corpus and the query set for `size`.
fn ensure_inputs(args: &Args, data_dir: &Path, size: usize) -> anyhow::Result<(PathBuf, PathBuf)> {
    let corpus = data_dir.join(format!("corpus-{size}-seed{}.jsonl", args.seed));
    let queries = data_dir.join(format!(
        "queries-{size}-seed{}-n{}.jsonl",
        args.seed, args.queries
    ));
    let gen = |what: &[String], out: &Path| -> anyhow::Result<()> {
        if out.exists() {
            eprintln!("reusing {}", out.display());
            return Ok(());
        }
        let part = out.with_extension("jsonl.part");
        eprintln!("generating {}", out.display());
        // The shared generator when it is there; otherwise the copy kept in this crate, fed the
        // same seed pages from the core's test fixtures (identical output), so a clean clone
        // (CI) can run the smoke test.
        let mut cmd = Command::new("python3");
        if args.gen_corpus.exists() {
            cmd.arg(&args.gen_corpus);
        } else {
            let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
            let pages = crate_dir.join("../core/tests/fixtures/hf-pages");
            cmd.arg(crate_dir.join("gen_corpus.py"))
                .arg("--seed-pages")
                .arg(pages.join("hf-search-encoding.txt"))
                .arg(pages.join("hf-search-representations.txt"));
        }
        let status = cmd
            .args(what)
            .args(["--seed", &args.seed.to_string(), "--quiet", "--out"])
            .arg(&part)
            .status()
            .with_context(|| format!("cannot run python3 {}", args.gen_corpus.display()))?;
        if !status.success() {
            bail!("{} failed: {status}", args.gen_corpus.display());
        }
        std::fs::rename(&part, out)?;
        Ok(())
    };
    gen(&["--count".into(), size.to_string()], &corpus)?;
    gen(
        &[
            "--queries".into(),
            args.queries.to_string(),
            "--count".into(),
            size.to_string(),
        ],
        &queries,
    )?;
    Ok((corpus, queries))
}

fn measure_size(
    args: &Args,
    data_dir: &Path,
    size: usize,
    note_edits: usize,
) -> anyhow::Result<SizeFigures> {
    let (corpus, queries_path) = ensure_inputs(args, data_dir, size)?;
    let queries: Vec<QueryLine> = std::fs::read_to_string(&queries_path)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    anyhow::ensure!(
        !queries.is_empty(),
        "no queries in {}",
        queries_path.display()
    );
    let lib_dir = data_dir.join(format!("papershelf-{size}"));
    let db_path = data_dir.join(format!("fts5-{size}.sqlite"));
    if lib_dir.exists() {
        std::fs::remove_dir_all(&lib_dir)?;
    }
    let mut out = SizeFigures::default();
    let (ps, fx) = (&mut out.papershelf, &mut out.fts5);

    // 1. Imports, each in its own process so peak RSS is the engine's own.
    eprintln!("importing into Papershelf");
    let r = child(args, "import-papershelf", &corpus, &lib_dir, None)?;
    anyhow::ensure!(
        r.papers as usize >= size * 99 / 100,
        "Papershelf imported {} of {size}",
        r.papers
    );
    (ps.import_s, ps.peak_rss_mb) = (Some(r.seconds), Some(r.peak_rss_mb));
    ps.disk_mb = Some(dir_size(&lib_dir) as f64 / 1e6);
    eprintln!("  {:.1} s, {:.0} MB RSS", r.seconds, r.peak_rss_mb);
    eprintln!("importing into FTS5");
    let r = child(args, "import-fts5", &corpus, &db_path, None)?;
    (fx.import_s, fx.peak_rss_mb) = (Some(r.seconds), Some(r.peak_rss_mb));
    fx.disk_mb = Some(sqlite_size(&db_path) as f64 / 1e6);
    eprintln!("  {:.1} s, {:.0} MB RSS", r.seconds, r.peak_rss_mb);

    // 2. Cold open to first answer, fresh processes.
    let first = &queries[0];
    ps.cold_open_ms =
        Some(child(args, "open-papershelf", &corpus, &lib_dir, Some(&first.q))?.seconds * 1e3);
    let first_fts = fts5::translate(&first.kind, &first.q);
    fx.cold_open_ms =
        Some(child(args, "open-fts5", &corpus, &db_path, Some(&first_fts))?.seconds * 1e3);

    // 3. Warm searches, top 20 with snippets: one untimed pass, then the timed one.
    let lib = Library::open(&lib_dir)?;
    let conn = fts5::open(&db_path)?;
    let opts = SearchOptions::default();
    eprintln!("searching Papershelf");
    let ps_run = |q: &str| -> (bool, bool) {
        match lib.search(q, &opts) {
            Ok(r) => (true, !r.hits.is_empty()),
            Err(_) => (false, false),
        }
    };
    latencies(&queries, ps, |_, q| ps_run(&q.q));
    eprintln!("searching FTS5");
    let fts_run = |expr: &str| -> (bool, bool) {
        match fts5::search(&conn, expr) {
            Ok(h) => (true, !h.is_empty()),
            Err(_) => (false, false),
        }
    };
    let translated: Vec<String> = queries
        .iter()
        .map(|q| fts5::translate(&q.kind, &q.q))
        .collect();
    latencies(&queries, fx, |i, _| fts_run(&translated[i]));

    // 4. As you type: every prefix of a few words, slowest keystroke.
    eprintln!("prefix ladders");
    ladder(ps, |p| {
        ps_run(p);
    });
    ladder(fx, |p| {
        fts_run(&format!("\"{p}\"*"));
    });

    // 5. Known-item title queries.
    eprintln!("recall@1");
    let items = known_items(&corpus, size, args.known_items)?;
    let (mut ps_ok, mut fx_ok) = (0usize, 0usize);
    for (id, title) in &items {
        let q = title.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Ok(r) = lib.search(&q, &opts) {
            if let Some(h) = r.hits.first() {
                if same_item(h.paper.arxiv_id.as_deref(), &h.paper.title, id, title) {
                    ps_ok += 1;
                }
            }
        }
        if let Ok(h) = fts5::search(&conn, &fts5::translate("term", &q)) {
            if let Some(h) = h.first() {
                if same_item(h.arxiv_id.as_deref(), &h.title, id, title) {
                    fx_ok += 1;
                }
            }
        }
    }
    ps.recall_at_1 = Some(ps_ok as f64 / items.len().max(1) as f64);
    fx.recall_at_1 = Some(fx_ok as f64 / items.len().max(1) as f64);

    // 6. One added paper until searchable.
    let probe_title = "Zyxwvutsr benchmark probe paper";
    let probe_abstract = "A probe added by the benchmark.";
    let started = Instant::now();
    lib.add_papers(
        &[NewPaper {
            title: probe_title.into(),
            abstract_text: probe_abstract.into(),
            ..Default::default()
        }],
        "bench",
        "probe",
    )?;
    let found = lib.search("zyxwvutsr", &opts)?.total;
    ps.add_one_ms = Some(started.elapsed().as_secs_f64() * 1e3);
    anyhow::ensure!(found == 1, "the added paper was not found in Papershelf");
    let started = Instant::now();
    fts5::add_one(&conn, probe_title, probe_abstract)?;
    let found = fts5::search(&conn, "\"zyxwvutsr\"")?.len();
    fx.add_one_ms = Some(started.elapsed().as_secs_f64() * 1e3);
    anyhow::ensure!(found == 1, "the added paper was not found in FTS5");

    // 7. Note edits with index updates (the baseline has no notes).
    eprintln!("note edits");
    let ids: Vec<PaperId> = lib
        .search(
            "learning",
            &SearchOptions {
                limit: 100,
                offset: 0,
            },
        )?
        .hits
        .into_iter()
        .map(|h| h.paper.id)
        .collect();
    if !ids.is_empty() && note_edits > 0 {
        let started = Instant::now();
        let mut done = 0;
        while done < note_edits && started.elapsed().as_secs_f64() < args.note_edit_seconds {
            lib.set_note(
                &ids[done % ids.len()],
                &format!("note edit {done}: check the ablation in section {done}"),
            )?;
            done += 1;
        }
        ps.extra.note_edits_per_s = Some(done as f64 / started.elapsed().as_secs_f64());
        ps.extra.note_edits_done = done;
    }

    drop(lib);
    drop(conn);
    if !args.keep {
        let _ = std::fs::remove_dir_all(&lib_dir);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db_path.display()));
        }
    }
    Ok(out)
}

/// `--probe`: warm search figures of an existing library, printed.
fn probe(lib_dir: &Path, queries: Option<&Path>) -> anyhow::Result<()> {
    let queries_path = queries.context("--probe needs --queries-file")?;
    let queries: Vec<QueryLine> = std::fs::read_to_string(queries_path)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let t = Instant::now();
    let lib = Library::open(lib_dir)?;
    eprintln!("opened in {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let opts = SearchOptions::default();
    let mut fig = EngineFigures::default();
    let mut slowest: Vec<(f64, String)> = Vec::new();
    latencies(&queries, &mut fig, |_, q| {
        let t = Instant::now();
        let r = lib.search(&q.q, &opts);
        slowest.push((t.elapsed().as_secs_f64() * 1e3, q.q.clone()));
        match r {
            Ok(r) => (true, !r.hits.is_empty()),
            Err(_) => (false, false),
        }
    });
    ladder(&mut fig, |p| {
        let _ = lib.search(p, &opts);
    });
    println!(
        "overall p50 {:.2} p95 {:.2} p99 {:.2} ms; worst kind p99 {:.2}; ladder max {:.2} ms ({:?})",
        fig.p50_ms.unwrap_or_default(),
        fig.p95_ms.unwrap_or_default(),
        fig.p99_ms.unwrap_or_default(),
        fig.kind_p99_max_ms.unwrap_or_default(),
        fig.prefix_ladder_max_ms.unwrap_or_default(),
        fig.extra.ladder_worst.as_ref().map(|w| &w.0),
    );
    for (kind, (n, p50, p95, p99, hits)) in &fig.extra.kinds {
        println!(
            "{kind:>8} n={n:<4} p50 {p50:.2} p95 {p95:.2} p99 {p99:.2} ms, hits {:.0}%",
            hits * 100.0
        );
    }
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, q) in slowest.iter().take(12) {
        println!("  slow: {ms:.2} ms  {q}");
    }
    Ok(())
}

/// Times every query once warm; fills p50/p95/p99 overall and per kind.
fn latencies(
    queries: &[QueryLine],
    fig: &mut EngineFigures,
    mut run: impl FnMut(usize, &QueryLine) -> (bool, bool),
) {
    for (i, q) in queries.iter().enumerate() {
        run(i, q);
    }
    let mut by_kind: BTreeMap<String, (Vec<f64>, usize)> = BTreeMap::new();
    let mut all = Vec::with_capacity(queries.len());
    for (i, q) in queries.iter().enumerate() {
        let t = Instant::now();
        let (ok, hit) = run(i, q);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        if !ok {
            fig.extra.errors += 1;
        }
        let e = by_kind.entry(q.kind.clone()).or_default();
        e.0.push(ms);
        e.1 += usize::from(hit);
        all.push(ms);
    }
    all.sort_by(f64::total_cmp);
    fig.p50_ms = Some(pct(&all, 0.50));
    fig.p95_ms = Some(pct(&all, 0.95));
    fig.p99_ms = Some(pct(&all, 0.99));
    let mut worst: f64 = 0.0;
    for (kind, (mut ms, hits)) in by_kind {
        ms.sort_by(f64::total_cmp);
        let p99 = pct(&ms, 0.99);
        worst = worst.max(p99);
        fig.extra.kinds.insert(
            kind,
            (
                ms.len(),
                pct(&ms, 0.50),
                pct(&ms, 0.95),
                p99,
                hits as f64 / ms.len() as f64,
            ),
        );
    }
    fig.kind_p99_max_ms = Some(worst);
}

/// Every prefix of [`LADDER_WORDS`] from the first letter on, warm; the slowest keystroke.
fn ladder(fig: &mut EngineFigures, mut run: impl FnMut(&str)) {
    let prefixes: Vec<&str> = LADDER_WORDS
        .iter()
        .flat_map(|w| (1..=w.len()).map(move |n| &w[..n]))
        .collect();
    for p in &prefixes {
        run(p);
    }
    let mut worst = (String::new(), 0.0f64);
    for p in &prefixes {
        let t = Instant::now();
        run(p);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        if ms > worst.1 {
            worst = (p.to_string(), ms);
        }
    }
    fig.prefix_ladder_max_ms = Some(worst.1);
    fig.extra.ladder_worst = Some(worst);
}

/// `count` (arXiv id, title) pairs spread evenly over the corpus.
fn known_items(
    corpus: &Path,
    size: usize,
    count: usize,
) -> anyhow::Result<Vec<(Option<String>, String)>> {
    let step = (size / count.max(1)).max(1);
    let mut reader = BufReader::with_capacity(1 << 20, File::open(corpus)?);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut line = 0usize;
    while out.len() < count {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        line += 1;
        if line % step != step / 2 {
            continue;
        }
        if let Ok(p) = arxiv_jsonl::parse_line_bytes(&buf) {
            out.push((p.arxiv_id.map(|a| a.to_string()), p.title));
        }
    }
    Ok(out)
}

/// The expected paper, or one whose title is the same (the query cannot tell them apart).
fn same_item(got_id: Option<&str>, got_title: &str, want_id: &Option<String>, want: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    (want_id.is_some() && got_id == want_id.as_deref()) || norm(got_title) == norm(want)
}

/// Runs this binary as a child for one measurement and reads its result line.
fn child(
    args: &Args,
    what: &str,
    corpus: &Path,
    target: &Path,
    query: Option<&str>,
) -> anyhow::Result<ChildResult> {
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.args(["--child", what, "--corpus"])
        .arg(corpus)
        .arg("--target")
        .arg(target);
    if let Some(q) = query {
        cmd.arg("--query").arg(q);
    }
    let _ = args;
    let output = cmd.output()?;
    if !output.status.success() {
        bail!(
            "child {what} failed: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix(CHILD_MARK))
        .context("child printed no result")?;
    Ok(serde_json::from_str(line)?)
}

/// The child side of [`child`].
fn run_child(what: &str, args: &Args) -> anyhow::Result<()> {
    let corpus = args.corpus.as_deref().context("--corpus")?;
    let target = args.target.as_deref().context("--target")?;
    let started = Instant::now();
    let mut result = ChildResult::default();
    let mut answered = None;
    match what {
        "import-papershelf" => {
            let lib = Library::open(target)?;
            lib.import_arxiv_jsonl(corpus, &mut |_| {})?;
            result.papers = lib.stats()?.papers;
            drop(lib);
        }
        "import-fts5" => result.papers = fts5::import(corpus, target)?,
        "open-papershelf" => {
            let lib = Library::open(target)?;
            lib.search(
                args.query.as_deref().unwrap_or("learning"),
                &SearchOptions::default(),
            )?;
            // The answer is what the user waits for; a daily backup that the open started
            // finishes beside it (and before this process exits, when the library drops).
            answered = Some(started.elapsed());
        }
        "open-fts5" => {
            let conn = fts5::open(target)?;
            fts5::search(&conn, args.query.as_deref().unwrap_or("learning"))?;
        }
        other => bail!("unknown child {other}"),
    }
    result.seconds = answered.unwrap_or_else(|| started.elapsed()).as_secs_f64();
    result.peak_rss_mb = peak_rss_mb();
    println!("{CHILD_MARK}{}", serde_json::to_string(&result)?);
    Ok(())
}

/// Nearest-rank percentile of sorted values.
fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Peak resident set size of this process, from /proc (Linux); 0 elsewhere.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// A SQLite database with its WAL and shared-memory files.
fn sqlite_size(path: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
        .map(|m| m.len())
        .sum()
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}
