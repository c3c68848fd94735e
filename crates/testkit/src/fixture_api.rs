//! [`FixtureApi`]: one local server answering like Hugging Face, arXiv and Semantic Scholar
//! from the recorded fixtures in `crates/core/tests/fixtures/api/`, following the
//! "Test-server conventions" and the per-file rows of that directory's `README.md`.
//!
//! The three APIs share one origin; the path tells them apart: `/api/query` is arXiv, any
//! other `/api/…` is Hugging Face, `/graph/v1/…` is Semantic Scholar. See the crate docs for
//! the routing table.

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::value::RawValue;
use sha1::{Digest, Sha1};

use crate::server::{lock, Reply, Seen, Server};

/// `Last-Modified` of every 200 except the HF daily files.
pub const FIXED_LAST_MODIFIED: &str = "Mon, 01 Dec 2025 14:07:31 GMT";
/// `Content-Type` of Hugging Face answers.
pub const HF_JSON: &str = "application/json; charset=utf-8";
/// `Content-Type` of arXiv answers.
pub const ATOM: &str = "application/atom+xml; charset=utf-8";
/// `Content-Type` of Semantic Scholar answers (no charset, as recorded).
pub const S2_JSON: &str = "application/json";
/// `RateLimit` sent on every unthrottled Hugging Face answer.
pub const HF_RATE_LIMIT: &str = "\"api\";r=497;t=212";
/// `RateLimit-Policy` sent on every Hugging Face answer.
pub const HF_RATE_LIMIT_POLICY: &str = "\"fixed window\";\"api\";q=500;w=300";
/// Default `t=` of the throttled Hugging Face `RateLimit` header.
pub const HF_DEFAULT_RESET_SECS: u64 = 37;
/// `q` of `/api/papers/search` answered with the gzip file *and* `Content-Encoding: gzip`.
pub const GZIP_LABELLED_Q: &str = "gzip";
/// `q` of `/api/papers/search` answered with the gzip file and *no* `Content-Encoding`.
pub const GZIP_UNLABELLED_Q: &str = "gzip-unlabelled";

/// Which upstream a request belongs to (by path).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Upstream {
    /// Hugging Face Papers API: `/api/…` except `/api/query`.
    Hf,
    /// arXiv API: `/api/query`.
    Arxiv,
    /// Semantic Scholar Academic Graph API: `/graph/v1/…`.
    S2,
}

impl Upstream {
    /// All three, in a fixed order.
    pub const ALL: [Upstream; 3] = [Upstream::Hf, Upstream::Arxiv, Upstream::S2];

    /// The upstream a request path belongs to, if any.
    pub fn of_path(path: &str) -> Option<Upstream> {
        if path == "/api/query" {
            Some(Upstream::Arxiv)
        } else if path.starts_with("/api/") {
            Some(Upstream::Hf)
        } else if path.starts_with("/graph/v1/") {
            Some(Upstream::S2)
        } else {
            None
        }
    }

    fn index(self) -> usize {
        match self {
            Upstream::Hf => 0,
            Upstream::Arxiv => 1,
            Upstream::S2 => 2,
        }
    }

    fn parse(s: &str) -> Option<Upstream> {
        match s.to_ascii_lowercase().as_str() {
            "hf" | "huggingface" | "hugging-face" => Some(Upstream::Hf),
            "arxiv" => Some(Upstream::Arxiv),
            "s2" | "semanticscholar" | "semantic-scholar" => Some(Upstream::S2),
            _ => None,
        }
    }
}

