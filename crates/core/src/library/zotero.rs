//! [`Library`] import from a Zotero data directory: every regular item of the user's own
//! library with its tags, collections (as a tree), notes, stored PDFs and the annotations made
//! on them, and the trash as trash.
//!
//! Items go through the same identity matching and merge as the other imports, under their
//! Zotero key: an item already in the library (same arXiv id, DOI or title) is merged, and an
//! item imported before brings only what changed in Zotero since, so importing again changes
//! nothing and the user's edits in Papershelf stay. PDFs are copied into the library's store
//! before the one transaction that links them and writes everything else, so a crash leaves
//! the library as it was (and at most unnamed files in the store).

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::db::{annotations, collections, import_raw, pdfs, trash, works};
use crate::error::{Error, Result};
use crate::interop::zotero::{self, AttachmentFile, ZoteroAnnotation};
use crate::library::interop::{import_entry, EntryImport, EntryOutcome};
use crate::library::pdfs::{pdf_sha256, read_pdf_file};
use crate::library::Library;
use crate::model::{Annotation, PaperId};

/// How to import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZoteroOptions {
    /// Report what would happen and change nothing (no file is copied either).
    pub dry_run: bool,
}

/// Where an import is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ZoteroProgress {
    /// `reading`, `copying` (PDFs), `writing` or `text` (reading the new PDFs' text).
    pub phase: &'static str,
    /// Done so far in this phase.
    pub done: u32,
    /// All of this phase.
    pub total: u32,
}

/// What happened to one Zotero item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ZoteroItemReport {
    /// Its Zotero key.
    pub zotero_key: String,
    /// Its title (empty when it has none).
    pub title: String,
    /// Added, merged, unchanged or skipped.
    pub outcome: EntryOutcome,
    /// The paper it became or merged into.
    pub id: Option<PaperId>,
    /// Why it was skipped.
    pub reason: Option<String>,
    /// What else is worth knowing (tags left out, files missing, in Zotero's trash).
    pub notices: Vec<String>,
}

/// What a Zotero import did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ZoteroReport {
    /// The data directory read.
    pub data_dir: String,
    /// The Zotero library: `user`, or `users/<id>` once signed in.
    pub library: String,
    /// Zotero's schema version (`userdata`), when known.
    pub schema_version: Option<i64>,
    /// Nothing was changed.
    pub dry_run: bool,
    /// Every regular item, in Zotero's order.
    pub items: Vec<ZoteroItemReport>,
    /// New papers.
    pub added: u32,
    /// Items merged into papers already in the library.
    pub merged: u32,
    /// Items the library had in full.
    pub unchanged: u32,
    /// Items not imported.
    pub skipped: u32,
    /// PDFs newly linked to a paper (copied into the library unless the same bytes were
    /// there already).
    pub pdfs_copied: u32,
    /// Attachments whose file is not in Zotero's `storage/` folder.
    pub files_missing: u32,
    /// Annotations added or brought up to date.
    pub annotations: u32,
    /// Of those, annotations whose PDF is missing: kept, with no file to show them on.
    pub annotations_without_pdf: u32,
    /// Files Zotero links to where they lie: named in the item's notices, not copied.
    pub linked_files: u32,
    /// Saved web pages: named in the item's notices, not copied yet.
    pub snapshots: u32,
    /// Notes that belong to no item: Papershelf keeps notes on papers, so they are counted
    /// and not imported.
    pub standalone_notes: u32,
    /// Collections in the Zotero library.
    pub collections: u32,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// How many papers' PDF text is read per transaction after an import.
const TEXT_BATCH: usize = 16;

/// A PDF read from Zotero's storage, ready to be linked.
struct ReadyPdf {
    sha256: String,
    size: u64,
    origin: String,
}

