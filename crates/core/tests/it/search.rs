//! The query syntax end to end: ranking, phrases, fields, years, exclusions, prefixes, fuzzy
//! retry, malformed input and snippets.

use std::collections::HashSet;

use papershelf_core::import::hf_page;
use papershelf_core::text::normalize_title;
use papershelf_core::{Error, NewPaper, PaperSummary, SearchResults, Snippet};

use crate::support::*;

/// Lower-cased words of `text` with accents folded, as the search analyzer sees them (plurals
/// are left alone: the helpers below only test containment of a stem).
fn words(text: &str) -> Vec<String> {
    papershelf_core::text::fold_diacritics(text)
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn has_word_starting(text: &str, stem: &str) -> bool {
    words(text).iter().any(|w| w.starts_with(stem))
}

/// A library with both Hugging Face pages and the snapshot sample (which adds authors, years
/// and arXiv ids to 50 of the page papers).
fn full_library() -> TempLibrary {
    let t = TempLibrary::with_both_pages();
    t.import_snapshot(SNAPSHOT_SAMPLE);
    assert_eq!(t.lib().stats().unwrap().papers, 226);
    t
}

fn marked(s: &Snippet) -> Vec<&str> {
    s.highlights
        .iter()
        .map(|h| &s.text[h.start..h.end])
        .collect()
}

fn assert_highlights_well_formed(s: &Snippet) {
    let mut last_end = 0;
    for h in &s.highlights {
        assert!(h.start < h.end, "{h:?} in {:?}", s.text);
        assert!(h.start >= last_end, "overlapping {:?}", s.highlights);
        assert!(
            s.text.is_char_boundary(h.start) && s.text.is_char_boundary(h.end),
            "{h:?} not on char boundaries of {:?}",
            s.text
        );
        last_end = h.end;
    }
}

#[test]
fn a_papers_exact_title_searched_as_words_ranks_it_first_for_every_paper_on_both_pages() {
    let t = TempLibrary::with_both_pages();
    let mut parsed: Vec<NewPaper> = hf_page_papers(ENCODING_PAGE);
    parsed.extend(hf_page_papers(REPRESENTATIONS_PAGE));
    assert_eq!(parsed.len(), 234);
    // No two distinct papers share a title, so "first" is unambiguous for every title.
    let distinct: HashSet<String> = parsed.iter().map(|p| normalize_title(&p.title)).collect();
    assert_eq!(distinct.len(), 226);

    let all = t.all();
    assert_eq!(all.len(), 226);
    let mut misses = Vec::new();
    for paper in &all {
        // As typed (the last word also a prefix) and as a finished query (trailing space).
        for query in [paper.title.clone(), format!("{} ", paper.title)] {
            let results = t.search(&query);
            let first = results.hits.first().map(|h| &h.paper.id);
            if first != Some(&paper.id) {
                misses.push(format!(
                    "{query:?} -> {:?}",
                    results
                        .hits
                        .iter()
                        .take(3)
                        .map(|h| (&h.paper.title, h.score))
                        .collect::<Vec<_>>()
                ));
            }
            assert!(!results.fuzzy, "{query:?}");
        }
    }
    assert!(
        misses.is_empty(),
        "{} misses:\n{}",
        misses.len(),
        misses.join("\n")
    );
}

#[test]
fn a_quoted_phrase_matches_only_adjacent_words() {
    let t = TempLibrary::with_both_pages();
    // Both words, never adjacent.
    let scattered = "Encodings Beyond Words: Positional Bias in Retrieval";
    t.lib()
        .add_papers(
            &[NewPaper {
                title: scattered.into(),
                abstract_text: "We study how encodings of text interact with where a passage \
                                sits; positional effects dominate."
                    .into(),
                ..Default::default()
            }],
            "test",
            "doc",
        )
        .unwrap();

    let loose = t.titles("positional encodings ");
    assert!(loose.contains(&scattered.to_string()), "{loose:?}");

    let phrase = t.search("\"positional encodings\"");
    assert!(phrase.total > 0);
    assert!(
        phrase.total < loose.len(),
        "the phrase should match fewer papers"
    );
    for hit in &phrase.hits {
        let full = t.lib().paper(&hit.paper.id).unwrap();
        let text = format!(
            "{} {}",
            words(&full.title).join(" "),
            words(&full.abstract_text).join(" ")
        );
        assert!(
            text.contains("positional encoding"),
            "{:?} has no adjacent 'positional encoding'",
            full.title
        );
    }
    assert!(!phrase.hits.iter().any(|h| h.paper.title == scattered));
    // Word order matters too.
    let reversed = t.titles("\"encodings positional\"");
    assert!(!reversed.contains(&scattered.to_string()), "{reversed:?}");
}

#[test]
fn title_restricts_matches_to_the_title() {
    let t = TempLibrary::with_both_pages();
    let anywhere = t.search("brain ");
    let in_title = t.search("title:brain ");
    assert!(in_title.total > 0);
    assert!(
        in_title.total < anywhere.total,
        "{} vs {}",
        in_title.total,
        anywhere.total
    );
    for hit in &in_title.hits {
        assert!(
            has_word_starting(&hit.paper.title, "brain"),
            "{}",
            hit.paper.title
        );
    }
    // `ti:` is the short form.
    assert_eq!(t.search("ti:brain ").total, in_title.total);
}

#[test]
fn author_restricts_matches_to_authors_and_folds_accents() {
    let t = TempLibrary::new();
    t.import_snapshot(SNAPSHOT_SAMPLE);
    let sample = std::fs::read_to_string(snapshot_path(SNAPSHOT_SAMPLE)).unwrap();
    let expected_ids = |surname: &str| -> HashSet<String> {
        sample
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|v| {
                let authors = v["authors"].as_str().unwrap();
                papershelf_core::text::fold_diacritics(&papershelf_core::text::fold_tex(authors))
                    .contains(surname)
            })
            .map(|v| v["id"].as_str().unwrap().to_string())
            .collect()
    };
    let ids = |query: &str| -> HashSet<String> {
        t.search(query)
            .hits
            .into_iter()
            .map(|h| h.paper.id.to_string())
            .collect()
    };

    let wattenberg = expected_ids("Wattenberg");
    assert_eq!(wattenberg.len(), 4, "{wattenberg:?}");
    assert_eq!(ids("author:Wattenberg"), wattenberg);
    assert_eq!(ids("au:wattenberg "), wattenberg);

    // Viégas, Vi\'egas and Viegas are one name.
    let viegas = expected_ids("Viegas");
    assert_eq!(viegas.len(), 3, "{viegas:?}");
    assert_eq!(ids("author:viegas "), viegas);
    assert_eq!(ids("author:Viégas "), viegas);

    // A word that is in titles but in no author name.
    assert!(t.search("author:transformer ").hits.is_empty());
    assert!(t.search("transformer ").total > 0);
    // Two-word names as a phrase.
    assert_eq!(ids("author:\"Martin Wattenberg\""), wattenberg);
}

