//! `papershelf annotate` and `papershelf annotations`: highlights on a paper's PDF.

use clap::Args;
use papershelf_core::{Library, PaperId, QuoteAnnotation};

use crate::output;

#[derive(Debug, Args)]
pub struct AnnotateArgs {
    /// Paper id
    id: String,
    /// The text to highlight, as it reads in the PDF (white space, line-end hyphenation and
    /// case do not matter)
    #[arg(long)]
    quote: String,
    /// The page to look on (1-based physical page); the first occurrence otherwise
    #[arg(long)]
    page: Option<u32>,
    /// A comment on the highlight
    #[arg(long)]
    comment: Option<String>,
    /// yellow, red, green, blue, purple, magenta, orange, gray, or #rrggbb
    #[arg(long, alias = "colour")]
    color: Option<String>,
    /// Print the new annotation as a JSON line
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct AnnotationsArgs {
    /// Paper id
    id: String,
    /// JSON Lines: id, kind, page, pageLabel, color, quote, comment, pdfSha256, created,
    /// updated (and the rest of the anchor)
    #[arg(long)]
    json: bool,
}

pub fn annotate(lib: &Library, args: AnnotateArgs) -> anyhow::Result<()> {
    let id = PaperId::new(args.id);
    let made = lib.annotate_quote(
        &id,
        &QuoteAnnotation {
            quote: args.quote,
            page: args.page,
            comment: args.comment,
            color: args.color,
        },
    )?;
    let a = &made.annotation;
    if made.occurrences > 1 {
        let pages: Vec<String> = made.pages.iter().map(u32::to_string).collect();
        let place = if args.page.is_some() {
            format!("on page {}", a.page)
        } else {
            format!("on pages {}", pages.join(", "))
        };
        eprintln!(
            "note: the quote occurs {} times {place}; the first was highlighted{}",
            made.occurrences,
            if args.page.is_some() {
                ""
            } else {
                " (pass --page to choose)"
            }
        );
    }
    if args.json {
        return output::json_line(a);
    }
    outln!(
        "{id}: highlighted on p. {}: \u{201c}{}\u{201d} ({})",
        a.page,
        output::line(&shorten(a.quote.as_deref().unwrap_or(""), 80)),
        a.id
    );
    Ok(())
}

pub fn list(lib: &Library, args: AnnotationsArgs) -> anyhow::Result<()> {
    let id = PaperId::new(args.id);
    let all = lib.annotations(&id)?;
    if args.json {
        for a in &all {
            output::json_line(a)?;
        }
        return Ok(());
    }
    if all.is_empty() {
        outln!("{id} has no annotations");
        return Ok(());
    }
    for a in &all {
        let page = match &a.page_label {
            Some(label) if *label != a.page.to_string() => {
                format!("p. {} ({})", a.page, output::line(label))
            }
            _ => format!("p. {}", a.page),
        };
        let quote = a
            .quote
            .as_deref()
            .map(|q| format!(" \u{201c}{}\u{201d}", output::line(&shorten(q, 100))))
            .unwrap_or_default();
        let comment = if a.comment.is_empty() {
            String::new()
        } else {
            format!(" \u{2014} {}", output::line(&shorten(&a.comment, 100)))
        };
        outln!(
            "{page}  {} {}{quote}{comment}  [{}]",
            a.color,
            a.kind.as_str(),
            a.id
        );
    }
    Ok(())
}

/// At most `max` characters of `text` on one line, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    let flat = papershelf_core::text::collapse_whitespace(text);
    if flat.chars().count() <= max {
        return flat;
    }
    let mut cut: String = flat.chars().take(max - 1).collect();
    cut.push('\u{2026}');
    cut
}
