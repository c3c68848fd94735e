//! `papershelf search`.

use clap::Args;
use papershelf_core::{Library, SearchOptions};

use crate::output;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words, "phrases", title:, author:, tag:, status:, year:2019..2023, -exclude
    #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
    query: Vec<String>,
    /// Results to show
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Print JSON Lines, one object per paper
    #[arg(long)]
    json: bool,
}

/// The query words swallow everything after them (so `-word` exclusions work unquoted); pull
/// this command's own flags back out of them.
fn split_flags(mut args: SearchArgs) -> anyhow::Result<SearchArgs> {
    let mut words = Vec::new();
    let mut it = std::mem::take(&mut args.query).into_iter();
    while let Some(w) = it.next() {
        if w == "--json" {
            args.json = true;
        } else if w == "--limit" {
            let n = it.next().unwrap_or_default();
            args.limit = n
                .parse()
                .map_err(|_| anyhow::anyhow!("--limit takes a number, got '{n}'"))?;
        } else if let Some(n) = w.strip_prefix("--limit=") {
            args.limit = n
                .parse()
                .map_err(|_| anyhow::anyhow!("--limit takes a number, got '{n}'"))?;
        } else if w == "--" {
            words.extend(it.by_ref());
        } else {
            words.push(w);
        }
    }
    args.query = words;
    Ok(args)
}

pub fn run(lib: &Library, args: SearchArgs) -> anyhow::Result<()> {
    let args = split_flags(args)?;
    let query = args.query.join(" ");
    let opts = SearchOptions {
        limit: args.limit.max(1),
        offset: 0,
    };
    let results = lib.search(&query, &opts)?;
    for notice in &results.notices {
        eprintln!("note: {notice}");
    }
    if args.json {
        for hit in &results.hits {
            output::json_line(hit)?;
        }
        return Ok(());
    }
    if results.hits.is_empty() {
        outln!("no papers match '{query}'");
        return Ok(());
    }
    outln!(
        "{} of {} matching papers:",
        results.hits.len(),
        results.total
    );
    for hit in &results.hits {
        let p = &hit.paper;
        outln!(
            "\n{:>6.2}  {}  ({})  {}",
            hit.score,
            output::render_snippet(&hit.title_snippet),
            output::when(p),
            p.id
        );
        outln!(
            "        {}",
            output::byline(&p.authors, p.author_count, p.organization.as_deref())
        );
        if !hit.abstract_snippet.text.is_empty() {
            outln!("        {}", output::render_snippet(&hit.abstract_snippet));
        }
    }
    Ok(())
}
