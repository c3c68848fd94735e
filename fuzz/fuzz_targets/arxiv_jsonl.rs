//! One arXiv snapshot line: never panics; a record has an id that re-parses and a non-empty
//! title; an error has a reason.
#![no_main]

use libfuzzer_sys::fuzz_target;
use papershelf_core::import::arxiv_jsonl;
use papershelf_core::ArxivId;

fuzz_target!(|data: &[u8]| {
    match arxiv_jsonl::parse_line_bytes(data) {
        Ok(p) => {
            assert!(!p.title.is_empty());
            let id = p.arxiv_id.expect("a record has an id");
            assert_eq!(ArxivId::parse(id.as_str()), Ok((id.clone(), None)));
        }
        Err(reason) => assert!(!reason.is_empty()),
    }
});
