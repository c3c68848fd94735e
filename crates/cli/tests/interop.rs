//! `papershelf import bibtex|ris|csl-json`, `export` and `mirror` on the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures/interop")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

fn run(lib: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_papershelf"))
        .env_remove("PAPERSHELF_LIBRARY")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .arg("--library")
        .arg(lib)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok(lib: &Path, args: &[&str]) -> String {
    let out = run(lib, args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed: {}\nstdout: {stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn import_bibtex_reports_each_entry_in_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let text = ok(dir.path(), &["import", "bibtex", &fixture("malformed.bib")]);
    assert!(
        text.contains("malformed.bib (bibtex): 2 added, 0 merged, 0 unchanged, 4 skipped"),
        "{text}"
    );
    assert!(
        text.contains("line 9: skipped: unbalanced braces"),
        "{text}"
    );
    let json = ok(
        dir.path(),
        &["import", "bibtex", &fixture("zotero.bib"), "--json"],
    );
    let v: Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(v["added"], 3);
    assert_eq!(v["format"], "bibtex");
    assert_eq!(v["entries"][0]["outcome"], "added");
    assert_eq!(v["entries"][0]["id"], "1706.03762");
    assert_eq!(v["entries"][0]["line"], 2);
    let again = ok(
        dir.path(),
        &["import", "ris", &fixture("zotero.ris"), "--json"],
    );
    let v: Value = serde_json::from_str(again.trim()).unwrap();
    assert_eq!(v["merged"], 2, "{v}");
    let csl = ok(dir.path(), &["import", "csl-json", &fixture("zotero.json")]);
    assert!(csl.contains("1 added"), "{csl}");
}

#[test]
fn export_writes_every_format_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["import", "bibtex", &fixture("zotero.bib")]);
    let bib = ok(dir.path(), &["export", "--format", "bibtex"]);
    assert_eq!(bib.matches("\n@").count(), 3, "{bib}");
    // Zotero's citation keys are kept.
    assert!(bib.contains("@misc{vaswani_attention_2017,"), "{bib}");
    let one = ok(dir.path(), &["export", "--format", "bibtex", "residual"]);
    assert_eq!(one.matches("\n@").count(), 1, "{one}");
    let json = ok(
        dir.path(),
        &[
            "export",
            "--format",
            "csl-json",
            "--tag",
            "Computer-Science-Machine-Learning",
        ],
    );
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    let ris = ok(
        dir.path(),
        &["export", "--format", "ris", "--status", "inbox"],
    );
    assert_eq!(ris.matches("ER  - ").count(), 3);
    let out = dir.path().join("out.bib");
    ok(
        dir.path(),
        &["export", "--format", "bibtex", "-o", out.to_str().unwrap()],
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), bib);
    let md = dir.path().join("md");
    ok(
        dir.path(),
        &["export", "--format", "markdown", "-o", md.to_str().unwrap()],
    );
    assert_eq!(std::fs::read_dir(&md).unwrap().count(), 3);
    let failed = run(dir.path(), &["export", "--format", "markdown"]);
    assert!(!failed.status.success());
}

#[test]
fn a_preprint_and_its_published_version_export_under_both_keys_and_read_back_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let text = ok(
        dir.path(),
        &["import", "bibtex", &fixture("preprint-published-pairs.bib")],
    );
    assert!(text.contains(": 6 added, 4 merged, 0 unchanged"), "{text}");
    let out = dir.path().join("out.bib");
    ok(
        dir.path(),
        &["export", "--format", "bibtex", "-o", out.to_str().unwrap()],
    );
    let bib = std::fs::read_to_string(&out).unwrap();
    assert_eq!(bib.matches("\n@").count(), 10, "{bib}");
    for head in [
        "@misc{vaswaniAttentionAllYou2017a,",
        "@inproceedings{vaswaniAttentionAllYou2017,",
        "@unpublished{goodfellowGenerativeAdversarialNets2014,",
        "@article{goodfellowGenerativeAdversarialNetworks2020,",
    ] {
        assert!(bib.contains(head), "{head}\n{bib}");
    }
    // One notes file per paper, named by its first key.
    let md = dir.path().join("md");
    ok(
        dir.path(),
        &["export", "--format", "markdown", "-o", md.to_str().unwrap()],
    );
    assert_eq!(std::fs::read_dir(&md).unwrap().count(), 6);
    assert!(md.join("vaswaniAttentionAllYou2017a.md").is_file());
    let fresh = tempfile::tempdir().unwrap();
    let text = ok(fresh.path(), &["import", "bibtex", out.to_str().unwrap()]);
    assert!(text.contains(": 6 added, 4 merged, 0 unchanged"), "{text}");
    assert_eq!(ok(fresh.path(), &["export", "--format", "bibtex"]), bib);
    // Into the same library again: nothing changes.
    let text = ok(dir.path(), &["import", "bibtex", out.to_str().unwrap()]);
    assert!(text.contains(": 0 added, 0 merged, 10 unchanged"), "{text}");
}

