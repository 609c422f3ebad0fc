//! Running a query: the tantivy query a parsed query becomes, ranking, filters and facet
//! counts in one pass, the hits and their snippets; and a stored report looked up by path.
//!
//! Matching is on the report's text only (so a hit always contains what was typed); the title
//! and agency fields add to the score, so reports whose title or agency match rank first.
//! Filters and facets are evaluated in one pass by [`FacetTop`] from per-document arrays read
//! once from fast fields (the catalog), not by tantivy queries: one scan gives the top hits
//! and the chip counts of every dimension.

use super::collect::{self, FacetTop, Filter, Passing, Scored};
use super::filter::{template_code, FacetRule, Places, TEMPLATES};
use super::hitdoc::HitRef;
use super::schema::{self, Fields};
use super::snippet::passages;
use super::syntax::{parse_query, Clause};
use super::{AgencyCounts, Facets, Hit, Index, IndexError, Query, SearchResults};
use crate::report::{Report, Template};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query as TQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Score, Searcher, TantivyDocument, Term};

/// How much a match in the title or the agency name adds, relative to the text's BM25.
const TITLE_BOOST: f32 = 4.0;
const AGENCY_BOOST: f32 = 4.0;

pub(super) fn clause_query(field: tantivy::schema::Field, c: &Clause) -> Box<dyn TQuery> {
    let terms = &c.terms;
    if terms.len() == 1 {
        Box::new(TermQuery::new(
            Term::from_field_text(field, &terms[0].1),
            IndexRecordOption::WithFreqs,
        ))
    } else {
        Box::new(PhraseQuery::new_with_offset(
            terms
                .iter()
                .map(|(p, t)| (*p, Term::from_field_text(field, t)))
                .collect(),
        ))
    }
}

/// The excluded clauses (`-word`) as one query matching a report that has any of them; `None`
/// when there are none. Exclusions are not MustNot clauses of the query: tantivy 0.27's
/// exclusion seeks a phrase scorer backwards (a debug assertion fires).
pub(super) fn exclusion_query(f: &Fields, clauses: &[Clause]) -> Option<BooleanQuery> {
    let parts: Vec<(Occur, Box<dyn TQuery>)> = clauses
        .iter()
        .filter(|c| c.exclude)
        .map(|c| (Occur::Should, clause_query(f.body, c)))
        .collect();
    (!parts.is_empty()).then(|| BooleanQuery::new(parts))
}

/// The documents matching an excluded clause, by segment ordinal then doc id; empty when the
/// query excludes nothing.
fn excluded_docs(index: &Index, clauses: &[Clause]) -> Result<Vec<Vec<bool>>, IndexError> {
    let inner = &index.inner;
    let Some(q) = exclusion_query(&inner.fields, clauses) else {
        return Ok(Vec::new());
    };
    let set = guarded(&inner.dir, SEARCH_CRASHED, || {
        inner
            .searcher
            .search(&q, &tantivy::collector::DocSetCollector)
    })?;
    let mut v: Vec<Vec<bool>> = inner
        .catalog
        .segs
        .iter()
        .map(|s| vec![false; s.year.len()])
        .collect();
    for a in set {
        if let Some(x) = v
            .get_mut(a.segment_ord as usize)
            .and_then(|s| s.get_mut(a.doc_id as usize))
        {
            *x = true;
        }
    }
    Ok(v)
}

/// A title or agency clause whose every term stands in more than this share of the reports'
/// titles (or agency names) is left out of the ranking: its BM25 weight is next to nothing (its
/// IDF is ~0, as for 政府信息公开 in titles), but it costs a read per matching report.
const UBIQUITOUS: f64 = 0.95;

/// Whether matching `c` in `field` says anything about a report, as far as ranking goes.
fn informative(searcher: &Searcher, field: tantivy::schema::Field, c: &Clause) -> bool {
    let docs = searcher.num_docs() as f64;
    let rarest = c
        .terms
        .iter()
        .map(|(_, t)| {
            searcher
                .doc_freq(&Term::from_field_text(field, t))
                .unwrap_or(0)
        })
        .min()
        .unwrap_or(0);
    (rarest as f64) <= UBIQUITOUS * docs
}

