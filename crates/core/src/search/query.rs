//! The query syntax, parsed into clauses that every clause must satisfy (AND).
//!
//! | syntax | meaning |
//! |---|---|
//! | `graph attention` | both words, in any field (title weighted highest); papers that need their PDF's pages or their highlights for some word come after the others |
//! | `"neural networks"` | the exact phrase, in the metadata or within one PDF page or highlight (those weighted lower) |
//! | `title:diffusion`, `author:Zhang`, `abstract:"latent space"`, `note:todo` | one field (`ti:`, `au:`, `abs:` also work) |
//! | `fulltext:retriever`, `annotation:"key idea"` | the text of the paper's PDF; its highlights' quotes and comments (`ft:`, `pdf:`, `hl:` also work) |
//! | `tag:llm`, `status:to-read` | exact tag / reading status |
//! | `collection:"Reading group"`, `in:"Thesis/Chapter 2"` | in the collection at this path (any case; not its children) |
//! | `source:hf`, `source:arxiv`, `source:s2`, `source:bibtex` | reported by this source (family) |
//! | `year:2023`, `year:2019..2023`, `year:2020..`, `year:..2015` | publication year or range |
//! | `-word`, `-"a phrase"`, `-tag:old`, `-source:hf`, `-in:thesis` | exclude |
//!
//! The last bare word also matches as a prefix unless the query ends with a space, so results
//! follow typing. An unterminated quote runs to the end; an unknown `field:` is read as words.

use crate::error::{Error, Result};
use crate::model::Status;

/// Where a text clause looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Title, authors, abstract, tags and note; then the PDF's pages and the annotations
    /// (not for an exclusion).
    Any,
    /// Title only.
    Title,
    /// Authors only.
    Author,
    /// Abstract only.
    Abstract,
    /// Note only.
    Note,
    /// The text of the paper's PDF.
    Fulltext,
    /// The quotes and comments of its annotations.
    Annotation,
}

/// One condition of a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// Words or a phrase.
    Text {
        /// Fields searched.
        target: Target,
        /// The text as typed (analysed later).
        text: String,
        /// Quoted: the words must be adjacent and in order.
        phrase: bool,
        /// The last word may be incomplete.
        prefix: bool,
        /// Exclude matches.
        negated: bool,
    },
    /// An exact tag.
    Tag {
        /// The tag, lower case.
        tag: String,
        /// Exclude matches.
        negated: bool,
    },
    /// Membership of a collection.
    Collection {
        /// The path folded part by part: lower case, white space runs folded to one space,
        /// joined by `/`.
        name: String,
        /// Exclude matches.
        negated: bool,
    },
    /// A reading status.
    Status {
        /// The status.
        status: Status,
        /// Exclude matches.
        negated: bool,
    },
    /// A source family (`hf`, `arxiv`, `s2`, `bibtex`, `ris`, `csl-json`, `markdown`).
    Source {
        /// The family, lower case (`hf-api` reads as `hf`).
        source: String,
        /// Exclude matches.
        negated: bool,
    },
    /// A year range, inclusive.
    Year {
        /// First year.
        from: i32,
        /// Last year.
        to: i32,
        /// Exclude matches.
        negated: bool,
    },
}

