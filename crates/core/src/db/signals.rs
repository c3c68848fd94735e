//! Per-source signals of a work that are not bibliographic fields: Hugging Face counts, code
//! and project links, machine summaries. Refreshed by their source, never merged.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;
use crate::sources::hf::HfSignals;

/// Stores what Hugging Face says about a work (upvotes live on `works`, as the list sorts by them).
pub fn put_hf(conn: &Connection, work_key: i64, s: &HfSignals, now: &str) -> Result<()> {
    let keywords = serde_json::to_string(&s.ai_keywords).unwrap_or_else(|_| "[]".into());
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
        s.github_repo,
        s.github_stars,
        s.project_page,
        s.ai_summary,
        keywords,
        s.submitted_on_daily_at,
        s.withdrawn,
        now
    ])?;
    Ok(())
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
