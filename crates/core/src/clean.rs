//! What every stored text goes through, whatever brought it: control characters out, each
//! field cut to its cap.
//!
//! Two promises rest on this module:
//! - **No control characters in the library.** C0 controls (except `\n` and `\t` in fields
//!   that may hold several lines: abstracts and notes), DEL, C1 controls, the byte order mark
//!   and the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069)
//!   are removed. An escape sequence from a file can then never reach a terminal through
//!   `papershelf list`, and no title can display reversed. The directional *marks* (U+200E,
//!   U+200F, U+061C) stay: right-to-left text uses them, and they act like an invisible
//!   letter, unable to reorder a run the way an override can. Carriage returns and the
//!   Unicode line separators become `\n` (or a space, in one-line fields).
//! - **No field too large to read back.** A field longer than its cap, in UTF-8 bytes, is cut
//!   at a character boundary, and the import report says so: title 4 KiB, abstract 1 MiB, note
//!   2 MiB (see the `MAX_*` constants for the others). A 65 MiB abstract compresses to a few
//!   KiB and would be committed, and then refused by the read side forever.
//!
//! [`clean_paper`] applies both to a [`NewPaper`]; `works::upsert`, which every importer and
//! source goes through, calls it.

use std::borrow::Cow;

use crate::model::NewPaper;

/// Longest title, in UTF-8 bytes.
pub const MAX_TITLE: usize = 4 << 10;
/// Longest abstract, in UTF-8 bytes.
pub const MAX_ABSTRACT: usize = 1 << 20;
/// Longest note, in UTF-8 bytes: imported notes are cut, notes saved by the user refused.
pub const MAX_NOTE: usize = 2 << 20;
/// Longest author name or organisation, in UTF-8 bytes.
pub const MAX_NAME: usize = 512;
/// Most authors kept for one paper (the largest real author lists have about 5,200 names).
pub const MAX_AUTHORS: usize = 10_000;
/// Longest journal reference, author comment or venue, in UTF-8 bytes.
pub const MAX_SHORT_TEXT: usize = 4 << 10;
/// Longest license URL, in UTF-8 bytes.
pub const MAX_URL: usize = 2 << 10;
/// Longest DOI, in UTF-8 bytes; a longer one is left out (a cut DOI names another work).
pub const MAX_DOI: usize = 512;
/// Longest arXiv category, in UTF-8 bytes; a longer one is left out.
pub const MAX_CATEGORY: usize = 64;
/// Most arXiv categories kept for one paper.
pub const MAX_CATEGORIES: usize = 64;
/// Most arXiv versions kept for one paper.
pub const MAX_VERSIONS: usize = 1_000;
/// Longest version date, in UTF-8 bytes; a longer one is left out.
pub const MAX_DATE: usize = 64;
/// Longest citation key (or RIS/CSL id) kept from a file, in UTF-8 bytes; a longer one is
/// left out (a cut key would be another key).
pub const MAX_CITATION_KEY: usize = 256;
/// Longest raw entry kept for round trips (`import_raw`), in UTF-8 bytes; a longer one is not
/// kept (a cut entry would not parse).
pub const MAX_RAW_ENTRY: usize = 4 << 20;
/// Longest machine summary (Hugging Face's, Semantic Scholar's TLDR), in UTF-8 bytes.
pub const MAX_SUMMARY: usize = 64 << 10;
/// Longest machine keyword, in UTF-8 bytes, and most keywords kept.
pub const MAX_KEYWORD: usize = 128;
/// Most machine keywords kept for one paper.
pub const MAX_KEYWORDS: usize = 100;

/// Whether a field may hold several lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One line: line breaks and tabs become spaces, the ends are trimmed.
    One,
    /// Several lines: `\n` and `\t` stay.
    Many,
}

/// Bidirectional embeddings, overrides and isolates, and the byte order mark: invisible, and
/// able to make text display in an order other than the one it is stored in.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// True for every character [`clean`] removes or replaces in `lines` mode.
pub fn is_unwanted(c: char, lines: Lines) -> bool {
    match c {
        '\n' | '\t' => lines == Lines::One,
        '\u{2028}' | '\u{2029}' => true,
        c => c.is_control() || is_bidi_control(c),
    }
}

