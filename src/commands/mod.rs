//! One function per subcommand: each takes the [`crate::cli::Config`] and writes to the given output.

pub mod agencies;
pub mod check;
pub mod compare;
pub mod export;
pub mod filters;
pub mod index;
pub mod metrics;
pub mod open;
pub mod parse;
pub mod rank;
pub mod search;
pub mod select;
pub mod show;
pub mod totals;
pub mod watch;

use crate::cli::Config;
use crate::index::fresh::{self, Staleness};
use crate::index::{self as idx, Index, IndexError, Progress};
use anyhow::Context;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The index folder: `--index`, or one per corpus in the cache folder.
pub fn index_dir(config: &Config) -> anyhow::Result<PathBuf> {
    match &config.index {
        Some(d) => Ok(d.clone()),
        None => Ok(idx::default_index_dir(&config.corpus)?),
    }
}

/// Opens the index, building it first when it is missing, damaged or outdated, and updating it
/// when the corpus changed since; says so on `err`.
pub fn open_index(config: &Config, err: &mut dyn Write) -> anyhow::Result<Index> {
    Ok(open_fresh(config, err)?.0)
}

/// [`open_index`], with what still differs from the corpus when the index could not be updated.
pub fn open_fresh(config: &Config, err: &mut dyn Write) -> anyhow::Result<(Index, Staleness)> {
    match open_unchecked(config, err)? {
        Opened::Built(index) => Ok((index, Staleness::default())),
        Opened::Existing(index) => refresh(config, index, err),
    }
}

/// An index as [`open_unchecked`] found it.
pub enum Opened {
    /// Built from the corpus just now: fresh.
    Built(Index),
    /// As it was: still to be compared with the corpus ([`refresh`]).
    Existing(Index),
}

/// Opens the index, building it first when it is missing, damaged or outdated (saying so on
/// `err`), without comparing it with the corpus.
pub fn open_unchecked(config: &Config, err: &mut dyn Write) -> anyhow::Result<Opened> {
    let dir = index_dir(config)?;
    let mut note = |p: &Progress| {
        if let Progress::Rebuilding { reason } = p {
            let _ = writeln!(
                err,
                "nianbao: the index at {} is damaged or out of date ({reason}); rebuilding it from the corpus",
                dir.display()
            );
        }
    };
    let (index, stats) =
        idx::build::ensure_with(&config.corpus, &dir, &config.build_options(), &mut note)
            .with_context(|| format!("cannot open the index of {}", config.corpus.display()))?;
    if let Some(s) = stats {
        writeln!(
            err,
            "nianbao: indexed {} reports of {} ({} failed)",
            s.reports,
            config.corpus.display(),
            s.failed.len()
        )?;
        return Ok(Opened::Built(index));
    }
    Ok(Opened::Existing(index))
}

/// How long a command waits for another process (`index --watch`, the browser) to finish
/// updating the index before it answers from the index as it is, saying so.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// Brings an open index up to date with the corpus when a file was added, changed or removed
/// since it was built (one line on `err` when it did). When it cannot be updated (a read-only
/// folder, another process holding it too long), says on `err` that it is stale and how to
/// update it, and gives it as it is with what differs.
pub fn refresh(
    config: &Config,
    mut index: Index,
    err: &mut dyn Write,
) -> anyhow::Result<(Index, Staleness)> {
    let dir = index.dir().to_path_buf();
    let opts = idx::build::update_options(&dir, &config.build_options());
    let started = Instant::now();
    if !config.corpus.is_dir() {
        // An unmounted drive, a moved folder: the index is all there is, and is said to be.
        writeln!(
            err,
            "nianbao: warning: the corpus folder {} is not there: these answers are from the index at {} as it was last built, unchecked",
            config.corpus.display(),
            dir.display()
        )?;
        return Ok((index, Staleness::default()));
    }
    if fresh::vouched(&config.corpus, &index, &opts) {
        return Ok((index, Staleness::default()));
    }
    loop {
        let stale = fresh::check(&config.corpus, &index, &opts).with_context(|| {
            format!("cannot compare the index with {}", config.corpus.display())
        })?;
        if stale.is_fresh() {
            return Ok((index, stale));
        }
        let cannot = |why: &str, err: &mut dyn Write| {
            writeln!(
                err,
                "nianbao: warning: the index at {} is stale ({} since it was built) and {why}; \
                 these answers are from the old index. Update it with `nianbao index` where its \
                 folder can be written, or give --index a writable folder",
                dir.display(),
                stale.summary()
            )
        };
        if !idx::folder::writable(&dir) {
            cannot("its folder cannot be written", err)?;
            return Ok((index, stale));
        }
        match idx::build(&config.corpus, &dir, &opts, &mut |_| {}) {
            Ok(s) => {
                let mut failed = if s.failed.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; {} could not be read, `nianbao index` names them",
                        s.failed.len()
                    )
                };
                if let Some(why) = &s.rebuilt {
                    failed.push_str(&format!("; rebuilt from the corpus: {why}"));
                }
                writeln!(
                    err,
                    "nianbao: the corpus changed since the index was built: updated it ({} added, {} updated, {} removed{failed})",
                    s.added, s.updated, s.removed
                )?;
                let index = Index::open(&dir)
                    .with_context(|| format!("cannot open the index at {}", dir.display()))?;
                return Ok((index, Staleness::default()));
            }
            // Another process is updating it: wait for it, then look again.
            Err(IndexError::Locked(_)) if started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(Duration::from_millis(100));
                if let Ok(i) = Index::open(&dir) {
                    index = i;
                }
            }
            Err(IndexError::Locked(_)) => {
                cannot("another process has been updating it for too long", err)?;
                return Ok((index, stale));
            }
            Err(e) => {
                cannot(&format!("cannot be updated ({e})"), err)?;
                return Ok((index, stale));
            }
        }
    }
}

/// The agencies `input` names, or an error that says none does.
pub fn agencies_for(index: &Index, input: &str) -> anyhow::Result<Vec<String>> {
    let found = index.resolve_agency(input);
    if found.is_empty() {
        anyhow::bail!("no agency matches \"{input}\"; `nianbao agencies` lists them all");
    }
    Ok(found)
}