#[test]
fn abstract_restricts_matches_to_the_abstract() {
    let t = TempLibrary::with_both_pages();
    let results = t.search("abstract:eigenvectors ");
    assert!(results.total > 0);
    for hit in &results.hits {
        let paper = t.lib().paper(&hit.paper.id).unwrap();
        assert!(
            has_word_starting(&paper.abstract_text, "eigenvector"),
            "{}",
            paper.title
        );
    }
    // "Haystack" is in a title only.
    assert!(!t.search("haystack ").hits.is_empty());
    assert!(t.search("abstract:haystack ").hits.is_empty());
    assert_eq!(t.search("abs:eigenvectors ").total, results.total);
}

fn years(hits: &SearchResults) -> Vec<Option<i32>> {
    hits.hits.iter().map(|h| h.paper.year).collect()
}

fn count_years(all: &[PaperSummary], f: impl Fn(i32) -> bool) -> usize {
    all.iter().filter(|p| p.year.is_some_and(&f)).count()
}

#[test]
fn year_filters_take_single_years_ranges_and_open_ranges() {
    let t = full_library();
    let all = t.all();
    let cases = [
        ("year:2023", 2023..=2023),
        ("year:2019..2021", 2019..=2021),
        ("year:2024..", 2024..=9999),
        ("year:..2015", 1000..=2015),
    ];
    for (query, range) in cases {
        let keep = |y: i32| range.contains(&y);
        let expected = count_years(&all, keep);
        assert!(expected > 0, "{query}: fixture has no such years");
        let results = t.search(query);
        assert_eq!(results.total, expected, "{query}");
        for y in years(&results) {
            assert!(y.is_some_and(&keep), "{query}: {y:?}");
        }
        // Combined with words, the filter still holds.
        let with_words = t.search(&format!("representations {query}"));
        assert!(with_words.total <= expected);
        for y in years(&with_words) {
            assert!(y.is_some_and(&keep), "{query}: {y:?}");
        }
    }
    // A paper with no year is never in a year range.
    let undated = all.iter().filter(|p| p.year.is_none()).count();
    assert!(undated > 0);
    assert_eq!(t.search("year:1000..9999").total, all.len() - undated);
    // Excluding a year keeps undated papers.
    assert_eq!(
        t.search("-year:2023").total,
        all.len() - count_years(&all, |y| y == 2023)
    );
}

