//! The text analysis shared by indexing, querying and snippet highlighting, so all three agree
//! on what a word is.

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, TextAnalyzer, Token, TokenFilter,
    TokenStream, Tokenizer,
};

/// The name the analyzer is registered under in the index.
pub const ANALYZER: &str = "papershelf";

/// Words split on non-alphanumerics ([`WordTokenizer`]: Chinese and Japanese as overlapping
/// pairs of characters, combining marks dropped), lower-cased, accents folded, English plurals
/// folded.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer)
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(PluralFolder)
        .build()
}

/// The analysed tokens of `text`, with byte offsets into it.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

/// The longest prefix (in characters) kept in the index's `short_prefix` field; longer
/// prefixes are expanded through the term dictionary.
pub const SHORT_PREFIX_CHARS: usize = 3;

/// The one-, two- and three-character prefixes of an analysed word (fewer when the word is
/// shorter).
pub fn short_prefixes(word: &str) -> impl Iterator<Item = &str> {
    word.char_indices()
        .skip(1)
        .map(|(i, _)| i)
        .chain(std::iter::once(word.len()))
        .take(SHORT_PREFIX_CHARS)
        .map(move |end| &word[..end])
}

/// Folds a regular English plural to its singular ("encoders" → "encoder").
///
/// Why not a stemmer: search-as-you-type needs every prefix of a word to stay a prefix of its
/// indexed form. Stemming breaks that ("representa" is no prefix of "represent"); removing a
/// final "s" does not, because the query side folds the same way.
pub fn fold_plural(word: &mut String) {
    let bytes = word.as_bytes();
    let n = bytes.len();
    if n > 3
        && bytes[n - 1] == b's'
        && !matches!(bytes[n - 2], b's' | b'u' | b'i')
        && bytes[n - 2].is_ascii_alphabetic()
    {
        word.pop();
    }
}

#[derive(Clone)]
struct PluralFolder;

impl TokenFilter for PluralFolder {
    type Tokenizer<T: Tokenizer> = PluralFolderTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        PluralFolderTokenizer(tokenizer)
    }
}

#[derive(Clone)]
struct PluralFolderTokenizer<T>(T);

impl<T: Tokenizer> Tokenizer for PluralFolderTokenizer<T> {
    type TokenStream<'a> = PluralFolderStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PluralFolderStream(self.0.token_stream(text))
    }
}

struct PluralFolderStream<S>(S);

impl<S: TokenStream> TokenStream for PluralFolderStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        fold_plural(&mut self.0.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// Splits text into words at every character that is not a letter or digit, like tantivy's
/// simple tokenizer, with two differences that make other scripts searchable:
///
/// * Chinese and Japanese are written without spaces, so a run of Han, Hiragana or Katakana
///   characters is indexed as its overlapping pairs ("热化学" → "热化", "化学"), and a lone
///   character as itself. A query is split the same way, so any two or more characters of
///   a run find it, and a phrase of pairs keeps their order.
/// * Combining marks (Arabic and Hebrew vowel signs, decomposed accents) do not end a word and
///   are left out of it, so "حَبيبي" is found by "حبيبي" and a decomposed "é" folds as the
///   composed one does.
#[derive(Clone, Default)]
pub struct WordTokenizer;

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordStream {
            text,
            at: 0,
            run: None,
            token: Token::default(),
            next_position: 0,
        }
    }
}

/// The stream of [`WordTokenizer`].
pub struct WordStream<'a> {
    text: &'a str,
    /// Byte offset of the next character to read.
    at: usize,
    /// Inside a run of Han/kana: where its previous character starts.
    run: Option<usize>,
    token: Token,
    next_position: usize,
}