/// Every fixture file the server answers with, relative to the fixtures directory.
const FILES: &[&str] = &[
    "hf/daily_papers-2024-01-15.json",
    "hf/daily_papers-2024-01-16.json",
    "hf/daily_papers-empty.json",
    "hf/not-found.json",
    "hf/paper-2310.02579.json",
    "hf/paper-2405.12522.json",
    "hf/paper-2410.05050.json",
    "hf/search-q-positional-encoding.json",
    "arxiv/query-cat-cs.LG-start0.xml",
    "arxiv/query-cat-cs.LG-start2.xml",
    "arxiv/query-cat-cs.LG-start4.xml",
    "arxiv/id_list-2502.13842-2212.07346-2303.05735.xml",
    "arxiv/error-malformed-id.xml",
    "arxiv/empty.xml",
    "arxiv/rate-exceeded.txt",
    "s2/paper-arXiv-2310.02579.json",
    "s2/batch-request.json",
    "s2/batch-response.json",
    "s2/references-2405.12522-offset0.json",
    "s2/references-2405.12522-offset3.json",
    "s2/citations-2309.08600-offset0.json",
    "s2/search-q-positional-encoding-offset0.json",
    "s2/search-q-positional-encoding-offset3.json",
    "s2/429.json",
    "s2/404.json",
    "s2/400-bad-fields.json",
    "hostile/truncated-daily_papers.json.partial",
    "hostile/html-error-page.html",
    "hostile/html-200-interstitial.html",
    "hostile/xss-daily_papers.json",
    "hostile/xss-arxiv.xml",
    "hostile/odd-types-daily_papers.json",
    "hostile/wrong-shape-daily_papers.json",
    "hostile/search-q-positional-encoding.json.gz",
];

/// The ids of `arxiv/id_list-2502.13842-2212.07346-2303.05735.xml`.
const LEGACY_IDS: [&str; 3] = ["2502.13842", "2212.07346", "2303.05735"];

/// Field names Semantic Scholar accepts in `fields` (a dotted name is checked by its head).
const S2_FIELDS: &[&str] = &[
    "paperId",
    "corpusId",
    "externalIds",
    "url",
    "title",
    "abstract",
    "venue",
    "publicationVenue",
    "year",
    "referenceCount",
    "citationCount",
    "influentialCitationCount",
    "isOpenAccess",
    "openAccessPdf",
    "fieldsOfStudy",
    "s2FieldsOfStudy",
    "publicationTypes",
    "publicationDate",
    "journal",
    "citationStyles",
    "authors",
    "citations",
    "references",
    "embedding",
    "tldr",
    "textAvailability",
    "contexts",
    "contextsWithIntent",
    "intents",
    "isInfluential",
    "citingPaper",
    "citedPaper",
];

/// The switches a test flips while the server runs.
#[derive(Clone)]
struct Switches {
    throttle: [bool; 3],
    hf_reset_secs: u64,
    s2_retry_after: Option<u64>,
    fail_next: usize,
    fail_status: u16,
    cut_truncated_daily: bool,
    control: bool,
    intercept: Option<Arc<Intercept>>,
}

type Intercept = dyn Fn(&Seen) -> Option<Reply> + Send + Sync;

impl Default for Switches {
    fn default() -> Switches {
        Switches {
            throttle: [false; 3],
            hf_reset_secs: HF_DEFAULT_RESET_SECS,
            s2_retry_after: None,
            fail_next: 0,
            fail_status: 503,
            cut_truncated_daily: false,
            control: false,
            intercept: None,
        }
    }
}

struct State {
    files: HashMap<&'static str, Vec<u8>>,
    origin: OnceLock<String>,
    switches: Mutex<Switches>,
    oversized: OnceLock<Vec<u8>>,
}

/// The recorded Hugging Face, arXiv and Semantic Scholar APIs on `127.0.0.1`.
///
/// Stops accepting connections when dropped.
pub struct FixtureApi {
    server: Server,
    state: Arc<State>,
}

impl FixtureApi {
    /// Loads every fixture from `fixtures_dir` (the `…/fixtures/api` directory) and starts
    /// serving on a free port. Panics when a fixture is missing (tests only).
    pub fn start(fixtures_dir: &Path) -> FixtureApi {
        FixtureApi::start_on(fixtures_dir, 0)
            .unwrap_or_else(|e| panic!("fixture server on {}: {e}", fixtures_dir.display()))
    }

    /// Like [`FixtureApi::start`] on `127.0.0.1:port` (`0` picks a free port), reporting
    /// errors instead of panicking.
    pub fn start_on(fixtures_dir: &Path, port: u16) -> io::Result<FixtureApi> {
        let mut files = HashMap::new();
        for &rel in FILES {
            let bytes = std::fs::read(fixtures_dir.join(rel))
                .map_err(|e| io::Error::new(e.kind(), format!("fixture {rel}: {e}")))?;
            files.insert(rel, bytes);
        }
        let state = Arc::new(State {
            files,
            origin: OnceLock::new(),
            switches: Mutex::default(),
            oversized: OnceLock::new(),
        });
        let handler_state = state.clone();
        let server = Server::start_on(port, move |req, _| answer(&handler_state, req))?;
        let _ = state.origin.set(server.origin.clone());
        Ok(FixtureApi { server, state })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> &str {
        &self.server.origin
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.server.port()
    }

    /// Every request so far, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.server.seen()
    }

