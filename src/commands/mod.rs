//! One function per subcommand: each takes the [`crate::cli::Config`] and writes to the given output.

pub mod agencies;
pub mod check;
pub mod compare;
pub mod export;
pub mod index;
pub mod metrics;
pub mod open;
pub mod parse;
pub mod rank;
pub mod search;
pub mod select;
pub mod show;
pub mod totals;

use crate::cli::Config;
use crate::index::{self as idx, Index, Progress};
use anyhow::Context;
use std::io::Write;
use std::path::PathBuf;

/// The index folder: `--index`, or one per corpus in the cache folder.
pub fn index_dir(config: &Config) -> anyhow::Result<PathBuf> {
    match &config.index {
        Some(d) => Ok(d.clone()),
        None => Ok(idx::default_index_dir(&config.corpus)?),
    }
}

/// Opens the index, building it first when it is missing, damaged or outdated; says so on `err`.
pub fn open_index(config: &Config, err: &mut dyn Write) -> anyhow::Result<Index> {
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
    }
    Ok(index)
}

/// The agencies `input` names, or an error that says none does.
pub fn agencies_for(index: &Index, input: &str) -> anyhow::Result<Vec<String>> {
    let found = index.resolve_agency(input);
    if found.is_empty() {
        anyhow::bail!("no agency matches \"{input}\"; `nianbao agencies` lists them all");
    }
    Ok(found)
}
