//! Highlights and pinned notes on a paper's PDF: made in the reader (with rectangles and the
//! quote it read from its text layer) or anchored by a quote alone (the CLI), stored the
//! moment they are made.

use serde::Serialize;

use crate::db::{annotations, pdfs, works};
use crate::error::{Error, Result};
use crate::fulltext::find_quote;
use crate::library::Library;
use crate::model::{
    parse_color, Annotation, AnnotationChange, AnnotationKind, NewAnnotation, Note, PaperId,
    PdfRect, ANNOTATION_COLORS, DEFAULT_ANNOTATION_COLOR,
};

/// The longest comment an annotation keeps, in characters (a long note belongs in the
/// paper's note).
pub const MAX_COMMENT_CHARS: usize = 100_000;

/// The longest quote, in characters: a highlight over several pages of text is a mistake.
pub const MAX_QUOTE_CHARS: usize = 20_000;

/// The most rectangles one annotation keeps (a highlight over a page of text has a few dozen).
pub const MAX_RECTS: usize = 2_000;

/// An annotation to anchor by a quote of the PDF's text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuoteAnnotation {
    /// The text to find (white space, line-end hyphenation and case do not matter).
    pub quote: String,
    /// The page to look on; the first occurrence in the document when not given.
    pub page: Option<u32>,
    /// A comment.
    pub comment: Option<String>,
    /// `#rrggbb` or a colour name; yellow when not given.
    pub color: Option<String>,
}

/// What [`Library::annotate_quote`] made, and where else the quote occurs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuoteAnnotated {
    /// The new annotation.
    pub annotation: Annotation,
    /// How many times the quote occurs where it was looked for (the page, or the document).
    pub occurrences: usize,
    /// The pages it occurs on, in order, each once.
    pub pages: Vec<u32>,
}

impl Library {
    /// The paper's annotations, in page order and, on a page, in text order.
    pub fn annotations(&self, id: &PaperId) -> Result<Vec<Annotation>> {
        let conn = self.conn();
        let key = works::key_of(&conn, id)?;
        annotations::of_work(&conn, key)
    }

    /// One annotation by its id (a deleted one too, so an undo can show what it brings back).
    pub fn annotation(&self, annotation_id: &str) -> Result<Annotation> {
        annotations::get(&self.conn(), annotation_id)?
            .map(|stored| stored.annotation)
            .ok_or_else(|| Error::AnnotationNotFound(annotation_id.to_string()))
    }

