//! `papershelf-bench`: measures Papershelf on a corpus in the arXiv snapshot format.
//!
//! ```text
//! python3 ../shared/bench/gen_corpus.py --count 100000 --seed 42 --out corpus.jsonl
//! python3 ../shared/bench/gen_corpus.py --queries 1000 --seed 42 --out queries.jsonl
//! cargo run --release -p papershelf-bench -- --corpus corpus.jsonl --queries queries.jsonl
//! ```
//!
//! Prints a Markdown table: import time, peak RSS, disk size, cold open to first answer,
//! warm search latency per query kind (top 20 with snippets), add-one-paper latency and the
//! note-edit throughput. Numbers, not assertions: run it on a quiet machine.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use papershelf_core::{Library, NewPaper, PaperId, SearchOptions};
use serde::Deserialize;

#[derive(Debug, Parser)]
struct Args {
    /// Corpus in arXiv snapshot JSON Lines
    #[arg(long)]
    corpus: PathBuf,
    /// Queries as JSON Lines {"q": ..., "kind": ...}
    #[arg(long)]
    queries: PathBuf,
    /// Where to build the library (default: a temporary directory, removed afterwards)
    #[arg(long)]
    work: Option<PathBuf>,
    /// Note edits to time
    #[arg(long, default_value_t = 1000)]
    note_edits: usize,
}

#[derive(Debug, Deserialize)]
struct QueryLine {
    q: String,
    kind: String,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let tmp;
    let dir = match &args.work {
        Some(d) => d.clone(),
        None => {
            tmp = std::env::temp_dir().join(format!("papershelf-bench-{}", std::process::id()));
            tmp
        }
    };
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    let queries: Vec<QueryLine> = std::fs::read_to_string(&args.queries)
        .with_context(|| format!("cannot read {}", args.queries.display()))?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;

    // 1. Import through the real path (SQLite + index).
    let started = Instant::now();
    let lib = Library::open(&dir)?;
    let report = lib.import_arxiv_jsonl(&args.corpus, &mut |_| {})?;
    let import_s = started.elapsed().as_secs_f64();
    let papers = lib.stats()?.papers;
    drop(lib);
    let rss_mb = peak_rss_mb();
    let disk_mb = dir_size(&dir) as f64 / 1e6;

    // 2. Cold open: a fresh handle answers its first query.
    let started = Instant::now();
    let lib = Library::open(&dir)?;
    lib.search(&queries[0].q, &SearchOptions::default())?;
    let cold_open_ms = started.elapsed().as_secs_f64() * 1e3;

    // 3. Warm searches, top 20 with snippets. One untimed pass first to warm caches.
    for q in &queries {
        lib.search(&q.q, &SearchOptions::default())?;
    }
    let mut by_kind: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut all = Vec::new();
    for q in &queries {
        let t = Instant::now();
        lib.search(&q.q, &SearchOptions::default())?;
        let ms = t.elapsed().as_secs_f64() * 1e3;
        by_kind.entry(q.kind.clone()).or_default().push(ms);
        all.push(ms);
    }

    // 4. One added paper until searchable.
    let started = Instant::now();
    let new = NewPaper {
        title: "Zyxwvutsr benchmark probe paper".into(),
        abstract_text: "A probe added by the benchmark.".into(),
        ..Default::default()
    };
    lib.add_papers(&[new], "bench", "probe")?;
    let found = lib.search("zyxwvutsr", &SearchOptions::default())?.total;
    let add_one_ms = started.elapsed().as_secs_f64() * 1e3;
    anyhow::ensure!(found == 1, "the added paper was not found");

    // 5. Note edits with index updates.
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
    let started = Instant::now();
    for i in 0..args.note_edits {
        let id = &ids[i % ids.len()];
        lib.set_note(
            id,
            &format!("note edit {i}: check the ablation in section {i}"),
        )?;
    }
    let edits_per_s = args.note_edits as f64 / started.elapsed().as_secs_f64();

    println!("| figure | value |");
    println!("|---|---|");
    println!("| papers | {papers} ({} skipped) |", report.skipped.len());
    println!("| import (JSON parse + SQLite + index) | {import_s:.1} s |");
    println!("| peak RSS (import) | {rss_mb:.0} MB |");
    println!("| library on disk | {disk_mb:.0} MB |");
    println!("| cold open to first answer | {cold_open_ms:.1} ms |");
    println!("| add one paper until searchable | {add_one_ms:.1} ms |");
    println!("| note edits with index update | {edits_per_s:.0} /s |");
    println!();
    println!("| query kind | n | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|");
    for (kind, ms) in by_kind
        .iter_mut()
        .chain(std::iter::once((&"all".to_string(), &mut all)))
    {
        ms.sort_by(f64::total_cmp);
        println!(
            "| {kind} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
            ms.len(),
            pct(ms, 0.50),
            pct(ms, 0.95),
            pct(ms, 0.99),
            ms.last().copied().unwrap_or(0.0)
        );
    }
    if args.work.is_none() {
        drop(lib);
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

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
