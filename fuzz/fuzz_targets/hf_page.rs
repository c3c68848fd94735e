//! Hugging Face page text: never panics; every paper has a collapsed, non-empty title and no
//! id; every skipped line lies within the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use papershelf_core::import::hf_page;
use papershelf_core::text::collapse_whitespace;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // An editor's line count: `\n`, `\r\n` and a lone `\r` end lines.
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines = normalized.split('\n').count() - usize::from(normalized.ends_with('\n'));
    let parse = hf_page::parse(&text);
    for p in &parse.papers {
        assert!(!p.title.is_empty());
        assert_eq!(p.title, collapse_whitespace(&p.title));
        assert!(p.arxiv_id.is_none());
    }
    for s in &parse.skipped {
        assert!((1..=lines).contains(&s.line), "line {} of {lines}", s.line);
    }
});
