//! Bringing a paper's annotations from one of its PDFs to another (a newer arXiv version): each
//! highlight is found again by its quote in the other file's text, nearest its old page, and
//! where the same words occur more than once, by the context it was made in.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::fulltext::find_quote;
use crate::library::fulltext::PdfPage;
use crate::library::Library;
use crate::model::{Annotation, AnnotationKind, NewAnnotation, PaperId};

/// What [`Library::carry_annotations`] did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CarryReport {
    /// The annotations made on the other file (the originals are deleted, restorably).
    pub carried: Vec<Annotation>,
    /// The ids of highlights whose quote the other file does not contain: they stay where
    /// they were.
    pub not_found: Vec<String>,
}

impl Library {
    /// Moves the paper's annotations on file `from` to file `to` (both among its PDFs). A
    /// highlight is anchored again by its quote (nearest its old page; among repeats, the one
    /// whose context matches best) and its rectangles are left for the reader to find; a
    /// pinned note keeps its page and place when the other file has that page. Each original
    /// is deleted once its copy is stored (and can be restored); those that cannot be found
    /// stay on `from`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when either file is not one of the paper's PDFs or they are the
    /// same; [`Error::PdfUnreadable`] when `to` has no text; the errors of
    /// [`Library::add_annotation`].
    pub fn carry_annotations(&self, id: &PaperId, from: &str, to: &str) -> Result<CarryReport> {
        let files = self.pdfs(id)?;
        for sha in [from, to] {
            if !files.iter().any(|f| f.sha256 == sha) {
                return Err(Error::InvalidInput(format!(
                    "{sha} is not one of the PDFs of {id}"
                )));
            }
        }
        if from == to {
            return Err(Error::InvalidInput(
                "the annotations are on that file already".into(),
            ));
        }
        let moving: Vec<Annotation> = self
            .annotations(id)?
            .into_iter()
            .filter(|a| a.pdf_sha256 == from)
            .collect();
        let mut report = CarryReport {
            carried: Vec::new(),
            not_found: Vec::new(),
        };
        if moving.is_empty() {
            return Ok(report);
        }
        let text = self.pdf_text_of(id, to, None)?;
        for old in moving {
            let new = match (&old.kind, &old.quote) {
                (AnnotationKind::Highlight, Some(quote)) => {
                    match relocate(&text.pages, quote, &old) {
                        Some((page, anchor)) => NewAnnotation {
                            kind: Some(AnnotationKind::Highlight),
                            pdf_sha256: Some(to.to_string()),
                            page,
                            page_label: None,
                            color: Some(old.color.clone()),
                            rects: Vec::new(),
                            quote: Some(anchor.exact),
                            quote_prefix: Some(anchor.prefix),
                            quote_suffix: Some(anchor.suffix),
                            quote_offset: Some(anchor.offset as u32),
                            comment: Some(old.comment.clone()),
                        },
                        None => {
                            report.not_found.push(old.id.clone());
                            continue;
                        }
                    }
                }
                _ if old.page <= text.page_count => NewAnnotation {
                    kind: Some(old.kind),
                    pdf_sha256: Some(to.to_string()),
                    page: old.page,
                    page_label: None,
                    color: Some(old.color.clone()),
                    rects: old.rects.clone(),
                    quote: old.quote.clone(),
                    quote_prefix: old.quote_prefix.clone(),
                    quote_suffix: old.quote_suffix.clone(),
                    quote_offset: old.quote_offset,
                    comment: Some(old.comment.clone()),
                },
                _ => {
                    report.not_found.push(old.id.clone());
                    continue;
                }
            };
            let made = self.add_annotation(id, &new)?;
            self.delete_annotation(&old.id)?;
            report.carried.push(made);
        }
        tracing::info!(paper = %id, carried = report.carried.len(), left = report.not_found.len(), "annotations carried to another file");
        Ok(report)
    }
}

/// Where `quote` is in `pages`: of every occurrence, the one whose context is most like the
/// old one, then the nearest to the old page.
fn relocate(
    pages: &[PdfPage],
    quote: &str,
    old: &Annotation,
) -> Option<(u32, crate::fulltext::quote::TextQuote)> {
    let mut best: Option<(usize, u32, u32, crate::fulltext::quote::TextQuote)> = None;
    for page in pages {
        for m in find_quote(&page.text, quote) {
            let anchor = m.quote_in(&page.text);
            let context = common_suffix(old.quote_prefix.as_deref().unwrap_or(""), &anchor.prefix)
                + common_prefix(old.quote_suffix.as_deref().unwrap_or(""), &anchor.suffix);
            let distance = page.page.abs_diff(old.page);
            let better = match &best {
                None => true,
                Some((c, d, _, _)) => context > *c || (context == *c && distance < *d),
            };
            if better {
                best = Some((context, distance, page.page, anchor));
            }
        }
    }
    best.map(|(_, _, page, anchor)| (page, anchor))
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_compared_from_the_quote_outwards() {
        assert_eq!(common_suffix("we train a better ", "so a better "), 10);
        assert_eq!(common_prefix(" using BM25", " using TF-IDF"), 7);
    }
}