    /// The requests whose target (path and query) starts with `path_prefix`.
    pub fn requests_to(&self, path_prefix: &str) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| s.target.starts_with(path_prefix))
            .collect()
    }

    /// The bytes of a loaded fixture, e.g. `"hf/not-found.json"`. Panics for a file the
    /// server does not serve.
    pub fn file(&self, rel: &str) -> &[u8] {
        self.state
            .files
            .get(rel)
            .unwrap_or_else(|| panic!("no fixture {rel}"))
    }

    /// While on, every request to `upstream` answers `429` (HF: empty body and
    /// `RateLimit: "api";r=0;t=…`; arXiv: `text/plain` `Rate exceeded.`; S2: `s2/429.json`,
    /// with `Retry-After` when [`FixtureApi::set_s2_retry_after`] is set).
    pub fn set_throttle(&self, upstream: Upstream, on: bool) {
        lock(&self.state.switches).throttle[upstream.index()] = on;
    }

    /// The `t=` (seconds to reset) of the throttled HF `RateLimit` header (default 37).
    pub fn set_hf_reset_secs(&self, secs: u64) {
        lock(&self.state.switches).hf_reset_secs = secs;
    }

    /// `Retry-After` seconds on throttled S2 answers (`None`, the default, sends none, as
    /// observed live).
    pub fn set_s2_retry_after(&self, secs: Option<u64>) {
        lock(&self.state.switches).s2_retry_after = secs;
    }

    /// The next `n` requests (any route) answer `status` with `hostile/html-error-page.html`
    /// as `text/html`; later ones are routed normally.
    pub fn fail_next(&self, n: usize, status: u16) {
        let mut s = lock(&self.state.switches);
        s.fail_next = n;
        s.fail_status = status;
    }

    /// While on, `GET /api/daily_papers?date=2024-02-01` advertises the full length of
    /// `hostile/truncated-daily_papers.json.partial` but sends only its first half, then
    /// closes (the README's "close the socket early" variant).
    pub fn set_cut_truncated_daily(&self, on: bool) {
        lock(&self.state.switches).cut_truncated_daily = on;
    }

    /// Answers any request for which `f` returns `Some` with that reply, before every other
    /// rule (fail-next, throttling, routing). Replaces an earlier intercept.
    pub fn intercept(&self, f: impl Fn(&Seen) -> Option<Reply> + Send + Sync + 'static) {
        lock(&self.state.switches).intercept = Some(Arc::new(f));
    }

    /// Enables the `/__fixture/…` control routes (used by the binary's `--control`).
    pub fn enable_control(&self) {
        lock(&self.state.switches).control = true;
    }

    /// Turns every switch back off (the request log is kept).
    pub fn reset(&self) {
        let mut s = lock(&self.state.switches);
        let control = s.control;
        *s = Switches {
            control,
            ..Switches::default()
        };
    }
}

/// The README's ETag of a body: `W/"` + first 16 hex chars of its SHA-1 + `"`.
pub fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha1::digest(bytes);
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

// ---------------------------------------------------------------------------------------
// Dispatch

fn answer(state: &State, req: &Seen) -> Reply {
    let path = percent_decode(req.path(), false);
    let query = Query::parse(req.query().unwrap_or(""));
    let upstream = Upstream::of_path(&path);
    let switches = lock(&state.switches).clone();

    if let Some(f) = &switches.intercept {
        if let Some(reply) = f(req) {
            return reply;
        }
    }
    if switches.control && path.starts_with("/__fixture/") {
        return control(state, req, &path, &query);
    }
    let mut reply = if let Some(status) = take_failure(state) {
        Reply::new(
            status,
            "text/html",
            state.file("hostile/html-error-page.html"),
        )
    } else if let Some(u) = upstream.filter(|u| switches.throttle[u.index()]) {
        throttled(state, u, &switches)
    } else {
        let reply = match upstream {
            Some(Upstream::Hf) => hf(state, req, &path, &query, &switches),
            Some(Upstream::Arxiv) => arxiv(state, req, &query),
            Some(Upstream::S2) => s2(state, req, &path, &query),
            None => None,
        };
        let reply = reply.unwrap_or_else(|| {
            Reply::new(
                404,
                "text/plain; charset=utf-8",
                format!("no fixture route for {} {}\n", req.method, req.target),
            )
        });
        conditional(req, reply)
    };
    if upstream == Some(Upstream::Hf) && reply.header_value("RateLimit").is_none() {
        reply = reply
            .header("RateLimit", HF_RATE_LIMIT)
            .header("RateLimit-Policy", HF_RATE_LIMIT_POLICY);
    }
    reply
}

