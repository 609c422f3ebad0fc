//! The browser's [`Backend`] over the tantivy index, and the loader that opens, builds and
//! updates it in the background.

use super::backend::{Backend, Filters};
use super::worker::{Loaded, Loader, Updater};
use crate::index::{self, AgencyYears, Index, Progress, Query, SearchResults};
use crate::report::Report;
use std::path::PathBuf;
use std::sync::Arc;

impl Backend for Index {
    fn search(&self, text: &str, f: &Filters, limit: usize) -> anyhow::Result<SearchResults> {
        let q = Query {
            text: text.to_string(),
            agencies: f.agencies.clone(),
            years: f.years,
            template: f.template,
            limit,
            offset: 0,
        };
        Ok(Index::search(self, &q)?)
    }

    fn resolve_agency(&self, input: &str) -> Vec<String> {
        if input.trim().is_empty() {
            return Index::agencies(self).into_iter().map(|a| a.name).collect();
        }
        Index::resolve_agency(self, input)
    }

    fn agencies(&self) -> Vec<AgencyYears> {
        Index::agencies(self)
    }

    fn find(&self, agency: &str, year: Option<i32>) -> Vec<String> {
        Index::find(self, agency, year)
            .into_iter()
            .map(|r| r.path)
            .collect()
    }

    fn report(&self, path: &str) -> anyhow::Result<Report> {
        Ok(Index::report(self, path)?)
    }
}

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
        if !corpus.is_dir() {
            anyhow::bail!(
                "the corpus folder {} does not exist; pass --corpus DIR or set NIANBAO_CORPUS",
                corpus.display()
            );
        }
        let dir = match dir {
            Some(d) => d,
            None => index::default_index_dir(&corpus)?,
        };
        let mut cb = |p: &Progress| {
            if let Some((d, t)) = counts(p) {
                progress(d, t);
            }
        };
        let (idx, built) = index::build::ensure_with(&corpus, &dir, &opts, &mut cb)?;
        let updater: Option<Updater> = if built.is_some() {
            None
        } else {
            Some(Box::new(move |progress| {
                let mut cb = |p: &Progress| {
                    if let Some((d, t)) = counts(p) {
                        progress(d, t);
                    }
                };
                let stats = index::build::build(&corpus, &dir, &opts, &mut cb)?;
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