#[test]
fn a_minus_word_excludes_papers_containing_it() {
    let t = TempLibrary::with_both_pages();
    let with = t.search("representations ").total;
    let both = t.search("representations sparse ").total;
    let without = t.search("representations -sparse");
    assert!(both > 0);
    assert_eq!(without.total, with - both);
    for hit in &without.hits {
        let p = t.lib().paper(&hit.paper.id).unwrap();
        let text = format!("{} {}", p.title, p.abstract_text);
        assert!(!has_word_starting(&text, "sparse"), "{}", p.title);
    }
    // A phrase can be excluded too.
    let phrase = t.search("representations \"sparse autoencoders\"").total;
    assert!(phrase > 0);
    assert_eq!(
        t.search("representations -\"sparse autoencoders\"").total,
        with - phrase
    );
}

#[test]
fn a_minus_tag_excludes_tagged_papers() {
    let t = TempLibrary::with_both_pages();
    let hits = t.search("representations ").hits;
    let tagged: Vec<_> = hits.iter().take(3).map(|h| h.paper.id.clone()).collect();
    for id in &tagged {
        t.lib().add_tags(id, &["skip".to_string()]).unwrap();
    }
    let results = t.search("representations -tag:skip");
    assert_eq!(results.total, hits.len() - 3);
    assert!(!results.hits.iter().any(|h| tagged.contains(&h.paper.id)));
    assert_eq!(t.search("tag:skip").total, 3);
    assert_eq!(t.search("representations tag:skip").total, 3);
}

#[test]
fn typing_a_prefix_finds_positional_encoding_papers() {
    let t = TempLibrary::with_both_pages();
    let results = t.search("positio");
    assert!(results.total > 0);
    assert!(!results.fuzzy);
    let top = &results.hits[0];
    assert!(
        has_word_starting(&top.paper.title, "positio"),
        "{}",
        top.paper.title
    );
    assert_eq!(
        t.titles("positio").first(),
        t.titles("positional").first(),
        "a prefix and its word agree on the best paper"
    );
    let encodings = t.titles("positional encod");
    assert!(encodings.iter().any(|title| title
        == "On the Stability of Expressive Positional Encodings for Graph Neural Networks"));
}

#[test]
fn every_prefix_of_a_title_word_from_three_letters_keeps_the_paper_in_results() {
    let t = TempLibrary::with_both_pages();
    let mut checked = 0;
    let mut misses = Vec::new();
    // Every paper of the encoding page, every title word, every prefix of 3+ letters.
    for paper in hf_page_papers(ENCODING_PAGE) {
        let id = t.by_title(&paper.title).id;
        for word in paper.title.split(|c: char| !c.is_alphanumeric()) {
            let chars: Vec<char> = word.chars().collect();
            for end in 3..=chars.len() {
                let prefix: String = chars[..end].iter().collect();
                let found = t.search(&prefix).hits.iter().any(|h| h.paper.id == id);
                checked += 1;
                if !found {
                    misses.push(format!("{prefix:?} in {:?}", paper.title));
                }
            }
        }
    }
    assert!(checked > 500, "{checked}");
    assert!(
        misses.is_empty(),
        "{} misses:\n{}",
        misses.len(),
        misses.join("\n")
    );
}

