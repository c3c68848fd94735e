//! A paper's PDFs on a real library and a real local HTTP server: fetched from the arXiv PDF
//! host (the version the library knows, paced and retried like every source), attached from
//! a file, stored once per content, kept through the trash until it is emptied, and refused
//! when what arrives is not a PDF.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use papershelf_core::sources::config::Source;
use papershelf_core::sources::http::{Download, Expect, SourceError};
use papershelf_core::sync::{fetch_pdf, CancelToken};
use papershelf_core::{Error, ErrorCode, Library, PaperId};
use papershelf_testkit::{Reply, Server};

use crate::support::*;

/// A small but well-formed PDF whose one page shows `text`.
fn make_pdf(text: &str) -> Vec<u8> {
    papershelf_testkit::pdf::make_pdf(&[&[text]])
}

/// A library holding the 50-paper arXiv snapshot sample (ids with one to three versions).
fn snapshot_library() -> TempLibrary {
    let t = TempLibrary::new();
    t.lib()
        .import_arxiv_jsonl(&snapshot_path(SNAPSHOT_SAMPLE), &mut |_| {})
        .expect("import the snapshot sample");
    t
}

fn pdf_count(lib: &Library) -> usize {
    std::fs::read_dir(lib.dir().join("pdfs"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[tokio::test]
async fn the_newest_known_version_is_fetched_once_and_stored_by_its_hash() {
    let t = snapshot_library();
    let pdf = make_pdf("three versions");
    let served = pdf.clone();
    let server = Server::start(move |_, _| Reply::new(200, "application/pdf", served.clone()));
    let http = http_client(&server.origin, |_| {});
    let id = PaperId::new("1206.5538");
    let received = Arc::new(AtomicU64::new(0));
    let seen = received.clone();
    let progress = move |n: u64, _: Option<u64>| seen.store(n, Ordering::SeqCst);

    let first = fetch_pdf(t.lib(), &http, &id, &progress, &CancelToken::new())
        .await
        .unwrap();
    assert!(first.downloaded);
    assert_eq!(first.url, format!("{}/pdf/1206.5538v3", server.origin));
    assert_eq!(server.seen()[0].path(), "/pdf/1206.5538v3");
    assert_eq!(received.load(Ordering::SeqCst), pdf.len() as u64);
    assert_eq!(first.file.version, Some(3));
    assert_eq!(first.file.size, pdf.len() as u64);
    assert_eq!(std::fs::read(&first.file.path).unwrap(), pdf);
    assert!(first
        .file
        .path
        .ends_with(&format!("{}.pdf", first.file.sha256)));
    assert_eq!(first.file.sha256.len(), 64);

    // The library has v3 now: nothing is requested again, and a reopened library agrees.
    let again = fetch_pdf(t.lib(), &http, &id, &|_, _| {}, &CancelToken::new())
        .await
        .unwrap();
    assert!(!again.downloaded);
    assert_eq!(again.file, first.file);
    assert_eq!(server.seen().len(), 1);
    assert_eq!(t.lib().pdf(&id).unwrap(), Some(first.file.clone()));
}

#[tokio::test]
async fn an_html_page_a_missing_paper_or_an_oversized_body_stores_nothing() {
    let t = snapshot_library();
    let server = Server::start(|req, _| match req.path() {
        "/pdf/2310.02579v1" => Reply::new(
            200,
            "text/html; charset=utf-8",
            "<!DOCTYPE html><html><body>Please verify you are human</body></html>",
        ),
        _ => Reply::new(404, "text/plain", "not found"),
    });
    let http = http_client(&server.origin, |_| {});

    let err = fetch_pdf(
        t.lib(),
        &http,
        &PaperId::new("2310.02579"),
        &|_, _| {},
        &CancelToken::new(),
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("an HTML page") && err.to_string().contains("expected a PDF"),
        "{err}"
    );
    let err = fetch_pdf(
        t.lib(),
        &http,
        &PaperId::new("2309.02612"),
        &|_, _| {},
        &CancelToken::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");
    assert_eq!(pdf_count(t.lib()), 0);
    assert_eq!(t.lib().pdf(&PaperId::new("2310.02579")).unwrap(), None);

    // The download's own cap, not the 8 MiB metadata one, bounds the body.
    let big = make_pdf(&"x".repeat(4000));
    let server = Server::start(move |_, _| Reply::new(200, "application/pdf", big.clone()));
    let http = http_client(&server.origin, |_| {});
    let download = Download {
        max_bytes: 1000,
        stall_timeout: Duration::from_secs(5),
        progress: &|_, _| true,
    };
    let err = http
        .download(Source::Pdf, "/pdf/1.1", Expect::Pdf, &download)
        .await
        .unwrap_err();
    assert!(
        matches!(err, SourceError::TooLarge { limit: 1000, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn a_429_is_waited_out_and_a_stalled_body_is_retried() {
    let pdf = make_pdf("patience");
    let served = pdf.clone();
    let server = Server::start(move |_, i| match i {
        0 => Reply::new(429, "text/plain", "slow down").header("Retry-After", "1"),
        // Headers, then one byte every 2 s: longer than the stall timeout below.
        1 => Reply {
            drip: Some(Duration::from_secs(2)),
            ..Reply::new(200, "application/pdf", served.clone())
        },
        _ => Reply::new(200, "application/pdf", served.clone()),
    });
    let http = http_client(&server.origin, |o| o.max_attempts = 3);
    let download = Download {
        max_bytes: 1 << 20,
        stall_timeout: Duration::from_millis(500),
        progress: &|_, _| true,
    };
    let body = http
        .download(Source::Pdf, "/pdf/2212.07346v3", Expect::Pdf, &download)
        .await
        .unwrap();
    assert_eq!(body, pdf);
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn cancelling_stops_the_download_and_stores_nothing() {
    let t = snapshot_library();
    let pdf = make_pdf(&"long ".repeat(20_000));
    let server = Server::start(move |_, _| Reply {
        chunked: Some(4096),
        ..Reply::new(200, "application/pdf", pdf.clone())
    });
    let http = http_client(&server.origin, |_| {});
    let cancel = CancelToken::new();
    let stop = cancel.clone();
    let calls = Mutex::new(0);
    // The user presses Cancel as the first bytes arrive.
    let progress = move |_: u64, _: Option<u64>| {
        *calls.lock().unwrap() += 1;
        stop.cancel();
    };
    let err = fetch_pdf(
        t.lib(),
        &http,
        &PaperId::new("1709.08568"),
        &progress,
        &cancel,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err}");
    assert_eq!(pdf_count(t.lib()), 0);
}

#[test]
fn an_attached_file_is_copied_in_shared_by_content_and_kept_through_the_trash() {
    let t = snapshot_library();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("my copy.pdf");
    let pdf = make_pdf("attached");
    std::fs::write(&file, &pdf).unwrap();
    let (a, b) = (PaperId::new("2310.02579"), PaperId::new("2309.02612"));

    let stored = t.lib().attach_pdf(&a, &file).unwrap();
    assert_eq!(stored.origin, "file:my copy.pdf");
    assert_eq!(stored.version, None);
    assert_eq!(std::fs::read(&stored.path).unwrap(), pdf);
    // The user's file is left where it was.
    assert!(file.exists());
    // The same bytes for another paper: one file on disk, two links.
    let shared = t.lib().attach_pdf(&b, &file).unwrap();
    assert_eq!(shared.path, stored.path);
    assert_eq!(pdf_count(t.lib()), 1);

    // The trash keeps a paper's PDF; emptying it removes only what no paper holds.
    t.lib().delete_papers(std::slice::from_ref(&a)).unwrap();
    assert_eq!(t.lib().pdf(&a).unwrap(), Some(stored.clone()));
    t.lib().empty_trash(None).unwrap();
    assert!(std::path::Path::new(&stored.path).exists());
    t.lib().delete_papers(std::slice::from_ref(&b)).unwrap();
    t.lib().empty_trash(None).unwrap();
    assert!(!std::path::Path::new(&stored.path).exists());
    assert_eq!(pdf_count(t.lib()), 0);
}

#[test]
fn what_is_not_a_pdf_is_refused_before_anything_is_written() {
    let t = snapshot_library();
    let dir = tempfile::tempdir().unwrap();
    let id = PaperId::new("2310.02579");

    let html = dir.path().join("paper.pdf");
    std::fs::write(&html, "<html><body>Just a moment...</body></html>").unwrap();
    let err = t.lib().attach_pdf(&id, &html).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().contains("not a PDF"), "{err}");

    let err = t.lib().attach_pdf(&id, dir.path()).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");

    #[cfg(unix)]
    {
        // A FIFO would block the read forever.
        let fifo = dir.path().join("fifo.pdf");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let err = t.lib().attach_pdf(&id, &fifo).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }

    let err = t
        .lib()
        .attach_pdf(&id, &dir.path().join("missing.pdf"))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Io);

    let good = dir.path().join("good.pdf");
    std::fs::write(&good, make_pdf("x")).unwrap();
    let err = t
        .lib()
        .attach_pdf(&PaperId::new("9999.99999"), &good)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert_eq!(pdf_count(t.lib()), 0);
}

#[test]
fn a_paper_without_an_arxiv_id_says_to_attach_a_file() {
    let t = TempLibrary::with_both_pages();
    let paper = &t.all()[0];
    let err = t.lib().pdf_location(&paper.id).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().contains("pdf attach"), "{err}");
}

#[test]
fn old_style_ids_keep_their_archive_in_the_path() {
    let t = TempLibrary::new();
    let line = r#"{"id":"hep-th/9901001","title":"An old paper","abstract":"About strings.","authors":"A. Author","categories":"hep-th","versions":[{"version":"v1","created":"Fri, 1 Jan 1999 00:00:00 GMT"},{"version":"v2","created":"Sat, 2 Jan 1999 00:00:00 GMT"}]}"#;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.jsonl");
    std::fs::write(&file, format!("{line}\n")).unwrap();
    t.lib().import_arxiv_jsonl(&file, &mut |_| {}).unwrap();
    let location = t
        .lib()
        .pdf_location(&PaperId::new("hep-th/9901001"))
        .unwrap();
    assert_eq!(location.path, "/pdf/hep-th/9901001v2");
    assert_eq!(location.version, Some(2));
}

#[test]
fn backups_say_they_hold_the_database_and_which_pdfs_are_gone() {
    let t = snapshot_library();
    let id = PaperId::new("2310.02579");
    t.lib()
        .store_pdf(&id, &make_pdf("backed up"), "file:a.pdf", None)
        .unwrap();
    let taken = t.lib().backup().unwrap();
    assert!(!taken.includes_pdfs);
    assert_eq!((taken.pdfs, taken.pdfs_missing), (Some(1), Some(0)));

    // Emptying the trash removes the file; the backup still names it.
    t.lib().delete_papers(std::slice::from_ref(&id)).unwrap();
    t.lib().empty_trash(None).unwrap();
    let listed = Library::backups_in(t.lib().dir()).unwrap();
    let same = listed.iter().find(|b| b.name == taken.name).unwrap();
    assert_eq!((same.pdfs, same.pdfs_missing), (Some(1), Some(1)));
}
