use std::fmt;

use serde::{Deserialize, Serialize};

use super::{ArxivId, PartialDate, Status};

/// A work's stable public id: the arXiv id without version when known (`2310.02579`,
/// `hep-th/9901001`), else `t-` and 16 hex digits derived from the normalised title.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(transparent)]
pub struct PaperId(String);

impl PaperId {
    /// Wraps an id string as given (lookups validate against the library, not here).
    pub fn new(id: impl Into<String>) -> Self {
        PaperId(id.into().trim().to_string())
    }

    /// The id of a work known by its arXiv id.
    pub fn from_arxiv(id: &ArxivId) -> Self {
        PaperId(id.as_str().to_string())
    }

    /// The id of a work known only by its title: a stable hash of the normalised title.
    pub fn from_title_key(title_key: &str) -> Self {
        PaperId(format!("t-{:016x}", fnv1a64(title_key.as_bytes())))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PaperId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// FNV-1a: tiny, dependency-free and, unlike `DefaultHasher`, stable across Rust releases,
/// which a persisted id needs.
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// One arXiv version of a work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PaperVersion {
    /// Version number, 1 for `v1`.
    pub version: u32,
    /// When the version was submitted, as the source gave it (RFC 2822 or ISO 8601).
    pub created: String,
}

/// A paper as an importer or a source hands it to the library. Only the title is required;
/// everything else is filled when the source knows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewPaper {
    /// arXiv id without version, when known.
    pub arxiv_id: Option<ArxivId>,
    /// Title with whitespace collapsed.
    pub title: String,
    /// Abstract with whitespace collapsed; empty when unknown.
    pub abstract_text: String,
    /// Authors in order, "First Last".
    pub authors: Vec<String>,
    /// The number of authors when the source gives only a count ("7 authors").
    pub author_count: Option<u32>,
    /// The organisation a source names instead of authors.
    pub organization: Option<String>,
    /// First publication date (v1), possibly partial.
    pub published: Option<PartialDate>,
    /// arXiv versions seen, oldest first.
    pub versions: Vec<PaperVersion>,
    /// Published-version DOI (never the `10.48550/arXiv.` alias).
    pub doi: Option<String>,
    /// arXiv categories, primary first.
    pub categories: Vec<String>,
    /// Journal reference as the authors gave it.
    pub journal_ref: Option<String>,
    /// Author comments ("NeurIPS 2015, 12 pages").
    pub comments: Option<String>,
    /// License URL.
    pub license: Option<String>,
    /// Hugging Face upvotes, when the source shows them.
    pub upvotes: Option<u32>,
}

/// Which source said something about a work, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SourceRecord {
    /// Source kind: `hf-page`, `arxiv-snapshot`, later `hf-api`, `arxiv-api`, `s2`.
    pub source: String,
    /// What within the source: a file name, a URL, a query.
    pub origin: String,
    /// First time this source reported the work (RFC 3339).
    pub first_seen: String,
    /// Most recent time (RFC 3339).
    pub last_seen: String,
}

/// The source that supplied a field's current value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FieldSource {
    /// Field name as serialised on [`Paper`] (`title`, `abstract`, `authors`, `doi`, ...).
    pub field: String,
    /// Source kind (`arxiv-api`, `hf-api`, `s2`, `hf-page`, ...).
    pub source: String,
    /// What within the source (a URL, a file name).
    pub origin: String,
    /// When it was set (RFC 3339).
    pub set_at: String,
}

