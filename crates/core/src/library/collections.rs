//! Collections: named sets of papers the user curates by hand, for the sidebar, the
//! `collection:` query clause and exports.
//!
//! A paper can be in any number of collections. Membership outlives the trash: a restored
//! paper is back where it was. Names are unique regardless of case, and renaming a
//! collection re-indexes its papers, so `collection:"new name"` finds them at once.

use serde::Serialize;

use crate::db::{collections, works};
use crate::error::{Error, Result};
use crate::library::Library;
use crate::model::PaperId;

pub use crate::db::collections::MAX_COLLECTION_NAME_CHARS;

/// A collection and how many papers (outside the trash) it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Collection {
    /// Its id.
    pub id: i64,
    /// Its name as typed (unique regardless of case).
    pub name: String,
    /// Papers in it, not counting trashed ones.
    pub count: u64,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

impl From<collections::Row> for Collection {
    fn from(r: collections::Row) -> Self {
        Collection {
            id: r.key,
            name: r.name,
            count: r.count,
            created_at: r.created_at,
        }
    }
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
    /// Every collection with its paper count, by name (case-insensitive).
    pub fn collections(&self) -> Result<Vec<Collection>> {
        Ok(collections::all(&self.conn())?
            .into_iter()
            .map(Collection::from)
            .collect())
    }

    /// The collection with this name (in any case), if there is one.
    pub fn collection(&self, name: &str) -> Result<Option<Collection>> {
        Ok(collections::find(&self.conn(), name)?.map(Collection::from))
    }

    /// Creates an empty collection. The name is trimmed (1 to 80 characters, no `"`);
    /// `CollectionExists` when one has it already, in any case.
    pub fn create_collection(&self, name: &str) -> Result<Collection> {
        let name = collections::clean_name(name)?;
        self.write(|tx, now| {
            collections::create(tx, &name, now)?;
            Ok(((), vec![]))
        })?;
        self.collection_named(&name)
    }

    /// Renames a collection; its papers are re-indexed under the new name.
    pub fn rename_collection(&self, name: &str, new_name: &str) -> Result<Collection> {
        let new_name = collections::clean_name(new_name)?;
        self.write(|tx, now| {
            let row = collections::get(tx, name)?;
            collections::rename(tx, row.key, &new_name)?;
            let members = collections::members(tx, row.key)?;
            for key in &members {
                works::touch(tx, *key, now)?;
            }
            Ok(((), members))
        })?;
        self.collection_named(&new_name)
    }

    /// Deletes a collection; its papers stay in the library. Returns how many papers
    /// (outside the trash) it held.
    pub fn delete_collection(&self, name: &str) -> Result<u64> {
        self.write(|tx, now| {
            let row = collections::get(tx, name)?;
            let members = collections::members(tx, row.key)?;
            collections::delete(tx, row.key)?;
            for key in &members {
                works::touch(tx, *key, now)?;
            }
            Ok((row.count, members))
        })
    }

    /// Puts papers in a collection, creating it when no collection has the name. All in one
    /// transaction: an unknown id changes nothing.
    pub fn add_to_collection(&self, name: &str, ids: &[PaperId]) -> Result<CollectionChange> {
        if ids.is_empty() {
            return Err(Error::InvalidInput("name at least one paper".into()));
        }
        let clean = collections::clean_name(name)?;
        let (changed_ids, created, key) = self.write(|tx, now| {
            let (key, created) = match collections::find(tx, &clean)? {
                Some(row) => (row.key, false),
                None => (collections::create(tx, &clean, now)?, true),
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

    /// Takes papers out of a collection (the papers stay in the library). One transaction:
    /// an unknown id or collection changes nothing.
    pub fn remove_from_collection(&self, name: &str, ids: &[PaperId]) -> Result<CollectionChange> {
        let (changed_ids, key) = self.write(|tx, now| {
            let row = collections::get(tx, name)?;
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

    fn collection_named(&self, name: &str) -> Result<Collection> {
        Ok(collections::get(&self.conn(), name)?.into())
    }

    fn collection_by_key(&self, key: i64) -> Result<Collection> {
        collections::by_key(&self.conn(), key)?
            .map(Collection::from)
            .ok_or_else(|| Error::CollectionNotFound(format!("#{key}")))
    }
}
