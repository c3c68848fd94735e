//! Numbered schema migrations, applied in one transaction on open.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Error, Result};

/// Every migration, in order. Never edit a shipped one; add the next number.
const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("migrations/0001_init.sql")),
    (2, include_str!("migrations/0002_note_history.sql")),
    (3, include_str!("migrations/0003_sources.sql")),
    (4, include_str!("migrations/0004_identity_graph.sql")),
    (5, include_str!("migrations/0005_trash.sql")),
    (6, include_str!("migrations/0006_import_raw.sql")),
    (7, include_str!("migrations/0007_saved_searches.sql")),
    (8, include_str!("migrations/0008_compact_provenance.sql")),
    (9, include_str!("migrations/0009_collections.sql")),
];

/// The schema version this build writes.
pub const LATEST_VERSION: u32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Brings the database to [`LATEST_VERSION`]; refuses a database from a newer build.
pub fn migrate(conn: &mut Connection) -> Result<u32> {
    migrate_to(conn, LATEST_VERSION)
}

/// Applies migrations up to and including `target` (tests use this to make older libraries).
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<u32> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let have: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if have > LATEST_VERSION {
        return Err(Error::SchemaTooNew {
            found: have,
            known: LATEST_VERSION,
        });
    }
    for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 > have && m.0 <= target) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tracing::info!(version, "applied migration");
    }
    let now: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    tx.commit()?;
    Ok(now)
}

/// The schema version of an open database.
pub fn schema_version(conn: &Connection) -> Result<u32> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}
