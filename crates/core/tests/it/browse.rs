//! Browse end to end on a real library: paging at every sort, sort orders against SQLite,
//! facets against counts computed from SQLite, scope, `source:`, the trash, saved searches
//! and paper links.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use papershelf_core::sources::hf::HfSignals;
use papershelf_core::{
    ArxivId, BrowseRequest, BrowseResults, BrowseSort, Error, ErrorCode, FacetCount, LinkKind,
    ListFilter, ListSort, NewPaper, PaperId, PartialDate, Status,
};

use crate::support::*;

/// The library the read-only tests share (built once: building it is most of their time).
fn shared() -> &'static TempLibrary {
    static SHARED: OnceLock<TempLibrary> = OnceLock::new();
    SHARED.get_or_init(build_browse_library)
}

/// Both pages and the snapshot sample, with statuses, tags, a BibTeX import, upvotes and a
/// few papers in the trash: every facet and sort has something to show.
fn build_browse_library() -> TempLibrary {
    let t = TempLibrary::with_both_pages();
    t.import_snapshot(SNAPSHOT_SAMPLE);
    let lib = t.lib();
    let all = t.all();
    assert_eq!(all.len(), 226);
    let trashed: Vec<PaperId> = all
        .iter()
        .skip(3)
        .step_by(40)
        .map(|p| p.id.clone())
        .collect();
    for (status, rest) in [
        (Status::Read, 0),
        (Status::ToRead, 1),
        (Status::Archived, 2),
    ] {
        let ids: Vec<PaperId> = all
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 7 == rest)
            .map(|(_, p)| p.id.clone())
            .collect();
        lib.set_status_many(&ids, status).unwrap();
    }
    for (i, p) in all.iter().enumerate() {
        if i % 5 == 0 {
            lib.add_tags(&p.id, &["LLM".to_string()]).unwrap();
        }
        if i % 11 == 0 {
            lib.add_tags(&p.id, &["graphs".to_string(), "Survey".to_string()])
                .unwrap();
        }
    }
    let bib: Vec<NewPaper> = (0..6)
        .map(|i| NewPaper {
            title: format!("A Bibliography Only Study of Widgets, Part {i}"),
            authors: vec![format!("Ada Quill{i}")],
            published: (i % 2 == 0).then(|| PartialDate::ymd(2001 + i, 3, 1)),
            ..Default::default()
        })
        .collect();
    lib.add_papers(&bib, "bibtex", "refs.bib").unwrap();
    assert_eq!(lib.delete_papers(&trashed).unwrap(), trashed.len());
    t
}

fn browse(t: &TempLibrary, req: BrowseRequest) -> BrowseResults {
    t.lib()
        .browse(&req)
        .unwrap_or_else(|e| panic!("browse {req:?}: {e}"))
}

/// Every id a request matches, paging through with `page` results at a time.
fn page_through(t: &TempLibrary, req: &BrowseRequest, page: usize) -> (Vec<String>, usize) {
    let mut ids = Vec::new();
    let mut offset = 0;
    let total = browse(t, req.clone()).total;
    loop {
        let r = browse(
            t,
            BrowseRequest {
                offset,
                limit: page,
                ..req.clone()
            },
        );
        assert_eq!(r.total, total, "total changes between pages");
        assert_eq!(r.offset, offset);
        if r.hits.is_empty() {
            break;
        }
        assert!(r.hits.len() <= page);
        ids.extend(r.hits.iter().map(|h| h.paper.id.to_string()));
        offset += r.hits.len();
    }
    (ids, total)
}

fn list_ids(t: &TempLibrary, filter: ListFilter) -> Vec<String> {
    t.lib()
        .list(&ListFilter {
            limit: Some(100_000),
            ..filter
        })
        .unwrap()
        .into_iter()
        .map(|p| p.id.to_string())
        .collect()
}

fn db(t: &TempLibrary) -> rusqlite::Connection {
    rusqlite::Connection::open(t.path().join("library.sqlite")).unwrap()
}

