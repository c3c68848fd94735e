//! `papershelf add | inbox`: the commands that reach the sources.

use clap::{Args, Subcommand};
use papershelf_core::graph::Direction;
use papershelf_core::sources::config::{Source, SourceConfig};
use papershelf_core::sources::http::{HttpClient, HttpOptions};
use papershelf_core::sync::{CancelToken, SyncEvent, SyncOptions};
use papershelf_core::SubscriptionKind;
use papershelf_core::{Library, ListFilter, PaperId, Status};

use crate::output;

#[derive(Debug, Args)]
pub struct AddArgs {
    /// arXiv id or URL: 2310.02579, 2310.02579v2, arXiv:…, https://arxiv.org/abs/…, the
    /// 10.48550/arXiv.… DOI, hep-th/9901001, or a huggingface.co/papers/… URL
    id: String,
    /// Print the paper as JSON
    #[arg(long)]
    json: bool,
}

/// The network clients run on a small runtime of their own; the library stays synchronous.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

pub fn add(lib: &Library, args: AddArgs) -> anyhow::Result<()> {
    let config = SourceConfig::load(lib.dir())?;
    let http = HttpClient::new(config, HttpOptions::default())?;
    let fetched = runtime()?.block_on(papershelf_core::sync::fetch_paper(&http, &args.id))?;
    let (paper, added) = lib.add_fetched(&fetched)?;
    if args.json {
        return output::json_line(&paper);
    }
    let verb = if added {
        "added to the inbox"
    } else {
        "already in the library; updated"
    };
    outln!("{}: {} ({verb})", paper.id, paper.title);
    Ok(())
}

#[derive(Debug, Args)]
pub struct InboxArgs {
    /// At most this many
    #[arg(long, default_value_t = 100)]
    limit: usize,
    /// Print JSON Lines, one object per paper
    #[arg(long)]
    json: bool,
}

pub fn inbox(lib: &Library, args: InboxArgs) -> anyhow::Result<()> {
    let filter = ListFilter {
        status: Some(Status::Inbox),
        tag: None,
        limit: Some(args.limit),
        ..ListFilter::default()
    };
    super::papers::print_list(lib, &filter, args.json, "the inbox is empty")
}

#[derive(Debug, Subcommand)]
pub enum SubscribeCommand {
    /// Hugging Face Daily Papers, day by day
    HfDaily,
    /// A Hugging Face paper search
    HfSearch {
        /// Search text
        query: String,
    },
    /// An arXiv category, e.g. cs.LG
    ArxivCategory {
        /// Category
        category: String,
    },
    /// An arXiv API search_query, e.g. 'ti:diffusion AND cat:cs.CV'
    ArxivQuery {
        /// Query
        query: String,
    },
}

pub fn subscribe(lib: &Library, cmd: SubscribeCommand) -> anyhow::Result<()> {
    let (kind, query) = match cmd {
        SubscribeCommand::HfDaily => (SubscriptionKind::HfDaily, String::new()),
        SubscribeCommand::HfSearch { query } => (SubscriptionKind::HfSearch, query),
        SubscribeCommand::ArxivCategory { category } => (SubscriptionKind::ArxivCategory, category),
        SubscribeCommand::ArxivQuery { query } => (SubscriptionKind::ArxivQuery, query),
    };
    let sub = lib.subscribe(kind, &query)?;
    outln!("subscription {}: {} {}", sub.id, sub.kind, sub.query);
    Ok(())
}

#[derive(Debug, Args)]
pub struct SubscriptionsArgs {
    /// Print JSON Lines
    #[arg(long)]
    json: bool,
}