fn take_failure(state: &State) -> Option<u16> {
    let mut s = lock(&state.switches);
    if s.fail_next == 0 {
        return None;
    }
    s.fail_next -= 1;
    Some(s.fail_status)
}

fn throttled(state: &State, upstream: Upstream, switches: &Switches) -> Reply {
    match upstream {
        Upstream::Hf => Reply::new(429, HF_JSON, "")
            .header(
                "RateLimit",
                &format!("\"api\";r=0;t={}", switches.hf_reset_secs),
            )
            .header("RateLimit-Policy", HF_RATE_LIMIT_POLICY),
        Upstream::Arxiv => Reply::new(429, "text/plain", state.file("arxiv/rate-exceeded.txt")),
        Upstream::S2 => {
            let reply = Reply::new(429, S2_JSON, state.file("s2/429.json"));
            match switches.s2_retry_after {
                Some(secs) => reply.header("Retry-After", &secs.to_string()),
                None => reply,
            }
        }
    }
}

/// A 200 with the README's validators.
fn ok(content_type: &str, body: impl Into<Vec<u8>>, last_modified: &str) -> Reply {
    let body = body.into();
    let etag = etag_of(&body);
    Reply::new(200, content_type, body)
        .header("ETag", &etag)
        .header("Last-Modified", last_modified)
}

/// Turns a 200 into a 304 when the request's validators match it.
fn conditional(req: &Seen, reply: Reply) -> Reply {
    if reply.status != 200 {
        return reply;
    }
    let etag = reply.header_value("ETag").unwrap_or_default().to_string();
    let last_modified = reply
        .header_value("Last-Modified")
        .unwrap_or_default()
        .to_string();
    let etag_matches = req.header("if-none-match").is_some_and(|inm| {
        inm.split(',')
            .map(str::trim)
            .any(|t| t == "*" || weak(t) == weak(&etag))
    });
    let fresh = match (
        req.header("if-modified-since").and_then(parse_http_date),
        parse_http_date(&last_modified),
    ) {
        (Some(since), Some(modified)) => since >= modified,
        _ => false,
    };
    if etag_matches || fresh {
        Reply::status(304)
            .header("ETag", &etag)
            .header("Last-Modified", &last_modified)
    } else {
        reply
    }
}

fn weak(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}

impl State {
    fn file(&self, rel: &str) -> Vec<u8> {
        self.files
            .get(rel)
            .unwrap_or_else(|| panic!("fixture {rel} not loaded"))
            .clone()
    }

    /// The README's oversized body: the first daily item, compact, repeated to just over
    /// 5 MiB inside a JSON array.
    fn oversized(&self) -> Vec<u8> {
        self.oversized
            .get_or_init(|| {
                let day: Vec<serde_json::Value> =
                    serde_json::from_slice(&self.file("hf/daily_papers-2024-01-15.json"))
                        .expect("daily fixture is a JSON array");
                let item = serde_json::to_string(&day[0]).expect("serialize item");
                let n = 5_242_880usize.div_ceil(item.len()) + 1;
                let mut body = Vec::with_capacity(n * (item.len() + 1) + 2);
                body.push(b'[');
                for i in 0..n {
                    if i > 0 {
                        body.push(b',');
                    }
                    body.extend_from_slice(item.as_bytes());
                }
                body.push(b']');
                body
            })
            .clone()
    }
}

// ---------------------------------------------------------------------------------------
// Hugging Face

