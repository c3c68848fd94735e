//! Hugging Face Papers API responses, parsed into [`NewPaper`]s plus the HF-only
//! [`HfSignals`]. Pure functions over response bodies: no I/O.
//!
//! Three endpoints share one item shape:
//! - `GET /api/daily_papers` → [`parse_daily`]: a JSON array of "daily items", each a
//!   `paper` object wrapped in a featuring envelope (`numComments`, `submittedBy`, …).
//! - `GET /api/papers/search` → [`parse_search`]: the same envelopes; papers never featured
//!   lack the submitter fields.
//! - `GET /api/papers/{id}` → [`parse_paper`]: one flat paper object, or an object with an
//!   `error` key ([`HfError::NotFound`]).
//!
//! Field mapping follows the project's source notes: `paper.id` is the bare arXiv id,
//! `paper.title`/`paper.summary`/`paper.authors[].name` the bibliographic fields,
//! `paper.publishedAt` the arXiv date (top-level `publishedAt` and `paper.submittedOnDailyAt`
//! are when HF featured it).
//!
//! Everything in a response is untrusted. Lists never fail as a whole because of one item:
//! an item that cannot be read is reported in [`HfPage::skipped`] with its index and a reason.
//! Ids are validated with [`ArxivId::parse`] and must already be bare (no version, no URL,
//! nothing a file path could abuse). Text keeps markup as inert characters (rendering escapes
//! it) but loses control characters, bidirectional overrides and zero-width characters; URLs
//! are kept only when they are plain `http(s)` links. Counts that are not small non-negative
//! integers (`"1.2k"`, `1e308`, `-1`) are dropped, not guessed.

use std::collections::HashMap;

use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::model::{ArxivId, NewPaper, PartialDate};
use crate::text::collapse_whitespace;

/// One paper as Hugging Face describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct HfPaper {
    /// The bibliographic record: `arxiv_id`, `title`, `abstract_text` (whitespace collapsed,
    /// TeX kept verbatim), `authors` in order, `published` (the arXiv date) and `upvotes`.
    pub paper: NewPaper,
    /// Community signals only Hugging Face has.
    pub signals: HfSignals,
}

/// What Hugging Face adds to a paper beyond its bibliographic record. Counts drift between
/// responses; they are never identity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HfSignals {
    /// Upvotes (`paper.upvotes`), when a non-negative integer.
    pub upvotes: Option<u32>,
    /// Comments on the paper page (`numComments`), when a non-negative integer.
    pub num_comments: Option<u32>,
    /// Code repository (`paper.githubRepo`), only when a plain `http(s)` URL.
    pub github_repo: Option<String>,
    /// Stars of that repository (`paper.githubStars`).
    pub github_stars: Option<u32>,
    /// Project page (`paper.projectPage`), only when a plain `http(s)` URL.
    pub project_page: Option<String>,
    /// HF's machine-written one-sentence summary (`paper.ai_summary`).
    pub ai_summary: Option<String>,
    /// HF's machine-extracted keywords (`paper.ai_keywords`), in order, empty ones dropped.
    pub ai_keywords: Vec<String>,
    /// When the paper was featured on Daily Papers (`paper.submittedOnDailyAt`, RFC 3339 as
    /// sent), when it was featured and the timestamp is valid.
    pub submitted_on_daily_at: Option<String>,
    /// True when `paper.withdrawnAt` is set.
    pub withdrawn: bool,
    /// The organisation the paper is filed under (`organization.fullname`, else its `name`).
    pub organization: Option<String>,
}

/// What a list endpoint (daily papers, search) yielded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HfPage {
    /// Papers in server order, each arXiv id once (the first occurrence wins).
    pub papers: Vec<HfPaper>,
    /// Items that were not imported: 0-based index in the response and why.
    pub skipped: Vec<(usize, String)>,
}

/// Hugging Face's `RateLimit` header (draft-ietf-httpapi-ratelimit-headers):
/// `"api";r=<remaining>;t=<seconds until the window resets>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests left in the current window (`r`).
    pub remaining: u64,
    /// Seconds until the window resets (`t`); after a 429, wait this long.
    pub reset_secs: u64,
}

/// Why a Hugging Face response could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HfError {
    /// The body is not JSON (truncated, garbage, nested too deeply).
    #[error("invalid json from hugging face at line {line}, column {column}: {reason}")]
    InvalidJson {
        /// 1-based line of the first error.
        line: usize,
        /// 1-based column of the first error.
        column: usize,
        /// What the JSON parser found wrong there.
        reason: String,
    },
    /// The body is not UTF-8 text (binary, or compressed without `Content-Encoding`).
    #[error("hugging face response is not utf-8 text: {0}")]
    NotText(String),
    /// Valid JSON of the wrong shape for the endpoint.
    #[error("unexpected hugging face response shape: {0}")]
    Schema(String),
    /// A single-paper response whose paper cannot be used (bad id, no title).
    #[error("unusable hugging face paper: {0}")]
    InvalidRecord(String),
    /// A list endpoint answered with an `{"error": …}` object.
    #[error("hugging face reported an error: {0}")]
    Api(String),
    /// `GET /api/papers/{id}` answered with an `{"error": …}` object: HF does not know the
    /// paper. Carries HF's message.
    #[error("paper not found on hugging face: {0}")]
    NotFound(String),
}

/// Parses a `GET /api/daily_papers` body: a JSON array of daily items.
///
/// An object (or anything else) at the top level is [`HfError::Schema`]; an `{"error": …}`
/// object is [`HfError::Api`]. `[]` (an empty day, a page past the end) is success with no
/// papers. Items that cannot be read, and repeats of an id already seen in this response,
/// are listed in [`HfPage::skipped`].
pub fn parse_daily(body: &str) -> Result<HfPage, HfError> {
    parse_list(body, "daily papers", false)
}

/// [`parse_daily`] over raw bytes, for callers that hold the body undecoded: binary input
/// (including a gzip body served without `Content-Encoding`) is [`HfError::NotText`].
pub fn parse_daily_bytes(body: &[u8]) -> Result<HfPage, HfError> {
    parse_daily(body_text(body)?)
}

