//! Search: the query syntax (see [`query`]), ranking, fuzzy retry and snippets.
//!
//! Ranking is BM25 summed across fields, with the title weighted highest. Bare words also
//! match on a paper's PDF pages and in its annotations; a paper that needs them for some word
//! ranks after every paper whose metadata holds all the words (so the metadata search runs as
//! it would without full text whenever it fills the page), and its hit carries the page with
//! the most matches. When nothing matches, the words are retried within one edit (in the
//! metadata) and [`SearchResults::fuzzy`] says so.

mod browse;
mod exclusion;
mod facets;
mod pages;
mod phrase_top;
pub mod query;
mod snippet;

use std::ops::Bound;

use rusqlite::Connection;
use serde::Serialize;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, DisjunctionMaxQuery, EmptyQuery, EnableScoring,
    FuzzyTermQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocSet, Searcher, Term, TERMINATED};

pub(crate) use browse::run as run_browse;
pub use browse::{
    BrowseRequest, BrowseResults, BrowseSort, DEFAULT_BROWSE_LIMIT, MAX_BROWSE_LIMIT,
};
pub use facets::{FacetCount, Facets, TOP_TAGS};
use snippet::MatchTerms;
pub use snippet::{Highlight, PageSnippet, Snippet};

use crate::db::works;
use crate::error::Result;
use crate::index::{analyzer, Fields, SearchIndex};
use crate::model::PaperSummary;
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
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
    /// Where the words are in the paper's PDF, when they matched its text there and not in
    /// the title or abstract (or the query asked for `fulltext:`): the page with the most
    /// matches and a window of it.
    pub fulltext_snippet: Option<PageSnippet>,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// How many papers match in all, counted up to [`MAX_COUNTED`] ([`MAX_COUNTED_PHRASE`] for
    /// a search that is one phrase).
    pub total: usize,
    /// False when counting stopped at its cap: more papers match than `total`.
    pub total_exact: bool,
    /// This page, best first.
    pub hits: Vec<SearchHit>,
    /// True when nothing matched exactly and these are one-edit matches.
    pub fuzzy: bool,
    /// What was read leniently or retried, in words for the user.
    pub notices: Vec<String>,
}

/// Matches a search counts before it stops and reports "at least" (counting every match of a
/// common word in a million papers would cost more than finding the best ones).
pub const MAX_COUNTED: usize = 10_000;

/// [`MAX_COUNTED`] for a search that is one phrase: counting means reading the positions of
/// every paper with all its words, which the best page itself no longer needs (facets, asked
/// for once typing pauses, count every match).
pub const MAX_COUNTED_PHRASE: usize = 1_000;

/// Counts the documents `query` matches, without scoring, stopping at `cap`. Returns the count
/// and whether it is exact.
pub(crate) fn count_up_to(
    searcher: &Searcher,
    query: &dyn Query,
    cap: usize,
) -> Result<(usize, bool)> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut n = 0usize;
    for segment in searcher.segment_readers() {
        let mut scorer = weight.scorer(segment, 1.0)?;
        let alive = segment.alive_bitset();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                n += 1;
                if n >= cap {
                    return Ok((n, false));
                }
            }
            doc = scorer.advance();
        }
    }
    Ok((n, true))
}

/// Turns a page's rows into list entries (tags, notes), in the same order and number.
pub(crate) type SummariesOf =
    dyn Fn(&Connection, Vec<works::SummaryRow>) -> Result<Vec<PaperSummary>>;

