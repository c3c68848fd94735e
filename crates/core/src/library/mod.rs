//! [`Library`]: the one entry point the CLI and the desktop app use.
//!
//! This file owns opening a library (migrations, the index check), the one write path
//! (a transaction, its change log, then the index), catching the index up, and the everyday
//! paper calls (search, list, tags, status, notes). Each other concern has its own file here
//! with its own `impl Library` block.

pub mod annotations;
pub mod backup;
pub mod carry;
pub mod collections;
pub mod file_import;
pub mod fulltext;
pub mod graph;
pub mod interop;
pub mod pdfs;
pub mod reading;
pub mod saved;
pub mod trash;
pub mod zotero;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock};
use std::time::Instant;

use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde::Serialize;

use crate::db::subscriptions::{self, Subscription, SubscriptionKind};
use crate::db::{self, changes, notes, tags, works, DB_FILE};
use crate::error::{Error, Result};
use crate::import::{arxiv_bulk, hf_page, note_cuts, tally};
use crate::index::{IndexDoc, SearchIndex, Unusable};
pub use crate::model::{ImportProgress, ImportReport, ListFilter, PaperSummary, TagCount};
use crate::model::{NewPaper, Note, Paper, PaperId, PartialDate, Status};
use crate::search::{self, SearchOptions, SearchResults};
use crate::sources::hf::HfSignals;
use crate::sources::http::Validators;
use crate::sources::s2::S2Paper;

/// Library-wide counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Works in the library.
    pub papers: u64,
    /// Works per status, in reading-flow order.
    pub by_status: Vec<(Status, u64)>,
    /// Distinct tags.
    pub tags: u64,
    /// Works with a note.
    pub notes: u64,
    /// PDF files stored in the library (identical files once).
    pub pdfs: u64,
    /// Stored PDFs whose text has been read.
    pub pdfs_with_text: u64,
    /// Pages of PDF text read, over those files.
    pub pdf_pages_with_text: u64,
    /// Annotations on papers that are not in the trash.
    pub annotations: u64,
    /// Documents in the search index (equals `papers` when in step).
    pub indexed: u64,
    /// Database schema version.
    pub schema_version: u32,
    /// The library directory.
    pub library_dir: String,
    /// Papers whose stored text could not be read back, as the search index met them.
    pub unreadable: Vec<crate::db::unreadable::UnreadablePaper>,
}

/// A Papershelf library: a directory holding `library.sqlite` and the derived `index/`.
///
/// All methods are synchronous and safe to call from several threads; writes serialise.
pub struct Library {
    dir: PathBuf,
    conn: Mutex<Connection>,
    index: RwLock<SearchIndex>,
    /// The change seq this process's index reader reflects; behind the database's newest seq
    /// means another writer (maybe another process) changed the library since.
    reader_seq: AtomicU64,
    /// Marks the open mirror dirty after each write (see [`crate::interop::mirror`]).
    mirror: crate::interop::mirror::MirrorHook,
    /// The day's integrity check and backup, running beside the library after open.
    daily: crate::backup::DailyCheck,
}

impl Library {
    /// Opens the library in `dir`, creating it when missing. Migrates the database, and
    /// catches up or rebuilds the search index when it is behind, missing or damaged.
    pub fn open(dir: &Path) -> Result<Library> {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        crate::backup::before_migration(dir)?;
        let conn =
            db::open(&dir.join(DB_FILE)).map_err(|e| crate::backup::explain_open_error(dir, e))?;
        let daily_due = crate::backup::daily_due(&conn, dir)?;
        let index = match SearchIndex::open(dir)? {
            Ok(index) => index,
            Err(why) => {
                match &why {
                    Unusable::Missing => tracing::info!("creating the search index"),
                    other => tracing::warn!(reason = %other, "search index unusable; rebuilding"),
                }
                rebuild(dir, &conn)?
            }
        };
        let mut lib = Library {
            dir: dir.to_path_buf(),
            conn: Mutex::new(conn),
            index: RwLock::new(index),
            reader_seq: AtomicU64::new(0),
            mirror: Default::default(),
            daily: crate::backup::DailyCheck::idle(),
        };
        lib.check_index()
            .map_err(|e| crate::backup::explain_open_error(dir, e))?;
        if daily_due {
            lib.daily = crate::backup::DailyCheck::start(dir);
        }
        Ok(lib)
    }

