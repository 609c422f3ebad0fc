//! Reading the index's files into the page cache before the searches that need them.
//!
//! tantivy maps its files into memory, so a search reads from the disk whatever is not in the
//! page cache. After a reboot, or after other work pushed the index out, the first keystrokes
//! of a session waited on the disk: at 100,000 reports with the caches dropped, first hits up
//! to 85–112 ms and complete results up to 200–204 ms (README "Speed"), where 5 and 50 are
//! asked.
//! Lucene offers the same remedy (`MMapDirectory` preload, Elasticsearch's
//! `index.store.preload`). Here the browser asks for it on an idle-priority thread; one-shot
//! commands do not, since they would read far more than their one query needs.
//!
//! Only pages not already cached are read, found with `mincore`, so a warm index costs a
//! look at each file's pages. Reads are one megabyte at a time, one in flight, so a search's
//! own reads wait behind at most one of them, and on Linux the bytes are not copied into the
//! program ([`fill`]). Files go in the order searches need them (term dictionaries and
//! per-document columns first, then postings, positions and stored reports), until a byte
//! budget is spent: an index larger than memory keeps the parts every query reads.

use std::path::Path;

/// What a preload did, in bytes of index files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Preloaded {
    /// Read from the disk into the page cache.
    pub read: u64,
    /// Found in the page cache already.
    pub resident: u64,
    /// Left unread because the budget was spent (or a file could not be looked at).
    pub left: u64,
}

/// Segment file kinds, in the order a search needs them.
const ORDER: [&str; 6] = ["term", "fieldnorm", "fast", "idx", "pos", "store"];

/// Bytes read at a time.
const CHUNK: u64 = 1 << 20;

/// Reads into the page cache what is not there of the files of `segments` (tantivy's segment
/// ids, as `uuid_string` gives them) in `dir`, at most `budget` bytes.
pub fn preload(dir: &Path, segments: &[String], budget: u64) -> Preloaded {
    let mut done = Preloaded::default();
    // Only where the bytes must be copied out ([`fill`]): made then, once.
    let mut buf = Vec::new();
    for ext in ORDER {
        for seg in segments {
            let path = dir.join(format!("{seg}.{ext}"));
            file(&path, budget, &mut done, &mut buf);
        }
    }
    done
}

/// How many bytes of memory a preload may fill: half of what the kernel says is available,
/// so that the index never pushes out the memory other programs use.
pub fn default_budget() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| mem_available(&m))
        .map_or(1 << 30, |b| b / 2)
}

/// `MemAvailable` of /proc/meminfo, in bytes.
fn mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?;
    let kb: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    kb.checked_mul(1024)
}

#[cfg(unix)]
fn file(path: &Path, budget: u64, done: &mut Preloaded, buf: &mut Vec<u8>) {
    let Ok(f) = std::fs::File::open(path) else {
        return;
    };
    let len = f.metadata().map_or(0, |m| m.len());
    if len == 0 {
        return;
    }
    let Some(pages) = residency(&f, len) else {
        done.left += len;
        return;
    };
    let page = page_size();
    let mut at = 0u64;
    // Runs of pages not in the cache, read a chunk at a time.
    while at < len {
        let i = (at / page) as usize;
        if pages.get(i).is_some_and(|p| p & 1 == 1) {
            let end = ((i as u64 + 1) * page).min(len);
            done.resident += end - at;
            at = end;
            continue;
        }
        let mut end = at;
        while end < len
            && end - at < CHUNK
            && pages.get((end / page) as usize).is_some_and(|p| p & 1 == 0)
        {
            end = ((end / page + 1) * page).min(len);
        }
        let want = end - at;
        if done.read + want > budget {
            done.left += len - at;
            return;
        }
        match fill(&f, at, end, page, buf) {
            Some(()) => {
                done.read += want;
                at = end;
            }
            None => {
                // Cut short or unreadable: what is left is left.
                done.left += len - at;
                return;
            }
        }
    }
}