pub(super) fn tantivy_query(
    searcher: &Searcher,
    f: &Fields,
    clauses: &[Clause],
) -> Box<dyn TQuery> {
    let mut parts: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
    let mut positive = false;
    for c in clauses {
        // Exclusions are not MustNot clauses: tantivy 0.27's exclusion seeks a phrase scorer
        // backwards (a debug assertion fires); `search` collects them separately instead.
        if c.exclude {
            continue;
        }
        positive = true;
        parts.push((Occur::Must, clause_query(f.body, c)));
        for (field, boost) in [(f.title, TITLE_BOOST), (f.agency_text, AGENCY_BOOST)] {
            if informative(searcher, field, c) {
                parts.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(clause_query(field, c), boost)),
                ));
            }
        }
    }
    if !positive {
        parts.push((Occur::Must, Box::new(AllQuery)));
    }
    Box::new(BooleanQuery::new(parts))
}

pub(super) const SEARCH_CRASHED: &str = "a search failed inside the index";

/// Runs a tantivy call that can panic on a damaged segment (a phrase query over corrupt
/// positions). The checksums at open should have caught the damage; this is the last line of
/// defence, so that a search never takes the program down.
pub(super) fn guarded<T>(
    dir: &Path,
    reason: &str,
    f: impl FnOnce() -> tantivy::Result<T>,
) -> Result<T, IndexError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .map_err(|_| super::build::crashed(dir, reason))?
        // The query is sound (built here): an error reading the files is damage too.
        .map_err(|e| super::build::crashed(dir, &format!("{reason} ({e})")))
}

pub(crate) fn search(index: &Index, q: &Query) -> Result<SearchResults, IndexError> {
    let start = Instant::now();
    let inner = &index.inner;
    let catalog = &inner.catalog;
    let clauses = parse_query(&q.text);
    let query = tantivy_query(&inner.searcher, &inner.fields, &clauses);
    let excluded = excluded_docs(index, &clauses)?;
    let places = if q.without_region_facets && q.regions.is_empty() {
        Arc::new(Places::default())
    } else {
        catalog.places().clone()
    };
    let collector = FacetTop {
        catalog,
        places: places.clone(),
        filter: Arc::new(Filter {
            rule: FacetRule::new(q, &catalog.agencies, &places),
            excluded,
        }),
        keep: q.offset + q.limit,
    };
    let searcher = &inner.searcher;
    let fruit = guarded(&inner.dir, SEARCH_CRASHED, || {
        collect::run(searcher, query.as_ref(), &collector, inner.threads)
    })?;
    let hits = hits_of(
        index,
        fruit.top.iter().skip(q.offset),
        &clauses,
        Threads::All,
    )?;
    // Counts by agency id, not (name, count) pairs: a corpus can have tens of thousands of
    // agencies, and copying and sorting their names cost more than the search itself.
    let agencies = AgencyCounts::new(catalog.agencies.clone(), fruit.agency);
    let years: Vec<(i32, u64)> = fruit
        .year
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, n)| **n > 0)
        .map(|(i, n)| (catalog.first_year + i as i32, *n))
        .collect();
    let templates = TEMPLATES
        .iter()
        .map(|&t| (t, fruit.template[template_code(t) as usize]))
        .filter(|(_, n)| *n > 0)
        .collect();
    Ok(SearchResults {
        hits,
        total: fruit.total,
        facets: Facets {
            agencies,
            years,
            templates,
            regions: places.facets(&fruit.places),
            failed: fruit.failed,
        },
        elapsed: start.elapsed(),
        clauses,
        stage: super::Stage::Complete,
    })
}

/// Where [`hits_of`] makes the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Threads {
    /// On the search threads, side by side.
    All,
    /// On the calling thread: for the first hits, where waking the search threads costs more
    /// than it saves.
    This,
}

