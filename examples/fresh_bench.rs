//! Freshness benchmark: what every command pays to make sure the index still pictures the corpus.
//!
//! `cargo run --release --example fresh_bench -- --corpus DIR --index DIR [--reps R]`
//! (`--profile`: only the freshness check, `--reps` times, for `perf`.)
//!
//! Brings the index up to date first (building it when missing), then times, with nothing
//! changed: the freshness check alone on an open index (`fresh::check`), what a command pays
//! before answering (open the index + the check, `commands::open_index`), and the full
//! incremental build (`index` with nothing changed). The check is timed with the build's
//! record (`stamps.rs`, what commands use) and without it (walking the corpus), and against its
//! floor: a bare `fstatat` of every folder and file, on one thread and on two. Then one file's
//! content changed (appended to, then restored):
//! the check and update a command runs. The corpus is left as it was found.

use nianbao::cli::Config;
use nianbao::index::{self, fresh, BuildOptions, Index};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn fail(msg: &str) -> ! {
    eprintln!("fresh_bench: {msg}");
    std::process::exit(2);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// p50 / p99 / max in ms of `reps` runs of `f`.
fn time(reps: usize, mut f: impl FnMut()) -> (f64, f64, f64) {
    let mut v: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            ms(t.elapsed())
        })
        .collect();
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99), v[v.len() - 1])
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let corpus = PathBuf::from(arg(&args, "--corpus").unwrap_or_else(|| fail("--corpus DIR")));
    let dir = PathBuf::from(arg(&args, "--index").unwrap_or_else(|| fail("--index DIR")));
    let reps: usize = arg(&args, "--reps")
        .map(|r| r.parse().unwrap_or_else(|_| fail("--reps N")))
        .unwrap_or(50)
        .max(1);
    let opts = BuildOptions::default();
    let t = Instant::now();
    let s = index::build(&corpus, &dir, &opts, &mut |_| {})
        .unwrap_or_else(|e| fail(&format!("build: {e}")));
    println!(
        "index brought up to date: {} reports ({} added, {} updated, {} removed) in {:.1} s",
        s.reports,
        s.added,
        s.updated,
        s.removed,
        t.elapsed().as_secs_f64()
    );
    let idx = Index::open(&dir).unwrap_or_else(|e| fail(&format!("open: {e}")));
    let stale = fresh::check(&corpus, &idx, &opts).unwrap_or_else(|e| fail(&e.to_string()));
    if !stale.is_fresh() {
        fail(&format!(
            "the index is stale right after a build: {}",
            stale.summary()
        ));
    }
    // `--profile`: only the check, `--reps` times, for a profiler.
    if args.iter().any(|a| a == "--profile") {
        for _ in 0..reps {
            let s = fresh::check(&corpus, &idx, &opts).expect("check");
            assert!(s.is_fresh());
        }
        return;
    }
    let config = Config {
        corpus: corpus.clone(),
        index: Some(dir.clone()),
        follow_links: false,
        max_report_bytes: None,
    };
    println!("load average before: {}", load_average());
    println!(
        "| nothing changed, {} reports | p50 ms | p99 ms | max ms |",
        s.reports
    );
    println!("|---|---|---|---|");
    let (p50, p99, max) = time(reps, || {
        let s = fresh::check(&corpus, &idx, &opts).expect("check");
        assert!(s.is_fresh());
    });
    println!("| freshness check (`fresh::check`, index open) | {p50:.1} | {p99:.1} | {max:.1} |");
    // The same answer without the build's record: walking the corpus, reading the columns.
    let (p50, p99, max) = time(reps, || {
        let s = fresh::check_walking(&corpus, &idx, &opts).expect("check");
        assert!(s.is_fresh());
    });
    println!("| the check walking the corpus (no record) | {p50:.1} | {p99:.1} | {max:.1} |");
    // Its floor: walking the corpus and one `stat` per file, nothing else.
    let (p50, p99, max) = time(reps, || {
        let n = walkdir::WalkDir::new(&corpus)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| e.metadata().ok())
            .count();
        assert!(n > 0);
    });
    println!("| of which: walk the corpus, `stat` each file | {p50:.1} | {p99:.1} | {max:.1} |");
    // The kernel's floor for a check by `stat`: one per folder and per file, the paths listed
    // beforehand, nothing compared. What no check that looks at every file can go below.
    #[cfg(unix)]
    {
        let paths = relative_paths(&corpus);
        for threads in [1, 2] {
            let (p50, p99, max) = time(reps, || stat_all(&corpus, &paths, threads));
            println!(
                "| floor: `fstatat` of {} folders and files, {threads} thread(s) | {p50:.1} | {p99:.1} | {max:.1} |",
                paths.len()
            );
        }
    }
    let (p50, p99, max) = time(reps, || {
        let mut sink = Vec::new();
        nianbao::commands::open_index(&config, &mut sink).expect("open_index");
        assert!(sink.is_empty(), "{}", String::from_utf8_lossy(&sink));
    });
    println!("| open the index + check (what a command pays) | {p50:.1} | {p99:.1} | {max:.1} |");
    let (p50, p99, max) = time(reps.min(20), || {
        let s = index::build(&corpus, &dir, &opts, &mut |_| {}).expect("build");
        assert_eq!(s.added + s.updated + s.removed, 0);
    });
    println!(
        "| `index` with nothing changed (checksums + check) | {p50:.1} | {p99:.1} | {max:.1} |"
    );

    // One file changed: what the next command does.
    let victim = first_report(&corpus).unwrap_or_else(|| fail("no report in the corpus"));
    let original = std::fs::read(&victim).unwrap_or_else(|e| fail(&e.to_string()));
    let mut edited = original.clone();
    edited.extend_from_slice("\n（本段为基准测试追加。）\n".as_bytes());
    std::fs::write(&victim, &edited).unwrap_or_else(|e| fail(&e.to_string()));
    let t = Instant::now();
    let mut sink = Vec::new();
    let _ = nianbao::commands::open_index(&config, &mut sink);
    let changed = ms(t.elapsed());
    std::fs::write(&victim, &original).unwrap_or_else(|e| fail(&e.to_string()));
    let mut restore = Vec::new();
    let _ = nianbao::commands::open_index(&config, &mut restore);
    println!(
        "| one file changed: check + update + reopen | {changed:.1} | | |\n\nits note: {}",
        String::from_utf8_lossy(&sink).trim()
    );
    println!("load average after: {}", load_average());
}

