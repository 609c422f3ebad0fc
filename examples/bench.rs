//! Index and search benchmark: prints a Markdown table of indexing and query figures, with ripgrep as the baseline.
//!
//! `cargo run --release --example bench -- --corpus DIR --index DIR [--generate N] [--reps R]`
//! (`--queries-only`: skip the build and time the queries on the existing index;
//! `--first-hits`: time `Index::first_hits`, what a keystroke draws before the complete search;
//! `--profile QUERY`: run one query `--reps` times, for a profiler; `--build-only`: the build
//! and re-index figures without the queries.)
//!
//! The index folder is deleted and built afresh (only if it is empty or a nianbao index). The
//! build runs in this process first thing, so VmHWM of /proc/self/status is its peak memory.
//! Query latency is what the browser pays per keystroke: `Index::search` with 50 hits,
//! snippets and facets. `rg -l` over the same corpus is timed for the same queries when
//! ripgrep is installed (skipped with a note otherwise).

use nianbao::index::{self, BuildOptions, Index, Query};
use nianbao::report::Template;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The browser's page of hits.
const LIMIT: usize = 50;

/// (label, query text, the literal handed to `rg -l -F`).
const QUERIES: [(&str, &str, &str); 14] = [
    ("single char", "卫", "卫"),
    ("typing 1", "行", "行"),
    ("typing 2", "行政", "行政"),
    ("typing 3", "行政复", "行政复"),
    ("typing 4 / word", "行政复议", "行政复议"),
    ("word", "公共资源交易", "公共资源交易"),
    ("word", "依申请公开", "依申请公开"),
    ("part of a name", "交易中心", "交易中心"),
    ("phrase", "\"政府信息公开 工作\"", "政府信息公开工作"),
    ("two terms", "中卫 行政复议", "中卫"),
    ("mixed", "2024年", "2024年"),
    ("mixed", "12345热线", "12345热线"),
    ("exclusion", "行政复议 -中卫", "行政复议"),
    ("empty (filters only)", "", ""),
];

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn fail(msg: &str) -> ! {
    eprintln!("bench: {msg}");
    std::process::exit(2);
}

/// VmHWM (peak resident memory) of this process, in kB.
fn vm_hwm_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn dir_size(dir: &Path) -> (usize, u64) {
    let mut n = 0;
    let mut bytes = 0;
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_file() {
            if let Ok(m) = e.metadata() {
                bytes += m.len();
            }
            n += 1;
        }
    }
    (n, bytes)
}

fn report_count(corpus: &Path) -> (usize, u64) {
    let mut n = 0;
    let mut bytes = 0;
    for e in walkdir::WalkDir::new(corpus).into_iter().flatten() {
        let is_txt = e.path().extension().is_some_and(|x| x == "txt");
        if e.file_type().is_file() && is_txt {
            n += 1;
            bytes += e.metadata().map_or(0, |m| m.len());
        }
    }
    (n, bytes)
}

/// Runs gen_corpus: the example binary next to this one, else through cargo.
fn generate(out: &Path, n: usize) {
    let sibling = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("gen_corpus")));
    let status = match sibling.filter(|p| p.exists()) {
        Some(exe) => Command::new(exe)
            .arg("--out")
            .arg(out)
            .arg("--n")
            .arg(n.to_string())
            .status(),
        None => Command::new("cargo")
            .args(["run", "--release", "--example", "gen_corpus", "--", "--out"])
            .arg(out)
            .arg("--n")
            .arg(n.to_string())
            .status(),
    };
    if !status.is_ok_and(|s| s.success()) {
        fail("generating the corpus failed");
    }
}

