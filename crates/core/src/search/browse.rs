//! Browse: the one call behind the paper list. A query (possibly empty), a sidebar scope
//! (status, tag), a sort, a page and optionally facet counts over every match, all answered by
//! the index; SQLite only fills in the papers of the page.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{
    Count, DocSetCollector, SegmentSortKeyComputer, SortKeyComputer, TopDocs,
};
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, Term};

use super::facets::{FacetCollector, Facets, Tally as FacetTally};
use super::query::{Clause, Target};
use super::snippet::{self, MatchTerms};
use super::{
    build, count_up_to, found_and_counted, key_columns, phrase_top, query, top_by_best_completion,
    SearchHit, SummariesOf, MAX_COUNTED, MAX_COUNTED_PHRASE, PER_COMPLETION_MAX_PAGE,
    SNIPPET_WIDTH,
};
use crate::db::works;
use crate::error::Result;
use crate::index::{analyzer, Fields, SearchIndex};
use crate::model::Status;

/// The order of a browse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum BrowseSort {
    /// Best match first (BM25); ties newest added first.
    Relevance,
    /// Newest added to the library first.
    Added,
    /// Newest published first; papers without a date last.
    Published,
    /// Most Hugging Face upvotes first; papers without upvotes last.
    Upvotes,
}

impl BrowseSort {
    /// Every sort, for help texts.
    pub const ALL: [BrowseSort; 4] = [
        BrowseSort::Relevance,
        BrowseSort::Added,
        BrowseSort::Published,
        BrowseSort::Upvotes,
    ];

    /// The stable name (`relevance`, `added`, `published`, `upvotes`).
    pub fn as_str(self) -> &'static str {
        match self {
            BrowseSort::Relevance => "relevance",
            BrowseSort::Added => "added",
            BrowseSort::Published => "published",
            BrowseSort::Upvotes => "upvotes",
        }
    }
}

impl std::fmt::Display for BrowseSort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for BrowseSort {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "relevance" | "score" | "best" => Ok(BrowseSort::Relevance),
            "added" | "new" | "newest" => Ok(BrowseSort::Added),
            "published" | "date" => Ok(BrowseSort::Published),
            "upvotes" | "votes" => Ok(BrowseSort::Upvotes),
            other => Err(format!(
                "unknown sort '{other}' (expected relevance, added, published or upvotes)"
            )),
        }
    }
}

/// What to browse.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct BrowseRequest {
    /// A query in the syntax of [`crate::search::query`]; empty means every paper in scope.
    pub query: String,
    /// Only papers with this status (the sidebar scope).
    pub status: Option<Status>,
    /// Only papers with this exact tag (the sidebar scope).
    pub tag: Option<String>,
    /// Only papers in the collection at this path, any case (the sidebar scope); not those
    /// only in its children.
    pub collection: Option<String>,
    /// The order; `None` means relevance when the query has words to match, else newest added.
    pub sort: Option<BrowseSort>,
    /// Results to skip (past the last match the page is empty).
    pub offset: usize,
    /// Page size, clamped to 1..=500; 0 means 100.
    pub limit: usize,
    /// Also count facet values over all matches.
    pub facets: bool,
}

/// Largest page a browse returns.
pub const MAX_BROWSE_LIMIT: usize = 500;
/// Page size when none is given.
pub const DEFAULT_BROWSE_LIMIT: usize = 100;

/// A page of a browse.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BrowseResults {
    /// The query as given.
    pub query: String,
    /// Matches in all (in scope), counted up to [`MAX_COUNTED`] when sorted by relevance
    /// without facets.
    pub total: usize,
    /// False when counting stopped at [`MAX_COUNTED`]: more papers match than `total`. Asking
    /// for facets always counts every match.
    pub total_exact: bool,
    /// The offset of the first hit.
    pub offset: usize,
    /// The order used.
    pub sort: BrowseSort,
    /// This page. Without words to match, the title snippet is the whole title and the
    /// abstract snippet its beginning, with no highlights. `score` is 0 unless sorted by
    /// relevance.
    pub hits: Vec<SearchHit>,
    /// Facet counts over all matches, when asked for.
    pub facets: Option<Facets>,
    /// True when nothing matched exactly and these are one-edit matches.
    pub fuzzy: bool,
    /// What was read leniently or retried, in words for the user.
    pub notices: Vec<String>,
}

/// The sort key of one document: (score, value present, value, work key). Larger is first,
/// so missing values come last and ties go to the newer work (higher key).
type SortKey = (Score, u64, u64, u64);

/// Computes [`SortKey`]s from fast fields.
struct ByKey {
    sort: BrowseSort,
}

