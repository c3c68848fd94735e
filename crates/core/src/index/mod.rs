//! The tantivy index, derived from SQLite and kept in step by the `changes` log.
//!
//! Every commit carries a payload `{"seq": N, "schema": V}`: the last change applied and the
//! schema version. On open, an index that is missing, unreadable, of another schema, or
//! disagreeing with the database is rebuilt from SQLite into a fresh directory and swapped in.

pub mod analyzer;
pub mod pages;
mod schema;

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::{doc, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, Term};

pub use schema::{Fields, INDEX_SCHEMA_VERSION};

use crate::error::{Error, Result};

/// The index's directory name inside the library directory.
pub const INDEX_DIR: &str = "index";
const INDEX_NEW_DIR: &str = "index.new";
const INDEX_OLD_DIR: &str = "index.old";

/// Writer heap for interactive edits; bulk imports use [`BULK_WRITER_HEAP`].
const SMALL_WRITER_HEAP: usize = 15_000_000;

/// Writer heap for imports and rebuilds.
pub const BULK_WRITER_HEAP: usize = 200_000_000;

/// How the writer of single edits merges. Each edit commits a segment of one document;
/// tantivy's default puts every segment under 10,000 documents in one level, so in a library
/// of up to about 17,000 papers the whole library was rewritten every eighth edit (a note
/// saved in 250 ms on average at 10k). Levels from 100 documents up merge the small segments
/// among themselves, and a large segment is merged again once a third of it is deleted.
fn interactive_merge_policy() -> tantivy::indexer::LogMergePolicy {
    let mut policy = tantivy::indexer::LogMergePolicy::default();
    policy.set_min_layer_size(100);
    policy.set_del_docs_ratio_before_merge(0.33);
    policy
}

thread_local! {
    /// The analyzer that finds the words whose short prefixes are indexed and where each page
    /// of the full text starts, built once per thread rather than once per document.
    static PREFIX_ANALYZER: std::cell::RefCell<tantivy::tokenizer::TextAnalyzer> =
        std::cell::RefCell::new(analyzer::analyzer());
}

/// One work's indexed text.
#[derive(Debug, Default, Clone)]
pub struct IndexDoc {
    /// `works.key`.
    pub key: u64,
    /// Title.
    pub title: String,
    /// Authors, in order.
    pub authors: Vec<String>,
    /// Abstract.
    pub abstract_text: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Paths of the collections it is in.
    pub collections: Vec<String>,
    /// Note body.
    pub note: String,
    /// The pages of its PDF's text (the newest PDF whose text was read) that have text, as
    /// (1-based physical page, text), in order.
    pub fulltext: Vec<(u32, String)>,
    /// Its annotations' quotes and comments, one text each.
    pub annotations: Vec<String>,
    /// Publication year.
    pub year: Option<i32>,
    /// Status name.
    pub status: &'static str,
    /// When it entered the library, microseconds since the Unix epoch.
    pub added: i64,
    /// Publication date as `yyyymmdd` (see [`published_key`]).
    pub published: Option<i64>,
    /// Hugging Face upvotes.
    pub upvotes: Option<u64>,
    /// Source families (see [`source_family`]), distinct.
    pub sources: Vec<String>,
}

/// The sortable number of a publication date: `yyyymmdd`, missing parts 0, so a date without
/// a year sorts below every dated one and `2023` below `2023-01`, as the date's text key does.
pub fn published_key(date: &crate::model::PartialDate) -> Option<i64> {
    if date.is_empty() {
        return None;
    }
    let y = i64::from(date.year.unwrap_or(0).clamp(0, 9999));
    let m = i64::from(date.month.unwrap_or(0).min(99));
    let d = i64::from(date.day.unwrap_or(0).min(99));
    Some(y * 10_000 + m * 100 + d)
}

/// Microseconds since the Unix epoch of an RFC 3339 time (0 when unreadable).
pub fn added_key(rfc3339: &str) -> i64 {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000) as i64)
        .unwrap_or(0)
}

