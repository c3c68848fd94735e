//! Works whose stored text could not be read back, as the search index met them (see
//! migration 0012): what `papershelf stats` names so the user can fix or delete them.

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::error::Result;
use crate::model::PaperId;

/// A work the library could not read in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UnreadablePaper {
    /// Its id.
    pub id: PaperId,
    /// Its title, as far as it reads.
    pub title: String,
    /// What could not be read, and why.
    pub reason: String,
    /// True when the work is left out of the search index; false when it is indexed without
    /// the field that could not be read.
    pub skipped: bool,
}

/// Records that `work_key` could not be read (`skipped`: it was left out of the index).
pub fn record(
    conn: &Connection,
    work_key: i64,
    reason: &str,
    skipped: bool,
    now: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO unreadable_works (work_key, reason, skipped, seen_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (work_key) DO UPDATE SET reason = excluded.reason,
            skipped = excluded.skipped, seen_at = excluded.seen_at",
    )?
    .execute(params![work_key, reason, skipped, now])?;
    Ok(())
}

/// Forgets a record: the work's fields were written again.
pub fn clear(conn: &Connection, work_key: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM unreadable_works WHERE work_key = ?1")?
        .execute([work_key])?;
    Ok(())
}

/// How many works are left out of the index because they could not be read.
pub fn skipped(conn: &Connection) -> Result<u64> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(*) FROM unreadable_works u JOIN works w ON w.key = u.work_key
             WHERE u.skipped = 1 AND w.deleted_at IS NULL",
        )?
        .query_row([], |r| r.get::<_, i64>(0))? as u64)
}

/// Every recorded work, by id.
pub fn all(conn: &Connection) -> Result<Vec<UnreadablePaper>> {
    let rows = conn
        .prepare_cached(
            "SELECT w.id, CAST(w.title AS BLOB), u.reason, u.skipped
             FROM unreadable_works u JOIN works w ON w.key = u.work_key ORDER BY w.id",
        )?
        .query_map([], |r| {
            let title: Vec<u8> = r.get(1)?;
            Ok(UnreadablePaper {
                id: PaperId::new(r.get::<_, String>(0)?),
                title: String::from_utf8_lossy(&title).into_owned(),
                reason: r.get(2)?,
                skipped: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// True for errors about one row's values (text that is not UTF-8, a value of the wrong type),
/// as opposed to the database failing: such a row is skipped and recorded, not fatal.
pub fn is_row_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::Utf8Error(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
    )
}
