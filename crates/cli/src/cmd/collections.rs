//! `papershelf collection`: named sets of papers curated by hand, nested in a tree. Every
//! command names a collection by its path (`Thesis/Chapter 2`; a top-level one by its name).

use clap::{Args, Subcommand};
use papershelf_core::collections::CollectionChange;
use papershelf_core::{Library, ListFilter, ListSort, PaperId};

use crate::output;

#[derive(Debug, Subcommand)]
pub enum CollectionCommand {
    /// List collections by path, parents before children, with their paper counts
    List {
        /// Print JSON Lines
        #[arg(long)]
        json: bool,
    },
    /// Create an empty collection, and its missing parents
    Create {
        /// Its path, names joined by '/' ("Thesis/Chapter 2"); each name 1 to 80
        /// characters, no '"' or '/', unique under its parent in any case
        name: String,
    },
    /// Put papers in a collection (created, with its parents, when there is none)
    Add(MembersArgs),
    /// Take papers out of a collection (they stay in the library)
    Remove(MembersArgs),
    /// Rename a collection, or move it (with its subtree) under another parent
    Rename {
        /// Its path now (any case)
        name: String,
        /// Its whole new path: the same parent renames it, another parent moves it
        new_name: String,
    },
    /// Delete a collection and the collections under it (the papers stay in the library)
    Delete {
        /// Its path (any case)
        name: String,
    },
    /// List the papers in a collection, newest added first
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub struct MembersArgs {
    /// The collection's path (any case)
    name: String,
    /// Paper ids
    #[arg(required = true)]
    ids: Vec<String>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The collection's path (any case)
    name: String,
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

pub fn run(lib: &Library, command: CollectionCommand) -> anyhow::Result<()> {
    match command {
        CollectionCommand::List { json } => {
            let all = lib.collections()?;
            for c in &all {
                if json {
                    output::json_line(c)?;
                } else {
                    outln!("{:>6}  {}", c.count, c.path);
                }
            }
            if all.is_empty() && !json {
                outln!("no collections; `papershelf collection add NAME ID...` starts one");
            }
        }
        CollectionCommand::Create { name } => {
            let c = lib.create_collection(&name)?;
            outln!("created collection '{}'", c.path);
        }
        CollectionCommand::Add(a) => {
            let change = lib.add_to_collection(&a.name, &ids(&a.ids))?;
            report(&change, "added to", a.json)?;
        }
        CollectionCommand::Remove(a) => {
            let change = lib.remove_from_collection(&a.name, &ids(&a.ids))?;
            report(&change, "removed from", a.json)?;
        }
        CollectionCommand::Rename { name, new_name } => {
            let c = lib.rename_collection(&name, &new_name)?;
            outln!("renamed to '{}' ({} papers)", c.path, c.count);
        }
        CollectionCommand::Delete { name } => {
            let deleted = lib.delete_collection(&name)?;
            // The subtree goes too: say how much, so a parent is not deleted unawares.
            let under = match deleted.collections.saturating_sub(1) {
                0 => String::new(),
                1 => " and the 1 collection under it".into(),
                n => format!(" and the {n} collections under it"),
            };
            outln!(
                "deleted collection '{}'{under} ({}; they stay in the library)",
                name.trim(),
                plural(deleted.papers as usize)
            );
        }
        CollectionCommand::Show(a) => {
            // Name the collection's absence rather than print an empty list.
            let c = lib
                .collection(&a.name)?
                .ok_or_else(|| papershelf_core::Error::CollectionNotFound(a.name.trim().into()))?;
            let filter = ListFilter {
                collection: Some(c.path.clone()),
                limit: Some(a.limit),
                sort: a.sort,
                ..ListFilter::default()
            };
            let empty = format!("'{}' is empty", c.path);
            super::papers::print_list(lib, &filter, a.json, &empty)?;
        }
    }
    Ok(())
}

fn ids(raw: &[String]) -> Vec<PaperId> {
    raw.iter().map(|i| PaperId::new(i.as_str())).collect()
}

fn report(change: &CollectionChange, verb: &str, json: bool) -> anyhow::Result<()> {
    if json {
        return output::json_line(change);
    }
    let c = &change.collection;
    if change.created {
        outln!("created collection '{}'", c.path);
    }
    outln!(
        "{} {} '{}' ({} papers in it)",
        plural(change.changed),
        verb,
        c.path,
        c.count
    );
    Ok(())
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 paper".into()
    } else {
        format!("{n} papers")
    }
}
