//! RIS files: never panics; records and skipped lines lie within the input, in file order,
//! skips with a reason; a record's raw lines come from the file, and it has a collapsed
//! non-empty title, an id that re-parses, no arXiv DOI alias as its DOI, and clean tags without
//! repeats.
#![no_main]

mod interop_invariants;

use libfuzzer_sys::fuzz_target;
use papershelf_core::interop::ris;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    interop_invariants::check(&text, &ris::parse(&text), true);
});
