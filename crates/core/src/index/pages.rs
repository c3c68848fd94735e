//! Which page of a paper's PDF a position of its `fulltext` field falls on.
//!
//! The pages are indexed as the values of one multi-valued field, so tantivy numbers the
//! words of the whole PDF in one run, leaving a gap after each page (see
//! [`PageMap::of_pages`]). Each document keeps the first position of each of its pages
//! (stored, a few bytes a page), so the positions of the words that matched say on which
//! page they are without the text being read: a search result's page snippet is then made
//! from that one page alone.

use tantivy::tokenizer::TextAnalyzer;

/// Positions tantivy leaves empty between two values of a field (its `POSITION_GAP`), so a
/// phrase never runs across a page break. Checked against tantivy by a test.
const POSITION_GAP: u32 = 1;

/// The first `fulltext` position of each page of one document, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMap {
    /// (1-based physical page, its first position), both increasing.
    starts: Vec<(u32, u32)>,
}

impl PageMap {
    /// The map of `pages` ((physical page, text), in order) as tantivy numbers their words
    /// when they are the values of one field: each value's words start where the previous
    /// value's last word ended plus [`POSITION_GAP`], with the positions the analyzer gives.
    pub fn of_pages(analyzer: &mut TextAnalyzer, pages: &[(u32, String)]) -> PageMap {
        let mut starts = Vec::with_capacity(pages.len());
        let mut base = 0u32;
        for (page, text) in pages {
            starts.push((*page, base));
            let mut end = base;
            let mut stream = analyzer.token_stream(text);
            while stream.advance() {
                let t = stream.token();
                let start = base.saturating_add(t.position as u32);
                end = end.max(start.saturating_add(t.position_length as u32));
            }
            base = end.saturating_add(POSITION_GAP);
        }
        PageMap { starts }
    }

    /// True when the document has no page.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The page that position `position` is on (`None` before the first page, which cannot
    /// happen for a position of the same document).
    pub fn page_at(&self, position: u32) -> Option<u32> {
        let after = self.starts.partition_point(|&(_, start)| start <= position);
        after.checked_sub(1).map(|i| self.starts[i].0)
    }

    /// The stored form: LEB128 pairs of (page − previous page, start − previous start).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.starts.len() * 3);
        let (mut page, mut start) = (0u32, 0u32);
        for &(p, s) in &self.starts {
            put_varint(&mut out, p.wrapping_sub(page));
            put_varint(&mut out, s.wrapping_sub(start));
            (page, start) = (p, s);
        }
        out
    }

    /// Reads [`PageMap::encode`]'s form; `None` when the bytes are not one.
    pub fn decode(mut bytes: &[u8]) -> Option<PageMap> {
        let mut starts = Vec::new();
        let (mut page, mut start) = (0u32, 0u32);
        while !bytes.is_empty() {
            page = page.checked_add(take_varint(&mut bytes)?)?;
            start = start.checked_add(take_varint(&mut bytes)?)?;
            starts.push((page, start));
        }
        Some(PageMap { starts })
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn take_varint(bytes: &mut &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for shift in (0..35).step_by(7) {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        v |= u32::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use tantivy::postings::Postings;
    use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
    use tantivy::{doc, DocSet, Index, IndexWriter, TantivyDocument, Term};

    use super::*;
    use crate::index::analyzer;

    #[test]
    fn positions_tantivy_gives_fall_on_the_pages_the_map_says() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field(
            "text",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer::ANALYZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let index = Index::create_in_ram(schema.build());
        index
            .tokenizers()
            .register(analyzer::ANALYZER, analyzer::analyzer());
        // Pages with words the analyzer drops or splits (too long, Chinese pairs, plurals),
        // a page without words, and physical pages skipped (garbled or empty).
        let pages: Vec<(u32, String)> = vec![
            (1, "Needle in the first page, twice: needles.".into()),
            (2, format!("{} needle {}", "x".repeat(60), "热化学方程式")),
            (4, "-- 42 --".into()),
            (5, "…".into()),
            (7, "热化学 needle at the end needle".into()),
        ];
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut d = TantivyDocument::new();
        for (_, t) in &pages {
            d.add_text(text, t);
        }
        writer.add_document(d).unwrap();
        writer.add_document(doc!(text => "needle")).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let segment = &searcher.segment_readers()[0];
        let inverted = segment.inverted_index(text).unwrap();
        let map = PageMap::of_pages(&mut analyzer::analyzer(), &pages);
        let on_pages = |word: &str| -> Vec<u32> {
            let mut postings = inverted
                .read_postings(
                    &Term::from_field_text(text, word),
                    IndexRecordOption::WithFreqsAndPositions,
                )
                .unwrap()
                .unwrap();
            assert_eq!(postings.doc(), 0);
            let mut positions = Vec::new();
            postings.positions(&mut positions);
            positions
                .into_iter()
                .map(|p| map.page_at(p).unwrap())
                .collect()
        };
        assert_eq!(on_pages("needle"), [1, 1, 2, 7, 7]);
        assert_eq!(on_pages("42"), [4]);
        let pairs = analyzer::tokens(&mut analyzer::analyzer(), "热化学");
        assert_eq!(on_pages(&pairs[0].text), [2, 7]);
        assert_eq!(PageMap::decode(&map.encode()), Some(map));
    }

    #[test]
    fn maps_round_trip_and_bad_bytes_are_refused() {
        let map = PageMap {
            starts: vec![(1, 0), (3, 200), (300, 70_000), (301, u32::MAX - 1)],
        };
        assert_eq!(PageMap::decode(&map.encode()), Some(map.clone()));
        assert_eq!(map.page_at(0), Some(1));
        assert_eq!(map.page_at(199), Some(1));
        assert_eq!(map.page_at(200), Some(3));
        assert_eq!(map.page_at(u32::MAX), Some(301));
        assert_eq!(PageMap::decode(&[0x80]), None);
        assert_eq!(PageMap::decode(&[0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), None);
        assert!(PageMap::decode(&[]).unwrap().is_empty());
    }
}
