//! The work of the totals-and-ranking screen, off the UI thread: the reports a search selects,
//! a table summed by year, and a ranking by a figure or a metric.
//!
//! At 100,000 reports this takes about a second, so it never runs on the UI thread: the screen
//! asks for a [`Job`] tagged with a generation and keeps drawing "computing…"; this thread
//! drains its queue to the newest job before working, and the browser drops any answer whose
//! generation is not the one the screen waits for (the selection, table or measure changed).

use crate::analysis::figure::{FigureRef, Measure};
use crate::analysis::rank::{rank, Ranking};
use crate::analysis::totals::{totals, Totals};
use crate::analysis::{select, Metric, Selected, Selection, METRICS};
use crate::index::{Backend, Query};
use crate::report::TableId;
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;

/// What a ranking is by.
#[derive(Debug, Clone)]
pub enum By {
    Metric(&'static Metric),
    Figure(FigureRef),
}

impl PartialEq for By {
    fn eq(&self, o: &Self) -> bool {
        match (self, o) {
            // Metrics are statics: one per key.
            (By::Metric(a), By::Metric(b)) => a.key == b.key,
            (By::Figure(a), By::Figure(b)) => a == b,
            _ => false,
        }
    }
}

impl By {
    pub fn as_measure(&self) -> Measure<'_> {
        match self {
            By::Metric(m) => Measure::Metric(m),
            By::Figure(f) => Measure::Figure(f),
        }
    }

    /// Its name on the screen and in file names.
    pub fn name(&self) -> String {
        match self {
            By::Metric(m) => m.name.to_string(),
            By::Figure(f) => f.describe(),
        }
    }

    /// What the command line's `rank --by` takes for it.
    pub fn arg(&self) -> String {
        match self {
            By::Metric(m) => m.key.to_string(),
            By::Figure(f) => f.describe(),
        }
    }
}

/// The figures the screen ranks by besides the metrics: the requests of the year, the
/// requests handled, and the reconsiderations and lawsuits (table 4).
const FIGURES: &[&str] = &[
    "表3 新收 总计",
    "表3 （七）总计",
    "表4 行政复议 总计",
    "表4 未经复议直接起诉 总计",
];

/// What the screen cycles through with `m`: every named metric, then the figures.
pub fn measures() -> Vec<By> {
    let mut out: Vec<By> = METRICS.iter().map(By::Metric).collect();
    out.extend(
        FIGURES
            .iter()
            .filter_map(|w| FigureRef::parse(w).ok())
            .map(By::Figure),
    );
    out
}

/// The engine a job runs on (the one the browser had when it asked).
#[derive(Clone)]
pub struct EngineRef(pub Arc<dyn Backend>);

impl std::fmt::Debug for EngineRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EngineRef")
    }
}

impl PartialEq for EngineRef {
    fn eq(&self, o: &Self) -> bool {
        Arc::ptr_eq(&self.0, &o.0)
    }
}

/// One board to work out.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub generation: u64,
    pub engine: EngineRef,
    /// The search's text and filter chips (its limit and offset are not read).
    pub query: Query,
    pub table: TableId,
    pub by: By,
    pub descending: bool,
    pub min_cases: f64,
}

/// The answer to a job.
#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    /// Reports the search selects.
    pub selected: usize,
    /// The table summed by year, with the reports left out and why.
    pub totals: Totals,
    pub ranking: Ranking,
}

/// The last selection, kept so that switching the table or the measure does not select the
/// reports again (most of the work at 100,000 reports).
#[derive(Default)]
pub struct Cache {
    last: Option<(EngineRef, Query, Arc<Selected>)>,
    /// The sums of the last selection: changing the measure or the order keeps them.
    sums: Option<(TableId, f64, Totals)>,
}

/// The board of `job`.
pub fn compute(job: &Job, cache: &mut Cache) -> Result<Board, String> {
    let query = Query {
        limit: 0,
        offset: 0,
        ..job.query.clone()
    };
    let selected = match &cache.last {
        Some((e, q, s)) if *e == job.engine && *q == query => s.clone(),
        _ => {
            let sel = Selection {
                query: query.clone(),
                ..Selection::default()
            };
            let s = Arc::new(select(&*job.engine.0, &sel).map_err(|e| e.to_string())?);
            cache.last = Some((job.engine.clone(), query, s.clone()));
            cache.sums = None;
            s
        }
    };
    let entries = &selected.entries;
    let sums = match &cache.sums {
        Some((t, m, sums)) if *t == job.table && *m == job.min_cases => sums.clone(),
        _ => {
            let sums = totals(entries, job.table, None, job.min_cases);
            cache.sums = Some((job.table, job.min_cases, sums.clone()));
            sums
        }
    };
    Ok(Board {
        selected: entries.len(),
        totals: sums,
        ranking: rank(entries, job.by.as_measure(), job.descending, job.min_cases),
    })
}

/// The UI's handle on the thread.
pub struct Tally {
    tx: mpsc::Sender<Job>,
}

/// Where answers go: the generation of the job and its board.
pub type Sink = Box<dyn Fn(u64, Result<Board, String>) + Send>;

impl Tally {
    pub fn spawn(sink: Sink) -> Tally {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("nianbao-tally".into())
            .spawn(move || run(&rx, &*sink))
            .map(|_| ())
            .unwrap_or_else(|e| eprintln!("nianbao: cannot start the totals thread: {e}"));
        Tally { tx }
    }

    /// Queues a job; never blocks.
    pub fn request(&self, job: Job) {
        // A closed channel: the thread died; the screen stays "computing" with no answer.
        let _ = self.tx.send(job);
    }
}

fn run(rx: &Receiver<Job>, sink: &dyn Fn(u64, Result<Board, String>)) {
    let mut cache = Cache::default();
    while let Ok(mut job) = rx.recv() {
        // Jobs asked for since are newer: only the last one is worked out.
        while let Ok(newer) = rx.try_recv() {
            job = newer;
        }
        // A panic must not end the thread (every later board would go unanswered).
        let board =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| compute(&job, &mut cache)))
                .unwrap_or_else(|_| {
                    cache = Cache::default();
                    Err("working out the totals crashed".to_string())
                });
        sink(job.generation, board);
    }
}
