//! Hostile HTTP answers against the real client, and through `sync` and `add` against a real
//! library: decompression bombs, invalid UTF-8, deep nesting, markup where data was expected,
//! redirects to other hosts, slow drips and 429 storms. Each ends in a typed error or a
//! bounded retry, and the library is left exactly as it was.
//!
//! The cases `sources_http.rs` and `sync_*.rs` already cover (plain truncation, oversized
//! bodies, text/html answers, redirect loops, delayed headers, a single 429) are not repeated.

use std::time::Duration;

use papershelf_core::sources::config::Source;
use papershelf_core::sources::http::{Expect, HttpClient, HttpOptions, SourceError};
use papershelf_core::sources::{hf, s2};
use papershelf_core::sync::{fetch_paper, parse_day, sync, SyncOptions, SyncReport};
use papershelf_core::{ErrorCode, Library, ListFilter, SubscriptionKind};
use papershelf_testkit::{FixtureApi, Reply, Seen, Server};

use crate::support::*;

const JSON: &str = "application/json; charset=utf-8";
const ATOM: &str = "application/atom+xml; charset=utf-8";

/// [`http_client`] with a longer retry budget: these servers misbehave on purpose.
fn client_for(origin: &str, tweak: impl FnOnce(&mut HttpOptions)) -> HttpClient {
    http_client(origin, |o| {
        o.base_backoff = Duration::from_millis(20);
        o.total_timeout = Duration::from_secs(5);
        o.max_attempts = 3;
        tweak(o);
    })
}

/// A fixture API whose answers `hostile` may replace (`None` = the recorded answer).
fn api(hostile: impl Fn(&Seen) -> Option<Reply> + Send + Sync + 'static) -> FixtureApi {
    let api = FixtureApi::start(&fixture("api"));
    api.intercept(hostile);
    api
}

/// Everything a user could see change: papers with their text, tags, status and notes,
/// subscriptions with their cursors.
fn state(lib: &Library) -> String {
    let mut out = papers_state(lib);
    for s in lib.subscriptions().unwrap() {
        out.push_str(&format!("{s:?}\n"));
    }
    out.push_str(&format!("{:?}", lib.stats().unwrap()));
    out
}

/// Every paper with its text, tags, status and note.
fn papers_state(lib: &Library) -> String {
    let all = ListFilter {
        limit: Some(100_000),
        ..ListFilter::default()
    };
    let mut out = String::new();
    for s in lib.list(&all).unwrap() {
        let p = lib.paper(&s.id).unwrap();
        out.push_str(&format!("{p:?}\n"));
    }
    out
}

/// A library with 35 papers from a saved page and a Daily Papers subscription.
fn seeded_library() -> TempLibrary {
    let t = TempLibrary::new();
    t.lib()
        .import_hf_page(&hf_page_text(ENCODING_PAGE), "encoding")
        .unwrap();
    t.lib().subscribe(SubscriptionKind::HfDaily, "").unwrap();
    t
}

async fn sync_day(t: &TempLibrary, http: &HttpClient, day: &str) -> SyncReport {
    let opts = SyncOptions {
        from: parse_day(day),
        to: parse_day(day),
        ..SyncOptions::default()
    };
    sync(t.lib(), http, &opts, &mut |_| {}).await.unwrap()
}

/// A Daily Papers sync of 2024-01-15 whose answer is `reply`: the subscription reports an
/// error, and nothing in the library changes.
async fn hostile_daily_changes_nothing(
    reply: Reply,
    tweak: impl FnOnce(&mut HttpOptions),
) -> String {
    let api = api(move |req| (req.path() == "/api/daily_papers").then(|| reply.clone()));
    let http = client_for(api.origin(), tweak);
    let t = seeded_library();
    let before = state(t.lib());
    let report = sync_day(&t, &http, "2024-01-15").await;
    let error = report.subscriptions[0]
        .error
        .clone()
        .unwrap_or_else(|| panic!("the hostile answer was accepted: {report:?}"));
    assert!(
        matches!(error.code, ErrorCode::Network | ErrorCode::RateLimited),
        "a hostile answer is the source's failure: {error:?}"
    );
    assert_eq!(report.subscriptions[0].added, 0, "{report:?}");
    assert_eq!(state(t.lib()), before, "the library changed");
    error.message
}

