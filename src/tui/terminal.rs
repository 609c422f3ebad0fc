//! Entering and leaving the terminal's browser mode, on every way out: quit, signal, panic.

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::Duration;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Puts everything back: mouse capture off, main screen, cursor shown, raw mode off.
/// Safe to call more than once and from a panic hook.
pub fn restore() {
    let mut out = std::io::stdout();
    let _ = crossterm::execute!(
        out,
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = out.flush();
    let _ = disable_raw_mode();
}

/// Raw mode, alternate screen, mouse capture, bracketed paste (a paste arrives as text, its
/// newline never as Enter); and a panic hook that restores first, so the
/// panic message lands on the normal screen.
pub fn enter() -> anyhow::Result<Term> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    enable_raw_mode()?;
    let mut out = std::io::stdout();
    if let Err(e) = crossterm::execute!(
        out,
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    ) {
        restore();
        return Err(e.into());
    }
    match Terminal::new(CrosstermBackend::new(std::io::stdout())) {
        Ok(t) => Ok(t),
        Err(e) => {
            restore();
            Err(e.into())
        }
    }
}

/// Ctrl-Z: the terminal put back as the shell expects it, the process stopped; on `fg`
/// (SIGCONT) the browser's modes again. The caller redraws the whole screen.
pub fn suspend() {
    restore();
    // SIGSTOP, not SIGTSTP: SIGTSTP is caught (by this program) and would not stop it.
    let _ = signal_hook::low_level::raise(signal_hook::consts::SIGSTOP);
    resume();
}

/// A terminal to draw on from scratch: its first frame is drawn whole.
pub fn fresh() -> anyhow::Result<Term> {
    Ok(Terminal::new(CrosstermBackend::new(std::io::stdout()))?)
}

/// Back into the browser's modes after a stop. Safe to call when already in them.
pub fn resume() {
    let _ = enable_raw_mode();
    let mut out = std::io::stdout();
    let _ = crossterm::execute!(
        out,
        EnterAlternateScreen,
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All),
        EnableMouseCapture,
        EnableBracketedPaste
    );
    let _ = out.flush();
}

/// Set while another program has the terminal: the input thread reads nothing.
static INPUT_PAUSED: AtomicBool = AtomicBool::new(false);
/// The input thread has seen [`INPUT_PAUSED`] and waits.
static INPUT_PARKED: AtomicBool = AtomicBool::new(false);
/// Set while another program has the terminal: Ctrl-C there is its own, not a quit here.
static CHILD_HAS_TERMINAL: AtomicBool = AtomicBool::new(false);

/// Stops the input thread reading, before another program takes the terminal (it would
/// otherwise take that program's keys). Waits for it, a poll interval at most.
pub fn pause_input() {
    INPUT_PARKED.store(false, Ordering::SeqCst);
    INPUT_PAUSED.store(true, Ordering::SeqCst);
    CHILD_HAS_TERMINAL.store(true, Ordering::SeqCst);
    let t = std::time::Instant::now();
    while !INPUT_PARKED.load(Ordering::SeqCst) && t.elapsed() < Duration::from_millis(500) {
        std::thread::sleep(Duration::from_millis(5));
    }
}

pub fn resume_input() {
    CHILD_HAS_TERMINAL.store(false, Ordering::SeqCst);
    INPUT_PAUSED.store(false, Ordering::SeqCst);
}

/// Reads terminal events on a thread and sends them to the loop.
pub fn spawn_input<M: Send + 'static>(
    tx: Sender<M>,
    wrap: impl Fn(super::events::AppEvent) -> M + Send + 'static,
) {
    use super::events::AppEvent;
    use crossterm::event::Event;
    std::thread::spawn(move || loop {
        if INPUT_PAUSED.load(Ordering::SeqCst) {
            INPUT_PARKED.store(true, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(10));
            continue;
        }
        // A bounded wait, so that a pause is seen without a key being read first.
        match crossterm::event::poll(Duration::from_millis(50)) {
            Ok(true) if !INPUT_PAUSED.load(Ordering::SeqCst) => {}
            Ok(_) => continue,
            Err(_) => return,
        }
        let ev = match crossterm::event::read() {
            Ok(e) => e,
            Err(_) => return,
        };
        let ev = match ev {
            Event::Key(k) => AppEvent::Key(k),
            Event::Mouse(m) => AppEvent::Mouse(m),
            Event::Paste(s) => AppEvent::Paste(s),
            Event::Resize(w, h) => AppEvent::Resize(w, h),
            _ => continue,
        };
        if tx.send(wrap(ev)).is_err() {
            return;
        }
    });
}

/// SIGTERM, SIGHUP (a closed SSH session) and SIGINT become messages, so the loop can restore
/// the terminal before exiting.
pub fn spawn_signals<M: Send + 'static>(
    tx: Sender<M>,
    wrap: impl Fn(i32) -> M + Send + 'static,
) -> anyhow::Result<()> {
    use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};
    let mut signals =
        signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGTSTP, SIGCONT])?;
    std::thread::spawn(move || {
        for s in signals.forever() {
            // Job control is handled here, not in the loop: the loop only redraws after it.
            let s = match s {
                // The program that has the terminal (a pager) takes its own Ctrl-C.
                SIGINT | SIGQUIT if CHILD_HAS_TERMINAL.load(Ordering::SeqCst) => continue,
                SIGTSTP => {
                    suspend();
                    SIGCONT
                }
                SIGCONT => {
                    // Stopped by someone else (SIGSTOP): the shell may have reset the terminal.
                    resume();
                    SIGCONT
                }
                s => s,
            };
            if tx.send(wrap(s)).is_err() {
                // The loop is gone (it is restoring or has restored): exit with the signal's status.
                restore();
                std::process::exit(128 + s);
            }
        }
    });
    Ok(())
}
