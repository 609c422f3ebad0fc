//! Whether the index still pictures the corpus: each report file's size and modification time
//! against what the index holds for it, without opening a single report.
//!
//! A build compares the same way before it reads anything (see `build::examine`), so a check
//! that finds nothing means a build would change nothing; it costs one `stat` per file and a
//! pass over the index's key, size and time columns, with no lock and no write.

use super::build::{self, FailedRecord};
pub use super::files::Staleness;
use super::files::{mtime_nanos, walk_plain};
use super::stamps;
use super::stamps::{cap, view};
use super::{BuildOptions, Index, IndexError};
use std::path::Path;

/// Compares the corpus with `index` as a build with `opts` would see it: against the record
/// of the last build (`stamps.rs`) when it describes this index's commit, else by walking.
pub fn check(corpus: &Path, index: &Index, opts: &BuildOptions) -> Result<Staleness, IndexError> {
    if !corpus.is_dir() {
        return Err(IndexError::NoCorpus(corpus.to_path_buf()));
    }
    if !opts.follow_links {
        let view = view(&index.inner.searcher);
        if let Some(c) = stamps::check(corpus, index.dir(), view, cap(opts)) {
            return Ok(c.stale);
        }
    }
    check_walking(corpus, index, opts)
}

/// A freshness check made while the index is being opened: against the record of the last
/// build, for the commit the record describes. It says something about an index only if that
/// index sees that commit ([`Early::for_index`]).
#[derive(Debug)]
pub struct Early {
    view: [u8; 32],
    stale: Staleness,
}

impl Early {
    /// What the check found, if `index` sees the commit it was made for; `None` otherwise
    /// (then [`check`] it).
    pub fn for_index(self, index: &Index) -> Option<Staleness> {
        (view(&index.inner.searcher) == self.view).then_some(self.stale)
    }
}

/// Starts [`check`] before the index is open (a command opens the index meanwhile): `None`
/// when there is no usable record (then [`check`] after opening, which may walk the corpus).
pub fn check_early(corpus: &Path, index_dir: &Path, opts: &BuildOptions) -> Option<Early> {
    if opts.follow_links || !corpus.is_dir() {
        return None;
    }
    if let Some(view) = super::vouch::ask(corpus, index_dir, opts) {
        trace_vouched();
        return Some(Early {
            view,
            stale: Staleness::default(),
        });
    }
    let (view, c) = stamps::check_recorded(corpus, index_dir, cap(opts))?;
    Some(Early {
        view,
        stale: c.stale,
    })
}

/// Whether a running `index --watch` vouches that `index` (the commit it sees) pictures the
/// corpus as a build with `opts` would (`vouch.rs`): then [`check`] may be skipped.
pub fn vouched(corpus: &Path, index: &Index, opts: &BuildOptions) -> bool {
    let yes = super::vouch::ask(corpus, index.dir(), opts) == Some(view(&index.inner.searcher));
    if yes {
        trace_vouched();
    }
    yes
}

/// How many checks this process skipped on a watcher's word: what a test of a caller that
/// cannot be watched from outside (the browser's loader) reads.
pub fn vouches_taken() -> u64 {
    VOUCHES.load(std::sync::atomic::Ordering::Relaxed)
}

static VOUCHES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Counts a check skipped; `NIANBAO_TRACE=1`: says so on stderr.
fn trace_vouched() {
    VOUCHES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if std::env::var_os("NIANBAO_TRACE").is_some() {
        eprintln!("nianbao: trace: the index is fresh, vouched for by `index --watch`");
    }
}

