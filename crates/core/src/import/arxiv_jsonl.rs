//! arXiv metadata snapshot JSON Lines (the public bulk dump's format), one record per line.
//!
//! The snapshot (Kaggle `arxiv-metadata-oai-snapshot.json`) has about two million lines, so
//! the parser borrows strings from the line wherever JSON escapes allow and allocates only
//! for the fields a [`NewPaper`] keeps. A bad line yields a short reason for the import
//! report; it never aborts the import (that is the caller's loop).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;

use crate::model::{ArxivId, NewPaper, PaperVersion, PartialDate};
use crate::text::{collapse_whitespace, fold_tex};

/// Parses one line of the snapshot. The error is a short reason for the import report.
///
/// Surrounding whitespace and a trailing `\r` are tolerated, as are
/// unknown keys and `null` for every optional key. Reasons look like:
/// - `empty line`
/// - `invalid JSON: trailing characters at line 1 column 1761` (serde's message)
/// - `expected a JSON object, found an array`
/// - ``missing field `id` ``, ``field `title` is null``, `empty title`
/// - `invalid arXiv id '2108.8810': 4-digit sequence numbers end at 1412 …`
/// - ``field `versions`: invalid type: string "v1", expected a sequence``
///
/// A UTF-8 byte order mark is legal only at the start of the file: the caller strips it from
/// the first line, and one on any other line is an error.
pub fn parse_line(line: &str) -> Result<NewPaper, String> {
    if line.starts_with('\u{feff}') {
        return Err("a UTF-8 byte order mark in the middle of the file".into());
    }
    let line = line.trim();
    if line.is_empty() {
        return Err("empty line".into());
    }
    if !line.starts_with('{') {
        // Checked up front because serde would happily read an array as a struct's fields
        // in order, turning `["1802.07088"]` into a record with only an id.
        return Err(match serde_json::from_str::<serde_json::Value>(line) {
            Ok(value) => format!("expected a JSON object, found {}", json_kind(&value)),
            Err(e) => format!("invalid JSON: {e}"),
        });
    }
    let record: Record<'_> = serde_json::from_str(line).map_err(|e| describe_error(line, &e))?;
    record.into_paper()
}

/// Like [`parse_line`] for raw bytes, for callers that read lines as bytes: invalid UTF-8
/// becomes `invalid UTF-8 at byte offset N` (0-based, counted in the line as given) instead
/// of a failed read.
pub fn parse_line_bytes(line: &[u8]) -> Result<NewPaper, String> {
    match std::str::from_utf8(line) {
        Ok(text) => parse_line(text),
        Err(e) => Err(format!("invalid UTF-8 at byte offset {}", e.valid_up_to())),
    }
}

/// Parses the date part of an RFC 2822 timestamp as the snapshot writes it,
/// `Mon, 2 Apr 2007 19:18:42 GMT` → 2007-04-02. The weekday is optional and the day may be
/// zero-padded; the time and zone are ignored (the snapshot's are always GMT). Returns
/// `None` for anything else, including impossible dates such as 31 Feb.
pub fn parse_rfc2822_date(s: &str) -> Option<PartialDate> {
    let mut rest = s.trim();
    if let Some((weekday, after)) = rest.split_once(',') {
        if !weekday.trim().bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        rest = after;
    }
    let mut parts = rest.split_whitespace();
    let day = parts.next()?;
    if day.is_empty() || day.len() > 2 || !day.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let day: u8 = day.parse().ok()?;
    let month = PartialDate::month_from_name(parts.next()?)?;
    let year = parse_year(parts.next()?)?;
    checked_ymd(year, month, day)
}

