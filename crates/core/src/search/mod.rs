//! Search: the query syntax (see [`query`]), ranking, fuzzy retry and snippets.
//!
//! Ranking is BM25 summed across fields, with the title weighted highest. When nothing
//! matches, the words are retried within one edit and [`SearchResults::fuzzy`] says so.

mod browse;
mod exclusion;
mod facets;
pub mod query;
mod snippet;

use std::ops::Bound;

use rusqlite::Connection;
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhrasePrefixQuery, PhraseQuery,
    Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Term};

pub(crate) use browse::run as run_browse;
pub use browse::{
    BrowseRequest, BrowseResults, BrowseSort, DEFAULT_BROWSE_LIMIT, MAX_BROWSE_LIMIT,
};
pub use facets::{FacetCount, Facets, TOP_TAGS};
use snippet::MatchTerms;
pub use snippet::{Highlight, Snippet};

use crate::db::works;
use crate::error::Result;
use crate::index::{analyzer, Fields, SearchIndex};
use crate::library::PaperSummary;
use query::{Clause, ParsedQuery, Target};

/// Paging for a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchOptions {
    /// Results to return.
    pub limit: usize,
    /// Results to skip.
    pub offset: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 20,
            offset: 0,
        }
    }
}

/// One result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    /// The paper as a list shows it.
    #[serde(flatten)]
    pub paper: PaperSummary,
    /// BM25 score (higher is better).
    pub score: f32,
    /// The title with matched words marked.
    pub title_snippet: Snippet,
    /// A window of the abstract around the matches.
    pub abstract_snippet: Snippet,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// How many papers match in all.
    pub total: usize,
    /// This page, best first.
    pub hits: Vec<SearchHit>,
    /// True when nothing matched exactly and these are one-edit matches.
    pub fuzzy: bool,
    /// What was read leniently or retried, in words for the user.
    pub notices: Vec<String>,
}

/// Width of abstract snippets, in bytes.
const SNIPPET_WIDTH: usize = 220;

/// Field weights for bare words.
fn any_fields(f: &Fields) -> [(Field, f32); 5] {
    [
        (f.title, 3.0),
        (f.authors, 2.0),
        (f.tags_text, 2.0),
        (f.abstract_text, 1.0),
        (f.note, 1.0),
    ]
}

fn target_fields(f: &Fields, target: Target) -> Vec<(Field, f32)> {
    match target {
        Target::Any => any_fields(f).to_vec(),
        Target::Title => vec![(f.title, 1.0)],
        Target::Author => vec![(f.authors, 1.0)],
        Target::Abstract => vec![(f.abstract_text, 1.0)],
        Target::Note => vec![(f.note, 1.0)],
    }
}

struct Built {
    query: Box<dyn Query>,
    terms: MatchTerms,
    has_text: bool,
}

/// Builds the tantivy query; `fuzzy` turns bare words into one-edit matches.
fn build(parsed: &ParsedQuery, f: &Fields, an: &mut TextAnalyzer, fuzzy: bool) -> Built {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut terms = MatchTerms::default();
    let mut has_text = false;
    for clause in &parsed.clauses {
        let occur = if clause.is_negated() {
            Occur::MustNot
        } else {
            Occur::Must
        };
        let q: Option<Box<dyn Query>> = match clause {
            Clause::Text {
                target,
                text,
                phrase,
                prefix,
                negated,
            } => {
                let words: Vec<String> = analyzer::tokens(an, text)
                    .into_iter()
                    .map(|t| t.text)
                    .collect();
                if words.is_empty() {
                    None
                } else {
                    if !negated {
                        has_text = true;
                        let (last, rest) = words.split_last().expect("non-empty");
                        if fuzzy && !phrase {
                            terms.fuzzy.extend(words.iter().cloned());
                        } else {
                            terms.exact.extend(rest.iter().cloned());
                            if *prefix {
                                terms.prefixes.push(last.clone())
                            } else {
                                terms.exact.push(last.clone())
                            }
                        }
                    }
                    let q = text_query(
                        f,
                        *target,
                        &words,
                        *phrase,
                        *prefix,
                        fuzzy && !phrase && !negated,
                    );
                    // Several words make a phrase query, which tantivy cannot exclude as is.
                    Some(if *negated && words.len() > 1 {
                        exclusion::excluded(q)
                    } else {
                        q
                    })
                }
            }
            Clause::Tag { tag, .. } => Some(Box::new(TermQuery::new(
                Term::from_field_text(f.tag, tag),
                IndexRecordOption::Basic,
            ))),
            Clause::Status { status, .. } => Some(Box::new(TermQuery::new(
                Term::from_field_text(f.status, status.as_str()),
                IndexRecordOption::Basic,
            ))),
            Clause::Source { source, .. } => Some(Box::new(TermQuery::new(
                Term::from_field_text(f.source, source),
                IndexRecordOption::Basic,
            ))),
            Clause::Year { from, to, .. } => Some(Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_i64(f.year, i64::from(*from))),
                Bound::Included(Term::from_field_i64(f.year, i64::from(*to))),
            ))),
        };
        if let Some(q) = q {
            clauses.push((occur, q));
        }
    }
    if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    Built {
        query: Box::new(BooleanQuery::new(clauses)),
        terms,
        has_text,
    }
}

