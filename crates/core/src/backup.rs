//! Rotating backups of the library database, restore, and the integrity check on open.
//!
//! Backups are taken with SQLite's online backup API (a consistent copy even while another
//! connection writes) into `<library>/backups/library-YYYYMMDDTHHMMSSZ.sqlite`:
//! - automatically, at most once a day after the library opens (after a `PRAGMA quick_check`
//!   of the live file passes), on a thread of its own so the first query need not wait for a
//!   copy of a large database (see [`DailyCheck`]), and before every schema migration;
//! - on demand with [`Library::backup`](crate::Library::backup).
//!
//! The newest `keep` backups are kept (default 7; `{"backups": {"keep": N}}` in the library's
//! `config.json`). [`Library::restore_backup`](crate::Library::restore_backup) verifies a backup's integrity before swapping it
//! in, keeps the replaced file as `library.sqlite.before-restore-<timestamp>`, and rebuilds the
//! search index.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use crate::db::DB_FILE;
use crate::error::{Error, Result};

/// The backups folder inside the library directory.
pub const BACKUP_DIR: &str = "backups";
/// Backups kept unless `config.json` says otherwise.
pub const DEFAULT_KEEP: usize = 7;
/// Automatic backups are at least this far apart.
const DAILY: Duration = Duration::from_secs(24 * 60 * 60);
const PREFIX: &str = "library-";
const SUFFIX: &str = ".sqlite";
pub(crate) const STAMP: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");

/// One backup file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BackupInfo {
    /// File name inside `backups/` (what `papershelf restore` takes).
    pub name: String,
    /// Full path.
    pub path: PathBuf,
    /// When it was taken, RFC 3339 UTC.
    pub taken_at: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Papers in it (`None` when it cannot be read).
    pub papers: Option<u64>,
    /// Always false: a backup is the database (papers, notes, tags, highlights), not the PDF
    /// files, which stay in the library's `pdfs/` folder under their hash.
    pub includes_pdfs: bool,
    /// PDF files the backup's papers link to (`None` when it cannot be read).
    pub pdfs: Option<u64>,
    /// How many of those are no longer in `pdfs/` (their papers would come back without
    /// them, the highlights kept); `None` when it cannot be read.
    pub pdfs_missing: Option<u64>,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    /// The backup restored.
    pub restored: BackupInfo,
    /// Where the replaced database was kept (`None` when there was none).
    pub previous_kept_as: Option<PathBuf>,
    /// Papers in the library now (the search index was rebuilt for them).
    pub papers: u64,
}

#[derive(Debug, Default, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    backups: BackupSettings,
}

/// The `backups` section of `config.json`.
#[derive(Debug, Default, Deserialize)]
struct BackupSettings {
    keep: Option<usize>,
}

/// How many backups to keep, from `config.json` (a bad file falls back to the default).
pub fn keep_setting(library_dir: &Path) -> usize {
    let path = library_dir.join(crate::sources::config::CONFIG_FILE);
    let Ok(text) = fs::read_to_string(&path) else {
        return DEFAULT_KEEP;
    };
    match serde_json::from_str::<ConfigFile>(&text) {
        Ok(c) => c.backups.keep.unwrap_or(DEFAULT_KEEP).max(1),
        Err(e) => {
            tracing::warn!(file = %path.display(), error = %e, "unreadable config; keeping {DEFAULT_KEEP} backups");
            DEFAULT_KEEP
        }
    }
}

