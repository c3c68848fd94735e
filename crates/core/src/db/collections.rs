//! Collections, nested under parents, and the many-to-many `collection_works`.
//!
//! Users and scripts name a collection by its path: the names from the top down joined by
//! [`PATH_SEPARATOR`] (`Thesis/Chapter 2`); a top-level collection's path is its name. The
//! `name_key` column holds the folded path ([`path_key`]), so its UNIQUE constraint keeps
//! names unique under one parent, and a lookup by path is one indexed read.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{Error, Result};

/// Longest collection name (one level of a path), in characters.
pub const MAX_COLLECTION_NAME_CHARS: usize = 80;

/// Most levels in a collection's path (a bound for the app's input checks and the tree
/// walks, far beyond any tree made by hand or brought from Zotero).
pub const MAX_COLLECTION_DEPTH: usize = 32;

/// What separates the names in a collection's path.
pub const PATH_SEPARATOR: char = '/';

/// Trims a collection name, folds runs of white space to one space, and checks it is
/// usable: 1 to [`MAX_COLLECTION_NAME_CHARS`] characters, no control characters, no `"`
/// (names are typed in quotes in queries: `collection:"Reading group"`) and no `/` (it
/// separates the levels of a path).
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
    if name.contains(PATH_SEPARATOR) {
        return Err(Error::InvalidInput(format!(
            "collection name '{name}' contains '{PATH_SEPARATOR}', which separates a parent \
             from its children in a path"
        )));
    }
    Ok(name)
}

/// Splits a path (`Thesis / Chapter 2`) into clean names, top first. Each part is trimmed
/// and checked as [`clean_name`] does; an empty part (`A//B`, a leading or trailing `/`) is an
/// error, and so is a path deeper than [`MAX_COLLECTION_DEPTH`].
pub fn clean_path(path: &str) -> Result<Vec<String>> {
    let parts: Vec<&str> = path.split(PATH_SEPARATOR).collect();
    if parts.len() > MAX_COLLECTION_DEPTH {
        return Err(too_deep());
    }
    if parts.iter().any(|p| p.trim().is_empty()) {
        return Err(Error::InvalidInput(if path.trim().is_empty() {
            format!("a collection needs a name of 1 to {MAX_COLLECTION_NAME_CHARS} characters")
        } else {
            format!(
                "collection path '{}' has an empty part; names are separated by one \
                 '{PATH_SEPARATOR}'",
                path.trim()
            )
        }));
    }
    parts.into_iter().map(clean_name).collect()
}

fn too_deep() -> Error {
    Error::InvalidInput(format!(
        "a collection path has at most {MAX_COLLECTION_DEPTH} levels"
    ))
}

/// One name as the index and the uniqueness rule see it: white space folded, lower case.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A path as `name_key`, the index and queries see it: each part folded by [`name_key`],
/// joined by [`PATH_SEPARATOR`]. `path` need not be clean.
pub fn path_key(path: &str) -> String {
    path.split(PATH_SEPARATOR)
        .map(name_key)
        .collect::<Vec<_>>()
        .join("/")
}

/// [`path_key`] of a path already split into parts.
fn parts_key(parts: &[String]) -> String {
    parts
        .iter()
        .map(|p| name_key(p))
        .collect::<Vec<_>>()
        .join("/")
}

/// How paths sort: part by part on the folded names, so a parent comes before its children
/// and `A/B` before `A (old)` (comparing the joined strings would put `(` before `/`).
pub fn sort_key(path: &str) -> Vec<String> {
    path.split(PATH_SEPARATOR).map(name_key).collect()
}

/// One collection's row with its path and its count of papers outside the trash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// `collections.key`.
    pub key: i64,
    /// Its own name as typed (the last part of its path).
    pub name: String,
    /// The names from the top down to it, joined by [`PATH_SEPARATOR`].
    pub path: String,
    /// The parent's key; `None` at the top level.
    pub parent: Option<i64>,
    /// How many ancestors it has (0 at the top level).
    pub depth: u32,
    /// Papers in it, not counting trashed ones (nor those only in its children).
    pub count: u64,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

