//! Identity beyond the arXiv id (DOIs, per-field provenance) and the citation graph cached
//! from Semantic Scholar, against the recorded API on a local server.

use papershelf_core::graph::Direction;
use papershelf_core::sources::config::Source;
use papershelf_core::sync::{fetch_edges, sync, CancelToken, SyncOptions};
use papershelf_core::{ArxivId, ErrorCode, NewPaper, PaperId, Status, SubscriptionKind};
use papershelf_testkit::{FixtureApi, Reply};

use crate::support::*;

fn arxiv_paper(id: &str, title: &str) -> NewPaper {
    NewPaper {
        arxiv_id: Some(ArxivId::parse(id).unwrap().0),
        title: title.into(),
        authors: vec!["Hoagy Cunningham".into()],
        ..Default::default()
    }
}

const SAE_TITLE: &str = "Sparse Autoencoders Find Highly Interpretable Features in Language Models";

#[test]
fn a_published_doi_links_a_venue_record_to_its_arxiv_work() {
    let t = TempLibrary::new();
    let venue = NewPaper {
        title: "Sparse autoencoders find highly interpretable features (ICLR version)".into(),
        authors: vec!["H. Cunningham".into()],
        doi: Some("https://doi.org/10.5555/ICLR.2024.123".into()),
        ..Default::default()
    };
    t.lib().add_papers(&[venue], "bibtex", "refs.bib").unwrap();
    let mut arxiv = arxiv_paper("2309.08600", SAE_TITLE);
    arxiv.doi = Some("doi:10.5555/ICLR.2024.123".into());
    let report = t.lib().add_papers(&[arxiv], "arxiv-api", "feed").unwrap();
    assert_eq!((report.added, report.updated), (0, 1), "{report:?}");
    assert_eq!(t.lib().stats().unwrap().papers, 1);

    let p = t.lib().paper(&PaperId::new("2309.08600")).unwrap();
    assert_eq!(p.title, SAE_TITLE, "the arXiv API outranks a bibliography");
    assert_eq!(p.dois, vec!["10.5555/iclr.2024.123".to_string()]);
    // Every name of the work finds it.
    for name in [
        "10.5555/ICLR.2024.123",
        "doi:10.5555/iclr.2024.123",
        "10.48550/arXiv.2309.08600",
        "arXiv:2309.08600v2",
        "https://arxiv.org/abs/2309.08600",
    ] {
        assert_eq!(
            t.lib().paper(&PaperId::new(name)).unwrap().id,
            p.id,
            "{name}"
        );
    }
    let source_of = |field: &str| {
        p.provenance
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.source.clone())
    };
    assert_eq!(source_of("title").as_deref(), Some("arxiv-api"));
    assert_eq!(source_of("arxivId").as_deref(), Some("arxiv-api"));
    assert_eq!(
        source_of("doi").as_deref(),
        Some("bibtex"),
        "kept from who said it"
    );
    assert!(p.sources.iter().any(|s| s.source == "bibtex"));
    assert!(p.sources.iter().any(|s| s.source == "arxiv-api"));
}

#[test]
fn the_arxiv_doi_is_the_arxiv_id_and_one_doi_never_joins_two_arxiv_works() {
    let t = TempLibrary::new();
    let by_doi = NewPaper {
        title: SAE_TITLE.into(),
        doi: Some("10.48550/arXiv.2309.08600".into()),
        ..Default::default()
    };
    t.lib().add_papers(&[by_doi], "bibtex", "a.bib").unwrap();
    let p = t.lib().paper(&PaperId::new("2309.08600")).unwrap();
    assert_eq!(p.arxiv_id.as_deref(), Some("2309.08600"));
    assert_eq!(p.doi, None, "arXiv's DOI is not a published version");

    let mut a = arxiv_paper("2401.00001", "First paper");
    a.doi = Some("10.1000/shared".into());
    let mut b = arxiv_paper("2401.00002", "Second paper");
    b.doi = Some("10.1000/shared".into());
    t.lib().add_papers(&[a, b], "bibtex", "b.bib").unwrap();
    assert_eq!(t.lib().stats().unwrap().papers, 3);
    let second = t.lib().paper(&PaperId::new("2401.00002")).unwrap();
    assert_eq!(second.title, "Second paper");
    assert!(second.dois.is_empty(), "the DOI stays with the first work");
}

