//! The search worker: loads the engine in the background, then runs only the latest query.
//!
//! Typing never waits on a search: the UI sends a request tagged with a generation number and
//! goes on; the worker drains its queue to the newest request before searching, and the UI
//! drops any result whose generation is not the current one. A new query is answered twice:
//! first with its first hits (a few milliseconds at any size), then with the complete search
//! (ranked among every match, exact counts and facets) unless the user has typed since.

use crate::index::{Backend, Query, SearchResults, Stage};
use std::sync::atomic::{AtomicU64, Ordering};
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
    /// The background update of a usable engine: progress, and how it ended.
    Updating {
        done: usize,
        total: usize,
    },
    Updated(Result<bool, String>),
    Results {
        generation: u64,
        results: Result<SearchResults, String>,
    },
}

impl std::fmt::Debug for EngineMsg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineMsg::Progress { done, total } => write!(f, "Progress({done}/{total})"),
            EngineMsg::Ready(_) => write!(f, "Ready"),
            EngineMsg::LoadFailed(e) => write!(f, "LoadFailed({e})"),
            EngineMsg::Results { generation, .. } => write!(f, "Results({generation})"),
            EngineMsg::Updating { done, total } => write!(f, "Updating({done}/{total})"),
            EngineMsg::Updated(r) => write!(f, "Updated({r:?})"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub generation: u64,
    /// What the user typed and chose, as the engine takes it.
    pub query: Query,
    /// Answer with the first hits before the complete search: a new query, not more hits of
    /// the one shown (whose order must not change under the cursor).
    pub first_hits: bool,
}

/// Builds or opens the engine, reporting progress (done, total).
pub type Loader = Box<dyn FnOnce(&mut dyn FnMut(usize, usize)) -> anyhow::Result<Loaded> + Send>;

/// Brings an engine up to date after it is in use; a new engine when anything changed.
pub type Updater = Box<
    dyn FnOnce(&mut dyn FnMut(usize, usize)) -> anyhow::Result<Option<Arc<dyn Backend>>> + Send,
>;

/// Looks whether the engine should change (the corpus or the index changed since): a new
/// engine when so. Called again and again while the browser runs.
pub type Watch = Box<dyn FnMut() -> anyhow::Result<Option<Arc<dyn Backend>>> + Send>;

/// The least time between two calls of a [`Watch`]; a slow one waits twenty times its cost,
/// so that looking never takes more than a twentieth of a core.
const WATCH_EVERY: Duration = Duration::from_secs(2);

/// A call of a [`Watch`] waits until no search was asked for this long: its `stat`s share
/// the memory and the kernel with a keystroke's search even at idle priority (README "Speed").
const WATCH_QUIET: Duration = Duration::from_secs(1);

/// ... but no longer than this beyond its time, so that changes are seen while a user types on.
const WATCH_LATEST: Duration = Duration::from_secs(10);

/// When the next call of a [`Watch`] may start, from the last call's end and cost and the time
/// since the last search request: `None` now, otherwise how long to wait before asking again.
fn watch_wait(since_watch: Duration, cost: Duration, since_search: Duration) -> Option<Duration> {
    let due = WATCH_EVERY.max(cost * 20);
    if since_watch < due {
        return Some(due - since_watch);
    }
    if since_search >= WATCH_QUIET || since_watch >= due + WATCH_LATEST {
        return None;
    }
    Some((WATCH_QUIET - since_search).min(due + WATCH_LATEST - since_watch))
}

/// When the last search was asked for, shared by the search loop and the watch.
struct Activity {
    base: Instant,
    last_ms: AtomicU64,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            base: Instant::now(),
            last_ms: AtomicU64::new(0),
        }
    }

    fn touch(&self) {
        let now = self.base.elapsed().as_millis() as u64;
        self.last_ms.store(now, Ordering::Relaxed);
    }

    fn since(&self) -> Duration {
        let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
        self.base.elapsed().saturating_sub(last)
    }
}

