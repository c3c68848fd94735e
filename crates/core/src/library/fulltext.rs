//! The text inside a paper's PDF, read once per file by [`crate::fulltext::Extractor`] and
//! kept in the database page by page.

use serde::Serialize;

use crate::db::{pdf_text, pdfs};
use crate::error::{Error, Result};
use crate::fulltext::{ExtractError, ExtractedText, Extractor};
use crate::library::Library;
use crate::model::PaperId;

/// Files [`Library::read_pdf_texts`] reads at the same time, at most (one extractor process
/// each).
pub const MAX_PARALLEL_READS: usize = 4;

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

    /// [`Library::read_pdf_text`] for many papers at once (an importer, or a library whose
    /// files were stored with [`Library::store_pdfs`]): the files not read yet are read, a few
    /// at a time (one child process each, as many as the machine has cores, at most
    /// [`MAX_PARALLEL_READS`]), then all their text is stored in one transaction with one
    /// update of the search index, instead of one per paper. A file two papers hold is read
    /// once. Returns each paper's outcome in the order given, as [`Library::read_pdf_text`]
    /// would have returned it.
    ///
    /// # Errors
    /// [`Error::Extractor`] when the extractor is not installed; database errors. What
    /// concerns one paper (no PDF, a file whose text cannot be read) is that paper's outcome.
    pub fn read_pdf_texts(&self, ids: &[PaperId]) -> Result<Vec<Result<PdfText>>> {
        // (sha256, outcome so far); `None` while the file is still to be read.
        let mut outcomes: Vec<Result<(String, Option<pdf_text::Extraction>)>> =
            Vec::with_capacity(ids.len());
        let mut to_read: Vec<String> = Vec::new();
        let mut version = None;
        for id in ids {
            let file = match self.pdf(id) {
                Ok(Some(file)) => file,
                Ok(None) => {
                    outcomes.push(Err(Error::NoPdf(id.clone())));
                    continue;
                }
                Err(e) => {
                    outcomes.push(Err(e));
                    continue;
                }
            };
            let stored = pdf_text::extraction(&self.conn(), &file.sha256)?;
            if let Some(done) = stored.as_ref().filter(|d| d.error.is_none()) {
                outcomes.push(Ok((file.sha256, Some(done.clone()))));
                continue;
            }
            let version: &String = match &version {
                Some(v) => v,
                None => version.insert(Extractor::from_env().version().map_err(Error::Extractor)?),
            };
            if let Some(reason) = stored
                .filter(|d| &d.extractor == version)
                .and_then(|d| d.error)
            {
                outcomes.push(Err(Error::PdfUnreadable {
                    paper: id.clone(),
                    reason,
                }));
                continue;
            }
            if !to_read.contains(&file.sha256) {
                to_read.push(file.sha256.clone());
            }
            outcomes.push(Ok((file.sha256, None)));
        }
        let read = self.extract_many(&to_read);
        let mut failed: std::collections::HashMap<&str, String> = Default::default();
        // The extractor itself failing (not the file's fault) records nothing.
        let mut not_run: std::collections::HashMap<&str, ExtractError> = Default::default();
        if let Some(version) = version.as_ref().filter(|_| !to_read.is_empty()) {
            self.write(|tx, now| {
                let mut changed = Vec::new();
                for (sha256, result) in to_read.iter().zip(read) {
                    let outcome = match result {
                        Ok(text) => Ok(text.pages),
                        Err(e @ (ExtractError::Missing { .. } | ExtractError::Io(_))) => {
                            not_run.insert(sha256, e);
                            continue;
                        }
                        Err(e) => {
                            tracing::warn!(%sha256, error = %e, "no text could be read from a PDF");
                            Err(e.to_string())
                        }
                    };
                    let stored = outcome.as_deref().map_err(String::as_str);
                    pdf_text::store(tx, sha256, version, now, stored)?;
                    if let Err(reason) = outcome {
                        failed.insert(sha256, reason);
                    }
                    changed.extend(pdfs::works_of(tx, sha256)?);
                }
                changed.sort_unstable();
                changed.dedup();
                Ok(((), changed))
            })?;
        }
        let conn = self.conn();
        let out = ids
            .iter()
            .zip(outcomes)
            .map(|(id, outcome)| {
                let (sha256, extraction) = outcome?;
                if let Some(e) = not_run.get(sha256.as_str()) {
                    return Err(Error::Extractor(match e {
                        ExtractError::Missing { program } => ExtractError::Missing {
                            program: program.clone(),
                        },
                        other => ExtractError::Io(std::io::Error::other(other.to_string())),
                    }));
                }
                if let Some(reason) = failed.get(sha256.as_str()) {
                    return Err(Error::PdfUnreadable {
                        paper: id.clone(),
                        reason: reason.clone(),
                    });
                }
                let e = match extraction {
                    Some(e) => e,
                    None => pdf_text::extraction(&conn, &sha256)?.ok_or_else(|| {
                        Error::Index(format!("the text of PDF {sha256} was stored but is gone"))
                    })?,
                };
                Ok(PdfText {
                    sha256,
                    extractor: e.extractor,
                    page_count: e.page_count,
                    pages_with_text: e.pages_with_text,
                    pages: Vec::new(),
                })
            })
            .collect();
        Ok(out)
    }

    /// Reads the text of the files `sha256s`, a few at a time, outside any transaction;
    /// the results in the same order.
    fn extract_many(
        &self,
        sha256s: &[String],
    ) -> Vec<std::result::Result<ExtractedText, ExtractError>> {
        let extractor = Extractor::from_env();
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, MAX_PARALLEL_READS)
            .min(sha256s.len().max(1));
        let next = std::sync::atomic::AtomicUsize::new(0);
        let slots: Vec<std::sync::Mutex<Option<_>>> = sha256s
            .iter()
            .map(|_| std::sync::Mutex::new(None))
            .collect();
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(sha256) = sha256s.get(i) else { break };
                    let started = std::time::Instant::now();
                    let result = extractor.extract(&self.pdf_path_of(sha256));
                    if let Ok(text) = &result {
                        tracing::info!(
                            %sha256,
                            pages = text.pages.len(),
                            with_text = text.pages_with_text(),
                            ms = started.elapsed().as_millis() as u64,
                            "read a PDF's text"
                        );
                    }
                    *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                });
            }
        });
        slots
            .into_iter()
            .map(|slot| {
                slot.into_inner()
                    .unwrap_or_else(|e| e.into_inner())
                    .unwrap_or_else(|| Err(ExtractError::Io(std::io::Error::other("not read"))))
            })
            .collect()
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
