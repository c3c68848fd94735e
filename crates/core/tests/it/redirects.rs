//! Redirects and credentials against real servers on 127.0.0.1: a redirect may only stay on
//! the source's own scheme, host and port, and the Semantic Scholar key or the Hugging Face
//! token never travels on a redirected request. DOIs whose path would resolve elsewhere are
//! never sent.

use std::time::Duration;

use papershelf_core::graph::Direction;
use papershelf_core::sources::config::{Source, SourceConfig};
use papershelf_core::sources::http::{Expect, HttpClient, HttpOptions};
use papershelf_core::sync::{fetch_edges, CancelToken};
use papershelf_core::{ErrorCode, ListFilter, NewPaper};
use papershelf_testkit::{Reply, Server};

use crate::support::*;

const JSON: &str = "application/json";
const KEY: &str = "s2-secret-key";
const TOKEN: &str = "hf-secret-token";

/// A client sending every source to `origin`, with an S2 key and an HF token configured.
fn keyed_client(origin: &str) -> HttpClient {
    let mut config = SourceConfig::default();
    for s in Source::ALL {
        config.set_origin(s, origin).unwrap();
    }
    config.s2_api_key = Some(KEY.into());
    config.hf_token = Some(TOKEN.into());
    let options = HttpOptions {
        base_backoff: Duration::from_millis(10),
        spacing: [Duration::ZERO; Source::COUNT],
        max_attempts: 2,
        ..HttpOptions::default()
    };
    HttpClient::new(config, options).unwrap()
}

#[tokio::test]
async fn a_redirect_to_another_port_is_refused_and_the_other_server_never_sees_the_key() {
    let other = Server::start(|_, _| Reply::new(200, JSON, "{}"));
    let target = format!("http://127.0.0.1:{}/graph/v1/paper/x", other.port());
    let s2 = Server::start(move |_, _| Reply::new(302, JSON, "").header("Location", &target));
    let http = keyed_client(&s2.origin);
    for source in [Source::SemanticScholar, Source::HuggingFace] {
        let err = http
            .get(source, "/graph/v1/paper/x", Expect::Json, None)
            .await
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("another host, port or scheme") && msg.contains("refused"),
            "{msg}"
        );
    }
    assert!(
        other.seen().is_empty(),
        "the other port was contacted: {:?}",
        other
            .seen()
            .iter()
            .map(|s| s.headers.clone())
            .collect::<Vec<_>>()
    );
    // The source's own server got the key, once, on the request made to it.
    let seen = s2.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].header("x-api-key"), Some(KEY));
}

#[tokio::test]
async fn a_redirect_to_another_scheme_on_the_same_host_and_port_is_refused() {
    let server = Server::start(|req, _| {
        let port = req
            .header("host")
            .unwrap_or("")
            .rsplit(':')
            .next()
            .unwrap_or("");
        Reply::new(302, JSON, "").header("Location", &format!("https://127.0.0.1:{port}/y"))
    });
    let http = keyed_client(&server.origin);
    let err = http
        .get(Source::SemanticScholar, "/x", Expect::Json, None)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("another host, port or scheme"),
        "{err}"
    );
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_same_origin_redirect_is_followed_without_the_key_or_the_token() {
    let server = Server::start(|req, _| {
        if req.path().starts_with("/old") {
            Reply::new(301, JSON, "").header("Location", "/new")
        } else {
            Reply::new(200, JSON, r#"{"ok": true}"#)
        }
    });
    let http = keyed_client(&server.origin);
    http.get(Source::SemanticScholar, "/old/s2", Expect::Json, None)
        .await
        .unwrap();
    http.get(Source::HuggingFace, "/old/hf", Expect::Json, None)
        .await
        .unwrap();
    let seen = server.seen();
    let paths: Vec<&str> = seen.iter().map(|s| s.path()).collect();
    assert_eq!(paths, ["/old/s2", "/new", "/old/hf", "/new"]);
    assert_eq!(seen[0].header("x-api-key"), Some(KEY));
    assert_eq!(
        seen[1].header("x-api-key"),
        None,
        "the key followed a redirect"
    );
    assert_eq!(
        seen[2].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(
        seen[3].header("authorization"),
        None,
        "the token followed a redirect"
    );
    assert_eq!(http.traffic(Source::SemanticScholar).requests, 2);
}

#[tokio::test]
async fn a_doi_with_dot_segments_is_never_put_in_a_request_path() {
    let server = Server::start(|_, _| Reply::new(200, JSON, r#"{"data": []}"#));
    let http = keyed_client(&server.origin);
    let t = TempLibrary::new();
    let paper = NewPaper {
        title: "A Paper With a Strange DOI".into(),
        authors: vec!["Ada Lovelace".into()],
        doi: Some("10.1000/../../../admin/x".into()),
        ..Default::default()
    };
    t.lib().add_papers(&[paper], "test", "sample").unwrap();
    let id = t.lib().list(&ListFilter::default()).unwrap()[0].id.clone();
    let err = fetch_edges(
        t.lib(),
        &http,
        &id,
        Direction::References,
        false,
        &CancelToken::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    assert!(err.to_string().contains("'..'"), "{err}");
    assert!(server.seen().is_empty(), "{:?}", server.seen()[0].target);
    // The HTTP layer refuses such a path from any caller, plain or percent-encoded.
    for path in ["/graph/v1/paper/DOI:10.1/../../x", "/api/%2e%2e/x"] {
        let err = http
            .get(Source::SemanticScholar, path, Expect::Json, None)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("'..'"), "{err}");
    }
    assert!(server.seen().is_empty());
}
