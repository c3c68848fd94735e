//! The one HTTP layer every source client uses: timeouts, a response size cap, content-type
//! checks, retries with backoff and jitter, `Retry-After`, per-host pacing (each host serially,
//! hosts in parallel) and conditional requests.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{redirect, Method, StatusCode};
use tokio::sync::Mutex;

use super::config::{Source, SourceConfig};

pub use super::error::SourceError;

/// What a response must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// `application/json` (any `+json` too), parseable as JSON.
    Json,
    /// Atom or other XML.
    Xml,
    /// A PDF: whatever the content type says, the body must start with `%PDF-` (arXiv answers
    /// some requests with an HTML page, which must never be stored as a PDF).
    Pdf,
}

impl Expect {
    fn accept(self) -> &'static str {
        match self {
            Expect::Json => "application/json",
            Expect::Xml => "application/atom+xml, application/xml;q=0.9, text/xml;q=0.8",
            Expect::Pdf => "application/pdf",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Expect::Json => "JSON",
            Expect::Xml => "XML",
            Expect::Pdf => "a PDF",
        }
    }

    fn matches(self, content_type: &str) -> bool {
        let ct = content_type.to_ascii_lowercase();
        let mime = ct.split(';').next().unwrap_or("").trim();
        match self {
            Expect::Json => mime == "application/json" || mime.ends_with("+json"),
            Expect::Xml => mime.ends_with("/xml") || mime.ends_with("+xml"),
            // Hosts label PDFs `application/octet-stream` and worse: the bytes decide.
            Expect::Pdf => true,
        }
    }
}

/// Cache validators of an earlier response, for a conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// `ETag` as received.
    pub etag: Option<String>,
    /// `Last-Modified` as received.
    pub last_modified: Option<String>,
}

impl Validators {
    /// True when there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// A fetched resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// A new body.
    Body {
        /// The body, decompressed, within the size cap, of the expected type.
        body: Vec<u8>,
        /// Validators to send next time.
        validators: Validators,
        /// `Link: <…>; rel="next"`, when present.
        next_link: Option<String>,
    },
    /// `304 Not Modified`: what we hold is current.
    NotModified,
}

/// Limits and retry policy.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Connecting may take this long.
    pub connect_timeout: Duration,
    /// A whole request (including reading the body) may take this long.
    pub total_timeout: Duration,
    /// Largest body accepted, after decompression.
    pub max_body: usize,
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// First retry delay; doubles each attempt, with jitter.
    pub base_backoff: Duration,
    /// A server asking for a longer wait than this gets a `RateLimited` error instead.
    pub max_wait: Duration,
    /// Minimum spacing between two requests to the same source, in [`Source::ALL`] order.
    pub spacing: [Duration; Source::COUNT],
}

/// How a large file (a PDF) is read: a cap of its own instead of [`HttpOptions::max_body`], a
/// stall timeout instead of the total one (a big file on a slow line is fine as long as bytes
/// keep coming), and progress that can stop it.
pub struct Download<'a> {
    /// Largest body accepted, after decompression.
    pub max_bytes: usize,
    /// A body from which no byte arrives for this long is given up on, and retried like a
    /// timeout.
    pub stall_timeout: Duration,
    /// Called as bytes arrive with the bytes so far and the length announced, if any;
    /// returning false stops the download with [`SourceError::Cancelled`].
    pub progress: &'a (dyn Fn(u64, Option<u64>) -> bool + Send + Sync),
}

/// How long a download may take in all, however steadily bytes arrive: a bound, not a budget.
const DOWNLOAD_TOTAL_TIMEOUT: Duration = Duration::from_secs(6 * 60 * 60);

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_body: 8 * 1024 * 1024,
            max_attempts: 4,
            base_backoff: Duration::from_secs(1),
            max_wait: Duration::from_secs(120),
            // arXiv's terms: one request every 3 s (its API and arxiv.org's PDFs alike); S2
            // keys: 1 request/s; HF: polite.
            spacing: [
                Duration::from_millis(250),
                Duration::from_secs(3),
                Duration::from_secs(1),
                Duration::from_secs(3),
            ],
        }
    }
}

