//! The open mirror: an optional directory that always holds the library in open formats,
//! `library.bib`, `library.json` (CSL-JSON) and `notes/<citekey>.md`.
//!
//! Settings live in the library directory's `config.json` under `"mirror"`
//! (`{"mirror": {"dir": "/path", "enabled": true}}`); what was last written (change seq, time,
//! paper count, last error) lives in the database's `meta` table. Each file is written
//! atomically: a temporary file in the same directory, fsynced, then renamed over the old one,
//! so a reader (or a crash) sees the previous complete file or the new one, never a half.
//! Leftover temporary files of an interrupted write are removed by the next refresh. A manifest
//! (`.papershelf-mirror.json`) lists the notes files Papershelf wrote, so stale ones of removed
//! papers are deleted and files the user put there are never touched.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::library::Library;

/// The BibTeX file in a mirror.
pub const BIB_FILE: &str = "library.bib";
/// The CSL-JSON file in a mirror.
pub const JSON_FILE: &str = "library.json";
/// The notes folder in a mirror.
pub const NOTES_DIR: &str = "notes";
/// The manifest of what Papershelf wrote into a mirror.
pub const MANIFEST_FILE: &str = ".papershelf-mirror.json";
/// Suffix of temporary files while writing.
const TMP_SUFFIX: &str = ".papershelf-tmp";

/// Mirror settings from `config.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MirrorConfig {
    /// The mirror directory.
    pub dir: Option<PathBuf>,
    /// Whether the mirror is kept in step.
    #[serde(default)]
    pub enabled: bool,
}

impl MirrorConfig {
    /// Reads the `"mirror"` section of `config.json` in `library_dir` (default when absent).
    pub fn load(library_dir: &Path) -> Result<MirrorConfig> {
        let path = library_dir.join(crate::sources::config::CONFIG_FILE);
        let Ok(text) = fs::read_to_string(&path) else {
            return Ok(MirrorConfig::default());
        };
        let v: Value = serde_json::from_str(&text)
            .map_err(|e| Error::InvalidInput(format!("{}: not valid JSON: {e}", path.display())))?;
        match v.get("mirror") {
            Some(m) => serde_json::from_value(m.clone()).map_err(|e| {
                Error::InvalidInput(format!("{}: bad \"mirror\" section: {e}", path.display()))
            }),
            None => Ok(MirrorConfig::default()),
        }
    }

    /// Writes the `"mirror"` section into `config.json`, keeping every other setting.
    pub fn save(&self, library_dir: &Path) -> Result<()> {
        let path = library_dir.join(crate::sources::config::CONFIG_FILE);
        let mut v: Value = match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                Error::InvalidInput(format!("{}: not valid JSON: {e}", path.display()))
            })?,
            Err(_) => Value::Object(Default::default()),
        };
        let Some(obj) = v.as_object_mut() else {
            return Err(Error::InvalidInput(format!(
                "{}: expected a JSON object",
                path.display()
            )));
        };
        obj.insert(
            "mirror".into(),
            serde_json::to_value(self).unwrap_or(Value::Null),
        );
        let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
        text.push('\n');
        write_atomic(&path, text.as_bytes())
    }
}

/// What was last written, stored in `meta`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MirrorState {
    /// The directory written.
    pub dir: Option<String>,
    /// The library's change seq the last complete write reflects.
    pub seq: u64,
    /// When the last complete write finished (RFC 3339).
    pub last_written: Option<String>,
    /// Papers in it.
    pub papers: Option<u64>,
    /// The last failure, cleared by the next complete write.
    pub last_error: Option<String>,
}

/// What `papershelf mirror status` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MirrorStatus {
    /// Whether the mirror is kept in step.
    pub enabled: bool,
    /// The mirror directory, when set.
    pub dir: Option<String>,
    /// When the last complete write finished (RFC 3339).
    pub last_written: Option<String>,
    /// Papers in the last complete write.
    pub papers: Option<u64>,
    /// The last failure, if the latest attempt failed.
    pub last_error: Option<String>,
    /// True when the library changed since the last complete write.
    pub dirty: bool,
}

/// Writes `bytes` to `path` atomically: temp file in the same directory, fsync, rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}{TMP_SUFFIX}"));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        // Make the rename durable too (best effort: not every platform syncs directories).
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    result.map_err(|e: std::io::Error| {
        let _ = fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// Everything one mirror write puts on disk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MirrorFiles {
    /// `library.bib` text.
    pub bib: String,
    /// `library.json` text.
    pub json: String,
    /// `notes/<name>` file names and texts.
    pub notes: Vec<(String, String)>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    notes: Vec<String>,
}

/// Removes temporary files an interrupted write left in `dir`.
fn remove_leftovers(dir: &Path) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.ends_with(TMP_SUFFIX) {
            tracing::info!(file = %name, "removing a leftover temporary mirror file");
            let _ = fs::remove_file(e.path());
        }
    }
}

/// True when `dir` can be used as a mirror: missing, empty, already a mirror, or holding
/// neither `library.bib` nor `library.json`.
pub fn check_dir(dir: &Path) -> Result<()> {
    if dir.join(MANIFEST_FILE).exists() || !dir.exists() {
        return Ok(());
    }
    for f in [BIB_FILE, JSON_FILE] {
        if dir.join(f).exists() {
            return Err(Error::InvalidInput(format!(
                "{} already holds a {f} that Papershelf did not write; choose an empty directory",
                dir.display()
            )));
        }
    }
    Ok(())
}