    /// Stores an annotation the reader made, the moment it is made.
    ///
    /// # Errors
    /// [`Error::NoPdf`] when the paper has no PDF; [`Error::InvalidInput`] for a page of 0, an
    /// unknown colour, a file that is not one of the paper's PDFs, or text or rectangles past
    /// the caps.
    pub fn add_annotation(&self, id: &PaperId, new: &NewAnnotation) -> Result<Annotation> {
        let kind = new.kind.unwrap_or(AnnotationKind::Highlight);
        if new.page == 0 {
            return Err(Error::InvalidInput("pages are numbered from 1".into()));
        }
        let color = color_of(new.color.as_deref())?;
        let comment = checked_text(
            "comment",
            new.comment.as_deref().unwrap_or(""),
            MAX_COMMENT_CHARS,
        )?;
        let quote = new
            .quote
            .as_deref()
            .map(|q| checked_text("quote", q, MAX_QUOTE_CHARS))
            .transpose()?
            .filter(|q| !q.trim().is_empty());
        if kind == AnnotationKind::Highlight && quote.is_none() && new.rects.is_empty() {
            return Err(Error::InvalidInput(
                "a highlight needs the text it marks or where it is on the page".into(),
            ));
        }
        let rects = checked_rects(&new.rects)?;
        let anchored = match (&quote, new.quote_offset) {
            (Some(q), None) => self.anchor_in_page_text(id, new.pdf_sha256.as_deref(), new.page, q),
            _ => None,
        };
        let (quote, quote_prefix, quote_suffix, quote_offset) = match anchored {
            Some(m) => (
                Some(m.exact),
                Some(m.prefix),
                Some(m.suffix),
                Some(m.offset as u32),
            ),
            None => (
                quote,
                new.quote_prefix.clone(),
                new.quote_suffix.clone(),
                new.quote_offset,
            ),
        };
        let id_text = uuid::Uuid::new_v4().to_string();
        let paper = self.write(|tx, now| {
            let key = works::key_of(tx, id)?;
            let files = pdfs::of_work(tx, key)?;
            let sha256 = match &new.pdf_sha256 {
                Some(sha) if files.iter().any(|f| &f.sha256 == sha) => sha.clone(),
                Some(sha) => {
                    return Err(Error::InvalidInput(format!(
                        "{sha} is not one of the PDFs of {id}"
                    )))
                }
                None => files
                    .first()
                    .map(|f| f.sha256.clone())
                    .ok_or_else(|| Error::NoPdf(id.clone()))?,
            };
            let paper_id = PaperId::new(works::id_of(tx, key)?);
            annotations::put(
                tx,
                key,
                &Annotation {
                    id: id_text.clone(),
                    paper_id: paper_id.clone(),
                    pdf_sha256: sha256,
                    kind,
                    page: new.page,
                    page_label: new.page_label.clone().filter(|l| !l.trim().is_empty()),
                    color: color.clone(),
                    rects: rects.clone(),
                    shape: None,
                    quote: quote.clone(),
                    quote_prefix: quote_prefix.clone(),
                    quote_suffix: quote_suffix.clone(),
                    quote_offset,
                    comment: comment.clone(),
                    created: now.to_string(),
                    updated: now.to_string(),
                },
            )?;
            // `annotation:` searches them: the work's document changes.
            Ok((paper_id, vec![key]))
        })?;
        tracing::info!(paper = %paper, annotation = %id_text, page = new.page, "annotated");
        self.annotation(&id_text)
    }

    /// The text-quote anchor of `quote` on `page` of the file (its newest when `None`), taken
    /// from the extracted page text: the reader's selection then re-anchors like a quote made
    /// from the CLI. `None` when the page has no text or does not contain the quote (the
    /// rectangles still place the highlight).
    fn anchor_in_page_text(
        &self,
        id: &PaperId,
        sha256: Option<&str>,
        page: u32,
        quote: &str,
    ) -> Option<crate::fulltext::quote::TextQuote> {
        let text = match sha256 {
            Some(sha) => self.pdf_text_of(id, sha, Some(page)),
            None => self.pdf_text(id, Some(page)),
        };
        let text = text
            .inspect_err(|e| tracing::debug!(error = %e, "no page text to anchor a quote in"))
            .ok()?;
        let page = text.pages.first()?;
        let found = find_quote(&page.text, quote).into_iter().next()?;
        Some(found.quote_in(&page.text))
    }

    /// Fills in the text-quote anchors (context and offset in the page text) of the paper's
    /// annotations that came with their quote alone (from Zotero), once their PDF's text has
    /// been read, so they re-anchor on another version like the reader's own. The quote stays
    /// as it came. Returns how many were anchored.
    pub(crate) fn anchor_quotes(&self, id: &PaperId) -> Result<usize> {
        let found: Vec<_> = self
            .annotations(id)?
            .into_iter()
            .filter(|a| a.quote_offset.is_none() && !a.pdf_sha256.is_empty())
            .filter_map(|a| {
                let quote = a.quote.as_deref()?;
                let m = self.anchor_in_page_text(id, Some(&a.pdf_sha256), a.page, quote)?;
                Some((a.id, m))
            })
            .collect();
        if found.is_empty() {
            return Ok(0);
        }
        self.write(|tx, _| {
            for (annotation, m) in &found {
                annotations::set_quote_anchor(
                    tx,
                    annotation,
                    &m.prefix,
                    &m.suffix,
                    m.offset as u32,
                )?;
            }
            // The indexed text (quote and comment) is unchanged.
            Ok((found.len(), Vec::new()))
        })
    }