impl Library {
    /// Imports the user's library from the Zotero data directory `data_dir` (see the module
    /// docs). `progress` is called as the import goes; when it returns false the import stops
    /// and nothing is written ([`Error::Cancelled`]), unless the library is written already,
    /// in which case only the reading of the new PDFs' text stops.
    ///
    /// # Errors
    /// [`Error::NotZotero`] when `data_dir` holds no readable Zotero database,
    /// [`Error::Cancelled`], and the library's own errors.
    pub fn import_zotero(
        &self,
        data_dir: &Path,
        opts: ZoteroOptions,
        progress: &mut dyn FnMut(ZoteroProgress) -> bool,
    ) -> Result<ZoteroReport> {
        let started = Instant::now();
        if !progress(ZoteroProgress {
            phase: "reading",
            done: 0,
            total: 1,
        }) {
            return Err(Error::Cancelled);
        }
        let z = zotero::read(data_dir)?;
        tracing::info!(
            dir = %data_dir.display(),
            items = z.items.len(),
            schema = ?z.schema_version,
            "read a Zotero library"
        );
        let mut report = ZoteroReport {
            data_dir: data_dir.display().to_string(),
            library: z.library.clone(),
            schema_version: z.schema_version,
            dry_run: opts.dry_run,
            items: Vec::new(),
            added: 0,
            merged: 0,
            unchanged: 0,
            skipped: 0,
            pdfs_copied: 0,
            files_missing: 0,
            annotations: 0,
            annotations_without_pdf: 0,
            linked_files: 0,
            snapshots: 0,
            standalone_notes: z.standalone_notes.len() as u32,
            collections: z.collections.len() as u32,
            seconds: 0.0,
        };

        // Copy the PDFs first: each lands in the store before the transaction that names it.
        let wanted: Vec<&zotero::Attachment> = z
            .items
            .iter()
            .filter(|i| i.record.is_ok())
            .flat_map(|i| i.attachments.iter())
            .filter(|a| !a.trashed && a.is_pdf())
            .filter(|a| matches!(a.file, AttachmentFile::Stored { exists: true, .. }))
            .collect();
        let mut ready: HashMap<String, std::result::Result<ReadyPdf, String>> = HashMap::new();
        let total = wanted.len() as u32;
        for (n, a) in wanted.into_iter().enumerate() {
            if !progress(ZoteroProgress {
                phase: "copying",
                done: n as u32,
                total,
            }) {
                return Err(Error::Cancelled);
            }
            let AttachmentFile::Stored { path, .. } = &a.file else {
                continue;
            };
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let outcome = match read_pdf_file(path) {
                Ok(bytes) => {
                    let sha256 = pdf_sha256(&bytes);
                    if !opts.dry_run {
                        self.write_pdf_file(&sha256, &bytes)?;
                    }
                    Ok(ReadyPdf {
                        sha256,
                        size: bytes.len() as u64,
                        origin: format!("zotero:{}/{name}", a.key),
                    })
                }
                Err(e) => Err(format!("PDF {name} not copied: {e}")),
            };
            ready.insert(a.key.clone(), outcome);
        }

        let origin = format!("Zotero ({})", z.library);
        let parse_old = |raw: &str| zotero::parse_item(raw).ok();
        let total = z.items.len() as u32;
        let mut cancelled = false;
        let mut with_new_pdfs: Vec<PaperId> = Vec::new();
        let mut with_new_annotations: Vec<PaperId> = Vec::new();
        let mut write = |tx: &rusqlite::Transaction<'_>, now: &str| -> Result<Vec<i64>> {
            let mut changed = Vec::new();
            // Every collection, the empty ones too, so the tree is Zotero's.
            for path in &z.collections {
                match collections::clean_path(path) {
                    Ok(parts) => {
                        collections::ensure_path(tx, &parts, now)?;
                    }
                    Err(e) => tracing::warn!(%path, error = %e, "a Zotero collection left out"),
                }
            }
            for (n, item) in z.items.iter().enumerate() {
                if n % 16 == 0
                    && !progress(ZoteroProgress {
                        phase: "writing",
                        done: n as u32,
                        total,
                    })
                {
                    cancelled = true;
                    return Err(Error::Cancelled);
                }
                let rec = match &item.record {
                    Ok(rec) => rec,
                    Err(reason) => {
                        report.items.push(ZoteroItemReport {
                            zotero_key: item.key.clone(),
                            title: String::new(),
                            outcome: EntryOutcome::Skipped,
                            id: None,
                            reason: Some(reason.clone()),
                            notices: Vec::new(),
                        });
                        continue;
                    }
                };
                let how = EntryImport {
                    format: zotero::FORMAT_NAME,
                    origin: &origin,
                    parse_old: &parse_old,
                    preprint: rec.paper.arxiv_id.is_some()
                        && rec.paper.doi.is_none()
                        && rec.paper.journal_ref.is_none(),
                };
                let known = match &rec.key {
                    Some(k) => !import_raw::by_entry_key(tx, zotero::FORMAT_NAME, k)?.is_empty(),
                    None => false,
                };
                let (entry, key) = import_entry(tx, now, &how, rec)?;
                let mut notices = entry.notices;
                // A new Zotero key on a paper the library has in full (a duplicate in Zotero,
                // or a paper that came from elsewhere) still merges: the paper gains the key.
                let mut more = !known && entry.outcome == EntryOutcome::Unchanged;
                if more {
                    notices.push(
                        "the library has this paper already; it now knows its Zotero key too"
                            .into(),
                    );
                }
                let paper_id = entry.id.clone();

                for a in item.attachments.iter().filter(|a| !a.trashed) {
                    match &a.file {
                        AttachmentFile::Stored {
                            exists: false,
                            path,
                        } => {
                            report.files_missing += 1;
                            notices.push(format!(
                                "file missing from Zotero's storage: {}",
                                path.file_name()
                                    .map(|n| n.to_string_lossy().into_owned())
                                    .unwrap_or_default()
                            ));
                        }
                        AttachmentFile::Linked(p) => {
                            report.linked_files += 1;
                            notices.push(format!("linked file, not copied: {p}"));
                        }
                        AttachmentFile::Stored { .. } if a.is_snapshot() => {
                            report.snapshots += 1;
                            notices.push("web snapshot, not copied".into());
                        }
                        _ => {}
                    }
                    let mut sha256 = String::new();
                    match ready.get(&a.key) {
                        Some(Ok(pdf)) => {
                            sha256 = pdf.sha256.clone();
                            if pdfs::link(tx, key, &pdf.sha256, pdf.size, None, &pdf.origin, now)? {
                                report.pdfs_copied += 1;
                                more = true;
                                if let Some(id) = &paper_id {
                                    with_new_pdfs.push(id.clone());
                                }
                            }
                        }
                        Some(Err(reason)) => notices.push(reason.clone()),
                        None => {}
                    }
                    for z_note in a.annotations.iter().filter(|n| !n.trashed) {
                        if put_annotation(tx, key, &z.library, z_note, &sha256, &paper_id)? {
                            more = true;
                            report.annotations += 1;
                            if let Some(id) = &paper_id {
                                with_new_annotations.push(id.clone());
                            }
                            if sha256.is_empty() {
                                report.annotations_without_pdf += 1;
                            }
                        }
                    }
                }

                let mut outcome = entry.outcome;
                if item.trashed {
                    if outcome == EntryOutcome::Added {
                        trash::mark_deleted(tx, key, now)?;
                        notices.push("in Zotero's trash, so in the trash here too".into());
                    } else if trash::deleted_at(tx, key)?.is_none() {
                        notices.push("in Zotero's trash; left where it is in Papershelf".into());
                    }
                }
                if more {
                    works::touch(tx, key, now)?;
                    if outcome == EntryOutcome::Unchanged {
                        outcome = EntryOutcome::Merged;
                    }
                }
                if outcome != EntryOutcome::Unchanged && !changed.contains(&key) {
                    changed.push(key);
                }
                report.items.push(ZoteroItemReport {
                    zotero_key: item.key.clone(),
                    title: entry.title.unwrap_or_default(),
                    outcome,
                    id: paper_id,
                    reason: None,
                    notices,
                });
            }
            Ok(changed)
        };
        let written = if opts.dry_run {
            self.rehearse(|tx, now| write(tx, now).map(|_| ()))
        } else {
            self.write(|tx, now| Ok(((), write(tx, now)?)))
        };
        if let Err(e) = written {
            if cancelled {
                tracing::info!("Zotero import cancelled; nothing written");
            }
            return Err(e);
        }
        for item in &report.items {
            match item.outcome {
                EntryOutcome::Added => report.added += 1,
                EntryOutcome::Merged => report.merged += 1,
                EntryOutcome::Unchanged => report.unchanged += 1,
                EntryOutcome::Skipped => report.skipped += 1,
            }
        }

