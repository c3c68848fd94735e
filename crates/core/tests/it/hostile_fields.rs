//! Hostile field contents, built in the tests: oversized abstracts that would compress to a few
//! KiB and then never read back, escape sequences and text-direction overrides in every import
//! format, and rows damaged directly in SQLite. The library caps and strips what comes in, and
//! one unreadable row never stops the rest of it.

use papershelf_core::clean::{MAX_ABSTRACT, MAX_NOTE};
use papershelf_core::sync::fetch_paper;
use papershelf_core::{EntryOutcome, Format, InteropReport, Library, NewPaper, PaperId};
use papershelf_testkit::{FixtureApi, Reply};

use crate::support::*;

/// 65 MiB of prose: over the 64 MiB the read side accepts, a few KiB once compressed.
fn huge_abstract() -> String {
    let sentence = "Attention layers route information between tokens in long documents. ";
    sentence.repeat((65 << 20) / sentence.len() + 1)
}

/// Asserts the import cut the abstract of the entry titled `title` with a notice, and that
/// the library reopens, lists and searches with the paper in it.
fn assert_cut_and_usable(mut t: TempLibrary, report: &InteropReport, title: &str) {
    let entry = report
        .entries
        .iter()
        .find(|e| e.title.as_deref() == Some(title))
        .unwrap_or_else(|| panic!("no entry for {title}: {report:?}"));
    assert_eq!(entry.outcome, EntryOutcome::Added, "{entry:?}");
    assert!(
        entry
            .notices
            .iter()
            .any(|n| n.starts_with("abstract cut to 1 MiB (it was 65")),
        "{:?}",
        entry.notices
    );
    assert!(
        entry.notices.iter().any(|n| n.contains("not kept")),
        "the 65 MiB raw entry is not kept: {:?}",
        entry.notices
    );
    let id = entry.id.clone().unwrap();
    t.reopen();
    let paper = t.lib().paper(&id).unwrap();
    assert!(
        paper.abstract_text.len() <= MAX_ABSTRACT && paper.abstract_text.len() > MAX_ABSTRACT - 100,
        "{}",
        paper.abstract_text.len()
    );
    assert!(t.all().iter().any(|p| p.id == id), "the list shows it");
    assert_eq!(t.titles("zebra"), ["Later Zebra Paper"]);
    assert!(t.titles("oversized").contains(&title.to_string()));
    assert!(t.search("tokens").hits.iter().any(|h| h.paper.id == id));
}

#[test]
fn a_csl_json_abstract_of_65_mib_is_cut_to_1_mib_and_the_library_still_reads() {
    let text = serde_json::to_string(&serde_json::json!([
        {"id": "huge", "type": "article-journal", "title": "Oversized CSL Abstract",
         "abstract": huge_abstract()},
        {"id": "later", "type": "article-journal", "title": "Later Zebra Paper"},
    ]))
    .unwrap();
    let t = TempLibrary::new();
    let report = t
        .lib()
        .import_interop(Format::CslJson, &text, "huge.json")
        .unwrap();
    assert_cut_and_usable(t, &report, "Oversized CSL Abstract");
}

#[test]
fn a_ris_abstract_of_65_mib_is_cut_to_1_mib_and_the_library_still_reads() {
    let text = format!(
        "TY  - JOUR\nTI  - Oversized RIS Abstract\nAB  - {}\nER  - \n\n\
         TY  - JOUR\nTI  - Later Zebra Paper\nER  - \n",
        huge_abstract()
    );
    let t = TempLibrary::new();
    let report = t
        .lib()
        .import_interop(Format::Ris, &text, "huge.ris")
        .unwrap();
    assert_cut_and_usable(t, &report, "Oversized RIS Abstract");
}

#[test]
fn an_imported_note_over_2_mib_is_cut_and_a_saved_one_refused() {
    let note = "A long reading note line.\n".repeat((3 << 20) / 26);
    let text = serde_json::to_string(&serde_json::json!([
        {"id": "n", "type": "article-journal", "title": "Noted Paper", "note": note},
    ]))
    .unwrap();
    let t = TempLibrary::new();
    let report = t
        .lib()
        .import_interop(Format::CslJson, &text, "notes.json")
        .unwrap();
    let entry = &report.entries[0];
    assert!(
        entry
            .notices
            .iter()
            .any(|n| n.starts_with("note cut to 2 MiB")),
        "{:?}",
        entry.notices
    );
    let id = entry.id.clone().unwrap();
    let body = t.lib().note(&id).unwrap().unwrap().body;
    assert!(body.len() <= MAX_NOTE && body.len() > MAX_NOTE - 100);
    let err = t.lib().set_note(&id, &note).unwrap_err();
    assert_eq!(
        err.code(),
        papershelf_core::ErrorCode::InvalidInput,
        "{err}"
    );
    assert!(err.to_string().contains("at most 2 MiB"), "{err}");
    assert_eq!(t.lib().note(&id).unwrap().unwrap().body, body, "unchanged");
}

