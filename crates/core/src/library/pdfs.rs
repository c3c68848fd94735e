//! A paper's PDFs: files kept in the library directory under `pdfs/`, named by the SHA-256 of
//! their bytes, and linked to papers in the database.
//!
//! The file is written (to a unique temporary name, fsynced, renamed) before the row that
//! names it is committed, so a crash between the two leaves at most a file no row names, never
//! a row without its file. Identical bytes are stored once, however many papers hold them. A
//! paper in the trash keeps its PDFs; emptying the trash removes the files no paper names any
//! more. Fetching from a source lives in [`crate::sync::fetch_pdf`]; this module stores.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{pdfs, works};
use crate::error::{Error, Result};
use crate::interop::mirror::{hex, write_atomic};
use crate::library::Library;
use crate::model::PaperId;
use crate::sources::http::looks_like_pdf;

pub use crate::db::PDF_DIR;

/// The largest PDF a source may send (arXiv's largest papers are tens of MiB).
pub const MAX_DOWNLOADED_PDF_BYTES: usize = 100 * 1024 * 1024;

/// The largest local file that can be attached (scanned books run to hundreds of MiB).
pub const MAX_ATTACHED_PDF_BYTES: u64 = 1024 * 1024 * 1024;

/// One PDF of a paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PdfFile {
    /// Lowercase hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Where the file is on disk.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// The arXiv version it is, when known.
    pub version: Option<u32>,
    /// The URL it was fetched from, or `file:<name>` when it was attached.
    pub origin: String,
    /// When the paper got it (RFC 3339).
    pub added_at: String,
}

/// Where a paper's PDF is fetched from: a path on [`crate::sources::config::Source::Pdf`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfLocation {
    /// `/pdf/<arXiv id>v<N>`, or `/pdf/<arXiv id>` when no version is known.
    pub path: String,
    /// The version that path names.
    pub version: Option<u32>,
}

/// One file for [`Library::store_pdfs`].
#[derive(Debug, Clone, Copy)]
pub struct NewPdf<'a> {
    /// The paper it belongs to.
    pub paper: &'a PaperId,
    /// The file's bytes.
    pub bytes: &'a [u8],
    /// Where it came from: a URL, or `file:<name>`.
    pub origin: &'a str,
    /// The arXiv version it is, when known.
    pub version: Option<u32>,
}

impl Library {
    /// The paper's PDFs, newest first (empty when it has none).
    pub fn pdfs(&self, id: &PaperId) -> Result<Vec<PdfFile>> {
        let conn = self.conn();
        let key = works::key_of(&conn, id)?;
        Ok(pdfs::of_work(&conn, key)?
            .into_iter()
            .map(|row| self.pdf_file(row))
            .collect())
    }

    /// The paper's newest PDF, if it has one.
    pub fn pdf(&self, id: &PaperId) -> Result<Option<PdfFile>> {
        Ok(self.pdfs(id)?.into_iter().next())
    }

    /// The newest PDF the paper has of arXiv version `version`, if any.
    pub fn pdf_of_version(&self, id: &PaperId, version: u32) -> Result<Option<PdfFile>> {
        Ok(self
            .pdfs(id)?
            .into_iter()
            .find(|f| f.version == Some(version)))
    }

    /// The bytes of one of the paper's PDFs (`sha256`, else its newest), for the reader.
    ///
    /// # Errors
    /// [`Error::NoPdf`] when the paper has no PDF; [`Error::InvalidInput`] when `sha256` is
    /// not one of its files; [`Error::Io`] when the file is gone or unreadable.
    pub fn pdf_bytes(&self, id: &PaperId, sha256: Option<&str>) -> Result<(PdfFile, Vec<u8>)> {
        let files = self.pdfs(id)?;
        let file = match sha256 {
            Some(sha) => files.into_iter().find(|f| f.sha256 == sha).ok_or_else(|| {
                Error::InvalidInput(format!("{sha} is not one of the PDFs of {id}"))
            })?,
            None => files
                .into_iter()
                .next()
                .ok_or_else(|| Error::NoPdf(id.clone()))?,
        };
        let bytes = read_pdf_file(Path::new(&file.path))?;
        Ok((file, bytes))
    }

