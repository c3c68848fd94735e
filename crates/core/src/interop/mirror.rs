//! The open mirror: an optional directory that always holds the library in open formats,
//! `library.bib`, `library.json` (CSL-JSON) and `notes/<citekey>.md`.
//!
//! Settings live in the library directory's `config.json` under `"mirror"`
//! (`{"mirror": {"dir": "/path", "enabled": true}}`); what was last written (change seq, time,
//! paper count, last error) lives in the database's `meta` table. Each file is written
//! atomically: a temporary file with a unique name created exclusively in the same directory,
//! fsynced, then renamed over the old one, so a reader (or a crash) sees the previous complete
//! file or the new one, never a half. Leftover temporary files of an interrupted write are
//! removed by the next refresh. One writer at a time: an advisory lock on
//! `.papershelf-mirror.lock` keeps the app's background writer, `mirror rebuild` and CLI
//! commands of other processes apart.
//!
//! The folder is not trusted. A manifest (`.papershelf-mirror.json`) records the size and
//! SHA-256 of every file Papershelf wrote; a file is written over or deleted only when its
//! current content is one the manifest recorded, so a user's own `notes/<key>.md` is never
//! touched (the clash is reported). Links, pipes and devices are never followed, read, written
//! over or deleted, every read is bounded, and the manifest itself is read as untrusted input
//! (size-capped, names validated: plain names only).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{Error, Failure, Result};

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
        // It can hold API keys: owner-only, whatever it was before.
        write_private(&path, text.as_bytes())
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
    /// The last failure, cleared by the next complete write (stored as plain text before it
    /// had a kind; such a record reads as an I/O failure).
    #[serde(default, deserialize_with = "failure_or_text")]
    pub last_error: Option<Failure>,
}

/// Reads a stored failure, or the plain text an earlier build stored.
fn failure_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Failure>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Typed(Failure),
        Text(String),
    }
    Ok(
        Option::<Stored>::deserialize(d)?.map(|stored| match stored {
            Stored::Typed(f) => f,
            Stored::Text(message) => Failure {
                code: crate::ErrorCode::Io,
                message,
            },
        }),
    )
}

/// What `papershelf mirror status` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
    pub last_error: Option<Failure>,
    /// True when the library changed since the last complete write.
    pub dirty: bool,
}

/// Writes `bytes` to `path` atomically: a temporary file with a unique name in the same
/// directory, created exclusively (never through a link planted there), fsynced, renamed over
/// `path`, and the directory fsynced. The file gets the usual permissions (`0666` less the
/// umask).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_mode(path, bytes, 0o666)
}

/// [`write_atomic`] for a file only its owner may read (`0600` whatever the umask), such as
/// `config.json`, which can hold API keys.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_mode(path, bytes, 0o600)
}

fn write_atomic_mode(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Err(Error::InvalidInput(format!(
            "{}: not a file name to write",
            path.display()
        )));
    };
    // The temporary name keeps a readable prefix of the target's (a file name is at most 255
    // bytes, and the random part and suffix need room).
    let mut cut = name.len().min(120);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    let prefix = format!(".{}.", &name[..cut]);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TMP_SUFFIX).rand_bytes(8);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    let result = (|| {
        // `tempfile_in` opens with O_CREAT|O_EXCL: an existing name (a link) is never followed.
        let mut tmp = builder.tempfile_in(dir)?;
        tmp.as_file_mut().write_all(bytes)?;
        tmp.as_file().sync_all()?;
        // On failure the temporary file is removed when `tmp` drops.
        tmp.persist(path).map_err(|e| e.error)?;
        // Make the rename durable too (best effort: not every platform syncs directories).
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    result.map_err(|e: std::io::Error| Error::io(path, e))
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

/// What one mirror write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written (new or changed).
    pub written: usize,
    /// Stale notes files deleted.
    pub deleted: usize,
    /// Files the mirror would have written but left alone, because what is there is not a
    /// file it wrote (a user's own file, a link, a pipe): each as `path: why`.
    pub left_alone: Vec<String>,
}

/// One accepted content of a file the mirror wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Recorded {
    size: u64,
    sha256: String,
}

