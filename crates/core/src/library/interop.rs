//! [`Library`] import, export and open-mirror operations for the interchange formats in
//! [`crate::interop`].

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::clean::{self, Lines};
use crate::db::{self, annotations, changes, collections, import_raw, notes, tags, works};
use crate::error::{Error, Failure, Result};
use crate::interop::citekey::{self, KeySource};
use crate::interop::mirror::{
    self, MirrorConfig, MirrorFiles, MirrorState, MirrorStatus, MirrorWorker,
};
use crate::interop::{bibtex, csl, markdown, ris, BibtexRecord, ExportEntry, Format, Parsed};
use crate::library::Library;
use crate::model::{PaperId, Status};
use crate::search::SearchOptions;

/// Which papers to export. Empty selects the whole library; set parts narrow it (AND).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportSelection {
    /// A search in the core's query syntax.
    pub query: Option<String>,
    /// Only papers with this tag.
    pub tag: Option<String>,
    /// Only papers in the collection at this path (any case); `CollectionNotFound` when
    /// there is none.
    pub collection: Option<String>,
    /// Only papers with this status.
    pub status: Option<Status>,
}

/// What happened to one imported entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum EntryOutcome {
    /// A new paper.
    Added,
    /// Matched a paper in the library, which gained something (fields, tags, note).
    Merged,
    /// Matched a paper that already had all of it.
    Unchanged,
    /// Not imported; see the reason.
    Skipped,
}

/// `"; line N: reason"` for the first skipped entry, or an empty string: the tail of the
/// message when nothing in a file could be imported.
pub fn first_skip_note(entries: &[EntryReport]) -> String {
    entries
        .iter()
        .find(|e| e.outcome == EntryOutcome::Skipped)
        .map(|e| {
            format!(
                "; line {}: {}",
                e.line,
                e.reason.as_deref().unwrap_or("unreadable")
            )
        })
        .unwrap_or_default()
}

/// One entry of an import report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct EntryReport {
    /// The file, for imports of several files (Markdown folders).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line the entry starts on (or the error's line, for a skipped one).
    pub line: usize,
    /// The entry's key in the file.
    pub key: Option<String>,
    /// What happened.
    pub outcome: EntryOutcome,
    /// The paper it became or merged into.
    pub id: Option<PaperId>,
    /// Its title.
    pub title: Option<String>,
    /// Why it was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Things worth knowing that did not stop the import (tags left out, files noted).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
}

/// What an interchange import did, entry by entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InteropReport {
    /// The file or folder imported.
    pub origin: String,
    /// Its format.
    pub format: Format,
    /// New papers.
    pub added: u64,
    /// Entries merged into papers already in the library.
    pub merged: u64,
    /// Entries the library already had in full.
    pub unchanged: u64,
    /// Entries not imported.
    pub skipped: u64,
    /// Every entry in file order (skipped ones by line).
    pub entries: Vec<EntryReport>,
    /// Wall time in seconds.
    pub seconds: f64,
}

const MIRROR_STATE_KEY: &str = "mirror_state";

impl Library {
    /// Imports interchange text (BibTeX, RIS, CSL-JSON, or one Markdown file). Each entry is
    /// matched against the library by arXiv id, DOI or normalised title with agreeing authors
    /// (the upsert's identity rules): a match is merged (fields fill gaps, tags are added, the
    /// note is kept and an imported different note appended to it); the rest are added.
    /// Malformed entries are reported with their line while the others import.
    pub fn import_interop(
        &self,
        format: Format,
        text: &str,
        origin: &str,
    ) -> Result<InteropReport> {
        let started = Instant::now();
        let parsed = format.parse(text);
        let mut report = self.import_parsed(format, vec![(None, parsed)], origin)?;
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }

    /// Imports a folder of Markdown notes files (`*.md`, as [`Library::export_markdown`] and
    /// the mirror write them), in file-name order, in one transaction.
    pub fn import_markdown_dir(&self, dir: &Path) -> Result<InteropReport> {
        let started = Instant::now();
        let mut names: Vec<_> = fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md") && p.is_file())
            .collect();
        names.sort();
        let mut files = Vec::with_capacity(names.len());
        for path in names {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let parsed = match read_notes_file(&path, &name) {
                Ok(text) => markdown::parse(&text),
                Err(reason) => Parsed {
                    records: vec![],
                    skipped: vec![crate::import::SkippedEntry { line: 1, reason }],
                },
            };
            files.push((Some(name), parsed));
        }
        let origin = dir.file_name().map_or_else(
            || dir.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut report = self.import_parsed(Format::Markdown, files, &origin)?;
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }

    fn import_parsed(
        &self,
        format: Format,
        files: Vec<(Option<String>, Parsed)>,
        origin: &str,
    ) -> Result<InteropReport> {
        let source = format.name();
        let mut entries: Vec<EntryReport> = Vec::new();
        self.write(|tx, now| {
            let mut changed: Vec<i64> = Vec::new();
            for (file, parsed) in &files {
                let origin = file.as_deref().unwrap_or(origin);
                for skip in &parsed.skipped {
                    entries.push(EntryReport {
                        file: file.clone(),
                        line: skip.line,
                        key: None,
                        outcome: EntryOutcome::Skipped,
                        id: None,
                        title: None,
                        reason: Some(skip.reason.clone()),
                        notices: vec![],
                    });
                }
                for rec in &parsed.records {
                    let how = EntryImport {
                        format: source,
                        origin,
                        parse_old: &|raw: &str| match format.parse(raw).records.as_slice() {
                            [old] => Some(old.clone()),
                            _ => None,
                        },
                        preprint: format != Format::Markdown && is_preprint(&rec.paper),
                    };
                    let (mut entry, key) = import_entry(tx, now, &how, rec)?;
                    entry.file = file.clone();
                    if entry.outcome != EntryOutcome::Unchanged && !changed.contains(&key) {
                        changed.push(key);
                    }
                    entries.push(entry);
                }
            }
            Ok(((), changed))
        })?;
        entries.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
        let count = |o: EntryOutcome| entries.iter().filter(|e| e.outcome == o).count() as u64;
        Ok(InteropReport {
            origin: origin.to_string(),
            format,
            added: count(EntryOutcome::Added),
            merged: count(EntryOutcome::Merged),
            unchanged: count(EntryOutcome::Unchanged),
            skipped: count(EntryOutcome::Skipped),
            entries,
            seconds: 0.0,
        })
    }

    /// The raw entries imported for a paper: (format, origin, entry key, text), oldest first.
    pub fn raw_imports(&self, id: &PaperId) -> Result<Vec<(String, String, String, String)>> {
        let conn = self.conn();
        let key = works::key_of(&conn, id)?;
        import_raw::of_work(&conn, key)
    }

    /// Citation keys of every paper (id → its keys, the one that names it first), stable
    /// across runs: see [`crate::interop::citekey`].
    pub fn citation_keys(&self) -> Result<HashMap<String, Vec<String>>> {
        let conn = self.conn();
        // Each paper's imported keys, oldest first.
        let mut imported = import_raw::bibtex_keys_by_work(&conn)?;
        let sources: Vec<KeySource> = works::key_sources(&conn)?
            .into_iter()
            .map(|w| KeySource {
                id: w.id,
                title: w.title,
                first_author: w.first_author,
                organization: w.organization,
                year: w.year,
                added_at: w.added_at,
                imported: imported.remove(&w.key).unwrap_or_default(),
            })
            .collect();
        Ok(citekey::assign(&sources))
    }

    /// The selected papers with their citation keys and imported BibTeX entries, ordered by
    /// key.
    pub fn export_entries(&self, sel: &ExportSelection) -> Result<Vec<ExportEntry>> {
        let keys = self.citation_keys()?;
        let allowed: Option<HashSet<String>> = match sel.query.as_deref().map(str::trim) {
            Some(q) if !q.is_empty() => {
                let mut ids = HashSet::new();
                let mut offset = 0;
                loop {
                    let page = self.search(
                        q,
                        &SearchOptions {
                            limit: 1000,
                            offset,
                        },
                    )?;
                    let n = page.hits.len();
                    ids.extend(
                        page.hits
                            .into_iter()
                            .map(|h| h.paper.id.as_str().to_string()),
                    );
                    offset += n;
                    // A capped count is a lower bound: page on until a page comes back empty.
                    if n == 0 || (page.total_exact && offset >= page.total) {
                        break;
                    }
                }
                Some(ids)
            }
            _ => None,
        };
        let conn = self.conn();
        // Papers in the trash are not part of the library anyone exports.
        if let Some(c) = &sel.collection {
            // A misspelt collection is an error, not an empty export.
            collections::get(&conn, c)?;
        }
        let rows = works::live_ids_in_scope(
            &conn,
            sel.status,
            sel.tag.as_deref(),
            sel.collection.as_deref(),
        )?;
        let mut out = Vec::new();
        for (key, id) in rows {
            if allowed.as_ref().is_some_and(|a| !a.contains(&id)) {
                continue;
            }
            let paper = works::load_paper(&conn, key)?;
            let own = keys.get(&id).cloned().unwrap_or_else(|| vec![id.clone()]);
            // Newest first: the first text met of each citation key is the one exported.
            let newest = import_raw::newest_bibtex(&conn, key)?;
            let annotations = annotations::of_work(&conn, key)?;
            out.push(ExportEntry {
                key: own[0].clone(),
                paper,
                bibtex: bibtex_records(&own, newest),
                annotations,
            });
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    /// Exports the selection as BibTeX, RIS or CSL-JSON text. Markdown is one file per paper:
    /// use [`Library::export_markdown`].
    pub fn export_text(&self, format: Format, sel: &ExportSelection) -> Result<String> {
        let entries = self.export_entries(sel)?;
        text_of(format, &entries)
    }

    /// Writes the selection as `<citekey>.md` files into `dir` (created when missing), each
    /// atomically; returns how many were written.
    pub fn export_markdown(&self, sel: &ExportSelection, dir: &Path) -> Result<usize> {
        let entries = self.export_entries(sel)?;
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        for e in &entries {
            mirror::write_atomic(
                &dir.join(format!("{}.md", citekey::file_stem(&e.key))),
                markdown::write_one(e).as_bytes(),
            )?;
        }
        Ok(entries.len())
    }

    /// Writes the selection to `path` in `format` and returns how many papers it holds: one
    /// file written atomically (a temp file renamed over it), or for Markdown, `path` is a
    /// folder that receives one `<citekey>.md` per paper.
    pub fn export_to_path(
        &self,
        format: Format,
        sel: &ExportSelection,
        path: &Path,
    ) -> Result<usize> {
        if format == Format::Markdown {
            return self.export_markdown(sel, path);
        }
        let entries = self.export_entries(sel)?;
        mirror::write_atomic(path, text_of(format, &entries)?.as_bytes())?;
        Ok(entries.len())
    }

    fn mirror_state(&self) -> Result<MirrorState> {
        let text = db::meta::get(&self.conn(), MIRROR_STATE_KEY)?;
        Ok(text
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default())
    }

    fn save_mirror_state(&self, state: &MirrorState) -> Result<()> {
        db::meta::set(
            &self.conn(),
            MIRROR_STATE_KEY,
            &serde_json::to_string(state).unwrap_or_default(),
        )
    }

    /// The mirror's settings and what it last wrote.
    pub fn mirror_status(&self) -> Result<MirrorStatus> {
        let config = MirrorConfig::load(self.dir())?;
        let state = self.mirror_state()?;
        let dir = config.dir.as_ref().map(|d| d.display().to_string());
        let dirty = config.enabled && self.mirror_is_dirty(&config, &state)?;
        Ok(MirrorStatus {
            enabled: config.enabled,
            dir,
            last_written: state.last_written,
            papers: state.papers,
            last_error: state.last_error,
            dirty,
        })
    }

    fn mirror_is_dirty(&self, config: &MirrorConfig, state: &MirrorState) -> Result<bool> {
        let dir = config.dir.as_ref().map(|d| d.display().to_string());
        Ok(self.mirror_hook().is_dirty()
            || state.last_error.is_some()
            || state.last_written.is_none()
            || state.dir != dir
            || changes::last_seq(&self.conn())? > state.seq)
    }

    /// Turns the mirror on, into `dir` (created when missing), and writes it now.
    ///
    /// # Errors
    /// When `dir` already holds a `library.bib`/`library.json` that Papershelf did not write,
    /// or the first write fails (the mirror stays enabled and the next refresh retries).
    pub fn enable_mirror(&self, dir: &Path) -> Result<MirrorStatus> {
        let dir = if dir.is_absolute() {
            dir.to_path_buf()
        } else {
            std::env::current_dir()
                .map_err(|e| Error::io(dir, e))?
                .join(dir)
        };
        if dir == self.dir() {
            return Err(Error::InvalidInput(
                "the mirror cannot be the library directory itself; choose another one".into(),
            ));
        }
        mirror::check_dir(&dir)?;
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        MirrorConfig {
            dir: Some(dir),
            enabled: true,
        }
        .save(self.dir())?;
        self.refresh_mirror()
    }

    /// Turns the mirror off (its files stay where they are).
    pub fn disable_mirror(&self) -> Result<MirrorStatus> {
        let mut config = MirrorConfig::load(self.dir())?;
        config.enabled = false;
        config.save(self.dir())?;
        self.mirror_status()
    }

    /// Rewrites the whole mirror now (when enabled). A failure is recorded in the status and
    /// returned; the files of the last complete write stay readable.
    pub fn refresh_mirror(&self) -> Result<MirrorStatus> {
        let config = MirrorConfig::load(self.dir())?;
        let Some(dir) = config.dir.clone().filter(|_| config.enabled) else {
            return self.mirror_status();
        };
        let started = Instant::now();
        let seq = changes::last_seq(&self.conn())?;
        self.mirror_hook().take_dirty();
        let mut state = self.mirror_state()?;
        let result = (|| {
            let entries = self.export_entries(&ExportSelection::default())?;
            let files = MirrorFiles {
                bib: bibtex::write(&entries),
                json: csl::write(&entries),
                notes: entries
                    .iter()
                    .map(|e| {
                        let name = format!("{}.md", citekey::file_stem(&e.key));
                        (name, markdown::write_one(e))
                    })
                    .collect(),
            };
            let report = mirror::write_files(&dir, &files)?;
            // A file in the way is left as it is; the refresh counts as failed (status and
            // error say which), so it is retried once the user moves the file.
            if let Some(first) = report.left_alone.first() {
                return Err(Error::MirrorBlocked {
                    first: first.clone(),
                    more: report.left_alone.len() - 1,
                });
            }
            Ok::<u64, Error>(entries.len() as u64)
        })();
        state.dir = Some(dir.display().to_string());
        match result {
            Ok(papers) => {
                state.seq = seq;
                state.papers = Some(papers);
                state.last_written = Some(db::now());
                state.last_error = None;
                self.save_mirror_state(&state)?;
                tracing::info!(
                    papers,
                    seconds = started.elapsed().as_secs_f64(),
                    "mirror written"
                );
                self.mirror_status()
            }
            Err(e) => {
                state.last_error = Some(Failure::from(&e));
                self.save_mirror_state(&state)?;
                Err(e)
            }
        }
    }

    /// Refreshes the mirror when it is enabled and the library changed since it was last
    /// written (by this process or another); `None` when nothing was to do.
    pub fn refresh_mirror_if_dirty(&self) -> Result<Option<MirrorStatus>> {
        let config = MirrorConfig::load(self.dir())?;
        if !config.enabled || config.dir.is_none() {
            return Ok(None);
        }
        let state = self.mirror_state()?;
        if !self.mirror_is_dirty(&config, &state)? {
            return Ok(None);
        }
        self.refresh_mirror().map(Some)
    }

    /// Starts the debounced background mirror refresher (for long-running hosts such as the
    /// desktop app). Keep the returned worker alive; dropping it flushes and stops it.
    pub fn start_mirror_worker(self: &Arc<Self>, debounce: Duration) -> MirrorWorker {
        MirrorWorker::start(self, debounce)
    }
}

/// How one entry is imported: under which format name and origin, how an earlier import's
/// kept text is read back, and whether the entry is a preprint.
pub(crate) struct EntryImport<'a> {
    /// The format's name, the entries' `source`.
    pub format: &'a str,
    /// The file or library the entry comes from.
    pub origin: &'a str,
    /// Reads the text an earlier import kept for the same key.
    pub parse_old: &'a dyn Fn(&str) -> Option<crate::interop::Record>,
    /// The entry describes the arXiv preprint of its work.
    pub preprint: bool,
}

/// Imports one entry: matched by identity (or by its key, when imported before), merged or
/// added, with its tags, collections, note and kept text. Returns its report line (without
/// file) and the work's key.
pub(crate) fn import_entry(
    tx: &rusqlite::Transaction<'_>,
    now: &str,
    how: &EntryImport<'_>,
    read: &crate::interop::Record,
) -> Result<(EntryReport, i64)> {
    let mut notices = Vec::new();
    // An entry imported before under its key adds only what changed since.
    let before = earlier_import(tx, how, read)?;
    let delta;
    let rec = match &before {
        Some((_, old)) => {
            delta = since(read, old);
            &delta
        }
        None => read,
    };
    let upserted = match before {
        Some((work, _)) => works::merge_into(
            tx,
            work,
            &rec.paper,
            how.format,
            how.origin,
            now,
            &mut notices,
        )?,
        None => works::upsert_noting(tx, &rec.paper, how.format, how.origin, now, &mut notices)?,
    };
    let key = upserted.key();
    let mut extra = false;
    for t in &rec.tags {
        match tags::clean_tag(t) {
            Ok(t) => extra |= tags::add(tx, key, &t, now)?,
            Err(e) => notices.push(format!("tag left out: {e}")),
        }
    }
    for path in &rec.collections {
        // A path (`Thesis/Chapter 2`) recreates the levels it names.
        match collections::clean_path(path) {
            Ok(path) => {
                let collection = collections::ensure_path(tx, &path, now)?;
                extra |= collections::add(tx, collection, key, now)?;
            }
            Err(e) => notices.push(format!("collection left out: {e}")),
        }
    }
    let note = rec.note.as_deref().map(|n| {
        clean::field(n, Lines::Many, clean::MAX_NOTE, "note", &mut notices)
            .map_or_else(|| n.trim().to_string(), |n| n.trim().to_string())
    });
    if let Some(note) = note.filter(|n| !n.is_empty()) {
        let body = match notes::note(tx, key)? {
            None => Some(note),
            Some(old) if old.body.contains(&note) => None,
            Some(old) => {
                notices.push("note appended to the existing note".into());
                let joined = format!(
                    "{}\n\n---\n\n*Imported from {}:*\n\n{note}",
                    old.body.trim_end(),
                    how.origin
                );
                let what = "note with the imported text appended";
                Some(
                    clean::field(&joined, Lines::Many, clean::MAX_NOTE, what, &mut notices)
                        .unwrap_or(joined),
                )
            }
        };
        if let Some(body) = body {
            extra |= notes::set(tx, key, &body, now)?;
        }
    }
    if let (works::Upserted::Added(_), Some(status)) = (upserted, rec.status) {
        works::set_status(tx, key, status, now)?;
    }
    for f in &rec.files {
        notices.push(format!("file noted, not read: {f}"));
    }
    let entry_key = entry_key(rec.key.as_deref(), &mut notices);
    let raw = raw_entry(&rec.context, &rec.raw, &mut notices);
    // The first import of a key from a file stays its age; the text is the
    // newest.
    import_raw::put(
        tx,
        &import_raw::NewEntry {
            work_key: key,
            format: how.format,
            origin: how.origin,
            entry_key: &entry_key,
            raw: &raw,
            line: rec.line as i64,
            entry_type: rec.kind.as_deref().unwrap_or_default(),
            preprint: how.preprint,
        },
        now,
    )?;
    if extra {
        works::touch(tx, key, now)?;
    }
    let outcome = match upserted {
        works::Upserted::Added(_) => EntryOutcome::Added,
        works::Upserted::Updated(_) => EntryOutcome::Merged,
        works::Upserted::Unchanged(_) if extra => EntryOutcome::Merged,
        works::Upserted::Unchanged(_) => EntryOutcome::Unchanged,
    };
    let id = works::id_of(tx, key)?;
    // The entry's own title, as stored: the report is shown on terminals too.
    let title = clean::strip_controls(&read.paper.title, Lines::One);
    let title = clean::cut_to(&title, clean::MAX_TITLE).to_string();
    let entry = EntryReport {
        file: None,
        line: rec.line,
        key: rec.key.as_deref().map(|k| {
            clean::cut_to(
                &clean::strip_controls(k, Lines::One),
                clean::MAX_CITATION_KEY,
            )
            .to_string()
        }),
        outcome,
        id: Some(PaperId::new(id)),
        title: Some(title),
        reason: None,
        notices,
    };
    Ok((entry, key))
}

/// The citation key (or RIS/CSL id) to keep for an entry: stripped of control characters;
/// empty when there is none or it is longer than [`clean::MAX_CITATION_KEY`] (a cut key would be
/// another key), with a notice then.
fn entry_key(key: Option<&str>, notices: &mut Vec<String>) -> String {
    let Some(key) = key else {
        return String::new();
    };
    let key = clean::strip_controls(key, Lines::One);
    if key.len() > clean::MAX_CITATION_KEY {
        notices.push(format!(
            "citation key left out: {} long, more than {}",
            clean::size(key.len()),
            clean::size(clean::MAX_CITATION_KEY)
        ));
        return String::new();
    }
    key.into_owned()
}

/// The entry as kept for round trips: `context` then `raw`, stripped of control characters;
/// empty when longer than [`clean::MAX_RAW_ENTRY`] (a cut entry would not parse), with a
/// notice then.
fn raw_entry(context: &str, raw: &str, notices: &mut Vec<String>) -> String {
    let len = context.len() + raw.len();
    if len > clean::MAX_RAW_ENTRY {
        notices.push(format!(
            "the entry as written in the file is not kept: {}, more than {}",
            clean::size(len),
            clean::size(clean::MAX_RAW_ENTRY)
        ));
        return String::new();
    }
    clean::strip_controls(&format!("{context}{raw}"), Lines::Many).into_owned()
}

/// The work an entry was imported into before, under the same key from a file of the same
/// format, with what that import read (the newest such import whose paper is the same work:
/// the same arXiv id or DOI, or the same title). `None` for a new key or one that now names
/// another paper.
fn earlier_import(
    tx: &rusqlite::Transaction<'_>,
    how: &EntryImport<'_>,
    rec: &crate::interop::Record,
) -> Result<Option<(i64, crate::interop::Record)>> {
    let Some(key) = rec.key.as_deref().filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    let rows = import_raw::by_entry_key(tx, how.format, key)?;
    for (work, raw) in rows {
        let Some(old) = (how.parse_old)(&raw) else {
            continue;
        };
        if same_work(&old.paper, &rec.paper) {
            return Ok(Some((work, old)));
        }
    }
    Ok(None)
}

/// Whether an entry describes the arXiv preprint of its work: it has an arXiv id, no published
/// DOI, and no venue other than arXiv (Zotero writes `journal = {arXiv:…}` for some).
fn is_preprint(p: &crate::model::NewPaper) -> bool {
    p.arxiv_id.is_some()
        && p.doi.is_none()
        && p.journal_ref
            .as_deref()
            .is_none_or(|j| j.trim().to_ascii_lowercase().starts_with("arxiv"))
}

/// Whether two readings of one entry describe the same work: ids decide when both have them.
fn same_work(a: &crate::model::NewPaper, b: &crate::model::NewPaper) -> bool {
    if let (Some(x), Some(y)) = (&a.arxiv_id, &b.arxiv_id) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (&a.doi, &b.doi) {
        return x.eq_ignore_ascii_case(y);
    }
    crate::text::normalize_title(&a.title) == crate::text::normalize_title(&b.title)
}

/// What `new` says that `old` (the same entry as imported before) did not: unchanged fields
/// left empty, so they keep the library's values (a sibling entry's, or the user's edits);
/// only tags and collections not imported before; the note only when it changed. Re-importing
/// a file, or an export of the library, then changes nothing the file did not change.
fn since(new: &crate::interop::Record, old: &crate::interop::Record) -> crate::interop::Record {
    let (n, o) = (&new.paper, &old.paper);
    fn keep<T: Clone + PartialEq + Default>(n: &T, o: &T) -> T {
        if n == o {
            T::default()
        } else {
            n.clone()
        }
    }
    let lower = |v: &[String]| -> Vec<String> { v.iter().map(|s| s.to_lowercase()).collect() };
    let old_tags = lower(&old.tags);
    // Paths compare as the library matches them: part by part, case and spacing folded.
    let old_collections: Vec<String> = old
        .collections
        .iter()
        .map(|c| collections::path_key(c))
        .collect();
    crate::interop::Record {
        paper: crate::model::NewPaper {
            arxiv_id: keep(&n.arxiv_id, &o.arxiv_id),
            title: keep(&n.title, &o.title),
            abstract_text: keep(&n.abstract_text, &o.abstract_text),
            authors: keep(&n.authors, &o.authors),
            author_count: keep(&n.author_count, &o.author_count),
            organization: keep(&n.organization, &o.organization),
            published: keep(&n.published, &o.published),
            versions: n.versions.clone(),
            doi: keep(&n.doi, &o.doi),
            categories: keep(&n.categories, &o.categories),
            journal_ref: keep(&n.journal_ref, &o.journal_ref),
            comments: keep(&n.comments, &o.comments),
            license: keep(&n.license, &o.license),
            upvotes: n.upvotes,
        },
        tags: new
            .tags
            .iter()
            .filter(|t| !old_tags.contains(&t.to_lowercase()))
            .cloned()
            .collect(),
        collections: new
            .collections
            .iter()
            .filter(|c| !old_collections.contains(&collections::path_key(c)))
            .cloned()
            .collect(),
        note: keep(&new.note, &old.note),
        ..new.clone()
    }
}

/// A paper's BibTeX records for the export, from its keys (`own`, the one that names it first)
/// and the newest text of each imported entry key (newest first): a record under each of the
/// paper's keys it was imported with, in the order of `own`; when none of them could be kept,
/// the newest record under the paper's generated key; the rest keyless.
fn bibtex_records(own: &[String], newest: Vec<(String, String)>) -> Vec<BibtexRecord> {
    let mut records: Vec<BibtexRecord> = Vec::with_capacity(newest.len());
    let mut rest: Vec<BibtexRecord> = Vec::new();
    for k in own {
        if let Some((_, raw)) = newest.iter().find(|(e, _)| e == k) {
            records.push(BibtexRecord {
                key: Some(k.clone()),
                raw: raw.clone(),
            });
        }
    }
    for (entry_key, raw) in newest {
        if own.contains(&entry_key) {
            continue;
        }
        // No imported key kept: the newest entry still gives the type and unmodelled fields.
        let key = (records.is_empty() && rest.is_empty()).then(|| own[0].clone());
        rest.push(BibtexRecord { key, raw });
    }
    records.extend(rest);
    records
}

/// One text file of `entries` in a single-file format.
fn text_of(format: Format, entries: &[ExportEntry]) -> Result<String> {
    Ok(match format {
        Format::Bibtex => bibtex::write(entries),
        Format::Ris => ris::write(entries),
        Format::CslJson => csl::write(entries),
        Format::Markdown => {
            return Err(Error::InvalidInput(
                "Markdown export writes one file per paper: give a directory".into(),
            ))
        }
    })
}

impl MirrorWorker {
    /// Starts the worker for `lib`: after a change it waits until `debounce` passes without
    /// another one, then refreshes the mirror if it is enabled and dirty.
    pub fn start(lib: &Arc<Library>, debounce: Duration) -> MirrorWorker {
        // A weak handle: the worker must not keep a closed library alive.
        let weak = Arc::downgrade(lib);
        MirrorWorker::spawn(
            lib.mirror_hook(),
            move || {
                if let Some(lib) = weak.upgrade() {
                    if let Err(e) = lib.refresh_mirror_if_dirty() {
                        tracing::warn!(error = %e, "mirror refresh failed; will retry after the next change");
                    }
                }
            },
            debounce,
        )
    }
}

/// The most a Markdown notes file may hold: one paper's fields, abstract and note (a note is
/// at most [`clean::MAX_NOTE`]) fit many times over. Bigger files are skipped unread.
const MAX_NOTES_FILE_BYTES: u64 = 16 << 20;

/// Reads one Markdown notes file, at most [`MAX_NOTES_FILE_BYTES`] of it; why not, otherwise.
fn read_notes_file(path: &Path, name: &str) -> std::result::Result<String, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|f| f.take(MAX_NOTES_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("unreadable: {e}"))?;
    if bytes.len() as u64 > MAX_NOTES_FILE_BYTES {
        return Err(format!(
            "larger than {}; a notes file holds one paper, so it was left unread",
            clean::size(MAX_NOTES_FILE_BYTES as usize)
        ));
    }
    crate::import::text_file::decode(name, &bytes).map_err(|e| e.to_string())
}