/// Closes the library, runs `sql` on its database, and marks `keys` changed so the index
/// catch-up meets them on the next open.
fn tamper(t: &mut TempLibrary, sql: &str, keys: &[i64]) {
    t.close();
    let conn = rusqlite::Connection::open(t.path().join("library.sqlite")).unwrap();
    conn.execute_batch(sql).unwrap();
    for key in keys {
        conn.execute("INSERT INTO changes (work_key) VALUES (?1)", [key])
            .unwrap();
    }
}

fn key_of(t: &TempLibrary, title: &str) -> i64 {
    let conn = rusqlite::Connection::open(t.path().join("library.sqlite")).unwrap();
    conn.query_row("SELECT key FROM works WHERE title = ?1", [title], |r| {
        r.get(0)
    })
    .unwrap()
}

#[test]
fn an_unreadable_row_does_not_stop_the_index_catch_up_or_the_list() {
    let mut t = TempLibrary::new();
    let paper = |title: &str, words: &str| NewPaper {
        title: title.into(),
        abstract_text: format!("{words} ").repeat(40),
        ..Default::default()
    };
    t.lib()
        .add_papers(
            &[
                paper("Damaged Frame Paper", "compressible words about kangaroos"),
                paper("Broken Title Paper", "more words about wombats"),
                paper("Healthy Neighbour Paper", "words about platypus"),
            ],
            "test",
            "t",
        )
        .unwrap();
    let damaged = key_of(&t, "Damaged Frame Paper");
    let broken = key_of(&t, "Broken Title Paper");
    // A zstd frame cut in half, and a title that is not UTF-8.
    tamper(
        &mut t,
        &format!(
            "UPDATE works SET abstract = substr(abstract, 1, length(abstract) / 2)
                 WHERE key = {damaged} AND typeof(abstract) = 'blob';
             UPDATE works SET title = CAST(X'42726F6B656EFF' AS TEXT) WHERE key = {broken};"
        ),
        &[damaged, broken],
    );
    t.reopen();
    t.lib()
        .add_papers(&[paper("Later Zebra Paper", "words")], "test", "t")
        .unwrap();
    t.reopen();
    assert_eq!(t.titles("zebra"), ["Later Zebra Paper"]);
    // The damaged abstract leaves the index, its paper does not.
    assert_eq!(t.titles("damaged"), ["Damaged Frame Paper"]);
    assert!(t.titles("kangaroos").is_empty());
    let listed: Vec<String> = t.all().into_iter().map(|p| p.title).collect();
    assert!(
        listed.contains(&"Damaged Frame Paper".to_string()),
        "{listed:?}"
    );
    assert!(
        listed.contains(&"Healthy Neighbour Paper".to_string()),
        "{listed:?}"
    );
    assert!(
        listed.contains(&"Later Zebra Paper".to_string()),
        "{listed:?}"
    );
    assert_eq!(
        listed.len(),
        3,
        "the row that cannot be read is left out: {listed:?}"
    );
    let shown = t
        .lib()
        .paper(&PaperId::new(t.by_title("Damaged Frame Paper").id.as_str()));
    assert_eq!(shown.unwrap().abstract_text, "");

    let stats = t.lib().stats().unwrap();
    let named: Vec<(String, bool)> = stats
        .unreadable
        .iter()
        .map(|u| (u.reason.clone(), u.skipped))
        .collect();
    assert_eq!(stats.unreadable.len(), 2, "{named:?}");
    assert!(stats
        .unreadable
        .iter()
        .any(|u| u.title == "Damaged Frame Paper"
            && u.reason.starts_with("abstract:")
            && !u.skipped));
    assert!(stats
        .unreadable
        .iter()
        .any(|u| u.title.starts_with("Broken") && u.skipped));
    assert_eq!(
        stats.indexed, 3,
        "every readable paper is indexed, no rebuild loop"
    );

    // Importing the damaged paper again writes a readable abstract over the damage.
    t.lib()
        .add_papers(
            &[paper(
                "Damaged Frame Paper",
                "compressible words about kangaroos",
            )],
            "test",
            "t",
        )
        .unwrap();
    assert_eq!(t.titles("kangaroos"), ["Damaged Frame Paper"]);
    assert_eq!(t.lib().stats().unwrap().unreadable.len(), 1);
}

