//! BibTeX, RIS, CSL-JSON and Markdown import/export, round trips, and the open mirror.

use std::fs;
use std::sync::Arc;
use std::time::Duration;

use papershelf_core::interop::{mirror, Format};
use papershelf_core::{
    EntryOutcome, ExportSelection, Library, NewPaper, PaperId, SearchOptions, Status,
};

use crate::support::{fixture, TempLibrary};

fn text(name: &str) -> String {
    let bytes = fs::read(fixture(&format!("interop/{name}"))).unwrap();
    String::from_utf8(bytes).unwrap()
}

fn paper_titled(lib: &Library, title: &str) -> papershelf_core::Paper {
    let hits = lib
        .search(&format!("\"{title}\""), &SearchOptions::default())
        .unwrap();
    let hit = hits
        .hits
        .iter()
        .find(|h| h.paper.title == title)
        .unwrap_or_else(|| {
            panic!(
                "{title} not found in {:?}",
                hits.hits.iter().map(|h| &h.paper.title).collect::<Vec<_>>()
            )
        });
    lib.paper(&hit.paper.id).unwrap()
}

#[test]
fn a_zotero_bibtex_export_imports_with_arxiv_ids_tags_files_and_notes() {
    let t = TempLibrary::new();
    let r = t
        .lib()
        .import_interop(Format::Bibtex, &text("zotero.bib"), "zotero.bib")
        .unwrap();
    assert_eq!((r.added, r.merged, r.skipped), (3, 0, 0), "{r:#?}");
    let p = t.lib().paper(&PaperId::new("1706.03762")).unwrap();
    assert_eq!(p.title, "Attention Is All You Need");
    assert_eq!(p.authors[0], "Ashish Vaswani");
    assert_eq!(p.doi, None, "the arXiv DOI is an id, not a DOI");
    assert!(p
        .tags
        .contains(&"Computer-Science-Machine-Learning".to_string()));
    assert!(r.entries[0]
        .notices
        .iter()
        .any(|n| n.contains("Vaswani et al. - 2023 - Attention Is All You Need.pdf")));
    let resnet = paper_titled(t.lib(), "Deep Residual Learning for Image Recognition");
    assert_eq!(resnet.doi.as_deref(), Some("10.1109/CVPR.2016.90"));
    assert_eq!(resnet.published.unwrap().month, Some(6));
    let bridge = paper_titled(
        t.lib(),
        "Diffusion Schrödinger Bridge with Applications to Score-Based Generative Modeling",
    );
    assert_eq!(bridge.authors[0], "Valentin De Bortoli");
    assert_eq!(
        bridge.note.unwrap().body,
        "Read for the reading group.\nKey idea: IPF as a sequence of diffusions."
    );
    // The raw entry is kept for round trips.
    let raw = t.lib().raw_imports(&p.id).unwrap();
    assert!(
        raw[0].3.starts_with("@misc{vaswani_attention_2017,"),
        "{raw:?}"
    );
    // Searchable with the accent folded.
    let hits = t
        .lib()
        .search("schrodinger", &SearchOptions::default())
        .unwrap();
    assert_eq!(hits.total, 1);
}