pub fn subscriptions(lib: &Library, args: SubscriptionsArgs) -> anyhow::Result<()> {
    let subs = lib.subscriptions()?;
    for s in &subs {
        if args.json {
            output::json_line(s)?;
        } else {
            let synced = s.last_synced_at.as_deref().unwrap_or("never");
            outln!(
                "{:>3}  {:<15} {:<30} last synced {synced}",
                s.id,
                s.kind.as_str(),
                s.query
            );
        }
    }
    if subs.is_empty() && !args.json {
        outln!("no subscriptions; add one with `papershelf subscribe hf-daily`");
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct UnsubscribeArgs {
    /// Subscription id (see `papershelf subscriptions`)
    id: i64,
}

pub fn unsubscribe(lib: &Library, args: UnsubscribeArgs) -> anyhow::Result<()> {
    lib.unsubscribe(args.id)?;
    outln!("unsubscribed {}", args.id);
    Ok(())
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Only this source: hf, arxiv or s2
    #[arg(long, value_parser = parse_source)]
    source: Option<Source>,
    /// Fetch and count, write nothing
    #[arg(long)]
    dry_run: bool,
    /// First Daily Papers day, YYYY-MM-DD (default: where the last sync stopped, or a week ago)
    #[arg(long, value_parser = parse_date)]
    from: Option<time::Date>,
    /// Last Daily Papers day, YYYY-MM-DD (default: today)
    #[arg(long, value_parser = parse_date)]
    to: Option<time::Date>,
    /// arXiv results per request (default 100, at most 2000)
    #[arg(long, value_name = "N")]
    page_size: Option<u32>,
    /// Print the report as JSON
    #[arg(long)]
    json: bool,
}

fn parse_source(s: &str) -> Result<Source, String> {
    Source::ALL
        .into_iter()
        .find(|src| src.name() == s)
        .ok_or_else(|| format!("unknown source '{s}' (expected hf, arxiv or s2)"))
}

fn parse_date(s: &str) -> Result<time::Date, String> {
    papershelf_core::sync::parse_day(s)
        .ok_or_else(|| format!("'{s}' is not a date like 2024-01-15"))
}

pub fn sync(lib: &Library, args: SyncArgs) -> anyhow::Result<()> {
    if lib.subscriptions()?.is_empty() {
        anyhow::bail!("nothing to sync: subscribe first, e.g. `papershelf subscribe hf-daily`");
    }
    let config = SourceConfig::load(lib.dir())?;
    let http = HttpClient::new(config, HttpOptions::default())?;
    let opts = SyncOptions {
        only: args.source,
        from: args.from,
        to: args.to,
        dry_run: args.dry_run,
        arxiv_page_size: args.page_size,
        ..SyncOptions::default()
    };
    let quiet = args.json;
    let rt = runtime()?;
    let cancel = opts.cancel.clone();
    // Ctrl-C stops at the next page boundary; a second Ctrl-C kills as usual (the library
    // stays consistent either way, this just ends with a report).
    rt.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("cancelling after the current page (Ctrl-C again to stop now)");
            cancel.cancel();
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    let report = rt.block_on(papershelf_core::sync::sync(lib, &http, &opts, &mut |e| {
        if quiet {
            return;
        }
        match e {
            SyncEvent::Enriched { asked, total } => {
                eprintln!("  semantic scholar: {asked}/{total} papers")
            }
            SyncEvent::Graph {
                paper,
                direction,
                edges,
            } => eprintln!("  {paper}: {edges} {direction} cached"),
            SyncEvent::Started { label, .. } => eprintln!("syncing {label}"),
            SyncEvent::Page {
                unit,
                papers,
                added,
                not_modified,
                ..
            } => {
                if *not_modified {
                    eprintln!("  {unit}: unchanged since last sync");
                } else {
                    eprintln!("  {unit}: {papers} papers, {added} new");
                }
            }
        }
    }))?;
    if args.json {
        output::json_line(&report)?;
    } else {
        let verb = if report.dry_run { "would add" } else { "added" };
        for s in &report.subscriptions {
            outln!(
                "{}: {verb} {}, updated {}, unchanged {}, {} pages ({} not modified), {} skipped",
                s.label,
                s.added,
                s.updated,
                s.unchanged,
                s.pages,
                s.not_modified,
                s.skipped.len()
            );
            if let Some(e) = &s.error {
                outln!("  stopped: {e}");
            }
        }
    }
    if let (Some(e), false) = (&report.enrichment, args.json) {
        outln!(
            "semantic scholar: {} papers asked, {} found",
            e.asked,
            e.found
        );
        if let Some(err) = &e.error {
            outln!("  stopped: {err}");
        }
    }
    if let (Some(g), false) = (&report.graph, args.json) {
        if g.papers > 0 || g.error.is_some() {
            outln!(
                "references and citations: {} papers, {} edges, {} requests",
                g.papers,
                g.edges,
                g.pages
            );
        }
        if let Some(err) = &g.error {
            outln!("  stopped: {err}");
        }
    }
    if !args.json {
        for (source, t) in &report.traffic {
            outln!(
                "{source}: {} requests ({} not modified), {} received",
                t.requests,
                t.not_modified,
                output::bytes(t.bytes)
            );
        }
    }
    if report.cancelled {
        anyhow::bail!(
            "sync cancelled; what was fetched is kept, run `papershelf sync` again to resume"
        );
    }
    if report.failed() {
        anyhow::bail!("some subscriptions failed (see above); the papers already written are kept, run `papershelf sync` again to resume");
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Paper id (or its arXiv id in any form, or a DOI)
    id: String,
    /// Fetch again from Semantic Scholar even when the list is cached
    #[arg(long, conflicts_with = "cached")]
    refresh: bool,
    /// Only show what is cached; never touch the network
    #[arg(long)]
    cached: bool,
    /// Print the list as JSON
    #[arg(long)]
    json: bool,
}

/// `papershelf references | citations ID`: the cached list, fetched (or resumed) first unless
/// `--cached`.
pub fn graph(lib: &Library, args: GraphArgs, direction: Direction) -> anyhow::Result<()> {
    let id = PaperId::new(&args.id);
    let list = if args.cached {
        lib.edges(&id, direction)?
    } else {
        let config = SourceConfig::load(lib.dir())?;
        let http = HttpClient::new(config, HttpOptions::default())?;
        let cancel = CancelToken::new();
        let (list, _) = runtime()?.block_on(papershelf_core::sync::fetch_edges(
            lib,
            &http,
            &id,
            direction,
            args.refresh,
            &cancel,
        ))?;
        list
    };
    if args.json {
        return output::json_line(&list);
    }
    for e in &list.edges {
        let title = e.title.as_deref().unwrap_or("(untitled)");
        let year = e.year.map(|y| format!(" ({y})")).unwrap_or_default();
        let mark = if e.in_library.is_some() { "*" } else { " " };
        let ids = match (&e.in_library, &e.arxiv_id, &e.doi) {
            (Some(id), _, _) => id.to_string(),
            (None, Some(a), _) => format!("arXiv:{a}"),
            (None, None, Some(d)) => format!("doi:{d}"),
            _ => String::new(),
        };
        outln!("{mark} {title}{year}  {ids}");
    }
    let state = if list.complete {
        "complete"
    } else if list.next_offset.is_some() {
        "partial; run again to resume"
    } else {
        "not fetched yet"
    };
    outln!(
        "{} {direction} ({state}; * = in your library)",
        list.edges.len()
    );
    Ok(())
}
