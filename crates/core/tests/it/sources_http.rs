//! The shared HTTP layer against a real local server: retries, Retry-After, pacing,
//! conditional requests, size caps, content checks and hostile answers.

use std::time::Duration;

use papershelf_core::sources::config::{Source, SourceConfig};
use papershelf_core::sources::http::{
    Expect, Fetched, HttpClient, HttpOptions, SourceError, Validators,
};

use papershelf_testkit::{Reply, Server};

const JSON: &str = "application/json; charset=utf-8";

fn client(server: &Server, tweak: impl FnOnce(&mut HttpOptions)) -> HttpClient {
    let mut config = SourceConfig::default();
    for s in Source::ALL {
        config.set_origin(s, &server.origin).unwrap();
    }
    config.s2_api_key = Some("test-key".into());
    let mut options = HttpOptions {
        base_backoff: Duration::from_millis(50),
        total_timeout: Duration::from_secs(5),
        spacing: [Duration::ZERO; Source::COUNT],
        ..HttpOptions::default()
    };
    tweak(&mut options);
    HttpClient::new(config, options).unwrap()
}

fn body(f: Fetched) -> Vec<u8> {
    match f {
        Fetched::Body { body, .. } => body,
        Fetched::NotModified => panic!("unexpected 304"),
    }
}

#[tokio::test]
async fn a_json_answer_comes_back_with_its_validators_and_a_papershelf_user_agent() {
    let server = Server::start(|_, _| {
        Reply::new(200, JSON, "[1, 2]")
            .header("ETag", "W/\"abc\"")
            .header("Last-Modified", "Mon, 01 Dec 2025 14:07:31 GMT")
    });
    let c = client(&server, |_| {});
    match c
        .get(
            Source::HuggingFace,
            "/api/daily_papers?date=2024-01-15",
            Expect::Json,
            None,
        )
        .await
        .unwrap()
    {
        Fetched::Body {
            body, validators, ..
        } => {
            assert_eq!(body, b"[1, 2]");
            assert_eq!(validators.etag.as_deref(), Some("W/\"abc\""));
            assert!(validators.last_modified.is_some());
        }
        Fetched::NotModified => panic!(),
    }
    let seen = server.seen();
    assert_eq!(seen[0].target, "/api/daily_papers?date=2024-01-15");
    assert!(
        seen[0].headers["user-agent"].starts_with("Papershelf/"),
        "{:?}",
        seen[0].headers
    );
}

