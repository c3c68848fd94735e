//! The mirror folder as hostile ground: links, pipes, a planted or forged manifest, a user's own
//! files under the mirror's names, links planted at temporary names, two writers at once, and
//! the permissions of `config.json`. Every hostile thing is built here, in temporary folders.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use papershelf_core::interop::mirror::{self, MirrorFiles};
use papershelf_core::interop::Format;
use papershelf_core::{ErrorCode, ExportSelection, NewPaper, PaperId};

use crate::support::*;

/// The note file name the mirror gives the one paper of [`one_paper`].
const NOTE: &str = "notes/vaswani2017attention.md";

/// A library with one paper (Vaswani 2017, with a note).
fn one_paper() -> TempLibrary {
    let t = TempLibrary::new();
    let paper = NewPaper {
        arxiv_id: Some(papershelf_core::ArxivId::parse("1706.03762").unwrap().0),
        title: "Attention Is All You Need".into(),
        authors: vec!["Ashish Vaswani".into()],
        published: Some(papershelf_core::PartialDate::ymd(2017, 6, 12)),
        ..Default::default()
    };
    t.lib().add_papers(&[paper], "test", "sample").unwrap();
    t.lib()
        .set_note(&PaperId::new("1706.03762"), "Read twice.")
        .unwrap();
    t
}

fn files(names: &[&str]) -> MirrorFiles {
    MirrorFiles {
        bib: "% Exported by Papershelf.\n".into(),
        json: "[]\n".into(),
        notes: names
            .iter()
            .map(|n| (format!("{n}.md"), format!("---\nid: \"{n}\"\n---\n")))
            .collect(),
    }
}

/// Every entry of a folder with its kind and content (links by target), sorted.
fn snapshot(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let p = e.path();
            let meta = fs::symlink_metadata(&p).unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if meta.file_type().is_symlink() {
                format!("{name} -> {}", fs::read_link(&p).unwrap().display())
            } else if meta.is_file() {
                format!("{name}: {}", fs::read_to_string(&p).unwrap())
            } else {
                format!("{name}/")
            }
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_notes_link_to_a_folder_outside_is_refused_and_nothing_outside_changes() {
    let root = tempfile::tempdir().unwrap();
    let outside = root.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("a.md"), "someone's a").unwrap();
    fs::write(outside.join("thesis.md"), "someone's thesis").unwrap();
    let m = root.path().join("mirror");
    fs::create_dir(&m).unwrap();
    symlink(&outside, m.join("notes")).unwrap();
    // A manifest that lists the outside folder's files as the mirror's own.
    fs::write(
        m.join(".papershelf-mirror.json"),
        r#"{"notes": ["thesis.md", "a.md"]}"#,
    )
    .unwrap();
    let before = snapshot(&outside);
    let err = mirror::write_files(&m, &files(&["a", "b"])).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(
        snapshot(&outside),
        before,
        "the mirror wrote through the link"
    );
}