/// Runs `find` (the best page) while another thread counts the same query's matches with
/// [`count_up_to`]: on a common word the count costs about a third of the search, and a
/// second core is usually idle while the user types.
pub(crate) fn found_and_counted<T: Send>(
    searcher: &Searcher,
    query: &dyn Query,
    cap: usize,
    find: impl FnOnce() -> Result<T>,
) -> Result<(T, (usize, bool))> {
    std::thread::scope(|s| {
        let counting = s.spawn(|| count_up_to(searcher, query, cap));
        let found = find();
        let counted = counting
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok((found?, counted?))
    })
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

/// Weight of a paper's PDF pages for bare words and phrases: below every metadata field, so
/// a page that repeats a word does not outrank a title or an abstract holding it.
pub(crate) const FULLTEXT_WEIGHT: f32 = 0.2;

/// Weight of annotations (highlighted quotes and the user's comments on them): the user's own
/// choice of words, above the page text, still below the metadata.
pub(crate) const ANNOTATION_WEIGHT: f32 = 0.5;

/// Where else bare words and phrases look, below the metadata of [`any_fields`].
fn page_fields(f: &Fields) -> [(Field, f32); 2] {
    [
        (f.fulltext, FULLTEXT_WEIGHT),
        (f.annotation, ANNOTATION_WEIGHT),
    ]
}

/// The fields a clause looks in. A word or phrase without a field also looks in the PDF's
/// pages and the annotations, unless it excludes: `-survey` leaves out papers that say
/// "survey" in their metadata, not every paper whose thirty pages use the word once.
fn target_fields(f: &Fields, target: Target, negated: bool) -> Vec<(Field, f32)> {
    match target {
        Target::Any if negated => any_fields(f).to_vec(),
        Target::Any => any_fields(f).into_iter().chain(page_fields(f)).collect(),
        Target::Title => vec![(f.title, 1.0)],
        Target::Author => vec![(f.authors, 1.0)],
        Target::Abstract => vec![(f.abstract_text, 1.0)],
        Target::Note => vec![(f.note, 1.0)],
        Target::Fulltext => vec![(f.fulltext, 1.0)],
        Target::Annotation => vec![(f.annotation, 1.0)],
    }
}

struct Built {
    query: Box<dyn Query>,
    terms: MatchTerms,
    has_text: bool,
    /// False when a clause (a phrase, several words in one field) makes tantivy visit and
    /// score every match whatever the page size: then the matches are better counted in the
    /// same pass than in a second one.
    prunable: bool,
    /// When the last word is being typed and stands for several completions: the query once
    /// per completion. A paper's score is then its best completion's (not the sum), and the
    /// best page is the best of each completion's own best pages, each found by tantivy's
    /// pruning against the page so far (see [`top_by_best_completion`]). One union of dozens
    /// of common words would visit most of the library instead.
    per_completion: Vec<Box<dyn Query>>,
    /// When the whole query is one phrase: its words and fields, for [`phrase_top::top`].
    lone_phrase: Option<phrase_top::LonePhrase>,
    /// When some bare word is also on a PDF page or in an annotation: the query with each such
    /// word matching there too (see [`page_alternatives`]). `query` then finds the papers whose
    /// metadata holds every word, ranked first; this one every match, for the count, the
    /// facets, other orders, and the papers ranked after them.
    reach: Option<Box<dyn Query>>,
    /// With `reach`: any bare word on a page or in an annotation (the union of every word's
    /// page alternatives). A paper `reach` finds and `query` does not found some word only
    /// there, so `pages_any AND reach AND NOT query` is `reach AND NOT query`, driven by the
    /// pages' postings (papers with a PDF) instead of every metadata match.
    pages_any: Option<Box<dyn Query>>,
}

/// Builds the tantivy query; `fuzzy` turns bare words into one-edit matches.
///
/// Bare words become one required clause each over the `body` field, flat at the top level, so
/// a query of plain words is a pure intersection (or, for one word, a single term or a union of
/// a prefix's expansions) that tantivy answers with block-max pruning.
fn build(
    parsed: &ParsedQuery,
    f: &Fields,
    an: &mut TextAnalyzer,
    fuzzy: bool,
    searcher: &Searcher,
) -> Built {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut terms = MatchTerms::default();
    let mut has_text = false;
    let mut prunable = true;
    let mut lone_phrase = None;
    // The clause of a word being typed and the completions it stands for.
    let mut completed: Option<(usize, Vec<Box<dyn Query>>)> = None;
    // Words standing for several terms; a split per alternative is for one such word only.
    let mut several_alternatives = 0;
    // The bare words of every clause, for the title bonus.
    let mut bare: Vec<String> = Vec::new();
    // Bare-word clauses (by index) that a page or an annotation can also satisfy, with the
    // terms that do.
    let mut on_pages: Vec<(usize, Vec<Box<dyn Query>>)> = Vec::new();
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
                    if *target == Target::Any && !phrase && !negated {
                        let fuzzed = if fuzzy {
                            words_to_fuzz(f, &words, *prefix, searcher)
                        } else {
                            vec![false; words.len()]
                        };
                        for (i, w) in words.iter().enumerate() {
                            let is_last = i + 1 == words.len();
                            let mut alternatives = if fuzzed[i] {
                                one_edit_alternatives(searcher, f.body, w, *prefix && is_last)
                            } else if *prefix && is_last {
                                prefix_alternatives(f, w, searcher)
                            } else {
                                vec![Box::new(TermQuery::new(
                                    Term::from_field_text(f.body, w),
                                    IndexRecordOption::WithFreqs,
                                )) as Box<dyn Query>]
                            };
                            // (A one-edit retry stays in the metadata: a PDF's thousands of
                            // words would find a neighbour for almost any typo.)
                            if !fuzzy {
                                let pages = page_alternatives(f, w, *prefix && is_last, searcher);
                                if !pages.is_empty() {
                                    on_pages.push((clauses.len(), pages));
                                }
                            }
                            match alternatives.len() {
                                0 => clauses.push((Occur::Must, Box::new(EmptyQuery))),
                                1 => clauses.push((Occur::Must, alternatives.pop().expect("one"))),
                                _ => {
                                    // Scored by its best alternative, as the search per
                                    // alternative scores it, so every page agrees with the first.
                                    let union = DisjunctionMaxQuery::new(
                                        alternatives.iter().map(|q| q.box_clone()).collect(),
                                    );
                                    several_alternatives += 1;
                                    completed = Some((clauses.len(), alternatives));
                                    clauses.push((Occur::Must, Box::new(union)));
                                }
                            }
                        }
                        bare.extend(words.iter().cloned());
                        continue;
                    }
                    if words.len() > 1 && !negated {
                        prunable = false;
                        // (Several words typed after `field:` also match as a phrase prefix.)
                        if parsed.clauses.len() == 1 && (*phrase || !*prefix) && !fuzzy {
                            lone_phrase = Some(phrase_top::LonePhrase {
                                words: words.clone(),
                                fields: target_fields(f, *target, false),
                            });
                        }
                    }
                    let q = text_query(
                        f,
                        *target,
                        &words,
                        *phrase,
                        *prefix,
                        *negated,
                        fuzzy && !phrase && !negated,
                        searcher,
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
            Clause::Collection { name, .. } => Some(Box::new(TermQuery::new(
                Term::from_field_text(f.collection, name),
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
    // Several words are often a title being looked for: the ones found in the title lift a
    // paper. (Their intersection is small, so scoring each match costs little; one or two
    // words keep the pruned plain path.)
    if bare.len() >= TITLE_BONUS_FROM_WORDS {
        for w in &bare {
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(f.title, w),
                IndexRecordOption::WithFreqs,
            ));
            clauses.push((Occur::Should, Box::new(BoostQuery::new(q, 2.0))));
        }
    }
    if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    // Each bare word found in the metadata or on the pages: a union per word inside the
    // intersection, which tantivy cannot prune, so it is kept out of the search of the page
    // whenever the metadata alone fills it (see `browse`).
    let reach: Option<Box<dyn Query>> = (!on_pages.is_empty()).then(|| {
        let mut each: Vec<(Occur, Box<dyn Query>)> =
            clauses.iter().map(|(o, q)| (*o, q.box_clone())).collect();
        for (at, pages) in &on_pages {
            let mut either: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Should, each[*at].1.box_clone())];
            either.extend(pages.iter().map(|q| (Occur::Should, q.box_clone())));
            each[*at].1 = Box::new(BooleanQuery::new(either));
        }
        Box::new(BooleanQuery::new(each)) as Box<dyn Query>
    });
    let pages_any: Option<Box<dyn Query>> = (!on_pages.is_empty()).then(|| {
        let any: Vec<(Occur, Box<dyn Query>)> = on_pages
            .iter()
            .flat_map(|(_, pages)| pages.iter().map(|q| (Occur::Should, q.box_clone())))
            .collect();
        Box::new(BooleanQuery::new(any)) as Box<dyn Query>
    });
    // The same query once per completion of the word being typed (see `Built::per_completion`).
    let per_completion: Vec<Box<dyn Query>> = match &completed {
        Some((at, alternatives)) if prunable && several_alternatives == 1 => alternatives
            .iter()
            .map(|alternative| {
                let mut each: Vec<(Occur, Box<dyn Query>)> = clauses
                    .iter()
                    .enumerate()
                    .map(|(i, (o, q))| {
                        (
                            *o,
                            if i == *at {
                                alternative.box_clone()
                            } else {
                                q.box_clone()
                            },
                        )
                    })
                    .collect();
                if each.len() == 1 {
                    // Alone, as the one "should" clause: tantivy prunes that, but not a boost
                    // standing alone or a single "must".
                    each[0].0 = Occur::Should;
                }
                Box::new(BooleanQuery::new(each)) as Box<dyn Query>
            })
            .collect(),
        _ => Vec::new(),
    };
    // One required clause stands alone: wrapped in a boolean query it would lose its pruning.
    let query: Box<dyn Query> = if clauses.len() == 1 && clauses[0].0 == Occur::Must {
        clauses.pop().expect("one").1
    } else {
        Box::new(BooleanQuery::new(clauses))
    };
    Built {
        query,
        terms,
        has_text,
        prunable,
        per_completion,
        lone_phrase,
        reach,
        pages_any,
    }
}

/// Completions on the pages and in the annotations that a word being typed (four letters or
/// more) matches at most: a PDF's vocabulary is large, and only the count and the papers after
/// the metadata matches pay for them.
const PAGE_PREFIX_EXPANSIONS: usize = 16;

/// What a bare word matches on PDF pages and in annotations, weighted below the metadata
/// ([`FULLTEXT_WEIGHT`], [`ANNOTATION_WEIGHT`]); empty when neither holds it, so a library
/// without full text searches exactly as before. A word being typed matches its most frequent
/// completions there from four letters on, below the word itself.
fn page_alternatives(
    f: &Fields,
    word: &str,
    prefix: bool,
    searcher: &Searcher,
) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    for (field, weight) in page_fields(f) {
        let words: Vec<String> = if prefix && word.chars().count() > analyzer::SHORT_PREFIX_CHARS {
            expansions(searcher, field, word, PAGE_PREFIX_EXPANSIONS)
                .into_iter()
                .map(|(t, _)| t)
                .collect()
        } else if searcher
            .doc_freq(&Term::from_field_text(field, word))
            .is_ok_and(|n| n > 0)
        {
            vec![word.to_string()]
        } else {
            Vec::new()
        };
        for t in words {
            let boost = if t == word { weight } else { weight * 0.5 };
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(field, &t),
                IndexRecordOption::WithFreqs,
            ));
            out.push(Box::new(BoostQuery::new(q, boost)));
        }
    }
    out
}

