//! Semantic Scholar Academic Graph API responses (`https://api.semanticscholar.org/graph/v1`),
//! parsed into [`S2Paper`]s. Pure functions over response bodies: no I/O.
//!
//! - `GET /paper/{id}` → [`parse_paper`]
//! - `POST /paper/batch` → [`parse_batch`]: one entry per requested id, `None` where S2 has
//!   no paper
//! - `GET /paper/{id}/references` and `/citations` → [`parse_edges`] with
//!   [`EdgeKind::CitedPaper`] or [`EdgeKind::CitingPaper`]
//! - `GET /paper/search` → [`parse_search`]
//! - non-2xx answers → [`parse_error`]
//!
//! S2 links to arXiv through `externalIds.ArXiv` (a bare id, validated like Hugging Face ids).
//! Its `externalIds.DOI` is often arXiv's own DataCite DOI (`10.48550/arXiv.…`), an alias of
//! the arXiv id; only any other DOI is taken as the published-version DOI. Titles may differ
//! from arXiv's (S2 tends to show the proceedings title); that is not an identity conflict.
//! Fields of the wrong type are treated as absent, text is cleaned like Hugging Face text
//! (control, bidi and zero-width characters removed, whitespace collapsed) and the open-access
//! PDF is kept only when it is a plain `http(s)` URL.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::hf::{
    bare_arxiv_id, clean_str, clean_text, clean_url, count_u64, describe, parse_date, parse_json,
    JsonSyntaxError,
};
use crate::model::{ArxivId, NewPaper, PartialDate};

/// One paper as Semantic Scholar describes it. Every field is optional in S2's responses
/// (only the requested `fields` are sent); what is missing is `None` or empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct S2Paper {
    /// S2's own id (`paperId`, 40 hex digits), when present and URL-safe.
    pub paper_id: Option<String>,
    /// S2 corpus id (`corpusId`, else `externalIds.CorpusId`).
    pub corpus_id: Option<u64>,
    /// The arXiv id from `externalIds.ArXiv`, when it is a valid bare id.
    pub arxiv_id: Option<ArxivId>,
    /// Published-version DOI: `externalIds.DOI` unless it is arXiv's `10.48550/…` DOI.
    pub doi: Option<String>,
    /// Title, cleaned; empty when S2 sent none.
    pub title: String,
    /// Abstract, cleaned; S2 often has none.
    pub abstract_text: Option<String>,
    /// Venue name as S2 writes it.
    pub venue: Option<String>,
    /// Publication year.
    pub year: Option<i32>,
    /// Publication date (`publicationDate`), when a valid `YYYY-MM-DD`.
    pub publication_date: Option<PartialDate>,
    /// Papers citing this one.
    pub citation_count: Option<u64>,
    /// Citations S2 classifies as influential.
    pub influential_citation_count: Option<u64>,
    /// Papers this one cites.
    pub reference_count: Option<u64>,
    /// S2's machine-written summary (`tldr.text`).
    pub tldr: Option<String>,
    /// Author names in order, cleaned; empty names dropped.
    pub authors: Vec<String>,
    /// Open-access PDF (`openAccessPdf.url`), only when a plain `http(s)` URL.
    pub open_access_pdf: Option<String>,
    /// Every `externalIds` entry with a string or number value, numbers written in decimal
    /// (`CorpusId` → `"271338740"`). Values are as S2 sent them (not validated).
    pub external_ids: BTreeMap<String, String>,
}

impl S2Paper {
    /// The bibliographic record for the library: arXiv id, title, abstract, authors, DOI and
    /// publication date (the full date when known, else the year alone).
    pub fn to_new_paper(&self) -> NewPaper {
        NewPaper {
            arxiv_id: self.arxiv_id.clone(),
            title: self.title.clone(),
            abstract_text: self.abstract_text.clone().unwrap_or_default(),
            authors: self.authors.clone(),
            published: self.publication_date.or(self.year.map(|year| PartialDate {
                year: Some(year),
                ..PartialDate::default()
            })),
            doi: self.doi.clone(),
            ..NewPaper::default()
        }
    }
}

/// Which side of a citation edge a page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// `/references`: each edge names the paper cited (`citedPaper`).
    CitedPaper,
    /// `/citations`: each edge names the citing paper (`citingPaper`).
    CitingPaper,
}

impl EdgeKind {
    /// The JSON key holding the other paper: `citedPaper` or `citingPaper`.
    pub fn key(self) -> &'static str {
        match self {
            EdgeKind::CitedPaper => "citedPaper",
            EdgeKind::CitingPaper => "citingPaper",
        }
    }
}

