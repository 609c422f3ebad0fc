//! An in-memory engine over parsed reports, searched by scanning: browser tests, the shipped
//! corpus, and `NIANBAO_MEMORY=1` when the index cannot be used.
//!
//! It answers through the same [`Backend`] trait as the tantivy [`Index`](super::Index) and
//! with the index's own parts: the query syntax, highlighting and passages of `query.rs`, the
//! agency matcher, and the one filter rule of `filter.rs`. Only ranking differs: scanning
//! does not rank, reports come by agency, then newest first.

use super::agency::AgencyMatcher;
use super::filter::{template_code, FacetRule, Places, TEMPLATES};
use super::snippet::{match_ranges, passages};
use super::syntax::{parse_query, Clause};
use super::{
    AgencyCounts, AgencyYears, Backend, Facets, Figures, Hit, IndexError, Query, ReportRef,
    SearchResults, StoredReport,
};
use crate::report::{self, Report};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Every parsed report held in memory.
pub struct MemoryIndex {
    reports: Vec<Report>,
    /// Of each report in `reports`: its agency's position in `names`.
    agency_ids: Vec<Option<u32>>,
    /// Every agency, sorted, shared with every search's facet counts (as the catalog's).
    names: Arc<[String]>,
    matcher: AgencyMatcher,
    /// Each agency's place, by agency id.
    places: Places,
    agencies: Vec<AgencyYears>,
    by_path: HashMap<String, usize>,
}

impl MemoryIndex {
    pub fn new(mut reports: Vec<Report>) -> MemoryIndex {
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
        let names: Arc<[String]> = agencies.iter().map(|a| a.name.clone()).collect();
        let agency_ids = reports
            .iter()
            .map(|r| {
                let a = r.agency.as_deref()?;
                names
                    .binary_search_by(|n| n.as_str().cmp(a))
                    .ok()
                    .map(|i| i as u32)
            })
            .collect();
        let by_path = reports
            .iter()
            .enumerate()
            .map(|(i, r)| (r.path.clone(), i))
            .collect();
        MemoryIndex {
            matcher: AgencyMatcher::new(names.to_vec()),
            places: Places::new(&names),
            reports,
            agency_ids,
            names,
            agencies,
            by_path,
        }
    }

    /// Parses every report file under `corpus`, calling `progress(done, total)` after each.
    /// Unreadable files are skipped, not fatal.
    pub fn load(
        corpus: &Path,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<MemoryIndex, IndexError> {
        if !corpus.is_dir() {
            return Err(IndexError::NoCorpus(corpus.to_path_buf()));
        }
        // The build's own walk: the same files in the same order, links not followed.
        let mut files: Vec<PathBuf> = Vec::new();
        super::build::walk(
            corpus,
            &super::BuildOptions::default(),
            true,
            &mut |e, _| files.push(e.path().to_path_buf()),
        )?;
        let total = files.len();
        let mut reports = Vec::with_capacity(total);
        for (i, f) in files.iter().enumerate() {
            if let Ok(r) = report::parse_file(f) {
                reports.push(r);
            }
            progress(i + 1, total);
        }
        Ok(MemoryIndex::new(reports))
    }
}

/// A query's text as the memory engine tests a report against it.
struct TextRule {
    clauses: Vec<Clause>,
    /// The same clauses, none excluded: one pass over a text finds every one of them.
    all_wanted: Vec<Clause>,
}

impl TextRule {
    fn new(text: &str) -> TextRule {
        let clauses = parse_query(text);
        let all_wanted = clauses
            .iter()
            .map(|c| Clause {
                exclude: false,
                ..c.clone()
            })
            .collect();
        TextRule {
            clauses,
            all_wanted,
        }
    }

