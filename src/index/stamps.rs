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
            if !holds(&path, &b) {
                let _ = super::folder::write_atomic(&path, &b);
            }
        }
        None => remove(index_dir),
    }
}

/// Whether the file at `path` holds exactly `bytes`, read a piece at a time (a million
/// files' record is ~60 MB: not read whole beside the one just made).
fn holds(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    if f.metadata().map(|m| m.len()).ok() != Some(bytes.len() as u64) {
        return false;
    }
    let mut buf = vec![0u8; 1 << 16];
    let mut rest = bytes;
    while !rest.is_empty() {
        let n = buf.len().min(rest.len());
        if f.read_exact(&mut buf[..n]).is_err() || buf[..n] != rest[..n] {
            return false;
        }
        rest = &rest[n..];
    }
    // Nothing beyond: the file did not grow since its size was read.
    matches!(f.read(&mut buf[..1]), Ok(0))
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
    use std::os::unix::ffi::OsStrExt;
    // Everything below borrows the walk's paths: a million files take a few sorted vectors,
    // not a map entry and a copy of the name each (that took the build from ~500 MB to
    // 1.07 GB at its very end).
    fn rel<'p>(corpus: &Path, p: &'p Path) -> Option<&'p [u8]> {
        Some(p.strip_prefix(corpus).ok()?.as_os_str().as_bytes())
    }
    let rel = |p| rel(corpus, p);
    let since = seen
        .start
        .checked_sub(RACY)
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64);
    // Folders: (path, stamp, skipped entries). `None`: read again by every check, as is a
    // folder the walk could not read (listed after the same folder entered, so it wins).
    let mut dirs: Vec<(&[u8], Option<DirStamp>, u32)> =
        Vec::with_capacity(seen.dirs.len() + seen.unread.len());
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
        dirs.push((r, stamp, 0));
    }
    for d in seen.unread {
        dirs.push((rel(d)?, None, 0));
    }
    // Stable: of the same folder listed twice, the last listed is kept.
    dirs.sort_by(|a, b| a.0.cmp(b.0));
    dirs.reverse();
    dirs.dedup_by(|later, kept| later.0 == kept.0);
    dirs.reverse();
    let find = |dirs: &[(&[u8], Option<DirStamp>, u32)], parent: &[u8]| {
        dirs.binary_search_by(|d| d.0.cmp(parent)).ok()
    };
    for p in seen.skipped {
        let i = find(&dirs, rel(p.parent()?)?)?;
        dirs[i].2 += 1;
    }
    // Files: (folder, name, state), by folder then name.
    let mut files: Vec<(usize, &[u8], FileState)> = Vec::with_capacity(seen.files.len());
    for (p, state) in &seen.files {
        let (parent, name) = (p.parent()?, p.file_name()?);
        let i = find(&dirs, rel(parent)?)?;
        if *state == FileState::Unknown {
            dirs[i].1 = None;
        } else {
            files.push((i, name.as_bytes(), *state));
        }
    }
    files.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    files.reverse();
    files.dedup_by(|later, kept| (later.0, later.1) == (kept.0, kept.1));
    files.reverse();
    if dirs.first().is_none_or(|d| !d.0.is_empty()) {
        return None;
    }
    // Exactly the record's length: a vector grown by doubling would hold twice it for a moment.
    let len = 8
        + 32
        + 8
        + 4
        + dirs
            .iter()
            .map(|d| 4 + d.0.len() + 1 + 24 + 4 + 4)
            .sum::<usize>()
        + files.iter().map(|f| 4 + f.1.len() + 1 + 16).sum::<usize>();
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&view);
    out.extend_from_slice(&cap.to_le_bytes());
    out.extend_from_slice(&(dirs.len() as u32).to_le_bytes());
    let mut rest = &files[..];
    for (i, (r, stamp, skipped)) in dirs.iter().enumerate() {
        let n = rest.iter().take_while(|f| f.0 == i).count();
        let (mine, after) = rest.split_at(n);
        rest = after;
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
        out.extend_from_slice(&(mine.len() as u32).to_le_bytes());
        for (_, name, state) in mine {
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
    debug_assert_eq!(out.len(), len);
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

/// The commit recorded in `meta`, as [`view`] names it.
pub(crate) fn view_of_metas(meta: &tantivy::IndexMeta) -> [u8; 32] {
    view_of(
        meta.segments
            .iter()
            .map(|s| (s.id().uuid_string(), s.delete_opstamp())),
    )
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A walk's start: folders made by the test are seconds old at most, and a start in the
    /// future keeps them out of the racy window so that their stamps are recorded.
    fn later() -> SystemTime {
        SystemTime::now() + Duration::from_secs(60)
    }

    #[test]
    fn the_record_lists_folders_and_files_sorted_once_each_whatever_the_walk_order() {
        let t = tempfile::tempdir().unwrap();
        let c = t.path();
        for d in ["b", "a", "a/z"] {
            std::fs::create_dir_all(c.join(d)).unwrap();
        }
        let dirs = vec![c.to_path_buf(), c.join("b"), c.join("a/z"), c.join("a")];
        let unread = vec![c.join("b")];
        let skipped = vec![c.join("a/notes.xls"), c.join("a/link"), c.join("README")];
        let (f1, f2, f3, f4) = (
            c.join("a/2021.txt"),
            c.join("a/2020.txt"),
            c.join("a/z/2019.txt"),
            c.join("b/2022.txt"),
        );
        let files = vec![
            (f1.as_path(), FileState::Indexed(10, 1)),
            (f2.as_path(), FileState::Failed(20, 2)),
            // Listed twice (never by a build): the last state is kept, once.
            (f1.as_path(), FileState::Indexed(11, 3)),
            (f3.as_path(), FileState::Unknown),
            (f4.as_path(), FileState::Indexed(40, 4)),
        ];
        let seen = Seen {
            start: later(),
            dirs: &dirs,
            unread: &unread,
            skipped: &skipped,
            files,
        };
        let bytes = encode([7; 32], 99, c, &seen).expect("a record");
        let rec = parse(&bytes).expect("it parses");
        assert_eq!((rec.view, rec.cap), ([7; 32], 99));
        let names: Vec<&[u8]> = rec.dirs.iter().map(|d| d.rel).collect();
        assert_eq!(names, [&b""[..], b"a", b"a/z", b"b"]);
        // The root and `a` keep their stamps; `a/z` had a file that vanished and `b` could not
        // be read: both are read again by every check.
        let stamped: Vec<bool> = rec.dirs.iter().map(|d| d.stamp.is_some()).collect();
        assert_eq!(stamped, [true, true, false, false]);
        let skipped: Vec<u32> = rec.dirs.iter().map(|d| d.skipped).collect();
        assert_eq!(skipped, [1, 2, 0, 0]);
        let listed = |i: usize| -> Vec<(&[u8], u64, i64, bool)> {
            rec.files[rec.dirs[i].files.clone()]
                .iter()
                .map(|f| (f.name, f.size, f.mtime, f.failed))
                .collect()
        };
        assert_eq!(
            listed(1),
            [
                (&b"2020.txt"[..], 20, 2, true),
                (&b"2021.txt"[..], 11, 3, false)
            ]
        );
        assert!(listed(2).is_empty());
        // `b`'s files are still listed: only its stamp is withdrawn.
        assert_eq!(listed(3), [(&b"2022.txt"[..], 40, 4, false)]);
    }

    #[test]
    fn a_file_outside_the_folders_walked_gives_no_record() {
        let t = tempfile::tempdir().unwrap();
        let c = t.path();
        let dirs = vec![c.to_path_buf()];
        let stray = c.join("elsewhere/2020.txt");
        let seen = Seen {
            start: later(),
            dirs: &dirs,
            unread: &[],
            skipped: &[],
            files: vec![(stray.as_path(), FileState::Indexed(1, 1))],
        };
        assert!(encode([0; 32], 0, c, &seen).is_none());
    }

    #[test]
    fn holds_compares_every_byte_and_the_length() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("r");
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        assert!(!holds(&p, &data), "missing");
        std::fs::write(&p, &data).unwrap();
        assert!(holds(&p, &data));
        let mut other = data.clone();
        other[150_000] ^= 1;
        assert!(!holds(&p, &other), "one byte differs past the first piece");
        assert!(!holds(&p, &data[..data.len() - 1]), "the file is longer");
        let mut longer = data.clone();
        longer.push(0);
        assert!(!holds(&p, &longer), "the file is shorter");
    }
}
