//! `papershelf search` paging, sorting, scope and facets, and `papershelf saved`, on the real
//! binary and a library in a temporary directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures")
        .join(relative)
}

struct Shelf {
    dir: tempfile::TempDir,
}

impl Shelf {
    /// A library holding both Hugging Face pages.
    fn with_pages() -> Shelf {
        let shelf = Shelf {
            dir: tempfile::tempdir().unwrap(),
        };
        shelf.ok(&[
            "import",
            "hf-page",
            fixture("hf-pages/hf-search-encoding.txt").to_str().unwrap(),
            fixture("hf-pages/hf-search-representations.txt")
                .to_str()
                .unwrap(),
        ]);
        shelf
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_papershelf"))
            .env_remove("PAPERSHELF_LIBRARY")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .arg("--library")
            .arg(self.dir.path())
            .args(args)
            .output()
            .expect("the binary runs")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            out.status.success(),
            "{args:?} failed: {}\nstdout: {stdout}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
        stderr
    }

    fn json_lines(&self, args: &[&str]) -> Vec<Value> {
        self.ok(args)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
            .collect()
    }
}

fn ids(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| l["id"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn search_pages_sorts_scopes_and_counts_facets() {
    let shelf = Shelf::with_pages();
    // Offsets page through the same order.
    let all = shelf.json_lines(&["search", "representations", "--limit", "30", "--json"]);
    let first = shelf.json_lines(&["search", "representations", "--limit", "10", "--json"]);
    let second = shelf.json_lines(&[
        "search",
        "representations",
        "--limit",
        "10",
        "--offset",
        "10",
        "--json",
    ]);
    assert_eq!(ids(&all)[..10], ids(&first)[..]);
    assert_eq!(ids(&all)[10..20], ids(&second)[..]);

    // Sorted by upvotes: descending, papers without upvotes last.
    let by_votes = shelf.json_lines(&["search", "--sort", "upvotes", "--limit", "500", "--json"]);
    assert_eq!(by_votes.len(), 226);
    let votes: Vec<Option<u64>> = by_votes.iter().map(|h| h["upvotes"].as_u64()).collect();
    let first_none = votes
        .iter()
        .position(Option::is_none)
        .unwrap_or(votes.len());
    assert!(votes[..first_none].windows(2).all(|w| w[0] >= w[1]));
    assert!(votes[first_none..].iter().all(Option::is_none));
    // Flags after the words work too.
    let late = shelf.json_lines(&["search", "representations", "--sort=published", "--json"]);
    assert!(!late.is_empty());

    // Scope by status and tag.
    let id = ids(&first)[0].clone();
    shelf.ok(&["status", &id, "read"]);
    shelf.ok(&["tag", "add", &id, "keep"]);
    let read = shelf.json_lines(&["search", "--status", "read", "--json"]);
    assert_eq!(ids(&read), std::slice::from_ref(&id));
    let tagged = shelf.json_lines(&["search", "representations", "--tag", "keep", "--json"]);
    assert_eq!(ids(&tagged), std::slice::from_ref(&id));

    // Facets: printed after the hits, and as one last JSON line.
    let text = shelf.ok(&["search", "--facets", "--limit", "2"]);
    assert!(text.contains("facets:"), "{text}");
    assert!(text.contains("read (1)"), "{text}");
    assert!(text.contains("hf (226)"), "{text}");
    let lines = shelf.json_lines(&["search", "--facets", "--limit", "2", "--json"]);
    assert_eq!(lines.len(), 3);
    let facets = &lines[2]["facets"];
    assert_eq!(facets["sources"][0]["value"], "hf");
    assert_eq!(facets["sources"][0]["count"], 226);
    assert_eq!(facets["tags"][0]["value"], "keep");
    let statuses: Vec<&str> = facets["status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["inbox", "read"]);

    // The source clause, and a bad sort.
    assert_eq!(
        shelf
            .json_lines(&["search", "source:bibtex", "--json"])
            .len(),
        0
    );
    let stderr = shelf.fails(&["search", "x", "--sort", "stars"]);
    assert!(stderr.contains("unknown sort"), "{stderr}");
}

#[test]
fn saved_searches_are_added_listed_run_and_removed() {
    let shelf = Shelf::with_pages();
    assert!(shelf.ok(&["saved", "list"]).contains("no saved searches"));
    shelf.ok(&[
        "saved",
        "add",
        "Encoders",
        "encoding -sparse",
        "--sort",
        "added",
    ]);
    shelf.ok(&["saved", "add", "brains", "brain"]);
    // The same name replaces.
    shelf.ok(&["saved", "add", "encoders", "encoding"]);
    let list = shelf.json_lines(&["saved", "list", "--json"]);
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["name"], "brains");
    assert_eq!(list[1]["name"], "encoders");
    assert_eq!(list[1]["query"], "encoding");
    assert!(list[1]["sort"].is_null());

    let ran = shelf.json_lines(&["saved", "run", "ENCODERS", "--json"]);
    let direct = shelf.json_lines(&["search", "encoding", "--json"]);
    assert_eq!(ids(&ran), ids(&direct));
    assert!(!ran.is_empty());

    let stderr = shelf.fails(&["saved", "add", "bad", "year:abc"]);
    assert!(stderr.contains("does not parse"), "{stderr}");
    let stderr = shelf.fails(&["saved", "run", "nope"]);
    assert!(stderr.contains("no saved search named"), "{stderr}");

    shelf.ok(&["saved", "rm", "brains"]);
    assert_eq!(shelf.json_lines(&["saved", "list", "--json"]).len(), 1);
    shelf.fails(&["saved", "rm", "brains"]);
}

#[test]
fn collections_are_curated_listed_searched_and_exported_from_the_command_line() {
    let shelf = Shelf::with_pages();
    let papers = shelf.json_lines(&["list", "--limit", "5", "--json"]);
    let five = ids(&papers);
    assert_eq!(five.len(), 5);

    let mut add = vec!["collection", "add", "Reading group"];
    add.extend(five.iter().map(String::as_str));
    let said = shelf.ok(&add);
    assert!(
        said.contains("created collection 'Reading group'"),
        "{said}"
    );
    assert!(said.contains("5 papers added to 'Reading group'"), "{said}");
    shelf.ok(&["collection", "add", "thesis", &five[0]]);
    shelf.ok(&["collection", "remove", "READING GROUP", &five[4]]);

    let listed = shelf.ok(&["collection", "list"]);
    assert_eq!(
        listed
            .lines()
            .map(str::split_whitespace)
            .map(|w| w.collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>(),
        ["4 Reading group", "1 thesis"]
    );
    let json = shelf.json_lines(&["collection", "list", "--json"]);
    assert_eq!(json[0]["name"], "Reading group");
    assert_eq!(json[0]["count"], 4);

    let shown = ids(&shelf.json_lines(&["collection", "show", "reading group", "--json"]));
    assert_eq!(shown.len(), 4);
    let mut by_search = ids(&shelf.json_lines(&["search", "in:\"Reading group\"", "--json"]));
    let mut by_flag =
        ids(&shelf.json_lines(&["search", "--collection", "reading group", "--json"]));
    let mut by_list = ids(&shelf.json_lines(&["list", "--collection", "Reading Group", "--json"]));
    let mut expected = five[..4].to_vec();
    for v in [&mut by_search, &mut by_flag, &mut by_list, &mut expected] {
        v.sort();
    }
    assert_eq!(by_search, expected);
    assert_eq!(by_flag, expected);
    assert_eq!(by_list, expected);
    let one = shelf.ok(&["show", &five[0]]);
    assert!(one.contains("in:       Reading group · thesis"), "{one}");

    let bib = shelf.ok(&[
        "export",
        "--format",
        "bibtex",
        "--collection",
        "reading group",
    ]);
    assert_eq!(
        bib.matches("\n@").count() + usize::from(bib.starts_with('@')),
        4,
        "{bib}"
    );
    assert!(bib.contains("groups"), "{bib}");
    let by_query = shelf.ok(&["export", "--format", "ris", "collection:thesis"]);
    assert_eq!(by_query.matches("TY  - ").count(), 1, "{by_query}");

    shelf.ok(&["collection", "rename", "thesis", "Thesis: methods"]);
    assert_eq!(
        ids(&shelf.json_lines(&["search", "in:\"thesis: methods\"", "--json"])),
        [five[0].clone()]
    );
    let deleted = shelf.ok(&["collection", "delete", "Thesis: methods"]);
    assert!(
        deleted.contains("(1 paper; they stay in the library)"),
        "{deleted}"
    );

    // Clear refusals, nothing changed.
    let err = shelf.fails(&["collection", "show", "Nope"]);
    assert!(err.contains("no collection named 'Nope'"), "{err}");
    let err = shelf.fails(&[
        "collection",
        "add",
        "Drafts",
        &five[0],
        "t-00000000deadbeef",
    ]);
    assert!(err.contains("t-00000000deadbeef"), "{err}");
    let err = shelf.fails(&["collection", "create", "Reading GROUP"]);
    assert!(err.contains("exists already"), "{err}");
    let err = shelf.fails(&["export", "--format", "bibtex", "--collection", "Nope"]);
    assert!(err.contains("no collection named 'Nope'"), "{err}");
    assert_eq!(shelf.json_lines(&["collection", "list", "--json"]).len(), 1);
}

#[test]
fn nested_collections_are_named_by_path_moved_and_deleted_with_their_subtree() {
    let shelf = Shelf::with_pages();
    let three = ids(&shelf.json_lines(&["list", "--limit", "3", "--json"]));
    assert_eq!(three.len(), 3);

    let said = shelf.ok(&["collection", "create", "Thesis / Chapter 2"]);
    assert!(
        said.contains("created collection 'Thesis/Chapter 2'"),
        "{said}"
    );
    let said = shelf.ok(&[
        "collection",
        "add",
        "thesis/chapter 2",
        &three[0],
        &three[1],
    ]);
    assert!(said.contains("added to 'Thesis/Chapter 2'"), "{said}");
    let said = shelf.ok(&["collection", "add", "Reading group/Chapter 2", &three[2]]);
    assert!(
        said.contains("created collection 'Reading group/Chapter 2'"),
        "{said}"
    );
    let err = shelf.fails(&["collection", "create", "THESIS/chapter 2"]);
    assert!(err.contains("'Thesis/Chapter 2' exists already"), "{err}");
    let err = shelf.fails(&["collection", "create", "Thesis//Chapter 3"]);
    assert!(err.contains("empty part"), "{err}");

    let listed = shelf.ok(&["collection", "list"]);
    assert_eq!(
        listed
            .lines()
            .map(str::split_whitespace)
            .map(|w| w.collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>(),
        [
            "0 Reading group",
            "1 Reading group/Chapter 2",
            "0 Thesis",
            "2 Thesis/Chapter 2"
        ]
    );
    let json = shelf.json_lines(&["collection", "list", "--json"]);
    assert_eq!(json[3]["path"], "Thesis/Chapter 2");
    assert_eq!(json[3]["name"], "Chapter 2");
    assert_eq!(json[3]["depth"], 1);
    assert_eq!(json[3]["parent"], json[2]["id"]);
    assert!(json[2]["parent"].is_null());

    let shown = ids(&shelf.json_lines(&["collection", "show", "Thesis/Chapter 2", "--json"]));
    assert_eq!(shown.len(), 2);
    let found = ids(&shelf.json_lines(&["search", "in:\"thesis/chapter 2\"", "--json"]));
    assert_eq!(found.len(), 2);
    let one = shelf.ok(&["show", &three[0]]);
    assert!(one.contains("in:       Thesis/Chapter 2"), "{one}");
    let json = shelf.json_lines(&["show", &three[0], "--json"]);
    assert_eq!(json[0]["collections"][0], "Thesis/Chapter 2");

    // A move, and the refusal to move under itself.
    let said = shelf.ok(&[
        "collection",
        "rename",
        "Thesis/Chapter 2",
        "Archive/Chapter 2",
    ]);
    assert!(said.contains("renamed to 'Archive/Chapter 2'"), "{said}");
    let found = ids(&shelf.json_lines(&["search", "in:\"archive/chapter 2\"", "--json"]));
    assert_eq!(found.len(), 2);
    let err = shelf.fails(&["collection", "rename", "Archive", "Archive/Chapter 2/Old"]);
    assert!(err.contains("under itself"), "{err}");

    let deleted = shelf.ok(&["collection", "delete", "Reading group"]);
    assert!(
        deleted.contains(
            "deleted collection 'Reading group' and the 1 collection under it \
             (1 paper; they stay in the library)"
        ),
        "{deleted}"
    );
    let json = shelf.json_lines(&["collection", "list", "--json"]);
    let paths: Vec<&str> = json.iter().map(|c| c["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["Archive", "Archive/Chapter 2", "Thesis"]);
}
