//! BibTeX/BibLaTeX files: never panics; entries and skipped lines lie within the input, in file
//! order, skips with a reason; an entry has a non-blank citation key, raw text from the file
//! starting with `@`, a collapsed non-empty title, an id that re-parses, no arXiv DOI alias as
//! its DOI, and clean tags without repeats.
#![no_main]

mod interop_invariants;

use libfuzzer_sys::fuzz_target;
use papershelf_core::interop::bibtex;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = bibtex::parse(&text);
    interop_invariants::check(&text, &parsed, true);
    for r in &parsed.records {
        assert!(
            r.key.as_deref().is_some_and(|k| !k.trim().is_empty()),
            "{:?}",
            r.key
        );
        assert!(r.raw.starts_with('@'), "{:?}", r.raw);
    }
});
