//! The `pdf_files` and `work_pdfs` tables: the PDFs kept in the library directory and the
//! papers they belong to.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// One paper's link to one stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Lowercase hex SHA-256 of the file's bytes (its name under `pdfs/`).
    pub sha256: String,
    /// The file's size in bytes.
    pub size: u64,
    /// The arXiv version the file is, when known.
    pub version: Option<u32>,
    /// The URL it was fetched from, or `file:<name>` for an attached file.
    pub origin: String,
    /// When the paper got it (RFC 3339).
    pub added_at: String,
}

/// Records a file (once per content) and links it to a work. Linking the same file to the same
/// work again updates where it came from and makes it the work's newest. Returns true when the
/// link is new.
pub fn link(
    conn: &Connection,
    work_key: i64,
    sha256: &str,
    size: u64,
    version: Option<u32>,
    origin: &str,
    now: &str,
) -> Result<bool> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO pdf_files (sha256, size, added_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![sha256, size as i64, now])?;
    let existed = conn
        .prepare_cached("SELECT 1 FROM work_pdfs WHERE work_key = ?1 AND sha256 = ?2")?
        .query_row(params![work_key, sha256], |_| Ok(()))
        .optional()?
        .is_some();
    conn.prepare_cached(
        "INSERT INTO work_pdfs (work_key, sha256, version, origin, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (work_key, sha256) DO UPDATE SET
            version = coalesce(excluded.version, version),
            origin = excluded.origin, added_at = excluded.added_at",
    )?
    .execute(params![work_key, sha256, version, origin, now])?;
    Ok(!existed)
}

/// A work's files, newest first.
pub fn of_work(conn: &Connection, work_key: i64) -> Result<Vec<Row>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.sha256, f.size, p.version, p.origin, p.added_at
           FROM work_pdfs p JOIN pdf_files f ON f.sha256 = p.sha256
          WHERE p.work_key = ?1
          ORDER BY p.added_at DESC, p.sha256",
    )?;
    let rows = stmt
        .query_map([work_key], |r| {
            Ok(Row {
                sha256: r.get(0)?,
                size: r.get::<_, i64>(1)?.max(0) as u64,
                version: r.get(2)?,
                origin: r.get(3)?,
                added_at: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The works that hold file `sha256`.
pub fn works_of(conn: &Connection, sha256: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached("SELECT work_key FROM work_pdfs WHERE sha256 = ?1")?;
    let keys = stmt
        .query_map([sha256], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(keys)
}

/// Which of `keys` have at least one PDF.
pub fn with_pdfs(conn: &Connection, keys: &[i64]) -> Result<std::collections::HashSet<i64>> {
    if keys.is_empty() {
        return Ok(Default::default());
    }
    Ok(conn
        .prepare_cached(
            "SELECT DISTINCT work_key FROM work_pdfs
              WHERE work_key IN (SELECT value FROM json_each(?1))",
        )?
        .query_map([super::key_list(keys)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The hashes of every stored file.
pub fn all_hashes(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT sha256 FROM pdf_files")?;
    let rows = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

/// How many files are stored.
pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM pdf_files")?
        .query_row([], |r| r.get::<_, i64>(0))? as u64)
}

/// Removes the records of files no work links to any more and returns their hashes, so the
/// caller can delete the files once this transaction commits.
pub fn remove_unlinked(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "DELETE FROM pdf_files
          WHERE NOT EXISTS (SELECT 1 FROM work_pdfs p WHERE p.sha256 = pdf_files.sha256)
         RETURNING sha256",
    )?;
    let gone = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(gone)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::db::migrate::migrate(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO works (key, id, title, title_key, added_at, modified_at)
                 VALUES (1, 'w1', 'T', 't', 'now', 'now'), (2, 'w2', 'U', 'u', 'now', 'now');",
        )
        .unwrap();
        conn
    }

    #[test]
    fn a_file_is_stored_once_and_removed_when_no_work_links_it() {
        let conn = db();
        assert!(link(&conn, 1, "aa", 10, Some(2), "https://x/pdf/1v2", "t1").unwrap());
        assert!(link(&conn, 2, "aa", 10, None, "file:a.pdf", "t2").unwrap());
        assert!(!link(&conn, 1, "aa", 10, None, "file:again.pdf", "t3").unwrap());
        let files: i64 = conn
            .query_row("SELECT COUNT(*) FROM pdf_files", [], |r| r.get(0))
            .unwrap();
        assert_eq!(files, 1);
        let rows = of_work(&conn, 1).unwrap();
        assert_eq!(rows.len(), 1);
        // Linking again keeps the known version and takes the new origin.
        assert_eq!(rows[0].version, Some(2));
        assert_eq!(rows[0].origin, "file:again.pdf");

        conn.execute("DELETE FROM works WHERE key = 1", []).unwrap();
        assert!(remove_unlinked(&conn).unwrap().is_empty());
        conn.execute("DELETE FROM works WHERE key = 2", []).unwrap();
        assert_eq!(remove_unlinked(&conn).unwrap(), vec!["aa".to_string()]);
        assert!(remove_unlinked(&conn).unwrap().is_empty());
    }

    #[test]
    fn a_works_files_come_newest_first() {
        let conn = db();
        link(&conn, 1, "aa", 10, Some(1), "u1", "2026-01-01T00:00:00Z").unwrap();
        link(&conn, 1, "bb", 20, Some(2), "u2", "2026-02-01T00:00:00Z").unwrap();
        let rows = of_work(&conn, 1).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.sha256.as_str()).collect::<Vec<_>>(),
            ["bb", "aa"]
        );
    }
}