/// Parses a `GET /api/papers/search` body: daily-style envelopes in relevance order.
/// Envelopes without submitter fields are fine, and so are bare paper objects (an item with
/// `id` but no `paper`). Errors and skipping work as in [`parse_daily`].
pub fn parse_search(body: &str) -> Result<HfPage, HfError> {
    parse_list(body, "search results", true)
}

/// [`parse_search`] over raw bytes; see [`parse_daily_bytes`].
pub fn parse_search_bytes(body: &[u8]) -> Result<HfPage, HfError> {
    parse_search(body_text(body)?)
}

/// Parses a `GET /api/papers/{id}` body: one flat paper object (a daily-style envelope is
/// accepted too). JSON `null` for optional fields counts as absent.
///
/// An object with an `error` key is [`HfError::NotFound`] carrying HF's message; a paper
/// that cannot be used (invalid or versioned id, no title) is [`HfError::InvalidRecord`].
pub fn parse_paper(body: &str) -> Result<HfPaper, HfError> {
    let value = parse_json(body).map_err(HfError::from)?;
    let Value::Object(obj) = &value else {
        return Err(HfError::Schema(format!(
            "expected a paper object, found {}",
            describe(&value)
        )));
    };
    if let Some(message) = error_message(obj) {
        return Err(HfError::NotFound(message));
    }
    parse_item(&value, true).map_err(HfError::InvalidRecord)
}

/// [`parse_paper`] over raw bytes; see [`parse_daily_bytes`].
pub fn parse_paper_bytes(body: &[u8]) -> Result<HfPaper, HfError> {
    parse_paper(body_text(body)?)
}

/// Reads an error body such as the 404 of `GET /api/papers/{id}` (`{"error": "Paper not
/// found"}`): `Some(HfError::NotFound(message))` when the body is a JSON object with an
/// `error` key, `None` for anything else (not JSON, no `error` key).
pub fn parse_not_found(body: &str) -> Option<HfError> {
    match parse_json(body) {
        Ok(Value::Object(obj)) => error_message(&obj).map(HfError::NotFound),
        _ => None,
    }
}

/// Reads a `RateLimit` header value such as `"api";r=497;t=212`.
///
/// When the header lists several limits (comma-separated), the first one carrying both `r`
/// and `t` is returned. `None` when no item has both as non-negative integers.
pub fn parse_rate_limit(header: &str) -> Option<RateLimit> {
    header.split(',').find_map(|item| {
        let mut remaining = None;
        let mut reset_secs = None;
        // The first member is the policy name; parameters follow after `;`.
        for param in item.split(';').skip(1) {
            let Some((key, value)) = param.split_once('=') else {
                continue;
            };
            let value = value.trim().parse::<u64>().ok();
            match key.trim() {
                "r" => remaining = value,
                "t" => reset_secs = value,
                _ => {}
            }
        }
        Some(RateLimit {
            remaining: remaining?,
            reset_secs: reset_secs?,
        })
    })
}

// ---------------------------------------------------------------------------------------------
// Items

fn parse_list(body: &str, what: &str, allow_flat: bool) -> Result<HfPage, HfError> {
    let value = parse_json(body).map_err(HfError::from)?;
    let items = match &value {
        Value::Array(items) => items,
        Value::Object(obj) if obj.contains_key("error") => {
            return Err(HfError::Api(
                error_message(obj).unwrap_or_else(|| "unknown error".into()),
            ))
        }
        other => {
            return Err(HfError::Schema(format!(
                "expected an array of {what}, found {}",
                describe(other)
            )))
        }
    };
    let mut page = HfPage::default();
    let mut first_seen: HashMap<ArxivId, usize> = HashMap::new();
    for (index, item) in items.iter().enumerate() {
        match parse_item(item, allow_flat) {
            Ok(paper) => {
                // Every parsed paper has an id: `parse_item` rejects items without one.
                let Some(id) = paper.paper.arxiv_id.clone() else {
                    continue;
                };
                if let Some(first) = first_seen.get(&id) {
                    page.skipped
                        .push((index, format!("duplicate of item {first} (paper {id})")));
                } else {
                    first_seen.insert(id, index);
                    page.papers.push(paper);
                }
            }
            Err(reason) => page.skipped.push((index, reason)),
        }
    }
    Ok(page)
}

/// Reads one daily item (envelope with a `paper` object) or, when `allow_flat`, one bare
/// paper object. `Err` carries the reason the item is unusable.
fn parse_item(item: &Value, allow_flat: bool) -> Result<HfPaper, String> {
    let Value::Object(obj) = item else {
        return Err(format!("item is {}, expected an object", describe(item)));
    };
    let (paper, envelope) = match obj.get("paper") {
        Some(Value::Object(paper)) => (paper, Some(obj)),
        Some(other) => {
            return Err(format!(
                "`paper` is {}, expected an object",
                describe(other)
            ))
        }
        None if allow_flat && obj.contains_key("id") => (obj, None),
        None => return Err("`paper` is missing".into()),
    };

    let id = match paper.get("id") {
        Some(Value::String(raw)) => {
            bare_arxiv_id(raw).map_err(|reason| format!("`paper.id` {reason}"))?
        }
        Some(other) => {
            return Err(format!(
                "`paper.id` is {}, expected a string",
                describe(other)
            ))
        }
        None => return Err("`paper.id` is missing".into()),
    };
    let from_envelope = |key: &str| envelope.and_then(|e| e.get(key));
    let title = clean_str(paper.get("title"))
        .or_else(|| clean_str(from_envelope("title")))
        .ok_or_else(|| format!("paper {id} has no title"))?;
    let abstract_text = clean_str(paper.get("summary"))
        .or_else(|| clean_str(from_envelope("summary")))
        .unwrap_or_default();
    let authors = match paper.get("authors") {
        Some(Value::Array(authors)) => authors
            .iter()
            .filter_map(|a| clean_str(a.get("name")))
            .collect(),
        _ => Vec::new(),
    };
    let upvotes = count_u32(paper.get("upvotes"));

    let signals = HfSignals {
        upvotes,
        num_comments: count_u32(from_envelope("numComments").or(paper.get("numComments"))),
        github_repo: clean_url(paper.get("githubRepo")),
        github_stars: count_u32(paper.get("githubStars")),
        project_page: clean_url(paper.get("projectPage")),
        ai_summary: clean_str(paper.get("ai_summary")),
        ai_keywords: match paper.get("ai_keywords") {
            Some(Value::Array(words)) => words.iter().filter_map(|w| clean_str(Some(w))).collect(),
            _ => Vec::new(),
        },
        submitted_on_daily_at: paper
            .get("submittedOnDailyAt")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| OffsetDateTime::parse(s, &Rfc3339).is_ok())
            .map(str::to_string),
        withdrawn: match paper.get("withdrawnAt") {
            None | Some(Value::Null) | Some(Value::Bool(false)) => false,
            Some(Value::String(s)) => !s.trim().is_empty(),
            Some(_) => true,
        },
        organization: organization(from_envelope("organization"))
            .or_else(|| organization(paper.get("organization"))),
    };
    let paper = NewPaper {
        arxiv_id: Some(id),
        title,
        abstract_text,
        authors,
        published: paper
            .get("publishedAt")
            .and_then(Value::as_str)
            .and_then(parse_date),
        upvotes,
        ..NewPaper::default()
    };
    Ok(HfPaper { paper, signals })
}

