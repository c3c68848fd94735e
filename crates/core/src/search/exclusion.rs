//! Excluded phrases (`-"a b"`) built so tantivy never seeks a phrase scorer backwards.
//!
//! tantivy's `Exclude` scorer asks its exclusion set whether each candidate document is in it
//! through `DocSet::seek_danger`, with candidates that only increase. A freshly built phrase
//! scorer already sits on its first match, which may lie *after* the first candidate, and
//! tantivy 0.27's `PhraseScorer::seek_danger` starts with
//! `debug_assert!(target >= self.doc())`: debug builds panic on the first search that excludes a
//! phrase occurring in the index. (Release builds skip the assertion and exclude correctly, since
//! the phrase scorer's underlying seek tolerates such a target.)
//!
//! [`excluded`] wraps the excluded query so its scorer keeps the *default* `seek_danger`, which
//! seeks only when the scorer is behind the target and otherwise compares the current document.
//! Every other call is forwarded unchanged, so matches and scores are exactly the wrapped
//! query's.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// Wraps a query that is used as a `MustNot` clause; see the module documentation.
pub(crate) fn excluded(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(Excluded(query))
}

#[derive(Debug)]
struct Excluded(Box<dyn Query>);

impl Clone for Excluded {
    fn clone(&self) -> Self {
        Excluded(self.0.box_clone())
    }
}

impl Query for Excluded {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExcludedWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct ExcludedWeight(Box<dyn Weight>);

impl Weight for ExcludedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ExcludedScorer(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

/// Forwards everything but `seek_danger`, which keeps the trait's safe default.
struct ExcludedScorer(Box<dyn Scorer>);

impl DocSet for ExcludedScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.0.seek(target)
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }
}

impl Scorer for ExcludedScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}
