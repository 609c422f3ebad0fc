//! The one filter rule of a query (agencies, a year range, a template, regions, failed checks),
//! applied by both engines, and which facet counts a report enters.
//!
//! The tantivy engine applies it to the catalog's codes in its collector and the in-memory
//! engine to each report: both ask [`FacetRule::test`], so a chip means the same in both.
//! A report's region is its agency's place as its name states it (`report::place`), worked out
//! once per agency ([`Places`]), so a region filter costs a lookup per report.

use super::{Query, Region};
use crate::report::place::{self, Level};
use crate::report::Template;

/// The catalog's code of a template (the index stores one byte a document).
pub(crate) fn template_code(t: Template) -> u8 {
    match t {
        Template::T2021 => 0,
        Template::T2019 => 1,
        Template::Free => 2,
    }
}

/// Every template, in code order.
pub(crate) const TEMPLATES: [Template; 3] = [Template::T2021, Template::T2019, Template::Free];

/// The place levels, in the order of [`Places`]' arrays and of the region facets.
pub(crate) const LEVELS: [Level; 3] = [Level::Province, Level::City, Level::County];

/// Every level passes.
const ALL_LEVELS: u8 = 0b111;

fn level_index(l: Level) -> usize {
    match l {
        Level::Province => 0,
        Level::City => 1,
        Level::County => 2,
    }
}

/// Where each agency of an engine sits, read from its name: ids into a sorted list of the
/// names of each level.
#[derive(Debug, Clone, Default)]
pub(crate) struct Places {
    /// Per level (province, city, county): the names, sorted.
    pub(crate) names: [Vec<String>; 3],
    /// Per agency id: its place's id at each level, `None` where its name does not say.
    pub(crate) of_agency: Vec<[Option<u32>; 3]>,
}

impl Places {
    /// The places of `agencies` (an engine's agency names, in id order).
    pub(crate) fn new(agencies: &[String]) -> Places {
        let read: Vec<place::Place> = agencies.iter().map(|a| place::from_name(a)).collect();
        let mut names: [Vec<String>; 3] = Default::default();
        for p in &read {
            for (l, level) in LEVELS.iter().enumerate() {
                if let Some(n) = p.level(*level) {
                    names[l].push(n.to_string());
                }
            }
        }
        for n in &mut names {
            n.sort_unstable();
            n.dedup();
        }
        let of_agency = read
            .iter()
            .map(|p| {
                let mut ids = [None; 3];
                for (l, level) in LEVELS.iter().enumerate() {
                    ids[l] = p.level(*level).and_then(|n| {
                        names[l]
                            .binary_search_by(|x| x.as_str().cmp(n))
                            .ok()
                            .map(|i| i as u32)
                    });
                }
                ids
            })
            .collect();
        Places { names, of_agency }
    }

    /// Zeroed counts, one per place of each level.
    pub(crate) fn zero_counts(&self) -> [Vec<u64>; 3] {
        [0, 1, 2].map(|l| vec![0; self.names[l].len()])
    }

    /// Counts one report of agency `a` at each level whose filter `pass` leaves out.
    #[inline]
    pub(crate) fn count(&self, counts: &mut [Vec<u64>; 3], a: Option<u32>, pass: Pass) {
        let Some(ids) = a.and_then(|a| self.of_agency.get(a as usize)) else {
            return;
        };
        for (l, c) in counts.iter_mut().enumerate() {
            if pass.counts_level(l) {
                if let Some(n) = ids[l].and_then(|i| c.get_mut(i as usize)) {
                    *n += 1;
                }
            }
        }
    }

    /// The region facets from counts per place: provinces, then cities, then counties, each
    /// by count (most first) then name; places without hits left out.
    pub(crate) fn facets(&self, counts: &[Vec<u64>; 3]) -> Vec<(Region, u64)> {
        let mut out = Vec::new();
        for (l, level) in LEVELS.iter().enumerate() {
            let mut v: Vec<(Region, u64)> = self.names[l]
                .iter()
                .zip(&counts[l])
                .filter(|(_, n)| **n > 0)
                .map(|(name, n)| {
                    let r = Region {
                        level: *level,
                        name: name.clone(),
                    };
                    (r, *n)
                })
                .collect();
            // Names are sorted already: a stable sort by count keeps equal counts in name order.
            v.sort_by_key(|x| std::cmp::Reverse(x.1));
            out.extend(v);
        }
        out
    }
}

