//! `nianbao index --watch`: keeps the index up to date while files of the corpus change.
//!
//! The file system's change notices (inotify, FSEvents, … through the `notify` crate) only say
//! *when* to look: what changed is found by the freshness check and the incremental build, as
//! for any command, so a missed or doubled notice costs nothing but a look. Notices are
//! debounced (an editor's save or a copy of a hundred files is one update), and the corpus is
//! also looked at every [`POLL`] in case notices are lost (a network folder, a full inotify
//! table). Ctrl-C (SIGINT) or SIGTERM stops it between updates: a build in progress finishes
//! and commits first, so the index is never left half-written.

use super::index::summary;
use crate::cli::Config;
use crate::index::{self as idx, fresh, vouch, BuildStats, Index, IndexError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Quiet time after the last notice before updating.
const SETTLE: Duration = Duration::from_millis(300);
/// The longest a stream of notices delays an update.
const MAX_DELAY: Duration = Duration::from_secs(3);
/// How often the corpus is looked at without a notice.
const POLL: Duration = Duration::from_secs(30);

enum Msg {
    /// Something changed in the corpus; a folder when the notice was about one (made, moved
    /// in, its permissions changed): it is watched again, with everything below it.
    Changed(Option<PathBuf>),
    /// The watcher failed (the reason); polling goes on.
    WatchFailed(String),
    Stop,
}

/// Watches until Ctrl-C. The first build has been done by the caller.
/// `json`: each update is one line of `index --json`'s object, and what is not an update
/// (watching, stopped) goes to `err`, so that `out` stays one JSON object a line.
pub fn run(
    config: &Config,
    dir: &Path,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<bool> {
    let (tx, rx) = mpsc::channel::<Msg>();
    let stop = tx.clone();
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ])?;
    let handle = signals.handle();
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            let _ = stop.send(Msg::Stop);
        }
    });
    // The index folder may lie inside the corpus: its own writes are not changes.
    let own = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let ledger = Arc::new(vouch::Ledger::default());
    let marks = vouch::folder(&own);
    let notices = tx.clone();
    let seen = ledger.clone();
    let own_dir = own.clone();
    let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let msg = match res {
            // Notices were dropped (the kernel's queue overflowed): anything may have changed.
            Ok(e) if e.need_rescan() => {
                seen.changed();
                Msg::Changed(None)
            }
            Ok(e) => {
                if e.paths.iter().any(|p| p.starts_with(&marks)) {
                    e.paths.iter().for_each(|p| seen.own_notice(p));
                    return;
                }
                if e.kind.is_access() || e.paths.iter().all(|p| p.starts_with(&own_dir)) {
                    return;
                }
                seen.changed();
                // notify adds watches for folders made or moved in, but not for one it could
                // not read when it walked (now readable), and it drops a failed add silently.
                let folder = e
                    .paths
                    .iter()
                    .find(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()))
                    .cloned();
                Msg::Changed(folder)
            }
            Err(e) => {
                // A folder left unwatched gives no notices again: nothing is vouched for.
                seen.broken();
                Msg::WatchFailed(e.to_string())
            }
        };
        let _ = notices.send(msg);
    });
    let mut watcher = match watcher {
        Ok(w) => Some(w),
        Err(e) => {
            writeln!(
                err,
                "nianbao: cannot watch the corpus ({e}); looking every {} s instead",
                POLL.as_secs()
            )?;
            None
        }
    };
    if let Some(w) = watcher.as_mut() {
        use notify::Watcher;
        if let Err(e) = w.watch(&config.corpus, notify::RecursiveMode::Recursive) {
            writeln!(
                err,
                "nianbao: cannot watch {} ({e}); looking every {} s instead",
                config.corpus.display(),
                POLL.as_secs()
            )?;
            watcher = None;
        }
    }
    let server = match &mut watcher {
        // The folder's notices name it as watched: by the same path as `marks`.
        Some(w) => start_vouching(config, &own, w, ledger.clone()),
        None => Err("the corpus is not watched".to_string()),
    };
    if let Err(why) = &server {
        writeln!(
            err,
            "nianbao: other commands check the corpus themselves: {why}"
        )?;
    }
    let said = format!("watching {} (Ctrl-C stops)", config.corpus.display());
    if json {
        writeln!(err, "nianbao: {said}")?;
    } else {
        writeln!(out, "{said}")?;
    }
    out.flush()?;
    let mut ok = true;
    // Changes made between the caller's build and the watch have given no notice: the first
    // update is made at once.
    let mut first_round = true;
    // Said once: why the watcher does not vouch since its last update.
    let mut unvouched = false;
    loop {
        // Wait for a notice (or the poll), then for the notices to settle.
        let wait = if first_round { Duration::ZERO } else { POLL };
        first_round = false;
        let first = match rx.recv_timeout(wait) {
            Ok(m) => Some(m),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        match first {
            Some(Msg::Stop) => break,
            Some(Msg::WatchFailed(e)) => {
                writeln!(err, "nianbao: watching the corpus: {e}")?;
                continue;
            }
            Some(Msg::Changed(folder)) => {
                let mut folders: Vec<PathBuf> = folder.into_iter().collect();
                let start = Instant::now();
                let mut stopped = false;
                while start.elapsed() < MAX_DELAY {
                    match rx.recv_timeout(SETTLE) {
                        Ok(Msg::Stop) => {
                            stopped = true;
                            break;
                        }
                        Ok(Msg::Changed(f)) => folders.extend(f),
                        Ok(_) => continue,
                        Err(_) => break,
                    }
                }
                if stopped {
                    break;
                }
                // Before the update's check: a change after the watch gives a notice, one
                // before it is seen by the check.
                folders.sort();
                folders.dedup();
                if let Some(w) = watcher.as_mut() {
                    use notify::Watcher;
                    for f in &folders {
                        if let Err(e) = w.watch(f, notify::RecursiveMode::Recursive) {
                            ledger.broken();
                            writeln!(err, "nianbao: cannot watch {}: {e}", f.display())?;
                        }
                    }
                }
            }
            None => {}
        }
        let before = ledger.before_update();
        let updated = update(config, dir);
        // New files may be hard links (their other name gives no notice): looked at again.
        let linked = match (&updated, &server) {
            (Ok(stats), Ok(_)) if stats.is_some() || unvouched => {
                vouch::unwatchable(&config.corpus)
            }
            _ => None,
        };
        match &linked {
            Some(why) => {
                if !unvouched {
                    writeln!(err, "nianbao: other commands check the corpus themselves until it changes again: {why}")?;
                }
                unvouched = true;
                ledger.updated(before, None);
            }
            None => {
                unvouched = false;
                let view = updated
                    .is_ok()
                    .then(|| idx::build::commit_view(dir))
                    .flatten();
                ledger.updated(before, view);
            }
        }
        match updated {
            Ok(Some(stats)) if json => writeln!(out, "{}", serde_json::to_string(&stats)?)?,
            Ok(Some(stats)) => {
                writeln!(out, "{}  {}", clock(), summary(&stats))?;
                for f in &stats.failed {
                    writeln!(out, "  failed: {}: {}", f.path, f.reason)?;
                }
            }
            Ok(None) => {}
            Err(e) => {
                ok = false;
                writeln!(err, "nianbao: the index was not updated: {e:#}")?;
            }
        }
        out.flush()?;
    }
    handle.close();
    drop(server);
    drop(watcher);
    let said = format!("stopped watching {}", config.corpus.display());
    if json {
        writeln!(err, "nianbao: {said}")?;
    } else {
        writeln!(out, "{said}")?;
    }
    Ok(ok)
}

