//! Collections and the many-to-many `collection_works`.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{Error, Result};

/// Longest collection name, in characters.
pub const MAX_COLLECTION_NAME_CHARS: usize = 80;

/// Trims a collection name, folds runs of white space to one space, and checks it is
/// usable: 1 to [`MAX_COLLECTION_NAME_CHARS`] characters, no control characters, and no `"`
/// (names are typed in quotes in queries: `collection:"Reading group"`).
pub fn clean_name(name: &str) -> Result<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_COLLECTION_NAME_CHARS {
        return Err(Error::InvalidInput(format!(
            "a collection needs a name of 1 to {MAX_COLLECTION_NAME_CHARS} characters"
        )));
    }
    if name
        .chars()
        .any(|c| c.is_control() || crate::clean::is_bidi_control(c))
    {
        return Err(Error::InvalidInput(
            "a collection name cannot contain control or text-direction characters".into(),
        ));
    }
    if name.contains('"') {
        return Err(Error::InvalidInput(format!(
            "collection name '{name}' contains '\"'; queries quote names with it"
        )));
    }
    Ok(name)
}

/// The name as the index and the uniqueness rule see it: white space folded, lower case.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// One collection's row with its count of papers outside the trash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// `collections.key`.
    pub key: i64,
    /// The name as typed.
    pub name: String,
    /// Papers in it, not counting trashed ones.
    pub count: u64,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

const SELECT_ROWS: &str = "SELECT c.key, c.name, c.created_at,
        (SELECT COUNT(*) FROM collection_works cw JOIN works w ON w.key = cw.work_key
         WHERE cw.collection_key = c.key AND w.deleted_at IS NULL)
     FROM collections c";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        key: r.get(0)?,
        name: r.get(1)?,
        created_at: r.get(2)?,
        count: r.get::<_, i64>(3)? as u64,
    })
}

/// The collection with this name (in any case), if there is one. `name` need not be clean.
pub fn find(conn: &Connection, name: &str) -> Result<Option<Row>> {
    let found = conn
        .prepare_cached(&format!("{SELECT_ROWS} WHERE c.name_key = ?1"))?
        .query_row([name_key(name)], row)
        .optional()?;
    Ok(found)
}

/// The collection with this key, if it still exists.
pub fn by_key(conn: &Connection, key: i64) -> Result<Option<Row>> {
    let found = conn
        .prepare_cached(&format!("{SELECT_ROWS} WHERE c.key = ?1"))?
        .query_row([key], row)
        .optional()?;
    Ok(found)
}

/// Like [`find`], but a missing collection is `CollectionNotFound`.
pub fn get(conn: &Connection, name: &str) -> Result<Row> {
    find(conn, name)?.ok_or_else(|| Error::CollectionNotFound(name.trim().to_string()))
}

/// Every collection, by name (case-insensitive).
pub fn all(conn: &Connection) -> Result<Vec<Row>> {
    let mut rows = conn
        .prepare_cached(SELECT_ROWS)?
        .query_map([], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.sort_by(|a, b| {
        name_key(&a.name)
            .cmp(&name_key(&b.name))
            .then(a.key.cmp(&b.key))
    });
    Ok(rows)
}

/// Creates a collection under a clean name; `CollectionExists` when the name is taken.
pub fn create(conn: &Connection, name: &str, now: &str) -> Result<i64> {
    if let Some(existing) = find(conn, name)? {
        return Err(Error::CollectionExists(existing.name));
    }
    conn.prepare_cached(
        "INSERT INTO collections (name, name_key, created_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![name, name_key(name), now])?;
    Ok(conn.last_insert_rowid())
}

/// Renames a collection to a clean name. Renaming to another case of the same name is
/// allowed; a name another collection has is `CollectionExists`.
pub fn rename(conn: &Connection, key: i64, new_name: &str) -> Result<()> {
    if let Some(other) = find(conn, new_name)? {
        if other.key != key {
            return Err(Error::CollectionExists(other.name));
        }
    }
    conn.prepare_cached("UPDATE collections SET name = ?2, name_key = ?3 WHERE key = ?1")?
        .execute(params![key, new_name, name_key(new_name)])?;
    Ok(())
}

/// Deletes a collection (its papers stay in the library).
pub fn delete(conn: &Connection, key: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM collections WHERE key = ?1")?
        .execute([key])?;
    Ok(())
}

/// Puts a work in a collection; true when it was not in it yet.
pub fn add(conn: &Connection, key: i64, work_key: i64, now: &str) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO collection_works (collection_key, work_key, added_at)
             VALUES (?1, ?2, ?3)",
        )?
        .execute(params![key, work_key, now])?;
    Ok(n > 0)
}

/// Takes a work out of a collection; true when it was in it.
pub fn remove(conn: &Connection, key: i64, work_key: i64) -> Result<bool> {
    let n = conn
        .prepare_cached("DELETE FROM collection_works WHERE collection_key = ?1 AND work_key = ?2")?
        .execute(params![key, work_key])?;
    Ok(n > 0)
}

/// Every work in a collection, trashed ones included (they come back with a restore).
pub fn members(conn: &Connection, key: i64) -> Result<Vec<i64>> {
    let keys = conn
        .prepare_cached("SELECT work_key FROM collection_works WHERE collection_key = ?1")?
        .query_map([key], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(keys)
}

/// The names of the collections a work is in, sorted case-insensitively.
pub fn names_of(conn: &Connection, work_key: i64) -> Result<Vec<String>> {
    let mut names = conn
        .prepare_cached(
            // A subquery, not a join: see `tags::TAGS_OF`.
            "SELECT name FROM collections
             WHERE key IN (SELECT collection_key FROM collection_works WHERE work_key = ?1)",
        )?
        .query_map([work_key], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    names.sort_by_key(|n| name_key(n));
    Ok(names)
}

/// Every work's collection names.
pub fn names_by_work(conn: &Connection) -> Result<std::collections::HashMap<i64, Vec<String>>> {
    let mut map: std::collections::HashMap<i64, Vec<String>> = Default::default();
    let mut stmt = conn.prepare(
        "SELECT cw.work_key, c.name FROM collection_works cw
         JOIN collections c ON c.key = cw.collection_key",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (k, name) = row?;
        map.entry(k).or_default().push(name);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_folded_and_checked() {
        assert_eq!(clean_name("  Reading \t group ").unwrap(), "Reading group");
        assert_eq!(name_key(" Été  Papers"), "été papers");
        assert!(clean_name("   ").is_err());
        assert!(clean_name(&"x".repeat(81)).is_err());
        assert!(clean_name("a\u{7}b").is_err());
        assert!(clean_name("say \"hi\"").is_err());
        assert_eq!(clean_name(&"é".repeat(80)).unwrap().chars().count(), 80);
    }
}