/// The shared client. Requests to one source run one at a time, spaced; different sources run
/// in parallel.
pub struct HttpClient {
    client: reqwest::Client,
    config: SourceConfig,
    options: HttpOptions,
    /// Per source: when the last request finished. Held across a request, so it also
    /// serialises requests to that source.
    pacers: [Mutex<Option<Instant>>; Source::COUNT],
    /// Per source: requests sent, 304 answers, body bytes received (after decompression).
    counters: [[AtomicU64; 3]; Source::COUNT],
}

/// What one source cost over a client's life: requests, 304s and bytes received.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Traffic {
    /// Requests sent (retries included).
    pub requests: u64,
    /// Of those, answered `304 Not Modified`.
    pub not_modified: u64,
    /// Body bytes received, after decompression.
    pub bytes: u64,
}

impl Traffic {
    /// What happened between `earlier` and `self`.
    pub fn since(self, earlier: Traffic) -> Traffic {
        Traffic {
            requests: self.requests.saturating_sub(earlier.requests),
            not_modified: self.not_modified.saturating_sub(earlier.not_modified),
            bytes: self.bytes.saturating_sub(earlier.bytes),
        }
    }
}

/// The User-Agent every request carries.
pub fn user_agent() -> String {
    format!(
        "Papershelf/{} (local-first paper reader; +https://github.com/papershelf)",
        env!("CARGO_PKG_VERSION")
    )
}

impl HttpClient {
    /// Builds a client for `config` with `options`.
    ///
    /// # Errors
    /// When the TLS backend cannot start.
    pub fn new(config: SourceConfig, options: HttpOptions) -> Result<HttpClient, SourceError> {
        let client = reqwest::Client::builder()
            .user_agent(user_agent())
            .connect_timeout(options.connect_timeout)
            .timeout(options.total_timeout)
            .pool_max_idle_per_host(1)
            // Redirects are followed by hand in `attempt`: reqwest keeps custom headers such as
            // `x-api-key` on a redirect, even to another port or scheme.
            .redirect(redirect::Policy::none())
            .build()
            .map_err(|e| SourceError::Config(format!("cannot start the HTTP client: {e}")))?;
        Ok(HttpClient {
            client,
            config,
            options,
            pacers: Default::default(),
            counters: Default::default(),
        })
    }

