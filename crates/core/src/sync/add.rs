//! Adding one paper by any arXiv id form: `2310.02579`, `2310.02579v2`, `arXiv:…`, abs/pdf
//! URLs, `10.48550/arXiv.…` DOIs, `hep-th/9901001`, Hugging Face paper URLs.

use crate::error::{Error, Result};
pub use crate::model::FetchedPaper;
use crate::model::{ArxivId, PaperVersion, PartialDate};
use crate::sources::config::Source;
use crate::sources::hf;
use crate::sources::http::{Expect, Fetched, HttpClient, SourceError};

/// Looks a paper up by any id form: arXiv first (the bibliographic source of record), Hugging
/// Face when arXiv does not know it or cannot be reached.
///
/// # Errors
/// `InvalidInput` for something that is no arXiv id; `NotAtSource` when neither source knows
/// it; a network error when neither answered.
pub async fn fetch_paper(http: &HttpClient, input: &str) -> Result<FetchedPaper> {
    let (id, _version) = ArxivId::parse(input).map_err(|e| {
        Error::InvalidInput(format!(
            "{e}; give an arXiv id like 2310.02579 or hep-th/9901001, or an arxiv.org URL"
        ))
    })?;
    match from_arxiv(http, &id).await {
        Ok(Some(found)) => Ok(found),
        Ok(None) => from_hf(http, &id).await?.ok_or_else(|| Error::NotAtSource {
            source_name: "arXiv",
            id: id.to_string(),
        }),
        Err(Error::Source(e)) => {
            // arXiv unreachable: Hugging Face may still know the paper.
            tracing::warn!(error = %e, "arXiv failed; trying Hugging Face");
            match from_hf(http, &id).await {
                Ok(Some(found)) => Ok(found),
                _ => Err(Error::Source(e)),
            }
        }
        Err(e) => Err(e),
    }
}

async fn from_arxiv(http: &HttpClient, id: &ArxivId) -> Result<Option<FetchedPaper>> {
    let path = format!("/api/query?id_list={}&max_results=1", id.as_str());
    let Some((url, feed)) = super::fetch_arxiv_feed(http, &path).await? else {
        return Ok(None);
    };
    let Some(entry) = feed
        .entries
        .into_iter()
        .find(|e| e.paper.arxiv_id.as_ref() == Some(id))
    else {
        return Ok(None);
    };
    let mut paper = entry.paper;
    // The API returns the newest version only; v1's date is `published`.
    let mut versions: Vec<PaperVersion> = Vec::new();
    if entry.version > 1 {
        if let Some(p) = paper.published {
            versions.push(PaperVersion {
                version: 1,
                created: iso_date(&p),
            });
        }
    }
    versions.append(&mut paper.versions);
    paper.versions = versions;
    Ok(Some(FetchedPaper {
        paper,
        source: "arxiv-api",
        origin: url,
    }))
}

async fn from_hf(http: &HttpClient, id: &ArxivId) -> Result<Option<FetchedPaper>> {
    let path = format!("/api/papers/{}", id.as_str());
    let url = http.url(Source::HuggingFace, &path);
    let body = match http
        .get(Source::HuggingFace, &path, Expect::Json, None)
        .await
    {
        Ok(Fetched::Body { body, .. }) => body,
        Ok(Fetched::NotModified) => return Ok(None),
        Err(SourceError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let parsed = hf::parse_paper_bytes(&body).map_err(|e| Error::SourceFormat {
        source_name: "hf",
        url: url.clone(),
        reason: e.to_string(),
    })?;
    Ok(Some(FetchedPaper {
        paper: parsed.paper,
        source: "hf-api",
        origin: url,
    }))
}

fn iso_date(d: &PartialDate) -> String {
    match (d.year, d.month, d.day) {
        (Some(y), Some(m), Some(day)) => format!("{y:04}-{m:02}-{day:02}"),
        _ => d.sort_key(),
    }
}
