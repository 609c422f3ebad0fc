//! The corpus as the last build saw it, beside the index: every folder it read (with its inode,
//! modification and change times) and every report file in it (size, modification time, indexed
//! or failed). A freshness check compares the corpus with this record in one read, without
//! opening tantivy's columns, without reading a folder that did not change and without building
//! a path or key per file: one `stat` per folder and per file, on many threads at once.
//!
//! Why a folder's times may stand for its listing: adding, removing or renaming an entry
//! changes the folder's modification time, and anything that changes it (or its permissions)
//! changes its change time, which no program can set back. A folder changed within the clock's
//! resolution of the moment the build read it could keep its times ("racy", as git calls it):
//! such a folder is recorded without times and read again by every check until a later build
//! records it. A file's content is judged by its size and modification time, as every check
//! of nianbao does.
//!
//! The record names the index commit it describes (its segments and their deletes): against
//! any other commit it is not used, and the check walks the corpus instead.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The record's file in the index folder.
pub(crate) const STAMPS_FILE: &str = "nianbao-stamps.bin";
const MAGIC: &[u8; 8] = b"NBSTAMP1";
/// A folder changed less than this before the build's walk began is recorded as racy.
const RACY: Duration = Duration::from_secs(2);

/// What identifies a folder's listing: the same inode with the same times has the same entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DirStamp {
    ino: u64,
    mtime: i64,
    ctime: i64,
}

#[cfg(unix)]
fn dir_stamp(m: &std::fs::Metadata) -> DirStamp {
    use std::os::unix::fs::MetadataExt;
    DirStamp {
        ino: m.ino(),
        mtime: m.mtime() * 1_000_000_000 + m.mtime_nsec(),
        ctime: m.ctime() * 1_000_000_000 + m.ctime_nsec(),
    }
}

/// The identity of the index commit a searcher sees: its segments and their deletes.
pub(crate) fn view_of<'a>(segments: impl Iterator<Item = (String, Option<u64>)> + 'a) -> [u8; 32] {
    let mut v: Vec<String> = segments
        .map(|(id, del)| format!("{id}:{}", del.map_or(-1, |d| d as i128)))
        .collect();
    v.sort();
    *blake3::hash(v.join("\n").as_bytes()).as_bytes()
}

/// How a build left one report file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileState {
    /// In the index with this size and modification time (ns).
    Indexed(u64, i64),
    /// Could not be indexed; known by this size and time until it changes.
    Failed(u64, i64),
    /// Neither (it vanished while the build read it): its folder is read again by every check.
    Unknown,
}

/// What a build's walk saw, for [`write`].
pub(crate) struct Seen<'a> {
    /// When the walk began.
    pub(crate) start: SystemTime,
    /// The folders it entered, the corpus folder first.
    pub(crate) dirs: &'a [PathBuf],
    /// The folders it could not read.
    pub(crate) unread: &'a [PathBuf],
    /// The entries it skipped (not reports, links).
    pub(crate) skipped: &'a [PathBuf],
    /// Every report file, with what became of it.
    pub(crate) files: Vec<(&'a Path, FileState)>,
}

/// Writes the record of a build. Best effort: without the record (or with one that does not
/// fit), checks walk the corpus.
pub(crate) fn write(index_dir: &Path, view: [u8; 32], cap: u64, corpus: &Path, seen: &Seen<'_>) {
    let path = index_dir.join(STAMPS_FILE);
    let bytes = encode(view, cap, corpus, seen);
    match bytes {
        Some(b) => {
            if std::fs::read(&path).ok().as_deref() != Some(b.as_slice()) {
                let _ = super::folder::write_atomic(&path, &b);
            }
        }
        None => remove(index_dir),
    }
}

/// Drops the record (a build that follows links, or one whose walk cannot be recorded).
pub(crate) fn remove(index_dir: &Path) {
    let _ = std::fs::remove_file(index_dir.join(STAMPS_FILE));
}

#[cfg(not(unix))]
fn encode(_: [u8; 32], _: u64, _: &Path, _: &Seen<'_>) -> Option<Vec<u8>> {
    None
}

