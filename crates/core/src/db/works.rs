//! The `works` table and its satellites (versions, source records, aliases): identity
//! matching, merging upserts and loading.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::packed::{MaybeUnpacked, Packed};
use crate::error::{Error, Result};
use crate::model::{
    doi_key, parse_doi, DoiKind, FieldSource, NewPaper, Paper, PaperId, PaperVersion, PartialDate,
    SourceRecord, Status,
};
use crate::text::normalize_title;

/// How an upsert changed the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    /// A new work.
    Added(i64),
    /// An existing work gained or changed something.
    Updated(i64),
    /// The work already said all of this.
    Unchanged(i64),
}

impl Upserted {
    /// The work's key.
    pub fn key(self) -> i64 {
        match self {
            Upserted::Added(k) | Upserted::Updated(k) | Upserted::Unchanged(k) => k,
        }
    }
}

/// Precedence of a source's bibliographic fields (higher wins), per the merge rules:
/// arXiv API > snapshot > Hugging Face > Semantic Scholar; pasted page text is weakest.
pub fn source_rank(source: &str) -> i64 {
    match source {
        "arxiv-api" => 50,
        "arxiv-snapshot" => 40,
        "hf-api" => 30,
        "s2" => 20,
        "hf-page" => 10,
        _ => 5,
    }
}

/// The stored, source-supplied fields of a work, as merged.
#[derive(Debug, Clone, PartialEq, Default)]
struct Fields {
    arxiv_id: Option<String>,
    title: String,
    abstract_text: String,
    authors: Vec<String>,
    author_count: Option<u32>,
    organization: Option<String>,
    published: Option<PartialDate>,
    doi: Option<String>,
    categories: Vec<String>,
    journal_ref: Option<String>,
    comments: Option<String>,
    license: Option<String>,
    upvotes: Option<u32>,
}

impl Fields {
    fn from_new(p: &NewPaper) -> Fields {
        let mut arxiv_id = p.arxiv_id.as_ref().map(|a| a.as_str().to_string());
        // arXiv's own DOI is the arXiv id in another form; a malformed DOI is no identity.
        let doi = match p.doi.as_deref().and_then(parse_doi) {
            Some(DoiKind::Arxiv(id)) => {
                arxiv_id.get_or_insert_with(|| id.as_str().to_string());
                None
            }
            Some(DoiKind::Published(doi)) => Some(doi),
            None => None,
        };
        Fields {
            arxiv_id,
            title: p.title.clone(),
            abstract_text: p.abstract_text.clone(),
            authors: p.authors.clone(),
            author_count: p.author_count,
            organization: p.organization.clone(),
            published: p.published.filter(|d| !d.is_empty()),
            doi,
            categories: p.categories.clone(),
            journal_ref: p.journal_ref.clone(),
            comments: p.comments.clone(),
            license: p.license.clone(),
            upvotes: p.upvotes,
        }
    }

    /// Merges `new` into `self`: where both have a value, the higher-ranked source wins
    /// (ties go to the newer report); a missing value never erases a present one.
    fn merge(&self, new: &Fields, new_wins: bool) -> Fields {
        fn pick<T: Clone>(old: &Option<T>, new: &Option<T>, new_wins: bool) -> Option<T> {
            match (old, new) {
                (Some(_), Some(n)) if new_wins => Some(n.clone()),
                (Some(o), _) => Some(o.clone()),
                (None, n) => n.clone(),
            }
        }
        fn pick_str(old: &str, new: &str, new_wins: bool) -> String {
            if new.is_empty() || (!old.is_empty() && !new_wins) {
                old.to_string()
            } else {
                new.to_string()
            }
        }
        fn pick_vec(old: &[String], new: &[String], new_wins: bool) -> Vec<String> {
            if new.is_empty() || (!old.is_empty() && !new_wins) {
                old.to_vec()
            } else {
                new.to_vec()
            }
        }
        // A full date beats a partial one whoever reports it.
        let published = match (self.published, new.published) {
            (Some(o), Some(n)) if o.year.is_some() && n.year.is_none() => Some(o),
            (Some(o), Some(n)) if o.year.is_none() && n.year.is_some() => Some(n),
            (o, n) => pick(&o, &n, new_wins),
        };
        Fields {
            arxiv_id: self.arxiv_id.clone().or_else(|| new.arxiv_id.clone()),
            title: pick_str(&self.title, &new.title, new_wins),
            abstract_text: pick_str(&self.abstract_text, &new.abstract_text, new_wins),
            authors: pick_vec(&self.authors, &new.authors, new_wins),
            author_count: pick(&self.author_count, &new.author_count, new_wins),
            organization: pick(&self.organization, &new.organization, new_wins),
            published,
            doi: pick(&self.doi, &new.doi, new_wins),
            categories: pick_vec(&self.categories, &new.categories, new_wins),
            journal_ref: pick(&self.journal_ref, &new.journal_ref, new_wins),
            comments: pick(&self.comments, &new.comments, new_wins),
            license: pick(&self.license, &new.license, new_wins),
            // Counts belong to their source and are refreshed by it.
            upvotes: new.upvotes.or(self.upvotes),
        }
    }