struct ByKeySegment {
    sort: BrowseSort,
    key: Column<u64>,
    i64_value: Option<Column<i64>>,
    u64_value: Option<Column<u64>>,
}

/// Maps an i64 to a u64 keeping the order.
fn ordered(v: i64) -> u64 {
    (v as u64) ^ (1 << 63)
}

impl SortKeyComputer for ByKey {
    type SortKey = SortKey;
    type Child = ByKeySegment;
    type Comparator = NaturalComparator;

    fn requires_scoring(&self) -> bool {
        self.sort == BrowseSort::Relevance
    }

    fn segment_sort_key_computer(&self, segment: &SegmentReader) -> tantivy::Result<ByKeySegment> {
        let ff = segment.fast_fields();
        let (i64_value, u64_value) = match self.sort {
            BrowseSort::Relevance => (None, None),
            BrowseSort::Added => (Some(ff.i64("added")?), None),
            BrowseSort::Published => (Some(ff.i64("published")?), None),
            BrowseSort::Upvotes => (None, Some(ff.u64("upvotes")?)),
        };
        Ok(ByKeySegment {
            sort: self.sort,
            key: ff.u64("key")?,
            i64_value,
            u64_value,
        })
    }
}

impl SegmentSortKeyComputer for ByKeySegment {
    type SortKey = SortKey;
    type SegmentSortKey = SortKey;
    type SegmentComparator = NaturalComparator;

    #[inline]
    fn segment_sort_key(&mut self, doc: DocId, score: Score) -> SortKey {
        let key = self.key.first(doc).unwrap_or(0);
        let value = match (&self.i64_value, &self.u64_value) {
            (Some(c), _) => c.first(doc).map(ordered),
            (_, Some(c)) => c.first(doc),
            _ => None,
        };
        let score = if self.sort == BrowseSort::Relevance {
            score
        } else {
            0.0
        };
        (score, u64::from(value.is_some()), value.unwrap_or(0), key)
    }

    fn convert_segment_sort_key(&self, key: SortKey) -> SortKey {
        key
    }
}

/// Adds the sidebar scope to a query.
fn scoped(q: Box<dyn Query>, req: &BrowseRequest, f: &Fields) -> Box<dyn Query> {
    let tag = req.tag.as_deref().map(clean_scope_tag);
    let collection = req
        .collection
        .as_deref()
        .map(crate::db::collections::path_key);
    let scope = [
        (f.status, req.status.map(|s| s.as_str().to_string())),
        (f.tag, tag),
        (f.collection, collection),
    ];
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, q)];
    for (field, value) in scope {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            let term = TermQuery::new(Term::from_field_text(field, &v), IndexRecordOption::Basic);
            clauses.push((Occur::Must, Box::new(term)));
        }
    }
    if clauses.len() == 1 {
        clauses.pop().expect("one").1
    } else {
        Box::new(BooleanQuery::new(clauses))
    }
}

fn clean_scope_tag(tag: &str) -> String {
    tag.trim().trim_start_matches('#').to_lowercase()
}

/// Runs a browse against the index and fills the page from SQLite.
pub(crate) fn run(
    index: &SearchIndex,
    conn: &Connection,
    req: &BrowseRequest,
    to_summaries: &SummariesOf,
) -> Result<BrowseResults> {
    run_limited(index, conn, req, MAX_BROWSE_LIMIT, to_summaries)
}

/// The hits of one pass: (score, work key), best first; the matches counted; whether that
/// count is exact; the facet tally when asked for.
type Pass = (Vec<(Score, u64)>, usize, bool, Option<FacetTally>);

