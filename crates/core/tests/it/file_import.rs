//! `Library::import_file`: one path in, its kind from the extension or the content, one report
//! shape out; refusals name the file and say what it was taken for.

use std::fs;

use papershelf_core::{EntryOutcome, ErrorCode, FileKind, Library};

use crate::support::{
    fixture, hf_page_path, snapshot_path, TempLibrary, ENCODING_PAGE, SNAPSHOT_BROKEN,
};

fn import(
    lib: &Library,
    path: &std::path::Path,
) -> papershelf_core::Result<papershelf_core::FileImportReport> {
    lib.import_file(path, None, &mut |_| {})
}

#[test]
fn each_kind_is_recognised_by_its_extension() {
    let t = TempLibrary::new();
    let page = import(t.lib(), &hf_page_path(ENCODING_PAGE)).unwrap();
    assert_eq!(page.kind, FileKind::HfPage);
    assert_eq!(page.added, 35);
    assert_eq!(page.origin, ENCODING_PAGE);

    let bib = import(t.lib(), &fixture("interop/zotero.bib")).unwrap();
    assert_eq!(bib.kind, FileKind::Bibtex);
    assert!(bib.added + bib.merged > 0);
    assert_eq!(
        bib.entries.len() as u64,
        bib.added + bib.merged + bib.unchanged + bib.skipped,
        "reference formats list every entry"
    );

    let ris = import(t.lib(), &fixture("interop/zotero.ris")).unwrap();
    assert_eq!(ris.kind, FileKind::Ris);
    let csl = import(t.lib(), &fixture("interop/zotero.json")).unwrap();
    assert_eq!(csl.kind, FileKind::CslJson);
    // The same Zotero library in three formats: the second and third mostly merge.
    assert!(ris.merged + ris.unchanged >= ris.added);
}

#[test]
fn a_snapshot_reports_its_skipped_lines_first() {
    let t = TempLibrary::new();
    let r = import(t.lib(), &snapshot_path(SNAPSHOT_BROKEN)).unwrap();
    assert_eq!(r.kind, FileKind::ArxivJsonl);
    assert!(r.skipped > 0 && r.added > 0);
    assert_eq!(r.entries.len() as u64, r.skipped);
    assert!(r
        .entries
        .iter()
        .all(|e| e.outcome == EntryOutcome::Skipped && e.line > 0 && e.reason.is_some()));
}

#[test]
fn without_an_extension_the_content_decides() {
    let t = TempLibrary::new();
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("interop/jabref.bib", FileKind::Bibtex),
        ("interop/zotero.ris", FileKind::Ris),
        ("interop/zotero.json", FileKind::CslJson),
        ("api/snapshot-sample.jsonl", FileKind::ArxivJsonl),
        ("hf-pages/hf-search-encoding.txt", FileKind::HfPage),
    ];
    for (i, (src, kind)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("download-{i}"));
        fs::copy(fixture(src), &path).unwrap();
        let r = import(t.lib(), &path).unwrap_or_else(|e| panic!("{src}: {e}"));
        assert_eq!(r.kind, kind, "{src}");
        assert!(r.added + r.merged + r.unchanged > 0, "{src}");
    }
}

#[test]
fn a_kind_given_explicitly_wins_over_the_extension() {
    let t = TempLibrary::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("refs.txt");
    fs::copy(fixture("interop/better-bibtex.bib"), &path).unwrap();
    let r = t
        .lib()
        .import_file(&path, Some(FileKind::Bibtex), &mut |_| {})
        .unwrap();
    assert_eq!(r.kind, FileKind::Bibtex);
    assert!(r.added > 0);
}

#[test]
fn unreadable_files_are_refused_plainly_and_change_nothing() {
    let t = TempLibrary::new();
    let dir = tempfile::tempdir().unwrap();
    let before = t.lib().stats().unwrap().papers;

    let binary = dir.path().join("photo.bib");
    fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let err = import(t.lib(), &binary).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().contains("photo.bib"), "{err}");
    assert!(err.to_string().contains("binary"), "{err}");

    let utf16 = dir.path().join("export.ris");
    fs::write(&utf16, b"\xFF\xFET\0Y\0").unwrap();
    let err = import(t.lib(), &utf16).unwrap_err();
    assert!(err.to_string().contains("UTF-16"), "{err}");

    // A text file in which nothing reads as the kind it was taken for.
    let prose = dir.path().join("letter.txt");
    fs::write(&prose, "Thanks\n").unwrap();
    let err = import(t.lib(), &prose).unwrap_err();
    assert!(err.to_string().contains("no papers found"), "{err}");
    assert!(err.to_string().contains("Hugging Face page text"), "{err}");

    let not_csl = dir.path().join("settings.json");
    fs::write(&not_csl, "{\n  \"theme\": \"dark\"\n}\n").unwrap();
    let err = import(t.lib(), &not_csl).unwrap_err();
    assert!(err.to_string().contains("settings.json"), "{err}");

    let missing = dir.path().join("gone.bib");
    assert!(import(t.lib(), &missing).is_err());
    assert!(
        import(t.lib(), dir.path()).is_err(),
        "a folder is not a file"
    );

    assert_eq!(t.lib().stats().unwrap().papers, before);
}

#[test]
fn export_to_a_path_writes_the_selection_and_leaves_the_trash_out() {
    use papershelf_core::interop::Format;
    use papershelf_core::ExportSelection;

    let t = TempLibrary::new();
    import(t.lib(), &hf_page_path(ENCODING_PAGE)).unwrap();
    let all = t.all();
    let gone = all[0].clone();
    t.lib()
        .delete_papers(std::slice::from_ref(&gone.id))
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let bib = dir.path().join("library.bib");
    let n = t
        .lib()
        .export_to_path(Format::Bibtex, &ExportSelection::default(), &bib)
        .unwrap();
    assert_eq!(n, all.len() - 1);
    let text = fs::read_to_string(&bib).unwrap();
    assert_eq!(
        text.matches("\n@").count() + usize::from(text.starts_with('@')),
        n
    );
    assert!(!text.contains(&gone.title), "a trashed paper was exported");

    let notes = dir.path().join("notes");
    let n = t
        .lib()
        .export_to_path(Format::Markdown, &ExportSelection::default(), &notes)
        .unwrap();
    assert_eq!(fs::read_dir(&notes).unwrap().count(), n);

    // Exported BibTeX imports back through the same door.
    let fresh = TempLibrary::new();
    let r = import(fresh.lib(), &bib).unwrap();
    assert_eq!(r.added as usize, all.len() - 1);
}