/// Checks that each (offset, limit) page of `query` has the scores and papers of the same
/// slice of `deep` (the list searched to its end); a page past its end is skipped. Ties may
/// come in either order, so a paper is checked only when it scores above the page's last.
fn assert_pages_match_the_deep_list(
    t: &TempLibrary,
    query: &str,
    deep: &[papershelf_core::SearchHit],
    pages: &[(usize, usize)],
) {
    for &(offset, limit) in pages {
        if offset + limit > deep.len() {
            continue;
        }
        let first = t
            .lib()
            .search(query, &papershelf_core::SearchOptions { limit, offset })
            .unwrap();
        assert!(first.total > 0, "{query}");
        let first = first.hits;
        assert_eq!(first.len(), limit, "{query}");
        let expected = &deep[offset..offset + limit];
        for (a, b) in first.iter().zip(expected) {
            assert!(
                (a.score - b.score).abs() < 1e-4,
                "{query}: {} vs {}",
                a.score,
                b.score
            );
        }
        let last = first[first.len() - 1].score;
        let expected_ids: HashSet<&str> = expected.iter().map(|h| h.paper.id.as_str()).collect();
        for hit in first.iter().filter(|h| h.score > last + 1e-4) {
            assert!(
                expected_ids.contains(hit.paper.id.as_str()),
                "{query}: {}",
                hit.paper.title
            );
        }
    }
}

#[test]
fn a_word_being_typed_ranks_the_same_on_the_first_page_and_deep_in_the_list() {
    // The first pages are found completion by completion, deep pages through one union of the
    // completions: both must score a paper alike, so paging never repeats or skips one.
    let t = full_library();
    let page = |q: &str, offset: usize, limit: usize| {
        t.lib()
            .search(q, &papershelf_core::SearchOptions { limit, offset })
            .unwrap()
            .hits
    };
    for prefix in [
        "t",
        "gr",
        "enc",
        "enco",
        "repre",
        "learn",
        "trans",
        "neural n",
        "representation le",
        "learning repr",
    ] {
        let deep = page(prefix, 0, 500);
        assert!(deep.len() > 5, "{prefix}: {} hits", deep.len());
        assert_pages_match_the_deep_list(&t, prefix, &deep, &[(0, 20), (0, 5), (10, 10), (2, 3)]);
        let stem = prefix.rsplit(' ').next().unwrap();
        for hit in &deep {
            let p = t.lib().paper(&hit.paper.id).unwrap();
            let text = format!("{} {} {}", p.title, p.authors.join(" "), p.abstract_text);
            assert!(has_word_starting(&text, stem), "{prefix}: {}", p.title);
        }
    }
}

#[test]
fn a_phrase_ranks_the_same_on_the_first_page_and_deep_in_the_list() {
    // A first page of a lone phrase reads positions only for the likeliest papers; a deep page
    // scores every match. Both must give the same scores and order.
    let t = full_library();
    let page = |q: &str, offset: usize, limit: usize| {
        t.lib()
            .search(q, &papershelf_core::SearchOptions { limit, offset })
            .unwrap()
    };
    let mut checked = 0;
    for phrase in [
        "\"neural network\"",
        "\"representation learning\"",
        "\"language models\"",
        "\"positional encoding\"",
        "abstract:\"representation learning\"",
        "title:\"representation learning\"",
        "\"learning of representations\"",
        "\"self supervised\"",
    ] {
        let deep = page(phrase, 0, 500).hits;
        if deep.len() < 5 {
            continue;
        }
        checked += 1;
        assert_pages_match_the_deep_list(&t, phrase, &deep, &[(0, 20), (0, 3), (2, 5)]);
        let counted = page(phrase, 0, 20).total;
        assert!(counted > 0 && counted <= deep.len(), "{phrase}");
    }
    assert!(checked >= 3, "only {checked} phrases had enough matches");
}

#[test]
fn a_misspelt_word_is_retried_within_one_edit_with_a_notice() {
    let t = TempLibrary::with_both_pages();
    let results = t.search("trasnformer");
    assert!(results.fuzzy);
    assert!(results.total > 0);
    assert!(
        results.notices.iter().any(|n| n.contains("one edit")),
        "{:?}",
        results.notices
    );
    for hit in &results.hits {
        let p = t.lib().paper(&hit.paper.id).unwrap();
        let text = format!("{} {}", p.title, p.abstract_text);
        assert!(has_word_starting(&text, "transformer"), "{}", p.title);
    }
    // The fuzzy words are highlighted in the title.
    let titled = results
        .hits
        .iter()
        .find(|h| has_word_starting(&h.paper.title, "transformer"))
        .expect("a transformer paper");
    assert!(marked(&titled.title_snippet)
        .iter()
        .any(|m| m.to_lowercase().starts_with("transformer")));

    let exact = t.search("transformer");
    assert!(!exact.fuzzy);
    assert!(exact.notices.is_empty(), "{:?}", exact.notices);
    assert!(exact.total >= results.total);
}

