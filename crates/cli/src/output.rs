//! Printing: JSON Lines for machines, short readable text for people.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};

pub use papershelf_core::clean::{printable, Lines};
use papershelf_core::{Paper, PaperSummary, Snippet};
use serde::Serialize;

/// Bold and back, around search matches on a terminal: the only escape sequences the CLI
/// itself prints.
const BOLD: &str = "\x1b[1m";
const PLAIN: &str = "\x1b[0m";

/// Prints one value as a JSON line. JSON escapes C0 controls itself; DEL, C1 controls and
/// the text-direction controls, which it leaves raw, are written as `\u` escapes too, so text
/// stored by older versions cannot act on the terminal.
pub fn json_line<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string(value)?;
    let mut safe = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if c.is_control()
            || papershelf_core::clean::is_bidi_control(c)
            || matches!(c, '\u{2028}' | '\u{2029}')
        {
            safe.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            safe.push(c);
        }
    }
    safe.push('\n');
    std::io::stdout().lock().write_all(safe.as_bytes())?;
    Ok(())
}

/// Writes `text` to stdout with every control character shown as a visible escape, except
/// line breaks, tabs and the CLI's own bold markers: the last line of defence that keeps an
/// escape sequence in a title (stored by an older version, or quoted in a message) from
/// acting on the terminal. The text helpers below escape library text themselves.
pub fn write_out(text: &str) -> std::io::Result<()> {
    std::io::stdout()
        .lock()
        .write_all(terminal_safe(text).as_bytes())
}

/// [`write_out`] for page text: the form feeds that separate pages are written as they are.
pub fn write_pages(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for (i, page) in text.split('\u{c}').enumerate() {
        if i > 0 {
            out.write_all(b"\x0c")?;
        }
        out.write_all(terminal_safe(page).as_bytes())?;
    }
    Ok(())
}

fn terminal_safe(text: &str) -> Cow<'_, str> {
    let unwanted =
        |c: char| !matches!(c, '\n' | '\t') && papershelf_core::clean::is_unwanted(c, Lines::Many);
    if !text.chars().any(unwanted) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\x1b' && (rest.starts_with(BOLD) || rest.starts_with(PLAIN)) {
            out.push_str(&rest[..BOLD.len()]);
            rest = &rest[BOLD.len()..];
            continue;
        }
        if unwanted(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// Library text for one line of output: controls and line breaks shown as escapes.
pub fn line(s: &str) -> Cow<'_, str> {
    printable(s, Lines::One)
}

/// Library text that may span lines (abstracts, notes): controls shown as escapes.
pub fn block(s: &str) -> Cow<'_, str> {
    printable(s, Lines::Many)
}

/// "A. One, B. Two, C. Three et al." or "7 authors" or the organisation.
pub fn byline(authors: &[String], count: Option<u32>, org: Option<&str>) -> String {
    if !authors.is_empty() {
        let shown: Vec<&str> = authors.iter().take(3).map(String::as_str).collect();
        let more = if authors.len() > 3 { " et al." } else { "" };
        return format!("{}{more}", line(&shown.join(", ")));
    }
    match (count, org) {
        (_, Some(org)) => line(org).into_owned(),
        (Some(1), None) => "1 author".into(),
        (Some(n), None) => format!("{n} authors"),
        (None, None) => "unknown authors".into(),
    }
}

/// When a paper was published, as known ("2023", "May 22").
pub fn when(p: &PaperSummary) -> String {
    match (&p.published, p.year) {
        (Some(d), _) if d.year.is_none() => d.to_string(),
        (_, Some(y)) => y.to_string(),
        _ => "n.d.".into(),
    }
}

