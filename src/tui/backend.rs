//! What the browser needs from a search engine, and an in-memory engine over parsed reports.
//!
//! The browser talks only to [`Backend`], in the index's own types, so the same screens run
//! over the tantivy index (see `index_backend.rs`) and over [`MemoryBackend`], which tests use.
//! The memory engine matches, highlights and resolves agencies with the index's own functions,
//! so both engines mark the same characters and understand the same input.

use crate::index::agency::AgencyMatcher;
use crate::index::query::{match_ranges, parse_query, passages, Clause};
use crate::index::{AgencyCounts, AgencyYears, Facets, Hit, SearchResults};
use crate::report::{self, Report, Template};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Filters that combine with the query text: the browser's chips.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Exact agency names; empty = any agency.
    pub agencies: Vec<String>,
    /// Inclusive year range.
    pub years: Option<(i32, i32)>,
    pub template: Option<Template>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.agencies.is_empty() && self.years.is_none() && self.template.is_none()
    }
}

/// The engine behind the browser. Shared with the search worker, hence `Send + Sync`.
pub trait Backend: Send + Sync {
    fn search(&self, text: &str, filters: &Filters, limit: usize) -> anyhow::Result<SearchResults>;
    /// Agencies meant by `input`: full name, parts, pinyin or initials, best first.
    /// Empty input gives every agency (a picker lists them all before anything is typed).
    fn resolve_agency(&self, input: &str) -> Vec<String>;
    fn agencies(&self) -> Vec<AgencyYears>;
    /// Paths of the reports of `agency` (exact name) for `year` (any year when `None`).
    fn find(&self, agency: &str, year: Option<i32>) -> Vec<String>;
    fn report(&self, path: &str) -> anyhow::Result<Report>;
}

/// Every parsed report held in memory, searched by scanning. Enough for tests, the shipped
/// corpus, and as a stand-in while the index is not available.
pub struct MemoryBackend {
    reports: Vec<Report>,
    matcher: AgencyMatcher,
    agencies: Vec<AgencyYears>,
    by_path: HashMap<String, usize>,
}

/// Loading progress: files done of total.
pub type ProgressFn<'a> = &'a mut dyn FnMut(usize, usize);

impl MemoryBackend {
    pub fn new(mut reports: Vec<Report>) -> MemoryBackend {
        reports.sort_by(|a, b| (a.agency.as_deref(), b.year).cmp(&(b.agency.as_deref(), a.year)));
        let mut map: BTreeMap<String, AgencyYears> = BTreeMap::new();
        for r in &reports {
            if let Some(a) = &r.agency {
                let e = map.entry(a.clone()).or_insert_with(|| AgencyYears {
                    name: a.clone(),
                    years: Vec::new(),
                    reports: 0,
                });
                e.reports += 1;
                e.years.extend(r.year);
            }
        }
        let agencies: Vec<AgencyYears> = map
            .into_values()
            .map(|mut a| {
                a.years.sort_unstable();
                a.years.dedup();
                a
            })
            .collect();
        let by_path = reports
            .iter()
            .enumerate()
            .map(|(i, r)| (r.path.clone(), i))
            .collect();
        MemoryBackend {
            matcher: AgencyMatcher::new(agencies.iter().map(|a| a.name.clone()).collect()),
            reports,
            agencies,
            by_path,
        }
    }

    /// Parses every `.txt` under `corpus`. Unreadable files are skipped, not fatal.
    pub fn load(corpus: &Path, progress: ProgressFn) -> anyhow::Result<MemoryBackend> {
        if !corpus.is_dir() {
            anyhow::bail!(
                "the corpus folder {} does not exist; pass --corpus DIR or set NIANBAO_CORPUS",
                corpus.display()
            );
        }
        let files: Vec<PathBuf> = walkdir::WalkDir::new(corpus)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .filter(|p| crate::source::is_report_file(p))
            .collect();
        let total = files.len();
        let mut reports = Vec::with_capacity(total);
        for (i, f) in files.iter().enumerate() {
            if let Ok(r) = report::parse_file(f) {
                reports.push(r);
            }
            progress(i + 1, total);
        }
        Ok(MemoryBackend::new(reports))
    }

    /// Whether `r` has every wanted clause and no excluded one, matched the way the index's
    /// highlighting matches them.
    fn matches(r: &Report, clauses: &[Clause], all_wanted: &[Clause]) -> bool {
        if clauses.is_empty() {
            return true;
        }
        // One pass over the text finds every clause, excluded ones included.
        let mut found = vec![false; clauses.len()];
        for (_, ci) in match_ranges(&r.text, all_wanted) {
            found[ci] = true;
        }
        clauses.iter().zip(found).all(|(c, f)| f != c.exclude)
    }
}

