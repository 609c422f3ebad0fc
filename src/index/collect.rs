//! Collecting a query's matches: the top hits, the total and the facet counts, with every core.

use super::catalog::{Catalog, SegFacts};
use super::filter::{FacetRule, Places};
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

/// The filters, as the catalog's codes, and the excluded documents.
#[derive(Clone)]
pub(super) struct Filter {
    pub(super) rule: FacetRule,
    /// Documents matching an excluded term, by segment ordinal then doc id; empty when none.
    pub(super) excluded: Vec<Vec<bool>>,
}

impl Filter {
    /// Whether document `doc` of segment `seg` matches an excluded term.
    #[inline]
    fn is_excluded(&self, seg: u32, doc: DocId) -> bool {
        self.excluded
            .get(seg as usize)
            .and_then(|v| v.get(doc as usize))
            .copied()
            .unwrap_or(false)
    }
}

/// Collects the top hits among documents that pass every filter, the total, and for each
/// facet the counts among documents that pass the other filters.
pub(super) struct FacetTop<'a> {
    pub(super) catalog: &'a Catalog,
    /// The catalog's places, or none when the query wants no region facets.
    pub(super) places: Arc<Places>,
    pub(super) filter: Arc<Filter>,
    pub(super) keep: usize,
}

#[derive(Clone, Copy, PartialEq)]
pub(super) struct Scored {
    pub(super) score: Score,
    pub(super) addr: DocAddress,
}
impl Eq for Scored {}
impl Ord for Scored {
    // Reversed, so a BinaryHeap is a min-heap of the best; ties go to the earlier document.
    fn cmp(&self, o: &Self) -> Ordering {
        o.score
            .partial_cmp(&self.score)
            .unwrap_or(Ordering::Equal)
            .then(self.addr.cmp(&o.addr))
    }
}
impl PartialOrd for Scored {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

#[derive(Default)]
pub(super) struct Fruit {
    pub(super) top: Vec<Scored>,
    pub(super) total: usize,
    /// By agency id, once the segments' counts are merged (a segment's are in `agency_seg`).
    pub(super) agency: Vec<u32>,
    /// A segment's counts: (agency id, count) for each of its agencies with a count.
    agency_seg: Vec<(u32, u32)>,
    /// A segment's counts per place: (level, place id, count).
    places_seg: Vec<(u8, u32, u32)>,
    /// By `year - Catalog::first_year`.
    pub(super) year: Vec<u64>,
    pub(super) template: [u64; 3],
    /// By place id, per level.
    pub(super) places: [Vec<u64>; 3],
    pub(super) failed: u64,
}

pub(super) struct SegTop {
    facts: Arc<SegFacts>,
    places: Arc<Places>,
    filter: Arc<Filter>,
    seg: u32,
    first_year: i32,
    keep: usize,
    heap: BinaryHeap<Scored>,
    fruit: Fruit,
    /// By the segment's own agency number ([`SegFacts::agency_local`]).
    agency_local: Vec<u32>,
    /// Per region level, by the segment's own agency number: reports counted for that
    /// level's facet (which passes another set of filters than the agency facet). Empty
    /// when the query wants no region facets.
    level_local: [Vec<u32>; 3],
}

impl SegmentCollector for SegTop {
    type Fruit = Fruit;
    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(facts) = self.facts.get(doc) else {
            return;
        };
        let f = &*self.filter;
        if f.is_excluded(self.seg, doc) {
            return;
        }
        let pass = facts.pass(&f.rule);
        let local = self
            .facts
            .agency_local
            .get(doc as usize)
            .map(|&l| l as usize);
        if let Some(l) = local {
            for (level, counts) in self.level_local.iter_mut().enumerate() {
                if pass.counts_level(level) {
                    if let Some(n) = counts.get_mut(l) {
                        *n += 1;
                    }
                }
            }
        }
        if facts.failed && pass.counts_failed() {
            self.fruit.failed += 1;
        }
        if pass.counts_agency() {
            if let Some(n) = local.and_then(|l| self.agency_local.get_mut(l)) {
                *n += 1;
            }
        }
        if let Some(y) = facts.year.filter(|_| pass.counts_year()) {
            let i = y.wrapping_sub(self.first_year) as usize;
            if let Some(n) = self.fruit.year.get_mut(i) {
                *n += 1;
            }
        }
        if pass.counts_template() {
            self.fruit.template[facts.template as usize % 3] += 1;
        }
        if pass.hit() {
            self.fruit.total += 1;
            let s = Scored {
                score,
                addr: DocAddress::new(self.seg, doc),
            };
            if self.heap.len() < self.keep {
                self.heap.push(s);
            } else if self.heap.peek().is_some_and(|w| s < *w) {
                self.heap.pop();
                self.heap.push(s);
            }
        }
    }
    fn harvest(mut self) -> Fruit {
        self.fruit.top = self.heap.into_vec();
        let ids = &self.facts.agency_of_local;
        self.fruit.agency_seg = (self.agency_local.iter().zip(ids))
            .filter(|(n, _)| **n > 0)
            .map(|(n, id)| (*id, *n))
            .collect();
        for (level, counts) in self.level_local.iter().enumerate() {
            for (n, id) in counts.iter().zip(ids).filter(|(n, _)| **n > 0) {
                let place = self
                    .places
                    .of_agency
                    .get(*id as usize)
                    .and_then(|p| p[level]);
                if let Some(place) = place {
                    self.fruit.places_seg.push((level as u8, place, *n));
                }
            }
        }
        self.fruit
    }
}

