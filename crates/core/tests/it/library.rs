//! Importing Hugging Face pages and snapshots: exact counts, idempotency and merging; notes,
//! tags and status round-trips.

use std::collections::{HashMap, HashSet};

use papershelf_core::text::normalize_title;
use papershelf_core::{ListFilter, NewPaper, PaperId, Status};

use crate::support::*;

/// Normalised titles that appear on both Hugging Face pages.
fn shared_title_keys() -> HashSet<String> {
    let encoding: HashSet<String> = hf_page_papers(ENCODING_PAGE)
        .iter()
        .map(|p| normalize_title(&p.title))
        .collect();
    hf_page_papers(REPRESENTATIONS_PAGE)
        .iter()
        .map(|p| normalize_title(&p.title))
        .filter(|k| encoding.contains(k))
        .collect()
}

/// `modified_at` of every work, by id.
fn modified_times(t: &TempLibrary) -> HashMap<PaperId, String> {
    t.all()
        .into_iter()
        .map(|p| {
            let paper = t.lib().paper(&p.id).expect("listed paper loads");
            (p.id, paper.modified_at)
        })
        .collect()
}

#[test]
fn the_encoding_page_parses_to_exactly_35_papers() {
    let papers = hf_page_papers(ENCODING_PAGE);
    assert_eq!(papers.len(), 35);
    let t = TempLibrary::new();
    let report = t.import_page(ENCODING_PAGE);
    assert_eq!(
        (report.added, report.updated, report.unchanged),
        (35, 0, 0),
        "{report:?}"
    );
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(report.origin, ENCODING_PAGE);
    assert_eq!(t.lib().stats().unwrap().papers, 35);
}

#[test]
fn the_representations_page_parses_to_exactly_199_papers() {
    let papers = hf_page_papers(REPRESENTATIONS_PAGE);
    assert_eq!(papers.len(), 199);
    let t = TempLibrary::new();
    let report = t.import_page(REPRESENTATIONS_PAGE);
    assert_eq!(
        (report.added, report.updated, report.unchanged),
        (199, 0, 0),
        "{report:?}"
    );
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(t.lib().stats().unwrap().papers, 199);
}

#[test]
fn the_two_pages_share_exactly_8_titles() {
    assert_eq!(shared_title_keys().len(), 8, "{:?}", shared_title_keys());
}

#[test]
fn importing_both_pages_gives_226_works_and_the_shared_8_are_merged_not_added() {
    let t = TempLibrary::new();
    t.import_page(ENCODING_PAGE);
    // The representations page shows the shared papers without a trailer (no date, no author
    // count), so they add nothing to what the encoding page said: unchanged.
    let report = t.import_page(REPRESENTATIONS_PAGE);
    assert_eq!(
        (report.added, report.updated, report.unchanged),
        (191, 0, 8),
        "{report:?}"
    );
    let stats = t.lib().stats().unwrap();
    assert_eq!(stats.papers, 226);
    assert_eq!(stats.indexed, 226);
    assert_eq!(t.all().len(), 226);
}

#[test]
fn importing_both_pages_in_the_other_order_updates_the_shared_8_with_the_trailer_data() {
    let t = TempLibrary::new();
    t.import_page(REPRESENTATIONS_PAGE);
    // Now the encoding page brings dates and author counts the shared papers lacked.
    let report = t.import_page(ENCODING_PAGE);
    assert_eq!(
        (report.added, report.updated, report.unchanged),
        (27, 8, 0),
        "{report:?}"
    );
    assert_eq!(t.lib().stats().unwrap().papers, 226);
    let merged = t.by_title("Visio-Linguistic Brain Encoding");
    assert_eq!(merged.year, Some(2022));
    assert_eq!(merged.author_count, Some(5));
}

#[test]
fn reimporting_either_page_changes_nothing() {
    let t = TempLibrary::with_both_pages();
    let stats_before = t.lib().stats().unwrap();
    let modified_before = modified_times(&t);
    assert_eq!(modified_before.len(), 226);
    // Timestamps have one-second resolution: make a spurious touch visible.
    std::thread::sleep(std::time::Duration::from_millis(1100));

    for (page, count) in [(ENCODING_PAGE, 35), (REPRESENTATIONS_PAGE, 199)] {
        let report = t.import_page(page);
        assert_eq!(
            (report.added, report.updated, report.unchanged),
            (0, 0, count),
            "{page}: {report:?}"
        );
        assert!(report.skipped.is_empty());
    }
    assert_eq!(t.lib().stats().unwrap(), stats_before);
    assert_eq!(modified_times(&t), modified_before);
}