#[tokio::test]
async fn an_arxiv_answer_with_a_3_mib_abstract_is_cut_to_1_mib() {
    let api = FixtureApi::start(&fixture("api"));
    let feed = String::from_utf8(
        api.file("arxiv/id_list-2502.13842-2212.07346-2303.05735.xml")
            .to_vec(),
    )
    .unwrap();
    // The entry of 2303.05735 with a 3 MiB summary (the client reads up to 8 MiB).
    let at = feed.find("abs/2303.05735").expect("the entry");
    let open = at + feed[at..].find("<summary>").unwrap() + "<summary>".len();
    let close = open + feed[open..].find("</summary>").unwrap();
    let huge = "Sparse attention keeps long contexts cheap. ".repeat((3 << 20) / 44);
    let feed = format!("{}{huge}{}", &feed[..open], &feed[close..]);
    api.intercept(move |req| {
        (req.path() == "/api/query")
            .then(|| Reply::new(200, "application/atom+xml; charset=utf-8", feed.clone()))
    });
    let http = client(&api);
    let fetched = fetch_paper(&http, "2303.05735").await.unwrap();
    assert!(
        fetched.paper.abstract_text.len() > 2 << 20,
        "the source said it all"
    );
    let t = TempLibrary::new();
    let (paper, added) = t.lib().add_fetched(&fetched).unwrap();
    assert!(added);
    assert!(
        paper.abstract_text.len() <= MAX_ABSTRACT && paper.abstract_text.len() > MAX_ABSTRACT - 100,
        "{}",
        paper.abstract_text.len()
    );
    assert!(paper.abstract_text.starts_with("Sparse attention"));
}

/// The hostile text: a colour change, a terminal title change ended by BEL, a right-to-left
/// override and an isolate.
const EVIL: &str = "Red\u{1b}[31m alert\u{1b}]0;pwned\u{7} \u{202e}desrever\u{2066}x\u{2069} end";

fn assert_clean(what: &str, text: &str, lines: bool) {
    let bad = text.chars().find(|&c| {
        (c.is_control() && !(lines && matches!(c, '\n' | '\t')))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    });
    assert_eq!(bad, None, "{what} holds {bad:?}: {text:?}");
}

fn assert_library_clean(lib: &Library, id: &PaperId) {
    let p = lib.paper(id).unwrap();
    assert_clean("title", &p.title, false);
    assert!(p.title.contains("alert"), "{:?}", p.title);
    assert_clean("abstract", &p.abstract_text, true);
    for a in &p.authors {
        assert_clean("author", a, false);
    }
    let note = p.note.expect("the note came in").body;
    assert_clean("note", &note, true);
    assert!(note.contains("alert"), "{note:?}");
    for (_, _, key, raw) in lib.raw_imports(id).unwrap() {
        assert_clean("citation key", &key, false);
        assert_clean("raw entry", &raw, true);
    }
}

#[test]
fn control_characters_from_every_import_format_never_reach_the_library() {
    let e = EVIL;
    let json_evil = serde_json::to_string(EVIL).unwrap();
    let files = [
        (
            Format::Bibtex,
            format!(
                "@article{{evil,\n  title = {{{e}}},\n  author = {{Mallory, {e}}},\n  \
                 abstract = {{{e}\nsecond line}},\n  annote = {{{e}}}\n}}\n"
            ),
        ),
        (
            Format::Ris,
            format!("TY  - JOUR\nTI  - {e}\nAU  - Mallory, {e}\nAB  - {e}\nN1  - {e}\nER  - \n"),
        ),
        (
            Format::CslJson,
            format!(
                "[{{\"id\": \"evil\", \"type\": \"article-journal\", \"title\": {json_evil}, \
                 \"author\": [{{\"family\": {json_evil}}}], \"abstract\": {json_evil}, \
                 \"note\": {json_evil}}}]"
            ),
        ),
        (
            Format::Markdown,
            format!(
                "---\ntitle: \"Red\\u001B[31m alert\\u001B]0;pwned\\u0007 \\u202Edesrever end\"\n\
                 authors:\n  - \"Mallory \\u001B[2J\"\n---\n{e}\nsecond line\n"
            ),
        ),
    ];
    for (format, text) in files {
        let t = TempLibrary::new();
        let report = t.lib().import_interop(format, &text, "evil").unwrap();
        assert_eq!(report.added, 1, "{format:?}: {report:?}");
        let id = report.entries[0].id.clone().unwrap();
        assert_library_clean(t.lib(), &id);
        for entry in &report.entries {
            if let Some(title) = &entry.title {
                assert_clean("reported title", title, false);
            }
        }
    }
}