#[cfg(unix)]
fn encode(view: [u8; 32], cap: u64, corpus: &Path, seen: &Seen<'_>) -> Option<Vec<u8>> {
    use std::collections::BTreeMap;
    use std::os::unix::ffi::OsStrExt;
    let rel = |p: &Path| -> Option<Vec<u8>> {
        Some(p.strip_prefix(corpus).ok()?.as_os_str().as_bytes().to_vec())
    };
    let since = seen
        .start
        .checked_sub(RACY)
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64);
    // Folder → (stamp, files by name). `None`: read again by every check.
    type Listing = (Option<DirStamp>, u32, BTreeMap<Vec<u8>, FileState>);
    let mut by_dir: BTreeMap<Vec<u8>, Listing> = BTreeMap::new();
    for d in seen.dirs {
        let r = rel(d)?;
        // The corpus folder itself may be a link (the walk follows it); no other folder is.
        let meta = if r.is_empty() {
            std::fs::metadata(d)
        } else {
            std::fs::symlink_metadata(d)
        };
        let stamp = meta
            .ok()
            .filter(|m| m.is_dir())
            .map(|m| dir_stamp(&m))
            .filter(|s| s.mtime < since && s.ctime < since);
        by_dir.insert(r, (stamp, 0, BTreeMap::new()));
    }
    for d in seen.unread {
        by_dir.insert(rel(d)?, (None, 0, BTreeMap::new()));
    }
    for p in seen.skipped {
        by_dir.get_mut(&rel(p.parent()?)?)?.1 += 1;
    }
    for (p, state) in &seen.files {
        let (parent, name) = (p.parent()?, p.file_name()?);
        let entry = by_dir.get_mut(&rel(parent)?)?;
        if *state == FileState::Unknown {
            entry.0 = None;
        } else {
            entry.2.insert(name.as_bytes().to_vec(), *state);
        }
    }
    if !by_dir.contains_key(&Vec::new()) {
        return None;
    }
    let mut out = Vec::with_capacity(64 + seen.files.len() * 40 + seen.dirs.len() * 40);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&view);
    out.extend_from_slice(&cap.to_le_bytes());
    out.extend_from_slice(&(by_dir.len() as u32).to_le_bytes());
    for (r, (stamp, skipped, files)) in &by_dir {
        put_bytes(&mut out, r);
        let s = stamp.unwrap_or(DirStamp {
            ino: 0,
            mtime: 0,
            ctime: 0,
        });
        out.push(stamp.is_some() as u8);
        out.extend_from_slice(&s.ino.to_le_bytes());
        out.extend_from_slice(&s.mtime.to_le_bytes());
        out.extend_from_slice(&s.ctime.to_le_bytes());
        out.extend_from_slice(&skipped.to_le_bytes());
        out.extend_from_slice(&(files.len() as u32).to_le_bytes());
        for (name, state) in files {
            put_bytes(&mut out, name);
            let (failed, size, mtime) = match *state {
                FileState::Indexed(s, m) => (0u8, s, m),
                FileState::Failed(s, m) => (1u8, s, m),
                FileState::Unknown => unreachable!("left out above"),
            };
            out.push(failed);
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&mtime.to_le_bytes());
        }
    }
    Some(out)
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

/// One folder of the record; `files` its report files, a range of [`Record::files`] sorted by
/// name.
struct Dir<'a> {
    rel: &'a [u8],
    stamp: Option<DirStamp>,
    skipped: u32,
    files: std::ops::Range<usize>,
}

struct File<'a> {
    name: &'a [u8],
    size: u64,
    mtime: i64,
    failed: bool,
}

/// The record as read, borrowing its bytes; folders sorted by path (a parent before its
/// folders).
struct Record<'a> {
    view: [u8; 32],
    cap: u64,
    dirs: Vec<Dir<'a>>,
    files: Vec<File<'a>>,
}

struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.b.len() < n {
            return None;
        }
        let (h, t) = self.b.split_at(n);
        self.b = t;
        Some(h)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
}