fn hf(state: &State, req: &Seen, path: &str, query: &Query, switches: &Switches) -> Option<Reply> {
    if req.method != "GET" && req.method != "HEAD" {
        return None;
    }
    if path == "/api/daily_papers" {
        return Some(hf_daily(state, query, switches));
    }
    if path == "/api/papers/search" {
        return Some(hf_search(state, query));
    }
    let id = path.strip_prefix("/api/papers/")?;
    if id.is_empty() || id.contains('/') {
        return None;
    }
    Some(match id {
        "2310.02579" | "2405.12522" | "2410.05050" => ok(
            HF_JSON,
            state.file(&format!("hf/paper-{id}.json")),
            FIXED_LAST_MODIFIED,
        ),
        _ => Reply::new(404, HF_JSON, state.file("hf/not-found.json")),
    })
}

fn hf_daily(state: &State, query: &Query, switches: &Switches) -> Reply {
    let Some(date) = query.get("date") else {
        return ok(
            HF_JSON,
            state.file("hf/daily_papers-empty.json"),
            FIXED_LAST_MODIFIED,
        );
    };
    let Some(days) = parse_ymd(date) else {
        return Reply::new(400, HF_JSON, "{\"error\":\"Invalid date\"}");
    };
    let last_modified = http_date(days * 86_400 + 86_399);
    let file = match date {
        "2024-01-15" | "2024-01-16" => format!("hf/daily_papers-{date}.json"),
        "2024-02-01" => {
            let body = state.file("hostile/truncated-daily_papers.json.partial");
            let cut = switches.cut_truncated_daily.then_some(body.len() / 2);
            return Reply {
                cut_at: cut,
                ..ok("application/json", body, &last_modified)
            };
        }
        "2024-02-02" => {
            return Reply::new(503, "text/html", state.file("hostile/html-error-page.html"));
        }
        "2024-02-03" => "hostile/xss-daily_papers.json".into(),
        "2024-02-04" => "hostile/odd-types-daily_papers.json".into(),
        "2024-02-05" => "hostile/wrong-shape-daily_papers.json".into(),
        "2099-01-01" => return ok(HF_JSON, state.oversized(), &last_modified),
        _ => "hf/daily_papers-empty.json".into(),
    };
    let bytes = state.file(&file);
    let limit = query
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|&l| l > 0);
    let Some(limit) = limit else {
        return ok(HF_JSON, bytes, &last_modified);
    };
    let Ok(items) = serde_json::from_slice::<Vec<&RawValue>>(&bytes) else {
        // Not an array (a hostile shape): paging does not apply.
        return ok(HF_JSON, bytes, &last_modified);
    };
    let page = query
        .get("p")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(0);
    let start = page.saturating_mul(limit).min(items.len());
    let end = start.saturating_add(limit).min(items.len());
    let body = format!(
        "[{}]",
        items[start..end]
            .iter()
            .map(|r| r.get())
            .collect::<Vec<_>>()
            .join(",")
    );
    let reply = ok(HF_JSON, body, &last_modified);
    if end < items.len() {
        let origin = state.origin.get().map(String::as_str).unwrap_or_default();
        let next = format!(
            "<{origin}/api/daily_papers?date={date}&p={}&limit={limit}>; rel=\"next\"",
            page + 1
        );
        reply.header("Link", &next)
    } else {
        reply
    }
}

fn hf_search(state: &State, query: &Query) -> Reply {
    let q = query.get("q").map(normalize_words).unwrap_or_default();
    let gz = "hostile/search-q-positional-encoding.json.gz";
    match q.as_str() {
        "positional encoding" => ok(
            HF_JSON,
            state.file("hf/search-q-positional-encoding.json"),
            FIXED_LAST_MODIFIED,
        ),
        "interstitial" => ok(
            "text/html; charset=utf-8",
            state.file("hostile/html-200-interstitial.html"),
            FIXED_LAST_MODIFIED,
        ),
        GZIP_LABELLED_Q => ok("application/json", state.file(gz), FIXED_LAST_MODIFIED)
            .header("Content-Encoding", "gzip"),
        GZIP_UNLABELLED_Q => ok("application/json", state.file(gz), FIXED_LAST_MODIFIED),
        "oversized" => Reply {
            chunked: Some(64 * 1024),
            ..ok("application/json", state.oversized(), FIXED_LAST_MODIFIED)
        },
        _ => ok(HF_JSON, "[]", FIXED_LAST_MODIFIED),
    }
}

