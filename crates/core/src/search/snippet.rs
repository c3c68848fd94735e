//! Plain-text snippets with match offsets, computed from SQLite's text with the index's own
//! analyzer, so the index stores no text and highlights agree with what matched.

use serde::Serialize;
use tantivy::tokenizer::TextAnalyzer;

use crate::index::analyzer;

/// A byte range `[start, end)` of a snippet's text that matched the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Highlight {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// Text with the ranges to mark. Offsets are UTF-8 byte offsets into `text` and always fall on
/// character boundaries. Never HTML: render the ranges as text nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Snippet {
    /// The text (a window of the abstract, or the whole title).
    pub text: String,
    /// Matched ranges, in order, not overlapping.
    pub highlights: Vec<Highlight>,
}

/// A window of one page of a paper's PDF text around the words that matched there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PageSnippet {
    /// The window of the page's text (whitespace as extracted).
    pub text: String,
    /// The 1-based physical page it comes from.
    pub page: u32,
    /// Matched ranges of `text`, as in [`Snippet`].
    pub highlights: Vec<Highlight>,
}

/// The analysed words a result is highlighted for.
#[derive(Debug, Default, Clone)]
pub struct MatchTerms {
    /// Whole words.
    pub exact: Vec<String>,
    /// Word prefixes (search as you type).
    pub prefixes: Vec<String>,
    /// Words matched within one edit (fuzzy retry).
    pub fuzzy: Vec<String>,
}

impl MatchTerms {
    fn matches(&self, token: &str) -> bool {
        self.exact.iter().any(|t| t == token)
            || self.prefixes.iter().any(|p| token.starts_with(p.as_str()))
            || self.fuzzy.iter().any(|f| within_one_edit(f, token))
    }

    /// True when there is nothing to highlight.
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.prefixes.is_empty() && self.fuzzy.is_empty()
    }
}

/// Highlights every matching word of `text`.
pub fn full(analyzer: &mut TextAnalyzer, text: &str, terms: &MatchTerms) -> Snippet {
    Snippet {
        text: text.to_string(),
        highlights: hits(analyzer, text, terms),
    }
}

fn hits(analyzer: &mut TextAnalyzer, text: &str, terms: &MatchTerms) -> Vec<Highlight> {
    if terms.is_empty() {
        return Vec::new();
    }
    analyzer::tokens(analyzer, text)
        .into_iter()
        .filter(|t| terms.matches(&t.text))
        .map(|t| Highlight {
            start: t.offset_from,
            end: t.offset_to,
        })
        .collect()
}

/// A window of about `width` bytes of `text` holding the most matches, cut at word boundaries,
/// with "…" where it was cut.
pub fn window(
    analyzer: &mut TextAnalyzer,
    text: &str,
    terms: &MatchTerms,
    width: usize,
) -> Snippet {
    let all = hits(analyzer, text, terms);
    if text.len() <= width {
        return Snippet {
            text: text.to_string(),
            highlights: all,
        };
    }
    // Slide over the hits: the window starting at hit i covers hits i..j.
    let (mut best_start, mut best_count) = (0usize, 0usize);
    for (i, h) in all.iter().enumerate() {
        let count = all[i..]
            .iter()
            .take_while(|x| x.end <= h.start + width)
            .count();
        if count > best_count {
            best_count = count;
            best_start = h.start;
        }
    }
    // Show a little context before the first match.
    let mut start = best_start.saturating_sub(width / 6);
    if best_count == 0 {
        start = 0;
    }
    let mut end = (start + width).min(text.len());
    start = floor_word(text, start);
    end = ceil_word(text, end);
    let lead = if start > 0 { "…" } else { "" };
    let tail = if end < text.len() { "…" } else { "" };
    let body = text[start..end].trim();
    let body_start = start + text[start..end].find(body).unwrap_or(0);
    let shift = lead.len() as isize - body_start as isize;
    let highlights = all
        .into_iter()
        .filter(|h| h.start >= body_start && h.end <= body_start + body.len())
        .map(|h| Highlight {
            start: (h.start as isize + shift) as usize,
            end: (h.end as isize + shift) as usize,
        })
        .collect();
    Snippet {
        text: format!("{lead}{body}{tail}"),
        highlights,
    }
}

/// Moves `i` back to the start of the word it falls in.
fn floor_word(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    match text[..i].rfind(char::is_whitespace) {
        Some(ws) if i - ws < 24 => ws + text[ws..].chars().next().map_or(1, char::len_utf8),
        _ => i,
    }
}

/// Moves `i` forward to the end of the word it falls in.
fn ceil_word(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    match text[i..].find(char::is_whitespace) {
        Some(ws) if ws < 24 => i + ws,
        _ => i,
    }
}

/// Damerau-Levenshtein distance ≤ 1 (one insertion, deletion, substitution or swap).
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if prefix == a.len() && prefix == b.len() {
        return true;
    }
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Equal => {
            ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Less => ra == &rb[1..],
        std::cmp::Ordering::Greater => &ra[1..] == rb,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(exact: &[&str], prefixes: &[&str]) -> MatchTerms {
        MatchTerms {
            exact: exact.iter().map(|s| s.to_string()).collect(),
            prefixes: prefixes.iter().map(|s| s.to_string()).collect(),
            fuzzy: vec![],
        }
    }

    fn marked(s: &Snippet) -> Vec<&str> {
        s.highlights
            .iter()
            .map(|h| &s.text[h.start..h.end])
            .collect()
    }

    #[test]
    fn full_snippets_mark_whole_words_and_prefixes() {
        let s = full(
            &mut analyzer::analyzer(),
            "Graph Neural Networks for Graphs",
            &terms(&["graph"], &["netw"]),
        );
        assert_eq!(marked(&s), ["Graph", "Networks", "Graphs"]);
    }

    #[test]
    fn windows_move_to_the_matches_and_keep_offsets_right() {
        let text = format!(
            "{} the positional encodings matter here. {}",
            "filler ".repeat(60),
            "tail ".repeat(60)
        );
        let s = window(
            &mut analyzer::analyzer(),
            &text,
            &terms(&["positional", "encoding"], &[]),
            120,
        );
        assert!(
            s.text.starts_with('…') && s.text.ends_with('…'),
            "{}",
            s.text
        );
        assert_eq!(marked(&s), ["positional", "encodings"]);
    }

    #[test]
    fn windows_handle_multibyte_text() {
        let text = "é".repeat(300) + " Schrödinger bridges " + &"ü".repeat(300);
        let s = window(
            &mut analyzer::analyzer(),
            &text,
            &terms(&["schrodinger"], &[]),
            100,
        );
        assert_eq!(marked(&s), ["Schrödinger"]);
    }

    #[test]
    fn one_edit_covers_swaps_insertions_and_deletions() {
        assert!(within_one_edit("transformer", "trasnformer"));
        assert!(within_one_edit("graph", "graphs"));
        assert!(within_one_edit("graph", "grap"));
        assert!(within_one_edit("graph", "grapx"));
        assert!(!within_one_edit("graph", "grpah2"));
        assert!(!within_one_edit("graph", "glyph"));
    }
}
