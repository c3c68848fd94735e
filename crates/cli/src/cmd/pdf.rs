//! `papershelf pdf fetch | attach | path | text`: a paper's PDF in the library.

use std::path::PathBuf;

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use papershelf_core::sources::config::SourceConfig;
use papershelf_core::sources::http::{HttpClient, HttpOptions};
use papershelf_core::sync::CancelToken;
use papershelf_core::{Library, PaperId, PdfFile};

use crate::output;

#[derive(Debug, Subcommand)]
pub enum PdfCommand {
    /// Fetch the paper's PDF from arXiv (the newest version the library knows) into the
    /// library; nothing is requested when the library has that version already
    Fetch {
        /// Paper id
        id: String,
        /// Print the stored file as JSON
        #[arg(long)]
        json: bool,
    },
    /// Copy a local PDF into the library as the paper's PDF (the file itself is left as it is)
    Attach {
        /// Paper id
        id: String,
        /// The PDF file
        file: PathBuf,
        /// Print the stored file as JSON
        #[arg(long)]
        json: bool,
    },
    /// Print where the paper's newest PDF is on disk
    Path {
        /// Paper id
        id: String,
    },
    /// Print the text of the paper's newest PDF, pages separated by form feeds (read once
    /// and kept; how many pages gave text goes to stderr)
    Text {
        /// Paper id
        id: String,
        /// Only this page (1-based physical page)
        #[arg(long)]
        page: Option<u32>,
        /// One JSON line per page: {"page", "text", "garbled"}
        #[arg(long)]
        json: bool,
    },
}

pub fn run(lib: &Library, command: PdfCommand) -> anyhow::Result<()> {
    match command {
        PdfCommand::Fetch { id, json } => fetch(lib, &PaperId::new(id), json),
        PdfCommand::Attach { id, file, json } => {
            let stored = lib.attach_pdf(&PaperId::new(id.clone()), &file)?;
            read_text(lib, &PaperId::new(id.clone()));
            if json {
                return output::json_line(&stored);
            }
            outln!("{id}: attached {} ({})", file.display(), describe(&stored));
            outln!("{}", stored.path);
            Ok(())
        }
        PdfCommand::Path { id } => {
            let paper = PaperId::new(id);
            match lib.pdf(&paper)? {
                Some(file) => {
                    outln!("{}", file.path);
                    Ok(())
                }
                None => anyhow::bail!(
                    "{paper} has no PDF yet; `papershelf pdf fetch {paper}` fetches it, \
                     `papershelf pdf attach {paper} FILE` adds a local one"
                ),
            }
        }
        PdfCommand::Text { id, page, json } => text(lib, &PaperId::new(id), page, json),
    }
}

fn text(lib: &Library, id: &PaperId, page: Option<u32>, json: bool) -> anyhow::Result<()> {
    let text = lib.pdf_text(id, page)?;
    if json {
        for p in &text.pages {
            output::json_line(p)?;
        }
    } else {
        let mut out = String::new();
        for (i, p) in text.pages.iter().enumerate() {
            if i > 0 {
                out.push('\u{c}');
            }
            out.push_str(&p.text);
            out.push('\n');
        }
        // Page text is the PDF's, not ours: printed through the terminal-safe writer, which
        // shows control characters (the form feeds between pages stay).
        output::write_pages(&out)?;
    }
    let garbled = text.pages.iter().filter(|p| p.garbled).count();
    let mut summary = format!(
        "{id}: {} of {} page{} gave text",
        text.pages_with_text,
        text.page_count,
        if text.page_count == 1 { "" } else { "s" }
    );
    if garbled > 0 {
        summary.push_str(&format!(
            "; {garbled} shown had text in a font without a Unicode map, which cannot be read"
        ));
    }
    eprintln!("{summary}");
    Ok(())
}

fn fetch(lib: &Library, id: &PaperId, json: bool) -> anyhow::Result<()> {
    let config = SourceConfig::load(lib.dir())?;
    let http = HttpClient::new(config, HttpOptions::default())?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} ({bytes_per_sec})")
            .expect("valid template"),
    );
    let progress = |received: u64, total: Option<u64>| {
        if let Some(total) = total {
            bar.set_length(total);
        }
        bar.set_position(received);
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let fetched = runtime.block_on(papershelf_core::sync::fetch_pdf(
        lib,
        &http,
        id,
        &progress,
        &CancelToken::new(),
    ));
    bar.finish_and_clear();
    let fetched = fetched?;
    read_text(lib, id);
    if json {
        return output::json_line(&fetched.file);
    }
    if fetched.downloaded {
        outln!(
            "{id}: fetched {} ({})",
            fetched.url,
            describe(&fetched.file)
        );
    } else {
        outln!(
            "{id}: the library has this PDF already ({})",
            describe(&fetched.file)
        );
    }
    outln!("{}", fetched.file.path);
    Ok(())
}

/// Reads the new PDF's text so search finds its words; a file without readable text is
/// still stored, and the reason is said on stderr.
fn read_text(lib: &Library, id: &PaperId) {
    match lib.read_pdf_text(id) {
        Ok(t) => eprintln!(
            "{id}: {} of {} page{} gave text (searchable with fulltext:)",
            t.pages_with_text,
            t.page_count,
            if t.page_count == 1 { "" } else { "s" }
        ),
        Err(e) => eprintln!("note: {e}"),
    }
}

fn describe(file: &PdfFile) -> String {
    let size = format!("{:.1} MiB", file.size as f64 / (1024.0 * 1024.0));
    match file.version {
        Some(v) => format!("v{v}, {size}"),
        None => size,
    }
}