/// `add` of 2303.05735 when arXiv and Hugging Face both answer `reply`: a typed error, and
/// nothing written.
async fn hostile_add_changes_nothing(reply: Reply) -> papershelf_core::Error {
    let api = api(move |req| {
        (req.path() == "/api/query" || req.path().starts_with("/api/papers/"))
            .then(|| reply.clone())
    });
    let http = client_for(api.origin(), |_| {});
    let t = seeded_library();
    let before = state(t.lib());
    let err = fetch_paper(&http, "2303.05735").await.unwrap_err();
    assert_eq!(state(t.lib()), before);
    err
}

// ---------------------------------------------------------------------------------------------
// Decompression bombs

/// A gzip stream that inflates to `mib` MiB of zeros from about `mib` kB: one deflate block
/// of zeros flushed to a byte boundary, then a second block (whose back-references reach only
/// zeros) repeated. The stream is deliberately left unfinished (no final block, no trailer),
/// so a client that read it to the end would fail with a decode error, not a size error.
fn gzip_bomb(mib: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let zeros = vec![0u8; 1 << 20];
    let mut deflate = Compress::new(Compression::best(), false);
    let block = |deflate: &mut Compress| {
        let mut out = Vec::with_capacity(8 << 10);
        let before = deflate.total_in();
        while deflate.total_in() - before < zeros.len() as u64 {
            let done = (deflate.total_in() - before) as usize;
            out.reserve(4 << 10);
            deflate
                .compress_vec(&zeros[done..], &mut out, FlushCompress::None)
                .unwrap();
        }
        loop {
            out.reserve(4 << 10);
            let len = out.len();
            deflate
                .compress_vec(&[], &mut out, FlushCompress::Sync)
                .unwrap();
            if out.len() == len || out.ends_with(&[0, 0, 0xff, 0xff]) {
                break;
            }
        }
        out
    };
    let first = block(&mut deflate);
    let repeated = block(&mut deflate);
    // gzip header: magic, deflate, no flags, mtime 0, no extra flags, unknown OS.
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    out.extend_from_slice(&first);
    for _ in 1..mib {
        out.extend_from_slice(&repeated);
    }
    out
}

#[test]
fn the_bomb_really_inflates_to_its_size() {
    // The first 64 MiB of a 2 GiB bomb, decoded by flate2: all zeros, and more to come.
    let bomb = gzip_bomb(2048);
    assert!(bomb.len() < 4 << 20, "{} bytes", bomb.len());
    let mut decoder = flate2::read::GzDecoder::new(&bomb[..]);
    let mut buf = vec![1u8; 1 << 20];
    for _ in 0..64 {
        std::io::Read::read_exact(&mut decoder, &mut buf).unwrap();
        assert!(buf.iter().all(|&b| b == 0));
    }
}

#[tokio::test]
async fn a_gzip_bomb_stops_at_the_size_cap() {
    let bomb = gzip_bomb(2048);
    for chunked in [None, Some(64 << 10)] {
        let body = bomb.clone();
        let server = Server::start(move |_, _| Reply {
            chunked,
            ..Reply::new(200, JSON, body.clone()).header("Content-Encoding", "gzip")
        });
        let c = client_for(&server.origin, |o| o.max_body = 2 << 20);
        let err = c
            .get(Source::HuggingFace, "/api/daily_papers", Expect::Json, None)
            .await
            .unwrap_err();
        assert!(
            matches!(err, SourceError::TooLarge { limit, .. } if limit == 2 << 20),
            "{err}"
        );
        assert_eq!(server.seen().len(), 1, "a size error is not retried");
    }
}

#[tokio::test]
async fn a_gzip_bomb_in_a_sync_and_an_add_changes_nothing() {
    let bomb = gzip_bomb(512);
    let reply = Reply::new(200, JSON, bomb.clone()).header("Content-Encoding", "gzip");
    let error = hostile_daily_changes_nothing(reply, |o| o.max_body = 1 << 20).await;
    assert!(error.contains("too large"), "{error}");
    let reply = Reply::new(200, ATOM, bomb).header("Content-Encoding", "gzip");
    let err = hostile_add_changes_nothing(reply).await;
    assert_eq!(err.code(), ErrorCode::Network, "{err}");
}

// ---------------------------------------------------------------------------------------------
// Bodies that are not what they claim

