//! Papershelf's test kit: local HTTP servers for tests that must never touch the network.
//!
//! * [`Server`] — a generic, scriptable HTTP/1.1 server on `127.0.0.1`: each test answers
//!   with a closure (`Server::start(|request, index| Reply::new(…))`) and reads back every
//!   request as [`Seen`] (time, method, target, headers, body) via `server.seen()`.
//! * [`FixtureApi`] — the recorded Hugging Face, arXiv and Semantic Scholar APIs from
//!   `crates/core/tests/fixtures/api/`, with switches for throttling and failures. Core
//!   integration tests use it directly; CLI and desktop tests spawn the
//!   `papershelf-fixture-server` binary (`--fixtures DIR [--port N] [--control]`, prints
//!   `listening on http://127.0.0.1:PORT`) and point `PAPERSHELF_HF_URL`,
//!   `PAPERSHELF_ARXIV_URL` and `PAPERSHELF_S2_URL` at it.
//!
//! # Conventions of [`FixtureApi`] (from the fixtures README)
//!
//! * Every 200 has `ETag: W/"<first 16 hex of SHA-1 of the body>"` (the file bytes; for a
//!   paged HF daily answer, the page's bytes) and `Last-Modified` (HF daily:
//!   `23:59:59 GMT` of the requested date; everything else `Mon, 01 Dec 2025 14:07:31 GMT`).
//!   `If-None-Match` matching the ETag (weak comparison, `*` and lists accepted) **or**
//!   `If-Modified-Since` ≥ `Last-Modified` → `304`, empty body, same ETag and Last-Modified.
//! * Content-Type: HF `application/json; charset=utf-8`, arXiv
//!   `application/atom+xml; charset=utf-8`, S2 `application/json`, unless a hostile row says
//!   otherwise. Every HF answer carries `RateLimit: "api";r=497;t=212` and
//!   `RateLimit-Policy: "fixed window";"api";q=500;w=300`.
//! * Bodies are never compressed, whatever `Accept-Encoding` says (only the gzip rows send
//!   gzip bytes).
//! * Parameters not named below are ignored. Unknown routes (and wrong methods) → `404`
//!   `text/plain` naming the request.
//!
//! # Routes
//!
//! | Request | Answer |
//! |---|---|
//! | `GET /api/daily_papers?date=2024-01-15` / `2024-01-16` | `hf/daily_papers-DATE.json`; with `limit=L` (and `p=N`, default 0) the slice `[N·L, N·L+L)` plus `Link: <ORIGIN/api/daily_papers?date=…&p=N+1&limit=L>; rel="next"` while items remain; a page past the end is `[]` |
//! | `… date=` any other valid date, or no `date` | `hf/daily_papers-empty.json` (`[]`); an invalid date → `400 {"error":"Invalid date"}` |
//! | `… date=2024-02-01` | `hostile/truncated-daily_papers.json.partial`, `application/json`, correct length ([`FixtureApi::set_cut_truncated_daily`]: full length advertised, half sent, socket closed) |
//! | `… date=2024-02-02` | `503` `hostile/html-error-page.html`, `text/html` |
//! | `… date=2024-02-03` / `04` / `05` | `hostile/xss-…`, `odd-types-…`, `wrong-shape-daily_papers.json`, as HF (paging applies to the arrays) |
//! | `… date=2099-01-01` | just over 5 MiB of valid JSON (oversized-valid-json) |
//! | `GET /api/papers/search?q=positional+encoding` (or `%20`; case and spacing ignored) | `hf/search-q-positional-encoding.json` |
//! | `… q=interstitial` | `hostile/html-200-interstitial.html`, 200 `text/html; charset=utf-8` |
//! | `… q=gzip` ([`GZIP_LABELLED_Q`]) | `hostile/search-q-positional-encoding.json.gz`, `application/json` + `Content-Encoding: gzip` |
//! | `… q=gzip-unlabelled` ([`GZIP_UNLABELLED_Q`]) | the same gzip bytes, `application/json`, **no** `Content-Encoding` |
//! | `… q=oversized` | the 5 MiB body, `Transfer-Encoding: chunked` in 64 KiB chunks |
//! | `… q=` anything else | `[]` |
//! | `GET /api/papers/{2310.02579, 2405.12522, 2410.05050}` | `hf/paper-ID.json`; any other id → `404 hf/not-found.json` |
//! | any HF route while throttled | `429`, empty body, `RateLimit: "api";r=0;t=37` ([`FixtureApi::set_hf_reset_secs`]) |
//! | `GET /api/query?search_query=cat:cs.LG&start={0,2,4}&max_results=2` (`start` default 0) | `arxiv/query-cat-cs.LG-startN.xml` (`sortBy`/`sortOrder` ignored); other searches → `arxiv/empty.xml` |
//! | `… id_list=` the three legacy ids in any order | `arxiv/id_list-2502.13842-2212.07346-2303.05735.xml` |
//! | `… id_list=` with an id failing the grammar ([`is_arxiv_id`]) | `400 arxiv/error-malformed-id.xml` |
//! | `… id_list=2099.00004` | `hostile/xss-arxiv.xml` |
//! | `… id_list=2099.00002` | `arxiv/empty.xml` dripped 1 byte / 500 ms (slow-drip) |
//! | `… id_list=` any other valid ids (e.g. `2401.99999`) | `arxiv/empty.xml` |
//! | `/api/query` while throttled | `429 text/plain` `Rate exceeded.` |
//! | `GET /graph/v1/paper/arXiv:2310.02579` (any case of `arXiv:`) | `s2/paper-arXiv-2310.02579.json` |
//! | `GET /graph/v1/paper/arXiv:2099.00003` | `503` `hostile/html-error-page.html`, `text/html` |
//! | `GET /graph/v1/paper/arXiv:2099.00001` | the 5 MiB body under a lying `Content-Length: 100`, then close |
//! | `GET /graph/v1/paper/{other id}` (also `/references`, `/citations`) | `404 s2/404.json` |
//! | `POST /graph/v1/paper/batch` | body = `s2/batch-request.json`'s ids → `s2/batch-response.json`; other ids → the recorded item per id, `null` for unknown; a body without `ids` → `400` |
//! | `GET …/arXiv:2405.12522/references?offset={0,3}` | `s2/references-2405.12522-offsetN.json`; other offsets → `{"offset":N,"data":[]}` |
//! | `GET …/arXiv:2309.08600/citations?offset=0` | `s2/citations-2309.08600-offset0.json`; other offsets → empty page |
//! | `GET /graph/v1/paper/search?query=positional+encoding&offset={0,3}` | `s2/search-q-positional-encoding-offsetN.json`; other offsets/queries → empty page |
//! | any S2 route with an unknown name in `fields` | `400 s2/400-bad-fields.json` |
//! | any S2 route while throttled | `429 s2/429.json`, `Retry-After` only if [`FixtureApi::set_s2_retry_after`] |
//! | any request after [`FixtureApi::fail_next`]`(n, status)` | the next `n` answer `status` with `hostile/html-error-page.html` |
//!
//! Precedence: [`FixtureApi::intercept`] → control routes (binary `--control` only:
//! `/__fixture/throttle?source=hf|arxiv|s2&on=true|false`, `/__fixture/fail_next?n=N&status=S`,
//! `/__fixture/hf_reset_secs?secs=N`, `/__fixture/s2_retry_after[?secs=N]`, `/__fixture/reset`)
//! → fail-next → throttling → routing → conditional `304`.

mod fixture_api;
pub mod pdf;
mod server;
pub mod zotero;

pub use fixture_api::{
    etag_of, http_date, is_arxiv_id, parse_http_date, FixtureApi, Upstream, ATOM,
    FIXED_LAST_MODIFIED, GZIP_LABELLED_Q, GZIP_UNLABELLED_Q, HF_DEFAULT_RESET_SECS, HF_JSON,
    HF_RATE_LIMIT, HF_RATE_LIMIT_POLICY, S2_JSON,
};
pub use server::{reason, Reply, Seen, Server};

/// The fixtures directory of this repository (`crates/core/tests/fixtures/api`), found
/// relative to this crate's manifest at compile time.
pub fn fixtures_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/api")
}