/// `organization` as an object (`fullname`, else `name`) or, leniently, a plain string.
fn organization(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Object(org) => clean_str(org.get("fullname")).or_else(|| clean_str(org.get("name"))),
        other => clean_str(Some(other)),
    }
}

/// The message of an `{"error": …}` object, when it has an `error` key.
fn error_message(obj: &Map<String, Value>) -> Option<String> {
    let error = obj.get("error")?;
    Some(clean_str(Some(error)).unwrap_or_else(|| "no message".into()))
}

fn body_text(body: &[u8]) -> Result<&str, HfError> {
    if body.starts_with(&[0x1f, 0x8b]) {
        return Err(HfError::NotText(
            "it starts with the gzip magic bytes 1f 8b (compressed without \
             `Content-Encoding: gzip`?)"
                .into(),
        ));
    }
    std::str::from_utf8(body)
        .map_err(|e| HfError::NotText(format!("invalid utf-8 at byte {}", e.valid_up_to())))
}

// ---------------------------------------------------------------------------------------------
// Helpers shared with the other JSON sources (Semantic Scholar).

/// A JSON syntax error: 1-based line and column, and the parser's message without them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonSyntaxError {
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) reason: String,
}

impl From<JsonSyntaxError> for HfError {
    fn from(e: JsonSyntaxError) -> Self {
        HfError::InvalidJson {
            line: e.line,
            column: e.column,
            reason: e.reason,
        }
    }
}

/// Parses a body into a JSON value. A leading byte order mark is ignored. serde_json stops
/// at 128 levels of nesting, so hostile `[[[[…` input is an error, never a stack overflow.
pub(crate) fn parse_json(body: &str) -> Result<Value, JsonSyntaxError> {
    let body = body.strip_prefix('\u{feff}').unwrap_or(body);
    serde_json::from_str(body).map_err(|e| {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let reason = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
        JsonSyntaxError {
            line: e.line(),
            column: e.column(),
            reason,
        }
    })
}

/// "a string", "an object", … for messages about wrong types.
pub(crate) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Characters that are invisible but change how text reads or compares: bidirectional
/// embeddings, overrides, isolates and marks; zero-width space, joiners and word joiner;
/// invisible operators; the byte order mark.
fn is_invisible(c: char) -> bool {
    // Stricter than what every stored text loses (`clean::is_bidi_control`): an API's machine
    // text has no use for directional marks or zero-width characters.
    crate::clean::is_bidi_control(c)
        || matches!(
            c,
            '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}'
        )
}

/// Text as stored: control characters (NUL, escape, …), bidi controls and zero-width
/// characters removed, whitespace collapsed. Markup stays as plain characters.
pub(crate) fn clean_text(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|&c| (c.is_whitespace() || !c.is_control()) && !is_invisible(c))
        .collect();
    collapse_whitespace(&kept)
}

/// A JSON string cleaned with [`clean_text`]; `None` when absent, not a string, or empty
/// after cleaning.
pub(crate) fn clean_str(value: Option<&Value>) -> Option<String> {
    let cleaned = clean_text(value?.as_str()?);
    (!cleaned.is_empty()).then_some(cleaned)
}

/// A JSON string kept only when it is a plain `http(s)` URL ([`is_plain_http_url`]).
pub(crate) fn clean_url(value: Option<&Value>) -> Option<String> {
    let s = value?.as_str()?.trim();
    is_plain_http_url(s).then(|| s.to_string())
}

