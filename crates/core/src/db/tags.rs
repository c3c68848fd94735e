//! Tags and the many-to-many `work_tags`.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{Error, Result};

/// Longest tag accepted, in characters.
pub const MAX_TAG_LEN: usize = 64;

/// Trims a tag and checks it is usable: not empty, not too long, no control characters,
/// no whitespace inside (tags are typed as `tag:name` in queries).
pub fn clean_tag(tag: &str) -> Result<String> {
    let t = tag.trim().trim_start_matches('#');
    if t.is_empty() {
        return Err(Error::InvalidInput("a tag cannot be empty".into()));
    }
    if t.chars().count() > MAX_TAG_LEN {
        return Err(Error::InvalidInput(format!(
            "tag '{t}' is longer than {MAX_TAG_LEN} characters"
        )));
    }
    if t.chars().any(char::is_whitespace) {
        return Err(Error::InvalidInput(format!(
            "tag '{t}' contains spaces; use '-' or '_' to join words"
        )));
    }
    if t.chars()
        .any(|c| c.is_control() || crate::clean::is_bidi_control(c))
    {
        return Err(Error::InvalidInput(format!(
            "tag '{}' contains control or text-direction characters",
            crate::clean::printable(t, crate::clean::Lines::One)
        )));
    }
    Ok(t.to_string())
}

/// Adds a tag (created on first use, matched case-insensitively); true when newly attached.
pub fn add(conn: &Connection, work_key: i64, tag: &str, now: &str) -> Result<bool> {
    conn.prepare_cached("INSERT OR IGNORE INTO tags (name) VALUES (?1)")?
        .execute([tag])?;
    let tag_key: i64 = conn
        .prepare_cached("SELECT key FROM tags WHERE name = ?1")?
        .query_row([tag], |r| r.get(0))?;
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO work_tags (work_key, tag_key, added_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![work_key, tag_key, now])?;
    Ok(n > 0)
}

/// Detaches a tag; true when it was attached. A tag no work uses any more is deleted.
pub fn remove(conn: &Connection, work_key: i64, tag: &str) -> Result<bool> {
    let tag_key: Option<i64> = conn
        .prepare_cached("SELECT key FROM tags WHERE name = ?1")?
        .query_row([tag], |r| r.get(0))
        .optional()?;
    let Some(tag_key) = tag_key else {
        return Ok(false);
    };
    let n = conn
        .prepare_cached("DELETE FROM work_tags WHERE work_key = ?1 AND tag_key = ?2")?
        .execute(params![work_key, tag_key])?;
    conn.prepare_cached(
        "DELETE FROM tags WHERE key = ?1 AND NOT EXISTS (SELECT 1 FROM work_tags WHERE tag_key = ?1)",
    )?
    .execute([tag_key])?;
    Ok(n > 0)
}

/// The tags of work `?1`. A subquery, not a join: rusqlite clears a cached statement's
/// bindings when it is handed back, and SQLite re-prepares a join of these tables after every
/// clear, which made parsing and planning a third of a bulk import's SQLite time.
const TAGS_OF: &str = "SELECT name FROM tags
    WHERE key IN (SELECT tag_key FROM work_tags WHERE work_key = ?1)
    ORDER BY name COLLATE NOCASE";

/// A work's tags, sorted case-insensitively.
pub fn tags_of(conn: &Connection, work_key: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(TAGS_OF)?;
    let tags = stmt
        .query_map([work_key], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(tags)
}

/// The tags of each of `work_keys`, sorted case-insensitively, in one query; works without
/// tags are absent from the map.
pub fn tags_of_each(
    conn: &Connection,
    work_keys: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<String>>> {
    let mut tags: std::collections::HashMap<i64, Vec<String>> = Default::default();
    if work_keys.is_empty() {
        return Ok(tags);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT wt.work_key, t.name FROM work_tags wt JOIN tags t ON t.key = wt.tag_key
         WHERE wt.work_key IN (SELECT value FROM json_each(?1))
         ORDER BY t.name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([super::key_list(work_keys)], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (key, name) = row?;
        tags.entry(key).or_default().push(name);
    }
    Ok(tags)
}

/// Every tag with the number of works carrying it, most used first.
pub fn counts(conn: &Connection) -> Result<Vec<(String, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.name, COUNT(*) AS n FROM tags t JOIN work_tags wt ON wt.tag_key = t.key
         GROUP BY t.key ORDER BY n DESC, t.name COLLATE NOCASE",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Every tag's name as the user wrote it.
pub fn names(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT name FROM tags")?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(names)
}

/// How many tags there are.
pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM tags", [], |r| r.get::<_, i64>(0))? as u64)
}

/// Every work's tag names, each list sorted by name.
pub fn names_by_work(conn: &Connection) -> Result<std::collections::HashMap<i64, Vec<String>>> {
    let mut map: std::collections::HashMap<i64, Vec<String>> = Default::default();
    let mut stmt = conn.prepare(
        "SELECT wt.work_key, t.name FROM work_tags wt JOIN tags t ON t.key = wt.tag_key ORDER BY t.name",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (k, t) = row?;
        map.entry(k).or_default().push(t);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_a_works_tags_again_and_again_reuses_one_plan() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::db::open(&dir.path().join("t.sqlite")).unwrap();
        conn.execute_batch(
            "INSERT INTO works (key, id, title, title_key, added_at, modified_at)
                 VALUES (1, 'w1', 'T', 't', 'now', 'now'), (2, 'w2', 'U', 'u', 'now', 'now')",
        )
        .unwrap();
        add(&conn, 1, "Zeta", "now").unwrap();
        add(&conn, 1, "alpha", "now").unwrap();
        for i in 0..200 {
            let tags = tags_of(&conn, 1 + i % 2).unwrap();
            assert_eq!(tags.len(), if i % 2 == 0 { 2 } else { 0 });
        }
        assert_eq!(tags_of(&conn, 1).unwrap(), ["alpha", "Zeta"]);
        let reprepared = conn
            .prepare_cached(TAGS_OF)
            .unwrap()
            .get_status(rusqlite::StatementStatus::RePrepare);
        assert!(
            reprepared <= 2,
            "re-prepared {reprepared} times in 201 reads"
        );
    }
}
