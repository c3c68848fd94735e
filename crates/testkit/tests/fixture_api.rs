//! The fixture server driven with plain HTTP/1.1 over `std::net::TcpStream`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use papershelf_testkit::{
    etag_of, fixtures_dir, FixtureApi, Reply, Server, Upstream, FIXED_LAST_MODIFIED,
    GZIP_LABELLED_Q, GZIP_UNLABELLED_Q, HF_RATE_LIMIT, HF_RATE_LIMIT_POLICY,
};
use serde_json::Value;

const HF_JSON: &str = "application/json; charset=utf-8";
const ATOM: &str = "application/atom+xml; charset=utf-8";
const S2_JSON: &str = "application/json";

/// A response as read off the wire.
#[derive(Debug)]
struct Resp {
    status: u16,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request on a fresh connection (`Connection: close`) and reads the answer:
/// by `Content-Length`, chunked, or to the end of the stream.
fn send(origin: &str, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let addr = origin.strip_prefix("http://").unwrap();
    let stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut w = stream.try_clone().unwrap();
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    w.write_all(head.as_bytes()).unwrap();
    w.write_all(body).unwrap();
    w.flush().unwrap();

    let mut r = BufReader::new(stream);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':').unwrap();
        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
    }
    let mut body = Vec::new();
    if headers.get("transfer-encoding").map(String::as_str) == Some("chunked") {
        loop {
            let mut size = String::new();
            r.read_line(&mut size).unwrap();
            let n = usize::from_str_radix(size.trim(), 16).unwrap();
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk).unwrap();
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else if method == "HEAD" || status == 304 {
        // No body.
    } else if let Some(n) = headers.get("content-length") {
        let n: usize = n.parse().unwrap();
        body = vec![0; n];
        r.read_exact(&mut body).unwrap();
    } else {
        r.read_to_end(&mut body).unwrap();
    }
    Resp {
        status,
        headers,
        body,
    }
}

fn get(api: &FixtureApi, target: &str) -> Resp {
    send(api.origin(), "GET", target, &[], b"")
}

fn get_with(api: &FixtureApi, target: &str, headers: &[(&str, &str)]) -> Resp {
    send(api.origin(), "GET", target, headers, b"")
}

fn start() -> FixtureApi {
    FixtureApi::start(&fixtures_dir())
}

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join(rel)).unwrap()
}

/// Asserts a 200 carrying exactly the fixture with the README's validators.
fn assert_file(resp: &Resp, rel: &str, content_type: &str, last_modified: &str) {
    let bytes = fixture(rel);
    assert_eq!(resp.status, 200, "{rel}: {}", resp.text());
    assert_eq!(resp.body, bytes, "{rel}");
    assert_eq!(resp.header("content-type"), Some(content_type), "{rel}");
    assert_eq!(resp.header("etag"), Some(etag_of(&bytes).as_str()), "{rel}");
    assert_eq!(resp.header("last-modified"), Some(last_modified), "{rel}");
}

fn assert_hf_limits(resp: &Resp) {
    assert_eq!(resp.header("ratelimit"), Some(HF_RATE_LIMIT));
    assert_eq!(resp.header("ratelimit-policy"), Some(HF_RATE_LIMIT_POLICY));
}

#[test]
fn hf_daily_files_are_served_by_date_with_validators_and_rate_limits() {
    let api = start();
    let r = get(&api, "/api/daily_papers?date=2024-01-15");
    assert_file(
        &r,
        "hf/daily_papers-2024-01-15.json",
        HF_JSON,
        "Mon, 15 Jan 2024 23:59:59 GMT",
    );
    assert_hf_limits(&r);
    assert_eq!(r.json().as_array().unwrap().len(), 20);
    assert_eq!(r.header("link"), None);

    let r = get(&api, "/api/daily_papers?date=2024-01-16");
    assert_file(
        &r,
        "hf/daily_papers-2024-01-16.json",
        HF_JSON,
        "Tue, 16 Jan 2024 23:59:59 GMT",
    );

    for date in ["2024-01-13", "2023-12-31"] {
        let r = get(&api, &format!("/api/daily_papers?date={date}"));
        assert_eq!(r.body, fixture("hf/daily_papers-empty.json"), "{date}");
        assert_eq!(r.status, 200);
        assert_hf_limits(&r);
    }
    let r = get(&api, "/api/daily_papers?date=2024-13-01");
    assert_eq!(r.status, 400);
    assert_hf_limits(&r);
}

