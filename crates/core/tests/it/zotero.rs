//! Importing Zotero data directories into a real library: the two real Zotero 7 databases in
//! the fixtures, and small Zotero 5, 6 and 7 databases built here for notes, PDFs,
//! annotations, missing files and the trash.

use std::path::{Path, PathBuf};

use papershelf_core::model::AnnotationKind;
use papershelf_core::{EntryOutcome, Error, ZoteroOptions, ZoteroReport};
use papershelf_testkit::zotero::{ZoteroDir, ZoteroVersion};

use crate::support::{fixture, TempLibrary};

/// A copy of a fixture data directory (the importer must work on read-only folders too, but
/// a test never risks its fixtures).
fn fixture_dir(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        fixture(&format!("zotero/{name}/zotero.sqlite")),
        dir.join("zotero.sqlite"),
    )
    .unwrap();
    (tmp, dir)
}

fn import(t: &TempLibrary, dir: &Path) -> ZoteroReport {
    t.lib()
        .import_zotero(dir, ZoteroOptions::default(), &mut |_| true)
        .expect("the import succeeds")
}

fn outcomes(r: &ZoteroReport) -> (u32, u32, u32, u32) {
    (r.added, r.merged, r.unchanged, r.skipped)
}

#[test]
fn the_small_real_library_imports_whole_and_again_changes_nothing() {
    let (_tmp, dir) = fixture_dir("zotsite-z7");
    let t = TempLibrary::new();
    let first = import(&t, &dir);
    assert_eq!(outcomes(&first), (4, 0, 0, 0), "{:#?}", first.items);
    assert_eq!(first.schema_version, Some(123));
    assert_eq!(first.collections, 2);
    // The four PDFs are recorded in storage/ but their files are not in the fixture.
    assert_eq!(first.files_missing, 4);
    assert_eq!(first.pdfs_copied, 0);
    let titles: Vec<String> = t.all().into_iter().map(|p| p.title).collect();
    assert!(
        titles.iter().any(|x| x == "Attention is All you Need"),
        "{titles:?}"
    );
    let attention = t.by_title("Attention is All you Need");
    let paper = t.lib().paper(&attention.id).unwrap();
    assert_eq!(
        paper.authors.first().map(String::as_str),
        Some("Ashish Vaswani")
    );
    assert_eq!(paper.year, Some(2017));
    assert_eq!(paper.collections, ["NLP"]);

    let second = import(&t, &dir);
    assert_eq!(outcomes(&second), (0, 0, 4, 0), "{:#?}", second.items);
    assert_eq!(second.pdfs_copied + second.annotations, 0);
}

#[test]
fn the_thesis_library_brings_every_item_tag_and_collection() {
    let (_tmp, dir) = fixture_dir("typst-thesis-z7");
    let t = TempLibrary::new();
    let r = import(&t, &dir);
    assert_eq!(r.added + r.merged, 27, "{:#?}", r.items);
    assert_eq!(r.skipped, 0);
    assert_eq!(r.collections, 7);
    // Every tag Zotero has on a regular item is in the library (in tag syntax).
    let conn = rusqlite::Connection::open(dir.join("zotero.sqlite")).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT DISTINCT t.name FROM tags t JOIN itemTags it ON it.tagID = t.tagID
               JOIN items i ON i.itemID = it.itemID JOIN itemTypesCombined ty
                 ON ty.itemTypeID = i.itemTypeID
              WHERE ty.typeName NOT IN ('attachment', 'note', 'annotation')",
        )
        .unwrap();
    let zotero_tags: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(zotero_tags.len() > 50, "{}", zotero_tags.len());
    let ours: std::collections::HashSet<String> = t
        .lib()
        .tags()
        .unwrap()
        .into_iter()
        .map(|t| t.name.to_lowercase())
        .collect();
    for tag in &zotero_tags {
        let as_tag = papershelf_core::interop::keyword_to_tag(tag)
            .unwrap()
            .to_lowercase();
        assert!(ours.contains(&as_tag), "tag {tag:?} missing");
    }
    // Nested collections arrive as paths.
    let collections: Vec<String> = t
        .lib()
        .collections()
        .unwrap()
        .into_iter()
        .map(|c| c.path)
        .collect();
    assert_eq!(collections.len(), 7, "{collections:?}");
    assert!(
        collections
            .iter()
            .any(|c| c == "MSc 2025 - 2026/vasculature reconstruction"),
        "{collections:?}"
    );
    let again = import(&t, &dir);
    assert_eq!(outcomes(&again), (0, 0, 27, 0), "{:#?}", again.items);
}