/// What a loader gives: an engine to search now, and maybe work to bring it up to date and
/// keep it so.
pub struct Loaded {
    pub backend: Arc<dyn Backend>,
    pub updater: Option<Updater>,
    pub watch: Option<Watch>,
}

enum Cmd {
    Search(Request),
    Swap(Arc<dyn Backend>),
}

/// The UI's handle on the worker thread.
pub struct Worker {
    tx: Sender<Cmd>,
}

impl Worker {
    pub fn spawn(loader: Loader, sink: Box<dyn Fn(EngineMsg) + Send + Sync>) -> Worker {
        let (tx, rx) = mpsc::channel::<Cmd>();
        let swap = tx.clone();
        std::thread::Builder::new()
            .name("nianbao-search".into())
            .spawn(move || run(loader, sink, rx, swap))
            .map(|_| ())
            .unwrap_or_else(|e| eprintln!("nianbao: cannot start the search thread: {e}"));
        Worker { tx }
    }

    /// Queues a search; never blocks.
    pub fn request(&self, r: Request) {
        // A closed channel means the worker died; the UI shows the load error instead.
        let _ = self.tx.send(Cmd::Search(r));
    }
}

fn run(
    loader: Loader,
    sink: Box<dyn Fn(EngineMsg) + Send + Sync>,
    rx: Receiver<Cmd>,
    swap: Sender<Cmd>,
) {
    let sink: Arc<dyn Fn(EngineMsg) + Send + Sync> = Arc::from(sink);
    let throttled = |sink: Arc<dyn Fn(EngineMsg) + Send + Sync>, update: bool| {
        let mut last = Instant::now() - Duration::from_secs(1);
        move |done: usize, total: usize| {
            // A progress bar needs ~20 updates a second, not one per file.
            if done == total || last.elapsed() >= Duration::from_millis(50) {
                last = Instant::now();
                sink(if update {
                    EngineMsg::Updating { done, total }
                } else {
                    EngineMsg::Progress { done, total }
                });
            }
        }
    };
    let mut progress = throttled(sink.clone(), false);
    let loaded = match loader(&mut progress) {
        Ok(l) => l,
        Err(e) => {
            sink(EngineMsg::LoadFailed(format!("{e:#}")));
            return;
        }
    };
    let mut backend = loaded.backend;
    sink(EngineMsg::Ready(backend.clone()));
    let activity = Arc::new(Activity::new());
    if loaded.updater.is_some() || loaded.watch.is_some() {
        let sink = sink.clone();
        let mut progress = throttled(sink.clone(), true);
        let (updater, watch) = (loaded.updater, loaded.watch);
        let activity = activity.clone();
        // At idle priority: the check and the update must never delay a keystroke's search.
        let started = super::idle::spawn("nianbao-watch", move || {
            if let Some(update) = updater {
                match update(&mut progress) {
                    Ok(Some(b)) => {
                        let _ = swap.send(Cmd::Swap(b.clone()));
                        // Said before the engine arrives: what the engine changes on the
                        // screen (a report reloaded) is the more precise news, and stays.
                        sink(EngineMsg::Updated(Ok(true)));
                        sink(EngineMsg::Ready(b));
                    }
                    Ok(None) => sink(EngineMsg::Updated(Ok(false))),
                    Err(e) => sink(EngineMsg::Updated(Err(format!("{e:#}")))),
                }
            }
            if let Some(watch) = watch {
                keep_watching(watch, &swap, &*sink, &activity);
            }
        });
        if let Err(e) = started {
            eprintln!("nianbao: cannot start the thread that keeps the index up to date: {e}");
        }
    } else {
        drop(swap);
    }
    let mut waiting: Option<Request> = None;
    loop {
        let mut req = match waiting.take() {
            Some(r) => r,
            None => match rx.recv() {
                Ok(Cmd::Search(r)) => r,
                Ok(Cmd::Swap(b)) => {
                    backend = b;
                    continue;
                }
                Err(_) => return,
            },
        };
        // Superseded requests are skipped, not queued.
        newest(&rx, &mut req, &mut backend);
        activity.touch();
        if req.first_hits {
            let first = run_search(|| backend.first_hits(&req.query));
            let complete = matches!(&first, Ok(r) if r.stage == Stage::Complete);
            let failed = first.is_err();
            sink(EngineMsg::Results {
                generation: req.generation,
                results: first,
            });
            if complete || failed {
                continue;
            }
            // Typed since: the complete search of a query already gone is not worth making.
            let mut newer = req.clone();
            newest(&rx, &mut newer, &mut backend);
            if newer != req {
                waiting = Some(newer);
                continue;
            }
        }
        let results = run_search(|| backend.search(&req.query));
        sink(EngineMsg::Results {
            generation: req.generation,
            results,
        });
    }
}