fn family(source: &str) -> String {
    if source.starts_with("hf-") {
        "hf".into()
    } else if source.starts_with("arxiv-") {
        "arxiv".into()
    } else {
        source.into()
    }
}

fn as_map(counts: &[FacetCount]) -> BTreeMap<String, u64> {
    counts.iter().map(|c| (c.value.clone(), c.count)).collect()
}

#[test]
fn paging_covers_every_match_exactly_once_at_every_sort() {
    let t = shared();
    let everyone: HashSet<String> = list_ids(t, ListFilter::default()).into_iter().collect();
    assert_eq!(everyone.len(), 226 + 6 - 6);
    for query in ["", "learning", "status:inbox", "year:2020.. -tag:llm"] {
        for sort in BrowseSort::ALL {
            let req = BrowseRequest {
                query: query.into(),
                sort: Some(sort),
                ..Default::default()
            };
            let (ids, total) = page_through(t, &req, 17);
            let unique: HashSet<&String> = ids.iter().collect();
            assert_eq!(
                unique.len(),
                ids.len(),
                "{query:?} by {sort}: a paper twice"
            );
            assert_eq!(ids.len(), total, "{query:?} by {sort}: pages miss papers");
            assert!(ids.iter().all(|id| everyone.contains(id)));
            if query.is_empty() {
                assert_eq!(unique.len(), everyone.len(), "empty query is everything");
            }
            // One big page holds the same order as the small pages.
            let whole = browse(
                t,
                BrowseRequest {
                    limit: 500,
                    ..req.clone()
                },
            );
            let whole: Vec<String> = whole.hits.iter().map(|h| h.paper.id.to_string()).collect();
            assert_eq!(
                whole, ids,
                "{query:?} by {sort}: order differs across page sizes"
            );
        }
    }
}

#[test]
fn sorts_match_the_database_order_with_missing_values_last() {
    let t = shared();
    for (sort, list_sort) in [
        (BrowseSort::Added, ListSort::Added),
        (BrowseSort::Published, ListSort::Published),
        (BrowseSort::Upvotes, ListSort::Upvotes),
    ] {
        let r = browse(
            t,
            BrowseRequest {
                sort: Some(sort),
                limit: 500,
                ..Default::default()
            },
        );
        assert_eq!(r.sort, sort);
        let got: Vec<String> = r.hits.iter().map(|h| h.paper.id.to_string()).collect();
        let want = list_ids(
            t,
            ListFilter {
                sort: list_sort,
                ..Default::default()
            },
        );
        assert_eq!(got, want, "by {sort}");
    }
    // Missing values last, present ones descending.
    let r = browse(
        t,
        BrowseRequest {
            sort: Some(BrowseSort::Upvotes),
            limit: 500,
            ..Default::default()
        },
    );
    let ups: Vec<Option<u32>> = r.hits.iter().map(|h| h.paper.upvotes).collect();
    let first_none = ups.iter().position(Option::is_none).unwrap_or(ups.len());
    assert!(first_none > 0, "the pages give upvotes");
    assert!(ups[first_none..].iter().all(Option::is_none));
    assert!(ups[..first_none].windows(2).all(|w| w[0] >= w[1]));
    let r = browse(
        t,
        BrowseRequest {
            sort: Some(BrowseSort::Published),
            limit: 500,
            ..Default::default()
        },
    );
    let dated: Vec<bool> = r.hits.iter().map(|h| h.paper.published.is_some()).collect();
    let first_undated = dated.iter().position(|d| !d).unwrap_or(dated.len());
    assert!(
        dated[first_undated..].iter().all(|d| !d),
        "undated papers last"
    );
}

