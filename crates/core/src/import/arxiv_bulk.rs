//! The arXiv metadata snapshot import (JSON Lines, millions of records): reading and parsing
//! lines, growing batches, one transaction per batch with its resume point, and staging each
//! batch in the search index. The library hands in what it owns ([`Target`]); this module
//! owns the pipeline.
//!
//! An interrupted import of the same unchanged file resumes after the last committed batch;
//! a bad line is reported and skipped; a UTF-16 or binary file is refused before anything is
//! written.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::Path;
use std::sync::MutexGuard;
use std::time::{Duration, Instant};

use rusqlite::{Connection, TransactionBehavior};
use tantivy::IndexWriter;

use crate::db::{self, changes, import_jobs, works};
use crate::error::{Error, Result};
use crate::import::text_file::{self, MAX_LINE_BYTES};
use crate::import::{arxiv_jsonl, note_cuts, tally};
use crate::index::SearchIndex;
use crate::model::{ImportProgress, ImportReport, NewPaper, SkippedEntry};

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

/// What the import writes into: the library's connection, its search index, and the hooks
/// that keep the library's own state in step.
pub(crate) struct Target<'a> {
    /// Locks the library's connection.
    pub conn: &'a dyn Fn() -> MutexGuard<'a, Connection>,
    /// The library's search index (read-locked by the caller for the whole import).
    pub index: &'a SearchIndex,
    /// Refuses the next write when the library was found damaged.
    pub refuse_if_damaged: &'a dyn Fn() -> Result<()>,
    /// Called after a transaction that changed works (the open mirror is now stale).
    pub changed: &'a dyn Fn(),
    /// Called after an index commit with the change seq the index now reflects.
    pub indexed_up_to: &'a dyn Fn(u64),
}

/// Where a bulk import's time went on the importing thread (logged when it finishes).
#[derive(Debug, Default)]
struct ImportPhases {
    /// Reading JSON into papers.
    parse: Duration,
    /// Matching and writing them in SQLite, one transaction per batch.
    sqlite: Duration,
    /// Reading the changed works back and handing them to the index writer.
    index: Duration,
    /// Index commits (waiting for the indexing threads to flush segments).
    commit: Duration,
}