/// A four-digit year.
fn parse_year(s: &str) -> Option<i32> {
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// `PartialDate::ymd` for real calendar dates only.
fn checked_ymd(year: i32, month: u8, day: u8) -> Option<PartialDate> {
    let m = time::Month::try_from(month).ok()?;
    time::Date::from_calendar_date(year, m, day).ok()?;
    Some(PartialDate::ymd(year, month, day))
}

/// `YYYY-MM-DD`, as in `update_date`.
fn parse_iso_date(s: &str) -> Option<PartialDate> {
    let mut parts = s.trim().split('-');
    let year = parse_year(parts.next()?)?;
    let month = parts.next().filter(|m| m.len() == 2)?.parse().ok()?;
    let day = parts.next().filter(|d| d.len() == 2)?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    checked_ymd(year, month, day)
}

/// One snapshot line. Every field is optional here so that type errors and missing fields
/// are reported by name, not by serde's generic messages. Keys Papershelf does not use
/// (`submitter`, `report-no`) and unknown keys are skipped without being checked.
#[derive(Deserialize)]
#[serde(expecting = "a JSON object")]
struct Record<'a> {
    /// Outer `None`: key missing; inner `None`: `null`.
    #[serde(default, borrow, deserialize_with = "present")]
    id: Option<Option<Str<'a>>>,
    #[serde(default, deserialize_with = "present")]
    title: Option<Option<Collapsed>>,
    #[serde(default, borrow)]
    authors: Option<Str<'a>>,
    #[serde(default, borrow)]
    comments: Option<Str<'a>>,
    #[serde(rename = "journal-ref", default, borrow)]
    journal_ref: Option<Str<'a>>,
    #[serde(default, borrow)]
    doi: Option<Str<'a>>,
    #[serde(default, borrow)]
    categories: Option<Str<'a>>,
    #[serde(default, borrow)]
    license: Option<Str<'a>>,
    #[serde(rename = "abstract", default)]
    abstract_text: Option<Collapsed>,
    #[serde(default, borrow)]
    versions: Option<Vec<RawVersion<'a>>>,
    #[serde(default, borrow)]
    update_date: Option<Str<'a>>,
    #[serde(default, borrow)]
    authors_parsed: Option<Vec<AuthorParts<'a>>>,
}

/// Distinguishes a present key (even `null`) from a missing one, which `default` gives.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// `{version: "v1", created: "Mon, 2 Apr 2007 19:18:42 GMT"}`.
#[derive(Deserialize)]
#[serde(expecting = "an object {version, created}")]
struct RawVersion<'a> {
    #[serde(default, borrow)]
    version: Option<Str<'a>>,
    #[serde(default, borrow)]
    created: Option<Str<'a>>,
}

impl RawVersion<'_> {
    /// `v3` → 3; `None` for `v0`, `V3`, `3` and other shapes arXiv never writes.
    fn number(&self) -> Option<u32> {
        let digits = self.version.as_ref()?.0.strip_prefix('v')?;
        if digits.is_empty()
            || digits.starts_with('0')
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        digits.parse().ok()
    }
}

/// A JSON string, borrowed from the line when it contains no escapes.
struct Str<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor<'a>(PhantomData<&'a ()>);

        impl<'de: 'a, 'a> Visitor<'de> for StrVisitor<'a> {
            type Value = Str<'a>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }

            fn visit_str<E>(self, v: &str) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E>(self, v: String) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }

        deserializer.deserialize_str(StrVisitor(PhantomData))
    }
}

/// A string with whitespace collapsed while deserializing: titles and abstracts arrive
/// hard-wrapped with `\n` escapes, so they can never be borrowed and one allocation is the
/// minimum.
struct Collapsed(String);

impl<'de> Deserialize<'de> for Collapsed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CollapsedVisitor;

        impl Visitor<'_> for CollapsedVisitor {
            type Value = Collapsed;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E>(self, v: &str) -> Result<Collapsed, E> {
                Ok(Collapsed(collapse_whitespace(v)))
            }
        }

        deserializer.deserialize_str(CollapsedVisitor)
    }
}