#[test]
fn hf_daily_pages_follow_link_headers_to_an_empty_page() {
    let api = start();
    let all: Vec<Value> =
        serde_json::from_slice(&fixture("hf/daily_papers-2024-01-15.json")).unwrap();
    let mut target = "/api/daily_papers?date=2024-01-15&limit=8".to_string();
    let mut items = Vec::new();
    let mut sizes = Vec::new();
    loop {
        let r = get(&api, &target);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("etag"), Some(etag_of(&r.body).as_str()));
        assert_eq!(
            r.header("last-modified"),
            Some("Mon, 15 Jan 2024 23:59:59 GMT")
        );
        assert_hf_limits(&r);
        let page = r.json().as_array().unwrap().clone();
        sizes.push(page.len());
        items.extend(page);
        let Some(link) = r.header("link") else { break };
        let next = link
            .strip_prefix(&format!("<{}", api.origin()))
            .and_then(|l| l.strip_suffix(">; rel=\"next\""))
            .unwrap_or_else(|| panic!("link {link}"));
        target = next.to_string();
    }
    assert_eq!(sizes, [8, 8, 4]);
    assert_eq!(items, all);
    assert_eq!(
        api.requests_to("/api/daily_papers")
            .iter()
            .map(|s| s.target.as_str())
            .collect::<Vec<_>>(),
        [
            "/api/daily_papers?date=2024-01-15&limit=8",
            "/api/daily_papers?date=2024-01-15&p=1&limit=8",
            "/api/daily_papers?date=2024-01-15&p=2&limit=8",
        ]
    );
    let past = get(&api, "/api/daily_papers?date=2024-01-15&p=3&limit=8");
    assert_eq!((past.status, past.text().as_str()), (200, "[]"));
    assert_eq!(past.header("link"), None);
}

#[test]
fn hf_search_and_papers_route_by_query_and_id() {
    let api = start();
    for target in [
        "/api/papers/search?q=positional+encoding",
        "/api/papers/search?q=positional%20encoding&limit=3",
    ] {
        let r = get(&api, target);
        assert_file(
            &r,
            "hf/search-q-positional-encoding.json",
            HF_JSON,
            FIXED_LAST_MODIFIED,
        );
        assert_hf_limits(&r);
        assert_eq!(r.json().as_array().unwrap().len(), 8);
    }
    let r = get(&api, "/api/papers/search?q=interstitial");
    assert_file(
        &r,
        "hostile/html-200-interstitial.html",
        "text/html; charset=utf-8",
        FIXED_LAST_MODIFIED,
    );
    let gz = "hostile/search-q-positional-encoding.json.gz";
    let r = get(&api, &format!("/api/papers/search?q={GZIP_LABELLED_Q}"));
    assert_file(&r, gz, "application/json", FIXED_LAST_MODIFIED);
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    let r = get(&api, &format!("/api/papers/search?q={GZIP_UNLABELLED_Q}"));
    assert_file(&r, gz, "application/json", FIXED_LAST_MODIFIED);
    assert_eq!(r.header("content-encoding"), None);
    let r = get(&api, "/api/papers/search?q=nothing+here");
    assert_eq!((r.status, r.text().as_str()), (200, "[]"));

    for id in ["2310.02579", "2405.12522", "2410.05050"] {
        let r = get(&api, &format!("/api/papers/{id}"));
        assert_file(
            &r,
            &format!("hf/paper-{id}.json"),
            HF_JSON,
            FIXED_LAST_MODIFIED,
        );
        assert_hf_limits(&r);
    }
    let r = get(&api, "/api/papers/2401.99999");
    assert_eq!(r.status, 404);
    assert_eq!(r.body, fixture("hf/not-found.json"));
    assert_eq!(r.header("etag"), None);
    assert_hf_limits(&r);
}