#[test]
fn the_default_sort_is_relevance_with_words_and_added_without() {
    let t = shared();
    let r = browse(
        t,
        BrowseRequest {
            query: "positional encoding".into(),
            ..Default::default()
        },
    );
    assert_eq!(r.sort, BrowseSort::Relevance);
    assert!(r.total > 0);
    assert!(r.hits.windows(2).all(|w| w[0].score >= w[1].score));
    // The same ranking as search.
    let s = t.search("positional encoding");
    assert_eq!(s.total, r.total);
    assert_eq!(s.hits[0].paper.id, r.hits[0].paper.id);
    for q in ["", "status:read", "-tag:llm", "year:2023"] {
        let r = browse(
            t,
            BrowseRequest {
                query: q.into(),
                ..Default::default()
            },
        );
        assert_eq!(r.sort, BrowseSort::Added, "{q:?}");
    }
}

#[test]
fn without_words_snippets_are_the_title_and_the_start_of_the_abstract() {
    let t = shared();
    let r = browse(
        t,
        BrowseRequest {
            limit: 500,
            ..Default::default()
        },
    );
    assert_eq!(r.hits.len(), r.total);
    assert_eq!(r.hits.len(), 226);
    for h in &r.hits {
        assert_eq!(h.title_snippet.text, h.paper.title);
        assert!(h.title_snippet.highlights.is_empty());
        assert!(h.abstract_snippet.highlights.is_empty());
        let text = &h.abstract_snippet.text;
        assert!(text.len() <= 220 + 48, "{text}");
        assert!(!text.starts_with('…'), "the start of the abstract: {text}");
    }
    assert!(r.hits.iter().any(|h| h.abstract_snippet.text.len() > 100));
}

#[test]
fn facets_equal_counts_computed_from_the_database() {
    let t = shared();
    let r = browse(
        t,
        BrowseRequest {
            facets: true,
            limit: 1,
            ..Default::default()
        },
    );
    let f = r.facets.expect("facets asked for");
    let conn = db(t);
    let live = "w.deleted_at IS NULL";

    let mut status: Vec<(String, u64)> = Vec::new();
    for s in Status::ALL {
        let n: i64 = conn
            .query_row(
                &format!("SELECT COUNT(*) FROM works w WHERE {live} AND status = ?1"),
                [s.as_str()],
                |r| r.get(0),
            )
            .unwrap();
        if n > 0 {
            status.push((s.as_str().to_string(), n as u64));
        }
    }
    let got: Vec<(String, u64)> = f
        .status
        .iter()
        .map(|c| (c.value.clone(), c.count))
        .collect();
    assert_eq!(got, status, "status facet in reading-flow order");

    let mut stmt = conn
        .prepare(&format!(
            "SELECT t.name, COUNT(*) FROM work_tags wt JOIN tags t ON t.key = wt.tag_key
             JOIN works w ON w.key = wt.work_key WHERE {live} GROUP BY t.name"
        ))
        .unwrap();
    let tags: BTreeMap<String, u64> = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(as_map(&f.tags), tags);
    assert!(tags.contains_key("LLM"), "tags keep the name the user gave");
    assert!(f.tags.windows(2).all(|w| w[0].count >= w[1].count));

    let mut stmt = conn
        .prepare(&format!(
            "SELECT year, COUNT(*) FROM works w WHERE {live} AND year IS NOT NULL GROUP BY year
             ORDER BY year DESC"
        ))
        .unwrap();
    let years: Vec<(String, u64)> = stmt
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)?.to_string(), r.get::<_, i64>(1)? as u64))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let got: Vec<(String, u64)> = f.years.iter().map(|c| (c.value.clone(), c.count)).collect();
    assert_eq!(got, years, "years newest first");

    let mut stmt = conn
        .prepare(&format!(
            "SELECT DISTINCT s.work_key, s.source FROM source_records s
             JOIN works w ON w.key = s.work_key WHERE {live}"
        ))
        .unwrap();
    let mut per_work: HashMap<i64, HashSet<String>> = HashMap::new();
    for row in stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
    {
        let (k, s) = row.unwrap();
        per_work.entry(k).or_default().insert(family(&s));
    }
    let mut sources: BTreeMap<String, u64> = BTreeMap::new();
    for fams in per_work.values() {
        for f in fams {
            *sources.entry(f.clone()).or_default() += 1;
        }
    }
    assert_eq!(as_map(&f.sources), sources);
    assert_eq!(sources.get("bibtex"), Some(&6));
    assert!(sources.contains_key("hf") && sources.contains_key("arxiv"));
}

