//! Building and updating the index from the corpus: walk, parse, write, incrementally and safely.
//!
//! Safety rests on tantivy: documents become visible only at the single commit at the end,
//! and a commit replaces meta.json atomically, so a crash or `kill -9` at any point leaves the
//! previous commit readable. Damage found on open (see [`health`]) is repaired by rebuilding:
//! the index is only a cache of the corpus.

use super::files::{key_of, mtime_nanos, readable};
use super::schema::{self, Fields, FORMAT_VERSION, VERSION_FILE};
use super::{folder, stamps, BuildOptions, BuildStats, FailedFile, Index, IndexError, Progress};
use crate::report;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Instant, UNIX_EPOCH};
use tantivy::directory::error::LockError;
use tantivy::Directory as _;
use tantivy::{IndexWriter, TantivyDocument, Term};

/// The file recording the index files as they were when their checksums were last verified,
/// and when that was (see [`Verified`]).
const VERIFIED_FILE: &str = "nianbao-verified.json";
/// `index` verifies, besides every file changed since its last check, the longest unchecked
/// of the others up to this fraction of the index's bytes (at least one file): every byte is
/// read again within this many runs of `index`, or within [`SCRUB_MAX_BYTES`] a run.
const SCRUB_RUNS: u64 = 8;
/// The most one run scrubs. An eighth of a large index is more than a run should read: the
/// files checked longest ago are the least likely to be in the page cache, and an eighth of
/// a million reports' 15 GB index is 1.9 GB read from disk (~8 s here) on every `index` with
/// nothing changed. Past 2 GB of index, every byte is read again within `size / 256 MiB` runs.
const SCRUB_MAX_BYTES: u64 = 256 << 20;
/// Size and modification time of files whose content was found unchanged after their time
/// changed (a `touch`, a copy): a cheap record beside the index, so that the next run does not
/// read and hash them again. Each entry holds the content hash it was checked against and
/// applies only while the index still has that hash for the file.
const MTIMES_FILE: &str = "nianbao-mtimes.json";
/// Size and modification time of the files the last build could not index, with the size cap
/// it read them under: a freshness check takes such a file as known until it changes, rather
/// than as new on every command (which would rebuild each time and fail again).
const FAILED_FILE: &str = "nianbao-failed.json";
/// Memory for tantivy's indexing threads, shared between them. 64 MB makes segments of ~750
/// reports, which [`super::merges`] merges once into segments of 4,000–8,000; 128 MB cost as
/// much time and 30 MB more memory at 20,000 reports, 32 MB half as much time again.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// Opens the index of `corpus` at `index_dir`, building or repairing it first as needed,
/// and brings it up to date with the corpus. Meant to run on a worker thread.
pub fn open_or_build(
    corpus: &Path,
    index_dir: &Path,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(Index, BuildStats), IndexError> {
    let stats = build(corpus, index_dir, &BuildOptions::default(), progress)?;
    Ok((Index::open(index_dir)?, stats))
}

/// Opens the index if it is there and sound; otherwise builds (or rebuilds) it first.
/// `None` when no build was needed. What commands other than `index` use.
pub fn ensure(
    corpus: &Path,
    index_dir: &Path,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(Index, Option<BuildStats>), IndexError> {
    ensure_with(corpus, index_dir, &BuildOptions::default(), progress)
}

/// [`ensure`], building with `opts` when a build is needed.
pub fn ensure_with(
    corpus: &Path,
    index_dir: &Path,
    opts: &BuildOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(Index, Option<BuildStats>), IndexError> {
    match Index::open(index_dir) {
        Ok(i) => Ok((i, None)),
        Err(IndexError::NoIndex(_))
        | Err(IndexError::Incomplete(_))
        | Err(IndexError::Damaged { .. }) => {
            let stats = build(corpus, index_dir, opts, progress)?;
            Ok((Index::open(index_dir)?, Some(stats)))
        }
        Err(e) => Err(e),
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |source| IndexError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What [`health`] found in an index folder.
pub(crate) enum Health {
    /// No index there (no folder, or an empty one).
    Missing,
    /// A sound index; `complete` once its first build has committed.
    Sound {
        index: tantivy::Index,
        complete: bool,
    },
}

/// Checks an index folder: ownership, format version, meta.json, segment files, checksums
/// (`verify`: always; otherwise only when the files changed since they were last verified).
/// `Err(Ok(reason))`: nianbao's index, but unusable (rebuild it); `Err(Err(e))`: not to be
/// touched (not nianbao's folder, or unreadable).
pub(crate) fn health(dir: &Path, verify: bool) -> Result<Health, Result<String, IndexError>> {
    let complete = match folder::state(dir).map_err(Err)? {
        folder::State::Missing => return Ok(Health::Missing),
        folder::State::Foreign => return Err(Err(folder::foreign(dir))),
        folder::State::Ours { format: None, .. } => {
            return Err(Ok(format!("{VERSION_FILE} is unreadable")))
        }
        folder::State::Ours {
            format: Some(v), ..
        } if v != FORMAT_VERSION => {
            return Err(Ok(format!(
                "it was written in format {v}, this nianbao uses format {FORMAT_VERSION}"
            )))
        }
        folder::State::Ours { complete, .. } => complete,
    };
    let meta = dir.join("meta.json");
    if !meta.exists() {
        return Err(Ok("meta.json is missing".into()));
    }
    let unusable = |r: String| Err(Ok(r));
    let directory = folder::read_directory(dir).map_err(Err)?;
    let index = match guard(|| tantivy::Index::open(directory)) {
        Err(_) => return unusable("opening it crashed".into()),
        Ok(Err(e)) => return unusable(format!("cannot open it: {e}")),
        Ok(Ok(i)) => i,
    };
    schema::register(&index);
    if index.schema() != schema::build().0 {
        return unusable("its schema is not this nianbao's".into());
    }
    match guard(|| index.reader()) {
        Err(_) => return unusable("reading it crashed".into()),
        Ok(Err(e)) => return unusable(format!("cannot read it: {e}")),
        Ok(Ok(_)) => {}
    }
    let listing = listing(dir);
    let last = Verified::read(dir);
    let mut check: HashSet<String> = listing
        .iter()
        .filter(|f| !last.unchanged(f))
        .map(|f| f.name.clone())
        .collect();
    if verify {
        check.extend(scrub(&listing, &last, &check));
    }
    if !check.is_empty() {
        let bad = match guard(|| validate_checksums(&index, &check)) {
            Err(_) => return unusable("checking its checksums crashed".into()),
            Ok(Err(e)) => return unusable(format!("cannot check its checksums: {e}")),
            Ok(Ok(bad)) => bad,
        };
        if !bad.is_empty() {
            let mut names: Vec<String> = bad.iter().map(|p| p.display().to_string()).collect();
            names.sort();
            return unusable(format!("checksum mismatch in {}", names.join(", ")));
        }
        // Best effort: a failure only means checking again next time.
        last.write(dir, &listing, &check);
    }
    Ok(Health::Sound { index, complete })
}

/// The files among `names` of the index's segments whose checksum does not match, as
/// `tantivy::Index::validate_checksum` finds them (the same files: the committed segments'
/// files that the directory manages), read on up to two threads, largest files first.
fn validate_checksums(
    index: &tantivy::Index,
    names: &HashSet<String>,
) -> tantivy::Result<Vec<PathBuf>> {
    use tantivy::HasLen as _;
    let managed = index.directory().list_managed_files();
    let metas = index.load_metas()?;
    let mut files: Vec<(u64, PathBuf)> = metas
        .list_segment_files()
        .into_iter()
        .filter(|p| managed.contains(p))
        .filter(|p| p.to_str().is_some_and(|n| names.contains(n)))
        .map(|p| {
            let len = index
                .directory()
                .open_read(&p)
                .map_or(0, |f| f.len() as u64);
            (len, p)
        })
        .collect();
    files.sort_by(|a, b| b.cmp(a));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
    let work = || -> tantivy::Result<Vec<PathBuf>> {
        let mut bad = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some((_, p)) = files.get(i) else {
                return Ok(bad);
            };
            if !index.directory().validate_checksum(p)? {
                bad.push(p.clone());
            }
        }
    };
    std::thread::scope(|scope| {
        let others: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut bad = work()?;
        for h in others {
            // A panic on another thread is damage as on this one: passed on to `guard`.
            match h.join() {
                Ok(r) => bad.extend(r?),
                Err(p) => std::panic::resume_unwind(p),
            }
        }
        Ok(bad)
    })
}

/// The error for a tantivy call that panicked on the index's files: damage that the checksum
/// pass at open did not see (the files were verified before and their names, sizes and times
/// have not changed: bit rot, a bad restore). The record of that pass is dropped, so the next
/// open reads every file again, finds the damage and rebuilds.
pub(crate) fn crashed(dir: &Path, what: &str) -> IndexError {
    let _ = std::fs::remove_file(dir.join(VERIFIED_FILE));
    IndexError::Damaged {
        dir: dir.to_path_buf(),
        reason: format!("{what}; the next command checks it and rebuilds it"),
    }
}

/// Runs a tantivy call that may panic on damaged files, turning the panic into an `Err`.
pub(crate) fn guard<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
}

/// One file of the index folder as found now.
struct Listed {
    name: String,
    len: u64,
    /// What tells the file's content apart without reading it: size, modification time and,
    /// on Unix, inode and status-change time (ctime). Any write changes the ctime, and nothing
    /// but the system clock sets it back: a file damaged through the file system, or restored
    /// from a backup, has a new one even when its size and modification time were kept.
    ident: String,
}

/// The last commit of the index in `dir`, as the build's record names it, read from its meta
/// file alone (no catalog).
pub fn commit_view(dir: &Path) -> Option<[u8; 32]> {
    let directory = folder::read_directory(dir).ok()?;
    let index = guard(|| tantivy::Index::open(directory)).ok()?.ok()?;
    Some(stamps::view_of_metas(&index.load_metas().ok()?))
}

/// The index folder's files (nianbao's own records and hidden files aside), by name.
fn listing(dir: &Path) -> Vec<Listed> {
    let mut v: Vec<Listed> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            if name.starts_with('.') || name.starts_with("nianbao-") {
                return None;
            }
            let m = e.metadata().ok()?;
            let t = m.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
            let ident = format!("{} {} {}", m.len(), t.as_nanos(), status_change(&m));
            Some(Listed {
                name,
                len: m.len(),
                ident,
            })
        })
        .collect();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

#[cfg(unix)]
fn status_change(m: &std::fs::Metadata) -> String {
    use std::os::unix::fs::MetadataExt as _;
    format!("{} {}.{:09}", m.ino(), m.ctime(), m.ctime_nsec())
}

/// Without a status-change time, a file rewritten with its size and time kept looks
/// unchanged: such a system verifies every file on every `index` (see [`scrub`]).
#[cfg(not(unix))]
fn status_change(_: &std::fs::Metadata) -> String {
    String::new()
}

/// The record of the last checksum passes ([`VERIFIED_FILE`]): per file, its identity when
/// verified and when (nanoseconds since 1970). A file whose identity is unchanged still holds
/// the bytes verified then, unless the disk itself rotted them: the scrub of `index` finds
/// that within [`SCRUB_RUNS`] runs.
#[derive(Default)]
struct Verified(HashMap<String, (String, u64)>);

impl Verified {
    fn read(dir: &Path) -> Verified {
        // Missing or unreadable: every file is checked.
        let text = std::fs::read_to_string(dir.join(VERIFIED_FILE)).unwrap_or_default();
        Verified(
            text.lines()
                .filter_map(|l| {
                    let mut parts = l.split('\t');
                    let (name, ident, at) = (parts.next()?, parts.next()?, parts.next()?);
                    Some((name.to_string(), (ident.to_string(), at.parse().ok()?)))
                })
                .collect(),
        )
    }

    fn unchanged(&self, f: &Listed) -> bool {
        self.0
            .get(&f.name)
            .is_some_and(|(ident, _)| *ident == f.ident)
    }

    /// Records `listing`, the files in `now` as verified now, the others as verified when
    /// they were last (or now, if the record did not have them as they are: what this run
    /// wrote itself). Best effort: a failure only means checking again next time.
    fn write(&self, dir: &Path, listing: &[Listed], now_checked: &HashSet<String>) {
        let now = std::time::SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let mut out = String::new();
        for f in listing {
            let at = match self.0.get(&f.name) {
                Some((ident, at)) if *ident == f.ident && !now_checked.contains(&f.name) => *at,
                _ => now,
            };
            out.push_str(&format!("{}\t{}\t{at}\n", f.name, f.ident));
        }
        let _ = write_atomic(&dir.join(VERIFIED_FILE), out.as_bytes());
    }
}

/// The unchanged files `index` verifies too, so that damage below the file system (bit rot
/// that leaves even the ctime as it was) is found within [`SCRUB_RUNS`] runs (more for an
/// index over 2 GB, see [`SCRUB_MAX_BYTES`]): those checked longest ago, up to that fraction
/// of the index's bytes. Every file where the system has
/// no status-change time.
fn scrub(listing: &[Listed], last: &Verified, changed: &HashSet<String>) -> Vec<String> {
    let mut rest: Vec<(u64, &Listed)> = listing
        .iter()
        .filter(|f| !changed.contains(&f.name))
        .map(|f| (last.0.get(&f.name).map_or(0, |(_, at)| *at), f))
        .collect();
    if cfg!(not(unix)) {
        return rest.into_iter().map(|(_, f)| f.name.clone()).collect();
    }
    rest.sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
    let total: u64 = listing.iter().map(|f| f.len).sum();
    let budget = total.div_ceil(SCRUB_RUNS).min(SCRUB_MAX_BYTES);
    let mut taken = 0u64;
    let mut out = Vec::new();
    for (_, f) in rest {
        if taken >= budget {
            break;
        }
        taken += f.len;
        out.push(f.name.clone());
    }
    out
}

use folder::write_atomic;

fn create(dir: &Path) -> Result<tantivy::Index, IndexError> {
    // The marker first: from now on the folder is known as nianbao's, and as incomplete
    // until the first commit.
    folder::write_marker(dir, false).map_err(io_err(dir))?;
    let (schema, _) = schema::build();
    let settings = tantivy::IndexSettings {
        docstore_blocksize: schema::DOCSTORE_BLOCK,
        ..Default::default()
    };
    let index = tantivy::Index::builder()
        .schema(schema)
        .settings(settings)
        .create_in_dir(dir)?;
    schema::register(&index);
    Ok(index)
}

/// What the index holds for one file.
pub(crate) struct Known {
    pub(crate) size: u64,
    pub(crate) mtime: i64,
    hash: String,
    /// Size and time come from [`MTIMES_FILE`], not from the document.
    recorded: bool,
}

/// One entry of [`MTIMES_FILE`]: size, mtime (ns), content hash.
pub(crate) type Recorded = std::collections::BTreeMap<String, (u64, i64, String)>;

/// The options of the last build that wrote the index: how a command that only brings the
/// index up to date reads the corpus, unless its own command line says otherwise.
const OPTIONS_FILE: &str = "nianbao-options.json";

#[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct RecordedOptions {
    follow_links: bool,
    max_report_bytes: Option<u64>,
}

/// The options to update the index at `dir` with when a command other than `index` does it:
/// the last build's (an index built with `--follow-links` or `--max-report-size` keeps them),
/// unless `given` sets them.
pub fn update_options(dir: &Path, given: &BuildOptions) -> BuildOptions {
    let last: RecordedOptions = std::fs::read(dir.join(OPTIONS_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    BuildOptions {
        rebuild: given.rebuild,
        follow_links: given.follow_links || last.follow_links,
        max_report_bytes: given.max_report_bytes.or(last.max_report_bytes),
    }
}

/// [`FAILED_FILE`]'s content.
#[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct FailedRecord {
    /// The size cap the files were read under: another cap may read them.
    pub(crate) cap: u64,
    /// Key → (size, mtime in ns).
    pub(crate) files: std::collections::BTreeMap<String, (u64, i64)>,
}

pub(crate) fn read_failed(dir: &Path) -> FailedRecord {
    // A missing or unreadable record only means reading those files again.
    std::fs::read(dir.join(FAILED_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Takes the size and time of the files [`MTIMES_FILE`] records as theirs, where the index
/// still holds the content they were recorded with.
pub(crate) fn apply_recorded(known: &mut HashMap<String, Known>, recorded: &Recorded) {
    for (key, (size, mtime, hash)) in recorded {
        if let Some(e) = known.get_mut(key).filter(|e| e.hash == *hash) {
            (e.size, e.mtime, e.recorded) = (*size, *mtime, true);
        }
    }
}

pub(crate) fn read_recorded(dir: &Path) -> Recorded {
    // A missing or unreadable record only means hashing those files again.
    std::fs::read(dir.join(MTIMES_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// The key → (size, mtime, hash) of every live document, read from fast fields.
fn known_files(index: &tantivy::Index) -> Result<HashMap<String, Known>, IndexError> {
    let reader = index.reader()?;
    known_in(&reader.searcher(), true)
}

/// [`known_files`] as a searcher sees them; without `hashes`, every hash is empty (reading
/// their dictionary is a third of a freshness check's time, and only [`MTIMES_FILE`]'s
/// entries need them).
pub(crate) fn known_in(
    searcher: &tantivy::Searcher,
    hashes: bool,
) -> Result<HashMap<String, Known>, IndexError> {
    let mut out = HashMap::with_capacity(searcher.num_docs() as usize);
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        let (Some(key), Some(hash)) = (ff.str("key")?, ff.str("hash")?) else {
            continue;
        };
        let size = ff.u64("size")?;
        let mtime = ff.i64("mtime")?;
        // Dictionaries read once, in ordinal order (see schema::all_terms).
        let keys = super::schema::all_terms(&Some(key.clone()));
        let hashes = if hashes {
            super::schema::all_terms(&Some(hash.clone()))
        } else {
            Vec::new()
        };
        for doc in seg.doc_ids_alive() {
            let Some(k) = key.ords().first(doc).and_then(|o| keys.get(o as usize)) else {
                continue;
            };
            let h = hash
                .ords()
                .first(doc)
                .and_then(|o| hashes.get(o as usize))
                .cloned()
                .unwrap_or_default();
            out.insert(
                k.clone(),
                Known {
                    size: size.first(doc).unwrap_or(0),
                    mtime: mtime.first(doc).unwrap_or(0),
                    hash: h,
                    recorded: false,
                },
            );
        }
    }
    Ok(out)
}

/// Text of a document in flight (handed to tantivy, not yet tokenized by its threads) beyond
/// which the build waits: a few hundred reports, enough to keep both threads busy.
const IN_FLIGHT_BYTES: u64 = 4 << 20;

/// The bytes of a report's document that tantivy tokenizes: the fields [`document`] adds
/// with nianbao's tokenizer (agency, title, body).
fn tokenized_len(r: &report::Report) -> u64 {
    let len = |s: &Option<String>| s.as_deref().map_or(0, str::len) as u64;
    len(&r.agency) + len(&r.title) + r.text.len() as u64
}

/// Waits until tantivy's indexing threads have tokenized all but [`IN_FLIGHT_BYTES`] of the
/// `queued` bytes handed to them. At most a second per document: while both threads write a
/// segment they tokenize nothing, and a thread that failed never will (tantivy reports that
/// at the next document or the commit).
fn wait_for_indexing(tokenized: &std::sync::atomic::AtomicU64, queued: u64) {
    let until = Instant::now() + std::time::Duration::from_secs(1);
    while queued.saturating_sub(tokenized.load(std::sync::atomic::Ordering::Relaxed))
        > IN_FLIGHT_BYTES
        && Instant::now() < until
    {
        std::thread::sleep(std::time::Duration::from_micros(500));
    }
}

/// Turns a parsed report into a document.
fn document(
    f: &Fields,
    key: &str,
    r: &report::Report,
    size: u64,
    mtime: i64,
    hash: &str,
) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    let agency = r.agency.clone().unwrap_or_default();
    let title = r.title.clone().unwrap_or_default();
    d.add_text(f.key, key);
    d.add_text(f.path, &r.path);
    d.add_text(f.agency, &agency);
    d.add_text(f.agency_text, &agency);
    d.add_text(f.title, &title);
    d.add_text(f.title_raw, &title);
    d.add_text(f.body, &r.text);
    d.add_i64(f.year, r.year.map_or(schema::NO_YEAR, i64::from));
    d.add_text(f.template, r.template.as_str());
    d.add_text(
        f.json,
        serde_json::to_string(&report::without_derived(r)).unwrap_or_default(),
    );
    d.add_bytes(f.figures, &super::figures::encode(r));
    d.add_u64(f.size, size);
    d.add_i64(f.mtime, mtime);
    d.add_u64(f.failed, r.failed_checks().count() as u64);
    d.add_text(f.hash, hash);
    d
}

/// Why bytes are not a report we index, if they are not.
fn not_a_report(path: &Path, bytes: &[u8]) -> Option<&'static str> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Some("empty file");
    }
    // PDF and DOCX files are binary by nature; their readers say what is wrong with them.
    let text_format = matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(crate::source::format_of_extension),
        Some(crate::source::Format::Txt | crate::source::Format::Md) | None
    );
    // UTF-16 is half NUL bytes: with its byte-order mark, the decoder judges it.
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if text_format && !utf16 && bytes.iter().take(8192).any(|&b| b == 0) {
        return Some("binary file, not a text report");
    }
    None
}

/// What a worker found for one file.
enum Outcome {
    Unchanged,
    /// Same content, new size or time: (size, mtime).
    Touched(u64, i64),
    Failed(String),
    Parsed(Box<report::Report>, u64, i64, String),
}

/// Looks at one file: unchanged (size and mtime, then content hash), unreadable, or parsed.
fn examine(path: &Path, old: Option<&Known>, cap: u64) -> Outcome {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return Outcome::Failed(format!("cannot read: {e}")),
    };
    let (size, mtime) = (meta.len(), mtime_nanos(&meta));
    if old.is_some_and(|k| k.size == size && k.mtime == mtime) {
        return Outcome::Unchanged;
    }
    let text_format = matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(crate::source::format_of_extension),
        Some(crate::source::Format::Txt | crate::source::Format::Md) | None
    );
    let file_cap = if text_format {
        cap
    } else {
        cap.saturating_mul(super::DOCUMENT_CAP_FACTOR)
    };
    let over = |n: u64| {
        Outcome::Failed(format!(
            "{n} bytes, over the size cap of {file_cap} bytes (--max-report-size); not read"
        ))
    };
    if size > file_cap {
        return over(size);
    }
    // Read no more than the cap, even if the file grew since it was looked at.
    let mut bytes = Vec::with_capacity(size as usize);
    let read = std::fs::File::open(path).and_then(|f| {
        use std::io::Read;
        f.take(file_cap + 1).read_to_end(&mut bytes)
    });
    if let Err(e) = read {
        return Outcome::Failed(format!("cannot read: {e}"));
    }
    if bytes.len() as u64 > file_cap {
        return over(bytes.len() as u64);
    }
    let hash = blake3::hash(&bytes).to_hex().to_string();
    if old.is_some_and(|k| k.hash == hash) {
        return Outcome::Touched(size, mtime);
    }
    if let Some(why) = not_a_report(path, &bytes) {
        return Outcome::Failed(why.to_string());
    }
    let shown = readable(path);
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        report::parse_bytes(&shown, &bytes)
    })) {
        Ok(Ok(r)) if r.text.len() as u64 > cap => Outcome::Failed(format!(
            "its text is {} bytes, over the size cap of {cap} bytes (--max-report-size); not indexed",
            r.text.len()
        )),
        Ok(Ok(r)) => Outcome::Parsed(Box::new(r), size, mtime, hash),
        // The list of failures names the file: the reason alone (not `path: path: …`).
        Ok(Err(e)) => Outcome::Failed(e.reason()),
        Err(_) => Outcome::Failed("the parser crashed on this file".into()),
    }
}