/// Bare-word clauses of at least this many words also score their words in titles.
const TITLE_BONUS_FROM_WORDS: usize = 3;

/// Completions a prefix of four or more letters matches: all of them in a personal library,
/// the most frequent ones in a very large one (where a rare completion is seldom what is
/// being typed, and every one more costs a posting list).
const PREFIX_EXPANSIONS: usize = 64;

// Bare words go over the `body` field, one required query per word (see `build`). The last
// word, when it may be incomplete, also matches words it begins: up to three letters through
// the `short_prefix` field (title and author words), longer prefixes through their most
// frequent completions in the dictionary, scored below the word itself.

/// What a word that may be incomplete matches, as alternatives (at least one): the word itself,
/// and for up to three letters the title and author words it begins (the `short_prefix`
/// field), for more its most frequent completions; a completion scores below the word itself.
fn prefix_alternatives(f: &Fields, word: &str, searcher: &Searcher) -> Vec<Box<dyn Query>> {
    let exact = || -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(f.body, word),
            IndexRecordOption::WithFreqs,
        ))
    };
    if word.chars().count() <= analyzer::SHORT_PREFIX_CHARS {
        let short: Box<dyn Query> = Box::new(TermQuery::new(
            Term::from_field_text(f.short_prefix, word),
            IndexRecordOption::WithFreqs,
        ));
        return vec![exact(), Box::new(BoostQuery::new(short, 0.5))];
    }
    let expansions = expansions(searcher, f.body, word, PREFIX_EXPANSIONS);
    if expansions.is_empty() || (expansions.len() == 1 && expansions[0].0 == word) {
        return vec![exact()];
    }
    expansions
        .into_iter()
        .map(|(t, _)| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(f.body, &t),
                IndexRecordOption::WithFreqs,
            ));
            // A finished word ranks above the longer words it begins.
            let boost = if t == word { 1.0 } else { 0.5 };
            Box::new(BoostQuery::new(q, boost)) as Box<dyn Query>
        })
        .collect()
}