/// [`check`] by walking the corpus and reading the index's columns, without the record: what
/// the record is measured and tested against.
pub fn check_walking(
    corpus: &Path,
    index: &Index,
    opts: &BuildOptions,
) -> Result<Staleness, IndexError> {
    if !corpus.is_dir() {
        return Err(IndexError::NoCorpus(corpus.to_path_buf()));
    }
    let dir = index.dir();
    let recorded = build::read_recorded(dir);
    let mut known = build::guard(|| build::known_in(&index.inner.searcher, !recorded.is_empty()))
        .map_err(|_| build::crashed(dir, "listing the indexed files crashed"))??;
    build::apply_recorded(&mut known, &recorded);
    let cap = opts
        .max_report_bytes
        .unwrap_or(super::DEFAULT_MAX_REPORT_BYTES);
    let failed = build::read_failed(dir);
    let failed = if failed.cap == cap {
        failed
    } else {
        FailedRecord::default()
    };
    let mut out = Staleness::default();
    let mut compare = |key: String, meta: Option<std::fs::Metadata>| {
        // A file that cannot be looked at now is one a build would fail on: changed.
        let stamp = meta.map(|m| (m.len(), mtime_nanos(&m)));
        // Removed from `known` when found: what is left at the end is gone from the corpus.
        match known.remove(&key) {
            Some(k) if stamp == Some((k.size, k.mtime)) => {}
            Some(_) => out.changed.push(key),
            None if stamp.is_some() && failed.files.get(&key).copied() == stamp => {}
            None => out.added.push(key),
        }
    };
    if opts.follow_links {
        build::walk(corpus, opts, false, &mut |e, key| {
            compare(key, e.metadata().ok())
        })?;
    } else {
        walk_plain(corpus, corpus, Some(String::new()), &mut compare);
    }
    out.removed = known.into_keys().collect();
    out.added.sort();
    out.changed.sort();
    out.removed.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cheap walk finds the files the build's walk finds, under the same keys: otherwise
    /// every command would find the index stale, or miss a change.
    #[test]
    fn the_cheap_walk_gives_the_builds_files_and_keys() {
        let t = tempfile::tempdir().unwrap();
        let corpus = t.path().join("corpus");
        for f in [
            "甲局/2023.txt",
            "甲局/2024.html",
            "甲局/notes.md",
            "乙/丙/深层/2022.docx",
            "2021.txt",
            ".hidden/2020.txt",
            "甲局/photo.jpg",
        ] {
            let p = corpus.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"x").unwrap();
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let name = std::ffi::OsStr::from_bytes(b"\xb6\xfe\xc1\xe3");
            std::fs::create_dir_all(corpus.join(name)).unwrap();
            std::fs::write(corpus.join(name).join("2019.txt"), b"x").unwrap();
            std::fs::write(corpus.join("乙").join(name).with_extension("txt"), b"x").unwrap();
            std::os::unix::fs::symlink(corpus.join("甲局"), corpus.join("链接")).unwrap();
        }
        for given in [corpus.clone(), corpus.join(""), t.path().join("./corpus")] {
            let mut built = Vec::new();
            build::walk(&given, &BuildOptions::default(), true, &mut |_, k| {
                built.push(k)
            })
            .unwrap();
            let mut cheap = Vec::new();
            walk_plain(&given, &given, Some(String::new()), &mut |k, m| {
                assert!(m.is_some(), "{k}");
                cheap.push(k)
            });
            built.sort();
            cheap.sort();
            assert_eq!(cheap, built, "{}", given.display());
            assert!(built.len() >= 6, "{built:?}");
        }
    }

    fn write(corpus: &Path, rel: &str, text: &str) {
        let p = corpus.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn report(agency: &str, year: u32) -> String {
        format!(
            "{agency}{year}年政府信息公开工作年度报告\n一、总体情况\n本年度共收到申请{year}件。\n"
        )
    }

    fn keys(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// The record of the last build answers as the walk does, for every kind of change, and is
    /// the one that answers.
    #[test]
    fn the_builds_record_sees_every_change_the_walk_sees() {
        let t = tempfile::tempdir().unwrap();
        let corpus = t.path().join("corpus");
        for (i, d) in ["甲", "乙", "丙", "丁", "戊", "己", "庚/辛/壬"]
            .iter()
            .enumerate()
        {
            write(
                &corpus,
                &format!("{d}/2023.txt"),
                &report(&format!("{i}号局"), 2023),
            );
        }
        // Folders older than the racy margin when the build reads them: their times are
        // trusted, so the path that does not read them is the one tested.
        std::thread::sleep(std::time::Duration::from_millis(2100));
        let dir = t.path().join("index");
        let opts = BuildOptions::default();
        let built = build::build(&corpus, &dir, &opts, &mut |_| {}).unwrap();
        assert_eq!(built.added, 7);
        let index = Index::open(&dir).unwrap();
        let compare = |want: &Staleness| {
            let rec = stamps::check(&corpus, &dir, view(&index.inner.searcher), cap(&opts))
                .expect("the record is used");
            let walked = check_walking(&corpus, &index, &opts).unwrap();
            assert_eq!(&walked, want);
            assert_eq!(&rec.stale, want);
            assert_eq!(&check(&corpus, &index, &opts).unwrap(), want);
        };
        // The corpus folder and nine below it, every one trusted.
        assert_eq!(stamps::trusted(&dir), (10, 10));
        let mut want = Staleness::default();
        compare(&want);
        // Same size, new content and time, its folder untouched.
        let p = corpus.join("甲/2023.txt");
        let text = std::fs::read_to_string(&p)
            .unwrap()
            .replace("2023件", "2024件");
        std::fs::write(&p, &text).unwrap();
        let f = std::fs::File::options().write(true).open(&p).unwrap();
        f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
            .unwrap();
        want.changed = keys(&["甲/2023.txt"]);
        compare(&want);
        std::fs::remove_file(corpus.join("乙/2023.txt")).unwrap();
        want.removed = keys(&["乙/2023.txt"]);
        compare(&want);
        write(&corpus, "丙/新/深/2024.txt", &report("丙局", 2024));
        write(&corpus, "丁/2024.txt", &report("丁局", 2024));
        want.added = keys(&["丁/2024.txt", "丙/新/深/2024.txt"]);
        compare(&want);
        std::fs::rename(corpus.join("戊"), corpus.join("戊二")).unwrap();
        want.added.push("戊二/2023.txt".into());
        want.removed.push("戊/2023.txt".into());
        std::fs::remove_dir_all(corpus.join("庚/辛")).unwrap();
        want.removed.push("庚/辛/壬/2023.txt".into());
        // Not reports: nothing for the index.
        write(&corpus, "己/photo.jpg", "x");
        write(&corpus, "己/notes.md", "x");
        want.added.sort();
        want.removed.sort();
        compare(&want);

        // Brought up to date, the next `index` is answered from the record: the same figures.
        let s = build::build(&corpus, &dir, &opts, &mut |_| {}).unwrap();
        assert_eq!((s.added, s.updated, s.removed), (3, 1, 3), "{s:?}");
        assert_eq!(s.skipped, 2);
        let again = build::build(&corpus, &dir, &opts, &mut |_| {}).unwrap();
        assert_eq!(
            (
                again.unchanged,
                again.reports,
                again.skipped,
                again.failed.len()
            ),
            (s.reports, s.reports, 2, 0)
        );
        // A file that cannot be indexed is reported by every `index`: no answer from the record.
        write(&corpus, "己/2022.txt", "   ");
        for _ in 0..2 {
            let s = build::build(&corpus, &dir, &opts, &mut |_| {}).unwrap();
            assert_eq!(s.failed.len(), 1, "{s:?}");
        }
    }

    /// A folder changed right after the build read it keeps times the build may have seen: it
    /// is read again by every check rather than trusted.
    #[test]
    fn a_folder_changed_right_after_the_build_is_still_read() {
        let t = tempfile::tempdir().unwrap();
        let corpus = t.path().join("corpus");
        write(&corpus, "甲/2023.txt", &report("甲局", 2023));
        let dir = t.path().join("index");
        let opts = BuildOptions::default();
        build::build(&corpus, &dir, &opts, &mut |_| {}).unwrap();
        let index = Index::open(&dir).unwrap();
        write(&corpus, "甲/2024.txt", &report("甲局", 2024));
        let rec = stamps::check(&corpus, &dir, view(&index.inner.searcher), cap(&opts))
            .expect("the record is used");
        assert_eq!(rec.stale.added, keys(&["甲/2024.txt"]));
        assert_eq!(stamps::trusted(&dir), (2, 0));
        // Once the folders are older than the margin, the next `index` records their times
        // (a full build, not an answer from the record, which would keep them racy).
        std::thread::sleep(std::time::Duration::from_millis(2100));
        build::build(&corpus, &dir, &opts, &mut |_| {}).unwrap();
        build::build(&corpus, &dir, &opts, &mut |_| {}).unwrap();
        assert_eq!(stamps::trusted(&dir), (2, 2));
    }

    /// The record describes one commit: an index opened before a later build does not take
    /// the later record's word.
    #[test]
    fn the_record_of_another_commit_is_not_used() {
        let t = tempfile::tempdir().unwrap();
        let corpus = t.path().join("corpus");
        write(&corpus, "甲/2023.txt", &report("甲局", 2023));
        let dir = t.path().join("index");
        let opts = BuildOptions::default();
        build::build(&corpus, &dir, &opts, &mut |_| {}).unwrap();
        let old = Index::open(&dir).unwrap();
        write(&corpus, "甲/2024.txt", &report("甲局", 2024));
        build::build(&corpus, &dir, &opts, &mut |_| {}).unwrap();
        assert!(stamps::check(&corpus, &dir, view(&old.inner.searcher), cap(&opts)).is_none());
        assert_eq!(
            check(&corpus, &old, &opts).unwrap().added,
            keys(&["甲/2024.txt"])
        );
        let new = Index::open(&dir).unwrap();
        assert!(check(&corpus, &new, &opts).unwrap().is_fresh());
    }

    /// A name that is not UTF-8 (an old GBK archive) is compared under the key the build
    /// gives it, on the record's path as on the walk's.
    #[cfg(unix)]
    #[test]
    fn a_file_whose_name_is_not_utf8_is_seen_changing() {
        use std::os::unix::ffi::OsStrExt;
        let t = tempfile::tempdir().unwrap();
        let corpus = t.path().join("corpus");
        let gbk = std::ffi::OsStr::from_bytes(b"\xb6\xfe\xc1\xe3");
        let folder = corpus.join(gbk);
        std::fs::create_dir_all(&folder).unwrap();
        let file = folder.join(gbk).with_extension("txt");
        std::fs::write(&file, report("甲局", 2023)).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(2100));
        let dir = t.path().join("index");
        let opts = BuildOptions::default();
        assert_eq!(
            build::build(&corpus, &dir, &opts, &mut |_| {})
                .unwrap()
                .added,
            1
        );
        let index = Index::open(&dir).unwrap();
        assert_eq!(stamps::trusted(&dir), (2, 2));
        let text = report("乙局", 2023);
        std::fs::write(&file, &text).unwrap();
        let f = std::fs::File::options().write(true).open(&file).unwrap();
        f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
            .unwrap();
        let rec = stamps::check(&corpus, &dir, view(&index.inner.searcher), cap(&opts))
            .expect("the record is used");
        let walked = check_walking(&corpus, &index, &opts).unwrap();
        assert_eq!(rec.stale, walked);
        assert_eq!(
            walked.changed,
            [super::super::files::key_of(&corpus, &file)]
        );
        assert!(walked.added.is_empty() && walked.removed.is_empty());
    }
}
