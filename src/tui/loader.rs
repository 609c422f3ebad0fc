//! The browser's engines: the loader that opens, builds and updates the tantivy index in the
//! background, and the one that parses the corpus into memory.

use super::worker::{Loaded, Loader, Updater, Watch};
use crate::index::{self, fresh, Backend, Index, IndexError, MemoryIndex, Progress};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// Build progress as (done, total) for the progress bar.
fn counts(p: &Progress) -> Option<(usize, usize)> {
    match p {
        Progress::Indexing { done, total, .. } => Some((*done, *total)),
        Progress::Scanning { .. } | Progress::Rebuilding { .. } => Some((0, 0)),
        Progress::Committing => None,
    }
}

/// Opens the index of `corpus` (building it when missing or damaged, with progress); when an
/// index was already there, brings it up to date afterwards while the user works, and keeps it
/// so: files changed while the browser is open, and commits of other processes, are picked up.
pub fn loader(corpus: PathBuf, dir: Option<PathBuf>, opts: index::BuildOptions) -> Loader {
    Box::new(move |progress| {
        no_corpus(&corpus)?;
        let dir = match dir {
            Some(d) => d,
            None => index::default_index_dir(&corpus)?,
        };
        let mut cb = |p: &Progress| {
            if let Some((d, t)) = counts(p) {
                progress(d, t);
            }
        };
        let (idx, built) = index::ensure_with(&corpus, &dir, &opts, &mut cb)?;
        let opts = index::update_options(&dir, &opts);
        // The index as the browser last opened it, and its commit's stamp: shared by the first
        // update and the watch that follows it.
        let current = Arc::new(Mutex::new((idx.clone(), commit_stamp(&dir))));
        let updater: Option<Updater> = if built.is_some() {
            None
        } else {
            let (corpus, dir, opts, current) =
                (corpus.clone(), dir.clone(), opts.clone(), current.clone());
            Some(Box::new(move |progress| {
                let mut cb = |p: &Progress| {
                    if let Some((d, t)) = counts(p) {
                        progress(d, t);
                    }
                };
                // Cheap when nothing changed: no build, no checksum pass over the index.
                let open = lock(&current).0.clone();
                if fresh::vouched(&corpus, &open, &opts) {
                    return Ok(None);
                }
                let stale = fresh::check(&corpus, &open, &opts)?;
                if stale.is_fresh() {
                    return Ok(None);
                }
                not_writable(&dir, &stale)?;
                let stats = index::build(&corpus, &dir, &opts, &mut cb)?;
                if stats.added + stats.updated + stats.removed == 0 {
                    return Ok(None);
                }
                let new = Index::open(&dir)?;
                *lock(&current) = (new.clone(), commit_stamp(&dir));
                Ok(Some(prepared(new)))
            }))
        };
        let watch: Watch = Box::new(move || {
            let (open, stamp) = lock(&current).clone();
            // Another process (`nianbao index --watch`, a command) committed: read its commit.
            let now = commit_stamp(&dir);
            if now != stamp {
                let new = Index::open(&dir)?;
                *lock(&current) = (new.clone(), now);
                return Ok(Some(prepared(new)));
            }
            // A running `index --watch` that vouches for this commit spares the `stat`s.
            if fresh::vouched(&corpus, &open, &opts) {
                return Ok(None);
            }
            let stale = fresh::check(&corpus, &open, &opts)?;
            if stale.is_fresh() {
                return Ok(None);
            }
            not_writable(&dir, &stale)?;
            match index::build(&corpus, &dir, &opts, &mut |_| {}) {
                // Someone else is updating it: their commit is read next time.
                Err(IndexError::Locked(_)) => Ok(None),
                Err(e) => Err(e.into()),
                Ok(_) => {
                    let new = Index::open(&dir)?;
                    *lock(&current) = (new.clone(), commit_stamp(&dir));
                    Ok(Some(prepared(new)))
                }
            }
        });
        Ok(Loaded {
            backend: prepared(idx),
            updater,
            watch: Some(watch),
        })
    })
}

