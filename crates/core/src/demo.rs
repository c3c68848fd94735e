//! The demo library a new user searches on first run: two Hugging Face paper-search pages,
//! embedded in the binary.

/// (origin name, page text) for each embedded page.
pub const PAGES: &[(&str, &str)] = &[
    (
        "hf-search-encoding.txt",
        include_str!("../data/demo/hf-search-encoding.txt"),
    ),
    (
        "hf-search-representations.txt",
        include_str!("../data/demo/hf-search-representations.txt"),
    ),
];
