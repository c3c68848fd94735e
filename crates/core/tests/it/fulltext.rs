//! The text inside a paper's PDF and the annotations anchored in it, on a real library with
//! the real extractor (poppler's pdftotext, in a child process): PDFs made here with known
//! text, the openly licensed hostile files copied into the fixtures, and the real arXiv papers
//! from the shared fixtures folder beside the project.

use std::path::PathBuf;
use std::time::Duration;

use papershelf_core::fulltext::{ExtractError, Extractor, Limits};
use papershelf_core::pdfs::NewPdf;
use papershelf_core::{
    AnnotationChange, AnnotationKind, Error, ErrorCode, NewAnnotation, NewPaper, PaperId,
    QuoteAnnotation, ReadingPosition,
};
use papershelf_testkit::pdf::make_pdf;

use crate::support::*;

/// A library with one paper holding `pdf`; returns the paper's id.
fn library_with_pdf(pdf: &[u8]) -> (TempLibrary, PaperId) {
    let t = TempLibrary::new();
    let paper = NewPaper {
        title: "Dense Passage Retrieval".into(),
        ..Default::default()
    };
    t.lib().add_papers(&[paper], "test", "test").unwrap();
    let id = t.all()[0].id.clone();
    t.lib().store_pdf(&id, pdf, "file:test.pdf", None).unwrap();
    (t, id)
}

