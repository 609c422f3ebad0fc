//! The index folder belongs to nianbao alone: its marker, what state it is in, and the only
//! code that deletes anything in it (files tantivy or nianbao list, never a directory).
//!
//! A folder is nianbao's when it holds the marker file ([`MARKER`]), written before anything
//! else when the index is created. A non-empty folder without it is refused, whatever it holds
//! (another program's index, a project folder named by mistake in `--index`): nianbao never
//! writes into it and never deletes from it. The marker also records whether the index was
//! ever completely built: until its first commit succeeds, the index is treated as missing.

use super::schema::{FORMAT_VERSION, VERSION_FILE};
use super::IndexError;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// The marker: the format file, created first, so that a folder is known as nianbao's before
/// tantivy writes into it.
pub const MARKER: &str = VERSION_FILE;

/// Files nianbao itself writes in its index folder (besides the marker); `.tmp` is the
/// temporary name [`write_atomic`] uses.
pub(crate) const OWN_FILES: [&str; 5] = [
    VERSION_FILE,
    "nianbao-verified.json",
    "nianbao-mtimes.json",
    "nianbao-failed.json",
    "nianbao-options.json",
];

/// tantivy's own bookkeeping files in an index folder.
const TANTIVY_FILES: [&str; 4] = [
    "meta.json",
    ".managed.json",
    ".tantivy-meta.lock",
    ".tantivy-writer.lock",
];

/// What the index folder holds.
#[derive(Debug, PartialEq, Eq)]
pub enum State {
    /// No folder, or an empty one: an index may be created there.
    Missing,
    /// Not empty and without the marker: not nianbao's, never touched.
    Foreign,
    /// nianbao's; `complete` once the first build has committed; `format` as recorded
    /// (`None`: the marker is unreadable).
    Ours { format: Option<u32>, complete: bool },
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Marker {
    format: u32,
    /// Absent in markers written before completeness was recorded: such an index is brought
    /// up to date (and its completeness recorded) by the next build.
    #[serde(default)]
    complete: bool,
}

pub fn state(dir: &Path) -> Result<State, IndexError> {
    let marker = dir.join(MARKER);
    match std::fs::symlink_metadata(&marker) {
        Ok(_) => {
            let m: Option<Marker> = std::fs::read(&marker)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok());
            Ok(State::Ours {
                format: m.as_ref().map(|m| m.format),
                complete: m.is_some_and(|m| m.complete),
            })
        }
        Err(_) => match std::fs::read_dir(dir) {
            Ok(mut entries) => Ok(if entries.next().is_none() {
                State::Missing
            } else {
                State::Foreign
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(State::Missing),
            Err(source) => Err(IndexError::Io {
                path: dir.to_path_buf(),
                source,
            }),
        },
    }
}

/// The error for a folder that is not nianbao's.
pub fn foreign(dir: &Path) -> IndexError {
    IndexError::NotNianbao(dir.to_path_buf())
}

/// Writes the marker: before the index is created (`complete: false`), and once its first
/// commit has succeeded (`complete: true`).
pub fn write_marker(dir: &Path, complete: bool) -> io::Result<()> {
    let m = Marker {
        format: FORMAT_VERSION,
        complete,
    };
    let mut b = serde_json::to_vec(&m).map_err(io::Error::other)?;
    b.push(b'\n');
    write_atomic(&dir.join(MARKER), &b)
}

/// Writes through a temporary file beside `path` and a rename, so a reader sees the old or the
/// new content, never half of it. The temporary file is removed if the write fails (a full
/// disk leaves nothing behind).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Whether `name` is a temporary file of tantivy's atomic writes (the `tempfile` crate's
/// default: `.tmp` and six letters or digits), left behind by a crash.
fn is_tantivy_temp(name: &str) -> bool {
    name.len() == 10
        && name.starts_with(".tmp")
        && name[4..].bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether `name` is a segment file as tantivy names them: 32 hex digits, a dot, a known
/// component (`.del` files carry an opstamp: `<uuid>.<opstamp>.del`).
fn is_segment_file(name: &str) -> bool {
    const EXT: [&str; 8] = [
        "idx",
        "pos",
        "term",
        "store",
        "fast",
        "fieldnorm",
        "del",
        "temp",
    ];
    let Some((uuid, rest)) = name.split_once('.') else {
        return false;
    };
    uuid.len() == 32
        && uuid.bytes().all(|b| b.is_ascii_hexdigit())
        && rest
            .split('.')
            .next_back()
            .is_some_and(|x| EXT.contains(&x))
        && rest.split('.').all(|p| !p.is_empty() && p.len() <= 20)
}

/// The files of the index folder that tantivy or nianbao list as theirs: tantivy's managed
/// files (from `.managed.json`, or, when it is unreadable, files named exactly as tantivy
/// names segments), its bookkeeping and temporary files, and nianbao's own files. Only
/// plain files directly in the folder: never a directory, never anything through a link.
pub fn owned_files(dir: &Path) -> Vec<PathBuf> {
    let managed: Option<Vec<PathBuf>> = std::fs::read(dir.join(".managed.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let mut names: Vec<String> = TANTIVY_FILES.iter().map(|s| s.to_string()).collect();
    for own in OWN_FILES {
        names.push(own.to_string());
        names.push(Path::new(own).with_extension("tmp").display().to_string());
    }
    if let Some(m) = &managed {
        // Only bare file names: a listed path that goes elsewhere is not tantivy's to delete.
        names.extend(
            m.iter()
                .filter(|p| p.components().count() == 1)
                .filter_map(|p| p.to_str().map(str::to_string)),
        );
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let listed = names.iter().any(|n| n == name)
            || is_tantivy_temp(name)
            || (managed.is_none() && is_segment_file(name));
        // file_type() does not follow links: a link named like a segment is left alone.
        if listed && e.file_type().is_ok_and(|t| t.is_file()) {
            out.push(e.path());
        }
    }
    out.sort();
    out
}

/// Empties nianbao's index folder of the files [`owned_files`] lists, holding tantivy's writer
/// lock so that a running indexer is not pulled from under. Refuses a folder that is not
/// nianbao's.
pub fn wipe(dir: &Path) -> Result<(), IndexError> {
    if !matches!(state(dir)?, State::Ours { .. }) {
        return Err(foreign(dir));
    }
    let mdir = MmapDirectory::open(dir).map_err(|e| IndexError::Tantivy(e.to_string()))?;
    let guard = match mdir.acquire_lock(&tantivy::directory::INDEX_WRITER_LOCK) {
        Ok(g) => g,
        Err(LockError::LockBusy) => return Err(IndexError::Locked(dir.to_path_buf())),
        Err(e) => return Err(IndexError::Tantivy(e.to_string())),
    };
    for p in owned_files(dir) {
        // The marker stays (the folder stays nianbao's); the lock is released by the guard.
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name == MARKER || name == ".tantivy-writer.lock" {
            continue;
        }
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => return Err(IndexError::Io { path: p, source }),
        }
    }
    drop(guard);
    Ok(())
}

/// The tantivy directory for reading the index: the folder itself, except that a folder nianbao
/// may not write to (a read-only mount, a copy without write permission) is read without
/// tantivy's reader lock file, which it cannot create there. Nobody can delete files from such
/// a folder, so the lock has nothing to protect.
pub fn read_directory(dir: &Path) -> Result<Box<dyn Directory>, IndexError> {
    read_directory_as(dir, !writable(dir))
}

fn read_directory_as(dir: &Path, read_only: bool) -> Result<Box<dyn Directory>, IndexError> {
    let mdir = MmapDirectory::open(dir).map_err(|e| IndexError::Tantivy(e.to_string()))?;
    if !read_only {
        Ok(Box::new(mdir))
    } else {
        Ok(Box::new(ReadOnly(mdir)))
    }
}

/// The environment variable that makes nianbao take every index folder as read-only: for the
/// tests, which run as root in some environments, where a folder's permissions do not stop a
/// write. It only ever stops writes.
pub const READ_ONLY_ENV: &str = "NIANBAO_TEST_READ_ONLY_INDEX";

/// Whether a file can be created in `dir` (tried, then removed).
pub(crate) fn writable(dir: &Path) -> bool {
    if std::env::var_os(READ_ONLY_ENV).is_some() {
        return false;
    }
    let probe = dir.join(".nianbao-probe.tmp");
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            true
        }
        // Left by a run killed between these two lines: still writable.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let _ = std::fs::remove_file(&probe);
            true
        }
        Err(_) => false,
    }
}

/// A folder read only: every write fails, and locks are granted without a lock file.
#[derive(Clone, Debug)]
struct ReadOnly(MmapDirectory);

fn read_only_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        "the index folder is read-only",
    )
}