    /// The library directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The day's integrity check and backup (see [`crate::backup::DailyCheck`]).
    pub(crate) fn daily_check(&self) -> &crate::backup::DailyCheck {
        &self.daily
    }

    /// The open mirror's dirty flag and worker channel.
    pub(crate) fn mirror_hook(&self) -> &crate::interop::mirror::MirrorHook {
        &self.mirror
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the transaction rolls back).
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// After open: apply pending changes, and rebuild if the index disagrees with the database.
    fn check_index(&self) -> Result<()> {
        let mut damaged = false;
        match self.catch_up() {
            Ok(()) | Err(Error::Busy) => {}
            // The index cannot take the queued changes (left damaged by a crash): rebuild.
            Err(Error::Index(why)) => {
                tracing::warn!(reason = %why, "search index cannot catch up; rebuilding");
                damaged = true;
            }
            Err(e) => return Err(e),
        }
        let conn = self.conn();
        // Live papers as all minus the trashed: both counts come from indexes, where
        // `deleted_at IS NULL` alone would scan the table.
        let papers = works::live_count(&conn)?;
        // Works that cannot be read at all are left out of the index on purpose.
        let papers = papers.saturating_sub(db::unreadable::skipped(&conn)?);
        let index = self.index.read().unwrap_or_else(|e| e.into_inner());
        let behind = index.applied_seq()? < changes::last_seq(&conn)?;
        if damaged || (index.num_docs() != papers && !behind) {
            tracing::warn!(
                indexed = index.num_docs(),
                papers,
                "index disagrees with the database; rebuilding"
            );
            drop(index);
            let fresh = rebuild(&self.dir, &conn)?;
            self.reader_seq
                .store(fresh.applied_seq()?, Ordering::Release);
            *self.index.write().unwrap_or_else(|e| e.into_inner()) = fresh;
        }
        Ok(())
    }

    /// Applies changes other writers committed to SQLite but not yet to the index.
    /// `Err(Busy)` when another process holds the index writer (it will apply them).
    pub fn catch_up(&self) -> Result<()> {
        let conn = self.conn();
        let index = self.index.read().unwrap_or_else(|e| e.into_inner());
        let applied = index.applied_seq()?;
        let (keys, last) = changes::since(&conn, applied)?;
        if keys.is_empty() {
            index.reload()?;
            self.reader_seq.store(applied, Ordering::Release);
            return Ok(());
        }
        let mut writer = index.writer(false)?;
        for key in &keys {
            match works::indexable(&conn, *key)? {
                Some(doc) => index.upsert(&writer, &doc)?,
                None => index.delete(&writer, *key as u64),
            }
        }
        index.commit(&mut writer, last)?;
        // A commit may start a merge of the small segments single edits leave; dropping the
        // writer does not stop it, so it would still be writing files after the writer's lock
        // is gone (a rebuild or another writer could then meet them). A failed merge loses
        // nothing: the committed segments stay, so it is logged, not returned.
        if let Err(e) = writer.wait_merging_threads() {
            tracing::warn!(error = %e, "index merge after an edit failed; segments kept as they are");
        }
        changes::prune(&conn, last)?;
        self.reader_seq.store(last, Ordering::Release);
        tracing::debug!(works = keys.len(), seq = last, "index caught up");
        Ok(())
    }

