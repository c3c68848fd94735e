//! Syncing subscriptions (Hugging Face Daily Papers and search, arXiv categories) against the recorded APIs on a local server.

use std::time::Duration;

use papershelf_core::sources::config::{Source, SourceConfig};
use papershelf_core::sources::http::{HttpClient, HttpOptions};
use papershelf_core::sync::{parse_day, sync, SyncOptions, SyncReport};
use papershelf_core::{PaperId, SubscriptionKind};
use papershelf_testkit::FixtureApi;

use crate::support::*;

fn days(from: &str, to: &str) -> SyncOptions {
    SyncOptions {
        from: parse_day(from),
        to: parse_day(to),
        ..SyncOptions::default()
    }
}

async fn run(t: &TempLibrary, http: &HttpClient, opts: &SyncOptions) -> SyncReport {
    sync(t.lib(), http, opts, &mut |_| {}).await.unwrap()
}

#[tokio::test]
async fn overlapping_days_give_37_papers_with_the_newer_counts() {
    let api = FixtureApi::start(&fixture("api"));
    let http = client(&api);
    let t = TempLibrary::new();
    t.lib().subscribe(SubscriptionKind::HfDaily, "").unwrap();
    let report = run(&t, &http, &days("2024-01-15", "2024-01-16")).await;
    let s = &report.subscriptions[0];
    assert_eq!(
        (s.added, s.updated, s.error.clone()),
        (37, 3, None),
        "{report:?}"
    );
    assert_eq!(t.lib().stats().unwrap().papers, 37);
    assert_eq!(t.lib().stats().unwrap().indexed, 37);
    let repeat = t.lib().paper(&PaperId::new("2310.17230")).unwrap();
    let day16: serde_json::Value =
        serde_json::from_slice(api.file("hf/daily_papers-2024-01-16.json")).unwrap();
    let newer = day16
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["paper"]["id"] == "2310.17230")
        .unwrap()["paper"]["upvotes"]
        .as_u64()
        .unwrap();
    assert_eq!(repeat.upvotes, Some(newer as u32));
    assert!(repeat.sources.iter().all(|s| s.source == "hf-api"));
}

#[tokio::test]
async fn a_second_sync_costs_only_not_modified_answers_and_changes_nothing() {
    let api = FixtureApi::start(&fixture("api"));
    let http = client(&api);
    let t = TempLibrary::new();
    t.lib().subscribe(SubscriptionKind::HfDaily, "").unwrap();
    let first = run(&t, &http, &days("2024-01-15", "2024-01-16")).await;
    let hf = first.traffic["hf"];
    assert_eq!((hf.requests, hf.not_modified), (2, 0));
    assert!(hf.bytes > 10_000, "{hf:?}");
    let before = t.all();
    let report = run(&t, &http, &days("2024-01-15", "2024-01-16")).await;
    let s = &report.subscriptions[0];
    assert_eq!(
        (s.pages, s.not_modified, s.added, s.updated),
        (2, 2, 0, 0),
        "{report:?}"
    );
    let hf = report.traffic["hf"];
    assert_eq!((hf.requests, hf.not_modified, hf.bytes), (2, 2, 0));
    assert_eq!(t.all(), before);
}

#[tokio::test]
async fn new_papers_land_in_the_inbox_and_known_ones_keep_their_triage() {
    let api = FixtureApi::start(&fixture("api"));
    let http = client(&api);
    let t = TempLibrary::new();
    t.lib().subscribe(SubscriptionKind::HfDaily, "").unwrap();
    run(&t, &http, &days("2024-01-15", "2024-01-15")).await;
    let id = PaperId::new("2310.17230");
    t.lib()
        .set_status(&id, papershelf_core::Status::Read)
        .unwrap();
    t.lib().set_note(&id, "keep me").unwrap();
    run(&t, &http, &days("2024-01-16", "2024-01-16")).await;
    let paper = t.lib().paper(&id).unwrap();
    assert_eq!(paper.status, papershelf_core::Status::Read);
    assert_eq!(paper.note.unwrap().body, "keep me");
}

