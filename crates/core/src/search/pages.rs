//! The page snippet of a hit found in its PDF's text: the page with the most matches, found
//! by the index (the positions of the matched words in the `fulltext` field and the stored
//! [`PageMap`] of the document), then a window of that one page, read from SQLite.
//!
//! A hit costs a few posting-list seeks, one small stored document and one page's text,
//! however long its PDF: the pages are never all read and tokenized.

use std::collections::HashMap;

use rusqlite::Connection;
use tantivy::postings::Postings;
use tantivy::postings::TermInfo;
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, DocId, DocSet, Searcher, SegmentReader, TantivyDocument, Term};

use super::snippet::{self, MatchTerms, PageSnippet};
use crate::error::Result;
use crate::index::pages::PageMap;
use crate::index::Fields;

/// Words of the PDF text a prefix or a one-edit word stands for that are counted, per segment:
/// the most frequent ones (the snippet's highlights still mark every word that matches).
const COUNTED_EXPANSIONS: usize = 64;

/// The page snippet of each of the works `keys` whose PDF text holds some of `terms`, by
/// work key (a work without text, or where no word matched on a page, is left out).
pub(crate) fn page_snippets(
    searcher: &Searcher,
    f: &Fields,
    conn: &Connection,
    analyzer: &mut TextAnalyzer,
    keys: &[u64],
    terms: &MatchTerms,
    width: usize,
) -> Result<HashMap<u64, PageSnippet>> {
    let mut out = HashMap::new();
    if keys.is_empty() || terms.is_empty() {
        return Ok(out);
    }
    let mut best: Vec<(u64, u32)> = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let mut docs: Vec<(DocId, u64)> = Vec::new();
        for &key in keys {
            if let Some(doc) = live_doc_of(segment, f, key)? {
                docs.push((doc, key));
            }
        }
        if docs.is_empty() {
            continue;
        }
        docs.sort_unstable();
        let mut maps: Vec<Option<PageMap>> = Vec::with_capacity(docs.len());
        for &(doc, _) in &docs {
            let stored: TantivyDocument = searcher.doc(DocAddress::new(ord as u32, doc))?;
            maps.push(
                stored
                    .get_first(f.page_map)
                    .and_then(|v| v.as_bytes())
                    .and_then(PageMap::decode)
                    .filter(|m| !m.is_empty()),
            );
        }
        // Matches per (doc, page), counted term by term over the docs in order.
        let mut counts: Vec<HashMap<u32, usize>> = vec![HashMap::new(); docs.len()];
        let inverted = segment.inverted_index(f.fulltext)?;
        let mut positions = Vec::new();
        for info in term_infos(segment, f, terms)? {
            let mut postings = inverted
                .read_postings_from_terminfo(&info, IndexRecordOption::WithFreqsAndPositions)
                .map_err(index_io)?;
            for (i, &(doc, _)) in docs.iter().enumerate() {
                let Some(map) = &maps[i] else { continue };
                if postings.doc() > doc || postings.seek(doc) != doc {
                    continue;
                }
                positions.clear();
                postings.positions(&mut positions);
                for &p in &positions {
                    if let Some(page) = map.page_at(p) {
                        *counts[i].entry(page).or_default() += 1;
                    }
                }
            }
        }
        for (i, &(_, key)) in docs.iter().enumerate() {
            // The most matches; of pages with as many, the first.
            let top = counts[i]
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(&page, _)| page);
            if let Some(page) = top {
                best.push((key, page));
            }
        }
    }
    for (key, page) in best {
        let Some(text) = crate::db::pdf_text::indexed_page(conn, key as i64, page)? else {
            continue;
        };
        let w = snippet::window(analyzer, &text, terms, width);
        out.insert(
            key,
            PageSnippet {
                text: w.text,
                page,
                highlights: w.highlights,
            },
        );
    }
    Ok(out)
}

/// An index file that cannot be read, as the search reports it.
fn index_io(e: std::io::Error) -> crate::error::Error {
    crate::error::Error::Index(e.to_string())
}

/// The live document of work `key` in `segment`, if it is there.
fn live_doc_of(segment: &SegmentReader, f: &Fields, key: u64) -> Result<Option<DocId>> {
    let inverted = segment.inverted_index(f.key)?;
    let Some(mut postings) = inverted
        .read_postings(&Term::from_field_u64(f.key, key), IndexRecordOption::Basic)
        .map_err(index_io)?
    else {
        return Ok(None);
    };
    let alive = segment.alive_bitset();
    let mut doc = postings.doc();
    while doc != tantivy::TERMINATED {
        if alive.is_none_or(|a| a.is_alive(doc)) {
            return Ok(Some(doc));
        }
        doc = postings.advance();
    }
    Ok(None)
}

/// The `fulltext` terms of `segment` that `terms` match, each once: each whole word, and the
/// most frequent words each prefix begins and each one-edit word is near.
fn term_infos(segment: &SegmentReader, f: &Fields, terms: &MatchTerms) -> Result<Vec<TermInfo>> {
    let inverted = segment.inverted_index(f.fulltext)?;
    let dict = inverted.terms();
    let mut out: HashMap<Vec<u8>, TermInfo> = HashMap::new();
    for word in &terms.exact {
        let term = Term::from_field_text(f.fulltext, word);
        if let Some(info) = inverted.get_term_info(&term).map_err(index_io)? {
            out.insert(word.as_bytes().to_vec(), info);
        }
    }
    let most_frequent = |mut found: Vec<(Vec<u8>, TermInfo)>, out: &mut HashMap<_, _>| {
        found.sort_unstable_by(|a, b| b.1.doc_freq.cmp(&a.1.doc_freq).then(a.0.cmp(&b.0)));
        found.truncate(COUNTED_EXPANSIONS);
        out.extend(found);
    };
    for prefix in &terms.prefixes {
        let mut upper = prefix.as_bytes().to_vec();
        upper.push(0xff);
        let mut stream = dict
            .range()
            .ge(prefix.as_bytes())
            .lt(&upper)
            .into_stream()
            .map_err(index_io)?;
        let mut found = Vec::new();
        while stream.advance() {
            found.push((stream.key().to_vec(), stream.value().clone()));
        }
        most_frequent(found, &mut out);
    }
    for word in &terms.fuzzy {
        let fuzzy = FuzzyTermQuery::new(Term::from_field_text(f.fulltext, word), 1, true);
        let Ok(automaton) = fuzzy.automaton() else {
            continue;
        };
        let mut stream = dict.search(automaton).into_stream().map_err(index_io)?;
        let mut found = Vec::new();
        while stream.advance() {
            found.push((stream.key().to_vec(), stream.value().clone()));
        }
        most_frequent(found, &mut out);
    }
    Ok(out.into_values().collect())
}
