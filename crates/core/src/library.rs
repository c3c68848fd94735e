//! [`Library`]: the one entry point the CLI and the desktop app use.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;

use crate::db::subscriptions::{self, Subscription, SubscriptionKind};
use crate::db::{self, changes, import_jobs, notes, tags, works};
use crate::error::{Error, Result};
use crate::import::text_file::{self, MAX_LINE_BYTES};
use crate::import::{arxiv_jsonl, hf_page, SkippedEntry};
use crate::index::{IndexDoc, SearchIndex, Unusable};
use crate::model::{NewPaper, Note, Paper, PaperId, PartialDate, Status};
use crate::search::{self, SearchOptions, SearchResults};
use crate::sources::hf::HfSignals;
use crate::sources::http::Validators;
use crate::sources::s2::S2Paper;

/// The database file's name inside the library directory.
pub const DB_FILE: &str = "library.sqlite";

/// Rows in the first transaction of a bulk import: a small file, or a resumed one, commits
/// (and shows progress) early.
const FIRST_BATCH: usize = 1_000;
/// The most rows per transaction: each batch doubles up to this. A transaction rewrites every
/// index page its rows land on (titles, ids, dates and DOIs land on random pages), so bigger
/// ones write far fewer bytes per row once the library is large.
const MAX_BATCH: usize = 16_000;
/// A batch grows only while its transaction takes less than this: an edit made meanwhile
/// (a tag, a note) waits for the transaction, and should not wait long.
const GROW_WHILE_UNDER: Duration = Duration::from_secs(2);
/// Rows between index commits in bulk imports (a commit flushes segments to disk).
const ROWS_PER_INDEX_COMMIT: usize = 50_000;

/// A paper as lists and search results show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PaperSummary {
    /// Stable id.
    pub id: PaperId,
    /// arXiv id, when known.
    pub arxiv_id: Option<String>,
    /// Title.
    pub title: String,
    /// Authors in order.
    pub authors: Vec<String>,
    /// Author count when only a count is known.
    pub author_count: Option<u32>,
    /// Organisation named instead of authors.
    pub organization: Option<String>,
    /// Publication year.
    pub year: Option<i32>,
    /// Publication date as known.
    pub published: Option<PartialDate>,
    /// Hugging Face upvotes.
    pub upvotes: Option<u32>,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Reading status.
    pub status: Status,
    /// True when the paper has a note.
    pub has_note: bool,
    /// When it entered the library.
    pub added_at: String,
}

/// What to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Only this status.
    pub status: Option<Status>,
    /// Only papers with this tag.
    pub tag: Option<String>,
    /// Only papers in the collection with this name (any case).
    pub collection: Option<String>,
    /// At most this many (default 100).
    pub limit: Option<usize>,
    /// Skip this many.
    pub offset: usize,
    /// Order (default: newest added first).
    pub sort: ListSort,
}

/// How [`Library::list`] orders papers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum ListSort {
    /// Newest added to the library first.
    #[default]
    Added,
    /// Newest published first; papers with no date last.
    Published,
    /// Most Hugging Face upvotes first; papers without upvotes last.
    Upvotes,
}

impl std::str::FromStr for ListSort {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "added" => Ok(ListSort::Added),
            "published" => Ok(ListSort::Published),
            "upvotes" => Ok(ListSort::Upvotes),
            other => Err(format!(
                "unknown sort '{other}' (expected added, published or upvotes)"
            )),
        }
    }
}

