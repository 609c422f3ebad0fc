//! The browser's engines: the loader that opens, builds and updates the tantivy index in the
//! background, and the one that parses the corpus into memory.

use super::worker::{Loaded, Loader, Updater};
use crate::index::{self, Backend, Index, MemoryIndex, Progress};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Build progress as (done, total) for the progress bar.
fn counts(p: &Progress) -> Option<(usize, usize)> {
    match p {
        Progress::Indexing { done, total, .. } => Some((*done, *total)),
        Progress::Scanning { .. } | Progress::Rebuilding { .. } => Some((0, 0)),
        Progress::Committing => None,
    }
}

/// Opens the index of `corpus` (building it when missing or damaged, with progress); when an
/// index was already there, brings it up to date afterwards while the user works.
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
        let updater: Option<Updater> = if built.is_some() {
            None
        } else {
            Some(Box::new(move |progress| {
                let mut cb = |p: &Progress| {
                    if let Some((d, t)) = counts(p) {
                        progress(d, t);
                    }
                };
                let stats = index::build(&corpus, &dir, &opts, &mut cb)?;
                if stats.added + stats.updated + stats.removed == 0 {
                    return Ok(None);
                }
                Ok(Some(Arc::new(Index::open(&dir)?) as Arc<dyn Backend>))
            }))
        };
        Ok(Loaded {
            backend: Arc::new(idx),
            updater,
        })
    })
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