    /// Runs one write transaction, logs the works it changed, commits, then updates the index.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>, &str) -> Result<(T, Vec<i64>)>,
    ) -> Result<T> {
        self.daily.refuse_if_damaged()?;
        {
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let now = db::now();
            let (out, changed) = f(&tx, &now)?;
            for key in &changed {
                changes::record(&tx, *key)?;
            }
            tx.commit()?;
            drop(conn);
            if !changed.is_empty() {
                self.mirror.mark_dirty();
            }
            match self.catch_up() {
                Ok(()) => {}
                // Another process holds the index writer; it catches up from the log.
                Err(Error::Busy) => tracing::info!("index busy; changes stay queued"),
                Err(e) => {
                    tracing::warn!(error = %e, "index update failed; will retry on next search")
                }
            }
            Ok(out)
        }
    }

    /// Runs `f` like [`Library::write`] and rolls everything back: what a write would do,
    /// for dry runs.
    pub(crate) fn rehearse<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>, &str) -> Result<T>,
    ) -> Result<T> {
        self.daily.refuse_if_damaged()?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx, &db::now())?;
        tx.rollback()?;
        Ok(out)
    }

    /// Adds or merges papers from one source in one transaction.
    pub fn add_papers(
        &self,
        papers: &[NewPaper],
        source: &str,
        origin: &str,
    ) -> Result<ImportReport> {
        self.write_papers(papers.iter().map(|p| (p, None)), source, origin, None)
    }

    /// Adds or updates a paper fetched from a source; returns it and whether it is new.
    /// A new paper lands in the inbox; a known one keeps its status, tags and note.
    pub fn add_fetched(&self, fetched: &crate::model::FetchedPaper) -> Result<(Paper, bool)> {
        let mut added = None;
        self.write(|tx, now| {
            let outcome = works::upsert(tx, &fetched.paper, fetched.source, &fetched.origin, now)?;
            added = Some(matches!(outcome, works::Upserted::Added(_)));
            let changed = match outcome {
                works::Upserted::Unchanged(_) => vec![],
                other => vec![other.key()],
            };
            let id = works::id_of(tx, outcome.key())?;
            Ok((id, changed))
        })
        .and_then(|id| Ok((self.paper(&PaperId::new(id))?, added.unwrap_or(false))))
    }

    /// Writes one fetched page of a source in one transaction: every paper (new ones land in
    /// the inbox), their Hugging Face signals, and the page's cache validators.
    pub fn add_source_page(
        &self,
        papers: &[(NewPaper, Option<HfSignals>)],
        source: &str,
        origin: &str,
        validators: Option<&Validators>,
    ) -> Result<ImportReport> {
        let items = papers.iter().map(|(p, s)| (p, s.as_ref()));
        self.write_papers(items, source, origin, validators)
    }

    /// The one write path of every page and batch import: upserts, signals and the page's
    /// cache validators in one transaction.
    fn write_papers<'a>(
        &self,
        papers: impl Iterator<Item = (&'a NewPaper, Option<&'a HfSignals>)>,
        source: &str,
        origin: &str,
        validators: Option<&Validators>,
    ) -> Result<ImportReport> {
        let started = Instant::now();
        let mut report = ImportReport {
            origin: origin.to_string(),
            ..Default::default()
        };
        self.write(|tx, now| {
            let mut changed = Vec::new();
            for (paper, signals) in papers {
                let mut notices = Vec::new();
                let outcome = works::upsert_noting(tx, paper, source, origin, now, &mut notices)?;
                note_cuts(&mut report, &paper.title, notices);
                if let Some(s) = signals {
                    db::signals::put_hf(tx, outcome.key(), s, now)?;
                }
                tally(&mut report, &mut changed, outcome);
            }
            if let Some(v) = validators {
                db::http_cache::put(tx, origin, v, now)?;
            }
            Ok(((), changed))
        })?;
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }

    /// The validators stored for a URL, for a conditional request.
    pub fn cached_validators(&self, url: &str) -> Result<Option<Validators>> {
        db::http_cache::get(&self.conn(), url)
    }

    /// True when a work with this arXiv id is in the library.
    pub fn has_arxiv_id(&self, id: &crate::model::ArxivId) -> Result<bool> {
        works::has_arxiv_id(&self.conn(), id.as_str())
    }

    /// arXiv ids of works Semantic Scholar has not been asked about since `stale_before`
    /// (RFC 3339), oldest first.
    pub fn s2_enrichment_candidates(
        &self,
        stale_before: &str,
        limit: usize,
    ) -> Result<Vec<String>> {
        db::signals::needing_s2(&self.conn(), stale_before, limit)
    }

    /// Writes one Semantic Scholar batch answer: found papers fill gaps in their work (S2 is
    /// the weakest bibliographic source) and set its counts; missing ones are marked checked.
    pub fn apply_s2_batch(
        &self,
        answers: &[(String, Option<S2Paper>)],
        origin: &str,
    ) -> Result<ImportReport> {
        let mut report = ImportReport {
            origin: origin.to_string(),
            ..Default::default()
        };
        self.write(|tx, now| {
            let mut changed = Vec::new();
            for (arxiv_id, answer) in answers {
                let key = works::key_by_arxiv_id(tx, arxiv_id)?;
                let Some(key) = key else { continue };
                match answer {
                    Some(found) => {
                        let mut paper = found.to_new_paper();
                        // The batch was asked by arXiv id: that is the identity, whatever S2 says.
                        paper.arxiv_id = crate::model::ArxivId::parse(arxiv_id)
                            .ok()
                            .map(|(id, _)| id);
                        let mut notices = Vec::new();
                        let outcome =
                            works::upsert_noting(tx, &paper, "s2", origin, now, &mut notices)?;
                        note_cuts(&mut report, &format!("arXiv:{arxiv_id}"), notices);
                        tally(&mut report, &mut changed, outcome);
                        db::signals::put_s2(tx, key, found, now)?;
                    }
                    None => db::signals::mark_s2_checked(tx, key, now)?,
                }
            }
            Ok(((), changed))
        })?;
        Ok(report)
    }

    /// Follows a feed; an identical subscription is returned as it is.
    pub fn subscribe(&self, kind: SubscriptionKind, query: &str) -> Result<Subscription> {
        let query = subscriptions::validate(kind, query)?;
        subscriptions::add(&self.conn(), kind, &query, &db::now())
    }

    /// Every subscription, oldest first.
    pub fn subscriptions(&self) -> Result<Vec<Subscription>> {
        subscriptions::all(&self.conn())
    }

    /// Stops following a feed (papers it brought stay).
    pub fn unsubscribe(&self, id: i64) -> Result<()> {
        if subscriptions::remove(&self.conn(), id)? {
            Ok(())
        } else {
            Err(Error::SubscriptionNotFound(id))
        }
    }

    /// Records that a subscription synced completely up to `cursor`.
    pub fn mark_synced(&self, id: i64, cursor: Option<&str>) -> Result<()> {
        subscriptions::mark_synced(&self.conn(), id, cursor, &db::now())
    }

    /// Imports the text of a Hugging Face paper-search or Daily Papers page.
    pub fn import_hf_page(&self, text: &str, origin: &str) -> Result<ImportReport> {
        let parsed = hf_page::parse(text);
        let mut report = self.add_papers(&parsed.papers, "hf-page", origin)?;
        report.skipped = parsed.skipped;
        Ok(report)
    }

    /// Imports an arXiv metadata snapshot (JSON Lines), streaming, in batched transactions.
    /// A bad line is reported and skipped. An interrupted import of the same unchanged file
    /// resumes after the last committed batch.
    pub fn import_arxiv_jsonl(
        &self,
        path: &Path,
        on_progress: &mut dyn FnMut(ImportProgress),
    ) -> Result<ImportReport> {
        let index = self.index.read().unwrap_or_else(|e| e.into_inner());
        let conn = || self.conn();
        let target = arxiv_bulk::Target {
            conn: &conn,
            index: &index,
            refuse_if_damaged: &|| self.daily.refuse_if_damaged(),
            changed: &|| self.mirror.mark_dirty(),
            indexed_up_to: &|seq| self.reader_seq.store(seq, Ordering::Release),
        };
        arxiv_bulk::run(&target, path, on_progress)
    }

    /// Loads the demo pages on the very first open of an empty library; returns what was
    /// imported, or `None` when the library was seeded before or already has papers.
    pub fn seed_demo_if_new(&self) -> Result<Option<Vec<ImportReport>>> {
        {
            let conn = self.conn();
            let seeded = db::meta::get(&conn, "demo_seeded")?;
            let papers = db::health::work_count(&conn)?;
            db::meta::set(&conn, "demo_seeded", &db::now())?;
            if seeded.is_some() || papers > 0 {
                return Ok(None);
            }
        }
        let mut reports = Vec::new();
        for (name, text) in crate::demo::PAGES {
            reports.push(self.import_hf_page(text, name)?);
        }
        Ok(Some(reports))
    }

    /// Searches the library (syntax in [`crate::search::query`]).
    pub fn search(&self, query: &str, opts: &SearchOptions) -> Result<SearchResults> {
        self.refresh_if_behind();
        let conn = self.conn();
        let index = self.index.read().unwrap_or_else(|e| e.into_inner());
        search::run(&index, &conn, query, opts, &summaries_of)
    }

    /// The paper list in one call: a query (may be empty), the sidebar scope, a sort, a page,
    /// and facet counts over all matches, answered by the index (see [`BrowseRequest`]).
    ///
    /// [`BrowseRequest`]: crate::search::BrowseRequest
    pub fn browse(&self, req: &search::BrowseRequest) -> Result<search::BrowseResults> {
        self.refresh_if_behind();
        let conn = self.conn();
        let index = self.index.read().unwrap_or_else(|e| e.into_inner());
        search::run_browse(&index, &conn, req, &summaries_of)
    }

    /// Another process may have written: catch up the index before reading it.
    fn refresh_if_behind(&self) {
        let behind = changes::last_seq(&self.conn())
            .map(|newest| newest > self.reader_seq.load(Ordering::Acquire));
        if matches!(behind, Ok(true)) {
            if let Err(e) = self.catch_up() {
                tracing::debug!(error = %e, "could not catch up the index before searching");
            }
        }
    }

    /// One paper with everything about it.
    pub fn paper(&self, id: &PaperId) -> Result<Paper> {
        let conn = self.conn();
        let key = works::key_of(&conn, id)?;
        works::load_paper(&conn, key)
    }

    /// Papers filtered by status and tag, newest first.
    pub fn list(&self, filter: &ListFilter) -> Result<Vec<PaperSummary>> {
        let conn = self.conn();
        let rows = works::list_live(
            &conn,
            filter.status,
            filter.tag.as_deref(),
            filter.collection.as_deref(),
            filter.sort,
            filter.limit.unwrap_or(100),
            filter.offset,
        )?;
        summaries_of(&conn, rows)
    }

    /// Adds tags to a paper; returns it updated.
    pub fn add_tags(&self, id: &PaperId, new_tags: &[String]) -> Result<Paper> {
        let cleaned = new_tags
            .iter()
            .map(|t| tags::clean_tag(t))
            .collect::<Result<Vec<_>>>()?;
        if cleaned.is_empty() {
            return Err(Error::InvalidInput("name at least one tag".into()));
        }
        self.write(|tx, now| {
            let key = works::key_of(tx, id)?;
            let mut changed = false;
            for t in &cleaned {
                changed |= tags::add(tx, key, t, now)?;
            }
            if changed {
                works::touch(tx, key, now)?;
            }
            Ok(((), if changed { vec![key] } else { vec![] }))
        })?;
        self.paper(id)
    }

    /// Removes tags from a paper; returns it updated.
    pub fn remove_tags(&self, id: &PaperId, old_tags: &[String]) -> Result<Paper> {
        self.write(|tx, now| {
            let key = works::key_of(tx, id)?;
            let mut changed = false;
            for t in old_tags {
                changed |= tags::remove(tx, key, t.trim().trim_start_matches('#'))?;
            }
            if changed {
                works::touch(tx, key, now)?;
            }
            Ok(((), if changed { vec![key] } else { vec![] }))
        })?;
        self.paper(id)
    }

    /// Sets a paper's reading status; returns it updated.
    pub fn set_status(&self, id: &PaperId, status: Status) -> Result<Paper> {
        self.write(|tx, now| {
            let key = works::key_of(tx, id)?;
            let changed = works::set_status(tx, key, status, now)?;
            Ok(((), if changed { vec![key] } else { vec![] }))
        })?;
        self.paper(id)
    }

    /// Saves a paper's Markdown note (empty text deletes it; the old text is kept in history).
    pub fn set_note(&self, id: &PaperId, body: &str) -> Result<Paper> {
        self.write(|tx, now| {
            let key = works::key_of(tx, id)?;
            let changed = notes::set(tx, key, body, now)?;
            if changed {
                works::touch(tx, key, now)?;
            }
            Ok(((), if changed { vec![key] } else { vec![] }))
        })?;
        self.paper(id)
    }

    /// Saves a note typed in an editor that saves as the user types: within one editing
    /// session (edits less than five minutes apart) the history keeps the text from before
    /// the session, not every intermediate draft.
    pub fn autosave_note(&self, id: &PaperId, body: &str) -> Result<Paper> {
        const SESSION: time::Duration = time::Duration::minutes(5);
        self.write(|tx, now| {
            let key = works::key_of(tx, id)?;
            let changed = notes::autosave(tx, key, body, now, SESSION)?;
            if changed {
                works::touch(tx, key, now)?;
            }
            Ok(((), if changed { vec![key] } else { vec![] }))
        })?;
        self.paper(id)
    }

    /// Sets the reading status of several papers in one transaction; returns them updated,
    /// in the order given. Fails without changing anything when one id is unknown.
    pub fn set_status_many(&self, ids: &[PaperId], status: Status) -> Result<Vec<Paper>> {
        self.write(|tx, now| {
            let mut changed = Vec::new();
            for id in ids {
                let key = works::key_of(tx, id)?;
                if works::set_status(tx, key, status, now)? {
                    changed.push(key);
                }
            }
            Ok(((), changed))
        })?;
        ids.iter().map(|id| self.paper(id)).collect()
    }

    /// A paper's note, if any.
    pub fn note(&self, id: &PaperId) -> Result<Option<Note>> {
        let conn = self.conn();
        let key = works::key_of(&conn, id)?;
        notes::note(&conn, key)
    }

    /// Earlier versions of a paper's note, newest first.
    pub fn note_history(&self, id: &PaperId) -> Result<Vec<Note>> {
        let conn = self.conn();
        let key = works::key_of(&conn, id)?;
        notes::history(&conn, key)
    }

    /// Every tag with its paper count, most used first.
    pub fn tags(&self) -> Result<Vec<TagCount>> {
        Ok(tags::counts(&self.conn())?
            .into_iter()
            .map(|(name, count)| TagCount { name, count })
            .collect())
    }

    /// Library-wide counts.
    pub fn stats(&self) -> Result<Stats> {
        self.refresh_if_behind();
        let conn = self.conn();
        // One pass over the (deleted_at, status) index, not one table scan per status.
        let mut live = works::live_status_counts(&conn)?;
        let by_status: Vec<(Status, u64)> = Status::ALL
            .into_iter()
            .map(|s| (s, live.remove(s.as_str()).unwrap_or(0)))
            .collect();
        let indexed = self
            .index
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .num_docs();
        let (pdfs_with_text, pdf_pages_with_text) = db::pdf_text::totals(&conn)?;
        Ok(Stats {
            papers: by_status.iter().map(|(_, n)| n).sum(),
            by_status,
            tags: tags::count(&conn)?,
            notes: notes::live_count(&conn)?,
            pdfs: db::pdfs::count(&conn)?,
            pdfs_with_text,
            pdf_pages_with_text,
            annotations: db::annotations::count(&conn)?,
            indexed,
            schema_version: db::migrate::schema_version(&conn)?,
            library_dir: self.dir.display().to_string(),
            unreadable: db::unreadable::all(&conn)?,
        })
    }

    /// Rebuilds the search index from the database; returns the number of papers indexed.
    pub fn reindex(&self) -> Result<u64> {
        let conn = self.conn();
        let mut index = self.index.write().unwrap_or_else(|e| e.into_inner());
        // Take the live writer lock first so no other process writes to the index meanwhile.
        let guard = index.writer(false)?;
        let fresh = rebuild_into_fresh(&self.dir, &conn)?;
        drop(guard);
        *index = SearchIndex::swap_in(fresh, &self.dir)?;
        self.reader_seq
            .store(index.applied_seq()?, Ordering::Release);
        Ok(index.num_docs())
    }
}