/// One reference or citation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Edge {
    /// The other paper; `None` when S2 could not resolve it (`paperId: null`) or sent `null`.
    pub paper: Option<S2Paper>,
    /// The other paper's title, kept even when it is unresolved.
    pub title: Option<String>,
    /// S2 judges the citation influential.
    pub is_influential: bool,
    /// Sentences around the citation, cleaned.
    pub contexts: Vec<String>,
    /// Citation intents (`background`, `methodology`, `result`).
    pub intents: Vec<String>,
}

/// One page of references or citations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgePage {
    /// Offset of the first edge.
    pub offset: u64,
    /// Offset of the next page; `None` on the last page (S2 omits the key).
    pub next: Option<u64>,
    /// Edges in server order.
    pub edges: Vec<Edge>,
}

/// One page of `/paper/search` results.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchPage {
    /// Total matches S2 reports.
    pub total: u64,
    /// Offset of the first result.
    pub offset: u64,
    /// Offset of the next page; `None` on the last page.
    pub next: Option<u64>,
    /// Results in relevance order.
    pub data: Vec<S2Paper>,
}

/// Why a Semantic Scholar response could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum S2Error {
    /// The body is not JSON (truncated, garbage, nested too deeply).
    #[error("invalid json from semantic scholar at line {line}, column {column}: {reason}")]
    InvalidJson {
        /// 1-based line of the first error.
        line: usize,
        /// 1-based column of the first error.
        column: usize,
        /// What the JSON parser found wrong there.
        reason: String,
    },
    /// Valid JSON of the wrong shape for the endpoint.
    #[error("unexpected semantic scholar response shape: {0}")]
    Schema(String),
    /// A batch answer whose length differs from the request's, so entries cannot be matched
    /// to ids.
    #[error("semantic scholar batch answered {returned} entries for {requested} ids")]
    BatchLength {
        /// Ids sent.
        requested: usize,
        /// Entries received.
        returned: usize,
    },
    /// 404: S2 has no such paper. Carries S2's message.
    #[error("not found on semantic scholar: {0}")]
    NotFound(String),
    /// 400: the request was malformed (unknown `fields`, bad id). Carries S2's message.
    #[error("semantic scholar rejected the request: {0}")]
    BadRequest(String),
    /// 429: too many requests. Carries S2's message; S2 sends no `Retry-After` as observed.
    #[error("semantic scholar rate limit: {0}")]
    RateLimited(String),
    /// Any other error status.
    #[error("semantic scholar answered http {status}: {message}")]
    Http {
        /// Status code.
        status: u16,
        /// S2's message, or a description of the body.
        message: String,
    },
}

impl From<JsonSyntaxError> for S2Error {
    fn from(e: JsonSyntaxError) -> Self {
        S2Error::InvalidJson {
            line: e.line,
            column: e.column,
            reason: e.reason,
        }
    }
}

/// Parses a `GET /paper/{id}` body: one paper object.
pub fn parse_paper(body: &str) -> Result<S2Paper, S2Error> {
    let value = parse_json(body)?;
    match &value {
        Value::Object(obj) if is_error_object(obj) => Err(S2Error::Schema(format!(
            "expected a paper object, found an error object: {}",
            error_text(obj).unwrap_or_default()
        ))),
        Value::Object(obj) => Ok(paper_from(obj)),
        other => Err(S2Error::Schema(format!(
            "expected a paper object, found {}",
            describe(other)
        ))),
    }
}

/// Parses a `POST /paper/batch` body for a request of `requested` ids: an array of the same
/// length and order, `null` for each id S2 does not know (for instance a versioned arXiv id).
///
/// A length mismatch is [`S2Error::BatchLength`]; an entry that is neither an object nor
/// `null` is [`S2Error::Schema`], since entries could no longer be trusted to line up.
pub fn parse_batch(body: &str, requested: usize) -> Result<Vec<Option<S2Paper>>, S2Error> {
    let value = parse_json(body)?;
    let Value::Array(items) = &value else {
        return Err(S2Error::Schema(format!(
            "expected an array of papers, found {}",
            describe(&value)
        )));
    };
    if items.len() != requested {
        return Err(S2Error::BatchLength {
            requested,
            returned: items.len(),
        });
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| match item {
            Value::Null => Ok(None),
            Value::Object(obj) => Ok(Some(paper_from(obj))),
            other => Err(S2Error::Schema(format!(
                "batch entry {index} is {}, expected a paper object or null",
                describe(other)
            ))),
        })
        .collect()
}