/// Brings bytes `at..end` of `f` into the page cache; `None` when they cannot be read.
///
/// Linux: `readahead(2)` fills the cache without copying the bytes into the program, then a
/// one-byte read of the range's last page waits for it, so that one range at a time is in
/// flight. Copying them out with `pread` instead cost 23 s of system CPU for the 10 GB of a
/// million-report index on this virtual machine (94% of it in the kernel's copy, most likely
/// host faults on pages the guest had handed back), against 2.4 s; at 100,000 reports the two
/// were even.
#[cfg(unix)]
fn fill(f: &std::fs::File, at: u64, end: u64, page: u64, buf: &mut Vec<u8>) -> Option<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        use std::os::unix::fs::FileExt;
        let offset = libc::off64_t::try_from(at).ok()?;
        // SAFETY: a valid descriptor; readahead only fills the page cache.
        let r = unsafe { libc::readahead(f.as_raw_fd(), offset, (end - at) as usize) };
        if r == 0 {
            let last = (end - 1) / page * page;
            return matches!(f.read_at(&mut [0u8; 1], last), Ok(1)).then_some(());
        }
        // A file system without readahead: read the bytes instead.
    }
    let _ = page;
    if buf.is_empty() {
        buf.resize(CHUNK as usize, 0);
    }
    read_range(f, at, end, buf)
}

/// Reads bytes `at..end` of `f` through `buf`, which the page cache keeps.
#[cfg(unix)]
fn read_range(f: &std::fs::File, mut at: u64, end: u64, buf: &mut [u8]) -> Option<()> {
    use std::os::unix::fs::FileExt;
    while at < end {
        let want = ((end - at) as usize).min(buf.len());
        match f.read_at(&mut buf[..want], at) {
            Ok(0) | Err(_) => return None,
            Ok(n) => at += n as u64,
        }
    }
    Some(())
}

#[cfg(not(unix))]
fn file(path: &Path, _: u64, done: &mut Preloaded, _: &mut Vec<u8>) {
    done.left += std::fs::metadata(path).map_or(0, |m| m.len());
}

#[cfg(unix)]
fn page_size() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 {
        p as u64
    } else {
        4096
    }
}