#[test]
fn a_note_that_is_a_link_to_a_file_outside_is_left_alone_and_reported() {
    let root = tempfile::tempdir().unwrap();
    let outside = root.path().join("secret.txt");
    fs::write(&outside, "not the mirror's").unwrap();
    let m = root.path().join("mirror");
    fs::create_dir_all(m.join("notes")).unwrap();
    symlink(&outside, m.join("notes/a.md")).unwrap();
    fs::write(m.join(".papershelf-mirror.json"), r#"{"notes": ["a.md"]}"#).unwrap();
    let report = mirror::write_files(&m, &files(&["a", "b"])).unwrap();
    assert_eq!(report.left_alone.len(), 1, "{report:?}");
    assert!(
        report.left_alone[0].contains("a.md") && report.left_alone[0].contains("symbolic link"),
        "{report:?}"
    );
    let link = fs::symlink_metadata(m.join("notes/a.md")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    assert_eq!(fs::read_to_string(&outside).unwrap(), "not the mirror's");
    assert!(m.join("notes/b.md").is_file());
    // A removed paper's note that is a link is not deleted either.
    mirror::write_files(&m, &files(&["b"])).unwrap();
    assert!(fs::symlink_metadata(m.join("notes/a.md")).is_ok());
    assert_eq!(fs::read_to_string(&outside).unwrap(), "not the mirror's");
}

#[test]
fn a_pipe_named_like_a_note_neither_hangs_the_mirror_nor_is_replaced() {
    let root = tempfile::tempdir().unwrap();
    let m = root.path().join("mirror");
    fs::create_dir_all(m.join("notes")).unwrap();
    let fifo = m.join("notes/a.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    fs::write(m.join(".papershelf-mirror.json"), r#"{"notes": ["a.md"]}"#).unwrap();
    let (tx, rx) = mpsc::channel();
    let dir = m.clone();
    // Opening a pipe for reading blocks until a writer comes: run it where a hang is seen.
    std::thread::spawn(move || {
        let _ = tx.send(mirror::write_files(&dir, &files(&["a"])));
    });
    let report = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the mirror write hangs on a pipe")
        .unwrap();
    assert_eq!(report.left_alone.len(), 1, "{report:?}");
    let meta = fs::symlink_metadata(&fifo).unwrap();
    assert!(
        std::os::unix::fs::FileTypeExt::is_fifo(&meta.file_type()),
        "the pipe was replaced"
    );
}

#[test]
fn links_to_an_endless_device_are_never_read() {
    // `/dev/zero` reads forever: a mirror that read a note, the manifest or library.bib through
    // such a link would fill memory. Each is a link the mirror must refuse without reading.
    let root = tempfile::tempdir().unwrap();
    let m = root.path().join("mirror");
    fs::create_dir_all(m.join("notes")).unwrap();
    symlink("/dev/zero", m.join("notes/a.md")).unwrap();
    symlink("/dev/zero", m.join("library.bib")).unwrap();
    symlink("/dev/zero", m.join(".papershelf-mirror.json")).unwrap();
    let (tx, rx) = mpsc::channel();
    let dir = m.clone();
    std::thread::spawn(move || {
        let _ = tx.send(mirror::write_files(&dir, &files(&["a", "b"])));
    });
    let report = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the mirror write reads an endless link")
        .unwrap();
    assert_eq!(report.left_alone.len(), 2, "{report:?}");
    for name in ["notes/a.md", "library.bib"] {
        let meta = fs::symlink_metadata(m.join(name)).unwrap();
        assert!(meta.file_type().is_symlink(), "{name} was replaced");
    }
    // The manifest is the mirror's own: the link is replaced by a file, not written through.
    let manifest = fs::symlink_metadata(m.join(".papershelf-mirror.json")).unwrap();
    assert!(manifest.file_type().is_file());
    assert!(m.join("notes/b.md").is_file());
}

#[test]
fn a_forged_manifest_deletes_nothing_the_mirror_did_not_write() {
    let root = tempfile::tempdir().unwrap();
    fs::write(root.path().join("outside.txt"), "outside").unwrap();
    let m = root.path().join("mirror");
    fs::create_dir_all(m.join("notes")).unwrap();
    fs::write(m.join("notes/mine.md"), "my own notes").unwrap();
    for manifest in [
        r#"{"notes": ["../outside.txt", "/etc/hostname", "..", "mine.md"]}"#,
        r#"{"version": 2, "files": {"notes/../../outside.txt": [], "../outside.txt": [],
            "notes/mine.md": [{"size": 3, "sha256": "00"}]}}"#,
    ] {
        fs::write(m.join(".papershelf-mirror.json"), manifest).unwrap();
        mirror::write_files(&m, &files(&["a"])).unwrap();
        assert_eq!(
            fs::read_to_string(m.join("notes/mine.md")).unwrap(),
            "my own notes",
            "{manifest}"
        );
        assert_eq!(
            fs::read_to_string(root.path().join("outside.txt")).unwrap(),
            "outside"
        );
    }
    // A manifest that is a link to a forged one outside is not read through.
    let forged = root.path().join("forged.json");
    fs::write(&forged, r#"{"notes": ["mine.md"]}"#).unwrap();
    fs::remove_file(m.join(".papershelf-mirror.json")).unwrap();
    symlink(&forged, m.join(".papershelf-mirror.json")).unwrap();
    mirror::write_files(&m, &files(&["a"])).unwrap();
    assert!(m.join("notes/mine.md").is_file());
}

#[test]
fn a_note_changed_by_the_user_is_neither_overwritten_nor_deleted() {
    let root = tempfile::tempdir().unwrap();
    let m = root.path().join("mirror");
    mirror::write_files(&m, &files(&["a", "b"])).unwrap();
    fs::write(m.join("notes/a.md"), "edited by hand").unwrap();
    fs::write(m.join("notes/b.md"), "edited by hand too").unwrap();
    let mut next = files(&["a"]);
    next.notes[0].1.push_str("new text\n");
    let report = mirror::write_files(&m, &next).unwrap();
    assert_eq!(report.left_alone.len(), 1, "{report:?}");
    assert_eq!(
        fs::read_to_string(m.join("notes/a.md")).unwrap(),
        "edited by hand"
    );
    assert_eq!(
        fs::read_to_string(m.join("notes/b.md")).unwrap(),
        "edited by hand too",
        "a stale note the user changed was deleted"
    );
    // Moved away, the mirror writes its note again.
    fs::remove_file(m.join("notes/a.md")).unwrap();
    let report = mirror::write_files(&m, &next).unwrap();
    assert!(report.left_alone.is_empty(), "{report:?}");
    assert!(fs::read_to_string(m.join("notes/a.md"))
        .unwrap()
        .ends_with("new text\n"));
}

#[test]
fn a_version_one_mirror_is_taken_over_for_the_files_papershelf_wrote() {
    let root = tempfile::tempdir().unwrap();
    let m = root.path().join("mirror");
    fs::create_dir_all(m.join("notes")).unwrap();
    // What an earlier Papershelf left: its manifest, bib, json and notes, plus a listed file
    // that does not look like one of its notes.
    fs::write(
        m.join(".papershelf-mirror.json"),
        r#"{"notes": ["a.md", "gone.md", "odd.md"]}"#,
    )
    .unwrap();
    fs::write(m.join("library.bib"), "% Exported by Papershelf. old\n").unwrap();
    fs::write(m.join("library.json"), "[\n]\n").unwrap();
    fs::write(m.join("notes/a.md"), "---\nid: \"a\"\nold\n---\n").unwrap();
    fs::write(m.join("notes/gone.md"), "---\nid: \"gone\"\n---\n").unwrap();
    fs::write(m.join("notes/odd.md"), "a user's text").unwrap();
    let report = mirror::write_files(&m, &files(&["a"])).unwrap();
    assert!(report.left_alone.is_empty(), "{report:?}");
    assert_eq!(
        fs::read_to_string(m.join("notes/a.md")).unwrap(),
        "---\nid: \"a\"\n---\n"
    );
    assert_eq!(
        fs::read_to_string(m.join("library.bib")).unwrap(),
        "% Exported by Papershelf.\n"
    );
    assert!(!m.join("notes/gone.md").exists());
    assert_eq!(
        fs::read_to_string(m.join("notes/odd.md")).unwrap(),
        "a user's text"
    );
    // From now on the manifest records hashes.
    let manifest = fs::read_to_string(m.join(".papershelf-mirror.json")).unwrap();
    assert!(manifest.contains("sha256"), "{manifest}");
}

#[test]
fn a_users_own_note_under_a_key_survives_the_first_mirror_and_the_clash_is_reported() {
    let t = one_paper();
    let root = tempfile::tempdir().unwrap();
    let m = root.path().join("mirror");
    fs::create_dir_all(m.join("notes")).unwrap();
    fs::write(m.join(NOTE), "my own notes on attention").unwrap();
    let err = t.lib().enable_mirror(&m).unwrap_err();
    assert!(
        matches!(&err, papershelf_core::Error::MirrorBlocked { first, more: 0 } if first.contains("vaswani2017attention.md")),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(m.join(NOTE)).unwrap(),
        "my own notes on attention"
    );
    assert!(m.join("library.bib").is_file(), "the rest is written");
    let status = t.lib().mirror_status().unwrap();
    let error = status
        .last_error
        .clone()
        .expect("the blocked refresh is recorded");
    assert_eq!(error.code, ErrorCode::Io, "{status:?}");
    assert!(
        error.message.contains("vaswani2017attention.md"),
        "{status:?}"
    );
    assert!(status.dirty, "{status:?}");
    // Moved away: the next refresh writes the mirror's note and clears the error.
    fs::rename(m.join(NOTE), root.path().join("mine.md")).unwrap();
    let status = t.lib().refresh_mirror_if_dirty().unwrap().unwrap();
    assert!(status.last_error.is_none() && !status.dirty, "{status:?}");
    assert!(fs::read_to_string(m.join(NOTE))
        .unwrap()
        .contains("Read twice."));
}

#[test]
fn a_link_planted_at_a_temporary_name_is_never_written_through() {
    let t = one_paper();
    let root = tempfile::tempdir().unwrap();
    let victim = root.path().join("victim.txt");
    fs::write(&victim, "keep me").unwrap();
    let out = root.path().join("export");
    fs::create_dir(&out).unwrap();
    // The names the temporary files used to have, for a single-file and a Markdown export.
    symlink(&victim, out.join(".out.bib.papershelf-tmp")).unwrap();
    symlink(&victim, out.join(".vaswani2017attention.md.papershelf-tmp")).unwrap();
    t.lib()
        .export_to_path(
            Format::Bibtex,
            &ExportSelection::default(),
            &out.join("out.bib"),
        )
        .unwrap();
    t.lib()
        .export_to_path(Format::Markdown, &ExportSelection::default(), &out)
        .unwrap();
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
    for f in ["out.bib", "vaswani2017attention.md"] {
        let meta = fs::symlink_metadata(out.join(f)).unwrap();
        assert!(meta.is_file(), "{f} is not a plain file");
    }
    // In the mirror, such a link is not a leftover to clean either (only plain files are).
    let m = root.path().join("mirror");
    fs::create_dir(&m).unwrap();
    symlink(&victim, m.join(".library.bib.papershelf-tmp")).unwrap();
    fs::write(m.join(".library.json.papershelf-tmp"), "[half").unwrap();
    t.lib().enable_mirror(&m).unwrap();
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
    assert!(fs::symlink_metadata(m.join(".library.bib.papershelf-tmp")).is_ok());
    assert!(!m.join(".library.json.papershelf-tmp").exists());
    assert!(fs::symlink_metadata(m.join("library.bib"))
        .unwrap()
        .is_file());
}

#[test]
fn a_second_writer_waits_for_the_first() {
    let root = tempfile::tempdir().unwrap();
    let m = root.path().join("mirror");
    fs::create_dir(&m).unwrap();
    // Another Papershelf holds the mirror's lock for 400 ms.
    let lock = fs::File::create(m.join(".papershelf-mirror.lock")).unwrap();
    lock.lock().unwrap();
    let holder = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(400));
        drop(lock);
    });
    let started = Instant::now();
    mirror::write_files(&m, &files(&["a"])).unwrap();
    let waited = started.elapsed();
    holder.join().unwrap();
    assert!(
        waited >= Duration::from_millis(350),
        "wrote while another writer held the mirror ({waited:?})"
    );
    assert!(m.join("notes/a.md").is_file());
}

