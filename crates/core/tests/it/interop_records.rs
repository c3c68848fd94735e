//! One work imported from several BibTeX entries (an arXiv preprint and its published version
//! under two citation keys, as Zotero and Better BibTeX export them): every key goes out again,
//! each entry with its own type and fields, and the export reads back as the same works.

use std::collections::BTreeMap;
use std::fs;

use papershelf_core::interop::{split_keywords, Format};
use papershelf_core::{EntryOutcome, ExportSelection, Library};

use crate::support::{fixture, TempLibrary};

fn text(name: &str) -> String {
    String::from_utf8(fs::read(fixture(&format!("interop/{name}"))).unwrap()).unwrap()
}

/// Entry type and fields (name lower-cased → value with macros expanded and LaTeX kept), by
/// citation key, as the `biblatex` crate reads a file.
type Entries = BTreeMap<String, (String, BTreeMap<String, String>)>;

fn entries(bib: &str) -> Entries {
    let bib = biblatex::RawBibliography::parse(bib).unwrap_or_else(|e| panic!("{e:?}\n{bib}"));
    let macros: BTreeMap<String, String> = bib
        .abbreviations
        .iter()
        .map(|p| (p.key.v.to_lowercase(), flat(&p.value.v, &BTreeMap::new())))
        .collect();
    bib.entries
        .iter()
        .map(|e| {
            let fields =
                e.v.fields
                    .iter()
                    .map(|p| (p.key.v.to_lowercase(), flat(&p.value.v, &macros)))
                    .collect();
            (e.v.key.v.to_string(), (e.v.kind.v.to_lowercase(), fields))
        })
        .collect()
}

