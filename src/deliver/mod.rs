//! Stage 8: put the rendered files where readers get them. Every file is written atomically
//! (a temporary file in the same folder, flushed, then renamed over the old one), so a crash
//! or a full disk never leaves a half-written newsletter or feed behind.

pub mod eml;
pub mod ics;
pub mod smtp;
pub mod subscribers;

use std::io::Write;
use std::path::{Path, PathBuf};

/// A file could not be written; the previous version, if any, is untouched.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct DeliverError {
    /// The file that was being written.
    pub path: PathBuf,
    /// Why.
    pub source: std::io::Error,
}

/// One rendered output, relative to the output folder.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Path under the output folder, e.g. `2015-W44/index.html`.
    pub path: PathBuf,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Writes `bytes` to `path` atomically, creating parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), DeliverError> {
    stage_at(path, bytes)?.persist().map(drop)
}

/// A file written in full and flushed under a temporary name beside its target, waiting for
/// [`Staged::persist`] to rename it into place; dropped unpersisted, it is removed.
pub struct Staged {
    path: PathBuf,
    tmp: tempfile::NamedTempFile,
}

impl Staged {
    /// Renames the file over its target; returns the target's path.
    pub fn persist(self) -> Result<PathBuf, DeliverError> {
        let Staged { path, tmp } = self;
        match tmp.persist(&path) {
            Ok(_) => Ok(path),
            Err(e) => Err(DeliverError { path, source: e.error }),
        }
    }
}

/// Writes `bytes` beside `path` under a temporary name (creating parent folders) and flushes
/// them to disk.
fn stage_at(path: &Path, bytes: &[u8]) -> Result<Staged, DeliverError> {
    let err = |source| DeliverError { path: path.to_path_buf(), source };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(err)?;
    let mut tmp = tempfile::Builder::new().prefix(".digest-").suffix(".tmp").tempfile_in(dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    // Temporary files are created private (0600); outputs are meant to be published, so they
    // keep the mode of the file they replace, or get the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map(|m| m.permissions().mode() & 0o7777).unwrap_or(0o644);
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(mode)).map_err(err)?;
    }
    tmp.as_file().sync_all().map_err(err)?;
    Ok(Staged { path: path.to_path_buf(), tmp })
}

/// Stages output files as they are made, so that writing and flushing them overlaps the
/// making of the next ones; nothing replaces a published file before [`Staged::persist`].
///
/// Temporary files that an earlier, killed run left in a folder are removed before the first
/// file is staged there: the caller holds the state lock, so no other run can be writing them.
pub struct Stager {
    out_dir: PathBuf,
    cleaned: std::collections::BTreeSet<PathBuf>,
}

impl Stager {
    /// A stager writing under `out_dir`.
    pub fn new(out_dir: &Path) -> Stager {
        Stager { out_dir: out_dir.to_path_buf(), cleaned: Default::default() }
    }

    /// Writes and flushes `file` beside its target under `out_dir`.
    pub fn stage(&mut self, file: &OutputFile) -> Result<Staged, DeliverError> {
        let path = self.out_dir.join(&file.path);
        if let Some(dir) = path.parent()
            && !self.cleaned.contains(dir)
        {
            remove_stale_temp_files(dir);
            self.cleaned.insert(dir.to_path_buf());
        }
        stage_at(&path, &file.bytes)
    }
}

/// Writes every file under `out_dir`, each atomically; returns the paths written. Every file
/// is written and flushed before the first one replaces its target.
///
/// Temporary files that an earlier, killed run left in the folders written to are removed
/// first: the caller holds the state lock, so no other run can be writing them.
pub fn publish(out_dir: &Path, files: &[OutputFile]) -> Result<Vec<PathBuf>, DeliverError> {
    let mut stager = Stager::new(out_dir);
    let staged = files.iter().map(|f| stager.stage(f)).collect::<Result<Vec<_>, _>>()?;
    staged.into_iter().map(Staged::persist).collect()
}

/// Removes the `.digest-*.tmp` files of [`write_atomic`] that a killed run left in `dir`;
/// best effort, since a leftover only costs disk space.
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".digest-")
            && name.ends_with(".tmp")
            && let Err(e) = std::fs::remove_file(entry.path())
        {
            tracing::warn!("cannot remove the stale temporary file {}: {e}", entry.path().display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_files_atomically_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let files = [OutputFile { path: "2015-W44/index.html".into(), bytes: b"one".to_vec() }];
        publish(dir.path(), &files).unwrap();
        write_atomic(&dir.path().join("2015-W44/index.html"), b"two").unwrap();
        assert_eq!(std::fs::read(dir.path().join("2015-W44/index.html")).unwrap(), b"two");
        let names: Vec<_> =
            std::fs::read_dir(dir.path().join("2015-W44")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec!["index.html"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("2015-W44/index.html")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644, "published files are readable by the web server");
        }
    }

    #[test]
    fn publishing_removes_temporary_files_a_killed_run_left() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("2015-W44")).unwrap();
        std::fs::write(dir.path().join("2015-W44/.digest-AbC123.tmp"), b"half").unwrap();
        std::fs::write(dir.path().join(".digest-XyZ789.tmp"), b"half").unwrap();
        std::fs::write(dir.path().join("keep.tmp"), b"not ours").unwrap();
        let files = [
            OutputFile { path: "2015-W44/index.html".into(), bytes: b"one".to_vec() },
            OutputFile { path: "index.html".into(), bytes: b"archive".to_vec() },
        ];
        publish(dir.path(), &files).unwrap();
        let names = |d: &Path| {
            let mut v: Vec<_> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name()).collect();
            v.sort();
            v
        };
        assert_eq!(names(&dir.path().join("2015-W44")), vec!["index.html"]);
        assert_eq!(names(dir.path()), vec!["2015-W44", "index.html", "keep.tmp"]);
    }

    #[test]
    fn unwritable_target_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("blocker"), b"x").unwrap();
        let err = write_atomic(&dir.path().join("blocker/index.html"), b"x").unwrap_err();
        assert!(err.to_string().contains("blocker"), "{err}");
    }
}