#[test]
fn one_edit_matches_are_ranked_like_exact_ones_title_matches_first() {
    let t = TempLibrary::with_both_pages();
    // Each misspelt word's matches scored alike would come back in index order; ranked, the
    // papers with the words in their titles lead.
    for (typo, word) in [("trasnformer", "transformer"), ("positonal", "positional")] {
        let results = t.search(typo);
        assert!(results.fuzzy, "{typo}");
        let titled = t
            .all()
            .iter()
            .filter(|p| has_word_starting(&p.title, word))
            .count();
        assert!(
            titled > 0 && titled < results.total,
            "{typo}: {titled} titled"
        );
        let first = &results.hits[0].paper.title;
        assert!(
            has_word_starting(first, word),
            "{typo}: first hit {first:?}"
        );
        let scores: Vec<f32> = results.hits.iter().map(|h| h.score).collect();
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]) && scores[0] > scores[scores.len() - 1],
            "{typo}: scores {scores:?}"
        );
    }
    // Two misspelt words: both must match, the paper with both in its title first.
    let results = t.search("positonal encodng");
    assert!(results.fuzzy);
    let first = &results.hits[0].paper.title;
    assert!(
        has_word_starting(first, "positional") && has_word_starting(first, "encoding"),
        "{first:?}"
    );
}

#[test]
fn a_retry_loosens_only_the_words_the_library_does_not_have() {
    let t = TempLibrary::with_both_pages();
    let results = t.search("models lerning");
    assert!(results.fuzzy);
    assert!(results.total > 0);
    for hit in &results.hits {
        let p = t.lib().paper(&hit.paper.id).unwrap();
        let text = format!("{} {}", p.title, p.abstract_text);
        let words = words(&text);
        // "models" exists, so it is kept as typed (plural folded); "lerning" does not.
        assert!(
            words.iter().any(|w| w == "model" || w == "models"),
            "{}",
            p.title
        );
        assert!(
            has_word_starting(&text, "learning")
                || has_word_starting(&text, "leaning")
                || has_word_starting(&text, "earning"),
            "{}",
            p.title
        );
    }
    // A word being typed that begins nothing is loosened too, as a prefix.
    let typing = t.search("models lernin");
    assert!(typing.fuzzy && typing.total > 0);
}

#[test]
fn a_phrase_search_counts_its_matches_exactly() {
    let t = TempLibrary::with_both_pages();
    let results = t.search("\"positional encoding\"");
    assert!(results.total_exact);
    let expected = t
        .all()
        .iter()
        .filter(|p| {
            let p = t.lib().paper(&p.id).unwrap();
            let text = format!(
                "{} | {}",
                words(&p.title).join(" "),
                words(&p.abstract_text).join(" ")
            );
            text.contains("positional encoding")
        })
        .count();
    assert!(expected > 0);
    assert_eq!(results.total, expected);
}

#[test]
fn nothing_matching_even_fuzzily_is_an_empty_result_not_an_error() {
    let t = TempLibrary::with_both_pages();
    let results = t.search("zzqxjv");
    assert_eq!(results.total, 0);
    assert!(results.hits.is_empty());
    assert!(!results.fuzzy);
}

#[test]
fn a_bad_year_is_a_query_error_with_its_position() {
    let t = TempLibrary::with_both_pages();
    match t.lib().search("graph year:abc", &Default::default()) {
        Err(Error::Query { position, reason }) => {
            assert_eq!(position, 11);
            assert!(reason.contains("year"), "{reason}");
        }
        other => panic!("expected a query error, got {other:?}"),
    }
    match t.lib().search("year:2023..2019", &Default::default()) {
        Err(Error::Query { position, .. }) => assert_eq!(position, 5),
        other => panic!("expected a query error, got {other:?}"),
    }
    match t.lib().search("status:later", &Default::default()) {
        Err(Error::Query { position, reason }) => {
            assert_eq!(position, 7);
            assert!(reason.contains("to-read"), "{reason}");
        }
        other => panic!("expected a query error, got {other:?}"),
    }
}

#[test]
fn an_unbalanced_quote_runs_to_the_end_with_a_notice() {
    let t = TempLibrary::with_both_pages();
    let results = t.search("\"positional encodings");
    assert!(results.total > 0);
    assert_eq!(results.notices.len(), 1, "{:?}", results.notices);
    assert_eq!(results.total, t.search("\"positional encodings\"").total);
}

