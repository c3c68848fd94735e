//! SQLite access: opening with the right pragmas, migrations, and one module per table
//! (`works`, `tags`, `notes`, `import_raw`, `meta`, `saved_searches`, …), plus `health` for
//! whole-database checks and `trash` for the trash's side of `works`. No SQL lives outside
//! this module (the core's layout test checks it).

pub mod annotations;
pub mod changes;
pub mod collections;
pub mod edges;
pub mod health;
pub mod http_cache;
pub mod import_jobs;
pub mod import_raw;
pub mod meta;
pub mod migrate;
pub mod notes;
pub mod packed;
pub mod pdf_text;
pub mod pdfs;
pub mod reading;
pub mod saved_searches;
pub mod signals;
pub mod subscriptions;
pub mod tags;
pub mod trash;
pub mod unreadable;
pub mod works;
pub mod zotero;

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use crate::error::Result;

/// `keys` as a JSON array, for `json_each(?)`: one cached statement serves any number of keys.
pub fn key_list(keys: &[i64]) -> String {
    serde_json::to_string(keys).unwrap_or_else(|_| "[]".into())
}

/// Truncates the write-ahead log (after a bulk load everything in it is in the database).
pub fn truncate_wal(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
}

/// The database file's name inside the library directory.
pub const DB_FILE: &str = "library.sqlite";

/// The folder inside the library directory that holds the PDFs, each named by its SHA-256
/// (the files that `pdf_files` rows name).
pub const PDF_DIR: &str = "pdfs";

/// How long a writer waits for another process's transaction before reporting `Busy`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens (creating if needed) the library database and migrates it to the latest schema.
pub fn open(path: &Path) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    configure(&conn)?;
    migrate::migrate(&mut conn)?;
    Ok(conn)
}

/// The environment variable debug builds read to shorten [`BUSY_TIMEOUT`] (tests that make a
/// second process wait); release builds, the ones packaged, ignore it.
pub const BUSY_TIMEOUT_ENV: &str = "PAPERSHELF_BUSY_TIMEOUT_MS";

/// [`BUSY_TIMEOUT`], or in debug builds [`BUSY_TIMEOUT_ENV`] when set.
pub fn busy_timeout() -> Duration {
    busy_timeout_from(
        cfg!(debug_assertions),
        std::env::var(BUSY_TIMEOUT_ENV).ok().as_deref(),
    )
}

/// The wait for a build that reads test knobs (`test_knobs`) or not, given the knob's value.
fn busy_timeout_from(test_knobs: bool, knob: Option<&str>) -> Duration {
    knob.filter(|_| test_knobs)
        .and_then(|v| v.trim().parse().ok())
        .map_or(BUSY_TIMEOUT, Duration::from_millis)
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(busy_timeout())?;
    // Only a new, empty database takes this (before WAL is on); an existing file keeps its
    // page size. A paper's row is about 2 KB (most of it the abstract), so 4 KiB pages held
    // two rows and left a quarter of the works table empty; 16 KiB pages pack eight.
    conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    // WAL keeps committed transactions through a process crash and lets readers run beside a
    // writer; NORMAL sync is what WAL needs for that (FULL only adds power-loss durability).
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "cache_size", CACHE_KIB)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // rusqlite keeps 16 prepared statements by default; importing one paper runs about 25
    // distinct ones, so the cache thrashed and every statement was parsed and planned again.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
}

/// Prepared statements kept per connection (more than the import path and the paper view
/// use between them).
pub const STATEMENT_CACHE: usize = 128;

/// The page size of a new library database, in bytes.
pub const PAGE_SIZE: i64 = 16_384;

/// The page cache of a connection, in SQLite's negative-KiB form.
pub const CACHE_KIB: i64 = -32_000;

/// The page cache during a bulk import: the title, id and DOI indexes of a large library get
/// random inserts, and a cache that holds them turns page reads and rewrites into hits. Sized
/// so that a million-paper import (with tantivy's writer heap beside it) peaks under 1 GB.
pub const BULK_CACHE_KIB: i64 = -160_000;

/// The current time as RFC 3339 UTC with seconds, the one timestamp format the library stores.
pub fn now() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_size(conn: &Connection) -> i64 {
        conn.pragma_query_value(None, "page_size", |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_new_library_gets_large_pages_and_an_old_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("new.sqlite");
        assert_eq!(page_size(&open(&fresh).unwrap()), PAGE_SIZE);
        // Reopening does not try to change it (WAL would refuse anyway).
        assert_eq!(page_size(&open(&fresh).unwrap()), PAGE_SIZE);

        let old = dir.path().join("old.sqlite");
        {
            let conn = Connection::open(&old).unwrap();
            conn.pragma_update(None, "page_size", 4096).unwrap();
            conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
                .unwrap();
        }
        let conn = open(&old).unwrap();
        assert_eq!(page_size(&conn), 4096);
        let x: i64 = conn.query_row("SELECT x FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(x, 1);
    }

    #[test]
    fn the_busy_wait_knob_is_read_only_by_builds_with_test_knobs() {
        assert_eq!(
            busy_timeout_from(true, Some(" 300 ")),
            Duration::from_millis(300)
        );
        assert_eq!(busy_timeout_from(false, Some("300")), BUSY_TIMEOUT);
        assert_eq!(busy_timeout_from(true, Some("soon")), BUSY_TIMEOUT);
        assert_eq!(busy_timeout_from(true, None), BUSY_TIMEOUT);
    }
}
