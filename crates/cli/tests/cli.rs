//! The real `papershelf` binary on a library in a temporary directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const ENCODING: &str = "hf-pages/hf-search-encoding.txt";
const REPRESENTATIONS: &str = "hf-pages/hf-search-representations.txt";
const BROKEN_JSONL: &str = "api/snapshot-broken.jsonl";
const PAPER: &str = "Visio-Linguistic Brain Encoding";

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures")
        .join(relative)
}

/// A library directory of its own, removed at the end of the test.
struct Shelf {
    dir: tempfile::TempDir,
}

impl Shelf {
    fn new() -> Shelf {
        Shelf {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A library holding both Hugging Face pages.
    fn with_pages() -> Shelf {
        let shelf = Shelf::new();
        shelf.ok(&[
            "import",
            "hf-page",
            fixture(ENCODING).to_str().unwrap(),
            fixture(REPRESENTATIONS).to_str().unwrap(),
        ]);
        shelf
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The binary with a clean environment, pointed at this library with `--library`.
    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = bare_cmd();
        cmd.arg("--library").arg(self.path()).args(args);
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("the binary runs")
    }

    /// Runs and expects success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        succeeded(args, self.run(args))
    }

    /// Runs and expects failure; returns stderr.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            !out.status.success(),
            "{args:?} succeeded; stdout: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
        stderr
    }

    /// Runs with `input` on stdin and expects success; returns stdout.
    fn ok_with_stdin(&self, args: &[&str], input: &str) -> String {
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        succeeded(args, child.wait_with_output().unwrap())
    }

    /// Runs a `--json` command and parses each stdout line.
    fn json_lines(&self, args: &[&str]) -> Vec<Value> {
        json_lines(&self.ok(args))
    }

    /// The id of the paper titled `title`.
    fn id_of(&self, title: &str) -> String {
        let hits = self.json_lines(&["search", title, "--json"]);
        assert_eq!(hits[0]["title"], title, "{hits:?}");
        hits[0]["id"].as_str().unwrap().to_string()
    }
}

fn bare_cmd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_papershelf"));
    cmd.env_remove("PAPERSHELF_LIBRARY")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    cmd
}

fn succeeded(args: &[&str], out: Output) -> String {
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed ({}): {}\nstdout: {stdout}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect()
}

#[test]
fn init_creates_an_empty_library() {
    let shelf = Shelf::new();
    let dir = shelf.path().join("nested/library");
    let out = succeeded(
        &["init"],
        bare_cmd()
            .arg("--library")
            .arg(&dir)
            .arg("init")
            .output()
            .unwrap(),
    );
    assert!(out.contains("library ready"), "{out}");
    assert!(out.contains("(0 papers)"), "{out}");
    assert!(dir.join("library.sqlite").is_file());
    assert!(dir.join("index/meta.json").is_file());
}

#[test]
fn import_hf_page_prints_the_counts_of_each_file() {
    let shelf = Shelf::new();
    let encoding = fixture(ENCODING);
    let representations = fixture(REPRESENTATIONS);
    let args = [
        "import",
        "hf-page",
        encoding.to_str().unwrap(),
        representations.to_str().unwrap(),
    ];
    let out = shelf.ok(&args);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("hf-search-encoding.txt: 35 added, 0 updated, 0 unchanged, 0 skipped"),
        "{out}"
    );
    assert!(
        lines[1].starts_with(
            "hf-search-representations.txt: 191 added, 0 updated, 8 unchanged, 0 skipped"
        ),
        "{out}"
    );
    let stats = shelf.json_lines(&["stats", "--json"]);
    assert_eq!(stats[0]["papers"], 226);

    // Importing again changes nothing.
    let again = shelf.ok(&args);
    assert!(
        again.contains("hf-search-encoding.txt: 0 added, 0 updated, 35 unchanged"),
        "{again}"
    );
    assert!(
        again.contains("hf-search-representations.txt: 0 added, 0 updated, 199 unchanged"),
        "{again}"
    );
}

#[test]
fn search_json_prints_one_object_per_paper_with_the_documented_fields() {
    let shelf = Shelf::with_pages();
    let hits = shelf.json_lines(&["search", "positional", "encodings", "--json"]);
    assert!(hits.len() > 1 && hits.len() <= 20, "{}", hits.len());
    for hit in &hits {
        for key in ["id", "title", "authors", "year", "tags", "status", "score"] {
            assert!(hit.get(key).is_some(), "missing {key}: {hit}");
        }
        assert!(hit["id"].is_string() && hit["title"].is_string());
        assert!(hit["authors"].is_array() && hit["tags"].is_array());
        assert!(hit["year"].is_number() || hit["year"].is_null());
        assert_eq!(hit["status"], "inbox");
        assert!(hit["score"].as_f64().unwrap() > 0.0);
    }
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");

    // The query may also be one quoted argument, and a phrase.
    let phrase = shelf.json_lines(&["search", "\"positional encodings\"", "--json"]);
    assert!(!phrase.is_empty() && phrase.len() <= hits.len());
}