/// Every backup in the library, newest first.
pub fn list(library_dir: &Path) -> Result<Vec<BackupInfo>> {
    let dir = library_dir.join(BACKUP_DIR);
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(Error::io(&dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(&dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(taken) = taken_at(&name) else {
            continue;
        };
        let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
        let (pdfs, pdfs_missing) = pdf_counts(&entry.path(), library_dir);
        out.push(BackupInfo {
            papers: paper_count(&entry.path()),
            includes_pdfs: false,
            pdfs,
            pdfs_missing,
            path: entry.path(),
            name,
            taken_at: taken
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            bytes,
        });
    }
    out.sort_by_key(|b| std::cmp::Reverse(order_key(&b.name)));
    Ok(out)
}

/// Sorts backups by time, then by the "-2", "-3"... of several taken within one second.
fn order_key(name: &str) -> (String, u32) {
    let stamp = name
        .strip_prefix(PREFIX)
        .and_then(|s| s.strip_suffix(SUFFIX))
        .unwrap_or(name);
    match stamp.split_once('-') {
        Some((time, n)) => (time.to_string(), n.parse().unwrap_or(0)),
        None => (stamp.to_string(), 1),
    }
}

/// The time in a backup's file name, or `None` for a file that is no backup.
fn taken_at(name: &str) -> Option<time::OffsetDateTime> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    // A second backup within the same second gets "-2", "-3"...
    let stamp = stamp.split('-').next()?;
    time::PrimitiveDateTime::parse(stamp, STAMP)
        .ok()
        .map(|t| t.assume_utc())
}

fn open_read_only(path: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

fn paper_count(path: &Path) -> Option<u64> {
    let conn = open_read_only(path).ok()?;
    crate::db::health::work_count(&conn).ok()
}

/// The PDFs a backup names, and how many of them the library folder no longer holds. A backup
/// from before PDFs existed names none.
fn pdf_counts(backup: &Path, library_dir: &Path) -> (Option<u64>, Option<u64>) {
    let Ok(conn) = open_read_only(backup) else {
        return (None, None);
    };
    if crate::db::health::work_count(&conn).is_err() {
        return (None, None);
    }
    let hashes = crate::db::pdfs::all_hashes(&conn).unwrap_or_default();
    let missing = hashes
        .iter()
        .filter(|sha| {
            !library_dir
                .join(crate::db::PDF_DIR)
                .join(format!("{sha}.pdf"))
                .is_file()
        })
        .count();
    (Some(hashes.len() as u64), Some(missing as u64))
}

/// Runs SQLite's full `integrity_check` on a database file; `Err` carries what it found.
pub fn verify(path: &Path) -> std::result::Result<(), String> {
    let conn = open_read_only(path).map_err(|e| e.to_string())?;
    let answer = crate::db::health::integrity_check(&conn).map_err(|e| e.to_string())?;
    if answer == "ok" {
        Ok(())
    } else {
        Err(answer)
    }
}

/// The newest backup that passes its integrity check.
pub fn newest_good(library_dir: &Path) -> Option<BackupInfo> {
    list(library_dir)
        .ok()?
        .into_iter()
        .find(|b| verify(&b.path).is_ok())
}

/// Copies the database `conn` has open into a new backup and drops the oldest beyond `keep`.
pub fn take(conn: &Connection, library_dir: &Path, keep: usize) -> Result<BackupInfo> {
    // One at a time in a process (the daily one and `papershelf backup` can meet): each picks
    // its name from the ones already there.
    static TAKING: Mutex<()> = Mutex::new(());
    let _one_at_a_time = TAKING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = library_dir.join(BACKUP_DIR);
    fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let now = time::OffsetDateTime::now_utc();
    let stamp = now.format(STAMP).unwrap_or_default();
    // Several within one second: "-2", "-3"... after the highest already there.
    let taken = list(library_dir)?
        .iter()
        .map(|b| order_key(&b.name))
        .filter(|(t, _)| *t == stamp)
        .map(|(_, n)| n)
        .max();
    let name = match taken {
        None => format!("{PREFIX}{stamp}{SUFFIX}"),
        Some(n) => format!("{PREFIX}{stamp}-{}{SUFFIX}", n + 1),
    };
    let path = dir.join(&name);
    remove_stale_partials(&dir);
    // Written under a temporary name and renamed, so a crash never leaves a half backup
    // that looks like a real one.
    // The process id keeps two processes backing up in the same second off each other's file.
    let partial = dir.join(format!("{name}.{}.partial", std::process::id()));
    let _ = fs::remove_file(&partial);
    {
        let mut dst = Connection::open(&partial)?;
        copy_all(conn, &mut dst)?;
        // The copy inherits WAL mode; a backup is a single self-contained file instead, so
        // reading it (listing, verifying) leaves no -wal/-shm files beside it.
        dst.pragma_update(None, "journal_mode", "DELETE")?;
    }
    fs::File::open(&partial)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(&partial, e))?;
    fs::rename(&partial, &path).map_err(|e| Error::io(&path, e))?;
    let (pdfs, pdfs_missing) = pdf_counts(&path, library_dir);
    let info = BackupInfo {
        papers: paper_count(&path),
        includes_pdfs: false,
        pdfs,
        pdfs_missing,
        bytes: fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
        taken_at: now
            .replace_nanosecond(0)
            .unwrap_or(now)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        name,
        path,
    };
    for old in list(library_dir)?.into_iter().skip(keep.max(1)) {
        if let Err(e) = fs::remove_file(&old.path) {
            tracing::warn!(file = %old.path.display(), error = %e, "could not remove an old backup");
        }
    }
    tracing::info!(backup = %info.name, bytes = info.bytes, "library backed up");
    Ok(info)
}

/// Copies every page in one step: one read transaction sees one snapshot, where a copy in
/// chunks would start over each time another connection (the app's own) wrote in between.
fn copy_all(src: &Connection, dst: &mut Connection) -> Result<()> {
    use rusqlite::backup::{Backup, StepResult};
    let backup = Backup::new(src, dst)?;
    let mut waits = 0;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            // A writer holds a lock the copy needs for a moment (rare in WAL mode).
            StepResult::Busy | StepResult::Locked if waits < 200 => {
                waits += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
            _ => return Err(Error::Busy),
        }
    }
}