/// Every collection reachable from the top with its path and depth. Walking down from the
/// roots reaches each row once, so even a damaged parent link cannot make it loop.
const TREE: &str = "WITH RECURSIVE tree (key, path, depth) AS (
        SELECT key, name, 0 FROM collections WHERE parent_key IS NULL
        UNION ALL
        SELECT c.key, t.path || '/' || c.name, t.depth + 1
        FROM collections c JOIN tree t ON c.parent_key = t.key
    )";

fn select_rows(filter: &str) -> String {
    format!(
        "{TREE} SELECT c.key, c.name, t.path, c.parent_key, t.depth, c.created_at,
            (SELECT COUNT(*) FROM collection_works cw JOIN works w ON w.key = cw.work_key
             WHERE cw.collection_key = c.key AND w.deleted_at IS NULL)
         FROM collections c JOIN tree t ON t.key = c.key {filter}"
    )
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        key: r.get(0)?,
        name: r.get(1)?,
        path: r.get(2)?,
        parent: r.get(3)?,
        depth: r.get::<_, i64>(4)?.max(0) as u32,
        created_at: r.get(5)?,
        count: r.get::<_, i64>(6)? as u64,
    })
}

fn find_by_key_text(conn: &Connection, folded: &str) -> Result<Option<Row>> {
    let found = conn
        .prepare_cached(&select_rows("WHERE c.name_key = ?1"))?
        .query_row([folded], row)
        .optional()?;
    Ok(found)
}

/// The collection at this path (in any case), if there is one. `path` need not be clean.
pub fn find(conn: &Connection, path: &str) -> Result<Option<Row>> {
    find_by_key_text(conn, &path_key(path))
}

/// The collection with this key, if it still exists.
pub fn by_key(conn: &Connection, key: i64) -> Result<Option<Row>> {
    let found = conn
        .prepare_cached(&select_rows("WHERE c.key = ?1"))?
        .query_row([key], row)
        .optional()?;
    Ok(found)
}

/// Like [`find`], but a missing collection is `CollectionNotFound`.
pub fn get(conn: &Connection, path: &str) -> Result<Row> {
    find(conn, path)?.ok_or_else(|| Error::CollectionNotFound(path.trim().to_string()))
}