/// Han ideographs (with extensions and compatibility forms), Hiragana and Katakana.
#[inline]
fn is_cjk(c: char) -> bool {
    (c as u32) >= 0x3040
        && matches!(c,
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// Combining marks that belong to the letter before them.
#[inline]
fn is_combining_mark(c: char) -> bool {
    (c as u32) >= 0x300
        && matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05BD}'
        | '\u{05BF}'
        | '\u{05C1}'..='\u{05C2}'
        | '\u{05C4}'..='\u{05C5}'
        | '\u{05C7}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E4}'
        | '\u{06E7}'..='\u{06E8}'
        | '\u{06EA}'..='\u{06ED}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

impl WordStream<'_> {
    fn emit(&mut self, from: usize, to: usize, text: Option<String>) -> bool {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.next_position;
        self.token.position_length = 1;
        self.next_position += 1;
        self.token.text.clear();
        match text {
            Some(t) => self.token.text.push_str(&t),
            None => self.token.text.push_str(&self.text[from..to]),
        }
        true
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        let text = self.text;
        // Continue a run of Han/kana: the pair of the previous character and this one.
        if let Some(prev) = self.run {
            match text[self.at..].chars().next() {
                Some(c) if is_cjk(c) => {
                    let end = self.at + c.len_utf8();
                    self.run = Some(self.at);
                    self.at = end;
                    return self.emit(prev, end, None);
                }
                _ => self.run = None,
            }
        }
        // Skip to the next word.
        let rest = &text[self.at..];
        let Some((skip, first)) = rest
            .char_indices()
            .find(|&(_, c)| c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric()))
        else {
            self.at = text.len();
            return false;
        };
        let start = self.at + skip;
        if is_cjk(first) {
            let end = start + first.len_utf8();
            self.at = end;
            match text[end..].chars().next() {
                // A pair follows: it is the first token of the run.
                Some(next) if is_cjk(next) => {
                    let pair_end = end + next.len_utf8();
                    self.run = Some(end);
                    self.at = pair_end;
                    return self.emit(start, pair_end, None);
                }
                // A lone character is a word of its own.
                _ => return self.emit(start, end, None),
            }
        }
        let mut end = start;
        let mut marks = false;
        for (i, c) in text[start..].char_indices() {
            // ASCII letters and digits, most of every text, decide at once.
            if !c.is_ascii_alphanumeric() {
                if c.is_ascii() || is_cjk(c) {
                    break;
                }
                let mark = is_combining_mark(c);
                if !(mark || c.is_alphanumeric()) {
                    break;
                }
                marks |= mark;
            }
            end = start + i + c.len_utf8();
        }
        self.at = end;
        let word = marks.then(|| {
            text[start..end]
                .chars()
                .filter(|&c| !is_combining_mark(c))
                .collect::<String>()
        });
        self.emit(start, end, word)
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_indexed_as_pairs_with_offsets_and_positions() {
        let tokens = tokens(&mut analyzer(), "热化学 方程式x");
        let got: Vec<(&str, usize, usize, usize)> = tokens
            .iter()
            .map(|t| (t.text.as_str(), t.offset_from, t.offset_to, t.position))
            .collect();
        assert_eq!(
            got,
            [
                ("热化", 0, 6, 0),
                ("化学", 3, 9, 1),
                ("方程", 10, 16, 2),
                ("程式", 13, 19, 3),
                ("x", 19, 20, 4)
            ]
        );
        assert_eq!(words("一 b"), ["一", "b"]);
    }

    #[test]
    fn combining_marks_stay_in_the_word_and_are_dropped() {
        // حَبيبي with its fatha, and without.
        assert_eq!(
            words("\u{62D}\u{64E}\u{628}\u{64A}\u{628}\u{64A} habibi"),
            ["\u{62D}\u{628}\u{64A}\u{628}\u{64A}", "habibi"]
        );
        assert_eq!(words("cafe\u{301} noir"), ["cafe", "noir"]);
    }

    #[test]
    fn latin_words_split_as_before() {
        assert_eq!(
            words("Self-Attention, GPT-4o: 3.5x faster!"),
            ["self", "attention", "gpt", "4o", "3", "5x", "faster"]
        );
    }

    fn words(text: &str) -> Vec<String> {
        tokens(&mut analyzer(), text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn analyzer_lowercases_folds_accents_and_plurals() {
        assert_eq!(
            words("Encoders für Schrödinger-Bridges"),
            ["encoder", "fur", "schrodinger", "bridge"]
        );
    }

    #[test]
    fn plural_folding_leaves_non_plurals_alone() {
        assert_eq!(
            words("class analysis bus gas this"),
            ["class", "analysis", "bus", "gas", "this"]
        );
    }

    #[test]
    fn a_prefix_of_a_word_stays_a_prefix_of_its_folded_form() {
        let word = words("representations")[0].clone();
        for end in 1..="representations".len() {
            let prefix = words(&"representations"[..end])[0].clone();
            assert!(word.starts_with(&prefix), "{prefix} vs {word}");
        }
    }

    #[test]
    fn short_prefixes_are_the_first_three_characters_at_most() {
        fn of(w: &str) -> Vec<&str> {
            short_prefixes(w).collect()
        }
        assert_eq!(of("transformer"), ["t", "tr", "tra"]);
        assert_eq!(of("gp"), ["g", "gp"]);
        assert_eq!(of("a"), ["a"]);
        assert_eq!(of("über"), ["ü", "üb", "übe"]);
    }
}
