//! The `saved_searches` table: a query (and optionally a sort) kept under a name.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// One saved search as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Its id.
    pub id: i64,
    /// Its name, unique regardless of case.
    pub name: String,
    /// The query text.
    pub query: String,
    /// The sort's name, if one was saved.
    pub sort: Option<String>,
    /// When it was saved (RFC 3339).
    pub created_at: String,
}

const COLUMNS: &str = "id, name, query, sort, created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: r.get(0)?,
        name: r.get(1)?,
        query: r.get(2)?,
        sort: r.get(3)?,
        created_at: r.get(4)?,
    })
}

/// Saves `query` under `name`, replacing a search saved under the same name; returns it.
pub fn upsert(
    conn: &Connection,
    name: &str,
    query: &str,
    sort: Option<&str>,
    now: &str,
) -> Result<Row> {
    conn.prepare_cached(
        "INSERT INTO saved_searches (name, query, sort, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name) DO UPDATE SET name = excluded.name, query = excluded.query,
            sort = excluded.sort, created_at = excluded.created_at",
    )?
    .execute(params![name, query, sort, now])?;
    by_name(conn, name)?.ok_or_else(|| rusqlite::Error::QueryReturnedNoRows.into())
}

/// Every saved search, by name (case-insensitive).
pub fn all(conn: &Connection) -> Result<Vec<Row>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM saved_searches ORDER BY name COLLATE NOCASE, id"
    ))?;
    let all = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(all)
}

/// The saved search with this name (the table's collation ignores case), if any.
pub fn by_name(conn: &Connection, name: &str) -> Result<Option<Row>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM saved_searches WHERE name = ?1"
        ))?
        .query_row([name], from_row)
        .optional()?)
}

/// Deletes a saved search; false when there was none with this id.
pub fn delete(conn: &Connection, id: i64) -> Result<bool> {
    let n = conn
        .prepare_cached("DELETE FROM saved_searches WHERE id = ?1")?
        .execute([id])?;
    Ok(n > 0)
}
