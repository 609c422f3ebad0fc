//! Which segments the build merges: small ones, into segments of a bounded size.
//!
//! tantivy's default (log) policy merges segments of similar size into ever larger ones: at
//! 100,000 reports it merged 40,000-report segments, reading 630 MB of index through memory
//! maps while indexing went on, which made most of the build's 1.1 GB peak memory. Here only
//! segments under half of [`TARGET_DOCS`] are merged, a few at a time, into segments of at
//! most that many reports: a merge reads at most ~16 KB of index per report (~130 MB), and
//! the index ends with one segment per 4,000–8,000 reports (from the ~750 of the build's
//! 64 MB writer), which queries search on both cores.

use tantivy::index::SegmentMeta;
use tantivy::indexer::{MergeCandidate, MergePolicy};

/// The most live documents a merge puts together.
pub(crate) const TARGET_DOCS: u32 = 8_000;
/// Fewer small segments than this wait for more, unless together they make half a target.
const MIN_SEGMENTS: usize = 8;

#[derive(Debug, Default)]
pub(crate) struct BoundedMerges;

impl MergePolicy for BoundedMerges {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        plan(
            &segments
                .iter()
                .map(|s| (s.num_docs(), s.id()))
                .collect::<Vec<_>>(),
        )
        .into_iter()
        .map(MergeCandidate)
        .collect()
    }
}

/// The merges for segments given as (live documents, id): groups of the smallest segments,
/// each of at most [`TARGET_DOCS`] documents together, made once a group has
/// [`MIN_SEGMENTS`] segments or half a target of documents.
fn plan<T: Copy>(segments: &[(u32, T)]) -> Vec<Vec<T>> {
    let mut small: Vec<(u32, T)> = segments
        .iter()
        .copied()
        .filter(|(n, _)| *n < TARGET_DOCS / 2)
        .collect();
    small.sort_by_key(|(n, _)| *n);
    let mut out = Vec::new();
    let mut group: Vec<T> = Vec::new();
    let mut docs = 0u32;
    for (n, id) in small {
        if docs + n > TARGET_DOCS {
            if group.len() >= 2 {
                out.push(std::mem::take(&mut group));
            } else {
                group.clear();
            }
            docs = 0;
        }
        group.push(id);
        docs += n;
        if group.len() >= 2 && (group.len() >= MIN_SEGMENTS || docs >= TARGET_DOCS / 2) {
            out.push(std::mem::take(&mut group));
            docs = 0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan for segments of these sizes, each group as its segments' indices.
    fn groups(segments: &[u32]) -> Vec<Vec<usize>> {
        let s: Vec<(u32, usize)> = segments.iter().copied().zip(0..).collect();
        plan(&s)
    }

    fn sizes(segments: &[u32]) -> Vec<Vec<u32>> {
        groups(segments)
            .into_iter()
            .map(|g| g.into_iter().map(|i| segments[i]).collect())
            .collect()
    }

    #[test]
    fn small_segments_wait_for_enough_of_them() {
        assert!(sizes(&[1600, 1700]).is_empty());
        assert!(sizes(&[10, 20, 30]).is_empty());
        assert_eq!(sizes(&[1600, 1700, 1650]), vec![vec![1600, 1650, 1700]]);
        assert_eq!(sizes(&[1; 8]), vec![vec![1; 8]]);
    }

    #[test]
    fn no_merge_exceeds_the_target_and_big_segments_stay() {
        let segs = [3900, 3900, 3900, 5000, 8000, 40_000, 100, 3000, 2000, 1500];
        let plan = sizes(&segs);
        for g in &plan {
            assert!(g.len() >= 2, "{g:?}");
            assert!(g.iter().sum::<u32>() <= TARGET_DOCS, "{g:?}");
            assert!(g.iter().all(|&n| n < TARGET_DOCS / 2), "{g:?}");
        }
        // Smallest first: 100 + 1500 + 2000 + 3000 pass half a target; two 3900s make
        // another; the third waits for company; 5000, 8000 and 40,000 are done.
        assert_eq!(plan, vec![vec![100, 1500, 2000, 3000], vec![3900, 3900]]);
        let mut used: Vec<usize> = groups(&segs).concat();
        let n = used.len();
        used.sort();
        used.dedup();
        assert_eq!(used.len(), n, "a segment in two merges");
    }
}
