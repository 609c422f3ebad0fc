//! Times `w` in the browser's hit list (every selected report to the long CSV and its
//! dictionary) on an existing index: the way it ran before, all on the UI thread (a search of
//! every hit, then each stored report read in full), against the key as it is now (the job sent
//! to the export thread) and the job itself (`tui::export::run`).
//!
//!     cargo run --release --example export_bench -- --index /tmp/nb10k/index [--query 行政复议] [--runs 3]

use nianbao::index::{Backend, Index, Query};
use nianbao::tui::events::AppEvent;
use nianbao::tui::export;
use nianbao::tui::state::{App, Effect};
use nianbao::tui::worker::EngineMsg;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The export as `w` did it before this change, on the UI thread: the total, every hit with its
/// snippet, each report read whole, then both files written.
fn before(b: &dyn Backend, query: &Query, dir: &Path) -> anyhow::Result<usize> {
    let mut q = Query {
        limit: 0,
        offset: 0,
        ..query.clone()
    };
    let total = b.search(&q)?.total;
    q.limit = total;
    let hits = b.search(&q)?.hits;
    let places = nianbao::report::PlaceMap::default();
    let mut entries = Vec::with_capacity(hits.len());
    for h in &hits {
        let mut r = b.report(&h.path)?;
        r.agency = Some(h.agency.clone());
        entries.push(nianbao::analysis::entry(r, String::new(), &places));
    }
    entries.sort_by(|a, b| (&a.agency, a.year, &a.path).cmp(&(&b.agency, b.year, &b.path)));
    let (mut data, mut dict) = (Vec::new(), Vec::new());
    nianbao::output::dataset::long_csv(&entries, false, &mut data)?;
    nianbao::output::dataset::dictionary_csv(false, &mut dict)?;
    let path = dir.join(format!("before-{total}.csv"));
    let d = nianbao::output::dataset::dictionary_path(&path);
    nianbao::tui::compare::write_export(&d, &String::from_utf8_lossy(&dict));
    nianbao::tui::compare::write_export(&path, &String::from_utf8_lossy(&data));
    Ok(total)
}

fn main() -> anyhow::Result<()> {
    let index = PathBuf::from(arg("--index").unwrap_or_else(|| "/tmp/nb10k/index".into()));
    let text = arg("--query").unwrap_or_default();
    let runs: usize = arg("--runs").and_then(|r| r.parse().ok()).unwrap_or(3);
    let idx: Arc<dyn Backend> = Arc::new(Index::open(&index)?);
    let out = tempfile::tempdir()?;
    let query = Query {
        text: text.clone(),
        ..Query::default()
    };
    println!(
        "index: {} · query: {text:?} · runs: {runs}",
        index.display()
    );

    let mut old = Vec::new();
    let mut n = 0;
    for _ in 0..runs {
        let t = Instant::now();
        n = before(&*idx, &query, out.path())?;
        old.push(ms(t.elapsed()));
    }

    let (mut key, mut job) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let mut app = App::new((80, 24), false, "corpus");
        app.handle(AppEvent::Engine(EngineMsg::Ready(idx.clone())));
        app.export_dir = out.path().to_path_buf();
        app.search.input = nianbao::tui::input::TextInput::new(&text);
        app.request_search();
        app.handle(AppEvent::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Esc,
        )));
        app.effects.clear();
        let t = Instant::now();
        app.handle(AppEvent::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char('w'),
        )));
        key.push(ms(t.elapsed()));
        let Some(Effect::Export(j)) = app.effects.pop() else {
            anyhow::bail!("`w` sent no export job");
        };
        let t = Instant::now();
        let w = export::run(&j, &|_| {}).map_err(anyhow::Error::msg)?;
        job.push(ms(t.elapsed()));
        anyhow::ensure!(
            w.reports == n,
            "{} reports written, {n} selected",
            w.reports
        );
    }
    println!("{n} reports selected");
    println!(
        "before: UI thread blocked {:.0} ms (median of {runs}: search all + report per hit + write)",
        median(old)
    );
    println!(
        "now:    UI thread {:.3} ms for the key; the export thread's job {:.0} ms (median of {runs})",
        median(key),
        median(job)
    );
    Ok(())
}
