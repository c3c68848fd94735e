//! Hostile files through the real binary: empty, binary, one huge line, UTF-16 with a byte
//! order mark, Latin-1. Each import fails with a message naming the file (and the line, where
//! there is one), never panics, and leaves the library empty.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Both importers, as `papershelf import <kind>`.
const KINDS: [&str; 2] = ["hf-page", "arxiv-jsonl"];

struct Shelf {
    dir: tempfile::TempDir,
    files: tempfile::TempDir,
}

impl Shelf {
    fn new() -> Shelf {
        Shelf {
            dir: tempfile::tempdir().unwrap(),
            files: tempfile::tempdir().unwrap(),
        }
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.files.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
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

    /// Imports `path` as `kind`, expects a clean failure; returns stderr.
    fn import_fails(&self, kind: &str, path: &Path) -> String {
        let out = self.run(&["import", kind, path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            !out.status.success(),
            "import {kind} {} succeeded: {}",
            path.display(),
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(!stderr.contains("panicked"), "{kind} panicked: {stderr}");
        assert!(
            stderr.contains(path.to_str().unwrap()),
            "{kind}: the error does not name the file: {stderr}"
        );
        assert_eq!(self.papers(), 0, "{kind}: something was imported");
        stderr
    }

    fn papers(&self) -> u64 {
        let out = self.run(&["stats", "--json"]);
        assert!(out.status.success(), "{out:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["papers"].as_u64().unwrap()
    }
}

#[test]
fn an_empty_file_is_refused_by_both_importers() {
    let shelf = Shelf::new();
    let empty = shelf.file("empty.txt", b"");
    for kind in KINDS {
        let err = shelf.import_fails(kind, &empty);
        assert!(
            err.contains("no papers found") || err.contains("empty"),
            "{err}"
        );
    }
}

#[test]
fn a_binary_file_is_refused_naming_the_line() {
    let shelf = Shelf::new();
    // An ELF-like header, then bytes of every value.
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    bytes.extend((0..=255u8).cycle().take(64 << 10));
    let binary = shelf.file("papers.bin", &bytes);
    for kind in KINDS {
        let err = shelf.import_fails(kind, &binary);
        assert!(err.contains("line 1: binary data"), "{kind}: {err}");
    }
}

#[test]
fn utf16_with_a_byte_order_mark_is_refused_with_a_hint() {
    let shelf = Shelf::new();
    let text = "Attention Is All You Need\nWe propose a new simple network architecture.\n";
    for (name, bom, big_endian) in [
        ("le.txt", [0xFF, 0xFE], false),
        ("be.txt", [0xFE, 0xFF], true),
    ] {
        let mut bytes = bom.to_vec();
        for unit in text.encode_utf16() {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        let path = shelf.file(name, &bytes);
        for kind in KINDS {
            let err = shelf.import_fails(kind, &path);
            assert!(err.contains("line 1: the file is UTF-16"), "{kind}: {err}");
            assert!(err.contains("save it as UTF-8"), "{kind}: {err}");
        }
    }
}

#[test]
fn latin1_text_is_refused_naming_line_and_column() {
    let shelf = Shelf::new();
    // "Café" in Latin-1 on line 3 of a page, and in a snapshot record.
    let page = shelf.file(
        "page.txt",
        b"Daily Papers\n\nNeural Caf\xE9 Networks\nWe propose a caf\xE9.\n",
    );
    let err = shelf.import_fails("hf-page", &page);
    assert!(
        err.contains("line 3: not UTF-8 text: byte 0xE9 at column 11"),
        "{err}"
    );
    assert!(err.contains("Latin-1"), "{err}");

    let mut jsonl = br#"{"id":"2401.00001","title":"Caf"#.to_vec();
    jsonl.push(0xE9);
    jsonl.extend_from_slice(b"\",\"abstract\":\"x\"}\n");
    let jsonl = shelf.file("snap.jsonl", &jsonl);
    let err = shelf.import_fails("arxiv-jsonl", &jsonl);
    assert!(err.contains("line 1: not UTF-8 text: byte 0xE9"), "{err}");
}

#[test]
fn a_50_mb_single_line_is_refused_without_a_panic() {
    let shelf = Shelf::new();
    // 50 MB of prose-like text and no newline: too long for a record or a page line.
    let word = b"encoding ";
    let mut bytes = Vec::with_capacity(50_000_000);
    while bytes.len() < 50_000_000 {
        bytes.extend_from_slice(word);
    }
    let huge = shelf.file("huge.txt", &bytes);
    let err = shelf.import_fails("arxiv-jsonl", &huge);
    assert!(err.contains("line 1: line longer than 16 MiB"), "{err}");
    let err = shelf.import_fails("hf-page", &huge);
    assert!(err.contains("line 1"), "{err}");
}

/// The reference-manager importers, as `papershelf import <kind>`.
const REFERENCE_KINDS: [&str; 3] = ["bibtex", "ris", "csl-json"];

#[test]
fn reference_files_that_are_empty_binary_or_the_wrong_encoding_are_refused() {
    let shelf = Shelf::new();
    let empty = shelf.file("empty.bib", b"");
    let mut binary = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    binary.extend((0..=255u8).cycle().take(64 << 10));
    let binary = shelf.file("refs.bin", &binary);
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "@misc{a, title = {Attention}}\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let utf16 = shelf.file("utf16.bib", &utf16);
    for kind in REFERENCE_KINDS {
        let err = shelf.import_fails(kind, &empty);
        assert!(err.contains("no") && err.contains("entry"), "{kind}: {err}");
        let err = shelf.import_fails(kind, &binary);
        assert!(err.contains("line 1: binary data"), "{kind}: {err}");
        let err = shelf.import_fails(kind, &utf16);
        assert!(err.contains("line 1: the file is UTF-16"), "{kind}: {err}");
        assert!(err.contains("save it as UTF-8"), "{kind}: {err}");
    }
}

#[test]
fn latin1_reference_files_are_refused_naming_line_and_column() {
    let shelf = Shelf::new();
    // "Café" in Latin-1 on line 3 of each format.
    let files: [(&str, &[u8]); 3] = [
        (
            "bibtex",
            b"% Zotero\n@misc{cafe,\n  title = {Caf\xE9 Networks},\n}\n",
        ),
        (
            "ris",
            b"TY  - JOUR\nAU  - Doe, Jane\nTI  - Caf\xE9 Networks\nER  - \n",
        ),
        (
            "csl-json",
            b"[\n  {\"id\": \"cafe\",\n   \"title\": \"Caf\xE9 Networks\"}\n]\n",
        ),
    ];
    for (kind, bytes) in files {
        let path = shelf.file(&format!("latin1.{kind}"), bytes);
        let err = shelf.import_fails(kind, &path);
        assert!(
            err.contains("line 3: not UTF-8 text: byte 0xE9 at column"),
            "{kind}: {err}"
        );
        assert!(err.contains("Latin-1"), "{kind}: {err}");
    }
}

#[test]
fn a_50_mb_single_line_is_refused_by_the_reference_importers() {
    let shelf = Shelf::new();
    let word = b"encoding ";
    let mut bytes = Vec::with_capacity(50_000_000);
    while bytes.len() < 50_000_000 {
        bytes.extend_from_slice(word);
    }
    let huge = shelf.file("huge.txt", &bytes);
    for kind in REFERENCE_KINDS {
        let err = shelf.import_fails(kind, &huge);
        assert!(err.contains("line 1:"), "{kind}: {err}");
    }
}