/// Pages this long or shorter are found per completion (see [`Built::per_completion`]);
/// deeper pages (a list scrolled far in best-match order) take the one union.
pub(crate) const PER_COMPLETION_MAX_PAGE: usize = 200;

/// A page of best matches being filled from several searches: each paper once, with the best
/// score any search gave it; best first, ties to the newer work (higher key), as the sorted
/// collector orders them, so every page agrees with the deep ones.
pub(crate) struct Page {
    k: usize,
    entries: Vec<(tantivy::Score, u64, tantivy::DocAddress)>,
}

impl Page {
    /// An empty page of `k` places.
    pub(crate) fn new(k: usize) -> Page {
        Page {
            k,
            entries: Vec::with_capacity(k + 1),
        }
    }

    /// The score a paper must beat to be considered for the page: just below the last one's,
    /// since a paper scoring the same can still win the tie (tantivy offers only papers that
    /// score strictly above it).
    pub(crate) fn needed(&self) -> tantivy::Score {
        if self.k > 0 && self.entries.len() >= self.k {
            just_below(self.entries[self.k - 1].0)
        } else if self.k == 0 {
            tantivy::Score::MAX
        } else {
            tantivy::Score::MIN
        }
    }

    /// Puts a paper on the page if it scores high enough, keeping its best score.
    pub(crate) fn offer(&mut self, score: tantivy::Score, key: u64, at: tantivy::DocAddress) {
        if self.k == 0 {
            return;
        }
        if let Some(i) = self.entries.iter().position(|e| e.2 == at) {
            if self.entries[i].0 >= score {
                return;
            }
            self.entries.remove(i);
        }
        // Ranks ahead of the paper offered.
        let ahead = |e: &(tantivy::Score, u64, tantivy::DocAddress)| {
            e.0 > score || (e.0 == score && e.1 > key)
        };
        if self.entries.len() >= self.k && ahead(&self.entries[self.k - 1]) {
            return;
        }
        let i = self.entries.partition_point(ahead);
        self.entries.insert(i, (score, key, at));
        self.entries.truncate(self.k);
    }

