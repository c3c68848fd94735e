//! CSL-JSON in and out, as Zotero and pandoc use it: an array of items with `id`, `type`,
//! `title`, `author` (`{family, given}` or `{literal}`), `issued` (`date-parts`, `raw` or
//! `literal`), `DOI`, `URL`, `abstract`, `container-title`, `keyword` (comma separated),
//! `note`, `number` (Zotero puts `arXiv:<id>` of a preprint there).
//!
//! Items are located in the text before parsing, so one malformed item is reported with its
//! line while the others import.

use serde_json::{json, Map, Value};

use super::record::{
    arxiv_from, arxiv_in_text, clean_doi, normalise_text, split_keywords, ExportEntry, LineIndex,
    Parsed, Record,
};
use crate::import::SkippedEntry;
use crate::model::{NewPaper, PartialDate};
use crate::text::collapse_whitespace;

/// Byte ranges of the top-level array's elements; `Err` when the text is not an array.
fn elements(text: &str) -> Result<Vec<(usize, usize)>, (usize, String)> {
    let bytes = text.as_bytes();
    let Some(open) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Ok(vec![]);
    };
    if bytes[open] == b'{' {
        // A single item rather than an array.
        return Ok(vec![(open, bytes.len())]);
    }
    if bytes[open] != b'[' {
        return Err((open, "expected a JSON array of CSL items".into()));
    }
    let mut out = Vec::new();
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate().skip(open + 1) {
        if in_str {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => {
                in_str = true;
                if start.is_none() {
                    start = Some(i);
                }
            }
            b'{' | b'[' => {
                if start.is_none() {
                    start = Some(i);
                }
                depth += 1;
            }
            b'}' | b']' if depth > 0 => depth -= 1,
            b']' => {
                if let Some(s) = start.take() {
                    out.push((s, i));
                }
                return Ok(out);
            }
            b',' if depth == 0 => {
                out.push((start.take().unwrap_or(i), i));
            }
            c if !c.is_ascii_whitespace() && start.is_none() => start = Some(i),
            _ => {}
        }
    }
    Err((bytes.len(), "the array is not closed (missing `]`)".into()))
}

/// Parses a CSL-JSON file. A file that is not an array reports one skipped entry; bad items
/// are reported with their line and the rest import.
pub fn parse(text: &str) -> Parsed {
    let text = normalise_text(text);
    let lines = LineIndex::new(&text);
    let mut parsed = Parsed::default();
    let ranges = match elements(&text) {
        Ok(r) => r,
        Err((at, reason)) => {
            // Still try the elements found before the damage: parse leniently as far as it goes.
            parsed.skipped.push(SkippedEntry {
                // An error at the end of the file is on its last line with text, not past it.
                line: lines.line(at.min(text.trim_end().len().saturating_sub(1))),
                reason,
            });
            return parsed;
        }
    };
    for (s, e) in ranges {
        let slice = text[s..e].trim_end();
        let line = lines.line(s);
        match serde_json::from_str::<Value>(slice) {
            Ok(Value::Object(item)) => match record_from(line, &item, slice) {
                Ok(r) => parsed.records.push(r),
                Err(reason) => parsed.skipped.push(SkippedEntry { line, reason }),
            },
            Ok(_) => parsed.skipped.push(SkippedEntry {
                line,
                reason: "item is not a JSON object".into(),
            }),
            Err(err) => parsed.skipped.push(SkippedEntry {
                line: line + err.line().saturating_sub(1),
                reason: format!("invalid JSON: {err}"),
            }),
        }
    }
    parsed
}

