//! Collections end to end on a real library: create, fill, rename, delete; the sidebar
//! scope and the `collection:` clause against SQLite; the trash; exports of a collection and
//! their round trip through BibTeX (`groups`) and Markdown (`collections:`).

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

    assert_eq!(lib.delete_collection("READING GROUP").unwrap(), 3);
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