    /// The fields whose value differs from `old` (all present ones when there is no old
    /// record): the fields the reporting source supplied, a [`PROVENANCE_FIELDS`] bit each.
    fn supplied_since(&self, old: Option<&Fields>) -> FieldSet {
        let empty = Fields::default();
        let old = old.unwrap_or(&empty);
        let differs = [
            self.arxiv_id != old.arxiv_id,
            self.title != old.title,
            self.abstract_text != old.abstract_text,
            self.authors != old.authors,
            self.author_count != old.author_count,
            self.organization != old.organization,
            self.published != old.published,
            self.doi != old.doi,
            self.categories != old.categories,
            self.journal_ref != old.journal_ref,
            self.comments != old.comments,
            self.license != old.license,
            self.upvotes != old.upvotes,
        ];
        FieldSet(
            differs
                .iter()
                .enumerate()
                .filter(|(_, d)| **d)
                .fold(0, |set, (bit, _)| set | 1 << bit),
        )
    }

    fn content_hash(&self) -> i64 {
        let text = format!("{self:?}");
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.as_bytes() {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        hash as i64
    }
}

/// Finds the work a new record belongs to: by arXiv id, else by exact normalised title when
/// the candidate is unambiguous and nothing contradicts it (another arXiv id, other authors).
fn find_existing(tx: &Transaction<'_>, new: &Fields, title_key: &str) -> Result<Option<i64>> {
    if let Some(arxiv) = &new.arxiv_id {
        let hit: Option<i64> = tx
            .prepare_cached("SELECT key FROM works WHERE arxiv_id = ?1")?
            .query_row([arxiv], |r| r.get(0))
            .optional()?;
        if hit.is_some() {
            return Ok(hit);
        }
    }
    if let Some(doi) = &new.doi {
        // The same published DOI is the same work, unless the two carry different arXiv ids.
        let hit: Option<(i64, Option<String>)> = tx
            .prepare_cached(
                // A subquery, not a join: see `tags::TAGS_OF`.
                "SELECT key, arxiv_id FROM works
                 WHERE key = (SELECT work_key FROM work_dois WHERE doi = ?1)",
            )?
            .query_row([doi_key(doi)], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((key, arxiv)) = hit {
            let ids_agree = match (&arxiv, &new.arxiv_id) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
            if ids_agree {
                return Ok(Some(key));
            }
        }
    }
    if title_key.is_empty() {
        return Ok(None);
    }
    let mut stmt =
        tx.prepare_cached("SELECT key, arxiv_id, authors FROM works WHERE title_key = ?1")?;
    let candidates: Vec<(i64, Option<String>, String)> = stmt
        .query_map([title_key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let compatible: Vec<i64> = candidates
        .into_iter()
        .filter(|(_, arxiv, authors)| {
            let ids_agree = match (arxiv, &new.arxiv_id) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
            let old_authors: Vec<String> = serde_json::from_str(authors).unwrap_or_default();
            ids_agree && authors_agree(&old_authors, &new.authors)
        })
        .map(|(k, _, _)| k)
        .collect();
    Ok(match compatible.as_slice() {
        [one] => Some(*one),
        _ => None,
    })
}

/// Two author lists agree when either is unknown or their first authors share a surname.
fn authors_agree(a: &[String], b: &[String]) -> bool {
    fn surname(name: &str) -> String {
        normalize_title(name.split_whitespace().last().unwrap_or(""))
    }
    match (a.first(), b.first()) {
        (Some(x), Some(y)) => surname(x) == surname(y),
        _ => true,
    }
}

/// Adds or merges one paper reported by `source` (`origin` says where within it). Fields over
/// their caps are cut (see [`crate::clean`]) and each cut is logged; [`upsert_noting`] hands
/// them to the caller's report instead.
pub fn upsert(
    tx: &Transaction<'_>,
    paper: &NewPaper,
    source: &str,
    origin: &str,
    now: &str,
) -> Result<Upserted> {
    let mut notices = Vec::new();
    let outcome = upsert_noting(tx, paper, source, origin, now, &mut notices)?;
    for notice in notices {
        tracing::warn!(title = %crate::clean::cut_to(&paper.title, 200), origin, "{notice}");
    }
    Ok(outcome)
}

/// [`upsert`], pushing a notice for each field that was cut to its cap or left out onto
/// `notices`. Every paper any importer or source writes comes through here: this is where its
/// text is stripped of control characters and cut to the caps ([`crate::clean::clean_paper`]).
pub fn upsert_noting(
    tx: &Transaction<'_>,
    paper: &NewPaper,
    source: &str,
    origin: &str,
    now: &str,
    notices: &mut Vec<String>,
) -> Result<Upserted> {
    upsert_at(tx, None, paper, source, origin, now, notices)
}

/// Merges one paper into the work `key`, which the caller has already identified (an entry
/// imported before under the same citation key): like [`upsert_noting`] without the identity
/// search. Fields `paper` leaves empty keep the work's values.
pub fn merge_into(
    tx: &Transaction<'_>,
    key: i64,
    paper: &NewPaper,
    source: &str,
    origin: &str,
    now: &str,
    notices: &mut Vec<String>,
) -> Result<Upserted> {
    upsert_at(tx, Some(key), paper, source, origin, now, notices)
}

fn upsert_at(
    tx: &Transaction<'_>,
    known: Option<i64>,
    paper: &NewPaper,
    source: &str,
    origin: &str,
    now: &str,
    notices: &mut Vec<String>,
) -> Result<Upserted> {
    let (paper, cut) = crate::clean::clean_paper(paper);
    notices.extend(cut);
    let paper = &*paper;
    let new = Fields::from_new(paper);
    let title_key = normalize_title(&new.title);
    let rank = source_rank(source);
    let found = match known {
        Some(key) => Some(key),
        None => find_existing(tx, &new, &title_key)?,
    };
    let outcome = match found {
        None => {
            let id = match &paper.arxiv_id {
                Some(a) => PaperId::from_arxiv(a),
                None => PaperId::from_title_key(&title_key),
            };
            let key = insert(tx, &id, &new, &title_key, rank, now)?;
            record_provenance(tx, key, new.supplied_since(None), true, source, origin, now)?;
            Upserted::Added(key)
        }
        Some(key) => {
            let (old, old_rank, old_hash) = load_fields(tx, key)?;
            let merged = old.merge(&new, rank >= old_rank);
            let hash = merged.content_hash();
            let mut changed = hash != old_hash;
            if changed {
                update(
                    tx,
                    key,
                    &merged,
                    &normalize_title(&merged.title),
                    rank.max(old_rank),
                    hash,
                    now,
                )?;
                if old.arxiv_id.is_none() && merged.arxiv_id.is_some() {
                    promote_id(tx, key, merged.arxiv_id.as_deref().unwrap_or_default())?;
                }
                let supplied = merged.supplied_since(Some(&old));
                record_provenance(tx, key, supplied, false, source, origin, now)?;
            }
            let newest_before = newest_version(tx, key)?;
            if add_versions(tx, key, &paper.versions)? {
                changed = true;
                // A newer version of a paper the user already has is worth a flag.
                if newest_before
                    .is_some_and(|before| newest_version(tx, key).ok().flatten() > Some(before))
                {
                    super::signals::flag_new_version(tx, key, now)?;
                }
            }
            if changed {
                touch(tx, key, now)?;
                Upserted::Updated(key)
            } else {
                Upserted::Unchanged(key)
            }
        }
    };
    let key = outcome.key();
    if let Upserted::Added(_) = outcome {
        add_versions(tx, key, &paper.versions)?;
    }
    if let Some(doi) = &new.doi {
        let linked = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO work_dois (doi, work_key, source, first_seen)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![doi_key(doi), key, source, now])?;
        if linked == 0 {
            let owner: i64 = tx
                .prepare_cached("SELECT work_key FROM work_dois WHERE doi = ?1")?
                .query_row([doi_key(doi)], |r| r.get(0))?;
            if owner != key {
                tracing::warn!(%doi, key, owner, "DOI already belongs to another work; not linked");
            }
        }
    }
    let new_source = matches!(outcome, Upserted::Unchanged(_))
        && !tx
            .prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM source_records WHERE work_key = ?1 AND source = ?2)",
            )?
            .query_row(params![key, source], |r| r.get::<_, bool>(0))?;
    tx.prepare_cached(
        "INSERT OR IGNORE INTO source_records (work_key, source, origin, first_seen, last_seen)
         VALUES (?1, ?2, ?3, ?4, ?4)",
    )?
    .execute(params![key, source, origin, now])?;
    if new_source {
        // The index holds the sources (`source:` and facets): a source reporting a work it
        // adds nothing else to still changes the work's document.
        super::changes::record(tx, key)?;
    }
    Ok(outcome)
}

/// The field names provenance is kept for, in bit order (see migration 0010).
pub const PROVENANCE_FIELDS: [&str; 13] = [
    "arxivId",
    "title",
    "abstract",
    "authors",
    "authorCount",
    "organization",
    "published",
    "doi",
    "categories",
    "journalRef",
    "comments",
    "license",
    "upvotes",
];

/// A set of [`PROVENANCE_FIELDS`], a bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FieldSet(i64);

/// Records that `origin` supplied `fields` of a work now. `fresh`: the work was just inserted,
/// so no earlier origin holds any of its fields.
fn record_provenance(
    tx: &Transaction<'_>,
    key: i64,
    fields: FieldSet,
    fresh: bool,
    source: &str,
    origin: &str,
    now: &str,
) -> Result<()> {
    if fields.0 == 0 {
        return Ok(());
    }
    // One origin row per source, origin and transaction time: a bulk import shares it across
    // every work of a batch. The no-op update makes RETURNING answer for an existing row too.
    let origin_id: i64 = tx
        .prepare_cached(
            "INSERT INTO provenance_origins (source, origin, set_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (source, origin, set_at) DO UPDATE SET source = excluded.source
             RETURNING id",
        )?
        .query_row(params![source, origin, now], |r| r.get(0))?;
    if !fresh {
        // These fields now come from `origin`: take them from the origins that had them,
        // dropping an origin left with none (a set is never empty).
        tx.prepare_cached(
            "DELETE FROM field_origin_sets
             WHERE work_key = ?1 AND origin_id <> ?3 AND fields & ~?2 = 0",
        )?
        .execute(params![key, fields.0, origin_id])?;
        tx.prepare_cached(
            "UPDATE field_origin_sets SET fields = fields & ~?2
             WHERE work_key = ?1 AND origin_id <> ?3 AND fields & ?2 <> 0",
        )?
        .execute(params![key, fields.0, origin_id])?;
    }
    tx.prepare_cached(
        "INSERT INTO field_origin_sets (work_key, origin_id, fields) VALUES (?1, ?2, ?3)
         ON CONFLICT (work_key, origin_id) DO UPDATE SET fields = fields | excluded.fields",
    )?
    .execute(params![key, origin_id, fields.0])?;
    Ok(())
}

/// Which source supplied each field of a work, by field name.
pub fn provenance(conn: &Connection, key: i64) -> Result<Vec<FieldSource>> {
    let rows = conn
        .prepare_cached(
            "SELECT f.fields, o.source, o.origin, o.set_at
             FROM field_origin_sets f JOIN provenance_origins o ON o.id = f.origin_id
             WHERE f.work_key = ?1",
        )?
        .query_map([key], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out: Vec<FieldSource> = rows
        .into_iter()
        .flat_map(|(fields, source, origin, set_at)| {
            PROVENANCE_FIELDS
                .iter()
                .enumerate()
                .filter(move |(bit, _)| fields & (1 << bit) != 0)
                .map(move |(_, field)| FieldSource {
                    field: (*field).to_string(),
                    source: source.clone(),
                    origin: origin.clone(),
                    set_at: set_at.clone(),
                })
        })
        .collect();
    out.sort_by(|a, b| a.field.cmp(&b.field));
    Ok(out)
}

/// Every published DOI linked to a work, lower-cased, sorted.
pub fn dois(conn: &Connection, key: i64) -> Result<Vec<String>> {
    Ok(conn
        .prepare_cached("SELECT doi FROM work_dois WHERE work_key = ?1 ORDER BY doi")?
        .query_map([key], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

fn insert(
    tx: &Transaction<'_>,
    id: &PaperId,
    f: &Fields,
    title_key: &str,
    rank: i64,
    now: &str,
) -> Result<i64> {
    let authors = serde_json::to_string(&f.authors).unwrap_or_else(|_| "[]".into());
    // A title id can collide only for a different paper with the same title (kept apart by the
    // author check); give it a suffix rather than fail.
    let mut candidate = id.as_str().to_string();
    for n in 2.. {
        let taken: bool = tx
            .prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM works WHERE id = ?1)
                     OR EXISTS(SELECT 1 FROM work_aliases WHERE alias = ?1)",
            )?
            .query_row([&candidate], |r| r.get(0))?;
        if !taken {
            break;
        }
        candidate = format!("{}-{n}", id.as_str());
    }
    tx.prepare_cached(
        "INSERT INTO works (id, arxiv_id, title, title_key, abstract, authors, author_count,
            organization, published, year, doi, categories, journal_ref, comments, license,
            upvotes, status, field_rank, content_hash, added_at, modified_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 'inbox',
            ?17, ?18, ?19, ?19)",
    )?
    .execute(params![
        candidate,
        f.arxiv_id,
        f.title,
        title_key,
        Packed(&f.abstract_text),
        authors,
        f.author_count,
        f.organization,
        f.published.map(|d| d.sort_key()),
        f.published.and_then(|d| d.year),
        f.doi,
        f.categories.join(" "),
        f.journal_ref,
        f.comments,
        f.license,
        f.upvotes,
        rank,
        f.content_hash(),
        now,
    ])?;
    Ok(tx.last_insert_rowid())
}

fn update(
    tx: &Transaction<'_>,
    key: i64,
    f: &Fields,
    title_key: &str,
    rank: i64,
    hash: i64,
    now: &str,
) -> Result<()> {
    let authors = serde_json::to_string(&f.authors).unwrap_or_else(|_| "[]".into());
    tx.prepare_cached(
        "UPDATE works SET arxiv_id = ?2, title = ?3, title_key = ?4, abstract = ?5, authors = ?6,
            author_count = ?7, organization = ?8, published = ?9, year = ?10, doi = ?11,
            categories = ?12, journal_ref = ?13, comments = ?14, license = ?15, upvotes = ?16,
            field_rank = ?17, content_hash = ?18, modified_at = ?19
         WHERE key = ?1",
    )?
    .execute(params![
        key,
        f.arxiv_id,
        f.title,
        title_key,
        Packed(&f.abstract_text),
        authors,
        f.author_count,
        f.organization,
        f.published.map(|d| d.sort_key()),
        f.published.and_then(|d| d.year),
        f.doi,
        f.categories.join(" "),
        f.journal_ref,
        f.comments,
        f.license,
        f.upvotes,
        rank,
        hash,
        now,
    ])?;
    // Every field was written anew, so whatever could not be read before is gone.
    super::unreadable::clear(tx, key)?;
    Ok(())
}

/// Gives a work first known by its title the arXiv id as public id; the old id stays an alias.
fn promote_id(tx: &Transaction<'_>, key: i64, arxiv_id: &str) -> Result<()> {
    let old: String = tx.query_row("SELECT id FROM works WHERE key = ?1", [key], |r| r.get(0))?;
    if old == arxiv_id {
        return Ok(());
    }
    tx.execute(
        "INSERT OR REPLACE INTO work_aliases (alias, work_key) VALUES (?1, ?2)",
        params![old, key],
    )?;
    tx.execute(
        "UPDATE works SET id = ?2 WHERE key = ?1",
        params![key, arxiv_id],
    )?;
    Ok(())
}

fn newest_version(tx: &Transaction<'_>, key: i64) -> Result<Option<u32>> {
    Ok(tx
        .prepare_cached("SELECT MAX(version) FROM work_versions WHERE work_key = ?1")?
        .query_row([key], |r| r.get(0))?)
}

fn add_versions(tx: &Transaction<'_>, key: i64, versions: &[PaperVersion]) -> Result<bool> {
    let mut added = false;
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO work_versions (work_key, version, created) VALUES (?1, ?2, ?3)",
    )?;
    for v in versions {
        added |= stmt.execute(params![key, v.version, v.created])? > 0;
    }
    Ok(added)
}

/// Marks a work as modified now.
pub fn touch(conn: &Connection, key: i64, now: &str) -> Result<()> {
    conn.prepare_cached("UPDATE works SET modified_at = ?2 WHERE key = ?1")?
        .execute(params![key, now])?;
    Ok(())
}

fn load_fields(conn: &Connection, key: i64) -> Result<(Fields, i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT arxiv_id, title, abstract, authors, author_count, organization, published,
                doi, categories, journal_ref, comments, license, upvotes, field_rank, content_hash
             FROM works WHERE key = ?1",
        )?
        .query_row([key], |r| {
            let authors: String = r.get(3)?;
            let published: Option<String> = r.get(6)?;
            let categories: String = r.get(8)?;
            let abstract_text: MaybeUnpacked = r.get(2)?;
            // The stored hash describes the abstract that is lost: a hash no merge result has
            // makes the next report of the work write its fields again, repairing the row.
            let hash: i64 = match abstract_text.0 {
                Ok(_) => r.get(14)?,
                Err(_) => UNREADABLE_HASH,
            };
            Ok((
                Fields {
                    arxiv_id: r.get(0)?,
                    title: r.get(1)?,
                    abstract_text: readable(key, abstract_text),
                    authors: serde_json::from_str(&authors).unwrap_or_default(),
                    author_count: r.get(4)?,
                    organization: r.get(5)?,
                    published: published.as_deref().and_then(PartialDate::from_sort_key),
                    doi: r.get(7)?,
                    categories: split_categories(&categories),
                    journal_ref: r.get(9)?,
                    comments: r.get(10)?,
                    license: r.get(11)?,
                    upvotes: r.get(12)?,
                },
                r.get(13)?,
                hash,
            ))
        })?)
}