impl Backend for MemoryBackend {
    fn search(&self, text: &str, f: &Filters, limit: usize) -> anyhow::Result<SearchResults> {
        let start = Instant::now();
        let clauses = parse_query(text);
        let all_wanted: Vec<Clause> = clauses
            .iter()
            .map(|c| Clause {
                exclude: false,
                ..c.clone()
            })
            .collect();
        let agency_ok = |r: &Report| {
            f.agencies.is_empty() || r.agency.as_ref().is_some_and(|a| f.agencies.contains(a))
        };
        let year_ok = |r: &Report| match (f.years, r.year) {
            (None, _) => true,
            (Some((a, b)), Some(y)) => a <= y && y <= b,
            (Some(_), None) => false,
        };
        let tpl_ok = |r: &Report| f.template.is_none_or(|t| t == r.template);
        let mut agencies: BTreeMap<String, u64> = BTreeMap::new();
        let mut years: BTreeMap<i32, u64> = BTreeMap::new();
        let mut templates: BTreeMap<Template, u64> = BTreeMap::new();
        let mut hits = Vec::new();
        let mut total = 0;
        for r in self
            .reports
            .iter()
            .filter(|r| Self::matches(r, &clauses, &all_wanted))
        {
            let (a, y, t) = (agency_ok(r), year_ok(r), tpl_ok(r));
            // Each dimension is counted with the other filters only, as the index does.
            if y && t {
                if let Some(name) = &r.agency {
                    *agencies.entry(name.clone()).or_default() += 1;
                }
            }
            if a && t {
                if let Some(year) = r.year {
                    *years.entry(year).or_default() += 1;
                }
            }
            if a && y {
                *templates.entry(r.template).or_default() += 1;
            }
            if a && y && t {
                total += 1;
                if hits.len() < limit {
                    hits.push(hit(r, &clauses));
                }
            }
        }
        let agencies = AgencyCounts::from_pairs(agencies);
        Ok(SearchResults {
            hits,
            total,
            facets: Facets {
                agencies,
                years: years.into_iter().rev().collect(),
                templates: templates.into_iter().collect(),
            },
            elapsed: start.elapsed(),
        })
    }

    fn resolve_agency(&self, input: &str) -> Vec<String> {
        if input.trim().is_empty() {
            return self.agencies.iter().map(|a| a.name.clone()).collect();
        }
        self.matcher.resolve(input)
    }

    fn agencies(&self) -> Vec<AgencyYears> {
        self.agencies.clone()
    }

    fn find(&self, agency: &str, year: Option<i32>) -> Vec<String> {
        self.reports
            .iter()
            .filter(|r| r.agency.as_deref() == Some(agency) && (year.is_none() || r.year == year))
            .map(|r| r.path.clone())
            .collect()
    }

    fn report(&self, path: &str) -> anyhow::Result<Report> {
        self.by_path
            .get(path)
            .and_then(|&i| self.reports.get(i))
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("no report with path {path}"))
    }
}

/// A hit as the index makes one: snippet and preview cut from the report's text.
fn hit(r: &Report, clauses: &[Clause]) -> Hit {
    let (snippet, preview) = passages(&r.text, clauses);
    Hit {
        path: r.path.clone(),
        agency: r.agency.clone().unwrap_or_else(|| "（机构不详）".into()),
        year: r.year,
        title: r.title.clone().unwrap_or_default(),
        template: r.template,
        // Scanning does not rank: reports come by agency, then newest first.
        score: 0.0,
        snippet,
        preview,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(path: &str, agency: &str, text: &str) -> Report {
        let mut r = report::parse_text(path, text);
        r.agency = Some(agency.into());
        r
    }

    #[test]
    fn search_includes_excludes_and_resolves_like_the_index() {
        let b = MemoryBackend::new(vec![
            report("a.txt", "中卫市工业和信息化局", "行政复议\n案件一件。"),
            report("b.txt", "石嘴山市公共资源交易中心", "行政复议和行政诉讼。"),
        ]);
        let r = b.search("行政复议 -诉讼", &Filters::default(), 10).unwrap();
        assert_eq!(r.total, 1);
        assert_eq!(r.hits[0].path, "a.txt");
        let h = &r.hits[0].snippet;
        assert_eq!(&h.text[h.highlights[0].clone()], "行政复议");
        assert_eq!(b.resolve_agency("szs"), vec!["石嘴山市公共资源交易中心"]);
        assert_eq!(b.resolve_agency("").len(), 2);
        assert_eq!(b.agencies()[0].reports, 1);
    }
}
