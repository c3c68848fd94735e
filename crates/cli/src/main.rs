//! `papershelf`: the Papershelf library from the command line.

/// `println!` that returns an error instead of panicking when stdout is closed
/// (e.g. `papershelf search x | head`), and never prints a control character from library
/// text (see [`output::write_out`]).
macro_rules! outln {
    () => { crate::output::write_out("\n")? };
    ($($arg:tt)*) => { crate::output::write_out(&format!("{}\n", format_args!($($arg)*)))? };
}

/// `print!` with the same behaviour as [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => { crate::output::write_out(&format!($($arg)*))? };
}

mod cmd;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use papershelf_core::Library;

/// Papershelf: a local-first reading list for research papers.
#[derive(Debug, Parser)]
#[command(name = "papershelf", version, about, propagate_version = true)]
struct Cli {
    /// Library directory [default: $PAPERSHELF_LIBRARY, else the platform data directory]
    #[arg(long, global = true, value_name = "DIR")]
    library: Option<PathBuf>,

    /// More log output on stderr (-v info, -vv debug); RUST_LOG overrides
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the library (opening any command creates it too)
    Init,
    /// Add one paper by arXiv id or URL (fetched from arXiv, else Hugging Face)
    Add(cmd::sources::AddArgs),
    /// List the papers waiting in the inbox, newest first
    Inbox(cmd::sources::InboxArgs),
    /// Follow a feed: hf-daily, hf-search QUERY, arxiv-category CAT, arxiv-query QUERY
    #[command(subcommand)]
    Subscribe(cmd::sources::SubscribeCommand),
    /// List subscriptions
    Subscriptions(cmd::sources::SubscriptionsArgs),
    /// Stop following a feed
    Unsubscribe(cmd::sources::UnsubscribeArgs),
    /// Fetch what the subscriptions bring; new papers land in the inbox
    Sync(cmd::sources::SyncArgs),
    /// Papers a paper cites, from Semantic Scholar (cached; `*` marks library papers)
    References(cmd::sources::GraphArgs),
    /// Papers citing a paper, from Semantic Scholar (cached; `*` marks library papers)
    Citations(cmd::sources::GraphArgs),
    /// Import papers from files
    #[command(subcommand)]
    Import(cmd::import::ImportCommand),
    /// Search the library
    Search(cmd::search::SearchArgs),
    /// Saved searches: `saved list`, `saved add NAME QUERY`, `saved rm NAME`, `saved run NAME`
    #[command(subcommand)]
    Saved(cmd::saved::SavedCommand),
    /// Collections, named by path (`Thesis/Chapter 2`): `collection list`, `create PATH`,
    /// `add PATH ID...`, `remove PATH ID...`, `rename OLD NEW`, `delete PATH`, `show PATH`
    #[command(subcommand, alias = "collections")]
    Collection(cmd::collections::CollectionCommand),
    /// Show one paper
    Show(cmd::papers::ShowArgs),
    /// List papers, newest first
    List(cmd::papers::ListArgs),
    /// Add or remove tags
    #[command(subcommand)]
    Tag(cmd::papers::TagCommand),
    /// Set a paper's reading status (inbox, to-read, reading, read, archived)
    Status(cmd::papers::StatusArgs),
    /// Write or read a paper's Markdown note
    #[command(subcommand)]
    Note(cmd::notes::NoteCommand),
    /// A paper's PDF: `pdf fetch ID` (from arXiv), `pdf attach ID FILE`, `pdf path ID`,
    /// `pdf text ID [--page N]`
    #[command(subcommand)]
    Pdf(cmd::pdf::PdfCommand),
    /// Highlight a passage of a paper's PDF, found by its text
    Annotate(cmd::annotations::AnnotateArgs),
    /// List a paper's highlights and notes (`--json`: JSON Lines)
    Annotations(cmd::annotations::AnnotationsArgs),
    /// Library counts
    Stats(cmd::papers::StatsArgs),
    /// Rebuild the search index from the database
    Reindex,
    /// Back up the library database now and print where
    Backup(cmd::safety::BackupArgs),
    /// List the library's backups with time, size and paper count
    Backups(cmd::safety::BackupsArgs),
    /// Replace the library database with a backup (the newest good one by default)
    Restore(cmd::safety::RestoreArgs),
    /// Move papers to the trash
    Delete(cmd::safety::DeleteArgs),
    /// List the trash; `trash restore ID...`, `trash empty [--older-than DAYS]`
    Trash(cmd::safety::TrashArgs),
    /// Export papers as BibTeX, CSL-JSON, RIS or Markdown notes
    Export(cmd::interop::ExportArgs),
    /// The open mirror: a folder kept in step with the library in open formats
    #[command(subcommand)]
    Mirror(cmd::interop::MirrorCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Errors may quote library text (a title, a tag): printed safely too.
            let message = describe(&e);
            eprintln!(
                "error: {}",
                output::printable(&message, output::Lines::Many)
            );
            ExitCode::from(2)
        }
    }
}