#[tokio::test]
async fn a_matching_etag_short_circuits_with_not_modified() {
    let server = Server::start(|req, _| {
        if req.headers.get("if-none-match").map(String::as_str) == Some("W/\"v1\"") {
            Reply {
                status: 304,
                ..Default::default()
            }
        } else {
            Reply::new(200, JSON, "[]").header("ETag", "W/\"v1\"")
        }
    });
    let c = client(&server, |_| {});
    let validators = Validators {
        etag: Some("W/\"v1\"".into()),
        last_modified: None,
    };
    let got = c
        .get(Source::HuggingFace, "/x", Expect::Json, Some(&validators))
        .await
        .unwrap();
    assert_eq!(got, Fetched::NotModified);
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out() {
    let server = Server::start(|_, i| {
        if i == 0 {
            Reply::new(429, JSON, "{}").header("Retry-After", "1")
        } else {
            Reply::new(200, JSON, "{}")
        }
    });
    let c = client(&server, |_| {});
    body(
        c.get(
            Source::SemanticScholar,
            "/graph/v1/paper/x",
            Expect::Json,
            None,
        )
        .await
        .unwrap(),
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(
        seen[1].at - seen[0].at >= Duration::from_millis(1000),
        "{:?}",
        seen[1].at - seen[0].at
    );
    assert_eq!(seen[0].headers["x-api-key"], "test-key");
}

#[tokio::test]
async fn hf_ratelimit_reset_is_honoured_on_429() {
    let server = Server::start(|_, i| {
        if i == 0 {
            Reply::new(429, JSON, "").header("RateLimit", "\"api\";r=0;t=1")
        } else {
            Reply::new(200, JSON, "[]")
        }
    });
    let c = client(&server, |_| {});
    body(
        c.get(Source::HuggingFace, "/api/daily_papers", Expect::Json, None)
            .await
            .unwrap(),
    );
    let seen = server.seen();
    assert!(seen[1].at - seen[0].at >= Duration::from_millis(1000));
}

#[tokio::test]
async fn a_wait_longer_than_allowed_becomes_a_rate_limited_error() {
    let server = Server::start(|_, _| Reply::new(429, JSON, "").header("Retry-After", "3600"));
    let c = client(&server, |_| {});
    match c.get(Source::HuggingFace, "/x", Expect::Json, None).await {
        Err(SourceError::RateLimited { retry_after, .. }) => {
            assert_eq!(retry_after, Duration::from_secs(3600))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_5xx_then_200_succeeds() {
    let server = Server::start(|_, i| {
        if i < 2 {
            Reply::new(502, "text/html", "<html>bad gateway</html>")
        } else {
            Reply::new(200, JSON, "{\"ok\":true}")
        }
    });
    let c = client(&server, |_| {});
    assert_eq!(
        body(
            c.get(Source::HuggingFace, "/x", Expect::Json, None)
                .await
                .unwrap()
        ),
        b"{\"ok\":true}"
    );
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn endless_5xx_gives_up_after_bounded_attempts_naming_source_and_url() {
    let server = Server::start(|_, _| Reply::new(503, "text/html", "<html>down</html>"));
    let c = client(&server, |o| o.max_attempts = 3);
    let err = c
        .get(Source::Arxiv, "/api/query?id_list=1", Expect::Xml, None)
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, SourceError::GaveUp { attempts: 3, .. }),
        "{msg}"
    );
    assert!(
        msg.contains("arxiv") && msg.contains("/api/query?id_list=1"),
        "{msg}"
    );
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn not_found_is_typed_and_not_retried() {
    let server = Server::start(|_, _| Reply::new(404, JSON, "{\"error\":\"Paper not found\"}"));
    let c = client(&server, |_| {});
    let err = c
        .get(
            Source::HuggingFace,
            "/api/papers/2401.99999",
            Expect::Json,
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, SourceError::NotFound { .. }), "{err}");
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn html_instead_of_json_is_refused_even_with_status_200() {
    let server = Server::start(|_, _| {
        Reply::new(
            200,
            "text/html; charset=utf-8",
            "<html><script>x</script></html>",
        )
    });
    let c = client(&server, |_| {});
    let err = c
        .get(
            Source::HuggingFace,
            "/api/papers/search?q=x",
            Expect::Json,
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, SourceError::UnexpectedContent { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("text/html"), "{err}");
}

#[tokio::test]
async fn truncated_json_is_refused() {
    let server = Server::start(|_, _| Reply::new(200, JSON, "[{\"paper\": {\"id\": \"2401"));
    let c = client(&server, |_| {});
    let err = c
        .get(Source::HuggingFace, "/x", Expect::Json, None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, SourceError::UnexpectedContent { .. }),
        "{err}"
    );
}

#[tokio::test]
async fn a_body_cut_short_of_its_content_length_is_retried_then_reported() {
    let server = Server::start(|_, _| Reply {
        cut_at: Some(10),
        ..Reply::new(200, JSON, vec![b' '; 1000])
    });
    let c = client(&server, |o| o.max_attempts = 2);
    let err = c
        .get(Source::HuggingFace, "/x", Expect::Json, None)
        .await
        .unwrap_err();
    assert!(matches!(err, SourceError::GaveUp { .. }), "{err}");
}

#[tokio::test]
async fn oversized_bodies_stop_at_the_cap_with_or_without_a_length() {
    for no_length in [false, true] {
        let server = Server::start(move |_, _| Reply {
            no_length,
            ..Reply::new(200, JSON, vec![b' '; 5000])
        });
        let c = client(&server, |o| o.max_body = 1000);
        let err = c
            .get(Source::HuggingFace, "/x", Expect::Json, None)
            .await
            .unwrap_err();
        assert!(
            matches!(err, SourceError::TooLarge { limit: 1000, .. }),
            "{err}"
        );
    }
}

#[tokio::test]
async fn a_slow_answer_times_out() {
    let server = Server::start(|_, _| Reply {
        delay: Some(Duration::from_secs(2)),
        ..Reply::new(200, JSON, "[]")
    });
    let c = client(&server, |o| {
        o.total_timeout = Duration::from_millis(300);
        o.max_attempts = 2;
    });
    let err = c
        .get(Source::HuggingFace, "/x", Expect::Json, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no answer within"), "{err}");
}

#[tokio::test]
async fn redirect_loops_and_cross_host_redirects_are_refused() {
    let server = Server::start(|req, _| {
        if req.target == "/loop" {
            Reply::new(302, JSON, "").header("Location", "/loop")
        } else {
            Reply::new(302, JSON, "").header("Location", "http://192.0.2.1/elsewhere")
        }
    });
    let c = client(&server, |_| {});
    let err = c
        .get(Source::HuggingFace, "/loop", Expect::Json, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("redirect"), "{err}");
    let err = c
        .get(Source::HuggingFace, "/away", Expect::Json, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("another host"), "{err}");
}

#[tokio::test]
async fn requests_to_one_source_keep_their_spacing() {
    let server = Server::start(|_, _| Reply::new(200, "application/atom+xml", "<feed/>"));
    let c = std::sync::Arc::new(client(&server, |o| {
        o.spacing = [Duration::from_millis(300); Source::COUNT]
    }));
    let mut tasks = Vec::new();
    for i in 0..4 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            c.get(
                Source::Arxiv,
                &format!("/api/query?start={i}"),
                Expect::Xml,
                None,
            )
            .await
            .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 4);
    for pair in seen.windows(2) {
        let gap = pair[1].at - pair[0].at;
        assert!(gap >= Duration::from_millis(290), "requests {gap:?} apart");
    }
}

#[tokio::test]
async fn a_gzip_body_is_decoded_and_a_mislabelled_one_is_refused() {
    let gz = std::fs::read(crate::support::fixture(
        "api/hostile/search-q-positional-encoding.json.gz",
    ))
    .unwrap();
    let plain = std::fs::read(crate::support::fixture(
        "api/hf/search-q-positional-encoding.json",
    ))
    .unwrap();
    let server = Server::start(move |req, _| {
        let r = Reply::new(200, "application/json", gz.clone());
        if req.target.contains("encoded") {
            r.header("Content-Encoding", "gzip")
        } else {
            r
        }
    });
    let c = client(&server, |_| {});
    assert_eq!(
        body(
            c.get(Source::HuggingFace, "/encoded", Expect::Json, None)
                .await
                .unwrap()
        ),
        plain
    );
    let err = c
        .get(Source::HuggingFace, "/raw", Expect::Json, None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, SourceError::UnexpectedContent { .. }),
        "{err}"
    );
}

#[tokio::test]
async fn json_is_posted_to_batch_endpoints() {
    let server = Server::start(|req, _| {
        assert_eq!(req.method, "POST");
        Reply::new(200, "application/json", "[null]")
    });
    let c = client(&server, |_| {});
    let got = c
        .post_json(
            Source::SemanticScholar,
            "/graph/v1/paper/batch?fields=title",
            &serde_json::json!({"ids": ["x"]}),
        )
        .await
        .unwrap();
    assert_eq!(body(got), b"[null]");
    assert_eq!(server.seen()[0].headers["content-type"], "application/json");
}

#[tokio::test]
async fn an_origin_nobody_listens_on_fails_fast_as_unreachable() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = SourceConfig::default();
    config
        .set_origin(Source::Arxiv, &format!("http://127.0.0.1:{port}"))
        .unwrap();
    let options = HttpOptions {
        base_backoff: Duration::from_millis(10),
        ..HttpOptions::default()
    };
    let c = HttpClient::new(config, options).unwrap();
    let err = c
        .get(Source::Arxiv, "/api/query?id_list=1", Expect::Xml, None)
        .await
        .unwrap_err();
    assert!(matches!(err, SourceError::Connect { .. }), "{err}");
    assert!(err.to_string().contains("cannot reach"), "{err}");
}