impl Directory for ReadOnly {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(read_only_error()),
            filepath: path.to_path_buf(),
        })
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: Arc::new(read_only_error()),
            filepath: path.to_path_buf(),
        })
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, _path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(read_only_error())
    }
    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }
    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }
    fn watch(&self, cb: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(cb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_and_temp_names_are_recognised_strictly() {
        assert!(is_segment_file("0123456789abcdef0123456789abcdef.idx"));
        assert!(is_segment_file("0123456789abcdef0123456789abcdef.12.del"));
        assert!(!is_segment_file("report.idx"));
        assert!(!is_segment_file("photos.store"));
        assert!(!is_segment_file("0123456789abcdef0123456789abcdef.jpg"));
        assert!(is_tantivy_temp(".tmpAb12Cd"));
        assert!(!is_tantivy_temp("report.tmp"));
        assert!(!is_tantivy_temp(".tmp"));
    }

    #[test]
    fn a_read_only_folder_is_searched_without_writing_a_lock_file() {
        use tantivy::collector::Count;
        let (_t, index) = crate::index::testing::sample_index();
        let dir = index.dir().to_path_buf();
        drop(index);
        let lock = dir.join(".tantivy-meta.lock");
        let _ = std::fs::remove_file(&lock);
        let before: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        let ro = tantivy::Index::open(read_directory_as(&dir, true).unwrap()).unwrap();
        crate::index::schema::register(&ro);
        let n = ro
            .reader()
            .unwrap()
            .searcher()
            .search(&tantivy::query::AllQuery, &Count)
            .unwrap();
        assert_eq!(n, 40);
        let after: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        // Nothing new: a file that vanished meanwhile (tantivy collecting a merged segment's
        // old files after the build) is not a write, and made this test fail under load.
        let new: Vec<_> = after.iter().filter(|p| !before.contains(p)).collect();
        assert!(new.is_empty(), "a file was written: {new:?}");
    }

    #[test]
    fn an_empty_or_missing_folder_is_missing_and_a_full_one_foreign() {
        let t = tempfile::tempdir().unwrap();
        assert_eq!(state(&t.path().join("none")).unwrap(), State::Missing);
        assert_eq!(state(t.path()).unwrap(), State::Missing);
        std::fs::write(t.path().join("meta.json"), "{}").unwrap();
        assert_eq!(state(t.path()).unwrap(), State::Foreign);
        assert!(wipe(t.path()).is_err());
        assert!(t.path().join("meta.json").exists());
        write_marker(t.path(), false).unwrap();
        assert_eq!(
            state(t.path()).unwrap(),
            State::Ours {
                format: Some(FORMAT_VERSION),
                complete: false
            }
        );
    }
}
