//! Building and updating the index from the corpus: walk, parse, write, incrementally and safely.

use super::{BuildOptions, BuildStats, Index, IndexError, Progress};
use std::path::Path;

/// Opens the index of `corpus` at `index_dir`, building or repairing it first as needed,
/// and brings it up to date with the corpus. Meant to run on a worker thread.
pub fn open_or_build(
    corpus: &Path,
    index_dir: &Path,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(Index, BuildStats), IndexError> {
    let _ = (corpus, index_dir, progress);
    todo!()
}

/// Brings the index at `index_dir` up to date with `corpus`.
pub fn build(
    corpus: &Path,
    index_dir: &Path,
    opts: &BuildOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<BuildStats, IndexError> {
    let _ = (corpus, index_dir, opts, progress);
    todo!()
}