    /// Whether `r` has every wanted clause and no excluded one, matched the way the index's
    /// highlighting matches them.
    fn matches(&self, r: &Report) -> bool {
        if self.clauses.is_empty() {
            return true;
        }
        let mut found = vec![false; self.clauses.len()];
        for (_, ci) in match_ranges(&r.text, &self.all_wanted) {
            found[ci] = true;
        }
        self.clauses.iter().zip(found).all(|(c, f)| f != c.exclude)
    }
}

impl Backend for MemoryIndex {
    fn search(&self, q: &Query) -> Result<SearchResults, IndexError> {
        let start = Instant::now();
        let text = TextRule::new(&q.text);
        let rule = FacetRule::new(q, &self.names, &self.places);
        let mut places = self.places.zero_counts();
        let mut failed_count = 0;
        let mut agencies = vec![0u32; self.names.len()];
        let mut years: BTreeMap<i32, u64> = BTreeMap::new();
        let mut templates = [0u64; 3];
        let mut hits = Vec::new();
        let mut total = 0;
        for (r, &aid) in self.reports.iter().zip(&self.agency_ids) {
            if !text.matches(r) {
                continue;
            }
            let t = template_code(r.template);
            let failed = r.failed_checks().next().is_some();
            let pass = rule.test(aid, r.year, t, failed);
            self.places.count(&mut places, aid, pass);
            if failed && pass.counts_failed() {
                failed_count += 1;
            }
            if pass.counts_agency() {
                if let Some(n) = aid.and_then(|a| agencies.get_mut(a as usize)) {
                    *n += 1;
                }
            }
            if pass.counts_year() {
                if let Some(y) = r.year {
                    *years.entry(y).or_default() += 1;
                }
            }
            if pass.counts_template() {
                templates[t as usize] += 1;
            }
            if pass.hit() {
                total += 1;
                if total > q.offset && hits.len() < q.limit {
                    hits.push(hit(r, &text.clauses));
                }
            }
        }
        Ok(SearchResults {
            hits,
            total,
            facets: Facets {
                agencies: AgencyCounts::new(self.names.clone(), agencies),
                years: years.into_iter().rev().collect(),
                templates: TEMPLATES
                    .iter()
                    .map(|&t| (t, templates[template_code(t) as usize]))
                    .filter(|(_, n)| *n > 0)
                    .collect(),
                regions: self.places.facets(&places),
                failed: failed_count,
            },
            elapsed: start.elapsed(),
            clauses: text.clauses,
            stage: super::Stage::Complete,
        })
    }

    fn resolve_agency(&self, input: &str) -> Vec<String> {
        self.matcher.resolve(input)
    }

    fn agencies(&self) -> Vec<AgencyYears> {
        self.agencies.clone()
    }

    fn find(&self, agency: &str, year: Option<i32>) -> Vec<ReportRef> {
        self.reports
            .iter()
            .filter(|r| r.agency.as_deref() == Some(agency) && (year.is_none() || r.year == year))
            .map(|r| ReportRef {
                path: r.path.clone(),
                agency: agency.to_string(),
                year: r.year,
                title: r.title.clone().unwrap_or_default(),
                template: r.template,
            })
            .collect()
    }

    fn selected_reports(&self, q: &Query) -> Result<Vec<StoredReport>, IndexError> {
        let text = TextRule::new(&q.text);
        let rule = FacetRule::new(q, &self.names, &self.places);
        Ok(self
            .reports
            .iter()
            .zip(&self.agency_ids)
            .filter(|(r, &aid)| {
                let failed = r.failed_checks().next().is_some();
                text.matches(r)
                    && rule
                        .test(aid, r.year, template_code(r.template), failed)
                        .hit()
            })
            .map(|(r, _)| StoredReport {
                path: r.path.clone(),
                agency: r.agency.clone().unwrap_or_default(),
                year: r.year,
                template: r.template,
                // Nothing hashed the file: a memory engine parses text it was given.
                hash: String::new(),
                figures: Figures {
                    tables: r.tables.clone(),
                    source: r.source.clone(),
                    failed_checks: r.failed_checks().count(),
                },
            })
            .collect())
    }

