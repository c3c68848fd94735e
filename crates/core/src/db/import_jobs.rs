//! Progress of resumable bulk imports, committed with each batch.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// Where an interrupted import of a file stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resume {
    /// Bytes already imported.
    pub offset: u64,
    /// Lines already imported.
    pub line: u64,
    /// True when the file was imported to the end.
    pub done: bool,
}

/// The saved position for `path` if the file is still the same (`fingerprint`).
pub fn resume_point(conn: &Connection, path: &str, fingerprint: &str) -> Result<Option<Resume>> {
    Ok(conn
        .prepare_cached(
            "SELECT offset, line, done FROM import_jobs WHERE path = ?1 AND fingerprint = ?2",
        )?
        .query_row(params![path, fingerprint], |r| {
            Ok(Resume {
                offset: r.get::<_, i64>(0)? as u64,
                line: r.get::<_, i64>(1)? as u64,
                done: r.get(2)?,
            })
        })
        .optional()?)
}

/// Saves the position reached (in the same transaction as the batch it follows).
pub fn save(
    conn: &Connection,
    path: &str,
    fingerprint: &str,
    at: &Resume,
    now: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO import_jobs (path, fingerprint, offset, line, done, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (path) DO UPDATE SET fingerprint = excluded.fingerprint,
            offset = excluded.offset, line = excluded.line, done = excluded.done,
            updated_at = excluded.updated_at",
    )?
    .execute(params![
        path,
        fingerprint,
        at.offset as i64,
        at.line as i64,
        at.done,
        now
    ])?;
    Ok(())
}
