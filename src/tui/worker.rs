//! The search worker: loads the engine in the background, then runs only the latest query.
//!
//! Typing never waits on a search: the UI sends a request tagged with a generation number and
//! goes on; the worker drains its queue to the newest request before searching, and the UI
//! drops any result whose generation is not the current one.

use super::backend::{Backend, Filters, Results};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the worker reports to the UI.
pub enum EngineMsg {
    Progress {
        done: usize,
        total: usize,
    },
    Ready(Arc<dyn Backend>),
    LoadFailed(String),
    Results {
        generation: u64,
        results: Result<Results, String>,
    },
}

impl std::fmt::Debug for EngineMsg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineMsg::Progress { done, total } => write!(f, "Progress({done}/{total})"),
            EngineMsg::Ready(_) => write!(f, "Ready"),
            EngineMsg::LoadFailed(e) => write!(f, "LoadFailed({e})"),
            EngineMsg::Results { generation, .. } => write!(f, "Results({generation})"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub generation: u64,
    pub text: String,
    pub filters: Filters,
    pub limit: usize,
}

/// Builds or opens the engine, reporting progress (done, total).
pub type Loader =
    Box<dyn FnOnce(&mut dyn FnMut(usize, usize)) -> anyhow::Result<Arc<dyn Backend>> + Send>;

/// The UI's handle on the worker thread.
pub struct Worker {
    tx: Sender<Request>,
}

impl Worker {
    pub fn spawn(loader: Loader, sink: Box<dyn Fn(EngineMsg) + Send>) -> Worker {
        let (tx, rx) = mpsc::channel::<Request>();
        std::thread::Builder::new()
            .name("nianbao-search".into())
            .spawn(move || run(loader, sink, rx))
            .map(|_| ())
            .unwrap_or_else(|e| eprintln!("nianbao: cannot start the search thread: {e}"));
        Worker { tx }
    }

    /// Queues a search; never blocks.
    pub fn request(&self, r: Request) {
        // A closed channel means the worker died; the UI shows the load error instead.
        let _ = self.tx.send(r);
    }
}

fn run(loader: Loader, sink: Box<dyn Fn(EngineMsg) + Send>, rx: Receiver<Request>) {
    let mut last = Instant::now() - Duration::from_secs(1);
    let mut progress = |done: usize, total: usize| {
        // Throttled: a progress bar needs ~20 updates a second, not one per file.
        if done == total || last.elapsed() >= Duration::from_millis(50) {
            last = Instant::now();
            sink(EngineMsg::Progress { done, total });
        }
    };
    let backend = match loader(&mut progress) {
        Ok(b) => b,
        Err(e) => {
            sink(EngineMsg::LoadFailed(format!("{e:#}")));
            return;
        }
    };
    sink(EngineMsg::Ready(backend.clone()));
    while let Ok(mut req) = rx.recv() {
        // Superseded requests are skipped, not queued.
        while let Ok(newer) = rx.try_recv() {
            req = newer;
        }
        let results = backend
            .search(&req.text, &req.filters, req.limit)
            .map_err(|e| format!("{e:#}"));
        sink(EngineMsg::Results {
            generation: req.generation,
            results,
        });
    }
}