/// One text clause over its fields: a word, a phrase, or words with the last one a prefix.
fn text_query(
    f: &Fields,
    target: Target,
    words: &[String],
    phrase: bool,
    prefix: bool,
    fuzzy: bool,
) -> Box<dyn Query> {
    let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field, boost) in target_fields(f, target) {
        let term = |w: &str| Term::from_field_text(field, w);
        let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
        if fuzzy {
            for (i, w) in words.iter().enumerate() {
                let is_last = i + 1 == words.len();
                // One-edit matching on very short words matches half the vocabulary.
                let q: Box<dyn Query> = if w.chars().count() < 4 {
                    Box::new(TermQuery::new(term(w), IndexRecordOption::WithFreqs))
                } else if prefix && is_last {
                    Box::new(FuzzyTermQuery::new_prefix(term(w), 1, true))
                } else {
                    Box::new(FuzzyTermQuery::new(term(w), 1, true))
                };
                alternatives.push(q);
            }
            // All words of the clause must match within this field.
            let all: Vec<(Occur, Box<dyn Query>)> =
                alternatives.drain(..).map(|q| (Occur::Must, q)).collect();
            alternatives.push(Box::new(BooleanQuery::new(all)));
        } else if words.len() == 1 {
            alternatives.push(Box::new(TermQuery::new(
                term(&words[0]),
                IndexRecordOption::WithFreqs,
            )));
            if prefix && allows_prefix(field, f, &words[0]) {
                // Prefix matches score below exact ones so a finished word ranks first.
                alternatives.push(Box::new(BoostQuery::new(
                    Box::new(FuzzyTermQuery::new_prefix(term(&words[0]), 0, true)),
                    0.5,
                )));
            }
        } else {
            let terms: Vec<Term> = words.iter().map(|w| term(w)).collect();
            if prefix && !phrase && allows_prefix(field, f, &words[words.len() - 1]) {
                alternatives.push(Box::new(PhrasePrefixQuery::new(terms.clone())));
            }
            alternatives.push(Box::new(PhraseQuery::new(terms)));
        }
        let q: Box<dyn Query> = if alternatives.len() == 1 {
            alternatives.pop().expect("one")
        } else {
            Box::new(BooleanQuery::new(
                alternatives
                    .into_iter()
                    .map(|q| (Occur::Should, q))
                    .collect(),
            ))
        };
        per_field.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
    }
    Box::new(BooleanQuery::new(per_field))
}

/// One- and two-letter prefixes expand to a large share of the vocabulary; keep them to titles
/// and authors, where what was typed is most likely meant.
fn allows_prefix(field: Field, f: &Fields, word: &str) -> bool {
    word.chars().count() >= 3 || field == f.title || field == f.authors
}

/// Runs a query against the index and fills the page from SQLite.
pub(crate) fn run(
    index: &SearchIndex,
    conn: &Connection,
    input: &str,
    opts: &SearchOptions,
    to_summary: &dyn Fn(&Connection, works::SummaryRow) -> Result<PaperSummary>,
) -> Result<SearchResults> {
    let parsed = query::parse(input)?;
    let mut results = SearchResults {
        query: input.to_string(),
        notices: parsed.notices.clone(),
        ..Default::default()
    };
    if parsed.clauses.is_empty() {
        return Ok(results);
    }
    let f = *index.fields();
    let mut an = analyzer::analyzer();
    let searcher = index.searcher();
    let limit = opts.limit.clamp(1, 1000);
    // The collector allocates for `offset + limit` hits up front, so an offset from the caller
    // (the UI, over IPC) is bounded by the documents there are: past them the page is empty
    // either way, and a huge offset must not become a huge allocation.
    let num_docs = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
    let offset = opts.offset.min(num_docs);
    let collector = (
        TopDocs::with_limit(limit)
            .and_offset(offset)
            .order_by_score(),
        Count,
    );

    let mut built = build(&parsed, &f, &mut an, false);
    let (mut top, mut total) = searcher.search(built.query.as_ref(), &collector)?;
    if total == 0 && built.has_text {
        let retry = build(&parsed, &f, &mut an, true);
        let (t, n) = searcher.search(retry.query.as_ref(), &collector)?;
        if n > 0 {
            results.fuzzy = true;
            results
                .notices
                .push("no exact matches; showing words within one edit".into());
            (top, total, built) = (t, n, retry);
        }
    }
    results.total = total;
    for (score, addr) in top {
        let Some(key) = key_of(&searcher, addr)? else {
            continue;
        };
        let Some(row) = works::summary(conn, key as i64)? else {
            continue;
        };
        let title_snippet = snippet::full(&mut an, &row.title, &built.terms);
        let abstract_snippet =
            snippet::window(&mut an, &row.abstract_text, &built.terms, SNIPPET_WIDTH);
        results.hits.push(SearchHit {
            paper: to_summary(conn, row)?,
            score,
            title_snippet,
            abstract_snippet,
        });
    }
    Ok(results)
}

fn key_of(searcher: &tantivy::Searcher, addr: DocAddress) -> Result<Option<u64>> {
    let segment = searcher.segment_reader(addr.segment_ord);
    let column = segment.fast_fields().u64("key")?;
    Ok(column.first(addr.doc_id))
}
