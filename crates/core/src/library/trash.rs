//! The trash: deleting a paper hides it from search, lists and counts but keeps its notes,
//! tags, status, sources and PDFs until the trash is emptied; restoring brings all of it back.
//!
//! A deleted work keeps its row with `deleted_at` set; the change log tells the search index
//! to drop its document (and to add it again on restore).

use serde::Serialize;

use crate::db::{trash, works};
use crate::error::{Error, Result};
use crate::library::Library;
use crate::model::PaperId;

/// A paper in the trash.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrashedPaper {
    /// Its id (restore takes it).
    pub id: PaperId,
    /// Title.
    pub title: String,
    /// When it was deleted, RFC 3339 UTC.
    pub deleted_at: String,
    /// True when it has a note (kept while in the trash).
    pub has_note: bool,
    /// Its tags (kept while in the trash).
    pub tags: Vec<String>,
}

fn key_of_any(tx: &rusqlite::Connection, id: &PaperId) -> Result<(i64, Option<String>)> {
    let key = works::key_of(tx, id)?;
    Ok((key, trash::deleted_at(tx, key)?))
}

impl Library {
    /// Moves papers to the trash (in one transaction: all or none, an unknown id fails the
    /// whole call). Papers already in the trash stay as they are. Returns how many moved.
    pub fn delete_papers(&self, ids: &[PaperId]) -> Result<usize> {
        if ids.is_empty() {
            return Err(Error::InvalidInput(
                "name at least one paper to delete".into(),
            ));
        }
        self.write(|tx, now| {
            let mut changed = Vec::new();
            for id in ids {
                let (key, deleted) = key_of_any(tx, id)?;
                if deleted.is_none() && !changed.contains(&key) {
                    trash::mark_deleted(tx, key, now)?;
                    changed.push(key);
                }
            }
            Ok((changed.len(), changed))
        })
    }

    /// Brings papers back from the trash with everything they had, and re-indexes them.
    /// Returns how many came back (papers not in the trash are left as they are).
    pub fn restore_papers(&self, ids: &[PaperId]) -> Result<usize> {
        if ids.is_empty() {
            return Err(Error::InvalidInput(
                "name at least one paper to restore".into(),
            ));
        }
        self.write(|tx, now| {
            let mut changed = Vec::new();
            for id in ids {
                let (key, deleted) = key_of_any(tx, id)?;
                if deleted.is_some() && !changed.contains(&key) {
                    trash::mark_restored(tx, key, now)?;
                    changed.push(key);
                }
            }
            Ok((changed.len(), changed))
        })
    }

    /// The papers in the trash, most recently deleted first.
    pub fn trash(&self) -> Result<Vec<TrashedPaper>> {
        let conn = self.conn();
        let rows = trash::all(&conn)?;
        rows.into_iter()
            .map(|(key, id, title, deleted_at, has_note)| {
                Ok(TrashedPaper {
                    id: PaperId::new(id),
                    title,
                    deleted_at,
                    has_note,
                    tags: crate::db::tags::tags_of(&conn, key)?,
                })
            })
            .collect()
    }

    /// Deletes for good the papers in the trash, or only those deleted more than
    /// `older_than_days` days ago. Returns how many were removed.
    pub fn empty_trash(&self, older_than_days: Option<u32>) -> Result<usize> {
        let cutoff = match older_than_days {
            Some(days) => {
                let t = time::OffsetDateTime::now_utc() - time::Duration::days(i64::from(days));
                t.format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
            }
            // Every RFC 3339 time sorts before this.
            None => "9999".to_string(),
        };
        let removed = self.write(|tx, _| {
            let keys = trash::deleted_before(tx, &cutoff)?;
            for key in &keys {
                trash::purge(tx, *key)?;
            }
            Ok((keys.len(), keys))
        })?;
        // The purged papers' PDFs that no other paper holds go too, once the purge is
        // committed (a crash in between leaves files no row names, never the reverse).
        self.remove_unlinked_pdfs()?;
        Ok(removed)
    }
}
