//! Semantic Scholar JSON (paper, batch, edges, search, errors): never panics; a batch keeps
//! the request's length; paging always moves forward.
#![no_main]

use libfuzzer_sys::fuzz_target;
use papershelf_core::sources::s2;

fuzz_target!(|data: &[u8]| {
    let Some((&requested, body)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(body);
    let _ = s2::parse_paper(&text).map(|p| p.to_new_paper());
    if let Ok(items) = s2::parse_batch(&text, usize::from(requested % 16)) {
        assert_eq!(items.len(), usize::from(requested % 16));
    }
    for kind in [s2::EdgeKind::CitedPaper, s2::EdgeKind::CitingPaper] {
        if let Ok(page) = s2::parse_edges(&text, kind) {
            assert!(page.next.is_none_or(|n| n > page.offset));
        }
    }
    if let Ok(page) = s2::parse_search(&text) {
        assert!(page.next.is_none_or(|n| n > page.offset));
    }
    assert!(!s2::parse_error(u16::from(requested) + 300, &text)
        .to_string()
        .is_empty());
});
