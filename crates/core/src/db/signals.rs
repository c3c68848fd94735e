//! Per-source signals of a work that are not bibliographic fields: Hugging Face counts, code
//! and project links, machine summaries. Refreshed by their source, never merged.

use rusqlite::{params, Connection, OptionalExtension};

use crate::clean::{self, Lines, MAX_KEYWORD, MAX_KEYWORDS, MAX_SHORT_TEXT, MAX_SUMMARY, MAX_URL};
use crate::error::Result;
use crate::sources::hf::HfSignals;
use crate::sources::s2::S2Paper;

/// Stores what Hugging Face says about a work (upvotes live on `works`, as the list sorts by them).
pub fn put_hf(conn: &Connection, work_key: i64, s: &HfSignals, now: &str) -> Result<()> {
    let keywords: Vec<String> = s
        .ai_keywords
        .iter()
        .filter_map(|k| capped(k, MAX_KEYWORD))
        .take(MAX_KEYWORDS)
        .collect();
    let keywords = serde_json::to_string(&keywords).unwrap_or_else(|_| "[]".into());
    let summary = s.ai_summary.as_deref().and_then(|t| capped(t, MAX_SUMMARY));
    let url = |u: &Option<String>| u.as_deref().and_then(|u| capped(u, MAX_URL));
    conn.prepare_cached(
        "INSERT INTO work_signals (work_key, hf_comments, github_repo, github_stars, project_page,
            ai_summary, ai_keywords, hf_featured_at, withdrawn, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (work_key) DO UPDATE SET
            hf_comments = COALESCE(excluded.hf_comments, hf_comments),
            github_repo = COALESCE(excluded.github_repo, github_repo),
            github_stars = COALESCE(excluded.github_stars, github_stars),
            project_page = COALESCE(excluded.project_page, project_page),
            ai_summary = COALESCE(excluded.ai_summary, ai_summary),
            ai_keywords = CASE WHEN excluded.ai_keywords = '[]' THEN ai_keywords ELSE excluded.ai_keywords END,
            hf_featured_at = COALESCE(excluded.hf_featured_at, hf_featured_at),
            withdrawn = MAX(withdrawn, excluded.withdrawn),
            updated_at = excluded.updated_at",
    )?
    .execute(params![
        work_key,
        s.num_comments,
        url(&s.github_repo),
        s.github_stars,
        url(&s.project_page),
        summary,
        keywords,
        s.submitted_on_daily_at,
        s.withdrawn,
        now
    ])?;
    Ok(())
}

/// A signal's text as stored: one line, no control characters, cut to `cap` bytes (logged);
/// `None` when empty. Signals come from the sources' APIs, whose answers have no length cap.
fn capped(text: &str, cap: usize) -> Option<String> {
    let mut notices = Vec::new();
    let cleaned = clean::field(text, Lines::One, cap, "signal", &mut notices)
        .unwrap_or_else(|| text.to_string());
    for n in notices {
        tracing::warn!("{n}");
    }
    (!cleaned.is_empty()).then_some(cleaned)
}

/// Flags that a newer arXiv version of the work arrived.
pub fn flag_new_version(conn: &Connection, work_key: i64, now: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO work_signals (work_key, new_version, updated_at) VALUES (?1, 1, ?2)
         ON CONFLICT (work_key) DO UPDATE SET new_version = 1, updated_at = excluded.updated_at",
    )?
    .execute(params![work_key, now])?;
    Ok(())
}

/// True when a newer version arrived since the work was added.
pub fn has_new_version(conn: &Connection, work_key: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT new_version FROM work_signals WHERE work_key = ?1")?
        .query_row([work_key], |r| r.get::<_, bool>(0))
        .optional()?
        .unwrap_or(false))
}

