//! Typing a query character by character through the real search worker and a real index:
//! the keystrokes are answered with first hits, and once typing stops the screen is exactly
//! what a fresh search for the whole query shows.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use nianbao::index::{self, Backend, Index, Query, Stage};
use nianbao::tui::events::AppEvent;
use nianbao::tui::state::{App, Effect};
use nianbao::tui::views;
use nianbao::tui::worker::{EngineMsg, Loaded, Worker};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::Duration;

/// 120 reports cut from the shipped samples at different lengths, in 30 agency folders: more
/// matches than a page of first hits, so the first hits stop early.
fn corpus_index(dir: &Path) -> Index {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let samples: Vec<String> = walkdir::WalkDir::new(root.join("corpus"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    let corpus = dir.join("corpus");
    for i in 0..120 {
        let p = corpus.join(format!("机构{}/{}.txt", i % 30, 2018 + i % 7));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let t = &samples[i % samples.len()];
        let cut = t
            .char_indices()
            .nth(300 + 53 * i)
            .map_or(t.len(), |(b, _)| b);
        std::fs::write(&p, &t[..cut]).unwrap();
    }
    index::open_or_build(&corpus, &dir.join("index"), &mut |_| {})
        .unwrap()
        .0
}

struct Browser {
    app: App,
    worker: Worker,
    rx: Receiver<EngineMsg>,
    /// Answers that were first hits, and of those how many stopped before the last match.
    first: usize,
    stopped_early: usize,
}

impl Browser {
    fn new(backend: Arc<dyn Backend>) -> Browser {
        let (tx, rx) = mpsc::channel();
        let worker = Worker::spawn(
            Box::new(move |_| {
                Ok(Loaded {
                    backend,
                    updater: None,
                    watch: None,
                })
            }),
            Box::new(move |m| {
                let _ = tx.send(m);
            }),
        );
        let mut b = Browser {
            app: App::new((80, 24), false, "corpus"),
            worker,
            rx,
            first: 0,
            stopped_early: 0,
        };
        b.app.request_search();
        b.settle();
        b
    }

    fn send_effects(&mut self) {
        for e in std::mem::take(&mut self.app.effects) {
            if let Effect::Search(r) = e {
                self.worker.request(r);
            }
        }
    }

    fn take(&mut self, m: EngineMsg) {
        if let EngineMsg::Results { results: Ok(r), .. } = &m {
            if let Stage::First { all_found } = r.stage {
                self.first += 1;
                self.stopped_early += usize::from(!all_found);
            }
        }
        self.app.handle(AppEvent::Engine(m));
        self.send_effects();
    }

    /// Whatever answers are in, without waiting: as the event loop between keystrokes.
    fn drain(&mut self) {
        while let Ok(m) = self.rx.try_recv() {
            self.take(m);
        }
    }

    /// Until the engine is ready and the newest search has its complete answer.
    fn settle(&mut self) {
        self.send_effects();
        loop {
            let ready = matches!(self.app.engine, nianbao::tui::state::Engine::Ready(_));
            if ready && !self.app.search.searching {
                break;
            }
            let m = self
                .rx
                .recv_timeout(Duration::from_secs(20))
                .expect("the worker answers");
            self.take(m);
        }
        self.drain();
    }

    fn type_char(&mut self, c: char) {
        self.app.handle(AppEvent::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
        self.send_effects();
        self.drain();
    }

    fn screen(&self) -> String {
        let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        term.draw(|f| views::draw(f, &self.app)).unwrap();
        let buf = term.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        // The time a search took is the one thing that may differ.
        let mut masked = String::new();
        for line in out.lines() {
            match line.find(" · ") {
                Some(i) if line[i..].contains(" ms") => {
                    masked.push_str(&line[..i]);
                }
                _ => masked.push_str(line),
            }
            masked.push('\n');
        }
        masked
    }
}

#[test]
fn the_screen_after_typing_stops_is_a_fresh_search() {
    let dir = tempfile::tempdir().unwrap();
    let index = corpus_index(dir.path());
    let backend: Arc<dyn Backend> = Arc::new(index.clone());
    for query in ["政府信息公开", "行政复议", "公开 -复议", "年度报告"] {
        let mut typed = Browser::new(backend.clone());
        for c in query.chars() {
            typed.type_char(c);
        }
        typed.settle();
        let mut fresh = Browser::new(backend.clone());
        fresh.app.handle(AppEvent::Paste(query.to_string()));
        fresh.settle();
        assert_eq!(typed.app.search.input.text, query);
        let results = typed.app.search.results.clone().expect("results");
        assert_eq!(results.stage, Stage::Complete, "{query}");
        let direct = index
            .search(&Query {
                text: query.into(),
                limit: results.hits.len().max(1),
                ..Query::default()
            })
            .unwrap();
        assert!(
            direct.total > results.hits.len(),
            "{query}: too few matches to test"
        );
        assert_eq!(results.hits, direct.hits, "{query}");
        assert_eq!(results.total, direct.total, "{query}");
        assert_eq!(typed.screen(), fresh.screen(), "{query}");
        // The keystrokes were answered with first hits, stopped before the last match.
        assert!(typed.first > 0 && typed.stopped_early > 0, "{query}");
    }
}