fn first_report(corpus: &Path) -> Option<PathBuf> {
    walkdir::WalkDir::new(corpus)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .find(|e| e.file_type().is_file() && nianbao::source::is_report_file(e.path()))
        .map(|e| e.into_path())
}

/// Every folder and file below `corpus`, relative to it, ready for `fstatat`.
#[cfg(unix)]
fn relative_paths(corpus: &Path) -> Vec<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    walkdir::WalkDir::new(corpus)
        .min_depth(1)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let rel = e.path().strip_prefix(corpus).ok()?;
            std::ffi::CString::new(rel.as_os_str().as_bytes()).ok()
        })
        .collect()
}

/// `fstatat` of each of `paths` relative to `corpus`, split over `threads` threads.
#[cfg(unix)]
fn stat_all(corpus: &Path, paths: &[std::ffi::CString], threads: usize) {
    use std::os::fd::AsRawFd;
    let root = std::fs::File::open(corpus).unwrap_or_else(|e| fail(&e.to_string()));
    let chunk = paths.len().div_ceil(threads).max(1);
    let found: usize = std::thread::scope(|s| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|part| {
                let fd = root.as_raw_fd();
                s.spawn(move || {
                    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
                    part.iter()
                        .filter(|p| {
                            // SAFETY: `p` is NUL-terminated, `fd` stays open for the scope,
                            // `st` is only written.
                            unsafe {
                                libc::fstatat(
                                    fd,
                                    p.as_ptr(),
                                    st.as_mut_ptr(),
                                    libc::AT_SYMLINK_NOFOLLOW,
                                ) == 0
                            }
                        })
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    assert_eq!(found, paths.len(), "a path vanished while timing");
}
