//! The filters overlay (Tab): the agency picker, regions, years, templates and "has failed
//! checks", each value with its count of hits; the lists are worked out when the agency box or
//! the search results change.

use super::{Env, Handler, Outcome};
use crate::index::{Region, SearchResults, Stage};
use crate::report::Template;
use crate::tui::input::TextInput;
use crate::tui::keys::{Action, Ctx};

/// Agencies listed in the picker before anything is typed.
const AGENCY_LIST_MAX: usize = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterPane {
    Agency,
    Region,
    Year,
    /// The templates, then "has failed checks".
    Template,
}

pub struct State {
    pub pane: FilterPane,
    pub agency_input: TextInput,
    pub agency_cursor: usize,
    pub region_cursor: usize,
    pub year_cursor: usize,
    pub template_cursor: usize,
    /// What each list offers, with the hits choosing it would give.
    pub agencies: Vec<(String, u64)>,
    pub years: Vec<(i32, u64)>,
    pub templates: Vec<(Template, u64)>,
    /// Provinces, cities, counties (as the agencies' names state them).
    pub regions: Vec<(Region, u64)>,
    /// Hits with a failed check.
    pub failed: u64,
    /// The results shown are the first hits of a new query: its counts are on their way, and
    /// the lists' counts (the previous query's) are not shown as this query's.
    pub counting: bool,
}

impl State {
    pub fn new(env: &Env, results: Option<&SearchResults>) -> State {
        let mut s = State {
            pane: FilterPane::Agency,
            agency_input: TextInput::default(),
            agency_cursor: 0,
            region_cursor: 0,
            year_cursor: 0,
            template_cursor: 0,
            agencies: Vec::new(),
            years: Vec::new(),
            templates: Vec::new(),
            regions: Vec::new(),
            failed: 0,
            counting: false,
        };
        s.refresh(env, results);
        s
    }

    /// The lists for the agency box as it is now and the latest results (their facet counts).
    pub fn refresh(&mut self, env: &Env, results: Option<&SearchResults>) {
        // First hits carry no counts: keep the lists until the complete search brings them.
        self.counting = results.is_some_and(|r| r.stage != Stage::Complete);
        if self.counting {
            return;
        }
        self.agencies = agencies(env, results, &self.agency_input.text);
        self.years = results.map(|r| r.facets.years.clone()).unwrap_or_default();
        self.regions = results
            .map(|r| r.facets.regions.clone())
            .unwrap_or_default();
        // A chosen region stays listed (to be unchosen) even when the other filters leave it
        // no hits.
        for r in &env.query.regions {
            if !self.regions.iter().any(|(x, _)| x == r) {
                self.regions.push((r.clone(), 0));
            }
        }
        self.region_cursor = self.region_cursor.min(self.regions.len().saturating_sub(1));
        self.failed = results.map_or(0, |r| r.facets.failed);
        let counts = results.map_or(&[][..], |r| &r.facets.templates[..]);
        self.templates = [Template::T2021, Template::T2019, Template::Free]
            .into_iter()
            .map(|t| (t, counts.iter().find(|c| c.0 == t).map_or(0, |c| c.1)))
            .collect();
    }
}

impl State {
    /// A count as the lists show it: none while the query's counts are being made.
    pub fn shown(&self, n: u64) -> Option<u64> {
        (!self.counting).then_some(n)
    }
}

/// The agencies the picker offers for `input`, with their hits.
fn agencies(env: &Env, results: Option<&SearchResults>, input: &str) -> Vec<(String, u64)> {
    let Some(counts) = results.map(|r| &r.facets.agencies) else {
        return Vec::new();
    };
    if input.trim().is_empty() {
        // With nothing typed, the agencies with hits, most first; beyond a screenful of
        // pages, typing narrows faster than scrolling.
        return counts
            .top(AGENCY_LIST_MAX)
            .into_iter()
            .map(|(n, c)| (n.to_string(), c))
            .collect();
    }
    match env.backend {
        Some(b) => b
            .resolve_agency(input)
            .into_iter()
            .map(|n| {
                let c = counts.count(&n);
                (n, c)
            })
            .collect(),
        None => Vec::new(),
    }
}

