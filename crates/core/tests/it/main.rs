//! Integration tests of papershelf-core, one binary with a module per concern.

mod import_jsonl;
mod index_recovery;
mod interop;
mod library;
mod migrations;
mod search;
mod sources_http;
mod support;
mod sync_add;
mod sync_feeds;
