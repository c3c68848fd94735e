//! Invariants every reference-manager parser keeps, shared by the `bibtex`, `ris`, `csl_json`
//! and `markdown` targets: the same checks as `check_interop` in
//! `crates/core/tests/it/properties.rs`. Not a target itself (Cargo.toml names no bin for it).

use papershelf_core::interop::Parsed;
use papershelf_core::text::collapse_whitespace;
use papershelf_core::ArxivId;

/// Lines as an editor counts them: `\n`, `\r\n` and a lone `\r` each end a line.
fn editor_lines(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut lines, mut start, mut i) = (0, 0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines += 1;
                start = i + 1;
            }
            b'\r' => {
                lines += 1;
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    lines + usize::from(start < bytes.len())
}

/// Entries and skipped lines lie within the input (1-based), entries in file order, and each
/// skip has a reason; an entry's raw text is part of the (BOM-less, `\n`-ended) file; titles
/// are non-empty (and whitespace-collapsed where `collapsed_titles`); arXiv ids re-parse; the
/// arXiv DOI alias is never a DOI (checked for every format, the property tests check it
/// where titles are collapsed); tags are non-empty, at most 64 characters, free of white
/// space and control characters, and not repeated in any case.
pub fn check(text: &str, parsed: &Parsed, collapsed_titles: bool) {
    let lines = editor_lines(text).max(1);
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    let normalised = t.replace("\r\n", "\n").replace('\r', "\n");
    for s in &parsed.skipped {
        assert!(
            (1..=lines).contains(&s.line),
            "line {} of {lines}: {s:?}",
            s.line
        );
        assert!(!s.reason.is_empty());
    }
    let mut last_line = 0;
    for r in &parsed.records {
        assert!((1..=lines).contains(&r.line), "line {} of {lines}", r.line);
        assert!(r.line >= last_line, "records out of file order");
        last_line = r.line;
        assert!(
            normalised.contains(&r.raw),
            "raw text not in the file: {:?}",
            r.raw
        );
        let p = &r.paper;
        if collapsed_titles {
            assert!(!p.title.is_empty(), "empty title: {p:?}");
            assert_eq!(p.title, collapse_whitespace(&p.title));
        } else {
            assert!(!p.title.trim().is_empty(), "empty title: {p:?}");
        }
        if let Some(doi) = &p.doi {
            assert!(
                !doi.to_ascii_lowercase().starts_with("10.48550/arxiv."),
                "{doi}"
            );
        }
        if let Some(id) = &p.arxiv_id {
            assert_eq!(ArxivId::parse(id.as_str()), Ok((id.clone(), None)), "{id}");
        }
        let mut seen = std::collections::HashSet::new();
        for tag in &r.tags {
            assert!(!tag.is_empty() && tag.chars().count() <= 64, "{tag:?}");
            assert!(
                !tag.chars().any(|c| c.is_whitespace() || c.is_control()),
                "{tag:?}"
            );
            assert!(
                seen.insert(tag.to_ascii_lowercase()),
                "repeated tag {tag:?}"
            );
        }
    }
}
