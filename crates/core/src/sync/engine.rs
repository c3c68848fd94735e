//! `sync`: runs the subscriptions that are due and writes what they bring.
//!
//! Each page is fetched (conditionally, with the validators stored last time), parsed, and
//! written in one transaction with its validators; a subscription's cursor moves only after a
//! unit (a Daily Papers day) is complete. A sync killed at any point and run again therefore
//! re-fetches at most the unit it was in, and upserts make that a no-op.

use serde::Serialize;
use time::{Date, Duration as Days, OffsetDateTime};

use crate::error::{Error, Result};
use crate::library::Library;
use crate::model::NewPaper;
use crate::sources::config::Source;
use crate::sources::hf::{self, HfSignals};
use crate::sources::http::{Expect, Fetched, HttpClient};
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
}

/// Progress, for a bar in the CLI and the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
}

/// What one subscription's sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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
    pub error: Option<String>,
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    /// One entry per subscription run.
    pub subscriptions: Vec<SubscriptionOutcome>,
    /// True when nothing was written.
    pub dry_run: bool,
}

impl SyncReport {
    /// True when some subscription failed.
    pub fn failed(&self) -> bool {
        self.subscriptions.iter().any(|s| s.error.is_some())
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
    let mut report = SyncReport {
        dry_run: opts.dry_run,
        ..Default::default()
    };
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
            other => Err(Error::InvalidInput(format!(
                "syncing {other} subscriptions is not built yet"
            ))),
        };
        if let Err(e) = result {
            if matches!(e, Error::Db(_) | Error::Index(_)) {
                return Err(e);
            }
            outcome.error = Some(e.to_string());
        }
        report.subscriptions.push(outcome);
    }
    Ok(report)
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
        let day_str = day_string(day);
        let mut path = format!("/api/daily_papers?date={day_str}&limit=100");
        // Follow `Link: rel="next"` within the configured origin, with a hard bound on pages.
        for _page in 0..50 {
            let url = http.url(Source::HuggingFace, &path);
            let validators = lib.cached_validators(&url)?;
            let fetched = http
                .get(
                    Source::HuggingFace,
                    &path,
                    Expect::Json,
                    validators.as_ref(),
                )
                .await?;
            outcome.pages += 1;
            let (body, new_validators, next) = match fetched {
                Fetched::NotModified => {
                    outcome.not_modified += 1;
                    on_event(&SyncEvent::Page {
                        id: sub.id,
                        unit: day_str.clone(),
                        papers: 0,
                        added: 0,
                        not_modified: true,
                    });
                    break;
                }
                Fetched::Body {
                    body,
                    validators,
                    next_link,
                } => (body, validators, next_link),
            };
            let page = hf::parse_daily_bytes(&body).map_err(|e| Error::SourceFormat {
                source_name: "hf",
                url: url.clone(),
                reason: e.to_string(),
            })?;
            outcome.skipped.extend(
                page.skipped
                    .iter()
                    .map(|(i, why)| format!("{day_str} item {i}: {why}")),
            );
            let papers: Vec<(NewPaper, Option<HfSignals>)> = page
                .papers
                .into_iter()
                .map(|p| (p.paper, Some(p.signals)))
                .collect();
            let count = papers.len() as u64;
            let added = if opts.dry_run {
                let mut new = 0;
                for (p, _) in &papers {
                    if let Some(id) = &p.arxiv_id {
                        new += u64::from(!lib.has_arxiv_id(id)?);
                    }
                }
                outcome.added += new;
                new
            } else {
                let r = lib.add_source_page(&papers, "hf-api", &url, Some(&new_validators))?;
                outcome.added += r.added;
                outcome.updated += r.updated;
                outcome.unchanged += r.unchanged;
                r.added
            };
            on_event(&SyncEvent::Page {
                id: sub.id,
                unit: day_str.clone(),
                papers: count,
                added,
                not_modified: false,
            });
            match next.and_then(|link| same_origin_path(http, &link)) {
                Some(next_path) if count > 0 => path = next_path,
                _ => break,
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