/// True for `http://host/…` or `https://host/…` with an ASCII host name (optional port, no
/// user info) and no whitespace, control or invisible characters, quotes, backslashes or
/// angle brackets anywhere: safe to use as a link target.
pub(crate) fn is_plain_http_url(s: &str) -> bool {
    const MAX_LEN: usize = 2048;
    let lower_start = s.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    let rest = if lower_start.starts_with("https://") {
        &s[8..]
    } else if lower_start.starts_with("http://") {
        &s[7..]
    } else {
        return false;
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, port) = match rest[..host_end].split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (&rest[..host_end], None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && !host.starts_with(['.', '-']);
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let chars_ok = s.chars().all(|c| {
        !c.is_whitespace()
            && !c.is_control()
            && !is_invisible(c)
            && !matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\')
    });
    s.len() <= MAX_LEN && host_ok && port_ok && chars_ok
}

/// A non-negative integer count that fits `u32`; `"1.2k"`, `1e308`, `-1` and `2.5` are `None`.
pub(crate) fn count_u32(value: Option<&Value>) -> Option<u32> {
    count_u64(value).and_then(|n| u32::try_from(n).ok())
}

/// A non-negative integer count; integral floats (`26.0`) are accepted, anything else is
/// `None`.
pub(crate) fn count_u64(value: Option<&Value>) -> Option<u64> {
    let n = value?.as_number()?;
    if let Some(u) = n.as_u64() {
        return Some(u);
    }
    let f = n.as_f64()?;
    // `u64::MAX as f64` rounds up to 2^64, so the comparison is strict.
    (f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < u64::MAX as f64).then_some(f as u64)
}

/// A calendar date from `YYYY-MM-DD` or an RFC 3339 timestamp (the date as written, i.e. in
/// the timestamp's own offset). Impossible dates and times (`2024-02-30`, `T25:61`) are `None`.
pub(crate) fn parse_date(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    let date = if s.len() == 10 {
        Date::parse(s, format_description!("[year]-[month]-[day]")).ok()?
    } else {
        OffsetDateTime::parse(s, &Rfc3339).ok()?.date()
    };
    Some(PartialDate::ymd(
        date.year(),
        u8::from(date.month()),
        date.day(),
    ))
}

/// Validates an id that must already be a bare arXiv id (`2310.02579`, `hep-th/9901001`;
/// an old-style subject class is normalised away). Versions, prefixes, URLs and anything
/// else [`ArxivId::parse`] would rewrite are refused, as are empty and path-like strings.
/// `Err` is a reason phrased to follow the field name.
pub(crate) fn bare_arxiv_id(raw: &str) -> Result<ArxivId, String> {
    let shown = excerpt(raw);
    if raw.trim().is_empty() {
        return Err("is empty".into());
    }
    match ArxivId::parse(raw) {
        Err(e) => Err(format!("{shown} is not an arXiv id: {}", e.reason)),
        Ok((_, Some(v))) => Err(format!(
            "{shown} carries a version (v{v}); expected a bare id"
        )),
        Ok((id, None)) if id.as_str() == raw || is_old_style_with_subject_class(raw) => Ok(id),
        Ok((id, None)) => Err(format!(
            "{shown} is not a bare arXiv id (it would normalise to {id})"
        )),
    }
}

/// `math.GT/0309136`: archive, subject class, 7 digits, nothing else.
fn is_old_style_with_subject_class(raw: &str) -> bool {
    raw.split_once('/').is_some_and(|(prefix, number)| {
        prefix
            .bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'.')
            && number.len() == 7
            && number.bytes().all(|b| b.is_ascii_digit())
    })
}

