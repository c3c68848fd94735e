//! The tantivy schema. Display data comes from SQLite: nothing is stored but where each page
//! of a paper's PDF text starts ([`super::pages::PageMap`]).

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};

use super::analyzer::ANALYZER;

/// Bump when the schema or the analyzer changes: an index with another version is rebuilt.
pub const INDEX_SCHEMA_VERSION: u32 = 7;

/// Handles to every field.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// `works.key`, fast and indexed (deletes go by it).
    pub key: Field,
    /// Title words, with positions for phrases.
    pub title: Field,
    /// Author names.
    pub authors: Field,
    /// Abstract words.
    pub abstract_text: Field,
    /// Tag words, for bare-word matches.
    pub tags_text: Field,
    /// Exact tags, lower case, for `tag:` and tag facets (fast: term ordinals).
    pub tag: Field,
    /// Collection paths as [`crate::db::collections::path_key`] folds them, for
    /// `collection:`; multi-valued.
    pub collection: Field,
    /// Note words.
    pub note: Field,
    /// The text of the paper's PDF, one value per page (tantivy leaves a gap between values,
    /// so a phrase never runs across a page break), for `fulltext:` and bare words.
    pub fulltext: Field,
    /// Where each page of `fulltext` starts among its positions ([`super::pages::PageMap`],
    /// stored), so the positions of a match name its page; absent without full text.
    pub page_map: Field,
    /// The quotes and comments of the paper's annotations, one value each, for `annotation:`
    /// and bare words.
    pub annotation: Field,
    /// Every word a bare-word query looks at (the title twice, authors, tags, abstract, note),
    /// with frequencies but no positions. Bare words match here as single terms, so a query
    /// of several words is a plain intersection of posting lists that tantivy can answer with
    /// block-max pruning instead of scoring every match.
    pub body: Field,
    /// The first one, two and three letters of every title and author word, so a prefix of up
    /// to three letters (the first keystrokes of a search) is one term, not an expansion to a
    /// large share of the vocabulary.
    pub short_prefix: Field,
    /// Publication year, for `year:`.
    pub year: Field,
    /// Reading status name, for `status:` and status facets (fast: term ordinals).
    pub status: Field,
    /// Source families that reported the work (`hf`, `arxiv`, `s2`, `bibtex`, ...), for
    /// `source:` and source facets; multi-valued.
    pub source: Field,
    /// When the work entered the library, microseconds since the Unix epoch (sorting).
    pub added: Field,
    /// Publication date as `yyyymmdd` (missing parts 0; a date without year sorts below every
    /// dated one); absent when no date is known (sorting).
    pub published: Field,
    /// Hugging Face upvotes; absent when unknown (sorting).
    pub upvotes: Field,
}

impl Fields {
    /// Builds the schema and its field handles.
    pub fn build() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let fields = Fields {
            key: b.add_u64_field("key", INDEXED | FAST),
            title: b.add_text_field("title", text.clone()),
            authors: b.add_text_field("authors", text.clone()),
            abstract_text: b.add_text_field("abstract", text.clone()),
            tags_text: b.add_text_field("tags", text.clone()),
            tag: b.add_text_field("tag", STRING | FAST),
            collection: b.add_text_field("collection", STRING),
            note: b.add_text_field("note", text.clone()),
            fulltext: b.add_text_field("fulltext", text.clone()),
            page_map: b.add_bytes_field("page_map", STORED),
            annotation: b.add_text_field("annotation", text),
            body: b.add_text_field(
                "body",
                TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(ANALYZER)
                        .set_index_option(IndexRecordOption::WithFreqs),
                ),
            ),
            short_prefix: b.add_text_field(
                "short_prefix",
                TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer("raw")
                        .set_index_option(IndexRecordOption::WithFreqs),
                ),
            ),
            year: b.add_i64_field("year", NumericOptions::default().set_indexed().set_fast()),
            status: b.add_text_field("status", STRING | FAST),
            source: b.add_text_field("source", STRING | FAST),
            added: b.add_i64_field("added", FAST),
            published: b.add_i64_field("published", FAST),
            upvotes: b.add_u64_field("upvotes", FAST),
        };
        (b.build(), fields)
    }
}