/// The family a `source_records.source` belongs to, as `source:` and the source facet name
/// it: every Hugging Face source is `hf` (`hf-page`, `hf-api`, `hf-daily`, ...), every arXiv
/// one `arxiv` (`arxiv-api`, `arxiv-snapshot`, ...), Semantic Scholar `s2`, and the import
/// formats themselves (`bibtex`, `ris`, `csl-json`, `markdown`). Anything else is its own name,
/// lower case.
pub fn source_family(source: &str) -> String {
    let s = source.trim().to_ascii_lowercase();
    if s == "hf" || s.starts_with("hf-") || s.starts_with("huggingface") {
        "hf".into()
    } else if s == "arxiv" || s.starts_with("arxiv-") {
        "arxiv".into()
    } else if s == "s2" || s.starts_with("s2-") || s == "semantic-scholar" {
        "s2".into()
    } else {
        s
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    seq: u64,
    schema: u32,
}

/// An open index plus its reader.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

/// Why an index on disk cannot be used as it is.
#[derive(Debug)]
pub enum Unusable {
    /// No index directory.
    Missing,
    /// It exists but could not be opened or read.
    Damaged(String),
    /// Built with another schema version.
    OtherSchema(u32),
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unusable::Missing => f.write_str("missing"),
            Unusable::Damaged(why) => write!(f, "damaged: {why}"),
            Unusable::OtherSchema(v) => write!(
                f,
                "built with index schema {v}, this build uses {INDEX_SCHEMA_VERSION}"
            ),
        }
    }
}

impl SearchIndex {
    /// Opens the index in `library_dir`, or says why it cannot be used.
    pub fn open(library_dir: &Path) -> Result<std::result::Result<SearchIndex, Unusable>> {
        let dir = library_dir.join(INDEX_DIR);
        if !dir.join("meta.json").exists() {
            return Ok(Err(Unusable::Missing));
        }
        let opened = (|| -> tantivy::Result<SearchIndex> {
            let mmap = MmapDirectory::open(&dir)?;
            let index = Index::open(mmap)?;
            SearchIndex::from_index(index)
        })();
        let this = match opened {
            Ok(this) => this,
            Err(e) => return Ok(Err(Unusable::Damaged(e.to_string()))),
        };
        match this.payload() {
            Ok(Some(p)) if p.schema != INDEX_SCHEMA_VERSION => {
                Ok(Err(Unusable::OtherSchema(p.schema)))
            }
            Ok(_) => {
                // Touch every segment's fast field column so truncated files show up now,
                // not as a failed search later.
                if let Err(e) = this.verify() {
                    return Ok(Err(Unusable::Damaged(e)));
                }
                Ok(Ok(this))
            }
            Err(e) => Ok(Err(Unusable::Damaged(e.to_string()))),
        }
    }