    /// Where the paper's PDF comes from: arXiv's PDF of the newest version the library knows.
    ///
    /// # Errors
    /// [`Error::NoPdfSource`] for a paper without an arXiv id (attach a file instead).
    pub fn pdf_location(&self, id: &PaperId) -> Result<PdfLocation> {
        let paper = self.paper(id)?;
        let Some(arxiv) = paper.arxiv_id else {
            return Err(Error::NoPdfSource(paper.id));
        };
        let version = paper.versions.iter().map(|v| v.version).max();
        let path = match version {
            Some(v) => format!("/pdf/{arxiv}v{v}"),
            None => format!("/pdf/{arxiv}"),
        };
        Ok(PdfLocation { path, version })
    }

    /// Attaches a local PDF to a paper: the file is copied into the library (the original is
    /// left as it is). Attaching the same bytes again changes nothing but where it came from.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the file is not a regular file, is larger than
    /// [`MAX_ATTACHED_PDF_BYTES`] or is not a PDF; [`Error::Io`] when it cannot be read.
    pub fn attach_pdf(&self, id: &PaperId, file: &Path) -> Result<PdfFile> {
        let bytes = read_pdf_file(file)?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| file.display().to_string());
        self.store_pdf(id, &bytes, &format!("file:{name}"), None)
    }

    /// [`Library::attach_pdf`], then reads the file's text at once so the paper is searchable
    /// by what is inside; a file whose text cannot be read stays attached (the reason is kept
    /// with it and logged).
    ///
    /// # Errors
    /// Those of [`Library::attach_pdf`].
    pub fn attach_pdf_and_read_text(&self, id: &PaperId, file: &Path) -> Result<PdfFile> {
        let stored = self.attach_pdf(id, file)?;
        if let Err(err) = self.read_pdf_text(id) {
            tracing::warn!(paper = %id, error = %err, "the attached PDF's text could not be read");
        }
        Ok(stored)
    }

    /// Stores `bytes` as one of the paper's PDFs, fetched from `origin` (a URL, or
    /// `file:<name>`), as arXiv version `version` when known. Returns the stored file.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when `bytes` are not a PDF; [`Error::PaperNotFound`] for an
    /// unknown id; [`Error::Io`] when the file cannot be written.
    pub fn store_pdf(
        &self,
        id: &PaperId,
        bytes: &[u8],
        origin: &str,
        version: Option<u32>,
    ) -> Result<PdfFile> {
        if !looks_like_pdf(bytes) {
            return Err(Error::InvalidInput(format!(
                "{origin}: not a PDF (no %PDF- header in its first KiB)"
            )));
        }
        // Fail on an unknown id before writing anything.
        let key = works::key_of(&self.conn(), id)?;
        let sha256 = pdf_sha256(bytes);
        self.write_pdf_file(&sha256, bytes)?;
        // The paper's indexed text is its newest PDF's: logged for the index, which takes
        // this file's text if it was read already (the same bytes held by another paper).
        self.write(|tx, now| {
            pdfs::link(tx, key, &sha256, bytes.len() as u64, version, origin, now)?;
            Ok(((), vec![key]))
        })?;
        tracing::info!(paper = %id, %sha256, size = bytes.len(), origin, "stored a PDF");
        let conn = self.conn();
        let row = pdfs::of_work(&conn, key)?
            .into_iter()
            .find(|r| r.sha256 == sha256)
            .ok_or_else(|| Error::PaperNotFound(id.clone()))?;
        drop(conn);
        Ok(self.pdf_file(row))
    }

    /// [`Library::store_pdf`] for many files at once (an importer bringing a folder of PDFs,
    /// say): every file is written, then all are linked to their papers in one transaction,
    /// with one update of the search index instead of one per file. Each file is checked
    /// first, so a file that is not a PDF or an unknown paper stores nothing at all. Returns
    /// the stored files in the order given.
    ///
    /// # Errors
    /// As [`Library::store_pdf`], for the first file that fails.
    pub fn store_pdfs(&self, files: &[NewPdf<'_>]) -> Result<Vec<PdfFile>> {
        let mut checked = Vec::with_capacity(files.len());
        {
            let conn = self.conn();
            for file in files {
                if !looks_like_pdf(file.bytes) {
                    return Err(Error::InvalidInput(format!(
                        "{}: not a PDF (no %PDF- header in its first KiB)",
                        file.origin
                    )));
                }
                let key = works::key_of(&conn, file.paper)?;
                checked.push((key, pdf_sha256(file.bytes)));
            }
        }
        for (file, (_, sha256)) in files.iter().zip(&checked) {
            self.write_pdf_file(sha256, file.bytes)?;
        }
        self.write(|tx, now| {
            let mut changed = Vec::with_capacity(files.len());
            for (file, (key, sha256)) in files.iter().zip(&checked) {
                let size = file.bytes.len() as u64;
                pdfs::link(tx, *key, sha256, size, file.version, file.origin, now)?;
                changed.push(*key);
            }
            changed.sort_unstable();
            changed.dedup();
            Ok(((), changed))
        })?;
        tracing::info!(files = files.len(), "stored PDFs");
        let conn = self.conn();
        let mut stored = Vec::with_capacity(files.len());
        for (file, (key, sha256)) in files.iter().zip(checked) {
            let row = pdfs::of_work(&conn, key)?
                .into_iter()
                .find(|r| r.sha256 == sha256)
                .ok_or_else(|| Error::PaperNotFound(file.paper.clone()))?;
            stored.push(self.pdf_file(row));
        }
        Ok(stored)
    }

    /// Deletes the files no paper names any more (after the trash was emptied); a file that
    /// is already gone is fine. Returns how many records were removed.
    pub(crate) fn remove_unlinked_pdfs(&self) -> Result<usize> {
        let gone = self.write(|tx, _| Ok((pdfs::remove_unlinked(tx)?, Vec::new())))?;
        for sha256 in &gone {
            let path = self.pdf_path_of(sha256);
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => tracing::warn!(path = %path.display(), error = %e, "cannot remove a PDF"),
            }
        }
        Ok(gone.len())
    }

    /// Writes `bytes` into the store as `sha256` (their [`pdf_sha256`]), once: the same bytes
    /// are there already when a file of that name and size is. No row names the file yet: the
    /// caller links it in its transaction, after this returns.
    pub(crate) fn write_pdf_file(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        let path = self.pdf_path_of(sha256);
        let dir = self.dir().join(PDF_DIR);
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        if !same_size_file_exists(&path, bytes.len() as u64) {
            write_atomic(&path, bytes)?;
        }
        Ok(())
    }

    pub(crate) fn pdf_path_of(&self, sha256: &str) -> PathBuf {
        self.dir().join(PDF_DIR).join(format!("{sha256}.pdf"))
    }

    fn pdf_file(&self, row: pdfs::Row) -> PdfFile {
        PdfFile {
            path: self.pdf_path_of(&row.sha256).display().to_string(),
            sha256: row.sha256,
            size: row.size,
            version: row.version,
            origin: row.origin,
            added_at: row.added_at,
        }
    }
}