/// The list entries of `rows`, in their order: tags, notes, PDFs and annotation counts read
/// for all rows at once.
fn summaries_of(conn: &Connection, rows: Vec<works::SummaryRow>) -> Result<Vec<PaperSummary>> {
    let keys: Vec<i64> = rows.iter().map(|r| r.key).collect();
    let mut tags = tags::tags_of_each(conn, &keys)?;
    let with_notes = notes::with_notes(conn, &keys)?;
    let with_pdfs = db::pdfs::with_pdfs(conn, &keys)?;
    let annotation_counts = db::annotations::counts_of(conn, &keys)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let key = row.key;
            PaperSummary {
                id: PaperId::new(row.id),
                arxiv_id: row.arxiv_id,
                title: row.title,
                authors: row.authors,
                author_count: row.author_count,
                organization: row.organization,
                year: row.year,
                published: row.published,
                upvotes: row.upvotes,
                tags: tags.remove(&key).unwrap_or_default(),
                status: row.status,
                has_note: with_notes.contains(&key),
                has_pdf: with_pdfs.contains(&key),
                annotations: annotation_counts.get(&key).copied().unwrap_or(0),
                added_at: row.added_at,
            }
        })
        .collect())
}

/// Builds a complete index from the database and swaps it in.
/// Libraries of at least this many papers report a rebuild's progress on the default log
/// level (every tenth of the way).
const REBUILD_PROGRESS_FROM: u64 = 50_000;

