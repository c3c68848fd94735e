//! Validators of earlier responses, per URL, for conditional requests.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;
use crate::sources::http::Validators;

/// The validators stored for `url`, if any.
pub fn get(conn: &Connection, url: &str) -> Result<Option<Validators>> {
    Ok(conn
        .prepare_cached("SELECT etag, last_modified FROM http_cache WHERE url = ?1")?
        .query_row([url], |r| {
            Ok(Validators {
                etag: r.get(0)?,
                last_modified: r.get(1)?,
            })
        })
        .optional()?)
}

/// Stores the validators of a response to `url` (nothing when it sent none).
pub fn put(conn: &Connection, url: &str, v: &Validators, now: &str) -> Result<()> {
    if v.is_empty() {
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO http_cache (url, etag, last_modified, fetched_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,
            last_modified = excluded.last_modified, fetched_at = excluded.fetched_at",
    )?
    .execute(params![url, v.etag, v.last_modified, now])?;
    Ok(())
}
