//! CSL-JSON files: never panics; items and skipped lines lie within the input, in file order,
//! skips with a reason; an item's raw text comes from the file, and it has a collapsed
//! non-empty title, an id that re-parses, no arXiv DOI alias as its DOI, and clean tags without
//! repeats.
#![no_main]

mod interop_invariants;

use libfuzzer_sys::fuzz_target;
use papershelf_core::interop::csl;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    interop_invariants::check(&text, &csl::parse(&text), true);
});
