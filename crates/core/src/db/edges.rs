//! The citation graph cached from Semantic Scholar: each library work's references and
//! citations in S2's order, written page by page with a resumable cursor.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::PaperId;
use crate::sources::s2::Edge;

/// Which list of a work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Papers the work cites.
    References,
    /// Papers citing the work.
    Citations,
}

impl Direction {
    /// `references` or `citations`, as stored and as in S2's URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::References => "references",
            Direction::Citations => "citations",
        }
    }
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One cached reference or citation: the other paper as S2 describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CachedEdge {
    /// Position in S2's list, from 0.
    pub position: u64,
    /// S2's id for the other paper; `None` when S2 could not resolve it.
    pub s2_paper_id: Option<String>,
    /// The other paper's arXiv id, when it has one.
    pub arxiv_id: Option<String>,
    /// Its published DOI.
    pub doi: Option<String>,
    /// Its title, when S2 gave one.
    pub title: Option<String>,
    /// Its year.
    pub year: Option<i32>,
    /// S2 judges the citation influential.
    pub is_influential: bool,
    /// Citation intents (`background`, `methodology`, `result`).
    pub intents: Vec<String>,
    /// Sentences around the citation.
    pub contexts: Vec<String>,
    /// The library's id for the other paper, when it is in the library.
    pub in_library: Option<PaperId>,
}

/// A work's cached list and how complete it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EdgeList {
    /// Edges in S2's order.
    pub edges: Vec<CachedEdge>,
    /// True once the last page was written; a partial list is still shown.
    pub complete: bool,
    /// When the list was last completed (RFC 3339).
    pub fetched_at: Option<String>,
    /// Where to resume an unfinished fetch.
    pub next_offset: Option<u64>,
}

/// Where a fetch of a work's list stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchState {
    /// Offset to request next; `None` when complete.
    pub next_offset: Option<u64>,
    /// When it was last completed.
    pub completed: bool,
}

/// The fetch cursor of a list; `None` when never started.
pub fn fetch_state(conn: &Connection, key: i64, dir: Direction) -> Result<Option<FetchState>> {
    Ok(conn
        .prepare_cached(
            "SELECT next_offset, completed_at IS NOT NULL FROM s2_edge_fetches
             WHERE work_key = ?1 AND direction = ?2",
        )?
        .query_row(params![key, dir.as_str()], |r| {
            Ok(FetchState {
                next_offset: r.get::<_, Option<i64>>(0)?.map(|n| n.max(0) as u64),
                completed: r.get(1)?,
            })
        })
        .optional()?)
}

/// Writes one page of edges starting at `offset` and moves the cursor to `next` (`None`: the
/// list is complete, and positions past its end left from an older, longer list are dropped).
pub fn put_page(
    conn: &Connection,
    key: i64,
    dir: Direction,
    offset: u64,
    edges: &[Edge],
    next: Option<u64>,
    now: &str,
) -> Result<()> {
    let mut insert = conn.prepare_cached(
        "INSERT OR REPLACE INTO s2_edges (work_key, direction, position, s2_paper_id, arxiv_id,
            doi, title, year, is_influential, intents, contexts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for (i, edge) in edges.iter().enumerate() {
        let other = edge.paper.as_ref();
        insert.execute(params![
            key,
            dir.as_str(),
            (offset + i as u64) as i64,
            other.and_then(|p| p.paper_id.clone()),
            other.and_then(|p| p.arxiv_id.as_ref().map(|a| a.as_str().to_string())),
            other.and_then(|p| p.doi.clone()),
            edge.title
                .clone()
                .or_else(|| other.map(|p| p.title.clone())),
            other.and_then(|p| p.year),
            edge.is_influential,
            serde_json::to_string(&edge.intents).unwrap_or_else(|_| "[]".into()),
            serde_json::to_string(&edge.contexts).unwrap_or_else(|_| "[]".into()),
        ])?;
    }
    let end = offset + edges.len() as u64;
    if next.is_none() {
        conn.prepare_cached(
            "DELETE FROM s2_edges WHERE work_key = ?1 AND direction = ?2 AND position >= ?3",
        )?
        .execute(params![key, dir.as_str(), end as i64])?;
    }
    conn.prepare_cached(
        "INSERT INTO s2_edge_fetches (work_key, direction, next_offset, fetched, started_at,
            completed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN ?3 IS NULL THEN ?5 END)
         ON CONFLICT (work_key, direction) DO UPDATE SET
            next_offset = excluded.next_offset,
            fetched = excluded.fetched,
            completed_at = COALESCE(excluded.completed_at, completed_at)",
    )?
    .execute(params![
        key,
        dir.as_str(),
        next.map(|n| n as i64),
        end as i64,
        now
    ])?;
    Ok(())
}

