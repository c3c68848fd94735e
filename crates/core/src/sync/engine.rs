//! `sync`: runs the subscriptions that are due and writes what they bring.
//!
//! Each page is fetched (conditionally, with the validators stored last time), parsed, and
//! written in one transaction with its validators; a subscription's cursor moves only after a
//! unit (a Daily Papers day) is complete. A sync killed at any point and run again therefore
//! re-fetches at most the unit it was in, and upserts make that a no-op.

use serde::Serialize;
use time::{Date, Duration as Days, OffsetDateTime};

use crate::db::edges::Direction;
use crate::error::{Error, Failure, Result};
use crate::library::Library;
use crate::model::NewPaper;
use crate::sources::config::Source;
use crate::sources::hf::{self, HfSignals};
use crate::sources::http::{Expect, Fetched, HttpClient, Traffic};
use crate::sources::s2;
use crate::{Subscription, SubscriptionKind};

/// What to sync.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// Only subscriptions of this source.
    pub only: Option<Source>,
    /// First Daily Papers day (default: the day after the cursor, or a week ago).
    pub from: Option<Date>,
    /// Last Daily Papers day (default: today, UTC).
    pub to: Option<Date>,
    /// Fetch and count, write nothing.
    pub dry_run: bool,
    /// arXiv results per page (default 100; the API allows up to 2000).
    pub arxiv_page_size: Option<u32>,
    /// At most this many arXiv results per subscription and run (default 1000).
    pub arxiv_max_results: Option<u32>,
    /// Stops the sync at the next page boundary; what was written stays.
    pub cancel: super::CancelToken,
}

/// Progress, for a bar in the CLI and the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum SyncEvent {
    /// A subscription started.
    Started {
        /// Subscription id.
        id: i64,
        /// Its kind and query, for display.
        label: String,
    },
    /// A page was fetched and written.
    Page {
        /// Subscription id.
        id: i64,
        /// What the page was (a day, an offset).
        unit: String,
        /// Papers on it.
        papers: u64,
        /// New papers it brought.
        added: u64,
        /// True for a 304.
        not_modified: bool,
    },
    /// Semantic Scholar enrichment finished a batch.
    Enriched {
        /// Papers asked about so far.
        asked: u64,
        /// Papers due in this sync.
        total: u64,
    },
    /// A paper's references or citations were cached.
    Graph {
        /// The paper.
        paper: String,
        /// `references` or `citations`.
        direction: String,
        /// Edges written.
        edges: u64,
    },
}

/// What one subscription's sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionOutcome {
    /// Subscription id.
    pub id: i64,
    /// Kind and query.
    pub label: String,
    /// Pages fetched (304s included).
    pub pages: u64,
    /// Pages answered 304.
    pub not_modified: u64,
    /// New papers (in the inbox).
    pub added: u64,
    /// Known papers updated in place.
    pub updated: u64,
    /// Known papers unchanged.
    pub unchanged: u64,
    /// Items passed over, with reasons.
    pub skipped: Vec<String>,
    /// Why it stopped early, if it did (the others still ran).
    pub error: Option<Failure>,
}

/// What the Semantic Scholar enrichment did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct EnrichmentOutcome {
    /// Papers asked about.
    pub asked: u64,
    /// Papers Semantic Scholar knew.
    pub found: u64,
    /// Why it stopped early, if it did.
    pub error: Option<Failure>,
}

/// What caching references and citations did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct GraphOutcome {
    /// Papers whose lists were fetched.
    pub papers: u64,
    /// Requests made.
    pub pages: u64,
    /// Edges written.
    pub edges: u64,
    /// Why it stopped early, if it did.
    pub error: Option<Failure>,
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    /// One entry per subscription run.
    pub subscriptions: Vec<SubscriptionOutcome>,
    /// Semantic Scholar enrichment, when it ran.
    pub enrichment: Option<EnrichmentOutcome>,
    /// References and citations cached, when that ran.
    pub graph: Option<GraphOutcome>,
    /// True when nothing was written.
    pub dry_run: bool,
    /// True when the caller cancelled; everything before the cancel is written.
    pub cancelled: bool,
    /// Requests and bytes per source during this sync (`hf`, `arxiv`, `s2`).
    pub traffic: std::collections::BTreeMap<&'static str, Traffic>,
}

