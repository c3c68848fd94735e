//! Rows of `reading_positions`: where the reader was in a work's PDF.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;
use crate::model::ReadingPosition;

/// The work's last position, if it was ever read.
pub fn get(conn: &Connection, work_key: i64) -> Result<Option<ReadingPosition>> {
    Ok(conn
        .prepare_cached(
            "SELECT pdf_sha256, page, page_top, zoom FROM reading_positions WHERE work_key = ?1",
        )?
        .query_row([work_key], |r| {
            Ok(ReadingPosition {
                pdf_sha256: r.get(0)?,
                page: r.get::<_, i64>(1)?.max(1) as u32,
                page_top: r.get(2)?,
                zoom: r.get(3)?,
            })
        })
        .optional()?)
}

/// Records the work's position, replacing the last one.
pub fn set(conn: &Connection, work_key: i64, p: &ReadingPosition, now: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO reading_positions (work_key, pdf_sha256, page, page_top, zoom, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (work_key) DO UPDATE SET pdf_sha256 = excluded.pdf_sha256,
             page = excluded.page, page_top = excluded.page_top, zoom = excluded.zoom,
             updated_at = excluded.updated_at",
    )?
    .execute(params![
        work_key,
        p.pdf_sha256,
        p.page,
        p.page_top,
        p.zoom,
        now
    ])?;
    Ok(())
}
