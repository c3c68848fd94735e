//! Interchange formats: BibTeX/BibLaTeX, RIS, CSL-JSON and Markdown, in and out, plus the
//! open mirror of the library.
//!
//! Parsers and writers here are pure: text in → [`Record`]s out (each with the line it started
//! on), or entries in → text out. [`crate::Library`] owns the writing (see
//! `Library::import_interop`, `Library::export`, `Library::refresh_mirror`), so every format
//! gets the same identity matching and merge as the other importers.
//!
//! What travels where:
//!
//! | field | BibTeX | RIS | CSL-JSON | Markdown |
//! | --- | --- | --- | --- | --- |
//! | tags | `keywords` | `KW` | `keyword` | `tags` |
//! | note | `annote` | `N1` | `note` | the body |
//! | status | – | – | – | `status` |
//!
//! Notes on import: a paper that has no note takes the imported one; a paper with a different
//! note keeps it and gets the imported text appended after a rule (the previous text stays in
//! the note history), so nothing is lost either way.

pub mod bibtex;
pub mod citekey;
pub mod csl;
pub mod markdown;
pub mod mirror;
pub mod ris;

use serde::Serialize;

use crate::import::SkippedEntry;
use crate::model::{ArxivId, NewPaper, Paper, Status};

/// An interchange format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// BibTeX or BibLaTeX (`.bib`).
    Bibtex,
    /// RIS (`.ris`).
    Ris,
    /// CSL-JSON (`.json`), as Zotero and pandoc use it.
    CslJson,
    /// One Markdown file per paper with YAML front matter.
    Markdown,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [
        Format::Bibtex,
        Format::Ris,
        Format::CslJson,
        Format::Markdown,
    ];

    /// Stable name, as on the command line (`bibtex`, `ris`, `csl-json`, `markdown`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Bibtex => "bibtex",
            Format::Ris => "ris",
            Format::CslJson => "csl-json",
            Format::Markdown => "markdown",
        }
    }

    /// Parses a format name (also `bib`, `csl`, `json`, `md`).
    pub fn from_name(name: &str) -> Option<Format> {
        match name.trim().to_ascii_lowercase().as_str() {
            "bibtex" | "bib" | "biblatex" => Some(Format::Bibtex),
            "ris" => Some(Format::Ris),
            "csl-json" | "csl" | "json" | "csljson" => Some(Format::CslJson),
            "markdown" | "md" => Some(Format::Markdown),
            _ => None,
        }
    }

    /// Parses `text` in this format. Markdown takes one file's text per call.
    pub fn parse(self, text: &str) -> Parsed {
        match self {
            Format::Bibtex => bibtex::parse(text),
            Format::Ris => ris::parse(text),
            Format::CslJson => csl::parse(text),
            Format::Markdown => markdown::parse(text),
        }
    }
}

/// One entry read from an interchange file, before it meets the library.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// 1-based line the entry starts on.
    pub line: usize,
    /// The entry's own key or id in the file (citation key, RIS `ID`, CSL `id`).
    pub key: Option<String>,
    /// Its type as the file names it (BibTeX `inproceedings`, RIS `JOUR`, CSL `paper-conference`).
    pub kind: Option<String>,
    /// The bibliographic fields.
    pub paper: NewPaper,
    /// Tags (BibTeX `keywords`, RIS `KW`, CSL `keyword`), cleaned to tag syntax.
    pub tags: Vec<String>,
    /// The user's note, when the entry carries one.
    pub note: Option<String>,
    /// Collections the entry is in (JabRef's BibTeX `groups`, Markdown `collections`), as
    /// named in the file; cleaned when imported.
    pub collections: Vec<String>,
    /// Reading status (Markdown front matter only).
    pub status: Option<Status>,
    /// Attached files the entry names (noted, never read).
    pub files: Vec<String>,
    /// The entry's URL, when it is not an arXiv or DOI link already captured as an id.
    pub url: Option<String>,
    /// The entry exactly as it appeared in the file, kept for round trips.
    pub raw: String,
    /// Definitions `raw` depends on, stored ahead of it so the pair reads alone: the BibTeX
    /// `@string` macros the entry uses, expanded. Empty for the other formats.
    pub context: String,
}

/// What a parser made of a file: the entries it read and the ones it could not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// Entries read, in file order.
    pub records: Vec<Record>,
    /// Entries passed over, with line and reason.
    pub skipped: Vec<SkippedEntry>,
}

/// A paper ready to be written out, with its citation keys.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportEntry {
    /// The key that names the paper (see [`citekey`]): the oldest of its imported keys, else a
    /// generated one. Its notes file, CSL-JSON and RIS item carry it.
    pub key: String,
    /// The paper with tags, status and note.
    pub paper: Paper,
    /// The BibTeX entries the paper was imported from (each with the `@string` macros it uses),
    /// the newest text of each citation key, the one of [`ExportEntry::key`] first: the BibTeX
    /// export writes one entry per record that has a key, each with its own entry type and the
    /// fields Papershelf does not model. Empty for a paper that never came from BibTeX.
    pub bibtex: Vec<BibtexRecord>,
}