/// A field's value as text: macros other than month names expanded, outer delimiters gone.
fn flat(
    chunks: &[biblatex::Spanned<biblatex::RawChunk<'_>>],
    macros: &BTreeMap<String, String>,
) -> String {
    chunks
        .iter()
        .map(|c| match c.v {
            biblatex::RawChunk::Normal(s) => s.to_string(),
            biblatex::RawChunk::Abbreviation(a) => macros
                .get(&a.to_lowercase())
                .cloned()
                .unwrap_or_else(|| a.to_lowercase()),
        })
        .collect()
}

fn export(lib: &Library) -> String {
    lib.export_text(Format::Bibtex, &ExportSelection::default())
        .unwrap()
}

fn works(lib: &Library) -> usize {
    lib.export_entries(&ExportSelection::default())
        .unwrap()
        .len()
}

/// The library's papers, fields, tags, notes and modification times (which files reported
/// them, and the records each file gave, aside).
fn papers(lib: &Library) -> Vec<papershelf_core::Paper> {
    lib.export_entries(&ExportSelection::default())
        .unwrap()
        .into_iter()
        .map(|e| {
            let mut p = e.paper;
            p.sources.clear();
            p.records.clear();
            p
        })
        .collect()
}

fn import(lib: &Library, bib: &str, origin: &str) -> papershelf_core::InteropReport {
    let r = lib.import_interop(Format::Bibtex, bib, origin).unwrap();
    assert_eq!(r.skipped, 0, "{r:#?}");
    r
}

const PAIRS: [(&str, &str); 4] = [
    // `@misc` preprint with `eprint` + `@inproceedings` with a DOI.
    ("vaswaniAttentionAllYou2017a", "vaswaniAttentionAllYou2017"),
    // `@unpublished` + `@article`.
    (
        "goodfellowGenerativeAdversarialNets2014",
        "goodfellowGenerativeAdversarialNetworks2020",
    ),
    // Titles that differ in case and punctuation, no shared id.
    ("heDeepResidualLearning2015", "heDeepResidualLearning2016"),
    // Both with the arXiv id, the published one with a DOI too.
    (
        "devlinBERTPretrainingDeep2018",
        "devlinBERTPretrainingDeep2019",
    ),
];

#[test]
fn preprint_and_published_entries_of_one_work_export_with_every_key_type_and_field() {
    let source = TempLibrary::new();
    let original = text("preprint-published-pairs.bib");
    let r = import(source.lib(), &original, "pairs.bib");
    // Four pairs and two single entries: six works.
    assert_eq!((r.added, r.merged), (6, 4), "{r:#?}");
    assert_eq!(works(source.lib()), 6);
    let bib = export(source.lib());
    let want = entries(&original);
    let got = entries(&bib);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "every key that came in goes out\n{bib}"
    );
    for (key, (kind, fields)) in &want {
        let (got_kind, got_fields) = &got[key];
        assert_eq!(got_kind, kind, "{key}");
        for (name, value) in fields {
            // Tags and note are the library's, the same in both entries of a work.
            if name == "keywords" || name == "annote" {
                continue;
            }
            assert_eq!(got_fields.get(name), Some(value), "{key}.{name}\n{bib}");
        }
        for name in got_fields.keys() {
            assert!(
                fields.contains_key(name) || name == "keywords" || name == "annote",
                "{key} gained {name}\n{bib}"
            );
        }
    }
    // Each entry of a pair carries the library's tags and note, whatever its own had.
    let tags = |key: &str| {
        let mut t = got[key]
            .1
            .get("keywords")
            .map(|k| split_keywords(k))
            .unwrap_or_default();
        t.sort();
        t
    };
    for (preprint, published) in PAIRS {
        assert_eq!(tags(preprint), tags(published), "{preprint}");
        assert_eq!(
            got[preprint].1.get("annote"),
            got[published].1.get("annote")
        );
    }
    assert_eq!(
        tags("vaswaniAttentionAllYou2017"),
        ["Computer-Science-Computation-and-Language", "transformers"]
    );
    assert_eq!(
        tags("devlinBERTPretrainingDeep2018"),
        ["nlp", "pretraining"]
    );
    assert_eq!(
        got["vaswaniAttentionAllYou2017a"].1["annote"],
        "The published version; cite this one in the thesis."
    );
    assert_eq!(
        got["heDeepResidualLearning2015"].1["annote"],
        "CVPR best paper."
    );
    // The preprint keeps its own title, type and venue-less fields; the published its own.
    assert_eq!(
        got["heDeepResidualLearning2016"].1["title"],
        "Deep residual learning for image recognition."
    );
    assert_eq!(got["heDeepResidualLearning2015"].0, "misc");
    assert!(!got["heDeepResidualLearning2015"]
        .1
        .contains_key("booktitle"));

    // Into a fresh library: the same works, keys, types and fields, the same text again.
    let fresh = TempLibrary::new();
    let r = import(fresh.lib(), &bib, "export.bib");
    assert_eq!((r.added, r.merged), (6, 4), "{r:#?}");
    assert_eq!(works(fresh.lib()), 6);
    assert_eq!(export(fresh.lib()), bib);
    // The work is named by its oldest key in both: the first of the pair in the file.
    let named: Vec<String> = fresh
        .lib()
        .export_entries(&ExportSelection::default())
        .unwrap()
        .into_iter()
        .map(|e| e.key)
        .collect();
    for (preprint, published) in PAIRS {
        assert!(named.contains(&preprint.to_string()), "{named:?}");
        assert!(!named.contains(&published.to_string()), "{named:?}");
    }

    // Into the same library: every entry is one it has, nothing changes.
    let before = papers(source.lib());
    let r = import(source.lib(), &bib, "export.bib");
    assert!(
        r.entries
            .iter()
            .all(|e| e.outcome == EntryOutcome::Unchanged),
        "{r:#?}"
    );
    assert_eq!(works(source.lib()), 6);
    assert_eq!(export(source.lib()), bib);
    assert_eq!(papers(source.lib()), before);
    // And so does the original file, imported again.
    let r = import(source.lib(), &original, "pairs.bib");
    assert!(
        r.entries
            .iter()
            .all(|e| e.outcome == EntryOutcome::Unchanged),
        "{r:#?}"
    );
    assert_eq!(export(source.lib()), bib);
    assert_eq!(papers(source.lib()), before);
}

#[test]
fn real_exports_round_trip_every_key_type_and_field() {
    for name in [
        "zotero.bib",
        "better-bibtex.bib",
        "jabref.bib",
        "preprint-published-pairs.bib",
    ] {
        let original = text(name);
        let t = TempLibrary::new();
        import(t.lib(), &original, name);
        let bib = export(t.lib());
        let want = entries(&original);
        let got = entries(&bib);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "{name}\n{bib}"
        );
        for (key, (kind, fields)) in &want {
            let (got_kind, got_fields) = &got[key];
            assert_eq!(got_kind, kind, "{name}: {key}");
            for (field, value) in fields {
                if name.starts_with("preprint") && (field == "keywords" || field == "annote") {
                    continue;
                }
                assert_eq!(
                    got_fields.get(field),
                    Some(value),
                    "{name}: {key}.{field}\n{bib}"
                );
            }
        }
        // Through a second library and back: the same text.
        let again = TempLibrary::new();
        import(again.lib(), &bib, "export.bib");
        assert_eq!(export(again.lib()), bib, "{name}");
    }
}

#[test]
fn a_changed_field_goes_into_every_entry_of_the_work() {
    let t = TempLibrary::new();
    import(t.lib(), &text("preprint-published-pairs.bib"), "pairs.bib");
    let id = t
        .lib()
        .export_entries(&ExportSelection::default())
        .unwrap()
        .into_iter()
        .find(|e| e.key == "heDeepResidualLearning2015")
        .unwrap()
        .paper
        .id;
    t.lib().add_tags(&id, &["vision".into()]).unwrap();
    t.lib()
        .set_note(&id, "Residual connections everywhere.")
        .unwrap();
    let got = entries(&export(t.lib()));
    for key in ["heDeepResidualLearning2015", "heDeepResidualLearning2016"] {
        assert_eq!(got[key].1["keywords"], "vision", "{key}");
        assert_eq!(
            got[key].1["annote"], "Residual connections everywhere.",
            "{key}"
        );
        // Unmodelled fields stay each entry's own.
        assert_eq!(
            got[key].1.contains_key("pages"),
            key.ends_with("2016"),
            "{key}"
        );
    }
}