#[test]
fn two_writers_at_once_both_finish_with_whole_files() {
    let root = tempfile::tempdir().unwrap();
    let m = root.path().join("mirror");
    let names: Vec<String> = (0..40).map(|i| format!("n{i}")).collect();
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let m = m.clone();
            let names = names.clone();
            std::thread::spawn(move || {
                for round in 0..15 {
                    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                    let mut f = files(&refs);
                    f.bib = format!("% Exported by Papershelf.\n% writer {w} round {round}\n");
                    for (_, text) in &mut f.notes {
                        text.push_str(&format!("writer {w} round {round}\n"));
                    }
                    mirror::write_files(&m, &f).unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().expect("a writer failed");
    }
    let bib = fs::read_to_string(m.join("library.bib")).unwrap();
    assert!(bib.ends_with("round 14\n"), "{bib}");
    for dir in [m.clone(), m.join("notes")] {
        for e in fs::read_dir(&dir).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            assert!(!name.ends_with(".papershelf-tmp"), "temp file left: {name}");
        }
    }
    assert_eq!(fs::read_dir(m.join("notes")).unwrap().count(), 40);
}

#[test]
fn config_json_stays_private_when_the_mirror_is_enabled_or_disabled() {
    let t = one_paper();
    let config = t.path().join("config.json");
    let root = tempfile::tempdir().unwrap();
    // No file yet.
    t.lib().enable_mirror(&root.path().join("m1")).unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&config), 0o600);
    // A file the user made world-readable, holding a key.
    fs::write(
        &config,
        r#"{"sources": {"s2_api_key": "secret-key"}, "mirror": {"dir": null, "enabled": false}}"#,
    )
    .unwrap();
    fs::set_permissions(&config, fs::Permissions::from_mode(0o644)).unwrap();
    t.lib().enable_mirror(&root.path().join("m2")).unwrap();
    assert_eq!(mode(&config), 0o600);
    assert!(fs::read_to_string(&config).unwrap().contains("secret-key"));
    fs::set_permissions(&config, fs::Permissions::from_mode(0o644)).unwrap();
    t.lib().disable_mirror().unwrap();
    assert_eq!(mode(&config), 0o600);
}