#[test]
fn malformed_queries_never_panic() {
    let t = TempLibrary::with_both_pages();
    for query in [
        "",
        " ",
        "-",
        "\"",
        "\"\"",
        "title:",
        "title:\"",
        "-title:",
        "author:",
        "tag:",
        "-tag:",
        "status:",
        "year:",
        "year:..",
        "year:-5",
        "year:99999999999999999999",
        "::",
        "--",
        "- -",
        "-\"",
        "a\"b\"c",
        "ü:ü",
        "*",
        "?",
        "(",
        "[positional",
        "AND OR NOT",
        "title:\"\"",
        "\u{0}",
        "🤗",
        "e\u{301}",
        &"graph ".repeat(200),
    ] {
        match t.lib().search(query, &Default::default()) {
            Ok(r) => assert!(r.hits.len() <= 20),
            Err(Error::Query { .. }) => {}
            Err(e) => panic!("{query:?}: unexpected error {e:?}"),
        }
    }
}

#[test]
fn highlights_fall_on_char_boundaries_and_mark_the_query_words() {
    let t = TempLibrary::with_both_pages();
    let title = "Schrödinger Bridges für Encodings: Ünïcode Tests 東京";
    t.lib()
        .add_papers(
            &[NewPaper {
                title: title.into(),
                abstract_text: format!(
                    "{} Schrödinger bridges meet positional encodings. {}",
                    "Ééé ".repeat(80),
                    "ü東 ".repeat(80)
                ),
                ..Default::default()
            }],
            "test",
            "doc",
        )
        .unwrap();

    let results = t.search("schrodinger bridges ");
    assert_eq!(results.hits[0].paper.title, title);
    let hit = &results.hits[0];
    assert_highlights_well_formed(&hit.title_snippet);
    assert_eq!(marked(&hit.title_snippet), ["Schrödinger", "Bridges"]);
    assert_highlights_well_formed(&hit.abstract_snippet);
    assert_eq!(marked(&hit.abstract_snippet), ["Schrödinger", "bridges"]);
    assert!(hit.abstract_snippet.text.starts_with('…'));

    // Across many queries and papers, every highlight is well formed and marks a query word.
    for (query, stems) in [
        ("positional encodings ", &["positional", "encoding"][..]),
        ("neural representations ", &["neural", "representation"][..]),
        ("brain enc", &["brain", "enc"][..]),
        ("\"language models\"", &["language", "model"][..]),
        ("title:sparse", &["sparse"][..]),
        ("unicode", &["unicode"][..]),
    ] {
        let results = t.search(query);
        assert!(results.total > 0, "{query}");
        for hit in &results.hits {
            for snippet in [&hit.title_snippet, &hit.abstract_snippet] {
                assert_highlights_well_formed(snippet);
                for m in marked(snippet) {
                    let w = words(m).join(" ");
                    assert!(
                        stems.iter().any(|s| w.starts_with(s)),
                        "{query}: marked {m:?} in {:?}",
                        snippet.text
                    );
                }
            }
        }
        // The title snippet is the title itself.
        assert!(results
            .hits
            .iter()
            .all(|h| h.title_snippet.text == h.paper.title));
    }
}

#[test]
fn titles_come_back_as_plain_text_never_html() {
    let t = TempLibrary::new();
    let title = "Rendering <img src=x onerror=alert(1)> & \"quotes\" in Titles";
    t.lib()
        .add_papers(
            &[NewPaper {
                title: title.into(),
                abstract_text: "An abstract with <script>alert('x')</script> & <b>tags</b>.".into(),
                ..Default::default()
            }],
            "test",
            "doc",
        )
        .unwrap();
    for query in ["rendering", "onerror", "img src", "script"] {
        let results = t.search(query);
        assert_eq!(results.hits.len(), 1, "{query}");
        let hit = &results.hits[0];
        assert_eq!(hit.paper.title, title);
        assert_eq!(hit.title_snippet.text, title);
        assert_highlights_well_formed(&hit.title_snippet);
        assert_eq!(
            hit.abstract_snippet.text,
            "An abstract with <script>alert('x')</script> & <b>tags</b>."
        );
        for text in [&hit.title_snippet.text, &hit.abstract_snippet.text] {
            assert!(!text.contains("&lt;") && !text.contains("&amp;") && !text.contains("<mark"));
        }
    }
    let marked_words = marked(&t.search("onerror").hits[0].title_snippet)
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    assert_eq!(marked_words, ["onerror"]);
    // Serialised, the title is still the same string.
    let json = serde_json::to_value(&t.search("onerror").hits[0]).unwrap();
    assert_eq!(json["title"], title);
    assert_eq!(json["titleSnippet"]["text"], title);
}

