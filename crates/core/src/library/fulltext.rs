//! The text inside a paper's PDF, read once per file by [`crate::fulltext::Extractor`] and
//! kept in the database page by page.

use serde::Serialize;

use crate::db::{pdf_text, pdfs};
use crate::error::{Error, Result};
use crate::fulltext::{ExtractError, Extractor};
use crate::library::Library;
use crate::model::PaperId;

/// The text of one PDF, page by page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PdfText {
    /// The file's SHA-256.
    pub sha256: String,
    /// The program and version that read it.
    pub extractor: String,
    /// Pages in the file.
    pub page_count: u32,
    /// Pages that gave usable text.
    pub pages_with_text: u32,
    /// The pages asked for, in order.
    pub pages: Vec<PdfPage>,
}

/// One page's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PdfPage {
    /// 1-based physical page.
    pub page: u32,
    /// Its text in reading order (empty when it has none).
    pub text: String,
    /// The page has text the extractor could not turn into words (a font without a Unicode
    /// map): it looks like text but cannot be searched or quoted.
    pub garbled: bool,
}

impl Library {
    /// The text of the paper's newest PDF: every page, or page `page` (1-based) alone. The
    /// file is read the first time it is asked for and its text kept.
    ///
    /// # Errors
    /// [`Error::NoPdf`] when the paper has none; [`Error::PdfUnreadable`] when its text
    /// cannot be read (damaged, encrypted); [`Error::InvalidInput`] for a page past the end;
    /// [`Error::Extractor`] when the extractor is not installed.
    pub fn pdf_text(&self, id: &PaperId, page: Option<u32>) -> Result<PdfText> {
        let file = self.pdf(id)?.ok_or_else(|| Error::NoPdf(id.clone()))?;
        self.pdf_text_of(id, &file.sha256, page)
    }

    /// Reads the text of the paper's newest PDF if it was not read yet (so search finds its
    /// words), and says how many pages gave text, without returning the text.
    ///
    /// # Errors
    /// As [`Library::pdf_text`].
    pub fn read_pdf_text(&self, id: &PaperId) -> Result<PdfText> {
        let file = self.pdf(id)?.ok_or_else(|| Error::NoPdf(id.clone()))?;
        let e = self.extract_once(id, &file.sha256)?;
        Ok(PdfText {
            sha256: file.sha256,
            extractor: e.extractor,
            page_count: e.page_count,
            pages_with_text: e.pages_with_text,
            pages: Vec::new(),
        })
    }

    /// [`Library::pdf_text`] of one of the paper's files, named by its SHA-256.
    pub fn pdf_text_of(&self, id: &PaperId, sha256: &str, page: Option<u32>) -> Result<PdfText> {
        let extraction = self.extract_once(id, sha256)?;
        if let Some(p) = page {
            if p == 0 || p > extraction.page_count {
                return Err(Error::InvalidInput(format!(
                    "page {p} is not in the PDF of {id}: it has {} page{}",
                    extraction.page_count,
                    if extraction.page_count == 1 { "" } else { "s" }
                )));
            }
        }
        let pages = pdf_text::pages(&self.conn(), sha256, page)?
            .into_iter()
            .map(|r| PdfPage {
                page: r.page,
                text: r.text,
                garbled: r.garbled,
            })
            .collect();
        Ok(PdfText {
            sha256: sha256.to_string(),
            extractor: extraction.extractor,
            page_count: extraction.page_count,
            pages_with_text: extraction.pages_with_text,
            pages,
        })
    }

    /// The stored extraction of file `sha256`, reading the file first when it was never read
    /// (or failed under another extractor version).
    fn extract_once(&self, id: &PaperId, sha256: &str) -> Result<pdf_text::Extraction> {
        let stored = pdf_text::extraction(&self.conn(), sha256)?;
        if let Some(done) = stored.as_ref().filter(|d| d.error.is_none()) {
            return Ok(done.clone());
        }
        let extractor = Extractor::from_env();
        let version = extractor.version().map_err(Error::Extractor)?;
        if let Some(reason) = stored
            .filter(|d| d.extractor == version)
            .and_then(|d| d.error)
        {
            return Err(Error::PdfUnreadable {
                paper: id.clone(),
                reason,
            });
        }
        let path = self.pdf_path_of(sha256);
        let started = std::time::Instant::now();
        // Read outside any transaction: extraction takes seconds and holds no lock.
        let pages = match extractor.extract(&path) {
            Ok(text) => {
                tracing::info!(
                    %sha256,
                    pages = text.pages.len(),
                    with_text = text.pages_with_text(),
                    ms = started.elapsed().as_millis() as u64,
                    "read a PDF's text"
                );
                Ok(text.pages)
            }
            // Not the file's fault: nothing is recorded, the next call tries again.
            Err(e @ (ExtractError::Missing { .. } | ExtractError::Io(_))) => {
                return Err(Error::Extractor(e))
            }
            Err(e) => {
                tracing::warn!(%sha256, error = %e, "no text could be read from a PDF");
                Err(e.to_string())
            }
        };
        self.write(|tx, now| {
            let outcome = pages.as_deref().map_err(String::as_str);
            pdf_text::store(tx, sha256, &version, now, outcome)?;
            // Every paper holding the file gets its text in the search index.
            Ok(((), pdfs::works_of(tx, sha256)?))
        })?;
        if let Err(reason) = pages {
            return Err(Error::PdfUnreadable {
                paper: id.clone(),
                reason,
            });
        }
        pdf_text::extraction(&self.conn(), sha256)?
            .ok_or_else(|| Error::Index(format!("the text of PDF {sha256} was stored but is gone")))
    }
}
