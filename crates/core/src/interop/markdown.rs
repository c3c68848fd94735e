//! Markdown notes: one file per paper, `<citekey>.md`, with YAML front matter (id, citekey,
//! every citation key when the paper has several, title, authors, year, date, arXiv id, DOI,
//! links, tags, status) and then the note body. A paper imported from several BibTeX entries
//! is one file, named by its oldest key.
//!
//! Every YAML string is double-quoted with `\\`, `\"` and control characters escaped, so a title
//! with `: # ' "` or a leading `-` stays a string. [`parse`] reads back what [`write_one`]
//! writes (a small YAML subset: scalars, flat lists, one level of mapping), so a notes folder
//! can be imported into another library.
//!
//! A paper's annotations follow the note, between two HTML comment lines
//! ([`ANNOTATIONS_START`], [`ANNOTATIONS_END`]): each with its page, kind and colour, its quote
//! as a block quote and its comment, every line indented so none can be taken for the end
//! line. They are there to be read (they are never locked in); [`parse`] leaves the block out
//! of the note, so importing the folder does not copy them into the note.

use super::record::{arxiv_from, clean_doi, ExportEntry, Links, Parsed, Record};
use crate::import::SkippedEntry;
use crate::model::{NewPaper, PartialDate, Status};

/// A YAML double-quoted scalar.
pub fn yaml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The line that opens a notes file's annotations.
pub const ANNOTATIONS_START: &str =
    "<!-- papershelf:annotations: written from the library; edits here are not read back -->";

/// The line that closes them.
pub const ANNOTATIONS_END: &str = "<!-- /papershelf:annotations -->";

/// The annotations block of a notes file: empty when there are none.
fn annotations_block(annotations: &[crate::model::Annotation]) -> String {
    if annotations.is_empty() {
        return String::new();
    }
    let mut out = format!("{ANNOTATIONS_START}\n## Annotations\n");
    for a in annotations {
        let colour = crate::model::ANNOTATION_COLORS
            .iter()
            .find(|(_, hex)| *hex == a.color)
            .map(|(name, hex)| format!("{name} `{hex}`"))
            .unwrap_or_else(|| format!("`{}`", a.color));
        let page = match &a.page_label {
            Some(label) if *label != a.page.to_string() => format!("p. {} ({label})", a.page),
            _ => format!("p. {}", a.page),
        };
        out.push_str(&format!(
            "\n- **{page}** · {} · {colour}\n",
            a.kind.as_str()
        ));
        if let Some(q) = a.quote.as_deref().filter(|q| !q.trim().is_empty()) {
            for line in crate::text::collapse_whitespace(q).lines() {
                out.push_str(&format!("  > {line}\n"));
            }
        }
        if !a.comment.trim().is_empty() {
            out.push('\n');
            for line in a.comment.trim_end().lines() {
                if line.trim().is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&format!("  {line}\n"));
                }
            }
        }
    }
    out.push_str(ANNOTATIONS_END);
    out.push('\n');
    out
}

/// The note body without the annotations block a notes file may carry.
fn without_annotations(body: &str) -> String {
    let mut out = Vec::new();
    let mut inside = false;
    for line in body.lines() {
        match line.trim_end() {
            l if l.starts_with("<!-- papershelf:annotations") && !inside => inside = true,
            l if l == ANNOTATIONS_END && inside => inside = false,
            _ if inside => {}
            _ => out.push(line),
        }
    }
    out.join("\n").trim().to_string()
}