fn library_with_file(path: &std::path::Path) -> (TempLibrary, PaperId) {
    library_with_pdf(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// A PDF of the shared fixtures (the arXiv papers may not be copied into the project): a
/// clear failure when the folder is not beside the project.
fn shared_pdf(name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/pdf")
        .join(name);
    assert!(
        path.is_file(),
        "{} is missing: these tests read the real arXiv PDFs from the shared fixtures folder \
         beside the project (../shared/fixtures/pdf), which may not be committed",
        path.display()
    );
    path
}

fn three_pages() -> Vec<u8> {
    make_pdf(&[
        &[
            "Dense Passage Retrieval",
            "for Open-Domain Question Answering",
        ],
        &[
            "we train a better dense repre-",
            "sentation of passages using BM25",
            "negatives (Smith et al.)",
        ],
        &["BM25 is a strong baseline", "and BM25 again"],
    ])
}

#[test]
fn a_pdfs_text_is_read_page_by_page_once_and_kept() {
    let (t, id) = library_with_pdf(&three_pages());
    let text = t.lib().pdf_text(&id, None).unwrap();
    assert_eq!((text.page_count, text.pages_with_text), (3, 3));
    assert!(
        text.extractor.starts_with("pdftotext "),
        "{}",
        text.extractor
    );
    let pages: Vec<u32> = text.pages.iter().map(|p| p.page).collect();
    assert_eq!(pages, [1, 2, 3]);
    assert!(text.pages[0].text.contains("Dense Passage Retrieval"));
    assert!(text.pages[1].text.contains("negatives (Smith et al.)"));

    let second = t.lib().pdf_text(&id, Some(2)).unwrap();
    assert_eq!(second.pages.len(), 1);
    assert_eq!(second.pages[0], text.pages[1]);

    let err = t.lib().pdf_text(&id, Some(4)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().contains("it has 3 pages"), "{err}");

    let stats = t.lib().stats().unwrap();
    assert_eq!(
        (stats.pdfs, stats.pdfs_with_text, stats.pdf_pages_with_text),
        (1, 1, 3)
    );
    // The papers count is still papers, whatever the PDFs hold.
    assert_eq!(stats.papers, 1);
}

#[test]
fn a_paper_without_a_pdf_says_how_to_get_one() {
    let t = TempLibrary::new();
    t.lib()
        .add_papers(
            &[NewPaper {
                title: "No PDF".into(),
                ..Default::default()
            }],
            "t",
            "t",
        )
        .unwrap();
    let id = t.all()[0].id.clone();
    let err = t.lib().pdf_text(&id, None).unwrap_err();
    assert!(matches!(err, Error::NoPdf(_)), "{err:?}");
    assert!(err.to_string().contains("papershelf pdf fetch"), "{err}");
    let err = t
        .lib()
        .annotate_quote(
            &id,
            &QuoteAnnotation {
                quote: "x".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::NoPdf(_)), "{err:?}");
}

#[test]
fn a_quote_anchors_across_line_breaks_and_hyphenation_with_its_context() {
    let (t, id) = library_with_pdf(&three_pages());
    let made = t
        .lib()
        .annotate_quote(
            &id,
            &QuoteAnnotation {
                quote: "a better dense representation of passages".into(),
                comment: Some("the method".into()),
                color: Some("blue".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let a = &made.annotation;
    assert_eq!((made.occurrences, made.pages.as_slice()), (1, &[2][..]));
    assert_eq!(a.page, 2);
    assert_eq!(a.kind, AnnotationKind::Highlight);
    assert_eq!(a.color, "#2ea8e5");
    assert_eq!(a.comment, "the method");
    // The stored quote is the PDF's own text (poppler joins the hyphenated word and its
    // lines itself).
    assert_eq!(
        a.quote.as_deref(),
        Some("a better dense representation of passages")
    );
    assert_eq!(a.quote_prefix.as_deref(), Some("we train "));
    assert!(a
        .quote_suffix
        .as_deref()
        .unwrap()
        .starts_with(" using BM25"));
    let page = &t.lib().pdf_text(&id, Some(2)).unwrap().pages[0].text;
    let offset = a.quote_offset.unwrap() as usize;
    let at: String = page.chars().skip(offset).take(8).collect();
    assert_eq!(at, "a better");
    assert_eq!(a.id.len(), 36, "a UUID: {}", a.id);
    assert_eq!(a.pdf_sha256, t.lib().pdf(&id).unwrap().unwrap().sha256);
}

#[test]
fn a_repeated_quote_takes_the_first_occurrence_or_the_page_asked_for() {
    let (t, id) = library_with_pdf(&three_pages());
    let anywhere = t
        .lib()
        .annotate_quote(
            &id,
            &QuoteAnnotation {
                quote: "bm25".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(anywhere.occurrences, 3);
    assert_eq!(anywhere.pages, [2, 3]);
    assert_eq!(anywhere.annotation.page, 2);

    let on_three = t
        .lib()
        .annotate_quote(
            &id,
            &QuoteAnnotation {
                quote: "BM25".into(),
                page: Some(3),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(on_three.annotation.page, 3);
    assert_eq!(on_three.occurrences, 2);
    assert_eq!(on_three.annotation.quote_offset, Some(0));

    let listed = t.lib().annotations(&id).unwrap();
    assert_eq!(listed.iter().map(|a| a.page).collect::<Vec<_>>(), [2, 3]);
}

#[test]
fn a_quote_the_pdf_lacks_is_a_clear_error_and_stores_nothing() {
    let (t, id) = library_with_pdf(&three_pages());
    for (quote, page) in [("not in this paper", None), ("BM25 is a strong", Some(1))] {
        let err = t
            .lib()
            .annotate_quote(
                &id,
                &QuoteAnnotation {
                    quote: quote.into(),
                    page,
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert!(matches!(err, Error::QuoteNotFound { .. }), "{err:?}");
        assert_eq!(err.code(), ErrorCode::NotFound);
        assert!(err.to_string().contains(quote), "{err}");
    }
    let err = t
        .lib()
        .annotate_quote(
            &id,
            &QuoteAnnotation {
                quote: "BM25".into(),
                color: Some("chartreuse".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("unknown colour 'chartreuse'"),
        "{err}"
    );
    assert!(t.lib().annotations(&id).unwrap().is_empty());
    assert_eq!(t.lib().stats().unwrap().annotations, 0);
}

#[test]
fn annotations_from_the_reader_persist_change_and_delete_with_undo() {
    let (mut t, id) = library_with_pdf(&three_pages());
    let made = t
        .lib()
        .add_annotation(
            &id,
            &NewAnnotation {
                page: 1,
                page_label: Some("i".into()),
                rects: vec![[72.0, 700.0, 200.0, 712.0]],
                quote: Some("Dense Passage".into()),
                quote_offset: Some(0),
                ..Default::default()
            },
        )
        .unwrap();
    let note = t
        .lib()
        .add_annotation(
            &id,
            &NewAnnotation {
                kind: Some(AnnotationKind::Note),
                page: 3,
                rects: vec![[300.0, 400.0, 300.0, 400.0]],
                comment: Some("check this".into()),
                color: Some("#FF6666".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(note.color, "#ff6666");
    assert_eq!(made.color, "#ffd400");

    // Kept the moment it is made: a new process sees it.
    t.reopen();
    let listed = t.lib().annotations(&id).unwrap();
    assert_eq!(listed, vec![made.clone(), note.clone()]);

    let changed = t
        .lib()
        .update_annotation(
            &made.id,
            &AnnotationChange {
                color: Some("green".into()),
                comment: Some("key idea".into()),
                rects: None,
            },
        )
        .unwrap();
    assert_eq!(
        (changed.color.as_str(), changed.comment.as_str()),
        ("#5fb236", "key idea")
    );
    assert_eq!(changed.rects, made.rects);
    assert_eq!(changed.created, made.created);

    t.lib().delete_annotation(&made.id).unwrap();
    assert_eq!(t.lib().annotations(&id).unwrap(), vec![note.clone()]);
    assert_eq!(t.lib().stats().unwrap().annotations, 1);
    let err = t
        .lib()
        .update_annotation(&made.id, &AnnotationChange::default())
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    let back = t.lib().restore_annotation(&made.id).unwrap();
    assert_eq!(back.comment, "key idea");
    assert_eq!(t.lib().annotations(&id).unwrap().len(), 2);

    let err = t.lib().delete_annotation("no-such-id").unwrap_err();
    assert!(matches!(err, Error::AnnotationNotFound(_)), "{err:?}");
}

#[test]
fn bad_annotations_are_refused_with_a_reason() {
    let (t, id) = library_with_pdf(&three_pages());
    let cases: Vec<(NewAnnotation, &str)> = vec![
        (
            NewAnnotation {
                page: 0,
                quote: Some("x".into()),
                ..Default::default()
            },
            "from 1",
        ),
        (
            NewAnnotation {
                page: 1,
                ..Default::default()
            },
            "needs the text",
        ),
        (
            NewAnnotation {
                page: 1,
                rects: vec![[f64::NAN, 0.0, 1.0, 1.0]],
                ..Default::default()
            },
            "finite",
        ),
        (
            NewAnnotation {
                page: 1,
                quote: Some("x".into()),
                pdf_sha256: Some("00".repeat(32)),
                ..Default::default()
            },
            "not one of the PDFs",
        ),
        (
            NewAnnotation {
                page: 1,
                quote: Some("x".into()),
                comment: Some("c".repeat(100_001)),
                ..Default::default()
            },
            "longer than",
        ),
    ];
    for (new, why) in cases {
        let err = t.lib().add_annotation(&id, &new).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
        assert!(err.to_string().contains(why), "{err} lacks {why}");
    }
    assert!(t.lib().annotations(&id).unwrap().is_empty());
}

#[test]
fn emptying_the_trash_takes_a_papers_annotations_and_text_with_it() {
    let (t, id) = library_with_pdf(&three_pages());
    t.lib()
        .annotate_quote(
            &id,
            &QuoteAnnotation {
                quote: "BM25".into(),
                ..Default::default()
            },
        )
        .unwrap();
    t.lib().delete_papers(std::slice::from_ref(&id)).unwrap();
    // In the trash: kept, but not counted.
    assert_eq!(t.lib().stats().unwrap().annotations, 0);
    t.lib().restore_papers(std::slice::from_ref(&id)).unwrap();
    assert_eq!(t.lib().annotations(&id).unwrap().len(), 1);
    t.lib().delete_papers(std::slice::from_ref(&id)).unwrap();
    t.lib().empty_trash(None).unwrap();
    let stats = t.lib().stats().unwrap();
    assert_eq!(
        (stats.pdfs, stats.pdfs_with_text, stats.annotations),
        (0, 0, 0)
    );
}

#[test]
fn hostile_pdfs_give_their_text_or_a_clear_reason_and_the_library_goes_on() {
    // Opens with the empty user password despite "no copy": the text is the user's to search.
    let (t, id) = library_with_file(&fixture("pdf/encrypted-owner-only-nocopy.pdf"));
    let text = t.lib().pdf_text(&id, None).unwrap();
    assert!(
        text.pages[0].text.contains("This is a test document"),
        "{text:?}"
    );

    // A password nobody gave: a clear reason, kept, and asked again it is the same.
    let (t, id) = library_with_file(&fixture("pdf/encrypted-user-password-openpassword.pdf"));
    for _ in 0..2 {
        let err = t.lib().pdf_text(&id, None).unwrap_err();
        assert!(matches!(err, Error::PdfUnreadable { .. }), "{err:?}");
        assert!(
            err.to_string().contains("encrypted with a password"),
            "{err}"
        );
    }
    assert_eq!(t.lib().stats().unwrap().pdfs_with_text, 0);
    // The library still works.
    assert_eq!(t.lib().stats().unwrap().papers, 1);

    // JavaScript is never run by the extractor; the page text still comes out.
    let (t, id) = library_with_file(&fixture("pdf/javascript-openaction.pdf"));
    assert!(t.lib().pdf_text(&id, None).unwrap().pages[0]
        .text
        .contains("JavaScript example"));

    // A scanned page has no text layer: one page, none with text, no error.
    let (t, id) = library_with_file(&fixture("pdf/scanned-image-only-c03-29.pdf"));
    let text = t.lib().pdf_text(&id, None).unwrap();
    assert_eq!((text.page_count, text.pages_with_text), (1, 0));

    // A broken cross-reference table is rebuilt: all 18 pages.
    let (t, id) = library_with_file(&fixture("pdf/broken-xref-govdocs1-073439.pdf"));
    let text = t.lib().pdf_text(&id, None).unwrap();
    assert_eq!(text.page_count, 18);
    assert!(text.pages_with_text >= 17, "{}", text.pages_with_text);
    assert!(text.pages[0].text.contains("SOE"), "{}", text.pages[0].text);

    // Right-to-left text comes back in reading order, without direction marks.
    let (t, id) = library_with_file(&fixture("pdf/arabic-rtl-habibi.pdf"));
    let page = &t.lib().pdf_text(&id, None).unwrap().pages[0].text;
    assert!(
        page.contains("\u{62D}\u{64E}\u{628}\u{64A}\u{628}\u{64A}"),
        "{page:?}"
    );
    assert!(page.contains("habibi"));
    assert!(!page.chars().any(|c| ('\u{202A}'..='\u{202E}').contains(&c)));
    let made = t
        .lib()
        .annotate_quote(
            &id,
            &QuoteAnnotation {
                quote: "habibi".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(made.annotation.page, 1);
}

#[test]
fn the_extractor_is_stopped_at_its_limits() {
    let pdf = fixture("pdf/broken-xref-govdocs1-073439.pdf");
    let timed = Extractor::from_env().with_limits(Limits {
        timeout: Duration::from_millis(1),
        ..Limits::default()
    });
    assert!(matches!(
        timed.extract(&pdf),
        Err(ExtractError::TimedOut { .. })
    ));

    // 16 MiB of address space is not enough to start poppler: it ends, and says so.
    let starved = Extractor::from_env().with_limits(Limits {
        memory_bytes: 16 << 20,
        ..Limits::default()
    });
    let err = starved.extract(&pdf).unwrap_err();
    assert!(
        matches!(
            err,
            ExtractError::Crashed { .. } | ExtractError::Damaged { .. }
        ),
        "{err:?}"
    );

    let chatty = Extractor::from_env().with_limits(Limits {
        max_text_bytes: 1000,
        ..Limits::default()
    });
    assert!(matches!(
        chatty.extract(&pdf),
        Err(ExtractError::TooMuchText { .. })
    ));
}

#[test]
fn real_arxiv_papers_give_every_page_and_anchor_a_quote() {
    for (name, pages) in [
        ("arxiv-2004.04906v3.pdf", 13),
        ("arxiv-2201.09329v1.pdf", 28),
        ("arxiv-2210.03629v2.pdf", 31),
        ("arxiv-2407.10671v4.pdf", 26),
    ] {
        let (t, id) = library_with_file(&shared_pdf(name));
        let text = t.lib().pdf_text(&id, None).unwrap();
        assert_eq!(text.page_count, pages, "{name}");
        // A page that is one figure has no text; nine in ten pages have.
        assert!(
            text.pages_with_text * 10 >= pages * 9,
            "{name}: {}",
            text.pages_with_text
        );
        assert!(text.pages.iter().all(|p| !p.garbled), "{name}");
    }
    let (t, id) = library_with_file(&shared_pdf("arxiv-2004.04906v3.pdf"));
    let made = t
        .lib()
        .annotate_quote(
            &id,
            &QuoteAnnotation {
                quote: "Our Dense Passage Retriever (DPR) is exceptionally strong".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!((made.annotation.page, made.occurrences), (2, 1));
}

#[test]
fn damaged_chinese_and_fontless_pdfs_from_the_shared_fixtures() {
    let hostile = |name: &str| shared_pdf(&format!("hostile/{name}"));
    for name in [
        "truncated-arxiv-2004.04906v3-first-196608-bytes.pdf",
        "huge-page-count-and-size-poppler-85140-0.pdf",
    ] {
        let (t, id) = library_with_file(&hostile(name));
        let err = t.lib().pdf_text(&id, None).unwrap_err();
        assert!(
            matches!(err, Error::PdfUnreadable { .. }),
            "{name}: {err:?}"
        );
        assert!(err.to_string().contains("damaged or incomplete"), "{err}");
    }

    let (t, id) = library_with_file(&hostile("cjk-chinese-type3-with-tounicode.pdf"));
    let text = t.lib().pdf_text(&id, None).unwrap();
    assert!(text.pages[0].text.contains("热化学方程式"));
    let made = t
        .lib()
        .annotate_quote(
            &id,
            &QuoteAnnotation {
                quote: "热化学方程式".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(made.annotation.quote.as_deref(), Some("热化学方程式"));

    // Glyphs without a Unicode map come out as control characters: flagged, not stored.
    let (t, id) = library_with_file(&hostile("no-tounicode-type3-garbage-text.pdf"));
    let text = t.lib().pdf_text(&id, None).unwrap();
    assert_eq!((text.page_count, text.pages_with_text), (1, 0));
    assert!(text.pages[0].garbled);
    assert!(text.pages[0].text.is_empty());
}

#[test]
fn fulltext_and_annotation_searches_find_the_page_and_follow_changes() {
    let (mut t, id) = library_with_pdf(&three_pages());
    // Before the text is read, the body's words find nothing.
    assert_eq!(t.search("fulltext:negatives").total, 0);
    t.lib().read_pdf_text(&id).unwrap();

    let found = t.search("fulltext:negatives");
    assert_eq!(found.total, 1);
    let page = found.hits[0]
        .fulltext_snippet
        .clone()
        .expect("a page snippet");
    assert_eq!(page.page, 2);
    let marked: Vec<&str> = page
        .highlights
        .iter()
        .map(|h| &page.text[h.start..h.end])
        .collect();
    assert_eq!(marked, ["negatives"]);
    // The page with the most matches is the one shown.
    assert_eq!(
        t.search("ft:bm25").hits[0]
            .fulltext_snippet
            .as_ref()
            .unwrap()
            .page,
        3
    );
    // A phrase does not run across a page break.
    assert_eq!(t.search(r#"fulltext:"answering we train""#).total, 0);
    assert_eq!(t.search(r#"fulltext:"strong baseline""#).total, 1);
    // The title's words do not need the PDF: no page is read for them.
    assert!(t.search("dense").hits[0].fulltext_snippet.is_none());

    let made = t
        .lib()
        .annotate_quote(
            &id,
            &QuoteAnnotation {
                quote: "strong baseline".into(),
                comment: Some("compare with ColBERT".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(t.search("annotation:colbert").total, 1);
    assert_eq!(t.search(r#"annotation:"strong baseline""#).total, 1);
    t.lib().delete_annotation(&made.annotation.id).unwrap();
    assert_eq!(t.search("annotation:colbert").total, 0);
    t.lib().restore_annotation(&made.annotation.id).unwrap();

    // A rebuilt index, in a new process, holds the same.
    t.reopen();
    t.lib().reindex().unwrap();
    assert_eq!(t.search("fulltext:negatives").total, 1);
    assert_eq!(t.search("annotation:colbert").total, 1);
    assert_eq!(t.lib().stats().unwrap().indexed, 1);

    // In the trash, none of it is found.
    t.lib().delete_papers(std::slice::from_ref(&id)).unwrap();
    assert_eq!(t.search("fulltext:negatives").total, 0);
    assert_eq!(t.search("annotation:colbert").total, 0);
}

#[test]
fn bare_words_find_a_pdfs_pages_and_highlights_below_the_metadata() {
    let (t, id) = library_with_pdf(&three_pages());
    t.lib().read_pdf_text(&id).unwrap();
    t.lib()
        .add_papers(
            &[NewPaper {
                title: "Hard negatives for contrastive learning".into(),
                ..Default::default()
            }],
            "test",
            "test",
        )
        .unwrap();
    let page_of = |hit: &papershelf_core::SearchHit| {
        let page = hit.fulltext_snippet.clone().expect("a page snippet");
        let marked: Vec<String> = page
            .highlights
            .iter()
            .map(|h| page.text[h.start..h.end].to_string())
            .collect();
        (page.page, marked)
    };

    // On a page only: found, after the paper whose title has it, with the page.
    for query in ["negatives", "negatives "] {
        let found = t.search(query);
        assert_eq!(found.total, 2, "{query}");
        assert_eq!(
            found.hits[0].paper.title,
            "Hard negatives for contrastive learning"
        );
        assert!(found.hits[0].fulltext_snippet.is_none());
        assert_eq!(found.hits[1].paper.id, id);
        assert_eq!(page_of(&found.hits[1]), (2, vec!["negatives".to_string()]));
    }
    // A word being typed completes on the pages too.
    assert_eq!(t.search("negati").total, 2);
    // Words spread over the title and the pages of one paper; all of them still needed.
    let found = t.search("dense negatives");
    assert_eq!(found.total, 1);
    assert_eq!(page_of(&found.hits[0]).0, 2);
    let found = t.search("retrieval baseline bm25");
    assert_eq!(found.total, 1);
    assert_eq!(
        page_of(&found.hits[0]).0,
        3,
        "the page with the most matches"
    );
    assert_eq!(t.search("negatives colbert ").total, 0);
    // A phrase within one page, not across a page break.
    assert_eq!(t.search(r#""strong baseline""#).total, 1);
    assert_eq!(t.search(r#""answering we train""#).total, 0);
    // Words of the metadata alone read no page.
    for query in ["dense", "retrieval ", "passage retrieval", "contrastive"] {
        let found = t.search(query);
        assert!(found.total >= 1, "{query}");
        assert!(
            found.hits.iter().all(|h| h.fulltext_snippet.is_none()),
            "{query}"
        );
    }
    // Excluding a word looks at the metadata only.
    assert_eq!(t.search("retrieval -negatives").total, 1);

    // A highlight's comment is the user's own words: found by bare words.
    t.lib()
        .annotate_quote(
            &id,
            &QuoteAnnotation {
                quote: "strong baseline".into(),
                comment: Some("compare with ColBERT".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let found = t.search("colbert");
    assert_eq!(found.total, 1);
    assert_eq!(found.hits[0].paper.id, id);
    assert_eq!(t.search("negatives colbert").total, 1);

    // Other orders hold the same papers.
    let newest = t
        .lib()
        .browse(&papershelf_core::BrowseRequest {
            query: "negatives".into(),
            sort: Some(papershelf_core::BrowseSort::Added),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(newest.total, 2);
    assert_eq!(newest.hits.len(), 2);
}

#[test]
fn the_count_with_pages_is_the_metadata_matches_plus_the_page_only_ones() {
    use papershelf_core::{BrowseRequest, BrowseSort, Status};
    // "dense" is in the PDF paper's title, "negatives" on its second page; the contrastive
    // paper's PDF holds both words; two papers hold both in their metadata (one of them also
    // in its PDF, counted once); one holds only "negatives" and matches nothing.
    let (t, dpr) = library_with_pdf(&three_pages());
    t.lib().read_pdf_text(&dpr).unwrap();
    let titles = [
        "Dense hard negatives",
        "Mining dense negatives at scale",
        "Contrastive learning",
        "Sparse negatives",
    ];
    let papers: Vec<NewPaper> = titles
        .iter()
        .map(|title| NewPaper {
            title: (*title).into(),
            ..Default::default()
        })
        .collect();
    t.lib().add_papers(&papers, "test", "test").unwrap();
    let id = |title: &str| {
        t.all()
            .into_iter()
            .find(|p| p.title == title)
            .unwrap_or_else(|| panic!("{title}"))
            .id
    };
    for title in ["Mining dense negatives at scale", "Contrastive learning"] {
        t.lib()
            .store_pdf(&id(title), &three_pages(), "file:copy.pdf", None)
            .unwrap();
    }
    let in_metadata = ["Dense hard negatives", "Mining dense negatives at scale"];
    let on_pages_only = ["Dense Passage Retrieval", "Contrastive learning"];
    let browse = |status: Option<Status>, tag: Option<&str>, facets: bool, sort, offset| {
        t.lib()
            .browse(&BrowseRequest {
                query: "dense negatives".into(),
                status,
                tag: tag.map(str::to_string),
                facets,
                sort,
                offset,
                limit: 10,
                ..Default::default()
            })
            .unwrap()
    };
    let tier = |hits: &[papershelf_core::SearchHit]| -> Vec<String> {
        let mut titles: Vec<String> = hits.iter().map(|h| h.paper.title.clone()).collect();
        titles.sort();
        titles
    };
    let sorted = |titles: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = titles.iter().map(|t| t.to_string()).collect();
        v.sort();
        v
    };

    // Unscoped: 2 in the metadata + 2 on the pages only, the metadata ones first.
    for facets in [false, true] {
        let found = browse(None, None, facets, Some(BrowseSort::Relevance), 0);
        assert_eq!(
            (found.total, found.total_exact),
            (4, true),
            "facets {facets}"
        );
        assert_eq!(found.hits.len(), 4);
        assert_eq!(tier(&found.hits[..2]), sorted(&in_metadata));
        assert_eq!(tier(&found.hits[2..]), sorted(&on_pages_only));
        assert!(found.hits[..2].iter().all(|h| h.fulltext_snippet.is_none()));
        assert!(found.hits[2..].iter().all(|h| h.fulltext_snippet.is_some()));
    }
    assert_eq!(t.search("dense negatives").total, 4);
    // A page past the metadata matches: the lower tier alone, the same total.
    let deeper = browse(None, None, false, Some(BrowseSort::Relevance), 3);
    assert_eq!((deeper.total, deeper.hits.len()), (4, 1));
    assert!(on_pages_only.contains(&deeper.hits[0].paper.title.as_str()));
    assert_eq!(
        browse(None, None, false, Some(BrowseSort::Added), 0).total,
        4
    );

    // Scoped: one of each tier in the scope.
    t.lib()
        .set_status(&id("Dense hard negatives"), Status::Reading)
        .unwrap();
    t.lib().set_status(&dpr, Status::Reading).unwrap();
    for title in [
        "Mining dense negatives at scale",
        "Contrastive learning",
        "Sparse negatives",
    ] {
        t.lib().add_tags(&id(title), &["x".to_string()]).unwrap();
    }
    for facets in [false, true] {
        let reading = browse(Some(Status::Reading), None, facets, None, 0);
        assert_eq!((reading.total, reading.total_exact), (2, true));
        let titles: Vec<&str> = reading
            .hits
            .iter()
            .map(|h| h.paper.title.as_str())
            .collect();
        assert_eq!(titles, ["Dense hard negatives", "Dense Passage Retrieval"]);
        let tagged = browse(None, Some("x"), facets, None, 0);
        assert_eq!((tagged.total, tagged.total_exact), (2, true));
        let titles: Vec<&str> = tagged.hits.iter().map(|h| h.paper.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Mining dense negatives at scale", "Contrastive learning"]
        );
    }
}

#[test]
fn a_second_paper_holding_the_same_pdf_is_found_by_its_text_too() {
    let (t, first) = library_with_pdf(&three_pages());
    t.lib().read_pdf_text(&first).unwrap();
    t.lib()
        .add_papers(
            &[NewPaper {
                title: "The same paper, another record".into(),
                ..Default::default()
            }],
            "test",
            "test",
        )
        .unwrap();
    let second = t.all().into_iter().find(|p| p.id != first).unwrap().id;
    t.lib()
        .store_pdf(&second, &three_pages(), "file:copy.pdf", None)
        .unwrap();
    // The text was read once for the file; linking it is enough.
    assert_eq!(t.search("fulltext:negatives").total, 2);
}

#[test]
fn many_files_are_stored_and_read_in_one_go_with_each_papers_outcome() {
    let t = TempLibrary::new();
    let titles = ["First", "Second, same file", "Third", "Fourth, no PDF"];
    let papers: Vec<NewPaper> = titles
        .iter()
        .map(|title| NewPaper {
            title: title.to_string(),
            ..Default::default()
        })
        .collect();
    t.lib().add_papers(&papers, "test", "test").unwrap();
    let id = |title: &str| t.by_title(title).id;
    let ids: Vec<PaperId> = titles.iter().map(|title| id(title)).collect();
    let other = make_pdf(&[&["nothing to see"], &["graph neural networks", "on graphs"]]);
    let file = |paper, bytes| NewPdf {
        paper,
        bytes,
        origin: "file:batch.pdf",
        version: None,
    };

    // One file that is not a PDF, or an unknown paper: nothing is stored.
    let unknown = PaperId::new("2401.99999");
    for bad in [
        file(&ids[0], b"not a pdf".as_slice()),
        file(&unknown, other.as_slice()),
    ] {
        let err = t
            .lib()
            .store_pdfs(&[file(&ids[2], &other), bad])
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput(_) | Error::PaperNotFound(_)),
            "{err:?}"
        );
        assert!(t.lib().pdfs(&ids[2]).unwrap().is_empty());
    }

    let pdf = three_pages();
    let stored = t
        .lib()
        .store_pdfs(&[
            file(&ids[0], &pdf),
            file(&ids[1], &pdf),
            file(&ids[2], &other),
        ])
        .unwrap();
    assert_eq!(stored.len(), 3);
    assert_eq!(stored[0].sha256, stored[1].sha256);
    assert_eq!(t.lib().pdf(&ids[2]).unwrap().unwrap(), stored[2]);

    let read = t.lib().read_pdf_texts(&ids).unwrap();
    let pages: Vec<_> = read[..3]
        .iter()
        .map(|r| {
            let r = r.as_ref().unwrap();
            (r.page_count, r.pages_with_text)
        })
        .collect();
    assert_eq!(pages, [(3, 3), (3, 3), (2, 2)]);
    assert!(matches!(read[3], Err(Error::NoPdf(_))), "{:?}", read[3]);
    // As one paper at a time would have stored it.
    let (single, single_id) = library_with_pdf(&pdf);
    single.lib().read_pdf_text(&single_id).unwrap();
    assert_eq!(
        t.lib().pdf_text(&ids[1], None).unwrap().pages,
        single.lib().pdf_text(&single_id, None).unwrap().pages
    );
    let found = t.search("fulltext:negatives");
    assert_eq!(found.total, 2);
    assert!(found
        .hits
        .iter()
        .all(|h| h.fulltext_snippet.as_ref().unwrap().page == 2));
    let graphs = t.search("graphs");
    assert_eq!(graphs.total, 1);
    assert_eq!(graphs.hits[0].fulltext_snippet.as_ref().unwrap().page, 2);

    // Read already: the same outcomes, nothing read again.
    let again = t.lib().read_pdf_texts(&ids[..3]).unwrap();
    for (a, b) in again.iter().zip(&read) {
        assert_eq!(a.as_ref().unwrap(), b.as_ref().unwrap());
    }
}

#[test]
fn add_to_note_quotes_highlights_with_their_pages_once() {
    let (t, id) = library_with_pdf(&three_pages());
    t.lib().set_note(&id, "My own words.").unwrap();
    let first = t
        .lib()
        .annotate_quote(
            &id,
            &QuoteAnnotation {
                quote: "strong baseline".into(),
                comment: Some("Compare with ColBERT.".into()),
                ..Default::default()
            },
        )
        .unwrap()
        .annotation;
    let second = t
        .lib()
        .annotate_quote(
            &id,
            &QuoteAnnotation {
                quote: "Dense Passage".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .annotation;

    let note = t
        .lib()
        .add_annotations_to_note(&id, std::slice::from_ref(&first.id))
        .unwrap();
    assert_eq!(
        note.body,
        "My own words.\n\n> strong baseline (p. 3)\n\nCompare with ColBERT.\n"
    );
    // All of them, in page order; the one already there is not added again.
    let note = t.lib().add_annotations_to_note(&id, &[]).unwrap();
    assert_eq!(
        note.body,
        "My own words.\n\n> strong baseline (p. 3)\n\nCompare with ColBERT.\n\n> Dense Passage (p. 1)\n"
    );
    let again = t.lib().add_annotations_to_note(&id, &[]).unwrap();
    assert_eq!(again.body, note.body);
    assert_eq!(t.search("note:colbert").total, 1);

    let err = t
        .lib()
        .add_annotations_to_note(&id, &["nope".into()])
        .unwrap_err();
    assert!(matches!(err, Error::AnnotationNotFound(_)), "{err:?}");
    assert_eq!(second.page, 1);
}

#[test]
fn markdown_notes_carry_the_annotations_and_an_import_leaves_them_out_of_the_note() {
    let (t, id) = library_with_pdf(&three_pages());
    t.lib().set_note(&id, "The note.").unwrap();
    t.lib()
        .annotate_quote(
            &id,
            &QuoteAnnotation {
                quote: "strong baseline".into(),
                comment: Some(
                    "Compare.\n<!-- /papershelf:annotations -->\nStill the comment.".into(),
                ),
                color: Some("green".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        t.lib()
            .export_markdown(&papershelf_core::ExportSelection::default(), dir.path())
            .unwrap(),
        1
    );
    let file = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("The note.\n"), "{text}");
    assert!(text.contains("## Annotations"), "{text}");
    assert!(
        text.contains("- **p. 3** · highlight · green `#5fb236`"),
        "{text}"
    );
    assert!(text.contains("  > strong baseline\n"), "{text}");
    // A comment line that looks like the block's end is indented, so it cannot end it.
    assert!(
        text.contains("  <!-- /papershelf:annotations -->\n  Still the comment."),
        "{text}"
    );

    let parsed = papershelf_core::interop::markdown::parse(&text);
    assert_eq!(parsed.records.len(), 1);
    assert_eq!(parsed.records[0].note.as_deref(), Some("The note."));
}

#[test]
fn arabic_without_its_vowel_signs_and_chinese_without_spaces_are_found() {
    let (t, id) = library_with_file(&fixture("pdf/arabic-rtl-habibi.pdf"));
    t.lib().read_pdf_text(&id).unwrap();
    // The page has حَبيبي with a fatha; the query has none.
    assert_eq!(
        t.search("fulltext:\u{62D}\u{628}\u{64A}\u{628}\u{64A}")
            .total,
        1
    );
    assert_eq!(t.search("fulltext:habibi").total, 1);
    // Bare words too, with the page.
    let found = t.search("\u{62D}\u{628}\u{64A}\u{628}\u{64A}");
    assert_eq!(found.total, 1);
    assert_eq!(found.hits[0].fulltext_snippet.as_ref().unwrap().page, 1);

    let (t, id) = library_with_file(&shared_pdf("hostile/cjk-chinese-type3-with-tounicode.pdf"));
    t.lib().read_pdf_text(&id).unwrap();
    for query in ["fulltext:化学方程式", "fulltext:热化学", "fulltext:反应物"] {
        let found = t.search(query);
        assert_eq!(found.total, 1, "{query}");
        let page = found.hits[0]
            .fulltext_snippet
            .clone()
            .expect("a page snippet");
        assert_eq!(page.page, 1);
        assert!(!page.highlights.is_empty(), "{query}");
    }
    assert_eq!(t.search("fulltext:学化热").total, 0);
    for query in ["化学方程式", "热化学 反应物"] {
        let found = t.search(query);
        assert_eq!(found.total, 1, "{query}");
        let page = found.hits[0]
            .fulltext_snippet
            .clone()
            .expect("a page snippet");
        assert_eq!(page.page, 1);
        assert!(!page.highlights.is_empty(), "{query}");
    }
}

#[test]
fn a_selection_from_the_reader_gets_the_quote_anchor_of_the_page_text() {
    let (t, id) = library_with_pdf(&three_pages());
    // pdf.js joins the lines of a selection with a newline and keeps the hyphen.
    let made = t
        .lib()
        .add_annotation(
            &id,
            &NewAnnotation {
                page: 2,
                rects: vec![[72.0, 700.0, 300.0, 712.0]],
                quote: Some("dense repre-\nsentation of passages".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(made.quote_offset, Some(18), "{made:?}");
    assert_eq!(made.quote_prefix.as_deref(), Some("we train a better "));
    assert!(
        made.quote_suffix
            .as_deref()
            .unwrap()
            .starts_with(" using BM25"),
        "{made:?}"
    );
    assert_eq!(made.rects, vec![[72.0, 700.0, 300.0, 712.0]]);

    // Text the extractor does not have (a formula, say) keeps the reader's quote and rectangles.
    let odd = t
        .lib()
        .add_annotation(
            &id,
            &NewAnnotation {
                page: 2,
                rects: vec![[72.0, 600.0, 90.0, 612.0]],
                quote: Some("∑ᵢ xᵢ".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(odd.quote.as_deref(), Some("∑ᵢ xᵢ"));
    assert_eq!(odd.quote_offset, None);
}

#[test]
fn lists_say_which_papers_have_a_pdf_and_how_many_highlights() {
    let (t, id) = library_with_pdf(&three_pages());
    t.lib()
        .add_papers(
            &[NewPaper {
                title: "No PDF here".into(),
                ..Default::default()
            }],
            "test",
            "test",
        )
        .unwrap();
    for quote in ["BM25 is", "and BM25"] {
        t.lib()
            .annotate_quote(
                &id,
                &QuoteAnnotation {
                    quote: quote.into(),
                    ..Default::default()
                },
            )
            .unwrap();
    }
    let gone = t.lib().annotations(&id).unwrap()[0].id.clone();
    t.lib().delete_annotation(&gone).unwrap();
    let all = t.all();
    let with = all.iter().find(|p| p.id == id).unwrap();
    let without = all.iter().find(|p| p.id != id).unwrap();
    assert!(with.has_pdf);
    assert_eq!(with.annotations, 1);
    assert!(!without.has_pdf);
    assert_eq!(without.annotations, 0);
}

#[test]
fn the_reader_gets_the_bytes_and_its_place_back() {
    let pdf = three_pages();
    let (mut t, id) = library_with_pdf(&pdf);
    let (file, bytes) = t.lib().pdf_bytes(&id, None).unwrap();
    assert_eq!(bytes, pdf);
    assert_eq!(t.lib().pdf_bytes(&id, Some(&file.sha256)).unwrap().1, pdf);
    let err = t.lib().pdf_bytes(&id, Some("00")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);

    assert_eq!(t.lib().reading_position(&id).unwrap(), None);
    let place = ReadingPosition {
        pdf_sha256: file.sha256.clone(),
        page: 3,
        page_top: 0.25,
        zoom: "1.5".into(),
    };
    t.lib().set_reading_position(&id, &place).unwrap();
    t.reopen();
    assert_eq!(t.lib().reading_position(&id).unwrap(), Some(place.clone()));

    for bad in [
        ReadingPosition {
            page: 0,
            ..place.clone()
        },
        ReadingPosition {
            zoom: "huge".into(),
            ..place.clone()
        },
        ReadingPosition {
            pdf_sha256: "00".into(),
            ..place.clone()
        },
    ] {
        let err = t.lib().set_reading_position(&id, &bad).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{bad:?}");
    }
    assert_eq!(t.lib().reading_position(&id).unwrap(), Some(place));
}

#[test]
fn annotations_are_carried_to_a_newer_version_by_their_quotes() {
    let (t, id) = library_with_pdf(&three_pages());
    let v1 = t.lib().pdf(&id).unwrap().unwrap().sha256;
    // v2: a new first page pushes the text down one page, and a sentence is gone.
    let v2_pdf = make_pdf(&[
        &["A new introduction", "BM25 is mentioned first here"],
        &[
            "Dense Passage Retrieval",
            "for Open-Domain Question Answering",
        ],
        &[
            "we train a better dense repre-",
            "sentation of passages using BM25",
        ],
        &["BM25 is a strong baseline", "and BM25 again"],
    ]);
    let v2 = t
        .lib()
        .store_pdf(&id, &v2_pdf, "file:v2.pdf", None)
        .unwrap()
        .sha256;
    // Selections made on v1 in the reader: their context comes from v1's page text.
    let on_v1 = |q: &str, page: u32| {
        t.lib()
            .add_annotation(
                &id,
                &NewAnnotation {
                    pdf_sha256: Some(v1.clone()),
                    page,
                    quote: Some(q.into()),
                    comment: Some(format!("on {q}")),
                    ..Default::default()
                },
            )
            .unwrap()
    };
    let dense = on_v1("dense representation", 2);
    // "BM25" occurs on pages 1, 3 and 4 of v2: the context ("a strong baseline") picks page 4.
    let strong = on_v1("BM25", 3);
    let gone = on_v1("negatives (Smith et al.)", 2);
    let pin = t
        .lib()
        .add_annotation(
            &id,
            &NewAnnotation {
                kind: Some(AnnotationKind::Note),
                pdf_sha256: Some(v1.clone()),
                page: 3,
                rects: vec![[100.0, 100.0, 100.0, 100.0]],
                comment: Some("pinned".into()),
                ..Default::default()
            },
        )
        .unwrap();

    let report = t.lib().carry_annotations(&id, &v1, &v2).unwrap();
    assert_eq!(report.not_found, vec![gone.id.clone()]);
    let page_of = |q: &str| {
        report
            .carried
            .iter()
            .find(|a| a.quote.as_deref().is_some_and(|x| x.contains(q)))
            .map(|a| (a.page, a.comment.clone(), a.pdf_sha256.clone()))
    };
    assert_eq!(
        page_of("dense"),
        Some((3, "on dense representation".into(), v2.clone()))
    );
    assert_eq!(page_of("BM25"), Some((4, "on BM25".into(), v2.clone())));
    let carried_pin = report
        .carried
        .iter()
        .find(|a| a.kind == AnnotationKind::Note)
        .unwrap();
    assert_eq!(
        (carried_pin.page, carried_pin.rects.clone()),
        (3, pin.rects.clone())
    );

    // The originals are deleted (restorably); the one not found stays on v1.
    let now = t.lib().annotations(&id).unwrap();
    assert_eq!(now.len(), 4);
    assert_eq!(now.iter().filter(|a| a.pdf_sha256 == v1).count(), 1);
    assert!(t.lib().restore_annotation(&dense.id).is_ok());
    assert!(t.lib().restore_annotation(&strong.id).is_ok());

    let err = t.lib().carry_annotations(&id, &v1, "00").unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
}
