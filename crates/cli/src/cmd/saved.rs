//! `papershelf saved`: searches kept under a name.

use clap::{Args, Subcommand};
use papershelf_core::{BrowseRequest, BrowseSort, Library};

use crate::output;

#[derive(Debug, Subcommand)]
pub enum SavedCommand {
    /// List saved searches by name
    List {
        /// Print JSON Lines
        #[arg(long)]
        json: bool,
    },
    /// Save a search under a name (an existing one of the same name is replaced)
    Add(AddArgs),
    /// Delete a saved search by name
    Rm {
        /// Its name (any case)
        name: String,
    },
    /// Run a saved search
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Its name (1 to 80 characters)
    name: String,
    /// The query, as `papershelf search` takes it
    #[arg(allow_hyphen_values = true)]
    query: String,
    /// Order: relevance, added, published, upvotes
    #[arg(long)]
    sort: Option<BrowseSort>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Its name (any case)
    name: String,
    /// Results to show (at most 500)
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Results to skip
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Also print facet counts
    #[arg(long)]
    facets: bool,
    /// Print JSON Lines, one object per paper
    #[arg(long)]
    json: bool,
}

pub fn run(lib: &Library, command: SavedCommand) -> anyhow::Result<()> {
    match command {
        SavedCommand::List { json } => {
            let all = lib.saved_searches()?;
            for s in &all {
                if json {
                    output::json_line(s)?;
                } else {
                    let sort = s.sort.map(|s| format!("  (by {s})")).unwrap_or_default();
                    outln!("{:>4}  {}: {}{sort}", s.id, s.name, s.query);
                }
            }
            if all.is_empty() && !json {
                outln!("no saved searches; `papershelf saved add NAME QUERY` saves one");
            }
        }
        SavedCommand::Add(a) => {
            let s = lib.save_search(&a.name, &a.query, a.sort)?;
            if a.json {
                output::json_line(&s)?;
            } else {
                outln!("saved '{}': {}", s.name, s.query);
            }
        }
        SavedCommand::Rm { name } => {
            let s = find(lib, &name)?;
            lib.delete_saved_search(s.id)?;
            outln!("deleted saved search '{}'", s.name);
        }
        SavedCommand::Run(a) => {
            let s = find(lib, &a.name)?;
            let results = lib.browse(&BrowseRequest {
                query: s.query.clone(),
                sort: s.sort,
                offset: a.offset,
                limit: a.limit.max(1),
                facets: a.facets,
                ..Default::default()
            })?;
            super::search::print_results(&results, a.json)?;
        }
    }
    Ok(())
}

fn find(lib: &Library, name: &str) -> anyhow::Result<papershelf_core::SavedSearch> {
    lib.saved_search(name)?.ok_or_else(|| {
        anyhow::anyhow!("no saved search named '{name}'; `papershelf saved list` lists them")
    })
}
