//! Whole-database questions asked outside any one table: SQLite's integrity checks, and
//! whether a database holds papers (backups and the daily check ask these).

use rusqlite::Connection;

/// SQLite's full `integrity_check`: `"ok"`, or what it found.
pub fn integrity_check(conn: &Connection) -> rusqlite::Result<String> {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
}

/// SQLite's `quick_check`: `"ok"`, or what it found.
pub fn quick_check(conn: &Connection) -> rusqlite::Result<String> {
    conn.query_row("PRAGMA quick_check", [], |r| r.get(0))
}

/// Works in the database, the trash included.
pub fn work_count(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row("SELECT COUNT(*) FROM works", [], |r| r.get::<_, i64>(0))
        .map(|n| n as u64)
}

/// True when the database holds at least one work (an indexed lookup, not a count).
pub fn has_works(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM works)", [], |r| r.get(0))
}