        // The new PDFs' text, so their words are searchable at once; a stop here keeps the
        // import (the text is read when the paper is next opened or reindexed). A dry run
        // linked nothing.
        if opts.dry_run {
            with_new_pdfs.clear();
            with_new_annotations.clear();
        }
        with_new_pdfs.sort();
        with_new_pdfs.dedup();
        // Read in batches (each one transaction and one index update, files read in
        // parallel), with progress and a chance to stop between them.
        let total = with_new_pdfs.len() as u32;
        let mut done = 0;
        for batch in with_new_pdfs.chunks(TEXT_BATCH) {
            if !progress(ZoteroProgress {
                phase: "text",
                done,
                total,
            }) {
                break;
            }
            match self.read_pdf_texts(batch) {
                Ok(outcomes) => {
                    for (id, outcome) in batch.iter().zip(outcomes) {
                        if let Err(e) = outcome {
                            tracing::warn!(paper = %id, error = %e, "an imported PDF's text could not be read");
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "the imported PDFs' text could not be read"),
            }
            done += batch.len() as u32;
        }
        // Zotero keeps a highlight's quote without its place in the page text: found now, from
        // the text just read.
        with_new_annotations.sort();
        with_new_annotations.dedup();
        for id in &with_new_annotations {
            if let Err(e) = self.anchor_quotes(id) {
                tracing::warn!(paper = %id, error = %e, "imported highlights not anchored in the text");
            }
        }
        report.seconds = started.elapsed().as_secs_f64();
        tracing::info!(
            added = report.added,
            merged = report.merged,
            unchanged = report.unchanged,
            skipped = report.skipped,
            pdfs = report.pdfs_copied,
            annotations = report.annotations,
            "imported from Zotero"
        );
        Ok(report)
    }
}

/// Writes one Zotero annotation of work `key` on the file `sha256` ('' when the file is
/// missing): added when new, overwritten when Zotero's copy changed since it was imported.
/// True when something was written.
fn put_annotation(
    tx: &rusqlite::Transaction<'_>,
    key: i64,
    library: &str,
    z: &ZoteroAnnotation,
    sha256: &str,
    paper_id: &Option<PaperId>,
) -> Result<bool> {
    let id = z.id_in(library);
    let a = Annotation {
        id: id.clone(),
        paper_id: paper_id
            .clone()
            .unwrap_or_else(|| PaperId::new(String::new())),
        pdf_sha256: sha256.to_string(),
        kind: z.kind,
        page: z.page,
        page_label: z.page_label.clone(),
        color: z.color.clone(),
        rects: z.rects.clone(),
        shape: z.shape.clone(),
        quote: z.quote.clone(),
        quote_prefix: None,
        quote_suffix: None,
        quote_offset: None,
        comment: z.comment.clone(),
        created: z.created.clone(),
        updated: z.updated.clone(),
    };
    match annotations::get(tx, &id)? {
        None => {
            annotations::put(tx, key, &a)?;
            Ok(true)
        }
        Some(stored) if stored.work_key != key => {
            // The same Zotero annotation under another paper (its item merged elsewhere
            // since): left where it is.
            Ok(false)
        }
        Some(stored) => {
            let old = &stored.annotation;
            let same = !stored.deleted
                && old.kind == a.kind
                && old.page == a.page
                && old.page_label == a.page_label
                && old.color == a.color
                && old.rects == a.rects
                && old.shape == a.shape
                && old.quote == a.quote
                && old.comment == a.comment
                && (old.pdf_sha256 == a.pdf_sha256 || a.pdf_sha256.is_empty());
            // Changed in Papershelf after Zotero's last change: the user's edit stays.
            if same || old.updated > a.updated {
                return Ok(false);
            }
            let mut a = a;
            if a.pdf_sha256.is_empty() {
                a.pdf_sha256 = old.pdf_sha256.clone();
            }
            annotations::put(tx, key, &a)?;
            Ok(true)
        }
    }
}