    fn from_index(index: Index) -> tantivy::Result<SearchIndex> {
        let (_, fields) = Fields::build();
        if index.schema() != Fields::build().0 {
            return Err(tantivy::TantivyError::SchemaError(
                "index schema differs from this build".into(),
            ));
        }
        index
            .tokenizers()
            .register(analyzer::ANALYZER, analyzer::analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
        })
    }

    fn verify(&self) -> std::result::Result<(), String> {
        let searcher = self.reader.searcher();
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64("key").map_err(|e| {
                format!("segment {}: {e}", segment.segment_id().short_uuid_string())
            })?;
            if segment.max_doc() > 0 {
                let _ = column.first(segment.max_doc() - 1);
            }
            segment
                .inverted_index(self.fields.title)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Builds a new, empty index in `library_dir/index.new`, ready to fill and [`swap_in`].
    ///
    /// [`swap_in`]: SearchIndex::swap_in
    pub fn create_fresh(library_dir: &Path) -> Result<SearchIndex> {
        let dir = library_dir.join(INDEX_NEW_DIR);
        remove_any(&dir)?;
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let (schema, _) = Fields::build();
        let mmap = MmapDirectory::open(&dir).map_err(|e| Error::Index(e.to_string()))?;
        let index = Index::create(mmap, schema, Default::default())?;
        Ok(SearchIndex::from_index(index)?)
    }

    /// Replaces `library_dir/index` by the freshly built `index.new` and opens it.
    pub fn swap_in(fresh: SearchIndex, library_dir: &Path) -> Result<SearchIndex> {
        drop(fresh);
        let live: PathBuf = library_dir.join(INDEX_DIR);
        let old = library_dir.join(INDEX_OLD_DIR);
        let new = library_dir.join(INDEX_NEW_DIR);
        remove_any(&old)?;
        if live.exists() {
            fs::rename(&live, &old).map_err(|e| Error::io(&live, e))?;
        }
        fs::rename(&new, &live).map_err(|e| Error::io(&new, e))?;
        if let Err(e) = remove_any(&old) {
            tracing::warn!(error = %e, "could not remove the previous index");
        }
        match SearchIndex::open(library_dir)? {
            Ok(index) => Ok(index),
            Err(why) => Err(Error::Index(format!("rebuilt index unusable: {why}"))),
        }
    }

    /// The field handles.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// A searcher over the last reloaded commit.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Makes commits by this or another process visible to [`searcher`](Self::searcher).
    pub fn reload(&self) -> Result<()> {
        Ok(self.reader.reload()?)
    }

    fn payload(&self) -> tantivy::Result<Option<Payload>> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok()))
    }

    /// The last change seq the committed index reflects (0 when never committed).
    pub fn applied_seq(&self) -> Result<u64> {
        Ok(self.payload()?.map_or(0, |p| p.seq))
    }

    /// Takes the index writer lock. `Err(Busy)` when another process holds it.
    pub fn writer(&self, bulk: bool) -> Result<IndexWriter> {
        let heap = if bulk {
            BULK_WRITER_HEAP
        } else {
            SMALL_WRITER_HEAP
        };
        let threads = if bulk {
            std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
        } else {
            1
        };
        match self.index.writer_with_num_threads(threads, heap) {
            Ok(w) => {
                if !bulk {
                    w.set_merge_policy(Box::new(interactive_merge_policy()));
                }
                // A writer killed mid-commit leaves files no commit refers to; the next commit
                // may want the same names (e.g. a segment's `.del` file) and would fail.
                if let Err(e) = w.garbage_collect_files().wait() {
                    tracing::debug!(error = %e, "index garbage collection failed");
                }
                Ok(w)
            }
            Err(tantivy::TantivyError::LockFailure(..)) => Err(Error::Busy),
            Err(e) => Err(e.into()),
        }
    }

    /// [`writer`](Self::writer), waiting up to `patience` while another process holds the
    /// lock (a short catch-up of another writer, say) before reporting `Err(Busy)`.
    pub fn writer_waiting(&self, bulk: bool, patience: std::time::Duration) -> Result<IndexWriter> {
        let started = std::time::Instant::now();
        loop {
            match self.writer(bulk) {
                Err(Error::Busy) if started.elapsed() < patience => {
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                other => return other,
            }
        }
    }

    /// Stages `doc` replacing any earlier document of the same work.
    pub fn upsert(&self, writer: &IndexWriter, d: &IndexDoc) -> Result<()> {
        self.delete(writer, d.key);
        self.add(writer, d)
    }

    /// Stages a new document (no delete; for building from scratch).
    pub fn add(&self, writer: &IndexWriter, d: &IndexDoc) -> Result<()> {
        let f = &self.fields;
        let mut doc = doc!(
            f.key => d.key,
            f.title => d.title.as_str(),
            f.abstract_text => d.abstract_text.as_str(),
            f.status => d.status,
        );
        for a in &d.authors {
            doc.add_text(f.authors, a);
        }
        for t in &d.tags {
            doc.add_text(f.tags_text, t);
            doc.add_text(f.tag, t.to_lowercase());
        }
        for c in &d.collections {
            doc.add_text(f.collection, crate::db::collections::path_key(c));
        }
        if !d.note.is_empty() {
            doc.add_text(f.note, &d.note);
        }
        for (_, page) in &d.fulltext {
            doc.add_text(f.fulltext, page);
        }
        if !d.fulltext.is_empty() {
            let map =
                PREFIX_ANALYZER.with_borrow_mut(|an| pages::PageMap::of_pages(an, &d.fulltext));
            doc.add_bytes(f.page_map, &map.encode());
        }
        for a in &d.annotations {
            doc.add_text(f.annotation, a);
        }
        // The title twice: in the one field bare words are scored on, it weighs most.
        doc.add_text(f.body, &d.title);
        doc.add_text(f.body, &d.title);
        for a in &d.authors {
            doc.add_text(f.body, a);
        }
        for t in &d.tags {
            doc.add_text(f.body, t);
        }
        doc.add_text(f.body, &d.abstract_text);
        if !d.note.is_empty() {
            doc.add_text(f.body, &d.note);
        }
        PREFIX_ANALYZER.with_borrow_mut(|an| {
            let words =
                std::iter::once(d.title.as_str()).chain(d.authors.iter().map(String::as_str));
            for text in words {
                let mut stream = an.token_stream(text);
                while stream.advance() {
                    for prefix in analyzer::short_prefixes(&stream.token().text) {
                        doc.add_text(f.short_prefix, prefix);
                    }
                }
            }
        });
        if let Some(y) = d.year {
            doc.add_i64(f.year, i64::from(y));
        }
        doc.add_i64(f.added, d.added);
        if let Some(p) = d.published {
            doc.add_i64(f.published, p);
        }
        if let Some(u) = d.upvotes {
            doc.add_u64(f.upvotes, u);
        }
        for s in &d.sources {
            doc.add_text(f.source, s);
        }
        writer.add_document(doc)?;
        Ok(())
    }

    /// Stages removal of a work's document.
    pub fn delete(&self, writer: &IndexWriter, key: u64) {
        writer.delete_term(Term::from_field_u64(self.fields.key, key));
    }

    /// Commits staged changes, recording `seq` as applied, and reloads the reader.
    pub fn commit(&self, writer: &mut IndexWriter, seq: u64) -> Result<()> {
        let mut prepared = writer.prepare_commit()?;
        let payload = serde_json::to_string(&Payload {
            seq,
            schema: INDEX_SCHEMA_VERSION,
        })
        .unwrap_or_default();
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Documents visible to the current searcher.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

/// Removes a directory tree or a file, whichever is there (a damaged library may have either).
fn remove_any(path: &Path) -> Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path).map_err(|e| Error::io(path, e)),
        Ok(_) => fs::remove_file(path).map_err(|e| Error::io(path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}

#[cfg(test)]
mod tests {
    use tantivy::indexer::{LogMergePolicy, MergePolicy, NoMergePolicy};
    use tantivy::schema::{Schema, STRING};

    use super::*;

    #[test]
    fn single_edits_merge_among_themselves_not_with_the_library() {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(NoMergePolicy));
        for n in 0..5_000 {
            writer.add_document(doc!(id => format!("w{n}"))).unwrap();
        }
        writer.commit().unwrap();
        for n in 0..8 {
            writer.add_document(doc!(id => format!("e{n}"))).unwrap();
            writer.commit().unwrap();
        }
        let segments = index.searchable_segment_metas().unwrap();
        let library = segments
            .iter()
            .find(|s| s.num_docs() == 5_000)
            .unwrap()
            .id();
        let merged = |policy: &dyn MergePolicy| -> Vec<Vec<_>> {
            policy
                .compute_merge_candidates(&segments)
                .into_iter()
                .map(|c| c.0)
                .collect()
        };
        // tantivy's default would rewrite the whole library with the eight edits.
        assert!(merged(&LogMergePolicy::default())
            .iter()
            .any(|c| c.contains(&library)));
        let candidates = merged(&interactive_merge_policy());
        assert_eq!(candidates.len(), 1, "{candidates:?}");
        assert_eq!(candidates[0].len(), 8);
        assert!(!candidates[0].contains(&library));
    }
}
