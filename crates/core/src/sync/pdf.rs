//! Fetching a paper's PDF from arXiv into the library.

use std::time::Duration;

use crate::error::{Error, Result};
use crate::library::pdfs::{PdfFile, MAX_DOWNLOADED_PDF_BYTES};
use crate::library::Library;
use crate::model::PaperId;
use crate::sources::config::Source;
use crate::sources::http::{Download, Expect, HttpClient, SourceError};

use super::CancelToken;

/// A PDF download is given up on (and retried) when no byte arrives for this long.
pub const PDF_STALL_TIMEOUT: Duration = Duration::from_secs(60);

/// What [`fetch_pdf`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfFetch {
    /// The paper's PDF, now in the library.
    pub file: PdfFile,
    /// False when the library held that version already and nothing was requested.
    pub downloaded: bool,
    /// The URL it came from (or would have).
    pub url: String,
}

/// Fetches the PDF of the newest arXiv version the library knows of the paper, unless the
/// library holds that version already, stores it (see [`Library::store_pdf`]) and reads its
/// text.
/// `progress` hears the bytes received so far and the length announced; cancelling `cancel`
/// stops the download, and nothing is stored.
///
/// # Errors
/// [`Error::NoPdfSource`] for a paper without an arXiv id; [`Error::Cancelled`]; a source
/// error when the host fails, sends more than 100 MiB, or sends something that is not a PDF
/// (an HTML page, say), in which case nothing is stored.
pub async fn fetch_pdf(
    lib: &Library,
    http: &HttpClient,
    id: &PaperId,
    progress: &(dyn Fn(u64, Option<u64>) + Send + Sync),
    cancel: &CancelToken,
) -> Result<PdfFetch> {
    let location = lib.pdf_location(id)?;
    let url = http.url(Source::Pdf, &location.path);
    let held = match location.version {
        Some(v) => lib.pdf_of_version(id, v)?,
        // Without a version, any PDF the paper has is the one this would fetch.
        None => lib.pdf(id)?,
    };
    if let Some(file) = held {
        return Ok(PdfFetch {
            file,
            downloaded: false,
            url,
        });
    }
    cancel.check()?;
    let report = |received: u64, total: Option<u64>| {
        progress(received, total);
        !cancel.is_cancelled()
    };
    let download = Download {
        max_bytes: MAX_DOWNLOADED_PDF_BYTES,
        stall_timeout: PDF_STALL_TIMEOUT,
        progress: &report,
    };
    let bytes = match http
        .download(Source::Pdf, &location.path, Expect::Pdf, &download)
        .await
    {
        Ok(bytes) => bytes,
        Err(SourceError::Cancelled { .. }) => return Err(Error::Cancelled),
        Err(e) => return Err(e.into()),
    };
    cancel.check()?;
    let file = lib.store_pdf(id, &bytes, &url, location.version)?;
    // Its text is read now, so the paper is searchable by what is inside at once; a file whose
    // text cannot be read stays stored, its reason kept with it.
    if let Err(err) = lib.read_pdf_text(id) {
        tracing::warn!(paper = %id, error = %err, "the fetched PDF's text could not be read");
    }
    Ok(PdfFetch {
        file,
        downloaded: true,
        url,
    })
}
