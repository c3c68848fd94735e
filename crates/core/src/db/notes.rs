//! One Markdown note per work, with earlier versions kept in `note_versions`.

use rusqlite::{params, Connection, OptionalExtension};

use crate::clean::{self, Lines, MAX_NOTE};
use crate::error::{Error, Result};
use crate::model::Note;

/// A work's note, if it has one.
pub fn note(conn: &Connection, work_key: i64) -> Result<Option<Note>> {
    Ok(conn
        .prepare_cached("SELECT body, updated_at FROM notes WHERE work_key = ?1")?
        .query_row([work_key], |r| {
            Ok(Note {
                body: r.get(0)?,
                updated_at: r.get(1)?,
            })
        })
        .optional()?)
}

/// Saves a note, keeping the text it replaces as a version; true when the text changed.
/// An empty body deletes the note (its last text stays in the history).
pub fn set(conn: &Connection, work_key: i64, body: &str, now: &str) -> Result<bool> {
    save(conn, work_key, body, now, None)
}

/// Like [`set`], but the text it replaces is kept only when no version was kept in the last
/// `session`: history gets one version per few minutes of editing, not one per autosave.
/// Deleting always keeps the text.
pub fn autosave(
    conn: &Connection,
    work_key: i64,
    body: &str,
    now: &str,
    session: time::Duration,
) -> Result<bool> {
    save(conn, work_key, body, now, Some(session))
}

fn save(
    conn: &Connection,
    work_key: i64,
    body: &str,
    now: &str,
    session: Option<time::Duration>,
) -> Result<bool> {
    // Refused rather than cut: the text is the user's own, still in their editor or file.
    if body.len() > MAX_NOTE {
        return Err(Error::InvalidInput(format!(
            "the note is {}; a note holds at most {} (keep longer texts in a file and link it)",
            clean::size(body.len()),
            clean::size(MAX_NOTE)
        )));
    }
    let body = &*clean::strip_controls(body, Lines::Many);
    let old = note(conn, work_key)?;
    if old.as_ref().map(|n| n.body.as_str()) == Some(body) || (old.is_none() && body.is_empty()) {
        return Ok(false);
    }
    // Within a session, the text being replaced is a draft when a version was kept lately.
    let recently_kept = match session {
        Some(session) => {
            let last: Option<String> = conn
                .prepare_cached(
                    "SELECT replaced_at FROM note_versions WHERE work_key = ?1
                     ORDER BY id DESC LIMIT 1",
                )?
                .query_row([work_key], |r| r.get(0))
                .optional()?
                .flatten();
            let parse = |s: &str| {
                time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
            };
            match (last.as_deref().and_then(parse), parse(now)) {
                (Some(kept), Some(now)) => now - kept < session,
                _ => false,
            }
        }
        None => false,
    };
    if let Some(old) = old.as_ref().filter(|_| body.is_empty() || !recently_kept) {
        conn.prepare_cached(
            "INSERT INTO note_versions (work_key, body, saved_at, replaced_at)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![work_key, old.body, old.updated_at, now])?;
    }
    if body.is_empty() {
        conn.prepare_cached("DELETE FROM notes WHERE work_key = ?1")?
            .execute([work_key])?;
    } else {
        conn.prepare_cached(
            "INSERT INTO notes (work_key, body, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (work_key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
        )?
        .execute(params![work_key, body, now])?;
    }
    Ok(true)
}

/// Earlier versions of a work's note, newest first.
pub fn history(conn: &Connection, work_key: i64) -> Result<Vec<Note>> {
    let mut stmt = conn.prepare_cached(
        "SELECT body, saved_at FROM note_versions WHERE work_key = ?1 ORDER BY id DESC",
    )?;
    let rows = stmt
        .query_map([work_key], |r| {
            Ok(Note {
                body: r.get(0)?,
                updated_at: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Notes of works not in the trash.
pub fn live_count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM notes n WHERE NOT EXISTS
         (SELECT 1 FROM works w WHERE w.key = n.work_key AND w.deleted_at IS NOT NULL)",
        [],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

/// Which of `keys` have a note (one query for all of them).
pub fn with_notes(conn: &Connection, keys: &[i64]) -> Result<std::collections::HashSet<i64>> {
    if keys.is_empty() {
        return Ok(Default::default());
    }
    Ok(conn
        .prepare_cached(
            "SELECT work_key FROM notes WHERE work_key IN (SELECT value FROM json_each(?1))",
        )?
        .query_map([super::key_list(keys)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Every note's text by work.
pub fn bodies_by_work(conn: &Connection) -> Result<std::collections::HashMap<i64, String>> {
    let mut map = std::collections::HashMap::new();
    let mut stmt = conn.prepare("SELECT work_key, body FROM notes")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (k, b) = row?;
        map.insert(k, b);
    }
    Ok(map)
}
