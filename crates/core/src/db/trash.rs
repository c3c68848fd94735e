//! The trash's side of the `works` table: a deleted work keeps its row with `deleted_at` set
//! until the trash is emptied.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// When the work was moved to the trash; `None` when it is not there.
pub fn deleted_at(conn: &Connection, key: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT deleted_at FROM works WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?
        .flatten())
}

/// Moves a work to the trash at `now`.
pub fn mark_deleted(conn: &Connection, key: i64, now: &str) -> Result<()> {
    conn.prepare_cached("UPDATE works SET deleted_at = ?2 WHERE key = ?1")?
        .execute(params![key, now])?;
    Ok(())
}

/// Brings a work back from the trash (its modification time becomes `now`).
pub fn mark_restored(conn: &Connection, key: i64, now: &str) -> Result<()> {
    conn.prepare_cached("UPDATE works SET deleted_at = NULL, modified_at = ?2 WHERE key = ?1")?
        .execute(params![key, now])?;
    Ok(())
}

/// A work in the trash as stored: key, id, title, when deleted, and whether it has a note.
pub type TrashedRow = (i64, String, String, String, bool);

/// The works in the trash, most recently deleted first.
pub fn all(conn: &Connection) -> Result<Vec<TrashedRow>> {
    let mut stmt = conn.prepare(
        "SELECT key, id, title, deleted_at,
            EXISTS(SELECT 1 FROM notes n WHERE n.work_key = works.key)
         FROM works WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, key DESC",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The works deleted before `cutoff` (RFC 3339; a later-sorting string takes them all).
pub fn deleted_before(conn: &Connection, cutoff: &str) -> Result<Vec<i64>> {
    let keys = conn
        .prepare("SELECT key FROM works WHERE deleted_at IS NOT NULL AND deleted_at < ?1")?
        .query_map([cutoff], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(keys)
}

/// Deletes a work for good; its satellites (versions, sources, tags, notes, aliases,
/// signals) cascade.
pub fn purge(conn: &Connection, key: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM works WHERE key = ?1")?
        .execute([key])?;
    Ok(())
}
