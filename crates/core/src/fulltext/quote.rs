//! Finding a quoted passage in a page's text, the way a reader remembers it and not the way
//! the extractor laid it out: white space of any kind matches any other, a word hyphenated
//! across a line end matches the whole word, ligatures match their letters, and case is
//! ignored. Offsets are in Unicode scalar values into the page text, the unit both anchors use.

/// Characters of context kept before and after a quote, to tell repeated passages apart when
/// the quote is re-anchored in another version of the PDF.
pub const CONTEXT_CHARS: usize = 32;

/// Where a quote was found in one page's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteMatch {
    /// Offset of its first character, in scalar values.
    pub start: usize,
    /// Offset just past its last character, in scalar values.
    pub end: usize,
}

/// A quote as it stands in a page: the exact text and its surroundings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextQuote {
    /// The page's text between the match's offsets.
    pub exact: String,
    /// Up to [`CONTEXT_CHARS`] characters before it.
    pub prefix: String,
    /// Up to [`CONTEXT_CHARS`] characters after it.
    pub suffix: String,
    /// Offset of `exact` in the page text, in scalar values.
    pub offset: usize,
}

impl QuoteMatch {
    /// The quote with its context, taken from `page` (the text the match was found in).
    pub fn quote_in(&self, page: &str) -> TextQuote {
        let chars: Vec<char> = page.chars().collect();
        let from = self.start.saturating_sub(CONTEXT_CHARS);
        let to = (self.end + CONTEXT_CHARS).min(chars.len());
        TextQuote {
            exact: chars[self.start..self.end].iter().collect(),
            prefix: chars[from..self.start].iter().collect(),
            suffix: chars[self.end..to].iter().collect(),
            offset: self.start,
        }
    }
}

/// Text folded for matching, with the offset in the original of each folded character.
struct Folded {
    chars: Vec<char>,
    origin: Vec<usize>,
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{00AD}' | '\u{2010}' | '\u{2011}')
}

fn ligature(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{FB00}' => "ff",
        '\u{FB01}' => "fi",
        '\u{FB02}' => "fl",
        '\u{FB03}' => "ffi",
        '\u{FB04}' => "ffl",
        '\u{FB05}' | '\u{FB06}' => "st",
        _ => return None,
    })
}

/// Folds `text`: runs of white space become one space (none at the ends), a hyphen between
/// two letters or digits is dropped, and so is a hyphen at a line end (or before a space and
/// a lower-case letter, as a selection across lines gives it) with the white space after it (`repre-\nsentation` and `self-attention` fold to `representation` and
/// `selfattention`, whichever way the other side spells them), ligatures are spelled out, and
/// letters are lower-cased.
fn fold(text: &str) -> Folded {
    let src: Vec<char> = text.chars().collect();
    let mut chars = Vec::with_capacity(src.len());
    let mut origin = Vec::with_capacity(src.len());
    let mut i = 0;
    while i < src.len() {
        let c = src[i];
        if c.is_whitespace() {
            let start = i;
            while i < src.len() && src[i].is_whitespace() {
                i += 1;
            }
            if !chars.is_empty() && i < src.len() {
                chars.push(' ');
                origin.push(start);
            }
            continue;
        }
        if is_hyphen(c) && i > 0 && src[i - 1].is_alphanumeric() {
            let mut j = i + 1;
            while j < src.len() && src[j].is_whitespace() {
                j += 1;
            }
            let broke_line = src[i + 1..j].contains(&'\n');
            let glued = j == i + 1;
            if j < src.len()
                && src[j].is_alphanumeric()
                && (glued || broke_line || src[j].is_lowercase())
            {
                i = j;
                continue;
            }
        }
        if let Some(letters) = ligature(c) {
            for l in letters.chars() {
                chars.push(l);
                origin.push(i);
            }
        } else {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => chars.push(l),
                _ => chars.push(c),
            }
            origin.push(i);
        }
        i += 1;
    }
    Folded { chars, origin }
}

/// Every place `quote` occurs in `page`, in order, without overlaps. An empty quote (or one
/// of white space only) occurs nowhere.
pub fn find_quote(page: &str, quote: &str) -> Vec<QuoteMatch> {
    let needle = fold(quote).chars;
    if needle.is_empty() {
        return Vec::new();
    }
    let hay = fold(page);
    let mut found = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.chars.len() {
        if hay.chars[i..i + needle.len()] == needle[..] {
            let last = i + needle.len() - 1;
            found.push(QuoteMatch {
                start: hay.origin[i],
                end: hay.origin[last] + 1,
            });
            i += needle.len();
        } else {
            i += 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(page: &str, quote: &str) -> Vec<String> {
        find_quote(page, quote)
            .iter()
            .map(|m| page.chars().skip(m.start).take(m.end - m.start).collect())
            .collect()
    }

    #[test]
    fn white_space_and_line_breaks_match_any_white_space() {
        let page = "we focus on developing the right\ntraining   scheme using";
        assert_eq!(
            texts(page, "the right training scheme"),
            ["the right\ntraining   scheme"]
        );
    }

    #[test]
    fn a_word_hyphenated_at_a_line_end_matches_the_whole_word() {
        let page = "a dense repre-\nsentation of passages";
        assert_eq!(
            texts(page, "dense representation"),
            ["dense repre-\nsentation"]
        );
        // And the other way round: the quote keeps the break (a selection across lines may
        // carry it as a space), the page does not.
        assert_eq!(texts("a dense representation", "repre- sentation").len(), 1);
        assert_eq!(
            texts("a dense representation", "repre-\nsentation").len(),
            1
        );
        // A compound keeps matching whether or not the line breaks inside it.
        assert_eq!(
            texts("uses self-\nattention here", "self-attention").len(),
            1
        );
        // A dash between spaced words is punctuation, not hyphenation.
        assert_eq!(texts("a - b", "a b").len(), 0);
    }

    #[test]
    fn ligatures_and_case_fold() {
        assert_eq!(
            texts("The \u{FB01}nal e\u{FB00}ect", "final effect").len(),
            1
        );
        assert_eq!(texts("Dense Passage Retrieval", "dense passage").len(), 1);
    }

    #[test]
    fn offsets_count_unicode_scalar_values() {
        let page = "一般化学方程式 热化学方程式";
        let found = find_quote(page, "热化学");
        assert_eq!(found, [QuoteMatch { start: 8, end: 11 }]);
        let quote = found[0].quote_in(page);
        assert_eq!(quote.exact, "热化学");
        assert_eq!(quote.prefix, "一般化学方程式 ");
        assert_eq!(quote.suffix, "方程式");
        assert_eq!(quote.offset, 8);
    }

    #[test]
    fn every_occurrence_is_found_and_an_empty_quote_none() {
        assert_eq!(find_quote("a b a b a", "a b").len(), 2);
        assert!(find_quote("anything", "  ").is_empty());
        assert!(find_quote("", "x").is_empty());
    }
}
