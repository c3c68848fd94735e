//! The `pdf_texts` and `pdf_pages` tables: the text read out of each stored PDF, page by page.

use rusqlite::{params, Connection, OptionalExtension};

use super::packed::{MaybeUnpacked, Packed};
use crate::error::{Error, Result};
use crate::fulltext::PageText;

/// What is known of one file's extraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extraction {
    /// The program and version that read it.
    pub extractor: String,
    /// When (RFC 3339).
    pub extracted_at: String,
    /// Pages in the file (0 when extraction failed).
    pub page_count: u32,
    /// Pages that gave usable text.
    pub pages_with_text: u32,
    /// Why no text could be read, when it could not.
    pub error: Option<String>,
}

/// One stored page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRow {
    /// 1-based physical page.
    pub page: u32,
    /// The page's text was not words.
    pub garbled: bool,
    /// Its text (empty when it has none).
    pub text: String,
}

/// The extraction record of file `sha256`, if it was read.
pub fn extraction(conn: &Connection, sha256: &str) -> Result<Option<Extraction>> {
    Ok(conn
        .prepare_cached(
            "SELECT extractor, extracted_at, page_count, pages_with_text, error
               FROM pdf_texts WHERE sha256 = ?1",
        )?
        .query_row([sha256], |r| {
            Ok(Extraction {
                extractor: r.get(0)?,
                extracted_at: r.get(1)?,
                page_count: r.get(2)?,
                pages_with_text: r.get(3)?,
                error: r.get(4)?,
            })
        })
        .optional()?)
}

/// Records file `sha256`'s text (`Ok`, its pages in order) or why it could not be read
/// (`Err`), replacing what was stored before.
pub fn store(
    conn: &Connection,
    sha256: &str,
    extractor: &str,
    now: &str,
    outcome: std::result::Result<&[PageText], &str>,
) -> Result<()> {
    conn.prepare_cached("DELETE FROM pdf_pages WHERE sha256 = ?1")?
        .execute([sha256])?;
    let (pages, error) = match outcome {
        Ok(pages) => (pages, None),
        Err(why) => (&[][..], Some(why)),
    };
    let with_text = pages.iter().filter(|p| p.has_text()).count();
    conn.prepare_cached(
        "INSERT OR REPLACE INTO pdf_texts
             (sha256, extractor, extracted_at, page_count, pages_with_text, error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        sha256,
        extractor,
        now,
        pages.len() as i64,
        with_text as i64,
        error
    ])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO pdf_pages (sha256, page, garbled, text) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (i, page) in pages.iter().enumerate() {
        insert.execute(params![
            sha256,
            i as i64 + 1,
            page.garbled,
            Packed(&page.text)
        ])?;
    }
    Ok(())
}

/// The stored pages of file `sha256`, in order; only page `only` when given.
pub fn pages(conn: &Connection, sha256: &str, only: Option<u32>) -> Result<Vec<PageRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT page, garbled, text FROM pdf_pages
          WHERE sha256 = ?1 AND (?2 IS NULL OR page = ?2)
          ORDER BY page",
    )?;
    let rows = stmt
        .query_map(params![sha256, only], |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, MaybeUnpacked>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(page, garbled, text)| {
            let text = text.0.map_err(|why| {
                Error::Index(format!(
                    "the stored text of page {page} of PDF {sha256} is unreadable: {why}"
                ))
            })?;
            Ok(PageRow {
                page,
                garbled,
                text,
            })
        })
        .collect()
}

/// The file whose text stands for work `work_key` in the search index: its newest PDF whose
/// text was read.
pub fn indexed_file(conn: &Connection, work_key: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT p.sha256 FROM work_pdfs p JOIN pdf_texts t ON t.sha256 = p.sha256
              WHERE p.work_key = ?1 AND t.error IS NULL AND t.pages_with_text > 0
              ORDER BY p.added_at DESC, p.sha256 LIMIT 1",
        )?
        .query_row([work_key], |r| r.get(0))
        .optional()?)
}

