//! RIS in and out, as Zotero writes it: `TY  - ` starts a record, `ER  - ` ends it, one tag
//! per line (`AU` and `KW` repeat), CRLF line endings and a byte-order mark accepted. Lines
//! without a tag continue the previous field (with a line break, so notes keep theirs).
//!
//! RIS has no escaping, so a note holding a line `ER  - ` would end its record for every
//! reader. The writer puts a backslash before a continuation line that looks like a tag line
//! (see `looks_like_tag`), and the reader takes one off such a line again.

use super::record::{
    arxiv_from, arxiv_in_text, clean_doi, normalise_text, person_name, ExportEntry, Parsed, Record,
    TagList,
};
use crate::import::SkippedEntry;
use crate::model::{NewPaper, PartialDate};
use crate::text::collapse_whitespace;

/// `XY  - value` → (`XY`, `value`).
fn tag_line(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    if b.len() >= 5
        && b[0].is_ascii_uppercase()
        && (b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
        && &b[2..5] == b"  -"
    {
        let value = line[5..].strip_prefix(' ').unwrap_or(&line[5..]);
        Some((&line[..2], value))
    } else {
        None
    }
}

/// True for a line that some reader could take for a tag line: after any backslashes and
/// white space, a capital, a capital or digit, white space and `-` (Zotero accepts one or two
/// spaces, other readers are looser). Adding a backslash in front does not change the answer,
/// which is what makes [`escape_continuation`] and [`unescape_continuation`] exact inverses.
fn looks_like_tag(line: &str) -> bool {
    let rest = line.trim_start_matches('\\').trim_start();
    let mut chars = rest.chars();
    let (Some(a), Some(b)) = (chars.next(), chars.next()) else {
        return false;
    };
    let gap = chars.as_str();
    let after = gap.trim_start();
    a.is_ascii_uppercase()
        && (b.is_ascii_uppercase() || b.is_ascii_digit())
        && after.len() < gap.len()
        && after.starts_with('-')
}

/// A continuation line as written: one that looks like a tag line gets a backslash in front.
fn escape_continuation(line: &str) -> std::borrow::Cow<'_, str> {
    if looks_like_tag(line) {
        format!("\\{line}").into()
    } else {
        line.into()
    }
}

/// A continuation line as read: undoes [`escape_continuation`].
fn unescape_continuation(line: &str) -> &str {
    match line.strip_prefix('\\') {
        Some(rest) if looks_like_tag(line) => rest,
        _ => line,
    }
}

/// A record being read: its first line, its fields and its raw lines.
type Open<'a> = (usize, Vec<(String, String)>, Vec<&'a str>);

/// Parses an RIS file. Never fails: bad records are reported with their line.
pub fn parse(text: &str) -> Parsed {
    let text = normalise_text(text);
    let mut parsed = Parsed::default();
    let mut current: Option<Open<'_>> = None;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        match tag_line(line) {
            Some(("TY", value)) => {
                if let Some((start, _, _)) = current.take() {
                    parsed.skipped.push(SkippedEntry {
                        line: start,
                        reason: format!("record not closed by `ER  -` before line {line_no}"),
                    });
                }
                current = Some((
                    line_no,
                    vec![("TY".into(), value.trim().into())],
                    vec![line],
                ));
            }
            Some(("ER", _)) => match current.take() {
                Some((start, fields, mut raw)) => {
                    raw.push(line);
                    match record_from(start, &fields, raw.join("\n")) {
                        Ok(r) => parsed.records.push(r),
                        Err(e) => parsed.skipped.push(e),
                    }
                }
                None => parsed.skipped.push(SkippedEntry {
                    line: line_no,
                    reason: "`ER  -` without a record (no `TY  -` before it)".into(),
                }),
            },
            Some((tag, value)) => match current.as_mut() {
                Some((_, fields, raw)) => {
                    fields.push((tag.to_string(), value.to_string()));
                    raw.push(line);
                }
                None => parsed.skipped.push(SkippedEntry {
                    line: line_no,
                    reason: format!("`{tag}` outside a record (no `TY  -` before it)"),
                }),
            },
            None => {
                if let Some((_, fields, raw)) = current.as_mut() {
                    raw.push(line);
                    if let Some(last) = fields.last_mut() {
                        last.1.push('\n');
                        last.1.push_str(unescape_continuation(line));
                    }
                } else if !line.trim().is_empty() {
                    parsed.skipped.push(SkippedEntry {
                        line: line_no,
                        reason: "not an RIS line (expected `XY  - value`)".into(),
                    });
                }
            }
        }
    }
    if let Some((start, _, _)) = current {
        parsed.skipped.push(SkippedEntry {
            line: start,
            reason: "record not closed by `ER  -` before the end of the file".into(),
        });
    }
    parsed
}