#[tokio::test]
async fn a_sync_interrupted_midway_and_rerun_leaves_no_duplicates() {
    let api = FixtureApi::start(&fixture("api"));
    let http = client(&api);
    let t = TempLibrary::new();
    t.lib().subscribe(SubscriptionKind::HfDaily, "").unwrap();
    // The first day succeeds, then the service goes down for the second.
    api.intercept({
        let calls = std::sync::atomic::AtomicUsize::new(0);
        move |_| {
            (calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= 1)
                .then(|| papershelf_testkit::Reply::new(503, "text/html", "<html>down</html>"))
        }
    });
    let report = run(&t, &http, &days("2024-01-15", "2024-01-16")).await;
    assert!(report.subscriptions[0].error.is_some(), "{report:?}");
    assert_eq!(t.lib().stats().unwrap().papers, 20);
    assert_eq!(
        t.lib().subscriptions().unwrap()[0].cursor.as_deref(),
        Some("2024-01-15")
    );
    api.reset();
    let report = run(&t, &http, &days("2024-01-15", "2024-01-16")).await;
    assert_eq!(report.subscriptions[0].error, None);
    assert_eq!(t.lib().stats().unwrap().papers, 37);
}

#[tokio::test]
async fn a_wrong_shape_or_truncated_day_is_an_error_and_writes_nothing() {
    let api = FixtureApi::start(&fixture("api"));
    let http = client(&api);
    let t = TempLibrary::new();
    t.lib().subscribe(SubscriptionKind::HfDaily, "").unwrap();
    for day in ["2024-02-01", "2024-02-02", "2024-02-05"] {
        let report = run(&t, &http, &days(day, day)).await;
        assert!(report.subscriptions[0].error.is_some(), "{day}: {report:?}");
    }
    assert_eq!(t.lib().stats().unwrap().papers, 0);
}

#[tokio::test]
async fn hostile_text_is_stored_inert_and_odd_items_are_skipped() {
    let api = FixtureApi::start(&fixture("api"));
    let http = client(&api);
    let t = TempLibrary::new();
    t.lib().subscribe(SubscriptionKind::HfDaily, "").unwrap();
    let report = run(&t, &http, &days("2024-02-04", "2024-02-04")).await;
    let s = &report.subscriptions[0];
    assert_eq!(s.added, 2, "{report:?}");
    assert!(!s.skipped.is_empty());
    let report = run(&t, &http, &days("2024-02-03", "2024-02-03")).await;
    assert_eq!(report.subscriptions[0].error, None, "{report:?}");
    let inert = t.all().into_iter().any(|s| {
        let p = t.lib().paper(&s.id).unwrap();
        let text = format!("{} {}", p.title, p.abstract_text);
        text.contains("<script") || text.contains("<img")
    });
    assert!(inert, "the payloads are kept as plain text");
}

#[tokio::test]
async fn a_dry_run_writes_nothing() {
    let api = FixtureApi::start(&fixture("api"));
    let http = client(&api);
    let t = TempLibrary::new();
    t.lib().subscribe(SubscriptionKind::HfDaily, "").unwrap();
    let mut opts = days("2024-01-15", "2024-01-16");
    opts.dry_run = true;
    let report = run(&t, &http, &opts).await;
    // Nothing is written, so the three papers both days list count as new on each day.
    assert_eq!(report.subscriptions[0].added, 40, "{report:?}");
    assert_eq!(t.lib().stats().unwrap().papers, 0);
    assert_eq!(t.lib().subscriptions().unwrap()[0].cursor, None);
}

#[tokio::test]
async fn an_arxiv_category_is_paged_to_total_results_with_requests_three_seconds_apart() {
    let api = FixtureApi::start(&fixture("api"));
    let mut config = SourceConfig::default();
    config.set_origin(Source::Arxiv, api.origin()).unwrap();
    // The real pacing: arXiv asks for one request every 3 s.
    let http = HttpClient::new(config, HttpOptions::default()).unwrap();
    let t = TempLibrary::new();
    t.lib()
        .subscribe(SubscriptionKind::ArxivCategory, "cs.LG")
        .unwrap();
    let opts = SyncOptions {
        arxiv_page_size: Some(2),
        only: Some(Source::Arxiv),
        ..SyncOptions::default()
    };
    let report = run(&t, &http, &opts).await;
    let s = &report.subscriptions[0];
    assert_eq!(
        (s.pages, s.added, s.error.clone()),
        (3, 5, None),
        "{report:?}"
    );
    let seen = api.requests_to("/api/query");
    assert_eq!(seen.len(), 3);
    for pair in seen.windows(2) {
        assert!(
            pair[1].at - pair[0].at >= Duration::from_millis(2990),
            "{:?}",
            pair[1].at - pair[0].at
        );
    }
    let v2 = t.lib().paper(&PaperId::new("2405.05847")).unwrap();
    let versions: Vec<u32> = v2.versions.iter().map(|v| v.version).collect();
    assert_eq!(versions, [1, 2]);
    assert!(v2.journal_ref.is_some());
    assert_eq!(
        t.lib().subscriptions().unwrap()[0].cursor.as_deref(),
        Some("done")
    );
}

