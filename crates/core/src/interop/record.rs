//! What the format modules share: the [`Record`] an entry is read into, what a parse returns
//! ([`Parsed`]), what an export hands out ([`ExportEntry`]), and the text helpers every format
//! uses (arXiv ids and DOIs in text, names, keywords, line numbers). Its own module so that
//! the formats lean on it and not on `interop`'s root, which dispatches to them.

use crate::import::SkippedEntry;
use crate::model::{ArxivId, NewPaper, Paper, Status};

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
    /// Collections the entry is in (JabRef's BibTeX `groups`, Markdown `collections`), by
    /// path (`Thesis/Chapter 2`) as named in the file; cleaned when imported, and the levels of
    /// a path made when missing.
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
    /// The paper's annotations (highlights and pinned notes on its PDF), in page order: the
    /// Markdown notes file writes them after the note.
    pub annotations: Vec<crate::model::Annotation>,
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

/// Splits JabRef's `groups` field (paths separated by `,`) into collection paths, white
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