/// After a failed operation (a full disk, most likely): drops it and deletes the files it had
/// written, so they do not fill the disk until the next good run. Best effort: the index
/// stays at its last commit either way.
fn discard(writer: &mut IndexWriter) {
    let _ = writer.rollback();
    let _ = writer.garbage_collect_files().wait();
}

/// The environment variable naming a file for [`pause_after_walk_for_tests`].
pub const PAUSE_ENV: &str = "NIANBAO_TEST_PAUSE_AFTER_WALK";
/// Tests: commit after this many new documents instead of [`COMMIT_EVERY`].
pub const COMMIT_EVERY_ENV: &str = "NIANBAO_TEST_COMMIT_EVERY";
/// Tests: abort the process (as an out-of-memory abort would) after this many new documents.
pub const ABORT_ENV: &str = "NIANBAO_TEST_ABORT_AFTER";

/// A long run commits its work every this many new or changed documents, or every
/// [`COMMIT_SECONDS`]: a run that dies (out of memory, killed) loses only what came after its
/// last commit, and the next run takes up from there (the committed files are known by hash).
const COMMIT_EVERY: usize = 20_000;
const COMMIT_SECONDS: u64 = 60;

fn env_count(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// A test hook, so that "a file deleted between the walk and its reading" is tested
/// deterministically: when `NIANBAO_TEST_PAUSE_AFTER_WALK` names a file, the build creates it
/// after the walk and waits (up to a minute) until the test has deleted it. It only waits:
/// it never touches the corpus.
fn pause_after_walk_for_tests() {
    let Some(flag) = std::env::var_os(PAUSE_ENV) else {
        return;
    };
    let flag = PathBuf::from(flag);
    if std::fs::write(&flag, b"walked\n").is_err() {
        return;
    }
    let until = Instant::now() + std::time::Duration::from_secs(60);
    while flag.exists() && Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// What a walk of the corpus found besides report files.
pub(crate) struct Walked {
    /// Files that are not reports, and links not followed or leading outside the corpus.
    pub(crate) skipped: usize,
    /// Folders that could not be read.
    pub(crate) failed: Vec<FailedFile>,
    /// The folders entered, the corpus folder first; those that could not be read; the
    /// entries skipped (counted in `skipped`, links outside the corpus aside): what the
    /// build records for freshness checks (`stamps.rs`).
    pub(crate) dirs: Vec<PathBuf>,
    pub(crate) unread: Vec<PathBuf>,
    pub(crate) skipped_paths: Vec<PathBuf>,
}

/// Walks the corpus as a build reads it, calling `file` with each report file and its key.
/// `sorted`: in file-name order (a build's order, so that runs are deterministic); a check
/// that only compares does without.
pub(crate) fn walk(
    corpus: &Path,
    opts: &BuildOptions,
    sorted: bool,
    file: &mut dyn FnMut(&walkdir::DirEntry, String),
) -> Result<Walked, IndexError> {
    let mut out = Walked {
        skipped: 0,
        failed: Vec::new(),
        dirs: Vec::new(),
        unread: Vec::new(),
        skipped_paths: Vec::new(),
    };
    let outside = std::cell::Cell::new(0usize);
    // With links followed, whatever a link leads to must lie inside the corpus folder.
    let root = corpus.canonicalize().map_err(io_err(corpus))?;
    let inside = |e: &walkdir::DirEntry| {
        !e.path_is_symlink()
            || e.path()
                .canonicalize()
                .is_ok_and(|target| target.starts_with(&root))
    };
    let mut walker = walkdir::WalkDir::new(corpus).follow_links(opts.follow_links);
    if sorted {
        walker = walker.sort_by_file_name();
    }
    let walker = walker.into_iter().filter_entry(|e| {
        let ok = !opts.follow_links || inside(e);
        if !ok {
            outside.set(outside.get() + 1);
        }
        ok
    });
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let p = e.path();
                if !crate::source::is_report_file(p) {
                    out.skipped += 1;
                    out.skipped_paths.push(p.to_path_buf());
                    continue;
                }
                let key = key_of(corpus, p);
                file(&e, key);
            }
            // A link not followed (the default): counted, never read.
            Ok(e) if e.path_is_symlink() => {
                out.skipped += 1;
                out.skipped_paths.push(e.path().to_path_buf());
            }
            Ok(e) if e.file_type().is_dir() => out.dirs.push(e.into_path()),
            Ok(_) => {}
            Err(e) => {
                if let Some(p) = e.path() {
                    out.unread.push(p.to_path_buf());
                }
                // A folder that vanished or cannot be read: name it and go on (the reason
                // without the path, which the list gives).
                let path = e
                    .path()
                    .map_or_else(|| corpus.display().to_string(), |p| p.display().to_string());
                let reason = e
                    .io_error()
                    .map_or_else(|| e.to_string(), |io| format!("cannot read: {io}"));
                out.failed.push(FailedFile { path, reason });
            }
        }
    }
    out.skipped += outside.get();
    Ok(out)
}