/// Removes `.partial` files a killed backup left (an hour old: not one being written now).
fn remove_stale_partials(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let stale = entry.file_name().to_string_lossy().ends_with(".partial")
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > Duration::from_secs(3600));
        if stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Before the database is opened: a backup when the file's schema is older than this build's
/// (a migration is about to run). A file that is no database is reported as [`Error::Corrupt`].
pub(crate) fn before_migration(library_dir: &Path) -> Result<()> {
    let path = library_dir.join(DB_FILE);
    if !path.exists() {
        return Ok(());
    }
    let conn = Connection::open(&path)?;
    conn.busy_timeout(crate::db::busy_timeout())?;
    let version: u32 = match conn.pragma_query_value(None, "user_version", |r| r.get(0)) {
        Ok(v) => v,
        Err(e) => return Err(explain_open_error(library_dir, e.into())),
    };
    if version > 0 && version < crate::db::migrate::LATEST_VERSION {
        tracing::info!(
            from = version,
            to = crate::db::migrate::LATEST_VERSION,
            "backing up before migrating"
        );
        take(&conn, library_dir, keep_setting(library_dir))?;
    }
    Ok(())
}

/// Turns "file is not a database" and "database disk image is malformed" into
/// [`Error::Corrupt`] naming the newest good backup.
pub(crate) fn explain_open_error(library_dir: &Path, e: Error) -> Error {
    match &e {
        Error::Db(db)
            if matches!(
                db.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
            ) =>
        {
            Error::Corrupt {
                reason: db.to_string(),
                newest_backup: newest_good(library_dir).map(|b| b.name),
            }
        }
        _ => e,
    }
}

/// True when the daily check and backup are due: no backup in the last day, and papers to
/// keep (a library with none is neither checked nor backed up). Cheap: a directory listing and
/// one indexed lookup.
pub(crate) fn daily_due(conn: &Connection, library_dir: &Path) -> Result<bool> {
    let newest = list(library_dir)?.first().and_then(|b| taken_at(&b.name));
    let now = time::OffsetDateTime::now_utc();
    if newest.is_some_and(|t| now - t < DAILY && t <= now) {
        return Ok(false);
    }
    Ok(crate::db::health::has_works(conn)?)
}

/// The daily `PRAGMA quick_check` and backup, on a thread of their own with their own
/// connection: at a million papers they read and copy gigabytes, and the library answers
/// meanwhile. Damage found marks the library so every later write is refused with
/// [`Error::Corrupt`] (nothing more is written onto a damaged file), and no backup is taken
/// (a damaged copy must not rotate a good one out).
pub(crate) struct DailyCheck {
    running: Mutex<Option<JoinHandle<Result<BackupInfo>>>>,
    damage: Arc<OnceLock<(String, Option<String>)>>,
}

impl DailyCheck {
    /// Nothing to do (not due, or a library opened read-only by tests).
    pub(crate) fn idle() -> DailyCheck {
        DailyCheck {
            running: Mutex::new(None),
            damage: Arc::default(),
        }
    }