/// A Zotero 7 library with a paper carrying two notes, a stored PDF with annotations of every
/// kind, a missing file, a linked file, a trashed item and a standalone note.
fn built(version: ZoteroVersion) -> (tempfile::TempDir, ZoteroDir, Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    let mut z = ZoteroDir::create(&tmp.path().join("Zotero"), version);
    let (paper, _) = z.item(
        "preprint",
        &[
            (
                "title",
                "ReAct: Synergizing Reasoning and Acting in Language Models",
            ),
            ("date", "2022-10-06 2022-10-06"),
            ("archiveID", "arXiv:2210.03629"),
            ("url", "http://arxiv.org/abs/2210.03629"),
            ("abstractNote", "While large language models…"),
        ],
        &[("author", "Shunyu", "Yao"), ("author", "Jeffrey", "Zhao")],
    );
    z.tag(paper, "agents", false);
    z.tag(paper, "Computer Science - Computation and Language", true);
    let parent = z.collection("Thesis", None);
    let child = z.collection("Chapter 2/3", Some(parent));
    z.add_to(child, paper);
    z.note(Some(paper), "<h1>First</h1><p>Reason <b>then</b> act.</p>");
    z.note(Some(paper), "<p>Second note</p>");
    let pdf = papershelf_testkit::pdf::make_pdf(&[&["Reasoning and acting"], &["Second page"]]);
    let mut annotation_keys = Vec::new();
    if version >= ZoteroVersion::V6 {
        let (att, _) = z.stored_file(paper, "Yao - ReAct.pdf", "application/pdf", Some(&pdf));
        annotation_keys.push(z.annotation(
            att,
            1,
            Some("Reasoning and acting"),
            "the key idea",
            "#ffd400",
            "1",
            r#"{"pageIndex":0,"rects":[[72.0,700.0,200.5,712.0]]}"#,
        ));
        annotation_keys.push(z.annotation(
            att,
            5,
            Some("Second page"),
            "",
            "#2ea8e5",
            "2",
            r#"{"pageIndex":1,"rects":[[72.0,700.0,150.0,712.0]]}"#,
        ));
        annotation_keys.push(z.annotation(
            att,
            4,
            None,
            "",
            "#ff6666",
            "2",
            r#"{"pageIndex":1,"width":2,"paths":[[100,100,120,130,140,90]]}"#,
        ));
        annotation_keys.push(z.annotation(
            att,
            2,
            None,
            "<p>a <b>pinned</b> note</p>",
            "#5fb236",
            "1",
            r#"{"pageIndex":0,"rects":[[300,500,322,522]]}"#,
        ));
    } else {
        z.stored_file(paper, "Yao - ReAct.pdf", "application/pdf", Some(&pdf));
    }
    // A second paper whose PDF is missing from storage, but whose highlight survives.
    let (other, _) = z.item(
        "journalArticle",
        &[
            ("title", "Survival Analysis Part I"),
            ("DOI", "10.1038/sj.bjc.6601118"),
            ("publicationTitle", "British Journal of Cancer"),
            ("date", "2003-07-00 July 2003"),
        ],
        &[
            ("author", "T. G.", "Clark"),
            ("author", "", "Cancer Research UK"),
        ],
    );
    let (missing, _) = z.stored_file(other, "Clark 2003.pdf", "application/pdf", None);
    if version >= ZoteroVersion::V6 {
        z.annotation(
            missing,
            1,
            Some("hazard"),
            "",
            "#ffd400",
            "3",
            r#"{"pageIndex":2,"rects":[[1,2,3,4]]}"#,
        );
    }
    z.linked_file(other, "/home/someone/papers/clark.pdf");
    z.stored_file(
        other,
        "page.html",
        "text/html",
        Some(b"<html>snapshot</html>"),
    );
    let (trashed, _) = z.item("book", &[("title", "A Book I Threw Away")], &[]);
    z.trash(trashed);
    z.item("webpage", &[("date", "2020")], &[]); // no title: skipped
    z.note(None, "<p>A standalone thought</p>");
    (tmp, z, annotation_keys)
}

