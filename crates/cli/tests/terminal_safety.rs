//! Library text never acts on the terminal: a library written by an older version (which kept
//! control characters on import) holds escape sequences and text-direction overrides in a
//! title, authors, an abstract and a note; `list`, `search`, `show`, `note show` and `stats`,
//! as text and as JSON, print none of them raw.

mod common;

use std::path::Path;

use common::papershelf;

/// A colour change, a terminal title change ended by BEL, a clear screen, a right-to-left
/// override, a C1 control sequence introducer and DEL.
const EVIL: &str = "\u{1b}[31m\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}\u{9b}1m\u{7f}";

fn run(library: &Path, args: &[&str]) -> (String, String) {
    let out = papershelf(library, args).output().expect("the binary runs");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 stdout");
    let stderr = String::from_utf8(out.stderr).expect("UTF-8 stderr");
    assert!(out.status.success(), "{args:?} failed: {stderr}");
    (stdout, stderr)
}

/// The first character a terminal would act on, if any.
fn raw_control(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c.is_control() && !matches!(c, '\n' | '\t'))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

#[test]
fn text_stored_with_control_characters_is_printed_without_them() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let files = tempfile::tempdir().unwrap();
    let csl = files.path().join("one.json");
    std::fs::write(
        &csl,
        r#"[{"id": "old", "type": "article-journal", "title": "Old Paper Title",
            "author": [{"family": "Eve", "given": "Ada"}],
            "abstract": "An abstract about the tokenword.", "note": "A note."}]"#,
    )
    .unwrap();
    run(&lib, &["import", "csl-json", csl.to_str().unwrap()]);

    // What an older version could have stored.
    let conn = rusqlite::Connection::open(lib.join("library.sqlite")).unwrap();
    let id: String = conn
        .query_row("SELECT id FROM works", [], |r| r.get(0))
        .unwrap();
    conn.execute(
        "UPDATE works SET title = ?1, abstract = ?2, authors = ?3, organization = ?4",
        rusqlite::params![
            format!("Old {EVIL} Paper Title"),
            format!("An abstract about the tokenword {EVIL}."),
            serde_json::to_string(&[format!("Ada {EVIL}Eve")]).unwrap(),
            format!("Org {EVIL}"),
        ],
    )
    .unwrap();
    conn.execute(
        "UPDATE notes SET body = ?1",
        [format!("A note {EVIL}\nwith two lines.")],
    )
    .unwrap();
    drop(conn);

    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["search", "tokenword"],
        vec!["search", "tokenword", "--json"],
        vec!["show", id.as_str()],
        vec!["show", id.as_str(), "--json"],
        vec!["note", "show", id.as_str()],
        vec!["stats"],
    ] {
        let (stdout, stderr) = run(&lib, &args);
        assert_eq!(raw_control(&stdout), None, "{args:?} printed: {stdout:?}");
        assert_eq!(raw_control(&stderr), None, "{args:?} logged: {stderr:?}");
        if args[0] != "stats" {
            assert!(
                stdout.contains("Old") || stdout.contains("note"),
                "{args:?}: {stdout}"
            );
        }
    }
    let (shown, _) = run(&lib, &["show", id.as_str()]);
    assert!(
        shown.contains("\\u{1b}[31m"),
        "the escape is shown, not run: {shown}"
    );
    assert!(
        shown.contains("with two lines."),
        "notes keep their lines: {shown}"
    );
}