/// The content hash [`load_fields`] reports for a work whose abstract cannot be read.
const UNREADABLE_HASH: i64 = i64::MIN;

/// A stored abstract, or empty when it cannot be read back (logged): the rest of the work
/// still shows and merges, and a new import of the work writes a readable one over it. The
/// index catch-up records such works for `papershelf stats` (see [`index_doc`]).
fn readable(key: i64, text: MaybeUnpacked) -> String {
    text.0.unwrap_or_else(|reason| {
        tracing::warn!(key, %reason, "a paper's abstract cannot be read; shown without it");
        String::new()
    })
}

fn split_categories(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

/// Resolves a public id or alias to the work key.
pub fn key_of(conn: &Connection, id: &PaperId) -> Result<i64> {
    let found: Option<i64> = conn
        .prepare_cached(
            "SELECT key FROM works WHERE id = ?1
             UNION ALL SELECT work_key FROM work_aliases WHERE alias = ?1 LIMIT 1",
        )?
        .query_row([id.as_str()], |r| r.get(0))
        .optional()?;
    if let Some(key) = found {
        return Ok(key);
    }
    // Other names of a work: a published DOI, arXiv's DOI, or an arXiv id in any form
    // (versioned, `arXiv:` prefix, abs/pdf URL).
    let text = id.as_str();
    let by_other_name: Option<i64> = match parse_doi(text) {
        Some(DoiKind::Published(doi)) => conn
            .prepare_cached("SELECT work_key FROM work_dois WHERE doi = ?1")?
            .query_row([doi_key(&doi)], |r| r.get(0))
            .optional()?,
        Some(DoiKind::Arxiv(arxiv)) => arxiv_key(conn, arxiv.as_str())?,
        None => match crate::model::ArxivId::parse(text) {
            Ok((arxiv, _)) => arxiv_key(conn, arxiv.as_str())?,
            Err(_) => None,
        },
    };
    by_other_name.ok_or_else(|| Error::PaperNotFound(id.clone()))
}

fn arxiv_key(conn: &Connection, arxiv_id: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT key FROM works WHERE arxiv_id = ?1")?
        .query_row([arxiv_id], |r| r.get(0))
        .optional()?)
}

