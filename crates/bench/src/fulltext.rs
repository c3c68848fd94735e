//! `--fulltext N`: what the text of N papers' PDFs costs the metadata search. One library of
//! `--sizes` records is imported once and searched with the size's query set (metadata only);
//! then N papers spread evenly over the corpus get a generated PDF each (15 to 30 pages of the
//! corpus's own abstract sentences, so the words are the corpus's words at their real
//! frequencies), stored and read by the real extractor in batches through the library API
//! ([`Library::store_pdfs`], [`Library::read_pdf_texts`]), the index is rebuilt in one go (as
//! the import built it), and the same queries are timed again. Both passes run in this one
//! process on the same library, each after an untimed warm pass.

use std::path::Path;
use std::time::Instant;

use papershelf_core::pdfs::NewPdf;
use papershelf_core::{Library, PaperId, SearchOptions};

use crate::{
    child, dir_size, ensure_inputs, known_items, latencies, Args, EngineFigures, QueryLine,
};

/// Papers given their PDF per batch (one transaction and one index commit for the files, one
/// for their text).
const ATTACH_BATCH: usize = 250;

/// Figures of one pass: latencies and the index's size.
struct PassFigures {
    fig: EngineFigures,
    /// Milliseconds per query, in the order of the set.
    each: Vec<f64>,
    index_mb: f64,
    library_mb: f64,
}