/// Parses a `/references` (`kind` = [`EdgeKind::CitedPaper`]) or `/citations`
/// ([`EdgeKind::CitingPaper`]) page: `{offset, next?, data: [edge]}`.
///
/// Each edge must carry `kind`'s key (its value may be `null`); a missing key usually means
/// the wrong kind was passed and is [`S2Error::Schema`]. An edge whose paper has
/// `paperId: null` keeps its title in [`Edge::title`] with [`Edge::paper`] `None`. A `next`
/// that does not move past `offset` is an error, so a paging loop cannot spin forever.
pub fn parse_edges(body: &str, kind: EdgeKind) -> Result<EdgePage, S2Error> {
    let value = parse_json(body)?;
    let obj = page_object(&value, "a page of edges")?;
    let (offset, next) = paging(obj)?;
    let key = kind.key();
    let edges = data(obj)?
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let Value::Object(edge) = item else {
                return Err(S2Error::Schema(format!(
                    "edge {index} is {}, expected an object",
                    describe(item)
                )));
            };
            let (paper, title) = match edge.get(key) {
                Some(Value::Object(other)) => {
                    let title = clean_str(other.get("title"));
                    let resolved = matches!(other.get("paperId"), Some(Value::String(_)));
                    (resolved.then(|| paper_from(other)), title)
                }
                Some(Value::Null) => (None, None),
                Some(other) => {
                    return Err(S2Error::Schema(format!(
                        "edge {index}: `{key}` is {}, expected an object",
                        describe(other)
                    )))
                }
                None => {
                    return Err(S2Error::Schema(format!(
                        "edge {index} has no `{key}` (a {} page?)",
                        match kind {
                            EdgeKind::CitedPaper => "citations",
                            EdgeKind::CitingPaper => "references",
                        }
                    )))
                }
            };
            Ok(Edge {
                paper,
                title,
                is_influential: edge.get("isInfluential").and_then(Value::as_bool) == Some(true),
                contexts: strings(edge.get("contexts")),
                intents: strings(edge.get("intents")),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(EdgePage {
        offset,
        next,
        edges,
    })
}

/// Parses a `GET /paper/search` page: `{total, offset, next?, data: [paper]}`. A page
/// without `data` (S2 omits it when nothing matches) has no results; a missing `total` is
/// taken as `offset` + the results on this page.
pub fn parse_search(body: &str) -> Result<SearchPage, S2Error> {
    let value = parse_json(body)?;
    let obj = page_object(&value, "a page of search results")?;
    let (offset, next) = paging(obj)?;
    let papers = data(obj)?
        .iter()
        .enumerate()
        .map(|(index, item)| match item {
            Value::Object(paper) => Ok(paper_from(paper)),
            other => Err(S2Error::Schema(format!(
                "result {index} is {}, expected a paper object",
                describe(other)
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let total = match obj.get("total") {
        None | Some(Value::Null) => offset.saturating_add(papers.len() as u64),
        Some(v) => count_u64(Some(v)).ok_or_else(|| {
            S2Error::Schema(format!(
                "`total` is {}, expected a non-negative integer",
                describe(v)
            ))
        })?,
    };
    Ok(SearchPage {
        total,
        offset,
        next,
        data: papers,
    })
}

/// Turns a non-2xx answer into an error: 404 → [`S2Error::NotFound`], 400 →
/// [`S2Error::BadRequest`], 429 (or a body with `"code": "429"`) → [`S2Error::RateLimited`],
/// anything else → [`S2Error::Http`]. The message is the body's `error` or `message` text,
/// cleaned and shortened; a body that is not a JSON error object (an HTML error page, say) is
/// described, never quoted.
pub fn parse_error(status: u16, body: &str) -> S2Error {
    let parsed = match parse_json(body) {
        Ok(Value::Object(obj)) => Some(obj),
        _ => None,
    };
    let message = match &parsed {
        Some(obj) => error_text(obj).unwrap_or_else(|| "no error message in the body".into()),
        None if body.trim().is_empty() => "empty body".into(),
        None => format!("the body is not a json error object ({} bytes)", body.len()),
    };
    let code_429 = parsed.as_ref().is_some_and(|obj| match obj.get("code") {
        Some(Value::String(code)) => code.trim() == "429",
        Some(Value::Number(code)) => code.as_u64() == Some(429),
        _ => false,
    });
    match status {
        404 => S2Error::NotFound(message),
        400 => S2Error::BadRequest(message),
        429 => S2Error::RateLimited(message),
        _ if code_429 => S2Error::RateLimited(message),
        _ => S2Error::Http { status, message },
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// The longest error message kept, in characters.
const MAX_MESSAGE_CHARS: usize = 300;

/// S2's error text: `error` (404, 400) or `message` (429), cleaned and shortened.
fn error_text(obj: &Map<String, Value>) -> Option<String> {
    let text = clean_str(obj.get("error")).or_else(|| clean_str(obj.get("message")))?;
    if text.chars().count() <= MAX_MESSAGE_CHARS {
        return Some(text);
    }
    let mut short: String = text.chars().take(MAX_MESSAGE_CHARS).collect();
    short.push('…');
    Some(short)
}

/// An error body where a paper was expected: `error`/`message` but no paper fields.
fn is_error_object(obj: &Map<String, Value>) -> bool {
    (obj.contains_key("error") || obj.contains_key("message"))
        && !obj.contains_key("paperId")
        && !obj.contains_key("title")
}

fn page_object<'a>(value: &'a Value, what: &str) -> Result<&'a Map<String, Value>, S2Error> {
    match value {
        Value::Object(obj) if is_error_object(obj) && !obj.contains_key("data") => {
            Err(S2Error::Schema(format!(
                "expected {what}, found an error object: {}",
                error_text(obj).unwrap_or_default()
            )))
        }
        Value::Object(obj) => Ok(obj),
        other => Err(S2Error::Schema(format!(
            "expected {what}, found {}",
            describe(other)
        ))),
    }
}

/// `offset` (0 when absent) and `next` (absent or `null` on the last page).
fn paging(obj: &Map<String, Value>) -> Result<(u64, Option<u64>), S2Error> {
    let number = |key: &str| -> Result<Option<u64>, S2Error> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => count_u64(Some(v)).map(Some).ok_or_else(|| {
                S2Error::Schema(format!(
                    "`{key}` is {}, expected a non-negative integer",
                    describe(v)
                ))
            }),
        }
    };
    let offset = number("offset")?.unwrap_or(0);
    let next = number("next")?;
    if let Some(next) = next {
        if next <= offset {
            return Err(S2Error::Schema(format!(
                "`next` ({next}) does not move past `offset` ({offset})"
            )));
        }
    }
    Ok((offset, next))
}

/// The `data` array; absent or `null` is empty.
fn data(obj: &Map<String, Value>) -> Result<&[Value], S2Error> {
    match obj.get("data") {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(S2Error::Schema(format!(
            "`data` is {}, expected an array",
            describe(other)
        ))),
    }
}

/// An array of strings, cleaned, empties and non-strings dropped.
fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(|s| clean_str(Some(s))).collect(),
        _ => Vec::new(),
    }
}

/// The published-version DOI: `10.<registrant>/<suffix>` without whitespace or control
/// characters, and not arXiv's DataCite prefix `10.48550/` (any case).
fn published_doi(raw: &str) -> Option<String> {
    let doi = raw.trim();
    let (registrant, suffix) = doi.strip_prefix("10.")?.split_once('/')?;
    let well_formed = !registrant.is_empty()
        && registrant.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !suffix.is_empty()
        && !doi.chars().any(|c| c.is_whitespace() || c.is_control());
    (well_formed && registrant != "48550").then(|| doi.to_string())
}

/// S2 paper ids are 40 hex digits; anything alphanumeric up to 64 characters is accepted so
/// the id is always safe to put in a URL path.
fn paper_id(value: Option<&Value>) -> Option<String> {
    let id = value?.as_str()?.trim();
    let ok = !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then(|| id.to_string())
}

fn paper_from(obj: &Map<String, Value>) -> S2Paper {
    let external_ids: BTreeMap<String, String> = match obj.get("externalIds") {
        Some(Value::Object(ids)) => ids
            .iter()
            .filter_map(|(key, value)| {
                let value = match value {
                    Value::String(s) => clean_text(s),
                    Value::Number(n) => n.to_string(),
                    _ => return None,
                };
                let key = clean_text(key);
                (!key.is_empty() && !value.is_empty()).then_some((key, value))
            })
            .collect(),
        _ => BTreeMap::new(),
    };
    let corpus_id = count_u64(obj.get("corpusId")).or_else(|| {
        external_ids
            .get("CorpusId")
            .and_then(|id| id.parse::<u64>().ok())
    });
    let year = obj
        .get("year")
        .and_then(Value::as_i64)
        .filter(|y| (1..=9999).contains(y))
        .and_then(|y| i32::try_from(y).ok());
    let authors = match obj.get("authors") {
        Some(Value::Array(authors)) => authors
            .iter()
            .filter_map(|a| clean_str(a.get("name")))
            .collect(),
        _ => Vec::new(),
    };
    S2Paper {
        paper_id: paper_id(obj.get("paperId")),
        corpus_id,
        arxiv_id: external_ids
            .get("ArXiv")
            .and_then(|id| bare_arxiv_id(id).ok()),
        doi: external_ids.get("DOI").and_then(|doi| published_doi(doi)),
        title: clean_str(obj.get("title")).unwrap_or_default(),
        abstract_text: clean_str(obj.get("abstract")),
        venue: clean_str(obj.get("venue")),
        year,
        publication_date: obj
            .get("publicationDate")
            .and_then(Value::as_str)
            .filter(|d| d.trim().len() == 10)
            .and_then(parse_date),
        citation_count: count_u64(obj.get("citationCount")),
        influential_citation_count: count_u64(obj.get("influentialCitationCount")),
        reference_count: count_u64(obj.get("referenceCount")),
        tldr: obj.get("tldr").and_then(|t| clean_str(t.get("text"))),
        authors,
        open_access_pdf: obj
            .get("openAccessPdf")
            .and_then(|pdf| clean_url(pdf.get("url"))),
        external_ids,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::hf::tests::{expected, mutate, Rng};
    use crate::text::collapse_whitespace;

    const PAPER: &str = include_str!("../../tests/fixtures/api/s2/paper-arXiv-2310.02579.json");
    const BATCH_REQUEST: &str = include_str!("../../tests/fixtures/api/s2/batch-request.json");
    const BATCH: &str = include_str!("../../tests/fixtures/api/s2/batch-response.json");
    const REFS_0: &str =
        include_str!("../../tests/fixtures/api/s2/references-2405.12522-offset0.json");
    const REFS_3: &str =
        include_str!("../../tests/fixtures/api/s2/references-2405.12522-offset3.json");
    const CITATIONS: &str =
        include_str!("../../tests/fixtures/api/s2/citations-2309.08600-offset0.json");
    const SEARCH_0: &str =
        include_str!("../../tests/fixtures/api/s2/search-q-positional-encoding-offset0.json");
    const SEARCH_3: &str =
        include_str!("../../tests/fixtures/api/s2/search-q-positional-encoding-offset3.json");
    const E429: &str = include_str!("../../tests/fixtures/api/s2/429.json");
    const E404: &str = include_str!("../../tests/fixtures/api/s2/404.json");
    const E400: &str = include_str!("../../tests/fixtures/api/s2/400-bad-fields.json");
    const HTML_503: &str = include_str!("../../tests/fixtures/api/hostile/html-error-page.html");

    fn arxiv(p: &S2Paper) -> &str {
        p.arxiv_id.as_ref().map_or("", ArxivId::as_str)
    }

    #[test]
    fn a_paper_links_to_arxiv_and_the_datacite_doi_is_not_its_doi() {
        let p = parse_paper(PAPER).unwrap();
        assert_eq!(arxiv(&p), "2310.02579");
        assert_eq!(p.doi, None, "10.48550/arXiv.… is an alias of the arXiv id");
        assert_eq!(p.external_ids["DOI"], "10.48550/arXiv.2310.02579");
        assert_eq!(p.external_ids["CorpusId"], "271338740");
        assert_eq!(p.corpus_id, Some(271_338_740));
        assert_eq!(
            p.paper_id.as_deref(),
            Some("0c70c0744ef4aecb3e4288f9e963b83aa0d8fd5d")
        );
        assert_eq!(p.year, Some(2023));
        assert_eq!(p.publication_date, Some(PartialDate::ymd(2023, 10, 4)));
        assert_eq!(
            p.venue.as_deref(),
            Some("International Conference on Learning Representations")
        );
        assert_eq!(
            (
                p.citation_count,
                p.influential_citation_count,
                p.reference_count
            ),
            (Some(112), Some(14), Some(67))
        );
        assert!(p
            .tldr
            .as_deref()
            .unwrap()
            .starts_with("Stable and Expressive"));
        assert_eq!(
            p.open_access_pdf.as_deref(),
            Some("https://arxiv.org/pdf/2310.02579")
        );

        // S2 shows the ICLR title; arXiv/HF the preprint's. Not an identity conflict.
        let truth = &expected()["2310.02579"];
        assert_eq!(
            p.title,
            "On the Stability of Expressive Positional Encodings for Graphs"
        );
        assert_ne!(p.title, truth.title);
        assert_eq!(
            p.abstract_text.as_deref(),
            Some(collapse_whitespace(&truth.abstract_text).as_str())
        );
        assert_eq!(p.authors, truth.authors);

        let new = p.to_new_paper();
        assert_eq!(new.arxiv_id, p.arxiv_id);
        assert_eq!(new.title, p.title);
        assert_eq!(new.authors, truth.authors);
        assert_eq!(new.published, Some(PartialDate::ymd(2023, 10, 4)));
        assert_eq!(new.doi, None);
        assert_eq!(new.upvotes, None);
    }

    #[test]
    fn a_batch_answer_keeps_the_request_length_order_and_nulls() {
        let request: Value = serde_json::from_str(BATCH_REQUEST).unwrap();
        let requested = request["ids"].as_array().unwrap().len();
        let batch = parse_batch(BATCH, requested).unwrap();
        assert_eq!(batch.len(), 6);
        let found: Vec<Option<&str>> = batch.iter().map(|p| p.as_ref().map(arxiv)).collect();
        assert_eq!(
            found,
            [
                Some("2310.02579"),
                Some("2405.12522"),
                None,
                Some("2303.05735"),
                Some("1206.5538"),
                None
            ]
        );
        // Index 3 was asked for by DOI; its DOI is a real published-version DOI.
        let truth = expected();
        for (index, id) in [(3, "2303.05735"), (4, "1206.5538")] {
            let p = batch[index].as_ref().unwrap();
            assert_eq!(p.doi, truth[id].doi, "{id}");
            assert_eq!(p.authors, truth[id].authors, "{id}");
            assert_eq!(p.to_new_paper().doi, truth[id].doi, "{id}");
        }
        assert_eq!(batch[0].as_ref().unwrap().doi, None);
        assert_eq!(
            batch[1].as_ref().unwrap().authors,
            ["Charles O'Neill", "Thang Bui"]
        );
        assert_eq!(
            parse_batch(BATCH, 5),
            Err(S2Error::BatchLength {
                requested: 5,
                returned: 6
            })
        );
        assert!(matches!(
            parse_batch("[null, \"x\"]", 2),
            Err(S2Error::Schema(m)) if m == "batch entry 1 is a string, expected a paper object or null"
        ));
        assert!(matches!(parse_batch("{}", 0), Err(S2Error::Schema(_))));
        assert_eq!(parse_batch("[]", 0), Ok(vec![]));
    }

    #[test]
    fn reference_pages_chain_through_next_and_keep_unresolved_titles() {
        let first = parse_edges(REFS_0, EdgeKind::CitedPaper).unwrap();
        assert_eq!(
            (first.offset, first.next, first.edges.len()),
            (0, Some(3), 3)
        );
        let last = parse_edges(REFS_3, EdgeKind::CitedPaper).unwrap();
        assert_eq!((last.offset, last.next, last.edges.len()), (3, None, 3));
        let all: Vec<&Edge> = first.edges.iter().chain(&last.edges).collect();
        assert_eq!(all.len(), 6);

        let e = all[0];
        assert!(e.is_influential);
        assert_eq!(e.intents, ["background", "methodology"]);
        assert_eq!(e.contexts.len(), 1);
        assert_eq!(arxiv(e.paper.as_ref().unwrap()), "2309.08600");
        assert_eq!(
            e.title.as_deref(),
            Some("Sparse Autoencoders Find Highly Interpretable Features in Language Models")
        );
        assert!(all[2].contexts.is_empty() && all[2].intents.is_empty());

        let unresolved = all[5];
        assert_eq!(unresolved.paper, None);
        assert_eq!(
            unresolved.title.as_deref(),
            Some("Towards Monosemanticity: Decomposing Language Models With Dictionary Learning")
        );
    }

    #[test]
    fn citation_pages_read_the_citing_paper_and_reject_the_wrong_kind() {
        let page = parse_edges(CITATIONS, EdgeKind::CitingPaper).unwrap();
        assert_eq!((page.offset, page.next), (0, None));
        let citing: Vec<&str> = page
            .edges
            .iter()
            .map(|e| arxiv(e.paper.as_ref().unwrap()))
            .collect();
        assert_eq!(citing, ["2506.03093", "2405.12522"]);
        assert!(page.edges.iter().all(|e| e.is_influential));
        assert_eq!(page.edges[0].paper.as_ref().unwrap().year, Some(2025));

        let err = parse_edges(CITATIONS, EdgeKind::CitedPaper).unwrap_err();
        assert_eq!(
            err,
            S2Error::Schema("edge 0 has no `citedPaper` (a citations page?)".into())
        );
        assert!(parse_edges(REFS_0, EdgeKind::CitingPaper).is_err());
    }

    #[test]
    fn a_next_that_does_not_advance_is_refused() {
        let stuck = r#"{"offset": 3, "next": 3, "data": []}"#;
        assert!(matches!(
            parse_edges(stuck, EdgeKind::CitedPaper),
            Err(S2Error::Schema(m)) if m.contains("does not move past")
        ));
        assert!(parse_search(r#"{"total": 9, "offset": 5, "next": 1}"#).is_err());
        assert!(parse_search(r#"{"offset": "0", "data": []}"#).is_err());
    }

    #[test]
    fn search_pages_report_total_offset_and_next() {
        let first = parse_search(SEARCH_0).unwrap();
        assert_eq!((first.total, first.offset, first.next), (5, 0, Some(3)));
        let last = parse_search(SEARCH_3).unwrap();
        assert_eq!((last.total, last.offset, last.next), (5, 3, None));
        let ids: Vec<&str> = first.data.iter().chain(&last.data).map(arxiv).collect();
        assert_eq!(
            ids,
            [
                "2310.02579",
                "2308.11025",
                "2309.02612",
                "2410.05050",
                "2309.17182"
            ]
        );
        let truth = expected();
        for p in first.data.iter().chain(&last.data) {
            assert_eq!(p.title, truth[arxiv(p)].title);
        }
        // S2 omits `data` when nothing matches.
        let none = parse_search(r#"{"total": 0, "offset": 0}"#).unwrap();
        assert_eq!(none, SearchPage::default());
    }

    #[test]
    fn error_answers_become_typed_errors_with_the_message() {
        assert_eq!(
            parse_error(404, E404),
            S2Error::NotFound("Paper with id arXiv:2401.99999 not found".into())
        );
        assert_eq!(
            parse_error(400, E400),
            S2Error::BadRequest("Unrecognized or unsupported fields: [bogus]".into())
        );
        let limited = parse_error(429, E429);
        assert!(
            matches!(&limited, S2Error::RateLimited(m) if m.starts_with("Too Many Requests.")),
            "{limited}"
        );
        // `code` is the string "429"; it is recognised even behind another status.
        assert!(matches!(parse_error(403, E429), S2Error::RateLimited(_)));
        let upstream = parse_error(503, HTML_503);
        let S2Error::Http {
            status: 503,
            message,
        } = &upstream
        else {
            panic!("{upstream:?}");
        };
        assert!(
            !message.contains('<'),
            "HTML is described, not quoted: {message}"
        );
        assert_eq!(
            parse_error(500, ""),
            S2Error::Http {
                status: 500,
                message: "empty body".into()
            }
        );
        let long = format!(r#"{{"error": "{}"}}"#, "x".repeat(5000));
        let S2Error::NotFound(m) = parse_error(404, &long) else {
            panic!()
        };
        assert_eq!(m.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert_eq!(
            parse_error(404, E404).to_string(),
            "not found on semantic scholar: Paper with id arXiv:2401.99999 not found"
        );
    }

    #[test]
    fn wrong_shapes_and_broken_json_are_errors_that_say_what_failed() {
        assert_eq!(
            parse_paper("[]"),
            Err(S2Error::Schema(
                "expected a paper object, found an array".into()
            ))
        );
        assert!(matches!(parse_paper(E404), Err(S2Error::Schema(m)) if m.contains("error object")));
        let err = parse_paper(&PAPER[..PAPER.len() / 2]).unwrap_err();
        assert!(matches!(err, S2Error::InvalidJson { .. }), "{err}");
        assert!(err
            .to_string()
            .starts_with("invalid json from semantic scholar at line "));
        assert!(matches!(
            parse_edges(r#"{"data": {}}"#, EdgeKind::CitedPaper),
            Err(S2Error::Schema(m)) if m == "`data` is an object, expected an array"
        ));
        assert!(matches!(
            parse_edges(r#"{"data": [1]}"#, EdgeKind::CitedPaper),
            Err(S2Error::Schema(m)) if m == "edge 0 is a number, expected an object"
        ));
    }

    #[test]
    fn hostile_field_values_are_cleaned_or_dropped() {
        let body = r#"{
            "paperId": "../../etc/passwd",
            "externalIds": {"ArXiv": "2310.02579v2", "DOI": "10.48550/ARXIV.2310.02579",
                            "MAG": 12345, "DBLP": null, "CorpusId": "77"},
            "title": "A\u0000 <b>bold</b>\u202e title",
            "abstract": "  ",
            "year": "2023",
            "publicationDate": "2023-02-30",
            "citationCount": -4,
            "referenceCount": 1e308,
            "openAccessPdf": {"url": "javascript:alert(1)"},
            "tldr": {"text": null},
            "authors": [{"name": "\u200b"}, {"name": "Ada\u0007 Lovelace"}, "Plain"]
        }"#;
        let p = parse_paper(body).unwrap();
        assert_eq!(p.paper_id, None);
        assert_eq!(p.arxiv_id, None, "versioned ids are not bare");
        assert_eq!(p.doi, None, "DataCite DOIs match case-insensitively");
        assert_eq!(p.corpus_id, Some(77));
        assert_eq!(p.external_ids["MAG"], "12345");
        assert!(!p.external_ids.contains_key("DBLP"));
        assert_eq!(p.title, "A <b>bold</b> title");
        assert_eq!(p.abstract_text, None);
        assert_eq!((p.year, p.publication_date), (None, None));
        assert_eq!((p.citation_count, p.reference_count), (None, None));
        assert_eq!(p.open_access_pdf, None);
        assert_eq!(p.tldr, None);
        assert_eq!(p.authors, ["Ada Lovelace"]);
        assert_eq!(p.to_new_paper().published, None);

        assert_eq!(
            published_doi(" 10.1145/3579371.3589085 "),
            Some("10.1145/3579371.3589085".into())
        );
        for bad in [
            "10.48550/arXiv.2310.02579",
            "10.1145",
            "10./x",
            "doi:10.1/x",
            "10.1/a b",
        ] {
            assert_eq!(published_doi(bad), None, "{bad}");
        }
        let year_only = S2Paper {
            year: Some(2012),
            ..S2Paper::default()
        };
        assert_eq!(
            year_only.to_new_paper().published.map(|d| d.sort_key()),
            Some("2012".to_string())
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = "[".repeat(10_000);
        for err in [
            parse_paper(&deep).unwrap_err(),
            parse_batch(&deep, 1).unwrap_err(),
            parse_edges(&deep, EdgeKind::CitedPaper).unwrap_err(),
            parse_search(&format!("{{\"data\": {deep}")).unwrap_err(),
        ] {
            assert!(
                matches!(&err, S2Error::InvalidJson { reason, .. } if reason.contains("recursion limit")),
                "{err}"
            );
        }
        // parse_error never fails; deep input is just "not a json error object".
        assert!(matches!(
            parse_error(502, &deep),
            S2Error::Http { status: 502, .. }
        ));
    }

    #[test]
    fn thousands_of_generated_mutations_never_panic() {
        let mut rng = Rng(0x5eed_5200_0000_0002);
        let docs = [PAPER, BATCH, REFS_0, REFS_3, CITATIONS, SEARCH_0, E429];
        let (mut ok, mut err) = (0, 0);
        for round in 0..3000 {
            let bytes = mutate(docs[round % docs.len()].as_bytes(), &mut rng);
            let Ok(body) = std::str::from_utf8(&bytes) else {
                continue;
            };
            let results = [
                parse_paper(body).map(|_| ()),
                parse_batch(body, 6).map(|_| ()),
                parse_edges(body, EdgeKind::CitedPaper).map(|_| ()),
                parse_edges(body, EdgeKind::CitingPaper).map(|_| ()),
                parse_search(body).map(|_| ()),
            ];
            for r in results {
                match r {
                    Ok(()) => ok += 1,
                    Err(e) => {
                        assert!(!e.to_string().is_empty());
                        err += 1;
                    }
                }
            }
            let _ = parse_error(429, body);
            if let Ok(p) = parse_paper(body) {
                assert!(p.open_access_pdf.is_none_or(|u| u.starts_with("http")));
                assert!(p
                    .doi
                    .is_none_or(|d| !d.to_ascii_lowercase().starts_with("10.48550/")));
            }
        }
        assert!(ok > 500 && err > 500, "ok={ok} err={err}");
    }
}