/// The engine for the browser, its lazy parts made on a thread of their own: searching can
/// start at once, and the go-to and region lists are ready before a user reaches for them.
fn prepared(idx: Index) -> Arc<dyn Backend> {
    let warm = idx.clone();
    let preload = preload_wanted();
    // Idle priority: a second of a core at 100,000 reports, while the user may be typing.
    let _ = super::idle::spawn("nianbao-prepare", move || {
        warm.prepare();
        // After the lists: they read the per-report columns the preload would read first.
        if preload {
            warm.preload(index::default_preload_budget());
        }
    });
    Arc::new(idx)
}

/// Whether the browser reads the index into the page cache once opened (`index/preload.rs`):
/// yes unless `NIANBAO_PRELOAD=0`, for a machine whose memory is better left to others.
fn preload_wanted() -> bool {
    std::env::var_os("NIANBAO_PRELOAD").is_none_or(|v| v != "0")
}

/// A stale index in a folder that cannot be written: said, with what to do.
fn not_writable(dir: &Path, stale: &fresh::Staleness) -> anyhow::Result<()> {
    if !index::writable(dir) {
        anyhow::bail!(
            "the index is stale ({}) and its folder cannot be written; run `nianbao index` where it can be",
            stale.summary()
        );
    }
    Ok(())
}

/// The size and time of the index's last commit (tantivy replaces meta.json at each one).
fn commit_stamp(dir: &Path) -> Option<(u64, std::time::SystemTime)> {
    let m = std::fs::metadata(dir.join("meta.json")).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// The lock, also after a panic while it was held (its data is a whole value either way).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A loader that parses the corpus into memory, with progress (tests, the bench, and
/// `NIANBAO_MEMORY=1` when the index cannot be used).
pub fn memory_loader(corpus: PathBuf) -> Loader {
    Box::new(move |progress| {
        no_corpus(&corpus)?;
        let b = MemoryIndex::load(&corpus, progress)?;
        Ok(Loaded {
            backend: Arc::new(b) as Arc<dyn Backend>,
            updater: None,
            watch: None,
        })
    })
}

/// The corpus folder is missing: said with how to give another one.
fn no_corpus(corpus: &Path) -> anyhow::Result<()> {
    if !corpus.is_dir() {
        anyhow::bail!(
            "the corpus folder {} does not exist; pass --corpus DIR or set NIANBAO_CORPUS",
            corpus.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(b: &dyn Backend, q: &str) -> usize {
        let q = index::Query {
            text: q.to_string(),
            limit: 10,
            ..Default::default()
        };
        b.search(&q).unwrap().total
    }

    #[test]
    fn the_open_browser_picks_up_a_new_file_and_another_processs_commit() {
        let t = tempfile::tempdir().unwrap();
        let (corpus, dir) = (t.path().join("corpus"), t.path().join("index"));
        let report = |agency: &str, word: &str| {
            format!("{agency}2023年政府信息公开工作年度报告\n一、总体情况\n{word}\n")
        };
        std::fs::create_dir_all(corpus.join("a")).unwrap();
        std::fs::write(corpus.join("a/2023.txt"), report("甲县民政局", "甲")).unwrap();
        let load = loader(corpus.clone(), Some(dir.clone()), Default::default());
        let loaded = load(&mut |_, _| {}).unwrap();
        let mut watch = loaded.watch.expect("a watch");
        assert!(watch().unwrap().is_none(), "nothing changed");
        assert_eq!(hits(&*loaded.backend, "鹦鹉螺号"), 0);

        // A file added while the browser is open: the next look updates and hands a new engine.
        std::fs::write(corpus.join("a/2022.txt"), report("甲县民政局", "鹦鹉螺号")).unwrap();
        let b = watch().unwrap().expect("a new engine");
        assert_eq!(hits(&*b, "鹦鹉螺号"), 1);
        assert!(watch().unwrap().is_none());

        // Another process updates the index: its commit is read, nothing is built here.
        std::fs::write(corpus.join("a/2021.txt"), report("甲县民政局", "潜水艇")).unwrap();
        crate::index::build(&corpus, &dir, &Default::default(), &mut |_| {}).unwrap();
        let b = watch().unwrap().expect("the other commit");
        assert_eq!(hits(&*b, "潜水艇"), 1);
    }
}
