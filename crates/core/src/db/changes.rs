//! The change log the search index follows: each write transaction appends the works whose
//! indexed text it changed.

use rusqlite::{params, Connection};

use crate::error::Result;

/// Records that `work_key`'s indexed text changed.
pub fn record(conn: &Connection, work_key: i64) -> Result<()> {
    conn.prepare_cached("INSERT INTO changes (work_key) VALUES (?1)")?
        .execute([work_key])?;
    Ok(())
}

/// The newest seq ever handed out (0 for a fresh library). Survives pruning, because
/// AUTOINCREMENT keeps its high-water mark in `sqlite_sequence`.
pub fn last_seq(conn: &Connection) -> Result<u64> {
    let seq: Option<i64> = conn
        .prepare_cached("SELECT seq FROM sqlite_sequence WHERE name = 'changes'")?
        .query_row([], |r| r.get(0))
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })?;
    Ok(seq.unwrap_or(0).max(0) as u64)
}

/// Distinct works changed after `seq`, with the last seq seen.
pub fn since(conn: &Connection, seq: u64) -> Result<(Vec<i64>, u64)> {
    let mut stmt = conn.prepare_cached(
        "SELECT work_key, MAX(seq) FROM changes WHERE seq > ?1 GROUP BY work_key ORDER BY 2",
    )?;
    let mut last = seq;
    let mut keys = Vec::new();
    for row in stmt.query_map([seq as i64], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (key, s) = row?;
        keys.push(key);
        last = last.max(s as u64);
    }
    Ok((keys, last))
}

/// Forgets changes the index has committed.
pub fn prune(conn: &Connection, up_to: u64) -> Result<()> {
    conn.prepare_cached("DELETE FROM changes WHERE seq <= ?1")?
        .execute(params![up_to as i64])?;
    Ok(())
}