// ---------------------------------------------------------------------------------------
// arXiv

fn arxiv(state: &State, req: &Seen, query: &Query) -> Option<Reply> {
    if req.method != "GET" && req.method != "HEAD" {
        return None;
    }
    let file = |rel: &str| ok(ATOM, state.file(rel), FIXED_LAST_MODIFIED);
    let ids: Vec<&str> = query
        .get("id_list")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if !ids.is_empty() {
        if !ids.iter().all(|id| is_arxiv_id(id)) {
            return Some(Reply::new(
                400,
                ATOM,
                state.file("arxiv/error-malformed-id.xml"),
            ));
        }
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        let mut legacy = LEGACY_IDS;
        legacy.sort_unstable();
        return Some(match ids.as_slice() {
            _ if sorted == legacy => file("arxiv/id_list-2502.13842-2212.07346-2303.05735.xml"),
            ["2099.00004"] => file("hostile/xss-arxiv.xml"),
            ["2099.00002"] => Reply {
                drip: Some(Duration::from_millis(500)),
                ..file("arxiv/empty.xml")
            },
            _ => file("arxiv/empty.xml"),
        });
    }
    let search = query.get("search_query").map(str::trim).unwrap_or("");
    let start = query.get("start").unwrap_or("0");
    let max = query.get("max_results").unwrap_or("10");
    Some(match (search, start, max) {
        ("cat:cs.LG", "0" | "2" | "4", "2") => {
            file(&format!("arxiv/query-cat-cs.LG-start{start}.xml"))
        }
        _ => file("arxiv/empty.xml"),
    })
}

