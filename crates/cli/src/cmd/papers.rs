//! `papershelf show | list | tag | status | stats`.

use clap::{Args, Subcommand};
use papershelf_core::{Library, ListFilter, ListSort, PaperId, Status};
use serde_json::json;

use crate::output::{self, printable, Lines};

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Paper id (as shown by search or list)
    id: String,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub fn show(lib: &Library, args: ShowArgs) -> anyhow::Result<()> {
    let paper = lib.paper(&PaperId::new(args.id))?;
    if args.json {
        output::json_line(&paper)
    } else {
        out!("{}", output::paper_text(&paper));
        Ok(())
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only papers with this status
    #[arg(long, value_parser = parse_status)]
    status: Option<Status>,
    /// Only papers with this tag
    #[arg(long)]
    tag: Option<String>,
    /// Only papers in the collection at this path (any case)
    #[arg(long)]
    collection: Option<String>,
    /// At most this many
    #[arg(long, default_value_t = 100)]
    limit: usize,
    /// Order: added (newest first), published (newest first) or upvotes (most first)
    #[arg(long, default_value = "added")]
    sort: ListSort,
    /// Print JSON Lines, one object per paper
    #[arg(long)]
    json: bool,
}

fn parse_status(s: &str) -> Result<Status, String> {
    s.parse()
}

pub fn list(lib: &Library, args: ListArgs) -> anyhow::Result<()> {
    let filter = ListFilter {
        status: args.status,
        tag: args.tag,
        collection: args.collection,
        limit: Some(args.limit),
        offset: 0,
        sort: args.sort,
    };
    print_list(lib, &filter, args.json, "no papers")
}

/// Prints the papers `filter` selects, as JSON Lines or one entry per paper.
pub fn print_list(
    lib: &Library,
    filter: &ListFilter,
    json: bool,
    empty: &str,
) -> anyhow::Result<()> {
    let papers = lib.list(filter)?;
    for p in &papers {
        if json {
            output::json_line(p)?;
        } else {
            outln!("{}", output::summary_line(p));
        }
    }
    if papers.is_empty() && !json {
        outln!("{empty}");
    }
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum TagCommand {
    /// Add tags to a paper
    Add {
        /// Paper id
        id: String,
        /// Tags (no spaces; '#' optional)
        #[arg(required = true)]
        tags: Vec<String>,
    },
    /// Remove tags from a paper
    Remove {
        /// Paper id
        id: String,
        /// Tags
        #[arg(required = true)]
        tags: Vec<String>,
    },
}

pub fn tag(lib: &Library, cmd: TagCommand) -> anyhow::Result<()> {
    let paper = match cmd {
        TagCommand::Add { id, tags } => lib.add_tags(&PaperId::new(id), &tags)?,
        TagCommand::Remove { id, tags } => lib.remove_tags(&PaperId::new(id), &tags)?,
    };
    outln!(
        "{}: tags {}",
        paper.id,
        if paper.tags.is_empty() {
            "(none)".to_string()
        } else {
            paper.tags.join(", ")
        }
    );
    Ok(())
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Paper id
    id: String,
    /// inbox, to-read, reading, read or archived
    #[arg(value_parser = parse_status)]
    status: Status,
}

pub fn status(lib: &Library, args: StatusArgs) -> anyhow::Result<()> {
    let paper = lib.set_status(&PaperId::new(args.id), args.status)?;
    outln!("{}: {}", paper.id, paper.status);
    Ok(())
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub fn stats(lib: &Library, args: StatsArgs) -> anyhow::Result<()> {
    let s = lib.stats()?;
    if args.json {
        let by_status: serde_json::Map<String, serde_json::Value> = s
            .by_status
            .iter()
            .map(|(st, n)| (st.to_string(), json!(n)))
            .collect();
        return output::json_line(&json!({
            "papers": s.papers,
            "byStatus": by_status,
            "tags": s.tags,
            "notes": s.notes,
            "pdfs": s.pdfs,
            "pdfsWithText": s.pdfs_with_text,
            "pdfPagesWithText": s.pdf_pages_with_text,
            "annotations": s.annotations,
            "indexed": s.indexed,
            "schemaVersion": s.schema_version,
            "library": s.library_dir,
            "unreadable": s.unreadable,
        }));
    }
    outln!("library:  {}", s.library_dir);
    outln!("papers:   {}", s.papers);
    for (st, n) in &s.by_status {
        outln!("  {:<9} {n}", st.to_string());
    }
    outln!("tags:     {}", s.tags);
    outln!("notes:    {}", s.notes);
    outln!(
        "pdfs:     {} ({} with text, {} pages)",
        s.pdfs,
        s.pdfs_with_text,
        s.pdf_pages_with_text
    );
    outln!("annotations: {}", s.annotations);
    outln!("indexed:  {}", s.indexed);
    if !s.unreadable.is_empty() {
        outln!(
            "unreadable: {} (re-import or delete them)",
            s.unreadable.len()
        );
        for u in &s.unreadable {
            let how = if u.skipped {
                "not searchable"
            } else {
                "searchable"
            };
            outln!(
                "  {}  {}: {} ({how})",
                u.id,
                printable(&u.title, Lines::One),
                printable(&u.reason, Lines::One)
            );
        }
    }
    Ok(())
}