    /// Highlights a passage found by its quote in the paper's newest PDF: on page `page` when
    /// given, else at its first occurrence in the document. The stored quote is the PDF's own
    /// text (its spelling and line breaks), with context and offset.
    ///
    /// # Errors
    /// [`Error::QuoteNotFound`] when the text (or the page) does not contain it;
    /// [`Error::NoPdf`], [`Error::PdfUnreadable`] and the errors of
    /// [`Library::add_annotation`].
    pub fn annotate_quote(
        &self,
        id: &PaperId,
        request: &QuoteAnnotation,
    ) -> Result<QuoteAnnotated> {
        if request.quote.trim().is_empty() {
            return Err(Error::InvalidInput("the quote is empty".into()));
        }
        let text = self.pdf_text(id, request.page)?;
        let mut found = Vec::new();
        for page in &text.pages {
            for m in find_quote(&page.text, &request.quote) {
                found.push((page.page, m.quote_in(&page.text)));
            }
        }
        let Some((page, quote)) = found.first().cloned() else {
            return Err(Error::QuoteNotFound {
                paper: id.clone(),
                quote: request.quote.clone(),
                page: request.page,
            });
        };
        let mut pages: Vec<u32> = found.iter().map(|(p, _)| *p).collect();
        pages.dedup();
        let annotation = self.add_annotation(
            id,
            &NewAnnotation {
                kind: Some(AnnotationKind::Highlight),
                pdf_sha256: Some(text.sha256),
                page,
                page_label: None,
                color: request.color.clone(),
                rects: Vec::new(),
                quote: Some(quote.exact),
                quote_prefix: Some(quote.prefix),
                quote_suffix: Some(quote.suffix),
                quote_offset: Some(quote.offset as u32),
                comment: request.comment.clone(),
            },
        )?;
        Ok(QuoteAnnotated {
            annotation,
            occurrences: found.len(),
            pages,
        })
    }

    /// Changes an annotation's colour, comment or rectangles.
    pub fn update_annotation(
        &self,
        annotation_id: &str,
        change: &AnnotationChange,
    ) -> Result<Annotation> {
        let color = change
            .color
            .as_deref()
            .map(|c| color_of(Some(c)))
            .transpose()?;
        let comment = change
            .comment
            .as_deref()
            .map(|c| checked_text("comment", c, MAX_COMMENT_CHARS))
            .transpose()?;
        let rects = change.rects.as_deref().map(checked_rects).transpose()?;
        self.write(|tx, now| {
            let stored = annotations::get(tx, annotation_id)?
                .filter(|s| !s.deleted)
                .ok_or_else(|| Error::AnnotationNotFound(annotation_id.to_string()))?;
            let mut a = stored.annotation;
            if let Some(c) = color {
                a.color = c;
            }
            if let Some(c) = comment {
                a.comment = c;
            }
            if let Some(r) = rects {
                a.rects = r;
            }
            annotations::update(tx, &a, now)?;
            Ok(((), vec![stored.work_key]))
        })?;
        self.annotation(annotation_id)
    }