/// A query's filters, as codes an engine can test a report against without comparing names.
#[derive(Debug, Clone, Default)]
pub(crate) struct FacetRule {
    /// By agency id (position in the engine's sorted agency names); `None`: any agency.
    pub(crate) agencies: Option<Vec<bool>>,
    /// Inclusive.
    pub(crate) years: Option<(i32, i32)>,
    pub(crate) template: Option<u8>,
    /// By agency id: a bit per level (province 1, city 2, county 4) whose region filter the
    /// agency passes; `None`: no region filter.
    pub(crate) regions: Option<Vec<u8>>,
    /// The levels a report of no known agency passes (those without a region filter).
    pub(crate) regions_unknown: u8,
    /// Only reports with failed checks.
    pub(crate) failed_only: bool,
}

impl FacetRule {
    /// The rule of `q` over an engine whose agencies are `names`, sorted, placed by `places`.
    pub(crate) fn new(q: &Query, names: &[String], places: &Places) -> FacetRule {
        let agencies = (!q.agencies.is_empty()).then(|| {
            // Names are sorted: a lookup per chosen agency, not a comparison per agency known.
            let mut v = vec![false; names.len()];
            for a in &q.agencies {
                if let Ok(i) = names.binary_search_by(|n| n.as_str().cmp(a)) {
                    v[i] = true;
                }
            }
            v
        });
        // Within a level the chosen places are alternatives; across levels all must hold.
        let mut wanted: [Option<Vec<bool>>; 3] = Default::default();
        for r in &q.regions {
            let l = level_index(r.level);
            let w = wanted[l].get_or_insert_with(|| vec![false; places.names[l].len()]);
            if let Ok(i) = places.names[l].binary_search_by(|n| n.as_str().cmp(&r.name)) {
                w[i] = true;
            }
        }
        let unfiltered = (0..3)
            .filter(|&l| wanted[l].is_none())
            .fold(0u8, |m, l| m | 1 << l);
        let regions = (!q.regions.is_empty()).then(|| {
            places
                .of_agency
                .iter()
                .map(|ids| {
                    (0..3).fold(unfiltered, |m, l| {
                        let ok = wanted[l].as_ref().is_some_and(|w| {
                            ids[l].is_some_and(|i| w.get(i as usize).copied().unwrap_or(false))
                        });
                        if ok {
                            m | 1 << l
                        } else {
                            m
                        }
                    })
                })
                .collect()
        });
        FacetRule {
            agencies,
            years: q.years,
            template: q.template.map(template_code),
            regions,
            regions_unknown: unfiltered,
            failed_only: q.failed_only,
        }
    }

    /// Which filters a report passes: its agency id (`None`: no agency known), year,
    /// template code and whether any of its checks fails.
    #[inline]
    pub(crate) fn test(
        &self,
        agency: Option<u32>,
        year: Option<i32>,
        template: u8,
        failed: bool,
    ) -> Pass {
        Pass {
            agency: self.agencies.as_ref().is_none_or(|v| {
                agency.is_some_and(|a| v.get(a as usize).copied().unwrap_or(false))
            }),
            year: self
                .years
                .is_none_or(|(lo, hi)| year.is_some_and(|y| lo <= y && y <= hi)),
            template: self.template.is_none_or(|t| t == template),
            region: match &self.regions {
                None => ALL_LEVELS,
                Some(v) => agency
                    .and_then(|a| v.get(a as usize).copied())
                    .unwrap_or(self.regions_unknown),
            },
            failed: !self.failed_only || failed,
        }
    }
}

/// What [`FacetRule::test`] found for one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pass {
    agency: bool,
    year: bool,
    template: bool,
    /// A bit per level passed.
    region: u8,
    failed: bool,
}

impl Pass {
    /// Every filter passes: the report is a hit.
    pub(crate) fn hit(self) -> bool {
        self.agency && self.year && self.template && self.region == ALL_LEVELS && self.failed
    }

    /// Each dimension is counted with the other filters applied but not its own, so a chip
    /// shows what choosing it would give.
    pub(crate) fn counts_agency(self) -> bool {
        self.year && self.template && self.region == ALL_LEVELS && self.failed
    }

    pub(crate) fn counts_year(self) -> bool {
        self.agency && self.template && self.region == ALL_LEVELS && self.failed
    }

    pub(crate) fn counts_template(self) -> bool {
        self.agency && self.year && self.region == ALL_LEVELS && self.failed
    }

