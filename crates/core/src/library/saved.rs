//! Saved searches: a query (and optionally a sort) kept under a name, for the sidebar.
//!
//! They are user data in the library database, so backups carry them; they name no paper, so
//! exports and the open mirror have nothing to say about them.

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

impl From<db::saved_searches::Row> for SavedSearch {
    fn from(r: db::saved_searches::Row) -> SavedSearch {
        SavedSearch {
            id: r.id,
            name: r.name,
            query: r.query,
            sort: r.sort.and_then(|s| s.parse().ok()),
            created_at: r.created_at,
        }
    }
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
        let row = db::saved_searches::upsert(
            &self.conn(),
            name,
            query_text,
            sort.map(|s| s.as_str()),
            &now,
        )?;
        Ok(row.into())
    }

    /// Every saved search, by name (case-insensitive).
    pub fn saved_searches(&self) -> Result<Vec<SavedSearch>> {
        let rows = db::saved_searches::all(&self.conn())?;
        Ok(rows.into_iter().map(SavedSearch::from).collect())
    }

    /// One saved search by name (case-insensitive), if there is one.
    pub fn saved_search(&self, name: &str) -> Result<Option<SavedSearch>> {
        let found = db::saved_searches::by_name(&self.conn(), name.trim())?;
        Ok(found.map(SavedSearch::from))
    }

    /// Deletes a saved search. `NotFound` when there is none with this id.
    pub fn delete_saved_search(&self, id: i64) -> Result<()> {
        if !db::saved_searches::delete(&self.conn(), id)? {
            return Err(Error::SavedSearchNotFound(id));
        }
        Ok(())
    }
}