    /// Requests and bytes spent on `source` by this client so far.
    pub fn traffic(&self, source: Source) -> Traffic {
        let [requests, not_modified, bytes] = &self.counters[source_index(source)];
        Traffic {
            requests: requests.load(Ordering::Relaxed),
            not_modified: not_modified.load(Ordering::Relaxed),
            bytes: bytes.load(Ordering::Relaxed),
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &SourceConfig {
        &self.config
    }

    /// The full URL for a path on `source` (`/api/query?…`).
    pub fn url(&self, source: Source, path_and_query: &str) -> String {
        format!("{}{}", self.config.origin(source), path_and_query)
    }

    /// GETs `path_and_query` from `source`, conditionally when `validators` are given.
    ///
    /// # Errors
    /// A typed [`SourceError`] naming the source and URL, after bounded retries for transient
    /// failures (timeouts, connection errors, 5xx, 429).
    pub async fn get(
        &self,
        source: Source,
        path_and_query: &str,
        expect: Expect,
        validators: Option<&Validators>,
    ) -> Result<Fetched, SourceError> {
        self.request(
            source,
            Method::GET,
            path_and_query,
            None,
            expect,
            validators,
            None,
        )
        .await
    }

    /// GETs a large file from `source` as `download` says (its cap, stall timeout and
    /// progress), with the same pacing, retries and redirect rules as [`HttpClient::get`].
    ///
    /// # Errors
    /// As [`HttpClient::get`], plus [`SourceError::Cancelled`] when `progress` returned false,
    /// and [`SourceError::UnexpectedContent`] when a PDF was expected and the body is not one.
    pub async fn download(
        &self,
        source: Source,
        path_and_query: &str,
        expect: Expect,
        download: &Download<'_>,
    ) -> Result<Vec<u8>, SourceError> {
        match self
            .request(
                source,
                Method::GET,
                path_and_query,
                None,
                expect,
                None,
                Some(download),
            )
            .await?
        {
            Fetched::Body { body, .. } => Ok(body),
            // No validators were sent, so a 304 is the server's mistake.
            Fetched::NotModified => Err(SourceError::UnexpectedContent {
                source_name: source.name(),
                url: self.url(source, path_and_query),
                got: "304 Not Modified to an unconditional request".into(),
                expected: expect.describe(),
            }),
        }
    }

    /// POSTs a JSON body (Semantic Scholar's batch endpoint).
    ///
    /// # Errors
    /// As [`HttpClient::get`].
    pub async fn post_json(
        &self,
        source: Source,
        path_and_query: &str,
        body: &serde_json::Value,
    ) -> Result<Fetched, SourceError> {
        let body = serde_json::to_vec(body).unwrap_or_default();
        self.request(
            source,
            Method::POST,
            path_and_query,
            Some(body),
            Expect::Json,
            None,
            None,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn request(
        &self,
        source: Source,
        method: Method,
        path_and_query: &str,
        body: Option<Vec<u8>>,
        expect: Expect,
        validators: Option<&Validators>,
        download: Option<&Download<'_>>,
    ) -> Result<Fetched, SourceError> {
        let url = self.url(source, path_and_query);
        let name = source.name();
        if has_dot_segment(path_and_query) {
            // A URL parser resolves `.`/`..` (even as `%2E`): the request would leave its path.
            return Err(SourceError::Config(format!(
                "{name}: refusing a request path with a '.' or '..' segment: {path_and_query}"
            )));
        }
        let spacing = self.options.spacing[source_index(source)];
        let mut pacer = self.pacers[source_index(source)].lock().await;
        let mut last_failure = String::new();
        for attempt in 1..=self.options.max_attempts {
            if let Some(last) = *pacer {
                let ready = last + spacing;
                let now = Instant::now();
                if ready > now {
                    tokio::time::sleep(ready - now).await;
                }
            }
            let outcome = self
                .attempt(
                    source,
                    &method,
                    &url,
                    body.as_deref(),
                    expect,
                    validators,
                    download,
                )
                .await;
            *pacer = Some(Instant::now());
            let retry_in = match outcome {
                Attempt::Done(result) => return result,
                Attempt::Retry { after, reason } => {
                    last_failure = reason;
                    after.unwrap_or_else(|| self.backoff(attempt))
                }
                // Nothing listening (offline, wrong origin): one more try, then say so rather
                // than make the user wait out the whole backoff ladder.
                Attempt::Unreachable(reason) if attempt >= 2 => {
                    return Err(SourceError::Connect {
                        source_name: name,
                        url,
                        reason,
                    })
                }
                Attempt::Unreachable(reason) => {
                    last_failure = reason;
                    self.backoff(attempt)
                }
            };
            if retry_in > self.options.max_wait {
                return Err(SourceError::RateLimited {
                    source_name: name,
                    url,
                    retry_after: retry_in,
                });
            }
            if attempt < self.options.max_attempts {
                tracing::warn!(source = name, %url, attempt, wait_ms = retry_in.as_millis() as u64, reason = %last_failure, "retrying");
                tokio::time::sleep(retry_in).await;
            }
        }
        Err(SourceError::GaveUp {
            source_name: name,
            url,
            attempts: self.options.max_attempts,
            last: last_failure,
        })
    }

    /// Exponential backoff with ±25 % jitter, so clients that failed together don't retry together.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.options.base_backoff.as_secs_f64() * 2f64.powi(attempt as i32 - 1);
        let jitter = 0.75 + 0.5 * pseudo_random();
        Duration::from_secs_f64((base * jitter).min(self.options.max_wait.as_secs_f64()))
    }

    #[allow(clippy::too_many_arguments)]
    async fn attempt(
        &self,
        source: Source,
        method: &Method,
        url: &str,
        body: Option<&[u8]>,
        expect: Expect,
        validators: Option<&Validators>,
        download: Option<&Download<'_>>,
    ) -> Attempt {
        let name = source.name();
        let first = match reqwest::Url::parse(url) {
            Ok(u) => u,
            Err(e) => {
                return Attempt::Done(Err(SourceError::Config(format!(
                    "{name}: not a URL: {url}: {e}"
                ))))
            }
        };
        let [requests, not_modified, received] = &self.counters[source_index(source)];
        let mut target = first.clone();
        let mut method = method.clone();
        let mut body = body;
        let mut sent = 0u32;
        let response = loop {
            let mut req = self
                .client
                .request(method.clone(), target.clone())
                .header(header::ACCEPT, expect.accept());
            if download.is_some() {
                // The stall timeout guards the body instead.
                req = req.timeout(DOWNLOAD_TOTAL_TIMEOUT);
            }
            if let Some(v) = validators {
                if let Some(etag) = &v.etag {
                    req = req.header(header::IF_NONE_MATCH, etag);
                }
                if let Some(lm) = &v.last_modified {
                    req = req.header(header::IF_MODIFIED_SINCE, lm);
                }
            }
            // Credentials go on the first request only, never on a redirected one.
            if sent == 0 {
                match source {
                    Source::SemanticScholar => {
                        if let Some(key) = &self.config.s2_api_key {
                            req = req.header("x-api-key", key);
                        }
                    }
                    Source::HuggingFace => {
                        if let Some(token) = &self.config.hf_token {
                            req = req.bearer_auth(token);
                        }
                    }
                    Source::Arxiv | Source::Pdf => {}
                }
            }
            if let Some(body) = body {
                req = req
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(body.to_vec());
            }
            requests.fetch_add(1, Ordering::Relaxed);
            sent += 1;
            let response = match req.send().await {
                Ok(r) => r,
                Err(e) => return self.transport_failure(name, url, e),
            };
            let status = response.status();
            if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
                break response;
            }
            let location = header_str(response.headers(), header::LOCATION);
            let redirect_error = |reason: String| {
                Attempt::Done(Err(SourceError::Connect {
                    source_name: name,
                    url: url.to_string(),
                    reason,
                }))
            };
            if location.is_empty() {
                break response;
            }
            if sent >= MAX_REQUESTS_PER_FETCH {
                return redirect_error(format!(
                    "too many redirects ({sent} requests, the last to {target})"
                ));
            }
            let next = match target.join(&location) {
                Ok(next) => next,
                Err(e) => {
                    return redirect_error(format!("bad redirect location {location:?}: {e}"))
                }
            };
            if !same_origin(&first, &next) {
                return redirect_error(format!(
                    "redirect to another host, port or scheme ({next}) refused"
                ));
            }
            // As browsers do: 303, and 301/302 after a POST, continue as a GET without a body.
            if status == StatusCode::SEE_OTHER
                || (method == Method::POST && matches!(status.as_u16(), 301 | 302))
            {
                method = Method::GET;
                body = None;
            }
            target = next;
        };
        let status = response.status();
        let headers = response.headers().clone();
        if status == StatusCode::NOT_MODIFIED {
            not_modified.fetch_add(1, Ordering::Relaxed);
            return Attempt::Done(Ok(Fetched::NotModified));
        }
        if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
            return Attempt::Retry {
                after: retry_after(&headers),
                reason: format!("HTTP {}", status.as_u16()),
            };
        }
        if status.is_server_error() {
            return Attempt::Retry {
                after: None,
                reason: format!("HTTP {}", status.as_u16()),
            };
        }
        let body = match self.read_body(name, url, response, download).await {
            Ok(b) => {
                received.fetch_add(b.len() as u64, Ordering::Relaxed);
                b
            }
            Err(Attempt::Done(e)) => return Attempt::Done(e),
            Err(retry) => return retry,
        };
        if status == StatusCode::NOT_FOUND {
            return Attempt::Done(Err(SourceError::NotFound {
                source_name: name,
                url: url.to_string(),
            }));
        }
        if !status.is_success() {
            // arXiv answers a malformed query with 400 and an Atom error entry: hand the body
            // to the parser when it is of the expected kind, so the entry's message is used.
            let content_type = header_str(&headers, header::CONTENT_TYPE);
            if !(status == StatusCode::BAD_REQUEST
                && expect == Expect::Xml
                && expect.matches(&content_type))
            {
                return Attempt::Done(Err(SourceError::Http {
                    source_name: name,
                    url: url.to_string(),
                    status: status.as_u16(),
                    detail: excerpt(&body),
                }));
            }
        }
        let content_type = header_str(&headers, header::CONTENT_TYPE);
        if !expect.matches(&content_type) {
            return Attempt::Done(Err(SourceError::UnexpectedContent {
                source_name: name,
                url: url.to_string(),
                got: if content_type.is_empty() {
                    "no content type".into()
                } else {
                    content_type
                },
                expected: expect.describe(),
            }));
        }
        if expect == Expect::Pdf && !looks_like_pdf(&body) {
            return Attempt::Done(Err(SourceError::UnexpectedContent {
                source_name: name,
                url: url.to_string(),
                got: describe_non_pdf(&body, &content_type),
                expected: expect.describe(),
            }));
        }
        if expect == Expect::Json {
            if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&body) {
                return Attempt::Done(Err(SourceError::UnexpectedContent {
                    source_name: name,
                    url: url.to_string(),
                    got: format!("invalid JSON ({e})"),
                    expected: expect.describe(),
                }));
            }
        }
        Attempt::Done(Ok(Fetched::Body {
            body,
            validators: Validators {
                etag: non_empty(header_str(&headers, header::ETAG)),
                last_modified: non_empty(header_str(&headers, header::LAST_MODIFIED)),
            },
            next_link: next_link(&headers),
        }))
    }