fn rebuild(dir: &Path, conn: &Connection) -> Result<SearchIndex> {
    let fresh = rebuild_into_fresh(dir, conn)?;
    SearchIndex::swap_in(fresh, dir)
}

fn rebuild_into_fresh(dir: &Path, conn: &Connection) -> Result<SearchIndex> {
    let started = Instant::now();
    let fresh = SearchIndex::create_fresh(dir)?;
    let seq = changes::last_seq(conn)?;
    let mut writer = fresh.writer(true)?;
    // Tags and notes are few next to works: load them once rather than per row.
    let mut tag_map = tags::names_by_work(conn)?;
    let mut collection_map = db::collections::paths_by_work(conn)?;
    let mut note_map = notes::bodies_by_work(conn)?;
    let mut source_map: HashMap<i64, Vec<String>> = HashMap::new();
    for (k, s) in works::sources_by_work(conn)? {
        let families = source_map.entry(k).or_default();
        let family = crate::index::source_family(&s);
        if !families.contains(&family) {
            families.push(family);
        }
    }
    // Page text is read per work, and only for the works that have some: all of it at once
    // could be gigabytes.
    let with_text = db::pdf_text::works_with_text(conn)?;
    let mut annotation_map = db::annotations::all_index_texts(conn)?;
    let total = works::live_count(conn)?;
    let step = (total / 10).max(1);
    let mut n = 0u64;
    works::for_each_live(conn, |key, read, year| {
        if n.is_multiple_of(step) && n > 0 {
            // A large rebuild takes a while: say how far it is (a small one is over at once).
            if total >= REBUILD_PROGRESS_FROM {
                tracing::warn!(done = n, total, "rebuilding the search index");
            } else {
                tracing::info!(done = n, total, "rebuilding the search index");
            }
        }
        let mut sources = source_map.remove(&key).unwrap_or_default();
        sources.sort();
        let works::LiveRow {
            title,
            authors,
            abstract_text,
            status,
            added_at,
            published,
            upvotes,
        } = match read {
            Ok(row) => row,
            Err(e) if db::unreadable::is_row_damage(&e) => {
                // As in `indexable`: one unreadable work does not stop the rebuild.
                tracing::warn!(key, error = %e, "a paper cannot be read; left out of the search index");
                db::unreadable::record(conn, key, &e.to_string(), true, &db::now())?;
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        let abstract_text = abstract_text.or_else(|reason| {
            tracing::warn!(key, %reason, "a paper's abstract cannot be read; indexed without it");
            db::unreadable::record(conn, key, &format!("abstract: {reason}"), false, &db::now())
                .map(|()| String::new())
        })?;
        let doc = IndexDoc {
            key: key as u64,
            title,
            authors: serde_json::from_str(&authors).unwrap_or_default(),
            abstract_text,
            tags: tag_map.remove(&key).unwrap_or_default(),
            collections: collection_map.remove(&key).unwrap_or_default(),
            note: note_map.remove(&key).unwrap_or_default(),
            fulltext: if with_text.contains(&key) {
                db::pdf_text::indexed_pages(conn, key)?
            } else {
                Vec::new()
            },
            annotations: annotation_map.remove(&key).unwrap_or_default(),
            year: year?,
            status: status.parse::<Status>().unwrap_or_default().as_str(),
            added: crate::index::added_key(&added_at),
            published: published
                .as_deref()
                .and_then(PartialDate::from_sort_key)
                .and_then(|d| crate::index::published_key(&d)),
            upvotes: upvotes.and_then(|u| u64::try_from(u).ok()),
            sources,
        };
        fresh.add(&writer, &doc)?;
        n += 1;
        Ok(())
    })?;
    fresh.commit(&mut writer, seq)?;
    writer.wait_merging_threads()?;
    changes::prune(conn, seq)?;
    tracing::info!(
        papers = n,
        seconds = started.elapsed().as_secs_f64(),
        "search index rebuilt"
    );
    Ok(fresh)
}

/// The environment variable that names the library directory (CLI, app and tests).
pub const LIBRARY_ENV: &str = "PAPERSHELF_LIBRARY";

/// Where the library lives unless told otherwise: `$PAPERSHELF_LIBRARY` when set, else the
/// platform data directory (`~/.local/share/papershelf` on Linux).
pub fn default_library_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(LIBRARY_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "papershelf").map(|d| d.data_dir().to_path_buf())
}