/// One `authors_parsed` entry, `[last, first, suffix]`. Short entries and `null` parts are
/// tolerated and extra elements ignored: the entry is derived data, not worth failing over.
struct AuthorParts<'a> {
    last: Option<Str<'a>>,
    first: Option<Str<'a>>,
    suffix: Option<Str<'a>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for AuthorParts<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PartsVisitor<'a>(PhantomData<&'a ()>);

        impl<'de: 'a, 'a> Visitor<'de> for PartsVisitor<'a> {
            type Value = AuthorParts<'a>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array [last, first, suffix]")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AuthorParts<'a>, A::Error> {
                let last = seq.next_element::<Option<Str<'a>>>()?.flatten();
                let first = seq.next_element::<Option<Str<'a>>>()?.flatten();
                let suffix = seq.next_element::<Option<Str<'a>>>()?.flatten();
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(AuthorParts {
                    last,
                    first,
                    suffix,
                })
            }
        }

        deserializer.deserialize_seq(PartsVisitor(PhantomData))
    }
}

impl AuthorParts<'_> {
    /// "First Last Suffix" with whitespace collapsed and TeX folded; `None` when all empty.
    fn full_name(&self) -> Option<String> {
        let mut name = String::new();
        for part in [&self.first, &self.last, &self.suffix]
            .into_iter()
            .flatten()
        {
            for word in part.0.split_whitespace() {
                if !name.is_empty() {
                    name.push(' ');
                }
                name.push_str(word);
            }
        }
        let name = fold_name(name);
        (!name.is_empty()).then_some(name)
    }
}

/// Folds TeX in a name only when there is some: most names have none, and this skips
/// the copy for them.
fn fold_name(name: String) -> String {
    if name.contains(['\\', '{', '}']) {
        collapse_whitespace(&fold_tex(&name))
    } else {
        name
    }
}

/// Name suffixes that a comma split separates from their name (`John Smith, Jr.`).
const NAME_SUFFIXES: [&str; 7] = ["Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"];

/// Splits the raw `authors` string: `A, B and C (MIT)` → `[A, B, C]`. Parenthesised
/// affiliations are dropped (they may nest: `((1) MIT, (2) CMU)`).
fn split_raw_authors(raw: &str) -> Vec<String> {
    let mut without_affiliations = String::with_capacity(raw.len());
    let mut depth = 0usize;
    for c in raw.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => without_affiliations.push(c),
            _ => {}
        }
    }
    // Collapsing first makes `,\n  and` and `\nand ` look like the plain separators.
    let text = collapse_whitespace(&without_affiliations);
    let mut names: Vec<String> = Vec::new();
    for piece in text.split(',') {
        let piece = piece.trim();
        let piece = piece.strip_prefix("and ").unwrap_or(piece);
        for name in piece.split(" and ") {
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            match names.last_mut() {
                Some(previous) if NAME_SUFFIXES.contains(&name) => {
                    previous.push(' ');
                    previous.push_str(name);
                }
                _ => names.push(fold_name(name.to_string())),
            }
        }
    }
    names
}

/// Trimmed text with whitespace collapsed, `None` when empty or absent.
fn non_empty(field: Option<Str<'_>>) -> Option<String> {
    let text = collapse_whitespace(&field?.0);
    (!text.is_empty()).then_some(text)
}