    /// Reads the body in chunks, stopping at the cap (the chunks are already decompressed, so
    /// a decompression bomb stops there too). A download has its own cap, gives up when no
    /// chunk arrives within its stall timeout, and reports progress.
    async fn read_body(
        &self,
        name: &'static str,
        url: &str,
        mut response: reqwest::Response,
        download: Option<&Download<'_>>,
    ) -> Result<Vec<u8>, Attempt> {
        let limit = download.map_or(self.options.max_body, |d| d.max_bytes);
        let too_large = || {
            Attempt::Done(Err(SourceError::TooLarge {
                source_name: name,
                url: url.to_string(),
                limit,
            }))
        };
        let encoded = response.headers().contains_key(header::CONTENT_ENCODING);
        if !encoded && response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        let announced = (!encoded).then(|| response.content_length()).flatten();
        let mut body = Vec::new();
        loop {
            let next = match download {
                None => response.chunk().await,
                Some(d) => match tokio::time::timeout(d.stall_timeout, response.chunk()).await {
                    Ok(next) => next,
                    Err(_) => {
                        return Err(Attempt::Retry {
                            after: None,
                            reason: format!(
                                "no data for {}s after {} bytes",
                                d.stall_timeout.as_secs_f64(),
                                body.len()
                            ),
                        })
                    }
                },
            };
            match next {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > limit {
                        return Err(too_large());
                    }
                    body.extend_from_slice(&chunk);
                    if let Some(d) = download {
                        if !(d.progress)(body.len() as u64, announced) {
                            return Err(Attempt::Done(Err(SourceError::Cancelled {
                                source_name: name,
                                url: url.to_string(),
                            })));
                        }
                    }
                }
                Ok(None) => return Ok(body),
                Err(e) => return Err(self.transport_failure(name, url, e)),
            }
        }
    }

    fn transport_failure(&self, name: &'static str, url: &str, e: reqwest::Error) -> Attempt {
        if e.is_redirect() {
            return Attempt::Done(Err(SourceError::Connect {
                source_name: name,
                url: url.to_string(),
                reason: error_chain(&e),
            }));
        }
        let chain = error_chain(&e);
        // A connection that closes before the advertised length is transient, even when
        // reqwest reports it while decoding.
        let cut_short = e.is_body() || chain.contains("body from connection");
        // A body that drips in slower than the timeout surfaces as a *decode* error whose
        // cause is the timeout: it is a timeout (transient), not an undecodable body.
        let timed_out = e.is_timeout() || chain.contains("timed out");
        if e.is_decode() && !cut_short && !timed_out {
            return Attempt::Done(Err(SourceError::UnexpectedContent {
                source_name: name,
                url: url.to_string(),
                got: format!("an undecodable body ({chain})"),
                expected: "a readable body",
            }));
        }
        // hyper's connect errors are not always flagged by `is_connect`; the chain names them.
        let unreachable =
            e.is_connect() || chain.contains("(Connect)") || chain.contains("dns error");
        if unreachable && !timed_out {
            return Attempt::Unreachable(chain);
        }
        let reason = if timed_out {
            format!(
                "no answer within {}s",
                self.options.total_timeout.as_secs_f64()
            )
        } else {
            chain
        };
        Attempt::Retry {
            after: None,
            reason,
        }
    }
}

