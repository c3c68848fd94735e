//! Bringing papers in from the sources: fetch and parse asynchronously, then write through the
//! [`crate::Library`] (synchronous; run it on a blocking thread in async code).

mod add;

pub use add::{fetch_paper, FetchedPaper};
