//! Writes the figures as `benchmarks.json` and as the generated section of `benchmarks.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Args, EngineFigures, SizeFigures};

/// Marks the generated part of `benchmarks.md`; everything outside is kept as written.
const BEGIN: &str = "<!-- papershelf-bench: generated, begin -->";
const END: &str = "<!-- papershelf-bench: generated, end -->";

/// The command as run, with the data directory (machine-specific) left as a placeholder.
pub fn command_line(data_dir: &Option<PathBuf>) -> String {
    let mut out = vec!["cargo run --release -p papershelf-bench --".to_string()];
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--data-dir" {
            args.next();
            out.push("--data-dir <dir>".into());
        } else if a.starts_with("--data-dir=") {
            out.push("--data-dir <dir>".into());
        } else if a == "--out" {
            args.next();
            out.push("--out <dir>".into());
        } else {
            out.push(a);
        }
    }
    let _ = data_dir;
    out.join(" ")
}

fn read_trimmed(path: &str) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_string())
}

/// CPU model, cores, RAM and kernel, as far as /proc tells.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let ram_gb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    let kernel = read_trimmed("/proc/sys/kernel/osrelease").unwrap_or_else(|| "unknown".into());
    format!("{cpu}, {cores} cores, {ram_gb:.0} GB RAM, Linux {kernel}")
}

fn git_commit() -> String {
    let run = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let hash = run(&["rev-parse", "--short=10", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty =
        run(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    if dirty {
        format!("{hash} (with uncommitted changes)")
    } else {
        hash
    }
}

fn today() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute()
    )
}

fn f(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.digits$}"))
}

fn ratio(fts: Option<f64>, ps: Option<f64>) -> String {
    match (fts, ps) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.1}×", a / b),
        _ => "—".into(),
    }
}

fn size_label(size: usize) -> String {
    match size {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

/// The generated Markdown section.
fn markdown(results: &BTreeMap<usize, SizeFigures>, command: &str, args: &Args) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "## Results ({})\n", today());
    let _ = writeln!(m, "- Machine: {}", machine());
    let _ = writeln!(m, "- Commit: {}", git_commit());
    let _ = writeln!(m, "- Command: `{command}`");
    let _ = writeln!(
        m,
        "- Corpus: `gen_corpus.py --count <size> --seed {seed}`; queries: `gen_corpus.py --queries {q} --count <size> --seed {seed}`; \
         warm, top 20 with snippets; {k} known-item title queries for recall@1; prefix ladder over every prefix of {words}.",
        seed = args.seed,
        q = args.queries,
        k = args.known_items,
        words = crate::LADDER_WORDS.join(", ")
    );
    if args.smoke {
        let _ = writeln!(m, "- Smoke run (CI): figures are not comparable.");
    }
    let _ = writeln!(m);
    let _ = writeln!(
        m,
        "| size | engine | p50 ms | p95 ms | p99 ms | worst kind p99 ms | prefix ladder max ms | import s | peak RSS MB | disk MB | add one ms | cold open ms | recall@1 |"
    );
    let _ = writeln!(m, "|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (size, s) in results {
        for (name, e) in [("Papershelf", &s.papershelf), ("FTS5", &s.fts5)] {
            let _ = writeln!(
                m,
                "| {} | {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                size_label(*size),
                f(e.p50_ms, 2),
                f(e.p95_ms, 2),
                f(e.p99_ms, 2),
                f(e.kind_p99_max_ms, 2),
                f(e.prefix_ladder_max_ms, 2),
                f(e.import_s, 1),
                f(e.peak_rss_mb, 0),
                f(e.disk_mb, 0),
                f(e.add_one_ms, 1),
                f(e.cold_open_ms, 1),
                f(e.recall_at_1, 3),
            );
        }
        let (p, x) = (&s.papershelf, &s.fts5);
        let _ = writeln!(
            m,
            "| {} | **FTS5 / Papershelf** | **{}** | {} | **{}** | {} | {} | {} | {} | {} | {} | {} | |",
            size_label(*size),
            ratio(x.p50_ms, p.p50_ms),
            ratio(x.p95_ms, p.p95_ms),
            ratio(x.p99_ms, p.p99_ms),
            ratio(x.kind_p99_max_ms, p.kind_p99_max_ms),
            ratio(x.prefix_ladder_max_ms, p.prefix_ladder_max_ms),
            ratio(x.import_s, p.import_s),
            ratio(x.peak_rss_mb, p.peak_rss_mb),
            ratio(x.disk_mb, p.disk_mb),
            ratio(x.add_one_ms, p.add_one_ms),
            ratio(x.cold_open_ms, p.cold_open_ms),
        );
    }
    let _ = writeln!(m);
    for (size, s) in results {
        let (p, x) = (&s.papershelf, &s.fts5);
        let _ = writeln!(m, "### {} papers, per query kind\n", size_label(*size));
        let _ = writeln!(
            m,
            "| kind | n | Papershelf p50 / p95 / p99 ms | FTS5 p50 / p95 / p99 ms | ratio p50 | ratio p99 | with hits: Papershelf | FTS5 |"
        );
        let _ = writeln!(m, "|---|---|---|---|---|---|---|---|");
        for (kind, pk) in &p.extra.kinds {
            let xk = x.extra.kinds.get(kind);
            let _ = writeln!(
                m,
                "| {kind} | {} | {:.2} / {:.2} / {:.2} | {} | {} | {} | {:.0}% | {} |",
                pk.0,
                pk.1,
                pk.2,
                pk.3,
                xk.map_or("—".into(), |k| format!(
                    "{:.2} / {:.2} / {:.2}",
                    k.1, k.2, k.3
                )),
                ratio(xk.map(|k| k.1), Some(pk.1)),
                ratio(xk.map(|k| k.3), Some(pk.3)),
                pk.4 * 100.0,
                xk.map_or("—".into(), |k| format!("{:.0}%", k.4 * 100.0)),
            );
        }
        let _ = writeln!(m);
        let _ = writeln!(
            m,
            "Slowest keystroke of the prefix ladder: Papershelf {}, FTS5 {}. Note edits with index update (Papershelf): {} /s over {} edits (the baseline has no notes). Queries rejected: Papershelf {}, FTS5 {}.\n",
            ladder(p),
            ladder(x),
            f(p.extra.note_edits_per_s, 1),
            p.extra.note_edits_done,
            p.extra.errors,
            x.extra.errors,
        );
    }
    if let Some(s) = results.get(&1_000_000) {
        m.push_str(&targets(s));
    }
    m
}

