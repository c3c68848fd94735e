//! Interchange formats: BibTeX/BibLaTeX, RIS, CSL-JSON and Markdown, in and out, plus the
//! open mirror of the library.
//!
//! Parsers and writers here are pure: text in → [`Record`]s out (each with the line it started
//! on), or entries in → text out. [`crate::Library`] owns the writing (see
//! `Library::import_interop`, `Library::export`, `Library::refresh_mirror`), so every format
//! gets the same identity matching and merge as the other importers.
//!
//! What travels where:
//!
//! | field | BibTeX | RIS | CSL-JSON | Markdown |
//! | --- | --- | --- | --- | --- |
//! | tags | `keywords` | `KW` | `keyword` | `tags` |
//! | note | `annote` | `N1` | `note` | the body |
//! | status | – | – | – | `status` |
//!
//! Notes on import: a paper that has no note takes the imported one; a paper with a different
//! note keeps it and gets the imported text appended after a rule (the previous text stays in
//! the note history), so nothing is lost either way.

pub mod bibtex;
pub mod citekey;
pub mod csl;
pub mod markdown;
pub mod mirror;
pub mod note_html;
mod record;
pub mod ris;
pub mod zotero;

use serde::Serialize;

// The shared record types and text helpers keep their paths (`interop::Record`, …).
pub use record::*;

/// An interchange format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// BibTeX or BibLaTeX (`.bib`).
    Bibtex,
    /// RIS (`.ris`).
    Ris,
    /// CSL-JSON (`.json`), as Zotero and pandoc use it.
    CslJson,
    /// One Markdown file per paper with YAML front matter.
    Markdown,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [
        Format::Bibtex,
        Format::Ris,
        Format::CslJson,
        Format::Markdown,
    ];

    /// Stable name, as on the command line (`bibtex`, `ris`, `csl-json`, `markdown`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Bibtex => "bibtex",
            Format::Ris => "ris",
            Format::CslJson => "csl-json",
            Format::Markdown => "markdown",
        }
    }

    /// Parses a format name (also `bib`, `csl`, `json`, `md`).
    pub fn from_name(name: &str) -> Option<Format> {
        match name.trim().to_ascii_lowercase().as_str() {
            "bibtex" | "bib" | "biblatex" => Some(Format::Bibtex),
            "ris" => Some(Format::Ris),
            "csl-json" | "csl" | "json" | "csljson" => Some(Format::CslJson),
            "markdown" | "md" => Some(Format::Markdown),
            _ => None,
        }
    }

    /// Parses `text` in this format. Markdown takes one file's text per call.
    pub fn parse(self, text: &str) -> Parsed {
        match self {
            Format::Bibtex => bibtex::parse(text),
            Format::Ris => ris::parse(text),
            Format::CslJson => csl::parse(text),
            Format::Markdown => markdown::parse(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arxiv_ids_are_found_in_dois_urls_and_notes() {
        assert_eq!(
            arxiv_from("10.48550/arXiv.1706.03762").unwrap().as_str(),
            "1706.03762"
        );
        assert_eq!(
            arxiv_from("https://arxiv.org/abs/1706.03762v5")
                .unwrap()
                .as_str(),
            "1706.03762"
        );
        assert_eq!(
            arxiv_in_text("arXiv:1706.03762 [cs]").unwrap().as_str(),
            "1706.03762"
        );
        assert_eq!(
            arxiv_in_text("Accepted. arXiv: 2310.02579")
                .unwrap()
                .as_str(),
            "2310.02579"
        );
        assert!(arxiv_in_text("no id here").is_none());
    }

    #[test]
    fn dois_are_cleaned_and_the_arxiv_alias_dropped() {
        assert_eq!(
            clean_doi("https://doi.org/10.1000/XYZ").as_deref(),
            Some("10.1000/XYZ")
        );
        assert_eq!(clean_doi("10.48550/arXiv.1706.03762"), None);
        assert_eq!(clean_doi("not a doi"), None);
    }

    #[test]
    fn keywords_become_tags() {
        assert_eq!(
            split_keywords("Computer Science - Machine Learning; nlp, NLP,  , transformers"),
            vec!["Computer-Science-Machine-Learning", "nlp", "transformers"]
        );
    }

    #[test]
    fn names_are_turned_around_and_split() {
        assert_eq!(person_name("Vaswani, Ashish"), "Ashish Vaswani");
        assert_eq!(person_name("OpenAI"), "OpenAI");
        assert_eq!(
            split_name("Ludwig van Beethoven"),
            ("Ludwig".into(), "van Beethoven".into())
        );
        assert_eq!(
            split_name("Ashish Vaswani"),
            ("Ashish".into(), "Vaswani".into())
        );
        assert_eq!(split_name("OpenAI"), (String::new(), "OpenAI".into()));
    }

    #[test]
    fn the_line_index_agrees_with_counting_from_the_start() {
        for text in ["", "a", "\n", "ab\ncd\n\nef", "\n\nx\n", "é\nü\n"] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    index.line(offset),
                    line_at(text, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn a_doi_field_starting_with_multi_byte_characters_is_no_doi() {
        assert_eq!(clean_doi("A🌀"), None);
        assert_eq!(clean_doi("𛲜ᜀ𐾰𝕀￼January"), None);
        assert_eq!(clean_doi("DOI:10.1/x"), Some("10.1/x".into()));
    }
}