enum Attempt {
    Done(Result<Fetched, SourceError>),
    /// The connection could not be made at all.
    Unreachable(String),
    Retry {
        after: Option<Duration>,
        reason: String,
    },
}

/// True when `body` is a PDF: `%PDF-` within its first KiB, where readers look for it.
pub fn looks_like_pdf(body: &[u8]) -> bool {
    body[..body.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
}

/// What a body that should have been a PDF is, for the error message.
fn describe_non_pdf(body: &[u8], content_type: &str) -> String {
    let head = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    let kind = if head.contains("<html") || head.contains("<!doctype html") {
        "an HTML page".to_string()
    } else if body.is_empty() {
        "an empty body".to_string()
    } else {
        format!("{} bytes that are not a PDF", body.len())
    };
    if content_type.is_empty() {
        kind
    } else {
        format!("{kind} ({content_type})")
    }
}

/// True when the path part of `path_and_query` has a `.` or `..` segment, written plainly or
/// percent-encoded (which URL parsers treat alike).
fn has_dot_segment(path_and_query: &str) -> bool {
    let path = path_and_query.split(['?', '#']).next().unwrap_or("");
    path.split(['/', '\\']).any(|seg| {
        let seg = seg.to_ascii_lowercase().replace("%2e", ".");
        seg == "." || seg == ".."
    })
}

/// Requests one fetch may send, redirects included: a fifth redirect in a row is refused.
const MAX_REQUESTS_PER_FETCH: u32 = 5;

/// Same scheme, host and port (the default port of the scheme when none is written).
fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str().map(str::to_ascii_lowercase) == b.host_str().map(str::to_ascii_lowercase)
        && a.port_or_known_default() == b.port_or_known_default()
}

