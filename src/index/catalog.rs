//! An open index: the tantivy reader and the catalog of per-document facts (agency, year,
//! template) read once from fast fields, that filters and facet counts use instead of queries.

use super::agency::AgencyMatcher;
use super::filter::{template_code, Places};
use super::schema::{self, all_terms, Fields};
use super::{AgencyYears, Index, IndexError, ReportRef};
use crate::report::Template;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
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
    /// What hits read their stored fields from.
    pub(super) stores: super::hitdoc::Stores,
    // Made on first use, not at open: most commands need none of them, and at 100,000
    // reports the agency matcher alone (pinyin of every name) took over a second to make.
    agency_years: OnceLock<Vec<AgencyYears>>,
    agency_matcher: OnceLock<AgencyMatcher>,
    reports: OnceLock<Vec<ReportRef>>,
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
    /// Each agency's place, by agency id: made on first use (reading the place of every
    /// agency name is most of the catalog's cost).
    places: OnceLock<Arc<Places>>,
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
    /// The segment's own number for each document's agency (its ordinal in the segment's
    /// dictionary): facet counts per segment are kept by it, in an array as long as the
    /// segment's agencies, not the catalog's (a million reports have ~800,000 agencies and
    /// ~200 segments: an array of every agency per segment was a 110 ms floor under every
    /// search).
    pub(super) agency_local: Vec<u32>,
    /// `Catalog::agencies` index of each segment-local agency number.
    pub(super) agency_of_local: Vec<u32>,
}

/// What the catalog knows of one document, as filters test it.
#[derive(Clone, Copy)]
pub(super) struct DocFacts {
    pub(super) agency: u32,
    pub(super) year: Option<i32>,
    pub(super) template: u8,
    pub(super) failed: bool,
}

impl DocFacts {
    /// Which filters of `rule` the document passes.
    #[inline]
    pub(super) fn pass(self, rule: &super::filter::FacetRule) -> super::filter::Pass {
        rule.test(Some(self.agency), self.year, self.template, self.failed)
    }
}

impl SegFacts {
    /// Document `d`'s facts; `None` for a document the catalog does not know.
    #[inline]
    pub(super) fn get(&self, d: DocId) -> Option<DocFacts> {
        let i = d as usize;
        let year = *self.year.get(i)?;
        Some(DocFacts {
            agency: *self.agency.get(i)?,
            year: (year != schema::NO_YEAR as i32).then_some(year),
            template: *self.template.get(i)?,
            failed: *self.failed.get(i)?,
        })
    }
}

fn terr(e: impl std::fmt::Display) -> IndexError {
    IndexError::Tantivy(e.to_string())
}