impl Clause {
    /// True for an exclusion.
    pub fn is_negated(&self) -> bool {
        match self {
            Clause::Text { negated, .. }
            | Clause::Tag { negated, .. }
            | Clause::Collection { negated, .. }
            | Clause::Status { negated, .. }
            | Clause::Source { negated, .. }
            | Clause::Year { negated, .. } => *negated,
        }
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedQuery {
    /// Clauses, all required (exclusions excluded).
    pub clauses: Vec<Clause>,
    /// What the parser read leniently, for the user ("closed the quote at the end").
    pub notices: Vec<String>,
}

/// Parses a query. Fails only for a value that cannot mean anything (`year:abc`,
/// `status:later`), naming the position.
pub fn parse(input: &str) -> Result<ParsedQuery> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = ParsedQuery::default();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut negated = false;
        if chars[i] == '-' && i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
            negated = true;
            i += 1;
        }
        // A field name is letters followed by ':' and a value.
        let mut field = None;
        let mut j = i;
        while j < chars.len() && chars[j].is_ascii_alphabetic() {
            j += 1;
        }
        if j > i && j < chars.len() && chars[j] == ':' {
            let name: String = chars[i..j].iter().collect::<String>().to_ascii_lowercase();
            if let Some(f) = field_of(&name) {
                field = Some(f);
                i = j + 1;
            }
        }
        let value_start = i;
        let (value, quoted, next) = read_value(&chars, i, &mut out.notices);
        i = next;
        if value.trim().is_empty() {
            continue;
        }
        let clause = match field {
            None | Some(Field::Text(_)) => {
                let target = match field {
                    Some(Field::Text(t)) => t,
                    _ => Target::Any,
                };
                Clause::Text {
                    target,
                    text: value,
                    phrase: quoted,
                    prefix: false,
                    negated,
                }
            }
            Some(Field::Tag) => Clause::Tag {
                tag: value.trim().trim_start_matches('#').to_lowercase(),
                negated,
            },
            Some(Field::Collection) => Clause::Collection {
                name: crate::db::collections::path_key(&value),
                negated,
            },
            Some(Field::Source) => Clause::Source {
                source: crate::index::source_family(&value),
                negated,
            },
            Some(Field::Status) => {
                let status = value.parse::<Status>().map_err(|reason| Error::Query {
                    position: value_start,
                    reason,
                })?;
                Clause::Status { status, negated }
            }
            Some(Field::Year) => {
                let (from, to) = parse_years(&value).ok_or_else(|| Error::Query {
                    position: value_start,
                    reason: format!(
                        "year:{value} is not a year; write year:2023 or year:2019..2023"
                    ),
                })?;
                Clause::Year { from, to, negated }
            }
        };
        let _ = start;
        out.clauses.push(clause);
    }
    // Search as you type: the last bare, unquoted word may be incomplete.
    let ends_in_space = input.chars().last().is_some_and(char::is_whitespace);
    if !ends_in_space {
        if let Some(Clause::Text {
            phrase: false,
            negated: false,
            prefix,
            ..
        }) = out.clauses.last_mut()
        {
            *prefix = true;
        }
    }
    Ok(out)
}

enum Field {
    Text(Target),
    Tag,
    Collection,
    Status,
    Source,
    Year,
}

fn field_of(name: &str) -> Option<Field> {
    Some(match name {
        "title" | "ti" => Field::Text(Target::Title),
        "author" | "authors" | "au" | "by" => Field::Text(Target::Author),
        "abstract" | "abs" => Field::Text(Target::Abstract),
        "note" | "notes" => Field::Text(Target::Note),
        "fulltext" | "ft" | "pdf" => Field::Text(Target::Fulltext),
        "annotation" | "annotations" | "hl" => Field::Text(Target::Annotation),
        "tag" | "tags" => Field::Tag,
        "collection" | "collections" | "in" => Field::Collection,
        "status" | "is" => Field::Status,
        "year" | "y" => Field::Year,
        "source" | "src" => Field::Source,
        _ => return None,
    })
}

/// Reads a quoted or bare value starting at `i`; returns (value, quoted, next index).
fn read_value(chars: &[char], i: usize, notices: &mut Vec<String>) -> (String, bool, usize) {
    if i < chars.len() && chars[i] == '"' {
        let mut j = i + 1;
        while j < chars.len() && chars[j] != '"' {
            j += 1;
        }
        let value: String = chars[i + 1..j].iter().collect();
        if j >= chars.len() {
            notices.push(format!(
                "closed the quote opened at position {i} at the end"
            ));
            return (value, true, j);
        }
        return (value, true, j + 1);
    }
    let mut j = i;
    while j < chars.len() && !chars[j].is_whitespace() {
        j += 1;
    }
    (chars[i..j].iter().collect(), false, j)
}

