//! `papershelf note set | show | history | restore`.

use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;
use clap::{ArgGroup, Subcommand};
use papershelf_core::{Library, PaperId};

#[derive(Debug, Subcommand)]
pub enum NoteCommand {
    /// Replace a paper's note with the text of a file or of standard input (`-`)
    #[command(group(ArgGroup::new("input").required(true).args(["file", "stdin"])))]
    Set {
        /// Paper id
        id: String,
        /// Read the note from this file
        #[arg(long)]
        file: Option<PathBuf>,
        /// Read the note from standard input
        #[arg(id = "stdin", value_name = "-", value_parser = clap::builder::PossibleValuesParser::new(["-"]))]
        stdin: Option<String>,
    },
    /// Print a paper's note
    Show {
        /// Paper id
        id: String,
    },
    /// List the earlier versions of a paper's note, newest first
    History {
        /// Paper id
        id: String,
        /// Print JSON Lines, one object per version
        #[arg(long)]
        json: bool,
    },
    /// Bring back an earlier version of a paper's note (the current text is kept in history)
    Restore {
        /// Paper id
        id: String,
        /// Version number as `note history` lists it (1 = the most recent earlier text)
        #[arg(value_name = "VERSION")]
        number: usize,
    },
}

pub fn run(lib: &Library, cmd: NoteCommand) -> anyhow::Result<()> {
    match cmd {
        NoteCommand::Set { id, file, .. } => {
            let body = match file {
                Some(path) => std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read note file {}", path.display()))?,
                None => {
                    let mut s = String::new();
                    std::io::stdin()
                        .read_to_string(&mut s)
                        .context("cannot read the note from standard input")?;
                    s
                }
            };
            let paper = lib.set_note(&PaperId::new(id), &body)?;
            match &paper.note {
                Some(n) => outln!("{}: note saved ({} bytes)", paper.id, n.body.len()),
                None => outln!("{}: note cleared", paper.id),
            }
            Ok(())
        }
        NoteCommand::History { id, json } => {
            let history = lib.note_history(&PaperId::new(id.clone()))?;
            for (i, n) in history.iter().enumerate() {
                if json {
                    crate::output::json_line(&serde_json::json!({
                        "version": i + 1,
                        "savedAt": n.updated_at,
                        "body": n.body,
                    }))?;
                } else {
                    let first = n.body.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                    let first: String = first.chars().take(60).collect();
                    outln!(
                        "{:>3}  {}  {} bytes  {first}",
                        i + 1,
                        n.updated_at,
                        n.body.len()
                    );
                }
            }
            if history.is_empty() && !json {
                outln!("{id}: no earlier versions of the note");
            }
            Ok(())
        }
        NoteCommand::Restore {
            id,
            number: version,
        } => {
            let pid = PaperId::new(id.clone());
            let history = lib.note_history(&pid)?;
            let Some(old) = version.checked_sub(1).and_then(|v| history.get(v)) else {
                anyhow::bail!(
                    "{id} has {} earlier note versions; `papershelf note history {id}` lists them",
                    history.len()
                );
            };
            let paper = lib.set_note(&pid, &old.body)?;
            outln!(
                "{}: note restored to version {version} (saved {})",
                paper.id,
                old.updated_at
            );
            Ok(())
        }
        NoteCommand::Show { id } => {
            match lib.note(&PaperId::new(id.clone()))? {
                Some(n) => out!("{}{}", n.body, if n.body.ends_with('\n') { "" } else { "\n" }),
                None => eprintln!("{id} has no note yet; write one with `papershelf note set {id} --file NOTE.md`"),
            }
            Ok(())
        }
    }
}