impl Handler for State {
    fn ctx(&self) -> Ctx {
        if self.pane == FilterPane::Agency {
            Ctx::FilterInput
        } else {
            Ctx::FilterList
        }
    }

    fn handle(&mut self, a: Action, env: &Env) -> Vec<Outcome> {
        let pane = self.pane;
        let (len, cur) = match pane {
            FilterPane::Agency => (self.agencies.len(), self.agency_cursor),
            FilterPane::Region => (self.regions.len(), self.region_cursor),
            FilterPane::Year => (self.years.len(), self.year_cursor),
            FilterPane::Template => (self.templates.len() + 1, self.template_cursor),
        };
        let mut new_cur = cur;
        let mut q = env.query.clone();
        let mut changed = false;
        match a {
            Action::Down => new_cur = (cur + 1).min(len.saturating_sub(1)),
            Action::Up => new_cur = cur.saturating_sub(1),
            Action::SwitchFocus | Action::SwitchFocusBack => {
                let fwd = a == Action::SwitchFocus;
                const ORDER: [FilterPane; 4] = [
                    FilterPane::Agency,
                    FilterPane::Region,
                    FilterPane::Year,
                    FilterPane::Template,
                ];
                let i = ORDER.iter().position(|p| *p == pane).unwrap_or(0);
                self.pane = ORDER[if fwd { i + 1 } else { i + ORDER.len() - 1 } % ORDER.len()];
                return Vec::new();
            }
            Action::ClearFilter => {
                match pane {
                    FilterPane::Agency => q.agencies.clear(),
                    FilterPane::Region => q.regions.clear(),
                    FilterPane::Year => q.years = None,
                    FilterPane::Template if cur == self.templates.len() => q.failed_only = false,
                    FilterPane::Template => q.template = None,
                }
                changed = true;
            }
            Action::Open => match pane {
                FilterPane::Agency => {
                    if let Some((name, _)) = self.agencies.get(cur) {
                        match q.agencies.iter().position(|x| x == name) {
                            Some(i) => {
                                q.agencies.remove(i);
                            }
                            None => q.agencies.push(name.clone()),
                        }
                        changed = true;
                    }
                }
                FilterPane::Region => {
                    if let Some((r, _)) = self.regions.get(cur) {
                        match q.regions.iter().position(|x| x == r) {
                            Some(i) => {
                                q.regions.remove(i);
                            }
                            None => q.regions.push(r.clone()),
                        }
                        changed = true;
                    }
                }
                FilterPane::Template if cur == self.templates.len() => {
                    q.failed_only = !q.failed_only;
                    changed = true;
                }
                FilterPane::Year => {
                    if let Some(&(y, _)) = self.years.get(cur) {
                        q.years = if q.years == Some((y, y)) {
                            None
                        } else {
                            Some((y, y))
                        };
                        changed = true;
                    }
                }
                FilterPane::Template => {
                    if let Some(&(t, _)) = self.templates.get(cur) {
                        q.template = if q.template == Some(t) { None } else { Some(t) };
                        changed = true;
                    }
                }
            },
            Action::ExtendRange if pane == FilterPane::Year => {
                if let Some(&(y, _)) = self.years.get(cur) {
                    q.years = Some(match q.years {
                        Some((a, b)) => (a.min(y), b.max(y)),
                        None => (y, y),
                    });
                    changed = true;
                }
            }
            _ => {}
        }
        match pane {
            FilterPane::Agency => self.agency_cursor = new_cur,
            FilterPane::Region => self.region_cursor = new_cur,
            FilterPane::Year => self.year_cursor = new_cur,
            FilterPane::Template => self.template_cursor = new_cur,
        }
        if changed {
            vec![Outcome::Query(q)]
        } else {
            Vec::new()
        }
    }

    fn input(&mut self) -> Option<&mut TextInput> {
        (self.pane == FilterPane::Agency).then_some(&mut self.agency_input)
    }

    fn edited(&mut self, _env: &Env) -> Vec<Outcome> {
        self.agency_cursor = 0;
        // The list follows the box: the browser refreshes it with the results it holds.
        vec![Outcome::RefreshFilters]
    }
}
