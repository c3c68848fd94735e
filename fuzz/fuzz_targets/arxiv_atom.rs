//! arXiv Atom XML: never panics; entries have ids that re-parse, non-empty titles, one
//! affiliation list per author and only http(s) links.
#![no_main]

use libfuzzer_sys::fuzz_target;
use papershelf_core::sources::arxiv_atom;
use papershelf_core::ArxivId;

fuzz_target!(|data: &[u8]| {
    let Ok(xml) = std::str::from_utf8(data) else {
        return;
    };
    match arxiv_atom::parse_feed(xml) {
        Ok(feed) => {
            for e in &feed.entries {
                assert!(!e.paper.title.is_empty());
                let id = e.paper.arxiv_id.as_ref().expect("an entry has an id");
                assert_eq!(ArxivId::parse(id.as_str()), Ok((id.clone(), None)));
                assert_eq!(e.affiliations.len(), e.paper.authors.len());
                for url in e.abs_url.iter().chain(&e.pdf_url) {
                    assert!(url.to_ascii_lowercase().starts_with("http"), "{url}");
                }
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
