//! References and citations from Semantic Scholar, cached per library paper and fetched page
//! by page; each page is written with the cursor, so an interrupted fetch resumes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::db::edges::{Direction, EdgeList};
use crate::error::{Error, Result};
use crate::library::Library;
use crate::model::PaperId;
use crate::sources::config::Source;
use crate::sources::http::{Expect, Fetched, HttpClient, SourceError};
use crate::sources::s2::{self, EdgeKind};

/// Edges per request (S2 allows up to 1000; 100 keeps a page small and a retry cheap).
const EDGE_PAGE: u64 = 100;
/// S2 serves at most this many edges of one list through offset paging.
const MAX_EDGES: u64 = 10_000;
const EDGE_FIELDS: &str = "contexts,intents,isInfluential,title,externalIds,year";

/// A flag a caller sets to stop a sync or fetch at the next page boundary. Clones share it.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token not yet cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the work to stop; what is written so far stays written.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// True once [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `Err(Cancelled)` once cancelled.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }
}

/// What a fetch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EdgeFetch {
    /// Requests made.
    pub pages: u64,
    /// Edges written.
    pub edges: u64,
}

/// Fetches a library paper's references or citations from Semantic Scholar into the cache:
/// resumes an unfinished fetch, starts over when `refresh` (or never fetched), and does
/// nothing when the list is complete and `refresh` is false. Returns the cached list.
///
/// A paper Semantic Scholar does not know gets an empty, complete list.
///
/// # Errors
/// `PaperNotFound`; `NoExternalId` when the paper has neither an arXiv id nor a DOI to ask
/// S2 by; source errors after bounded retries; `Cancelled`.
pub async fn fetch_edges(
    lib: &Library,
    http: &HttpClient,
    id: &PaperId,
    direction: Direction,
    refresh: bool,
    cancel: &CancelToken,
) -> Result<(EdgeList, EdgeFetch)> {
    let target = lib.graph_target(id)?;
    let s2_ref = match (&target.arxiv_id, &target.doi) {
        (Some(arxiv), _) => format!("arXiv:{arxiv}"),
        (None, Some(doi)) => format!("DOI:{doi}"),
        (None, None) => {
            return Err(Error::NoExternalId {
                id: id.clone(),
                what: direction.to_string(),
            })
        }
    };
    let s2_segment = s2_id_path(&s2_ref).ok_or_else(|| {
        Error::InvalidInput(format!(
            "{id}: {s2_ref} has a '.' or '..' path segment, which a URL cannot carry; \
             Semantic Scholar cannot be asked by it"
        ))
    })?;
    let state = lib.edge_fetch_state(target.key, direction)?;
    let mut offset = match state {
        Some(s) if s.completed && s.next_offset.is_none() && !refresh => {
            return Ok((
                lib.edges_of_key(target.key, direction)?,
                EdgeFetch::default(),
            ));
        }
        Some(s) if !refresh && s.next_offset.is_some() => s.next_offset.unwrap_or(0),
        _ => {
            lib.restart_edges(target.key, direction)?;
            0
        }
    };
    let kind = match direction {
        Direction::References => EdgeKind::CitedPaper,
        Direction::Citations => EdgeKind::CitingPaper,
    };
    let mut done = EdgeFetch::default();
    loop {
        cancel.check()?;
        let path = format!(
            "/graph/v1/paper/{s2_segment}/{direction}?fields={EDGE_FIELDS}&offset={offset}&limit={EDGE_PAGE}"
        );
        let url = http.url(Source::SemanticScholar, &path);
        done.pages += 1;
        let body = match http
            .get(Source::SemanticScholar, &path, Expect::Json, None)
            .await
        {
            Ok(Fetched::Body { body, .. }) => body,
            Ok(Fetched::NotModified) => break,
            Err(SourceError::NotFound { .. }) if offset == 0 => {
                tracing::info!(%id, %direction, "Semantic Scholar does not know this paper");
                lib.put_edge_page(target.key, direction, 0, &[], None)?;
                break;
            }
            Err(e) => return Err(e.into()),
        };
        let page = s2::parse_edges(&String::from_utf8_lossy(&body), kind).map_err(|e| {
            Error::SourceFormat {
                source_name: "s2",
                url: url.clone(),
                reason: e.to_string(),
            }
        })?;
        // The cap keeps a hostile `next` from paging forever; S2 stops near it anyway.
        let next = page.next.filter(|&n| n > offset && n < MAX_EDGES);
        lib.put_edge_page(target.key, direction, offset, &page.edges, next)?;
        done.edges += page.edges.len() as u64;
        match next {
            Some(n) => offset = n,
            None => break,
        }
    }
    Ok((lib.edges_of_key(target.key, direction)?, done))
}

/// An S2 paper id (`arXiv:…`, `DOI:10.x/…`) as it goes into a URL path: every byte beyond
/// the unreserved characters percent-encoded, except `/`, which S2 reads raw inside a DOI.
/// `None` when a `/`-separated segment is `.` or `..`: URL parsers resolve those (even
/// encoded, `%2E`), so the request would go to another path.
pub(crate) fn s2_id_path(s: &str) -> Option<String> {
    if s.split('/').any(|seg| seg == "." || seg == "..") {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_keep_doi_slashes_and_escape_the_rest() {
        assert_eq!(
            s2_id_path("arXiv:2405.12522").as_deref(),
            Some("arXiv:2405.12522")
        );
        assert_eq!(
            s2_id_path("DOI:10.1000/a b?c#d%2e;x\\y").as_deref(),
            Some("DOI:10.1000/a%20b%3Fc%23d%252e%3Bx%5Cy")
        );
        assert_eq!(
            s2_id_path("DOI:10.1000/x..y/.z").as_deref(),
            Some("DOI:10.1000/x..y/.z")
        );
    }

    #[test]
    fn dot_segments_are_refused() {
        for id in [
            "DOI:10.1000/../../x",
            "DOI:10.1000/./x",
            "DOI:10.1000/x/..",
            "DOI:10.1000/x/.",
        ] {
            assert_eq!(s2_id_path(id), None, "{id}");
        }
    }

    #[test]
    fn a_cancelled_token_stops_every_clone() {
        let token = CancelToken::new();
        let clone = token.clone();
        clone.check().unwrap();
        token.cancel();
        assert!(matches!(clone.check(), Err(Error::Cancelled)));
    }
}
