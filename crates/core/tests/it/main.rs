//! Integration tests of papershelf-core, one binary with a module per concern.

mod browse;
mod collections;
mod file_import;
mod fulltext;
mod graph_identity;
mod hostile_fields;
mod hostile_http;
mod import_jsonl;
mod index_recovery;
mod interop;
mod interop_records;
mod layout;
mod library;
mod migrations;
mod mirror_folder;
mod pdfs;
mod properties;
mod real_readers;
mod redirects;
mod safety;
mod search;
mod sources_http;
mod support;
mod sync_add;
mod sync_feeds;
mod zotero;