/// [`run`] with a caller's largest page.
pub(crate) fn run_limited(
    index: &SearchIndex,
    conn: &Connection,
    req: &BrowseRequest,
    max_limit: usize,
    to_summaries: &SummariesOf,
) -> Result<BrowseResults> {
    let parsed = query::parse(&req.query)?;
    let f = *index.fields();
    let mut an = analyzer::analyzer();
    let searcher = index.searcher();
    let limit = match req.limit {
        0 => DEFAULT_BROWSE_LIMIT,
        n => n,
    }
    .min(max_limit);
    // The collector allocates for `offset + limit` hits: past the documents there are the page
    // is empty either way, and a huge offset must not become a huge allocation.
    let num_docs = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
    let offset = req.offset.min(num_docs);

    let mut built = build(&parsed, &f, &mut an, false, &searcher);
    let sort = req.sort.unwrap_or(if built.has_text {
        BrowseSort::Relevance
    } else {
        BrowseSort::Added
    });
    // Best matches without facets (search as you type): the top hits alone, so tantivy skips
    // blocks of documents that cannot reach them, and the matches counted without scoring up
    // to MAX_COUNTED. Any other order, facets, or a query that cannot skip (a phrase) visits
    // every match anyway, and counts them exactly in that one pass. `counted` is the query
    // whose matches are counted (and tallied), when not `q` itself.
    let pass = |q: &dyn Query,
                counted: Option<&dyn Query>,
                prunable: bool,
                completions: &[Box<dyn Query>],
                offset: usize,
                limit: usize|
     -> Result<Pass> {
        // A word being typed is searched completion by completion for a page near the top;
        // deeper, the union of its completions is scored match by match below (the same
        // scores and order, see `search::Page`).
        let near_top = offset + limit <= PER_COMPLETION_MAX_PAGE;
        if sort == BrowseSort::Relevance
            && !req.facets
            && prunable
            && (completions.is_empty() || near_top)
        {
            let cq = counted.unwrap_or(q);
            let (hits, (total, exact)) = found_and_counted(&searcher, cq, MAX_COUNTED, || {
                if !completions.is_empty() {
                    let mut best = top_by_best_completion(&searcher, completions, offset + limit)?;
                    best.drain(..offset.min(best.len()));
                    return Ok(best);
                }
                let top = searcher.search(
                    q,
                    &TopDocs::with_limit(limit)
                        .and_offset(offset)
                        .order_by_score(),
                )?;
                keyed(&searcher, top)
            })?;
            Ok((hits, total, exact, None))
        } else if let Some(cq) = counted {
            let top = searcher.search(
                q,
                &TopDocs::with_limit(limit)
                    .and_offset(offset)
                    .order_by(ByKey { sort }),
            )?;
            let hits = top
                .into_iter()
                .map(|((score, _, _, key), _)| (score, key))
                .collect();
            let (total, tally) =
                searcher.search(cq, &(Count, req.facets.then_some(FacetCollector)))?;
            Ok((hits, total, true, tally))
        } else {
            let collector = (
                TopDocs::with_limit(limit)
                    .and_offset(offset)
                    .order_by(ByKey { sort }),
                Count,
                req.facets.then_some(FacetCollector),
            );
            let (top, total, tally) = searcher.search(q, &collector)?;
            let hits = top
                .into_iter()
                .map(|((score, _, _, key), _)| (score, key))
                .collect();
            Ok((hits, total, true, tally))
        }
    };
    let mut results = BrowseResults {
        query: req.query.clone(),
        total: 0,
        total_exact: true,
        offset: req.offset,
        sort,
        hits: Vec::new(),
        facets: None,
        fuzzy: false,
        notices: parsed.notices.clone(),
    };
    let q = scoped(built.query, req, &f);
    let per_completion: Vec<Box<dyn Query>> = std::mem::take(&mut built.per_completion)
        .into_iter()
        .map(|q| scoped(q, req, &f))
        .collect();
    let reach = built.reach.take().map(|r| scoped(r, req, &f));
    let unscoped = req.status.is_none()
        && req.tag.as_deref().is_none_or(str::is_empty)
        && req.collection.as_deref().is_none_or(str::is_empty);
    // The hits of the lower tier (found through a page or an annotation), when known.
    let mut from_rest: Option<std::collections::HashSet<u64>> = None;
    let (mut top, mut total, mut exact, mut tally) = match (&built.lone_phrase, &reach) {
        // One phrase and nothing else, best first: only the likeliest papers' positions are
        // read (see `phrase_top`), and the matches counted as for any pruned search.
        (Some(phrase), _)
            if sort == BrowseSort::Relevance
                && !req.facets
                && unscoped
                && offset + limit <= PER_COMPLETION_MAX_PAGE =>
        {
            let (hits, (total, exact)) =
                found_and_counted(&searcher, q.as_ref(), MAX_COUNTED_PHRASE, || {
                    let mut hits = phrase_top::top(&searcher, phrase, offset + limit)?;
                    hits.drain(..offset.min(hits.len()));
                    Ok(hits)
                })?;
            (hits, total, exact, None)
        }
        (_, None) => pass(
            q.as_ref(),
            None,
            built.prunable,
            &per_completion,
            offset,
            limit,
        )?,
        // In another order the pages' matches mix with the others.
        (_, Some(reach)) if sort != BrowseSort::Relevance => {
            pass(reach.as_ref(), None, false, &[], offset, limit)?
        }
        // Best first without facets: the papers whose metadata holds every word, searched and
        // counted exactly as without full text (pruned), then those that need a page or an
        // annotation for some word, ranked after them and counted on their own. Both are
        // driven by small postings: the metadata query's pruned intersection, and the pages'
        // (`pages_any`: only papers with a PDF or annotations), never the union of the two.
        (_, Some(reach)) if !req.facets => {
            let want = offset + limit;
            let rest = lower_tier(q.as_ref(), reach.as_ref(), built.pages_any.take());
            let (mut hits, n, exact, tally) =
                pass(q.as_ref(), None, built.prunable, &per_completion, 0, want)?;
            // The metadata count stops at MAX_COUNTED when `pass` prunes; the sum stops there too.
            let capped =
                built.prunable && (per_completion.is_empty() || want <= PER_COMPLETION_MAX_PAGE);
            let (total, exact) = if !exact {
                (n, false)
            } else {
                let cap = if capped {
                    MAX_COUNTED.saturating_sub(n).max(1)
                } else {
                    usize::MAX
                };
                let (m, rest_exact) = count_up_to(&searcher, rest.as_ref(), cap)?;
                (n + m, rest_exact)
            };
            let mut below = std::collections::HashSet::new();
            if hits.len() < want {
                let top = searcher.search(
                    rest.as_ref(),
                    &TopDocs::with_limit(want - hits.len()).order_by_score(),
                )?;
                let more = keyed(&searcher, top)?;
                below.extend(more.iter().map(|&(_, key)| key));
                hits.extend(more);
            }
            hits.drain(..offset.min(hits.len()));
            from_rest = Some(below);
            (hits, total, exact, tally)
        }
        // With facets: the page as above, the count and the tally in one pass over every match.
        (_, Some(reach)) => {
            let want = offset + limit;
            let (mut hits, total, exact, tally) = pass(
                q.as_ref(),
                Some(reach.as_ref()),
                built.prunable,
                &per_completion,
                0,
                want,
            )?;
            if hits.len() < want {
                let rest = lower_tier(q.as_ref(), reach.as_ref(), built.pages_any.take());
                let top = searcher.search(
                    rest.as_ref(),
                    &TopDocs::with_limit(want - hits.len()).order_by_score(),
                )?;
                hits.extend(keyed(&searcher, top)?);
            }
            hits.drain(..offset.min(hits.len()));
            (hits, total, exact, tally)
        }
    };
    // The hits whose metadata alone does not hold every word: their pages are read for the
    // snippet (no others are, so a metadata search never reads page text).
    let mut from_pages: std::collections::HashSet<u64> = match (from_rest, &reach) {
        (Some(below), _) => below,
        (None, Some(_)) => {
            let keys: Vec<u64> = top.iter().map(|&(_, key)| key).collect();
            let in_metadata = matching_keys(&searcher, q.as_ref(), &f, &keys)?;
            keys.into_iter()
                .filter(|k| !in_metadata.contains(k))
                .collect()
        }
        (None, None) => Default::default(),
    };
    built.query = q;
    if total == 0 && built.has_text {
        let retry = build(&parsed, &f, &mut an, true, &searcher);
        let rq = scoped(retry.query, req, &f);
        let retry_completions: Vec<Box<dyn Query>> = retry
            .per_completion
            .into_iter()
            .map(|q| scoped(q, req, &f))
            .collect();
        let (t, n, e, fc) = pass(
            rq.as_ref(),
            None,
            retry.prunable,
            &retry_completions,
            offset,
            limit,
        )?;
        if n > 0 {
            results.fuzzy = true;
            results
                .notices
                .push("no exact matches; showing words within one edit".into());
            (top, total, exact, tally) = (t, n, e, fc);
            built.terms = retry.terms;
            from_pages.clear();
        }
    }
    results.total = total;
    results.total_exact = exact;
    let terms: &MatchTerms = &built.terms;
    let keys: Vec<i64> = top.iter().map(|&(_, key)| key as i64).collect();
    let score_of: std::collections::HashMap<i64, Score> = top
        .iter()
        .map(|&(score, key)| (key as i64, score))
        .collect();
    let rows = works::summaries(conn, &keys)?;
    let asks_fulltext = parsed.clauses.iter().any(|c| {
        matches!(
            c,
            Clause::Text {
                target: Target::Fulltext,
                negated: false,
                ..
            }
        )
    });
    // A PDF's page is read only when the query asks for the pages, or when bare words matched
    // on them and not all in the metadata; then only the page the index says matches best.
    let wanted: Vec<u64> = rows
        .iter()
        .map(|row| row.key as u64)
        .filter(|key| asks_fulltext || from_pages.contains(key))
        .collect();
    let mut page_snippets =
        super::pages::page_snippets(&searcher, &f, conn, &mut an, &wanted, terms, SNIPPET_WIDTH)?;
    let marked: Vec<_> = rows
        .iter()
        .map(|row| {
            let score = match sort {
                BrowseSort::Relevance => score_of.get(&row.key).copied().unwrap_or(0.0),
                _ => 0.0,
            };
            let title = snippet::full(&mut an, &row.title, terms);
            let abstract_window =
                snippet::window(&mut an, &row.abstract_text, terms, SNIPPET_WIDTH);
            let page = page_snippets.remove(&(row.key as u64));
            (score, title, abstract_window, page)
        })
        .collect();
    let papers = to_summaries(conn, rows)?;
    for (paper, (score, title_snippet, abstract_snippet, fulltext_snippet)) in
        papers.into_iter().zip(marked)
    {
        results.hits.push(SearchHit {
            paper,
            score,
            title_snippet,
            abstract_snippet,
            fulltext_snippet,
        });
    }
    if let Some(tally) = tally {
        let names = tag_names(conn)?;
        results.facets = Some(
            tally.into_facets(&|t: &str| names.get(t).cloned().unwrap_or_else(|| t.to_string())),
        );
    }
    Ok(results)
}