impl Record<'_> {
    fn into_paper(self) -> Result<NewPaper, String> {
        let raw_id = match self.id {
            None => return Err("missing field `id`".into()),
            Some(None) => return Err("field `id` is null".into()),
            Some(Some(id)) => id.0,
        };
        // The snapshot's ids carry no version; one given anyway is ignored, the paper is
        // still the same.
        let (arxiv_id, _) = ArxivId::parse(&raw_id)
            .map_err(|e| format!("invalid arXiv id '{raw_id}': {}", e.reason))?;
        let title = match self.title {
            None => return Err("missing field `title`".into()),
            Some(None) => return Err("field `title` is null".into()),
            Some(Some(Collapsed(title))) if title.is_empty() => return Err("empty title".into()),
            Some(Some(Collapsed(title))) => title,
        };

        let mut authors: Vec<String> = self
            .authors_parsed
            .iter()
            .flatten()
            .filter_map(AuthorParts::full_name)
            .collect();
        if authors.is_empty() {
            if let Some(raw) = &self.authors {
                authors = split_raw_authors(&raw.0);
            }
        }

        let mut versions: Vec<PaperVersion> = self
            .versions
            .iter()
            .flatten()
            .filter_map(|v| {
                Some(PaperVersion {
                    version: v.number()?,
                    created: v.created.as_ref()?.0.to_string(),
                })
            })
            .collect();
        versions.sort_by_key(|v| v.version);
        versions.dedup_by_key(|v| v.version);

        // v1's date is the publication date; `update_date` (last metadata change) is only a
        // stand-in when no version is listed at all.
        let published = if versions.is_empty() {
            self.update_date.as_ref().and_then(|d| parse_iso_date(&d.0))
        } else {
            versions
                .iter()
                .find(|v| v.version == 1)
                .and_then(|v| parse_rfc2822_date(&v.created))
        };

        let categories = self
            .categories
            .as_ref()
            .map(|c| c.0.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();

        // `10.48550/arXiv.…` is arXiv's own DOI for the e-print, an alias of the id; the
        // `doi` field is for the published version only.
        let doi = non_empty(self.doi).filter(|d| {
            !d.get(..9)
                .is_some_and(|head| head.eq_ignore_ascii_case("10.48550/"))
        });

        Ok(NewPaper {
            arxiv_id: Some(arxiv_id),
            title,
            abstract_text: self.abstract_text.map(|a| a.0).unwrap_or_default(),
            authors,
            published,
            versions,
            doi,
            categories,
            journal_ref: non_empty(self.journal_ref),
            comments: non_empty(self.comments),
            license: non_empty(self.license),
            ..NewPaper::default()
        })
    }
}

/// "an array", "a string", … for error messages.
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Longest type-error detail kept in a reason; serde quotes whole strings, and a misplaced
/// abstract would otherwise fill the report.
const MAX_DETAIL_CHARS: usize = 120;

/// Turns a serde error on a line into a reason. Syntax errors keep serde's message and
/// position; type errors are re-checked field by field (a slow path, taken only for bad
/// lines) so the reason names the fields, which serde's own message does not.
fn describe_error(line: &str, error: &serde_json::Error) -> String {
    if error.classify() != serde_json::error::Category::Data {
        return format!("invalid JSON: {error}");
    }
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(line) else {
        return error.to_string();
    };
    let mut bad: Vec<(String, String)> = Vec::new();
    for (key, value) in map {
        let single = serde_json::Value::Object(serde_json::Map::from_iter([(key.clone(), value)]));
        if let Err(e) = Record::deserialize(&single) {
            bad.push((key, truncate(e.to_string(), MAX_DETAIL_CHARS)));
        }
    }
    match bad.as_slice() {
        [] => error.to_string(),
        [(key, detail)] => format!("field `{key}`: {detail}"),
        [(key, detail), ..] => {
            let names: Vec<String> = bad.iter().map(|(k, _)| format!("`{k}`")).collect();
            format!(
                "fields {} have the wrong type; `{key}`: {detail}",
                names.join(", ")
            )
        }
    }
}