#[test]
fn facets_of_a_query_count_all_its_matches_not_just_the_page() {
    let t = shared();
    let req = BrowseRequest {
        query: "learning".into(),
        facets: true,
        limit: 3,
        ..Default::default()
    };
    let r = browse(t, req.clone());
    assert_eq!(r.hits.len(), 3);
    let f = r.facets.unwrap();
    let (ids, total) = page_through(
        t,
        &BrowseRequest {
            facets: false,
            ..req
        },
        100,
    );
    assert!(total > 10);
    let mut status: HashMap<String, u64> = HashMap::new();
    let mut years: HashMap<String, u64> = HashMap::new();
    let mut tags: HashMap<String, u64> = HashMap::new();
    for id in &ids {
        let p = t.lib().paper(&PaperId::new(id.clone())).unwrap();
        *status.entry(p.status.to_string()).or_default() += 1;
        if let Some(y) = p.year {
            *years.entry(y.to_string()).or_default() += 1;
        }
        for tag in p.tags {
            *tags.entry(tag).or_default() += 1;
        }
    }
    assert_eq!(f.status.iter().map(|c| c.count).sum::<u64>(), total as u64);
    for c in &f.status {
        assert_eq!(status.get(&c.value), Some(&c.count), "status {}", c.value);
    }
    assert_eq!(f.years.len(), years.len());
    for c in &f.years {
        assert_eq!(years.get(&c.value), Some(&c.count), "year {}", c.value);
    }
    assert_eq!(f.tags.len(), tags.len());
    for c in &f.tags {
        assert_eq!(tags.get(&c.value), Some(&c.count), "tag {}", c.value);
    }
    // A facet click narrows to exactly its count.
    for c in f.status.iter().chain(f.years.iter().take(3)) {
        let clause = if c.value.chars().all(|ch| ch.is_ascii_digit()) {
            format!("year:{}", c.value)
        } else {
            format!("status:{}", c.value)
        };
        let narrowed = browse(
            t,
            BrowseRequest {
                query: format!("learning {clause}"),
                ..Default::default()
            },
        );
        assert_eq!(narrowed.total as u64, c.count, "{clause}");
    }
}

#[test]
fn scope_by_status_and_tag_agrees_with_list_and_the_query_clauses() {
    let t = shared();
    for status in Status::ALL {
        let r = browse(
            t,
            BrowseRequest {
                status: Some(status),
                limit: 500,
                ..Default::default()
            },
        );
        let got: Vec<String> = r.hits.iter().map(|h| h.paper.id.to_string()).collect();
        let want = list_ids(
            t,
            ListFilter {
                status: Some(status),
                ..Default::default()
            },
        );
        assert_eq!(got, want, "status {status}");
        let clause = browse(
            t,
            BrowseRequest {
                query: format!("status:{status}"),
                limit: 500,
                ..Default::default()
            },
        );
        assert_eq!(clause.total, r.total);
    }
    for tag in ["llm", "LLM", "#Survey", "graphs"] {
        let r = browse(
            t,
            BrowseRequest {
                tag: Some(tag.into()),
                limit: 500,
                ..Default::default()
            },
        );
        let got: HashSet<String> = r.hits.iter().map(|h| h.paper.id.to_string()).collect();
        let want: HashSet<String> = list_ids(
            t,
            ListFilter {
                tag: Some(tag.trim_start_matches('#').into()),
                ..Default::default()
            },
        )
        .into_iter()
        .collect();
        assert!(!want.is_empty());
        assert_eq!(got, want, "tag {tag}");
    }
    // Scope and query together.
    let both = browse(
        t,
        BrowseRequest {
            query: "learning".into(),
            status: Some(Status::Read),
            tag: Some("llm".into()),
            limit: 500,
            ..Default::default()
        },
    );
    for h in &both.hits {
        assert_eq!(h.paper.status, Status::Read);
        assert!(h.paper.tags.iter().any(|t| t == "LLM"));
    }
    let by_clause = browse(
        t,
        BrowseRequest {
            query: "learning status:read tag:llm".into(),
            ..Default::default()
        },
    );
    assert_eq!(both.total, by_clause.total);
}