#[test]
fn the_mirror_and_the_markdown_export_carry_every_key_in_one_note_per_work() {
    let t = TempLibrary::new();
    let original = text("preprint-published-pairs.bib");
    import(t.lib(), &original, "pairs.bib");
    let mdir = tempfile::tempdir().unwrap();
    let m = mdir.path().join("mirror");
    let status = t.lib().enable_mirror(&m).unwrap();
    assert_eq!(status.papers, Some(6));
    // `library.bib` is the BibTeX export: every key, each entry its own.
    let bib = fs::read_to_string(m.join("library.bib")).unwrap();
    assert_eq!(bib, export(t.lib()));
    assert_eq!(
        entries(&bib).keys().collect::<Vec<_>>(),
        entries(&original).keys().collect::<Vec<_>>()
    );
    // CSL-JSON: one item per work, under its oldest key.
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(m.join("library.json")).unwrap()).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 6);
    // One note per work, named by its oldest key and listing every key.
    let mut notes: Vec<String> = fs::read_dir(m.join("notes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    notes.sort();
    assert_eq!(
        notes,
        [
            "devlinBERTPretrainingDeep2018.md",
            "goodfellowDeepLearning2016.md",
            "goodfellowGenerativeAdversarialNets2014.md",
            "heDeepResidualLearning2015.md",
            "kingmaAutoEncodingVariationalBayes2013.md",
            "vaswaniAttentionAllYou2017a.md",
        ]
    );
    let note = fs::read_to_string(m.join("notes/vaswaniAttentionAllYou2017a.md")).unwrap();
    assert!(
        note.contains(
            "citekey: \"vaswaniAttentionAllYou2017a\"\ncitekeys:\n  - \"vaswaniAttentionAllYou2017a\"\n  - \"vaswaniAttentionAllYou2017\"\n"
        ),
        "{note}"
    );
    let single = fs::read_to_string(m.join("notes/goodfellowDeepLearning2016.md")).unwrap();
    assert!(!single.contains("citekeys"), "{single}");
    // The Markdown export writes the same files.
    let out = mdir.path().join("md");
    assert_eq!(
        t.lib()
            .export_markdown(&ExportSelection::default(), &out)
            .unwrap(),
        6
    );
    assert_eq!(
        fs::read_to_string(out.join("vaswaniAttentionAllYou2017a.md")).unwrap(),
        note
    );
}

#[test]
fn the_paper_lists_its_records_with_type_origin_and_the_preprint_marked() {
    let t = TempLibrary::new();
    import(t.lib(), &text("preprint-published-pairs.bib"), "pairs.bib");
    let entry = t
        .lib()
        .export_entries(&ExportSelection::default())
        .unwrap()
        .into_iter()
        .find(|e| e.key == "vaswaniAttentionAllYou2017a")
        .unwrap();
    let paper = t.lib().paper(&entry.paper.id).unwrap();
    let records: Vec<(String, Option<String>, String, String, bool)> = paper
        .records
        .into_iter()
        .map(|r| (r.key, r.entry_type, r.origin, r.format, r.preprint))
        .collect();
    let rec = |key: &str, kind: &str, preprint| {
        (
            key.to_string(),
            Some(kind.to_string()),
            "pairs.bib".to_string(),
            "bibtex".to_string(),
            preprint,
        )
    };
    assert_eq!(
        records,
        [
            rec("vaswaniAttentionAllYou2017a", "misc", true),
            rec("vaswaniAttentionAllYou2017", "inproceedings", false)
        ]
    );
    // Zotero's `@article` with `journal = {arXiv:…}` is a preprint too; the published BERT
    // carries the arXiv id and a DOI, and is not.
    let bert = t
        .lib()
        .export_entries(&ExportSelection::default())
        .unwrap()
        .into_iter()
        .find(|e| e.key == "devlinBERTPretrainingDeep2018")
        .unwrap();
    let flags: Vec<(String, bool)> = t
        .lib()
        .paper(&bert.paper.id)
        .unwrap()
        .records
        .into_iter()
        .map(|r| (r.key, r.preprint))
        .collect();
    assert_eq!(
        flags,
        [
            ("devlinBERTPretrainingDeep2018".to_string(), true),
            ("devlinBERTPretrainingDeep2019".to_string(), false)
        ]
    );
}