fn build_catalog(searcher: &Searcher) -> Result<Catalog, IndexError> {
    // Per segment: its agency dictionary (ordinal = position, a document without an agency
    // takes the ordinal after the last) and which ordinals live documents use.
    let mut dicts: Vec<(Vec<String>, Vec<bool>)> = Vec::new();
    let mut segs = Vec::new();
    let (mut first_year, mut last_year) = (i32::MAX, i32::MIN);
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        let n = seg.max_doc() as usize;
        let mut facts = SegFacts {
            agency: vec![0; n],
            year: vec![schema::NO_YEAR as i32; n],
            template: vec![template_code(Template::Free); n],
            failed: vec![false; n],
            agency_local: Vec::new(),
            agency_of_local: Vec::new(),
        };
        let agency = ff.str("agency").map_err(terr)?;
        let template = ff.str("template").map_err(terr)?;
        let year = ff.i64("year").map_err(terr)?;
        let failed = ff.u64("failed").map_err(terr)?;
        // Each column's dictionary is read once, in order (ordinal = position): looking terms up
        // one document at a time decompresses a dictionary block per call (seconds at 100k).
        let mut agency_terms = all_terms(&agency);
        let none = agency_terms.len() as u32;
        agency_terms.push(String::new());
        let mut used = vec![false; agency_terms.len()];
        let templates: Vec<u8> = all_terms(&template)
            .iter()
            .map(|t| template_code(Template::parse(t).unwrap_or(Template::Free)))
            .collect();
        for doc in seg.doc_ids_alive() {
            let d = doc as usize;
            let o = agency
                .as_ref()
                .and_then(|c| c.ords().first(doc))
                .map_or(none, |o| (o as u32).min(none));
            used[o as usize] = true;
            facts.agency[d] = o;
            let y = year.first(doc).unwrap_or(schema::NO_YEAR) as i32;
            facts.year[d] = y;
            if y != schema::NO_YEAR as i32 {
                (first_year, last_year) = (first_year.min(y), last_year.max(y));
            }
            facts.failed[d] = failed.first(doc).unwrap_or(0) > 0;
            facts.template[d] = template
                .as_ref()
                .and_then(|c| c.ords().first(doc))
                .and_then(|o| templates.get(o as usize).copied())
                .unwrap_or(template_code(Template::Free));
        }
        dicts.push((agency_terms, used));
        segs.push(facts);
    }
    // Agency ids in name order, so that facet counts sort by count alone (a stable sort keeps
    // equal counts in name order) without comparing thousands of names on every keystroke:
    // the segments' used names, sorted (each dictionary is sorted already, so the sort merges
    // runs), equal names one id.
    let mut all: Vec<(u32, u32)> = Vec::new();
    for (s, (_, used)) in dicts.iter().enumerate() {
        all.extend(
            (0..used.len() as u32)
                .filter(|&o| used[o as usize])
                .map(|o| (s as u32, o)),
        );
    }
    let name = |&(s, o): &(u32, u32)| dicts[s as usize].0[o as usize].as_str();
    all.sort_by(|a, b| name(a).cmp(name(b)));
    let mut ids: Vec<Vec<u32>> = dicts.iter().map(|(t, _)| vec![0; t.len()]).collect();
    let mut first_of: Vec<(u32, u32)> = Vec::new();
    for (i, e) in all.iter().enumerate() {
        if i == 0 || name(&all[i - 1]) != name(e) {
            first_of.push(*e);
        }
        ids[e.0 as usize][e.1 as usize] = (first_of.len() - 1) as u32;
    }
    let agencies: Arc<[String]> = first_of
        .iter()
        .map(|&(s, o)| std::mem::take(&mut dicts[s as usize].0[o as usize]))
        .collect();
    let segs: Vec<Arc<SegFacts>> = segs
        .into_iter()
        .zip(&ids)
        .map(|(mut f, ids)| {
            f.agency_local = f.agency.clone();
            // Deleted documents keep ordinal 0, as live ones of agency id 0: never counted.
            for a in &mut f.agency {
                *a = ids.get(*a as usize).copied().unwrap_or(0);
            }
            f.agency_of_local = ids.clone();
            Arc::new(f)
        })
        .collect();
    let (first_year, year_span) = if first_year > last_year {
        (0, 0)
    } else {
        (first_year, (last_year - first_year) as usize + 1)
    };
    Ok(Catalog {
        places: OnceLock::new(),
        agencies,
        segs,
        first_year,
        year_span,
    })
}

impl Catalog {
    pub(super) fn places(&self) -> &Arc<Places> {
        self.places
            .get_or_init(|| Arc::new(Places::new(&self.agencies)))
    }
}

/// Every live report as listed (path, agency, year, title, template), sorted by agency, year,
/// path: the catalog's facts and the path and title columns.
fn list_reports(searcher: &Searcher, catalog: &Catalog) -> Result<Vec<ReportRef>, IndexError> {
    let mut reports = Vec::with_capacity(searcher.num_docs() as usize);
    for (seg, facts) in searcher.segment_readers().iter().zip(&catalog.segs) {
        let ff = seg.fast_fields();
        let path = ff.str("path").map_err(terr)?;
        let title = ff.str("title_raw").map_err(terr)?;
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
        for doc in seg.doc_ids_alive() {
            let d = doc as usize;
            let y = facts.year[d];
            reports.push(ReportRef {
                path: term(&path, &path_terms, doc),
                agency: catalog.agencies[facts.agency[d] as usize].clone(),
                year: (y != schema::NO_YEAR as i32).then_some(y),
                title: term(&title, &title_terms, doc),
                template: template_of(facts.template[d]),
            });
        }
    }
    reports.sort_by(|a, b| {
        (a.agency.as_str(), a.year, a.path.as_str()).cmp(&(
            b.agency.as_str(),
            b.year,
            b.path.as_str(),
        ))
    });
    Ok(reports)
}