#[test]
fn a_merge_keeps_the_earlier_fields_provenance_and_triage() {
    let t = TempLibrary::new();
    t.import_page(ENCODING_PAGE);
    let hits = t.lib().search(
        "\"stability of expressive positional\"",
        &Default::default(),
    );
    let from_page = hits.unwrap().hits[0].paper.id.clone();
    t.lib().set_status(&from_page, Status::Reading).unwrap();
    t.lib().set_note(&from_page, "compare with SPE").unwrap();
    let before = t.lib().paper(&from_page).unwrap();
    let mut arxiv = arxiv_paper("2310.02579", &before.title);
    arxiv.authors = before.authors.clone();
    arxiv.abstract_text = "From the arXiv API.".into();
    t.lib().add_papers(&[arxiv], "arxiv-api", "feed").unwrap();
    let p = t.lib().paper(&PaperId::new("2310.02579")).unwrap();
    assert_eq!(p.status, Status::Reading);
    assert_eq!(p.note.unwrap().body, "compare with SPE");
    assert!(p.sources.iter().any(|s| s.source == "hf-page"));
    let source_of = |field: &str| p.provenance.iter().find(|f| f.field == field).unwrap();
    assert_eq!(source_of("abstract").source, "arxiv-api");
    assert_eq!(
        source_of("title").source,
        "hf-page",
        "the same title is not re-attributed"
    );
    let mut fields: Vec<&str> = p.provenance.iter().map(|f| f.field.as_str()).collect();
    fields.dedup();
    assert_eq!(fields.len(), p.provenance.len(), "one source per field");
    assert_eq!(
        t.lib().paper(&from_page).unwrap().id,
        p.id,
        "the old id is an alias"
    );
}

#[tokio::test]
async fn references_are_paged_cached_and_marked_when_in_the_library() {
    let api = FixtureApi::start(&fixture("api"));
    let http = client(&api);
    let t = TempLibrary::new();
    t.lib()
        .add_papers(
            &[
                arxiv_paper("2405.12522", "Sparse Autoencoders Enable Scalable Circuits"),
                arxiv_paper("2309.08600", SAE_TITLE),
            ],
            "arxiv-api",
            "test",
        )
        .unwrap();
    let id = PaperId::new("2405.12522");
    let cancel = CancelToken::new();
    let (list, done) = fetch_edges(t.lib(), &http, &id, Direction::References, false, &cancel)
        .await
        .unwrap();
    assert_eq!((done.pages, done.edges), (2, 6));
    assert!(list.complete);
    assert_eq!(list.edges.len(), 6);
    assert_eq!(list.edges[0].arxiv_id.as_deref(), Some("2309.08600"));
    assert_eq!(
        list.edges[0].in_library,
        Some(PaperId::new("2309.08600")),
        "a reference already in the library is linked"
    );
    assert!(list.edges[0].is_influential);
    let unresolved = &list.edges[5];
    assert_eq!(unresolved.s2_paper_id, None);
    assert!(unresolved
        .title
        .as_deref()
        .unwrap()
        .starts_with("Towards Monosemanticity"));
    let offsets: Vec<String> = api
        .requests_to("/graph/v1/paper/arXiv:2405.12522/references")
        .iter()
        .map(|s| s.target.clone())
        .collect();
    assert!(
        offsets[0].contains("offset=0") && offsets[1].contains("offset=3"),
        "{offsets:?}"
    );

    // Cached: no request the second time; `refresh` asks again and ends the same.
    fetch_edges(t.lib(), &http, &id, Direction::References, false, &cancel)
        .await
        .unwrap();
    assert_eq!(api.requests_to("/graph/v1/paper/").len(), 2);
    let (again, _) = fetch_edges(t.lib(), &http, &id, Direction::References, true, &cancel)
        .await
        .unwrap();
    assert_eq!(again.edges, list.edges);

    let (citations, _) = fetch_edges(
        t.lib(),
        &http,
        &PaperId::new("2309.08600"),
        Direction::Citations,
        false,
        &cancel,
    )
    .await
    .unwrap();
    assert_eq!(citations.edges.len(), 2);
    assert_eq!(citations.edges[1].in_library, Some(id));
}