fn parse(b: &[u8]) -> Option<Record<'_>> {
    let mut r = Reader { b };
    if r.take(8)? != MAGIC {
        return None;
    }
    let view: [u8; 32] = r.take(32)?.try_into().ok()?;
    let cap = r.u64()?;
    let ndirs = r.u32()? as usize;
    let mut dirs = Vec::with_capacity(ndirs.min(b.len() / 33));
    let mut files = Vec::new();
    for _ in 0..ndirs {
        let rel = r.bytes()?;
        let valid = r.u8()? == 1;
        let (ino, mtime, ctime) = (r.u64()?, r.i64()?, r.i64()?);
        let skipped = r.u32()?;
        let n = r.u32()? as usize;
        let first = files.len();
        for _ in 0..n {
            files.push(File {
                name: r.bytes()?,
                failed: r.u8()? == 1,
                size: r.u64()?,
                mtime: r.i64()?,
            });
        }
        dirs.push(Dir {
            rel,
            stamp: valid.then_some(DirStamp { ino, mtime, ctime }),
            skipped,
            files: first..files.len(),
        });
    }
    // Written sorted; anything else is not this program's record.
    let sorted = dirs.windows(2).all(|w| w[0].rel < w[1].rel)
        && dirs.iter().all(|d| {
            files[d.files.clone()]
                .windows(2)
                .all(|w| w[0].name < w[1].name)
        });
    if !r.b.is_empty() || !sorted || dirs.first().is_none_or(|d| !d.rel.is_empty()) {
        return None;
    }
    Some(Record {
        view,
        cap,
        dirs,
        files,
    })
}

/// What the check found for one file of the record.
enum Found {
    /// A regular file with this size and time.
    File(u64, i64),
    /// Gone, or not a regular file any more.
    Not,
}

/// What a check against the record found.
#[derive(Debug)]
pub(crate) struct Checked {
    pub(crate) stale: super::files::Staleness,
    /// Entries a build would skip (not reports, links), counted as a build counts them.
    pub(crate) skipped: usize,
    /// Nothing a build would report or record beyond the record: no file that failed, no
    /// folder that cannot be read, none new, none racy. With a fresh answer, a build would
    /// find, say and write nothing new.
    pub(crate) clean: bool,
}

/// The freshness check against the record at `index_dir`, for the index commit `view`, with
/// the size cap `cap` of the command: `None` when there is no usable record (the caller walks).
#[cfg(unix)]
pub(crate) fn check(corpus: &Path, index_dir: &Path, view: [u8; 32], cap: u64) -> Option<Checked> {
    let bytes = std::fs::read(index_dir.join(STAMPS_FILE)).ok()?;
    let rec = parse(&bytes)?;
    if rec.view != view {
        return None;
    }
    check_record(corpus, rec, cap)
}

/// [`check`] against whatever commit the record describes, before the index is open: that
/// commit is returned with the answer, which holds for an index that sees the same commit.
#[cfg(unix)]
pub(crate) fn check_recorded(
    corpus: &Path,
    index_dir: &Path,
    cap: u64,
) -> Option<([u8; 32], Checked)> {
    let bytes = std::fs::read(index_dir.join(STAMPS_FILE)).ok()?;
    let rec = parse(&bytes)?;
    let view = rec.view;
    Some((view, check_record(corpus, rec, cap)?))
}

/// Threads that `stat` the record's folders and files. More than the cores: when the folders'
/// inodes are not in the page cache (after a reboot, or a corpus larger than memory beside
/// its index) each `stat` waits on the disk, and only requests in flight at once hide that.
/// Measured at 100,000 reports after dropping the caches: 6.1–7.1 s on 2 threads, 2.0–2.3 s
/// on 16, 1.6 s on 32; with the cache warm the count makes no measurable difference.
const STAT_THREADS: usize = 16;