/// The hits for documents in rank order, with their snippets. Reading a stored report and
/// cutting its snippet is the rest of a keystroke's cost.
pub(super) fn hits_of<'a>(
    index: &Index,
    top: impl Iterator<Item = &'a Scored> + Send,
    clauses: &[Clause],
    threads: Threads,
) -> Result<Vec<Hit>, IndexError> {
    let inner = &index.inner;
    let searcher = &inner.searcher;
    guarded(&inner.dir, "reading a stored report crashed", || {
        let hit = |s: &Scored| {
            let make = |doc: HitRef<'_>| make_hit(doc, s.score, clauses);
            inner.stores.with_hit(searcher, s.addr, make)
        };
        match threads {
            Threads::All => inner.index.search_executor().map(hit, top),
            Threads::This => top.map(hit).collect(),
        }
    })
}

fn text_of(doc: &TantivyDocument, f: tantivy::schema::Field) -> &str {
    doc.get_first(f).and_then(|v| v.as_str()).unwrap_or("")
}

fn make_hit(doc: HitRef<'_>, score: Score, clauses: &[Clause]) -> Hit {
    let year = doc.year.filter(|&y| y != schema::NO_YEAR).map(|y| y as i32);
    let (snippet, preview) = passages(doc.body, clauses);
    Hit {
        path: doc.path.to_string(),
        agency: doc.agency.to_string(),
        year,
        title: doc.title.to_string(),
        template: Template::parse(doc.template).unwrap_or(Template::Free),
        score,
        snippet,
        preview,
    }
}

pub(crate) fn load_report(index: &Index, path: &str) -> Result<Report, IndexError> {
    let inner = &index.inner;
    let q = TermQuery::new(
        Term::from_field_text(inner.fields.path, path),
        IndexRecordOption::Basic,
    );
    let top = guarded(&inner.dir, "looking a report up failed", || {
        inner.searcher.search(
            &q,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )
    })?;
    let Some((_, addr)) = top.first() else {
        return Err(IndexError::NoSuchReport(path.to_string()));
    };
    let doc: TantivyDocument = guarded(&inner.dir, "reading a stored report failed", || {
        inner.searcher.doc(*addr)
    })?;
    let stored: Report = serde_json::from_str(text_of(&doc, inner.fields.json))
        .map_err(|e| IndexError::Tantivy(format!("stored report for {path}: {e}")))?;
    Ok(crate::report::restore(
        stored,
        text_of(&doc, inner.fields.body).to_string(),
    ))
}

