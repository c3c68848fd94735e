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
    (10, include_str!("migrations/0010_field_origin_sets.sql")),
    (11, include_str!("migrations/0011_packed_abstracts.sql")),
    (12, include_str!("migrations/0012_unreadable_works.sql")),
    (13, include_str!("migrations/0013_import_raw_order.sql")),
    (14, include_str!("migrations/0014_pdfs.sql")),
    (15, include_str!("migrations/0015_pdf_text.sql")),
    (16, include_str!("migrations/0016_annotations.sql")),
    (17, include_str!("migrations/0017_reading_positions.sql")),
    (18, include_str!("migrations/0018_annotation_kinds.sql")),
    (19, include_str!("migrations/0019_nested_collections.sql")),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::works::{self, PROVENANCE_FIELDS};

    #[test]
    fn field_provenance_rows_become_one_set_per_origin() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, 9).unwrap();
        conn.execute_batch(
            "INSERT INTO works (key, id, title, title_key, added_at, modified_at)
                 VALUES (1, 'w1', 'T', 't', 'now', 'now'), (2, 'w2', 'U', 'u', 'now', 'now');
             INSERT INTO provenance_origins (id, source, origin, set_at) VALUES
                 (10, 'arxiv-snapshot', 'a.jsonl', '2026-01-01T00:00:00Z'),
                 (11, 'hf-daily', '2026-01-02', '2026-01-02T00:00:00Z');
             INSERT INTO field_sources (work_key, field, origin_id) VALUES
                 (1, 'title', 10), (1, 'abstract', 10), (1, 'license', 10),
                 (1, 'upvotes', 11), (1, 'organization', 11),
                 (2, 'arxivId', 10), (2, 'someFutureField', 11);",
        )
        .unwrap();
        migrate(&mut conn).unwrap();

        let of = |key| {
            works::provenance(&conn, key)
                .unwrap()
                .into_iter()
                .map(|f| (f.field, f.source))
                .collect::<Vec<_>>()
        };
        let pair = |f: &str, s: &str| (f.to_string(), s.to_string());
        assert_eq!(
            of(1),
            vec![
                pair("abstract", "arxiv-snapshot"),
                pair("license", "arxiv-snapshot"),
                pair("organization", "hf-daily"),
                pair("title", "arxiv-snapshot"),
                pair("upvotes", "hf-daily"),
            ]
        );
        // A name this build does not know is dropped rather than kept as an empty set.
        assert_eq!(of(2), vec![pair("arxivId", "arxiv-snapshot")]);
        let sets: i64 = conn
            .query_row("SELECT COUNT(*) FROM field_origin_sets", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sets, 3);
        assert_eq!(PROVENANCE_FIELDS.len(), 13);
    }

    #[test]
    fn a_slash_in_an_old_collection_name_becomes_a_division_slash() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, 17).unwrap();
        conn.execute_batch(
            "INSERT INTO works (key, id, title, title_key, added_at, modified_at)
                 VALUES (1, 'w1', 'T', 't', 'now', 'now'), (2, 'w2', 'U', 'u', 'now', 'now');
             INSERT INTO collections (key, name, name_key, created_at) VALUES
                 (1, 'Reading', 'reading', 'now'),
                 (2, 'Input/Output', 'input/output', 'now'),
                 (3, 'A/B', 'a/b', 'now'),
                 (4, 'a∕b', 'a∕b', 'now');
             INSERT INTO collection_works (collection_key, work_key, added_at) VALUES
                 (1, 1, 'now'), (2, 1, 'now'), (1, 2, 'now');",
        )
        .unwrap();
        let seq_before = crate::db::changes::last_seq(&conn).unwrap();
        migrate(&mut conn).unwrap();

        let rows: Vec<(i64, String, String, Option<i64>)> = conn
            .prepare("SELECT key, name, name_key, parent_key FROM collections ORDER BY key")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let row = |k: i64, name: &str, key: &str| (k, name.to_string(), key.to_string(), None);
        assert_eq!(
            rows,
            [
                row(1, "Reading", "reading"),
                row(2, "Input\u{2215}Output", "input\u{2215}output"),
                // Taken by collection 4 already: kept apart by its key.
                row(3, "A\u{2215}B (3)", "a\u{2215}b (3)"),
                row(4, "a\u{2215}b", "a\u{2215}b"),
            ]
        );
        // The renamed collection's paper is logged for the index; one only in
        // an unchanged collection is not.
        let (changed, _) = crate::db::changes::since(&conn, seq_before).unwrap();
        assert_eq!(changed, [1]);
        let found = crate::db::collections::find(&conn, "input\u{2215}output").unwrap();
        assert_eq!(found.unwrap().path, "Input\u{2215}Output");
    }
}
