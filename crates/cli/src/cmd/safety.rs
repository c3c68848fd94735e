//! `papershelf backup | backups | restore | delete | trash`: undo for the library.

use std::io::IsTerminal;
use std::path::Path;

use clap::{Args, Subcommand};
use papershelf_core::{Library, PaperId};

use crate::output;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Print JSON
    #[arg(long)]
    json: bool,
}

/// Takes a backup now and prints where it is.
pub fn backup(lib: &Library, args: BackupArgs) -> anyhow::Result<()> {
    let b = lib.backup()?;
    if args.json {
        return output::json_line(&b);
    }
    outln!(
        "backed up {} papers to {} ({})",
        b.papers.unwrap_or(0),
        b.path.display(),
        human_bytes(b.bytes)
    );
    Ok(())
}

#[derive(Debug, Args)]
pub struct BackupsArgs {
    /// Print JSON Lines, one object per backup
    #[arg(long)]
    json: bool,
}

/// Lists backups without opening the library (it may be the damaged thing).
pub fn backups(dir: &Path, args: BackupsArgs) -> anyhow::Result<()> {
    let list = Library::backups_in(dir)?;
    for b in &list {
        if args.json {
            output::json_line(b)?;
        } else {
            let papers = b
                .papers
                .map_or_else(|| "unreadable".to_string(), |n| format!("{n} papers"));
            // A backup is the database: say so whenever the papers have PDFs.
            let pdfs = match (b.pdfs, b.pdfs_missing) {
                (Some(n), Some(0)) if n > 0 => {
                    format!("  database only; its {n} PDFs are in pdfs/")
                }
                (Some(n), Some(m)) if n > 0 => {
                    format!("  database only; {m} of its {n} PDFs are no longer in pdfs/")
                }
                _ => String::new(),
            };
            outln!(
                "{}  {}  {}  {papers}{pdfs}",
                b.name,
                b.taken_at,
                human_bytes(b.bytes)
            );
        }
    }
    if list.is_empty() && !args.json {
        outln!("no backups yet; take one with `papershelf backup`");
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Backup file name as `papershelf backups` lists it [default: the newest good one]
    backup: Option<String>,
    /// Do not ask for confirmation
    #[arg(long)]
    yes: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

/// Swaps a backup in for the library database (without opening the library first).
pub fn restore(dir: &Path, args: RestoreArgs) -> anyhow::Result<()> {
    if !args.yes {
        let which = args.backup.as_deref().unwrap_or("the newest good backup");
        if !std::io::stdin().is_terminal() {
            anyhow::bail!(
                "restore replaces the library database with {which}; pass --yes to confirm"
            );
        }
        eprint!("Replace the library database with {which}? The current file is kept. [y/N] ");
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            anyhow::bail!("restore cancelled");
        }
    }
    let report = Library::restore_backup(dir, args.backup.as_deref())?;
    if args.json {
        return output::json_line(&report);
    }
    outln!(
        "restored {} ({} papers); search index rebuilt",
        report.restored.name,
        report.papers
    );
    if let Some(kept) = &report.previous_kept_as {
        outln!("the replaced database is kept as {}", kept.display());
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Paper ids
    #[arg(required = true)]
    ids: Vec<String>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

/// Moves papers to the trash.
pub fn delete(lib: &Library, args: DeleteArgs) -> anyhow::Result<()> {
    let ids: Vec<PaperId> = args.ids.into_iter().map(PaperId::new).collect();
    let n = lib.delete_papers(&ids)?;
    if args.json {
        return output::json_line(&serde_json::json!({ "deleted": n }));
    }
    outln!("moved {n} papers to the trash (`papershelf trash restore ID` brings them back)");
    Ok(())
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TrashArgs {
    #[command(subcommand)]
    command: Option<TrashCommand>,
    /// Print JSON Lines (when listing)
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum TrashCommand {
    /// Bring papers back with their notes, tags and status
    Restore {
        /// Paper ids
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Delete the papers in the trash for good
    Empty {
        /// Only those deleted more than this many days ago
        #[arg(long, value_name = "DAYS")]
        older_than: Option<u32>,
    },
}

/// Lists, restores from or empties the trash.
pub fn trash(lib: &Library, args: TrashArgs) -> anyhow::Result<()> {
    match args.command {
        None => {
            let list = lib.trash()?;
            for p in &list {
                if args.json {
                    output::json_line(p)?;
                } else {
                    outln!("{}  {}  (deleted {})", p.id, p.title, p.deleted_at);
                }
            }
            if list.is_empty() && !args.json {
                outln!("the trash is empty");
            }
        }
        Some(TrashCommand::Restore { ids }) => {
            let ids: Vec<PaperId> = ids.into_iter().map(PaperId::new).collect();
            let n = lib.restore_papers(&ids)?;
            outln!("restored {n} papers from the trash");
        }
        Some(TrashCommand::Empty { older_than }) => {
            let n = lib.empty_trash(older_than)?;
            outln!("removed {n} papers for good");
        }
    }
    Ok(())
}

fn human_bytes(n: u64) -> String {
    match n {
        0..=1023 => format!("{n} B"),
        1024..=1_048_575 => format!("{:.1} KiB", n as f64 / 1024.0),
        _ => format!("{:.1} MiB", n as f64 / 1_048_576.0),
    }
}