/// Renders a snippet with matches in bold on a terminal, in «» otherwise.
pub fn render_snippet(s: &Snippet) -> String {
    let tty = std::io::stdout().is_terminal();
    let (open, close) = if tty { (BOLD, PLAIN) } else { ("«", "»") };
    let mut out = String::with_capacity(s.text.len() + 16);
    let mut at = 0;
    for h in &s.highlights {
        if h.start < at
            || h.end > s.text.len()
            || !s.text.is_char_boundary(h.start)
            || !s.text.is_char_boundary(h.end)
        {
            continue;
        }
        // Escaped piece by piece: the highlights count bytes of the text as stored.
        out.push_str(&line(&s.text[at..h.start]));
        out.push_str(open);
        out.push_str(&line(&s.text[h.start..h.end]));
        out.push_str(close);
        at = h.end;
    }
    out.push_str(&line(&s.text[at..]));
    out
}

/// The one-line-plus-byline form used by `list`.
pub fn summary_line(p: &PaperSummary) -> String {
    let tags = if p.tags.is_empty() {
        String::new()
    } else {
        format!("  #{}", p.tags.join(" #"))
    };
    let text = format!(
        "{}  [{}]  {} ({})\n    {}{tags}",
        p.id,
        p.status,
        line(&p.title),
        when(p),
        byline(&p.authors, p.author_count, p.organization.as_deref())
    );
    block(&text).into_owned()
}

/// The full text form used by `show`.
pub fn paper_text(p: &Paper) -> String {
    let title = line(&p.title);
    let mut s = format!("{title}\n{}\n", "=".repeat(title.chars().count().min(80)));
    s += &format!("id:       {}\n", p.id);
    if let Some(a) = &p.arxiv_id {
        s += &format!("arXiv:    {a}  https://arxiv.org/abs/{a}\n");
    }
    s += &format!(
        "authors:  {}\n",
        byline(&p.authors, p.author_count, p.organization.as_deref())
    );
    if let Some(d) = &p.published {
        s += &format!("date:     {d}\n");
    }
    if let Some(u) = p.upvotes {
        s += &format!("upvotes:  {u}\n");
    }
    s += &format!("status:   {}\n", p.status);
    if !p.tags.is_empty() {
        s += &format!("tags:     {}\n", p.tags.join(", "));
    }
    if !p.collections.is_empty() {
        s += &format!("in:       {}\n", p.collections.join(" · "));
    }
    if !p.categories.is_empty() {
        s += &format!("category: {}\n", p.categories.join(" "));
    }
    if let Some(doi) = &p.doi {
        s += &format!("doi:      {doi}\n");
    }
    for other in p
        .dois
        .iter()
        .filter(|d| Some(d.as_str()) != p.doi.as_deref().map(str::to_lowercase).as_deref())
    {
        s += &format!("also doi: {other}\n");
    }
    if let Some(venue) = &p.signals.venue {
        s += &format!("venue:    {venue}\n");
    }
    if let Some(n) = p.signals.citation_count {
        s += &format!("cited by: {n} (Semantic Scholar)\n");
    }
    for src in &p.sources {
        s += &format!(
            "source:   {} ({}), first seen {}\n",
            src.source, src.origin, src.first_seen
        );
    }
    // Which source each field came from, grouped: "arxiv-api: title, abstract, authors".
    let mut by_source: Vec<(&str, Vec<&str>)> = Vec::new();
    for f in &p.provenance {
        match by_source.iter_mut().find(|(src, _)| *src == f.source) {
            Some((_, fields)) => fields.push(&f.field),
            None => by_source.push((&f.source, vec![&f.field])),
        }
    }
    for (src, fields) in by_source {
        s += &format!("fields:   {src}: {}\n", fields.join(", "));
    }
    if !p.abstract_text.is_empty() {
        s += &format!("\n{}\n", p.abstract_text);
    }
    if let Some(n) = &p.note {
        s += &format!("\nNote (updated {}):\n{}\n", n.updated_at, n.body);
    }
    // Every other field is library text too: shown with its controls escaped.
    block(&s).into_owned()
}

/// A byte count for people: `812 B`, `14.2 KB`, `3.1 MB`.
pub fn bytes(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} KB", n as f64 / 1e3),
        _ => format!("{:.1} MB", n as f64 / 1e6),
    }
}