#[test]
fn notes_pdfs_annotations_and_the_trash_come_over() {
    let (_tmp, z, _) = built(ZoteroVersion::V7);
    let t = TempLibrary::new();
    let r = import(&t, z.dir());
    assert_eq!(outcomes(&r), (3, 0, 0, 1), "{:#?}", r.items);
    assert_eq!(r.pdfs_copied, 1);
    assert_eq!(r.files_missing, 1);
    assert_eq!(r.linked_files, 1);
    assert_eq!(r.snapshots, 1);
    assert_eq!(r.annotations, 5);
    assert_eq!(r.annotations_without_pdf, 1);
    assert_eq!(r.standalone_notes, 1);
    let skipped = r
        .items
        .iter()
        .find(|i| i.outcome == EntryOutcome::Skipped)
        .unwrap();
    assert_eq!(skipped.reason.as_deref(), Some("it has no title"));

    let react = t.by_title("ReAct: Synergizing Reasoning and Acting in Language Models");
    let paper = t.lib().paper(&react.id).unwrap();
    assert_eq!(paper.arxiv_id.as_deref(), Some("2210.03629"));
    assert_eq!(paper.authors, ["Shunyu Yao", "Jeffrey Zhao"]);
    assert!(paper.tags.iter().any(|t| t == "agents"));
    assert!(paper
        .tags
        .iter()
        .any(|t| t == "Computer-Science-Computation-and-Language"));
    // A `/` inside a Zotero collection name is not a level.
    assert_eq!(paper.collections, ["Thesis/Chapter 2\u{2215}3"]);
    let note = paper.note.unwrap().body;
    assert_eq!(
        note, "# First\n\nReason **then** act.\n\n---\n\nSecond note",
        "one note, a section per Zotero note, in order"
    );

    let pdf = t
        .lib()
        .pdf(&react.id)
        .unwrap()
        .expect("the PDF is in the library");
    let marks = t.lib().annotations(&react.id).unwrap();
    assert_eq!(marks.len(), 4);
    let highlight = marks
        .iter()
        .find(|a| a.kind == AnnotationKind::Highlight)
        .unwrap();
    assert_eq!(highlight.pdf_sha256, pdf.sha256);
    assert_eq!(highlight.page, 1);
    assert_eq!(highlight.page_label.as_deref(), Some("1"));
    assert_eq!(highlight.rects, [[72.0, 700.0, 200.5, 712.0]]);
    assert_eq!(highlight.quote.as_deref(), Some("Reasoning and acting"));
    // Anchored in the page text once the PDF's text was read.
    assert_eq!(highlight.quote_offset, Some(0));
    assert!(highlight.quote_suffix.is_some());
    assert_eq!(highlight.comment, "the key idea");
    let ink = marks
        .iter()
        .find(|a| a.kind == AnnotationKind::Ink)
        .unwrap();
    assert_eq!(
        ink.rects,
        [[100.0, 90.0, 140.0, 130.0]],
        "the box around the paths"
    );
    assert!(ink.shape.as_deref().unwrap().contains("paths"));
    assert!(marks
        .iter()
        .any(|a| a.kind == AnnotationKind::Underline && a.page == 2));
    let pinned = marks
        .iter()
        .find(|a| a.kind == AnnotationKind::Note)
        .unwrap();
    assert_eq!(pinned.comment, "a **pinned** note");
    // The PDF's words are searchable at once.
    assert!(t
        .titles("fulltext:acting")
        .iter()
        .any(|x| x.starts_with("ReAct")));

    let clark = t.by_title("Survival Analysis Part I");
    let kept = t.lib().annotations(&clark.id).unwrap();
    assert_eq!(kept.len(), 1, "kept without its PDF");
    assert_eq!(kept[0].pdf_sha256, "");
    let clark_report = r
        .items
        .iter()
        .find(|i| i.title == "Survival Analysis Part I")
        .unwrap();
    assert!(clark_report
        .notices
        .iter()
        .any(|n| n.contains("Clark 2003.pdf")));
    assert!(clark_report
        .notices
        .iter()
        .any(|n| n.contains("linked file")));
    let paper = t.lib().paper(&clark.id).unwrap();
    assert_eq!(paper.authors, ["T. G. Clark", "Cancer Research UK"]);
    assert_eq!(paper.doi.as_deref(), Some("10.1038/sj.bjc.6601118"));

    let trash: Vec<String> = t
        .lib()
        .trash()
        .unwrap()
        .into_iter()
        .map(|p| p.title)
        .collect();
    assert_eq!(trash, ["A Book I Threw Away"]);
    let thrown = r
        .items
        .iter()
        .find(|i| i.title == "A Book I Threw Away")
        .unwrap();
    assert_eq!(
        thrown.notices,
        ["in Zotero's trash, so in the trash here too"]
    );

    let again = import(&t, z.dir());
    assert_eq!(outcomes(&again), (0, 0, 3, 1), "{:#?}", again.items);
    assert_eq!(again.pdfs_copied + again.annotations, 0);
}