fn ladder(e: &EngineFigures) -> String {
    e.extra
        .ladder_worst
        .as_ref()
        .map_or("—".into(), |(p, ms)| format!("`{p}` {ms:.1} ms"))
}

/// The targets at 1M against what was measured.
fn targets(s: &SizeFigures) -> String {
    let (p, x) = (&s.papershelf, &s.fts5);
    let div = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    };
    let rows: [(&str, Option<f64>, f64, bool, &str); 11] = [
        ("search p50 ms", p.p50_ms, 1.5, true, "ms"),
        ("search p99 ms", p.p99_ms, 10.0, true, "ms"),
        (
            "FTS5 / Papershelf at p50",
            div(x.p50_ms, p.p50_ms),
            10.0,
            false,
            "×",
        ),
        (
            "FTS5 / Papershelf at p99",
            div(x.p99_ms, p.p99_ms),
            50.0,
            false,
            "×",
        ),
        ("worst kind p99 ms", p.kind_p99_max_ms, 15.0, true, "ms"),
        (
            "prefix ladder max ms",
            p.prefix_ladder_max_ms,
            16.0,
            true,
            "ms",
        ),
        ("import s", p.import_s, 60.0, true, "s"),
        ("peak RSS MB (import)", p.peak_rss_mb, 1024.0, true, "MB"),
        (
            "disk MB (≤ FTS5's)",
            p.disk_mb,
            x.disk_mb.unwrap_or(0.0),
            true,
            "MB",
        ),
        ("add one ms", p.add_one_ms, 100.0, true, "ms"),
        (
            "cold open to first answer ms",
            p.cold_open_ms,
            300.0,
            true,
            "ms",
        ),
    ];
    let mut m = String::from(
        "### Targets at 1M papers\n\n| target | goal | measured | met |\n|---|---|---|---|\n",
    );
    for (name, v, goal, at_most, unit) in rows {
        let (goal_s, met) = match v {
            Some(v) if at_most => (format!("≤ {goal:.1} {unit}"), v <= goal),
            Some(v) => (format!("≥ {goal:.0}{unit}"), v >= goal),
            None => ("—".into(), false),
        };
        let _ = writeln!(
            m,
            "| {name} | {goal_s} | {} | {} |",
            f(v, 2),
            if met { "yes" } else { "**no**" }
        );
    }
    m.push('\n');
    m
}

fn json(results: &BTreeMap<usize, SizeFigures>, path: &Path) -> anyhow::Result<String> {
    let mut all: serde_json::Map<String, serde_json::Value> = std::fs::read_to_string(path)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    for (size, s) in results {
        all.insert(
            size.to_string(),
            serde_json::json!({ "papershelf": s.papershelf, "fts5": s.fts5 }),
        );
    }
    Ok(serde_json::to_string_pretty(&all)? + "\n")
}

/// Writes `benchmarks.json` (merged by size with what is there) and the generated section of
/// `benchmarks.md` (the rest of the file is kept).
pub fn write(
    out_dir: &Path,
    results: &BTreeMap<usize, SizeFigures>,
    command: &str,
    args: &Args,
) -> anyhow::Result<()> {
    // The section names the commit and whether the tree was clean: made before either file is
    // written, or the run would always call itself "with uncommitted changes".
    let section = format!("{BEGIN}\n{}{END}", markdown(results, command, args));
    let json_path = out_dir.join("benchmarks.json");
    let text = json(results, &json_path)?;
    std::fs::write(&json_path, text)?;
    let md_path = out_dir.join("benchmarks.md");
    let old = std::fs::read_to_string(&md_path).unwrap_or_else(|_| "# Benchmarks\n\n".into());
    let new = match (old.find(BEGIN), old.find(END)) {
        (Some(a), Some(b)) if a < b => format!("{}{section}{}", &old[..a], &old[b + END.len()..]),
        _ => format!("{}\n{section}\n", old.trim_end()),
    };
    std::fs::write(&md_path, new)?;
    Ok(())
}
