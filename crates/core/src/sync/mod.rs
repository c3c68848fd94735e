//! Bringing papers in from the sources: fetch and parse asynchronously, then write through the
//! [`crate::Library`] (synchronous; run it on a blocking thread in async code).

mod add;
mod engine;
mod graph;
mod pdf;

pub use add::{fetch_paper, FetchedPaper};
pub use engine::{
    parse_day, sync, EnrichmentOutcome, GraphOutcome, SubscriptionOutcome, SyncEvent, SyncOptions,
    SyncReport,
};
pub use graph::{fetch_edges, CancelToken, EdgeFetch};
pub use pdf::{fetch_pdf, PdfFetch, PDF_STALL_TIMEOUT};

use crate::error::{Error, Result};
use crate::sources::arxiv_atom::{self, AtomError, AtomFeed};
use crate::sources::config::Source;
use crate::sources::http::{Expect, Fetched, HttpClient};

/// GETs and parses one arXiv API answer; `None` for a 304. An arXiv error entry (a query it
/// rejects) becomes `InvalidInput`; anything unreadable is a `SourceFormat` error.
async fn fetch_arxiv_feed(http: &HttpClient, path: &str) -> Result<Option<(String, AtomFeed)>> {
    let url = http.url(Source::Arxiv, path);
    let body = match http.get(Source::Arxiv, path, Expect::Xml, None).await? {
        Fetched::Body { body, .. } => body,
        Fetched::NotModified => return Ok(None),
    };
    let unreadable = |reason: String| Error::SourceFormat {
        source_name: "arxiv",
        url: url.clone(),
        reason,
    };
    let text = String::from_utf8(body).map_err(|_| unreadable("not UTF-8 text".into()))?;
    match arxiv_atom::parse_feed(&text) {
        Ok(feed) => Ok(Some((url, feed))),
        Err(e @ AtomError::Api { .. }) => Err(Error::InvalidInput(e.to_string())),
        Err(e) => Err(unreadable(e.to_string())),
    }
}