/// The papers `reach` finds and `q` does not: those that found some word only on a page or in
/// an annotation. `pages_any` (any word there, see `Built::pages_any`) changes nothing in what
/// matches, nor in the scores (it scores 0), but drives the intersection by the pages' postings.
fn lower_tier(
    q: &dyn Query,
    reach: &dyn Query,
    pages_any: Option<Box<dyn Query>>,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(any) = pages_any {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(any, 0.0))));
    }
    clauses.push((Occur::Must, reach.box_clone()));
    clauses.push((Occur::MustNot, q.box_clone()));
    Box::new(BooleanQuery::new(clauses))
}

/// (score, work key) of each hit of a top-docs search, in order.
fn keyed(searcher: &Searcher, top: Vec<(Score, DocAddress)>) -> Result<Vec<(Score, u64)>> {
    let key_columns = key_columns(searcher)?;
    Ok(top
        .into_iter()
        .filter_map(|(score, addr)| {
            key_columns[addr.segment_ord as usize]
                .first(addr.doc_id)
                .map(|key| (score, key))
        })
        .collect())
}

/// Which of the works `keys` (a page of hits) `q` matches.
fn matching_keys(
    searcher: &Searcher,
    q: &dyn Query,
    f: &Fields,
    keys: &[u64],
) -> Result<std::collections::HashSet<u64>> {
    if keys.is_empty() {
        return Ok(Default::default());
    }
    let any_of: Vec<(Occur, Box<dyn Query>)> = keys
        .iter()
        .map(|&k| {
            let t = TermQuery::new(Term::from_field_u64(f.key, k), IndexRecordOption::Basic);
            (Occur::Should, Box::new(t) as Box<dyn Query>)
        })
        .collect();
    let both = BooleanQuery::new(vec![
        (Occur::Must, q.box_clone()),
        (Occur::Must, Box::new(BooleanQuery::new(any_of))),
    ]);
    let found = searcher.search(&both, &DocSetCollector)?;
    let key_columns = key_columns(searcher)?;
    Ok(found
        .into_iter()
        .filter_map(|addr| key_columns[addr.segment_ord as usize].first(addr.doc_id))
        .collect())
}

/// Every tag's name as the user wrote it, by its lower-case form (one small query, not one
/// per match).
fn tag_names(conn: &Connection) -> Result<std::collections::HashMap<String, String>> {
    Ok(crate::db::tags::names(conn)?
        .into_iter()
        .map(|n| (n.to_lowercase(), n))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_parse_and_print() {
        for s in BrowseSort::ALL {
            assert_eq!(s.as_str().parse::<BrowseSort>(), Ok(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
        assert!("stars".parse::<BrowseSort>().is_err());
    }

    #[test]
    fn the_ordered_mapping_keeps_i64_order() {
        let values = [i64::MIN, -5, -1, 0, 1, 20_231_004, i64::MAX];
        for w in values.windows(2) {
            assert!(ordered(w[0]) < ordered(w[1]));
        }
    }

    #[test]
    fn requests_deserialize_from_camel_case_with_defaults() {
        let r: BrowseRequest =
            serde_json::from_str(r#"{"query":"x","status":"to-read","sort":"published"}"#).unwrap();
        assert_eq!(r.status, Some(Status::ToRead));
        assert_eq!(r.sort, Some(BrowseSort::Published));
        assert_eq!((r.offset, r.limit, r.facets), (0, 0, false));
    }
}