/// Every collection in tree order: parents before their children, siblings by folded name.
pub fn all(conn: &Connection) -> Result<Vec<Row>> {
    let mut rows = conn
        .prepare_cached(&select_rows(""))?
        .query_map([], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.sort_by_cached_key(|r| (sort_key(&r.path), r.key));
    Ok(rows)
}

/// The key of the collection whose folded path is `folded`.
fn key_at(conn: &Connection, folded: &str) -> Result<Option<i64>> {
    let key = conn
        .prepare_cached("SELECT key FROM collections WHERE name_key = ?1")?
        .query_row([folded], |r| r.get(0))
        .optional()?;
    Ok(key)
}

/// Makes sure the collection at `path` (its names, top first, each already clean as
/// [`clean_name`] leaves it) exists, creating the missing levels like `mkdir -p`, and returns
/// the key of its last level. Existing levels are matched in any case and keep their own
/// spelling. An empty path, one deeper than [`MAX_COLLECTION_DEPTH`], or a part that is not
/// clean (a `/` in it, say) is `InvalidInput`.
pub fn ensure_path(conn: &Connection, path: &[String], now: &str) -> Result<i64> {
    if path.is_empty() {
        return Err(Error::InvalidInput(
            "a collection path needs at least one name".into(),
        ));
    }
    if path.len() > MAX_COLLECTION_DEPTH {
        return Err(too_deep());
    }
    let mut parent: Option<i64> = None;
    let mut folded = String::new();
    for part in path {
        // A part with a `/` in it would write a key that reads as a deeper path.
        if clean_name(part)? != *part {
            return Err(Error::InvalidInput(format!(
                "collection name '{part}' is not clean (trim it and fold its spaces)"
            )));
        }
        if !folded.is_empty() {
            folded.push('/');
        }
        folded.push_str(&name_key(part));
        let key = match key_at(conn, &folded)? {
            Some(key) => key,
            None => {
                conn.prepare_cached(
                    "INSERT INTO collections (name, name_key, parent_key, created_at)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![part, folded, parent, now])?;
                conn.last_insert_rowid()
            }
        };
        parent = Some(key);
    }
    Ok(parent.expect("a path has a part"))
}

/// Creates the collection at a clean path, and any missing parents; `CollectionExists` when
/// the path is taken (in any case).
pub fn create(conn: &Connection, path: &[String], now: &str) -> Result<i64> {
    if let Some(existing) = find_by_key_text(conn, &parts_key(path))? {
        return Err(Error::CollectionExists(existing.path));
    }
    ensure_path(conn, path, now)
}

/// The key and every descendant's key of a collection, the collection first (empty when it
/// does not exist).
pub fn subtree(conn: &Connection, key: i64) -> Result<Vec<i64>> {
    let keys = conn
        .prepare_cached(
            // UNION, not UNION ALL: a damaged parent link cannot make it loop.
            "WITH RECURSIVE sub (key) AS (
                 SELECT key FROM collections WHERE key = ?1
                 UNION
                 SELECT c.key FROM collections c JOIN sub s ON c.parent_key = s.key
             )
             SELECT key FROM sub",
        )?
        .query_map([key], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(keys)
}

/// Gives a collection a new clean path. The same parent renames it in place (another case of
/// its own name included); another parent moves it there with its subtree, creating missing
/// parents. A path another collection has is `CollectionExists`; a path under the collection
/// itself is `InvalidInput`. Returns the keys of the subtree, whose papers' paths changed.
pub fn rename(conn: &Connection, key: i64, new_path: &[String], now: &str) -> Result<Vec<i64>> {
    let Some((leaf, parent_path)) = new_path.split_last() else {
        return Err(Error::InvalidInput(
            "a collection path needs at least one name".into(),
        ));
    };
    let row = by_key(conn, key)?.ok_or_else(|| Error::CollectionNotFound(format!("#{key}")))?;
    let old_key = path_key(&row.path);
    let new_key = parts_key(new_path);
    if new_key.starts_with(&format!("{old_key}/")) {
        return Err(Error::InvalidInput(format!(
            "collection '{}' cannot move under itself ('{}')",
            row.path,
            new_path.join("/")
        )));
    }
    if let Some(other) = find_by_key_text(conn, &new_key)? {
        if other.key != key {
            return Err(Error::CollectionExists(other.path));
        }
    }
    let parent = match parent_path {
        [] => None,
        parents => Some(ensure_path(conn, parents, now)?),
    };
    conn.prepare_cached(
        "UPDATE collections SET name = ?2, name_key = ?3, parent_key = ?4 WHERE key = ?1",
    )?
    .execute(params![key, leaf, new_key, parent])?;

    // The descendants keep their parents and names; their folded paths follow the new top.
    let keys = subtree(conn, key)?;
    let mut folded: HashMap<i64, String> = HashMap::from([(key, new_key)]);
    let mut pending: Vec<(i64, i64, String)> = conn
        .prepare_cached(
            "SELECT key, parent_key, name FROM collections
             WHERE key IN (SELECT value FROM json_each(?1)) AND key != ?2",
        )?
        .query_map(params![super::key_list(&keys), key], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut update = conn.prepare_cached("UPDATE collections SET name_key = ?2 WHERE key = ?1")?;
    // Parents first: each pass settles the rows whose parent has its new path.
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for (k, parent, name) in pending {
            match folded.get(&parent) {
                Some(p) => {
                    let path = format!("{p}/{}", name_key(&name));
                    update.execute(params![k, path])?;
                    folded.insert(k, path);
                }
                None => rest.push((k, parent, name)),
            }
        }
        if rest.len() == before {
            break;
        }
        pending = rest;
    }
    Ok(keys)
}

/// Deletes a collection and its subtree (their papers stay in the library); returns how many
/// collections went.
pub fn delete(conn: &Connection, key: i64) -> Result<usize> {
    let keys = subtree(conn, key)?;
    // Foreign keys would cascade from the top; naming every key does not depend on them.
    conn.prepare_cached("DELETE FROM collections WHERE key IN (SELECT value FROM json_each(?1))")?
        .execute([super::key_list(&keys)])?;
    Ok(keys.len())
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

/// Every work in any of these collections, once each, trashed ones included (they come back
/// with a restore).
pub fn members_of_any(conn: &Connection, keys: &[i64]) -> Result<Vec<i64>> {
    let keys = conn
        .prepare_cached(
            "SELECT DISTINCT work_key FROM collection_works
             WHERE collection_key IN (SELECT value FROM json_each(?1))",
        )?
        .query_map([super::key_list(keys)], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(keys)
}

/// How many works outside the trash are in any of these collections.
pub fn live_count_of_any(conn: &Connection, keys: &[i64]) -> Result<u64> {
    let n: i64 = conn
        .prepare_cached(
            "SELECT COUNT(DISTINCT cw.work_key) FROM collection_works cw
             JOIN works w ON w.key = cw.work_key
             WHERE cw.collection_key IN (SELECT value FROM json_each(?1))
               AND w.deleted_at IS NULL",
        )?
        .query_row([super::key_list(keys)], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

/// The paths of the collections a work is in, in tree order.
pub fn paths_of(conn: &Connection, work_key: i64) -> Result<Vec<String>> {
    let mut paths = conn
        .prepare_cached(
            // Up from each collection to the top; the depth cap stops a damaged parent link
            // from looping. A subquery, not a join: see `tags::TAGS_OF`.
            "WITH RECURSIVE up (parent, path, depth) AS (
                 SELECT parent_key, name, 0 FROM collections
                 WHERE key IN (SELECT collection_key FROM collection_works WHERE work_key = ?1)
                 UNION ALL
                 SELECT c.parent_key, c.name || '/' || up.path, up.depth + 1
                 FROM up JOIN collections c ON c.key = up.parent
                 WHERE up.depth < 1000
             )
             SELECT path FROM up WHERE parent IS NULL",
        )?
        .query_map([work_key], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    paths.sort_by_cached_key(|p| sort_key(p));
    Ok(paths)
}

/// Every work's collection paths, each in tree order.
pub fn paths_by_work(conn: &Connection) -> Result<HashMap<i64, Vec<String>>> {
    let path_of: HashMap<i64, String> = conn
        .prepare(&format!("{TREE} SELECT key, path FROM tree"))?
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut map: HashMap<i64, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare("SELECT work_key, collection_key FROM collection_works")?;
    for pair in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
        let (work, collection) = pair?;
        if let Some(path) = path_of.get(&collection) {
            map.entry(work).or_default().push(path.clone());
        }
    }
    for paths in map.values_mut() {
        paths.sort_by_cached_key(|p| sort_key(p));
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        crate::db::migrate::migrate(&mut conn).unwrap();
        conn
    }

    fn path(p: &str) -> Vec<String> {
        clean_path(p).unwrap()
    }

    fn paths(conn: &Connection) -> Vec<(String, u32)> {
        all(conn)
            .unwrap()
            .into_iter()
            .map(|r| (r.path, r.depth))
            .collect()
    }

    #[test]
    fn names_are_trimmed_and_folded_and_checked() {
        assert_eq!(clean_name("  Reading \t group ").unwrap(), "Reading group");
        assert_eq!(name_key(" Été  Papers"), "été papers");
        assert!(clean_name("   ").is_err());
        assert!(clean_name(&"x".repeat(81)).is_err());
        assert!(clean_name("a\u{7}b").is_err());
        assert!(clean_name("say \"hi\"").is_err());
        assert_eq!(clean_name(&"é".repeat(80)).unwrap().chars().count(), 80);
        let slash = clean_name("a/b").unwrap_err().to_string();
        assert!(slash.contains("'/'"), "{slash}");
    }

    #[test]
    fn paths_are_split_cleaned_and_folded_part_by_part() {
        assert_eq!(
            clean_path("  Thesis /  Chapter   2 ").unwrap(),
            ["Thesis", "Chapter 2"]
        );
        assert_eq!(clean_path("Solo").unwrap(), ["Solo"]);
        for bad in ["", " ", "A//B", "/A", "A/", "A/ /B", "A/\"b\""] {
            assert!(clean_path(bad).is_err(), "{bad:?}");
        }
        assert!(clean_path("A//B")
            .unwrap_err()
            .to_string()
            .contains("empty part"));
        assert_eq!(path_key(" Thesis / Chapter  2"), "thesis/chapter 2");
        // Part by part: `A/B` sorts before `A (old)`, whose `(` is below `/`.
        assert!(sort_key("A/B") < sort_key("A (old)"));
    }

    #[test]
    fn ensure_path_creates_the_missing_levels_once() {
        let conn = conn();
        let leaf = ensure_path(&conn, &path("Thesis/Chapter 2/Figures"), "t").unwrap();
        assert_eq!(
            ensure_path(&conn, &path("THESIS/chapter 2/figures"), "t").unwrap(),
            leaf
        );
        let row = by_key(&conn, leaf).unwrap().unwrap();
        assert_eq!(
            (row.name.as_str(), row.path.as_str(), row.depth),
            ("Figures", "Thesis/Chapter 2/Figures", 2)
        );
        assert_eq!(
            paths(&conn),
            [
                ("Thesis".to_string(), 0),
                ("Thesis/Chapter 2".to_string(), 1),
                ("Thesis/Chapter 2/Figures".to_string(), 2)
            ]
        );
        assert!(ensure_path(&conn, &[], "t").is_err());
        assert!(ensure_path(&conn, &["a/b".to_string()], "t").is_err());
        assert!(ensure_path(&conn, &[" padded".to_string()], "t").is_err());
        let deep = vec!["x".to_string(); MAX_COLLECTION_DEPTH + 1];
        assert!(ensure_path(&conn, &deep, "t").is_err());
        assert!(clean_path(&deep.join("/")).is_err());
        assert!(clean_path(&deep[1..].join("/")).is_ok());
        assert_eq!(all(&conn).unwrap().len(), 3);
    }

    #[test]
    fn names_are_unique_under_one_parent_only() {
        let conn = conn();
        create(&conn, &path("A/Notes"), "t").unwrap();
        create(&conn, &path("B/Notes"), "t").unwrap();
        create(&conn, &path("Notes"), "t").unwrap();
        assert!(matches!(
            create(&conn, &path("a/NOTES"), "t"),
            Err(Error::CollectionExists(p)) if p == "A/Notes"
        ));
        // Siblings by folded name, part by part, parents first.
        let order: Vec<String> = paths(&conn).into_iter().map(|p| p.0).collect();
        assert_eq!(order, ["A", "A/Notes", "B", "B/Notes", "Notes"]);
    }

    #[test]
    fn renaming_and_moving_carry_the_subtree_and_refuse_a_cycle() {
        let conn = conn();
        let ch = ensure_path(&conn, &path("Thesis/Ch 2/Figures"), "t").unwrap();
        let ch = by_key(&conn, ch).unwrap().unwrap().parent.unwrap();
        let moved = rename(&conn, ch, &path("Archive/Old/Chapter two"), "t").unwrap();
        assert_eq!(moved.len(), 2);
        assert!(find(&conn, "archive/old/chapter TWO/figures")
            .unwrap()
            .is_some());
        assert!(find(&conn, "Thesis/Ch 2").unwrap().is_none());
        // In place, another case.
        rename(&conn, ch, &path("Archive/Old/chapter Two"), "t").unwrap();
        assert_eq!(
            by_key(&conn, ch).unwrap().unwrap().path,
            "Archive/Old/chapter Two"
        );
        let archive = find(&conn, "archive").unwrap().unwrap().key;
        let cycle = rename(&conn, archive, &path("Archive/Old/X"), "t").unwrap_err();
        assert!(cycle.to_string().contains("under itself"), "{cycle}");
        assert!(matches!(
            rename(&conn, ch, &path("Thesis"), "t"),
            Err(Error::CollectionExists(p)) if p == "Thesis"
        ));
        // Deleting the top takes the subtree.
        assert_eq!(delete(&conn, archive).unwrap(), 4);
        let left: Vec<String> = paths(&conn).into_iter().map(|p| p.0).collect();
        assert_eq!(left, ["Thesis"]);
    }
}
