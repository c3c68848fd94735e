//! The query syntax: never panics; an error is a query error at a position inside the input;
//! years are ordered and in range; tags and sources are lower case.
#![no_main]

use libfuzzer_sys::fuzz_target;
use papershelf_core::search::query::{self, Clause};
use papershelf_core::Error;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match query::parse(input) {
        Ok(parsed) => {
            for c in &parsed.clauses {
                match c {
                    Clause::Year { from, to, .. } => assert!(1000 <= *from && from <= to && *to <= 9999),
                    Clause::Tag { tag, .. } => assert_eq!(*tag, tag.to_lowercase()),
                    Clause::Source { source, .. } => assert_eq!(*source, source.to_lowercase()),
                    Clause::Text { text, .. } => assert!(!text.trim().is_empty()),
                    _ => {}
                }
            }
        }
        Err(Error::Query { position, .. }) => assert!(position <= input.chars().count()),
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
});
