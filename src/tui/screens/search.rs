//! The search screen: the query line, the filter chips and the hit list with snippets and a
//! preview; the base of the browser, under every other screen.

use super::{Env, Handler, Outcome};
use crate::index::{Query, SearchResults, Stage};
use crate::output::grid::width;
use crate::tui::i18n::Lang;
use crate::tui::input::TextInput;
use crate::tui::keys::{Action, Ctx};
use crate::tui::layout;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchFocus {
    Query,
    Results,
}

pub struct State {
    pub input: TextInput,
    pub focus: SearchFocus,
    pub results: Option<SearchResults>,
    pub selected: usize,
    /// Generation of the newest request; results of any other generation are stale.
    pub generation: u64,
    /// A request is out and its results not in yet.
    pub searching: bool,
    pub error: Option<String>,
    /// The outstanding request only asks for more of the same hits: keep the selection.
    pub more: bool,
    /// The outstanding request re-runs the same search on a new engine (after a background
    /// update): select this hit (by path) again if it is still found.
    pub keep: Option<String>,
    /// Recalling queries: (position in the history, the query typed before the recall).
    pub recall: Option<(usize, String)>,
}

impl Default for State {
    fn default() -> State {
        State {
            input: TextInput::default(),
            focus: SearchFocus::Query,
            results: None,
            selected: 0,
            generation: 0,
            searching: false,
            error: None,
            more: false,
            keep: None,
            recall: None,
        }
    }
}

impl State {
    pub fn hit_count(&self) -> usize {
        self.results.as_ref().map_or(0, |r| r.hits.len())
    }

    /// The answer to request `generation`; `false` when it is stale (the user has typed
    /// since, and newer results are on their way).
    pub fn receive(&mut self, generation: u64, results: Result<SearchResults, String>) -> bool {
        if generation != self.generation {
            return false;
        }
        // First hits: the complete search of the same query follows.
        let first = matches!(&results, Ok(r) if r.stage != Stage::Complete);
        let after_first = self
            .results
            .as_ref()
            .is_some_and(|r| r.stage != Stage::Complete);
        self.searching = first;
        match results {
            Ok(r) => {
                self.error = None;
                // A hit moved to while the first hits were shown stays chosen when the
                // complete search (the same query) ranks them anew.
                let moved_to = after_first && !first && self.selected > 0;
                let moved_to = moved_to
                    .then(|| self.results.as_ref()?.hits.get(self.selected))
                    .flatten()
                    .map(|h| h.path.clone());
                if let Some(path) = moved_to.or_else(|| self.keep.take()) {
                    self.selected = r.hits.iter().position(|h| h.path == path).unwrap_or(0);
                } else if !self.more {
                    self.selected = 0;
                }
                self.selected = self.selected.min(r.hits.len().saturating_sub(1));
                self.results = Some(r);
                self.more = false;
            }
            Err(e) => {
                // Never the previous query's hits under this query's error.
                self.error = Some(e);
                self.results = None;
                self.selected = 0;
                self.more = false;
            }
        }
        true
    }

    fn move_hit(&mut self, delta: isize) -> Vec<Outcome> {
        let n = self.hit_count();
        if n == 0 {
            return Vec::new();
        }
        let s = self.selected as isize + delta;
        self.selected = s.clamp(0, n as isize - 1) as usize;
        vec![Outcome::MoreHits]
    }

    /// Ctrl-P (or ↑ in an empty query): the query before the one shown.
    fn history_prev(&mut self, env: &Env) -> Vec<Outcome> {
        let queries = &env.history.queries;
        let n = queries.len();
        let text = self.input.text.clone();
        let pos = match &self.recall {
            Some((p, _)) => p.checked_sub(1),
            // The newest entry may be what is typed already.
            None if queries.last() == Some(&text) => n.checked_sub(2),
            None => n.checked_sub(1),
        };
        let Some(pos) = pos else {
            return vec![Outcome::Status(env.lang.t().no_earlier_query.into())];
        };
        let draft = self.recall.take().map_or(text, |r| r.1);
        self.input = TextInput::new(&queries[pos]);
        self.recall = Some((pos, draft));
        vec![Outcome::Search]
    }

    /// Ctrl-N: the query after the one shown; past the newest, what was typed before.
    fn history_next(&mut self, env: &Env) -> Vec<Outcome> {
        let Some((pos, draft)) = self.recall.take() else {
            return Vec::new();
        };
        let queries = &env.history.queries;
        if pos + 1 < queries.len() {
            self.input = TextInput::new(&queries[pos + 1]);
            self.recall = Some((pos + 1, draft));
        } else {
            self.input = TextInput::new(&draft);
        }
        vec![Outcome::Search]
    }
}

impl Handler for State {
    fn ctx(&self) -> Ctx {
        match self.focus {
            SearchFocus::Query => Ctx::Query,
            SearchFocus::Results => Ctx::Results,
        }
    }

