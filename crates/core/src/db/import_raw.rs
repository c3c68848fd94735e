//! The `import_raw` table: the text of each interchange entry (BibTeX, RIS, CSL JSON,
//! Markdown) a work was imported from, kept so exports can give it back and later imports of
//! the same key can tell what changed.

use rusqlite::{params, Connection};

use crate::error::Result;

/// One imported entry to store.
pub struct NewEntry<'a> {
    /// The work it was imported into.
    pub work_key: i64,
    /// The format's name (`bibtex`, `ris`, …).
    pub format: &'a str,
    /// The file it came from.
    pub origin: &'a str,
    /// Its citation key (empty when it had none).
    pub entry_key: &'a str,
    /// Its text.
    pub raw: &'a str,
    /// Its line in the file.
    pub line: i64,
    /// Its entry type (`article`, `JOUR`, …).
    pub entry_type: &'a str,
    /// True when it describes a preprint.
    pub preprint: bool,
}

/// Stores an entry; the first import of a key from a file keeps its age, the text is the
/// newest.
pub fn put(conn: &Connection, e: &NewEntry<'_>, now: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO import_raw
            (work_key, format, origin, entry_key, raw, imported_at, line,
             first_imported_at, entry_type, preprint)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8, ?9)
         ON CONFLICT (work_key, format, origin, entry_key) DO UPDATE SET
            raw = excluded.raw, imported_at = excluded.imported_at,
            line = excluded.line, entry_type = excluded.entry_type,
            preprint = excluded.preprint",
    )?
    .execute(params![
        e.work_key,
        e.format,
        e.origin,
        e.entry_key,
        e.raw,
        now,
        e.line,
        e.entry_type,
        e.preprint,
    ])?;
    Ok(())
}

/// A work's entries: (format, origin, entry key, text), oldest first.
pub fn of_work(conn: &Connection, work_key: i64) -> Result<Vec<(String, String, String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT format, origin, entry_key, raw FROM import_raw WHERE work_key = ?1
         ORDER BY first_imported_at, format, origin, line, entry_key",
    )?;
    let rows = stmt
        .query_map([work_key], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Each work's BibTeX citation keys, oldest first, each once.
pub fn bibtex_keys_by_work(
    conn: &Connection,
) -> Result<std::collections::HashMap<i64, Vec<String>>> {
    let mut imported: std::collections::HashMap<i64, Vec<String>> = Default::default();
    let mut stmt = conn.prepare(
        "SELECT work_key, entry_key FROM import_raw
         WHERE format = 'bibtex' AND entry_key <> ''
         ORDER BY work_key, first_imported_at, origin, line, entry_key",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (work, key) = row?;
        let keys = imported.entry(work).or_default();
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok(imported)
}

/// A work's BibTeX entries, newest first, one per citation key: (key, text).
pub fn newest_bibtex(conn: &Connection, work_key: i64) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT entry_key, raw FROM import_raw WHERE work_key = ?1 AND format = 'bibtex'
         ORDER BY imported_at DESC, origin DESC, entry_key DESC",
    )?;
    let mut newest: Vec<(String, String)> = Vec::new();
    for row in stmt.query_map([work_key], |r| Ok((r.get(0)?, r.get(1)?)))? {
        let (entry_key, raw): (String, String) = row?;
        if !newest.iter().any(|(k, _)| *k == entry_key) {
            newest.push((entry_key, raw));
        }
    }
    Ok(newest)
}

/// The imports of `entry_key` from files of `format`, newest first: (work, text).
pub fn by_entry_key(
    conn: &Connection,
    format: &str,
    entry_key: &str,
) -> Result<Vec<(i64, String)>> {
    let rows = conn
        .prepare_cached(
            "SELECT work_key, raw FROM import_raw WHERE format = ?1 AND entry_key = ?2
             ORDER BY imported_at DESC, origin DESC",
        )?
        .query_map(params![format, entry_key], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
