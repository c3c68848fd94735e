//! The text analysis shared by indexing, querying and snippet highlighting, so all three agree
//! on what a word is.

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

/// The name the analyzer is registered under in the index.
pub const ANALYZER: &str = "papershelf";

/// Words split on non-alphanumerics, lower-cased, accents folded, English plurals folded.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
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

#[cfg(test)]
mod tests {
    use super::*;

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