/// Brings the index at `index_dir` up to date with `corpus`.
pub fn build(
    corpus: &Path,
    index_dir: &Path,
    opts: &BuildOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<BuildStats, IndexError> {
    let start = Instant::now();
    if !corpus.is_dir() {
        return Err(IndexError::NoCorpus(corpus.to_path_buf()));
    }
    std::fs::create_dir_all(index_dir).map_err(io_err(index_dir))?;
    let mut stats = BuildStats::default();
    // `index` checks the checksums of every index file changed since it was last verified
    // (a write or a restore changes its ctime even when size and time are kept) and scrubs
    // an eighth of the rest, those checked longest ago: damage the file system cannot see
    // (bit rot on the disk) is found within eight runs, at an eighth of the cost of reading
    // the whole index (1.5 GB at 100,000 reports) every time.
    let (index, complete) = match health(index_dir, true) {
        Ok(Health::Sound { index, complete }) => (index, complete),
        Ok(Health::Missing) => (create(index_dir)?, false),
        Err(Err(e)) => return Err(e),
        Err(Ok(reason)) => {
            progress(&Progress::Rebuilding {
                reason: reason.clone(),
            });
            stats.rebuilt = Some(reason);
            folder::wipe(index_dir)?;
            (create(index_dir)?, false)
        }
    };
    // Nothing changed since the last build (by its record, `stamps.rs`): nothing to write,
    // and nothing to say that the record does not know. What `index` costs when the corpus
    // is as it was: the checksum pass above and one `stat` per folder and file.
    if complete && stats.rebuilt.is_none() && !opts.rebuild && !opts.follow_links {
        if let Some(s) = unchanged(corpus, index_dir, &index, opts)? {
            record_options(index_dir, opts);
            return Ok(BuildStats {
                elapsed_ms: start.elapsed().as_millis() as u64,
                ..s
            });
        }
    }
    let (_, fields) = schema::build();
    // Text handed to tantivy and text its indexing threads have tokenized, in bytes: tantivy
    // queues up to 10,000 documents for its threads, and parsing runs ahead of them, so
    // without a bound the queue alone held some 150 MB of documents.
    let tokenized = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut queued = 0u64;
    index.tokenizers().register(
        super::tokenizer::NAME,
        tantivy::tokenizer::TextAnalyzer::from(super::tokenizer::CjkTokenizer::counting(
            tokenized.clone(),
        )),
    );
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
    let mut writer: IndexWriter = match index.writer_with_num_threads(threads, WRITER_MEMORY) {
        Ok(w) => w,
        Err(tantivy::TantivyError::LockFailure(LockError::LockBusy, _)) => {
            return Err(IndexError::Locked(index_dir.to_path_buf()))
        }
        Err(e) => return Err(e.into()),
    };
    // A run killed mid-operation leaves the files of its uncommitted operation behind, and the
    // next operation would reuse their names (tantivy derives them from the last committed
    // opstamp) and fail with FileAlreadyExists: remove every file the last commit does not use.
    writer.garbage_collect_files().wait()?;
    writer.set_merge_policy(Box::new(super::merges::BoundedMerges));
    let old_recorded = read_recorded(index_dir);
    let known = if opts.rebuild {
        writer.delete_all_documents()?;
        HashMap::new()
    } else {
        let mut k = guard(|| known_files(&index))
            .map_err(|_| crashed(index_dir, "listing the indexed files crashed"))??;
        apply_recorded(&mut k, &old_recorded);
        k
    };
    let mut recorded = Recorded::new();
    let mut failed_now = std::collections::BTreeMap::new();

    // Walk first, so the progress bar knows the total.
    let walk_start = std::time::SystemTime::now();
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let walked = walk(corpus, opts, true, &mut |e, key| {
        files.push((e.path().to_path_buf(), key));
        if files.len() % 1000 == 0 {
            progress(&Progress::Scanning { found: files.len() });
            pause_after_walk_for_tests();
        }
    })?;
    stats.skipped += walked.skipped;
    stats.failed.extend(walked.failed.iter().cloned());
    progress(&Progress::Scanning { found: files.len() });
    pause_after_walk_for_tests();

    let total = files.len();
    // Keys borrowed from `files`: a million keys copied were ~80 MB more.
    let mut seen: HashSet<&str> = HashSet::with_capacity(total);
    // What became of each file, for the record of this build.
    let mut states = vec![stamps::FileState::Unknown; total];
    // Reading, hashing and parsing run on worker threads (the parser is most of the cost);
    // this thread adds documents in walk order.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Outcome)>(256);
    let rebuild = opts.rebuild;
    let cap = opts
        .max_report_bytes
        .unwrap_or(super::DEFAULT_MAX_REPORT_BYTES);
    let added = std::thread::scope(|scope| -> Result<(), IndexError> {
        for _ in 0..workers {
            let tx = tx.clone();
            let (files, known, next) = (&files, &known, &next);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((path, key)) = files.get(i) else {
                    break;
                };
                let old = if rebuild { None } else { known.get(key) };
                if tx.send((i, examine(path, old, cap))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        // Results arrive out of order; hold them until their turn, so runs are deterministic.
        let mut held: HashMap<usize, Outcome> = HashMap::new();
        let mut want = 0;
        let commit_every = env_count(COMMIT_EVERY_ENV).unwrap_or(COMMIT_EVERY).max(1);
        let abort_after = env_count(ABORT_ENV);
        let (mut pending, mut written, mut since) = (0usize, 0usize, Instant::now());
        for (i, o) in rx {
            held.insert(i, o);
            while let Some(o) = held.remove(&want) {
                let (path, key) = &files[want];
                if want % 64 == 0 || want + 1 == total {
                    progress(&Progress::Indexing {
                        done: want,
                        total,
                        path: path.display().to_string(),
                    });
                }
                want += 1;
                match o {
                    Outcome::Unchanged => {
                        stats.unchanged += 1;
                        if let Some(k) = known.get(key) {
                            states[want - 1] = stamps::FileState::Indexed(k.size, k.mtime);
                        }
                        if let Some(k) = known.get(key).filter(|k| k.recorded) {
                            recorded.insert(key.clone(), (k.size, k.mtime, k.hash.clone()));
                        }
                        seen.insert(key.as_str());
                    }
                    Outcome::Touched(size, mtime) => {
                        stats.unchanged += 1;
                        states[want - 1] = stamps::FileState::Indexed(size, mtime);
                        stats.touched += 1;
                        if let Some(k) = known.get(key) {
                            recorded.insert(key.clone(), (size, mtime, k.hash.clone()));
                        }
                        seen.insert(key.as_str());
                    }
                    Outcome::Failed(reason) => {
                        if let Ok(m) = std::fs::metadata(path) {
                            let stamp = (m.len(), mtime_nanos(&m));
                            failed_now.insert(key.clone(), stamp);
                            states[want - 1] = stamps::FileState::Failed(stamp.0, stamp.1);
                        }
                        stats.failed.push(FailedFile {
                            path: path.display().to_string(),
                            reason,
                        })
                    }
                    Outcome::Parsed(r, size, mtime, hash) => {
                        if known.contains_key(key) {
                            writer.delete_term(Term::from_field_text(fields.key, key));
                            stats.updated += 1;
                        } else {
                            stats.added += 1;
                        }
                        queued += tokenized_len(&r);
                        wait_for_indexing(&tokenized, queued);
                        writer.add_document(document(&fields, key, &r, size, mtime, &hash))?;
                        states[want - 1] = stamps::FileState::Indexed(size, mtime);
                        seen.insert(key.as_str());
                        pending += 1;
                        written += 1;
                        if abort_after.is_some_and(|n| written >= n) {
                            std::process::abort();
                        }
                        if pending >= commit_every || since.elapsed().as_secs() >= COMMIT_SECONDS {
                            // Not the last commit: removals wait for the end, and the index
                            // stays incomplete (never answered from) until the first run ends.
                            writer.commit()?;
                            (pending, since) = (0, Instant::now());
                        }
                    }
                }
            }
        }
        Ok(())
    });
    if let Err(e) = added {
        discard(&mut writer);
        return Err(e);
    }
    // Every file's key, for the known keys not seen (a file that failed is not removed).
    let mut listed: Option<HashSet<&str>> = None;
    for key in known.keys() {
        if !seen.contains(key.as_str()) {
            writer.delete_term(Term::from_field_text(fields.key, key));
            let listed =
                listed.get_or_insert_with(|| files.iter().map(|(_, k)| k.as_str()).collect());
            if !listed.contains(key.as_str()) {
                stats.removed += 1;
            }
        }
    }
    stats.reports = seen.len();
    let changed = stats.added + stats.updated + stats.removed > 0
        || opts.rebuild
        || stats.rebuilt.is_some()
        || known.len() != seen.len()
        || !complete;
    if changed {
        progress(&Progress::Committing);
        if let Err(e) = writer.commit() {
            discard(&mut writer);
            return Err(e.into());
        }
    }
    // After a commit every document handed over is indexed: the count must have kept up, or
    // `wait_for_indexing` waits for nothing.
    debug_assert!(!changed || tokenized.load(std::sync::atomic::Ordering::Relaxed) == queued);
    // Merges started by the commit: finish them rather than leave many small segments.
    writer.wait_merging_threads()?;
    if !complete {
        // Only now is the index a true picture of the corpus; until this is written, read
        // commands treat it as missing.
        folder::write_marker(index_dir, true).map_err(io_err(index_dir))?;
    }
    // The files this run wrote are sound: record them as verified, so that the next open does
    // not read the whole index again to check its checksums (seconds at 100,000 reports).
    // A file changed later changes the listing and is checked again.
    if changed {
        Verified::read(index_dir).write(index_dir, &listing(index_dir), &HashSet::new());
    }
    // After the commit: a record written before it could describe files the index lacks.
    if recorded != old_recorded {
        let path = index_dir.join(MTIMES_FILE);
        let written = if recorded.is_empty() {
            std::fs::remove_file(&path)
        } else {
            serde_json::to_vec(&recorded)
                .map_err(std::io::Error::other)
                .and_then(|b| write_atomic(&path, &b))
        };
        // Best effort: without the record those files are only hashed again next time.
        let _ = written;
    }
    record_options(index_dir, opts);
    let failed_now = FailedRecord {
        cap,
        files: failed_now,
    };
    if failed_now != read_failed(index_dir) {
        let path = index_dir.join(FAILED_FILE);
        // Best effort: without the record, a freshness check finds those files again and
        // the next command reads them again.
        let _ = if failed_now.files.is_empty() {
            std::fs::remove_file(&path)
        } else {
            serde_json::to_vec(&failed_now)
                .map_err(std::io::Error::other)
                .and_then(|b| write_atomic(&path, &b))
        };
    }
    // Last, once the index and its records are as this run leaves them: the record a
    // freshness check compares with, naming the commit it describes.
    if opts.follow_links {
        stamps::remove(index_dir);
    } else {
        // Under the writer's lock again: the commit named must be this run's, not one another
        // process made since this run let the lock go.
        let lock = index
            .directory()
            .acquire_lock(&tantivy::directory::INDEX_WRITER_LOCK);
        let view = lock
            .as_ref()
            .ok()
            .and_then(|_| index.load_metas().ok())
            .map(|m| stamps::view_of_metas(&m));
        match view {
            Some(view) => {
                let record = stamps::Seen {
                    start: walk_start,
                    dirs: &walked.dirs,
                    unread: &walked.unread,
                    skipped: &walked.skipped_paths,
                    files: files
                        .iter()
                        .zip(&states)
                        .map(|((p, _), s)| (p.as_path(), *s))
                        .collect(),
                };
                stamps::write(index_dir, view, cap, corpus, &record);
            }
            None => stamps::remove(index_dir),
        }
        drop(lock);
    }
    stats.elapsed_ms = start.elapsed().as_millis() as u64;
    Ok(stats)
}

/// Records the options of this build for later updates (see [`update_options`]).
fn record_options(index_dir: &Path, opts: &BuildOptions) {
    let used = RecordedOptions {
        follow_links: opts.follow_links,
        max_report_bytes: opts.max_report_bytes,
    };
    let path = index_dir.join(OPTIONS_FILE);
    // Best effort: without it, the next update reads with the defaults (and says what it did).
    let _ = if used == RecordedOptions::default() {
        std::fs::remove_file(&path)
    } else {
        serde_json::to_vec(&used)
            .map_err(std::io::Error::other)
            .and_then(|b| write_atomic(&path, &b))
    };
}

/// What a build would report when the record of the last one (`stamps.rs`) shows the corpus
/// as it was and nothing the record cannot account for: `None` when a build must look.
fn unchanged(
    corpus: &Path,
    index_dir: &Path,
    index: &tantivy::Index,
    opts: &BuildOptions,
) -> Result<Option<BuildStats>, IndexError> {
    let reader =
        guard(|| index.reader()).map_err(|_| crashed(index_dir, "reading it crashed"))??;
    let searcher = reader.searcher();
    let view = super::stamps::view(&searcher);
    let cap = super::stamps::cap(opts);
    Ok(match stamps::check(corpus, index_dir, view, cap) {
        Some(c) if c.clean && c.stale.is_fresh() => {
            let n = searcher.num_docs() as usize;
            Some(BuildStats {
                unchanged: n,
                reports: n,
                skipped: c.skipped,
                ..BuildStats::default()
            })
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(n: usize, len: u64) -> Vec<Listed> {
        (0..n)
            .map(|i| Listed {
                name: format!("f{i:03}"),
                len,
                ident: format!("id{i}"),
            })
            .collect()
    }

    /// Simulates runs of `index` with nothing changed: each scrubs, then records what it
    /// checked as checked at that run. Returns how many runs it takes to read every file.
    fn runs_to_cover(listing: &[Listed]) -> usize {
        // As the build left it: every file verified at "run 0".
        let mut last = Verified(
            listing
                .iter()
                .map(|f| (f.name.clone(), (f.ident.clone(), 0)))
                .collect(),
        );
        let mut seen = HashSet::new();
        for run in 1..=1000u64 {
            let picked = scrub(listing, &last, &HashSet::new());
            let total: u64 = picked
                .iter()
                .map(|n| listing.iter().find(|f| f.name == *n).map_or(0, |f| f.len))
                .sum();
            let largest = listing.iter().map(|f| f.len).max().unwrap_or(0);
            let all: u64 = listing.iter().map(|f| f.len).sum();
            let budget = all.div_ceil(SCRUB_RUNS).min(SCRUB_MAX_BYTES);
            assert!(!picked.is_empty(), "a run scrubs at least one file");
            assert!(
                total < budget + largest,
                "run {run} read {total} bytes, over the budget {budget}"
            );
            for f in listing {
                let checked = picked.contains(&f.name);
                let at = match last.0.get(&f.name) {
                    Some((_, at)) if !checked => *at,
                    _ => run,
                };
                last.0.insert(f.name.clone(), (f.ident.clone(), at));
            }
            seen.extend(picked);
            if seen.len() == listing.len() {
                return run as usize;
            }
        }
        panic!("the scrub never reached every file");
    }

    #[test]
    fn a_small_index_is_scrubbed_whole_within_eight_runs() {
        // 80 files of 10 MB: 800 MB, an eighth is 100 MB (under the cap).
        assert_eq!(runs_to_cover(&listed(80, 10 << 20)), 8);
    }

    #[test]
    fn a_large_index_reads_at_most_the_cap_a_run_and_is_still_covered() {
        // 200 files of 64 MB: 12.5 GB, an eighth would be 1.6 GB; the cap is 256 MB (4 files).
        assert_eq!(runs_to_cover(&listed(200, 64 << 20)), 50);
    }
}