#[test]
fn the_mirror_is_enabled_kept_in_step_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let mirror: PathBuf = dir.path().join("mirror");
    ok(&lib, &["import", "bibtex", &fixture("zotero.bib")]);
    let status = ok(
        &lib,
        &["mirror", "enable", mirror.to_str().unwrap(), "--json"],
    );
    let v: Value = serde_json::from_str(status.trim()).unwrap();
    assert_eq!(v["enabled"], true);
    assert_eq!(v["papers"], 3);
    assert!(mirror.join("library.bib").is_file());
    assert!(mirror.join("notes/vaswani_attention_2017.md").is_file());
    // Any later command that changes the library refreshes the mirror before it exits.
    let note = dir.path().join("note.md");
    std::fs::write(&note, "Mirrored note.").unwrap();
    ok(
        &lib,
        &[
            "note",
            "set",
            "1706.03762",
            "--file",
            note.to_str().unwrap(),
        ],
    );
    let md = std::fs::read_to_string(mirror.join("notes/vaswani_attention_2017.md")).unwrap();
    assert!(md.contains("Mirrored note."), "{md}");
    let status = ok(&lib, &["mirror", "status"]);
    assert!(status.contains("mirror: enabled"), "{status}");
    assert!(status.contains("papers: 3"), "{status}");
    ok(&lib, &["mirror", "rebuild"]);
    ok(&lib, &["mirror", "disable"]);
    let v: Value = serde_json::from_str(ok(&lib, &["mirror", "status", "--json"]).trim()).unwrap();
    assert_eq!(v["enabled"], false);
}

#[test]
fn import_zotero_reports_each_item_then_a_summary_in_json_lines() {
    let lib = tempfile::tempdir().unwrap();
    let zotero = tempfile::tempdir().unwrap();
    let data = zotero.path().join("Zotero");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../core/tests/fixtures/zotero/zotsite-z7/zotero.sqlite"),
        data.join("zotero.sqlite"),
    )
    .unwrap();
    let dir = data.to_str().unwrap();

    let dry = ok(lib.path(), &["import", "zotero", dir, "--dry-run"]);
    assert!(
        dry.contains("4 added, 0 merged, 0 unchanged, 0 skipped"),
        "{dry}"
    );
    assert!(dry.contains("dry run: nothing changed"), "{dry}");
    assert!(ok(lib.path(), &["list", "--json"]).trim().is_empty());

    let json = ok(lib.path(), &["import", "zotero", dir, "--json"]);
    let lines: Vec<Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "{json}");
    for item in &lines[..4] {
        assert_eq!(item["outcome"], "added");
        assert_eq!(item["zoteroKey"].as_str().unwrap().len(), 8);
        assert!(item["id"].is_string() && item["title"].is_string());
    }
    let summary = &lines[4];
    assert_eq!(summary["added"], 4);
    assert_eq!(summary["filesMissing"], 4);
    for key in [
        "merged",
        "unchanged",
        "skipped",
        "pdfsCopied",
        "annotations",
        "annotationsWithoutPdf",
    ] {
        assert_eq!(summary[key], 0, "{key}");
    }

    // The database file itself can be named too; a second run changes nothing.
    let again = ok(
        lib.path(),
        &[
            "import",
            "zotero",
            data.join("zotero.sqlite").to_str().unwrap(),
        ],
    );
    assert!(
        again.contains("0 added, 0 merged, 4 unchanged, 0 skipped"),
        "{again}"
    );

    let missing = run(
        lib.path(),
        &["import", "zotero", zotero.path().to_str().unwrap()],
    );
    assert!(!missing.status.success());
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(err.contains("no zotero.sqlite in it"), "{err}");
}