impl ExportEntry {
    /// Every citation key the BibTeX export writes for the paper, [`ExportEntry::key`] first.
    pub fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .bibtex
            .iter()
            .filter_map(|r| r.key.as_deref())
            .collect();
        if !keys.contains(&self.key.as_str()) {
            keys.insert(0, self.key.as_str());
        }
        keys
    }
}

/// One BibTeX entry a paper was imported from, as an export sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct BibtexRecord {
    /// The key the export writes it under (its own, or the paper's generated key when its own
    /// could not be kept); `None` when an older paper holds its key: not written, but what it
    /// holds still tells which of the library's fields came from an import.
    pub key: Option<String>,
    /// The entry as imported, after the `@string` macros it uses.
    pub raw: String,
}

/// Links a paper has: arXiv abstract, PDF, DOI and Hugging Face pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    /// arXiv abstract page.
    pub arxiv: Option<String>,
    /// PDF.
    pub pdf: Option<String>,
    /// DOI resolver link.
    pub doi: Option<String>,
    /// Hugging Face paper page.
    pub hf: Option<String>,
}

impl Links {
    /// The links of a stored paper.
    pub fn of(paper: &Paper) -> Links {
        let arxiv = paper
            .arxiv_id
            .as_deref()
            .and_then(|a| ArxivId::parse(a).ok())
            .map(|(a, _)| a);
        Links {
            arxiv: arxiv.as_ref().map(ArxivId::abs_url),
            pdf: arxiv.as_ref().map(ArxivId::pdf_url),
            doi: paper.doi.as_ref().map(|d| format!("https://doi.org/{d}")),
            hf: arxiv
                .as_ref()
                .map(|a| format!("https://huggingface.co/papers/{}", a.as_str())),
        }
    }
}

/// Recognises an arXiv id in a DOI (`10.48550/arXiv.<id>`), URL or `arXiv:` reference.
pub fn arxiv_from(text: &str) -> Option<ArxivId> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    ArxivId::parse(t).ok().map(|(a, _)| a)
}

/// Finds `arXiv:<id>` / `arXiv: <id>` inside free text (Zotero writes it into `note`/`extra`).
pub fn arxiv_in_text(text: &str) -> Option<ArxivId> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find("arxiv:") {
        let start = from + pos + "arxiv:".len();
        let rest = text[start..].trim_start();
        let token: String = rest
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ';' | ']' | ')' | '}'))
            .collect();
        if let Some(id) = arxiv_from(&token) {
            return Some(id);
        }
        from = start;
    }
    None
}

/// A DOI as stored: bare (`10.1000/xyz`), never the arXiv alias; `None` for an arXiv DOI.
pub fn clean_doi(text: &str) -> Option<String> {
    let mut t = text.trim();
    for prefix in [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ] {
        // `get`: a field starting with a multi-byte character has no byte `prefix.len()` to
        // cut at (slicing there panicked, found by the RIS and BibTeX properties).
        if t.get(..prefix.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(prefix))
        {
            t = t[prefix.len()..].trim();
        }
    }
    if t.is_empty()
        || !t.starts_with("10.")
        || t.to_ascii_lowercase().starts_with("10.48550/arxiv.")
    {
        return None;
    }
    Some(t.to_string())
}

/// Turns a keyword into tag syntax: trimmed, a leading `#` dropped, inner whitespace joined
/// with `-` (`Computer Science - Machine Learning` → `Computer-Science-Machine-Learning`);
/// `None` when nothing usable is left or it is longer than a tag may be.
pub fn keyword_to_tag(keyword: &str) -> Option<String> {
    let words: Vec<&str> = keyword
        .trim()
        .trim_start_matches('#')
        .split_whitespace()
        .filter(|w| !w.chars().all(|c| c == '-'))
        .collect();
    let tag = words.join("-");
    if tag.is_empty()
        || tag.chars().count() > crate::db::tags::MAX_TAG_LEN
        || tag
            .chars()
            .any(|c| c.is_control() || crate::clean::is_bidi_control(c))
    {
        return None;
    }
    Some(tag)
}

/// Splits JabRef's `groups` field (names separated by `,`) into collection names, white
/// space folded, repeats (in any case) dropped.
pub fn split_groups(field: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    field
        .split(',')
        .map(|g| g.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|g| !g.is_empty() && seen.insert(g.to_lowercase()))
        .collect()
}

/// Splits a keywords field on `,` and `;` into tags.
pub fn split_keywords(field: &str) -> Vec<String> {
    let mut tags = TagList::default();
    for k in field.split([',', ';']) {
        tags.push_keyword(k);
    }
    tags.into_vec()
}

