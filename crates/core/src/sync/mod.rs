//! Bringing papers in from the sources: fetch and parse asynchronously, then write through the
//! [`crate::Library`] (synchronous; run it on a blocking thread in async code).

mod add;
mod engine;

pub use add::{fetch_paper, FetchedPaper};
pub use engine::{
    parse_day, sync, EnrichmentOutcome, SubscriptionOutcome, SyncEvent, SyncOptions, SyncReport,
};