/// Answers other commands' questions about the index (`index/vouch.rs`) when the notices
/// can be trusted to be complete; why not otherwise.
fn start_vouching(
    config: &Config,
    dir: &Path,
    watcher: &mut notify::RecommendedWatcher,
    ledger: Arc<vouch::Ledger>,
) -> Result<vouch::Server, String> {
    use notify::Watcher;
    let opts = idx::update_options(dir, &config.build_options());
    if let Some(why) = vouch::cannot_vouch(&config.corpus, dir, &opts) {
        return Err(why);
    }
    if let Some(why) = vouch::unwatchable(&config.corpus) {
        return Err(why);
    }
    let subject = vouch::Subject::of(&config.corpus, &opts)
        .ok_or_else(|| "the corpus folder cannot be looked at".to_string())?;
    let folder = vouch::folder(dir);
    std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    // The marks' notices must come through the same queue as the corpus's.
    watcher
        .watch(&folder, notify::RecursiveMode::NonRecursive)
        .map_err(|e| format!("cannot watch {}: {e}", folder.display()))?;
    vouch::serve(dir, subject, ledger).map_err(|e| e.to_string())
}

/// Brings the index up to date when the corpus differs from it: what the build did, `None`
/// when nothing changed.
fn update(config: &Config, dir: &Path) -> anyhow::Result<Option<BuildStats>> {
    let opts = config.build_options();
    let index = Index::open(dir)?;
    if fresh::check(&config.corpus, &index, &opts)?.is_fresh() {
        return Ok(None);
    }
    drop(index);
    let started = Instant::now();
    let stats = loop {
        match idx::build(&config.corpus, dir, &opts, &mut |_| {}) {
            // Another command is updating it: it will be up to date when it finishes.
            Err(IndexError::Locked(_)) if started.elapsed() < Duration::from_secs(60) => {
                std::thread::sleep(Duration::from_millis(200));
            }
            r => break r?,
        }
    };
    Ok(Some(stats))
}

/// The time of day (UTC), `HH:MM:SS`, for the lines of a long-running watch.
fn clock() -> String {
    let s = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("{:02}:{:02}:{:02} UTC", s / 3600 % 24, s / 60 % 60, s % 60)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use notify::Watcher;
    use std::sync::mpsc;
    use std::time::Duration;

    /// The vendored notify (vendor/notify/NIANBAO.md) asks inotify for no open notices:
    /// reading a watched report queues nothing, writing it does.
    #[test]
    fn reading_a_watched_file_gives_no_notice_and_writing_it_does() {
        let t = tempfile::tempdir().unwrap();
        let file = t.path().join("甲局").join("2023.txt");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "一、总体情况").unwrap();
        let (tx, rx) = mpsc::channel();
        let mut w = notify::recommended_watcher(move |e: notify::Result<notify::Event>| {
            let _ = tx.send(e.map(|e| e.kind));
        })
        .unwrap();
        w.watch(t.path(), notify::RecursiveMode::Recursive).unwrap();
        for _ in 0..3 {
            assert_eq!(std::fs::read_to_string(&file).unwrap(), "一、总体情况");
        }
        let read = rx.recv_timeout(Duration::from_millis(500));
        assert!(read.is_err(), "a read gave a notice: {read:?}");
        std::fs::write(&file, "一、总体情况 二").unwrap();
        let wrote = rx.recv_timeout(Duration::from_secs(5));
        assert!(
            matches!(wrote, Ok(Ok(k)) if !k.is_access()),
            "a write gave {wrote:?}"
        );
    }
}