/// The manifest as stored. Version 2 records, per file the mirror wrote (`library.bib`,
/// `library.json`, `notes/<name>`), the contents it may hold (two while a write is under way,
/// so a crash between the files and the final manifest leaves every file recognised).
/// Version 1 (before hashes) listed only notes names.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    #[serde(default)]
    version: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    #[serde(default)]
    files: BTreeMap<String, Vec<Recorded>>,
}

/// What the manifest says the mirror owns, after validation.
#[derive(Debug, Default)]
struct Owned {
    /// Per file: the contents the mirror wrote.
    recorded: BTreeMap<String, Vec<Recorded>>,
    /// Files listed by a version-1 manifest, owned if they look like what Papershelf writes.
    legacy: BTreeSet<String>,
    /// A version-1 manifest is there: `library.bib`/`library.json` of that era were not listed.
    legacy_manifest: bool,
}

/// Largest manifest read (about 100 bytes a file: over two million files).
const MAX_MANIFEST: u64 = 256 << 20;
/// The lock file that keeps two writers of one mirror apart.
pub const LOCK_FILE: &str = ".papershelf-mirror.lock";
/// How long a writer waits for another one to finish.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// True for a name the manifest may list: `library.bib`, `library.json` or `notes/<name>`
/// with a plain name (no separator, not hidden, so never `.` or `..`, never absolute).
fn valid_entry(rel: &str) -> bool {
    if rel == BIB_FILE || rel == JSON_FILE {
        return true;
    }
    rel.strip_prefix("notes/").is_some_and(valid_note_name)
}

fn valid_note_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0'])
}

/// Opens `path` for reading without following a link and without blocking on a pipe.
fn open_no_follow(path: &Path) -> std::io::Result<fs::File> {
    let mut opts = fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    opts.open(path)
}

/// What is at a path in the mirror.
enum OnDisk {
    Missing,
    /// A link, a pipe, a device or a folder: never read, written over or deleted.
    NotAFile(&'static str),
    /// A regular file, opened, and its length.
    File(fs::File, u64),
}

fn look(path: &Path) -> std::io::Result<OnDisk> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(OnDisk::Missing),
        Err(e) => return Err(e),
    };
    if meta.file_type().is_symlink() {
        return Ok(OnDisk::NotAFile("a symbolic link"));
    }
    if !meta.is_file() {
        return Ok(OnDisk::NotAFile("not a regular file"));
    }
    let file = match open_no_follow(path) {
        Ok(f) => f,
        // Swapped for a link since the look (ELOOP) or gone: not ours to touch.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(OnDisk::Missing),
        Err(_) => return Ok(OnDisk::NotAFile("not readable as a plain file")),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(OnDisk::NotAFile("not a regular file"));
    }
    Ok(OnDisk::File(file, meta.len()))
}

/// Reads at most `limit` bytes of `file` from the start, chunk by chunk, into `sink`.
fn read_bounded(
    file: &mut fs::File,
    limit: u64,
    mut sink: impl FnMut(&[u8]) -> bool,
) -> std::io::Result<()> {
    file.seek(SeekFrom::Start(0))?;
    let mut reader = std::io::Read::take(&mut *file, limit);
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = std::io::Read::read(&mut reader, &mut buf)?;
        if n == 0 || !sink(&buf[..n]) {
            return Ok(());
        }
    }
}

/// True when `file` (of length `len`) holds exactly `expected`.
fn same_content(file: &mut fs::File, len: u64, expected: &[u8]) -> std::io::Result<bool> {
    if len != expected.len() as u64 {
        return Ok(false);
    }
    let mut at = 0usize;
    let mut same = true;
    read_bounded(file, len, |chunk| {
        same = expected.get(at..at + chunk.len()) == Some(chunk);
        at += chunk.len();
        same
    })?;
    Ok(same && at == expected.len())
}

/// Lowercase hex of `bytes`, two digits each (the mirror's and the PDF store's SHA-256 names).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn recorded_of(bytes: &[u8]) -> Recorded {
    Recorded {
        size: bytes.len() as u64,
        sha256: hex(&Sha256::digest(bytes)),
    }
}