#[cfg(unix)]
fn check_record(corpus: &Path, rec: Record<'_>, cap: u64) -> Option<Checked> {
    let root = Root::open(corpus)?;
    // Failed files are known only under the cap they failed under (as `fresh::check`).
    let failed_known = rec.cap == cap;
    // A racy folder makes the answer no less true, but only a full build records it with
    // its times: `index` should run one rather than answer from the record.
    let mut clean =
        !rec.files.iter().any(|f| f.failed) && rec.dirs.iter().all(|d| d.stamp.is_some());
    let mut skipped = 0usize;

    // Phase 1, on [`STAT_THREADS`] threads: every folder's stamp, and every file of a folder
    // whose stamp is unchanged. Folders are taken in chunks from a shared counter.
    const CHUNK: usize = 512;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = STAT_THREADS;
    let work = || {
        let mut path = Vec::with_capacity(256);
        // (folder, unchanged) for folders that are not; (file, found) for files that differ.
        let (mut dirs, mut files, mut skipped) = (Vec::new(), Vec::new(), 0usize);
        loop {
            let start = next.fetch_add(CHUNK, std::sync::atomic::Ordering::Relaxed);
            if start >= rec.dirs.len() {
                break;
            }
            for (i, d) in rec.dirs.iter().enumerate().skip(start).take(CHUNK) {
                let now = if d.rel.is_empty() {
                    root.stat_self()
                } else {
                    root.stat(&mut path, d.rel, None)
                };
                let same = matches!(
                    (now, d.stamp),
                    (Some(Stat { dir: true, stamp, .. }), Some(was)) if stamp == was
                );
                if !same {
                    dirs.push((i, now.is_some_and(|s| s.dir)));
                    continue;
                }
                skipped += d.skipped as usize;
                for (fi, f) in rec.files[d.files.clone()].iter().enumerate() {
                    let fi = d.files.start + fi;
                    let found = match root.stat(&mut path, d.rel, Some(f.name)) {
                        Some(s) if s.file => Found::File(s.size, s.file_mtime),
                        _ => Found::Not,
                    };
                    let known = !f.failed || failed_known;
                    let same =
                        known && matches!(found, Found::File(s, m) if s == f.size && m == f.mtime);
                    if !same {
                        files.push((fi, found));
                    }
                }
            }
        }
        (dirs, files, skipped)
    };
    let mut changed_dirs: Vec<(usize, bool)> = Vec::new();
    let mut differ: Vec<(usize, Found)> = Vec::new();
    std::thread::scope(|s| {
        let handles: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let (d, f, n) = work();
        changed_dirs.extend(d);
        differ.extend(f);
        skipped += n;
        for h in handles {
            if let Ok((d, f, n)) = h.join() {
                changed_dirs.extend(d);
                differ.extend(f);
                skipped += n;
            }
        }
    });
    if next.load(std::sync::atomic::Ordering::Relaxed) < rec.dirs.len() {
        return None;
    }

    // Phase 2, here: folders whose stamp changed are read again, in path order so that a
    // folder that cannot be read (or is gone) takes everything below it out, as in a build.
    changed_dirs.sort_unstable();
    let mut out = super::files::Staleness::default();
    let os = |b: &[u8]| -> PathBuf {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(b))
    };
    let key = |dir: &[u8], name: &[u8]| {
        super::files::key_of(corpus, &corpus.join(os(dir)).join(os(name)))
    };
    let mut excluded: Vec<&[u8]> = Vec::new();
    let below = |rel: &[u8], top: &[u8]| {
        top.is_empty() || (rel.starts_with(top) && rel.get(top.len()) == Some(&b'/'))
    };
    // Per folder read again: its report files by name, as found.
    type Listing = Vec<(Vec<u8>, Found)>;
    let mut listed: Vec<(usize, Listing)> = Vec::new();
    for &(i, is_dir) in &changed_dirs {
        let d = &rec.dirs[i];
        if excluded.iter().any(|t| below(d.rel, t) || d.rel == *t) {
            continue;
        }
        let entries = if is_dir {
            std::fs::read_dir(corpus.join(os(d.rel))).ok()
        } else {
            None
        };
        let Some(entries) = entries else {
            // Gone (its files are removed), or cannot be read (a build names it).
            clean &= !is_dir;
            excluded.push(d.rel);
            continue;
        };
        let mut here = Vec::new();
        for e in entries {
            let Ok(e) = e else {
                // A listing that breaks off: as a build, which names the folder and goes on.
                clean = false;
                continue;
            };
            let Ok(kind) = e.file_type() else {
                clean = false;
                continue;
            };
            let name = e.file_name();
            use std::os::unix::ffi::OsStrExt;
            let nb = name.as_bytes();
            if kind.is_dir() {
                let mut sub = d.rel.to_vec();
                if !sub.is_empty() {
                    sub.push(b'/');
                }
                sub.extend_from_slice(nb);
                if rec.dirs.binary_search_by(|x| x.rel.cmp(&sub[..])).is_err() {
                    // A folder the build never saw: everything in it is new.
                    super::files::walk_new(corpus, &e.path(), &mut |k, _| out.added.push(k));
                    clean = false;
                }
            } else if kind.is_symlink()
                || (kind.is_file() && !crate::source::is_report_file(Path::new(&name)))
            {
                skipped += 1;
            } else if kind.is_file() {
                let found = match e.metadata() {
                    Ok(m) if m.is_file() => Found::File(m.len(), super::files::mtime_nanos(&m)),
                    _ => Found::Not,
                };
                here.push((nb.to_vec(), found));
            }
        }
        listed.push((i, here));
    }
    // Counts recorded below such a folder were taken in phase 1: the count is not exact.
    clean &= excluded.is_empty();
    let gone = |rel: &[u8]| excluded.iter().any(|t| below(rel, t) || rel == *t);
    // Files of folders read again: compared by name with the record.
    for (i, here) in listed {
        let d = &rec.dirs[i];
        if gone(d.rel) {
            continue;
        }
        let files = &rec.files[d.files.clone()];
        let mut seen = vec![false; files.len()];
        for (name, found) in here {
            match files.binary_search_by(|f| f.name.cmp(&name[..])) {
                Ok(j) => {
                    seen[j] = true;
                    classify(&files[j], found, failed_known, &mut out, key(d.rel, &name));
                }
                Err(_) => {
                    if matches!(found, Found::File(..)) {
                        out.added.push(key(d.rel, &name));
                    }
                }
            }
        }
        for (f, seen) in files.iter().zip(seen) {
            if !seen && !f.failed {
                out.removed.push(key(d.rel, f.name));
            }
        }
    }
    // Files of unchanged folders that differ.
    for (fi, found) in differ {
        let d = dir_of(&rec, fi);
        if gone(d.rel) {
            continue;
        }
        let f = &rec.files[fi];
        classify(f, found, failed_known, &mut out, key(d.rel, f.name));
    }
    // Everything below a folder that is gone or cannot be read is out of the index.
    for d in &rec.dirs {
        if gone(d.rel) {
            for f in &rec.files[d.files.clone()] {
                if !f.failed {
                    out.removed.push(key(d.rel, f.name));
                }
            }
        }
    }
    out.added.sort();
    out.added.dedup();
    out.changed.sort();
    out.removed.sort();
    Some(Checked {
        stale: out,
        skipped,
        clean,
    })
}