/// A short, quoted, escaped rendering of untrusted input for messages and logs.
pub(crate) fn excerpt(raw: &str) -> String {
    const MAX_CHARS: usize = 60;
    let mut shown: String = raw.chars().take(MAX_CHARS).collect();
    if raw.chars().nth(MAX_CHARS).is_some() {
        shown.push('…');
    }
    // Debug formatting escapes quotes, controls and invisible characters.
    format!("{shown:?}")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    // Paths are relative to this file: crates/core/src/sources/ → crates/core/tests/.
    const DAY_15: &str = include_str!("../../tests/fixtures/api/hf/daily_papers-2024-01-15.json");
    const DAY_16: &str = include_str!("../../tests/fixtures/api/hf/daily_papers-2024-01-16.json");
    const EMPTY: &str = include_str!("../../tests/fixtures/api/hf/daily_papers-empty.json");
    const SEARCH: &str =
        include_str!("../../tests/fixtures/api/hf/search-q-positional-encoding.json");
    const PAPER_2310: &str = include_str!("../../tests/fixtures/api/hf/paper-2310.02579.json");
    const PAPER_2405: &str = include_str!("../../tests/fixtures/api/hf/paper-2405.12522.json");
    const PAPER_2410: &str = include_str!("../../tests/fixtures/api/hf/paper-2410.05050.json");
    const NOT_FOUND: &str = include_str!("../../tests/fixtures/api/hf/not-found.json");
    const XSS: &str = include_str!("../../tests/fixtures/api/hostile/xss-daily_papers.json");
    const ODD: &str = include_str!("../../tests/fixtures/api/hostile/odd-types-daily_papers.json");
    const WRONG_SHAPE: &str =
        include_str!("../../tests/fixtures/api/hostile/wrong-shape-daily_papers.json");
    const TRUNCATED: &str =
        include_str!("../../tests/fixtures/api/hostile/truncated-daily_papers.json.partial");
    const SEARCH_GZ: &[u8] =
        include_bytes!("../../tests/fixtures/api/hostile/search-q-positional-encoding.json.gz");
    const EXPECTED: &str = include_str!("../../tests/fixtures/api/expected/papers.json");

    /// One ground-truth record of `expected/papers.json`.
    pub(crate) struct Expected {
        pub(crate) title: String,
        pub(crate) abstract_text: String,
        pub(crate) authors: Vec<String>,
        pub(crate) first_version_date: Option<String>,
        pub(crate) doi: Option<String>,
    }

    /// `expected/papers.json` keyed by arXiv id.
    pub(crate) fn expected() -> HashMap<String, Expected> {
        let all: Vec<Value> = serde_json::from_str(EXPECTED).unwrap();
        all.into_iter()
            .map(|p| {
                let s = |k: &str| p[k].as_str().map(str::to_string);
                (
                    s("arxiv_id").unwrap(),
                    Expected {
                        title: s("title").unwrap(),
                        abstract_text: s("abstract").unwrap(),
                        authors: p["authors"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|a| a.as_str().unwrap().to_string())
                            .collect(),
                        first_version_date: s("first_version_date"),
                        doi: s("doi"),
                    },
                )
            })
            .collect()
    }

    fn ids(page: &HfPage) -> Vec<&str> {
        page.papers
            .iter()
            .map(|p| p.paper.arxiv_id.as_ref().unwrap().as_str())
            .collect()
    }

    fn find<'a>(page: &'a HfPage, id: &str) -> &'a HfPaper {
        page.papers
            .iter()
            .find(|p| p.paper.arxiv_id.as_ref().unwrap().as_str() == id)
            .unwrap_or_else(|| panic!("{id} not in page"))
    }

    #[test]
    fn each_day_file_yields_twenty_papers_keyed_by_bare_arxiv_ids() {
        for body in [DAY_15, DAY_16] {
            let page = parse_daily(body).unwrap();
            assert_eq!(page.papers.len(), 20);
            assert!(page.skipped.is_empty(), "{:?}", page.skipped);
            for id in ids(&page) {
                assert_eq!(ArxivId::parse(id).unwrap().1, None, "{id}");
            }
        }
        let day15 = parse_daily(DAY_15).unwrap();
        assert_eq!(ids(&day15)[..3], ["2310.02579", "2111.11632", "2311.10091"]);
    }

    #[test]
    fn every_hf_paper_matches_the_ground_truth_after_whitespace_collapsing() {
        let expected = expected();
        let mut checked = 0;
        let lists = [DAY_15, DAY_16, SEARCH].map(|b| parse_search(b).unwrap().papers);
        let singles = [PAPER_2310, PAPER_2405, PAPER_2410].map(|b| parse_paper(b).unwrap());
        for hf in lists.iter().flatten().chain(singles.iter()) {
            let p = &hf.paper;
            let id = p.arxiv_id.as_ref().unwrap().as_str();
            let e = &expected[id];
            assert_eq!(p.title, collapse_whitespace(&e.title), "{id}");
            assert_eq!(
                p.abstract_text,
                collapse_whitespace(&e.abstract_text),
                "{id}"
            );
            assert_eq!(p.authors, e.authors, "{id}");
            assert_eq!(
                p.published.map(|d| d.sort_key()),
                e.first_version_date.clone(),
                "{id}"
            );
            checked += 1;
        }
        assert_eq!(checked, 20 + 20 + 8 + 3);
    }

    #[test]
    fn the_two_days_share_three_papers_so_importing_both_gives_37() {
        let day15 = parse_daily(DAY_15).unwrap();
        let day16 = parse_daily(DAY_16).unwrap();
        let a: std::collections::BTreeSet<_> = ids(&day15).into_iter().collect();
        let b: std::collections::BTreeSet<_> = ids(&day16).into_iter().collect();
        let shared: Vec<_> = a.intersection(&b).copied().collect();
        assert_eq!(shared, ["2309.02612", "2310.17230", "2311.03658"]);
        assert_eq!(a.union(&b).count(), 37);
        // Counts are newer (higher) on the 16th: they drift, they are not identity.
        for id in shared {
            let (old, new) = (&find(&day15, id).signals, &find(&day16, id).signals);
            assert!(new.upvotes > old.upvotes, "{id}");
            assert!(new.num_comments > old.num_comments, "{id}");
            assert_eq!(find(&day16, id).paper.upvotes, new.upvotes);
        }
    }

    #[test]
    fn hard_wrapped_summaries_are_collapsed_and_tex_is_kept_verbatim() {
        let day16 = parse_daily(DAY_16).unwrap();
        for id in ["1206.5538", "2212.07346"] {
            let abstract_text = &find(&day16, id).paper.abstract_text;
            assert!(!abstract_text.contains('\n'), "{id}");
            assert!(!abstract_text.contains("  "), "{id}");
        }
        assert!(
            find(&day16, "2212.07346")
                .paper
                .abstract_text
                .contains(r#"na\"{\i}ve"#),
            "TeX must stay as typed"
        );
    }

    #[test]
    fn daily_and_featuring_dates_are_kept_apart() {
        let day15 = parse_daily(DAY_15).unwrap();
        let p = find(&day15, "2310.02579");
        assert_eq!(p.paper.published, Some(PartialDate::ymd(2023, 10, 4)));
        assert_eq!(
            p.signals.submitted_on_daily_at.as_deref(),
            Some("2024-01-15T22:59:06.192Z")
        );
    }

    #[test]
    fn optional_fields_are_read_when_present_and_tolerated_when_absent() {
        let day15 = parse_daily(DAY_15).unwrap();
        let with_code = &find(&day15, "2308.11025").signals;
        assert_eq!(
            with_code.github_repo.as_deref(),
            Some("https://github.com/MachinePerceptionLab/CQ-NIR")
        );
        assert_eq!(with_code.github_stars, Some(2176));
        let with_org = &find(&day15, "2311.10091").signals;
        assert_eq!(
            with_org.project_page.as_deref(),
            Some("https://research.nvidia.com/labs/toronto-ai/adaptive-shells/")
        );
        assert_eq!(with_org.organization.as_deref(), Some("NVIDIA"));
        let plain = &find(&day15, "2310.02579").signals;
        assert_eq!(plain.upvotes, Some(26));
        assert_eq!(plain.num_comments, Some(3));
        assert_eq!(plain.github_repo, None);
        assert_eq!(plain.github_stars, None);
        assert_eq!(plain.project_page, None);
        assert_eq!(plain.organization, None);
        assert!(!plain.withdrawn);
        assert!(plain
            .ai_summary
            .as_deref()
            .unwrap()
            .starts_with("Stable and Expressive"));
        assert_eq!(plain.ai_keywords.len(), 5);
        // Authors carrying `user` objects and `status` read like any other.
        let claimed = find(&day15, "2310.17230");
        assert!(!claimed.paper.authors.is_empty());
    }

    #[test]
    fn an_empty_day_is_success_with_no_papers() {
        let page = parse_daily(EMPTY).unwrap();
        assert_eq!(page, HfPage::default());
    }

    #[test]
    fn search_keeps_server_order_and_accepts_papers_never_featured() {
        let page = parse_search(SEARCH).unwrap();
        assert!(page.skipped.is_empty(), "{:?}", page.skipped);
        assert_eq!(
            ids(&page),
            [
                "2310.02579",
                "2308.11025",
                "2309.17182",
                "2410.05050",
                "2309.02612",
                "2405.19504",
                "2311.10091",
                "2405.05847"
            ]
        );
        let never_featured = find(&page, "2410.05050");
        assert_eq!(never_featured.signals.submitted_on_daily_at, None);
        // Counts differ from the daily file for the same paper.
        let day15 = parse_daily(DAY_15).unwrap();
        assert_eq!(find(&page, "2310.02579").signals.upvotes, Some(29));
        assert_eq!(find(&day15, "2310.02579").signals.upvotes, Some(26));
    }

    #[test]
    fn search_accepts_bare_paper_objects_as_items() {
        let body = format!("[{PAPER_2405}]");
        let page = parse_search(&body).unwrap();
        assert_eq!(ids(&page), ["2405.12522"]);
        // The daily endpoint insists on envelopes.
        let daily = parse_daily(&body).unwrap();
        assert!(daily.papers.is_empty());
        assert_eq!(daily.skipped, [(0, "`paper` is missing".to_string())]);
    }

    #[test]
    fn the_flat_paper_object_reads_like_its_daily_item() {
        let single = parse_paper(PAPER_2310).unwrap();
        let daily = parse_daily(DAY_15).unwrap();
        let item = find(&daily, "2310.02579");
        assert_eq!(single.paper.arxiv_id, item.paper.arxiv_id);
        assert_eq!(single.paper.title, item.paper.title);
        assert_eq!(single.paper.authors, item.paper.authors);
        assert_eq!(single.paper.abstract_text, item.paper.abstract_text);
        assert_eq!(single.signals.upvotes, Some(37));
        assert_eq!(single.signals.num_comments, None);
    }

    #[test]
    fn a_paper_without_daily_fields_keeps_apostrophes_in_names() {
        let p = parse_paper(PAPER_2405).unwrap();
        assert_eq!(p.paper.authors, ["Charles O'Neill", "Thang Bui"]);
        assert_eq!(p.signals.submitted_on_daily_at, None);
        assert_eq!(p.paper.published, Some(PartialDate::ymd(2024, 5, 21)));
    }

    #[test]
    fn null_links_count_as_absent_and_utf8_names_survive() {
        let p = parse_paper(PAPER_2410).unwrap();
        assert_eq!(p.signals.project_page, None);
        assert_eq!(p.signals.github_repo, None);
        assert_eq!(p.paper.authors.last().unwrap(), "Przemysław Spurek");
        assert_eq!(
            p.signals.submitted_on_daily_at.as_deref(),
            Some("2024-10-08T01:12:44.517Z")
        );
    }

    #[test]
    fn an_error_object_is_a_typed_not_found() {
        let expected = HfError::NotFound("Paper not found".into());
        assert_eq!(parse_paper(NOT_FOUND), Err(expected.clone()));
        assert_eq!(parse_not_found(NOT_FOUND), Some(expected));
        assert_eq!(parse_not_found(PAPER_2310), None);
        assert_eq!(parse_not_found("<html>Bad gateway</html>"), None);
        assert_eq!(
            parse_daily(NOT_FOUND),
            Err(HfError::Api("Paper not found".into()))
        );
    }

    #[test]
    fn unusable_single_papers_are_invalid_records_that_name_the_problem() {
        let versioned = PAPER_2405.replace("\"2405.12522\"", "\"2405.12522v2\"");
        let err = parse_paper(&versioned).unwrap_err();
        assert!(
            matches!(&err, HfError::InvalidRecord(m) if m.contains("version")),
            "{err}"
        );
        let traversal = PAPER_2405.replace("\"2405.12522\"", "\"../../2405.12522\"");
        assert!(matches!(
            parse_paper(&traversal),
            Err(HfError::InvalidRecord(_))
        ));
        let url = PAPER_2405.replace("\"2405.12522\"", "\"https://arxiv.org/abs/2405.12522\"");
        assert!(matches!(parse_paper(&url), Err(HfError::InvalidRecord(_))));
        let untitled = r#"{"id": "2405.12522", "title": " \u0000 "}"#;
        assert_eq!(
            parse_paper(untitled),
            Err(HfError::InvalidRecord(
                "paper 2405.12522 has no title".into()
            ))
        );
        assert!(matches!(parse_paper("[]"), Err(HfError::Schema(m)) if m.contains("an array")));
    }

    #[test]
    fn old_style_ids_are_accepted_bare_or_with_a_subject_class() {
        let body = |id: &str| format!(r#"{{"id": "{id}", "title": "T"}}"#);
        let id = |b: &str| parse_paper(b).unwrap().paper.arxiv_id.unwrap();
        assert_eq!(id(&body("hep-th/9901001")).as_str(), "hep-th/9901001");
        assert_eq!(id(&body("math.GT/0309136")).as_str(), "math/0309136");
        assert!(parse_paper(&body("arXiv:2310.02579")).is_err());
        assert!(parse_paper(&body(" 2310.02579")).is_err());
    }

    #[test]
    fn the_rate_limit_header_gives_remaining_requests_and_reset_seconds() {
        assert_eq!(
            parse_rate_limit("\"api\";r=497;t=212"),
            Some(RateLimit {
                remaining: 497,
                reset_secs: 212
            })
        );
        assert_eq!(
            parse_rate_limit("\"api\"; r=0; t=37"),
            Some(RateLimit {
                remaining: 0,
                reset_secs: 37
            })
        );
        assert_eq!(
            parse_rate_limit("\"other\";q=5, \"api\";t=9;r=1"),
            Some(RateLimit {
                remaining: 1,
                reset_secs: 9
            })
        );
        for bad in [
            "",
            "\"api\"",
            "\"api\";r=1",
            "\"api\";r=-1;t=5",
            "r=1;t=2",
            "\"api\";r=x;t=2",
        ] {
            assert_eq!(parse_rate_limit(bad), None, "{bad}");
        }
    }

    #[test]
    fn xss_payloads_are_kept_as_inert_text_and_bad_urls_are_dropped() {
        let page = parse_daily(XSS).unwrap();
        assert!(page.skipped.is_empty());
        let p = find(&page, "2310.02579");
        assert!(p.paper.title.ends_with("<script>alert(1)</script>"));
        assert!(p
            .paper
            .abstract_text
            .starts_with("<img src=x onerror=alert(1)>"));
        assert!(p
            .paper
            .abstract_text
            .ends_with(r#"<a href="javascript:alert(1)">details</a>"#));
        assert_eq!(p.paper.authors[0], "<img src=x onerror=alert(1)>");
        assert_eq!(
            p.signals.ai_summary.as_deref(),
            Some("\"><svg onload=alert(1)>")
        );
        assert_eq!(
            p.signals.ai_keywords,
            ["<script>alert(1)</script>", "normal keyword"]
        );
        assert_eq!(p.signals.github_repo, None, "javascript: URL");
        assert_eq!(p.signals.project_page, None, "attribute-breaking URL");
    }

    #[test]
    fn only_plain_http_urls_are_links() {
        for good in [
            "https://github.com/salesforce/CodeGen2",
            "http://example.org",
            "HTTPS://Example.org:8443/a?b=c#d",
            "https://research.nvidia.com/labs/toronto-ai/adaptive-shells/",
            "https://example.org/ünïcode-path",
        ] {
            assert!(is_plain_http_url(good), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "https://example.invalid/\" onmouseover=\"alert(1)",
            "https://example.org/<script>",
            "https://example.org/a b",
            "https://example.org/a\u{202e}b",
            "https://user:pw@example.org/",
            "https://",
            "https:///path",
            "https://.example.org",
            "https://example.org:/",
            "https://exa\\mple.org",
            "//example.org",
            "ftp://example.org",
            "http:example.org",
            "",
        ] {
            assert!(!is_plain_http_url(bad), "{bad}");
        }
        let long = format!("https://example.org/{}", "a".repeat(3000));
        assert!(!is_plain_http_url(&long));
    }

    #[test]
    fn odd_types_import_exactly_two_papers_and_skip_five_with_reasons() {
        let page = parse_daily(ODD).unwrap();
        assert_eq!(ids(&page), ["2311.03658", "2401.01862"]);
        let skipped: Vec<usize> = page.skipped.iter().map(|(i, _)| *i).collect();
        assert_eq!(skipped, [0, 1, 2, 4, 6]);
        let reason = |i: usize| &page.skipped.iter().find(|(j, _)| *j == i).unwrap().1;
        assert_eq!(reason(0), "`paper` is a string, expected an object");
        assert!(reason(1).contains("version"), "{}", reason(1));
        assert_eq!(reason(2), "`paper.id` is empty");
        assert!(reason(4).contains("\"../../etc/passwd\""), "{}", reason(4));
        assert_eq!(reason(6), "duplicate of item 5 (paper 2401.01862)");

        let cleaned = find(&page, "2311.03658");
        assert_eq!(
            cleaned.paper.title,
            "Bidi txet desrever and zero\u{2011}widthjoin and NULbyte"
        );
        assert!(cleaned.paper.authors.is_empty(), "NUL-only author dropped");
        // The 20k-character summary is kept whole ("Tooo…o long").
        assert_eq!(cleaned.paper.abstract_text.chars().count(), 20_006);
        assert_eq!(cleaned.paper.published, Some(PartialDate::ymd(2023, 11, 7)));
        assert_eq!(cleaned.signals.upvotes, Some(0));
        let first_copy = find(&page, "2401.01862");
        assert_eq!(
            first_copy.paper.title,
            "Duplicate within one response (first copy)"
        );
        for p in &page.papers {
            let all = [&p.paper.title, &p.paper.abstract_text]
                .into_iter()
                .chain(&p.paper.authors);
            for text in all {
                assert!(
                    !text.chars().any(|c| c.is_control() || is_invisible(c)),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn odd_counts_and_dates_are_dropped_not_guessed() {
        let v = |s: &str| serde_json::from_str::<Value>(s).unwrap();
        assert_eq!(count_u32(Some(&v("26"))), Some(26));
        assert_eq!(count_u32(Some(&v("26.0"))), Some(26));
        for bad in [
            "\"1.2k\"",
            "1e+308",
            "-1",
            "2.5",
            "null",
            "4294967296",
            "true",
            "[]",
        ] {
            assert_eq!(count_u32(Some(&v(bad))), None, "{bad}");
        }
        assert_eq!(count_u32(None), None);
        assert_eq!(count_u64(Some(&v("1e308"))), None);

        assert_eq!(
            parse_date("2023-10-04"),
            Some(PartialDate::ymd(2023, 10, 4))
        );
        assert_eq!(
            parse_date("2024-01-15T00:00:00Z"),
            Some(PartialDate::ymd(2024, 1, 15))
        );
        for bad in [
            "not-a-date",
            "2024-01-15T25:61:00.000Z",
            "2024-02-30",
            "2023-13-01",
            "2024-02-30T00:00:00Z",
            "",
            "2024",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn withdrawn_papers_are_flagged() {
        let body = r#"{"id": "2401.01862", "title": "T", "withdrawnAt": "2024-02-01T00:00:00Z"}"#;
        assert!(parse_paper(body).unwrap().signals.withdrawn);
        let body = r#"{"id": "2401.01862", "title": "T", "withdrawnAt": null}"#;
        assert!(!parse_paper(body).unwrap().signals.withdrawn);
    }

    #[test]
    fn an_object_where_an_array_belongs_is_a_schema_error() {
        assert_eq!(
            parse_daily(WRONG_SHAPE),
            Err(HfError::Schema(
                "expected an array of daily papers, found an object".into()
            ))
        );
        assert!(matches!(parse_search("42"), Err(HfError::Schema(m)) if m.ends_with("a number")));
    }

    #[test]
    fn a_truncated_body_is_invalid_json_with_its_position() {
        let err = parse_daily(TRUNCATED).unwrap_err();
        let HfError::InvalidJson {
            line,
            column,
            reason,
        } = &err
        else {
            panic!("{err:?}");
        };
        assert_eq!(*line, TRUNCATED.lines().count());
        assert!(*column > 0);
        assert!(reason.contains("EOF"), "{reason}");
        let message = err.to_string();
        assert!(
            message.starts_with("invalid json from hugging face at line "),
            "{message}"
        );
        assert_eq!(
            parse_paper("").unwrap_err().to_string(),
            "invalid json from hugging face at line 1, column 0: EOF while parsing a value"
        );
    }

    #[test]
    fn binary_and_gzip_bodies_are_rejected_as_not_text() {
        let err = parse_search_bytes(SEARCH_GZ).unwrap_err();
        assert!(
            matches!(&err, HfError::NotText(m) if m.contains("gzip")),
            "{err}"
        );
        let mut latin1 = b"[{\"title\": \"Caf".to_vec();
        latin1.extend([0xe9, b'"', b'}', b']']);
        assert_eq!(
            parse_daily_bytes(&latin1),
            Err(HfError::NotText("invalid utf-8 at byte 15".into()))
        );
        assert_eq!(
            parse_daily_bytes(DAY_15.as_bytes()).unwrap().papers.len(),
            20
        );
        assert_eq!(
            parse_paper_bytes(PAPER_2410.as_bytes()),
            Ok(parse_paper(PAPER_2410).unwrap())
        );
        // A byte order mark before the JSON is tolerated.
        assert_eq!(parse_daily("\u{feff}[]"), Ok(HfPage::default()));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        for body in [
            "[".repeat(10_000),
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
            "{\"a\":".repeat(10_000),
            format!("[{{\"paper\": {}", "[".repeat(10_000)),
        ] {
            let err = parse_daily(&body).unwrap_err();
            assert!(
                matches!(&err, HfError::InvalidJson { reason, .. } if reason.contains("recursion limit")),
                "{err}"
            );
            assert!(parse_paper(&body).is_err());
        }
        // Nesting below serde_json's limit of 128 parses and is merely skipped.
        let shallow = format!("[{}{}]", "[".repeat(100), "]".repeat(100));
        assert_eq!(parse_daily(&shallow).unwrap().skipped.len(), 1);
    }

    /// A small deterministic generator (SplitMix64), so failures reproduce.
    pub(crate) struct Rng(pub(crate) u64);

    impl Rng {
        pub(crate) fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        pub(crate) fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// Values spliced into a document in place of a real value.
    const ODD_VALUES: [&str; 16] = [
        "null",
        "\"1.2k\"",
        "1e308",
        "-1",
        "[]",
        "{}",
        "\"\\u0000\"",
        "\"../../etc/passwd\"",
        "true",
        "\"2310.02579v2\"",
        "\"\\u202e\"",
        "18446744073709551616",
        "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]",
        "\"javascript:alert(1)\"",
        "0.5",
        "\"\"",
    ];

    /// One pseudo-random mutation of `doc`: truncation, byte flips, byte insertion, a slice
    /// duplicated, a value replaced by an odd one (keeps the JSON valid most of the time), or
    /// deep nesting spliced in.
    pub(crate) fn mutate(doc: &[u8], rng: &mut Rng) -> Vec<u8> {
        let mut out = doc.to_vec();
        let len = out.len();
        match rng.below(6) {
            0 => out.truncate(rng.below(len)),
            1 => {
                for _ in 0..=rng.below(8) {
                    let i = rng.below(len);
                    out[i] ^= 1 << rng.below(8);
                }
            }
            2 => {
                let i = rng.below(len);
                const NASTY: &[u8] = b"{}[]\",:\\0\x00\xff\n";
                out.insert(i, NASTY[rng.below(NASTY.len())]);
            }
            3 => {
                let (a, b) = (rng.below(len), rng.below(len));
                let (a, b) = (a.min(b), a.max(b));
                let slice = out[a..b].to_vec();
                let at = rng.below(len);
                out.splice(at..at, slice);
            }
            4 => {
                // Replace the value after a random `": ` with an odd value.
                let starts: Vec<usize> = out
                    .windows(3)
                    .enumerate()
                    .filter(|(_, w)| w == b"\": ")
                    .map(|(i, _)| i + 3)
                    .collect();
                if let Some(&start) = starts.get(rng.below(starts.len())) {
                    let end = value_end(&out, start);
                    let odd = ODD_VALUES[rng.below(ODD_VALUES.len())].as_bytes();
                    out.splice(start..end, odd.iter().copied());
                }
            }
            _ => {
                let i = rng.below(len);
                let depth = 1 + rng.below(20_000);
                out.splice(i..i, std::iter::repeat_n(b'[', depth));
            }
        }
        out
    }

    /// Where the scalar (string, number, literal) starting at `start` ends; containers are
    /// treated as empty so the replacement is inserted before them.
    fn value_end(doc: &[u8], start: usize) -> usize {
        match doc.get(start) {
            Some(b'"') => {
                let mut i = start + 1;
                while i < doc.len() {
                    match doc[i] {
                        b'\\' => i += 2,
                        b'"' => return i + 1,
                        _ => i += 1,
                    }
                }
                doc.len()
            }
            Some(b'[' | b'{') | None => start,
            Some(_) => {
                let mut i = start;
                while i < doc.len() && !matches!(doc[i], b',' | b'}' | b']' | b'\n' | b' ') {
                    i += 1;
                }
                i
            }
        }
    }

    #[test]
    fn thousands_of_generated_mutations_never_panic() {
        let mut rng = Rng(0x5eed_1234_abcd_0001);
        let docs: [&[u8]; 5] = [
            ODD.as_bytes(),
            XSS.as_bytes(),
            SEARCH.as_bytes(),
            PAPER_2310.as_bytes(),
            DAY_16.as_bytes(),
        ];
        let (mut ok, mut err) = (0, 0);
        for round in 0..3000 {
            // The 87 kB day file is costly; mutate it less often.
            let doc = if round % 30 == 0 {
                docs[4]
            } else {
                docs[round % 4]
            };
            let input = mutate(doc, &mut rng);
            for result in [
                parse_daily_bytes(&input).map(|p| p.papers.len()),
                parse_search_bytes(&input).map(|p| p.papers.len()),
                parse_paper_bytes(&input).map(|_| 1),
            ] {
                match result {
                    Ok(_) => ok += 1,
                    Err(e) => {
                        assert!(!e.to_string().is_empty());
                        err += 1;
                    }
                }
            }
            if let Ok(page) = parse_daily_bytes(&input) {
                for p in &page.papers {
                    assert!(!p.paper.title.is_empty());
                    assert!(p.paper.arxiv_id.is_some());
                    assert!(p
                        .signals
                        .github_repo
                        .as_deref()
                        .is_none_or(is_plain_http_url));
                }
            }
        }
        // Both outcomes must actually be exercised.
        assert!(ok > 500 && err > 500, "ok={ok} err={err}");
    }
}
