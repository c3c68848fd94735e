//! Collections end to end on a real library: create, fill, rename, delete; nesting (paths,
//! moves, subtrees); the sidebar scope and the `collection:` clause against SQLite; the
//! trash; a library from before nesting; exports of a collection and their round trip through
//! BibTeX (`groups`) and Markdown (`collections:`).

use std::collections::HashSet;

use papershelf_core::{
    BrowseRequest, Error, ErrorCode, ExportSelection, Format, ListFilter, PaperId,
};

use crate::support::*;

fn ids(t: &TempLibrary, range: std::ops::Range<usize>) -> Vec<PaperId> {
    t.all()[range].iter().map(|p| p.id.clone()).collect()
}

fn browse_ids(t: &TempLibrary, req: BrowseRequest) -> HashSet<String> {
    let r = t
        .lib()
        .browse(&BrowseRequest { limit: 500, ..req })
        .expect("browse");
    r.hits.iter().map(|h| h.paper.id.to_string()).collect()
}

/// Every collection as (name, count), by name.
fn names_and_counts(lib: &papershelf_core::Library) -> Vec<(String, u64)> {
    lib.collections()
        .unwrap()
        .into_iter()
        .map(|c| (c.name, c.count))
        .collect()
}

fn as_set(ids: &[PaperId]) -> HashSet<String> {
    ids.iter().map(|i| i.to_string()).collect()
}