fn str_of(item: &Map<String, Value>, key: &str) -> Option<String> {
    match item.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn record_from(line: usize, item: &Map<String, Value>, raw: &str) -> Result<Record, String> {
    let title = str_of(item, "title")
        .map(|t| collapse_whitespace(&t))
        .ok_or_else(|| {
            format!(
                "item {} has no title",
                str_of(item, "id").map_or_else(|| "without id".into(), |i| format!("`{i}`"))
            )
        })?;
    let mut paper = NewPaper {
        title,
        ..Default::default()
    };
    if let Some(Value::Array(people)) = item.get("author") {
        for person in people {
            let Some(p) = person.as_object() else {
                continue;
            };
            let name = if let Some(l) = str_of(p, "literal") {
                l
            } else {
                [
                    str_of(p, "given"),
                    str_of(p, "dropping-particle"),
                    str_of(p, "non-dropping-particle"),
                    str_of(p, "family"),
                    str_of(p, "suffix"),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
            };
            let name = collapse_whitespace(&name);
            if !name.is_empty() {
                paper.authors.push(name);
            }
        }
    }
    paper.abstract_text = str_of(item, "abstract")
        .map(|a| collapse_whitespace(&a))
        .unwrap_or_default();
    paper.journal_ref = str_of(item, "container-title");
    paper.published = item.get("issued").and_then(csl_date);
    if let Some(d) = str_of(item, "DOI") {
        match clean_doi(&d) {
            Some(doi) => paper.doi = Some(doi),
            None => paper.arxiv_id = arxiv_from(&d),
        }
    }
    let mut url = None;
    if let Some(u) = str_of(item, "URL") {
        match arxiv_from(&u) {
            Some(id) => {
                paper.arxiv_id.get_or_insert(id);
            }
            None => url = Some(u),
        }
    }
    if paper.arxiv_id.is_none() {
        paper.arxiv_id = str_of(item, "number")
            .as_deref()
            .and_then(arxiv_in_text)
            .or_else(|| {
                str_of(item, "archive_location")
                    .as_deref()
                    .and_then(arxiv_from)
            });
    }
    let mut note = str_of(item, "note");
    // Zotero's "Extra" lands in `note`: a lone `arXiv: <id>` line is an id, not a note.
    if let Some(n) = &note {
        if n.lines().count() == 1 && n.to_ascii_lowercase().starts_with("arxiv:") {
            if let Some(id) = arxiv_in_text(n) {
                paper.arxiv_id.get_or_insert(id);
                note = None;
            }
        }
    }
    let tags = match item.get("keyword") {
        Some(Value::String(k)) => split_keywords(k),
        Some(Value::Array(ks)) => {
            let mut tags = super::record::TagList::default();
            ks.iter()
                .filter_map(Value::as_str)
                .for_each(|k| tags.push_keyword(k));
            tags.into_vec()
        }
        _ => vec![],
    };
    Ok(Record {
        line,
        key: str_of(item, "id"),
        kind: str_of(item, "type"),
        paper,
        tags,
        collections: vec![],
        note,
        status: None,
        files: vec![],
        url,
        raw: raw.to_string(),
        context: String::new(),
    })
}

fn csl_date(v: &Value) -> Option<PartialDate> {
    let obj = v.as_object()?;
    if let Some(Value::Array(parts)) = obj.get("date-parts") {
        let first = parts.first()?.as_array()?;
        let num = |i: usize| -> Option<i64> {
            first.get(i).and_then(|x| {
                x.as_i64()
                    .or_else(|| x.as_str().and_then(|s| s.trim().parse().ok()))
            })
        };
        let year = num(0)? as i32;
        return Some(PartialDate {
            year: Some(year),
            month: num(1).filter(|m| (1..=12).contains(m)).map(|m| m as u8),
            day: num(2).filter(|d| (1..=31).contains(d)).map(|d| d as u8),
        });
    }
    let raw = obj
        .get("raw")
        .or_else(|| obj.get("literal"))
        .and_then(Value::as_str)?;
    let parts: Vec<&str> = raw.split(['-', '/']).map(str::trim).collect();
    let year: i32 = parts.first()?.get(..4)?.parse().ok()?;
    Some(PartialDate {
        year: Some(year),
        month: parts
            .get(1)
            .and_then(|m| m.parse().ok())
            .filter(|m| (1..=12).contains(m)),
        day: parts
            .get(2)
            .and_then(|d| d.parse().ok())
            .filter(|d| (1..=31).contains(d)),
    })
}

/// The CSL item of one entry.
pub fn item(e: &ExportEntry) -> Value {
    let p = &e.paper;
    let mut m = Map::new();
    m.insert("id".into(), json!(e.key));
    m.insert(
        "type".into(),
        json!(if p.journal_ref.is_some() {
            "article-journal"
        } else {
            "article"
        }),
    );
    m.insert("title".into(), json!(p.title));
    if !p.authors.is_empty() {
        let authors: Vec<Value> = p
            .authors
            .iter()
            .map(|a| {
                let (given, family) = super::record::split_name(a);
                if given.is_empty() {
                    json!({ "literal": family })
                } else {
                    json!({ "family": family, "given": given })
                }
            })
            .collect();
        m.insert("author".into(), Value::Array(authors));
    } else if let Some(org) = &p.organization {
        m.insert("author".into(), json!([{ "literal": org }]));
    }
    if let Some(d) = p.published.filter(|d| d.year.is_some()) {
        let mut parts = vec![json!(d.year)];
        if let Some(mo) = d.month {
            parts.push(json!(mo));
            if let Some(day) = d.day {
                parts.push(json!(day));
            }
        }
        m.insert("issued".into(), json!({ "date-parts": [parts] }));
    } else if let Some(y) = p.year {
        m.insert("issued".into(), json!({ "date-parts": [[y]] }));
    }
    if let Some(j) = &p.journal_ref {
        m.insert("container-title".into(), json!(j));
    }
    if let Some(d) = &p.doi {
        m.insert("DOI".into(), json!(d));
    }
    if let Some(a) = &p.arxiv_id {
        m.insert("number".into(), json!(format!("arXiv:{a}")));
        m.insert("publisher".into(), json!("arXiv"));
    }
    if let Some(u) = super::record::Links::of(p).arxiv {
        m.insert("URL".into(), json!(u));
    }
    if !p.abstract_text.is_empty() {
        m.insert("abstract".into(), json!(p.abstract_text));
    }
    if !p.tags.is_empty() {
        m.insert("keyword".into(), json!(p.tags.join(", ")));
    }
    if let Some(n) = p.note.as_ref().filter(|n| !n.body.trim().is_empty()) {
        m.insert("note".into(), json!(n.body.trim()));
    }
    Value::Object(m)
}

/// Writes entries as a pretty-printed CSL-JSON array.
pub fn write(entries: &[ExportEntry]) -> String {
    let items: Vec<Value> = entries.iter().map(item).collect();
    let mut s = serde_json::to_string_pretty(&Value::Array(items)).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_item_is_reported_and_the_others_read() {
        let p = parse(
            "[\n  {\"id\": \"a\", \"title\": \"One\", \"author\": [{\"family\": \"Smith\", \"given\": \"Ann\"}, {\"literal\": \"OpenAI\"}], \"issued\": {\"date-parts\": [[2020, 5]]}},\n  {\"id\": \"b\", \"title\": \"Two\" \"oops\"},\n  {\"id\": \"c\", \"type\": \"article\"},\n  {\"id\": \"d\", \"title\": \"Four\", \"keyword\": \"x, y z\", \"note\": \"arXiv: 2310.02579\"}\n]\n",
        );
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.records[0].paper.authors, vec!["Ann Smith", "OpenAI"]);
        assert_eq!(p.records[0].paper.published.unwrap().month, Some(5));
        assert_eq!(p.records[1].tags, vec!["x", "y-z"]);
        assert_eq!(p.records[1].note, None);
        assert_eq!(
            p.records[1].paper.arxiv_id.as_ref().unwrap().as_str(),
            "2310.02579"
        );
        let lines: Vec<usize> = p.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, vec![3, 4]);
    }

    #[test]
    fn not_an_array_is_one_error() {
        let p = parse("garbage");
        assert_eq!(p.records.len(), 0);
        assert_eq!(p.skipped.len(), 1);
    }

    #[test]
    fn a_keyword_array_gives_each_tag_once_whatever_its_case() {
        let p = parse(
            r#"[{"title": "T", "keyword": ["2310.02579", "2310.02579", "NLP", "nlp", " "]}]"#,
        );
        assert_eq!(p.records[0].tags, vec!["2310.02579", "NLP"]);
    }
}
