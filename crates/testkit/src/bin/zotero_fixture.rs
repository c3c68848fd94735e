//! `papershelf-zotero-fixture --out DIR [--pdf FILE]`: writes a small Zotero 7 data directory
//! for the end-to-end tests (a native dialog cannot be driven, so the test picks this folder):
//! the ReAct paper with two child notes, tags and a nested collection, its PDF (`--pdf`, the
//! real arXiv file from the shared fixtures) with a highlight, an underline and a drawing on
//! page 1, a second paper whose PDF is missing from storage, and an item in the trash.

use std::path::PathBuf;

use clap::Parser;
use papershelf_testkit::zotero::{ZoteroDir, ZoteroVersion};

/// Write a Zotero 7 data directory for tests.
#[derive(Parser)]
#[command(name = "papershelf-zotero-fixture", version)]
struct Args {
    /// The data directory to create (it must not exist yet).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The PDF stored as the ReAct paper's attachment (arXiv 2210.03629v2).
    #[arg(long, value_name = "FILE")]
    pdf: Option<PathBuf>,
}

fn main() {
    let args = Args::parse();
    if args.out.exists() {
        eprintln!(
            "papershelf-zotero-fixture: {} exists already",
            args.out.display()
        );
        std::process::exit(2);
    }
    let mut z = ZoteroDir::create(&args.out, ZoteroVersion::V7);
    let (react, _) = z.item(
        "preprint",
        &[
            ("title", "ReAct: Synergizing Reasoning and Acting in Language Models"),
            ("date", "2022-10-06 2022-10-06"),
            ("archiveID", "arXiv:2210.03629"),
            ("url", "http://arxiv.org/abs/2210.03629"),
            (
                "abstractNote",
                "While large language models have demonstrated impressive capabilities across tasks \
                 in language understanding and interactive decision making, their abilities for \
                 reasoning and acting have primarily been studied as separate topics.",
            ),
        ],
        &[
            ("author", "Shunyu", "Yao"),
            ("author", "Jeffrey", "Zhao"),
            ("author", "Dian", "Yu"),
        ],
    );
    z.tag(react, "agents", false);
    z.tag(react, "Computer Science - Computation and Language", true);
    let thesis = z.collection("Thesis", None);
    let chapter = z.collection("Chapter 2", Some(thesis));
    z.add_to(chapter, react);
    z.note(
        Some(react),
        "<h1>Why it matters</h1><p>Reasoning traces <strong>and</strong> actions, interleaved.</p>",
    );
    z.note(
        Some(react),
        "<p>Compare with chain-of-thought on HotpotQA.</p>",
    );
    if let Some(pdf) = &args.pdf {
        let bytes = std::fs::read(pdf).unwrap_or_else(|e| {
            eprintln!("papershelf-zotero-fixture: {}: {e}", pdf.display());
            std::process::exit(1);
        });
        let (attachment, _) = z.stored_file(
            react,
            "Yao et al. - 2022 - ReAct.pdf",
            "application/pdf",
            Some(&bytes),
        );
        // Positions on page 1 of 2210.03629v2, in PDF points (from its words' boxes).
        z.annotation(
            attachment,
            1,
            Some("explore the use of LLMs"),
            "The paper's question, in one line.",
            "#ffd400",
            "1",
            r#"{"pageIndex":0,"rects":[[143.87,473.6,239.93,482.5]]}"#,
        );
        z.annotation(
            attachment,
            5,
            None,
            "",
            "#2ea8e5",
            "1",
            r#"{"pageIndex":0,"rects":[[143.87,451.7,468.13,460.6]]}"#,
        );
        z.annotation(
            attachment,
            4,
            None,
            "",
            "#ff6666",
            "1",
            r#"{"pageIndex":0,"width":2,"paths":[[520,470,530,486,540,470,550,486]]}"#,
        );
    }
    let (survival, _) = z.item(
        "journalArticle",
        &[
            (
                "title",
                "Survival Analysis Part I: Basic concepts and first analyses",
            ),
            ("DOI", "10.1038/sj.bjc.6601118"),
            ("publicationTitle", "British Journal of Cancer"),
            ("date", "2003-07-00 July 2003"),
        ],
        &[
            ("author", "T. G.", "Clark"),
            ("author", "M. J.", "Bradburn"),
        ],
    );
    z.stored_file(survival, "Clark et al. - 2003.pdf", "application/pdf", None);
    let (old, _) = z.item("book", &[("title", "A Book Put in the Trash")], &[]);
    z.trash(old);
    println!("{}", args.out.display());
}