    /// (score, work key) of each paper, best first.
    pub(crate) fn into_hits(self) -> Vec<(tantivy::Score, u64)> {
        self.entries
            .into_iter()
            .map(|(s, key, _)| (s, key))
            .collect()
    }
}

/// The largest score below `s`.
fn just_below(s: tantivy::Score) -> tantivy::Score {
    if s.is_nan() || s == tantivy::Score::NEG_INFINITY {
        s
    } else if s == 0.0 {
        -tantivy::Score::from_bits(1)
    } else if s > 0.0 {
        tantivy::Score::from_bits(s.to_bits() - 1)
    } else {
        tantivy::Score::from_bits(s.to_bits() + 1)
    }
}

/// The best `k` documents over `queries` (each a variant of one query for one completion of
/// the word being typed), a document scoring its best variant's score (see [`Page`]). Each
/// variant is searched with tantivy's pruning, starting from the score the page so far needs,
/// so a variant that cannot reach the page is skipped block by block.
pub(crate) fn top_by_best_completion(
    searcher: &Searcher,
    queries: &[Box<dyn Query>],
    k: usize,
) -> Result<Vec<(tantivy::Score, u64)>> {
    let mut page = Page::new(k);
    let key_columns = key_columns(searcher)?;
    for q in queries {
        let weight = q.weight(EnableScoring::enabled_from_searcher(searcher))?;
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let alive = segment.alive_bitset();
            let keys = &key_columns[ord];
            let start = page.needed();
            weight.for_each_pruning(start, segment, &mut |doc, score| {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    let key = keys.first(doc).unwrap_or(0);
                    page.offer(score, key, tantivy::DocAddress::new(ord as u32, doc));
                }
                page.needed()
            })?;
        }
    }
    Ok(page.into_hits())
}

/// Each segment's work-key column, in segment order. Opening a column decodes its block
/// headers (a quarter of a millisecond on a 250k-document segment): once per search, not once
/// per completion or hit.
pub(crate) fn key_columns(searcher: &Searcher) -> Result<Vec<tantivy::columnar::Column<u64>>> {
    searcher
        .segment_readers()
        .iter()
        .map(|segment| Ok(segment.fast_fields().u64("key")?))
        .collect()
}