/// The SHA-256 of the first `len` bytes of `file`, or `None` when it is shorter.
fn hash_file(file: &mut fs::File, len: u64) -> std::io::Result<Option<Recorded>> {
    let mut hasher = Sha256::new();
    let mut seen = 0u64;
    read_bounded(file, len, |chunk| {
        hasher.update(chunk);
        seen += chunk.len() as u64;
        true
    })?;
    Ok((seen == len).then(|| Recorded {
        size: len,
        sha256: hex(&hasher.finalize()),
    }))
}

/// Whether a version-1 entry's file looks like what Papershelf writes there.
fn looks_like_ours(rel: &str, file: &mut fs::File) -> std::io::Result<bool> {
    let mut head = Vec::new();
    read_bounded(file, 64, |chunk| {
        head.extend_from_slice(chunk);
        true
    })?;
    Ok(if rel == BIB_FILE {
        head.starts_with(b"% Exported by Papershelf.")
    } else if rel == JSON_FILE {
        head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
    } else {
        head.starts_with(b"---\nid: ")
    })
}

/// Reads the manifest as untrusted input: at most [`MAX_MANIFEST`] bytes of a regular file
/// (never through a link), every name validated. Anything unreadable owns nothing.
fn read_manifest(dir: &Path) -> Owned {
    let path = dir.join(MANIFEST_FILE);
    let text = match look(&path) {
        Ok(OnDisk::File(mut f, len)) if len <= MAX_MANIFEST => {
            let mut bytes = Vec::with_capacity(len as usize);
            match read_bounded(&mut f, MAX_MANIFEST, |c| {
                bytes.extend_from_slice(c);
                true
            }) {
                Ok(()) => bytes,
                Err(_) => return Owned::default(),
            }
        }
        Ok(OnDisk::Missing) => return Owned::default(),
        _ => {
            tracing::warn!(path = %path.display(), "mirror manifest unusable; trusting no file in the mirror");
            return Owned::default();
        }
    };
    let Ok(m) = serde_json::from_slice::<Manifest>(&text) else {
        tracing::warn!(path = %path.display(), "mirror manifest unreadable; trusting no file in the mirror");
        return Owned::default();
    };
    let mut owned = Owned::default();
    if m.version < 2 {
        owned.legacy_manifest = true;
        owned.legacy = m
            .notes
            .iter()
            .filter(|n| valid_note_name(n))
            .map(|n| format!("{NOTES_DIR}/{n}"))
            .collect();
        owned.legacy.insert(BIB_FILE.into());
        owned.legacy.insert(JSON_FILE.into());
        return owned;
    }
    owned.recorded = m
        .files
        .into_iter()
        .filter(|(rel, _)| valid_entry(rel))
        .collect();
    owned
}

/// Whether the mirror wrote the file `rel` as it is now: its content's hash is recorded (or,
/// for a version-1 manifest, it looks like Papershelf's). Returns its current content's record.
fn owned_content(
    owned: &Owned,
    rel: &str,
    file: &mut fs::File,
    len: u64,
) -> std::io::Result<Option<Recorded>> {
    if let Some(list) = owned.recorded.get(rel) {
        if !list.iter().any(|r| r.size == len) {
            return Ok(None);
        }
        let Some(now) = hash_file(file, len)? else {
            return Ok(None);
        };
        return Ok(list.contains(&now).then_some(now));
    }
    if owned.legacy.contains(rel) && looks_like_ours(rel, file)? {
        return hash_file(file, len);
    }
    Ok(None)
}

/// Removes temporary files an interrupted write left in `dir`: only regular files whose
/// names match the pattern (`.<name>…papershelf-tmp`).
fn remove_leftovers(dir: &Path) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let plain = e.file_type().is_ok_and(|t| t.is_file());
        if plain && name.starts_with('.') && name.ends_with(TMP_SUFFIX) {
            tracing::info!(file = %name, "removing a leftover temporary mirror file");
            let _ = fs::remove_file(e.path());
        }
    }
}

