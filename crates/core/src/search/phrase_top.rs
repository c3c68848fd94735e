//! The best page of a query that is one phrase, reading positions only where they can matter.
//!
//! tantivy cannot skip anything in a phrase query: it reads the positions of every paper that
//! has all the words and scores it. For a phrase of common words ("neural network" in a
//! million abstracts) that is nearly all of the search's time. But a phrase occurs in a field
//! no more often than each of its words, and BM25 grows with the count, so the words' own
//! scores summed bound the phrase's score from above. Here tantivy runs the plain intersection
//! of the words with its block-max pruning against the page so far, and only the papers whose
//! bound beats the page have their positions read. The result is exactly the phrase query's
//! best page, for a fraction of the reads.

use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Score, Searcher, SeekDangerResult, Term, TERMINATED};

use super::Page;
use crate::error::Result;

/// A query that is one phrase: its words, and the fields it looks in with their weights. A
/// paper scores its best field's phrase score (see `text_query`).
#[derive(Debug, Clone)]
pub(crate) struct LonePhrase {
    /// Analysed words, at least two.
    pub words: Vec<String>,
    /// Fields and their boosts.
    pub fields: Vec<(Field, Score)>,
}

/// The `k` best papers for `phrase` as (score, work key), best first (see [`Page`]), scored
/// as the phrase query over the same fields and boosts scores them.
pub(crate) fn top(searcher: &Searcher, phrase: &LonePhrase, k: usize) -> Result<Vec<(Score, u64)>> {
    let mut page = Page::new(k);
    let mut fields = phrase.fields.clone();
    // The heaviest field first: its matches fill the page with high scores early, so the other
    // fields' passes skip more.
    fields.sort_by(|a, b| b.1.total_cmp(&a.1));
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    let key_columns = super::key_columns(searcher)?;
    for (field, boost) in fields {
        let terms: Vec<Term> = phrase
            .words
            .iter()
            .map(|w| Term::from_field_text(field, w))
            .collect();
        let mut anywhere = true;
        for t in &terms {
            anywhere &= searcher.doc_freq(t)? > 0;
        }
        if !anywhere {
            continue;
        }
        let phrase_weight = PhraseQuery::new(terms.clone()).weight(scoring)?;
        let bound = BooleanQuery::new(
            terms
                .iter()
                .map(|t| {
                    let q: Box<dyn Query> =
                        Box::new(TermQuery::new(t.clone(), IndexRecordOption::WithFreqs));
                    (
                        Occur::Must,
                        Box::new(BoostQuery::new(q, boost)) as Box<dyn Query>,
                    )
                })
                .collect(),
        );
        let bound_weight = bound.weight(scoring)?;
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let alive = segment.alive_bitset();
            let keys = &key_columns[ord];
            // Created at the first paper whose bound beats the page, then moved forward with
            // `seek_danger`'s protocol: after a miss it knows only that nothing matches below
            // the bound it returned.
            let mut phrase_scorer: Option<(SeekDangerResult, Box<dyn tantivy::query::Scorer>)> =
                None;
            let mut failed = None;
            let start = page.needed();
            bound_weight.for_each_pruning(start, segment, &mut |doc, _bound| {
                if failed.is_some() || alive.is_some_and(|a| a.is_deleted(doc)) {
                    return page.needed();
                }
                let state = match phrase_scorer.as_mut() {
                    None => match phrase_weight.scorer_danger(segment, doc, boost) {
                        Ok((state, scorer)) => {
                            phrase_scorer = Some((state, scorer));
                            state
                        }
                        Err(e) => {
                            failed = Some(e);
                            return Score::MAX;
                        }
                    },
                    Some((state, scorer)) => {
                        match *state {
                            SeekDangerResult::SeekLowerBound(b) if doc < b => {}
                            SeekDangerResult::SeekLowerBound(TERMINATED) => {}
                            _ => *state = scorer.seek_danger(doc),
                        }
                        *state
                    }
                };
                if state == SeekDangerResult::Found {
                    let score = phrase_scorer.as_mut().expect("created").1.score();
                    let key = keys.first(doc).unwrap_or(0);
                    page.offer(score, key, DocAddress::new(ord as u32, doc));
                }
                page.needed()
            })?;
            if let Some(e) = failed {
                return Err(e.into());
            }
        }
    }
    Ok(page.into_hits())
}