fn record_from(
    line: usize,
    fields: &[(String, String)],
    raw: String,
) -> Result<Record, SkippedEntry> {
    let get = |tags: &[&str]| -> Option<String> {
        tags.iter().find_map(|t| {
            fields
                .iter()
                .find(|(k, v)| k == t && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_string())
        })
    };
    fn all<'a>(
        fields: &'a [(String, String)],
        tag: &'a str,
    ) -> impl Iterator<Item = &'a (String, String)> + 'a {
        fields
            .iter()
            .filter(move |(k, v)| k == tag && !v.trim().is_empty())
    }
    let Some(title) = get(&["TI", "T1"]).map(|t| collapse_whitespace(&t)) else {
        return Err(SkippedEntry {
            line,
            reason: "record has no title (`TI`)".into(),
        });
    };
    let mut paper = NewPaper {
        title,
        ..Default::default()
    };
    paper.authors = ["AU", "A1"]
        .iter()
        .flat_map(|t| all(fields, t))
        .map(|(_, v)| person_name(v))
        .collect();
    paper.abstract_text = get(&["AB", "N2"])
        .map(|a| collapse_whitespace(&a))
        .unwrap_or_default();
    paper.journal_ref = get(&["T2", "JO", "JF", "BT"]);
    paper.published = get(&["DA", "PY", "Y1"]).and_then(|d| ris_date(&d));
    if let Some(d) = get(&["DO"]) {
        match clean_doi(&d) {
            Some(doi) => paper.doi = Some(doi),
            None => paper.arxiv_id = arxiv_from(&d),
        }
    }
    let mut url = None;
    for (_, u) in all(fields, "UR") {
        match arxiv_from(u) {
            Some(id) if paper.arxiv_id.is_none() => paper.arxiv_id = Some(id),
            Some(_) => {}
            None => {
                if url.is_none() {
                    url = Some(u.trim().to_string());
                }
            }
        }
    }
    let mut notes = Vec::new();
    for (_, n) in all(fields, "N1") {
        let n = n.trim();
        // Zotero writes the arXiv id of a preprint as a one-line note: an id, not a note.
        let is_id_line = n.lines().count() == 1 && n.to_ascii_lowercase().starts_with("arxiv:");
        match arxiv_in_text(n) {
            Some(id) if is_id_line => {
                paper.arxiv_id.get_or_insert(id);
            }
            _ => notes.push(n.to_string()),
        }
    }
    let mut tags = TagList::default();
    for (_, k) in all(fields, "KW") {
        tags.push_keyword(k);
    }
    let tags = tags.into_vec();
    Ok(Record {
        line,
        key: get(&["ID"]),
        kind: get(&["TY"]),
        paper,
        tags,
        collections: vec![],
        note: Some(notes.join("\n\n")).filter(|n| !n.is_empty()),
        status: None,
        files: all(fields, "L1")
            .map(|(_, v)| v.trim().to_string())
            .collect(),
        url,
        raw,
        context: String::new(),
    })
}

