//! `papershelf note set | show`.

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
        NoteCommand::Show { id } => {
            match lib.note(&PaperId::new(id.clone()))? {
                Some(n) => out!("{}{}", n.body, if n.body.ends_with('\n') { "" } else { "\n" }),
                None => eprintln!("{id} has no note yet; write one with `papershelf note set {id} --file NOTE.md`"),
            }
            Ok(())
        }
    }
}