/// Replaces `req` with the newest request queued, taking any new engine on the way.
fn newest(rx: &Receiver<Cmd>, req: &mut Request, backend: &mut Arc<dyn Backend>) {
    while let Ok(newer) = rx.try_recv() {
        match newer {
            Cmd::Search(r) => *req = r,
            Cmd::Swap(b) => *backend = b,
        }
    }
}

/// A panic in an engine must not end the worker (every later search would go unanswered and
/// the screen keep the last hits): it is this search's error.
fn run_search(
    f: impl FnOnce() -> Result<SearchResults, crate::index::IndexError>,
) -> Result<SearchResults, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        f().map_err(|e| e.to_string())
    }))
    .unwrap_or_else(|_| Err("the search crashed; run `nianbao index`".to_string()))
}

/// Calls `watch` until the worker is gone, handing each new engine to it and to the UI. An
/// error is said once, not every time it recurs.
fn keep_watching(
    mut watch: Watch,
    swap: &Sender<Cmd>,
    sink: &(dyn Fn(EngineMsg) + Send + Sync),
    activity: &Activity,
) {
    let mut said: Option<String> = None;
    let (mut ended, mut cost) = (Instant::now(), Duration::ZERO);
    loop {
        while let Some(wait) = watch_wait(ended.elapsed(), cost, activity.since()) {
            std::thread::sleep(wait);
        }
        let started = Instant::now();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(&mut watch))
            .unwrap_or_else(|_| Err(anyhow::anyhow!("looking for changes crashed")));
        cost = started.elapsed();
        match r {
            Ok(Some(b)) => {
                if swap.send(Cmd::Swap(b.clone())).is_err() {
                    return;
                }
                said = None;
                sink(EngineMsg::Updated(Ok(true)));
                sink(EngineMsg::Ready(b));
            }
            Ok(None) => {}
            Err(e) => {
                let m = format!("{e:#}");
                if said.as_ref() != Some(&m) {
                    sink(EngineMsg::Updated(Err(m.clone())));
                    said = Some(m);
                }
            }
        }
        ended = Instant::now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn a_watch_waits_its_interval_then_for_a_pause_in_typing() {
        let ms = Duration::from_millis;
        // Not yet due: the rest of the interval, whatever the typing.
        assert_eq!(watch_wait(ms(500), ms(10), 100 * S), Some(ms(1500)));
        // Due, nothing typed for a while: now.
        assert_eq!(watch_wait(2 * S, ms(10), WATCH_QUIET), None);
        // Due, a key 300 ms ago: until a second has passed without one.
        assert_eq!(watch_wait(3 * S, ms(10), ms(300)), Some(ms(700)));
        // A slow check waits twenty times its cost.
        assert_eq!(watch_wait(3 * S, ms(200), 100 * S), Some(S));
    }

    #[test]
    fn typing_on_and_on_delays_a_watch_by_a_bounded_time() {
        let ms = Duration::from_millis;
        let due = WATCH_EVERY;
        assert_eq!(
            watch_wait(due + WATCH_LATEST - ms(100), ms(10), ms(0)),
            Some(ms(100))
        );
        assert_eq!(watch_wait(due + WATCH_LATEST, ms(10), ms(0)), None);
    }
}
