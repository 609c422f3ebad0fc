//! An open index: the tantivy reader and the catalog of per-document facts (agency, year,
//! template) read once from fast fields, that filters and facet counts use instead of queries.

use super::agency::AgencyMatcher;
use super::filter::{template_code, Places};
use super::schema::{self, all_terms, Fields};
use super::{AgencyYears, Index, IndexError, ReportRef};
use crate::report::Template;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::{DocId, IndexReader, ReloadPolicy, Searcher};

/// What an open [`Index`] shares between its clones.
pub struct Inner {
    pub(crate) dir: PathBuf,
    pub(super) index: tantivy::Index,
    // Kept so the searcher's segments stay open.
    _reader: IndexReader,
    pub(super) searcher: Searcher,
    pub(super) fields: Fields,
    pub(super) catalog: Catalog,
    pub(crate) agency_years: Vec<AgencyYears>,
    pub(crate) agency_matcher: AgencyMatcher,
    pub(crate) reports: Vec<ReportRef>,
    /// The search threads: documents are collected in this many ranges or more.
    pub(super) threads: usize,
}

/// Per-document facts for filtering and facets, by segment ordinal then doc id.
pub(super) struct Catalog {
    /// In name order, shared with every search's facet counts.
    pub(super) agencies: Arc<[String]>,
    pub(super) segs: Vec<Arc<SegFacts>>,
    /// The smallest year in the index and the number of years up to the largest: facet
    /// counts are arrays indexed by `year - first_year`, not hash maps.
    pub(super) first_year: i32,
    pub(super) year_span: usize,
    /// Each agency's place, by agency id.
    pub(super) places: Arc<Places>,
}

#[derive(Default)]
pub(super) struct SegFacts {
    /// Index into `Catalog::agencies`.
    pub(super) agency: Vec<u32>,
    /// `schema::NO_YEAR` when unknown.
    pub(super) year: Vec<i32>,
    pub(super) template: Vec<u8>,
    /// Whether an arithmetic check fails.
    pub(super) failed: Vec<bool>,
}

fn terr(e: impl std::fmt::Display) -> IndexError {
    IndexError::Tantivy(e.to_string())
}

fn build_catalog(searcher: &Searcher) -> Result<(Catalog, Vec<ReportRef>), IndexError> {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut agencies = Vec::new();
    let mut segs = Vec::new();
    let mut reports = Vec::new();
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        let n = seg.max_doc() as usize;
        let mut facts = SegFacts {
            agency: vec![0; n],
            year: vec![schema::NO_YEAR as i32; n],
            template: vec![template_code(Template::Free); n],
            failed: vec![false; n],
        };
        let agency = ff.str("agency").map_err(terr)?;
        let template = ff.str("template").map_err(terr)?;
        let path = ff.str("path").map_err(terr)?;
        let title = ff.str("title_raw").map_err(terr)?;
        let year = ff.i64("year").map_err(terr)?;
        let failed = ff.u64("failed").map_err(terr)?;
        // Each column's dictionary is read once, in order (ordinal = position): looking terms up
        // one document at a time decompresses a dictionary block per call (seconds at 100k).
        let agency_terms = all_terms(&agency);
        let template_terms = all_terms(&template);
        let path_terms = all_terms(&path);
        let title_terms = all_terms(&title);
        let term =
            |col: &Option<tantivy::columnar::StrColumn>, terms: &[String], doc: DocId| -> String {
                col.as_ref()
                    .and_then(|c| c.ords().first(doc))
                    .and_then(|o| terms.get(o as usize))
                    .cloned()
                    .unwrap_or_default()
            };
        let mut agency_ids: HashMap<u64, u32> = HashMap::new();
        for doc in seg.doc_ids_alive() {
            let d = doc as usize;
            let aid = match agency.as_ref().and_then(|c| c.ords().first(doc)) {
                Some(o) => match agency_ids.get(&o) {
                    Some(&id) => id,
                    None => {
                        let s = agency_terms.get(o as usize).cloned().unwrap_or_default();
                        let id = *ids.entry(s.clone()).or_insert_with(|| {
                            agencies.push(s.clone());
                            (agencies.len() - 1) as u32
                        });
                        agency_ids.insert(o, id);
                        id
                    }
                },
                None => *ids.entry(String::new()).or_insert_with(|| {
                    agencies.push(String::new());
                    (agencies.len() - 1) as u32
                }),
            };
            facts.agency[d] = aid;
            let y = year.first(doc).unwrap_or(schema::NO_YEAR) as i32;
            facts.year[d] = y;
            facts.failed[d] = failed.first(doc).unwrap_or(0) > 0;
            let t =
                Template::parse(&term(&template, &template_terms, doc)).unwrap_or(Template::Free);
            facts.template[d] = template_code(t);
            let p = term(&path, &path_terms, doc);
            let ti = term(&title, &title_terms, doc);
            reports.push(ReportRef {
                path: p,
                agency: agencies[aid as usize].clone(),
                year: (y != schema::NO_YEAR as i32).then_some(y),
                title: ti,
                template: t,
            });
        }
        segs.push(facts);
    }
    // Agency ids in name order, so that facet counts sort by count alone (a stable sort keeps
    // equal counts in name order) without comparing thousands of names on every keystroke.
    let mut order: Vec<u32> = (0..agencies.len() as u32).collect();
    order.sort_by(|&a, &b| agencies[a as usize].cmp(&agencies[b as usize]));
    let mut new_id = vec![0u32; agencies.len()];
    for (new, &old) in order.iter().enumerate() {
        new_id[old as usize] = new as u32;
    }
    let agencies: Arc<[String]> = order
        .iter()
        .map(|&old| agencies[old as usize].clone())
        .collect();
    let segs: Vec<Arc<SegFacts>> = segs
        .into_iter()
        .map(|mut f| {
            for a in &mut f.agency {
                *a = new_id.get(*a as usize).copied().unwrap_or(*a);
            }
            Arc::new(f)
        })
        .collect();
    let years = || reports.iter().filter_map(|r| r.year);
    let first_year = years().min().unwrap_or(0);
    let year_span = years().max().map_or(0, |y| (y - first_year) as usize + 1);
    reports.sort_by(|a, b| {
        (a.agency.as_str(), a.year, a.path.as_str()).cmp(&(
            b.agency.as_str(),
            b.year,
            b.path.as_str(),
        ))
    });
    Ok((
        Catalog {
            places: Arc::new(Places::new(&agencies)),
            agencies,
            segs,
            first_year,
            year_span,
        },
        reports,
    ))
}