/// The name a PDF is stored under: the lowercase hex SHA-256 of its bytes.
pub(crate) fn pdf_sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Reads a file the user names as a PDF: a regular file (a FIFO would hang the read, a
/// device would never end), within the size cap, starting like a PDF.
pub(crate) fn read_pdf_file(file: &Path) -> Result<Vec<u8>> {
    let not_regular = || Error::InvalidInput(format!("{}: not a regular file", file.display()));
    // Checked before opening too: opening a FIFO for reading blocks until a writer comes.
    if !fs::metadata(file)
        .map_err(|e| Error::io(file, e))?
        .is_file()
    {
        return Err(not_regular());
    }
    let handle = fs::File::open(file).map_err(|e| Error::io(file, e))?;
    let meta = handle.metadata().map_err(|e| Error::io(file, e))?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > MAX_ATTACHED_PDF_BYTES {
        return Err(Error::InvalidInput(format!(
            "{}: {} bytes is more than the {} MiB a PDF may have",
            file.display(),
            meta.len(),
            MAX_ATTACHED_PDF_BYTES / (1024 * 1024)
        )));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // Bounded even if the file grows while it is read.
    handle
        .take(MAX_ATTACHED_PDF_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(file, e))?;
    if bytes.len() as u64 > MAX_ATTACHED_PDF_BYTES {
        return Err(Error::InvalidInput(format!(
            "{}: grew past {} MiB while it was read",
            file.display(),
            MAX_ATTACHED_PDF_BYTES / (1024 * 1024)
        )));
    }
    if !looks_like_pdf(&bytes) {
        return Err(Error::InvalidInput(format!(
            "{}: not a PDF (no %PDF- header in its first KiB)",
            file.display()
        )));
    }
    Ok(bytes)
}

/// True when a regular file of this size is at `path` already. The name is the content's
/// hash, so a file of the right size there is the same content unless it was damaged, which
/// the size catches for a cut-short write.
fn same_size_file_exists(path: &Path, size: u64) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase_and_padded() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