fn parse_years(value: &str) -> Option<(i32, i32)> {
    let year = |s: &str| -> Option<i32> {
        let y: i32 = s.trim().parse().ok()?;
        (1000..=9999).contains(&y).then_some(y)
    };
    match value.split_once("..") {
        Some((a, b)) => {
            let from = if a.trim().is_empty() { 1000 } else { year(a)? };
            let to = if b.trim().is_empty() { 9999 } else { year(b)? };
            (from <= to).then_some((from, to))
        }
        None => year(value).map(|y| (y, y)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(target: Target, text: &str, phrase: bool, prefix: bool, negated: bool) -> Clause {
        Clause::Text {
            target,
            text: text.into(),
            phrase,
            prefix,
            negated,
        }
    }

    #[test]
    fn bare_words_are_and_clauses_and_the_last_is_a_prefix() {
        let q = parse("graph attent").unwrap();
        assert_eq!(
            q.clauses,
            [
                text(Target::Any, "graph", false, false, false),
                text(Target::Any, "attent", false, true, false)
            ]
        );
    }

    #[test]
    fn collections_are_named_in_quotes_or_bare_in_any_case() {
        let q =
            parse(r#"collection:"Reading  Group" -in:Thesis graph in:"Thesis / Ch  2""#).unwrap();
        assert_eq!(
            q.clauses[3],
            Clause::Collection {
                name: "thesis/ch 2".into(),
                negated: false
            }
        );
        assert_eq!(
            q.clauses[..2],
            [
                Clause::Collection {
                    name: "reading group".into(),
                    negated: false
                },
                Clause::Collection {
                    name: "thesis".into(),
                    negated: true
                },
            ]
        );
    }

    #[test]
    fn a_trailing_space_ends_the_prefix() {
        let q = parse("graph ").unwrap();
        assert_eq!(q.clauses, [text(Target::Any, "graph", false, false, false)]);
    }

    #[test]
    fn fields_phrases_and_exclusions_parse() {
        let q = parse(r#"title:"graph neural" -author:Smith tag:LLM status:to-read year:2019..2023 -"old stuff""#)
            .unwrap();
        assert_eq!(
            q.clauses,
            [
                text(Target::Title, "graph neural", true, false, false),
                text(Target::Author, "Smith", false, false, true),
                Clause::Tag {
                    tag: "llm".into(),
                    negated: false
                },
                Clause::Status {
                    status: Status::ToRead,
                    negated: false
                },
                Clause::Year {
                    from: 2019,
                    to: 2023,
                    negated: false
                },
                text(Target::Any, "old stuff", true, false, true),
            ]
        );
    }

    #[test]
    fn source_clauses_read_as_families_and_negate() {
        assert_eq!(
            parse("source:HF-API -source:arxiv").unwrap().clauses,
            [
                Clause::Source {
                    source: "hf".into(),
                    negated: false
                },
                Clause::Source {
                    source: "arxiv".into(),
                    negated: true
                }
            ]
        );
        assert_eq!(
            parse("src:bibtex").unwrap().clauses,
            [Clause::Source {
                source: "bibtex".into(),
                negated: false
            }]
        );
    }

    #[test]
    fn open_ended_year_ranges_parse() {
        assert_eq!(
            parse("year:2020..").unwrap().clauses,
            [Clause::Year {
                from: 2020,
                to: 9999,
                negated: false
            }]
        );
        assert_eq!(
            parse("year:..2015").unwrap().clauses,
            [Clause::Year {
                from: 1000,
                to: 2015,
                negated: false
            }]
        );
    }

    #[test]
    fn an_unterminated_quote_runs_to_the_end_with_a_notice() {
        let q = parse(r#""sparse autoenc"#).unwrap();
        assert_eq!(
            q.clauses,
            [text(Target::Any, "sparse autoenc", true, false, false)]
        );
        assert_eq!(q.notices.len(), 1);
    }

    #[test]
    fn an_unknown_field_is_read_as_words() {
        let q = parse("foo:bar").unwrap();
        assert_eq!(
            q.clauses,
            [text(Target::Any, "foo:bar", false, true, false)]
        );
    }

    #[test]
    fn a_bad_year_names_its_position() {
        match parse("graph year:abc") {
            Err(Error::Query { position, reason }) => {
                assert_eq!(position, 11);
                assert!(reason.contains("year:2019..2023"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_bad_status_lists_the_choices() {
        assert!(matches!(
            parse("status:later"),
            Err(Error::Query { position: 7, .. })
        ));
    }

    #[test]
    fn generated_inputs_never_panic() {
        const PIECES: [&str; 16] = [
            "-",
            "\"",
            ":",
            "title:",
            "year:",
            "..",
            "2023",
            "tag:",
            " ",
            "é",
            "\u{0}",
            "status:",
            "word",
            "au:",
            "ü\u{301}",
            "-\"",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut q = String::new();
            for _ in 0..(state % 9) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                q.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
            }
            if let Ok(parsed) = parse(&q) {
                assert!(parsed.clauses.len() <= q.len());
            }
        }
    }

    #[test]
    fn odd_inputs_never_panic() {
        for q in [
            "", "-", "\"", "::", "title:", "-\"", "year:", "ü:ü", "--x", "tag:", "\"\"", "a\"b\"c",
        ] {
            let _ = parse(q);
        }
    }
}