/// Tags in first-seen order without case-insensitive repeats (`NLP` after `nlp` is dropped),
/// in time linear in the number of keywords however many an entry has.
#[derive(Debug, Default)]
pub(crate) struct TagList {
    tags: Vec<String>,
    seen: std::collections::HashSet<String>,
}

impl TagList {
    /// Adds `keyword` as a tag ([`keyword_to_tag`]) unless unusable or already there.
    pub(crate) fn push_keyword(&mut self, keyword: &str) {
        if let Some(t) = keyword_to_tag(keyword) {
            if self.seen.insert(t.to_ascii_lowercase()) {
                self.tags.push(t);
            }
        }
    }

    pub(crate) fn into_vec(self) -> Vec<String> {
        self.tags
    }
}

/// Turns "Last, First" or "First Last" into "First Last".
pub fn person_name(name: &str) -> String {
    let name = crate::text::collapse_whitespace(name);
    match name.split_once(',') {
        Some((last, first)) if !first.trim().is_empty() => {
            format!("{} {}", first.trim(), last.trim())
        }
        Some((last, _)) => last.trim().to_string(),
        None => name,
    }
}

/// Splits "First Middle Last" into (given, family); a single word is all family.
pub fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    const PARTICLES: [&str; 8] = ["van", "von", "der", "den", "de", "da", "di", "le"];
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() <= 1 {
        return (String::new(), name.to_string());
    }
    // Family name starts at the first lower-case particle after the first word, else last word.
    let mut start = words.len() - 1;
    for (i, w) in words.iter().enumerate().skip(1).take(words.len() - 2) {
        if PARTICLES.contains(w) {
            start = i;
            break;
        }
    }
    (words[..start].join(" "), words[start..].join(" "))
}

/// Line number (1-based) of byte `offset` in `text`. Counts from the start, so for many
/// offsets into one large text use [`LineIndex`].
pub(crate) fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Line numbers of byte offsets in one text, by binary search over its line starts: numbering
/// every entry of a large file stays linear in the file (counting from the start for each
/// entry is quadratic in it).
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    /// Byte offset of the start of every line, in order; the first is 0.
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// Line number (1-based) of byte `offset`; the same as [`line_at`] on the text.
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

/// Drops a UTF-8 byte-order mark and normalises CRLF/CR line endings to LF.
pub(crate) fn normalise_text(text: &str) -> String {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    if t.contains('\r') {
        t.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        t.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arxiv_ids_are_found_in_dois_urls_and_notes() {
        assert_eq!(
            arxiv_from("10.48550/arXiv.1706.03762").unwrap().as_str(),
            "1706.03762"
        );
        assert_eq!(
            arxiv_from("https://arxiv.org/abs/1706.03762v5")
                .unwrap()
                .as_str(),
            "1706.03762"
        );
        assert_eq!(
            arxiv_in_text("arXiv:1706.03762 [cs]").unwrap().as_str(),
            "1706.03762"
        );
        assert_eq!(
            arxiv_in_text("Accepted. arXiv: 2310.02579")
                .unwrap()
                .as_str(),
            "2310.02579"
        );
        assert!(arxiv_in_text("no id here").is_none());
    }

    #[test]
    fn dois_are_cleaned_and_the_arxiv_alias_dropped() {
        assert_eq!(
            clean_doi("https://doi.org/10.1000/XYZ").as_deref(),
            Some("10.1000/XYZ")
        );
        assert_eq!(clean_doi("10.48550/arXiv.1706.03762"), None);
        assert_eq!(clean_doi("not a doi"), None);
    }

    #[test]
    fn keywords_become_tags() {
        assert_eq!(
            split_keywords("Computer Science - Machine Learning; nlp, NLP,  , transformers"),
            vec!["Computer-Science-Machine-Learning", "nlp", "transformers"]
        );
    }

    #[test]
    fn names_are_turned_around_and_split() {
        assert_eq!(person_name("Vaswani, Ashish"), "Ashish Vaswani");
        assert_eq!(person_name("OpenAI"), "OpenAI");
        assert_eq!(
            split_name("Ludwig van Beethoven"),
            ("Ludwig".into(), "van Beethoven".into())
        );
        assert_eq!(
            split_name("Ashish Vaswani"),
            ("Ashish".into(), "Vaswani".into())
        );
        assert_eq!(split_name("OpenAI"), (String::new(), "OpenAI".into()));
    }

    #[test]
    fn the_line_index_agrees_with_counting_from_the_start() {
        for text in ["", "a", "\n", "ab\ncd\n\nef", "\n\nx\n", "é\nü\n"] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    index.line(offset),
                    line_at(text, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn a_doi_field_starting_with_multi_byte_characters_is_no_doi() {
        assert_eq!(clean_doi("A🌀"), None);
        assert_eq!(clean_doi("𛲜ᜀ𐾰𝕀￼January"), None);
        assert_eq!(clean_doi("DOI:10.1/x"), Some("10.1/x".into()));
    }
}