/// The `max` words of `field` beginning with `prefix` that most documents contain, with their
/// document counts (summed over segments).
fn expansions(searcher: &Searcher, field: Field, prefix: &str, max: usize) -> Vec<(String, u64)> {
    let mut upper = prefix.as_bytes().to_vec();
    upper.push(0xff);
    let mut counts: std::collections::HashMap<Vec<u8>, u64> = std::collections::HashMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .lt(&upper)
            .into_stream()
        else {
            continue;
        };
        while stream.advance() {
            *counts.entry(stream.key().to_vec()).or_default() += u64::from(stream.value().doc_freq);
        }
    }
    most_frequent(counts, max)
}

/// The `max` words with the highest document counts (ties in dictionary order), as text.
fn most_frequent(
    counts: std::collections::HashMap<Vec<u8>, u64>,
    max: usize,
) -> Vec<(String, u64)> {
    let mut all: Vec<(String, u64)> = counts
        .into_iter()
        .filter_map(|(k, df)| String::from_utf8(k).ok().map(|k| (k, df)))
        .collect();
    all.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    all.truncate(max);
    all
}

/// Words within one edit of a word that a clause looks for at most: the most frequent ones.
/// A one-edit match of a long word is usually one of a handful; a one-edit *prefix* (the last
/// word while typing) can begin hundreds, and every one more costs a posting list.
const ONE_EDIT_EXPANSIONS: usize = 64;

/// The words of `field` within one edit (a transposition counting as one) of `word`, or
/// beginning with such a word when `prefix`, as one union of their terms. Each is scored by
/// BM25 like any word, the word itself (when it exists) above its neighbours, so the best
/// papers come first and tantivy can skip documents that cannot make the page. (tantivy's own
/// fuzzy query gives every match the same score, and visits all of them.)
fn one_edit_query(searcher: &Searcher, field: Field, word: &str, prefix: bool) -> Box<dyn Query> {
    let mut alternatives = one_edit_alternatives(searcher, field, word, prefix);
    match alternatives.len() {
        0 => Box::new(EmptyQuery),
        1 => alternatives.pop().expect("one"),
        _ => Box::new(DisjunctionMaxQuery::new(alternatives)),
    }
}

/// The terms of [`one_edit_query`], each boosted (none when nothing is within one edit).
fn one_edit_alternatives(
    searcher: &Searcher,
    field: Field,
    word: &str,
    prefix: bool,
) -> Vec<Box<dyn Query>> {
    let term = Term::from_field_text(field, word);
    let fuzzy = if prefix {
        FuzzyTermQuery::new_prefix(term, 1, true)
    } else {
        FuzzyTermQuery::new(term, 1, true)
    };
    let mut counts: std::collections::HashMap<Vec<u8>, u64> = std::collections::HashMap::new();
    for segment in searcher.segment_readers() {
        let (Ok(inverted), Ok(automaton)) = (segment.inverted_index(field), fuzzy.automaton())
        else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().search(automaton).into_stream() else {
            continue;
        };
        while stream.advance() {
            *counts.entry(stream.key().to_vec()).or_default() += u64::from(stream.value().doc_freq);
        }
    }
    let found = most_frequent(counts, ONE_EDIT_EXPANSIONS);
    let alone = found.len() == 1;
    found
        .into_iter()
        .map(|(t, _)| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(field, &t),
                IndexRecordOption::WithFreqs,
            ));
            // (Alone, a boost would change no order, and would cost tantivy's pruning.)
            if alone || t == word {
                q
            } else {
                Box::new(BoostQuery::new(q, 0.75))
            }
        })
        .collect()
}

/// Which words of a bare-word clause a one-edit retry loosens: those of four letters or more
/// that the library does not have (a last word being typed: that nothing begins with), or all
/// of them when every one exists (the words are real, only not together).
fn words_to_fuzz(f: &Fields, words: &[String], prefix: bool, searcher: &Searcher) -> Vec<bool> {
    let long = |w: &String| w.chars().count() >= 4;
    let missing: Vec<bool> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            long(w)
                && if prefix && i + 1 == words.len() {
                    expansions(searcher, f.body, w, 1).is_empty()
                } else {
                    searcher
                        .doc_freq(&Term::from_field_text(f.body, w))
                        .map_or(true, |n| n == 0)
                }
        })
        .collect();
    if missing.iter().any(|&m| m) {
        missing
    } else {
        words.iter().map(long).collect()
    }
}