/// A stored paper with everything the detail view shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Paper {
    /// Stable public id.
    pub id: PaperId,
    /// arXiv id without version, when known.
    pub arxiv_id: Option<String>,
    /// Title.
    pub title: String,
    /// Abstract (may be empty).
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    /// Authors in order.
    pub authors: Vec<String>,
    /// Author count when only a count is known.
    pub author_count: Option<u32>,
    /// Organisation named instead of authors.
    pub organization: Option<String>,
    /// Year of first publication, when known.
    pub year: Option<i32>,
    /// Full publication date as known, e.g. "Oct 4, 2023" or "May 22".
    pub published: Option<PartialDate>,
    /// arXiv versions, oldest first.
    pub versions: Vec<PaperVersion>,
    /// Published-version DOI.
    pub doi: Option<String>,
    /// arXiv categories, primary first.
    pub categories: Vec<String>,
    /// Journal reference.
    pub journal_ref: Option<String>,
    /// Author comments.
    pub comments: Option<String>,
    /// License URL.
    pub license: Option<String>,
    /// Hugging Face upvotes.
    pub upvotes: Option<u32>,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// The collections it is in, by path (`Thesis/Chapter 2`), in tree order.
    #[serde(default)]
    pub collections: Vec<String>,
    /// True when a newer arXiv version arrived after the paper was added.
    pub new_version: bool,
    /// Counts, links and summaries from the sources.
    pub signals: PaperSignals,
    /// Reading status.
    pub status: Status,
    /// The Markdown note, when one exists.
    pub note: Option<Note>,
    /// Who reported this work.
    pub sources: Vec<SourceRecord>,
    /// Which source supplied the current value of each bibliographic field.
    pub provenance: Vec<FieldSource>,
    /// Every published DOI linked to this work (lower-cased), `doi` among them.
    pub dois: Vec<String>,
    /// When the work entered the library (RFC 3339).
    pub added_at: String,
    /// When anything about the work last changed (RFC 3339).
    pub modified_at: String,
    /// Its outside pages (arXiv, PDF, Hugging Face, code, project, DOI), http(s) only, in
    /// display order; filled when the paper is loaded.
    #[serde(default)]
    pub links: Vec<super::PaperLink>,
    /// The entries of interchange files the work was imported from, oldest first: one work
    /// can have several (a Zotero file's arXiv preprint and published version, under two
    /// citation keys), and the BibTeX export writes each under its own key.
    #[serde(default)]
    pub records: Vec<ImportedRecord>,
}

/// One entry of an interchange file that a work was imported from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ImportedRecord {
    /// Its key in the file (BibTeX citation key, RIS `ID`, CSL `id`); empty when it had none.
    pub key: String,
    /// Its type as the file names it (`inproceedings`, `JOUR`), when it has one.
    pub entry_type: Option<String>,
    /// The file it came from (the name given at import).
    pub origin: String,
    /// The file's format: `bibtex`, `ris`, `csl-json` or `markdown`.
    pub format: String,
    /// It describes the arXiv preprint: an arXiv id, no published DOI and no venue but arXiv.
    pub preprint: bool,
}

/// What the sources say about a paper beyond its bibliographic fields (counts, links,
/// machine summaries), refreshed by each source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PaperSignals {
    /// Comments on the Hugging Face paper page.
    pub hf_comments: Option<u32>,
    /// Code repository (http(s) only).
    pub github_repo: Option<String>,
    /// Its stars.
    pub github_stars: Option<u32>,
    /// Project page (http(s) only).
    pub project_page: Option<String>,
    /// Hugging Face's machine summary.
    pub ai_summary: Option<String>,
    /// Hugging Face's machine keywords.
    pub ai_keywords: Vec<String>,
    /// Withdrawn by its authors.
    pub withdrawn: bool,
    /// Publication venue (Semantic Scholar).
    pub venue: Option<String>,
    /// Citations (Semantic Scholar).
    pub citation_count: Option<u32>,
    /// Influential citations (Semantic Scholar).
    pub influential_citation_count: Option<u32>,
    /// One-sentence summary (Semantic Scholar TLDR).
    pub tldr: Option<String>,
    /// Identifiers Semantic Scholar knows (`ArXiv`, `DOI`, `CorpusId`, `DBLP`, `MAG`, ...).
    pub external_ids: std::collections::BTreeMap<String, String>,
}

/// A paper's Markdown note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Note {
    /// Markdown text as the user wrote it.
    pub body: String,
    /// When it was last saved (RFC 3339).
    pub updated_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_ids_are_stable_and_prefixed() {
        let a = PaperId::from_title_key("pointer networks");
        assert_eq!(a, PaperId::from_title_key("pointer networks"));
        assert!(
            a.as_str().starts_with("t-") && a.as_str().len() == 18,
            "{a}"
        );
        assert_ne!(a, PaperId::from_title_key("pointer network"));
    }
}

/// A paper as a source described it, ready for [`crate::Library::add_fetched`].
#[derive(Debug, Clone, PartialEq)]
pub struct FetchedPaper {
    /// The record.
    pub paper: NewPaper,
    /// Which source (`arxiv-api`, `hf-api`).
    pub source: &'static str,
    /// The URL it came from.
    pub origin: String,
}
