//! arXiv API responses (Atom 1.0) turned into [`NewPaper`]s.
//!
//! A pure parser: the caller fetches `https://export.arxiv.org/api/query` and hands in the
//! body, whatever the HTTP status. Both serializations arXiv has used are read — the current
//! one (namespaces on `<feed>`, `https://` links, one-line summaries) and the legacy one
//! (namespaces declared on each element, `http://` links, hard-wrapped titles and summaries)
//! — because elements are matched by namespace URI and local name, never by prefix or
//! position.
//!
//! What comes out:
//! - [`parse_feed`] gives an [`AtomFeed`]: the OpenSearch paging numbers, the entries it could
//!   read and, for each entry it could not (no usable `<id>`, no title), a
//!   [`SkippedAtomEntry`] with the reason. One bad entry never fails the page.
//! - arXiv reports a rejected request (bad id, bad `max_results`, …) as a feed with one
//!   error entry, with HTTP 400 today and 200 in the legacy service. That entry becomes
//!   [`AtomError::Api`], so the status does not matter.
//! - Text is taken as the XML says it after entity decoding, with whitespace collapsed; TeX
//!   in titles and abstracts is kept verbatim. Markup-looking text (`<script>` written as
//!   `&lt;script&gt;` or inside CDATA) stays plain text: nothing here interprets or
//!   sanitizes it, and whoever shows it must escape it. Links are kept only when they are
//!   `http(s)` URLs, so a `javascript:` or `data:` link is dropped.
//! - Any document type declaration (`<!DOCTYPE …>`) is refused (roxmltree's
//!   `allow_dtd: false`): arXiv never sends one, and DTD entities are the classic way to make
//!   a small body expand enormously. (roxmltree also bounds entity nesting and references
//!   when DTDs are allowed; refusing them is the stricter choice.)

use roxmltree::{Document, Node, ParsingOptions};
use serde::Serialize;

use crate::model::{ArxivId, NewPaper, PaperVersion, PartialDate};
use crate::text::{collapse_whitespace, fold_tex};

/// The Atom 1.0 namespace URI.
pub const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
/// The OpenSearch 1.1 namespace URI (`totalResults`, `startIndex`, `itemsPerPage`).
pub const OPENSEARCH_NS: &str = "http://a9.com/-/spec/opensearch/1.1/";
/// arXiv's extension namespace URI (`primary_category`, `comment`, `doi`, …).
pub const ARXIV_NS: &str = "http://arxiv.org/schemas/atom";

/// Comment openings that mark the returned version as withdrawn (compared ignoring case).
/// A heuristic: neither the API nor the snapshot has a withdrawn flag (`docs/sources.md` §3).
const WITHDRAWN_PREFIXES: [&str; 3] = [
    "withdrawn",
    "this paper has been withdrawn",
    "this submission has been withdrawn",
];

/// Longest piece of input quoted in a skip reason; hostile ids can be arbitrarily long.
const MAX_QUOTED_CHARS: usize = 80;

/// One page of arXiv API results.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AtomFeed {
    /// `opensearch:totalResults`: how many results the whole query has.
    pub total_results: Option<u64>,
    /// `opensearch:startIndex`: the 0-based offset of this page (echoes `start`).
    pub start_index: Option<u64>,
    /// `opensearch:itemsPerPage`: the page size asked for (echoes `max_results`).
    pub items_per_page: Option<u64>,
    /// The entries that could be read, in feed order.
    pub entries: Vec<AtomEntry>,
    /// The entries that could not be read, with why.
    pub skipped: Vec<SkippedAtomEntry>,
}

/// One arXiv paper as one version of it was returned.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AtomEntry {
    /// The paper: arXiv id without version; title and abstract with whitespace collapsed
    /// (TeX verbatim); authors in order; `published` = the v1 date from `<published>`;
    /// `versions` = the returned version with `<updated>` as its date; `doi` = the
    /// published-version DOI from `<arxiv:doi>` only; categories primary first, then the
    /// others, without duplicates; journal reference and comments with whitespace collapsed.
    pub paper: NewPaper,
    /// The returned version, from the `vN` of the entry's `<id>`.
    pub version: u32,
    /// `<updated>` as given (trimmed): when the returned version was submitted; equal to
    /// `<published>` for v1. Empty when absent.
    pub updated: String,
    /// The abstract page (`rel="alternate"`, or a link shaped `/abs/`), when it is an
    /// `http(s)` URL.
    pub abs_url: Option<String>,
    /// The PDF (`title="pdf"`, else `type="application/pdf"`, else a link shaped `/pdf/`),
    /// when it is an `http(s)` URL.
    pub pdf_url: Option<String>,
    /// `<arxiv:affiliation>`s per author, parallel to `paper.authors`; empty inner lists for
    /// authors without one.
    pub affiliations: Vec<Vec<String>>,
    /// The comment says the version is withdrawn ("Withdrawn …", "This paper has been
    /// withdrawn …", "This submission has been withdrawn …", any case).
    pub withdrawn: bool,
}

/// An entry that was passed over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedAtomEntry {
    /// 0-based position among the page's `<entry>` elements.
    pub index: usize,
    /// Why, e.g. `entry id "http://arxiv.org/abs/2401.0abc" is not an arXiv id: …`.
    pub reason: String,
}

/// Why a body is not a page of results.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AtomError {
    /// Not well-formed XML (or a refused DTD); the message carries the position.
    #[error("arXiv response is not well-formed XML: {0}")]
    Xml(String),
    /// Well-formed XML whose root is not an Atom `<feed>`.
    #[error("arXiv response is not an Atom feed: {0}")]
    NotAFeed(String),
    /// arXiv's error entry (`<title>Error</title>`, `<id>` under `…/api/errors`): the request
    /// was rejected. `message` is the entry's summary.
    #[error("arXiv API rejected the request: {message}")]
    Api {
        /// arXiv's message, e.g. `incorrect id format for 2401.0abc`.
        message: String,
    },
}

impl AtomError {
    /// For an API error about a malformed id (`incorrect id format for <id>`), the id arXiv
    /// rejected; `None` for every other error.
    pub fn invalid_id(&self) -> Option<&str> {
        match self {
            AtomError::Api { message } => message
                .strip_prefix("incorrect id format for ")
                .map(str::trim),
            _ => None,
        }
    }
}