impl SyncReport {
    /// True when some subscription or the enrichment failed.
    pub fn failed(&self) -> bool {
        self.subscriptions.iter().any(|s| s.error.is_some())
            || self.enrichment.as_ref().is_some_and(|e| e.error.is_some())
            || self.graph.as_ref().is_some_and(|g| g.error.is_some())
    }
}

fn source_of(kind: SubscriptionKind) -> Source {
    match kind {
        SubscriptionKind::HfDaily | SubscriptionKind::HfSearch => Source::HuggingFace,
        SubscriptionKind::ArxivCategory | SubscriptionKind::ArxivQuery => Source::Arxiv,
    }
}

fn label(s: &Subscription) -> String {
    if s.query.is_empty() {
        s.kind.to_string()
    } else {
        format!("{} {}", s.kind, s.query)
    }
}

/// Runs every subscription (of `opts.only`'s source, when set).
///
/// # Errors
/// Only for failures of the library itself; a source failing is recorded in its outcome and
/// the other subscriptions still run.
pub async fn sync(
    lib: &Library,
    http: &HttpClient,
    opts: &SyncOptions,
    on_event: &mut (dyn FnMut(&SyncEvent) + Send),
) -> Result<SyncReport> {
    let before = Source::ALL.map(|s| http.traffic(s));
    let mut report = SyncReport {
        dry_run: opts.dry_run,
        ..Default::default()
    };
    let result = sync_all(lib, http, opts, &mut report, on_event).await;
    for (source, before) in Source::ALL.into_iter().zip(before) {
        let spent = http.traffic(source).since(before);
        if spent != Traffic::default() {
            report.traffic.insert(source.name(), spent);
        }
    }
    result.map(|()| report)
}

async fn sync_all(
    lib: &Library,
    http: &HttpClient,
    opts: &SyncOptions,
    report: &mut SyncReport,
    on_event: &mut (dyn FnMut(&SyncEvent) + Send),
) -> Result<()> {
    for sub in lib.subscriptions()? {
        if opts.only.is_some_and(|only| only != source_of(sub.kind)) {
            continue;
        }
        on_event(&SyncEvent::Started {
            id: sub.id,
            label: label(&sub),
        });
        let mut outcome = SubscriptionOutcome {
            id: sub.id,
            label: label(&sub),
            ..Default::default()
        };
        let result = match sub.kind {
            SubscriptionKind::HfDaily => {
                hf_daily(lib, http, &sub, opts, &mut outcome, on_event).await
            }
            SubscriptionKind::HfSearch => {
                hf_search(lib, http, &sub, opts, &mut outcome, on_event).await
            }
            SubscriptionKind::ArxivCategory | SubscriptionKind::ArxivQuery => {
                arxiv_feed(lib, http, &sub, opts, &mut outcome, on_event).await
            }
        };
        if let Err(e) = result {
            if matches!(e, Error::Db(_) | Error::Index(_)) {
                return Err(e);
            }
            report.cancelled |= matches!(e, Error::Cancelled);
            outcome.error = Some(Failure::from(&e));
        }
        report.subscriptions.push(outcome);
        if report.cancelled {
            return Ok(());
        }
    }
    if !opts.dry_run && opts.only.is_none_or(|s| s == Source::SemanticScholar) {
        let mut outcome = EnrichmentOutcome::default();
        if let Err(e) = enrich_s2(lib, http, opts, &mut outcome, on_event).await {
            if matches!(e, Error::Db(_) | Error::Index(_)) {
                return Err(e);
            }
            report.cancelled |= matches!(e, Error::Cancelled);
            outcome.error = Some(Failure::from(&e));
        }
        report.enrichment = Some(outcome);
        if report.cancelled {
            return Ok(());
        }
        let mut outcome = GraphOutcome::default();
        if let Err(e) = cache_graph(lib, http, opts, &mut outcome, on_event).await {
            if matches!(e, Error::Db(_) | Error::Index(_)) {
                return Err(e);
            }
            report.cancelled |= matches!(e, Error::Cancelled);
            outcome.error = Some(Failure::from(&e));
        }
        report.graph = Some(outcome);
    }
    Ok(())
}

/// Reference lists are refreshed monthly: they change only when a paper is revised.
const GRAPH_REFRESH_DAYS: i64 = 30;
/// Papers whose lists are fetched per sync (two lists each, usually one request per list).
const GRAPH_MAX_PER_SYNC: usize = 50;