    /// "Add to note": appends the paper's highlights (all, or those named) to its Markdown
    /// note, each as a block quote with its page and then its comment, in page order. One
    /// already in the note (its quote line is there) is not added twice. Returns the note.
    ///
    /// # Errors
    /// [`Error::AnnotationNotFound`] for a named id that is not one of the paper's.
    pub fn add_annotations_to_note(&self, id: &PaperId, only: &[String]) -> Result<Note> {
        let all = self.annotations(id)?;
        if let Some(missing) = only.iter().find(|want| !all.iter().any(|a| &a.id == *want)) {
            return Err(Error::AnnotationNotFound(missing.clone()));
        }
        let chosen = all
            .iter()
            .filter(|a| only.is_empty() || only.contains(&a.id))
            .filter(|a| a.quote.is_some() || !a.comment.trim().is_empty());
        let mut body = self.note(id)?.map(|n| n.body).unwrap_or_default();
        let mut added = 0;
        for a in chosen {
            let entry = note_entry(a);
            let first_line = entry.lines().next().unwrap_or_default();
            if body.lines().any(|l| l == first_line) {
                continue;
            }
            if !body.trim().is_empty() {
                body = format!("{}\n\n", body.trim_end());
            }
            body.push_str(&entry);
            added += 1;
        }
        if added > 0 {
            self.set_note(id, &body)?;
        }
        self.note(id)?.ok_or_else(|| {
            Error::InvalidInput(format!("{id} has no highlights to add to its note"))
        })
    }

    /// Deletes an annotation; [`Library::restore_annotation`] undoes it.
    pub fn delete_annotation(&self, annotation_id: &str) -> Result<()> {
        self.set_annotation_deleted(annotation_id, true)
    }

    /// Brings back a deleted annotation.
    pub fn restore_annotation(&self, annotation_id: &str) -> Result<Annotation> {
        self.set_annotation_deleted(annotation_id, false)?;
        self.annotation(annotation_id)
    }

    fn set_annotation_deleted(&self, annotation_id: &str, deleted: bool) -> Result<()> {
        self.write(|tx, now| {
            let stored = annotations::get(tx, annotation_id)?
                .ok_or_else(|| Error::AnnotationNotFound(annotation_id.to_string()))?;
            annotations::set_deleted(tx, annotation_id, deleted, now)?;
            // `annotation:` no longer (or again) finds it.
            Ok(((), vec![stored.work_key]))
        })
    }
}

/// One annotation as the note quotes it: `> quote (p. 3)`, then the comment.
fn note_entry(a: &Annotation) -> String {
    let page = match &a.page_label {
        Some(label) if *label != a.page.to_string() => format!("p. {label}"),
        _ => format!("p. {}", a.page),
    };
    let mut out = match a.quote.as_deref().filter(|q| !q.trim().is_empty()) {
        Some(q) => format!("> {} ({page})\n", crate::text::collapse_whitespace(q)),
        None => format!("> ({page})\n"),
    };
    if !a.comment.trim().is_empty() {
        out.push('\n');
        out.push_str(a.comment.trim());
        out.push('\n');
    }
    out
}

fn color_of(input: Option<&str>) -> Result<String> {
    match input {
        None => Ok(DEFAULT_ANNOTATION_COLOR.to_string()),
        Some(c) => parse_color(c).ok_or_else(|| {
            let names: Vec<&str> = ANNOTATION_COLORS.iter().map(|(n, _)| *n).collect();
            Error::InvalidInput(format!(
                "unknown colour '{c}': use #rrggbb or one of {}",
                names.join(", ")
            ))
        }),
    }
}

fn checked_text(what: &str, text: &str, max_chars: usize) -> Result<String> {
    if text.chars().count() > max_chars {
        return Err(Error::InvalidInput(format!(
            "the {what} is longer than {max_chars} characters"
        )));
    }
    // Control characters other than line breaks and tabs are never meant.
    Ok(text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect())
}

fn checked_rects(rects: &[PdfRect]) -> Result<Vec<PdfRect>> {
    if rects.len() > MAX_RECTS {
        return Err(Error::InvalidInput(format!(
            "an annotation has at most {MAX_RECTS} rectangles"
        )));
    }
    if rects.iter().flatten().any(|v| !v.is_finite()) {
        return Err(Error::InvalidInput(
            "rectangle coordinates must be finite numbers".into(),
        ));
    }
    Ok(rects.to_vec())
}