/// True when `dir` can be used as a mirror: missing, or holding no `library.bib` or
/// `library.json` other than ones the mirror's manifest says it wrote.
pub fn check_dir(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let owned = read_manifest(dir);
    for f in [BIB_FILE, JSON_FILE] {
        let path = dir.join(f);
        let ours = match look(&path).map_err(|e| Error::io(&path, e))? {
            OnDisk::Missing => true,
            OnDisk::NotAFile(_) => false,
            OnDisk::File(mut file, len) => owned_content(&owned, f, &mut file, len)
                .map_err(|e| Error::io(&path, e))?
                .is_some(),
        };
        if !ours {
            return Err(Error::InvalidInput(format!(
                "{} already holds a {f} that Papershelf did not write; choose an empty directory",
                dir.display()
            )));
        }
    }
    Ok(())
}

/// Holds a mirror folder's write lock (an advisory lock on [`LOCK_FILE`]) while alive.
#[derive(Debug)]
pub struct MirrorLock {
    _file: fs::File,
}

impl MirrorLock {
    /// Takes the lock of the mirror in `dir`, waiting up to `wait` for another writer (this
    /// process or another Papershelf) to finish.
    ///
    /// # Errors
    /// When another writer still holds it after `wait`, or the lock file is a link or not a
    /// regular file.
    pub fn acquire(dir: &Path, wait: Duration) -> Result<MirrorLock> {
        let path = dir.join(LOCK_FILE);
        let mut opts = fs::OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                .mode(0o644);
        }
        let file = opts.open(&path).map_err(|e| Error::io(&path, e))?;
        let is_file = file.metadata().map_err(|e| Error::io(&path, e))?.is_file();
        if !is_file {
            return Err(Error::InvalidInput(format!(
                "{}: not a regular file; the mirror cannot be locked",
                path.display()
            )));
        }
        let deadline = Instant::now() + wait;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(MirrorLock { _file: file }),
                Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(25));
                }
                Err(fs::TryLockError::WouldBlock) => return Err(Error::io(
                    dir,
                    std::io::Error::new(
                        std::io::ErrorKind::WouldBlock,
                        "the mirror is being written by another Papershelf; try again in a moment",
                    ),
                )),
                Err(fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
        }
    }
}