#[test]
fn search_limit_caps_the_results() {
    let shelf = Shelf::with_pages();
    let one = shelf.json_lines(&["search", "representations", "--limit", "1", "--json"]);
    assert_eq!(one.len(), 1);
    let many = shelf.json_lines(&["search", "representations", "--limit", "50", "--json"]);
    assert_eq!(many.len(), 50);
    assert_eq!(one[0]["id"], many[0]["id"]);
    let eq = shelf.json_lines(&["search", "--limit=3", "representations", "--json"]);
    assert_eq!(eq.len(), 3);
}

#[test]
fn search_text_output_names_the_counts_and_excludes_minus_words() {
    let shelf = Shelf::with_pages();
    let id = shelf.id_of(PAPER);
    let out = shelf.ok(&["search", "brain", "encoding"]);
    assert!(out.contains("matching papers"), "{out}");
    assert!(out.contains(&id), "{out}");
    // Matches are marked as text, not markup, when stdout is not a terminal.
    assert!(out.contains("«Brain» «Encoding»"), "{out}");

    let with = shelf.json_lines(&["search", "representations", "--limit", "1000", "--json"]);
    let without = shelf.json_lines(&[
        "search",
        "representations",
        "-sparse",
        "--limit",
        "1000",
        "--json",
    ]);
    assert!(without.len() < with.len());
    assert!(without.iter().all(|h| !h["title"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("sparse")));

    let none = shelf.ok(&["search", "zzqxjv"]);
    assert!(none.contains("no papers match"), "{none}");
}

#[test]
fn search_with_a_bad_query_fails_with_the_position() {
    let shelf = Shelf::with_pages();
    let stderr = shelf.fails(&["search", "graph", "year:abc"]);
    assert!(stderr.contains("position 11"), "{stderr}");
    assert!(stderr.contains("year:2019..2023"), "{stderr}");
}

#[test]
fn show_json_prints_the_whole_paper() {
    let shelf = Shelf::with_pages();
    let id = shelf.id_of(PAPER);
    let paper = shelf.json_lines(&["show", &id, "--json"]);
    assert_eq!(paper.len(), 1);
    let p = &paper[0];
    assert_eq!(p["id"], id.as_str());
    assert_eq!(p["title"], PAPER);
    assert!(p["abstract"]
        .as_str()
        .unwrap()
        .starts_with("Enabling effective"));
    assert_eq!(p["status"], "inbox");
    assert_eq!(p["sources"].as_array().unwrap().len(), 2);

    let text = shelf.ok(&["show", &id]);
    assert!(text.starts_with(PAPER), "{text}");
    assert!(text.contains(&format!("id:       {id}")), "{text}");
}

#[test]
fn list_filters_by_status_and_tag() {
    let shelf = Shelf::with_pages();
    let inbox = shelf.json_lines(&["list", "--status", "inbox", "--limit", "1000", "--json"]);
    assert_eq!(inbox.len(), 226);
    assert!(inbox.iter().all(|p| p["status"] == "inbox"));
    assert_eq!(
        shelf.json_lines(&["list", "--json"]).len(),
        100,
        "default limit"
    );

    let id = shelf.id_of(PAPER);
    shelf.ok(&["tag", "add", &id, "fmri"]);
    let tagged = shelf.json_lines(&["list", "--tag", "fmri", "--json"]);
    assert_eq!(tagged.len(), 1);
    assert_eq!(tagged[0]["id"], id.as_str());
    assert!(shelf
        .json_lines(&["list", "--status", "read", "--json"])
        .is_empty());
    assert!(shelf
        .ok(&["list", "--status", "read"])
        .contains("no papers"));
}

#[test]
fn tags_can_be_added_and_removed() {
    let shelf = Shelf::with_pages();
    let id = shelf.id_of(PAPER);
    let out = shelf.ok(&["tag", "add", &id, "fmri", "#to-cite"]);
    assert_eq!(out.trim(), format!("{id}: tags fmri, to-cite"));
    let found = shelf.json_lines(&["search", "tag:fmri", "--json"]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["tags"], serde_json::json!(["fmri", "to-cite"]));

    let out = shelf.ok(&["tag", "remove", &id, "fmri"]);
    assert_eq!(out.trim(), format!("{id}: tags to-cite"));
    assert!(shelf
        .json_lines(&["search", "tag:fmri", "--json"])
        .is_empty());
    let out = shelf.ok(&["tag", "remove", &id, "to-cite"]);
    assert_eq!(out.trim(), format!("{id}: tags (none)"));

    let stderr = shelf.fails(&["tag", "add", &id, "two words"]);
    assert!(stderr.contains("spaces"), "{stderr}");
}

#[test]
fn status_sets_the_reading_status() {
    let shelf = Shelf::with_pages();
    let id = shelf.id_of(PAPER);
    let out = shelf.ok(&["status", &id, "read"]);
    assert_eq!(out.trim(), format!("{id}: read"));
    let read = shelf.json_lines(&["search", "status:read", "--json"]);
    assert_eq!(read.len(), 1);
    assert_eq!(read[0]["status"], "read");
    let listed = shelf.json_lines(&["list", "--status", "read", "--json"]);
    assert_eq!(listed.len(), 1);
    let stats = &shelf.json_lines(&["stats", "--json"])[0];
    assert_eq!(stats["byStatus"]["read"], 1);
    assert_eq!(stats["byStatus"]["inbox"], 225);
}

#[test]
fn notes_are_set_from_a_file_or_stdin_and_shown() {
    let shelf = Shelf::with_pages();
    let id = shelf.id_of(PAPER);
    let missing = shelf.run(&["note", "show", &id]);
    assert!(missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no note yet"));

    let file = shelf.path().join("note.md");
    std::fs::write(&file, "# Notes\n\nThe wombat baseline.\n").unwrap();
    let out = shelf.ok(&["note", "set", &id, "--file", file.to_str().unwrap()]);
    assert!(out.contains("note saved"), "{out}");
    assert_eq!(
        shelf.ok(&["note", "show", &id]),
        "# Notes\n\nThe wombat baseline.\n"
    );
    assert_eq!(
        shelf.json_lines(&["search", "wombat", "--json"])[0]["id"],
        id.as_str()
    );

    let out = shelf.ok_with_stdin(&["note", "set", &id, "-"], "From stdin: capybara.");
    assert!(out.contains("note saved"), "{out}");
    assert_eq!(shelf.ok(&["note", "show", &id]), "From stdin: capybara.\n");
    assert!(shelf.json_lines(&["search", "wombat", "--json"]).is_empty());
    assert_eq!(shelf.json_lines(&["search", "capybara", "--json"]).len(), 1);

    let shown = &shelf.json_lines(&["show", &id, "--json"])[0];
    assert_eq!(shown["note"]["body"], "From stdin: capybara.");

    let stderr = shelf.fails(&["note", "set", &id, "--file", "no-such-note.md"]);
    assert!(stderr.contains("no-such-note.md"), "{stderr}");
}

#[test]
fn stats_json_reports_the_paper_count() {
    let shelf = Shelf::new();
    let empty = shelf.json_lines(&["stats", "--json"]);
    assert_eq!(empty.len(), 1);
    assert_eq!(empty[0]["papers"], 0);
    let shelf = Shelf::with_pages();
    let stats = &shelf.json_lines(&["stats", "--json"])[0];
    assert_eq!(stats["papers"], 226);
    assert_eq!(stats["indexed"], 226);
    assert!(stats["schemaVersion"].as_u64().unwrap() >= 1);
    let text = shelf.ok(&["stats"]);
    assert!(text.contains("papers:   226"), "{text}");
}

#[test]
fn reindex_rebuilds_the_index_and_search_still_works() {
    let shelf = Shelf::with_pages();
    let before = shelf.json_lines(&["search", "brain", "--limit", "1000", "--json"]);
    assert_eq!(shelf.ok(&["reindex"]).trim(), "reindexed 226 papers");
    let after = shelf.json_lines(&["search", "brain", "--limit", "1000", "--json"]);
    let ids = |v: &[Value]| {
        let mut ids: Vec<String> = v.iter().map(|h| h["id"].to_string()).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&after), ids(&before));
}

#[test]
fn the_library_can_be_named_by_the_environment_variable() {
    let shelf = Shelf::with_pages();
    let out = bare_cmd()
        .env("PAPERSHELF_LIBRARY", shelf.path())
        .args(["stats", "--json"])
        .output()
        .unwrap();
    let stdout = succeeded(&["stats", "--json"], out);
    let stats = &json_lines(&stdout)[0];
    assert_eq!(stats["papers"], 226);
    assert_eq!(Path::new(stats["library"].as_str().unwrap()), shelf.path());
}

#[test]
fn an_unknown_id_fails_and_says_what_to_do() {
    let shelf = Shelf::with_pages();
    for args in [
        &["show", "2401.99999"][..],
        &["status", "2401.99999", "read"],
        &["tag", "add", "2401.99999", "x"],
        &["note", "show", "2401.99999"],
    ] {
        let stderr = shelf.fails(args);
        assert!(stderr.contains("2401.99999"), "{args:?}: {stderr}");
        assert!(stderr.contains("papershelf search"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_bad_status_fails_and_lists_the_choices() {
    let shelf = Shelf::with_pages();
    let id = shelf.id_of(PAPER);
    for args in [
        &["status", &id, "later"][..],
        &["list", "--status", "later"],
    ] {
        let stderr = shelf.fails(args);
        assert!(
            stderr.contains("inbox, to-read, reading, read, archived"),
            "{args:?}: {stderr}"
        );
    }
    let json = shelf.json_lines(&["show", &id, "--json"]);
    assert_eq!(json[0]["status"], "inbox");
}

#[test]
fn importing_a_missing_file_fails_naming_the_path() {
    let shelf = Shelf::new();
    let missing = shelf.path().join("no-such-page.txt");
    let stderr = shelf.fails(&["import", "hf-page", missing.to_str().unwrap()]);
    assert!(stderr.contains("no-such-page.txt"), "{stderr}");
    let missing = shelf.path().join("no-such-snapshot.jsonl");
    let stderr = shelf.fails(&["import", "arxiv-jsonl", missing.to_str().unwrap()]);
    assert!(stderr.contains("no-such-snapshot.jsonl"), "{stderr}");
    let stats = &shelf.json_lines(&["stats", "--json"])[0];
    assert_eq!(stats["papers"], 0);
}

#[test]
fn importing_a_file_with_no_papers_fails() {
    let shelf = Shelf::new();
    let file = shelf.path().join("empty.txt");
    std::fs::write(&file, "new\nSubscribe\nDaily Papers\n").unwrap();
    let stderr = shelf.fails(&["import", "hf-page", file.to_str().unwrap()]);
    assert!(stderr.contains("no papers found"), "{stderr}");
}

#[test]
fn importing_the_broken_snapshot_succeeds_and_lists_the_skipped_lines() {
    let shelf = Shelf::new();
    let out = shelf.ok(&[
        "import",
        "arxiv-jsonl",
        fixture(BROKEN_JSONL).to_str().unwrap(),
    ]);
    assert!(
        out.contains("snapshot-broken.jsonl: 2 added, 1 updated, 0 unchanged, 10 skipped"),
        "{out}"
    );
    let skipped: Vec<&str> = out
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("skipped line "))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        skipped,
        ["2", "3", "4", "5", "7", "8", "9", "10", "13", "14"],
        "{out}"
    );
    assert_eq!(
        shelf.json_lines(&["show", "1506.03134", "--json"])[0]["title"],
        "Pointer Networks"
    );
}

/// The Shelf's command with every source pointed at `origin`.
fn with_sources(shelf: &Shelf, origin: &str, args: &[&str]) -> Output {
    shelf
        .cmd(args)
        .env("PAPERSHELF_HF_URL", origin)
        .env("PAPERSHELF_ARXIV_URL", origin)
        .env("PAPERSHELF_S2_URL", origin)
        .output()
        .expect("the binary runs")
}

#[test]
fn add_fetches_a_paper_into_the_inbox_and_inbox_lists_it() {
    let api = papershelf_testkit::FixtureApi::start(&fixture("api"));
    let shelf = Shelf::new();
    // arXiv's recorded answer for this id is empty, so the paper comes from Hugging Face.
    let out = with_sources(
        &shelf,
        api.origin(),
        &["add", "https://arxiv.org/abs/2310.02579v2"],
    );
    let stdout = succeeded(&["add"], out);
    assert!(
        stdout.contains("2310.02579") && stdout.contains("added to the inbox"),
        "{stdout}"
    );
    let again = succeeded(
        &["add"],
        with_sources(&shelf, api.origin(), &["add", "arXiv:2310.02579"]),
    );
    assert!(again.contains("already in the library"), "{again}");
    let inbox = shelf.json_lines(&["inbox", "--json"]);
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["id"], "2310.02579");
    assert_eq!(inbox[0]["status"], "inbox");
    let ua = &api.seen()[0].headers["user-agent"];
    assert!(ua.starts_with("Papershelf/"), "{ua}");
}

#[test]
fn add_while_offline_fails_clearly_and_changes_nothing() {
    // A port nothing listens on: bind, read the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let origin = format!("http://127.0.0.1:{port}");
    let shelf = Shelf::new();
    let out = with_sources(&shelf, &origin, &["add", "2310.02579"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot reach") || stderr.contains("gave up"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let stats = shelf.json_lines(&["stats", "--json"]);
    assert_eq!(stats[0]["papers"], 0);
}

#[test]
fn add_refuses_something_that_is_no_arxiv_id() {
    let shelf = Shelf::new();
    let err = shelf.fails(&["add", "not-an-id"]);
    assert!(err.contains("arXiv id"), "{err}");
}

#[test]
fn subscribe_sync_and_unsubscribe_from_the_command_line() {
    let api = papershelf_testkit::FixtureApi::start(&fixture("api"));
    let shelf = Shelf::new();
    let err = shelf.fails(&["sync"]);
    assert!(err.contains("subscribe first"), "{err}");
    assert!(shelf
        .ok(&["subscribe", "hf-daily"])
        .contains("subscription 1: hf-daily"));
    let subs = shelf.json_lines(&["subscriptions", "--json"]);
    assert_eq!(subs[0]["kind"], "hf-daily");
    let args = [
        "sync",
        "--source",
        "hf",
        "--from",
        "2024-01-15",
        "--to",
        "2024-01-16",
    ];
    let out = succeeded(&args, with_sources(&shelf, api.origin(), &args));
    assert!(out.contains("added 37"), "{out}");
    let out = succeeded(&args, with_sources(&shelf, api.origin(), &args));
    assert!(
        out.contains("added 0") && out.contains("2 not modified"),
        "{out}"
    );
    assert_eq!(
        shelf
            .json_lines(&["inbox", "--json", "--limit", "1000"])
            .len(),
        37
    );
    let err = shelf.fails(&["subscribe", "arxiv-category", "not a category!"]);
    assert!(err.contains("cs.LG"), "{err}");
    shelf.ok(&["unsubscribe", "1"]);
    assert!(shelf.json_lines(&["subscriptions", "--json"]).is_empty());
    let err = shelf.fails(&["unsubscribe", "1"]);
    assert!(err.contains("no subscription 1"), "{err}");
}

#[test]
fn references_and_citations_are_fetched_once_then_served_from_the_cache() {
    let api = papershelf_testkit::FixtureApi::start(&fixture("api"));
    let shelf = Shelf::new();
    let snapshot = shelf.path().join("two.jsonl");
    std::fs::write(
        &snapshot,
        concat!(
            r#"{"id":"2405.12522","title":"Sparse Autoencoders Enable Scalable and Reliable Circuit Identification","authors":"Charles O'Neill and Thang Bui","abstract":"x","versions":[{"version":"v1","created":"Mon, 20 May 2024 00:00:00 GMT"}],"doi":"10.1000/Example.42"}"#,
            "\n",
            r#"{"id":"2309.08600","title":"Sparse Autoencoders Find Highly Interpretable Features in Language Models","authors":"Hoagy Cunningham","abstract":"y","versions":[{"version":"v1","created":"Fri, 15 Sep 2023 00:00:00 GMT"}]}"#,
            "\n"
        ),
    )
    .unwrap();
    shelf.ok(&["import", "arxiv-jsonl", snapshot.to_str().unwrap()]);
    let args = ["references", "10.1000/example.42"];
    let out = succeeded(&args, with_sources(&shelf, api.origin(), &args));
    assert!(out.contains("6 references (complete"), "{out}");
    assert!(
        out.contains("* Sparse Autoencoders Find Highly Interpretable Features"),
        "{out}"
    );
    let requests = api.seen().len();
    let cached = shelf.json_lines(&["references", "2405.12522", "--cached", "--json"]);
    assert_eq!(cached[0]["edges"].as_array().unwrap().len(), 6);
    assert_eq!(cached[0]["edges"][0]["inLibrary"], "2309.08600");
    let args = ["citations", "2309.08600", "--json"];
    let out = succeeded(&args, with_sources(&shelf, api.origin(), &args));
    assert_eq!(json_lines(&out)[0]["edges"].as_array().unwrap().len(), 2);
    assert_eq!(
        api.seen().len(),
        requests + 1,
        "one request for the citations only"
    );
    let shown = shelf.ok(&["show", "2405.12522"]);
    assert!(shown.contains("doi:      10.1000/Example.42"), "{shown}");
    assert!(shown.contains("fields:   arxiv-snapshot: "), "{shown}");
}

#[test]
fn backup_backups_and_restore_from_the_command_line() {
    let shelf = Shelf::with_pages();
    let taken = shelf.json_lines(&["backup", "--json"]);
    let name = taken[0]["name"].as_str().unwrap().to_string();
    assert_eq!(taken[0]["papers"], 226);
    assert!(Path::new(taken[0]["path"].as_str().unwrap()).is_file());
    let text = shelf.ok(&["backups"]);
    assert!(
        text.contains(&name) && text.contains("226 papers"),
        "{text}"
    );
    let id = shelf.id_of(PAPER);
    shelf.ok(&["tag", "add", &id, "after-backup"]);
    // Without --yes and without a terminal, nothing happens.
    let err = shelf.fails(&["restore"]);
    assert!(err.contains("--yes"), "{err}");
    let out = shelf.ok(&["restore", &name, "--yes"]);
    assert!(
        out.contains("restored") && out.contains("226 papers"),
        "{out}"
    );
    assert!(out.contains("before-restore-"), "{out}");
    let shown = shelf.json_lines(&["show", &id, "--json"]);
    assert_eq!(shown[0]["tags"], serde_json::json!([]));
    let stats = shelf.json_lines(&["stats", "--json"]);
    assert_eq!(
        (stats[0]["papers"].clone(), stats[0]["indexed"].clone()),
        (226.into(), 226.into())
    );
    let err = shelf.fails(&["restore", "library-19990101T000000Z.sqlite", "--yes"]);
    assert!(err.contains("no backup named"), "{err}");
}

#[test]
fn delete_trash_and_restore_from_the_command_line() {
    let shelf = Shelf::with_pages();
    let id = shelf.id_of(PAPER);
    shelf.ok_with_stdin(&["note", "set", &id, "-"], "brain encoding notes\n");
    let out = shelf.ok(&["delete", &id]);
    assert!(out.contains("moved 1 papers to the trash"), "{out}");
    assert!(shelf
        .json_lines(&["search", PAPER, "--json"])
        .iter()
        .all(|h| h["id"] != id.as_str()));
    let trash = shelf.json_lines(&["trash", "--json"]);
    assert_eq!(trash.len(), 1);
    assert_eq!(trash[0]["id"], id.as_str());
    assert_eq!(shelf.json_lines(&["stats", "--json"])[0]["papers"], 225);
    assert!(shelf.ok(&["trash", "restore", &id]).contains("restored 1"));
    assert_eq!(shelf.id_of(PAPER), id);
    assert_eq!(shelf.ok(&["note", "show", &id]), "brain encoding notes\n");
    shelf.ok(&["delete", &id, "--json"]);
    assert!(shelf
        .ok(&["trash", "empty", "--older-than", "1"])
        .contains("removed 0"));
    assert!(shelf.ok(&["trash", "empty"]).contains("removed 1"));
    assert!(shelf.ok(&["trash"]).contains("the trash is empty"));
    let err = shelf.fails(&["show", &id]);
    assert!(err.contains("not in the library"), "{err}");
}

#[test]
fn note_history_and_restore_from_the_command_line() {
    let shelf = Shelf::with_pages();
    let id = shelf.id_of(PAPER);
    assert!(shelf
        .ok(&["note", "history", &id])
        .contains("no earlier versions"));
    for body in ["first draft\n", "second draft\n", "third draft\n"] {
        shelf.ok_with_stdin(&["note", "set", &id, "-"], body);
    }
    let history = shelf.json_lines(&["note", "history", &id, "--json"]);
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["version"], 1);
    assert_eq!(history[0]["body"], "second draft\n");
    assert_eq!(history[1]["body"], "first draft\n");
    let text = shelf.ok(&["note", "history", &id]);
    assert!(
        text.contains("first draft") && text.contains("second draft"),
        "{text}"
    );
    let out = shelf.ok(&["note", "restore", &id, "2"]);
    assert!(out.contains("note restored to version 2"), "{out}");
    assert_eq!(shelf.ok(&["note", "show", &id]), "first draft\n");
    // The text it replaced is now the newest earlier version.
    let history = shelf.json_lines(&["note", "history", &id, "--json"]);
    assert_eq!(history[0]["body"], "third draft\n");
    let err = shelf.fails(&["note", "restore", &id, "9"]);
    assert!(err.contains("earlier note versions"), "{err}");
}

#[test]
fn a_second_process_gets_a_clear_busy_message_while_another_holds_the_write_lock() {
    let shelf = Shelf::with_pages();
    let id = shelf.id_of(PAPER);
    // This test process plays the other writer: it holds SQLite's write lock.
    let conn = rusqlite::Connection::open(shelf.path().join("library.sqlite")).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = shelf
        .cmd(&["tag", "add", &id, "busy"])
        .env("PAPERSHELF_BUSY_TIMEOUT_MS", "300")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains(
            "the library is busy: another Papershelf process is writing to it; try again"
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("database:"),
        "{stderr}"
    );
    conn.execute_batch("ROLLBACK").unwrap();
    drop(conn);
    assert!(shelf.ok(&["tag", "add", &id, "busy"]).contains("busy"));
}

#[test]
fn two_papershelf_processes_writing_at_once_both_succeed() {
    let shelf = Shelf::with_pages();
    let id = shelf.id_of(PAPER);
    let snapshot = fixture("api/snapshot-sample.jsonl");
    // Many writers at once: imports and edits interleave; the busy timeout serialises them.
    let mut children: Vec<_> = (0..4)
        .map(|i| {
            let args: Vec<String> = if i % 2 == 0 {
                vec![
                    "import".into(),
                    "arxiv-jsonl".into(),
                    snapshot.display().to_string(),
                ]
            } else {
                vec!["tag".into(), "add".into(), id.clone(), format!("proc{i}")]
            };
            shelf
                .cmd(&args.iter().map(String::as_str).collect::<Vec<_>>())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children.drain(..) {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let shown = shelf.json_lines(&["show", &id, "--json"]);
    assert_eq!(shown[0]["tags"], serde_json::json!(["proc1", "proc3"]));
    let stats = shelf.json_lines(&["stats", "--json"]);
    assert_eq!(stats[0]["papers"], stats[0]["indexed"]);
}

/// A small PDF of the kind `%PDF-` readers accept (the bytes are what the commands check).
fn tiny_pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
        .into_bytes()
}

#[test]
fn pdf_fetch_attach_and_path_keep_a_papers_pdf_in_the_library() {
    let shelf = Shelf::new();
    let snapshot = shelf.path().join("two.jsonl");
    std::fs::write(
        &snapshot,
        concat!(
            r#"{"id":"2401.00001","title":"A paper with two versions","abstract":"One.","authors":"A. Author","categories":"cs.LG","versions":[{"version":"v1","created":"Mon, 1 Jan 2024 00:00:00 GMT"},{"version":"v2","created":"Tue, 2 Jan 2024 00:00:00 GMT"}]}"#,
            "\n",
            r#"{"id":"2401.00002","title":"A second paper","abstract":"Two.","authors":"B. Author","categories":"cs.LG","versions":[{"version":"v1","created":"Mon, 1 Jan 2024 00:00:00 GMT"}]}"#,
            "\n"
        ),
    )
    .unwrap();
    shelf.ok(&["import", "arxiv-jsonl", snapshot.to_str().unwrap()]);
    let pdf = tiny_pdf("fetched");
    let served = pdf.clone();
    let server = papershelf_testkit::Server::start(move |req, _| {
        if req.path() == "/pdf/2401.00001v2" {
            papershelf_testkit::Reply::new(200, "application/pdf", served.clone())
        } else {
            papershelf_testkit::Reply::new(404, "text/plain", "no")
        }
    });

    let fetch = |args: &[&str]| {
        shelf
            .cmd(args)
            .env("PAPERSHELF_PDF_URL", &server.origin)
            .output()
            .expect("the binary runs")
    };
    let stored: Value = serde_json::from_str(
        succeeded(
            &["pdf", "fetch"],
            fetch(&["pdf", "fetch", "2401.00001", "--json"]),
        )
        .trim(),
    )
    .unwrap();
    assert_eq!(stored["version"], 2);
    assert_eq!(stored["size"], pdf.len());
    assert_eq!(
        stored["origin"],
        format!("{}/pdf/2401.00001v2", server.origin)
    );
    let path = stored["path"].as_str().unwrap();
    assert_eq!(std::fs::read(path).unwrap(), pdf);
    assert_eq!(shelf.ok(&["pdf", "path", "2401.00001"]).trim(), path);
    // Held already: nothing is requested again.
    let again = succeeded(&["pdf", "fetch"], fetch(&["pdf", "fetch", "2401.00001"]));
    assert!(again.contains("has this PDF already"), "{again}");
    assert_eq!(server.seen().len(), 1);

    // The second paper: arXiv has nothing; a local file is attached instead.
    let out = fetch(&["pdf", "fetch", "2401.00002"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not found"));
    let stderr = shelf.fails(&["pdf", "path", "2401.00002"]);
    assert!(stderr.contains("pdf attach 2401.00002"), "{stderr}");
    let local = shelf.path().join("mine.pdf");
    std::fs::write(&local, tiny_pdf("mine")).unwrap();
    let attached = shelf.ok(&["pdf", "attach", "2401.00002", local.to_str().unwrap()]);
    assert!(attached.contains("attached"), "{attached}");
    let path = shelf.ok(&["pdf", "path", "2401.00002"]);
    assert_eq!(std::fs::read(path.trim()).unwrap(), tiny_pdf("mine"));

    // Not a PDF: refused with the reason, nothing changes.
    let html = shelf.path().join("page.pdf");
    std::fs::write(&html, "<html>Just a moment...</html>").unwrap();
    let stderr = shelf.fails(&["pdf", "attach", "2401.00002", html.to_str().unwrap()]);
    assert!(stderr.contains("not a PDF"), "{stderr}");
    assert_eq!(shelf.ok(&["pdf", "path", "2401.00002"]), path);
}

#[test]
fn pdf_text_annotate_and_annotations_work_on_a_papers_pdf() {
    let shelf = Shelf::new();
    let snapshot = shelf.path().join("one.jsonl");
    std::fs::write(
        &snapshot,
        concat!(
            r#"{"id":"2401.00001","title":"A paper with a PDF","abstract":"One.","authors":"A. Author","categories":"cs.LG","versions":[{"version":"v1","created":"Mon, 1 Jan 2024 00:00:00 GMT"}]}"#,
            "\n"
        ),
    )
    .unwrap();
    shelf.ok(&["import", "arxiv-jsonl", snapshot.to_str().unwrap()]);
    let stderr = shelf.fails(&["pdf", "text", "2401.00001"]);
    assert!(stderr.contains("has no PDF"), "{stderr}");

    let pdf = shelf.path().join("paper.pdf");
    std::fs::write(
        &pdf,
        papershelf_testkit::pdf::make_pdf(&[
            &["Attention is all you need", "said the title"],
            &[
                "Attention again, on page two",
                "with a dense repre-",
                "sentation",
            ],
        ]),
    )
    .unwrap();
    shelf.ok(&["pdf", "attach", "2401.00001", pdf.to_str().unwrap()]);

    // The text, pages separated by form feeds; the count of pages with text on stderr.
    let out = shelf.run(&["pdf", "text", "2401.00001"]);
    let text = succeeded(&["pdf", "text"], out.clone());
    let pages: Vec<&str> = text.split('\u{c}').collect();
    assert_eq!(pages.len(), 2, "{text:?}");
    assert!(pages[0].contains("Attention is all you need"));
    assert!(pages[1].contains("on page two"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 of 2 pages gave text"));
    let two = shelf.ok(&["pdf", "text", "2401.00001", "--page", "2"]);
    assert!(
        two.contains("on page two") && !two.contains("said the title"),
        "{two}"
    );
    let stderr = shelf.fails(&["pdf", "text", "2401.00001", "--page", "3"]);
    assert!(stderr.contains("it has 2 pages"), "{stderr}");
    let json: Vec<Value> = shelf
        .ok(&["pdf", "text", "2401.00001", "--json"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(json.len(), 2);
    assert_eq!(json[1]["page"], 2);

    // Anchored by its quote; a repeated quote takes the first and says so.
    let out = shelf.run(&["annotate", "2401.00001", "--quote", "attention"]);
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    let made = succeeded(&["annotate"], out);
    assert!(made.contains("highlighted on p. 1"), "{made}");
    assert!(
        said.contains("occurs 2 times") && said.contains("--page"),
        "{said}"
    );
    let on_two: Value = serde_json::from_str(
        shelf
            .ok(&[
                "annotate",
                "2401.00001",
                "--quote",
                "dense representation",
                "--page",
                "2",
                "--comment",
                "why dense?",
                "--color",
                "green",
                "--json",
            ])
            .trim(),
    )
    .unwrap();
    assert_eq!(on_two["page"], 2);
    assert_eq!(on_two["color"], "#5fb236");
    let stderr = shelf.fails(&["annotate", "2401.00001", "--quote", "not in the paper"]);
    assert!(
        stderr.contains("does not contain \"not in the paper\""),
        "{stderr}"
    );
    let stderr = shelf.fails(&[
        "annotate",
        "2401.00001",
        "--quote",
        "attention",
        "--color",
        "teal",
    ]);
    assert!(stderr.contains("unknown colour"), "{stderr}");

    let listed: Vec<Value> = shelf
        .ok(&["annotations", "2401.00001", "--json"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(listed.len(), 2);
    for a in &listed {
        for key in [
            "id",
            "kind",
            "page",
            "pageLabel",
            "color",
            "quote",
            "comment",
            "pdfSha256",
            "created",
            "updated",
        ] {
            assert!(a.get(key).is_some(), "{key} missing from {a}");
        }
        assert_eq!(a["kind"], "highlight");
        assert_eq!(a["id"].as_str().unwrap().len(), 36);
    }
    assert_eq!(listed[0]["page"], 1);
    assert_eq!(listed[1]["comment"], "why dense?");
    assert_eq!(listed[1]["quote"], on_two["quote"]);
    let human = shelf.ok(&["annotations", "2401.00001"]);
    assert!(
        human.contains("p. 2") && human.contains("why dense?"),
        "{human}"
    );

    let stats: Value = serde_json::from_str(shelf.ok(&["stats", "--json"]).trim()).unwrap();
    assert_eq!(
        (stats["pdfs"].as_u64(), stats["annotations"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(stats["papers"], 1);

    // The PDF's words and the annotations' comments are searchable, with the page.
    let hit: Value = serde_json::from_str(
        shelf
            .ok(&["search", "fulltext:\"page two\"", "--json"])
            .lines()
            .next()
            .expect("one hit"),
    )
    .unwrap();
    assert_eq!(hit["id"], "2401.00001");
    assert_eq!(hit["fulltextSnippet"]["page"], 2);
    let snippet = &hit["fulltextSnippet"];
    let text = snippet["text"].as_str().unwrap();
    let first = &snippet["highlights"][0];
    let start = first["start"].as_u64().unwrap() as usize;
    let end = first["end"].as_u64().unwrap() as usize;
    assert_eq!(&text[start..end], "page");
    let human = shelf.ok(&["search", "ft:again"]);
    assert!(human.contains("p. 2: "), "{human}");
    assert!(shelf
        .ok(&["search", "annotation:dense", "--json"])
        .contains("2401.00001"));

    // A bare word found only on page two: the hit says where.
    let hit: Value = serde_json::from_str(
        shelf
            .ok(&["search", "again", "--json"])
            .lines()
            .next()
            .expect("one hit"),
    )
    .unwrap();
    assert_eq!(hit["id"], "2401.00001");
    let snippet = &hit["fulltextSnippet"];
    assert_eq!(snippet["page"], 2, "{hit}");
    let text = snippet["text"].as_str().unwrap();
    let first = &snippet["highlights"][0];
    let (start, end) = (
        first["start"].as_u64().unwrap() as usize,
        first["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[start..end], "again");
    // A word of the title needs no page.
    let hit: Value = serde_json::from_str(
        shelf
            .ok(&["search", "paper", "--json"])
            .lines()
            .next()
            .expect("one hit"),
    )
    .unwrap();
    assert!(hit["fulltextSnippet"].is_null(), "{hit}");
}