#[test]
fn hostile_hf_routes_answer_as_the_hostile_table_says() {
    let api = start();
    let partial = fixture("hostile/truncated-daily_papers.json.partial");
    let r = get(&api, "/api/daily_papers?date=2024-02-01");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.body, partial);

    api.set_cut_truncated_daily(true);
    // Read raw: the body stops short of its Content-Length.
    let addr = api.origin().strip_prefix("http://").unwrap();
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(b"GET /api/daily_papers?date=2024-02-01 HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains(&format!("Content-Length: {}\r\n", partial.len())));
    let head_len = text.find("\r\n\r\n").unwrap() + 4;
    assert_eq!(raw.len() - head_len, partial.len() / 2);
    api.set_cut_truncated_daily(false);

    let r = get(&api, "/api/daily_papers?date=2024-02-02");
    assert_eq!(r.status, 503);
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert_eq!(r.body, fixture("hostile/html-error-page.html"));

    for (date, rel, last_modified) in [
        (
            "2024-02-03",
            "hostile/xss-daily_papers.json",
            "Sat, 03 Feb 2024 23:59:59 GMT",
        ),
        (
            "2024-02-04",
            "hostile/odd-types-daily_papers.json",
            "Sun, 04 Feb 2024 23:59:59 GMT",
        ),
        (
            "2024-02-05",
            "hostile/wrong-shape-daily_papers.json",
            "Mon, 05 Feb 2024 23:59:59 GMT",
        ),
    ] {
        let r = get(&api, &format!("/api/daily_papers?date={date}"));
        assert_file(&r, rel, HF_JSON, last_modified);
        assert_hf_limits(&r);
    }
    // The wrong shape is not an array: paging does not apply.
    let r = get(&api, "/api/daily_papers?date=2024-02-05&limit=2");
    assert_eq!(r.body, fixture("hostile/wrong-shape-daily_papers.json"));
}