#[tokio::test]
async fn an_interrupted_list_resumes_at_its_cursor_and_an_unknown_paper_is_empty() {
    let api = FixtureApi::start(&fixture("api"));
    let http = client(&api);
    let t = TempLibrary::new();
    let papers = [
        arxiv_paper("2405.12522", "Sparse Autoencoders Enable Scalable Circuits"),
        arxiv_paper("2401.99999", "Not at Semantic Scholar"),
    ];
    t.lib().add_papers(&papers, "arxiv-api", "test").unwrap();
    let id = PaperId::new("2405.12522");
    // The second page fails every retry: the first page stays, with the cursor at 3.
    api.intercept(|seen| {
        seen.target
            .contains("offset=3")
            .then(|| Reply::new(503, "text/html", b"<html>down</html>".to_vec()))
    });
    let cancel = CancelToken::new();
    let err = fetch_edges(t.lib(), &http, &id, Direction::References, false, &cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Network, "{err}");
    let partial = t.lib().edges(&id, Direction::References).unwrap();
    assert_eq!((partial.edges.len(), partial.complete), (3, false));
    assert_eq!(partial.next_offset, Some(3));

    api.intercept(|_| None);
    let before = api.requests_to("/graph/v1/paper/").len();
    let (list, done) = fetch_edges(t.lib(), &http, &id, Direction::References, false, &cancel)
        .await
        .unwrap();
    assert_eq!((done.pages, list.edges.len(), list.complete), (1, 6, true));
    let resumed = &api.requests_to("/graph/v1/paper/")[before..];
    assert!(
        resumed[0].target.contains("offset=3"),
        "{:?}",
        resumed[0].target
    );

    let (unknown, _) = fetch_edges(
        t.lib(),
        &http,
        &PaperId::new("2401.99999"),
        Direction::Citations,
        false,
        &cancel,
    )
    .await
    .unwrap();
    assert!(unknown.complete && unknown.edges.is_empty());
}

#[tokio::test]
async fn sync_caches_the_graph_of_engaged_papers_only_and_can_be_cancelled() {
    let api = FixtureApi::start(&fixture("api"));
    let http = client(&api);
    let t = TempLibrary::new();
    let papers = [
        arxiv_paper("2405.12522", "Sparse Autoencoders Enable Scalable Circuits"),
        arxiv_paper("2309.08600", SAE_TITLE),
    ];
    t.lib().add_papers(&papers, "arxiv-api", "test").unwrap();
    t.lib()
        .set_status(&PaperId::new("2405.12522"), Status::ToRead)
        .unwrap();
    let opts = SyncOptions {
        only: Some(Source::SemanticScholar),
        ..SyncOptions::default()
    };
    let report = sync(t.lib(), &http, &opts, &mut |_| {}).await.unwrap();
    let graph = report.graph.clone().unwrap();
    assert_eq!(
        (graph.papers, graph.edges, graph.error),
        (1, 6, None),
        "{report:?}"
    );
    assert!(
        api.requests_to("/graph/v1/paper/arXiv:2309.08600/")
            .is_empty(),
        "an inbox paper's graph is not fetched"
    );
    assert!(
        t.lib()
            .edges(&PaperId::new("2405.12522"), Direction::References)
            .unwrap()
            .complete
    );

    // A cancelled sync stops before its first request and says so.
    t.lib().subscribe(SubscriptionKind::HfDaily, "").unwrap();
    let seen = api.seen().len();
    let opts = SyncOptions::default();
    opts.cancel.cancel();
    let report = sync(t.lib(), &http, &opts, &mut |_| {}).await.unwrap();
    assert!(report.cancelled && report.failed());
    assert_eq!(api.seen().len(), seen);
}
