//! Preload benchmark: how long the browser's read of the index into the page cache takes, and how much it reads.
//!
//! `cargo run --release --example preload_bench -- --index DIR [--budget-mb N]`
//!
//! Run it once after `echo 3 > /proc/sys/vm/drop_caches` (as root) for the cold figure; it
//! then preloads again, warm, which should read nothing and take only the look at each page.

use nianbao::index::{self, Index};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let Some(dir) = arg("--index") else {
        eprintln!("preload_bench: --index DIR");
        std::process::exit(2);
    };
    let budget = arg("--budget-mb")
        .and_then(|m| m.parse::<u64>().ok())
        .map_or_else(index::default_preload_budget, |m| m << 20);
    let t = Instant::now();
    let idx = Index::open(std::path::Path::new(&dir)).unwrap_or_else(|e| {
        eprintln!("preload_bench: {e}");
        std::process::exit(2);
    });
    println!("opened in {:.1} ms; budget {} MB", ms(t), budget >> 20);
    for pass in ["first", "second"] {
        let t = Instant::now();
        let p = idx.preload(budget);
        println!(
            "{pass} preload: {:.1} ms, {} MB read, {} MB already cached, {} MB left",
            ms(t),
            p.read >> 20,
            p.resident >> 20,
            p.left >> 20
        );
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}