/// A simple arXiv id grammar: `YYMM.NNNN[N][vV]` or old-style `archive[.XX]/YYMMNNN[vV]`.
pub fn is_arxiv_id(id: &str) -> bool {
    let bare = match id.rsplit_once('v') {
        Some((bare, v)) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => bare,
        _ => id,
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some((yymm, num)) = bare.split_once('.') {
        if yymm.len() == 4 && digits(yymm) && (4..=5).contains(&num.len()) && digits(num) {
            return true;
        }
    }
    if let Some((archive, num)) = bare.split_once('/') {
        let (name, sub) = archive.split_once('.').unwrap_or((archive, ""));
        let name_ok = !name.is_empty()
            && !name.starts_with('-')
            && !name.ends_with('-')
            && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
        let sub_ok =
            sub.is_empty() || (sub.len() == 2 && sub.bytes().all(|b| b.is_ascii_uppercase()));
        return name_ok && sub_ok && num.len() == 7 && digits(num);
    }
    false
}

// ---------------------------------------------------------------------------------------
// Semantic Scholar

fn s2(state: &State, req: &Seen, path: &str, query: &Query) -> Option<Reply> {
    let rest = path.strip_prefix("/graph/v1/paper/")?;
    let file = |rel: &str| ok(S2_JSON, state.file(rel), FIXED_LAST_MODIFIED);
    let not_found = || Reply::new(404, S2_JSON, state.file("s2/404.json"));
    let get = req.method == "GET" || req.method == "HEAD";
    if rest.is_empty() || !(get || (req.method == "POST" && rest == "batch")) {
        return None;
    }
    if let Some(fields) = query.get("fields") {
        let unknown = fields
            .split(',')
            .map(|f| f.trim().split('.').next().unwrap_or(""))
            .any(|f| !S2_FIELDS.contains(&f));
        if unknown {
            return Some(Reply::new(
                400,
                S2_JSON,
                state.file("s2/400-bad-fields.json"),
            ));
        }
    }
    let offset = query
        .get("offset")
        .and_then(|o| o.parse::<u64>().ok())
        .unwrap_or(0);
    let empty_page = |total: Option<u64>| {
        let body = match total {
            Some(t) => format!("{{\"total\":{t},\"offset\":{offset},\"data\":[]}}"),
            None => format!("{{\"offset\":{offset},\"data\":[]}}"),
        };
        ok(S2_JSON, body, FIXED_LAST_MODIFIED)
    };
    if rest == "batch" {
        return Some(s2_batch(state, &req.body));
    }
    if rest == "search" {
        let q = query.get("query").map(normalize_words).unwrap_or_default();
        return Some(match (q.as_str(), offset) {
            ("positional encoding", 0 | 3) => file(&format!(
                "s2/search-q-positional-encoding-offset{offset}.json"
            )),
            ("positional encoding", _) => empty_page(Some(5)),
            _ => empty_page(Some(0)),
        });
    }
    let (id, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let arxiv = id
        .split_once(':')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("arxiv"))
        .map(|(_, id)| id);
    Some(match (arxiv, tail) {
        (Some("2310.02579"), "") => file("s2/paper-arXiv-2310.02579.json"),
        (Some("2099.00003"), "") => {
            Reply::new(503, "text/html", state.file("hostile/html-error-page.html"))
        }
        (Some("2099.00001"), "") => Reply {
            claimed_length: Some(100),
            ..ok(S2_JSON, state.oversized(), FIXED_LAST_MODIFIED)
        },
        (Some("2405.12522"), "references") => match offset {
            0 | 3 => file(&format!("s2/references-2405.12522-offset{offset}.json")),
            _ => empty_page(None),
        },
        (Some("2309.08600"), "citations") => match offset {
            0 => file("s2/citations-2309.08600-offset0.json"),
            _ => empty_page(None),
        },
        (_, "" | "references" | "citations") => not_found(),
        _ => return None,
    })
}

/// `POST /graph/v1/paper/batch`: the recorded request gives the recorded response; any other
/// list of ids is answered item by item from the recorded pairs (`null` for unknown ids).
fn s2_batch(state: &State, body: &[u8]) -> Reply {
    let bad = |msg: &str| {
        Reply::new(
            400,
            S2_JSON,
            serde_json::json!({ "error": msg }).to_string(),
        )
    };
    #[derive(Default)]
    struct Ids(Vec<String>);
    let parse = |bytes: &[u8]| -> Option<Ids> {
        let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
        let ids = v.get("ids")?.as_array()?;
        ids.iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .map(Ids)
    };
    let Some(Ids(asked)) = parse(body) else {
        return bad("Unacceptable body: expected {\"ids\": [string, ...]}");
    };
    let recorded_request = state.file("s2/batch-request.json");
    let recorded_response = state.file("s2/batch-response.json");
    let Ids(recorded) = parse(&recorded_request).unwrap_or_default();
    if asked == recorded {
        return ok(S2_JSON, recorded_response, FIXED_LAST_MODIFIED);
    }
    let answers: Vec<&RawValue> =
        serde_json::from_slice(&recorded_response).expect("batch response is an array");
    let items: Vec<&str> = asked
        .iter()
        .map(|id| {
            recorded
                .iter()
                // S2 reads id prefixes (`arXiv:`, `ARXIV:`, `DOI:`) case-insensitively.
                .position(|r| r.eq_ignore_ascii_case(id))
                .and_then(|i| answers.get(i))
                .map_or("null", |r| r.get())
        })
        .collect();
    ok(
        S2_JSON,
        format!("[{}]", items.join(",")),
        FIXED_LAST_MODIFIED,
    )
}

// ---------------------------------------------------------------------------------------
// Control routes (binary `--control`)

fn control(state: &State, req: &Seen, path: &str, query: &Query) -> Reply {
    let text = |status, body: String| Reply::new(status, "text/plain; charset=utf-8", body);
    let mut s = lock(&state.switches);
    match path {
        "/__fixture/throttle" => {
            let Some(u) = query.get("source").and_then(Upstream::parse) else {
                return text(400, "source must be hf, arxiv or s2\n".into());
            };
            let on = query.get("on").is_none_or(|v| v == "true" || v == "1");
            s.throttle[u.index()] = on;
            text(200, format!("throttle {u:?} = {on}\n"))
        }
        "/__fixture/hf_reset_secs" => match query.get("secs").and_then(|v| v.parse().ok()) {
            Some(secs) => {
                s.hf_reset_secs = secs;
                text(200, format!("hf reset = {secs}s\n"))
            }
            None => text(400, "secs=N required\n".into()),
        },
        "/__fixture/s2_retry_after" => {
            s.s2_retry_after = query.get("secs").and_then(|v| v.parse().ok());
            text(200, format!("s2 retry-after = {:?}\n", s.s2_retry_after))
        }
        "/__fixture/fail_next" => {
            let n = query.get("n").and_then(|v| v.parse().ok()).unwrap_or(1);
            let status = query
                .get("status")
                .and_then(|v| v.parse().ok())
                .unwrap_or(503);
            s.fail_next = n;
            s.fail_status = status;
            text(200, format!("next {n} requests answer {status}\n"))
        }
        "/__fixture/reset" => {
            *s = Switches {
                control: true,
                ..Switches::default()
            };
            text(200, "reset\n".into())
        }
        _ => text(
            404,
            format!("no control route for {} {}\n", req.method, req.target),
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Query strings, dates

/// A decoded query string (`+` is a space, `%XX` decoded); the first value of a name wins.
struct Query(Vec<(String, String)>);

impl Query {
    fn parse(raw: &str) -> Query {
        Query(
            raw.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (percent_decode(k, true), percent_decode(v, true))
                })
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Lower-cased, trimmed, inner whitespace collapsed to one space.
fn normalize_words(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Days since 1970-01-01 of a valid `YYYY-MM-DD`.
fn parse_ymd(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = s[0..4].parse().ok()?;
    let m: u32 = s[5..7].parse().ok()?;
    let d: u32 = s[8..10].parse().ok()?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// An IMF-fixdate (`Mon, 01 Dec 2025 14:07:31 GMT`) of seconds since the epoch.
pub fn http_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}, {d:02} {} {y:04} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[m as usize - 1],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Seconds since the epoch of an IMF-fixdate; `None` for anything else.
pub fn parse_http_date(s: &str) -> Option<i64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let m = MONTHS.iter().position(|x| x == month)? as u32 + 1;
    let y: i64 = year.parse().ok()?;
    let d: u32 = day.parse().ok()?;
    if d == 0 || d > days_in_month(y, m) {
        return None;
    }
    let hms: Vec<i64> = time
        .split(':')
        .map(|t| t.parse().ok())
        .collect::<Option<_>>()?;
    let [h, mi, se] = hms.as_slice() else {
        return None;
    };
    Some(days_from_civil(y, m, d) * 86_400 + h * 3600 + mi * 60 + se)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_follow_the_readme() {
        // SHA-1("abc") = a9993e364706816aba3e25717850c26c9cd0d89d
        assert_eq!(etag_of(b"abc"), "W/\"a9993e364706816a\"");
        // SHA-1("") = da39a3ee5e6b4b0d3255bfef95601890afd80709
        assert_eq!(etag_of(b""), "W/\"da39a3ee5e6b4b0d\"");
    }

    #[test]
    fn http_dates_round_trip() {
        let fixed = parse_http_date(FIXED_LAST_MODIFIED).unwrap();
        assert_eq!(http_date(fixed), FIXED_LAST_MODIFIED);
        let day = parse_ymd("2024-01-15").unwrap();
        assert_eq!(
            http_date(day * 86_400 + 86_399),
            "Mon, 15 Jan 2024 23:59:59 GMT"
        );
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(parse_ymd("2024-02-30"), None);
        assert_eq!(parse_ymd("2024-2-03"), None);
        assert!(parse_ymd("2024-02-29").is_some());
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn the_id_grammar_accepts_new_and_old_style_ids() {
        for ok in [
            "2401.12345",
            "2401.1234",
            "2401.12345v2",
            "hep-th/9901001",
            "math.GT/0309136v1",
        ] {
            assert!(is_arxiv_id(ok), "{ok}");
        }
        for bad in [
            "2401.0abc",
            "",
            "2401",
            "24011.1234",
            "2401.123",
            "hep-th/99",
            "v2",
            "2401.12345v",
            "HEP/9901001",
        ] {
            assert!(!is_arxiv_id(bad), "{bad}");
        }
    }

    #[test]
    fn queries_decode_plus_and_percent() {
        let q = Query::parse("q=positional+encoding&x=a%20b%3Ac&bad=%zz&e");
        assert_eq!(q.get("q"), Some("positional encoding"));
        assert_eq!(q.get("x"), Some("a b:c"));
        assert_eq!(q.get("bad"), Some("%zz"));
        assert_eq!(q.get("e"), Some(""));
        assert_eq!(percent_decode("a+b%2", false), "a+b%2");
    }
}