async fn cache_graph(
    lib: &Library,
    http: &HttpClient,
    opts: &SyncOptions,
    outcome: &mut GraphOutcome,
    on_event: &mut (dyn FnMut(&SyncEvent) + Send),
) -> Result<()> {
    let stale_before = (OffsetDateTime::now_utc() - Days::days(GRAPH_REFRESH_DAYS))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    for id in lib.edges_due(&stale_before, GRAPH_MAX_PER_SYNC)? {
        for direction in [Direction::References, Direction::Citations] {
            let state = lib.edges(&id, direction)?;
            // Resume an unfinished list; refresh a complete, stale one.
            let refresh = state.complete;
            let (_, done) =
                super::fetch_edges(lib, http, &id, direction, refresh, &opts.cancel).await?;
            outcome.pages += done.pages;
            outcome.edges += done.edges;
            on_event(&SyncEvent::Graph {
                paper: id.to_string(),
                direction: direction.to_string(),
                edges: done.edges,
            });
        }
        outcome.papers += 1;
    }
    Ok(())
}

/// Semantic Scholar's batch endpoint takes at most 500 ids.
const S2_BATCH: usize = 500;
/// Counts drift slowly; ask again after a week.
const S2_REFRESH_DAYS: i64 = 7;
/// At most this many papers per sync, so a large library is enriched over several syncs.
const S2_MAX_PER_SYNC: usize = 5_000;
const S2_FIELDS: &str = "paperId,externalIds,title,venue,year,citationCount,influentialCitationCount,referenceCount,publicationDate,authors,tldr";

async fn enrich_s2(
    lib: &Library,
    http: &HttpClient,
    opts: &SyncOptions,
    outcome: &mut EnrichmentOutcome,
    on_event: &mut (dyn FnMut(&SyncEvent) + Send),
) -> Result<()> {
    let stale_before = (OffsetDateTime::now_utc() - Days::days(S2_REFRESH_DAYS))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let candidates = lib.s2_enrichment_candidates(&stale_before, S2_MAX_PER_SYNC)?;
    let path = format!("/graph/v1/paper/batch?fields={S2_FIELDS}");
    let url = http.url(Source::SemanticScholar, &path);
    for chunk in candidates.chunks(S2_BATCH) {
        opts.cancel.check()?;
        let ids: Vec<String> = chunk.iter().map(|id| format!("arXiv:{id}")).collect();
        let body = match http
            .post_json(
                Source::SemanticScholar,
                &path,
                &serde_json::json!({ "ids": ids }),
            )
            .await?
        {
            Fetched::Body { body, .. } => body,
            Fetched::NotModified => continue,
        };
        let text = String::from_utf8_lossy(&body);
        let answers = s2::parse_batch(&text, chunk.len()).map_err(|e| Error::SourceFormat {
            source_name: "s2",
            url: url.clone(),
            reason: e.to_string(),
        })?;
        outcome.asked += chunk.len() as u64;
        outcome.found += answers.iter().filter(|a| a.is_some()).count() as u64;
        let pairs: Vec<(String, Option<s2::S2Paper>)> =
            chunk.iter().cloned().zip(answers).collect();
        lib.apply_s2_batch(&pairs, &url)?;
        on_event(&SyncEvent::Enriched {
            asked: outcome.asked,
            total: candidates.len() as u64,
        });
    }
    Ok(())
}

/// The days to fetch: from the cursor day (it may have grown since) or a week back, to today.
fn hf_days(sub: &Subscription, opts: &SyncOptions) -> Vec<Date> {
    let today = OffsetDateTime::now_utc().date();
    let to = opts.to.unwrap_or(today);
    let from = opts
        .from
        .or_else(|| sub.cursor.as_deref().and_then(parse_day))
        .unwrap_or(to - Days::days(6));
    let mut days = Vec::new();
    let mut d = from;
    while d <= to && days.len() < 3660 {
        days.push(d);
        match d.next_day() {
            Some(next) => d = next,
            None => break,
        }
    }
    days
}

/// Parses `YYYY-MM-DD`.
pub fn parse_day(s: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &format).ok()
}

