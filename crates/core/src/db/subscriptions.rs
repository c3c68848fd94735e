//! What the user follows.

use std::fmt;
use std::str::FromStr;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::{Error, Result};

/// The kinds of feed one can follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum SubscriptionKind {
    /// Hugging Face Daily Papers, day by day.
    HfDaily,
    /// A Hugging Face paper search.
    HfSearch,
    /// An arXiv category such as `cs.LG`, newest first.
    ArxivCategory,
    /// An arbitrary arXiv API `search_query`.
    ArxivQuery,
}

impl SubscriptionKind {
    /// The stable name (`hf-daily`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionKind::HfDaily => "hf-daily",
            SubscriptionKind::HfSearch => "hf-search",
            SubscriptionKind::ArxivCategory => "arxiv-category",
            SubscriptionKind::ArxivQuery => "arxiv-query",
        }
    }
}

impl fmt::Display for SubscriptionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SubscriptionKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "hf-daily" => SubscriptionKind::HfDaily,
            "hf-search" => SubscriptionKind::HfSearch,
            "arxiv-category" => SubscriptionKind::ArxivCategory,
            "arxiv-query" => SubscriptionKind::ArxivQuery,
            other => return Err(format!("unknown subscription kind '{other}'")),
        })
    }
}

/// A stored subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// Its id, for `unsubscribe`.
    pub id: i64,
    /// What it follows.
    pub kind: SubscriptionKind,
    /// The search text, category or query (empty for `hf-daily`).
    pub query: String,
    /// When it was made.
    pub created_at: String,
    /// When it last synced completely.
    pub last_synced_at: Option<String>,
    /// Where the next sync starts (hf-daily: the last day fully synced).
    pub cursor: Option<String>,
}

/// Checks a subscription's query for its kind.
pub fn validate(kind: SubscriptionKind, query: &str) -> Result<String> {
    let q = query.trim();
    match kind {
        SubscriptionKind::HfDaily => Ok(String::new()),
        SubscriptionKind::ArxivCategory => {
            let ok = !q.is_empty()
                && q.len() <= 32
                && q.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
            if ok {
                Ok(q.to_string())
            } else {
                Err(Error::InvalidInput(format!(
                    "'{q}' is not an arXiv category; write one like cs.LG or stat.ML"
                )))
            }
        }
        SubscriptionKind::HfSearch | SubscriptionKind::ArxivQuery => {
            if q.is_empty() || q.chars().count() > 250 {
                Err(Error::InvalidInput(format!(
                    "a {kind} subscription needs a query of 1 to 250 characters"
                )))
            } else {
                Ok(q.to_string())
            }
        }
    }
}

/// Adds a subscription; an identical one is returned as it is.
pub fn add(
    conn: &Connection,
    kind: SubscriptionKind,
    query: &str,
    now: &str,
) -> Result<Subscription> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO subscriptions (kind, query, created_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![kind.as_str(), query, now])?;
    let id: i64 = conn
        .prepare_cached("SELECT id FROM subscriptions WHERE kind = ?1 AND query = ?2")?
        .query_row(params![kind.as_str(), query], |r| r.get(0))?;
    get(conn, id)?.ok_or(Error::SubscriptionNotFound(id))
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Subscription> {
    let kind: String = r.get(1)?;
    Ok(Subscription {
        id: r.get(0)?,
        kind: kind.parse().unwrap_or(SubscriptionKind::HfDaily),
        query: r.get(2)?,
        created_at: r.get(3)?,
        last_synced_at: r.get(4)?,
        cursor: r.get(5)?,
    })
}

/// One subscription.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Subscription>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, kind, query, created_at, last_synced_at, cursor FROM subscriptions WHERE id = ?1",
        )?
        .query_row([id], from_row)
        .optional()?)
}

/// Every subscription, oldest first.
pub fn all(conn: &Connection) -> Result<Vec<Subscription>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, query, created_at, last_synced_at, cursor FROM subscriptions ORDER BY id",
    )?;
    let rows = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Removes a subscription; false when there was none.
pub fn remove(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM subscriptions WHERE id = ?1")?
        .execute([id])?
        > 0)
}

/// Records a completed sync (and where the next one starts).
pub fn mark_synced(conn: &Connection, id: i64, cursor: Option<&str>, now: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE subscriptions SET last_synced_at = ?2, cursor = COALESCE(?3, cursor) WHERE id = ?1",
    )?
    .execute(params![id, now, cursor])?;
    Ok(())
}