/// Sets a work's reading status; true when it changed.
pub fn set_status(conn: &Connection, key: i64, status: Status, now: &str) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE works SET status = ?2, modified_at = ?3 WHERE key = ?1 AND status != ?2",
        )?
        .execute(params![key, status.as_str(), now])?;
    Ok(n > 0)
}

/// The compact row a list or search result shows.
#[derive(Debug, Clone)]
pub struct SummaryRow {
    /// Key.
    pub key: i64,
    /// Public id.
    pub id: String,
    /// arXiv id.
    pub arxiv_id: Option<String>,
    /// Title.
    pub title: String,
    /// Abstract.
    pub abstract_text: String,
    /// Authors.
    pub authors: Vec<String>,
    /// Author count.
    pub author_count: Option<u32>,
    /// Organisation.
    pub organization: Option<String>,
    /// Year.
    pub year: Option<i32>,
    /// Published date.
    pub published: Option<PartialDate>,
    /// Upvotes.
    pub upvotes: Option<u32>,
    /// Status.
    pub status: Status,
    /// Added timestamp.
    pub added_at: String,
}

/// Columns [`summary_from_row`] reads, in order.
pub const SUMMARY_COLUMNS: &str = "key, id, arxiv_id, title, abstract, authors, author_count, \
    organization, year, published, upvotes, status, added_at";