#[test]
fn better_bibtex_and_jabref_quirks_are_read() {
    let t = TempLibrary::new();
    let r = t
        .lib()
        .import_interop(Format::Bibtex, &text("better-bibtex.bib"), "bbt.bib")
        .unwrap();
    assert_eq!((r.added, r.skipped), (3, 0), "{r:#?}");
    let clip = t.lib().paper(&PaperId::new("2103.00020")).unwrap();
    assert_eq!(
        clip.title,
        "Learning Transferable Visual Models From Natural Language Supervision"
    );
    assert_eq!(clip.published.unwrap().day, Some(26));
    assert_eq!(
        clip.tags,
        vec![
            "clip",
            "Computer-Science-Computer-Vision-and-Pattern-Recognition",
            "multimodal"
        ]
    );
    let adam = t.lib().paper(&PaperId::new("1412.6980")).unwrap();
    assert_eq!(
        adam.journal_ref.as_deref(),
        Some("International Conference on Machine Learning (Proceedings of Machine Learning Research)")
    );
    assert_eq!(adam.categories, vec!["cs.LG"]);
    assert!(adam.note.unwrap().body.starts_with("Default optimiser"));
    let gem = paper_titled(t.lib(), "Gradient Episodic Memory for Continual Learning");
    assert_eq!(gem.authors[0], "David Lopez-Paz");

    let r = t
        .lib()
        .import_interop(Format::Bibtex, &text("jabref.bib"), "jabref.bib")
        .unwrap();
    assert_eq!((r.added, r.skipped), (3, 0), "{r:#?}");
    let dropout = paper_titled(
        t.lib(),
        "Dropout: A Simple Way to Prevent Neural Networks from Overfitting",
    );
    assert_eq!(
        dropout.journal_ref.as_deref(),
        Some("Journal of Machine Learning Research")
    );
    assert_eq!(dropout.note.unwrap().body, "Classic regularisation paper.");
    assert_eq!(dropout.tags, vec!["dropout", "regularization"]);
    let fasttext = paper_titled(t.lib(), "Enriching Word Vectors with Subword Information");
    assert_eq!(fasttext.authors[1], "Édouard Grave");
    assert_eq!(fasttext.authors[3], "Tomáš Mikolov");
    assert_eq!(fasttext.doi.as_deref(), Some("10.1162/tacl_a_00051"));
    let smoothing = t.lib().paper(&PaperId::new("1906.02629")).unwrap();
    assert_eq!(smoothing.authors[0], "Rafael Müller");
    assert_eq!(smoothing.published.unwrap().month, Some(6));
}

#[test]
fn malformed_bibtex_reports_lines_and_imports_the_rest() {
    let t = TempLibrary::new();
    let r = t
        .lib()
        .import_interop(Format::Bibtex, &text("malformed.bib"), "malformed.bib")
        .unwrap();
    let added: Vec<&str> = r
        .entries
        .iter()
        .filter(|e| e.outcome == EntryOutcome::Added)
        .filter_map(|e| e.key.as_deref())
        .collect();
    assert_eq!(added, vec!["good_one", "good_two"], "{r:#?}");
    let skipped: Vec<usize> = r
        .entries
        .iter()
        .filter(|e| e.outcome == EntryOutcome::Skipped)
        .map(|e| e.line)
        .collect();
    assert_eq!(skipped, vec![9, 14, 19, 24], "{r:#?}");
    assert!(r.entries.iter().any(|e| e
        .reason
        .as_deref()
        .is_some_and(|x| x.contains("unbalanced braces"))));
    let two = paper_titled(t.lib(), "Another Good Entry & After the Damage");
    assert_eq!(two.year, Some(2022));
}