#[test]
fn the_same_paper_from_two_files_is_one_work() {
    let t = TempLibrary::with_both_pages();
    let shared = shared_title_keys();
    let all = t.all();
    for key in &shared {
        let matching: Vec<_> = all
            .iter()
            .filter(|p| &normalize_title(&p.title) == key)
            .collect();
        assert_eq!(matching.len(), 1, "{key}: {matching:?}");
        let paper = t.lib().paper(&matching[0].id).unwrap();
        let origins: HashSet<&str> = paper.sources.iter().map(|s| s.origin.as_str()).collect();
        assert_eq!(
            origins,
            HashSet::from([ENCODING_PAGE, REPRESENTATIONS_PAGE]),
            "{key}"
        );
        assert!(paper.sources.iter().all(|s| s.source == "hf-page"));
    }
}

#[test]
fn a_page_paper_and_its_snapshot_record_merge_and_the_title_id_stays_an_alias() {
    let t = TempLibrary::new();
    t.import_page(ENCODING_PAGE);
    let title = "On the Stability of Expressive Positional Encodings for Graph Neural Networks";
    let from_page = t.by_title(title);
    assert!(from_page.id.as_str().starts_with("t-"), "{}", from_page.id);

    let report = t.import_snapshot(SNAPSHOT_SAMPLE);
    assert_eq!(report.added + report.updated + report.unchanged, 50);
    let merged = t.by_title(title);
    assert_eq!(merged.id.as_str(), "2310.02579");
    assert_eq!(merged.arxiv_id.as_deref(), Some("2310.02579"));
    assert_eq!(
        merged.authors.first().map(String::as_str),
        Some("Yinan Huang")
    );
    // The old id still finds the paper.
    assert_eq!(t.lib().paper(&from_page.id).unwrap().id, merged.id);
    let sources: HashSet<String> = t
        .lib()
        .paper(&merged.id)
        .unwrap()
        .sources
        .into_iter()
        .map(|s| s.source)
        .collect();
    assert_eq!(
        sources,
        HashSet::from(["hf-page".to_string(), "arxiv-snapshot".to_string()])
    );
    assert_eq!(
        t.titles(&format!("{title} ")).first().map(String::as_str),
        Some(title)
    );
}

#[test]
fn importing_the_snapshot_sample_twice_adds_and_updates_nothing_the_second_time() {
    let t = TempLibrary::new();
    let first = t.import_snapshot(SNAPSHOT_SAMPLE);
    assert_eq!(
        (first.added, first.updated, first.unchanged),
        (50, 0, 0),
        "{first:?}"
    );
    assert!(first.skipped.is_empty(), "{:?}", first.skipped);
    let modified_before = modified_times(&t);
    std::thread::sleep(std::time::Duration::from_millis(1100));

    let second = t.import_snapshot(SNAPSHOT_SAMPLE);
    assert_eq!(
        (second.added, second.updated, second.unchanged),
        (0, 0, 50),
        "{second:?}"
    );
    assert_eq!(second.resumed_after_line, None);
    assert_eq!(t.lib().stats().unwrap().papers, 50);
    assert_eq!(modified_times(&t), modified_before);
}

#[test]
fn same_title_papers_by_different_first_authors_stay_apart() {
    let t = TempLibrary::new();
    let paper = |author: &str| NewPaper {
        title: "Attention Is All You Need".into(),
        authors: vec![author.into()],
        ..Default::default()
    };
    let report = t
        .lib()
        .add_papers(&[paper("Ashish Vaswani"), paper("Jane Doe")], "test", "doc")
        .unwrap();
    assert_eq!(report.added, 2, "{report:?}");
    let ids: HashSet<PaperId> = t.all().into_iter().map(|p| p.id).collect();
    assert_eq!(ids.len(), 2);
}

// --- notes, tags and status -------------------------------------------------------------------

const PAPER: &str = "Visio-Linguistic Brain Encoding";

#[test]
fn a_note_round_trips_and_a_word_only_in_it_finds_the_paper() {
    let t = TempLibrary::with_both_pages();
    let id = t.by_title(PAPER).id;
    assert!(t.titles("quokkaesque").is_empty());

    let body = "# Reading notes\n\nCompare with the quokkaesque baseline.\n";
    let paper = t.lib().set_note(&id, body).unwrap();
    assert_eq!(paper.note.as_ref().map(|n| n.body.as_str()), Some(body));
    assert_eq!(t.lib().note(&id).unwrap().unwrap().body, body);
    assert_eq!(t.titles("quokkaesque"), [PAPER]);
    assert_eq!(t.titles("note:quokkaesque"), [PAPER]);
    assert!(t.by_title(PAPER).has_note);
    assert_eq!(t.lib().stats().unwrap().notes, 1);
}