#[tokio::test]
async fn invalid_utf8_in_json_and_xml_is_a_typed_error() {
    let mut json = br#"[{"paper": {"id": "2401.00001", "title": "Bad "#.to_vec();
    json.extend_from_slice(b"\xff\xfe\xc3\x28 bytes\"}}]");
    let error = hostile_daily_changes_nothing(Reply::new(200, JSON, json), |_| {}).await;
    assert!(
        error.contains("utf-8") || error.contains("UTF-8") || error.contains("invalid"),
        "{error}"
    );

    let mut xml = fixture_bytes("api/arxiv/query-cat-cs.LG-start0.xml");
    let at = xml.windows(7).position(|w| w == b"<title>").unwrap() + 7;
    xml.splice(at..at, *b"\xc0\xaf\xff");
    let err = hostile_add_changes_nothing(Reply::new(200, ATOM, xml)).await;
    assert_ne!(err.code(), ErrorCode::Internal, "{err}");
}

#[tokio::test]
async fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    let mut nested = "[".repeat(100_000);
    nested.push_str(&"]".repeat(100_000));
    let objects = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    // The client's well-formedness check skips values without recursing, so the body gets
    // through; every parser then stops at serde_json's nesting limit with a typed error.
    for body in [&nested, &objects] {
        let err = hf::parse_daily_bytes(body.as_bytes()).unwrap_err();
        assert!(matches!(err, hf::HfError::InvalidJson { .. }), "{err}");
        assert!(err.to_string().contains("recursion limit"), "{err}");
        assert!(s2::parse_paper(body).is_err());
    }
    let error = hostile_daily_changes_nothing(Reply::new(200, JSON, nested), |_| {}).await;
    assert!(error.contains("recursion limit"), "{error}");
    hostile_daily_changes_nothing(Reply::new(200, JSON, objects), |_| {}).await;
}

#[tokio::test]
async fn deeply_nested_xml_and_entity_bombs_are_refused() {
    let nested = format!(
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">{}{}</feed>",
        "<entry>".repeat(100_000),
        "</entry>".repeat(100_000)
    );
    let err = hostile_add_changes_nothing(Reply::new(200, ATOM, nested)).await;
    assert_ne!(err.code(), ErrorCode::Internal, "{err}");

    let mut laughs = String::from("<?xml version=\"1.0\"?><!DOCTYPE feed [<!ENTITY a \"lol\">");
    for i in 1..10 {
        laughs.push_str(&format!(
            "<!ENTITY {} \"{}\">",
            (b'a' + i) as char,
            format!("&{};", (b'a' + i - 1) as char).repeat(10)
        ));
    }
    laughs.push_str("]><feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>http://arxiv.org/abs/2303.05735v1</id><title>&j;</title></entry></feed>");
    let err = hostile_add_changes_nothing(Reply::new(200, ATOM, laughs)).await;
    assert_ne!(err.code(), ErrorCode::Internal, "{err}");
}

#[tokio::test]
async fn html_labelled_as_json_or_xml_is_refused() {
    let html = fixture_bytes("api/hostile/html-error-page.html");
    let error = hostile_daily_changes_nothing(Reply::new(200, JSON, html.clone()), |_| {}).await;
    assert!(error.contains("invalid JSON"), "{error}");
    let err = hostile_add_changes_nothing(Reply::new(200, ATOM, html)).await;
    assert_ne!(err.code(), ErrorCode::Internal, "{err}");
}