/// Writes a mirror: every file atomically, then stale notes files removed, then the manifest.
pub fn write_files(dir: &Path, files: &MirrorFiles) -> Result<()> {
    let notes_dir = dir.join(NOTES_DIR);
    fs::create_dir_all(&notes_dir).map_err(|e| Error::io(&notes_dir, e))?;
    remove_leftovers(dir);
    remove_leftovers(&notes_dir);
    let old: Manifest = fs::read_to_string(dir.join(MANIFEST_FILE))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    for (name, text) in &files.notes {
        let path = notes_dir.join(name);
        // Unchanged files are left alone (cheap refreshes, quiet file watchers).
        if fs::read(&path).is_ok_and(|b| b == text.as_bytes()) {
            continue;
        }
        write_atomic(&path, text.as_bytes())?;
    }
    for (name, text) in [(BIB_FILE, &files.bib), (JSON_FILE, &files.json)] {
        let path = dir.join(name);
        if fs::read(&path).is_ok_and(|b| b == text.as_bytes()) {
            continue;
        }
        write_atomic(&path, text.as_bytes())?;
    }
    let new: Vec<String> = files.notes.iter().map(|(n, _)| n.clone()).collect();
    for stale in old.notes.iter().filter(|n| !new.contains(n)) {
        // Only plain names we wrote: never follow a path out of the notes folder.
        if stale.contains(['/', '\\']) || stale.starts_with('.') {
            continue;
        }
        let path = notes_dir.join(stale);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    let manifest = serde_json::to_string_pretty(&Manifest { notes: new }).unwrap_or_default();
    write_atomic(&dir.join(MANIFEST_FILE), manifest.as_bytes())
}

/// The library's side of the mirror: a dirty flag set after every successful write, and the
/// channel of a running [`MirrorWorker`].
#[derive(Debug, Default)]
pub(crate) struct MirrorHook {
    dirty: AtomicBool,
    notify: Mutex<Option<Sender<Msg>>>,
}

impl MirrorHook {
    /// Called after a write transaction committed changes.
    pub(crate) fn mark_dirty(&self) {
        self.dirty.store(true, Ordering::Release);
        if let Some(tx) = self
            .notify
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            let _ = tx.send(Msg::Changed);
        }
    }

    /// Clears the flag, returning whether it was set.
    pub(crate) fn take_dirty(&self) -> bool {
        self.dirty.swap(false, Ordering::AcqRel)
    }

    /// True when this process changed the library since the last refresh.
    pub(crate) fn is_dirty(&self) -> bool {
        self.dirty.load(Ordering::Acquire)
    }

    fn set_notify(&self, tx: Option<Sender<Msg>>) {
        *self.notify.lock().unwrap_or_else(|e| e.into_inner()) = tx;
    }
}

#[derive(Debug)]
enum Msg {
    Changed,
    Flush(Sender<()>),
    Stop,
}

/// A background thread that refreshes the mirror a short quiet time after changes (for the
/// desktop app; the CLI refreshes synchronously before it exits). Dropping it stops the thread.
#[derive(Debug)]
pub struct MirrorWorker {
    tx: Sender<Msg>,
    handle: Option<JoinHandle<()>>,
}

impl MirrorWorker {
    /// Starts the worker for `lib`: after a change it waits until `debounce` passes without
    /// another one, then refreshes the mirror if it is enabled and dirty.
    pub fn start(lib: &Arc<Library>, debounce: Duration) -> MirrorWorker {
        let (tx, rx) = mpsc::channel();
        lib.mirror_hook().set_notify(Some(tx.clone()));
        let weak = Arc::downgrade(lib);
        let handle = std::thread::Builder::new()
            .name("papershelf-mirror".into())
            .spawn(move || worker_loop(weak, rx, debounce))
            .ok();
        MirrorWorker { tx, handle }
    }

    /// Refreshes now if anything is pending and waits until that is done.
    pub fn flush(&self) {
        let (tx, rx) = mpsc::channel();
        if self.tx.send(Msg::Flush(tx)).is_ok() {
            let _ = rx.recv();
        }
    }
}

impl Drop for MirrorWorker {
    fn drop(&mut self) {
        let _ = self.tx.send(Msg::Stop);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn refresh(lib: &Weak<Library>) {
    if let Some(lib) = lib.upgrade() {
        if let Err(e) = lib.refresh_mirror_if_dirty() {
            tracing::warn!(error = %e, "mirror refresh failed; will retry after the next change");
        }
    }
}

fn worker_loop(lib: Weak<Library>, rx: Receiver<Msg>, debounce: Duration) {
    loop {
        match rx.recv() {
            Ok(Msg::Changed) => {}
            Ok(Msg::Flush(done)) => {
                refresh(&lib);
                let _ = done.send(());
                continue;
            }
            Ok(Msg::Stop) | Err(_) => return,
        }
        // Debounce: wait for a quiet period before writing.
        loop {
            match rx.recv_timeout(debounce) {
                Ok(Msg::Changed) => continue,
                Ok(Msg::Flush(done)) => {
                    refresh(&lib);
                    let _ = done.send(());
                    break;
                }
                Ok(Msg::Stop) => {
                    refresh(&lib);
                    return;
                }
                Err(RecvTimeoutError::Timeout) => {
                    refresh(&lib);
                    break;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_whole_files_and_leave_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn config_keeps_other_settings() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("config.json"),
            r#"{"sources": {"s2_api_key": "k"}}"#,
        )
        .unwrap();
        let c = MirrorConfig {
            dir: Some(PathBuf::from("m")),
            enabled: true,
        };
        c.save(dir.path()).unwrap();
        assert_eq!(MirrorConfig::load(dir.path()).unwrap(), c);
        let text = fs::read_to_string(dir.path().join("config.json")).unwrap();
        assert!(text.contains("s2_api_key"));
    }
}