/// Imports the snapshot at `path` into `target`, reporting progress after each batch.
pub(crate) fn run(
    target: &Target<'_>,
    path: &Path,
    on_progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport> {
    let started = Instant::now();
    let mut input = Input::open(target, path)?;
    let mut report = ImportReport {
        origin: input.origin.clone(),
        resumed_after_line: input.resumed_after,
        ..Default::default()
    };

    (target.conn)().pragma_update(None, "cache_size", db::BULK_CACHE_KIB)?;
    let _cache = RestoreCache(target.conn);
    let mut writer = target.index.writer_waiting(true, db::busy_timeout())?;
    // Apply anything queued first, so the seq we commit covers it.
    let mut applied = target.index.applied_seq()?;
    let mut rows_since_commit = 0;
    let mut phases = ImportPhases::default();
    let mut batch_rows = FIRST_BATCH;
    let mut batch: Vec<(u64, NewPaper)> = Vec::with_capacity(batch_rows);
    let mut eof = false;
    while !eof {
        batch.clear();
        eof = input.read_batch(batch_rows, &mut batch, &mut report, &mut phases)?;

        let sqlite_started = Instant::now();
        (target.refuse_if_damaged)()?;
        // One lock from the transaction through staging its works in the index.
        let mut conn = (target.conn)();
        let changed_any = write_batch(&mut conn, &input, &batch, eof, &mut report)?;
        let took = sqlite_started.elapsed();
        phases.sqlite += took;
        if took < GROW_WHILE_UNDER {
            batch_rows = (batch_rows * 2).min(MAX_BATCH);
        }
        if changed_any {
            (target.changed)();
        }

        rows_since_commit += batch.len();
        let commit = rows_since_commit >= ROWS_PER_INDEX_COMMIT || eof;
        applied = stage_in_index(target, &conn, &mut writer, applied, commit, &mut phases)?;
        if commit {
            rows_since_commit = 0;
        }
        drop(conn);
        on_progress(ImportProgress {
            bytes_done: input.offset,
            bytes_total: input.len,
            records: report.added + report.updated + report.unchanged,
        });
    }
    writer.wait_merging_threads()?;
    // The write-ahead log grows to its checkpoint size (1,000 pages, 16 MB) during a bulk
    // load and would stay that size on disk; everything in it is in the database now.
    if let Err(e) = db::truncate_wal(&(target.conn)()) {
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

/// The snapshot file being read: where it is, how far, and what names the job.
struct Input {
    reader: BufReader<File>,
    path: String,
    /// Canonical path: the import job's name.
    job_path: String,
    /// Size and modification time: an import resumes only on the same unchanged file.
    fingerprint: String,
    /// The file's name, as reports and source records show it.
    origin: String,
    len: u64,
    offset: u64,
    line_no: u64,
    resumed_after: Option<u64>,
    buf: Vec<u8>,
}

impl Input {
    /// Opens the file, refuses a UTF-16 or binary one, and seeks to where an interrupted
    /// import of it left off.
    fn open(target: &Target<'_>, path: &Path) -> Result<Input> {
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
        let resume = import_jobs::resume_point(&(target.conn)(), &job_path, &fingerprint)?
            .filter(|r| !r.done && r.offset > 0);
        let mut reader = BufReader::with_capacity(1 << 20, file);
        // A UTF-16 or binary file is refused whole, before anything is written.
        let head = reader.fill_buf().map_err(|e| Error::io(path, e))?;
        text_file::check_head(&path.display().to_string(), head)?;
        let mut input = Input {
            reader,
            path: path.display().to_string(),
            job_path,
            fingerprint,
            origin,
            len: meta.len(),
            offset: 0,
            line_no: 0,
            resumed_after: None,
            buf: Vec::with_capacity(4096),
        };
        if let Some(r) = &resume {
            input
                .reader
                .seek(SeekFrom::Start(r.offset))
                .map_err(|e| Error::io(path, e))?;
            (input.offset, input.line_no) = (r.offset, r.line);
            input.resumed_after = Some(r.line);
            tracing::info!(line = r.line, "resuming interrupted import");
        }
        Ok(input)
    }

    /// Reads and parses lines until `batch` holds `rows` papers or the file ends (then
    /// `true`); lines that cannot be read as a record go to the report's skipped list.
    fn read_batch(
        &mut self,
        rows: usize,
        batch: &mut Vec<(u64, NewPaper)>,
        report: &mut ImportReport,
        phases: &mut ImportPhases,
    ) -> Result<bool> {
        while batch.len() < rows {
            let read = text_file::read_line_capped(&mut self.reader, &mut self.buf, MAX_LINE_BYTES)
                .map_err(|e| Error::io(Path::new(&self.path), e))?;
            if read.consumed == 0 {
                return Ok(true);
            }
            self.offset += read.consumed;
            self.line_no += 1;
            let line_no = self.line_no;
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
            let mut bytes = self.buf.as_slice();
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
        Ok(false)
    }
}

/// Writes one batch in one transaction, with its change log and the job's resume point (done
/// when `eof`). True when it changed any work.
fn write_batch(
    conn: &mut Connection,
    input: &Input,
    batch: &[(u64, NewPaper)],
    eof: bool,
    report: &mut ImportReport,
) -> Result<bool> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now = db::now();
    let mut changed = Vec::new();
    for (line, p) in batch {
        let mut notices = Vec::new();
        let outcome =
            works::upsert_noting(&tx, p, "arxiv-snapshot", &input.origin, &now, &mut notices)?;
        note_cuts(report, &format!("line {line}"), notices);
        tally(report, &mut changed, outcome);
    }
    for key in &changed {
        changes::record(&tx, *key)?;
    }
    import_jobs::save(
        &tx,
        &input.job_path,
        &input.fingerprint,
        &import_jobs::Resume {
            offset: input.offset,
            line: input.line_no,
            done: eof,
        },
        &now,
    )?;
    tx.commit()?;
    Ok(!changed.is_empty())
}

/// Stages the works changed since `applied` in the index writer, and commits the index when
/// `commit` (the staged documents become durable then). Returns the seq now staged.
fn stage_in_index(
    target: &Target<'_>,
    conn: &Connection,
    writer: &mut IndexWriter,
    applied: u64,
    commit: bool,
    phases: &mut ImportPhases,
) -> Result<u64> {
    let index_started = Instant::now();
    let (keys, last) = changes::since(conn, applied)?;
    for key in keys {
        match works::indexable(conn, key)? {
            Some(doc) => target.index.upsert(writer, &doc)?,
            None => target.index.delete(writer, key as u64),
        }
    }
    phases.index += index_started.elapsed();
    if commit {
        let commit_started = Instant::now();
        target.index.commit(writer, last)?;
        phases.commit += commit_started.elapsed();
        changes::prune(conn, last)?;
        (target.indexed_up_to)(last);
    }
    Ok(last)
}

/// Puts the connection's page cache back to its everyday size when a bulk import ends, however
/// it ends.
struct RestoreCache<'a>(&'a dyn Fn() -> MutexGuard<'a, Connection>);

impl Drop for RestoreCache<'_> {
    fn drop(&mut self) {
        if let Err(e) = (self.0)().pragma_update(None, "cache_size", db::CACHE_KIB) {
            tracing::debug!(error = %e, "could not restore the page cache size");
        }
    }
}