/// Opens (creating when missing) the folder `name` inside `dir`, refusing a link or a file.
fn real_subdir(dir: &Path, name: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    match fs::symlink_metadata(&path) {
        Ok(m) if m.is_dir() => Ok(path),
        Ok(m) => Err(Error::InvalidInput(format!(
            "{} is {}; the mirror writes only into a real folder there (move it away)",
            path.display(),
            if m.file_type().is_symlink() {
                "a symbolic link"
            } else {
                "not a folder"
            }
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir(&path).map_err(|e| Error::io(&path, e))?;
            Ok(path)
        }
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// What to do with one file of a write.
enum Plan {
    /// Already holds the new content.
    Keep,
    /// Write it; `old` is the record of the mirror's content there now, if any.
    Write { old: Option<Recorded> },
    /// Not the mirror's file: left alone, with why.
    LeaveAlone(String),
}

fn plan_for(dir: &Path, owned: &Owned, rel: &str, new: &[u8]) -> Result<Plan> {
    let path = dir.join(rel);
    let io = |e| Error::io(&path, e);
    Ok(match look(&path).map_err(io)? {
        OnDisk::Missing => Plan::Write { old: None },
        OnDisk::NotAFile(why) => Plan::LeaveAlone(format!("{}: {why}", path.display())),
        OnDisk::File(mut file, len) => {
            if same_content(&mut file, len, new).map_err(io)? {
                Plan::Keep
            } else if let Some(old) = owned_content(owned, rel, &mut file, len).map_err(io)? {
                Plan::Write { old: Some(old) }
            } else {
                Plan::LeaveAlone(format!(
                    "{}: not a file Papershelf wrote (or changed since)",
                    path.display()
                ))
            }
        }
    })
}

fn write_manifest(dir: &Path, files: &BTreeMap<String, Vec<Recorded>>) -> Result<()> {
    let m = Manifest {
        version: 2,
        notes: Vec::new(),
        files: files.clone(),
    };
    let mut text = serde_json::to_string(&m).unwrap_or_default();
    text.push('\n');
    write_atomic(&dir.join(MANIFEST_FILE), text.as_bytes())
}

/// Writes a mirror, holding its lock: every file atomically, then stale notes files removed,
/// then the manifest. A file that is there but is not one the mirror wrote (by the content
/// hashes its manifest recorded) is never written over or deleted: it is reported in
/// [`WriteReport::left_alone`]. Links and pipes are never followed or read, and every read is
/// bounded by the size the mirror expects.
pub fn write_files(dir: &Path, files: &MirrorFiles) -> Result<WriteReport> {
    write_files_waiting(dir, files, LOCK_WAIT)
}

/// [`write_files`], waiting at most `wait` for another writer of the same mirror.
pub fn write_files_waiting(dir: &Path, files: &MirrorFiles, wait: Duration) -> Result<WriteReport> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let _lock = MirrorLock::acquire(dir, wait)?;
    let notes_dir = real_subdir(dir, NOTES_DIR)?;
    remove_leftovers(dir);
    remove_leftovers(&notes_dir);
    let owned = read_manifest(dir);
    let mut wanted: Vec<(String, &[u8])> = Vec::with_capacity(files.notes.len() + 2);
    let mut seen = BTreeSet::new();
    for (name, text) in &files.notes {
        if !valid_note_name(name) {
            return Err(Error::InvalidInput(format!(
                "{name}: not a plain file name for the mirror's notes folder"
            )));
        }
        let rel = format!("{NOTES_DIR}/{name}");
        if seen.insert(rel.clone()) {
            wanted.push((rel, text.as_bytes()));
        }
    }
    wanted.push((BIB_FILE.into(), files.bib.as_bytes()));
    wanted.push((JSON_FILE.into(), files.json.as_bytes()));
    seen.insert(BIB_FILE.into());
    seen.insert(JSON_FILE.into());

    let mut report = WriteReport::default();
    // While writing: every content a file may hold at any moment, so a crash part-way leaves
    // each file recognised. After: only the new contents.
    let mut during: BTreeMap<String, Vec<Recorded>> = BTreeMap::new();
    let mut after: BTreeMap<String, Vec<Recorded>> = BTreeMap::new();
    let mut to_write: Vec<(&str, &[u8])> = Vec::new();
    for (rel, bytes) in &wanted {
        let new = recorded_of(bytes);
        match plan_for(dir, &owned, rel, bytes)? {
            Plan::Keep => {
                during.insert(rel.clone(), vec![new.clone()]);
                after.insert(rel.clone(), vec![new]);
            }
            Plan::Write { old } => {
                during.insert(rel.clone(), old.into_iter().chain([new.clone()]).collect());
                after.insert(rel.clone(), vec![new]);
                to_write.push((rel, bytes));
            }
            Plan::LeaveAlone(why) => report.left_alone.push(why),
        }
    }
    let mut stale: Vec<String> = Vec::new();
    for rel in owned.recorded.keys().chain(owned.legacy.iter()) {
        if seen.contains(rel) || !rel.starts_with("notes/") {
            continue;
        }
        let path = dir.join(rel);
        if let OnDisk::File(mut file, len) = look(&path).map_err(|e| Error::io(&path, e))? {
            match owned_content(&owned, rel, &mut file, len).map_err(|e| Error::io(&path, e))? {
                Some(now) => {
                    during.insert(rel.clone(), vec![now]);
                    stale.push(rel.clone());
                }
                None => {
                    tracing::info!(file = %rel, "a stale notes file was changed outside Papershelf; kept")
                }
            }
        }
    }
    if !to_write.is_empty() || !stale.is_empty() {
        write_manifest(dir, &during)?;
    }
    for (rel, bytes) in to_write {
        write_atomic(&dir.join(rel), bytes)?;
        report.written += 1;
    }
    for rel in &stale {
        let path = dir.join(rel);
        match fs::remove_file(&path) {
            Ok(()) => report.deleted += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    if owned.recorded != after || owned.legacy_manifest || report.written + report.deleted > 0 {
        write_manifest(dir, &after)?;
    }
    Ok(report)
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
    /// Starts the worker: `hook` tells it of changes; after one it waits until `debounce`
    /// passes without another, then calls `refresh` (which refreshes the mirror if it is
    /// enabled and dirty). The library's `MirrorWorker::start` wires it to a library.
    pub(crate) fn spawn(
        hook: &MirrorHook,
        refresh: impl Fn() + Send + 'static,
        debounce: Duration,
    ) -> MirrorWorker {
        let (tx, rx) = mpsc::channel();
        hook.set_notify(Some(tx.clone()));
        let handle = std::thread::Builder::new()
            .name("papershelf-mirror".into())
            .spawn(move || worker_loop(refresh, rx, debounce))
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

fn worker_loop(refresh: impl Fn(), rx: Receiver<Msg>, debounce: Duration) {
    loop {
        match rx.recv() {
            Ok(Msg::Changed) => {}
            Ok(Msg::Flush(done)) => {
                refresh();
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
                    refresh();
                    let _ = done.send(());
                    break;
                }
                Ok(Msg::Stop) => {
                    refresh();
                    return;
                }
                Err(RecvTimeoutError::Timeout) => {
                    refresh();
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
    fn a_stored_failure_reads_back_typed_and_old_plain_text_still_reads() {
        let state = MirrorState {
            last_error: Some(Failure {
                code: crate::ErrorCode::NotFound,
                message: "gone".into(),
            }),
            ..MirrorState::default()
        };
        let text = serde_json::to_string(&state).unwrap();
        assert_eq!(serde_json::from_str::<MirrorState>(&text).unwrap(), state);

        let old = r#"{"dir":"/m","seq":3,"lastWritten":null,"papers":2,"lastError":"disk full"}"#;
        let read: MirrorState = serde_json::from_str(old).unwrap();
        let failure = read.last_error.unwrap();
        assert_eq!(
            (failure.code, failure.message.as_str()),
            (crate::ErrorCode::Io, "disk full")
        );
        let none: MirrorState = serde_json::from_str(r#"{"seq":1}"#).unwrap();
        assert_eq!(none.last_error, None);
    }

    #[test]
    fn atomic_writes_replace_whole_files_and_leave_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_old_temporary_name_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        std::os::unix::fs::symlink(&victim, out.join(".a.txt.papershelf-tmp")).unwrap();
        write_atomic(&out.join("a.txt"), b"new").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
        let meta = fs::symlink_metadata(out.join("a.txt")).unwrap();
        assert!(meta.is_file());
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "new");
    }

    #[cfg(unix)]
    #[test]
    fn private_files_are_owner_only_and_others_follow_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.json");
        fs::write(&p, "{}").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&p, b"{\"k\": 1}").unwrap();
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let q = dir.path().join("library.bib");
        write_atomic(&q, b"x").unwrap();
        // As a plain `File::create` would make it (0666 less the umask).
        fs::File::create(dir.path().join("plain")).unwrap();
        let mode = |name: &str| {
            fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("library.bib"), mode("plain"));
    }

    #[test]
    fn a_writer_that_cannot_get_the_lock_says_so_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let held = MirrorLock::acquire(dir.path(), Duration::ZERO).unwrap();
        let files = MirrorFiles {
            bib: "b".into(),
            json: "[]".into(),
            notes: vec![],
        };
        let err = write_files_waiting(dir.path(), &files, Duration::from_millis(100)).unwrap_err();
        assert!(
            err.to_string()
                .contains("being written by another Papershelf"),
            "{err}"
        );
        assert!(!dir.path().join(BIB_FILE).exists());
        drop(held);
        write_files_waiting(dir.path(), &files, Duration::ZERO).unwrap();
        assert!(dir.path().join(BIB_FILE).exists());
    }

    #[test]
    fn manifest_names_are_plain() {
        for bad in [
            "../outside.txt",
            "/etc/passwd",
            "notes/../x",
            "notes/",
            "notes/.hidden",
            "notes/a/b.md",
            "notes/a\\b.md",
            "other.txt",
        ] {
            assert!(!valid_entry(bad), "{bad}");
        }
        for good in [
            "library.bib",
            "library.json",
            "notes/vaswani2017attention.md",
        ] {
            assert!(valid_entry(good), "{good}");
        }
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