#[test]
fn a_collection_is_created_filled_renamed_and_deleted_and_search_follows() {
    let t = TempLibrary::with_both_pages();
    let lib = t.lib();
    let first = ids(&t, 0..10);
    let created = lib.create_collection("  Thesis   chapter 2 ").unwrap();
    assert_eq!(created.name, "Thesis chapter 2");
    assert_eq!(created.count, 0);
    assert!(matches!(
        lib.create_collection("THESIS chapter 2"),
        Err(Error::CollectionExists(n)) if n == "Thesis chapter 2"
    ));

    let added = lib.add_to_collection("thesis CHAPTER 2", &first).unwrap();
    assert_eq!((added.changed, added.created), (10, false));
    assert_eq!(added.collection.count, 10);
    // Adding again changes nothing; a new name creates the collection on the way.
    assert_eq!(
        lib.add_to_collection("Thesis chapter 2", &first[..3])
            .unwrap()
            .changed,
        0
    );
    let group = lib.add_to_collection("Reading group", &first[5..]).unwrap();
    assert!(group.created);

    let paper = lib.paper(&first[6]).unwrap();
    assert_eq!(paper.collections, ["Reading group", "Thesis chapter 2"]);

    // The sidebar scope, the query clause in any case, and its exclusion.
    let scoped = browse_ids(
        &t,
        BrowseRequest {
            collection: Some("thesis chapter 2".into()),
            ..Default::default()
        },
    );
    assert_eq!(scoped, as_set(&first));
    let clause = browse_ids(
        &t,
        BrowseRequest {
            query: r#"collection:"THESIS  Chapter 2" in:"reading group""#.into(),
            ..Default::default()
        },
    );
    assert_eq!(clause, as_set(&first[5..]));
    let excluded = browse_ids(
        &t,
        BrowseRequest {
            query: r#"in:"thesis chapter 2" -in:"reading group""#.into(),
            ..Default::default()
        },
    );
    assert_eq!(excluded, as_set(&first[..5]));
    let listed: HashSet<String> = lib
        .list(&ListFilter {
            collection: Some("reading GROUP".into()),
            limit: Some(1000),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|p| p.id.to_string())
        .collect();
    assert_eq!(listed, as_set(&first[5..]));

    // Renaming re-indexes the members under the new name, at once and after a reopen.
    let renamed = lib
        .rename_collection("Thesis chapter 2", "Thesis: methods")
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.count),
        ("Thesis: methods", 10)
    );
    assert!(t.search(r#"in:"thesis chapter 2""#).hits.is_empty());
    assert_eq!(t.search(r#"in:"Thesis: methods""#).hits.len(), 10);
    assert!(matches!(
        lib.rename_collection("Thesis: methods", "READING group"),
        Err(Error::CollectionExists(_))
    ));
    // Another case of its own name is a rename.
    assert_eq!(
        lib.rename_collection("Thesis: methods", "thesis: Methods")
            .unwrap()
            .name,
        "thesis: Methods"
    );

    let out = lib
        .remove_from_collection("Reading group", &first[5..7])
        .unwrap();
    assert_eq!((out.changed, out.collection.count), (2, 3));
    // Which ones came out, by the ids given: what an undo puts back.
    assert_eq!(out.changed_ids, &first[5..7]);
    let back = lib
        .add_to_collection("Reading group", &first[4..7])
        .unwrap();
    assert_eq!(back.changed_ids, &first[4..7]);
    lib.remove_from_collection("Reading group", &first[4..7])
        .unwrap();

    let names = names_and_counts(lib);
    assert_eq!(
        names,
        [
            ("Reading group".to_string(), 3),
            ("thesis: Methods".to_string(), 10)
        ]
    );

    let deleted = lib.delete_collection("READING GROUP").unwrap();
    assert_eq!((deleted.collections, deleted.papers), (1, 3));
    assert!(t.search(r#"in:"reading group""#).hits.is_empty());
    assert!(lib.paper(&first[8]).unwrap().collections == ["thesis: Methods"]);
    assert_eq!(t.all().len(), 226, "deleting a collection keeps its papers");
    let missing = lib.delete_collection("Reading group").unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
    assert!(missing.to_string().contains("Reading group"), "{missing}");
}

#[test]
fn an_unknown_paper_or_a_bad_name_changes_nothing() {
    let t = TempLibrary::with_both_pages();
    let lib = t.lib();
    let mut some = ids(&t, 0..3);
    some.push(PaperId::new("t-00000000deadbeef"));
    assert!(matches!(
        lib.add_to_collection("Drafts", &some),
        Err(Error::PaperNotFound(_))
    ));
    assert!(
        lib.collections().unwrap().is_empty(),
        "no half-made collection"
    );
    assert!(lib.paper(&some[0]).unwrap().collections.is_empty());
    for bad in ["", "   ", "a\u{0}b", "say \"x\""] {
        let e = lib.create_collection(bad).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{bad:?}: {e}");
    }
    let long = "x".repeat(81);
    assert_eq!(
        lib.add_to_collection(&long, &some[..1]).unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        lib.remove_from_collection("Nope", &some[..1])
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
}

#[test]
fn membership_survives_the_trash_and_a_rebuilt_index() {
    let mut t = TempLibrary::with_both_pages();
    let some = ids(&t, 0..6);
    t.lib().add_to_collection("Keep", &some).unwrap();
    t.lib().delete_papers(&some[..2]).unwrap();
    assert_eq!(t.lib().collection("keep").unwrap().unwrap().count, 4);
    assert_eq!(t.search("in:keep").hits.len(), 4);
    t.lib().restore_papers(&some[..2]).unwrap();
    assert_eq!(t.lib().collection("keep").unwrap().unwrap().count, 6);
    assert_eq!(t.search("in:keep").hits.len(), 6);

    // A rebuilt index (an old or damaged one) carries the memberships too.
    t.close();
    std::fs::remove_dir_all(t.path().join("index")).unwrap();
    t.reopen();
    assert_eq!(t.search("in:keep").hits.len(), 6);
}

#[test]
fn a_collection_exports_alone_and_round_trips_through_bibtex_and_markdown() {
    let t = TempLibrary::with_both_pages();
    let lib = t.lib();
    let some = ids(&t, 0..4);
    lib.add_to_collection("Reading group", &some).unwrap();
    lib.add_to_collection("Survey, 2024", &some[..1]).unwrap();
    let sel = ExportSelection {
        collection: Some("reading group".into()),
        ..Default::default()
    };
    assert_eq!(lib.export_entries(&sel).unwrap().len(), 4);
    let by_query = lib
        .export_entries(&ExportSelection {
            query: Some(r#"collection:"Reading group""#.into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(by_query.len(), 4);
    let missing = lib
        .export_entries(&ExportSelection {
            collection: Some("Nope".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);

    let bib = lib.export_text(Format::Bibtex, &sel).unwrap();
    assert_eq!(bib.matches("groups").count(), 4, "{bib}");
    let fresh = TempLibrary::new();
    fresh
        .lib()
        .import_interop(Format::Bibtex, &bib, "group.bib")
        .unwrap();
    let names = names_and_counts(fresh.lib());
    // JabRef separates groups with commas, so a comma in a name splits it on the way back.
    assert_eq!(
        names,
        [
            ("2024".to_string(), 1),
            ("Reading group".to_string(), 4),
            ("Survey".to_string(), 1)
        ]
    );

    // Markdown keeps names whole.
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(lib.export_markdown(&sel, dir.path()).unwrap(), 4);
    let fresh = TempLibrary::new();
    fresh.lib().import_markdown_dir(dir.path()).unwrap();
    let names = names_and_counts(fresh.lib());
    assert_eq!(
        names,
        [
            ("Reading group".to_string(), 4),
            ("Survey, 2024".to_string(), 1)
        ]
    );
}

/// Every collection as (path, depth, count), in tree order.
fn tree(lib: &papershelf_core::Library) -> Vec<(String, u32, u64)> {
    lib.collections()
        .unwrap()
        .into_iter()
        .map(|c| (c.path, c.depth, c.count))
        .collect()
}

fn row(path: &str, depth: u32, count: u64) -> (String, u32, u64) {
    (path.to_string(), depth, count)
}

#[test]
fn collections_nest_and_are_named_by_path_with_names_unique_under_one_parent() {
    let t = TempLibrary::with_both_pages();
    let lib = t.lib();
    let some = ids(&t, 0..6);

    // Like mkdir -p: the missing parents come with it.
    let ch2 = lib.create_collection(" Thesis /  Chapter 2 ").unwrap();
    assert_eq!(
        (ch2.name.as_str(), ch2.path.as_str(), ch2.depth),
        ("Chapter 2", "Thesis/Chapter 2", 1)
    );
    let thesis = lib.collection("thesis").unwrap().unwrap();
    assert_eq!((thesis.parent, thesis.depth), (None, 0));
    assert_eq!(ch2.parent, Some(thesis.id));

    // The same name under two parents is fine; twice under one parent is not.
    lib.create_collection("Reading group/Chapter 2").unwrap();
    assert!(matches!(
        lib.create_collection("THESIS/chapter 2"),
        Err(Error::CollectionExists(p)) if p == "Thesis/Chapter 2"
    ));
    for bad in ["Thesis//Chapter 3", "/Thesis", "Thesis/", "Thesis/ "] {
        let e = lib.create_collection(bad).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{bad:?}: {e}");
    }

    // Adding to a new path creates it; a paper's collections are paths, in tree order.
    let added = lib.add_to_collection("Thesis/Chapter 3", &some).unwrap();
    assert!(added.created);
    lib.add_to_collection("thesis/chapter 2", &some[..2])
        .unwrap();
    lib.add_to_collection("Reading group/Chapter 2", &some[1..3])
        .unwrap();
    lib.add_to_collection("Thesis", &some[..1]).unwrap();
    assert_eq!(
        lib.paper(&some[1]).unwrap().collections,
        [
            "Reading group/Chapter 2",
            "Thesis/Chapter 2",
            "Thesis/Chapter 3"
        ]
    );
    assert_eq!(
        tree(lib),
        [
            row("Reading group", 0, 0),
            row("Reading group/Chapter 2", 1, 2),
            row("Thesis", 0, 1),
            row("Thesis/Chapter 2", 1, 2),
            row("Thesis/Chapter 3", 1, 6),
        ]
    );

    // A path is matched exactly, in any case: a parent does not stand for its children.
    assert_eq!(t.search(r#"in:"thesis / CHAPTER 2""#).hits.len(), 2);
    assert_eq!(
        t.search(r#"collection:"Reading group/Chapter 2""#)
            .hits
            .len(),
        2
    );
    assert_eq!(t.search("in:thesis").hits.len(), 1);
    assert!(t.search(r#"in:"chapter 2""#).hits.is_empty());
    let scoped = browse_ids(
        &t,
        BrowseRequest {
            collection: Some("Thesis/Chapter 2".into()),
            ..Default::default()
        },
    );
    assert_eq!(scoped, as_set(&some[..2]));
    let listed = lib
        .list(&ListFilter {
            collection: Some("reading GROUP/chapter 2".into()),
            limit: Some(1000),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(listed.len(), 2);
}

#[test]
fn renaming_moves_a_subtree_re_indexes_it_and_refuses_a_cycle() {
    let t = TempLibrary::with_both_pages();
    let lib = t.lib();
    let some = ids(&t, 0..4);
    lib.add_to_collection("Thesis/Chapter 2/Figures", &some[..2])
        .unwrap();
    lib.add_to_collection("Thesis/Chapter 2", &some[2..])
        .unwrap();

    // Same parent: a rename in place, and the children follow.
    let renamed = lib
        .rename_collection("thesis/chapter 2", "Thesis/Methods")
        .unwrap();
    assert_eq!(
        (renamed.path.as_str(), renamed.name.as_str()),
        ("Thesis/Methods", "Methods")
    );
    assert_eq!(t.search(r#"in:"thesis/methods/figures""#).hits.len(), 2);
    assert!(t.search(r#"in:"thesis/chapter 2/figures""#).hits.is_empty());

    // Another parent: a move, creating the new parent.
    let moved = lib
        .rename_collection("Thesis/Methods", "Archive/2025/Methods")
        .unwrap();
    assert_eq!((moved.depth, moved.count), (2, 2));
    assert_eq!(t.search(r#"in:"Archive/2025/Methods""#).hits.len(), 2);
    assert_eq!(
        t.search(r#"in:"Archive/2025/Methods/Figures""#).hits.len(),
        2
    );
    assert!(t.search(r#"in:"thesis/methods/figures""#).hits.is_empty());
    assert_eq!(
        lib.paper(&some[0]).unwrap().collections,
        ["Archive/2025/Methods/Figures"]
    );
    // To the top level.
    lib.rename_collection("Archive/2025/Methods/Figures", "Figures")
        .unwrap();
    assert_eq!(lib.paper(&some[0]).unwrap().collections, ["Figures"]);
    lib.rename_collection("Figures", "Archive/2025/Methods/Figures")
        .unwrap();

    // Not under itself or its descendants; not onto a taken path.
    for target in ["Archive/2025/Methods/Sub", "archive/2025/methods/figures/x"] {
        let e = lib
            .rename_collection("Archive/2025/Methods", target)
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{target}: {e}");
        assert!(e.to_string().contains("under itself"), "{e}");
    }
    assert!(matches!(
        lib.rename_collection("Archive/2025/Methods", "Thesis"),
        Err(Error::CollectionExists(p)) if p == "Thesis"
    ));
    assert!(lib
        .collection("Archive/2025/Methods/Sub")
        .unwrap()
        .is_none());

    // And it all holds after a rebuilt index.
    let mut t = t;
    t.close();
    std::fs::remove_dir_all(t.path().join("index")).unwrap();
    t.reopen();
    assert_eq!(
        t.search(r#"in:"Archive/2025/Methods/Figures""#).hits.len(),
        2
    );
}

#[test]
fn deleting_a_collection_deletes_its_subtree_and_keeps_the_papers() {
    let t = TempLibrary::with_both_pages();
    let lib = t.lib();
    let some = ids(&t, 0..5);
    lib.add_to_collection("Thesis", &some[..1]).unwrap();
    lib.add_to_collection("Thesis/Chapter 2", &some[..3])
        .unwrap();
    lib.add_to_collection("Thesis/Chapter 2/Figures", &some[2..4])
        .unwrap();
    lib.add_to_collection("Other", &some[4..]).unwrap();
    lib.delete_papers(&some[3..4]).unwrap();

    let deleted = lib.delete_collection("thesis").unwrap();
    // Three collections; papers 0, 1 and 2 outside the trash (3 is trashed).
    assert_eq!((deleted.collections, deleted.papers), (3, 3));
    assert_eq!(tree(lib), [row("Other", 0, 1)]);
    assert!(t.search(r#"in:"thesis/chapter 2""#).hits.is_empty());
    assert!(lib.paper(&some[2]).unwrap().collections.is_empty());
    assert_eq!(t.all().len(), 225, "the papers stay (one is in the trash)");
    lib.restore_papers(&some[3..4]).unwrap();
    assert!(lib.paper(&some[3]).unwrap().collections.is_empty());

    // Deleting a child leaves its parent.
    lib.create_collection("Other/Child/Grandchild").unwrap();
    let deleted = lib.delete_collection("Other/Child").unwrap();
    assert_eq!((deleted.collections, deleted.papers), (2, 0));
    assert_eq!(tree(lib), [row("Other", 0, 1)]);
}

#[test]
fn a_library_from_before_nesting_keeps_a_slash_name_as_a_division_slash() {
    let dir = tempfile::tempdir().unwrap();
    // Schema 17: the last without nesting.
    write_library_at_version(dir.path(), 17);
    {
        let conn = rusqlite::Connection::open(dir.path().join("library.sqlite")).unwrap();
        conn.execute_batch(
            "INSERT INTO collections (key, name, name_key, created_at) VALUES
                 (1, 'Input/Output', 'input/output', '2025-01-01T00:00:00Z'),
                 (2, 'Reading group', 'reading group', '2025-01-01T00:00:00Z');
             INSERT INTO collection_works (collection_key, work_key, added_at)
                 SELECT c.key, w.key, '2025-01-01T00:00:00Z' FROM collections c, works w;",
        )
        .unwrap();
    }
    let lib = papershelf_core::Library::open(dir.path()).unwrap();
    let got: Vec<(String, String, Option<i64>, u32)> = lib
        .collections()
        .unwrap()
        .into_iter()
        .map(|c| (c.name, c.path, c.parent, c.depth))
        .collect();
    assert_eq!(
        got,
        [
            (
                "Input\u{2215}Output".into(),
                "Input\u{2215}Output".into(),
                None,
                0
            ),
            ("Reading group".into(), "Reading group".into(), None, 0),
        ]
    );
    let id = PaperId::new("1506.03134");
    assert_eq!(
        lib.paper(&id).unwrap().collections,
        ["Input\u{2215}Output", "Reading group"]
    );
    let hits = |q: &str| lib.search(q, &Default::default()).unwrap().hits.len();
    assert_eq!(hits("in:\"input\u{2215}output\""), 1);
    assert_eq!(hits(r#"in:"Reading group""#), 1);
    // Not read as a path: no `Input` with an `Output` under it.
    assert_eq!(hits(r#"in:"Input/Output""#), 0);
    assert!(lib.collection("Input").unwrap().is_none());
    // Nesting works on the migrated library.
    lib.create_collection("Reading group/Week 1").unwrap();
    assert_eq!(lib.collections().unwrap().len(), 3);
}

#[test]
fn exports_carry_paths_and_importing_them_back_rebuilds_the_tree() {
    let t = TempLibrary::with_both_pages();
    let lib = t.lib();
    let some = ids(&t, 0..3);
    lib.add_to_collection("Thesis/Chapter 2", &some).unwrap();
    lib.add_to_collection("Thesis/Chapter 2/Figures", &some[..1])
        .unwrap();
    lib.add_to_collection("Reading group/Chapter 2", &some[1..2])
        .unwrap();
    let sel = ExportSelection {
        query: Some(r#"in:"thesis/chapter 2""#.into()),
        ..Default::default()
    };
    let want = [
        row("Reading group", 0, 0),
        row("Reading group/Chapter 2", 1, 1),
        row("Thesis", 0, 0),
        row("Thesis/Chapter 2", 1, 3),
        row("Thesis/Chapter 2/Figures", 2, 1),
    ];

    let bib = lib.export_text(Format::Bibtex, &sel).unwrap();
    assert!(
        bib.contains("groups   = {Thesis/Chapter 2, Thesis/Chapter 2/Figures}"),
        "{bib}"
    );
    let fresh = TempLibrary::new();
    fresh
        .lib()
        .import_interop(Format::Bibtex, &bib, "thesis.bib")
        .unwrap();
    assert_eq!(tree(fresh.lib()), want);
    // Importing the same file again changes nothing.
    fresh
        .lib()
        .import_interop(Format::Bibtex, &bib, "thesis.bib")
        .unwrap();
    assert_eq!(tree(fresh.lib()), want);

    let dir = tempfile::tempdir().unwrap();
    assert_eq!(lib.export_markdown(&sel, dir.path()).unwrap(), 3);
    let note = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .find(|text| text.contains("Figures"))
        .expect("a note in Figures");
    assert!(note.contains("Thesis/Chapter 2/Figures"), "{note}");
    let fresh = TempLibrary::new();
    fresh.lib().import_markdown_dir(dir.path()).unwrap();
    assert_eq!(tree(fresh.lib()), want);
}