#[test]
fn zotero_ris_and_csl_json_import_and_merge_with_bibtex() {
    let t = TempLibrary::new();
    t.lib()
        .import_interop(Format::Bibtex, &text("zotero.bib"), "zotero.bib")
        .unwrap();
    let r = t
        .lib()
        .import_interop(Format::Ris, &text("zotero.ris"), "zotero.ris")
        .unwrap();
    let skipped: Vec<usize> = r
        .entries
        .iter()
        .filter(|e| e.outcome == EntryOutcome::Skipped)
        .map(|e| e.line)
        .collect();
    assert_eq!(skipped, vec![41, 46], "{r:#?}");
    assert_eq!(r.added, 1, "only GPT-3 is new: {r:#?}");
    assert_eq!(r.merged, 2, "{r:#?}");
    let attention = t.lib().paper(&PaperId::new("1706.03762")).unwrap();
    assert!(attention.tags.contains(&"transformers".to_string()));
    let resnet = paper_titled(t.lib(), "Deep Residual Learning for Image Recognition");
    assert_eq!(
        resnet.note.unwrap().body,
        "Read twice.\nSkip connections make very deep nets trainable."
    );
    let gpt3 = t.lib().paper(&PaperId::new("2005.14165")).unwrap();
    assert_eq!(
        (gpt3.arxiv_id.as_deref(), gpt3.title.as_str(), gpt3.year),
        (
            Some("2005.14165"),
            "Language Models are Few-Shot Learners",
            Some(2020)
        )
    );

    let r = t
        .lib()
        .import_interop(Format::CslJson, &text("zotero.json"), "zotero.json")
        .unwrap();
    let skipped: Vec<usize> = r
        .entries
        .iter()
        .filter(|e| e.outcome == EntryOutcome::Skipped)
        .map(|e| e.line)
        .collect();
    assert_eq!(skipped, vec![42, 45], "{r:#?}");
    assert_eq!(r.added, 1, "only GPT-4 is new: {r:#?}");
    let gpt4 = t.lib().paper(&PaperId::new("2303.08774")).unwrap();
    assert_eq!(gpt4.authors, vec!["OpenAI"]);
    // The same note again is not duplicated.
    let resnet = paper_titled(t.lib(), "Deep Residual Learning for Image Recognition");
    assert_eq!(
        resnet.note.unwrap().body,
        "Read twice.\nSkip connections make very deep nets trainable."
    );
}

#[test]
fn a_different_imported_note_is_appended_never_replacing() {
    let t = TempLibrary::new();
    t.lib()
        .import_interop(Format::Bibtex, &text("zotero.bib"), "zotero.bib")
        .unwrap();
    let id = PaperId::new("1706.03762");
    t.lib().set_note(&id, "My own thoughts.").unwrap();
    t.lib().set_status(&id, Status::Read).unwrap();
    let bib = "@misc{x, title = {Attention Is All You Need}, eprint = {1706.03762}, archivePrefix = {arXiv}, annote = {From a colleague.}, keywords = {shared}}";
    let r = t
        .lib()
        .import_interop(Format::Bibtex, bib, "colleague.bib")
        .unwrap();
    assert_eq!(r.merged, 1);
    let p = t.lib().paper(&id).unwrap();
    let body = p.note.unwrap().body;
    assert!(body.starts_with("My own thoughts."), "{body}");
    assert!(body.ends_with("From a colleague."), "{body}");
    assert_eq!(p.status, Status::Read);
    assert!(p.tags.contains(&"shared".to_string()));
}

fn sample_library() -> TempLibrary {
    let t = TempLibrary::new();
    let papers = vec![
        NewPaper {
            arxiv_id: Some(papershelf_core::ArxivId::parse("1706.03762").unwrap().0),
            title: "Attention Is All You Need".into(),
            authors: vec!["Ashish Vaswani".into(), "Noam Shazeer".into()],
            abstract_text: "Transformers & 50% less {recurrence} with $O(1)$ paths_#~^\\.".into(),
            published: Some(papershelf_core::PartialDate::ymd(2017, 6, 12)),
            categories: vec!["cs.CL".into()],
            ..Default::default()
        },
        NewPaper {
            title: "Über Müller's \"Quoted\": A Study".into(),
            authors: vec!["Jörg Müller".into(), "Ludwig van Beethoven".into()],
            doi: Some("10.1000/xyz_1".into()),
            journal_ref: Some("Journal of Things & Stuff".into()),
            published: Some(papershelf_core::PartialDate {
                year: Some(2020),
                month: Some(3),
                day: None,
            }),
            ..Default::default()
        },
        NewPaper {
            title: "Attention Is Not All You Need".into(),
            authors: vec!["Ashish Vaswani".into()],
            published: Some(papershelf_core::PartialDate {
                year: Some(2017),
                ..Default::default()
            }),
            ..Default::default()
        },
    ];
    t.lib().add_papers(&papers, "test", "sample").unwrap();
    let a = PaperId::new("1706.03762");
    t.lib()
        .add_tags(&a, &["transformers".into(), "nlp".into()])
        .unwrap();
    t.lib()
        .set_note(&a, "# Thoughts\n\nSelf-attention: O(n²) memory & 50% of {compute}.\n\n- point one\n- \\emph{two}")
        .unwrap();
    t.lib().set_status(&a, Status::Read).unwrap();
    let other = paper_titled(t.lib(), "Über Müller's \"Quoted\": A Study");
    t.lib().add_tags(&other.id, &["c#_tag".into()]).unwrap();
    t
}

