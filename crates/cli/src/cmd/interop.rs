//! `papershelf import bibtex|ris|csl-json|markdown`, `papershelf export`, `papershelf mirror`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use papershelf_core::import::text_file;
use papershelf_core::{
    EntryOutcome, ExportSelection, Format, InteropReport, Library, MirrorStatus, Status,
};

use crate::output::json_line;

/// Arguments of `import bibtex|ris|csl-json`.
#[derive(Debug, Args)]
pub struct ImportFileArgs {
    /// The file to import
    pub file: PathBuf,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `import markdown`.
#[derive(Debug, Args)]
pub struct ImportDirArgs {
    /// A folder of `.md` notes files (as `export --format markdown` writes them)
    pub dir: PathBuf,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
}

/// Largest reference file read whole (a Zotero export of 100,000 items is far smaller).
const MAX_FILE_BYTES: u64 = 256 << 20;

/// Reads a reference file as text: wrong encodings (UTF-16/32, Latin-1) and binary data are
/// refused naming the file, the line and the column, as for every other importer.
fn read_text(file: &Path) -> anyhow::Result<String> {
    let meta =
        std::fs::metadata(file).with_context(|| format!("cannot read {}", file.display()))?;
    if !meta.is_file() {
        anyhow::bail!("{}: not a file", file.display());
    }
    if meta.len() > MAX_FILE_BYTES {
        anyhow::bail!(
            "{}: {} MB is too large for a reference file (at most {} MB)",
            file.display(),
            meta.len() >> 20,
            MAX_FILE_BYTES >> 20
        );
    }
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    Ok(text_file::decode(&file.display().to_string(), &bytes)?)
}

/// Runs `import bibtex|ris|csl-json FILE`.
pub fn import_file(lib: &Library, format: Format, a: ImportFileArgs) -> anyhow::Result<()> {
    let text = read_text(&a.file)?;
    let origin = a.file.file_name().map_or_else(
        || a.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let report = lib.import_interop(format, &text, &origin)?;
    finish_import(&report, &a.file, a.json)
}

/// Runs `import markdown DIR`.
pub fn import_dir(lib: &Library, a: ImportDirArgs) -> anyhow::Result<()> {
    if !a.dir.is_dir() {
        anyhow::bail!("{}: not a directory", a.dir.display());
    }
    let report = lib.import_markdown_dir(&a.dir)?;
    finish_import(&report, &a.dir, a.json)
}

/// Prints the report; fails, naming `path`, when nothing in it could be imported.
fn finish_import(r: &InteropReport, path: &Path, json: bool) -> anyhow::Result<()> {
    if json {
        json_line(r)?;
    } else {
        outln!(
            "{} ({}): {} added, {} merged, {} unchanged, {} skipped in {:.2}s",
            r.origin,
            r.format.name(),
            r.added,
            r.merged,
            r.unchanged,
            r.skipped,
            r.seconds
        );
        for e in &r.entries {
            let place = match &e.file {
                Some(f) => format!("{f}:{}", e.line),
                None => format!("line {}", e.line),
            };
            let what = match e.outcome {
                EntryOutcome::Added => "added",
                EntryOutcome::Merged => "merged",
                EntryOutcome::Unchanged => "unchanged",
                EntryOutcome::Skipped => "skipped",
            };
            match e.outcome {
                EntryOutcome::Skipped => outln!(
                    "  {place}: {what}: {}",
                    e.reason.as_deref().unwrap_or("unreadable")
                ),
                _ => outln!(
                    "  {place}: {what} {} {}",
                    e.id.as_ref().map(|i| i.as_str()).unwrap_or("?"),
                    e.title.as_deref().unwrap_or("")
                ),
            }
            for n in &e.notices {
                outln!("      {n}");
            }
        }
    }
    if r.added + r.merged + r.unchanged == 0 {
        let first = papershelf_core::first_skip_note(&r.entries);
        anyhow::bail!(
            "{}: no {} entry could be imported{first}; is it the right kind of file?",
            path.display(),
            r.format.name()
        );
    }
    Ok(())
}

/// Export formats on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// BibTeX (UTF-8, for biber or a UTF-8 aware BibTeX)
    Bibtex,
    /// CSL-JSON (pandoc, Zotero)
    CslJson,
    /// RIS
    Ris,
    /// One Markdown file per paper (needs -o DIR)
    Markdown,
}

/// Arguments of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Only papers matching this search (the search query syntax)
    pub query: Option<String>,
    /// Only papers with this tag
    #[arg(long)]
    pub tag: Option<String>,
    /// Only papers in the collection at this path (any case)
    #[arg(long)]
    pub collection: Option<String>,
    /// Only papers with this status
    #[arg(long, value_parser = parse_status)]
    pub status: Option<Status>,
    /// Write to this file (a directory for markdown) instead of stdout
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

fn parse_status(s: &str) -> Result<Status, String> {
    s.parse::<Status>().map_err(|e| e.to_string())
}

/// Runs `export`.
pub fn export(lib: &Library, a: ExportArgs) -> anyhow::Result<()> {
    let sel = ExportSelection {
        query: a.query,
        tag: a.tag,
        collection: a.collection,
        status: a.status,
    };
    let format = match a.format {
        ExportFormat::Bibtex => Format::Bibtex,
        ExportFormat::CslJson => Format::CslJson,
        ExportFormat::Ris => Format::Ris,
        ExportFormat::Markdown => Format::Markdown,
    };
    if let Format::Markdown = format {
        let Some(dir) = a.output else {
            anyhow::bail!(
                "markdown export writes one file per paper: give a directory with -o DIR"
            );
        };
        let n = lib.export_markdown(&sel, &dir)?;
        eprintln!("wrote {n} notes files to {}", dir.display());
        return Ok(());
    }
    let text = lib.export_text(format, &sel)?;
    match a.output {
        Some(path) => {
            papershelf_core::interop::mirror::write_atomic(&path, text.as_bytes())?;
            eprintln!("wrote {}", path.display());
        }
        None => out!("{text}"),
    }
    Ok(())
}

/// `papershelf mirror …`.
#[derive(Debug, Subcommand)]
pub enum MirrorCommand {
    /// Keep DIR in step with the library: library.bib, library.json, notes/<citekey>.md
    Enable {
        /// The mirror directory (created when missing)
        dir: PathBuf,
        /// Print the status as JSON
        #[arg(long)]
        json: bool,
    },
    /// Stop updating the mirror (its files stay)
    Disable {
        /// Print the status as JSON
        #[arg(long)]
        json: bool,
    },
    /// Where the mirror is, when it was last written, and any error
    Status {
        /// Print the status as JSON
        #[arg(long)]
        json: bool,
    },
    /// Rewrite the whole mirror now
    Rebuild {
        /// Print the status as JSON
        #[arg(long)]
        json: bool,
    },
}

/// Runs `mirror …`.
pub fn mirror(lib: &Library, cmd: MirrorCommand) -> anyhow::Result<()> {
    let (status, json) = match cmd {
        MirrorCommand::Enable { dir, json } => (lib.enable_mirror(&dir)?, json),
        MirrorCommand::Disable { json } => (lib.disable_mirror()?, json),
        MirrorCommand::Status { json } => (lib.mirror_status()?, json),
        MirrorCommand::Rebuild { json } => {
            if !lib.mirror_status()?.enabled {
                anyhow::bail!("the mirror is not enabled; run `papershelf mirror enable DIR`");
            }
            (lib.refresh_mirror()?, json)
        }
    };
    print_status(&status, json)
}

fn print_status(s: &MirrorStatus, json: bool) -> anyhow::Result<()> {
    if json {
        return json_line(s);
    }
    outln!("mirror: {}", if s.enabled { "enabled" } else { "disabled" });
    outln!("  dir: {}", s.dir.as_deref().unwrap_or("(not set)"));
    outln!(
        "  last written: {}",
        s.last_written.as_deref().unwrap_or("never")
    );
    if let Some(n) = s.papers {
        outln!("  papers: {n}");
    }
    if s.dirty {
        outln!("  pending changes: yes");
    }
    if let Some(e) = &s.last_error {
        outln!("  last error: {e}");
    }
    Ok(())
}

/// Brings an enabled mirror up to date before the process exits (cheap when nothing changed).
pub fn refresh_before_exit(lib: &Library) {
    if let Err(e) = lib.refresh_mirror_if_dirty() {
        eprintln!("warning: the mirror could not be updated: {e}");
    }
}