fn truncate(mut s: String, max_chars: usize) -> String {
    if let Some((cut, _)) = s.char_indices().nth(max_chars) {
        s.truncate(cut);
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../tests/fixtures/api/snapshot-sample.jsonl");
    const BROKEN: &[u8] = include_bytes!("../../tests/fixtures/api/snapshot-broken.jsonl");

    #[test]
    fn strings_without_escapes_are_borrowed_from_the_line() {
        let plain: Str<'_> = serde_json::from_str(r#""plain""#).unwrap();
        assert!(matches!(plain.0, Cow::Borrowed("plain")));
        let escaped: Str<'_> = serde_json::from_str(r#""a\nb""#).unwrap();
        assert!(matches!(escaped.0, Cow::Owned(ref s) if s == "a\nb"));
    }

    #[test]
    fn every_line_of_the_sample_snapshot_parses() {
        let lines: Vec<&str> = SAMPLE.lines().collect();
        assert_eq!(lines.len(), 50);
        for (i, line) in lines.iter().enumerate() {
            let n = i + 1;
            let paper = parse_line(line).unwrap_or_else(|e| panic!("line {n}: {e}"));
            assert!(paper.arxiv_id.is_some(), "line {n}");
            assert!(
                !paper.title.is_empty() && !paper.title.contains('\n'),
                "line {n}"
            );
            assert!(
                !paper.abstract_text.is_empty() && !paper.abstract_text.contains('\n'),
                "line {n}"
            );
            assert!(!paper.authors.is_empty(), "line {n}");
            assert!(
                !paper.versions.is_empty() && paper.versions[0].version == 1,
                "line {n}"
            );
            assert!(paper.published.is_some(), "line {n}");
            assert!(!paper.categories.is_empty(), "line {n}");
            assert!(paper.license.is_some(), "line {n}");
        }
    }

    #[test]
    fn the_first_sample_record_maps_every_field() {
        let paper = parse_line(SAMPLE.lines().next().unwrap()).unwrap();
        assert_eq!(paper.arxiv_id.unwrap().as_str(), "2310.02579");
        assert_eq!(
            paper.title,
            "On the Stability of Expressive Positional Encodings for Graph Neural Networks"
        );
        assert!(paper
            .abstract_text
            .starts_with("Designing effective positional encodings"));
        assert!(paper
            .abstract_text
            .ends_with("positional encoding methods."));
        assert_eq!(paper.authors.len(), 7);
        assert_eq!(paper.authors[0], "Yinan Huang");
        assert_eq!(paper.authors[6], "Pan Li");
        assert_eq!(
            paper.versions,
            vec![PaperVersion {
                version: 1,
                created: "Wed, 4 Oct 2023 01:52:24 GMT".into()
            }]
        );
        assert_eq!(paper.published, Some(PartialDate::ymd(2023, 10, 4)));
        assert_eq!(paper.categories, vec!["cs.LG"]);
        assert_eq!(paper.comments.as_deref(), Some("Accepted at ICLR 2024"));
        assert_eq!(paper.journal_ref, None);
        assert_eq!(paper.doi, None);
        assert_eq!(
            paper.license.as_deref(),
            Some("http://arxiv.org/licenses/nonexclusive-distrib/1.0/")
        );
        assert_eq!(paper.upvotes, None);
    }

    #[test]
    fn sample_names_come_from_authors_parsed_in_unicode() {
        let by_id = |id: &str| {
            SAMPLE
                .lines()
                .map(|l| parse_line(l).unwrap())
                .find(|p| p.arxiv_id.as_ref().unwrap().as_str() == id)
                .unwrap()
        };
        assert_eq!(
            by_id("2309.17182").authors[3],
            "José Miguel Hernández-Lobato"
        );
        assert_eq!(by_id("1802.07088").authors[0], "Jörn-Henrik Jacobsen");
        let multi = by_id("1206.5538");
        assert_eq!(multi.versions.len(), 3);
        assert_eq!(multi.doi.as_deref(), Some("10.1109/TPAMI.2013.50"));
        assert_eq!(multi.published, Some(PartialDate::ymd(2012, 6, 24)));
    }

    /// Every line of the broken fixture and what must become of it.
    #[test]
    fn broken_snapshot_lines_parse_or_fail_with_a_specific_reason() {
        let lines: Vec<&[u8]> = BROKEN
            .strip_suffix(b"\n")
            .unwrap()
            .split(|b| *b == b'\n')
            .collect();
        assert_eq!(lines.len(), 14);
        let expected: [(usize, Result<&str, &str>); 14] = [
            // A clean record.
            (1, Ok("1506.03134")),
            // Cut off inside the abstract.
            (2, Err("invalid JSON: EOF while parsing a string at line 1 column 1002")),
            // No `id` key at all.
            (3, Err("missing field `id`")),
            // `categories` as an array, `versions` as a string, `update_date` as a number,
            // `authors_parsed` as a string.
            (4, Err("fields `authors_parsed`, `categories`, `update_date`, `versions` have the wrong type; `authors_parsed`: invalid type: string \"Li, Kenneth\", expected a sequence")),
            // `"id": null`.
            (5, Err("field `id` is null")),
            // A blank line in the middle of the file.
            (6, Err("empty line")),
            // A Python dict repr, single quotes.
            (7, Err("invalid JSON: key must be a string at line 1 column 2")),
            // A UTF-8 BOM in mid-file: only legal at the start of the file.
            (8, Err("a UTF-8 byte order mark in the middle of the file")),
            // Bytes FF FE inside the title.
            (9, Err("invalid UTF-8 at byte offset 109")),
            // A 4-digit sequence number in 2021 (and a `v0` version dated 2021-13-45).
            (10, Err("invalid arXiv id '2108.8810': 4-digit sequence numbers end at 1412 (2014); 2108 ids have 5 digits")),
            // The same id as line 1 again, now with v2: a valid upsert.
            (11, Ok("1506.03134")),
            // CRLF line ending: tolerated.
            (12, Ok("2004.07667")),
            // A bare JSON array.
            (13, Err("expected a JSON object, found an array")),
            // A stray ` }` after the object.
            (14, Err("invalid JSON: trailing characters at line 1 column 1761")),
        ];
        for ((n, want), line) in expected.into_iter().zip(&lines) {
            let got = parse_line_bytes(line).map(|p| p.arxiv_id.unwrap().to_string());
            assert_eq!(got.as_deref().map_err(String::as_str), want, "line {n}");
        }
    }

    #[test]
    fn a_repeated_id_on_a_later_line_carries_the_newer_versions() {
        let lines: Vec<&[u8]> = BROKEN.split(|b| *b == b'\n').collect();
        let first = parse_line_bytes(lines[0]).unwrap();
        let later = parse_line_bytes(lines[10]).unwrap();
        assert_eq!(first.arxiv_id, later.arxiv_id);
        assert_eq!(later.versions.len(), 2);
        assert_eq!(later.published, first.published);
    }

    #[test]
    fn an_old_style_record_without_versions_or_parsed_authors_still_maps() {
        let line = r#"{"id":"hep-ph/0610334","submitter":"Pavel Nadolsky","authors":"C. Bal\\'azs, E. L. Berger (ANL), P. M. Nadolsky,\n  and C.-P. Yuan ((1) MSU, (2) ANL)","title":"Calculation of prompt diphoton production\n  cross sections at Tevatron and LHC energies","comments":null,"journal-ref":"Phys.Rev.D76:013009,2007","doi":"10.1103/PhysRevD.76.013009","categories":"hep-ph","abstract":"  A fully differential calculation.\n","update_date":"2008-11-13"}"#;
        let paper = parse_line(line).unwrap();
        let id = paper.arxiv_id.unwrap();
        assert_eq!(id.as_str(), "hep-ph/0610334");
        assert!(id.is_old_style());
        assert_eq!(
            paper.authors,
            ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]
        );
        assert_eq!(
            paper.title,
            "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
        );
        assert_eq!(paper.abstract_text, "A fully differential calculation.");
        assert!(paper.versions.is_empty());
        // No versions: the metadata date stands in.
        assert_eq!(paper.published, Some(PartialDate::ymd(2008, 11, 13)));
        assert_eq!(paper.doi.as_deref(), Some("10.1103/PhysRevD.76.013009"));
        assert_eq!(
            paper.journal_ref.as_deref(),
            Some("Phys.Rev.D76:013009,2007")
        );
        assert_eq!(paper.license, None);
    }

    #[test]
    fn tex_in_parsed_author_names_is_folded_and_suffixes_kept() {
        let line = r#"{"id":"0704.0001","title":"T","authors_parsed":[["Bal\\'azs","C.",""],["Yuan","C. -P.",""],["Smith","John","Jr"],["M\\\"{u}ller","",""],["","",""],["Solo"]]}"#;
        let paper = parse_line(line).unwrap();
        assert_eq!(
            paper.authors,
            [
                "C. Balázs",
                "C. -P. Yuan",
                "John Smith Jr",
                "Müller",
                "Solo"
            ]
        );
    }

    #[test]
    fn raw_author_strings_split_on_commas_and_and() {
        assert_eq!(
            split_raw_authors("Oriol Vinyals, Meire Fortunato and Navdeep Jaitly"),
            ["Oriol Vinyals", "Meire Fortunato", "Navdeep Jaitly"]
        );
        assert_eq!(
            split_raw_authors("A. Alexander, John Smith, Jr., and Jos\\'e P\\'erez"),
            ["A. Alexander", "John Smith Jr.", "José Pérez"]
        );
        assert!(split_raw_authors("  ").is_empty());
    }

    #[test]
    fn null_optional_fields_and_unknown_keys_are_tolerated() {
        let line = r#"{"id":"2310.02579","title":"T","submitter":null,"authors":null,"comments":null,"journal-ref":null,"doi":null,"report-no":7,"categories":null,"license":null,"abstract":null,"versions":null,"update_date":null,"authors_parsed":null,"x-extra":{"nested":[1,2,{"a":null}]}}"#;
        let paper = parse_line(line).unwrap();
        assert_eq!(paper.title, "T");
        assert!(
            paper.authors.is_empty() && paper.categories.is_empty() && paper.versions.is_empty()
        );
        assert_eq!(
            (paper.published, paper.doi, paper.comments),
            (None, None, None)
        );
        assert_eq!(paper.abstract_text, "");
    }

    #[test]
    fn empty_strings_become_none_and_the_arxiv_doi_alias_is_dropped() {
        let line = r#"{"id":"2310.02579","title":"T","comments":"","journal-ref":"  ","license":"","doi":"10.48550/arXiv.2310.02579"}"#;
        let paper = parse_line(line).unwrap();
        assert_eq!(
            (paper.comments, paper.journal_ref, paper.license, paper.doi),
            (None, None, None, None)
        );
    }

    #[test]
    fn bad_versions_and_dates_never_fail_the_record() {
        let line = r#"{"id":"2108.08810","title":"T","versions":[{"version":"v0","created":"x"},{"version":"v2","created":"Thu, 2 Sep 2021 10:00:00 GMT"},{"version":"v1","created":"2021-13-45"},{"version":"v1","created":"dup"},{"created":"no version"}],"update_date":"2021-09-25"}"#;
        let paper = parse_line(line).unwrap();
        let numbers: Vec<u32> = paper.versions.iter().map(|v| v.version).collect();
        assert_eq!(numbers, [1, 2]);
        assert_eq!(paper.versions[0].created, "2021-13-45");
        // v1 exists but its date is unreadable: unknown, not the metadata date.
        assert_eq!(paper.published, None);
    }

    #[test]
    fn crlf_and_surrounding_space_are_tolerated_but_a_bom_is_not() {
        let paper = parse_line("  {\"id\":\"2310.02579\",\"title\":\"T\"}\r").unwrap();
        assert_eq!(paper.arxiv_id.unwrap().as_str(), "2310.02579");
        let err =
            parse_line_bytes(b"\xEF\xBB\xBF{\"id\":\"2310.02579\",\"title\":\"T\"}").unwrap_err();
        assert!(err.contains("byte order mark"), "{err}");
    }

    #[test]
    fn missing_null_or_empty_titles_are_rejected_by_name() {
        assert_eq!(
            parse_line(r#"{"id":"2310.02579"}"#).unwrap_err(),
            "missing field `title`"
        );
        assert_eq!(
            parse_line(r#"{"id":"2310.02579","title":null}"#).unwrap_err(),
            "field `title` is null"
        );
        assert_eq!(
            parse_line(r#"{"id":"2310.02579","title":" \n  "}"#).unwrap_err(),
            "empty title"
        );
    }

    #[test]
    fn type_errors_name_the_field_and_keep_the_detail_short() {
        assert_eq!(
            parse_line(r#"{"id":"2310.02579","title":"T","versions":"v1"}"#).unwrap_err(),
            "field `versions`: invalid type: string \"v1\", expected a sequence"
        );
        assert_eq!(
            parse_line(r#"{"id":2310.02579,"title":"T"}"#).unwrap_err(),
            "field `id`: invalid type: floating point `2310.02579`, expected a string"
        );
        let long = "x".repeat(500);
        let err = parse_line(&format!(
            r#"{{"id":"2310.02579","title":"T","versions":"{long}"}}"#
        ))
        .unwrap_err();
        assert!(err.len() < 200 && err.ends_with('…'), "{err}");
    }

    #[test]
    fn non_object_lines_are_rejected_with_their_kind() {
        assert_eq!(
            parse_line(r#""2310.02579""#).unwrap_err(),
            "expected a JSON object, found a string"
        );
        assert_eq!(
            parse_line("42").unwrap_err(),
            "expected a JSON object, found a number"
        );
        assert!(parse_line("nope")
            .unwrap_err()
            .starts_with("invalid JSON: "));
    }

    #[test]
    fn invalid_ids_are_reported_with_the_id_and_the_reason() {
        assert_eq!(
            parse_line(r#"{"id":"2313.00001","title":"T"}"#).unwrap_err(),
            "invalid arXiv id '2313.00001': month 13 does not exist"
        );
    }

    #[test]
    fn rfc2822_dates_parse_to_full_dates() {
        assert_eq!(
            parse_rfc2822_date("Mon, 2 Apr 2007 19:18:42 GMT"),
            Some(PartialDate::ymd(2007, 4, 2))
        );
        assert_eq!(
            parse_rfc2822_date("Tue, 09 Jun 2015 06:52:55 GMT"),
            Some(PartialDate::ymd(2015, 6, 9))
        );
        assert_eq!(
            parse_rfc2822_date("2 Apr 2007"),
            Some(PartialDate::ymd(2007, 4, 2))
        );
        assert_eq!(
            parse_rfc2822_date("Thu, 29 Feb 2024 00:00:00 GMT"),
            Some(PartialDate::ymd(2024, 2, 29))
        );
    }

    #[test]
    fn malformed_or_impossible_rfc2822_dates_are_none() {
        for s in [
            "",
            "2021-13-45",
            "Tue, 31 Feb 2015 06:52:55 GMT",
            "Mon, 2 Foo 2007",
            "Mon, 2 Apr 07",
            "Mon, 123 Apr 2007",
            "1, 2 Apr 2007",
            "Mon,",
        ] {
            assert_eq!(parse_rfc2822_date(s), None, "{s:?}");
        }
    }

    #[test]
    fn iso_update_dates_parse_strictly() {
        assert_eq!(
            parse_iso_date("2016-06-16"),
            Some(PartialDate::ymd(2016, 6, 16))
        );
        assert_eq!(parse_iso_date("2016-6-16"), None);
        assert_eq!(parse_iso_date("2016-02-30"), None);
        assert_eq!(parse_iso_date("20230301"), None);
    }
}
