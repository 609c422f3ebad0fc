//! The first hits of a query: matches read in index order until enough are found, so that a
//! keystroke is answered before every match has been ranked and counted.
//!
//! A complete search scores every match and counts every facet: at 100,000 reports a phrase
//! found in nearly every report means reading positions in 100,000 documents. The first hits
//! need only the first `offset + limit` matches that pass the filters. The filters are read
//! from the catalog before the query is: the scorer is moved straight to the next document
//! that passes them, so a selective filter (one agency) costs no phrase checks in the
//! documents it leaves out, and an excluded term is looked up only for the documents found.

use super::collect::Scored;
use super::filter::{FacetRule, Places};
use super::search::{exclusion_query, guarded, hits_of, tantivy_query, Threads, SEARCH_CRASHED};
use super::syntax::parse_query;
use super::{Facets, Index, IndexError, Query, SearchResults, Stage};
use std::sync::Arc;
use std::time::Instant;
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query as TQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Term, TERMINATED};

pub(super) fn first_hits(index: &Index, q: &Query) -> Result<SearchResults, IndexError> {
    let want = q.offset + q.limit;
    if want == 0 {
        // Only the count is wanted: there is nothing to stop early for.
        return super::search::search(index, q);
    }
    let start = Instant::now();
    let inner = &index.inner;
    let catalog = &inner.catalog;
    let searcher = &inner.searcher;
    let clauses = parse_query(&q.text);
    let query = tantivy_query(searcher, &inner.fields, &clauses);
    let excludes = exclusion_query(&inner.fields, &clauses);
    // The table of every agency's place is made only when a region filter needs it.
    let places = if q.regions.is_empty() {
        Arc::new(Places::default())
    } else {
        catalog.places().clone()
    };
    let rule = FacetRule::new(q, &catalog.agencies, &places);
    let agencies = agency_query(&inner.fields, &q.agencies);
    let (mut found, all_found) = guarded(&inner.dir, SEARCH_CRASHED, || {
        let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
        let exclude = match &excludes {
            Some(q) => Some(q.weight(EnableScoring::disabled_from_searcher(searcher))?),
            None => None,
        };
        let agencies = match &agencies {
            Some(q) => Some(q.weight(EnableScoring::disabled_from_searcher(searcher))?),
            None => None,
        };
        // One more than wanted: finding it is what proves that more matches exist.
        let mut found: Vec<Scored> = Vec::with_capacity(want + 1);
        for (ord, seg) in searcher.segment_readers().iter().enumerate() {
            let facts = catalog.segs.get(ord).ok_or_else(|| {
                tantivy::TantivyError::InternalError("segment not in catalog".into())
            })?;
            let alive = seg.alive_bitset();
            let max_doc = seg.max_doc();
            let passes = |d: DocId| {
                alive.is_none_or(|b| b.is_alive(d))
                    && facts.get(d).is_some_and(|f| f.pass(&rule).hit())
            };
            let mut excluded = match &exclude {
                Some(w) => Some(w.scorer(seg, 1.0)?),
                None => None,
            };
            // The chosen agencies' reports, in order, from their postings: with a few agencies
            // of a million reports, the catalog need not be read for every other report.
            let mut chosen = match &agencies {
                Some(w) => Some(w.scorer(seg, 1.0)?),
                None => None,
            };
            // The first document at or after `d` that passes the filters and matches no
            // excluded term; `max_doc` if none. Both are looked at before the query is, so an
            // exclusion of nearly every report (`-行`) costs a walk through its postings, not
            // a phrase check in every report it excludes. Called with increasing `d`, so the
            // catalog and the exclusion's postings are read at most once per segment.
            let mut next_candidate = |mut d: DocId| loop {
                if let Some(a) = chosen.as_mut() {
                    if a.doc() < d {
                        a.seek(d);
                    }
                    // TERMINATED (u32::MAX) when no chosen agency's report is left.
                    d = a.doc().min(max_doc);
                    if d < max_doc && !passes(d) {
                        d += 1;
                        continue;
                    }
                } else {
                    while d < max_doc && !passes(d) {
                        d += 1;
                    }
                }
                let Some(x) = excluded.as_mut().filter(|_| d < max_doc) else {
                    return d;
                };
                if x.doc() < d {
                    x.seek(d);
                }
                if x.doc() != d {
                    return d;
                }
                d += 1;
            };
            let mut scorer = weight.scorer(seg, 1.0)?;
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                let candidate = next_candidate(doc);
                if candidate >= max_doc {
                    break;
                }
                if candidate > doc {
                    doc = scorer.seek(candidate);
                    continue;
                }
                found.push(Scored {
                    score: scorer.score(),
                    addr: DocAddress::new(ord as u32, doc),
                });
                if found.len() > want {
                    return Ok((found, false));
                }
                doc = scorer.advance();
            }
        }
        Ok((found, true))
    })?;
    found.sort();
    found.truncate(want);
    let hits = hits_of(index, found.iter().skip(q.offset), &clauses, Threads::This)?;
    Ok(SearchResults {
        hits,
        total: found.len(),
        facets: Facets::default(),
        elapsed: start.elapsed(),
        clauses,
        stage: Stage::First { all_found },
    })
}