/// One byte per page of `f`: bit 0 set when the page is in the page cache.
#[cfg(unix)]
fn residency(f: &std::fs::File, len: u64) -> Option<Vec<u8>> {
    // SAFETY: the map is only handed to `mincore`, which reads no byte of it; a file cut
    // short meanwhile cannot fault it.
    let map = unsafe { memmap2::Mmap::map(f) }.ok()?;
    let page = page_size();
    let mut pages = vec![0u8; len.div_ceil(page) as usize];
    // SAFETY: `map` is a live mapping of `map.len()` bytes, page-aligned; `pages` holds one
    // byte per page of it.
    let r = unsafe {
        libc::mincore(
            map.as_ptr() as *mut libc::c_void,
            map.len(),
            pages.as_mut_ptr().cast(),
        )
    };
    (r == 0).then_some(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mem_available_is_read_in_bytes() {
        let m = "MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   22000000 kB\n";
        assert_eq!(mem_available(m), Some(22_000_000 * 1024));
        assert_eq!(mem_available("MemTotal: 1 kB\n"), None);
        assert_eq!(mem_available("MemAvailable: lots kB\n"), None);
    }

    /// Evicts `path` from the page cache where the file system allows it (not tmpfs).
    #[cfg(target_os = "linux")]
    fn evict(path: &Path) {
        use std::os::fd::AsRawFd;
        let f = std::fs::File::open(path).unwrap();
        // SAFETY: a valid descriptor; DONTNEED only drops clean cached pages.
        unsafe { libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
    }

    fn resident_pages(path: &Path) -> (usize, usize) {
        let f = std::fs::File::open(path).unwrap();
        let len = f.metadata().unwrap().len();
        let p = residency(&f, len).unwrap();
        (p.iter().filter(|b| *b & 1 == 1).count(), p.len())
    }

    #[test]
    fn every_byte_is_counted_once_and_the_budget_holds() {
        let t = tempfile::tempdir().unwrap();
        let seg = "0123456789abcdef0123456789abcdef".to_string();
        let mut total = 0;
        for (ext, size) in [("term", 3 * CHUNK + 17), ("idx", 5000), ("pos", 1)] {
            let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            std::fs::write(t.path().join(format!("{seg}.{ext}")), &bytes).unwrap();
            total += size;
        }
        // Not a segment file kind, and another segment's file: never read.
        std::fs::write(t.path().join(format!("{seg}.json")), b"{}").unwrap();
        std::fs::write(t.path().join("ffffffffffffffffffffffffffffffff.term"), b"x").unwrap();
        let segs = [seg.clone()];

        #[cfg(target_os = "linux")]
        for e in ["term", "idx", "pos"] {
            let p = t.path().join(format!("{seg}.{e}"));
            std::fs::File::open(&p).unwrap().sync_all().unwrap();
            evict(&p);
        }
        // Pages the file system let go of: those the preload must read (none on tmpfs).
        let evicted: usize = ["term", "idx", "pos"]
            .iter()
            .map(|e| {
                let (r, n) = resident_pages(&t.path().join(format!("{seg}.{e}")));
                n - r
            })
            .sum();
        let none = preload(t.path(), &segs, 0);
        assert_eq!(none.read, 0);
        assert_eq!(none.read + none.resident + none.left, total);

        let one = preload(t.path(), &segs, CHUNK);
        assert!(one.read <= CHUNK, "{one:?}");
        assert_eq!(one.read + one.resident + one.left, total);

        let all = preload(t.path(), &segs, u64::MAX);
        assert_eq!(all.left, 0, "{all:?}");
        assert_eq!(all.read + all.resident, total);
        if evicted > 0 {
            assert!(one.read > 0, "{evicted} pages evicted, none read: {one:?}");
        }
        for e in ["term", "idx", "pos"] {
            let path = t.path().join(format!("{seg}.{e}"));
            // readahead returns before the middle of a range has arrived: wait for it.
            let start = std::time::Instant::now();
            while resident_pages(&path).0 < resident_pages(&path).1
                && start.elapsed() < std::time::Duration::from_secs(10)
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            let (resident, pages) = resident_pages(&path);
            assert_eq!(resident, pages, "{e}");
        }
        // Everything cached now: a second preload reads nothing.
        let again = preload(t.path(), &segs, u64::MAX);
        assert_eq!((again.read, again.resident), (0, total));
    }

    /// Through an index's own face: the names made from its segment ids are its files, so a
    /// preload covers every byte of them (a wrong name would silently read nothing).
    #[test]
    fn an_index_preloads_all_of_its_segment_files() {
        let t = tempfile::tempdir().unwrap();
        let (corpus, dir) = (t.path().join("corpus"), t.path().join("index"));
        for (i, agency) in ["甲县民政局", "乙市财政局", "丙区水利局"]
            .iter()
            .enumerate()
        {
            let p = corpus.join(format!("{i}/2023.txt"));
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(
                p,
                format!(
                    "{agency}2023年政府信息公开工作年度报告\n一、总体情况\n本年度收到申请{i}件。\n"
                ),
            )
            .unwrap();
        }
        crate::index::build(&corpus, &dir, &Default::default(), &mut |_| {}).unwrap();
        let idx = crate::index::Index::open(&dir).unwrap();
        let expected: u64 = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                ORDER.iter().any(|x| name.ends_with(&format!(".{x}")))
            })
            .map(|e| e.metadata().unwrap().len())
            .sum();
        assert!(expected > 0);
        let p = idx.preload(u64::MAX);
        assert_eq!((p.read + p.resident, p.left), (expected, 0), "{p:?}");
    }

    /// The way without readahead (another system, or a file system that refuses it) reads
    /// the whole range, through a buffer smaller than it, and says when the file is shorter.
    #[test]
    fn reading_a_range_reads_all_of_it_or_says_it_cannot() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("a.pos");
        std::fs::write(&p, vec![7u8; 10_000]).unwrap();
        let f = std::fs::File::open(&p).unwrap();
        let mut buf = vec![0u8; 3000];
        assert_eq!(read_range(&f, 100, 10_000, &mut buf), Some(()));
        assert_eq!(buf[0], 7);
        assert_eq!(read_range(&f, 5000, 20_000, &mut buf), None);
        let mut none = Vec::new();
        assert_eq!(fill(&f, 0, 10_000, page_size(), &mut none), Some(()));
        assert_eq!(fill(&f, 0, 20_000, page_size(), &mut none), None);
    }

    #[test]
    fn a_missing_or_empty_file_is_nothing_to_do() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("abc.term"), b"").unwrap();
        let p = preload(t.path(), &["abc".into(), "gone".into()], u64::MAX);
        assert_eq!(p, Preloaded::default());
    }
}
