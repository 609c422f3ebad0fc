//! Times reading stored reports from an index's document store: in index order (what the
//! first hits of a keystroke read) and picked at random (what ranked hits read), each report
//! read once, so that every block is decompressed as a cold search would.
//!
//!     cargo run --release --example store_bench -- --index /tmp/nb10k/index [--n 3000]

use tantivy::schema::TantivyDocument;
use tantivy::{DocAddress, Index};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let Some(dir) = arg("--index") else {
        eprintln!("usage: store_bench --index DIR [--n N]");
        std::process::exit(2);
    };
    let n: usize = arg("--n").and_then(|v| v.parse().ok()).unwrap_or(3000);
    let index = match Index::open_in_dir(&dir) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("store_bench: cannot open {dir}: {e}");
            std::process::exit(1);
        }
    };
    nianbao::index::schema::register(&index);
    let reader = index
        .reader_builder()
        .doc_store_cache_num_blocks(nianbao::index::schema::docstore_cache_blocks(
            index.settings().docstore_blocksize,
        ))
        .try_into();
    let searcher = match reader {
        Ok(r) => r.searcher(),
        Err(e) => {
            eprintln!("store_bench: cannot read {dir}: {e}");
            std::process::exit(1);
        }
    };
    let all: Vec<DocAddress> = searcher
        .segment_readers()
        .iter()
        .enumerate()
        .flat_map(|(s, r)| (0..r.max_doc()).map(move |d| DocAddress::new(s as u32, d)))
        .collect();
    if all.is_empty() {
        eprintln!("store_bench: the index is empty");
        std::process::exit(1);
    }
    // A fixed xorshift sequence: the same picks on every index of the same corpus.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut random: Vec<DocAddress> = (0..all.len())
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            all[(x % all.len() as u64) as usize]
        })
        .collect();
    random.dedup();
    random.truncate(n);
    let in_order: Vec<DocAddress> = all.iter().copied().take(n).collect();
    let time = |addrs: &[DocAddress]| {
        let t = std::time::Instant::now();
        for a in addrs {
            if let Err(e) = searcher.doc::<TantivyDocument>(*a) {
                eprintln!("store_bench: {e}");
                std::process::exit(1);
            }
        }
        t.elapsed().as_secs_f64() * 1e6 / addrs.len() as f64
    };
    let store: u64 = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "store"))
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "{} reports, block {} KiB, document store {:.1} MB",
        all.len(),
        index.settings().docstore_blocksize >> 10,
        store as f64 / 1e6
    );
    println!(
        "in index order: {:.1} µs a report ({} reports)",
        time(&in_order),
        in_order.len()
    );
    println!(
        "at random:      {:.1} µs a report ({} reports)",
        time(&random),
        random.len()
    );
}