fn dir_of<'r, 'a>(rec: &'r Record<'a>, file: usize) -> &'r Dir<'a> {
    let i = rec.dirs.partition_point(|d| d.files.end <= file);
    &rec.dirs[i.min(rec.dirs.len() - 1)]
}

/// A recorded file against what is there now, as `fresh::check` judges it.
fn classify(
    f: &File<'_>,
    found: Found,
    failed_known: bool,
    out: &mut super::files::Staleness,
    key: String,
) {
    let same = matches!(found, Found::File(s, m) if s == f.size && m == f.mtime);
    match (f.failed, found) {
        (false, _) if same => {}
        // Indexed and now different, or there but not readable as a file: changed. (Gone
        // from a folder whose listing is unchanged happens only in a race: changed too.)
        (false, _) => out.changed.push(key),
        (true, _) if same && failed_known => {}
        (true, Found::File(..)) => out.added.push(key),
        (true, Found::Not) => {}
    }
}

/// `stat` relative to the corpus folder's descriptor: no lookup of the corpus path per file.
#[cfg(unix)]
struct Root {
    fd: std::os::fd::OwnedFd,
}

#[derive(Clone, Copy)]
struct Stat {
    file_mtime: i64,
    dir: bool,
    file: bool,
    size: u64,
    stamp: DirStamp,
}