#[tokio::test]
async fn truncated_and_oversized_days_change_nothing() {
    let day = fixture_bytes("api/hf/daily_papers-2024-01-15.json");
    // Content-Length says the whole day; half arrives, then the socket closes.
    let cut = Reply {
        cut_at: Some(day.len() / 2),
        ..Reply::new(200, JSON, day.clone())
    };
    let error = hostile_daily_changes_nothing(cut, |_| {}).await;
    assert!(error.contains("gave up"), "{error}");
    // A lying Content-Length shorter than the body.
    let lying = Reply {
        claimed_length: Some(day.len() / 3),
        ..Reply::new(200, JSON, day.clone())
    };
    hostile_daily_changes_nothing(lying, |_| {}).await;
    // Valid JSON, over the cap, with no length announced.
    let big = Reply {
        no_length: true,
        ..Reply::new(200, JSON, day)
    };
    let error = hostile_daily_changes_nothing(big, |o| o.max_body = 64 << 10).await;
    assert!(error.contains("too large"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// Redirects, slowness, storms

#[tokio::test]
async fn a_redirect_to_another_local_host_is_never_followed() {
    let elsewhere = Server::start(|_, _| Reply::new(200, JSON, "[]"));
    let target = format!("http://localhost:{}/api/daily_papers", elsewhere.port());
    let reply = Reply::new(302, JSON, "").header("Location", &target);
    let error = hostile_daily_changes_nothing(reply, |_| {}).await;
    assert!(error.contains("another host"), "{error}");
    assert!(elsewhere.seen().is_empty(), "the other host was contacted");
}

#[tokio::test]
async fn an_endless_redirect_chain_stops_at_the_fifth_redirect() {
    let server = Server::start(|req, _| {
        let n: u64 = req.path().trim_start_matches("/hop/").parse().unwrap_or(0);
        Reply::new(302, JSON, "").header("Location", &format!("/hop/{}", n + 1))
    });
    let c = client_for(&server.origin, |_| {});
    let err = c
        .get(Source::HuggingFace, "/hop/0", Expect::Json, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("too many redirects"), "{err}");
    assert_eq!(
        server.seen().len(),
        5,
        "the first request and four hops, once"
    );
}

#[tokio::test]
async fn a_body_dripping_past_the_timeout_is_retried_a_bounded_number_of_times() {
    let server = Server::start(|_, _| Reply {
        drip: Some(Duration::from_millis(100)),
        ..Reply::new(200, JSON, "[                                        ]")
    });
    let c = client_for(&server.origin, |o| {
        o.total_timeout = Duration::from_millis(500);
        o.max_attempts = 2;
    });
    let err = c
        .get(Source::HuggingFace, "/api/daily_papers", Expect::Json, None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, SourceError::GaveUp { attempts: 2, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("no answer within"), "{err}");
    assert_eq!(server.seen().len(), 2);

    let slow = Reply {
        drip: Some(Duration::from_millis(100)),
        ..Reply::new(200, JSON, "[                                        ]")
    };
    hostile_daily_changes_nothing(slow, |o| {
        o.total_timeout = Duration::from_millis(500);
        o.max_attempts = 2;
    })
    .await;
}

#[tokio::test]
async fn a_429_storm_is_retried_a_bounded_number_of_times_then_reported() {
    // Retry-After: 0 invites an immediate retry, forever: attempts stay bounded.
    let server = Server::start(|_, _| Reply::new(429, JSON, "").header("Retry-After", "0"));
    let c = client_for(&server.origin, |o| o.max_attempts = 4);
    let err = c
        .get(
            Source::SemanticScholar,
            "/graph/v1/paper/x",
            Expect::Json,
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, SourceError::GaveUp { attempts: 4, .. }),
        "{err}"
    );
    assert_eq!(server.seen().len(), 4);

    let storm = Reply::new(429, JSON, "").header("RateLimit", "\"api\";r=0;t=0");
    let error = hostile_daily_changes_nothing(storm, |o| o.max_attempts = 3).await;
    assert!(error.contains("429"), "{error}");
}

#[tokio::test]
async fn a_429_storm_during_enrichment_leaves_the_papers_as_they_were() {
    let api = api(|req| {
        req.path().starts_with("/graph/v1/").then(|| {
            Reply::new(
                429,
                "application/json",
                "{\"message\":\"Too Many Requests\",\"code\":\"429\"}",
            )
        })
    });
    let http = client_for(api.origin(), |o| o.max_attempts = 3);
    let t = TempLibrary::new();
    t.lib().subscribe(SubscriptionKind::HfDaily, "").unwrap();
    // A first, friendly sync brings papers with arXiv ids; enrichment then meets the storm.
    let report = sync_day(&t, &http, "2024-01-15").await;
    assert_eq!(report.subscriptions[0].added, 20, "{report:?}");
    let enrichment = report.enrichment.expect("enrichment ran");
    assert!(enrichment.error.is_some(), "{enrichment:?}");
    let s2_requests = api.requests_to("/graph/v1/").len();
    assert!((1..=3).contains(&s2_requests), "{s2_requests} requests");
    let before = papers_state(t.lib());
    let report = sync_day(&t, &http, "2024-01-15").await;
    assert!(report.enrichment.unwrap().error.is_some());
    assert_eq!(papers_state(t.lib()), before);
}

fn fixture_bytes(relative: &str) -> Vec<u8> {
    std::fs::read(fixture(relative)).unwrap()
}
