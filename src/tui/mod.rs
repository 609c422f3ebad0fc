//! The terminal browser: one event loop routing input to screens (`screens/`, one module a
//! screen, through `events`) and drawing the state they hold (`views`).
//!
//! Input, signals and the search worker each run on their own thread and only send messages
//! to the loop, which applies every pending message, then draws once.

pub mod clipboard;
pub mod config;
pub mod document;
pub mod effect;
pub mod events;
pub mod export;
pub mod history;
pub mod i18n;
pub mod idle;
pub mod input;
pub mod keys;
pub mod layout;
pub mod loader;
pub mod opener;
pub mod screens;
/// The compare screen and exports, where they were before the browser was split by screen.
pub use screens::compare;
pub mod state;
pub mod tally;
pub mod terminal;
pub mod views;
pub mod worker;

use events::AppEvent;
use state::{App, Effect};
use std::path::PathBuf;
use std::sync::mpsc;
use worker::{EngineMsg, Worker};

/// What `nianbao` (no subcommand) and `nianbao open` start the browser with.
pub struct Options {
    pub corpus: PathBuf,
    pub index: Option<PathBuf>,
    /// How the index is built or updated (links, size cap).
    pub build: crate::index::BuildOptions,
    /// Open this agency's report (for this year, or the latest) as soon as the engine is ready.
    pub open: Option<(String, Option<i32>)>,
    /// Open this report (its path in the index) instead.
    pub open_path: Option<String>,
}

enum Msg {
    /// Boxed: search results make an event large, and signals are many times smaller.
    Event(Box<AppEvent>),
    Signal(i32),
}

/// Runs the browser until the user quits. Exits the process on SIGTERM/SIGHUP after restoring.
/// `Ok(false)` when the index could not be opened (the exit status then says so).
pub fn run(opts: Options) -> anyhow::Result<bool> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the browser needs a terminal; for scripts use `nianbao search` or `nianbao show`"
        );
    }
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let mut term = terminal::enter()?;
    let (tx, rx) = mpsc::channel::<Msg>();
    terminal::spawn_input(tx.clone(), |e| Msg::Event(Box::new(e)));
    terminal::spawn_signals(tx.clone(), Msg::Signal)?;
    let etx = tx.clone();
    let worker = Worker::spawn(
        if std::env::var_os("NIANBAO_MEMORY").is_some_and(|v| v == "1") {
            loader::memory_loader(opts.corpus.clone())
        } else {
            loader::loader(opts.corpus.clone(), opts.index.clone(), opts.build.clone())
        },
        Box::new(move |m: EngineMsg| {
            let _ = etx.send(Msg::Event(Box::new(AppEvent::Engine(m))));
        }),
    );
    let ttx = tx.clone();
    let tally = tally::Tally::spawn(Box::new(move |generation, board| {
        let _ = ttx.send(Msg::Event(Box::new(AppEvent::Tally { generation, board })));
    }));
    let xtx = tx.clone();
    let exporter = export::Exporter::spawn(Box::new(move |generation, progress| {
        let _ = xtx.send(Msg::Event(Box::new(AppEvent::Export {
            generation,
            progress,
        })));
    }));
    drop(tx);
    let size = term.size().map(|s| (s.width, s.height)).unwrap_or((80, 24));
    let mut app = App::new(size, no_color, &opts.corpus.display().to_string());
    app.lang = i18n::Lang::from_env();
    app.history = history::History::load(history::default_file());
    let (settings, problem) = config::load(config::default_file());
    app.copy_header = settings.copy.header;
    app.csv_bom = settings.copy.csv_bom;
    app.palette = settings.palette().unwrap_or_default();
    // A typo in the settings is said, never fatal.
    app.status = problem.map(|p| format!("settings ignored: {p}"));
    app.pending_open = opts.open;
    app.pending_report = opts.open_path;
    app.request_search();
    run_effects(&mut app, &worker, &tally, &exporter, &mut term);
    term.draw(|f| views::draw(f, &app))?;
    if std::env::var_os("NIANBAO_TEST_PANIC").is_some_and(|v| v == "1") {
        panic!("NIANBAO_TEST_PANIC=1: forced panic after the first frame");
    }
    let mut signal = None;
    'outer: while let Ok(first) = rx.recv() {
        let mut next = Some(first);
        // Apply everything pending, then draw once: a burst of keys costs one frame.
        while let Some(m) = next.take() {
            match m {
                // In raw mode Ctrl-Z is a key, not a signal: suspend as a shell would.
                Msg::Event(e)
                    if matches!(&*e, AppEvent::Key(k)
                        if k.code == crossterm::event::KeyCode::Char('z')
                            && k.modifiers
                                .contains(crossterm::event::KeyModifiers::CONTROL)) =>
                {
                    terminal::suspend();
                    term = terminal::fresh()?;
                }
                // Continued after a stop: everything on the screen is drawn again (a fresh
                // terminal has no previous frame to diff against; `clear` would ask the
                // terminal for the cursor position, an answer the input thread would take).
                Msg::Signal(signal_hook::consts::SIGCONT) => term = terminal::fresh()?,
                Msg::Event(e) => app.handle(*e),
                Msg::Signal(s) => {
                    signal = Some(s);
                    break 'outer;
                }
            }
            run_effects(&mut app, &worker, &tally, &exporter, &mut term);
            if app.quit {
                break 'outer;
            }
            next = rx.try_recv().ok();
        }
        term.draw(|f| views::draw(f, &app))?;
    }
    drop(term);
    terminal::restore();
    match signal {
        // SIGINT from outside behaves like Ctrl-C: a normal quit.
        Some(s) if s != signal_hook::consts::SIGINT => std::process::exit(128 + s),
        _ => match &app.engine {
            state::Engine::Failed(e) => {
                eprintln!("nianbao: the index could not be opened: {e}");
                Ok(false)
            }
            _ => Ok(true),
        },
    }
}

/// The threads effects are sent to.
fn run_effects(
    app: &mut App,
    worker: &Worker,
    tally: &tally::Tally,
    exporter: &export::Exporter,
    term: &mut terminal::Term,
) {
    for e in std::mem::take(&mut app.effects) {
        match e {
            Effect::Search(r) => worker.request(r),
            Effect::Tally(job) => tally.request(job),
            Effect::Export(job) => exporter.request(job),
            Effect::Copy { text, what } => {
                let mut out = std::io::stdout();
                let via = clipboard::copy(&mut out, &text);
                app.status = Some(state::copy_status(app.lang, &what, &via));
            }
            Effect::Write { path, text } => app.status = Some(compare::write_export(&path, &text)),
            Effect::OpenSource(path) => open_source(app, term, &path),
        }
    }
}

/// `o`: the source file in `$PAGER` or the system opener. The browser's modes are left while
/// it runs (the input thread stops reading, so every key goes to the program) and taken back
/// after, the whole screen drawn again.
fn open_source(app: &mut App, term: &mut terminal::Term, path: &str) {
    let p = std::path::Path::new(path);
    if !p.is_file() {
        app.status = Some(format!(
            "cannot open the source: {path} is not there any more"
        ));
        return;
    }
    let pager = std::env::var("PAGER").ok();
    let launch = opener::launch_for(p, pager.as_deref(), opener::Os::current());
    terminal::pause_input();
    terminal::restore();
    let said = opener::run(&launch);
    terminal::resume();
    terminal::resume_input();
    match terminal::fresh() {
        Ok(t) => *term = t,
        Err(e) => app.status = Some(format!("the screen could not be drawn again: {e}")),
    }
    app.status = Some(said);
}