#[cfg(unix)]
impl Root {
    fn open(corpus: &Path) -> Option<Root> {
        let f = std::fs::File::open(corpus).ok()?;
        if !f.metadata().ok()?.is_dir() {
            return None;
        }
        Some(Root { fd: f.into() })
    }

    fn from_raw(st: &libc::stat) -> Stat {
        let kind = st.st_mode & libc::S_IFMT;
        let mtime = st.st_mtime * 1_000_000_000 + st.st_mtime_nsec;
        Stat {
            // As `build::mtime_nanos`: a time before 1970 counts as 0.
            file_mtime: mtime.max(0),
            dir: kind == libc::S_IFDIR,
            file: kind == libc::S_IFREG,
            size: st.st_size as u64,
            stamp: DirStamp {
                ino: st.st_ino,
                mtime,
                ctime: st.st_ctime * 1_000_000_000 + st.st_ctime_nsec,
            },
        }
    }

    fn stat_self(&self) -> Option<Stat> {
        use std::os::fd::AsRawFd;
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: `fd` is open for the life of `self`; `st` is written before it is read.
        let r = unsafe { libc::fstat(self.fd.as_raw_fd(), st.as_mut_ptr()) };
        // SAFETY: fstat filled `st` when it returned 0.
        (r == 0).then(|| Self::from_raw(unsafe { &st.assume_init() }))
    }

    /// `dir/name` (or `dir` alone) below the corpus, links not followed. `buf` is reused
    /// between calls so that no path is allocated per file.
    fn stat(&self, buf: &mut Vec<u8>, dir: &[u8], name: Option<&[u8]>) -> Option<Stat> {
        use std::os::fd::AsRawFd;
        buf.clear();
        buf.extend_from_slice(dir);
        if let Some(n) = name {
            if !dir.is_empty() {
                buf.push(b'/');
            }
            buf.extend_from_slice(n);
        }
        // A NUL inside a name cannot come from a file system; the record is not ours.
        if buf.contains(&0) {
            return None;
        }
        buf.push(0);
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: `buf` is NUL-terminated with no NUL inside; `fd` is open; `st` is written
        // before it is read.
        let r = unsafe {
            libc::fstatat(
                self.fd.as_raw_fd(),
                buf.as_ptr().cast(),
                st.as_mut_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        // SAFETY: fstatat filled `st` when it returned 0.
        (r == 0).then(|| Self::from_raw(unsafe { &st.assume_init() }))
    }
}

#[cfg(not(unix))]
pub(crate) fn check(_: &Path, _: &Path, _: [u8; 32], _: u64) -> Option<Checked> {
    None
}

#[cfg(not(unix))]
pub(crate) fn check_recorded(_: &Path, _: &Path, _: u64) -> Option<([u8; 32], Checked)> {
    None
}

/// Tests: how many folders the record at `index_dir` holds, and how many of them with times
/// (trusted while unchanged).
/// The size cap a build with `opts` reads under.
pub(crate) fn cap(opts: &super::BuildOptions) -> u64 {
    opts.max_report_bytes
        .unwrap_or(super::DEFAULT_MAX_REPORT_BYTES)
}

/// The commit a searcher sees, as [`stamps`] names it.
pub(crate) fn view(searcher: &tantivy::Searcher) -> [u8; 32] {
    view_of(
        searcher
            .segment_readers()
            .iter()
            .map(|s| (s.segment_id().uuid_string(), s.delete_opstamp())),
    )
}

#[cfg(test)]
pub(crate) fn trusted(index_dir: &Path) -> (usize, usize) {
    let b = std::fs::read(index_dir.join(STAMPS_FILE)).unwrap();
    let r = parse(&b).unwrap();
    (
        r.dirs.len(),
        r.dirs.iter().filter(|d| d.stamp.is_some()).count(),
    )
}
