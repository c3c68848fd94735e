//! `papershelf import hf-page|arxiv-jsonl|bibtex|ris|csl-json|markdown|zotero`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use papershelf_core::import::text_file;
use papershelf_core::{ImportReport, Library};

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Text copied from Hugging Face paper-search or Daily Papers pages
    HfPage {
        /// Page text files
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// An arXiv metadata snapshot in JSON Lines (resumes an interrupted import)
    ArxivJsonl {
        /// The .jsonl file
        file: PathBuf,
    },
    /// A BibTeX/BibLaTeX file (Zotero, Better BibTeX, JabRef); duplicates merge
    Bibtex(super::interop::ImportFileArgs),
    /// An RIS file (Zotero and most reference managers); duplicates merge
    Ris(super::interop::ImportFileArgs),
    /// A CSL-JSON file (Zotero, pandoc); duplicates merge
    CslJson(super::interop::ImportFileArgs),
    /// A folder of Markdown notes files as `export --format markdown` writes them
    Markdown(super::interop::ImportDirArgs),
    /// A Zotero library: items, tags, collections, notes, PDFs and their annotations
    Zotero(super::zotero::ZoteroArgs),
}

pub fn run(lib: &Library, cmd: ImportCommand) -> anyhow::Result<()> {
    use papershelf_core::Format;
    match cmd {
        ImportCommand::Bibtex(a) => super::interop::import_file(lib, Format::Bibtex, a),
        ImportCommand::Ris(a) => super::interop::import_file(lib, Format::Ris, a),
        ImportCommand::CslJson(a) => super::interop::import_file(lib, Format::CslJson, a),
        ImportCommand::Markdown(a) => super::interop::import_dir(lib, a),
        ImportCommand::Zotero(a) => super::zotero::run(lib, a),
        ImportCommand::HfPage { files } => {
            for file in files {
                let bytes = std::fs::read(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                // Wrong encodings and binary files are refused naming the file and line.
                let text = text_file::decode(&file.display().to_string(), &bytes)?;
                let origin = file.file_name().map_or_else(
                    || file.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                let report = lib.import_hf_page(&text, &origin)?;
                print_report(&report)?;
                if report.added + report.updated + report.unchanged == 0 {
                    let first = report
                        .skipped
                        .first()
                        .map(|s| format!(" (line {}: {})", s.line, s.reason))
                        .unwrap_or_default();
                    anyhow::bail!(
                        "{}: no papers found{first}; is this the text of a Hugging Face papers page?",
                        file.display()
                    );
                }
            }
            Ok(())
        }
        ImportCommand::ArxivJsonl { file } => {
            if !file.is_file() {
                anyhow::bail!("{}: no such file; check the path", file.display());
            }
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg} ({eta} left)")
                    .expect("valid template"),
            );
            let report = lib
                .import_arxiv_jsonl(&file, &mut |p| {
                    bar.set_length(p.bytes_total);
                    bar.set_position(p.bytes_done);
                    bar.set_message(format!("{} papers", p.records));
                })
                .with_context(|| {
                    format!(
                        "import of {} stopped; run the same command again to resume",
                        file.display()
                    )
                })?;
            bar.finish_and_clear();
            print_report(&report)?;
            if report.added + report.updated + report.unchanged == 0 {
                match report.skipped.first() {
                    Some(first) => anyhow::bail!(
                        "{}: no arXiv records in it; line {}: {}",
                        file.display(),
                        first.line,
                        first.reason
                    ),
                    None => anyhow::bail!(
                        "{}: no arXiv records in it (the file is empty)",
                        file.display()
                    ),
                }
            }
            Ok(())
        }
    }
}

fn print_report(r: &ImportReport) -> anyhow::Result<()> {
    let resumed = r
        .resumed_after_line
        .map(|l| format!(" (resumed after line {l})"))
        .unwrap_or_default();
    outln!(
        "{}: {} added, {} updated, {} unchanged, {} skipped in {:.2}s{resumed}",
        r.origin,
        r.added,
        r.updated,
        r.unchanged,
        r.skipped.len(),
        r.seconds
    );
    for s in r.skipped.iter().take(50) {
        outln!("  skipped line {}: {}", s.line, s.reason);
    }
    if r.skipped.len() > 50 {
        outln!("  … and {} more skipped lines", r.skipped.len() - 50);
    }
    for n in r.notices.iter().take(50) {
        outln!("  warning: {n}");
    }
    if r.notices.len() > 50 {
        outln!("  … and {} more warnings", r.notices.len() - 50);
    }
    Ok(())
}
