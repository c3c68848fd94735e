//! Printing: JSON Lines for machines, short readable text for people.

use std::io::{IsTerminal, Write};

use papershelf_core::{Paper, PaperSummary, Snippet};
use serde::Serialize;

/// Prints one value as a JSON line.
pub fn json_line<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// "A. One, B. Two, C. Three et al." or "7 authors" or the organisation.
pub fn byline(authors: &[String], count: Option<u32>, org: Option<&str>) -> String {
    if !authors.is_empty() {
        let shown: Vec<&str> = authors.iter().take(3).map(String::as_str).collect();
        let more = if authors.len() > 3 { " et al." } else { "" };
        return format!("{}{more}", shown.join(", "));
    }
    match (count, org) {
        (_, Some(org)) => org.to_string(),
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
    let (open, close) = if tty {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("«", "»")
    };
    let mut out = String::with_capacity(s.text.len() + 16);
    let mut at = 0;
    for h in &s.highlights {
        if h.start < at || h.end > s.text.len() {
            continue;
        }
        out.push_str(&s.text[at..h.start]);
        out.push_str(open);
        out.push_str(&s.text[h.start..h.end]);
        out.push_str(close);
        at = h.end;
    }
    out.push_str(&s.text[at..]);
    out
}

/// The one-line-plus-byline form used by `list`.
pub fn summary_line(p: &PaperSummary) -> String {
    let tags = if p.tags.is_empty() {
        String::new()
    } else {
        format!("  #{}", p.tags.join(" #"))
    };
    format!(
        "{}  [{}]  {} ({})\n    {}{tags}",
        p.id,
        p.status,
        p.title,
        when(p),
        byline(&p.authors, p.author_count, p.organization.as_deref())
    )
}

/// The full text form used by `show`.
pub fn paper_text(p: &Paper) -> String {
    let mut s = format!(
        "{}\n{}\n",
        p.title,
        "=".repeat(p.title.chars().count().min(80))
    );
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
    s
}

/// A byte count for people: `812 B`, `14.2 KB`, `3.1 MB`.
pub fn bytes(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} KB", n as f64 / 1e3),
        _ => format!("{:.1} MB", n as f64 / 1e6),
    }
}