/// Parses one arXiv API response body.
///
/// Returns the page (possibly with zero entries: an unknown id is not an error) or an
/// [`AtomError`]: not XML (`Rate exceeded.`, an HTML page cut short), not an Atom feed, or
/// arXiv's error entry. Never panics, whatever the input.
pub fn parse_feed(xml: &str) -> Result<AtomFeed, AtomError> {
    let xml = xml.strip_prefix('\u{feff}').unwrap_or(xml);
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(xml, options).map_err(|e| xml_error(xml, &e))?;
    let feed = doc.root_element();
    if !feed.has_tag_name((ATOM_NS, "feed")) {
        return Err(AtomError::NotAFeed(format!(
            "the root element is {}, expected <feed> in {ATOM_NS}",
            describe_element(feed)
        )));
    }

    let entries: Vec<Node<'_, '_>> = children(feed, ATOM_NS, "entry").collect();
    // An error entry makes the whole response an error, wherever it sits.
    if let Some(message) = entries.iter().find_map(|entry| api_error(*entry)) {
        return Err(AtomError::Api { message });
    }

    let mut page = AtomFeed {
        total_results: number(feed, "totalResults"),
        start_index: number(feed, "startIndex"),
        items_per_page: number(feed, "itemsPerPage"),
        ..AtomFeed::default()
    };
    for (index, entry) in entries.into_iter().enumerate() {
        match parse_entry(entry) {
            Ok(entry) => page.entries.push(entry),
            Err(reason) => page.skipped.push(SkippedAtomEntry { index, reason }),
        }
    }
    Ok(page)
}

/// roxmltree's error with a position; the few errors without one happen at the end of the
/// input, so that is where they are placed.
fn xml_error(xml: &str, error: &roxmltree::Error) -> AtomError {
    let message = match error {
        roxmltree::Error::DtdDetected => {
            "a document type declaration (<!DOCTYPE …>) is refused: arXiv never sends one, \
             and its entities could expand the document"
                .to_string()
        }
        roxmltree::Error::NoRootNode
        | roxmltree::Error::UnclosedRootNode
        | roxmltree::Error::UnexpectedEndOfStream => {
            let line = xml.matches('\n').count() + 1;
            let column = xml.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("{error} (input ends at {line}:{column})")
        }
        _ => error.to_string(),
    };
    AtomError::Xml(message)
}

/// `<html>` or `<feed> in urn:x`, for messages.
fn describe_element(node: Node<'_, '_>) -> String {
    let name = node.tag_name();
    match name.namespace() {
        Some(ns) => format!("<{}> in {}", name.name(), quoted(ns)),
        None => format!("<{}> without namespace", name.name()),
    }
}

/// The element children of `node` named `name` in namespace `ns`.
fn children<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    ns: &'a str,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> + 'a {
    node.children().filter(move |c| c.has_tag_name((ns, name)))
}

/// The first element child of `node` named `name` in namespace `ns`.
fn child<'a, 'input>(node: Node<'a, 'input>, ns: &str, name: &str) -> Option<Node<'a, 'input>> {
    node.children().find(|c| c.has_tag_name((ns, name)))
}

/// All the text inside `node` (text and CDATA, nested elements' text included), decoded.
fn all_text(node: Node<'_, '_>) -> String {
    let mut text = String::new();
    for piece in node.descendants().filter(|n| n.is_text()) {
        text.push_str(piece.text().unwrap_or_default());
    }
    text
}

/// The collapsed text of the first `ns:name` child; empty when absent.
fn child_text(node: Node<'_, '_>, ns: &str, name: &str) -> String {
    child(node, ns, name)
        .map(|c| collapse_whitespace(&all_text(c)))
        .unwrap_or_default()
}

/// The collapsed text of the first `ns:name` child, `None` when absent or blank.
fn optional_text(node: Node<'_, '_>, ns: &str, name: &str) -> Option<String> {
    Some(child_text(node, ns, name)).filter(|t| !t.is_empty())
}

/// An `opensearch:` count of the feed.
fn number(feed: Node<'_, '_>, name: &str) -> Option<u64> {
    child_text(feed, OPENSEARCH_NS, name).parse().ok()
}

/// `s` in double quotes with control characters escaped, cut to [`MAX_QUOTED_CHARS`].
fn quoted(s: &str) -> String {
    match s.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => format!("{:?}…", &s[..cut]),
        None => format!("{s:?}"),
    }
}

/// Strips `prefix` when `s` starts with it, ignoring ASCII case.
fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// What follows `http(s)://(www.|export.)arxiv.org/` in `url`, when it is an arXiv URL.
fn arxiv_path(url: &str) -> Option<&str> {
    let rest = strip_prefix_ci(url, "https://").or_else(|| strip_prefix_ci(url, "http://"))?;
    let rest = strip_prefix_ci(rest, "export.")
        .or_else(|| strip_prefix_ci(rest, "www."))
        .unwrap_or(rest);
    strip_prefix_ci(rest, "arxiv.org/")
}

/// True for arXiv's error URLs: `https://arxiv.org/api/errors`, optionally with `#slug`.
fn is_error_url(url: &str) -> bool {
    arxiv_path(url.trim())
        .and_then(|path| strip_prefix_ci(path, "api/errors"))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['#', '/', '?']))
}

/// The message of arXiv's error entry, `None` for an ordinary entry. An error entry has its
/// `<id>` under `…/api/errors`, or is titled `Error` with an error link or arXiv's own
/// `arXiv api core` author.
fn api_error(entry: Node<'_, '_>) -> Option<String> {
    let id = child_text(entry, ATOM_NS, "id");
    let is_error = is_error_url(&id)
        || (child_text(entry, ATOM_NS, "title").eq_ignore_ascii_case("error")
            && (children(entry, ATOM_NS, "link")
                .any(|link| link.attribute("href").is_some_and(is_error_url))
                || children(entry, ATOM_NS, "author").any(|author| {
                    child_text(author, ATOM_NS, "name").eq_ignore_ascii_case("arxiv api core")
                })));
    if !is_error {
        return None;
    }
    let summary = child_text(entry, ATOM_NS, "summary");
    if !summary.is_empty() {
        return Some(summary);
    }
    // No summary: the slug says it too (`…/api/errors#incorrect_id_format_for_2401.0abc`).
    let slug = id.split_once('#').map(|(_, slug)| slug.replace('_', " "));
    Some(match slug.map(|s| collapse_whitespace(&s)) {
        Some(slug) if !slug.is_empty() => slug,
        _ => "unknown error (the error entry has no message)".to_string(),
    })
}