#[test]
fn source_clauses_select_by_source_family() {
    let t = shared();
    let bib = browse(
        t,
        BrowseRequest {
            query: "source:bibtex".into(),
            limit: 500,
            ..Default::default()
        },
    );
    assert_eq!(bib.total, 6);
    assert!(bib.hits.iter().all(|h| h.paper.title.contains("Widgets")));
    let hf = browse(
        t,
        BrowseRequest {
            query: "source:hf".into(),
            ..Default::default()
        },
    );
    let not_hf = browse(
        t,
        BrowseRequest {
            query: "-source:hf".into(),
            ..Default::default()
        },
    );
    assert_eq!(
        not_hf.total, 6,
        "only the BibTeX papers came from no Hugging Face page"
    );
    let all = browse(t, BrowseRequest::default());
    assert_eq!(hf.total + not_hf.total, all.total);
    let arxiv = browse(
        t,
        BrowseRequest {
            query: "source:arxiv-snapshot".into(),
            ..Default::default()
        },
    );
    let arxiv_family = browse(
        t,
        BrowseRequest {
            query: "source:arxiv".into(),
            ..Default::default()
        },
    );
    assert_eq!(arxiv.total, arxiv_family.total);
    assert!(arxiv.total > 0);
}

#[test]
fn a_source_added_by_a_later_import_is_indexed() {
    let t = TempLibrary::new();
    let lib = t.lib();
    let paper = NewPaper {
        title: "Gradient Flows on Tiny Widgets".into(),
        authors: vec!["Ada Quill".into()],
        abstract_text: "We study widgets.".into(),
        ..Default::default()
    };
    lib.add_papers(std::slice::from_ref(&paper), "hf-page", "page.txt")
        .unwrap();
    let count = |q: &str| {
        browse(
            &t,
            BrowseRequest {
                query: q.into(),
                ..Default::default()
            },
        )
        .total
    };
    assert_eq!(count("source:hf"), 1);
    assert_eq!(count("source:bibtex"), 0);
    // The BibTeX record says nothing new: the work is unchanged, but a source joined it.
    let same = NewPaper {
        title: paper.title.clone(),
        ..Default::default()
    };
    let report = lib.add_papers(&[same], "bibtex", "refs.bib").unwrap();
    assert_eq!((report.added, report.updated, report.unchanged), (0, 0, 1));
    assert_eq!(count("source:bibtex"), 1);
    assert_eq!(count("source:hf source:bibtex"), 1);
    // Upvotes from a later sync re-sort the paper.
    let voted = NewPaper {
        upvotes: Some(42),
        ..paper.clone()
    };
    lib.add_source_page(
        &[(voted, Some(HfSignals::default()))],
        "hf-api",
        "https://hf.test/p",
        None,
    )
    .unwrap();
    let r = browse(
        &t,
        BrowseRequest {
            sort: Some(BrowseSort::Upvotes),
            facets: true,
            ..Default::default()
        },
    );
    assert_eq!(r.hits[0].paper.upvotes, Some(42));
    let sources: Vec<&str> = r
        .facets
        .as_ref()
        .unwrap()
        .sources
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    assert_eq!(sources, ["bibtex", "hf"]);
    // And the schema survives a reopen (no rebuild needed to see the same answers).
    let mut t = t;
    t.reopen();
    assert_eq!(
        browse(
            &t,
            BrowseRequest {
                query: "source:bibtex".into(),
                ..Default::default()
            }
        )
        .total,
        1
    );
}