impl FacetTop<'_> {
    /// No documents yet: a zero for every year of the catalog (agency and place counts are
    /// kept per segment, then merged into one array each).
    fn empty_fruit(&self) -> Fruit {
        Fruit {
            year: vec![0; self.catalog.year_span],
            ..Fruit::default()
        }
    }
}

impl Collector for FacetTop<'_> {
    type Fruit = Fruit;
    type Child = SegTop;
    fn for_segment(&self, ord: u32, _seg: &SegmentReader) -> tantivy::Result<SegTop> {
        let facts =
            self.catalog.segs.get(ord as usize).ok_or_else(|| {
                tantivy::TantivyError::InternalError("segment not in catalog".into())
            })?;
        Ok(SegTop {
            places: self.places.clone(),
            filter: self.filter.clone(),
            seg: ord,
            first_year: self.catalog.first_year,
            keep: self.keep,
            heap: BinaryHeap::new(),
            fruit: self.empty_fruit(),
            agency_local: vec![0; facts.agency_of_local.len()],
            // Only the levels the query wants facets of (none without region facets).
            level_local: std::array::from_fn(|l| match self.places.names[l].is_empty() {
                true => Vec::new(),
                false => vec![0; facts.agency_of_local.len()],
            }),
            facts: facts.clone(),
        })
    }
    fn requires_scoring(&self) -> bool {
        true
    }
    fn merge_fruits(&self, fruits: Vec<Fruit>) -> tantivy::Result<Fruit> {
        let mut fruits = fruits.into_iter();
        // The first range's arrays hold the sums, but the agencies' one array is made here.
        let mut all = fruits.next().unwrap_or_else(|| self.empty_fruit());
        let mut agency = vec![0u32; self.catalog.agencies.len()];
        let mut places = self.places.zero_counts();
        let mut add_sparse = |f: &mut Fruit| {
            for (id, n) in f.agency_seg.drain(..) {
                if let Some(c) = agency.get_mut(id as usize) {
                    *c += n;
                }
            }
            for (a, b) in agency.iter_mut().zip(&f.agency) {
                *a += b;
            }
            for (level, place, n) in f.places_seg.drain(..) {
                if let Some(c) = places[level as usize % 3].get_mut(place as usize) {
                    *c += u64::from(n);
                }
            }
            for (counts, more) in places.iter_mut().zip(&f.places) {
                for (a, b) in counts.iter_mut().zip(more) {
                    *a += b;
                }
            }
        };
        add_sparse(&mut all);
        for mut f in fruits {
            add_sparse(&mut f);
            all.top.extend(f.top);
            all.total += f.total;
            for (a, b) in all.year.iter_mut().zip(&f.year) {
                *a += b;
            }
            for i in 0..3 {
                all.template[i] += f.template[i];
            }
            all.failed += f.failed;
        }
        all.agency = agency;
        all.places = places;
        all.top.sort();
        all.top.truncate(self.keep);
        Ok(all)
    }
}

/// Collects every document that passes the filters and is not excluded: no score, no heap,
/// no facet counts. The selection work across reports reads (totals, rankings) is every
/// match, so keeping the best and counting chips would be work thrown away.
pub(super) struct Passing<'a> {
    pub(super) catalog: &'a Catalog,
    pub(super) filter: Arc<Filter>,
}

pub(super) struct SegPassing {
    facts: Arc<SegFacts>,
    filter: Arc<Filter>,
    seg: u32,
    docs: Vec<DocAddress>,
}

impl SegmentCollector for SegPassing {
    type Fruit = Vec<DocAddress>;
    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some(facts) = self.facts.get(doc) else {
            return;
        };
        let f = &*self.filter;
        // The same tests as `SegTop::collect` makes for a hit.
        if !f.is_excluded(self.seg, doc) && facts.pass(&f.rule).hit() {
            self.docs.push(DocAddress::new(self.seg, doc));
        }
    }
    fn harvest(self) -> Vec<DocAddress> {
        self.docs
    }
}