#[test]
fn a_later_import_follows_zotero_but_keeps_the_users_edits() {
    let (_tmp, z, keys) = built(ZoteroVersion::V7);
    let t = TempLibrary::new();
    import(&t, z.dir());
    let react = t.by_title("ReAct: Synergizing Reasoning and Acting in Language Models");
    let marks = t.lib().annotations(&react.id).unwrap();
    let pinned = marks
        .iter()
        .find(|a| a.kind == AnnotationKind::Note)
        .unwrap();
    // The user recolours the pinned note in Papershelf; Zotero's comment on the highlight
    // changes meanwhile.
    t.lib()
        .update_annotation(
            &pinned.id,
            &papershelf_core::model::AnnotationChange {
                color: Some("purple".into()),
                ..Default::default()
            },
        )
        .unwrap();
    z.set_annotation_comment(&keys[0], "the key idea, revised");
    let again = import(&t, z.dir());
    assert_eq!(again.annotations, 1, "{:#?}", again);
    let marks = t.lib().annotations(&react.id).unwrap();
    let highlight = marks
        .iter()
        .find(|a| a.kind == AnnotationKind::Highlight)
        .unwrap();
    assert_eq!(highlight.comment, "the key idea, revised");
    let pinned = marks
        .iter()
        .find(|a| a.kind == AnnotationKind::Note)
        .unwrap();
    assert_eq!(pinned.color, "#a28ae5", "the user's edit stays");
}

#[test]
fn zotero_5_and_6_databases_import_too() {
    for version in [ZoteroVersion::V5, ZoteroVersion::V6] {
        let (_tmp, z, _) = built(version);
        let t = TempLibrary::new();
        let r = import(&t, z.dir());
        assert_eq!(outcomes(&r), (3, 0, 0, 1), "{version:?}: {:#?}", r.items);
        assert_eq!(r.pdfs_copied, 1, "{version:?}");
        let expected = if version == ZoteroVersion::V5 { 0 } else { 5 };
        assert_eq!(r.annotations, expected, "{version:?}");
    }
}