/// `s` with the characters [`is_unwanted`] names removed (line breaks kept as `\n` or turned
/// into spaces, see [`Lines`]); borrowed when there was nothing to remove.
pub fn strip_controls(s: &str, lines: Lines) -> Cow<'_, str> {
    let needs_work = if s.is_ascii() {
        s.bytes().any(|b| b < 0x20 || b == 0x7f) && {
            lines == Lines::One
                || s.bytes()
                    .any(|b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f)
        }
    } else {
        s.chars().any(|c| is_unwanted(c, lines))
    };
    if !needs_work {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let line_break = matches!(
            c,
            '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        );
        match lines {
            Lines::One if line_break || c == '\t' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            Lines::Many if c == '\r' && chars.peek() == Some(&'\n') => {}
            Lines::Many if line_break => out.push('\n'),
            Lines::Many if c == '\t' => out.push('\t'),
            _ if is_unwanted(c, lines) => {}
            _ => out.push(c),
        }
    }
    if lines == Lines::One {
        let trimmed = out.trim();
        if trimmed.len() != out.len() {
            return Cow::Owned(trimmed.to_string());
        }
    }
    Cow::Owned(out)
}

/// The longest prefix of `s` of at most `cap` bytes that ends on a character boundary.
pub fn cut_to(s: &str, cap: usize) -> &str {
    if s.len() <= cap {
        return s;
    }
    let mut end = cap;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A byte count as people read it: `300 bytes`, `4 KiB`, `5.9 KiB`, `65.0 MiB`.
pub fn size(bytes: usize) -> String {
    if bytes < 1 << 10 {
        format!("{bytes} bytes")
    } else if bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes.is_multiple_of(1 << 10) && bytes < 1 << 20 {
        format!("{} KiB", bytes >> 10)
    } else if bytes < 1 << 20 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// `s` stripped ([`strip_controls`]) and cut to `cap` bytes, with a notice naming `what` when
/// it was cut; `None` when nothing changed.
pub fn field(
    s: &str,
    lines: Lines,
    cap: usize,
    what: &str,
    notices: &mut Vec<String>,
) -> Option<String> {
    let stripped = strip_controls(s, lines);
    if stripped.len() <= cap {
        return match stripped {
            Cow::Borrowed(_) => None,
            Cow::Owned(s) => Some(s),
        };
    }
    // "it was 4.0 KiB" next to a 4 KiB cap says nothing: small sizes in bytes.
    let was = if stripped.len() < 64 << 10 {
        format!("{} bytes", stripped.len())
    } else {
        size(stripped.len())
    };
    notices.push(format!("{what} cut to {} (it was {was})", size(cap)));
    let cut = cut_to(&stripped, cap);
    Some(match lines {
        Lines::One => cut.trim_end().to_string(),
        Lines::Many => cut.to_string(),
    })
}

/// Like [`field`] for an optional field: `Some(new value)` when it changed (an empty result
/// becomes `None`).
fn optional(
    value: Option<&str>,
    lines: Lines,
    cap: usize,
    what: &str,
    notices: &mut Vec<String>,
) -> Option<Option<String>> {
    field(value?, lines, cap, what, notices).map(|new| (!new.is_empty()).then_some(new))
}

/// A paper as the library stores it: every text field stripped of control characters and cut
/// to its cap, with a notice for each cut or left-out value (in the words an import report
/// shows). Borrowed when nothing needed to change, which is nearly always.
pub fn clean_paper(p: &NewPaper) -> (Cow<'_, NewPaper>, Vec<String>) {
    let mut notices = Vec::new();
    let mut out = Cow::Borrowed(p);
    if let Some(t) = field(&p.title, Lines::One, MAX_TITLE, "title", &mut notices) {
        out.to_mut().title = t;
    }
    let abs = field(
        &p.abstract_text,
        Lines::Many,
        MAX_ABSTRACT,
        "abstract",
        &mut notices,
    );
    if let Some(a) = abs {
        out.to_mut().abstract_text = a;
    }
    if let Some(a) = names(&p.authors, &mut notices) {
        out.to_mut().authors = a;
    }
    let n = &mut notices;
    if let Some(v) = optional(
        p.organization.as_deref(),
        Lines::One,
        MAX_NAME,
        "organisation",
        n,
    ) {
        out.to_mut().organization = v;
    }
    let journal = optional(
        p.journal_ref.as_deref(),
        Lines::One,
        MAX_SHORT_TEXT,
        "journal reference",
        n,
    );
    if let Some(v) = journal {
        out.to_mut().journal_ref = v;
    }
    if let Some(v) = optional(
        p.comments.as_deref(),
        Lines::One,
        MAX_SHORT_TEXT,
        "comments",
        n,
    ) {
        out.to_mut().comments = v;
    }
    if let Some(v) = optional(p.license.as_deref(), Lines::One, MAX_URL, "license", n) {
        out.to_mut().license = v;
    }
    if let Some(doi) = &p.doi {
        let stripped = strip_controls(doi, Lines::One);
        if stripped.len() > MAX_DOI {
            notices.push(format!(
                "DOI left out: {} long, more than {}",
                size(stripped.len()),
                size(MAX_DOI)
            ));
            out.to_mut().doi = None;
        } else if let Cow::Owned(s) = stripped {
            out.to_mut().doi = (!s.is_empty()).then_some(s);
        }
    }
    if let Some(c) = categories(&p.categories, &mut notices) {
        out.to_mut().categories = c;
    }
    let dirty_versions = p.versions.len() > MAX_VERSIONS
        || p.versions.iter().any(|v| {
            v.created.len() > MAX_DATE
                || matches!(strip_controls(&v.created, Lines::One), Cow::Owned(_))
        });
    if dirty_versions {
        let before = p.versions.len();
        let versions = &mut out.to_mut().versions;
        versions.retain(|v| v.created.len() <= MAX_DATE);
        for v in versions.iter_mut() {
            v.created = strip_controls(&v.created, Lines::One).into_owned();
        }
        versions.truncate(MAX_VERSIONS);
        if versions.len() < before {
            notices.push(format!("versions: kept {} of {before}", versions.len()));
        }
    }
    (out, notices)
}

/// A cleaned author list: each name stripped and cut to [`MAX_NAME`], empty ones dropped, at
/// most [`MAX_AUTHORS`] kept; `None` when nothing changed.
fn names(authors: &[String], notices: &mut Vec<String>) -> Option<Vec<String>> {
    let mut out: Option<Vec<String>> = None;
    let mut cut = 0usize;
    for (i, name) in authors.iter().enumerate() {
        let mut quiet = Vec::new();
        if let Some(new) = field(name, Lines::One, MAX_NAME, "author", &mut quiet) {
            out.get_or_insert_with(|| authors.to_vec())[i] = new;
            cut += quiet.len();
        }
    }
    if let Some(list) = out.as_mut() {
        list.retain(|a| !a.is_empty());
    }
    if cut > 0 {
        notices.push(format!(
            "{cut} author name{} cut to {}",
            if cut == 1 { "" } else { "s" },
            size(MAX_NAME)
        ));
    }
    let len = out.as_ref().map_or(authors.len(), Vec::len);
    if len > MAX_AUTHORS {
        notices.push(format!("authors: kept the first {MAX_AUTHORS} of {len}"));
        out.get_or_insert_with(|| authors.to_vec())
            .truncate(MAX_AUTHORS);
    }
    out
}

/// Cleaned arXiv categories: stripped, empty and over-long ones dropped, at most
/// [`MAX_CATEGORIES`] kept; `None` when nothing changed.
fn categories(cats: &[String], notices: &mut Vec<String>) -> Option<Vec<String>> {
    let dirty = cats.len() > MAX_CATEGORIES
        || cats.iter().any(|c| {
            c.len() > MAX_CATEGORY || matches!(strip_controls(c, Lines::One), Cow::Owned(_))
        });
    if !dirty {
        return None;
    }
    let kept: Vec<String> = cats
        .iter()
        .map(|c| strip_controls(c, Lines::One).into_owned())
        .filter(|c| !c.is_empty() && c.len() <= MAX_CATEGORY)
        .take(MAX_CATEGORIES)
        .collect();
    if kept.len() < cats.len() {
        notices.push(format!("categories: kept {} of {}", kept.len(), cats.len()));
    }
    Some(kept)
}

/// `s` safe to print on a terminal: every character [`is_unwanted`] names (in `lines` mode)
/// shown as a visible `\u{…}` escape instead of acting on the terminal. For text stored by
/// older versions, which did not strip control characters on import.
pub fn printable(s: &str, lines: Lines) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unwanted(c, lines)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unwanted(c, lines) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_bells_and_overrides_leave_every_field() {
        let hostile =
            "Red\x1b[31m title\x1b]0;owned\x07 \u{202e}desrever\u{2066}x\u{2069}\u{9b}1m\x7f";
        let one = strip_controls(hostile, Lines::One);
        assert_eq!(one, "Red[31m title]0;owned desreverx1m");
        let many = strip_controls("a\r\nb\rc\u{2028}d\te\x1b", Lines::Many);
        assert_eq!(many, "a\nb\nc\nd\te");
        assert_eq!(
            strip_controls("two\nlines\there", Lines::One),
            "two lines here"
        );
        // Directional marks stay: right-to-left text needs them.
        assert!(matches!(
            strip_controls("\u{200f}שלום\u{200e}", Lines::One),
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            strip_controls("plain ascii\nwith a newline", Lines::Many),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_cut_ends_on_a_character_boundary() {
        let s = "é".repeat(10);
        assert_eq!(cut_to(&s, 5), "éé");
        assert_eq!(cut_to(&s, 100), s);
        let mut notices = Vec::new();
        let cut = field(
            &"日本".repeat(1000),
            Lines::One,
            4000,
            "title",
            &mut notices,
        )
        .unwrap();
        assert!(cut.len() <= 4000 && cut.len() > 3990, "{}", cut.len());
        assert_eq!(notices, ["title cut to 3.9 KiB (it was 6000 bytes)"]);
    }

    #[test]
    fn a_paper_within_its_caps_is_borrowed_untouched() {
        let p = NewPaper {
            title: "Attention Is All You Need".into(),
            abstract_text: "We propose\na new network.".into(),
            authors: vec!["Ashish Vaswani".into()],
            categories: vec!["cs.CL".into()],
            ..Default::default()
        };
        let (cleaned, notices) = clean_paper(&p);
        assert!(matches!(cleaned, Cow::Borrowed(_)));
        assert!(notices.is_empty());
    }

    #[test]
    fn every_oversized_field_of_a_paper_is_cut_or_left_out_with_a_notice() {
        let p = NewPaper {
            title: "T".repeat(MAX_TITLE + 10),
            abstract_text: "a".repeat(MAX_ABSTRACT * 3),
            authors: std::iter::repeat_n("A. Author".to_string(), MAX_AUTHORS + 5).collect(),
            doi: Some(format!("10.1000/{}", "x".repeat(MAX_DOI))),
            comments: Some("\x1b[2J".into()),
            ..Default::default()
        };
        let (cleaned, notices) = clean_paper(&p);
        assert_eq!(cleaned.title.len(), MAX_TITLE);
        assert_eq!(cleaned.abstract_text.len(), MAX_ABSTRACT);
        assert_eq!(cleaned.authors.len(), MAX_AUTHORS);
        assert_eq!(cleaned.doi, None);
        assert_eq!(cleaned.comments.as_deref(), Some("[2J"));
        assert_eq!(
            notices,
            [
                "title cut to 4 KiB (it was 4106 bytes)",
                "abstract cut to 1 MiB (it was 3 MiB)",
                "authors: kept the first 10000 of 10005",
                "DOI left out: 520 bytes long, more than 512 bytes",
            ]
        );
    }

    #[test]
    fn printable_text_shows_controls_as_escapes() {
        assert_eq!(
            printable("a\x1b[31mb\u{202e}c\nd", Lines::One),
            "a\\u{1b}[31mb\\u{202e}c\\u{a}d"
        );
        assert_eq!(
            printable("keep\nlines\tand tabs", Lines::Many),
            "keep\nlines\tand tabs"
        );
    }
}