fn source_index(source: Source) -> usize {
    Source::ALL.iter().position(|s| *s == source).unwrap_or(0)
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> String {
    headers
        .get(name)
        .and_then(|v: &HeaderValue| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// The wait a 429/503 asks for: `Retry-After` in seconds or as an HTTP date, else Hugging
/// Face's `RateLimit: "api";r=0;t=37` reset time.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = header_str(headers, header::RETRY_AFTER);
    let value = value.trim();
    if !value.is_empty() {
        if let Ok(secs) = value.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(when) = httpdate_parse(value) {
            return Some(when.duration_since(SystemTime::now()).unwrap_or_default());
        }
    }
    let ratelimit = header_str(headers, header::HeaderName::from_static("ratelimit"));
    ratelimit
        .split(';')
        .find_map(|part| part.trim().strip_prefix("t="))
        .and_then(|t| t.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// Parses an IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`), the form `Retry-After` uses.
fn httpdate_parse(s: &str) -> Result<SystemTime, ()> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let parsed = time::PrimitiveDateTime::parse(s, &format).map_err(|_| ())?;
    let unix = parsed.assume_utc().unix_timestamp();
    let secs = u64::try_from(unix).map_err(|_| ())?;
    Ok(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

/// `Link: <url>; rel="next"`.
fn next_link(headers: &HeaderMap) -> Option<String> {
    let link = header_str(headers, header::LINK);
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            p.trim()
                .replace(' ', "")
                .eq_ignore_ascii_case("rel=\"next\"")
                || p.trim().eq_ignore_ascii_case("rel=next")
        });
        is_next.then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text: String = text.chars().filter(|c| !c.is_control()).take(160).collect();
    if text.trim().is_empty() {
        String::new()
    } else {
        format!(": {}", text.trim())
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let s = c.to_string();
        if !out.contains(&s) {
            out.push_str(": ");
            out.push_str(&s);
        }
        cur = c.source();
    }
    out
}

/// A number in [0, 1) for jitter; no need for cryptographic quality.
fn pseudo_random() -> f64 {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut x = u64::from(nanos) ^ 0x9e37_79b9_7f4a_7c15;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    (x % 10_000) as f64 / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn retry_after_reads_seconds_dates_and_hf_ratelimit() {
        assert_eq!(
            retry_after(&headers(&[("retry-after", "2")])),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            retry_after(&headers(&[("ratelimit", "\"api\";r=0;t=37")])),
            Some(Duration::from_secs(37))
        );
        let past = retry_after(&headers(&[(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT",
        )]));
        assert_eq!(past, Some(Duration::ZERO));
        assert_eq!(retry_after(&headers(&[])), None);
    }

    #[test]
    fn next_links_are_found_among_others() {
        let h = headers(&[(
            "link",
            "<http://a/x?p=0>; rel=\"prev\", <http://a/x?p=2>; rel=\"next\"",
        )]);
        assert_eq!(next_link(&h).as_deref(), Some("http://a/x?p=2"));
        assert_eq!(next_link(&headers(&[])), None);
    }

    #[test]
    fn content_types_match_by_mime() {
        assert!(Expect::Json.matches("application/json; charset=utf-8"));
        assert!(Expect::Json.matches("application/vnd.api+json"));
        assert!(!Expect::Json.matches("text/html; charset=utf-8"));
        assert!(Expect::Xml.matches("application/atom+xml; charset=utf-8"));
        assert!(!Expect::Xml.matches("text/plain"));
    }

    #[test]
    fn dot_segments_are_found_plain_or_encoded() {
        for p in [
            "/graph/v1/paper/DOI:10.1/../x",
            "/a/./b",
            "/a/%2e%2E/b?x=1",
            "/a/..",
            "/a\\..\\b",
        ] {
            assert!(has_dot_segment(p), "{p}");
        }
        for p in [
            "/api/papers/2303.05735",
            "/a/..b/c",
            "/x?q=../..",
            "/a/.hidden",
        ] {
            assert!(!has_dot_segment(p), "{p}");
        }
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let u = |s: &str| reqwest::Url::parse(s).unwrap();
        assert!(same_origin(
            &u("https://api.x.org/a"),
            &u("https://API.x.org:443/b")
        ));
        assert!(!same_origin(
            &u("https://api.x.org/a"),
            &u("http://api.x.org/a")
        ));
        assert!(!same_origin(
            &u("http://127.0.0.1:8000/a"),
            &u("http://127.0.0.1:8001/a")
        ));
        assert!(!same_origin(
            &u("http://127.0.0.1:8000/a"),
            &u("http://localhost:8000/a")
        ));
    }

    #[test]
    fn backoff_grows_and_stays_bounded() {
        let client = HttpClient::new(SourceConfig::default(), HttpOptions::default()).unwrap();
        let first = client.backoff(1);
        let third = client.backoff(3);
        assert!(first >= Duration::from_millis(750) && first <= Duration::from_millis(1250));
        assert!(third >= Duration::from_secs(3) && third <= Duration::from_secs(5));
        assert!(client.backoff(30) <= HttpOptions::default().max_wait);
    }
}