    /// Starts the check and backup of the database in `library_dir`.
    pub(crate) fn start(library_dir: &Path) -> DailyCheck {
        let check = DailyCheck::idle();
        let dir = library_dir.to_path_buf();
        let damage = Arc::clone(&check.damage);
        let spawned = std::thread::Builder::new()
            .name("papershelf-daily-backup".into())
            .spawn(move || {
                tracing::info!("the day's integrity check and backup started");
                let conn = Connection::open(dir.join(DB_FILE))?;
                conn.busy_timeout(crate::db::busy_timeout())?;
                match quick_check(&conn, &dir) {
                    Err(Error::Corrupt {
                        reason,
                        newest_backup,
                    }) => {
                        tracing::error!(%reason, "the library database is damaged");
                        let _ = damage.set((reason.clone(), newest_backup.clone()));
                        return Err(Error::Corrupt {
                            reason,
                            newest_backup,
                        });
                    }
                    other => other?,
                }
                take(&conn, &dir, keep_setting(&dir))
            });
        match spawned {
            Ok(handle) => *check.running.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle),
            Err(e) => tracing::warn!(error = %e, "could not start the daily backup"),
        }
        check
    }

    /// [`Error::Corrupt`] once the check found damage.
    pub(crate) fn refuse_if_damaged(&self) -> Result<()> {
        match self.damage.get() {
            Some((reason, newest_backup)) => Err(Error::Corrupt {
                reason: reason.clone(),
                newest_backup: newest_backup.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Waits for a running check; the backup it took, `None` when none ran (or it was waited
    /// for already), or what went wrong.
    pub(crate) fn wait(&self) -> Result<Option<BackupInfo>> {
        let handle = self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let outcome = match handle {
            None => Ok(None),
            Some(h) => match h.join() {
                Ok(result) => result.map(Some),
                Err(_) => {
                    tracing::error!("the daily backup thread panicked; no backup today");
                    Ok(None)
                }
            },
        };
        self.refuse_if_damaged()?;
        outcome
    }
}

impl Drop for DailyCheck {
    /// A short-lived process (a CLI command) finishes the day's backup before it exits.
    fn drop(&mut self) {
        let running = self.running.get_mut().unwrap_or_else(|e| e.into_inner());
        if running.as_ref().is_some_and(|h| !h.is_finished()) {
            tracing::info!("finishing the daily backup");
        }
        if let Err(e) = self.wait() {
            tracing::warn!(error = %e, "the daily backup did not complete");
        }
    }
}

/// `PRAGMA quick_check` of the open database; [`Error::Corrupt`] when it finds damage.
pub(crate) fn quick_check(conn: &Connection, library_dir: &Path) -> Result<()> {
    let answer = crate::db::health::quick_check(conn);
    let reason = match answer {
        Ok(a) if a == "ok" => return Ok(()),
        Ok(a) => a,
        Err(e) => match explain_open_error(library_dir, e.into()) {
            Error::Corrupt { reason, .. } => reason,
            other => return Err(other),
        },
    };
    Err(Error::Corrupt {
        reason,
        newest_backup: newest_good(library_dir).map(|b| b.name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_names_carry_their_time() {
        let t = taken_at("library-20261123T151000Z.sqlite").unwrap();
        assert_eq!((t.year(), t.hour(), t.minute()), (2026, 15, 10));
        assert!(taken_at("library-20261123T151000Z-2.sqlite").is_some());
        assert!(taken_at("library-20261123T151000Z.sqlite.partial").is_none());
        assert!(taken_at("notes.txt").is_none());
    }

    #[test]
    fn keep_comes_from_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(keep_setting(dir.path()), DEFAULT_KEEP);
        fs::write(
            dir.path().join("config.json"),
            r#"{"backups": {"keep": 3}}"#,
        )
        .unwrap();
        assert_eq!(keep_setting(dir.path()), 3);
        fs::write(dir.path().join("config.json"), "{not json").unwrap();
        assert_eq!(keep_setting(dir.path()), DEFAULT_KEEP);
    }

    /// A database whose first pages read fine (so it opens) and whose later pages are damaged.
    fn damaged_later_pages(dir: &Path) {
        let path = dir.join(DB_FILE);
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE works (x);
                 INSERT INTO works VALUES (1);
                 CREATE TABLE pages (body TEXT);",
            )
            .unwrap();
            for i in 0..400 {
                conn.execute("INSERT INTO pages VALUES (?1)", [format!("{i:0>2000}")])
                    .unwrap();
            }
        }
        let mut bytes = fs::read(&path).unwrap();
        let half = bytes.len() / 2;
        for b in &mut bytes[half..half + 3 * 4096] {
            *b = 0xA5;
        }
        fs::write(&path, bytes).unwrap();
    }

    #[test]
    fn damage_found_by_the_daily_check_refuses_writes_and_takes_no_backup() {
        let dir = tempfile::tempdir().unwrap();
        damaged_later_pages(dir.path());
        let check = DailyCheck::start(dir.path());
        let err = check.wait().unwrap_err();
        assert!(matches!(err, Error::Corrupt { .. }), "{err:?}");
        assert!(matches!(
            check.refuse_if_damaged(),
            Err(Error::Corrupt { .. })
        ));
        assert!(
            list(dir.path()).unwrap().is_empty(),
            "a damaged copy was kept"
        );
    }

    #[test]
    fn a_sound_database_gets_its_backup_and_writes_go_on() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
        conn.execute_batch("CREATE TABLE works (x); INSERT INTO works VALUES (1);")
            .unwrap();
        assert!(daily_due(&conn, dir.path()).unwrap());
        let check = DailyCheck::start(dir.path());
        let taken = check.wait().unwrap().expect("a backup");
        assert_eq!(taken.papers, Some(1));
        check.refuse_if_damaged().unwrap();
        assert_eq!(check.wait().unwrap(), None, "waited for once");
        assert!(!daily_due(&conn, dir.path()).unwrap(), "one a day");
    }
}
