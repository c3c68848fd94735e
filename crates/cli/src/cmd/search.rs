//! `papershelf search`.

use clap::Args;
use papershelf_core::{BrowseRequest, BrowseResults, BrowseSort, Facets, Library, Status};

use crate::output;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words, "phrases", title:, author:, tag:, status:, source:, year:2019..2023,
    /// -exclude; empty lists every paper in scope
    #[arg(num_args = 0.., allow_hyphen_values = true)]
    query: Vec<String>,
    /// Results to show (at most 500)
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Results to skip
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Order: relevance, added, published, upvotes [default: relevance with words, else added]
    #[arg(long)]
    sort: Option<BrowseSort>,
    /// Only papers with this status
    #[arg(long)]
    status: Option<Status>,
    /// Only papers with this tag
    #[arg(long)]
    tag: Option<String>,
    /// Only papers in the collection at this path (any case)
    #[arg(long)]
    collection: Option<String>,
    /// Also print facet counts (status, tags, years, sources) over all matches
    #[arg(long)]
    facets: bool,
    /// Print JSON Lines, one object per paper (then one `{"facets": ...}` line with --facets)
    #[arg(long)]
    json: bool,
}

/// The query words swallow everything after them (so `-word` exclusions work unquoted); pull
/// this command's own flags back out of them.
fn split_flags(mut args: SearchArgs) -> anyhow::Result<SearchArgs> {
    let mut words = Vec::new();
    let mut it = std::mem::take(&mut args.query).into_iter();
    while let Some(w) = it.next() {
        let (flag, inline) = match w.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (w.clone(), None),
        };
        let mut value = |name: &str| -> anyhow::Result<String> {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| anyhow::anyhow!("{name} takes a value"))
        };
        match flag.as_str() {
            "--json" => args.json = true,
            "--facets" => args.facets = true,
            "--limit" => {
                let n = value("--limit")?;
                args.limit = n
                    .parse()
                    .map_err(|_| anyhow::anyhow!("--limit takes a number, got '{n}'"))?;
            }
            "--offset" => {
                let n = value("--offset")?;
                args.offset = n
                    .parse()
                    .map_err(|_| anyhow::anyhow!("--offset takes a number, got '{n}'"))?;
            }
            "--sort" => {
                args.sort = Some(value("--sort")?.parse().map_err(anyhow::Error::msg)?);
            }
            "--status" => {
                args.status = Some(value("--status")?.parse().map_err(anyhow::Error::msg)?);
            }
            "--tag" => args.tag = Some(value("--tag")?),
            "--collection" => args.collection = Some(value("--collection")?),
            "--" => words.extend(it.by_ref()),
            _ => words.push(w),
        }
    }
    args.query = words;
    Ok(args)
}

pub fn run(lib: &Library, args: SearchArgs) -> anyhow::Result<()> {
    let args = split_flags(args)?;
    let query = args.query.join(" ");
    let req = BrowseRequest {
        query: query.clone(),
        status: args.status,
        tag: args.tag.clone(),
        collection: args.collection.clone(),
        sort: args.sort,
        offset: args.offset,
        limit: args.limit.max(1),
        facets: args.facets,
    };
    let results = lib.browse(&req)?;
    print_results(&results, args.json)
}

/// Prints a page of results (and its facets, when computed): text, or JSON Lines.
pub fn print_results(results: &BrowseResults, json: bool) -> anyhow::Result<()> {
    for notice in &results.notices {
        eprintln!("note: {notice}");
    }
    if json {
        for hit in &results.hits {
            output::json_line(hit)?;
        }
        if let Some(facets) = &results.facets {
            output::json_line(&serde_json::json!({ "facets": facets }))?;
        }
        return Ok(());
    }
    if results.hits.is_empty() {
        if results.total > 0 {
            outln!(
                "no papers past {} (of {} matching)",
                results.offset,
                results.total
            );
        } else if results.query.trim().is_empty() {
            outln!("no papers");
        } else {
            outln!("no papers match '{}'", results.query);
        }
    } else {
        let from = results.offset + 1;
        let to = results.offset + results.hits.len();
        if results.offset == 0 {
            outln!(
                "{} of {} matching papers (by {}):",
                results.hits.len(),
                results.total,
                results.sort
            );
        } else {
            outln!(
                "{from}–{to} of {} matching papers (by {}):",
                results.total,
                results.sort
            );
        }
    }
    for hit in &results.hits {
        let p = &hit.paper;
        if results.sort == BrowseSort::Relevance {
            out!("\n{:>6.2}  ", hit.score);
        } else {
            out!("\n        ");
        }
        outln!(
            "{}  ({})  {}",
            output::render_snippet(&hit.title_snippet),
            output::when(p),
            p.id
        );
        outln!(
            "        {}",
            output::byline(&p.authors, p.author_count, p.organization.as_deref())
        );
        let abstract_matched = !hit.abstract_snippet.highlights.is_empty();
        if !hit.abstract_snippet.text.is_empty()
            && (abstract_matched || hit.fulltext_snippet.is_none())
        {
            outln!("        {}", output::render_snippet(&hit.abstract_snippet));
        }
        if let Some(page) = &hit.fulltext_snippet {
            // Line breaks become spaces: one byte each, so the highlight offsets still hold.
            let flat = papershelf_core::Snippet {
                text: page.text.replace('\n', " "),
                highlights: page.highlights.clone(),
            };
            outln!(
                "        p. {}: {}",
                page.page,
                output::render_snippet(&flat)
            );
        }
    }
    if let Some(facets) = &results.facets {
        print_facets(facets)?;
    }
    Ok(())
}

fn print_facets(f: &Facets) -> anyhow::Result<()> {
    outln!("\nfacets:");
    for (name, counts) in [
        ("status", &f.status),
        ("tags", &f.tags),
        ("years", &f.years),
        ("sources", &f.sources),
    ] {
        if counts.is_empty() {
            continue;
        }
        let line: Vec<String> = counts
            .iter()
            .map(|c| format!("{} ({})", c.value, c.count))
            .collect();
        outln!("  {name:<8} {}", line.join(", "));
    }
    Ok(())
}