#[test]
fn a_dry_run_reports_and_changes_nothing() {
    let (_tmp, z, _) = built(ZoteroVersion::V7);
    let t = TempLibrary::new();
    let r = t
        .lib()
        .import_zotero(z.dir(), ZoteroOptions { dry_run: true }, &mut |_| true)
        .unwrap();
    assert!(r.dry_run);
    assert_eq!(outcomes(&r), (3, 0, 0, 1));
    assert_eq!(r.pdfs_copied, 1);
    assert!(t.all().is_empty());
    assert!(
        !t.path().join("pdfs").exists()
            || std::fs::read_dir(t.path().join("pdfs"))
                .unwrap()
                .next()
                .is_none()
    );
}

#[test]
fn cancelling_writes_nothing() {
    let (_tmp, z, _) = built(ZoteroVersion::V7);
    let t = TempLibrary::new();
    let mut calls = 0;
    let err = t
        .lib()
        .import_zotero(z.dir(), ZoteroOptions::default(), &mut |p| {
            calls += 1;
            p.phase != "writing"
        })
        .unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err}");
    assert!(calls > 1);
    assert!(t.all().is_empty());
}

#[test]
fn what_is_not_a_zotero_database_says_so() {
    let t = TempLibrary::new();
    let empty = tempfile::tempdir().unwrap();
    let err = import_err(&t, empty.path());
    assert!(err.contains("no zotero.sqlite"), "{err}");
    std::fs::write(empty.path().join("zotero.sqlite"), b"not a database at all").unwrap();
    let err = import_err(&t, empty.path());
    assert!(err.contains("not a readable Zotero database"), "{err}");
    // A real SQLite file that is not Zotero's.
    std::fs::remove_file(empty.path().join("zotero.sqlite")).unwrap();
    rusqlite::Connection::open(empty.path().join("zotero.sqlite"))
        .unwrap()
        .execute_batch("CREATE TABLE items (x); CREATE TABLE other (y);")
        .unwrap();
    let err = import_err(&t, empty.path());
    assert!(err.contains("no table itemData"), "{err}");
    assert!(t.all().is_empty());
}

fn import_err(t: &TempLibrary, dir: &Path) -> String {
    t.lib()
        .import_zotero(dir, ZoteroOptions::default(), &mut |_| true)
        .unwrap_err()
        .to_string()
}

#[test]
fn the_database_is_never_written_and_may_be_read_only() {
    let (_tmp, z, _) = built(ZoteroVersion::V7);
    let db = z.dir().join("zotero.sqlite");
    let before = std::fs::read(&db).unwrap();
    let mut perms = std::fs::metadata(&db).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&db, perms).unwrap();
    let t = TempLibrary::new();
    import(&t, z.dir());
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert!(!z.dir().join("zotero.sqlite-journal").exists());
}

#[test]
fn storage_names_cannot_reach_outside_the_folder() {
    let (_tmp, mut z, _) = built(ZoteroVersion::V7);
    let (item, _) = z.item("journalArticle", &[("title", "Escaping")], &[]);
    z.conn()
        .execute(
            "INSERT INTO items (itemTypeID, libraryID, key)
             SELECT itemTypeID, 1, 'ESCAPE22' FROM itemTypes WHERE typeName = 'attachment'",
            [],
        )
        .unwrap();
    z.conn()
        .execute(
            "INSERT INTO itemAttachments (itemID, parentItemID, linkMode, contentType, path)
             VALUES (last_insert_rowid(), ?1, 0, 'application/pdf', 'storage:../../etc/passwd')",
            [item],
        )
        .unwrap();
    let t = TempLibrary::new();
    let r = import(&t, z.dir());
    let escaping = r.items.iter().find(|i| i.title == "Escaping").unwrap();
    assert_eq!(escaping.outcome, EntryOutcome::Added);
    assert_eq!(r.pdfs_copied, 1, "only the real PDF");
}
