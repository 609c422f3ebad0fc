//! The one filter rule of a query (agencies, a year range, a template), applied by both engines,
//! and which facet counts a report enters.
//!
//! The tantivy engine applies it to the catalog's codes in its collector and the in-memory
//! engine to each report: both ask [`FacetRule::test`], so a chip means the same in both.

use super::Query;
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

/// A query's filters, as codes an engine can test a report against without comparing names.
#[derive(Debug, Clone, Default)]
pub(crate) struct FacetRule {
    /// By agency id (position in the engine's sorted agency names); `None`: any agency.
    pub(crate) agencies: Option<Vec<bool>>,
    /// Inclusive.
    pub(crate) years: Option<(i32, i32)>,
    pub(crate) template: Option<u8>,
}

impl FacetRule {
    /// The rule of `q` over an engine whose agencies are `names`, sorted.
    pub(crate) fn new(q: &Query, names: &[String]) -> FacetRule {
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
        FacetRule {
            agencies,
            years: q.years,
            template: q.template.map(template_code),
        }
    }

    /// Which filters a report passes: its agency id (`None`: no agency known), year and
    /// template code.
    #[inline]
    pub(crate) fn test(&self, agency: Option<u32>, year: Option<i32>, template: u8) -> Pass {
        Pass {
            agency: self.agencies.as_ref().is_none_or(|v| {
                agency.is_some_and(|a| v.get(a as usize).copied().unwrap_or(false))
            }),
            year: self
                .years
                .is_none_or(|(lo, hi)| year.is_some_and(|y| lo <= y && y <= hi)),
            template: self.template.is_none_or(|t| t == template),
        }
    }
}

/// What [`FacetRule::test`] found for one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pass {
    agency: bool,
    year: bool,
    template: bool,
}

impl Pass {
    /// Every filter passes: the report is a hit.
    pub(crate) fn hit(self) -> bool {
        self.agency && self.year && self.template
    }

    /// Each dimension is counted with the other filters applied but not its own, so a chip
    /// shows what choosing it would give.
    pub(crate) fn counts_agency(self) -> bool {
        self.year && self.template
    }

    pub(crate) fn counts_year(self) -> bool {
        self.agency && self.template
    }

    pub(crate) fn counts_template(self) -> bool {
        self.agency && self.year
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
        let rule = FacetRule::new(&q, &names);
        let t21 = template_code(Template::T2021);
        let t19 = template_code(Template::T2019);
        assert!(rule.test(Some(1), Some(2021), t21).hit());
        // Wrong agency: not a hit, yet counted in the agency chips.
        let p = rule.test(Some(0), Some(2020), t21);
        assert!(!p.hit() && p.counts_agency() && !p.counts_year() && !p.counts_template());
        // No agency and no year known: neither passes a filter on it.
        let p = rule.test(None, None, t21);
        assert!(!p.hit() && !p.counts_template());
        let p = rule.test(Some(1), Some(2022), t19);
        assert!(!p.counts_agency() && !p.counts_year() && !p.counts_template());
        // No filters: everything passes, unknown agency and year included.
        assert!(FacetRule::new(&Query::default(), &names)
            .test(None, None, t19)
            .hit());
    }
}