fn day_string(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

async fn hf_daily(
    lib: &Library,
    http: &HttpClient,
    sub: &Subscription,
    opts: &SyncOptions,
    outcome: &mut SubscriptionOutcome,
    on_event: &mut (dyn FnMut(&SyncEvent) + Send),
) -> Result<()> {
    for day in hf_days(sub, opts) {
        opts.cancel.check()?;
        let day_str = day_string(day);
        let mut path = format!("/api/daily_papers?date={day_str}&limit=100");
        // Follow `Link: rel="next"` within the configured origin, with a hard bound on pages.
        for _page in 0..50 {
            opts.cancel.check()?;
            let next = hf_list_page(
                lib,
                http,
                sub,
                &path,
                HfList::Daily,
                &day_str,
                opts,
                outcome,
                on_event,
            )
            .await?;
            match next {
                Some(next_path) => path = next_path,
                None => break,
            }
        }
        if !opts.dry_run {
            lib.mark_synced(sub.id, Some(&day_str))?;
        }
    }
    Ok(())
}

/// The path and query of `link` when it points at the configured Hugging Face origin.
fn same_origin_path(http: &HttpClient, link: &str) -> Option<String> {
    let origin = http.config().origin(Source::HuggingFace);
    let rest = link.strip_prefix(origin)?;
    rest.starts_with('/').then(|| rest.to_string())
}

/// Writes (or, in a dry run, counts) one page of papers; returns the new ones.
fn write_page(
    lib: &Library,
    papers: &[(NewPaper, Option<HfSignals>)],
    source: &str,
    url: &str,
    validators: Option<&crate::sources::http::Validators>,
    opts: &SyncOptions,
    outcome: &mut SubscriptionOutcome,
) -> Result<(u64, u64)> {
    if opts.dry_run {
        let mut new = 0;
        for (p, _) in papers {
            if let Some(id) = &p.arxiv_id {
                new += u64::from(!lib.has_arxiv_id(id)?);
            }
        }
        outcome.added += new;
        return Ok((new, 0));
    }
    let r = lib.add_source_page(papers, source, url, validators)?;
    outcome.added += r.added;
    outcome.updated += r.updated;
    outcome.unchanged += r.unchanged;
    Ok((r.added, r.unchanged))
}

async fn hf_search(
    lib: &Library,
    http: &HttpClient,
    sub: &Subscription,
    opts: &SyncOptions,
    outcome: &mut SubscriptionOutcome,
    on_event: &mut (dyn FnMut(&SyncEvent) + Send),
) -> Result<()> {
    let path = format!("/api/papers/search?q={}", encode_query_value(&sub.query));
    hf_list_page(
        lib,
        http,
        sub,
        &path,
        HfList::Search,
        &sub.query,
        opts,
        outcome,
        on_event,
    )
    .await?;
    finish(lib, sub, opts, None)
}

/// Which Hugging Face list endpoint a page comes from.
#[derive(Debug, Clone, Copy)]
enum HfList {
    Daily,
    Search,
}

/// Fetches one Hugging Face list page conditionally, writes it with its validators and
/// reports it; returns the path of the `Link: rel="next"` page when there is one.
#[allow(clippy::too_many_arguments)]
async fn hf_list_page(
    lib: &Library,
    http: &HttpClient,
    sub: &Subscription,
    path: &str,
    list: HfList,
    unit: &str,
    opts: &SyncOptions,
    outcome: &mut SubscriptionOutcome,
    on_event: &mut (dyn FnMut(&SyncEvent) + Send),
) -> Result<Option<String>> {
    let url = http.url(Source::HuggingFace, path);
    let validators = lib.cached_validators(&url)?;
    outcome.pages += 1;
    let fetched = http
        .get(Source::HuggingFace, path, Expect::Json, validators.as_ref())
        .await?;
    let (body, new_validators, next) = match fetched {
        Fetched::NotModified => {
            outcome.not_modified += 1;
            on_event(&SyncEvent::Page {
                id: sub.id,
                unit: unit.to_string(),
                papers: 0,
                added: 0,
                not_modified: true,
            });
            return Ok(None);
        }
        Fetched::Body {
            body,
            validators,
            next_link,
        } => (body, validators, next_link),
    };
    let parsed = match list {
        HfList::Daily => hf::parse_daily_bytes(&body),
        HfList::Search => hf::parse_search_bytes(&body),
    };
    let page = parsed.map_err(|e| Error::SourceFormat {
        source_name: "hf",
        url: url.clone(),
        reason: e.to_string(),
    })?;
    outcome.skipped.extend(
        page.skipped
            .iter()
            .map(|(i, why)| format!("{unit} item {i}: {why}")),
    );
    let papers: Vec<(NewPaper, Option<HfSignals>)> = page
        .papers
        .into_iter()
        .map(|p| (p.paper, Some(p.signals)))
        .collect();
    let count = papers.len() as u64;
    let (added, _) = write_page(
        lib,
        &papers,
        "hf-api",
        &url,
        Some(&new_validators),
        opts,
        outcome,
    )?;
    on_event(&SyncEvent::Page {
        id: sub.id,
        unit: unit.to_string(),
        papers: count,
        added,
        not_modified: false,
    });
    Ok(next
        .filter(|_| count > 0)
        .and_then(|link| same_origin_path(http, &link)))
}

fn finish(
    lib: &Library,
    sub: &Subscription,
    opts: &SyncOptions,
    cursor: Option<&str>,
) -> Result<()> {
    if !opts.dry_run {
        lib.mark_synced(sub.id, cursor)?;
    }
    Ok(())
}

/// The cursor of an arXiv feed: `start=N` while a run is under way (so an interrupted run
/// resumes there), `done` once a run reached its end.
const ARXIV_DONE: &str = "done";

async fn arxiv_feed(
    lib: &Library,
    http: &HttpClient,
    sub: &Subscription,
    opts: &SyncOptions,
    outcome: &mut SubscriptionOutcome,
    on_event: &mut (dyn FnMut(&SyncEvent) + Send),
) -> Result<()> {
    let search_query = match sub.kind {
        SubscriptionKind::ArxivCategory => format!("cat:{}", sub.query),
        _ => sub.query.clone(),
    };
    let page_size = opts.arxiv_page_size.unwrap_or(100).clamp(1, 2000);
    let max_results = opts.arxiv_max_results.unwrap_or(1000).min(30_000);
    let resumed_at = sub
        .cursor
        .as_deref()
        .and_then(|c| c.strip_prefix("start="))
        .and_then(|n| n.parse::<u32>().ok());
    // After a complete run, a page with nothing new means the rest is known too (newest first).
    let incremental = sub.cursor.as_deref() == Some(ARXIV_DONE);
    let mut start = resumed_at.unwrap_or(0);
    loop {
        opts.cancel.check()?;
        let path = format!(
            "/api/query?search_query={}&sortBy=submittedDate&sortOrder=descending&start={start}&max_results={page_size}",
            encode_query_value(&search_query)
        );
        outcome.pages += 1;
        let Some((url, feed)) = super::fetch_arxiv_feed(http, &path).await? else {
            outcome.not_modified += 1;
            break;
        };
        outcome.skipped.extend(
            feed.skipped
                .iter()
                .map(|s| format!("start {start} entry {}: {}", s.index, s.reason)),
        );
        let count = feed.entries.len() as u32;
        let papers: Vec<(NewPaper, Option<HfSignals>)> = feed
            .entries
            .into_iter()
            .map(|e| {
                let mut paper = e.paper;
                if e.version > 1 {
                    if let Some(p) = paper.published {
                        let v1 = crate::model::PaperVersion {
                            version: 1,
                            created: p.sort_key(),
                        };
                        paper.versions.insert(0, v1);
                    }
                }
                (paper, None)
            })
            .collect();
        let (added, unchanged) = write_page(lib, &papers, "arxiv-api", &url, None, opts, outcome)?;
        on_event(&SyncEvent::Page {
            id: sub.id,
            unit: format!("start {start}"),
            papers: u64::from(count),
            added,
            not_modified: false,
        });
        start += count;
        let total = feed.total_results.unwrap_or(0).min(u64::from(max_results)) as u32;
        let nothing_new = incremental && count > 0 && unchanged == u64::from(count);
        if count == 0 || start >= total || nothing_new {
            break;
        }
        if !opts.dry_run {
            lib.mark_synced(sub.id, Some(&format!("start={start}")))?;
        }
    }
    finish(lib, sub, opts, Some(ARXIV_DONE))
}

/// Percent-encodes a query-string value (RFC 3986 unreserved characters and `:` stay).
fn encode_query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_query_value("cat:cs.LG"), "cat:cs.LG");
        assert_eq!(encode_query_value("ti:a b&c"), "ti:a%20b%26c");
        assert_eq!(encode_query_value("é"), "%C3%A9");
    }
}