    /// Level `l` of [`LEVELS`]: every filter but that level's.
    pub(crate) fn counts_level(self, l: usize) -> bool {
        self.agency
            && self.year
            && self.template
            && self.failed
            && self.region | 1 << l == ALL_LEVELS
    }

    /// The "has failed checks" count: every filter but that one (the report must fail a check
    /// to be counted, which the engine knows).
    pub(crate) fn counts_failed(self) -> bool {
        self.agency && self.year && self.template && self.region == ALL_LEVELS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_dimension_is_counted_without_its_own_filter() {
        let names = ["乙局".to_string(), "甲局".to_string()];
        let q = Query {
            agencies: vec!["甲局".into(), "不存在".into()],
            years: Some((2020, 2021)),
            template: Some(Template::T2021),
            ..Query::default()
        };
        let rule = FacetRule::new(&q, &names, &Places::new(&names));
        let t21 = template_code(Template::T2021);
        let t19 = template_code(Template::T2019);
        assert!(rule.test(Some(1), Some(2021), t21, false).hit());
        // Wrong agency: not a hit, yet counted in the agency chips.
        let p = rule.test(Some(0), Some(2020), t21, false);
        assert!(!p.hit() && p.counts_agency() && !p.counts_year() && !p.counts_template());
        // No agency and no year known: neither passes a filter on it.
        let p = rule.test(None, None, t21, false);
        assert!(!p.hit() && !p.counts_template());
        let p = rule.test(Some(1), Some(2022), t19, false);
        assert!(!p.counts_agency() && !p.counts_year() && !p.counts_template());
        // No filters: everything passes, unknown agency and year included.
        assert!(
            FacetRule::new(&Query::default(), &names, &Places::new(&names))
                .test(None, None, t19, false)
                .hit()
        );
    }

    #[test]
    fn regions_by_level_and_failed_checks() {
        let names: Vec<String> = [
            "宁夏回族自治区中卫市沙坡头区财政局",
            "宁夏回族自治区中卫市工业和信息化局",
            "宁夏回族自治区银川市工业和信息化局",
            "公共资源交易中心",
        ]
        .map(String::from)
        .to_vec();
        let places = Places::new(&names);
        assert_eq!(places.names[0], ["宁夏回族自治区"]);
        assert_eq!(places.names[1], ["中卫市", "银川市"]);
        assert_eq!(places.names[2], ["沙坡头区"]);
        let region = |level, name: &str| Region {
            level,
            name: name.into(),
        };
        let q = Query {
            regions: vec![region(Level::City, "中卫市"), region(Level::City, "银川市")],
            failed_only: true,
            ..Query::default()
        };
        let rule = FacetRule::new(&q, &names, &places);
        let t = template_code(Template::T2021);
        // Either city of the level; and a failed check.
        assert!(rule.test(Some(0), None, t, true).hit());
        assert!(rule.test(Some(2), None, t, true).hit());
        assert!(!rule.test(Some(1), None, t, false).hit());
        // No place in the name, or no agency: not in a city.
        let p = rule.test(Some(3), None, t, true);
        assert!(!p.hit() && !p.counts_agency() && p.counts_level(1) && !p.counts_level(0));
        assert!(!rule.test(None, None, t, true).hit());
        // Counted for failed checks whatever it failed, for the city level whatever its city.
        let p = rule.test(Some(1), None, t, false);
        assert!(p.counts_failed() && !p.counts_year());
        // City and county together: both must hold.
        let q = Query {
            regions: vec![
                region(Level::City, "中卫市"),
                region(Level::County, "沙坡头区"),
            ],
            ..Query::default()
        };
        let rule = FacetRule::new(&q, &names, &places);
        assert!(rule.test(Some(0), None, t, false).hit());
        assert!(!rule.test(Some(1), None, t, false).hit());
        // Counts per place, each level without its own filter.
        let mut counts = places.zero_counts();
        for a in 0..4 {
            places.count(&mut counts, Some(a), rule.test(Some(a), None, t, false));
        }
        let facets = places.facets(&counts);
        let n = |name: &str| facets.iter().find(|(r, _)| r.name == name).map(|f| f.1);
        // The county level is counted under the city filter: the Zhongwei bureau has no county.
        assert_eq!(n("沙坡头区"), Some(1));
        assert_eq!((n("中卫市"), n("银川市")), (Some(1), None));
        assert_eq!(n("宁夏回族自治区"), Some(1));
    }
}