/// Runs the comparison at `size` records with `with_text` of them given full text; prints
/// the figures as Markdown.
pub fn run(args: &Args, data_dir: &Path, size: usize, with_text: usize) -> anyhow::Result<()> {
    let (corpus, queries_path) = ensure_inputs(args, data_dir, size)?;
    let queries: Vec<QueryLine> = std::fs::read_to_string(&queries_path)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let lib_dir = data_dir.join(format!("papershelf-fulltext-{size}"));
    if lib_dir.exists() {
        std::fs::remove_dir_all(&lib_dir)?;
    }
    eprintln!("importing {size} records");
    let r = child(args, "import-papershelf", &corpus, &lib_dir, None)?;
    eprintln!("  {:.1} s", r.seconds);
    let lib = Library::open(&lib_dir)?;
    let measure = |lib: &Library| -> PassFigures {
        let opts = SearchOptions::default();
        let mut fig = EngineFigures::default();
        // Each query's time in the timed pass (the second call), for the slowest ones.
        let mut each = vec![0f64; queries.len()];
        latencies(&queries, &mut fig, |i, q| {
            let t = Instant::now();
            let out = match lib.search(&q.q, &opts) {
                Ok(r) => (true, !r.hits.is_empty()),
                Err(_) => (false, false),
            };
            each[i] = t.elapsed().as_secs_f64() * 1e3;
            out
        });
        PassFigures {
            fig,
            each,
            index_mb: dir_size(&lib_dir.join("index")) as f64 / 1e6,
            library_mb: dir_size(&lib_dir) as f64 / 1e6,
        }
    };
    eprintln!("searching, metadata only");
    let before = measure(&lib);

    eprintln!("giving {with_text} papers a PDF and reading its text");
    let pool = sentences(&corpus, 40_000)?;
    anyhow::ensure!(!pool.is_empty(), "no abstracts in {}", corpus.display());
    let items = known_items(&corpus, size, with_text)?;
    let started = Instant::now();
    let mut rng = Lcg(args.seed);
    let (mut pages_total, mut done, mut read_s) = (0usize, 0usize, 0f64);
    let ids: Vec<PaperId> = items
        .iter()
        .filter_map(|(arxiv_id, _)| arxiv_id.as_deref().map(PaperId::new))
        .collect();
    // In batches, as an importer would: the files stored in one transaction, their text read
    // (a few files at a time) and stored in another, each with one index commit.
    for (n, batch) in ids.chunks(ATTACH_BATCH).enumerate() {
        let pdfs: Vec<Vec<u8>> = batch
            .iter()
            .map(|_| {
                let pages = 15 + rng.below(16);
                let text: Vec<Vec<String>> = (0..pages).map(|_| page(&pool, &mut rng)).collect();
                let refs: Vec<Vec<&str>> = text
                    .iter()
                    .map(|p| p.iter().map(String::as_str).collect())
                    .collect();
                let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
                papershelf_testkit::pdf::make_pdf(&slices)
            })
            .collect();
        let files: Vec<NewPdf<'_>> = batch
            .iter()
            .zip(&pdfs)
            .map(|(id, bytes)| NewPdf {
                paper: id,
                bytes,
                origin: "file:bench.pdf",
                version: None,
            })
            .collect();
        lib.store_pdfs(&files)?;
        let reading = Instant::now();
        for read in lib.read_pdf_texts(batch)? {
            pages_total += read?.pages_with_text as usize;
            done += 1;
        }
        read_s += reading.elapsed().as_secs_f64();
        if ((n + 1) * ATTACH_BATCH).is_multiple_of(1000) {
            eprintln!(
                "  {done} papers, {:.0} s ({:.0} pages/s read and stored)",
                started.elapsed().as_secs_f64(),
                pages_total as f64 / read_s
            );
        }
    }
    let attach_s = started.elapsed().as_secs_f64();
    eprintln!(
        "  {done} papers, {pages_total} pages of text in {attach_s:.0} s \
         (reading and storing the text: {read_s:.0} s, {:.0} pages/s)",
        pages_total as f64 / read_s
    );
    // Attaching commits the index once per paper; rebuilt in one go, the second pass searches
    // an index built the way the first one's was (by the bulk import), so the figures differ
    // by the text only, not by thousands of small segments being merged.
    let started = Instant::now();
    lib.reindex()?;
    eprintln!(
        "  index rebuilt in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    eprintln!("searching, with full text");
    let after = measure(&lib);

    let row = |name: &str, p: &PassFigures| {
        println!(
            "| {name} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} | {:.0} |",
            p.fig.p50_ms.unwrap_or_default(),
            p.fig.p95_ms.unwrap_or_default(),
            p.fig.p99_ms.unwrap_or_default(),
            p.fig.kind_p99_max_ms.unwrap_or_default(),
            p.index_mb,
            p.library_mb,
        )
    };
    println!(
        "{size} records, {done} with full text ({pages_total} pages), {} queries; \
         attaching took {attach_s:.0} s ({:.0} pages/s read and stored)",
        queries.len(),
        pages_total as f64 / read_s
    );
    println!("| pass | p50 ms | p95 ms | p99 ms | worst kind p99 ms | index MB | library MB |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    row("metadata only", &before);
    row(&format!("+ full text of {done}"), &after);
    let ratio = |a: Option<f64>, b: Option<f64>| b.unwrap_or_default() / a.unwrap_or(1.0);
    println!(
        "p50 ×{:.3}, p99 ×{:.3}",
        ratio(before.fig.p50_ms, after.fig.p50_ms),
        ratio(before.fig.p99_ms, after.fig.p99_ms)
    );
    for (kind, (n, p50, _, p99, hits)) in &before.fig.extra.kinds {
        let (_, p50b, _, p99b, hitsb) = after.fig.extra.kinds[kind];
        println!(
            "{kind:>8} n={n:<4} p50 {p50:.2} -> {p50b:.2}  p99 {p99:.2} -> {p99b:.2} ms  hits {:.0}% -> {:.0}%",
            hits * 100.0,
            hitsb * 100.0
        );
    }
    let mut slowest: Vec<usize> = (0..queries.len()).collect();
    slowest.sort_by(|&a, &b| after.each[b].total_cmp(&after.each[a]));
    eprintln!("slowest with full text (ms with text, metadata only):");
    for &i in slowest.iter().take(12) {
        eprintln!(
            "  {:>7.2} {:>7.2}  {:<8} {}",
            after.each[i], before.each[i], queries[i].kind, queries[i].q
        );
    }
    drop(lib);
    if !args.keep {
        let _ = std::fs::remove_dir_all(&lib_dir);
    }
    Ok(())
}

/// Sentences of the first abstracts of the corpus, ASCII only (the test PDFs' font is not
/// Unicode), at most `max`.
fn sentences(corpus: &Path, max: usize) -> anyhow::Result<Vec<String>> {
    use std::io::BufRead;
    let reader = std::io::BufReader::new(std::fs::File::open(corpus)?);
    let mut out = Vec::new();
    for line in reader.lines() {
        let Ok(p) = papershelf_core::import::arxiv_jsonl::parse_line_bytes(line?.as_bytes()) else {
            continue;
        };
        let text: String = p.abstract_text.chars().filter(char::is_ascii).collect();
        out.extend(
            text.split(". ")
                .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|s| s.len() > 20),
        );
        if out.len() >= max {
            break;
        }
    }
    Ok(out)
}

/// One page: 350 to 500 words of pool sentences, in lines of about 90 characters.
fn page(pool: &[String], rng: &mut Lcg) -> Vec<String> {
    let target = 350 + rng.below(151);
    let (mut words, mut lines, mut line) = (0usize, Vec::new(), String::new());
    while words < target {
        let sentence = &pool[rng.below(pool.len())];
        for w in sentence.split(' ') {
            if line.len() + w.len() > 90 {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(w);
            words += 1;
        }
        line.push('.');
    }
    lines.push(line);
    lines
}

/// A small deterministic generator (the figures must not depend on a crate's version).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}
