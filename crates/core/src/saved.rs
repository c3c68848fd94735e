//! Saved searches: a query (and optionally a sort) kept under a name, for the sidebar.
//!
//! They are user data in the library database, so backups carry them; they name no paper, so
//! exports and the open mirror have nothing to say about them.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::db;
use crate::error::{Error, Result};
use crate::library::Library;
use crate::search::{query, BrowseSort};

/// Longest saved-search name, in characters.
pub const MAX_SAVED_NAME_CHARS: usize = 80;
/// Longest saved query, in bytes.
pub const MAX_SAVED_QUERY_BYTES: usize = 4096;

/// A search saved under a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SavedSearch {
    /// Its id (deleting takes it).
    pub id: i64,
    /// Its name, unique regardless of case.
    pub name: String,
    /// The query, in the syntax of [`crate::search::query`].
    pub query: String,
    /// The sort to run it with; `None` lets the browse choose.
    pub sort: Option<BrowseSort>,
    /// When it was saved (RFC 3339).
    pub created_at: String,
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SavedSearch> {
    let sort: Option<String> = r.get(3)?;
    Ok(SavedSearch {
        id: r.get(0)?,
        name: r.get(1)?,
        query: r.get(2)?,
        sort: sort.and_then(|s| s.parse().ok()),
        created_at: r.get(4)?,
    })
}

impl Library {
    /// Saves `query` under `name` (trimmed, 1 to 80 characters); a search already saved under
    /// the same name (in any case) is replaced. The query must parse.
    pub fn save_search(
        &self,
        name: &str,
        query_text: &str,
        sort: Option<BrowseSort>,
    ) -> Result<SavedSearch> {
        let name = name.trim();
        let chars = name.chars().count();
        if chars == 0 || chars > MAX_SAVED_NAME_CHARS {
            return Err(Error::InvalidInput(format!(
                "a saved search needs a name of 1 to {MAX_SAVED_NAME_CHARS} characters"
            )));
        }
        if name
            .chars()
            .any(|c| c.is_control() || crate::clean::is_bidi_control(c))
        {
            return Err(Error::InvalidInput(
                "a saved search name cannot contain control or text-direction characters".into(),
            ));
        }
        if query_text.len() > MAX_SAVED_QUERY_BYTES {
            return Err(Error::InvalidInput(format!(
                "the query is longer than {MAX_SAVED_QUERY_BYTES} bytes"
            )));
        }
        if let Err(e) = query::parse(query_text) {
            return Err(Error::InvalidInput(format!(
                "cannot save '{name}': the query does not parse ({e})"
            )));
        }
        let now = db::now();
        let conn = self.conn();
        conn.prepare_cached(
            "INSERT INTO saved_searches (name, query, sort, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (name) DO UPDATE SET name = excluded.name, query = excluded.query,
                sort = excluded.sort, created_at = excluded.created_at",
        )?
        .execute(params![name, query_text, sort.map(|s| s.as_str()), now])?;
        let saved = conn
            .prepare_cached(
                "SELECT id, name, query, sort, created_at FROM saved_searches WHERE name = ?1",
            )?
            .query_row([name], from_row)?;
        Ok(saved)
    }

    /// Every saved search, by name (case-insensitive).
    pub fn saved_searches(&self) -> Result<Vec<SavedSearch>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, query, sort, created_at FROM saved_searches
             ORDER BY name COLLATE NOCASE, id",
        )?;
        let all = stmt
            .query_map([], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(all)
    }

    /// One saved search by name (case-insensitive), if there is one.
    pub fn saved_search(&self, name: &str) -> Result<Option<SavedSearch>> {
        let conn = self.conn();
        let found = conn
            .prepare_cached(
                "SELECT id, name, query, sort, created_at FROM saved_searches WHERE name = ?1",
            )?
            .query_row([name.trim()], from_row)
            .optional()?;
        Ok(found)
    }

    /// Deletes a saved search. `NotFound` when there is none with this id.
    pub fn delete_saved_search(&self, id: i64) -> Result<()> {
        let conn = self.conn();
        let n = conn
            .prepare_cached("DELETE FROM saved_searches WHERE id = ?1")?
            .execute([id])?;
        if n == 0 {
            return Err(Error::SavedSearchNotFound(id));
        }
        Ok(())
    }
}