#[test]
fn trashed_papers_never_appear_and_come_back_on_restore() {
    let t = TempLibrary::with_both_pages();
    let before = browse(
        &t,
        BrowseRequest {
            facets: true,
            ..Default::default()
        },
    );
    let victim = before.hits[0].paper.id.clone();
    t.lib()
        .delete_papers(std::slice::from_ref(&victim))
        .unwrap();
    let after = browse(
        &t,
        BrowseRequest {
            facets: true,
            limit: 500,
            ..Default::default()
        },
    );
    assert_eq!(after.total, before.total - 1);
    assert!(after.hits.iter().all(|h| h.paper.id != victim));
    let sum = |r: &BrowseResults| {
        r.facets
            .as_ref()
            .unwrap()
            .status
            .iter()
            .map(|c| c.count)
            .sum::<u64>()
    };
    assert_eq!(sum(&after), sum(&before) - 1);
    t.lib()
        .restore_papers(std::slice::from_ref(&victim))
        .unwrap();
    assert_eq!(browse(&t, BrowseRequest::default()).total, before.total);
}

#[test]
fn limits_and_offsets_are_bounded() {
    let t = shared();
    let r = browse(
        t,
        BrowseRequest {
            limit: 0,
            ..Default::default()
        },
    );
    assert_eq!(r.hits.len(), 100);
    let r = browse(
        t,
        BrowseRequest {
            limit: 100_000,
            ..Default::default()
        },
    );
    assert_eq!(r.hits.len(), 226);
    let r = browse(
        t,
        BrowseRequest {
            offset: usize::MAX,
            limit: 500,
            ..Default::default()
        },
    );
    assert!(r.hits.is_empty());
    assert_eq!(r.total, 226);
    let r = browse(
        t,
        BrowseRequest {
            offset: 220,
            limit: 500,
            ..Default::default()
        },
    );
    assert_eq!(r.hits.len(), 6);
}

#[test]
fn a_bad_query_is_an_input_error_and_typos_retry_within_one_edit() {
    let t = shared();
    let e = t
        .lib()
        .browse(&BrowseRequest {
            query: "year:abc".into(),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    let r = browse(
        t,
        BrowseRequest {
            query: "trasnformer ".into(),
            status: Some(Status::Inbox),
            ..Default::default()
        },
    );
    assert!(r.fuzzy);
    assert!(r.total > 0);
    assert!(r.hits.iter().all(|h| h.paper.status == Status::Inbox));
}

#[test]
fn saved_searches_are_created_replaced_listed_and_deleted() {
    let t = TempLibrary::new();
    let lib = t.lib();
    assert!(lib.saved_searches().unwrap().is_empty());
    let a = lib
        .save_search("  Graphs to read ", "tag:graphs status:to-read", None)
        .unwrap();
    assert_eq!(a.name, "Graphs to read");
    assert_eq!(a.sort, None);
    let b = lib
        .save_search("arxiv votes", "source:hf", Some(BrowseSort::Upvotes))
        .unwrap();
    assert_eq!(b.sort, Some(BrowseSort::Upvotes));
    // The same name in another case replaces.
    let a2 = lib
        .save_search("GRAPHS TO READ", "tag:graphs", Some(BrowseSort::Published))
        .unwrap();
    assert_eq!(a2.id, a.id);
    let all = lib.saved_searches().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].name, "arxiv votes", "by name, case-insensitive");
    assert_eq!(all[1].name, "GRAPHS TO READ");
    assert_eq!(all[1].query, "tag:graphs");
    assert_eq!(all[1].sort, Some(BrowseSort::Published));
    let json = serde_json::to_value(&all[1]).unwrap();
    assert_eq!(json["sort"], "published");
    assert!(json.get("createdAt").is_some());
    // Bad input.
    for (name, query) in [
        ("", "x"),
        ("   ", "x"),
        (&"n".repeat(81) as &str, "x"),
        ("bad", "year:abc"),
        ("bad", "status:later"),
    ] {
        match lib.save_search(name, query, None) {
            Err(e @ Error::InvalidInput(_)) => assert_eq!(e.code(), ErrorCode::InvalidInput),
            other => panic!("{name:?} {query:?}: {other:?}"),
        }
    }
    // The limit counts characters, not bytes (80 × 2 bytes here).
    let long = lib.save_search(&"é".repeat(80), "x", None).unwrap();
    assert_eq!(long.name, "é".repeat(80));
    // Delete.
    lib.delete_saved_search(b.id).unwrap();
    let e = lib.delete_saved_search(b.id).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert_eq!(lib.saved_searches().unwrap().len(), 2);
    // They survive a reopen.
    let mut t = t;
    t.reopen();
    assert_eq!(t.lib().saved_searches().unwrap().len(), 2);
}