/// Starts a fresh fetch of a list (a refresh): the cursor goes back to 0, the old edges stay
/// visible until the new pages replace them.
pub fn restart(conn: &Connection, key: i64, dir: Direction, now: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO s2_edge_fetches (work_key, direction, next_offset, fetched, started_at)
         VALUES (?1, ?2, 0, 0, ?3)
         ON CONFLICT (work_key, direction) DO UPDATE SET
            next_offset = 0, fetched = 0, started_at = excluded.started_at",
    )?
    .execute(params![key, dir.as_str(), now])?;
    Ok(())
}

/// A work's cached list, with the library id of each other paper that is in the library.
pub fn list(conn: &Connection, key: i64, dir: Direction) -> Result<EdgeList> {
    let (next_offset, fetched_at): (Option<i64>, Option<String>) = conn
        .prepare_cached(
            "SELECT next_offset, completed_at FROM s2_edge_fetches
             WHERE work_key = ?1 AND direction = ?2",
        )?
        .query_row(params![key, dir.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((None, None));
    let mut stmt = conn.prepare_cached(
        "SELECT e.position, e.s2_paper_id, e.arxiv_id, e.doi, e.title, e.year, e.is_influential,
            e.intents, e.contexts,
            COALESCE(
                (SELECT w.id FROM works w WHERE w.arxiv_id = e.arxiv_id),
                (SELECT w.id FROM work_dois d JOIN works w ON w.key = d.work_key
                 WHERE d.doi = lower(e.doi)))
         FROM s2_edges e WHERE e.work_key = ?1 AND e.direction = ?2 ORDER BY e.position",
    )?;
    let edges = stmt
        .query_map(params![key, dir.as_str()], |r| {
            let intents: String = r.get(7)?;
            let contexts: String = r.get(8)?;
            Ok(CachedEdge {
                position: r.get::<_, i64>(0)?.max(0) as u64,
                s2_paper_id: r.get(1)?,
                arxiv_id: r.get(2)?,
                doi: r.get(3)?,
                title: r.get(4)?,
                year: r.get(5)?,
                is_influential: r.get(6)?,
                intents: serde_json::from_str(&intents).unwrap_or_default(),
                contexts: serde_json::from_str(&contexts).unwrap_or_default(),
                in_library: r.get::<_, Option<String>>(9)?.map(PaperId::new),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(EdgeList {
        complete: fetched_at.is_some() && next_offset.is_none(),
        edges,
        fetched_at,
        next_offset: next_offset.map(|n| n.max(0) as u64),
    })
}

/// Works whose lists are due: never completed or completed before `stale_before`, among the
/// papers the user engaged with (not in the inbox or archive, or tagged, or annotated).
pub fn due(conn: &Connection, stale_before: &str, limit: usize) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.key, w.arxiv_id FROM works w
         LEFT JOIN s2_edge_fetches f ON f.work_key = w.key AND f.direction = 'references'
         WHERE w.arxiv_id IS NOT NULL
           AND (w.status IN ('to-read', 'reading', 'read')
                OR EXISTS (SELECT 1 FROM work_tags t WHERE t.work_key = w.key)
                OR EXISTS (SELECT 1 FROM notes n WHERE n.work_key = w.key))
           AND (f.completed_at IS NULL OR f.completed_at < ?1 OR f.next_offset IS NOT NULL)
         ORDER BY w.modified_at DESC LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![stale_before, limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