/// `(id, version)` from an entry id, which must be `http(s)://arxiv.org/abs/<id>v<N>`.
fn parse_entry_id(raw: &str) -> Result<(ArxivId, u32), String> {
    let id = arxiv_path(raw)
        .and_then(|path| strip_prefix_ci(path, "abs/"))
        .filter(|id| {
            !id.is_empty()
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'/'))
        })
        .ok_or_else(|| {
            format!(
                "entry id {} is not an arXiv abstract URL (http://arxiv.org/abs/<id>v<N>)",
                quoted(raw)
            )
        })?;
    match ArxivId::parse(id) {
        Ok((arxiv_id, Some(version))) => Ok((arxiv_id, version)),
        Ok((_, None)) => Err(format!("entry id {} has no version", quoted(raw))),
        Err(e) => Err(format!(
            "entry id {} is not an arXiv id: {}",
            quoted(raw),
            e.reason
        )),
    }
}

/// The calendar date of an ISO 8601 timestamp (`2025-06-03T01:25:54Z` → 2025-06-03), `None`
/// unless it starts with a real `YYYY-MM-DD` date.
fn parse_iso_day(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    let date = s.get(..10)?;
    if !s[10..].is_empty() && !s[10..].starts_with(['T', 't', ' ']) {
        return None;
    }
    let b = date.as_bytes();
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)) {
        return None;
    }
    let year: i32 = date[..4].parse().ok()?;
    let month: u8 = date[5..7].parse().ok()?;
    let day: u8 = date[8..10].parse().ok()?;
    let m = time::Month::try_from(month).ok()?;
    time::Date::from_calendar_date(year, m, day).ok()?;
    Some(PartialDate::ymd(year, month, day))
}

/// `href` when it is an absolute `http(s)` URL with a host and nothing that could break out
/// of an attribute or a line; anything else (`javascript:`, `data:`, relative) is `None`.
fn web_url(href: &str) -> Option<String> {
    let href = href.trim();
    let rest = strip_prefix_ci(href, "https://").or_else(|| strip_prefix_ci(href, "http://"))?;
    let host_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let bad_char = |c: char| c.is_whitespace() || c.is_control() || "\"'<>\\`".contains(c);
    (host_len > 0 && !href.contains(bad_char)).then(|| href.to_string())
}

/// True when the URL's path has `segment` followed by more path (`/pdf/<id>`, `/abs/<id>`).
fn has_path_segment(url: &str, segment: &str) -> bool {
    let after_scheme = url.find("://").map_or(url, |i| &url[i + 3..]);
    let path = after_scheme.split(['?', '#']).next().unwrap_or_default();
    // The first piece is the host, the last one the document.
    let pieces: Vec<&str> = path.split('/').skip(1).collect();
    pieces
        .iter()
        .rev()
        .skip(1)
        .any(|p| p.eq_ignore_ascii_case(segment))
}

/// One `<link>`: its URL (only when it is `http(s)`) and the attributes that classify it.
struct Link<'a> {
    url: Option<String>,
    rel: Option<&'a str>,
    mime: Option<&'a str>,
    title: Option<&'a str>,
}

/// `(abs_url, pdf_url)`. PDF: `title="pdf"`, else `type="application/pdf"`, else a `/pdf/`
/// URL. Abstract: `rel="alternate"` with an HTML or no type, else an `/abs/` URL. Links
/// carry no `rel`/`type`/`title` in some captures, hence the URL-shape fallbacks; a link
/// whose URL is not `http(s)` is never chosen.
fn choose_links(entry: Node<'_, '_>) -> (Option<String>, Option<String>) {
    let links: Vec<Link<'_>> = children(entry, ATOM_NS, "link")
        .map(|link| Link {
            url: link.attribute("href").and_then(web_url),
            rel: link.attribute("rel").map(str::trim),
            mime: link.attribute("type").map(str::trim),
            title: link.attribute("title").map(str::trim),
        })
        .collect();
    let first = |pred: &dyn Fn(&Link<'_>) -> bool| {
        links.iter().filter(|l| pred(l)).find_map(|l| l.url.clone())
    };
    let is =
        |value: Option<&str>, wanted: &str| value.is_some_and(|v| v.eq_ignore_ascii_case(wanted));

    let pdf = first(&|l| is(l.title, "pdf"))
        .or_else(|| first(&|l| is(l.mime, "application/pdf")))
        .or_else(|| {
            first(&|l| {
                l.title.is_none() && l.url.as_deref().is_some_and(|u| has_path_segment(u, "pdf"))
            })
        });
    let abs = first(&|l| is(l.rel, "alternate") && (l.mime.is_none() || is(l.mime, "text/html")))
        .or_else(|| {
            first(&|l| {
                l.title.is_none() && l.url.as_deref().is_some_and(|u| has_path_segment(u, "abs"))
            })
        });
    (abs, pdf)
}

/// A name with TeX accents folded when it has any (`Schr\"odinger` → `Schrödinger`).
fn fold_name(name: String) -> String {
    if name.contains(['\\', '{', '}']) {
        collapse_whitespace(&fold_tex(&name))
    } else {
        name
    }
}

/// The published-version DOI: the first DOI-shaped token of `<arxiv:doi>` that is not
/// arXiv's own `10.48550/…` alias (the field sometimes lists several, space-separated).
fn published_doi(entry: Node<'_, '_>) -> Option<String> {
    child_text(entry, ARXIV_NS, "doi")
        .split([' ', ',', ';'])
        .map(str::trim)
        .find(|d| {
            d.starts_with("10.") && d.contains('/') && strip_prefix_ci(d, "10.48550/").is_none()
        })
        .map(str::to_string)
}