#[test]
fn papers_carry_their_links() {
    let t = TempLibrary::new();
    let lib = t.lib();
    let (arxiv, _) = ArxivId::parse("2310.02579").unwrap();
    let paper = NewPaper {
        arxiv_id: Some(arxiv),
        title: "Linked Paper".into(),
        doi: Some("10.1000/a#b%c<d>".into()),
        ..Default::default()
    };
    let signals = HfSignals {
        github_repo: Some("https://github.com/example/linked".into()),
        project_page: Some("javascript:alert(1)".into()),
        ..Default::default()
    };
    lib.add_source_page(
        &[(paper, Some(signals))],
        "hf-api",
        "https://hf.test/p",
        None,
    )
    .unwrap();
    let p = lib.paper(&PaperId::new("2310.02579")).unwrap();
    let links: Vec<(LinkKind, &str)> = p.links.iter().map(|l| (l.kind, l.url.as_str())).collect();
    assert_eq!(
        links,
        [
            (LinkKind::Arxiv, "https://arxiv.org/abs/2310.02579"),
            (LinkKind::Pdf, "https://arxiv.org/pdf/2310.02579"),
            (
                LinkKind::HuggingFace,
                "https://huggingface.co/papers/2310.02579"
            ),
            (LinkKind::Code, "https://github.com/example/linked"),
            (LinkKind::Doi, "https://doi.org/10.1000/a%23b%25c%3Cd%3E"),
        ]
    );
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["links"][2]["kind"], "hugging-face");
    assert_eq!(json["links"][2]["label"], "Hugging Face");
    // An old-style id has no Hugging Face page; a title-only paper has no links.
    let (old, _) = ArxivId::parse("hep-th/9901001").unwrap();
    lib.add_papers(
        &[
            NewPaper {
                arxiv_id: Some(old),
                title: "Old Style".into(),
                ..Default::default()
            },
            NewPaper {
                title: "Nothing Known".into(),
                ..Default::default()
            },
        ],
        "arxiv-api",
        "t",
    )
    .unwrap();
    let p = lib.paper(&PaperId::new("hep-th/9901001")).unwrap();
    let kinds: Vec<LinkKind> = p.links.iter().map(|l| l.kind).collect();
    assert_eq!(kinds, [LinkKind::Arxiv, LinkKind::Pdf]);
    let bare = t.by_title("Nothing Known");
    assert!(lib.paper(&bare.id).unwrap().links.is_empty());
}

#[test]
fn a_one_edit_retry_keeps_the_sidebar_scope() {
    // The retry searches a loosened word neighbour by neighbour; each of those searches must
    // keep the scope, as the first pass does.
    let t = shared();
    let mut retried = 0;
    for query in [
        "models lernin",
        "trasnformer",
        "represntation learnin",
        "neurl netw",
    ] {
        let all = t
            .lib()
            .browse(&BrowseRequest {
                query: query.into(),
                limit: 50,
                ..Default::default()
            })
            .unwrap();
        let scoped = t
            .lib()
            .browse(&BrowseRequest {
                query: query.into(),
                status: Some(Status::ToRead),
                limit: 50,
                ..Default::default()
            })
            .unwrap();
        if all.fuzzy {
            retried += 1;
        }
        assert!(scoped.hits.len() <= all.hits.len(), "{query}");
        for hit in &scoped.hits {
            assert_eq!(
                hit.paper.status,
                Status::ToRead,
                "{query}: {}",
                hit.paper.title
            );
        }
    }
    assert!(retried >= 2, "only {retried} queries were retried");
}