/// One paper's Markdown file.
pub fn write_one(e: &ExportEntry) -> String {
    let p = &e.paper;
    let mut out = String::from("---\n");
    out.push_str(&format!("id: {}\n", yaml_str(p.id.as_str())));
    out.push_str(&format!("citekey: {}\n", yaml_str(&e.key)));
    // A paper imported from several BibTeX entries (preprint and published version) is cited
    // under each of their keys; the file is named by the first.
    let keys = e.keys();
    if keys.len() > 1 {
        out.push_str("citekeys:\n");
        for k in keys {
            out.push_str(&format!("  - {}\n", yaml_str(k)));
        }
    }
    out.push_str(&format!("title: {}\n", yaml_str(&p.title)));
    if p.authors.is_empty() {
        out.push_str("authors: []\n");
    } else {
        out.push_str("authors:\n");
        for a in &p.authors {
            out.push_str(&format!("  - {}\n", yaml_str(a)));
        }
    }
    if let Some(y) = p.year.or(p.published.and_then(|d| d.year)) {
        out.push_str(&format!("year: {y}\n"));
    }
    if let Some(d) = p.published.filter(|d| d.year.is_some()) {
        out.push_str(&format!("date: {}\n", yaml_str(&d.sort_key())));
    }
    if let Some(a) = &p.arxiv_id {
        out.push_str(&format!("arxiv: {}\n", yaml_str(a)));
    }
    if let Some(d) = &p.doi {
        out.push_str(&format!("doi: {}\n", yaml_str(d)));
    }
    let links = Links::of(p);
    let link_list = [
        ("arxiv", &links.arxiv),
        ("pdf", &links.pdf),
        ("doi", &links.doi),
        ("hf", &links.hf),
    ];
    if link_list.iter().any(|(_, v)| v.is_some()) {
        out.push_str("links:\n");
        for (k, v) in link_list {
            if let Some(v) = v {
                out.push_str(&format!("  {k}: {}\n", yaml_str(v)));
            }
        }
    }
    if p.tags.is_empty() {
        out.push_str("tags: []\n");
    } else {
        out.push_str("tags:\n");
        for t in &p.tags {
            out.push_str(&format!("  - {}\n", yaml_str(t)));
        }
    }
    if !p.collections.is_empty() {
        out.push_str("collections:\n");
        for c in &p.collections {
            out.push_str(&format!("  - {}\n", yaml_str(c)));
        }
    }
    out.push_str(&format!("status: {}\n", yaml_str(p.status.as_str())));
    out.push_str("---\n");
    if let Some(n) = p.note.as_ref().filter(|n| !n.body.trim().is_empty()) {
        out.push('\n');
        out.push_str(n.body.trim_end());
        out.push('\n');
    }
    let block = annotations_block(&e.annotations);
    if !block.is_empty() {
        out.push('\n');
        out.push_str(&block);
    }
    out
}

/// A value of the front-matter subset.
#[derive(Debug, Clone, PartialEq)]
enum Yaml {
    Str(String),
    List(Vec<String>),
    Map(Vec<(String, String)>),
}

fn unquote(v: &str) -> Result<String, String> {
    let v = v.trim();
    if let Some(inner) = v.strip_prefix('"') {
        let inner = inner
            .strip_suffix('"')
            .ok_or_else(|| format!("unterminated string {v}"))?;
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('/') => out.push('/'),
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let c = u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or_else(|| format!("bad escape \\u{hex}"))?;
                    out.push(c);
                }
                other => return Err(format!("unknown escape \\{}", other.unwrap_or(' '))),
            }
        }
        Ok(out)
    } else if let Some(inner) = v.strip_prefix('\'') {
        Ok(inner.strip_suffix('\'').unwrap_or(inner).replace("''", "'"))
    } else {
        Ok(v.to_string())
    }
}

/// Splits front matter from body; errors carry a 1-based line.
/// Front-matter fields and the body.
type FrontMatter = (Vec<(String, Yaml)>, String);

fn front_matter(text: &str) -> Result<FrontMatter, (usize, String)> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, l)) if l.trim_end() == "---" => {}
        _ => {
            return Err((
                1,
                "no YAML front matter (the file must start with `---`)".into(),
            ))
        }
    }
    let mut fields: Vec<(String, Yaml)> = Vec::new();
    let mut end = None;
    for (i, line) in lines.by_ref() {
        let n = i + 1;
        if line.trim_end() == "---" {
            end = Some(n);
            break;
        }
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if let Some(item) = line
            .strip_prefix("  - ")
            .or_else(|| line.strip_prefix("- "))
        {
            let value = unquote(item).map_err(|e| (n, e))?;
            match fields.last_mut() {
                Some((_, Yaml::List(l))) => l.push(value),
                Some((_, v @ Yaml::Str(_))) if *v == Yaml::Str(String::new()) => {
                    *v = Yaml::List(vec![value])
                }
                _ => return Err((n, "list item outside a list".into())),
            }
            continue;
        }
        if line.starts_with("  ") {
            let (k, v) = line
                .trim()
                .split_once(':')
                .ok_or_else(|| (n, "expected `key: value`".to_string()))?;
            let value = unquote(v).map_err(|e| (n, e))?;
            match fields.last_mut() {
                Some((_, Yaml::Map(m))) => m.push((k.trim().to_string(), value)),
                Some((_, v @ Yaml::Str(_))) if *v == Yaml::Str(String::new()) => {
                    *v = Yaml::Map(vec![(k.trim().to_string(), value)])
                }
                _ => return Err((n, "indented line outside a mapping".into())),
            }
            continue;
        }
        let (k, v) = line
            .split_once(':')
            .ok_or_else(|| (n, "expected `key: value`".to_string()))?;
        let v = v.trim();
        let value = if v == "[]" {
            Yaml::List(vec![])
        } else {
            Yaml::Str(unquote(v).map_err(|e| (n, e))?)
        };
        fields.push((k.trim().to_string(), value));
    }
    let Some(end) = end else {
        return Err((1, "front matter not closed by `---`".into()));
    };
    let body: Vec<&str> = text.lines().skip(end).collect();
    Ok((fields, body.join("\n").trim().to_string()))
}