/// Every report `q` selects (its text, exclusions and filters; `limit` and `offset` are not
/// read), in index order: the documents [`search`] counts in its total, found without scores,
/// the heap of the best, facet counts, the document store or snippets. Work across reports
/// reads every selected report, and cutting a snippet for each (as a search with a limit of
/// every report does) was most of its cost.
pub(crate) fn select(index: &Index, q: &Query) -> Result<Vec<tantivy::DocAddress>, IndexError> {
    let inner = &index.inner;
    let catalog = &inner.catalog;
    let clauses = parse_query(&q.text);
    let query = tantivy_query(&inner.searcher, &inner.fields, &clauses);
    let excluded = excluded_docs(index, &clauses)?;
    // Places are only read for a region filter: without one the table of every agency's
    // place is not made.
    let places = if q.regions.is_empty() {
        Arc::new(Places::default())
    } else {
        catalog.places().clone()
    };
    let collector = Passing {
        catalog,
        filter: Arc::new(Filter {
            rule: FacetRule::new(q, &catalog.agencies, &places),
            excluded,
        }),
    };
    guarded(&inner.dir, SEARCH_CRASHED, || {
        inner.searcher.search(query.as_ref(), &collector)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::syntax::parse_query;

    #[test]
    fn a_clause_in_nearly_every_title_is_left_out_of_the_ranking() {
        let (_dir, index) = crate::index::testing::sample_index();
        let inner = &index.inner;
        let clause = |q: &str| parse_query(q).remove(0);
        let (s, f) = (&inner.searcher, &inner.fields);
        // Every report's title has 政府信息公开 (an IDF of ~0); some agencies are in 中卫.
        assert!(!informative(s, f.title, &clause("政府信息公开")));
        assert!(informative(s, f.agency_text, &clause("中卫")));
        assert!(informative(s, f.title, &clause("中卫")));
    }

    /// Without region facets a query finds the same hits, total and other facets; a region
    /// filter still applies.
    #[test]
    fn a_query_without_region_facets_finds_the_same() {
        let (_dir, index) = crate::index::testing::sample_index();
        for text in ["公开", "行政复议", ""] {
            let q = Query {
                text: text.into(),
                limit: 10,
                ..Query::default()
            };
            let with = index.search(&q).unwrap();
            let without = index
                .search(&Query {
                    without_region_facets: true,
                    ..q.clone()
                })
                .unwrap();
            assert!(!with.facets.regions.is_empty(), "{text}");
            assert!(without.facets.regions.is_empty());
            assert_eq!(without.hits, with.hits);
            assert_eq!(without.total, with.total);
            assert_eq!(without.facets.agencies, with.facets.agencies);
            assert_eq!(without.facets.years, with.facets.years);
            let region = with.facets.regions[0].0.clone();
            let narrowed = |without_region_facets| {
                index
                    .search(&Query {
                        regions: vec![region.clone()],
                        without_region_facets,
                        ..q.clone()
                    })
                    .unwrap()
            };
            let (a, b) = (narrowed(false), narrowed(true));
            assert_eq!((a.hits, a.total), (b.hits, b.total));
            assert_eq!(a.total as u64, with.facets.regions[0].1);
        }
    }

    /// The selection is exactly the reports a search counts: every hit of a search whose
    /// limit is every report, whatever the text, exclusions and filters.
    #[test]
    fn select_finds_exactly_what_a_search_of_every_report_finds() {
        let (_dir, index) = crate::index::testing::sample_index();
        let all = index.num_reports();
        let probe = index
            .search(&Query {
                limit: 1,
                ..Query::default()
            })
            .unwrap();
        let region = probe.facets.regions[0].0.clone();
        let agency = probe.facets.agencies.top(1)[0].0.to_string();
        let base = |text: &str| Query {
            text: text.into(),
            limit: all,
            ..Query::default()
        };
        let mut queries = Vec::new();
        for text in [
            "",
            "公开",
            "行政复议",
            "\"政府信息公开\" 工作",
            "中卫 -交易",
            "-公开",
            "鹦鹉螺号",
        ] {
            queries.push(base(text));
            queries.push(Query {
                years: Some((2020, 2022)),
                ..base(text)
            });
            queries.push(Query {
                agencies: vec![agency.clone()],
                template: Some(Template::T2021),
                ..base(text)
            });
            queries.push(Query {
                regions: vec![region.clone()],
                ..base(text)
            });
            queries.push(Query {
                failed_only: true,
                ..base(text)
            });
        }
        let mut nonempty = 0;
        for q in &queries {
            let r = index.search(q).unwrap();
            let mut want: Vec<String> = r.hits.into_iter().map(|h| h.path).collect();
            want.sort();
            assert_eq!(want.len(), r.total, "{q:?}: the search returned every hit");
            let mut got = index.select_paths(q).unwrap();
            got.sort();
            assert_eq!(got, want, "{q:?}");
            let mut figures: Vec<String> = index
                .selected_reports(q)
                .unwrap()
                .into_iter()
                .map(|s| s.path)
                .collect();
            figures.sort();
            assert_eq!(figures, want, "{q:?}");
            nonempty += usize::from(!want.is_empty() && want.len() < all);
        }
        assert!(nonempty >= 10, "the queries narrow the corpus: {nonempty}");
    }
}