/// A tag and how many papers carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TagCount {
    /// Tag name.
    pub name: String,
    /// Papers carrying it.
    pub count: u64,
}

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
    /// Documents in the search index (equals `papers` when in step).
    pub indexed: u64,
    /// Database schema version.
    pub schema_version: u32,
    /// The library directory.
    pub library_dir: String,
    /// Papers whose stored text could not be read back, as the search index met them.
    pub unreadable: Vec<crate::db::unreadable::UnreadablePaper>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// The file or page imported.
    pub origin: String,
    /// New works.
    pub added: u64,
    /// Existing works that gained or changed something.
    pub updated: u64,
    /// Records that changed nothing.
    pub unchanged: u64,
    /// Records passed over, with reasons.
    pub skipped: Vec<SkippedEntry>,
    /// Records imported with something cut or left out (a field over its cap), one line each:
    /// where the record was, and what happened.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    /// Line the import resumed after, when an earlier run was interrupted.
    pub resumed_after_line: Option<u64>,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// Progress of a long import, reported after each batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    /// Bytes read so far.
    pub bytes_done: u64,
    /// File size.
    pub bytes_total: u64,
    /// Records written so far (added + updated + unchanged).
    pub records: u64,
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
        let papers = conn.query_row(
            "SELECT (SELECT COUNT(*) FROM works)
                  - (SELECT COUNT(*) FROM works WHERE deleted_at IS NOT NULL)",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64;
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
            match indexable(&conn, *key)? {
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
    pub fn add_fetched(&self, fetched: &crate::sync::FetchedPaper) -> Result<(Paper, bool)> {
        let mut added = None;
        self.write(|tx, now| {
            let outcome = works::upsert(tx, &fetched.paper, fetched.source, &fetched.origin, now)?;
            added = Some(matches!(outcome, works::Upserted::Added(_)));
            let changed = match outcome {
                works::Upserted::Unchanged(_) => vec![],
                other => vec![other.key()],
            };
            let id: String = tx.query_row(
                "SELECT id FROM works WHERE key = ?1",
                [outcome.key()],
                |r| r.get(0),
            )?;
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
        Ok(self
            .conn()
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM works WHERE arxiv_id = ?1)")?
            .query_row([id.as_str()], |r| r.get(0))?)
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
                let key: Option<i64> = tx
                    .prepare_cached("SELECT key FROM works WHERE arxiv_id = ?1")?
                    .query_row([arxiv_id], |r| r.get(0))
                    .optional()?;
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
            Err(Error::InvalidInput(format!(
                "no subscription {id}; `papershelf subscriptions` lists them"
            )))
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
        let started = Instant::now();
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let meta = file.metadata().map_err(|e| Error::io(path, e))?;
        let fingerprint = format!(
            "{}:{}",
            meta.len(),
            meta.modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos())
        );
        let job_path = fs::canonicalize(path)
            .unwrap_or_else(|_| path.to_path_buf())
            .display()
            .to_string();
        let origin = path
            .file_name()
            .map_or_else(|| job_path.clone(), |n| n.to_string_lossy().into_owned());
        let mut report = ImportReport {
            origin: origin.clone(),
            ..Default::default()
        };

        let resume = import_jobs::resume_point(&self.conn(), &job_path, &fingerprint)?
            .filter(|r| !r.done && r.offset > 0);
        let mut reader = BufReader::with_capacity(1 << 20, file);
        // A UTF-16 or binary file is refused whole, before anything is written.
        let head = reader.fill_buf().map_err(|e| Error::io(path, e))?;
        text_file::check_head(&path.display().to_string(), head)?;
        let (mut offset, mut line_no) = (0u64, 0u64);
        if let Some(r) = &resume {
            reader
                .seek(SeekFrom::Start(r.offset))
                .map_err(|e| Error::io(path, e))?;
            (offset, line_no) = (r.offset, r.line);
            report.resumed_after_line = Some(r.line);
            tracing::info!(line = r.line, "resuming interrupted import");
        }

        self.conn()
            .pragma_update(None, "cache_size", db::BULK_CACHE_KIB)?;
        let _cache = RestoreCache(self);
        let index = self.index.read().unwrap_or_else(|e| e.into_inner());
        let mut writer = index.writer_waiting(true, db::busy_timeout())?;
        // Apply anything queued first, so the seq we commit covers it.
        let mut applied = index.applied_seq()?;
        let mut rows_since_commit = 0;
        let mut buf = Vec::with_capacity(4096);
        let mut phases = ImportPhases::default();
        let mut batch_rows = FIRST_BATCH;
        let mut batch: Vec<(u64, NewPaper)> = Vec::with_capacity(batch_rows);
        let mut eof = false;
        while !eof {
            batch.clear();
            while batch.len() < batch_rows {
                let read = text_file::read_line_capped(&mut reader, &mut buf, MAX_LINE_BYTES)
                    .map_err(|e| Error::io(path, e))?;
                if read.consumed == 0 {
                    eof = true;
                    break;
                }
                offset += read.consumed;
                line_no += 1;
                if read.too_long {
                    report.skipped.push(SkippedEntry {
                        line: line_no as usize,
                        reason: format!(
                            "line longer than {} MiB, too long for one record",
                            MAX_LINE_BYTES >> 20
                        ),
                    });
                    continue;
                }
                let mut bytes = buf.as_slice();
                if line_no == 1 {
                    bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                }
                let line = match std::str::from_utf8(bytes) {
                    Ok(line) => line,
                    Err(e) => {
                        report.skipped.push(SkippedEntry {
                            line: line_no as usize,
                            reason: text_file::not_utf8(bytes, e.valid_up_to()),
                        });
                        continue;
                    }
                };
                if line.trim().is_empty() {
                    continue;
                }
                let parse_started = Instant::now();
                let parsed = arxiv_jsonl::parse_line(line);
                phases.parse += parse_started.elapsed();
                match parsed {
                    Ok(p) => batch.push((line_no, p)),
                    Err(reason) => report.skipped.push(SkippedEntry {
                        line: line_no as usize,
                        reason,
                    }),
                }
            }
            let sqlite_started = Instant::now();
            self.daily.refuse_if_damaged()?;
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let now = db::now();
            let mut changed = Vec::new();
            for (line, p) in &batch {
                let mut notices = Vec::new();
                let outcome =
                    works::upsert_noting(&tx, p, "arxiv-snapshot", &origin, &now, &mut notices)?;
                note_cuts(&mut report, &format!("line {line}"), notices);
                tally(&mut report, &mut changed, outcome);
            }
            for key in &changed {
                changes::record(&tx, *key)?;
            }
            import_jobs::save(
                &tx,
                &job_path,
                &fingerprint,
                &import_jobs::Resume {
                    offset,
                    line: line_no,
                    done: eof,
                },
                &now,
            )?;
            tx.commit()?;
            let took = sqlite_started.elapsed();
            phases.sqlite += took;
            if took < GROW_WHILE_UNDER {
                batch_rows = (batch_rows * 2).min(MAX_BATCH);
            }
            if !changed.is_empty() {
                self.mirror.mark_dirty();
            }
            // Stage the batch in the index; it becomes durable at the next index commit.
            let index_started = Instant::now();
            let (keys, last) = changes::since(&conn, applied)?;
            for key in keys {
                match indexable(&conn, key)? {
                    Some(doc) => index.upsert(&writer, &doc)?,
                    None => index.delete(&writer, key as u64),
                }
            }
            rows_since_commit += batch.len();
            phases.index += index_started.elapsed();
            if rows_since_commit >= ROWS_PER_INDEX_COMMIT || eof {
                let commit_started = Instant::now();
                index.commit(&mut writer, last)?;
                phases.commit += commit_started.elapsed();
                changes::prune(&conn, last)?;
                self.reader_seq.store(last, Ordering::Release);
                rows_since_commit = 0;
            }
            applied = last;
            drop(conn);
            on_progress(ImportProgress {
                bytes_done: offset,
                bytes_total: meta.len(),
                records: report.added + report.updated + report.unchanged,
            });
        }
        writer.wait_merging_threads()?;
        // The write-ahead log grows to its checkpoint size (1,000 pages, 16 MB) during a bulk
        // load and would stay that size on disk; everything in it is in the database now.
        if let Err(e) = self
            .conn()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        {
            tracing::debug!(error = %e, "could not truncate the write-ahead log after the import");
        }
        report.seconds = started.elapsed().as_secs_f64();
        tracing::info!(
            added = report.added,
            updated = report.updated,
            seconds = report.seconds,
            parse_s = phases.parse.as_secs_f64(),
            sqlite_s = phases.sqlite.as_secs_f64(),
            index_s = phases.index.as_secs_f64(),
            commit_s = phases.commit.as_secs_f64(),
            "import finished"
        );
        Ok(report)
    }

    /// Loads the demo pages on the very first open of an empty library; returns what was
    /// imported, or `None` when the library was seeded before or already has papers.
    pub fn seed_demo_if_new(&self) -> Result<Option<Vec<ImportReport>>> {
        {
            let conn = self.conn();
            let seeded: Option<String> = conn
                .query_row(
                    "SELECT value FROM meta WHERE key = 'demo_seeded'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            let papers =
                conn.query_row("SELECT COUNT(*) FROM works", [], |r| r.get::<_, i64>(0))? as u64;
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('demo_seeded', ?1)",
                [db::now()],
            )?;
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
        let mut sql = format!(
            "SELECT {} FROM works w WHERE w.deleted_at IS NULL",
            prefixed_summary_columns()
        );
        let mut args: Vec<String> = Vec::new();
        works::push_scope(
            &mut sql,
            &mut args,
            filter.status,
            filter.tag.as_deref(),
            filter.collection.as_deref(),
        );
        let order = match filter.sort {
            ListSort::Added => "w.added_at DESC, w.key DESC",
            ListSort::Published => "w.published IS NULL, w.published DESC, w.key DESC",
            ListSort::Upvotes => "w.upvotes IS NULL, w.upvotes DESC, w.key DESC",
        };
        sql.push_str(&format!(
            " ORDER BY {order} LIMIT {} OFFSET {}",
            filter.limit.unwrap_or(100),
            filter.offset
        ));
        let mut stmt = conn.prepare(&sql)?;
        let rows = works::readable_rows(stmt.query_map(
            rusqlite::params_from_iter(args.iter()),
            works::summary_from_row,
        )?)?;
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
        let count = |sql: &str| -> Result<u64> {
            Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
        };
        // One pass over the (deleted_at, status) index, not one table scan per status.
        let mut live: std::collections::HashMap<String, u64> = conn
            .prepare_cached(
                "SELECT status, COUNT(*) FROM works WHERE deleted_at IS NULL GROUP BY status",
            )?
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let by_status: Vec<(Status, u64)> = Status::ALL
            .into_iter()
            .map(|s| (s, live.remove(s.as_str()).unwrap_or(0)))
            .collect();
        let indexed = self
            .index
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .num_docs();
        Ok(Stats {
            papers: by_status.iter().map(|(_, n)| n).sum(),
            by_status,
            tags: count("SELECT COUNT(*) FROM tags")?,
            notes: count(
                "SELECT COUNT(*) FROM notes n WHERE NOT EXISTS
                 (SELECT 1 FROM works w WHERE w.key = n.work_key AND w.deleted_at IS NOT NULL)",
            )?,
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

/// Most cut-field notices one import report keeps (a hostile file could have millions).
const MAX_NOTICES: usize = 1_000;

/// Adds `notices` about one record (named by `what`: a line, a title) to the report.
fn note_cuts(report: &mut ImportReport, what: &str, notices: Vec<String>) {
    let what = crate::clean::cut_to(
        &crate::clean::strip_controls(what, crate::clean::Lines::One),
        120,
    )
    .to_string();
    for n in notices {
        tracing::warn!(origin = %report.origin, "{what}: {n}");
        if report.notices.len() < MAX_NOTICES {
            report.notices.push(format!("{what}: {n}"));
        }
    }
}

/// The index document of a work, or `None` when it is gone, in the trash, or cannot be read
/// at all: such a work is logged and recorded (see [`Library::unreadable_papers`]) and left
/// out, so one damaged row does not stop the index from taking every later change.
fn indexable(conn: &Connection, key: i64) -> Result<Option<IndexDoc>> {
    match works::index_doc(conn, key) {
        Ok(doc) => Ok(doc),
        Err(Error::Db(e)) if db::unreadable::is_row_damage(&e) => {
            tracing::warn!(key, error = %e, "a paper cannot be read; left out of the search index");
            db::unreadable::record(conn, key, &e.to_string(), true, &db::now())?;
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

pub(crate) fn tally(report: &mut ImportReport, changed: &mut Vec<i64>, outcome: works::Upserted) {
    match outcome {
        works::Upserted::Added(k) => {
            report.added += 1;
            changed.push(k);
        }
        works::Upserted::Updated(k) => {
            report.updated += 1;
            changed.push(k);
        }
        works::Upserted::Unchanged(_) => report.unchanged += 1,
    }
}

fn prefixed_summary_columns() -> String {
    works::SUMMARY_COLUMNS
        .split(", ")
        .map(|c| format!("w.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The list entries of `rows`, in their order: tags and notes read for all rows at once.
fn summaries_of(conn: &Connection, rows: Vec<works::SummaryRow>) -> Result<Vec<PaperSummary>> {
    let keys: Vec<i64> = rows.iter().map(|r| r.key).collect();
    let mut tags = tags::tags_of_each(conn, &keys)?;
    let with_notes: HashSet<i64> = if keys.is_empty() {
        HashSet::new()
    } else {
        conn.prepare_cached(
            "SELECT work_key FROM notes WHERE work_key IN (SELECT value FROM json_each(?1))",
        )?
        .query_map([works::key_list(&keys)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let tags = tags.remove(&row.key).unwrap_or_default();
            let has_note = with_notes.contains(&row.key);
            summary_with(row, tags, has_note)
        })
        .collect())
}

fn summary_with(row: works::SummaryRow, tags: Vec<String>, has_note: bool) -> PaperSummary {
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
        tags,
        status: row.status,
        has_note,
        added_at: row.added_at,
    }
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
    let mut tag_map: HashMap<i64, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT wt.work_key, t.name FROM work_tags wt JOIN tags t ON t.key = wt.tag_key ORDER BY t.name",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (k, t) = row?;
        tag_map.entry(k).or_default().push(t);
    }
    let mut collection_map: HashMap<i64, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT cw.work_key, c.name FROM collection_works cw
         JOIN collections c ON c.key = cw.collection_key",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (k, name) = row?;
        collection_map.entry(k).or_default().push(name);
    }
    let mut note_map: HashMap<i64, String> = HashMap::new();
    let mut stmt = conn.prepare("SELECT work_key, body FROM notes")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (k, b) = row?;
        note_map.insert(k, b);
    }
    let mut source_map: HashMap<i64, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare("SELECT DISTINCT work_key, source FROM source_records")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (k, s) = row?;
        let families = source_map.entry(k).or_default();
        let family = crate::index::source_family(&s);
        if !families.contains(&family) {
            families.push(family);
        }
    }
    let mut stmt = conn.prepare(
        "SELECT key, title, authors, abstract, year, status, added_at, published, upvotes
         FROM works WHERE deleted_at IS NULL",
    )?;
    let total: u64 = conn.query_row(
        "SELECT (SELECT COUNT(*) FROM works)
              - (SELECT COUNT(*) FROM works WHERE deleted_at IS NOT NULL)",
        [],
        |r| r.get::<_, i64>(0),
    )? as u64;
    let step = (total / 10).max(1);
    let mut rows = stmt.query([])?;
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        if n.is_multiple_of(step) && n > 0 {
            // A large rebuild takes a while: say how far it is (a small one is over at once).
            if total >= REBUILD_PROGRESS_FROM {
                tracing::warn!(done = n, total, "rebuilding the search index");
            } else {
                tracing::info!(done = n, total, "rebuilding the search index");
            }
        }
        let key: i64 = r.get(0)?;
        let mut sources = source_map.remove(&key).unwrap_or_default();
        sources.sort();
        let read = (|| -> rusqlite::Result<_> {
            Ok((
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, db::packed::MaybeUnpacked>(3)?.0,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<i64>>(8)?,
            ))
        })();
        let (title, authors, abstract_text, status, added_at, published, upvotes) = match read {
            Ok(row) => row,
            Err(e) if db::unreadable::is_row_damage(&e) => {
                // As in `indexable`: one unreadable work does not stop the rebuild.
                tracing::warn!(key, error = %e, "a paper cannot be read; left out of the search index");
                db::unreadable::record(conn, key, &e.to_string(), true, &db::now())?;
                continue;
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
            year: r.get(4)?,
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
    }
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

/// Puts the connection's page cache back to its everyday size when a bulk import ends, however
/// it ends.
struct RestoreCache<'a>(&'a Library);

impl Drop for RestoreCache<'_> {
    fn drop(&mut self) {
        if let Err(e) = self
            .0
            .conn()
            .pragma_update(None, "cache_size", db::CACHE_KIB)
        {
            tracing::debug!(error = %e, "could not restore the page cache size");
        }
    }
}

/// Where a bulk import's time went on the importing thread (logged when it finishes).
#[derive(Debug, Default)]
struct ImportPhases {
    /// Reading JSON into papers.
    parse: std::time::Duration,
    /// Matching and writing them in SQLite, one transaction per batch.
    sqlite: std::time::Duration,
    /// Reading the changed works back and handing them to the index writer.
    index: std::time::Duration,
    /// Index commits (waiting for the indexing threads to flush segments).
    commit: std::time::Duration,
}