/// Reads a row selected with [`SUMMARY_COLUMNS`].
pub fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SummaryRow> {
    let authors: String = r.get(5)?;
    let published: Option<String> = r.get(9)?;
    let status: String = r.get(11)?;
    Ok(SummaryRow {
        key: r.get(0)?,
        id: r.get(1)?,
        arxiv_id: r.get(2)?,
        title: r.get(3)?,
        abstract_text: readable(r.get(0)?, r.get(4)?),
        authors: serde_json::from_str(&authors).unwrap_or_default(),
        author_count: r.get(6)?,
        organization: r.get(7)?,
        year: r.get(8)?,
        published: published.as_deref().and_then(PartialDate::from_sort_key),
        upvotes: r.get(10)?,
        status: status.parse().unwrap_or_default(),
        added_at: r.get(12)?,
    })
}

/// The summary rows of `keys`, in the order given, in one query (a page of results reads its
/// papers together, not one statement each); keys without a work are left out.
pub fn summaries(conn: &Connection, keys: &[i64]) -> Result<Vec<SummaryRow>> {
    let mut by_key: std::collections::HashMap<i64, SummaryRow> = conn
        .prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM works WHERE key IN (SELECT value FROM json_each(?1))"
        ))?
        .query_map([key_list(keys)], summary_from_row)?
        .filter_map(|row| skip_unreadable(row).transpose())
        .map(|row| row.map(|row| (row.key, row)))
        .collect::<rusqlite::Result<_>>()?;
    Ok(keys.iter().filter_map(|k| by_key.remove(k)).collect())
}

