//! `papershelf import zotero [DIR] [--json] [--dry-run]`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use papershelf_core::interop::zotero;
use papershelf_core::{EntryOutcome, Library, ZoteroOptions, ZoteroReport};
use serde::Serialize;

use crate::output::json_line;

/// Arguments of `import zotero`.
#[derive(Debug, Args)]
pub struct ZoteroArgs {
    /// The Zotero data directory (the folder holding zotero.sqlite and storage/), or its
    /// zotero.sqlite; by default the one Zotero uses (~/Zotero, or the one its profile names)
    pub dir: Option<PathBuf>,
    /// JSON Lines: one line per item, then one summary line
    #[arg(long)]
    pub json: bool,
    /// Report what the import would do and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// One item as a JSON line.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ItemLine<'a> {
    zotero_key: &'a str,
    title: &'a str,
    outcome: EntryOutcome,
    id: Option<&'a str>,
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notices: &'a [String],
}

/// The summary as the last JSON line.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SummaryLine<'a> {
    data_dir: &'a str,
    library: &'a str,
    dry_run: bool,
    added: u32,
    merged: u32,
    unchanged: u32,
    skipped: u32,
    pdfs_copied: u32,
    files_missing: u32,
    annotations: u32,
    annotations_without_pdf: u32,
    linked_files: u32,
    snapshots: u32,
    standalone_notes: u32,
    collections: u32,
    seconds: f64,
}

/// Runs `import zotero`.
pub fn run(lib: &Library, a: ZoteroArgs) -> anyhow::Result<()> {
    let dir = match a.dir {
        Some(d) if d.is_file() => d
            .parent()
            .map(|p| p.to_path_buf())
            .unwrap_or_else(|| PathBuf::from(".")),
        Some(d) => d,
        None => zotero::users_data_dir().context(
            "no Zotero data directory found in ~/Zotero or in Zotero's profile; name it: \
             papershelf import zotero DIR",
        )?,
    };
    let bar = if a.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} {bar:40} {pos}/{len}").expect("valid template"),
    );
    let report = lib
        .import_zotero(&dir, ZoteroOptions { dry_run: a.dry_run }, &mut |p| {
            bar.set_message(p.phase);
            bar.set_length(u64::from(p.total));
            bar.set_position(u64::from(p.done));
            true
        })
        .with_context(|| format!("import from {} stopped; nothing was written", dir.display()))?;
    bar.finish_and_clear();
    if a.json {
        for i in &report.items {
            json_line(&ItemLine {
                zotero_key: &i.zotero_key,
                title: &i.title,
                outcome: i.outcome,
                id: i.id.as_ref().map(|id| id.as_str()),
                reason: i.reason.as_deref(),
                notices: &i.notices,
            })?;
        }
        json_line(&summary(&report))?;
    } else {
        print_report(&report)?;
    }
    Ok(())
}

fn summary(r: &ZoteroReport) -> SummaryLine<'_> {
    SummaryLine {
        data_dir: &r.data_dir,
        library: &r.library,
        dry_run: r.dry_run,
        added: r.added,
        merged: r.merged,
        unchanged: r.unchanged,
        skipped: r.skipped,
        pdfs_copied: r.pdfs_copied,
        files_missing: r.files_missing,
        annotations: r.annotations,
        annotations_without_pdf: r.annotations_without_pdf,
        linked_files: r.linked_files,
        snapshots: r.snapshots,
        standalone_notes: r.standalone_notes,
        collections: r.collections,
        seconds: r.seconds,
    }
}

fn print_report(r: &ZoteroReport) -> anyhow::Result<()> {
    let would = if r.dry_run {
        " (dry run: nothing changed)"
    } else {
        ""
    };
    outln!(
        "{} (Zotero, {}): {} added, {} merged, {} unchanged, {} skipped in {:.2}s{would}",
        r.data_dir,
        r.library,
        r.added,
        r.merged,
        r.unchanged,
        r.skipped,
        r.seconds
    );
    outln!(
        "  PDFs copied {}, files missing {}, annotations {} ({} without their PDF), linked files {}, web snapshots {}, standalone notes {} (not imported)",
        r.pdfs_copied,
        r.files_missing,
        r.annotations,
        r.annotations_without_pdf,
        r.linked_files,
        r.snapshots,
        r.standalone_notes
    );
    for i in &r.items {
        let what = match i.outcome {
            EntryOutcome::Added => "added",
            EntryOutcome::Merged => "merged",
            EntryOutcome::Unchanged => "unchanged",
            EntryOutcome::Skipped => "skipped",
        };
        match i.outcome {
            EntryOutcome::Skipped => outln!(
                "  {}: {what}: {}",
                i.zotero_key,
                i.reason.as_deref().unwrap_or("unreadable")
            ),
            _ => outln!(
                "  {}: {what} {} {}",
                i.zotero_key,
                i.id.as_ref().map(|id| id.as_str()).unwrap_or("?"),
                i.title
            ),
        }
        for n in &i.notices {
            outln!("      {n}");
        }
    }
    Ok(())
}
