//! Collections: named sets of papers the user curates by hand, nested in a tree, for the
//! sidebar, the `collection:` query clause and exports.
//!
//! A collection is named by its path, the names from the top down joined by `/`
//! (`Thesis/Chapter 2`); a top-level collection's path is its name. Names are unique under one
//! parent regardless of case. A paper can be in any number of collections. Membership
//! outlives the trash: a restored paper is back where it was. Renaming or moving a collection
//! re-indexes the papers of its whole subtree, so `collection:"new/path"` finds them at once.

use serde::Serialize;

use crate::db::{collections, works};
use crate::error::{Error, Result};
use crate::library::Library;
use crate::model::PaperId;

pub use crate::db::collections::{MAX_COLLECTION_DEPTH, MAX_COLLECTION_NAME_CHARS, PATH_SEPARATOR};

/// A collection, where it sits in the tree, and how many papers (outside the trash) it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Collection {
    /// Its id.
    pub id: i64,
    /// Its own name as typed (unique under its parent regardless of case).
    pub name: String,
    /// How users and scripts name it: the names from the top down joined by `/`
    /// (`Thesis/Chapter 2`); a top-level collection's path is its name.
    pub path: String,
    /// The id of the collection it sits under; `None` at the top level.
    pub parent: Option<i64>,
    /// How many collections it sits under (0 at the top level).
    pub depth: u32,
    /// Papers in it, not counting trashed ones (nor those only in its children).
    pub count: u64,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

impl From<collections::Row> for Collection {
    fn from(r: collections::Row) -> Self {
        Collection {
            id: r.key,
            name: r.name,
            path: r.path,
            parent: r.parent,
            depth: r.depth,
            count: r.count,
            created_at: r.created_at,
        }
    }
}

/// What deleting a collection removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CollectionDeletion {
    /// Collections deleted: the one named and every collection under it.
    pub collections: u32,
    /// Papers (outside the trash) that were in any of them; they stay in the library.
    pub papers: u64,
}

/// What adding papers to or removing them from a collection did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CollectionChange {
    /// The collection afterwards.
    pub collection: Collection,
    /// Papers that went in (or came out); the rest were there (or absent) already.
    pub changed: usize,
    /// The ids, as given, of the papers that went in (or came out): what an undo reverts.
    pub changed_ids: Vec<PaperId>,
    /// True when adding created the collection.
    pub created: bool,
}

impl Library {
    /// Every collection with its paper count, in tree order: parents before their children,
    /// siblings by name (case-insensitive).
    pub fn collections(&self) -> Result<Vec<Collection>> {
        Ok(collections::all(&self.conn())?
            .into_iter()
            .map(Collection::from)
            .collect())
    }

    /// The collection at this path (in any case), if there is one.
    pub fn collection(&self, path: &str) -> Result<Option<Collection>> {
        Ok(collections::find(&self.conn(), path)?.map(Collection::from))
    }

    /// Creates an empty collection at a path, and its missing parents. Each name is trimmed
    /// (1 to 80 characters, no `"` or `/`); `CollectionExists` when the path is taken, in any
    /// case.
    pub fn create_collection(&self, path: &str) -> Result<Collection> {
        let path = collections::clean_path(path)?;
        let key = self.write(|tx, now| Ok((collections::create(tx, &path, now)?, vec![])))?;
        self.collection_by_key(key)
    }

    /// Renames or moves a collection: `new_path` is its whole new path. Under the same parent
    /// this renames it; under another parent (created when missing) it moves with its
    /// subtree. A collection cannot move under itself. The papers of the subtree are
    /// re-indexed under their new paths.
    pub fn rename_collection(&self, path: &str, new_path: &str) -> Result<Collection> {
        let new_path = collections::clean_path(new_path)?;
        let key = self.write(|tx, now| {
            let row = collections::get(tx, path)?;
            let subtree = collections::rename(tx, row.key, &new_path, now)?;
            let members = collections::members_of_any(tx, &subtree)?;
            for key in &members {
                works::touch(tx, *key, now)?;
            }
            Ok((row.key, members))
        })?;
        self.collection_by_key(key)
    }

    /// Deletes a collection and every collection under it; their papers stay in the library.
    pub fn delete_collection(&self, path: &str) -> Result<CollectionDeletion> {
        self.write(|tx, now| {
            let row = collections::get(tx, path)?;
            let subtree = collections::subtree(tx, row.key)?;
            let members = collections::members_of_any(tx, &subtree)?;
            let papers = collections::live_count_of_any(tx, &subtree)?;
            let deleted = collections::delete(tx, row.key)?;
            for key in &members {
                works::touch(tx, *key, now)?;
            }
            let deletion = CollectionDeletion {
                collections: u32::try_from(deleted).unwrap_or(u32::MAX),
                papers,
            };
            Ok((deletion, members))
        })
    }

    /// Puts papers in the collection at a path, creating it (and its missing parents) when
    /// there is none. All in one transaction: an unknown id changes nothing.
    pub fn add_to_collection(&self, path: &str, ids: &[PaperId]) -> Result<CollectionChange> {
        if ids.is_empty() {
            return Err(Error::InvalidInput("name at least one paper".into()));
        }
        let clean = collections::clean_path(path)?;
        let (changed_ids, created, key) = self.write(|tx, now| {
            let (key, created) = match collections::find(tx, &clean.join("/"))? {
                Some(row) => (row.key, false),
                None => (collections::ensure_path(tx, &clean, now)?, true),
            };
            let mut changed = Vec::new();
            let mut changed_ids = Vec::new();
            for id in ids {
                let work = works::key_of(tx, id)?;
                if collections::add(tx, key, work, now)? {
                    works::touch(tx, work, now)?;
                    changed.push(work);
                    changed_ids.push(id.clone());
                }
            }
            Ok(((changed_ids, created, key), changed))
        })?;
        Ok(CollectionChange {
            collection: self.collection_by_key(key)?,
            changed: changed_ids.len(),
            changed_ids,
            created,
        })
    }

    /// Takes papers out of the collection at a path (the papers stay in the library, and in
    /// its children). One transaction: an unknown id or collection changes nothing.
    pub fn remove_from_collection(&self, path: &str, ids: &[PaperId]) -> Result<CollectionChange> {
        let (changed_ids, key) = self.write(|tx, now| {
            let row = collections::get(tx, path)?;
            let mut changed = Vec::new();
            let mut changed_ids = Vec::new();
            for id in ids {
                let work = works::key_of(tx, id)?;
                if collections::remove(tx, row.key, work)? {
                    works::touch(tx, work, now)?;
                    changed.push(work);
                    changed_ids.push(id.clone());
                }
            }
            Ok(((changed_ids, row.key), changed))
        })?;
        Ok(CollectionChange {
            collection: self.collection_by_key(key)?,
            changed: changed_ids.len(),
            changed_ids,
            created: false,
        })
    }

    fn collection_by_key(&self, key: i64) -> Result<Collection> {
        collections::by_key(&self.conn(), key)?
            .map(Collection::from)
            .ok_or_else(|| Error::CollectionNotFound(format!("#{key}")))
    }
}