/// Title, authors, year, arXiv id, DOI, tags, note.
type Essence = (
    String,
    Vec<String>,
    Option<i32>,
    Option<String>,
    Option<String>,
    Vec<String>,
    Option<String>,
);

/// What must survive a round trip.
fn essence(lib: &Library) -> Vec<Essence> {
    let mut out: Vec<_> = lib
        .export_entries(&ExportSelection::default())
        .unwrap()
        .into_iter()
        .map(|e| {
            let p = e.paper;
            (
                p.title,
                p.authors,
                p.year,
                p.arxiv_id,
                p.doi,
                p.tags,
                p.note.map(|n| n.body),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn bibtex_csl_json_and_ris_round_trip_papers_tags_and_notes() {
    let source = sample_library();
    let want = essence(source.lib());
    for format in [Format::Bibtex, Format::CslJson, Format::Ris] {
        let exported = source
            .lib()
            .export_text(format, &ExportSelection::default())
            .unwrap();
        let target = TempLibrary::new();
        let r = target
            .lib()
            .import_interop(format, &exported, "export")
            .unwrap();
        assert_eq!(
            (r.added, r.skipped),
            (3, 0),
            "{format:?}: {r:#?}\n{exported}"
        );
        assert_eq!(essence(target.lib()), want, "{format:?}:\n{exported}");
        // Exporting again gives the same text: stable keys and order.
        let again = target
            .lib()
            .export_text(format, &ExportSelection::default())
            .unwrap();
        if format == Format::Bibtex {
            assert_eq!(again, exported);
        }
    }
}

#[test]
fn bibtex_export_has_stable_unique_keys_eprints_and_escapes() {
    let t = sample_library();
    let bib = t
        .lib()
        .export_text(Format::Bibtex, &ExportSelection::default())
        .unwrap();
    assert!(bib.contains("@misc{vaswani2017attention,"), "{bib}");
    assert!(bib.contains("@misc{vaswani2017attentiona,"), "{bib}");
    assert!(bib.contains("eprint        = {1706.03762}"), "{bib}");
    assert!(bib.contains("archivePrefix = {arXiv}"), "{bib}");
    assert!(bib.contains("primaryClass  = {cs.CL}"), "{bib}");
    assert!(bib.contains("Transformers \\& 50\\% less \\{recurrence\\} with \\$O(1)\\$ paths\\_\\#\\textasciitilde{}\\textasciicircum{}\\textbackslash{}."), "{bib}");
    assert!(
        bib.contains("= {Müller, Jörg and van Beethoven, Ludwig},")
            && bib.contains("doi      = {10.1000/xyz_1},"),
        "{bib}"
    );
    assert_eq!(
        bib,
        t.lib()
            .export_text(Format::Bibtex, &ExportSelection::default())
            .unwrap()
    );
    // Selections: by tag, status and query.
    let by_tag = t
        .lib()
        .export_text(
            Format::Bibtex,
            &ExportSelection {
                tag: Some("nlp".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(by_tag.matches("\n@").count(), 1, "{by_tag}");
    let by_status = t
        .lib()
        .export_entries(&ExportSelection {
            status: Some(Status::Inbox),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(by_status.len(), 2);
    let by_query = t
        .lib()
        .export_entries(&ExportSelection {
            query: Some("müller".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(by_query.len(), 1);
    assert_eq!(by_query[0].key, "muller2020uber");
}

/// The entry of `key` in an exported BibTeX text, with the alignment of `=` squeezed out.
fn entry_of(bib: &str, key: &str) -> String {
    let start = bib
        .find(&format!("{{{key},\n"))
        .unwrap_or_else(|| panic!("no entry {key} in\n{bib}"));
    let start = bib[..start].rfind('@').unwrap();
    let end = bib[start..]
        .find("\n}\n")
        .map_or(bib.len(), |e| start + e + 3);
    bib[start..end]
        .lines()
        .map(|l| match l.split_once(" = ") {
            Some((k, v)) => format!("{} = {v}", k.trim_end()),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts that `entry` (from [`entry_of`]) holds every one of `lines`.
fn assert_lines(entry: &str, lines: &[&str]) {
    for line in lines {
        assert!(entry.contains(line), "{line}\n{entry}");
    }
}

#[test]
fn a_bibtex_import_exports_with_its_keys_entry_types_and_unmodelled_fields() {
    let t = TempLibrary::new();
    let r = t
        .lib()
        .import_interop(
            Format::Bibtex,
            &text("better-bibtex.bib"),
            "better-bibtex.bib",
        )
        .unwrap();
    assert_eq!(r.skipped, 0, "{r:#?}");
    let export = |lib: &Library| {
        lib.export_text(Format::Bibtex, &ExportSelection::default())
            .unwrap()
    };
    let bib = export(t.lib());
    // The citation keys of the file, so `\cite{…}` in the user's documents still resolve.
    let adam = entry_of(&bib, "kingmaAdamMethodStochastic2015");
    // Entry type, field order, LaTeX braces, the month macro and unmodelled fields as
    // imported; the `@string` macros expanded, since the export has no definitions.
    assert!(adam.starts_with("@inproceedings{"), "{adam}");
    assert_lines(
        &adam,
        &[
            "title = {Adam: {{A Method}} for {{Stochastic Optimization}}},",
            "shorttitle = {Adam},",
            "booktitle = {International Conference on Machine Learning (Proceedings of Machine Learning Research)},",
            "month = may,",
            "primaryclass = {cs.LG},",
            "annotation = {Default optimiser; see \\S 2 for the bias correction.},",
        ],
    );
    assert!(!adam.contains("journal"), "{adam}");
    let gem = entry_of(&bib, "lopezPazGradientEpisodic2017");
    assert!(gem.starts_with("@article{"), "{gem}");
    assert_lines(
        &gem,
        &[
            "author = {{Lopez-Paz}, David and Ranzato, Marc'Aurelio},",
            "journaltitle = {Advances in Neural Information Processing Systems},",
            "volume = {30},",
            "date = {2017},",
        ],
    );
    let clip = entry_of(&bib, "radfordLearningTransferableVisual2021");
    assert!(clip.starts_with("@online{"), "{clip}");
    for field in ["urldate", "pubstate", "file", "eprinttype"] {
        assert!(clip.contains(&format!("  {field} = ")), "{field}\n{clip}");
    }

    // What the user changes in Papershelf is what the export writes for those fields.
    let adam_id = paper_titled(t.lib(), "Adam: A Method for Stochastic Optimization").id;
    t.lib().add_tags(&adam_id, &["optimisers".into()]).unwrap();
    t.lib()
        .set_note(&adam_id, "Use AdamW & decoupled weight decay.")
        .unwrap();
    let gem_id = paper_titled(t.lib(), "Gradient Episodic Memory for Continual Learning").id;
    t.lib()
        .remove_tags(&gem_id, &["continual-learning".into()])
        .unwrap();
    let bib = export(t.lib());
    let adam = entry_of(&bib, "kingmaAdamMethodStochastic2015");
    assert!(adam.contains("= {optimisers},"), "{adam}");
    // The note goes back under the field it came from.
    assert!(
        adam.contains("annotation = {Use AdamW \\& decoupled weight decay.},"),
        "{adam}"
    );
    assert!(adam.contains("shorttitle"), "{adam}");
    let gem = entry_of(&bib, "lopezPazGradientEpisodic2017");
    assert!(!gem.contains("keywords"), "{gem}");
    assert!(gem.contains("volume"), "{gem}");

    // And the export reads back into an empty library as the same papers, tags and notes,
    // with the same keys and the same text on the next export.
    let target = TempLibrary::new();
    let r = target
        .lib()
        .import_interop(Format::Bibtex, &bib, "export.bib")
        .unwrap();
    assert_eq!((r.added, r.skipped), (3, 0), "{r:#?}");
    assert_eq!(essence(target.lib()), essence(t.lib()));
    assert_eq!(export(target.lib()), bib);
}

#[test]
fn markdown_export_round_trips_notes_tags_and_status() {
    let source = sample_library();
    let dir = tempfile::tempdir().unwrap();
    let n = source
        .lib()
        .export_markdown(&ExportSelection::default(), dir.path())
        .unwrap();
    assert_eq!(n, 3);
    let md = fs::read_to_string(dir.path().join("muller2020uber.md")).unwrap();
    assert!(
        md.contains("title: \"Über Müller's \\\"Quoted\\\": A Study\""),
        "{md}"
    );
    let md = fs::read_to_string(dir.path().join("vaswani2017attention.md")).unwrap();
    assert!(
        md.contains("  arxiv: \"https://arxiv.org/abs/1706.03762\""),
        "{md}"
    );
    assert!(
        md.contains("  hf: \"https://huggingface.co/papers/1706.03762\""),
        "{md}"
    );
    assert!(md.contains("status: \"read\""), "{md}");
    let target = TempLibrary::new();
    let r = target.lib().import_markdown_dir(dir.path()).unwrap();
    assert_eq!((r.added, r.skipped), (3, 0), "{r:#?}");
    assert_eq!(essence(target.lib()), essence(source.lib()));
    let p = target.lib().paper(&PaperId::new("1706.03762")).unwrap();
    assert_eq!(p.status, Status::Read);
}

#[test]
fn an_oversized_or_non_utf8_notes_file_is_skipped_unread_and_the_rest_import() {
    let source = sample_library();
    let dir = tempfile::tempdir().unwrap();
    source
        .lib()
        .export_markdown(&ExportSelection::default(), dir.path())
        .unwrap();
    // 17 MiB of zero bytes: what a runaway script or a wrong file renamed .md looks like.
    let huge = fs::File::create(dir.path().join("huge.md")).unwrap();
    huge.set_len(17 << 20).unwrap();
    fs::write(
        dir.path().join("latin1.md"),
        b"---\ntitle: \"Caf\xe9\"\n---\n",
    )
    .unwrap();

    let target = TempLibrary::new();
    let r = target.lib().import_markdown_dir(dir.path()).unwrap();
    assert_eq!((r.added, r.skipped), (3, 2), "{r:#?}");
    let reason = |file: &str| {
        r.entries
            .iter()
            .find(|e| e.file.as_deref() == Some(file))
            .and_then(|e| e.reason.clone())
            .unwrap_or_default()
    };
    assert!(reason("huge.md").contains("larger than 16"), "{r:#?}");
    assert!(reason("latin1.md").contains("UTF-8"), "{r:#?}");
    assert_eq!(essence(target.lib()), essence(source.lib()));
}

#[test]
fn the_mirror_follows_changes_and_survives_an_interrupted_write() {
    let t = sample_library();
    let mdir = tempfile::tempdir().unwrap();
    let m = mdir.path().join("mirror");
    let status = t.lib().enable_mirror(&m).unwrap();
    assert!(status.enabled && !status.dirty && status.last_error.is_none());
    assert_eq!(status.papers, Some(3));
    let bib = fs::read_to_string(m.join("library.bib")).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(m.join("library.json")).unwrap()).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 3);
    assert!(m.join("notes/vaswani2017attention.md").is_file());
    assert_eq!(
        t.lib().refresh_mirror_if_dirty().unwrap(),
        None,
        "nothing changed"
    );

    // A change marks it dirty; the refresh writes it.
    let id = PaperId::new("1706.03762");
    t.lib().set_note(&id, "Rewritten note.").unwrap();
    assert!(t.lib().mirror_status().unwrap().dirty);
    t.lib().refresh_mirror_if_dirty().unwrap().unwrap();
    let note = fs::read_to_string(m.join("notes/vaswani2017attention.md")).unwrap();
    assert!(note.ends_with("Rewritten note.\n"), "{note}");

    // Interrupted write: a half-written temp file is left behind and the next write fails
    // part-way (library.json cannot be replaced). Readers still see complete files.
    fs::write(m.join(".library.bib.papershelf-tmp"), "@misc{half,").unwrap();
    fs::remove_file(m.join("library.json")).unwrap();
    fs::create_dir(m.join("library.json")).unwrap();
    fs::write(m.join("library.json").join("blocker"), "x").unwrap();
    t.lib().set_note(&id, "Second version.").unwrap();
    assert!(t.lib().refresh_mirror_if_dirty().is_err());
    let status = t.lib().mirror_status().unwrap();
    assert!(status.last_error.is_some() && status.dirty, "{status:?}");
    let bib_now = fs::read_to_string(m.join("library.bib")).unwrap();
    assert!(bib_now.ends_with("}\n") && bib_now.contains("@misc{vaswani2017attention,"));
    assert_ne!(bib_now, bib);

    // The obstacle goes away; the next refresh repairs everything and removes leftovers.
    fs::remove_dir_all(m.join("library.json")).unwrap();
    let status = t.lib().refresh_mirror_if_dirty().unwrap().unwrap();
    assert!(status.last_error.is_none() && !status.dirty, "{status:?}");
    assert!(!m.join(".library.bib.papershelf-tmp").exists());
    let json = fs::read_to_string(m.join("library.json")).unwrap();
    assert!(json.contains("Second version."));
    let leftovers: Vec<_> = fs::read_dir(&m)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with("papershelf-tmp"))
        .collect();
    assert!(leftovers.is_empty());

    // Disabled: changes no longer written.
    t.lib().disable_mirror().unwrap();
    t.lib().set_note(&id, "Third.").unwrap();
    assert_eq!(t.lib().refresh_mirror_if_dirty().unwrap(), None);
}

#[test]
fn stale_notes_files_are_removed_but_foreign_files_kept() {
    let dir = tempfile::tempdir().unwrap();
    let files = |names: &[&str]| mirror::MirrorFiles {
        bib: "b".into(),
        json: "[]".into(),
        notes: names
            .iter()
            .map(|n| (format!("{n}.md"), format!("# {n}\n")))
            .collect(),
    };
    mirror::write_files(dir.path(), &files(&["a", "b"])).unwrap();
    fs::write(dir.path().join("notes/mine.md"), "user file").unwrap();
    mirror::write_files(dir.path(), &files(&["a"])).unwrap();
    assert!(dir.path().join("notes/a.md").exists());
    assert!(!dir.path().join("notes/b.md").exists());
    assert!(dir.path().join("notes/mine.md").exists());
}

#[test]
fn a_mirror_refuses_a_folder_with_someone_elses_bib() {
    let t = TempLibrary::new();
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("library.bib"), "% mine").unwrap();
    assert!(t.lib().enable_mirror(dir.path()).is_err());
    assert_eq!(
        fs::read_to_string(dir.path().join("library.bib")).unwrap(),
        "% mine"
    );
}

#[test]
fn the_background_worker_refreshes_after_changes() {
    let t = sample_library();
    let mdir = tempfile::tempdir().unwrap();
    t.lib().enable_mirror(mdir.path()).unwrap();
    let lib = Arc::new(Library::open(t.path()).unwrap());
    let worker = lib.start_mirror_worker(Duration::from_millis(50));
    lib.set_note(&PaperId::new("1706.03762"), "Written by the worker.")
        .unwrap();
    worker.flush();
    let note = fs::read_to_string(mdir.path().join("notes/vaswani2017attention.md")).unwrap();
    assert!(note.contains("Written by the worker."), "{note}");
    drop(worker);
}