/// The template of a catalog code.
fn template_of(code: u8) -> Template {
    super::filter::TEMPLATES
        .into_iter()
        .find(|&t| template_code(t) == code)
        .unwrap_or(Template::Free)
}

/// Every agency with its years and number of reports, from the catalog's facts alone.
fn agency_years(searcher: &Searcher, catalog: &Catalog) -> Vec<AgencyYears> {
    let mut per: Vec<(Vec<i32>, usize)> = vec![(Vec::new(), 0); catalog.agencies.len()];
    for (seg, facts) in searcher.segment_readers().iter().zip(&catalog.segs) {
        for doc in seg.doc_ids_alive() {
            let d = doc as usize;
            let Some(e) = per.get_mut(facts.agency[d] as usize) else {
                continue;
            };
            e.1 += 1;
            let y = facts.year[d];
            if y != schema::NO_YEAR as i32 && !e.0.contains(&y) {
                e.0.push(y);
            }
        }
    }
    // Agency ids are in name order already.
    catalog
        .agencies
        .iter()
        .zip(per)
        .filter(|(_, (_, n))| *n > 0)
        .map(|(name, (mut years, n))| {
            years.sort_unstable();
            AgencyYears {
                name: name.clone(),
                years,
                reports: n,
            }
        })
        .collect()
}

impl Inner {
    /// Every agency, sorted by name, with its years.
    pub(crate) fn agency_years(&self) -> &[AgencyYears] {
        self.agency_years
            .get_or_init(|| agency_years(&self.searcher, &self.catalog))
    }

    pub(crate) fn agency_matcher(&self) -> &AgencyMatcher {
        self.agency_matcher.get_or_init(|| {
            AgencyMatcher::new(self.agency_years().iter().map(|a| a.name.clone()).collect())
        })
    }

    /// Every report, sorted by agency, year, path. A column that cannot be read (damage the
    /// checksums at open did not see) gives an empty list and drops the record of the last
    /// checksum pass, so that the next command checks the files and rebuilds.
    pub(crate) fn reports(&self) -> &[ReportRef] {
        self.reports.get_or_init(|| {
            match super::build::guard(|| list_reports(&self.searcher, &self.catalog)) {
                Ok(Ok(v)) => v,
                _ => {
                    let _ = super::build::crashed(&self.dir, "listing the reports failed");
                    Vec::new()
                }
            }
        })
    }
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
        .doc_store_cache_num_blocks(schema::docstore_cache_blocks(
            index.settings().docstore_blocksize,
        ))
        .try_into()
        .map_err(|e: tantivy::TantivyError| IndexError::Damaged {
            dir: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
    let searcher = reader.searcher();
    let catalog = build_catalog(&searcher)?;
    let stores = super::hitdoc::Stores::new(
        searcher.segment_readers().len(),
        schema::docstore_cache_blocks(index.settings().docstore_blocksize),
    );
    let (_, fields) = schema::build();
    Ok(Index {
        inner: std::sync::Arc::new(Inner {
            dir: dir.to_path_buf(),
            index,
            _reader: reader,
            searcher,
            fields,
            catalog,
            stores,
            agency_years: OnceLock::new(),
            agency_matcher: OnceLock::new(),
            reports: OnceLock::new(),
            threads,
        }),
    })
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn f<T: Send + Sync + Clone>() {}
    f::<Index>();
}
