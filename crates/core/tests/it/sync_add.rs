//! Adding one paper by id against the recorded APIs on a local server.

use papershelf_core::sync::fetch_paper;
use papershelf_core::{Error, ErrorCode, PaperId, Status};
use papershelf_testkit::{FixtureApi, Upstream};

use crate::support::*;

/// The recorded id_list answer holds three papers; arXiv answers a one-id query with that one
/// entry. Serving the three-paper feed for any of them exercises picking the right entry.
const LEGACY_IDS: [&str; 3] = ["2502.13842", "2212.07346", "2303.05735"];

fn api() -> FixtureApi {
    let api = FixtureApi::start(&fixture("api"));
    let legacy = api
        .file("arxiv/id_list-2502.13842-2212.07346-2303.05735.xml")
        .to_vec();
    api.intercept(move |req| {
        let query = req.query().unwrap_or_default().to_string();
        let asks_one_of_them = req.path() == "/api/query"
            && LEGACY_IDS
                .iter()
                .any(|id| query.contains(&format!("id_list={id}")));
        asks_one_of_them.then(|| {
            papershelf_testkit::Reply::new(
                200,
                "application/atom+xml; charset=utf-8",
                legacy.clone(),
            )
        })
    });
    api
}

#[tokio::test]
async fn every_id_form_adds_the_same_paper_from_arxiv_into_the_inbox() {
    let api = api();
    let http = client(&api);
    let t = TempLibrary::new();
    for input in [
        "2303.05735",
        "arXiv:2303.05735v1",
        "https://arxiv.org/abs/2303.05735",
        "https://arxiv.org/pdf/2303.05735v1.pdf",
        "10.48550/arXiv.2303.05735",
    ] {
        let fetched = fetch_paper(&http, input).await.unwrap();
        assert_eq!(fetched.source, "arxiv-api");
        t.lib().add_fetched(&fetched).unwrap();
    }
    let stats = t.lib().stats().unwrap();
    assert_eq!(stats.papers, 1);
    let paper = t.lib().paper(&PaperId::new("2303.05735")).unwrap();
    assert_eq!(paper.status, Status::Inbox);
    assert_eq!(paper.doi.as_deref(), Some("10.1145/3579371.3589085"));
    assert!(!paper.authors.is_empty());
    let hits = t
        .lib()
        .search("title:\"lossless compression\"", &Default::default());
    let _ = hits.unwrap();
}

#[tokio::test]
async fn a_known_paper_is_updated_in_place_and_keeps_status_tags_and_note() {
    let api = api();
    let http = client(&api);
    let t = TempLibrary::new();
    let first = fetch_paper(&http, "2502.13842").await.unwrap();
    let (paper, added) = t.lib().add_fetched(&first).unwrap();
    assert!(added);
    t.lib().set_status(&paper.id, Status::Reading).unwrap();
    t.lib().add_tags(&paper.id, &["keep".into()]).unwrap();
    t.lib().set_note(&paper.id, "my note").unwrap();
    let again = fetch_paper(&http, "2502.13842v1").await.unwrap();
    let (paper, added) = t.lib().add_fetched(&again).unwrap();
    assert!(!added);
    assert_eq!(paper.status, Status::Reading);
    assert_eq!(paper.tags, ["keep"]);
    assert_eq!(paper.note.unwrap().body, "my note");
    // The legacy answer is v2: both versions are tracked.
    let versions: Vec<u32> = paper.versions.iter().map(|v| v.version).collect();
    assert_eq!(versions, [1, 2]);
}

#[tokio::test]
async fn a_paper_arxiv_does_not_know_is_looked_up_on_hugging_face() {
    let api = api();
    let http = client(&api);
    // Answer the id_list query with an empty feed, as arXiv does for an unknown id.
    let empty = api.file("arxiv/empty.xml").to_vec();
    api.intercept(move |req| {
        (req.path() == "/api/query").then(|| {
            papershelf_testkit::Reply::new(
                200,
                "application/atom+xml; charset=utf-8",
                empty.clone(),
            )
        })
    });
    let fetched = fetch_paper(&http, "2310.02579").await.unwrap();
    assert_eq!(fetched.source, "hf-api");
    assert_eq!(
        fetched.paper.arxiv_id.as_ref().unwrap().as_str(),
        "2310.02579"
    );
}

#[tokio::test]
async fn an_unknown_paper_is_not_found_and_nothing_is_written() {
    let api = api();
    let http = client(&api);
    let t = TempLibrary::new();
    let err = fetch_paper(&http, "2401.99999").await.unwrap_err();
    assert!(matches!(err, Error::NotAtSource { .. }), "{err}");
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert_eq!(t.lib().stats().unwrap().papers, 0);
}

#[tokio::test]
async fn a_malformed_id_is_refused_before_any_request() {
    let api = api();
    let http = client(&api);
    let err = fetch_paper(&http, "2401.0abc").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    assert!(err.to_string().contains("arXiv id"), "{err}");
    assert!(api.seen().is_empty());
}

#[tokio::test]
async fn when_every_source_is_down_the_error_names_it_and_the_library_is_untouched() {
    let api = FixtureApi::start(&fixture("api"));
    let http = client(&api);
    let t = TempLibrary::new();
    api.set_throttle(Upstream::Arxiv, true);
    api.fail_next(100, 503);
    let err = fetch_paper(&http, "2303.05735").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Network, "{err}");
    assert!(
        err.to_string().contains("arxiv") || err.to_string().contains("hf"),
        "{err}"
    );
    assert_eq!(t.lib().stats().unwrap().papers, 0);
}
