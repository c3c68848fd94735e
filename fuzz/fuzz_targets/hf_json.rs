//! Hugging Face JSON (daily, search, single paper): never panics; papers have ids that
//! re-parse, non-empty titles and only plain http(s) links.
#![no_main]

use libfuzzer_sys::fuzz_target;
use papershelf_core::sources::hf::{self, HfPaper};
use papershelf_core::ArxivId;

fn check(p: &HfPaper) {
    assert!(!p.paper.title.is_empty());
    let id = p.paper.arxiv_id.as_ref().expect("a paper has an id");
    assert_eq!(ArxivId::parse(id.as_str()), Ok((id.clone(), None)));
    for url in p.signals.github_repo.iter().chain(&p.signals.project_page) {
        assert!(url.to_ascii_lowercase().starts_with("http"), "{url}");
    }
}

fuzz_target!(|data: &[u8]| {
    for page in [hf::parse_daily_bytes(data), hf::parse_search_bytes(data)]
        .into_iter()
        .flatten()
    {
        page.papers.iter().for_each(check);
    }
    if let Ok(p) = hf::parse_paper_bytes(data) {
        check(&p);
    }
});