/// The error and its causes joined by ": ", leaving out a cause its parent already quotes at
/// its end (the library's I/O and SQLite errors quote their cause and keep it as the source).
fn describe(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.ends_with(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let dir = match cli.library {
        Some(dir) => dir,
        None => papershelf_core::default_library_dir()
            .context("no library directory: pass --library DIR or set PAPERSHELF_LIBRARY")?,
    };
    // These work on a library that may be too damaged to open.
    let command = match cli.command {
        Command::Backups(a) => return cmd::safety::backups(&dir, a),
        Command::Restore(a) => return cmd::safety::restore(&dir, a),
        other => other,
    };
    let lib = Library::open(&dir)
        .with_context(|| format!("cannot open the library in {}", dir.display()))?;
    let refresh_mirror = !matches!(command, Command::Mirror(_));
    let result = run_command(&lib, &dir, command);
    if refresh_mirror {
        cmd::interop::refresh_before_exit(&lib);
    }
    result
}

fn run_command(lib: &Library, dir: &std::path::Path, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Init => {
            let stats = lib.stats()?;
            outln!(
                "library ready in {} ({} papers)",
                dir.display(),
                stats.papers
            );
            Ok(())
        }
        Command::Add(a) => cmd::sources::add(lib, a),
        Command::Inbox(a) => cmd::sources::inbox(lib, a),
        Command::Subscribe(c) => cmd::sources::subscribe(lib, c),
        Command::Subscriptions(a) => cmd::sources::subscriptions(lib, a),
        Command::Unsubscribe(a) => cmd::sources::unsubscribe(lib, a),
        Command::Sync(a) => cmd::sources::sync(lib, a),
        Command::References(a) => {
            cmd::sources::graph(lib, a, papershelf_core::graph::Direction::References)
        }
        Command::Citations(a) => {
            cmd::sources::graph(lib, a, papershelf_core::graph::Direction::Citations)
        }
        Command::Import(c) => cmd::import::run(lib, c),
        Command::Search(a) => cmd::search::run(lib, a),
        Command::Saved(c) => cmd::saved::run(lib, c),
        Command::Collection(c) => cmd::collections::run(lib, c),
        Command::Show(a) => cmd::papers::show(lib, a),
        Command::List(a) => cmd::papers::list(lib, a),
        Command::Tag(c) => cmd::papers::tag(lib, c),
        Command::Status(a) => cmd::papers::status(lib, a),
        Command::Note(c) => cmd::notes::run(lib, c),
        Command::Pdf(c) => cmd::pdf::run(lib, c),
        Command::Annotate(a) => cmd::annotations::annotate(lib, a),
        Command::Annotations(a) => cmd::annotations::list(lib, a),
        Command::Stats(a) => cmd::papers::stats(lib, a),
        Command::Reindex => {
            let n = lib.reindex()?;
            outln!("reindexed {n} papers");
            Ok(())
        }
        Command::Backup(a) => cmd::safety::backup(lib, a),
        Command::Delete(a) => cmd::safety::delete(lib, a),
        Command::Trash(a) => cmd::safety::trash(lib, a),
        Command::Backups(_) | Command::Restore(_) => unreachable!("handled before opening"),
        Command::Export(a) => cmd::interop::export(lib, a),
        Command::Mirror(c) => cmd::interop::mirror(lib, c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_the_message_already_quotes_is_printed_once() {
        let io = std::io::Error::other("disk full");
        let err =
            anyhow::Error::from(papershelf_core::Error::io("notes/a.md", io)).context("exporting");
        assert_eq!(describe(&err), "exporting: notes/a.md: disk full");
        let plain = anyhow::anyhow!("inner").context("outer");
        assert_eq!(describe(&plain), "outer: inner");
    }
}