/// Deletes the index folder, refusing anything that is not empty or a nianbao index.
fn clear_index(dir: &Path) {
    if !dir.exists() {
        return;
    }
    let empty = std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_none());
    if !empty && !dir.join("nianbao-format.json").exists() {
        fail(&format!(
            "{} is neither empty nor a nianbao index; not deleting it",
            dir.display()
        ));
    }
    if let Err(e) = std::fs::remove_dir_all(dir) {
        fail(&format!("cannot delete {}: {e}", dir.display()));
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn ms(d: Duration) -> String {
    let m = d.as_secs_f64() * 1000.0;
    if m < 10.0 {
        format!("{m:.2}")
    } else {
        format!("{m:.1}")
    }
}

/// Which engine call is timed.
#[derive(Clone, Copy, PartialEq)]
enum Call {
    /// `Index::search`: ranked among every match, exact counts and facets.
    Complete,
    /// `Index::first_hits`: the first hits, found in index order.
    First,
}

impl Call {
    fn run(self, index: &Index, q: &Query) -> Result<index::SearchResults, index::IndexError> {
        match self {
            Call::Complete => index.search(q),
            Call::First => index.first_hits(q),
        }
    }
}

/// p50 and p99 of `reps` runs of a search, after two warm-up runs; and the total matches.
fn time_search(index: &Index, q: &Query, reps: usize, call: Call) -> (Duration, Duration, usize) {
    let mut total = 0;
    // Warm-up; the number of matches is the complete search's.
    for _ in 0..2 {
        std::hint::black_box(call.run(index, q).ok());
        total = match index.search(q) {
            Ok(r) => r.total,
            Err(e) => fail(&format!("search {:?} failed: {e}", q.text)),
        };
    }
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = Instant::now();
        let r = call.run(index, q);
        times.push(t.elapsed());
        std::hint::black_box(r.ok());
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99), total)
}

/// Median of three `rg -l -F` runs (after one warm-up) and the number of files listed.
fn time_rg(rg: &Path, literal: &str, corpus: &Path) -> Option<(Duration, usize)> {
    let run = || {
        let t = Instant::now();
        let o = Command::new(rg)
            .args(["-l", "-F", "--", literal])
            .arg(corpus)
            .output()
            .ok()?;
        Some((
            t.elapsed(),
            o.stdout
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .count(),
        ))
    };
    run()?;
    let mut v: Vec<(Duration, usize)> = (0..3).filter_map(|_| run()).collect();
    v.sort();
    v.get(v.len() / 2).copied()
}

/// The 1-minute load average, to tell a quiet machine's figures from a busy one's.
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

fn find_rg() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("rg"))
        .find(|p| p.is_file())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(corpus), Some(index_dir)) = (arg(&args, "--corpus"), arg(&args, "--index")) else {
        fail("usage: bench --corpus DIR --index DIR [--generate N] [--reps R]");
    };
    let corpus = PathBuf::from(corpus);
    let index_dir = PathBuf::from(index_dir);
    let reps: usize = arg(&args, "--reps")
        .and_then(|s| s.parse().ok())
        .unwrap_or(100)
        .max(50);
    if let Some(n) = arg(&args, "--generate") {
        let n: usize = n
            .parse()
            .unwrap_or_else(|_| fail("--generate takes a number"));
        if corpus.exists() {
            fail(&format!(
                "{} exists; --generate writes a new corpus",
                corpus.display()
            ));
        }
        generate(&corpus, n);
    }
    if !corpus.is_dir() {
        fail(&format!("no corpus folder at {}", corpus.display()));
    }

    let call = match args.iter().any(|a| a == "--first-hits") {
        true => Call::First,
        false => Call::Complete,
    };
    if let Some(text) = arg(&args, "--profile") {
        // One query, `reps` times, for a profiler.
        let index = Index::open(&index_dir).unwrap_or_else(|e| fail(&format!("open failed: {e}")));
        let q = Query {
            text,
            limit: LIMIT,
            ..Query::default()
        };
        let (p50, p99, total) = time_search(&index, &q, reps, call);
        println!("{total} matches: p50 {} ms, p99 {} ms", ms(p50), ms(p99));
        return;
    }
    if args.iter().any(|a| a == "--queries-only") {
        let index = Index::open(&index_dir).unwrap_or_else(|e| fail(&format!("open failed: {e}")));
        queries(&index, &corpus, reps, call);
        return;
    }

    // 1. Fresh build, in this process, before anything else uses memory.
    clear_index(&index_dir);
    let t = Instant::now();
    let stats = index::build(&corpus, &index_dir, &BuildOptions::default(), &mut |_| {})
        .unwrap_or_else(|e| fail(&format!("indexing failed: {e}")));
    let build_time = t.elapsed();
    let peak_kb = vm_hwm_kb();
    let (_, index_bytes) = dir_size(&index_dir);

    // 2. Re-index of the unchanged corpus.
    let t = Instant::now();
    let again = index::build(&corpus, &index_dir, &BuildOptions::default(), &mut |_| {})
        .unwrap_or_else(|e| fail(&format!("re-indexing failed: {e}")));
    let reindex_time = t.elapsed();

    let (n_reports, corpus_bytes) = report_count(&corpus);
    let mb = |b: u64| b as f64 / 1_000_000.0;
    println!("### {n_reports} reports (load average {})\n", loadavg());
    println!("| | |\n|---|---|");
    println!(
        "| corpus | {n_reports} reports, {:.0} MB ({} indexed, {} failed) |",
        mb(corpus_bytes),
        stats.reports,
        stats.failed.len()
    );
    println!(
        "| fresh index | {:.1} s, {:.0} reports/s |",
        build_time.as_secs_f64(),
        stats.reports as f64 / build_time.as_secs_f64()
    );
    println!("| index size on disk | {:.0} MB |", mb(index_bytes));
    match peak_kb {
        Some(kb) => println!(
            "| peak memory while indexing (VmHWM) | {:.0} MB |",
            kb as f64 / 1024.0
        ),
        None => println!("| peak memory while indexing | n/a (no /proc/self/status) |"),
    }
    println!(
        "| re-index, corpus unchanged | {:.2} s ({} unchanged) |",
        reindex_time.as_secs_f64(),
        again.unchanged
    );

    if args.iter().any(|a| a == "--build-only") {
        return;
    }

    // 3. Queries.
    let t = Instant::now();
    let index = Index::open(&index_dir).unwrap_or_else(|e| fail(&format!("open failed: {e}")));
    let open_time = t.elapsed();
    println!("| open the index (catalog) | {} ms |", ms(open_time));
    queries(&index, &corpus, reps, call);
}