#[test]
fn oversized_variants_are_synthesized() {
    let api = start();
    let r = get(&api, "/api/daily_papers?date=2099-01-01");
    assert_eq!(r.status, 200);
    assert!(r.body.len() > 5_242_880, "{}", r.body.len());
    assert!(r.json().as_array().unwrap().len() > 1);

    let r = get(&api, "/api/papers/search?q=oversized");
    assert_eq!(r.header("transfer-encoding"), Some("chunked"));
    assert_eq!(r.header("content-length"), None);
    assert!(r.body.len() > 5_242_880);

    let addr = api.origin().strip_prefix("http://").unwrap();
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(b"GET /graph/v1/paper/arXiv:2099.00001 HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    assert!(String::from_utf8_lossy(&raw[..400]).contains("Content-Length: 100\r\n"));
    assert!(raw.len() > 5_242_880);

    // Slow drip: the head comes at once, the body one byte per 500 ms.
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(b"GET /api/query?id_list=2099.00002 HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut line = String::new();
    while line != "\r\n" {
        line.clear();
        r.read_line(&mut line).unwrap();
    }
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut byte = [0u8; 1];
    assert!(
        r.read(&mut byte).is_err(),
        "the first body byte came too soon"
    );
}

#[test]
fn arxiv_queries_route_by_search_paging_and_id_list() {
    let api = start();
    for start in [0, 2, 4] {
        let r = get(
            &api,
            &format!(
                "/api/query?search_query=cat:cs.LG&sortBy=submittedDate&sortOrder=descending&start={start}&max_results=2"
            ),
        );
        assert_file(
            &r,
            &format!("arxiv/query-cat-cs.LG-start{start}.xml"),
            ATOM,
            FIXED_LAST_MODIFIED,
        );
        assert_eq!(r.header("ratelimit"), None);
    }
    let r = get(&api, "/api/query?search_query=cat%3Acs.LG&max_results=2");
    assert_eq!(r.body, fixture("arxiv/query-cat-cs.LG-start0.xml"));

    let legacy = "arxiv/id_list-2502.13842-2212.07346-2303.05735.xml";
    for ids in [
        "2502.13842,2212.07346,2303.05735",
        "2303.05735,2502.13842,2212.07346",
        "2212.07346%2C2303.05735%2C2502.13842",
    ] {
        let r = get(&api, &format!("/api/query?id_list={ids}"));
        assert_file(&r, legacy, ATOM, FIXED_LAST_MODIFIED);
    }
    let r = get(&api, "/api/query?id_list=2401.99999");
    assert_file(&r, "arxiv/empty.xml", ATOM, FIXED_LAST_MODIFIED);
    let r = get(&api, "/api/query?id_list=2099.00004");
    assert_file(&r, "hostile/xss-arxiv.xml", ATOM, FIXED_LAST_MODIFIED);
    for bad in ["2401.0abc", "2401.12345,nonsense"] {
        let r = get(&api, &format!("/api/query?id_list={bad}"));
        assert_eq!(r.status, 400, "{bad}");
        assert_eq!(r.body, fixture("arxiv/error-malformed-id.xml"));
        assert_eq!(r.header("content-type"), Some(ATOM));
    }
}

#[test]
fn s2_routes_answer_papers_edges_search_batch_and_errors() {
    let api = start();
    let fields = "paperId,externalIds,corpusId,publicationVenue,url,title,abstract,venue,year,referenceCount,citationCount,influentialCitationCount,isOpenAccess,openAccessPdf,fieldsOfStudy,s2FieldsOfStudy,tldr,publicationTypes,publicationDate,journal,authors";
    for id in ["arXiv:2310.02579", "ARXIV:2310.02579", "arXiv%3A2310.02579"] {
        let r = get(&api, &format!("/graph/v1/paper/{id}?fields={fields}"));
        assert_file(
            &r,
            "s2/paper-arXiv-2310.02579.json",
            S2_JSON,
            FIXED_LAST_MODIFIED,
        );
        assert_eq!(r.header("ratelimit"), None);
    }
    for target in [
        "/graph/v1/paper/arXiv:2401.99999",
        "/graph/v1/paper/arXiv:2401.99999/references",
        "/graph/v1/paper/0c70c0744ef4aecb3e4288f9e963b83aa0d8fd5d",
    ] {
        let r = get(&api, target);
        assert_eq!(r.status, 404, "{target}");
        assert_eq!(r.body, fixture("s2/404.json"));
        assert_eq!(r.header("content-type"), Some(S2_JSON));
    }
    for target in [
        "/graph/v1/paper/arXiv:2310.02579?fields=bogus",
        "/graph/v1/paper/search?query=x&fields=title,bogus",
    ] {
        let r = get(&api, target);
        assert_eq!(r.status, 400, "{target}");
        assert_eq!(r.body, fixture("s2/400-bad-fields.json"));
    }
    let r = get(&api, "/graph/v1/paper/arXiv:2099.00003");
    assert_eq!(r.status, 503);
    assert_eq!(r.header("content-type"), Some("text/html"));

    let edges = "fields=contexts,intents,isInfluential,title,externalIds,year";
    for offset in [0, 3] {
        let r = get(
            &api,
            &format!("/graph/v1/paper/arXiv:2405.12522/references?{edges}&offset={offset}&limit=3"),
        );
        assert_file(
            &r,
            &format!("s2/references-2405.12522-offset{offset}.json"),
            S2_JSON,
            FIXED_LAST_MODIFIED,
        );
    }
    let r = get(
        &api,
        &format!("/graph/v1/paper/arXiv:2309.08600/citations?{edges}&offset=0&limit=100"),
    );
    assert_file(
        &r,
        "s2/citations-2309.08600-offset0.json",
        S2_JSON,
        FIXED_LAST_MODIFIED,
    );
    for offset in [0, 3] {
        let r = get(
            &api,
            &format!("/graph/v1/paper/search?query=positional+encoding&fields=title,externalIds,year&offset={offset}&limit=3"),
        );
        assert_file(
            &r,
            &format!("s2/search-q-positional-encoding-offset{offset}.json"),
            S2_JSON,
            FIXED_LAST_MODIFIED,
        );
    }

    let batch = "/graph/v1/paper/batch?fields=paperId,externalIds,title,year,citationCount,publicationDate,authors";
    let r = send(
        api.origin(),
        "POST",
        batch,
        &[("Content-Type", "application/json")],
        &fixture("s2/batch-request.json"),
    );
    assert_file(&r, "s2/batch-response.json", S2_JSON, FIXED_LAST_MODIFIED);
    assert_eq!(
        api.requests_to("/graph/v1/paper/batch")[0].body,
        fixture("s2/batch-request.json")
    );
    let recorded: Vec<Value> = serde_json::from_slice(&fixture("s2/batch-response.json")).unwrap();
    let r = send(
        api.origin(),
        "POST",
        batch,
        &[],
        br#"{"ids": ["ARXIV:1206.5538", "arXiv:0000.00000", "arXiv:2310.02579"]}"#,
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        Value::Array(vec![recorded[4].clone(), Value::Null, recorded[0].clone()])
    );
    let r = send(api.origin(), "POST", batch, &[], b"[1]");
    assert_eq!(r.status, 400);
}

#[test]
fn validators_turn_repeat_requests_into_304s() {
    let api = start();
    let target = "/api/papers/2310.02579";
    let first = get(&api, target);
    let etag = first.header("etag").unwrap().to_string();
    let r = get_with(&api, target, &[("If-None-Match", &etag)]);
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    assert_eq!(r.header("etag"), Some(etag.as_str()));
    assert_hf_limits(&r);

    let r = get_with(&api, target, &[("If-None-Match", "W/\"0000000000000000\"")]);
    assert_eq!(r.status, 200);
    let r = get_with(
        &api,
        target,
        &[("If-Modified-Since", "Tue, 02 Dec 2025 00:00:00 GMT")],
    );
    assert_eq!(r.status, 304);
    let r = get_with(&api, target, &[("If-Modified-Since", FIXED_LAST_MODIFIED)]);
    assert_eq!(r.status, 304);
    let r = get_with(
        &api,
        target,
        &[("If-Modified-Since", "Sun, 30 Nov 2025 23:59:59 GMT")],
    );
    assert_eq!(r.status, 200);

    // HF daily: Last-Modified is the end of the day.
    let daily = "/api/daily_papers?date=2024-01-15";
    let r = get_with(
        &api,
        daily,
        &[("If-Modified-Since", "Mon, 15 Jan 2024 23:59:59 GMT")],
    );
    assert_eq!(r.status, 304);
    let r = get_with(
        &api,
        daily,
        &[("If-Modified-Since", "Mon, 15 Jan 2024 23:59:58 GMT")],
    );
    assert_eq!(r.status, 200);

    // S2 and arXiv too.
    let s2 = get(&api, "/graph/v1/paper/arXiv:2310.02579");
    let r = get_with(
        &api,
        "/graph/v1/paper/arXiv:2310.02579",
        &[("If-None-Match", s2.header("etag").unwrap())],
    );
    assert_eq!(r.status, 304);
    let ax = get(&api, "/api/query?id_list=2401.99999");
    let r = get_with(
        &api,
        "/api/query?id_list=2401.99999",
        &[("If-None-Match", ax.header("etag").unwrap())],
    );
    assert_eq!(r.status, 304);
}

#[test]
fn throttling_answers_429_per_upstream_until_switched_off() {
    let api = start();
    api.set_throttle(Upstream::Hf, true);
    let r = get(&api, "/api/daily_papers?date=2024-01-15");
    assert_eq!(r.status, 429);
    assert!(r.body.is_empty());
    assert_eq!(r.header("ratelimit"), Some("\"api\";r=0;t=37"));
    assert_eq!(r.header("ratelimit-policy"), Some(HF_RATE_LIMIT_POLICY));
    api.set_hf_reset_secs(1);
    let r = get(&api, "/api/papers/2310.02579");
    assert_eq!(r.header("ratelimit"), Some("\"api\";r=0;t=1"));
    // Other upstreams are unaffected.
    assert_eq!(get(&api, "/api/query?id_list=2401.99999").status, 200);
    assert_eq!(get(&api, "/graph/v1/paper/arXiv:2310.02579").status, 200);
    api.set_throttle(Upstream::Hf, false);
    assert_eq!(get(&api, "/api/papers/2310.02579").status, 200);

    api.set_throttle(Upstream::Arxiv, true);
    let r = get(&api, "/api/query?id_list=2401.99999");
    assert_eq!(r.status, 429);
    assert_eq!(r.header("content-type"), Some("text/plain"));
    assert_eq!(r.text(), "Rate exceeded.");
    api.set_throttle(Upstream::Arxiv, false);

    api.set_throttle(Upstream::S2, true);
    let r = get(&api, "/graph/v1/paper/arXiv:2310.02579");
    assert_eq!(r.status, 429);
    assert_eq!(r.body, fixture("s2/429.json"));
    assert_eq!(r.json()["code"], "429");
    assert_eq!(r.header("retry-after"), None);
    api.set_s2_retry_after(Some(2));
    let r = get(&api, "/graph/v1/paper/batch");
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("2"));
    api.reset();
    assert_eq!(get(&api, "/graph/v1/paper/arXiv:2310.02579").status, 200);
}

#[test]
fn fail_next_fails_exactly_n_requests_then_routes_normally() {
    let api = start();
    api.fail_next(2, 502);
    for _ in 0..2 {
        let r = get(&api, "/api/papers/2310.02579");
        assert_eq!(r.status, 502);
        assert_eq!(r.header("content-type"), Some("text/html"));
        assert_eq!(r.body, fixture("hostile/html-error-page.html"));
        assert_hf_limits(&r);
    }
    assert_eq!(get(&api, "/api/papers/2310.02579").status, 200);
    api.fail_next(1, 503);
    assert_eq!(get(&api, "/graph/v1/paper/arXiv:2310.02579").status, 503);
    assert_eq!(get(&api, "/graph/v1/paper/arXiv:2310.02579").status, 200);
}

#[test]
fn unknown_routes_and_methods_are_404_text_and_everything_is_recorded() {
    let api = start();
    for (method, target) in [
        ("GET", "/"),
        ("GET", "/api/models"),
        ("GET", "/graph/v1/author/123"),
        ("POST", "/api/daily_papers?date=2024-01-15"),
        ("GET", "/graph/v1/paper/arXiv:2310.02579/authors"),
    ] {
        let r = send(api.origin(), method, target, &[], b"");
        assert_eq!(r.status, 404, "{method} {target}");
        assert!(r.header("content-type").unwrap().starts_with("text/plain"));
        assert!(r.text().contains(target), "{}", r.text());
    }
    let r = get_with(&api, "/api/papers/2310.02579", &[("X-Api-Key", "k")]);
    assert_eq!(r.status, 200);
    let seen = api.seen();
    assert_eq!(seen.len(), 6);
    assert_eq!(seen[3].method, "POST");
    assert_eq!(seen[5].headers["x-api-key"], "k");
    assert!(seen.windows(2).all(|w| w[0].at <= w[1].at));
    assert_eq!(api.requests_to("/api/").len(), 3);
}

#[test]
fn intercept_overrides_any_route() {
    let api = start();
    api.intercept(|req| {
        (req.path() == "/api/papers/2310.02579").then(|| Reply::new(418, "text/plain", "tea"))
    });
    let r = get(&api, "/api/papers/2310.02579");
    assert_eq!((r.status, r.text().as_str()), (418, "tea"));
    assert_eq!(get(&api, "/api/papers/2405.12522").status, 200);
}

#[test]
fn the_generic_server_keeps_connections_alive_and_stops_when_dropped() {
    let server =
        Server::start(|req, i| Reply::new(200, "text/plain", format!("{i} {}", req.target)));
    let addr = server.origin.strip_prefix("http://").unwrap().to_string();
    let mut s = TcpStream::connect(&addr).unwrap();
    s.write_all(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    assert!(
        raw.contains("\r\n\r\n0 /a") && raw.ends_with("\r\n\r\n1 /b"),
        "{raw}"
    );
    assert_eq!(server.seen().len(), 2);

    // A kept-alive connection, idle between requests when the server is dropped.
    let mut idle = TcpStream::connect(&addr).unwrap();
    idle.write_all(b"GET /c HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\r\n\r\n2 /c") {
        assert_eq!(idle.read(&mut byte).unwrap(), 1, "{answer:?}");
        answer.push(byte[0]);
    }
    drop(server);

    // Once the drop returns, nothing is listening and the idle connection is closed: no wait.
    let refused = TcpStream::connect(&addr).map_err(|e| e.kind());
    assert_eq!(refused.err(), Some(std::io::ErrorKind::ConnectionRefused));
    // (The timeout only turns a connection left open into a failure instead of a hang.)
    idle.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(idle.read(&mut byte).map_err(|e| e.kind()), Ok(0));
}

#[test]
fn dropping_the_server_cuts_off_a_paused_answer() {
    let server = Server::start(|_, _| Reply {
        delay: Some(Duration::from_secs(600)),
        ..Reply::new(200, "text/plain", "late")
    });
    let addr = server.origin.strip_prefix("http://").unwrap().to_string();
    let mut s = TcpStream::connect(&addr).unwrap();
    s.write_all(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    // The request is in (the handler ran), the answer is paused: the drop must not wait it out.
    while server.seen().is_empty() {
        std::thread::yield_now();
    }
    drop(server);
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut rest = Vec::new();
    assert_eq!(s.read_to_end(&mut rest).map_err(|e| e.kind()), Ok(0));
}

/// Kills the spawned binary even when an assertion fails.
struct Spawned(Child);

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_binary_prints_its_origin_and_serves_the_fixtures() {
    let mut child = Spawned(
        Command::new(env!("CARGO_BIN_EXE_papershelf-fixture-server"))
            .arg("--fixtures")
            .arg(fixtures_dir())
            .arg("--control")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let origin = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    assert!(origin.starts_with("http://127.0.0.1:"), "{origin}");
    let r = send(&origin, "GET", "/api/papers/2405.12522", &[], b"");
    assert_eq!(r.body, fixture("hf/paper-2405.12522.json"));
    let r = send(
        &origin,
        "POST",
        "/__fixture/throttle?source=s2&on=true",
        &[],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = send(&origin, "GET", "/graph/v1/paper/arXiv:2310.02579", &[], b"");
    assert_eq!(r.status, 429);
    send(&origin, "POST", "/__fixture/reset", &[], b"");
    let r = send(&origin, "GET", "/graph/v1/paper/arXiv:2310.02579", &[], b"");
    assert_eq!(r.status, 200);
}

#[test]
fn the_binary_fails_cleanly_without_fixtures() {
    let out = Command::new(env!("CARGO_BIN_EXE_papershelf-fixture-server"))
        .args(["--fixtures", "no-such-dir"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixture"));
}
