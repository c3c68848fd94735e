//! The library's side of backups: taking one now, listing them, waiting for the day's check,
//! and restoring one. The copying, rotation and integrity checks are [`crate::backup`]'s.

use std::fs;
use std::path::{Path, PathBuf};

use crate::backup::{
    keep_setting, list, newest_good, take, verify, BackupInfo, RestoreReport, STAMP,
};
use crate::db::DB_FILE;
use crate::error::{Error, Result};
use crate::library::Library;

impl Library {
    /// Waits for the daily integrity check and backup that opening the library started (when
    /// one was due), and returns the backup it took. [`Error::Corrupt`] when the check found
    /// the database damaged; from then on every write is refused the same way.
    pub fn wait_for_daily_backup(&self) -> Result<Option<BackupInfo>> {
        self.daily_check().wait()
    }

    /// Takes a backup of the library now (SQLite's online backup API; other processes may keep
    /// writing meanwhile) and rotates old ones.
    pub fn backup(&self) -> Result<BackupInfo> {
        take(&self.conn(), self.dir(), keep_setting(self.dir()))
    }

    /// The library's backups, newest first.
    pub fn backups(&self) -> Result<Vec<BackupInfo>> {
        list(self.dir())
    }

    /// Lists the backups of the library in `dir` without opening it (it may be damaged).
    pub fn backups_in(dir: &Path) -> Result<Vec<BackupInfo>> {
        list(dir)
    }

    /// Replaces the library database in `dir` by a backup (`name` as listed, or the newest one
    /// that passes its integrity check), keeping the replaced file beside it as
    /// `library.sqlite.before-restore-<timestamp>`, then rebuilds the search index.
    ///
    /// Call it with no `Library` open on `dir`; the library must not be in use elsewhere.
    pub fn restore_backup(dir: &Path, name: Option<&str>) -> Result<RestoreReport> {
        let backups = list(dir)?;
        let chosen = match name {
            Some(n) => {
                let n = Path::new(n)
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default();
                backups
                    .into_iter()
                    .find(|b| b.name == n)
                    .ok_or(Error::BackupNotFound(n))?
            }
            None => newest_good(dir).ok_or_else(|| {
                Error::InvalidInput(
                    "no good backup to restore (`papershelf backups` lists them)".into(),
                )
            })?,
        };
        if let Err(why) = verify(&chosen.path) {
            return Err(Error::InvalidInput(format!(
                "backup {} fails its integrity check ({why}); pick another with `papershelf backups`",
                chosen.name
            )));
        }
        let stamp = time::OffsetDateTime::now_utc()
            .format(STAMP)
            .unwrap_or_default();
        let live = dir.join(DB_FILE);
        let kept = dir.join(format!("{DB_FILE}.before-restore-{stamp}"));
        let previous_kept_as = if live.exists() {
            fs::rename(&live, &kept).map_err(|e| Error::io(&live, e))?;
            // The write-ahead log belongs to the replaced file: keep it with it.
            for side in ["-wal", "-shm"] {
                let from = dir.join(format!("{DB_FILE}{side}"));
                if from.exists() {
                    let to = PathBuf::from(format!("{}{side}", kept.display()));
                    fs::rename(&from, &to).map_err(|e| Error::io(&from, e))?;
                }
            }
            Some(kept)
        } else {
            None
        };
        let incoming = dir.join(format!("{DB_FILE}.restoring"));
        fs::copy(&chosen.path, &incoming).map_err(|e| Error::io(&chosen.path, e))?;
        fs::File::open(&incoming)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(&incoming, e))?;
        fs::rename(&incoming, &live).map_err(|e| Error::io(&live, e))?;
        // The index describes the replaced database: rebuild it from the restored one.
        let index = dir.join(crate::index::INDEX_DIR);
        if index.exists() {
            fs::remove_dir_all(&index).map_err(|e| Error::io(&index, e))?;
        }
        let lib = Library::open(dir)?;
        let papers = lib.stats()?.papers;
        tracing::info!(backup = %chosen.name, papers, "backup restored");
        Ok(RestoreReport {
            restored: chosen,
            previous_kept_as,
            papers,
        })
    }
}