/// The query latency table.
fn queries(index: &Index, corpus: &Path, reps: usize, call: Call) {
    let agencies = index.resolve_agency("中卫");
    // ripgrep's column is the same for both calls: timed with the complete search only.
    let rg = find_rg().filter(|_| call == Call::Complete);
    let what = match call {
        Call::Complete => "`Index::search` (limit {LIMIT}, snippets and facets)",
        Call::First => "`Index::first_hits` (the first {LIMIT} hits with snippets; no counts)",
    }
    .replace("{LIMIT}", &LIMIT.to_string());
    println!(
        "\nQuery latency, ms, p50 / p99 over {reps} runs of {what}. Filters: year = 2021..2024, \
         agency = the {} agencies matching `中卫`, template = 2021.\n",
        agencies.len()
    );
    println!(
        "| query | | matches | no filter | year | agency | template | all three | `rg -l` (files) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut worst = Duration::ZERO;
    for (label, text, literal) in QUERIES {
        let base = Query {
            text: text.to_string(),
            limit: LIMIT,
            ..Query::default()
        };
        let variants = [
            base.clone(),
            Query {
                years: Some((2021, 2024)),
                ..base.clone()
            },
            Query {
                agencies: agencies.clone(),
                ..base.clone()
            },
            Query {
                template: Some(Template::T2021),
                ..base.clone()
            },
            Query {
                years: Some((2021, 2024)),
                agencies: agencies.clone(),
                template: Some(Template::T2021),
                ..base.clone()
            },
        ];
        let mut cells = Vec::new();
        let mut matches = 0;
        for (i, q) in variants.iter().enumerate() {
            let (p50, p99, total) = time_search(index, q, reps, call);
            worst = worst.max(p99);
            if i == 0 {
                matches = total;
            }
            cells.push(format!("{} / {}", ms(p50), ms(p99)));
        }
        let rg_cell = match (&rg, literal.is_empty()) {
            (_, true) => "—".to_string(),
            (None, _) => "n/a".to_string(),
            (Some(rg), _) => match time_rg(rg, literal, corpus) {
                Some((d, n)) => format!("{} ({n})", ms(d)),
                None => "failed".to_string(),
            },
        };
        let shown = if text.is_empty() { "(none)" } else { text };
        println!(
            "| `{shown}` | {label} | {matches} | {} | {rg_cell} |",
            cells.join(" | ")
        );
    }
    println!(
        "\nWorst p99: {} ms. Load average during the run: {}.",
        ms(worst),
        loadavg()
    );
    match rg {
        Some(_) => println!(
            "`rg -l -F LITERAL CORPUS`: median of 3 warm runs; the literal is the query's first \
             term (ripgrep cannot AND, exclude or filter), and it misses GBK files and words \
             broken by spaces or written with full-width digits, which nianbao finds."
        ),
        None if call == Call::First => {}
        None => println!("ripgrep (`rg`) is not installed: no baseline column."),
    }
}