impl Collector for Passing<'_> {
    type Fruit = Vec<DocAddress>;
    type Child = SegPassing;
    fn for_segment(&self, ord: u32, _seg: &SegmentReader) -> tantivy::Result<SegPassing> {
        let facts =
            self.catalog.segs.get(ord as usize).ok_or_else(|| {
                tantivy::TantivyError::InternalError("segment not in catalog".into())
            })?;
        Ok(SegPassing {
            facts: facts.clone(),
            filter: self.filter.clone(),
            seg: ord,
            docs: Vec::new(),
        })
    }
    fn requires_scoring(&self) -> bool {
        false
    }
    fn merge_fruits(&self, fruits: Vec<Vec<DocAddress>>) -> tantivy::Result<Vec<DocAddress>> {
        let mut all = fruits.concat();
        all.sort_unstable();
        Ok(all)
    }
}

/// Fewer documents than this are not worth a scorer of their own.
const MIN_CHUNK_DOCS: u32 = 2_000;

/// Runs `query` through `collector` as tantivy's `Searcher::search` would, but over ranges of
/// documents of about equal size rather than whole segments, on the searcher's threads. An
/// index has a few large segments and a few small ones: one task per segment leaves a core
/// idle while another reads the largest; equal ranges keep both busy to the end.
pub(super) fn run(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &FacetTop,
    threads: usize,
) -> tantivy::Result<Fruit> {
    let docs: u32 = searcher
        .segment_readers()
        .iter()
        .map(SegmentReader::max_doc)
        .sum();
    // Six ranges a thread, so that a thread slowed by the machine does not hold the others
    // up: the idle one takes the ranges that are left.
    let chunk = (docs / (threads.max(1) as u32 * 6)).max(MIN_CHUNK_DOCS);
    run_in_ranges(searcher, query, collector, chunk)
}

/// [`run`] with ranges of at most `chunk` documents.
fn run_in_ranges(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &FacetTop,
    chunk: u32,
) -> tantivy::Result<Fruit> {
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let segments = searcher.segment_readers();
    let mut ranges: Vec<(usize, DocId, DocId)> = Vec::new();
    for (ord, seg) in segments.iter().enumerate() {
        let n = seg.max_doc();
        let parts = n.div_ceil(chunk.max(1)).max(1);
        for i in 0..parts {
            let (from, to) = (
                (u64::from(n) * u64::from(i) / u64::from(parts)) as DocId,
                (u64::from(n) * u64::from(i + 1) / u64::from(parts)) as DocId,
            );
            if from < to {
                ranges.push((ord, from, to));
            }
        }
    }
    let fruits = searcher.index().search_executor().map(
        |(ord, from, to): (usize, DocId, DocId)| {
            let seg = &segments[ord];
            let mut child = collector.for_segment(ord as u32, seg)?;
            let mut scorer = weight.scorer(seg, 1.0)?;
            let mut doc = scorer.doc();
            if doc < from {
                doc = scorer.seek(from);
            }
            let alive = seg.alive_bitset();
            while doc != TERMINATED && doc < to {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    child.collect(doc, scorer.score());
                }
                doc = scorer.advance();
            }
            Ok(child.harvest())
        },
        ranges.into_iter(),
    )?;
    collector.merge_fruits(fruits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::search::tantivy_query;
    use crate::index::syntax::parse_query;

    /// Ranges of a few documents, cut anywhere inside segments, collect exactly what tantivy's
    /// own one-pass-per-segment search collects.
    #[test]
    fn ranges_collect_what_whole_segments_collect() {
        let (_dir, index) = crate::index::testing::sample_index();
        let inner = &index.inner;
        for (text, agencies, years) in [
            ("公开", None, None),
            ("\"政府信息公开\" 工作", None, Some((2022, 2024))),
            ("中卫 -交易", Some(vec![true, false, true]), None),
            ("", None, Some((2023, 2023))),
        ] {
            let clauses = parse_query(text);
            let query = tantivy_query(&inner.searcher, &inner.fields, &clauses);
            let collector = FacetTop {
                catalog: &inner.catalog,
                places: inner.catalog.places().clone(),
                filter: Arc::new(Filter {
                    rule: FacetRule {
                        agencies: agencies.clone(),
                        years,
                        template: None,
                        ..FacetRule::default()
                    },
                    excluded: Vec::new(),
                }),
                keep: 10,
            };
            let whole = inner.searcher.search(query.as_ref(), &collector).unwrap();
            assert!(whole.total > 0, "{text}");
            for chunk in [1, 3, 7, 1000] {
                let r = run_in_ranges(&inner.searcher, query.as_ref(), &collector, chunk).unwrap();
                assert_eq!(r.total, whole.total, "{text} {chunk}");
                assert_eq!(r.agency, whole.agency, "{text} {chunk}");
                assert_eq!(r.year, whole.year, "{text} {chunk}");
                assert_eq!(r.template, whole.template, "{text} {chunk}");
                assert!(r.top == whole.top, "{text} {chunk}");
            }
        }
    }
}