    fn report(&self, path: &str) -> Result<Report, IndexError> {
        self.by_path
            .get(path)
            .and_then(|&i| self.reports.get(i))
            .cloned()
            .ok_or_else(|| IndexError::NoSuchReport(path.to_string()))
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
        score: 0.0,
        snippet,
        preview,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Template;

    fn report(path: &str, agency: &str, year: i32, text: &str) -> Report {
        let mut r = report::parse_text(path, text);
        r.agency = Some(agency.into());
        r.year = Some(year);
        r
    }

    fn query(text: &str) -> Query {
        Query {
            text: text.into(),
            limit: 10,
            ..Query::default()
        }
    }

    #[test]
    fn search_includes_excludes_and_resolves_like_the_index() {
        let b = MemoryIndex::new(vec![
            report(
                "a.txt",
                "中卫市工业和信息化局",
                2020,
                "行政复议\n案件一件。",
            ),
            report(
                "b.txt",
                "石嘴山市公共资源交易中心",
                2021,
                "行政复议和行政诉讼。",
            ),
        ]);
        let r = b.search(&query("行政复议 -诉讼")).unwrap();
        assert_eq!(r.total, 1);
        assert_eq!(r.hits[0].path, "a.txt");
        let h = &r.hits[0].snippet;
        assert_eq!(&h.text[h.highlights[0].clone()], "行政复议");
        assert_eq!(b.resolve_agency("szs"), vec!["石嘴山市公共资源交易中心"]);
        assert!(b.resolve_agency("").is_empty());
        assert_eq!(b.agencies()[0].reports, 1);
        assert_eq!(b.find("中卫市工业和信息化局", None)[0].path, "a.txt");
    }

    #[test]
    fn filters_and_facets_follow_the_rule_the_index_uses() {
        let b = MemoryIndex::new(vec![
            report("a.txt", "甲局", 2020, "公开"),
            report("b.txt", "甲局", 2021, "公开"),
            report("c.txt", "乙局", 2021, "公开"),
        ]);
        let mut q = query("公开");
        q.agencies = vec!["甲局".into()];
        q.years = Some((2021, 2021));
        let r = b.search(&q).unwrap();
        assert_eq!(r.total, 1);
        assert_eq!(r.hits[0].path, "b.txt");
        // Agencies counted under the year filter only, years under the agency filter only.
        assert_eq!(
            (
                r.facets.agencies.count("甲局"),
                r.facets.agencies.count("乙局")
            ),
            (1, 1)
        );
        assert_eq!(r.facets.years, [(2021, 1), (2020, 1)]);
        let free = r.facets.templates.iter().map(|t| t.1).sum::<u64>();
        assert_eq!(free, 1);
        q.template = Some(Template::T2019);
        assert_eq!(b.search(&q).unwrap().total, 0);
        // An offset skips hits, it does not change the total.
        let mut q = query("公开");
        q.offset = 2;
        let r = b.search(&q).unwrap();
        assert_eq!((r.total, r.hits.len()), (3, 1));
    }

    #[test]
    fn selected_reports_are_exactly_the_hits_of_a_search() {
        let b = MemoryIndex::new(vec![
            report("a.txt", "甲局", 2020, "公开 复议"),
            report("b.txt", "甲局", 2021, "公开"),
            report("c.txt", "乙局", 2021, "公开 复议"),
            report("d.txt", "乙局", 2022, "诉讼"),
        ]);
        for (text, years) in [
            ("公开", None),
            ("公开 -复议", None),
            ("", Some((2021, 2022))),
            ("复议", Some((2021, 2021))),
        ] {
            let mut q = query(text);
            q.years = years;
            q.limit = 100;
            let want: Vec<String> = b
                .search(&q)
                .unwrap()
                .hits
                .into_iter()
                .map(|h| h.path)
                .collect();
            let got: Vec<String> = b
                .selected_reports(&q)
                .unwrap()
                .into_iter()
                .map(|s| s.path)
                .collect();
            assert!(!want.is_empty() && want.len() < 4, "{text}");
            assert_eq!(got, want, "{text}");
        }
    }
}
