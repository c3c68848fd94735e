//! [`SourceError`]: what went wrong talking to a source. Its own module so that the
//! configuration ([`super::config`]) and the HTTP layer ([`super::http`]) can both name it
//! without naming each other.

use std::time::Duration;

/// What went wrong talking to a source, always naming the source and the URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The configuration is unusable (bad origin, unreadable config file).
    #[error("source configuration: {0}")]
    Config(String),
    /// The request could not be sent or the connection failed.
    #[error("{source_name}: cannot reach {url}: {reason}")]
    Connect {
        /// Source name.
        source_name: &'static str,
        /// URL requested.
        url: String,
        /// What failed.
        reason: String,
    },
    /// The server said the thing does not exist.
    #[error("{source_name}: not found: {url}")]
    NotFound {
        /// Source name.
        source_name: &'static str,
        /// URL requested.
        url: String,
    },
    /// An HTTP error status that retrying does not fix.
    #[error("{source_name}: {url} answered HTTP {status}{detail}")]
    Http {
        /// Source name.
        source_name: &'static str,
        /// URL requested.
        url: String,
        /// Status code.
        status: u16,
        /// ": " and a short excerpt of the body, or empty.
        detail: String,
    },
    /// The server keeps refusing for now; try again after the delay.
    #[error("{source_name}: rate limited at {url}; try again in {}s", retry_after.as_secs())]
    RateLimited {
        /// Source name.
        source_name: &'static str,
        /// URL requested.
        url: String,
        /// How long the server asked us to wait.
        retry_after: Duration,
    },
    /// Bounded retries ran out.
    #[error("{source_name}: gave up on {url} after {attempts} attempts: {last}")]
    GaveUp {
        /// Source name.
        source_name: &'static str,
        /// URL requested.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The body exceeded the size cap (after decompression).
    #[error("{source_name}: response from {url} is too large (over {limit} bytes)")]
    TooLarge {
        /// Source name.
        source_name: &'static str,
        /// URL requested.
        url: String,
        /// The cap.
        limit: usize,
    },
    /// The caller stopped the request while its body was arriving.
    #[error("{source_name}: stopped while reading {url}")]
    Cancelled {
        /// Source name.
        source_name: &'static str,
        /// URL requested.
        url: String,
    },
    /// The body is not what the source should send (HTML instead of JSON, say).
    #[error("{source_name}: {url} sent {got}, expected {expected}")]
    UnexpectedContent {
        /// Source name.
        source_name: &'static str,
        /// URL requested.
        url: String,
        /// What arrived.
        got: String,
        /// What was expected.
        expected: &'static str,
    },
}