/// Agencies chosen at most this many: the union of their postings drives the first hits
/// (beyond, reading the catalog for every report is as cheap).
const DRIVING_AGENCIES: usize = 64;

/// The reports of the chosen agencies (exact names), when there are few of them.
fn agency_query(fields: &super::schema::Fields, agencies: &[String]) -> Option<Box<dyn TQuery>> {
    if agencies.is_empty() || agencies.len() > DRIVING_AGENCIES {
        return None;
    }
    let terms: Vec<(Occur, Box<dyn TQuery>)> = agencies
        .iter()
        .map(|a| {
            let t = Term::from_field_text(fields.agency, a);
            let q: Box<dyn TQuery> = Box::new(TermQuery::new(t, IndexRecordOption::Basic));
            (Occur::Should, q)
        })
        .collect();
    Some(Box::new(BooleanQuery::new(terms)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Region;
    use crate::report::place::Level;

    fn paths(r: &SearchResults) -> Vec<&str> {
        r.hits.iter().map(|h| h.path.as_str()).collect()
    }

    /// Queries of every kind, with and without filters, against the complete search: the first
    /// hits are matches of it, as many as asked for when there are that many, and when the
    /// engine says it found them all they are exactly the complete search's hits, in its order.
    #[test]
    fn first_hits_are_matches_and_all_of_them_when_said_so() {
        let (_dir, index) = crate::index::testing::sample_index();
        let region = {
            let all = index.search(&Query::default()).unwrap();
            all.facets.regions[0].0.clone()
        };
        let agencies = vec![index.agencies()[0].name.clone()];
        let filters: Vec<Query> = vec![
            Query::default(),
            Query {
                years: Some((2020, 2022)),
                ..Query::default()
            },
            Query {
                agencies: agencies.clone(),
                ..Query::default()
            },
            Query {
                regions: vec![region],
                ..Query::default()
            },
            Query {
                template: Some(crate::report::Template::T2021),
                failed_only: true,
                ..Query::default()
            },
        ];
        for text in [
            "公开",
            "行政复议",
            "\"政府信息公开 工作\"",
            "中卫 -交易",
            "-公开",
            "",
            "没有这种文字的报告",
        ] {
            for f in &filters {
                for limit in [1, 3, 10, 1000] {
                    let q = Query {
                        text: text.into(),
                        limit,
                        ..f.clone()
                    };
                    let all = index
                        .search(&Query {
                            limit: 1000,
                            ..q.clone()
                        })
                        .unwrap();
                    let first = index.first_hits(&q).unwrap();
                    let Stage::First { all_found } = first.stage else {
                        panic!("{text}: not a first-hits answer");
                    };
                    let every = paths(&all);
                    assert!(
                        paths(&first).iter().all(|p| every.contains(p)),
                        "{text} {f:?}"
                    );
                    assert_eq!(first.hits.len(), limit.min(all.total), "{text} {f:?}");
                    assert_eq!(all_found, all.total <= limit, "{text} {f:?} {limit}");
                    if all_found {
                        assert_eq!(first.total, all.total);
                        assert_eq!(first.hits, all.hits, "{text} {f:?}");
                    } else {
                        assert_eq!(first.total, limit);
                        assert!(!first.total_is_exact());
                    }
                    // Ranked among themselves, best first.
                    assert!(first.hits.windows(2).all(|w| w[0].score >= w[1].score));
                }
            }
        }
    }

    #[test]
    fn an_unknown_region_finds_nothing_and_counting_only_is_a_complete_search() {
        let (_dir, index) = crate::index::testing::sample_index();
        let q = Query {
            text: "公开".into(),
            regions: vec![Region {
                level: Level::Province,
                name: "没有这个省".into(),
            }],
            limit: 10,
            ..Query::default()
        };
        let r = index.first_hits(&q).unwrap();
        assert!(r.hits.is_empty());
        assert_eq!(r.stage, Stage::First { all_found: true });
        let count = index
            .first_hits(&Query {
                text: "公开".into(),
                limit: 0,
                ..Query::default()
            })
            .unwrap();
        assert_eq!(count.stage, Stage::Complete);
        assert!(count.total > 0);
    }
}