/// The pages of work `work_key`'s indexed file that have text, as (page, text); empty when
/// it has none. A page whose stored text cannot be read is left out (and logged).
pub fn indexed_pages(conn: &Connection, work_key: i64) -> Result<Vec<(u32, String)>> {
    let Some(sha256) = indexed_file(conn, work_key)? else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT page, text FROM pdf_pages WHERE sha256 = ?1 AND garbled = 0 ORDER BY page",
    )?;
    let rows = stmt
        .query_map([&sha256], |r| {
            Ok((r.get::<_, u32>(0)?, r.get::<_, MaybeUnpacked>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(page, text)| match text.0 {
            Ok(t) if !t.trim().is_empty() => Some((page, t)),
            Ok(_) => None,
            Err(why) => {
                tracing::warn!(%sha256, page, %why, "a page's stored text is unreadable; not indexed");
                None
            }
        })
        .collect())
}

/// The text of page `page` of work `work_key`'s indexed file, when it has text there (a
/// search result's page snippet: one row, whatever the length of the PDF).
pub fn indexed_page(conn: &Connection, work_key: i64, page: u32) -> Result<Option<String>> {
    let Some(sha256) = indexed_file(conn, work_key)? else {
        return Ok(None);
    };
    let text: Option<MaybeUnpacked> = conn
        .prepare_cached(
            "SELECT text FROM pdf_pages WHERE sha256 = ?1 AND page = ?2 AND garbled = 0",
        )?
        .query_row(params![sha256, page], |r| r.get(0))
        .optional()?;
    Ok(text.and_then(|t| match t.0 {
        Ok(t) if !t.trim().is_empty() => Some(t),
        Ok(_) => None,
        Err(why) => {
            tracing::warn!(%sha256, page, %why, "a page's stored text is unreadable; no snippet");
            None
        }
    }))
}

/// Works that have PDF text to index (in the trash or not).
pub fn works_with_text(conn: &Connection) -> Result<std::collections::HashSet<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT p.work_key FROM work_pdfs p JOIN pdf_texts t ON t.sha256 = p.sha256
          WHERE t.error IS NULL AND t.pages_with_text > 0",
    )?;
    let keys = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(keys)
}

/// How many stored files have text, and how many pages of text they hold.
pub fn totals(conn: &Connection) -> Result<(u64, u64)> {
    Ok(conn
        .prepare_cached(
            "SELECT COUNT(*), COALESCE(SUM(pages_with_text), 0) FROM pdf_texts
              WHERE error IS NULL AND pages_with_text > 0",
        )?
        .query_row([], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
        })?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fulltext::pages::clean_page;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::db::migrate::migrate(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO pdf_files (sha256, size, added_at) VALUES ('aa', 1, 'now')",
            [],
        )
        .unwrap();
        conn
    }

    #[test]
    fn pages_round_trip_long_ones_packed() {
        let conn = db();
        let long = "attention ".repeat(200);
        let made = [
            clean_page("first page"),
            clean_page(&long),
            clean_page("\n"),
        ];
        store(&conn, "aa", "pdftotext 1", "t", Ok(&made)).unwrap();
        let got = pages_of(&conn);
        assert_eq!(got.len(), 3);
        assert_eq!(got[1].text, long.trim_end());
        let status = extraction(&conn, "aa").unwrap().unwrap();
        assert_eq!((status.page_count, status.pages_with_text), (3, 2));
        assert_eq!(pages(&conn, "aa", Some(1)).unwrap()[0].text, "first page");
        assert_eq!(totals(&conn).unwrap(), (1, 2));
    }

    #[test]
    fn a_failure_replaces_the_pages_and_keeps_its_reason() {
        let conn = db();
        store(&conn, "aa", "x", "t", Ok(&[clean_page("text")])).unwrap();
        store(&conn, "aa", "x", "t2", Err("damaged")).unwrap();
        assert!(pages_of(&conn).is_empty());
        let status = extraction(&conn, "aa").unwrap().unwrap();
        assert_eq!(status.error.as_deref(), Some("damaged"));
        assert_eq!(totals(&conn).unwrap(), (0, 0));
    }

    fn pages_of(conn: &Connection) -> Vec<PageRow> {
        pages(conn, "aa", None).unwrap()
    }
}