#[test]
fn limit_and_offset_page_through_results_in_order() {
    let t = TempLibrary::with_both_pages();
    let all = t.search("representations ");
    assert!(all.total > 30);
    let page = |offset: usize| {
        t.lib()
            .search(
                "representations ",
                &papershelf_core::SearchOptions { limit: 10, offset },
            )
            .unwrap()
    };
    let first = page(0);
    let second = page(10);
    assert_eq!(first.total, all.total);
    assert_eq!(first.hits.len(), 10);
    let ids: Vec<_> = first
        .hits
        .iter()
        .chain(&second.hits)
        .map(|h| h.paper.id.clone())
        .collect();
    let expected: Vec<_> = all
        .hits
        .iter()
        .take(20)
        .map(|h| h.paper.id.clone())
        .collect();
    assert_eq!(ids, expected);
    let scores: Vec<f32> = all.hits.iter().map(|h| h.score).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "scores not descending"
    );
}

#[test]
fn the_hf_parser_and_the_library_agree_on_titles() {
    // Guards the ranking test above: it loops over what the library stores.
    let t = TempLibrary::with_both_pages();
    let stored: HashSet<String> = t.all().into_iter().map(|p| p.title).collect();
    for name in [ENCODING_PAGE, REPRESENTATIONS_PAGE] {
        for p in hf_page::parse(&hf_page_text(name)).papers {
            assert!(stored.contains(&p.title), "{}", p.title);
        }
    }
}

#[test]
fn a_phrase_finds_adjacent_words_in_any_one_field_and_never_across_fields_or_gaps() {
    let t = TempLibrary::new();
    let long = "x".repeat(60);
    let paper = |title: &str, abstract_text: &str| NewPaper {
        title: title.into(),
        abstract_text: abstract_text.into(),
        ..Default::default()
    };
    t.lib()
        .add_papers(
            &[
                paper(
                    "Sparse Graph Attention for Molecules",
                    "A study of molecules.",
                ),
                paper("Molecule models", "We apply graph attention to proteins."),
                paper("Notes only", "Nothing here."),
                paper("Tagged only", "Nothing here either."),
                // The title ends with one word, the abstract starts with the other.
                paper("Learning on a graph", "Attention is elsewhere."),
                // A word too long to index sits between them: no phrase spans it.
                paper("Gapped", &format!("a graph {long} attention model")),
                // Both words, never adjacent.
                paper("Attention over a graph", "graphs with attention heads"),
                // Plural folding applies to phrases as to words.
                paper("Graphs Attentions", "Plural forms."),
            ],
            "test",
            "doc",
        )
        .unwrap();
    let id = |title: &str| t.by_title(title).id;
    t.lib()
        .set_note(&id("Notes only"), "Try graph attention here.")
        .unwrap();
    t.lib()
        .add_tags(&id("Tagged only"), &["graph-attention".to_string()])
        .unwrap();

    let mut found = t.titles("\"graph attention\"");
    found.sort();
    assert_eq!(
        found,
        [
            "Graphs Attentions",
            "Molecule models",
            "Notes only",
            "Sparse Graph Attention for Molecules",
            "Tagged only",
        ],
    );
    // Fielded phrases keep to their field.
    assert_eq!(
        t.titles("abstract:\"graph attention\""),
        ["Molecule models"]
    );
    let mut in_titles = t.titles("title:\"graph attention\"");
    in_titles.sort();
    assert_eq!(
        in_titles,
        ["Graphs Attentions", "Sparse Graph Attention for Molecules"]
    );
    // Three words: every adjacent pair must be there, in order.
    assert_eq!(
        t.titles("\"sparse graph attention\""),
        ["Sparse Graph Attention for Molecules"]
    );
    assert!(t.titles("\"attention graph sparse\"").is_empty());
    // Excluding the phrase leaves exactly the others.
    let mut rest = t.titles("-\"graph attention\" graph");
    rest.sort();
    assert_eq!(
        rest,
        ["Attention over a graph", "Gapped", "Learning on a graph"]
    );
}