    fn handle(&mut self, a: Action, env: &Env) -> Vec<Outcome> {
        let page = layout::hits_per_page(env.area) as isize;
        let in_query = self.focus == SearchFocus::Query;
        let recalling = self.recall.is_some();
        match a {
            Action::FocusResults => self.focus = SearchFocus::Results,
            Action::FocusQuery => self.focus = SearchFocus::Query,
            Action::HistoryPrev => return self.history_prev(env),
            Action::HistoryNext => return self.history_next(env),
            // ↑ in an empty query (or while recalling) walks the history, as in a shell.
            Action::Up if in_query && (recalling || self.input.text.trim().is_empty()) => {
                return self.history_prev(env)
            }
            Action::Down if in_query && recalling => return self.history_next(env),
            Action::Down => return self.move_hit(1),
            Action::Up => return self.move_hit(-1),
            Action::PageDown => return self.move_hit(page),
            Action::PageUp => return self.move_hit(-page),
            Action::Home => self.selected = 0,
            Action::End => return self.move_hit(isize::MAX / 2),
            // Every report the query and chips select, written off the UI thread
            // (`tui::export`).
            Action::Export if env.backend.is_none() => {
                return vec![Outcome::Status("the index is not ready yet".into())];
            }
            Action::Export => return vec![Outcome::Export],
            Action::Tally if env.backend.is_none() => {
                return vec![Outcome::Status("the index is not ready yet".into())];
            }
            Action::Tally => {
                let st = super::tally::State::new(env.query);
                return vec![
                    Outcome::Push(super::Screen::Tally(Box::new(st))),
                    Outcome::Tally,
                ];
            }
            Action::Open => {
                let results = self.results.as_ref();
                if let Some((r, h)) = results.and_then(|r| Some((r, r.hits.get(self.selected)?))) {
                    return vec![Outcome::Open {
                        path: h.path.clone(),
                        query: self.input.text.clone(),
                        clauses: r.clauses.clone(),
                    }];
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn input(&mut self) -> Option<&mut TextInput> {
        (self.focus == SearchFocus::Query).then_some(&mut self.input)
    }

    fn edited(&mut self, _env: &Env) -> Vec<Outcome> {
        // Typing ends a recall: the text is the user's own again.
        self.recall = None;
        vec![Outcome::Search]
    }

    fn mouse(&mut self, m: MouseEvent, env: &Env) -> Vec<Outcome> {
        if m.kind != MouseEventKind::Down(MouseButton::Left) {
            return Vec::new();
        }
        let (x, y) = (m.column, m.row);
        let inside = |r: Rect| x >= r.x && x < r.right() && y >= r.y && y < r.bottom();
        let l = layout::search(env.area);
        if inside(l.query) {
            self.focus = SearchFocus::Query;
        } else if inside(l.chips) {
            let hit = chips(env.query, env.lang)
                .into_iter()
                .find(|(_, s, at)| x >= *at && x < at + width(s) as u16);
            if let Some((chip, _, _)) = hit {
                let mut q = env.query.clone();
                if remove_chip(&mut q, chip) {
                    return vec![Outcome::Query(q)];
                }
            }
        } else if inside(l.list) {
            let per = layout::hits_per_page(env.area);
            let i =
                list_offset(self.selected, per) + ((y - l.list.y) / layout::HIT_HEIGHT) as usize;
            if i < self.hit_count() {
                if i == self.selected {
                    return self.handle(Action::Open, env);
                }
                self.selected = i;
            }
        }
        Vec::new()
    }
}

/// First hit shown when `selected` is selected: the list scrolls a page at a time.
pub fn list_offset(selected: usize, per_page: usize) -> usize {
    let per_page = per_page.max(1);
    selected / per_page * per_page
}

/// One removable filter chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chip {
    Agency(usize),
    Years,
    Template,
    Region(usize),
    Failed,
}

/// The chips of `q` in display order, with their text and starting column.
pub fn chips(q: &Query, lang: Lang) -> Vec<(Chip, String, u16)> {
    let t = lang.t();
    let mut out = Vec::new();
    for (i, a) in q.agencies.iter().enumerate() {
        out.push((Chip::Agency(i), format!("[{}:{a} ×]", t.chip_agency)));
    }
    if let Some((a, b)) = q.years {
        let y = if a == b {
            a.to_string()
        } else {
            format!("{a}–{b}")
        };
        out.push((Chip::Years, format!("[{}:{y} ×]", t.chip_year)));
    }
    if let Some(tpl) = q.template {
        let name = lang.template(tpl);
        out.push((Chip::Template, format!("[{}:{name} ×]", t.chip_template)));
    }
    for (i, r) in q.regions.iter().enumerate() {
        out.push((Chip::Region(i), format!("[{}:{} ×]", t.chip_region, r.name)));
    }
    if q.failed_only {
        out.push((Chip::Failed, format!("[{} ×]", t.failed_checks)));
    }
    let mut x = width(t.chips_prefix) as u16;
    out.into_iter()
        .map(|(c, s)| {
            let at = x;
            x += width(&s) as u16 + 1;
            (c, s, at)
        })
        .collect()
}

/// Takes the filter of `chip` off `q`; `false` when `q` has no such chip.
pub fn remove_chip(q: &mut Query, chip: Chip) -> bool {
    match chip {
        Chip::Agency(i) if i < q.agencies.len() => {
            q.agencies.remove(i);
        }
        Chip::Agency(_) => return false,
        Chip::Years => q.years = None,
        Chip::Template => q.template = None,
        Chip::Region(i) if i < q.regions.len() => {
            q.regions.remove(i);
        }
        Chip::Region(_) => return false,
        Chip::Failed => q.failed_only = false,
    }
    true
}
