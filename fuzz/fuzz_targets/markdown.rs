//! One Markdown notes file: never panics; at most one entry or one skip, within the input and
//! with a reason; the entry's raw text is the file, its title is non-blank (kept as quoted, not
//! collapsed), its id re-parses, no arXiv DOI alias is its DOI and its tags are clean without
//! repeats.
#![no_main]

mod interop_invariants;

use libfuzzer_sys::fuzz_target;
use papershelf_core::interop::markdown;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = markdown::parse(&text);
    // Front-matter titles are quoted strings, kept as written.
    interop_invariants::check(&text, &parsed, false);
    assert!(
        parsed.records.len() + parsed.skipped.len() <= 1,
        "{parsed:?}"
    );
});
