//! Facet counts over every match of a query, read from the index's fast-field columns: term
//! ordinals per segment, mapped to their strings once per segment, so counting touches neither
//! SQLite nor stored documents.

use std::collections::HashMap;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::model::Status;

/// How many matches carry one value of a facet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FacetCount {
    /// The value as a query clause takes it (`read`, a tag, `2023`, `hf`).
    pub value: String,
    /// Matching papers with that value.
    pub count: u64,
}

/// Counts per value over all matches of a browse, for the facet sidebar. Clicking a value
/// appends `status:V`, `tag:V`, `year:V` or `source:V` to the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Facets {
    /// Statuses with at least one match, in reading-flow order.
    pub status: Vec<FacetCount>,
    /// The 50 most used tags among the matches, most first (ties by name).
    pub tags: Vec<FacetCount>,
    /// Publication years, newest first.
    pub years: Vec<FacetCount>,
    /// Source families (`hf`, `arxiv`, `s2`, `bibtex`, ...), most first (ties by name).
    pub sources: Vec<FacetCount>,
}

/// Tags shown in [`Facets::tags`].
pub const TOP_TAGS: usize = 50;

/// Raw counts, merged across segments.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    status: HashMap<String, u64>,
    tags: HashMap<String, u64>,
    years: HashMap<i64, u64>,
    sources: HashMap<String, u64>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        for (k, v) in other.status {
            *self.status.entry(k).or_default() += v;
        }
        for (k, v) in other.tags {
            *self.tags.entry(k).or_default() += v;
        }
        for (k, v) in other.years {
            *self.years.entry(k).or_default() += v;
        }
        for (k, v) in other.sources {
            *self.sources.entry(k).or_default() += v;
        }
    }

    /// Orders the counts for display; `tag_name` maps an indexed (lower-case) tag to the name
    /// the user gave it.
    pub(crate) fn into_facets(self, tag_name: &dyn Fn(&str) -> String) -> Facets {
        let status = Status::ALL
            .iter()
            .filter_map(|s| {
                let count = self.status.get(s.as_str()).copied().unwrap_or(0);
                (count > 0).then(|| FacetCount {
                    value: s.as_str().to_string(),
                    count,
                })
            })
            .collect();
        let by_count = |m: HashMap<String, u64>| -> Vec<FacetCount> {
            let mut v: Vec<FacetCount> = m
                .into_iter()
                .filter(|(_, c)| *c > 0)
                .map(|(value, count)| FacetCount { value, count })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            v
        };
        let mut tags = by_count(self.tags);
        tags.truncate(TOP_TAGS);
        for t in &mut tags {
            t.value = tag_name(&t.value);
        }
        let mut years: Vec<(i64, u64)> = self.years.into_iter().filter(|(_, c)| *c > 0).collect();
        years.sort_by_key(|y| std::cmp::Reverse(y.0));
        Facets {
            status,
            tags,
            years: years
                .into_iter()
                .map(|(y, count)| FacetCount {
                    value: y.to_string(),
                    count,
                })
                .collect(),
            sources: by_count(self.sources),
        }
    }
}

/// Counts facet values of every matching document.
pub(crate) struct FacetCollector;

/// One string column's ordinals and their counts within a segment.
struct OrdCounts {
    column: Option<StrColumn>,
    counts: Vec<u64>,
}

impl OrdCounts {
    fn open(segment: &SegmentReader, field: &str) -> tantivy::Result<OrdCounts> {
        let column = segment.fast_fields().str(field)?;
        let terms = column.as_ref().map_or(0, |c| c.num_terms());
        Ok(OrdCounts {
            column,
            counts: vec![0; terms],
        })
    }

    #[inline]
    fn add(&mut self, doc: DocId) {
        if let Some(c) = &self.column {
            for ord in c.ords().values_for_doc(doc) {
                if let Some(n) = self.counts.get_mut(ord as usize) {
                    *n += 1;
                }
            }
        }
    }

    /// Maps the counted ordinals to their strings (once per segment).
    fn harvest(self) -> HashMap<String, u64> {
        let mut out = HashMap::new();
        let Some(column) = self.column else {
            return out;
        };
        let mut text = String::new();
        for (ord, n) in self.counts.into_iter().enumerate() {
            if n == 0 {
                continue;
            }
            text.clear();
            match column.ord_to_str(ord as u64, &mut text) {
                Ok(true) => *out.entry(text.clone()).or_default() += n,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "unreadable facet term"),
            }
        }
        out
    }
}

/// The per-segment side of [`FacetCollector`].
pub(crate) struct FacetSegment {
    status: OrdCounts,
    tags: OrdCounts,
    sources: OrdCounts,
    year: Column<i64>,
    years: HashMap<i64, u64>,
}

impl Collector for FacetCollector {
    type Fruit = Tally;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetSegment> {
        Ok(FacetSegment {
            status: OrdCounts::open(segment, "status")?,
            tags: OrdCounts::open(segment, "tag")?,
            sources: OrdCounts::open(segment, "source")?,
            year: segment.fast_fields().i64("year")?,
            years: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Tally>) -> tantivy::Result<Tally> {
        let mut all = Tally::default();
        for f in fruits {
            all.merge(f);
        }
        Ok(all)
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = Tally;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.status.add(doc);
        self.tags.add(doc);
        self.sources.add(doc);
        if let Some(y) = self.year.first(doc) {
            *self.years.entry(y).or_default() += 1;
        }
    }

    fn harvest(self) -> Tally {
        Tally {
            status: self.status.harvest(),
            tags: self.tags.harvest(),
            sources: self.sources.harvest(),
            years: self.years,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facets_are_ordered_for_display() {
        let mut t = Tally::default();
        t.status.insert("read".into(), 2);
        t.status.insert("inbox".into(), 5);
        t.status.insert("archived".into(), 0);
        t.tags.insert("b".into(), 3);
        t.tags.insert("a".into(), 3);
        t.tags.insert("c".into(), 9);
        t.years.insert(2019, 1);
        t.years.insert(2023, 4);
        t.sources.insert("hf".into(), 1);
        t.sources.insert("arxiv".into(), 7);
        let f = t.into_facets(&|t: &str| t.to_uppercase());
        let values = |v: &[FacetCount]| v.iter().map(|c| c.value.clone()).collect::<Vec<_>>();
        assert_eq!(values(&f.status), ["inbox", "read"]);
        assert_eq!(values(&f.tags), ["C", "A", "B"]);
        assert_eq!(values(&f.years), ["2023", "2019"]);
        assert_eq!(values(&f.sources), ["arxiv", "hf"]);
    }

    #[test]
    fn only_the_top_tags_are_kept() {
        let mut t = Tally::default();
        for i in 0..(TOP_TAGS + 20) {
            t.tags.insert(format!("t{i:03}"), i as u64 + 1);
        }
        let f = t.into_facets(&|t: &str| t.to_string());
        assert_eq!(f.tags.len(), TOP_TAGS);
        assert_eq!(f.tags[0].count, (TOP_TAGS + 20) as u64);
    }
}
