//! Benchmark of work across reports on an existing index: totals and a ranking over every
//! report, the comparison of one agency's table across its years, and the long export.
//!
//! `cargo run --release --example across_bench -- --index DIR [--reps R] [--query WORDS]`
//! (build the index first, e.g. `nianbao --corpus DIR --index DIR index`).
//! Each figure is the median of R runs (default 5), from an open index, as a command pays after
//! opening it.

use nianbao::analysis::compare::compare;
use nianbao::analysis::figure::Measure;
use nianbao::analysis::rank::rank;
use nianbao::analysis::totals::{totals, GroupBy};
use nianbao::analysis::{select, Selection};
use nianbao::index::{Backend, Index, Query};
use nianbao::output::dataset;
use nianbao::report::metrics;
use nianbao::tui::tally::{compute, measures, Cache, EngineRef, Job};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let get = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let dir = PathBuf::from(get("--index").ok_or_else(|| anyhow::anyhow!("--index DIR"))?);
    let reps: usize = get("--reps").and_then(|r| r.parse().ok()).unwrap_or(5);
    let index = Index::open(&dir)?;
    let n = index.num_reports();
    println!("{n} reports, median of {reps} runs");

    let all = Selection::default();
    let (mut load, mut sums, mut ranks) = (Vec::new(), Vec::new(), Vec::new());
    let disclosed = metrics::find("disclosed").expect("metric");
    for _ in 0..reps {
        let t0 = Instant::now();
        let s = select(&index, &all)?;
        let t1 = Instant::now();
        let t = totals(
            &s.entries,
            nianbao::report::TableId::T3,
            Some(GroupBy::City),
            30.0,
        );
        let t2 = Instant::now();
        let r = rank(&s.entries, Measure::Metric(disclosed), true, 30.0);
        let t3 = Instant::now();
        load.push(t1 - t0);
        sums.push(t2 - t1);
        ranks.push(t3 - t2);
        std::hint::black_box((t, r));
    }
    let (l, s, r) = (median(load), median(sums), median(ranks));
    println!(
        "| totals + ranking over {n} reports | {} (select {} · totals by year and city {} · rank by 予以公开率 {}) |",
        ms(l + s + r),
        ms(l),
        ms(s),
        ms(r)
    );

    // A selection by a query's text: the engine's selection (no snippets, no document store)
    // against a search of every hit, which is how it was made before.
    let word = get("--query").unwrap_or_else(|| "公开".to_string());
    let (mut fast, mut slow, mut count) = (Vec::new(), Vec::new(), 0);
    for _ in 0..reps {
        let q = Query {
            text: word.clone(),
            ..Query::default()
        };
        let t0 = Instant::now();
        let s = select(
            &index,
            &Selection {
                query: q.clone(),
                ..Selection::default()
            },
        )?;
        fast.push(t0.elapsed());
        count = s.entries.len();
        let t0 = Instant::now();
        let hits = index.search(&Query {
            limit: n.max(1),
            ..q
        })?;
        let paths: std::collections::HashSet<String> =
            hits.hits.into_iter().map(|h| h.path).collect();
        let old = index.stored_reports(&|p| paths.contains(p))?;
        slow.push(t0.elapsed());
        assert_eq!(old.len(), count, "the two selections differ");
    }
    println!(
        "| select by the query {word} ({count} reports) | {} (a search of every hit, then the figures: {}) |",
        ms(median(fast)),
        ms(median(slow))
    );

    // The browser's totals-and-ranking screen: the job its thread works out when the screen
    // opens (select, 表3 by year, rank), and again after `m` (the selection kept).
    let engine = EngineRef(Arc::new(index.clone()) as Arc<dyn Backend>);
    for text in [String::new(), word.clone()] {
        let (mut open, mut again) = (Vec::new(), Vec::new());
        let mut selected = 0;
        for _ in 0..reps {
            let mut job = Job {
                generation: 1,
                engine: engine.clone(),
                query: Query {
                    text: text.clone(),
                    ..Query::default()
                },
                table: nianbao::report::TableId::T3,
                by: measures()[0].clone(),
                descending: true,
                min_cases: metrics::DEFAULT_MIN_CASES,
            };
            let mut cache = Cache::default();
            let t0 = Instant::now();
            let b = compute(&job, &mut cache).map_err(anyhow::Error::msg)?;
            open.push(t0.elapsed());
            selected = b.selected;
            job.by = measures()[1].clone();
            let t0 = Instant::now();
            std::hint::black_box(compute(&job, &mut cache).map_err(anyhow::Error::msg)?);
            again.push(t0.elapsed());
        }
        println!(
            "| browser totals screen, query \"{text}\" ({selected} reports) | opens in {} · next measure {} |",
            ms(median(open)),
            ms(median(again))
        );
    }

    // The agency with the most years.
    let agency = index
        .agencies()
        .into_iter()
        .max_by_key(|a| a.years.len())
        .map(|a| a.name)
        .unwrap_or_default();
    let mut cmp = Vec::new();
    let mut years = 0;
    for _ in 0..reps {
        let t0 = Instant::now();
        let sel = Selection {
            query: Query {
                agencies: vec![agency.clone()],
                ..Query::default()
            },
            ..Selection::default()
        };
        let s = select(&index, &sel)?;
        let c = compare(&agency, &s.entries, nianbao::report::TableId::T3, None);
        cmp.push(t0.elapsed());
        years = c.years.len();
    }
    println!(
        "| compare (表3, {agency}, {years} years) | {} |",
        ms(median(cmp))
    );

    let out = std::env::temp_dir().join(format!("nianbao-bench-{}.csv", std::process::id()));
    let mut exp = Vec::new();
    for _ in 0..reps.min(3) {
        let t0 = Instant::now();
        let s = select(&index, &all)?;
        dataset::write_atomic(&out, |w| dataset::long_csv(&s.entries, false, w))?;
        exp.push(t0.elapsed());
    }
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    let _ = std::fs::remove_file(&out);
    let e = median(exp);
    println!(
        "| export, long CSV ({} MB) | {} · {:.0} reports/s |",
        size / 1_000_000,
        ms(e),
        n as f64 / e.as_secs_f64()
    );
    Ok(())
}