/// Reads one entry, or says why it cannot be read.
fn parse_entry(entry: Node<'_, '_>) -> Result<AtomEntry, String> {
    let raw_id = child_text(entry, ATOM_NS, "id");
    if raw_id.is_empty() {
        return Err("entry has no <id>".into());
    }
    let (arxiv_id, version) = parse_entry_id(&raw_id)?;
    let title = child_text(entry, ATOM_NS, "title");
    if title.is_empty() {
        return Err(format!("entry {} has no title", quoted(&raw_id)));
    }

    let published_text = child(entry, ATOM_NS, "published")
        .map(|n| all_text(n).trim().to_string())
        .unwrap_or_default();
    let updated = child(entry, ATOM_NS, "updated")
        .map(|n| all_text(n).trim().to_string())
        .unwrap_or_default();
    // v1's `<updated>` equals `<published>`, so either dates the returned version.
    let created = if updated.is_empty() && version == 1 {
        published_text.clone()
    } else {
        updated.clone()
    };
    let versions = if created.is_empty() {
        Vec::new()
    } else {
        vec![PaperVersion { version, created }]
    };

    let mut authors = Vec::new();
    let mut affiliations = Vec::new();
    for author in children(entry, ATOM_NS, "author") {
        let name = fold_name(child_text(author, ATOM_NS, "name"));
        if name.is_empty() {
            continue;
        }
        authors.push(name);
        affiliations.push(
            children(author, ARXIV_NS, "affiliation")
                .map(|a| collapse_whitespace(&all_text(a)))
                .filter(|a| !a.is_empty())
                .collect(),
        );
    }

    let mut categories: Vec<String> = Vec::new();
    let primary = child(entry, ARXIV_NS, "primary_category");
    for term in primary
        .into_iter()
        .chain(children(entry, ATOM_NS, "category"))
        .filter_map(|c| c.attribute("term"))
    {
        let term = collapse_whitespace(term);
        if !term.is_empty() && !categories.contains(&term) {
            categories.push(term);
        }
    }

    let comments = optional_text(entry, ARXIV_NS, "comment");
    let withdrawn = comments.as_deref().is_some_and(|c| {
        WITHDRAWN_PREFIXES
            .iter()
            .any(|prefix| strip_prefix_ci(c, prefix).is_some())
    });
    let (abs_url, pdf_url) = choose_links(entry);

    Ok(AtomEntry {
        paper: NewPaper {
            arxiv_id: Some(arxiv_id),
            title,
            abstract_text: child_text(entry, ATOM_NS, "summary"),
            authors,
            published: parse_iso_day(&published_text),
            versions,
            doi: published_doi(entry),
            categories,
            journal_ref: optional_text(entry, ARXIV_NS, "journal_ref"),
            comments,
            ..NewPaper::default()
        },
        version,
        updated,
        abs_url,
        pdf_url,
        affiliations,
        withdrawn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const START0: &str = include_str!("../../tests/fixtures/api/arxiv/query-cat-cs.LG-start0.xml");
    const START2: &str = include_str!("../../tests/fixtures/api/arxiv/query-cat-cs.LG-start2.xml");
    const START4: &str = include_str!("../../tests/fixtures/api/arxiv/query-cat-cs.LG-start4.xml");
    const LEGACY: &str =
        include_str!("../../tests/fixtures/api/arxiv/id_list-2502.13842-2212.07346-2303.05735.xml");
    const ERROR: &str = include_str!("../../tests/fixtures/api/arxiv/error-malformed-id.xml");
    const EMPTY: &str = include_str!("../../tests/fixtures/api/arxiv/empty.xml");
    const RATE_EXCEEDED: &str = include_str!("../../tests/fixtures/api/arxiv/rate-exceeded.txt");
    const XSS: &str = include_str!("../../tests/fixtures/api/hostile/xss-arxiv.xml");
    const EXPECTED: &str = include_str!("../../tests/fixtures/api/expected/papers.json");

    fn id(entry: &AtomEntry) -> &str {
        entry.paper.arxiv_id.as_ref().map_or("", ArxivId::as_str)
    }

    fn find<'a>(feed: &'a AtomFeed, arxiv_id: &str) -> &'a AtomEntry {
        feed.entries
            .iter()
            .find(|e| id(e) == arxiv_id)
            .unwrap_or_else(|| panic!("{arxiv_id} not in {feed:#?}"))
    }

    /// A minimal current-style feed around the given entries.
    fn feed_with(entries: &str) -> String {
        format!(
            r#"<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <opensearch:totalResults>9</opensearch:totalResults>
  {entries}
</feed>"#
        )
    }

    #[test]
    fn the_first_current_page_reports_paging_numbers_and_versioned_ids() {
        let feed = parse_feed(START0).unwrap();
        assert_eq!(feed.total_results, Some(5));
        assert_eq!(feed.start_index, Some(0));
        assert_eq!(feed.items_per_page, Some(2));
        assert!(feed.skipped.is_empty(), "{:?}", feed.skipped);
        let got: Vec<(&str, u32)> = feed.entries.iter().map(|e| (id(e), e.version)).collect();
        assert_eq!(got, [("2506.03093", 2), ("2410.05050", 1)]);

        let e = &feed.entries[0];
        assert_eq!(
            e.paper.title,
            "From Flat to Hierarchical: Extracting Sparse Representations with Matching Pursuit"
        );
        assert!(e
            .paper
            .abstract_text
            .starts_with("Motivated by the hypothesis"));
        assert_eq!(e.updated, "2025-10-28T17:41:09Z");
        assert_eq!(
            e.paper.versions,
            [PaperVersion {
                version: 2,
                created: "2025-10-28T17:41:09Z".into()
            }]
        );
        assert_eq!(e.paper.published, Some(PartialDate::ymd(2025, 6, 3)));
        assert_eq!(e.paper.categories, ["cs.LG", "cs.AI"]);
        assert_eq!(e.paper.comments.as_deref(), Some("NeurIPS 2025"));
        assert_eq!(e.paper.authors[0], "Valérie Costa");
        assert_eq!(e.paper.authors.len(), 5);
        assert_eq!(e.affiliations, vec![Vec::<String>::new(); 5]);
        assert_eq!(
            e.abs_url.as_deref(),
            Some("https://arxiv.org/abs/2506.03093v2")
        );
        assert_eq!(
            e.pdf_url.as_deref(),
            Some("https://arxiv.org/pdf/2506.03093v2")
        );
        assert!(!e.withdrawn);
        assert_eq!(e.paper.doi, None);

        // The primary category comes first even when `<category>` lists it second.
        let fresh = &feed.entries[1];
        assert_eq!(fresh.paper.categories, ["cs.CV", "cs.LG"]);
        assert_eq!(fresh.paper.authors[4], "Przemysław Spurek");
        assert_eq!(fresh.updated, "2024-10-07T11:48:36Z");
        assert_eq!(fresh.paper.published, Some(PartialDate::ymd(2024, 10, 7)));
    }

    #[test]
    fn the_pdf_link_is_chosen_by_its_title_not_by_its_position() {
        let entry = r#"<entry>
    <id>http://arxiv.org/abs/2506.03093v2</id>
    <title>T</title>
    <link href="https://doi.org/10.1000/x.pdf" rel="related" title="doi"/>
    <link href="https://mirror.example/files/other.pdf" rel="related" type="application/pdf"/>
    <link href="https://arxiv.org/pdf/2506.03093v2" rel="related" title="pdf"/>
    <link href="https://arxiv.org/abs/2506.03093v2" rel="alternate" type="text/html"/>
  </entry>"#;
        let feed = parse_feed(&feed_with(entry)).unwrap();
        let e = &feed.entries[0];
        assert_eq!(
            e.pdf_url.as_deref(),
            Some("https://arxiv.org/pdf/2506.03093v2")
        );
        assert_eq!(
            e.abs_url.as_deref(),
            Some("https://arxiv.org/abs/2506.03093v2")
        );
    }

    #[test]
    fn links_without_rel_type_or_title_are_classified_by_url_shape() {
        // What the current service emitted between 2025-11-11 and 2025-11-14.
        let entry = r#"<entry>
    <id>http://arxiv.org/abs/2410.05050v1</id>
    <title>T</title>
    <link href="https://doi.org/10.1145/3579371.3589085"/>
    <link href="https://arxiv.org/pdf/2410.05050v1"/>
    <link href="https://arxiv.org/abs/2410.05050v1"/>
  </entry>"#;
        let feed = parse_feed(&feed_with(entry)).unwrap();
        let e = &feed.entries[0];
        assert_eq!(
            e.pdf_url.as_deref(),
            Some("https://arxiv.org/pdf/2410.05050v1")
        );
        assert_eq!(
            e.abs_url.as_deref(),
            Some("https://arxiv.org/abs/2410.05050v1")
        );
    }

    #[test]
    fn a_later_version_has_its_own_updated_date_and_a_journal_ref() {
        let feed = parse_feed(START2).unwrap();
        assert_eq!(feed.total_results, Some(5));
        assert_eq!(feed.start_index, Some(2));
        assert_eq!(feed.entries.len(), 2);
        let e = find(&feed, "2405.05847");
        assert_eq!(e.version, 2);
        assert_eq!(e.paper.published, Some(PartialDate::ymd(2024, 5, 9)));
        assert_eq!(e.updated, "2024-09-20T16:02:55Z");
        assert_ne!(e.paper.published, parse_iso_day(&e.updated));
        assert_eq!(e.paper.versions[0].created, "2024-09-20T16:02:55Z");
        assert_eq!(
            e.paper.journal_ref.as_deref(),
            Some("Transactions on Machine Learning Research (2024)")
        );
        assert_eq!(e.paper.authors[1], "Stephanie C. Y. Chan");

        let other = find(&feed, "2405.12522");
        assert_eq!(other.paper.journal_ref, None);
        assert_eq!(other.paper.comments, None);
        assert_eq!(other.paper.authors, ["Charles O'Neill", "Thang Bui"]);
    }

    #[test]
    fn the_three_pages_together_give_five_distinct_papers() {
        let last = parse_feed(START4).unwrap();
        assert_eq!(last.start_index, Some(4));
        assert_eq!(last.entries.len(), 1);
        assert_eq!(id(&last.entries[0]), "2312.02566");
        assert_eq!(last.entries[0].paper.authors.len(), 12);
        assert_eq!(last.entries[0].paper.authors[5], "Lucia Quirke");

        let mut ids: Vec<String> = [START0, START2, START4]
            .iter()
            .flat_map(|page| parse_feed(page).unwrap().entries)
            .map(|e| id(&e).to_string())
            .collect();
        assert_eq!(ids.len(), 5);
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 5);
    }

    #[test]
    fn the_legacy_serialization_matches_the_ground_truth_after_whitespace_collapsing() {
        let feed = parse_feed(LEGACY).unwrap();
        assert_eq!(feed.total_results, Some(3));
        assert_eq!(feed.start_index, Some(0));
        assert_eq!(feed.items_per_page, Some(10));
        assert_eq!(feed.entries.len(), 3);
        assert!(feed.skipped.is_empty());

        let expected: Vec<serde_json::Value> = serde_json::from_str(EXPECTED).unwrap();
        for e in &feed.entries {
            let truth = expected
                .iter()
                .find(|p| p["arxiv_id"] == id(e))
                .unwrap_or_else(|| panic!("{} not in papers.json", id(e)));
            assert_eq!(e.paper.title, truth["title"].as_str().unwrap(), "{}", id(e));
            assert_eq!(
                e.paper.abstract_text,
                truth["abstract"].as_str().unwrap(),
                "{}",
                id(e)
            );
            let authors: Vec<&str> = truth["authors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap())
                .collect();
            assert_eq!(e.paper.authors, authors, "{}", id(e));
            let categories: Vec<&str> = truth["categories"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            assert_eq!(e.paper.categories, categories, "{}", id(e));
            assert_eq!(e.paper.doi.as_deref(), truth["doi"].as_str(), "{}", id(e));
            let v1 = truth["first_version_date"].as_str().unwrap();
            assert_eq!(e.paper.published, parse_iso_day(v1), "{}", id(e));
            assert_eq!(e.affiliations.len(), e.paper.authors.len());
            assert!(e
                .abs_url
                .as_deref()
                .unwrap()
                .starts_with("http://arxiv.org/abs/"));
            assert!(e
                .pdf_url
                .as_deref()
                .unwrap()
                .starts_with("http://arxiv.org/pdf/"));
        }

        let itt = find(&feed, "2502.13842");
        assert_eq!(itt.version, 2);
        assert!(itt.paper.abstract_text.contains(r"96.5\% performance"));
        assert!(itt.paper.abstract_text.contains(r"43.2\%, and"));
        assert_eq!(
            itt.paper.comments.as_deref(),
            Some(
                "Accepted to the 63rd Annual Meeting of the Association for Computational \
                 Linguistics (ACL 2025), main conference, long paper"
            )
        );
        assert_eq!(itt.updated, "2025-05-31T08:11:02Z");

        let shifting = find(&feed, "2212.07346");
        assert_eq!(shifting.version, 3);
        assert!(shifting
            .paper
            .abstract_text
            .contains(r#"apparently na\"{\i}ve ensembling"#));
        assert_eq!(shifting.paper.authors, ["Jianyu Zhang", "Léon Bottou"]);

        let graphics = find(&feed, "2303.05735");
        assert_eq!(
            graphics.paper.doi.as_deref(),
            Some("10.1145/3579371.3589085")
        );
        assert_eq!(
            graphics.paper.journal_ref.as_deref(),
            Some(
                "Proceedings of the 50th Annual International Symposium on Computer \
                 Architecture (ISCA '23)"
            )
        );
        assert_eq!(
            graphics.affiliations,
            [
                vec![],
                vec![],
                vec![],
                vec!["University of Illinois Urbana-Champaign".to_string()]
            ]
        );
        assert_eq!(graphics.paper.comments.as_deref(), Some("ISCA 2023"));
        assert_eq!(graphics.updated, "2023-03-10T07:29:23Z");
    }

    #[test]
    fn the_error_entry_is_an_api_error_whatever_the_http_status() {
        // The parser never sees the status: the 400 body (current service) and the 200
        // body (legacy service) are the same bytes and both must be recognised.
        for body in [ERROR, ERROR] {
            let err = parse_feed(body).unwrap_err();
            assert_eq!(
                err,
                AtomError::Api {
                    message: "incorrect id format for 2401.0abc".into()
                }
            );
            assert_eq!(err.invalid_id(), Some("2401.0abc"));
            assert_eq!(
                err.to_string(),
                "arXiv API rejected the request: incorrect id format for 2401.0abc"
            );
        }
    }

    #[test]
    fn an_error_entry_without_a_fragment_or_summary_is_still_an_api_error() {
        let no_fragment = feed_with(
            r#"<entry><id>https://arxiv.org/api/errors</id><title>Error</title>
  <summary>Either a search_query or id_list must be specified for the classic API.</summary>
  <author><name>arXiv api core</name></author></entry>"#,
        );
        let err = parse_feed(&no_fragment).unwrap_err();
        assert_eq!(
            err,
            AtomError::Api {
                message: "Either a search_query or id_list must be specified for the classic API."
                    .into()
            }
        );
        assert_eq!(err.invalid_id(), None);

        let legacy_http = feed_with(
            r#"<entry><id>http://arxiv.org/api/errors#max_results_must_be_non-negative</id>
  <title>Error</title></entry>"#,
        );
        assert_eq!(
            parse_feed(&legacy_http).unwrap_err(),
            AtomError::Api {
                message: "max results must be non-negative".into()
            }
        );

        let by_title_and_author = feed_with(
            r#"<entry><id>urn:whatever</id><title>Error</title>
  <summary>start must be an integer</summary><author><name>arXiv api core</name></author></entry>"#,
        );
        assert!(matches!(
            parse_feed(&by_title_and_author),
            Err(AtomError::Api { message }) if message == "start must be an integer"
        ));
    }

    #[test]
    fn a_paper_titled_error_is_not_an_api_error() {
        let entry = r#"<entry><id>http://arxiv.org/abs/2401.00001v1</id><title>Error</title>
  <author><name>Ada Lovelace</name></author></entry>"#;
        let feed = parse_feed(&feed_with(entry)).unwrap();
        assert_eq!(feed.entries[0].paper.title, "Error");
    }

    #[test]
    fn an_empty_result_is_zero_entries_not_an_error() {
        let feed = parse_feed(EMPTY).unwrap();
        assert_eq!(feed.total_results, Some(0));
        assert_eq!(feed.start_index, Some(0));
        assert_eq!(feed.items_per_page, Some(10));
        assert!(feed.entries.is_empty());
        assert!(feed.skipped.is_empty());
    }

    #[test]
    fn the_rate_limit_text_is_an_xml_error_not_a_panic() {
        let err = parse_feed(RATE_EXCEEDED).unwrap_err();
        assert!(matches!(err, AtomError::Xml(_)), "{err:?}");
        assert!(err.to_string().contains("1:1"), "{err}");
    }

    #[test]
    fn non_xml_and_non_atom_bodies_are_typed_errors() {
        for body in [
            "",
            "   ",
            "<",
            "<feed",
            "<html><body>Rate exceeded.</body>",
            "\u{feff}",
        ] {
            assert!(
                matches!(parse_feed(body), Err(AtomError::Xml(_))),
                "{body:?}: {:?}",
                parse_feed(body)
            );
        }
        let truncated = &START0[..START0.len() / 2];
        let err = parse_feed(truncated).unwrap_err();
        assert!(matches!(err, AtomError::Xml(_)), "{err:?}");

        // Well-formed, but not Atom: another root, or the right name in no namespace.
        for body in [
            "<html><body><p>Please wait…</p></body></html>",
            "<feed><entry/></feed>",
            r#"<rss version="2.0"><channel/></rss>"#,
        ] {
            assert!(
                matches!(parse_feed(body), Err(AtomError::NotAFeed(_))),
                "{body:?}: {:?}",
                parse_feed(body)
            );
        }
        let err = parse_feed("<feed/>").unwrap_err();
        assert_eq!(
            err.to_string(),
            "arXiv response is not an Atom feed: the root element is <feed> without namespace, \
             expected <feed> in http://www.w3.org/2005/Atom"
        );
    }

    #[test]
    fn a_dtd_is_refused_so_entities_cannot_expand() {
        let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE feed [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1</id>
<title>&lol3;</title></entry></feed>"#;
        let err = parse_feed(laughs).unwrap_err();
        assert!(matches!(err, AtomError::Xml(_)), "{err:?}");
        assert!(err.to_string().contains("DOCTYPE"), "{err}");
        // An external entity is refused the same way.
        let external = r#"<!DOCTYPE feed [<!ENTITY x SYSTEM "https://example.invalid/x.txt">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&x;</title></feed>"#;
        assert!(matches!(parse_feed(external), Err(AtomError::Xml(_))));
        // Even an empty one: the refusal does not depend on what the DTD declares.
        let plain = START0.replacen("<feed ", "<!DOCTYPE feed>\n<feed ", 1);
        assert!(matches!(parse_feed(&plain), Err(AtomError::Xml(m)) if m.contains("DOCTYPE")));
    }

    #[test]
    fn hostile_text_stays_inert_and_a_javascript_pdf_link_is_dropped() {
        let feed = parse_feed(XSS).unwrap();
        assert_eq!(feed.entries.len(), 1);
        let e = &feed.entries[0];
        assert_eq!(id(e), "2310.02579");
        assert_eq!(
            e.paper.title,
            "On the Stability of Expressive Positional Encodings for Graph Neural Networks \
             <script>alert(1)</script>"
        );
        assert!(e
            .paper
            .abstract_text
            .starts_with("<img src=x onerror=alert(1)> Designing effective"));
        assert!(e
            .paper
            .abstract_text
            .ends_with("graph transformers. <script>alert(2)</script>"));
        assert_eq!(e.paper.authors, ["<img src=x onerror=alert(1)>"]);
        assert_eq!(
            e.paper.comments.as_deref(),
            Some(r#"<iframe src="https://example.invalid"></iframe>"#)
        );
        assert_eq!(e.pdf_url, None);
        assert_eq!(
            e.abs_url.as_deref(),
            Some("https://arxiv.org/abs/2310.02579v1")
        );
    }

    #[test]
    fn only_http_and_https_links_are_kept() {
        assert_eq!(
            web_url(" https://arxiv.org/pdf/1 "),
            Some("https://arxiv.org/pdf/1".into())
        );
        assert_eq!(
            web_url("HTTP://arxiv.org/pdf/1"),
            Some("HTTP://arxiv.org/pdf/1".into())
        );
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "data:application/pdf;base64,AAAA",
            "vbscript:x",
            "//arxiv.org/pdf/1",
            "/pdf/1",
            "https://",
            "https:///pdf/1",
            "https:arxiv.org/pdf/1",
            "https://arxiv.org/pdf/1\" onload=\"x",
            "https://arxiv.org/pdf/1 <script>",
            "https://arxiv.org/pdf/\u{0}1",
        ] {
            assert_eq!(web_url(bad), None, "{bad:?}");
        }
        let entry = r#"<entry><id>http://arxiv.org/abs/2401.00001v1</id><title>T</title>
  <link href="data:text/html,hi" rel="alternate" type="text/html"/>
  <link href="data:application/pdf;base64,AAAA" title="pdf" type="application/pdf"/>
  <link href="https://arxiv.org/abs/2401.00001v1"/>
  <link href="https://arxiv.org/pdf/2401.00001v1" rel="related" type="application/pdf"/>
</entry>"#;
        let e = &parse_feed(&feed_with(entry)).unwrap().entries[0];
        assert_eq!(
            e.pdf_url.as_deref(),
            Some("https://arxiv.org/pdf/2401.00001v1")
        );
        assert_eq!(
            e.abs_url.as_deref(),
            Some("https://arxiv.org/abs/2401.00001v1")
        );
    }

    #[test]
    fn elements_are_matched_by_namespace_uri_not_by_prefix() {
        let body = r#"<a:feed xmlns:a="http://www.w3.org/2005/Atom" xmlns:x="http://arxiv.org/schemas/atom"
        xmlns:os="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="urn:not-arxiv">
  <os:totalResults>1</os:totalResults>
  <os:startIndex>0</os:startIndex>
  <a:entry>
    <a:id>http://arxiv.org/abs/2303.05735v1</a:id>
    <a:title>Hardware Acceleration of Neural Graphics</a:title>
    <arxiv:doi>10.9999/decoy</arxiv:doi>
    <arxiv:comment>Withdrawn (decoy in the wrong namespace)</arxiv:comment>
    <x:doi>10.1145/3579371.3589085</x:doi>
    <a:author><a:name>Rakesh Kumar</a:name><x:affiliation>UIUC</x:affiliation>
      <arxiv:affiliation>decoy</arxiv:affiliation></a:author>
    <title>decoy title without namespace</title>
    <x:primary_category term="cs.AR"/>
    <a:category term="cs.GR"/>
    <a:category term="cs.AR"/>
    <category term="decoy"/>
  </a:entry>
</a:feed>"#;
        let feed = parse_feed(body).unwrap();
        assert_eq!(feed.total_results, Some(1));
        assert_eq!(feed.start_index, Some(0));
        assert_eq!(feed.items_per_page, None);
        let e = &feed.entries[0];
        assert_eq!(e.paper.title, "Hardware Acceleration of Neural Graphics");
        assert_eq!(e.paper.doi.as_deref(), Some("10.1145/3579371.3589085"));
        assert_eq!(e.paper.comments, None);
        assert!(!e.withdrawn);
        assert_eq!(e.paper.authors, ["Rakesh Kumar"]);
        assert_eq!(e.affiliations, [vec!["UIUC".to_string()]]);
        assert_eq!(e.paper.categories, ["cs.AR", "cs.GR"]);
    }

    #[test]
    fn unreadable_entries_are_skipped_with_a_reason_and_the_page_survives() {
        let entries = r#"
  <entry><id>http://arxiv.org/abs/2401.0abcv1</id><title>Bad id</title></entry>
  <entry><id>http://arxiv.org/abs/2401.00001v1</id><title>Good</title></entry>
  <entry><title>No id</title></entry>
  <entry><id>http://arxiv.org/abs/2401.00002v1</id><title>  </title></entry>
  <entry><id>http://arxiv.org/abs/2401.00003</id><title>No version</title></entry>
  <entry><id>https://huggingface.co/papers/2401.00004v1</id><title>Not arXiv</title></entry>
  <entry><id>http://arxiv.org/abs/../../etc/passwdv1</id><title>Traversal</title></entry>
  <entry><id>http://arxiv.org/abs/hep-th/9901001v3</id><title>Old style</title></entry>"#;
        let feed = parse_feed(&feed_with(entries)).unwrap();
        let got: Vec<(&str, u32)> = feed.entries.iter().map(|e| (id(e), e.version)).collect();
        assert_eq!(got, [("2401.00001", 1), ("hep-th/9901001", 3)]);
        let skipped: Vec<usize> = feed.skipped.iter().map(|s| s.index).collect();
        assert_eq!(skipped, [0, 2, 3, 4, 5, 6]);
        let reasons: Vec<&str> = feed.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert!(
            reasons[0]
                .starts_with(r#"entry id "http://arxiv.org/abs/2401.0abcv1" is not an arXiv id"#),
            "{}",
            reasons[0]
        );
        assert_eq!(reasons[1], "entry has no <id>");
        assert_eq!(
            reasons[2],
            r#"entry "http://arxiv.org/abs/2401.00002v1" has no title"#
        );
        assert_eq!(
            reasons[3],
            r#"entry id "http://arxiv.org/abs/2401.00003" has no version"#
        );
        assert!(
            reasons[4].contains("is not an arXiv abstract URL"),
            "{}",
            reasons[4]
        );
        assert!(reasons[5].contains("is not an arXiv id"), "{}", reasons[5]);

        // A huge hostile id is quoted briefly.
        let long = format!(
            "<entry><id>http://arxiv.org/abs/{}</id><title>x</title></entry>",
            "9".repeat(10_000)
        );
        let feed = parse_feed(&feed_with(&long)).unwrap();
        assert!(
            feed.skipped[0].reason.len() < 400,
            "{}",
            feed.skipped[0].reason
        );
    }

    #[test]
    fn missing_optional_fields_leave_the_paper_with_what_is_known() {
        let entry = r#"<entry><id>http://arxiv.org/abs/2401.00001v1</id><title>Only a title</title>
  <published>2024-02-30T00:00:00Z</published></entry>"#;
        let e = &parse_feed(&feed_with(entry)).unwrap().entries[0];
        assert_eq!(e.paper.title, "Only a title");
        assert_eq!(e.paper.abstract_text, "");
        assert!(e.paper.authors.is_empty() && e.affiliations.is_empty());
        // 30 February is no date; v1 without `<updated>` is dated by `<published>`.
        assert_eq!(e.paper.published, None);
        assert_eq!(e.updated, "");
        assert_eq!(e.paper.versions[0].created, "2024-02-30T00:00:00Z");
        assert_eq!((e.abs_url.as_ref(), e.pdf_url.as_ref()), (None, None));
        assert!(e.paper.categories.is_empty());

        let v3 = r#"<entry><id>http://arxiv.org/abs/2401.00001v3</id><title>T</title></entry>"#;
        assert!(parse_feed(&feed_with(v3)).unwrap().entries[0]
            .paper
            .versions
            .is_empty());
    }

    #[test]
    fn the_arxiv_doi_alias_is_never_the_published_doi() {
        let entry = |doi: &str| {
            feed_with(&format!(
                "<entry><id>http://arxiv.org/abs/2401.00001v1</id><title>T</title>\
                 <arxiv:doi>{doi}</arxiv:doi></entry>"
            ))
        };
        let doi = |d: &str| parse_feed(&entry(d)).unwrap().entries[0].paper.doi.clone();
        assert_eq!(doi("10.48550/arXiv.2401.00001"), None);
        assert_eq!(doi("10.48550/ARXIV.2401.00001"), None);
        assert_eq!(
            doi(" 10.1145/3579371.3589085 "),
            Some("10.1145/3579371.3589085".into())
        );
        assert_eq!(
            doi("10.48550/arXiv.2401.00001 10.1103/PhysRevD.1.2"),
            Some("10.1103/PhysRevD.1.2".into())
        );
        assert_eq!(doi("not a doi"), None);
    }

    #[test]
    fn a_withdrawal_comment_marks_the_entry_withdrawn() {
        let withdrawn = |comment: &str| {
            let body = feed_with(&format!(
                "<entry><id>http://arxiv.org/abs/2401.09901v2</id><title>T</title>\
                 <arxiv:comment>{comment}</arxiv:comment></entry>"
            ));
            parse_feed(&body).unwrap().entries[0].withdrawn
        };
        assert!(withdrawn("Withdrawn: an error in Lemma 2"));
        assert!(withdrawn("withdrawn by the authors"));
        assert!(withdrawn(
            "  This paper has been withdrawn by the author due to a crucial error"
        ));
        assert!(withdrawn(
            "THIS SUBMISSION HAS BEEN WITHDRAWN by arXiv administrators"
        ));
        assert!(withdrawn("This paper has been\n  withdrawn"));
        assert!(!withdrawn("NeurIPS 2023; supersedes a withdrawn preprint"));
        assert!(!withdrawn("12 pages"));
    }

    #[test]
    fn tex_accents_in_author_names_are_folded_but_titles_keep_their_tex() {
        let entry = r#"<entry><id>http://arxiv.org/abs/2401.00001v1</id>
  <title>Schr\"odinger   bridges</title>
  <author><name>Erwin Schr\"odinger</name></author><author><name>  </name></author></entry>"#;
        let e = &parse_feed(&feed_with(entry)).unwrap().entries[0];
        assert_eq!(e.paper.title, r#"Schr\"odinger bridges"#);
        assert_eq!(e.paper.authors, ["Erwin Schrödinger"]);
        assert_eq!(e.affiliations.len(), 1);
    }

    /// xorshift64: deterministic pseudo-random numbers without a dependency.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// One random edit: truncate, overwrite bytes with XML-significant ones, duplicate or
    /// drop an element-sized slice.
    fn mutate(rng: &mut XorShift, input: &mut Vec<u8>) {
        let len = input.len();
        match rng.below(5) {
            0 => input.truncate(rng.below(len + 1)),
            1 => {
                for _ in 0..=rng.below(4) {
                    let at = rng.below(len);
                    input[at] = [b'<', b'&', b'"', b'>', b'/', 0xC3][rng.below(6)];
                }
            }
            2 => {
                // Duplicate from one '<' to a later '>' (often a whole element).
                let starts: Vec<usize> = (0..len).filter(|&i| input[i] == b'<').collect();
                if let Some(&start) = starts.get(rng.below(starts.len())) {
                    let end = (start..len)
                        .filter(|&i| input[i] == b'>')
                        .nth(rng.below(8))
                        .map_or(len, |i| i + 1);
                    let slice = input[start..end].to_vec();
                    let at = starts[rng.below(starts.len())];
                    input.splice(at..at, slice);
                }
            }
            3 => {
                let start = rng.below(len);
                let end = (start + rng.below(64)).min(len);
                input.drain(start..end);
            }
            _ => {
                let at = rng.below(len + 1);
                let insert: &[u8] = [
                    &b"<![CDATA[x]]>"[..],
                    b"&amp;",
                    b"&#0;",
                    b"&#x1F600;",
                    b"<entry>",
                    b"</entry>",
                    b"<!DOCTYPE x>",
                    b"\xEF\xBB\xBF",
                ][rng.below(8)];
                input.splice(at..at, insert.iter().copied());
            }
        }
    }

    #[test]
    fn thousands_of_mutated_fixtures_never_panic() {
        let seeds = [START0, START2, LEGACY, ERROR, EMPTY, XSS];
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let mut parsed = 0;
        for round in 0..4000 {
            let mut bytes = seeds[round % seeds.len()].as_bytes().to_vec();
            for _ in 0..=rng.below(3) {
                mutate(&mut rng, &mut bytes);
            }
            let text = String::from_utf8_lossy(&bytes);
            if let Ok(feed) = parse_feed(&text) {
                parsed += 1;
                for e in &feed.entries {
                    assert!(!e.paper.title.is_empty());
                    assert_eq!(e.affiliations.len(), e.paper.authors.len());
                    for url in e.abs_url.iter().chain(&e.pdf_url) {
                        assert!(url.to_ascii_lowercase().starts_with("http"), "{url}");
                    }
                }
            }
        }
        // Some mutations keep the document well-formed: both paths were exercised.
        assert!(parsed > 100 && parsed < 4000, "{parsed}");
    }
}