fn agency_years(reports: &[ReportRef]) -> Vec<AgencyYears> {
    let mut m: BTreeMap<&str, (Vec<i32>, usize)> = BTreeMap::new();
    for r in reports {
        let e = m.entry(r.agency.as_str()).or_default();
        e.1 += 1;
        if let Some(y) = r.year {
            if !e.0.contains(&y) {
                e.0.push(y);
            }
        }
    }
    m.into_iter()
        .map(|(name, (mut years, n))| {
            years.sort_unstable();
            AgencyYears {
                name: name.to_string(),
                years,
                reports: n,
            }
        })
        .collect()
}

/// Search threads at most: collection and hits are split in ranges across them
/// (`collect::run`); the machines this runs on have few cores.
const SEARCH_THREADS: usize = 4;

pub(crate) fn open(dir: &Path) -> Result<Index, IndexError> {
    use super::build::Health;
    let mut index = match super::build::health(dir, false) {
        Ok(Health::Sound {
            index,
            complete: true,
        }) => index,
        // Never answer from an index that was never completely built: it would say "0".
        Ok(Health::Sound { .. }) => return Err(IndexError::Incomplete(dir.to_path_buf())),
        Ok(Health::Missing) => return Err(IndexError::NoIndex(dir.to_path_buf())),
        Err(Err(e)) => return Err(e),
        Err(Ok(reason)) => {
            return Err(IndexError::Damaged {
                dir: dir.to_path_buf(),
                reason,
            })
        }
    };
    // Searches run on every core: a long phrase reads the positions of every matching
    // report, and a second core nearly halves the time a keystroke waits for it.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(SEARCH_THREADS));
    if threads > 1 {
        index
            .set_multithread_executor(threads)
            .map_err(|e| IndexError::Tantivy(format!("search threads: {e}")))?;
    }
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e: tantivy::TantivyError| IndexError::Damaged {
            dir: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
    let searcher = reader.searcher();
    let (catalog, reports) = build_catalog(&searcher)?;
    let years = agency_years(&reports);
    let matcher = AgencyMatcher::new(years.iter().map(|a| a.name.clone()).collect());
    let (_, fields) = schema::build();
    Ok(Index {
        inner: std::sync::Arc::new(Inner {
            dir: dir.to_path_buf(),
            index,
            _reader: reader,
            searcher,
            fields,
            catalog,
            agency_years: years,
            agency_matcher: matcher,
            reports,
            threads,
        }),
    })
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn f<T: Send + Sync + Clone>() {}
    f::<Index>();
}
