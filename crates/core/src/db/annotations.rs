//! The `annotations` table: highlights and pinned notes on a paper's PDF.

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::Result;
use crate::model::{Annotation, AnnotationKind, PaperId};

/// The columns [`read`] takes, with the paper's id from `works` (`w`).
const COLUMNS: &str = "a.id, w.id, a.pdf_sha256, a.kind, a.page, a.page_label, a.color, a.rects,
    a.quote, a.quote_prefix, a.quote_suffix, a.quote_offset, a.comment, a.created_at,
    a.updated_at, a.work_key, a.deleted_at IS NOT NULL, a.shape";

/// One annotation with its work's key and whether it is deleted.
pub struct Stored {
    /// The annotation.
    pub annotation: Annotation,
    /// The work it belongs to.
    pub work_key: i64,
    /// Deleted (kept for undo).
    pub deleted: bool,
}

fn read(r: &Row<'_>) -> rusqlite::Result<Stored> {
    let kind: String = r.get(3)?;
    let rects: String = r.get(7)?;
    Ok(Stored {
        annotation: Annotation {
            id: r.get(0)?,
            paper_id: PaperId::new(r.get::<_, String>(1)?),
            pdf_sha256: r.get(2)?,
            // The table's CHECK admits only the names `parse` knows.
            kind: AnnotationKind::parse(&kind).unwrap_or(AnnotationKind::Highlight),
            page: r.get(4)?,
            page_label: r.get(5)?,
            color: r.get(6)?,
            // Written by `insert` from typed values; an unreadable list (a hand-edited row)
            // reads as none, which the reader re-anchors from the quote.
            rects: serde_json::from_str(&rects).unwrap_or_default(),
            shape: r.get(17)?,
            quote: r.get(8)?,
            quote_prefix: r.get(9)?,
            quote_suffix: r.get(10)?,
            quote_offset: r.get(11)?,
            comment: r.get(12)?,
            created: r.get(13)?,
            updated: r.get(14)?,
        },
        work_key: r.get(15)?,
        deleted: r.get(16)?,
    })
}

/// Stores an annotation of work `work_key` (its `paper_id` is not stored: the work is). One
/// that exists already (an import bringing a newer state of it) has every field written over
/// and comes back if it was deleted; it stays with its work.
pub fn put(conn: &Connection, work_key: i64, a: &Annotation) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO annotations (id, work_key, pdf_sha256, kind, page, page_label, color, rects,
             quote, quote_prefix, quote_suffix, quote_offset, comment, created_at, updated_at,
             shape)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT (id) DO UPDATE SET
             pdf_sha256 = excluded.pdf_sha256, kind = excluded.kind, page = excluded.page,
             page_label = excluded.page_label, color = excluded.color, rects = excluded.rects,
             quote = excluded.quote, quote_prefix = excluded.quote_prefix,
             quote_suffix = excluded.quote_suffix, quote_offset = excluded.quote_offset,
             comment = excluded.comment, created_at = excluded.created_at,
             updated_at = excluded.updated_at, shape = excluded.shape, deleted_at = NULL",
    )?
    .execute(params![
        a.id,
        work_key,
        a.pdf_sha256,
        a.kind.as_str(),
        a.page,
        a.page_label,
        a.color,
        serde_json::to_string(&a.rects).unwrap_or_else(|_| "[]".into()),
        a.quote,
        a.quote_prefix,
        a.quote_suffix,
        a.quote_offset,
        a.comment,
        a.created,
        a.updated,
        a.shape,
    ])?;
    Ok(())
}

/// A work's annotations that are not deleted, in page order and, on a page, in text order.
pub fn of_work(conn: &Connection, work_key: i64) -> Result<Vec<Annotation>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM annotations a JOIN works w ON w.key = a.work_key
          WHERE a.work_key = ?1 AND a.deleted_at IS NULL
          ORDER BY a.page, a.quote_offset IS NULL, a.quote_offset, a.created_at, a.id"
    ))?;
    let rows = stmt
        .query_map([work_key], |r| Ok(read(r)?.annotation))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One annotation by id, deleted or not.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Stored>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM annotations a JOIN works w ON w.key = a.work_key
              WHERE a.id = ?1"
        ))?
        .query_row([id], read)
        .optional()?)
}

/// Writes an annotation's colour, comment and rectangles.
pub fn update(conn: &Connection, a: &Annotation, now: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE annotations SET color = ?2, comment = ?3, rects = ?4, updated_at = ?5 WHERE id = ?1",
    )?
    .execute(params![
        a.id,
        a.color,
        a.comment,
        serde_json::to_string(&a.rects).unwrap_or_else(|_| "[]".into()),
        now
    ])?;
    Ok(())
}

/// Sets an annotation's text-quote anchor: the context around its quote and the quote's offset
/// in the page text (found after the fact, for annotations imported with their quote only).
pub fn set_quote_anchor(
    conn: &Connection,
    id: &str,
    prefix: &str,
    suffix: &str,
    offset: u32,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE annotations SET quote_prefix = ?2, quote_suffix = ?3, quote_offset = ?4
          WHERE id = ?1",
    )?
    .execute(params![id, prefix, suffix, offset])?;
    Ok(())
}

/// Marks an annotation deleted (`deleted` true) or brings it back.
pub fn set_deleted(conn: &Connection, id: &str, deleted: bool, now: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE annotations
            SET deleted_at = CASE WHEN ?2 THEN ?3 ELSE NULL END, updated_at = ?3
          WHERE id = ?1",
    )?
    .execute(params![id, deleted, now])?;
    Ok(())
}

/// The text the search index holds for a work's annotations: each one's quote and comment.
pub fn index_texts(conn: &Connection, work_key: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(quote, '') || char(10) || comment FROM annotations
          WHERE work_key = ?1 AND deleted_at IS NULL ORDER BY page, quote_offset, created_at",
    )?;
    let rows = stmt
        .query_map([work_key], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect())
}

/// [`index_texts`] of every work that has annotations, for a rebuild.
pub fn all_index_texts(conn: &Connection) -> Result<std::collections::HashMap<i64, Vec<String>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT work_key, coalesce(quote, '') || char(10) || comment FROM annotations
          WHERE deleted_at IS NULL ORDER BY work_key, page, quote_offset, created_at",
    )?;
    let mut out: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (key, text) = row?;
        let text = text.trim();
        if !text.is_empty() {
            out.entry(key).or_default().push(text.to_string());
        }
    }
    Ok(out)
}

/// How many annotations (not deleted) each of `keys` carries; works without any are absent.
pub fn counts_of(conn: &Connection, keys: &[i64]) -> Result<std::collections::HashMap<i64, u32>> {
    if keys.is_empty() {
        return Ok(Default::default());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT work_key, COUNT(*) FROM annotations
          WHERE deleted_at IS NULL AND work_key IN (SELECT value FROM json_each(?1))
          GROUP BY work_key",
    )?;
    let rows = stmt.query_map([super::key_list(keys)], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?.max(0) as u32))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Annotations that are not deleted, on papers that are not in the trash.
pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(*) FROM annotations a JOIN works w ON w.key = a.work_key
              WHERE a.deleted_at IS NULL AND w.deleted_at IS NULL",
        )?
        .query_row([], |r| r.get::<_, i64>(0))? as u64)
}