/// Stores what Semantic Scholar says about a work (counts are overwritten on refresh).
pub fn put_s2(conn: &Connection, work_key: i64, p: &S2Paper, now: &str) -> Result<()> {
    let external_ids: std::collections::BTreeMap<String, String> = p
        .external_ids
        .iter()
        .filter_map(|(k, v)| Some((capped(k, MAX_KEYWORD)?, capped(v, MAX_URL)?)))
        .take(MAX_KEYWORDS)
        .collect();
    conn.prepare_cached(
        "INSERT INTO work_signals (work_key, s2_paper_id, venue, citation_count,
            influential_citation_count, reference_count, tldr, external_ids, s2_checked_at,
            updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?9, ?8, ?8)
         ON CONFLICT (work_key) DO UPDATE SET
            s2_paper_id = COALESCE(excluded.s2_paper_id, s2_paper_id),
            venue = COALESCE(excluded.venue, venue),
            citation_count = excluded.citation_count,
            influential_citation_count = excluded.influential_citation_count,
            reference_count = excluded.reference_count,
            tldr = COALESCE(excluded.tldr, tldr),
            external_ids = CASE WHEN excluded.external_ids = '{}' THEN external_ids
                                ELSE excluded.external_ids END,
            s2_checked_at = excluded.s2_checked_at,
            updated_at = excluded.updated_at",
    )?
    .execute(params![
        work_key,
        p.paper_id.as_deref().and_then(|id| capped(id, MAX_KEYWORD)),
        p.venue.as_deref().and_then(|v| capped(v, MAX_SHORT_TEXT)),
        p.citation_count.map(|n| n as i64),
        p.influential_citation_count.map(|n| n as i64),
        p.reference_count.map(|n| n as i64),
        p.tldr.as_deref().and_then(|t| capped(t, MAX_SUMMARY)),
        now,
        serde_json::to_string(&external_ids).unwrap_or_else(|_| "{}".into()),
    ])?;
    Ok(())
}

/// Records an enrichment attempt that found nothing, so it is not retried on every sync.
pub fn mark_s2_checked(conn: &Connection, work_key: i64, now: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO work_signals (work_key, s2_checked_at, updated_at) VALUES (?1, ?2, ?2)
         ON CONFLICT (work_key) DO UPDATE SET s2_checked_at = excluded.s2_checked_at",
    )?
    .execute(params![work_key, now])?;
    Ok(())
}

/// Works with an arXiv id never enriched, or last enriched before `stale_before` (RFC 3339).
pub fn needing_s2(conn: &Connection, stale_before: &str, limit: usize) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.arxiv_id FROM works w LEFT JOIN work_signals s ON s.work_key = w.key
         WHERE w.arxiv_id IS NOT NULL AND (s.s2_checked_at IS NULL OR s.s2_checked_at < ?1)
         ORDER BY w.key LIMIT ?2",
    )?;
    let ids = stmt
        .query_map(params![stale_before, limit as i64], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}

/// Everything the sources say about a work beyond its bibliographic fields.
pub fn load(conn: &Connection, work_key: i64) -> Result<crate::model::PaperSignals> {
    Ok(conn
        .prepare_cached(
            "SELECT hf_comments, github_repo, github_stars, project_page, ai_summary, ai_keywords,
                withdrawn, venue, citation_count, influential_citation_count, tldr, external_ids
             FROM work_signals WHERE work_key = ?1",
        )?
        .query_row([work_key], |r| {
            let keywords: String = r.get(5)?;
            let external_ids: String = r.get(11)?;
            Ok(crate::model::PaperSignals {
                hf_comments: r.get(0)?,
                github_repo: r.get(1)?,
                github_stars: r.get(2)?,
                project_page: r.get(3)?,
                ai_summary: r.get(4)?,
                ai_keywords: serde_json::from_str(&keywords).unwrap_or_default(),
                withdrawn: r.get(6)?,
                venue: r.get(7)?,
                citation_count: r.get(8)?,
                influential_citation_count: r.get(9)?,
                tldr: r.get(10)?,
                external_ids: serde_json::from_str(&external_ids).unwrap_or_default(),
            })
        })
        .optional()?
        .unwrap_or_default())
}