/// The rows a list page can show: a row whose values cannot be read (text that is not UTF-8)
/// is left out and logged, so the others still show.
pub fn readable_rows(
    rows: impl Iterator<Item = rusqlite::Result<SummaryRow>>,
) -> Result<Vec<SummaryRow>> {
    Ok(rows
        .filter_map(|row| skip_unreadable(row).transpose())
        .collect::<rusqlite::Result<_>>()?)
}

fn skip_unreadable(row: rusqlite::Result<SummaryRow>) -> rusqlite::Result<Option<SummaryRow>> {
    match row {
        Ok(row) => Ok(Some(row)),
        Err(e) if super::unreadable::is_row_damage(&e) => {
            tracing::warn!(error = %e, "a paper cannot be read; left out of the list");
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

pub use super::key_list;

/// A work's arXiv id and DOI, as stored.
pub fn external_ids(conn: &Connection, key: i64) -> Result<(Option<String>, Option<String>)> {
    Ok(conn.query_row(
        "SELECT arxiv_id, doi FROM works WHERE key = ?1",
        [key],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// The interchange entries a work was imported from, oldest first (see migration 0013).
pub fn imported_records(conn: &Connection, key: i64) -> Result<Vec<crate::model::ImportedRecord>> {
    let rows = conn
        .prepare_cached(
            "SELECT entry_key, entry_type, origin, format, preprint FROM import_raw
             WHERE work_key = ?1 ORDER BY first_imported_at, origin, line, entry_key, format",
        )?
        .query_map([key], |r| {
            Ok(crate::model::ImportedRecord {
                key: r.get(0)?,
                entry_type: Some(r.get::<_, String>(1)?).filter(|t| !t.is_empty()),
                origin: r.get(2)?,
                format: r.get(3)?,
                preprint: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Loads everything about one work.
pub fn load_paper(conn: &Connection, key: i64) -> Result<Paper> {
    let (f, _, _) = load_fields(conn, key)?;
    let (id, status, added_at, modified_at, year): (String, String, String, String, Option<i32>) =
        conn.prepare_cached(
            "SELECT id, status, added_at, modified_at, year FROM works WHERE key = ?1",
        )?
        .query_row([key], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
    let versions = conn
        .prepare_cached(
            "SELECT version, created FROM work_versions WHERE work_key = ?1 ORDER BY version",
        )?
        .query_map([key], |r| {
            Ok(PaperVersion {
                version: r.get(0)?,
                created: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let sources = conn
        .prepare_cached(
            "SELECT source, origin, first_seen, last_seen FROM source_records
             WHERE work_key = ?1 ORDER BY first_seen, source, origin",
        )?
        .query_map([key], |r| {
            Ok(SourceRecord {
                source: r.get(0)?,
                origin: r.get(1)?,
                first_seen: r.get(2)?,
                last_seen: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut paper = Paper {
        id: PaperId::new(id),
        arxiv_id: f.arxiv_id,
        title: f.title,
        abstract_text: f.abstract_text,
        authors: f.authors,
        author_count: f.author_count,
        organization: f.organization,
        year,
        published: f.published,
        versions,
        doi: f.doi,
        categories: f.categories,
        journal_ref: f.journal_ref,
        comments: f.comments,
        license: f.license,
        upvotes: f.upvotes,
        tags: super::tags::tags_of(conn, key)?,
        collections: super::collections::paths_of(conn, key)?,
        new_version: super::signals::has_new_version(conn, key)?,
        signals: super::signals::load(conn, key)?,
        status: status.parse().unwrap_or_default(),
        note: super::notes::note(conn, key)?,
        sources,
        provenance: provenance(conn, key)?,
        dois: dois(conn, key)?,
        added_at,
        modified_at,
        links: Vec::new(),
        records: imported_records(conn, key)?,
    };
    paper.links = crate::model::links_of(&paper);
    Ok(paper)
}

/// Appends ` AND …` conditions on `w` (an alias of `works`) for a status, a tag and a
/// collection (its path, in any case) to `sql`, and their values to `args` as numbered parameters.
pub fn push_scope(
    sql: &mut String,
    args: &mut Vec<String>,
    status: Option<Status>,
    tag: Option<&str>,
    collection: Option<&str>,
) {
    if let Some(s) = status {
        args.push(s.as_str().to_string());
        sql.push_str(&format!(" AND w.status = ?{}", args.len()));
    }
    if let Some(t) = tag {
        args.push(t.trim().trim_start_matches('#').to_string());
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM work_tags wt JOIN tags t ON t.key = wt.tag_key
               WHERE wt.work_key = w.key AND t.name = ?{})",
            args.len()
        ));
    }
    if let Some(c) = collection {
        args.push(super::collections::path_key(c));
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM collection_works cw
               JOIN collections c ON c.key = cw.collection_key
               WHERE cw.work_key = w.key AND c.name_key = ?{})",
            args.len()
        ));
    }
}

/// The index document of a work, or `None` when it is gone, in the trash, or cannot be read
/// at all: such a work is logged and recorded (see [`crate::Library::unreadable_papers`]) and left
/// out, so one damaged row does not stop the index from taking every later change.
pub fn indexable(conn: &Connection, key: i64) -> Result<Option<crate::index::IndexDoc>> {
    match index_doc(conn, key) {
        Ok(doc) => Ok(doc),
        Err(Error::Db(e)) if super::unreadable::is_row_damage(&e) => {
            tracing::warn!(key, error = %e, "a paper cannot be read; left out of the search index");
            super::unreadable::record(conn, key, &e.to_string(), true, &super::now())?;
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The text the search index holds for one work; `None` when the work no longer exists or
/// is in the trash.
pub fn index_doc(conn: &Connection, key: i64) -> Result<Option<crate::index::IndexDoc>> {
    let row = conn
        .prepare_cached(
            "SELECT title, authors, abstract, year, status, added_at, published, upvotes FROM works
             WHERE key = ?1 AND deleted_at IS NULL",
        )?
        .query_row([key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, MaybeUnpacked>(2)?.0,
                r.get::<_, Option<i32>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<i64>>(7)?,
            ))
        })
        .optional()?;
    let Some((title, authors, abstract_text, year, status, added_at, published, upvotes)) = row
    else {
        return Ok(None);
    };
    // A damaged abstract is left out of the index, not the whole work: recorded so `stats`
    // can name the paper.
    let abstract_text = match abstract_text {
        Ok(text) => text,
        Err(reason) => {
            tracing::warn!(key, %reason, "a paper's abstract cannot be read; indexed without it");
            let why = format!("abstract: {reason}");
            super::unreadable::record(conn, key, &why, false, &super::now())?;
            String::new()
        }
    };
    Ok(Some(crate::index::IndexDoc {
        key: key as u64,
        title,
        authors: serde_json::from_str(&authors).unwrap_or_default(),
        abstract_text,
        tags: super::tags::tags_of(conn, key)?,
        collections: super::collections::paths_of(conn, key)?,
        note: super::notes::note(conn, key)?
            .map(|n| n.body)
            .unwrap_or_default(),
        fulltext: super::pdf_text::indexed_pages(conn, key)?,
        annotations: super::annotations::index_texts(conn, key)?,
        year,
        status: status.parse::<Status>().unwrap_or_default().as_str(),
        added: crate::index::added_key(&added_at),
        published: published
            .as_deref()
            .and_then(PartialDate::from_sort_key)
            .and_then(|d| crate::index::published_key(&d)),
        upvotes: upvotes.and_then(|u| u64::try_from(u).ok()),
        sources: source_families(conn, key)?,
    }))
}

/// The distinct source families (see [`crate::index::source_family`]) that reported a work,
/// sorted.
pub fn source_families(conn: &Connection, key: i64) -> Result<Vec<String>> {
    let mut out: Vec<String> = conn
        .prepare_cached("SELECT DISTINCT source FROM source_records WHERE work_key = ?1")?
        .query_map([key], |r| r.get::<_, String>(0))?
        .map(|s| s.map(|s| crate::index::source_family(&s)))
        .collect::<rusqlite::Result<_>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

/// Works not in the trash: all minus the trashed, as both counts come from indexes (where
/// `deleted_at IS NULL` alone would scan the table).
pub fn live_count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row(
        "SELECT (SELECT COUNT(*) FROM works)
              - (SELECT COUNT(*) FROM works WHERE deleted_at IS NOT NULL)",
        [],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

/// A work's public id.
pub fn id_of(conn: &Connection, key: i64) -> Result<String> {
    Ok(conn.query_row("SELECT id FROM works WHERE key = ?1", [key], |r| r.get(0))?)
}

/// True when a work with this arXiv id is stored (the trash included).
pub fn has_arxiv_id(conn: &Connection, arxiv_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM works WHERE arxiv_id = ?1)")?
        .query_row([arxiv_id], |r| r.get(0))?)
}

/// The key of the work with this arXiv id, if any.
pub fn key_by_arxiv_id(conn: &Connection, arxiv_id: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT key FROM works WHERE arxiv_id = ?1")?
        .query_row([arxiv_id], |r| r.get(0))
        .optional()?)
}

/// A page of the works not in the trash, filtered by status, tag and collection (see
/// [`push_scope`]) and ordered by `sort`; unreadable rows are left out.
#[allow(clippy::too_many_arguments)]
pub fn list_live(
    conn: &Connection,
    status: Option<Status>,
    tag: Option<&str>,
    collection: Option<&str>,
    sort: crate::model::ListSort,
    limit: usize,
    offset: usize,
) -> Result<Vec<SummaryRow>> {
    use crate::model::ListSort;
    let columns = SUMMARY_COLUMNS
        .split(", ")
        .map(|c| format!("w.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut sql = format!("SELECT {columns} FROM works w WHERE w.deleted_at IS NULL");
    let mut args: Vec<String> = Vec::new();
    push_scope(&mut sql, &mut args, status, tag, collection);
    let order = match sort {
        ListSort::Added => "w.added_at DESC, w.key DESC",
        ListSort::Published => "w.published IS NULL, w.published DESC, w.key DESC",
        ListSort::Upvotes => "w.upvotes IS NULL, w.upvotes DESC, w.key DESC",
    };
    sql.push_str(&format!(" ORDER BY {order} LIMIT {limit} OFFSET {offset}"));
    let mut stmt = conn.prepare(&sql)?;
    let rows =
        readable_rows(stmt.query_map(rusqlite::params_from_iter(args.iter()), summary_from_row)?)?;
    Ok(rows)
}

/// Works not in the trash per status name, in one pass over the (deleted_at, status) index.
pub fn live_status_counts(conn: &Connection) -> Result<std::collections::HashMap<String, u64>> {
    Ok(conn
        .prepare_cached(
            "SELECT status, COUNT(*) FROM works WHERE deleted_at IS NULL GROUP BY status",
        )?
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// Every (work, source name) pair of the source records, once each.
pub fn sources_by_work(conn: &Connection) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare("SELECT DISTINCT work_key, source FROM source_records")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// What the index rebuild reads of a work besides its key and year.
pub struct LiveRow {
    /// Title.
    pub title: String,
    /// Authors as stored (a JSON array).
    pub authors: String,
    /// The abstract, or why it cannot be read.
    pub abstract_text: std::result::Result<String, String>,
    /// Status name.
    pub status: String,
    /// When it was added (RFC 3339).
    pub added_at: String,
    /// Publication date's sort key.
    pub published: Option<String>,
    /// Hugging Face upvotes.
    pub upvotes: Option<i64>,
}

/// Calls `f` for each work not in the trash with its key, its fields (an error when the row
/// cannot be read) and its year; stops at the first error `f` returns.
pub fn for_each_live(
    conn: &Connection,
    mut f: impl FnMut(i64, rusqlite::Result<LiveRow>, rusqlite::Result<Option<i32>>) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT key, title, authors, abstract, year, status, added_at, published, upvotes
         FROM works WHERE deleted_at IS NULL",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let key: i64 = r.get(0)?;
        let read = (|| -> rusqlite::Result<_> {
            Ok(LiveRow {
                title: r.get(1)?,
                authors: r.get(2)?,
                abstract_text: r.get::<_, MaybeUnpacked>(3)?.0,
                status: r.get(5)?,
                added_at: r.get(6)?,
                published: r.get(7)?,
                upvotes: r.get(8)?,
            })
        })();
        f(key, read, r.get(4))?;
    }
    Ok(())
}

/// What citation keys are made from, for one work (the trash included).
pub struct KeyRow {
    /// The work's key.
    pub key: i64,
    /// Its public id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The first author, if any.
    pub first_author: Option<String>,
    /// Organisation named instead of authors.
    pub organization: Option<String>,
    /// Publication year.
    pub year: Option<i32>,
    /// When it was added (RFC 3339).
    pub added_at: String,
}

/// Every work's citation-key material.
pub fn key_sources(conn: &Connection) -> Result<Vec<KeyRow>> {
    let mut stmt =
        conn.prepare("SELECT key, id, title, authors, organization, year, added_at FROM works")?;
    let rows = stmt
        .query_map([], |r| {
            let authors: String = r.get(3)?;
            let authors: Vec<String> = serde_json::from_str(&authors).unwrap_or_default();
            Ok(KeyRow {
                key: r.get(0)?,
                id: r.get(1)?,
                title: r.get(2)?,
                first_author: authors.into_iter().next(),
                organization: r.get(4)?,
                year: r.get(5)?,
                added_at: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The (key, id) of every work not in the trash within a status, tag and collection scope
/// (see [`push_scope`]).
pub fn live_ids_in_scope(
    conn: &Connection,
    status: Option<Status>,
    tag: Option<&str>,
    collection: Option<&str>,
) -> Result<Vec<(i64, String)>> {
    let mut sql = String::from("SELECT w.key, w.id FROM works w WHERE w.deleted_at IS NULL");
    let mut args: Vec<String> = Vec::new();
    push_scope(&mut sql, &mut args, status, tag, collection);
    let rows = conn
        .prepare(&sql)?
        .query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(names: &[&str]) -> FieldSet {
        FieldSet(names.iter().fold(0, |set, name| {
            let bit = PROVENANCE_FIELDS.iter().position(|f| f == name).unwrap();
            set | 1 << bit
        }))
    }

    #[test]
    fn a_source_that_supplies_every_field_another_had_takes_its_place() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::db::open(&dir.path().join("t.sqlite")).unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute_batch(
            "INSERT INTO works (key, id, title, title_key, added_at, modified_at)
                 VALUES (1, 'w1', 'T', 't', 'now', 'now')",
        )
        .unwrap();
        let t1 = "2026-01-01T00:00:00Z";
        let t2 = "2026-01-02T00:00:00Z";
        record_provenance(&tx, 1, bits(&["title", "license"]), true, "a", "one", t1).unwrap();
        record_provenance(&tx, 1, bits(&["upvotes"]), false, "hf", "day", t1).unwrap();
        // Everything "a" supplied now comes from "b" (the failure here was a set left empty).
        let all = bits(&["title", "license", "abstract"]);
        record_provenance(&tx, 1, all, false, "b", "two", t2).unwrap();
        let of: Vec<(String, String)> = provenance(&tx, 1)
            .unwrap()
            .into_iter()
            .map(|f| (f.field, f.source))
            .collect();
        let pair = |f: &str, s: &str| (f.to_string(), s.to_string());
        assert_eq!(
            of,
            [
                pair("abstract", "b"),
                pair("license", "b"),
                pair("title", "b"),
                pair("upvotes", "hf"),
            ]
        );
        let sets: i64 = tx
            .query_row("SELECT COUNT(*) FROM field_origin_sets", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sets, 2, "the origin left with nothing is gone");
        // Part of a set moving keeps the rest where it was.
        record_provenance(&tx, 1, bits(&["title"]), false, "c", "three", t2).unwrap();
        let sources: Vec<String> = provenance(&tx, 1)
            .unwrap()
            .into_iter()
            .map(|f| format!("{}={}", f.field, f.source))
            .collect();
        assert_eq!(
            sources,
            ["abstract=b", "license=b", "title=c", "upvotes=hf"]
        );
    }
}