/// Parses one Markdown file written by [`write_one`] (or by hand in the same shape).
pub fn parse(text: &str) -> Parsed {
    let text = super::record::normalise_text(text);
    let mut parsed = Parsed::default();
    let (fields, body) = match front_matter(&text) {
        Ok(x) => x,
        Err((line, reason)) => {
            parsed.skipped.push(SkippedEntry { line, reason });
            return parsed;
        }
    };
    let get = |k: &str| {
        fields
            .iter()
            .find(|(key, _)| key == k)
            .and_then(|(_, v)| match v {
                Yaml::Str(s) if !s.is_empty() => Some(s.clone()),
                _ => None,
            })
    };
    let list = |k: &str| {
        fields
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| match v {
                Yaml::List(l) => l.clone(),
                Yaml::Str(s) if !s.is_empty() => vec![s.clone()],
                _ => vec![],
            })
            .unwrap_or_default()
    };
    // A title of blanks (a quoted `" "`) is no title either.
    let Some(title) = get("title")
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
    else {
        parsed.skipped.push(SkippedEntry {
            line: 1,
            reason: "front matter has no title".into(),
        });
        return parsed;
    };
    let mut paper = NewPaper {
        title,
        authors: list("authors"),
        ..Default::default()
    };
    paper.published = get("date")
        .and_then(|d| PartialDate::from_sort_key(&d))
        .or_else(|| {
            get("year")
                .and_then(|y| y.parse().ok())
                .map(|y| PartialDate {
                    year: Some(y),
                    ..Default::default()
                })
        });
    paper.arxiv_id = get("arxiv").as_deref().and_then(arxiv_from);
    paper.doi = get("doi").as_deref().and_then(clean_doi);
    let mut tags = super::record::TagList::default();
    for t in list("tags") {
        tags.push_keyword(&t);
    }
    let tags = tags.into_vec();
    let status = get("status").and_then(|s| s.parse::<Status>().ok());
    parsed.records.push(Record {
        line: 1,
        key: get("citekey"),
        kind: None,
        paper,
        tags,
        collections: list("collections"),
        note: Some(without_annotations(&body)).filter(|b| !b.is_empty()),
        status,
        files: vec![],
        url: None,
        raw: text.clone(),
        context: String::new(),
    });
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_strings_are_escaped_and_read_back() {
        let nasty = "A: \"quoted\" # not a comment \\ back\nnew line\t- ok";
        assert_eq!(unquote(&yaml_str(nasty)).unwrap(), nasty);
    }

    #[test]
    fn a_title_of_blanks_is_no_title() {
        let p = parse("---\ntitle: \" \"\n---\nbody\n");
        assert!(p.records.is_empty());
        assert_eq!(p.skipped[0].reason, "front matter has no title");
    }

    #[test]
    fn front_matter_reads() {
        let p = parse(
            "---\nid: \"1706.03762\"\ncitekey: \"vaswani2017attention\"\ntitle: \"Attention: \\\"all\\\"\"\n\
             authors:\n  - \"Ashish Vaswani\"\nyear: 2017\ndate: \"2017-06-12\"\narxiv: \"1706.03762\"\n\
             links:\n  arxiv: \"https://arxiv.org/abs/1706.03762\"\ntags:\n  - \"nlp\"\nstatus: \"read\"\n---\n\n# Notes\n\nGood.\n",
        );
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        let r = &p.records[0];
        assert_eq!(r.paper.title, "Attention: \"all\"");
        assert_eq!(r.tags, vec!["nlp"]);
        assert_eq!(r.status, Some(Status::Read));
        assert_eq!(r.note.as_deref(), Some("# Notes\n\nGood."));
        assert_eq!(r.paper.published, Some(PartialDate::ymd(2017, 6, 12)));
    }

    #[test]
    fn a_file_without_front_matter_is_reported() {
        let p = parse("just text\n");
        assert_eq!(p.skipped[0].line, 1);
    }
}