#[tokio::test]
async fn an_hf_search_subscription_brings_its_results() {
    let api = FixtureApi::start(&fixture("api"));
    let http = client(&api);
    let t = TempLibrary::new();
    t.lib()
        .subscribe(SubscriptionKind::HfSearch, "positional encoding")
        .unwrap();
    let report = run(&t, &http, &SyncOptions::default()).await;
    assert_eq!(
        (
            report.subscriptions[0].added,
            report.subscriptions[0].error.clone()
        ),
        (8, None),
        "{report:?}"
    );
}

#[tokio::test]
async fn a_newer_arxiv_version_of_a_library_paper_is_flagged_and_keeps_the_note() {
    let t = TempLibrary::new();
    let v1 = papershelf_core::NewPaper {
        arxiv_id: Some(papershelf_core::ArxivId::parse("2405.05847").unwrap().0),
        title: "A paper".into(),
        versions: vec![papershelf_core::model::PaperVersion {
            version: 1,
            created: "2024-05-09".into(),
        }],
        ..Default::default()
    };
    t.lib()
        .add_source_page(&[(v1.clone(), None)], "arxiv-api", "test", None)
        .unwrap();
    let id = PaperId::new("2405.05847");
    t.lib().set_note(&id, "read section 3").unwrap();
    assert!(!t.lib().paper(&id).unwrap().new_version);
    let mut v2 = v1;
    v2.versions.push(papershelf_core::model::PaperVersion {
        version: 2,
        created: "2024-06-01".into(),
    });
    let r = t
        .lib()
        .add_source_page(&[(v2, None)], "arxiv-api", "test", None)
        .unwrap();
    assert_eq!(r.updated, 1);
    let paper = t.lib().paper(&id).unwrap();
    assert!(paper.new_version);
    assert_eq!(paper.note.unwrap().body, "read section 3");
}

#[tokio::test]
async fn semantic_scholar_enriches_library_papers_without_overriding_better_sources() {
    let api = FixtureApi::start(&fixture("api"));
    let http = client(&api);
    let t = TempLibrary::new();
    let paper = |id: &str, title: &str| papershelf_core::NewPaper {
        arxiv_id: Some(papershelf_core::ArxivId::parse(id).unwrap().0),
        title: title.into(),
        ..Default::default()
    };
    let stability = "On the Stability of Expressive Positional Encodings for Graph Neural Networks";
    t.lib()
        .add_source_page(
            &[
                (paper("2310.02579", stability), None),
                (
                    paper(
                        "1206.5538",
                        "Representation Learning: A Review and New Perspectives",
                    ),
                    None,
                ),
                (
                    paper("2401.09905", "A paper Semantic Scholar does not know"),
                    None,
                ),
            ],
            "arxiv-api",
            "test",
            None,
        )
        .unwrap();
    let opts = SyncOptions {
        only: Some(Source::SemanticScholar),
        ..SyncOptions::default()
    };
    let report = run(&t, &http, &opts).await;
    let e = report.enrichment.clone().unwrap();
    assert_eq!((e.asked, e.found, e.error), (3, 2, None), "{report:?}");
    let p = t.lib().paper(&PaperId::new("2310.02579")).unwrap();
    assert_eq!(p.title, stability, "a weaker source never renames");
    assert_eq!(p.signals.citation_count, Some(112));
    assert_eq!(
        p.doi, None,
        "the arXiv DataCite DOI is not a publication DOI"
    );
    let p = t.lib().paper(&PaperId::new("1206.5538")).unwrap();
    assert_eq!(p.doi.as_deref(), Some("10.1109/TPAMI.2013.50"));
    assert!(p.sources.iter().any(|s| s.source == "s2"));
    // Checked papers, found or not, are not asked again within the week.
    let report = run(&t, &http, &opts).await;
    assert_eq!(report.enrichment.unwrap().asked, 0);
    assert_eq!(api.requests_to("/graph/v1/paper/batch").len(), 1);
}