/// One text clause over its fields: a word, a phrase, or words with the last one a prefix.
#[allow(clippy::too_many_arguments)]
fn text_query(
    f: &Fields,
    target: Target,
    words: &[String],
    phrase: bool,
    prefix: bool,
    negated: bool,
    fuzzy: bool,
    searcher: &Searcher,
) -> Box<dyn Query> {
    let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field, boost) in target_fields(f, target, negated) {
        let term = |w: &str| Term::from_field_text(field, w);
        let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
        if fuzzy {
            for (i, w) in words.iter().enumerate() {
                let is_last = i + 1 == words.len();
                // One-edit matching on very short words matches half the vocabulary.
                let q: Box<dyn Query> = if w.chars().count() < 4 {
                    Box::new(TermQuery::new(term(w), IndexRecordOption::WithFreqs))
                } else {
                    one_edit_query(searcher, field, w, prefix && is_last)
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
    if words.len() > 1 && !fuzzy {
        // A phrase scores its best field, not the sum: a paper is found for where the phrase
        // fits best, and the best page can be found field by field (see `phrase_top`).
        return Box::new(DisjunctionMaxQuery::new(
            per_field.into_iter().map(|(_, q)| q).collect(),
        ));
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
    to_summaries: &SummariesOf,
) -> Result<SearchResults> {
    // Nothing to look for finds nothing (a browse would list every paper).
    if query::parse(input)?.clauses.is_empty() {
        return Ok(SearchResults {
            query: input.to_string(),
            notices: query::parse(input)?.notices,
            total_exact: true,
            ..Default::default()
        });
    }
    // The same path as the paper list, so a search is measured the way the app runs it.
    let req = BrowseRequest {
        query: input.to_string(),
        sort: Some(BrowseSort::Relevance),
        offset: opts.offset,
        limit: opts.limit.max(1),
        ..Default::default()
    };
    let page = browse::run_limited(index, conn, &req, 1000, to_summaries)?;
    Ok(SearchResults {
        query: page.query,
        total: page.total,
        total_exact: page.total_exact,
        hits: page.hits,
        fuzzy: page.fuzzy,
        notices: page.notices,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::DocAddress;

    fn at(doc: u32) -> DocAddress {
        DocAddress::new(0, doc)
    }

    #[test]
    fn just_below_is_the_next_smaller_score() {
        for s in [1e-30f32, 0.5, 1.0, 7.25, 1e30] {
            let b = just_below(s);
            assert!(b < s, "{s}");
            // Adjacent: one step apart in the ordered bit patterns of positive floats.
            assert_eq!(b.to_bits() + 1, s.to_bits(), "{s}");
            assert_eq!(just_below(-s).to_bits(), (-s).to_bits() + 1, "{s}");
        }
        assert!(just_below(0.0) < 0.0 && just_below(0.0) > -1e-40);
        assert_eq!(just_below(f32::MIN), f32::NEG_INFINITY);
    }

    #[test]
    fn a_page_keeps_the_best_each_paper_once_ties_to_the_newer_work() {
        let mut page = Page::new(3);
        assert_eq!(page.needed(), tantivy::Score::MIN);
        page.offer(1.0, 10, at(0));
        page.offer(2.0, 11, at(1));
        page.offer(1.0, 12, at(2));
        // Full: a paper must now beat (1.0, key 10), so the same score from a newer work wins.
        assert!(page.needed() < 1.0);
        page.offer(1.0, 9, at(3));
        page.offer(1.0, 13, at(4));
        // A paper seen again keeps its best score.
        page.offer(0.5, 11, at(1));
        page.offer(3.0, 12, at(2));
        assert_eq!(page.into_hits(), vec![(3.0, 12), (2.0, 11), (1.0, 13)]);

        let mut none = Page::new(0);
        none.offer(1.0, 1, at(0));
        assert_eq!(none.needed(), tantivy::Score::MAX);
        assert!(none.into_hits().is_empty());
    }
}