/// `2017`, `2017/06/12/`, `2017/06//`, `2017-06-12`.
fn ris_date(s: &str) -> Option<PartialDate> {
    let parts: Vec<&str> = s.split(['/', '-']).map(str::trim).collect();
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

/// Characters that end a line for some reader: `\n`, `\r`, NEL and the Unicode line and
/// paragraph separators (JavaScript's `^` and `$` take the last two as line ends).
fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Writes one `XY  - value` line, and the value's further lines as continuation lines that
/// never look like a tag line. Line breaks of any kind become CRLF (`\r\n` counts once);
/// other control characters but tab are dropped.
pub fn write_field(out: &mut String, tag: &str, value: &str) {
    out.push_str(tag);
    out.push_str("  - ");
    let value = value.replace("\r\n", "\n");
    for (n, line) in value.split(is_line_break).enumerate() {
        let line: String = line
            .chars()
            .filter(|c| *c == '\t' || !c.is_control())
            .collect();
        if n > 0 {
            out.push_str("\r\n");
            out.push_str(&escape_continuation(&line));
        } else {
            out.push_str(&line);
        }
    }
    out.push_str("\r\n");
}

/// Writes entries as RIS with CRLF line endings (what reference managers expect).
pub fn write(entries: &[ExportEntry]) -> String {
    let mut out = String::new();
    for e in entries {
        let p = &e.paper;
        let mut line = |tag: &str, value: &str| write_field(&mut out, tag, value);
        line(
            "TY",
            if p.journal_ref.is_some() {
                "JOUR"
            } else {
                "PREPRINT"
            },
        );
        line("ID", &e.key);
        line("TI", &p.title);
        for a in &p.authors {
            let (given, family) = super::record::split_name(a);
            if given.is_empty() {
                line("AU", &family);
            } else {
                line("AU", &format!("{family}, {given}"));
            }
        }
        if let Some(j) = &p.journal_ref {
            line("T2", j);
        }
        if let Some(d) = p.published.filter(|d| d.year.is_some()) {
            let y = d.year.unwrap_or_default();
            line("PY", &y.to_string());
            let m = d.month.map(|m| format!("{m:02}")).unwrap_or_default();
            let dd = d.day.map(|x| format!("{x:02}")).unwrap_or_default();
            line("DA", &format!("{y}/{m}/{dd}/"));
        } else if let Some(y) = p.year {
            line("PY", &y.to_string());
        }
        if let Some(d) = &p.doi {
            line("DO", d);
        }
        let links = super::record::Links::of(p);
        if let Some(u) = &links.arxiv {
            line("UR", u);
        }
        if let Some(u) = &links.pdf {
            line("L1", u);
        }
        if !p.abstract_text.is_empty() {
            line("AB", &p.abstract_text);
        }
        for t in &p.tags {
            line("KW", t);
        }
        if let Some(n) = p.note.as_ref().filter(|n| !n.body.trim().is_empty()) {
            line("N1", n.body.trim());
        }
        line("ER", "");
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zotero_record_reads() {
        let p = parse(
            "\u{feff}TY  - PREPRINT\r\nTI  - Attention Is All You Need\r\nAU  - Vaswani, Ashish\r\n\
             AU  - Shazeer, Noam\r\nDA  - 2017/06/12/\r\nPY  - 2017\r\nDO  - 10.48550/arXiv.1706.03762\r\n\
             UR  - http://arxiv.org/abs/1706.03762\r\nKW  - Computer Science - Computation and Language\r\n\
             N1  - arXiv:1706.03762 [cs]\r\nN1  - My note\r\nsecond line\r\nER  - \r\n",
        );
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        let r = &p.records[0];
        assert_eq!(r.paper.authors, vec!["Ashish Vaswani", "Noam Shazeer"]);
        assert_eq!(r.paper.arxiv_id.as_ref().unwrap().as_str(), "1706.03762");
        assert_eq!(r.paper.doi, None);
        assert_eq!(r.paper.published, Some(PartialDate::ymd(2017, 6, 12)));
        assert_eq!(r.note.as_deref(), Some("My note\nsecond line"));
        assert_eq!(r.tags, vec!["Computer-Science-Computation-and-Language"]);
    }

    #[test]
    fn unclosed_and_untitled_records_are_reported() {
        let p = parse("TY  - JOUR\nAU  - X, Y\nER  - \nTY  - JOUR\nTI  - Open\nTY  - JOUR\nTI  - Fine\nER  -\n");
        assert_eq!(p.records.len(), 1);
        assert_eq!(p.records[0].paper.title, "Fine");
        let lines: Vec<usize> = p.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, vec![1, 4]);
    }

    /// A record written field by field as [`write`] does.
    fn record(fields: &[(&str, &str)]) -> String {
        let mut out = String::new();
        write_field(&mut out, "TY", "JOUR");
        for (tag, value) in fields {
            write_field(&mut out, tag, value);
        }
        write_field(&mut out, "ER", "");
        out
    }

    #[test]
    fn a_note_holding_tag_lines_stays_in_its_record() {
        let note =
            "Before\nER  - \nTY  - JOUR\nTI  - Injected\r\n  ER  - indented\rKW  -x\n\\ER  - \nend";
        let title = "Title\u{2028}ER  - \u{85}TY  - BOOK";
        let text = record(&[("TI", title), ("N1", note), ("AB", "one\n\nAU  - two")]);
        assert_eq!(text.matches("\r\nER  - ").count(), 1, "{text}");
        let p = parse(&text);
        assert!(p.skipped.is_empty(), "{:?}\n{text}", p.skipped);
        assert_eq!(p.records.len(), 1, "{text}");
        let r = &p.records[0];
        assert_eq!(
            r.note.as_deref(),
            Some("Before\nER  - \nTY  - JOUR\nTI  - Injected\n  ER  - indented\nKW  -x\n\\ER  - \nend")
        );
        assert_eq!(r.paper.title, "Title ER - TY - BOOK");
        assert_eq!(r.paper.abstract_text, "one AU - two");
        assert!(r.paper.authors.is_empty());
    }

    #[test]
    fn continuation_escaping_is_exact() {
        for line in [
            "ER  - ",
            "\\ER  - ",
            "\\\\TY - x",
            " \tA1\t-",
            "AB-testing",
            "Ab  - lower case",
            "\\plain",
            "\\",
            "",
            "E",
            "ER",
        ] {
            let written = escape_continuation(line);
            assert_eq!(unescape_continuation(&written), line, "{line:?}");
            assert!(tag_line(&written).is_none(), "{written:?}");
            assert_eq!(
                written.len() == line.len() + 1,
                looks_like_tag(line),
                "{line:?}"
            );
        }
        assert!(!looks_like_tag("AB-testing"));
        assert!(looks_like_tag("  KW - x"));
    }

    #[test]
    fn control_characters_are_dropped_and_line_breaks_become_crlf() {
        let text = record(&[("TI", "a\u{0}b\u{1b}[31mc\td"), ("N1", "x\r\ny\rz")]);
        assert!(text.contains("TI  - ab[31mc\td\r\n"), "{text:?}");
        assert!(text.contains("N1  - x\r\ny\r\nz\r\n"), "{text:?}");
    }
}