#[test]
fn replacing_a_note_keeps_the_old_text_in_history_and_search_follows_the_new_text() {
    let t = TempLibrary::with_both_pages();
    let id = t.by_title(PAPER).id;
    t.lib()
        .set_note(&id, "first draft mentions wombats")
        .unwrap();
    t.lib()
        .set_note(&id, "second draft mentions platypuses")
        .unwrap();

    let history = t.lib().note_history(&id).unwrap();
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0].body, "first draft mentions wombats");
    assert!(t.titles("wombats").is_empty());
    assert_eq!(t.titles("platypuses"), [PAPER]);

    // Saving the same text again is not a new version.
    t.lib()
        .set_note(&id, "second draft mentions platypuses")
        .unwrap();
    assert_eq!(t.lib().note_history(&id).unwrap().len(), 1);

    // An empty note deletes it; its text stays in history.
    let paper = t.lib().set_note(&id, "").unwrap();
    assert_eq!(paper.note, None);
    assert!(t.titles("platypuses").is_empty());
    let history = t.lib().note_history(&id).unwrap();
    assert_eq!(history[0].body, "second draft mentions platypuses");
    assert_eq!(history.len(), 2);
}

#[test]
fn a_tag_round_trips_and_tag_queries_follow_it() {
    let t = TempLibrary::with_both_pages();
    let id = t.by_title(PAPER).id;
    let paper = t
        .lib()
        .add_tags(&id, &["#fmri".to_string(), "to-cite".to_string()])
        .unwrap();
    assert_eq!(paper.tags, ["fmri", "to-cite"]);
    assert_eq!(t.titles("tag:fmri"), [PAPER]);
    assert_eq!(t.titles("tag:FMRI"), [PAPER], "tag queries ignore case");
    assert_eq!(t.titles("tag:to-cite"), [PAPER]);
    let listed = t
        .lib()
        .list(&ListFilter {
            tag: Some("fmri".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].tags, ["fmri", "to-cite"]);
    let tags = t.lib().tags().unwrap();
    assert_eq!(tags.len(), 2);

    let paper = t.lib().remove_tags(&id, &["fmri".to_string()]).unwrap();
    assert_eq!(paper.tags, ["to-cite"]);
    assert!(t.titles("tag:fmri").is_empty());
    assert_eq!(t.titles("tag:to-cite"), [PAPER]);
    assert_eq!(t.lib().tags().unwrap().len(), 1, "an unused tag is deleted");
}

#[test]
fn bad_tags_are_refused_with_the_reason() {
    let t = TempLibrary::with_both_pages();
    let id = t.by_title(PAPER).id;
    for bad in ["", "  ", "two words", &"x".repeat(65)] {
        let err = t.lib().add_tags(&id, &[bad.to_string()]).unwrap_err();
        assert_eq!(
            err.code(),
            papershelf_core::ErrorCode::InvalidInput,
            "{bad:?}"
        );
    }
    assert!(t.lib().add_tags(&id, &[]).is_err());
    assert!(t.lib().paper(&id).unwrap().tags.is_empty());
}

#[test]
fn a_status_change_round_trips_and_status_queries_follow_it() {
    let t = TempLibrary::with_both_pages();
    let id = t.by_title(PAPER).id;
    assert_eq!(t.lib().paper(&id).unwrap().status, Status::Inbox);
    assert!(t.titles("status:read").is_empty());
    assert_eq!(t.search("status:inbox").total, 226);

    let paper = t.lib().set_status(&id, Status::Read).unwrap();
    assert_eq!(paper.status, Status::Read);
    assert_eq!(t.titles("status:read"), [PAPER]);
    assert_eq!(t.titles("brain status:read"), [PAPER]);
    assert_eq!(t.search("status:inbox").total, 225);
    assert!(!t.titles("-status:read").contains(&PAPER.to_string()));
    let listed = t
        .lib()
        .list(&ListFilter {
            status: Some(Status::Read),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    let stats = t.lib().stats().unwrap();
    assert!(stats.by_status.contains(&(Status::Read, 1)));

    t.lib().set_status(&id, Status::ToRead).unwrap();
    assert!(t.titles("status:read").is_empty());
    assert_eq!(t.titles("status:to-read"), [PAPER]);
}

#[test]
fn annotations_survive_a_reimport_of_the_same_page() {
    let t = TempLibrary::with_both_pages();
    let id = t.by_title(PAPER).id;
    t.lib().add_tags(&id, &["fmri".to_string()]).unwrap();
    t.lib().set_status(&id, Status::Reading).unwrap();
    t.lib().set_note(&id, "keep me").unwrap();
    t.import_page(ENCODING_PAGE);
    let paper = t.lib().paper(&id).unwrap();
    assert_eq!(paper.tags, ["fmri"]);
    assert_eq!(paper.status, Status::Reading);
    assert_eq!(paper.note.unwrap().body, "keep me");
}

#[test]
fn an_unknown_id_is_paper_not_found() {
    let t = TempLibrary::new();
    let missing = PaperId::new("2401.99999");
    for err in [
        t.lib().paper(&missing).unwrap_err(),
        t.lib().set_status(&missing, Status::Read).unwrap_err(),
        t.lib().set_note(&missing, "x").unwrap_err(),
        t.lib().add_tags(&missing, &["x".into()]).unwrap_err(),
    ] {
        assert!(
            matches!(err, papershelf_core::Error::PaperNotFound(ref id) if id == &missing),
            "{err:?}"
        );
    }
}

#[test]
fn autosaves_keep_one_version_per_editing_session_and_deleting_keeps_the_text() {
    let t = TempLibrary::with_both_pages();
    let id = t.by_title(PAPER).id;
    t.lib().set_note(&id, "before the session").unwrap();
    for draft in ["q", "qu", "quok", "quokkas matter"] {
        t.lib().autosave_note(&id, draft).unwrap();
    }
    let history = t.lib().note_history(&id).unwrap();
    assert_eq!(
        history.iter().map(|n| n.body.as_str()).collect::<Vec<_>>(),
        ["before the session"],
        "drafts of one session are not versions"
    );
    assert_eq!(t.titles("quokkas"), [PAPER]);
    t.lib().autosave_note(&id, "").unwrap();
    assert_eq!(t.lib().note_history(&id).unwrap()[0].body, "quokkas matter");
}

#[test]
fn status_many_changes_all_or_nothing() {
    let t = TempLibrary::with_both_pages();
    let a = t.by_title(PAPER).id;
    let b = t.lib().list(&Default::default()).unwrap()[0].id.clone();
    let papers = t
        .lib()
        .set_status_many(&[a.clone(), b.clone()], Status::Read)
        .unwrap();
    assert!(papers.iter().all(|p| p.status == Status::Read));
    let err = t
        .lib()
        .set_status_many(&[a.clone(), PaperId::new("9999.99999")], Status::Archived)
        .unwrap_err();
    assert_eq!(err.code(), papershelf_core::ErrorCode::NotFound);
    assert_eq!(
        t.lib().paper(&a).unwrap().status,
        Status::Read,
        "nothing changed"
    );
}

#[test]
fn lists_sort_by_added_published_or_upvotes() {
    let t = TempLibrary::new();
    let paper = |title: &str, year: Option<i32>, upvotes: Option<u32>| NewPaper {
        title: title.into(),
        published: year.map(|y| papershelf_core::PartialDate {
            year: Some(y),
            ..Default::default()
        }),
        upvotes,
        ..Default::default()
    };
    // Added one by one, so "added" order is the reverse of this list.
    for p in [
        paper("Alpha", Some(2019), Some(3)),
        paper("Beta", None, Some(40)),
        paper("Gamma", Some(2023), None),
        paper("Delta", Some(2021), Some(12)),
    ] {
        t.lib().add_papers(&[p], "test", "sort").unwrap();
    }
    let by = |sort: papershelf_core::ListSort| -> Vec<String> {
        t.lib()
            .list(&ListFilter {
                sort,
                ..Default::default()
            })
            .unwrap()
            .into_iter()
            .map(|p| p.title)
            .collect()
    };
    use papershelf_core::ListSort;
    assert_eq!(by(ListSort::Upvotes), ["Beta", "Delta", "Alpha", "Gamma"]);
    assert_eq!(by(ListSort::Published), ["Gamma", "Delta", "Alpha", "Beta"]);
    let added = by(ListSort::Added);
    assert_eq!(added.len(), 4);
    assert_eq!(added[0], "Delta", "newest added first");
}
