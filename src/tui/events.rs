//! Turning input and engine messages into changes of the browser's state (the only writer of it).

use super::keys::{self, Action, Ctx};
use super::layout;
use super::screens::{filters, goto, help, Copying, Env, Outcome};
use super::state::*;
use super::worker::{EngineMsg, Request};
use crate::output::export;
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

/// The read-only part of the browser a screen sees, borrowed field by field so that a screen
/// of the same `App` can be borrowed mutably beside it.
macro_rules! env {
    ($app:expr) => {
        Env {
            area: Rect::new(0, 0, $app.size.0, $app.size.1),
            lang: $app.lang,
            backend: match &$app.engine {
                Engine::Ready(b) => Some(&**b),
                _ => None,
            },
            history: &$app.history,
            query: &$app.query,
            copy: Copying {
                format: $app.copy_format,
                header: $app.copy_header,
                csv_bom: $app.csv_bom,
            },
        }
    };
}

/// Everything the browser reacts to.
#[derive(Debug)]
pub enum AppEvent {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    Engine(EngineMsg),
}

impl App {
    fn area(&self) -> Rect {
        Rect::new(0, 0, self.size.0, self.size.1)
    }

    pub fn handle(&mut self, ev: AppEvent) {
        match ev {
            AppEvent::Key(k) => self.on_key(k),
            AppEvent::Mouse(m) => self.on_mouse(m),
            AppEvent::Paste(s) => self.paste(&s),
            AppEvent::Resize(w, h) => {
                self.size = (w, h);
                self.fit_all_tables();
            }
            AppEvent::Engine(m) => self.on_engine(m),
        }
    }

    fn on_key(&mut self, k: KeyEvent) {
        if k.kind == KeyEventKind::Release {
            return;
        }
        let ctx = self.ctx();
        if let Some(a) = keys::lookup(ctx, &k) {
            // A fresh action replaces the last message.
            if !matches!(a, Action::Copy | Action::CopyTable | Action::CopySection) {
                self.status = None;
            }
            self.act(a);
            return;
        }
        if ctx.types_text() {
            self.edit(k);
        }
    }

    /// A paste is text, never keys: its line breaks become spaces and a trailing one is dropped
    /// (so a copied line ending in a newline does not open a report). In the hit list it goes
    /// to the query, as typing there would after `/`.
    fn paste(&mut self, s: &str) {
        let text: String = s
            .replace("\r\n", "\n")
            .trim_end()
            .chars()
            .map(|c| {
                if c == '\n' || c == '\r' || c == '\t' {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        if self.ctx() == Ctx::Results {
            self.search.focus = SearchFocus::Query;
        }
        if let Some(input) = self.text_input() {
            input.insert_str(&text);
            self.after_edit();
        }
    }

    /// The text box that has the focus, if any.
    fn text_input(&mut self) -> Option<&mut TextInput> {
        if self.overlay.is_some() {
            return self.overlay.as_mut().and_then(|o| o.handler_mut().input());
        }
        match self.ctx() {
            Ctx::Query => Some(&mut self.search.input),
            Ctx::ReportFind => match self.screens.last_mut() {
                Some(Screen::Report(r)) => r.find.as_mut().map(|f| &mut f.input),
                _ => None,
            },
            _ => None,
        }
    }

    /// A printable key in a text box: typed. Editing keys are actions of the key table.
    fn edit(&mut self, k: KeyEvent) {
        let Some(input) = self.text_input() else {
            return;
        };
        if let KeyCode::Char(c) = k.code {
            if !k
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
            {
                input.insert(c);
                self.after_edit();
            }
        }
    }

    /// The shell-prompt editing keys of every text box. `true` when `a` was one of them.
    fn act_text(&mut self, a: Action) -> bool {
        let Some(input) = self.text_input() else {
            return false;
        };
        let changed = match a {
            Action::LineStart => {
                input.home();
                false
            }
            Action::LineEnd => {
                input.end();
                false
            }
            Action::CharLeft => {
                input.left();
                false
            }
            Action::CharRight => {
                input.right();
                false
            }
            Action::WordLeft => {
                input.word_left();
                false
            }
            Action::WordRight => {
                input.word_right();
                false
            }
            Action::DeleteBack => input.backspace(),
            Action::DeleteForward => input.delete(),
            Action::KillWord => input.kill_word(),
            Action::KillStart => input.kill_start(),
            Action::KillEnd => input.kill_end(),
            _ => return false,
        };
        if changed {
            self.after_edit();
        }
        true
    }

    fn after_edit(&mut self) {
        if self.ctx() == Ctx::ReportFind {
            self.find_in_report();
            return;
        }
        if let Some(o) = &mut self.overlay {
            let out = o.handler_mut().edited(&env!(self));
            self.apply(out);
            return;
        }
        // Typing ends a recall: the text is the user's own again.
        self.recall = None;
        self.request_search()
    }

    /// Does what a screen asked for.
    fn apply(&mut self, out: Vec<Outcome>) {
        for o in out {
            match o {
                Outcome::Status(s) => self.status = Some(s),
                Outcome::ClearStatus => self.status = None,
                Outcome::Effect(e) => self.effects.push(e),
                Outcome::Push(s) => self.screens.push(s),
                Outcome::Replace(s) => match self.screens.last_mut() {
                    Some(top) => *top = s,
                    None => self.screens.push(s),
                },
                Outcome::Pop => {
                    self.screens.pop();
                }
                Outcome::Close => self.overlay = None,
                Outcome::Open { path, query } => {
                    if let Err(e) = self.open_report(&path, &query) {
                        self.status = Some(e);
                    }
                }
                Outcome::OpenPlace(p) => self.open_place(&p),
                Outcome::Goto { name, year } => match self.goto_exact(&name, year) {
                    Ok(()) => self.overlay = None,
                    Err(e) => {
                        if let Some(Overlay::Goto(g)) = &mut self.overlay {
                            g.error = Some(e);
                        }
                    }
                },
                Outcome::Query(q) => {
                    self.query = q;
                    self.request_search();
                }
                Outcome::DeleteBookmark(i) => {
                    if i < self.history.bookmarks.len() {
                        self.history.bookmarks.remove(i);
                        self.save_history();
                    }
                }
                Outcome::RefreshFilters => self.refresh_overlay(),
            }
        }
    }

    /// The lists of an open filters or go-to overlay, worked out again for the results and
    /// the engine the browser has now.
    fn refresh_overlay(&mut self) {
        match &mut self.overlay {
            Some(Overlay::Filters(p)) => p.refresh(&env!(self), self.search.results.as_ref()),
            Some(Overlay::Goto(g)) => g.refresh(&env!(self)),
            _ => {}
        }
    }

    /// A bookmark: its report above whatever is shown (Esc comes back), then its table.
    fn open_place(&mut self, p: &crate::tui::history::Place) {
        if let Err(e) = self.open_report(&p.path, "") {
            self.status = Some(e);
            return;
        }
        if let Some(id) = &p.table {
            if let Some(Screen::Report(r)) = self.screens.last() {
                if let Some(t) = r.report.tables.iter().find(|t| &t.id == id) {
                    let ts = TableState::new(&r.report, t);
                    self.screens.push(Screen::Table(Box::new(ts)));
                }
            }
        }
    }

    /// Ctrl-P (or ↑ in an empty query): the query before the one shown.
    fn history_prev(&mut self) {
        let n = self.history.queries.len();
        let text = self.search.input.text.clone();
        let pos = match &self.recall {
            Some((p, _)) => p.checked_sub(1),
            // The newest entry may be what is typed already.
            None if self.history.queries.last() == Some(&text) => n.checked_sub(2),
            None => n.checked_sub(1),
        };
        let Some(pos) = pos else {
            self.status = Some(self.lang.t().no_earlier_query.into());
            return;
        };
        let draft = self.recall.take().map_or(text, |r| r.1);
        self.search.input = TextInput::new(&self.history.queries[pos]);
        self.recall = Some((pos, draft));
        self.request_search();
    }

    /// Ctrl-N: the query after the one shown; past the newest, what was typed before.
    fn history_next(&mut self) {
        let Some((pos, draft)) = self.recall.take() else {
            return;
        };
        if pos + 1 < self.history.queries.len() {
            self.search.input = TextInput::new(&self.history.queries[pos + 1]);
            self.recall = Some((pos + 1, draft));
        } else {
            self.search.input = TextInput::new(&draft);
        }
        self.request_search();
    }

    /// Sends the query and filters to the worker under a new generation.
    pub fn request_search(&mut self) {
        self.query.limit = self.first_limit();
        self.search.more = false;
        self.search.keep = None;
        self.send_search();
    }

    /// Two pages of hits: snippets cost about half a millisecond a hit on a large corpus.
    fn first_limit(&self) -> usize {
        (2 * layout::hits_per_page(self.area())).max(HIT_LIMIT)
    }

    /// The same search again on a new engine, keeping the selected hit if it is still found.
    fn refresh_search(&mut self) {
        let (keep, fetched) = match &self.search.results {
            Some(r) => (
                r.hits.get(self.search.selected).map(|h| h.path.clone()),
                r.hits.len(),
            ),
            None => (None, 0),
        };
        // As many hits as were fetched, so a hit the user scrolled down to is still among them.
        self.query.limit = self.first_limit().max(fetched);
        self.search.more = false;
        self.search.keep = keep;
        self.send_search();
    }

    fn send_search(&mut self) {
        self.search.generation += 1;
        self.search.searching = true;
        self.query.text.clone_from(&self.search.input.text);
        self.effects.push(Effect::Search(Request {
            generation: self.search.generation,
            query: self.query.clone(),
        }));
    }

    /// Near the end of the hits fetched so far: ask for twice as many, same query.
    fn more_hits(&mut self) {
        let Some(r) = &self.search.results else {
            return;
        };
        let page = layout::hits_per_page(self.area());
        let near_end = self.search.selected + 2 * page >= r.hits.len();
        if near_end && r.total > r.hits.len() && !self.search.searching {
            self.query.limit = r.hits.len().max(HIT_LIMIT) * 2;
            self.search.more = true;
            self.send_search();
        }
    }

    fn on_engine(&mut self, m: EngineMsg) {
        match m {
            EngineMsg::Progress { done, total } => self.engine = Engine::Loading { done, total },
            EngineMsg::LoadFailed(e) => self.engine = Engine::Failed(e),
            EngineMsg::Updating { done, total } => self.updating = Some((done, total)),
            EngineMsg::Updated(r) => {
                self.updating = None;
                match r {
                    Ok(true) => {
                        self.status = Some(match self.lang {
                            crate::tui::i18n::Lang::Zh => "索引已按语料更新".into(),
                            crate::tui::i18n::Lang::En => "index updated from the corpus".into(),
                        })
                    }
                    Ok(false) => {}
                    Err(e) => self.status = Some(format!("index not updated: {e}")),
                }
            }
            EngineMsg::Ready(b) => {
                let first = !matches!(self.engine, Engine::Ready(_));
                self.engine = Engine::Ready(b);
                // A new engine (after an update) may give other results: ask again.
                if !first {
                    self.refresh_search();
                } else if !self.search.searching {
                    self.request_search();
                }
                self.refresh_overlay();
                if let Some((agency, year)) = self.pending_open.take() {
                    self.open_named(&agency, year);
                }
            }
            EngineMsg::Results {
                generation,
                results,
            } => {
                // Stale: the user has typed since; the newer results are on their way.
                if generation != self.search.generation {
                    return;
                }
                self.search.searching = false;
                match results {
                    Ok(r) => {
                        self.search.error = None;
                        if let Some(path) = self.search.keep.take() {
                            self.search.selected =
                                r.hits.iter().position(|h| h.path == path).unwrap_or(0);
                        } else if !self.search.more {
                            self.search.selected = 0;
                        }
                        self.search.selected =
                            self.search.selected.min(r.hits.len().saturating_sub(1));
                        self.search.results = Some(r);
                        self.search.more = false;
                    }
                    Err(e) => {
                        // Never the previous query's hits under this query's error.
                        self.search.error = Some(e);
                        self.search.results = None;
                        self.search.selected = 0;
                        self.search.more = false;
                    }
                }
                self.refresh_overlay();
            }
        }
    }

    fn hit_count(&self) -> usize {
        self.search.results.as_ref().map_or(0, |r| r.hits.len())
    }

    fn move_hit(&mut self, delta: isize) {
        let n = self.hit_count();
        if n == 0 {
            return;
        }
        let s = self.search.selected as isize + delta;
        self.search.selected = s.clamp(0, n as isize - 1) as usize;
        self.more_hits();
    }

    fn act(&mut self, a: Action) {
        let ctx = self.ctx();
        if ctx.types_text() && self.act_text(a) {
            return;
        }
        match a {
            Action::ForceQuit | Action::Quit => self.quit = true,
            Action::Help => self.overlay = Some(Overlay::Help(help::State::new(ctx))),
            Action::Back => self.back(),
            Action::FocusResults => self.search.focus = SearchFocus::Results,
            Action::FocusQuery => self.search.focus = SearchFocus::Query,
            Action::Filters => {
                let p = filters::State::new(&env!(self), self.search.results.as_ref());
                self.overlay = Some(Overlay::Filters(p));
            }
            Action::Goto => self.overlay = Some(Overlay::Goto(goto::State::new("", &env!(self)))),
            Action::Bookmarks => self.overlay = Some(Overlay::Bookmarks(Default::default())),
            Action::Bookmark => self.toggle_bookmark(),
            Action::RemoveChip => {
                if let Some((chip, _, _)) = self.chips().last() {
                    self.remove_chip(*chip);
                }
            }
            Action::CycleFormat => {
                self.copy_format = self.copy_format.next();
                self.status = Some(format!("copy format: {}", self.copy_format.name()));
            }
            _ if self.overlay.is_some() => {
                if let Some(o) = &mut self.overlay {
                    let out = o.handler_mut().handle(a, &env!(self));
                    self.apply(out);
                }
            }
            _ => match ctx {
                Ctx::Query | Ctx::Results => self.act_search(a),
                Ctx::Report => self.act_report(a),
                Ctx::ReportFind => self.act_find(a),
                Ctx::Table => self.act_table(a),
                Ctx::Compare => self.act_compare(a),
                Ctx::Help
                | Ctx::Bookmarks
                | Ctx::FilterInput
                | Ctx::FilterList
                | Ctx::Goto
                | Ctx::Global
                | Ctx::TextBox => {}
            },
        }
    }

    fn back(&mut self) {
        if self.overlay.take().is_some() {
            return;
        }
        if let Some(Screen::Table(t)) = self.screens.last_mut() {
            if t.anchor.take().is_some() {
                return;
            }
        }
        // Esc in the `/` prompt cancels the search, not the report.
        if self.ctx() == Ctx::ReportFind {
            self.act_find(Action::Back);
            return;
        }
        self.screens.pop();
    }

    pub fn remove_chip(&mut self, chip: Chip) {
        match chip {
            Chip::Agency(i) if i < self.query.agencies.len() => {
                self.query.agencies.remove(i);
            }
            Chip::Agency(_) => return,
            Chip::Years => self.query.years = None,
            Chip::Template => self.query.template = None,
        }
        self.request_search();
    }

    fn act_search(&mut self, a: Action) {
        let page = layout::hits_per_page(self.area()) as isize;
        let in_query = self.ctx() == Ctx::Query;
        let recalling = self.recall.is_some();
        match a {
            Action::HistoryPrev => self.history_prev(),
            Action::HistoryNext => self.history_next(),
            // ↑ in an empty query (or while recalling) walks the history, as in a shell.
            Action::Up if in_query && (recalling || self.search.input.text.trim().is_empty()) => {
                self.history_prev()
            }
            Action::Down if in_query && recalling => self.history_next(),
            Action::Down => self.move_hit(1),
            Action::Up => self.move_hit(-1),
            Action::PageDown => self.move_hit(page),
            Action::PageUp => self.move_hit(-page),
            Action::Home => self.search.selected = 0,
            Action::End => self.move_hit(isize::MAX / 2),
            Action::Open => {
                let hit = self
                    .search
                    .results
                    .as_ref()
                    .and_then(|r| r.hits.get(self.search.selected))
                    .map(|h| h.path.clone());
                if let Some(path) = hit {
                    let q = self.search.input.text.clone();
                    if let Err(e) = self.open_report(&path, &q) {
                        self.status = Some(e);
                    }
                }
            }
            _ => {}
        }
    }

    /// Loads a report and shows it above the current screen.
    pub fn open_report(&mut self, path: &str, query: &str) -> Result<(), String> {
        let backend = self
            .backend()
            .ok_or("the index is not ready yet; wait for the progress bar to finish")?;
        let report = backend.report(path).map_err(|e| format!("{e:#}"))?;
        self.history.add_query(query);
        self.history.add_report(crate::tui::history::Place {
            path: path.to_string(),
            agency: report.agency.clone().unwrap_or_default(),
            year: report.year,
            table: None,
        });
        self.save_history();
        self.screens
            .push(Screen::Report(Box::new(ReportState::new(report, query))));
        self.fit_report();
        Ok(())
    }

    /// Writes the history; a failure is said once on the status line, never fatal.
    pub fn save_history(&mut self) {
        if let Err(e) = self.history.save() {
            self.status = Some(format!("history not saved: {e}"));
        }
    }

    /// `nianbao open AGENCY [YEAR]` once the engine is ready: one agency opens its report;
    /// several open the go-to prompt listing them, to choose from (never the first by chance).
    fn open_named(&mut self, agency: &str, year: Option<i32>) {
        let cands = match self.backend() {
            // Nothing named: every agency, to choose from.
            Some(b) if agency.trim().is_empty() => {
                b.agencies().into_iter().map(|a| a.name).collect()
            }
            Some(b) => b.resolve_agency(agency),
            None => Vec::new(),
        };
        let result = match cands.as_slice() {
            [] => Err(format!("no agency matches “{agency}”")),
            [name] => self.goto_exact(&name.clone(), year),
            _ => {
                let y = year.map_or(String::new(), |y| format!(" {y}"));
                let g = goto::State::new(&format!("{agency}{y}"), &env!(self));
                self.overlay = Some(Overlay::Goto(g));
                self.status = Some(format!(
                    "“{agency}” matches {} agencies: choose one",
                    cands.len()
                ));
                Ok(())
            }
        };
        if let Err(e) = result {
            self.status = Some(e);
        }
    }

    fn goto_exact(&mut self, name: &str, year: Option<i32>) -> Result<(), String> {
        let backend = self.backend().ok_or("the index is not ready yet")?;
        let years: Vec<i32> = backend
            .agencies()
            .into_iter()
            .find(|a| a.name == name)
            .map(|a| a.years)
            .unwrap_or_default();
        let year = year.or_else(|| years.last().copied());
        let path = backend
            .find(name, year)
            .into_iter()
            .next()
            .map(|r| r.path)
            .ok_or_else(|| {
                let list: Vec<String> = years.iter().map(i32::to_string).collect();
                format!(
                    "{name} has no report for {}; it has: {}",
                    year.map_or("any year".into(), |y| y.to_string()),
                    list.join(", ")
                )
            })?;
        self.open_report(&path, "")
    }

    fn report_text_size(&self) -> (usize, usize) {
        match self.screens.last() {
            Some(Screen::Report(r)) => {
                layout::report_text_inner(self.area(), r.report.tables.len())
            }
            _ => (0, 0),
        }
    }

    /// Makes sure the current match (if any) is in view.
    fn fit_report(&mut self) {
        let (w, h) = self.report_text_size();
        if let Some(Screen::Report(r)) = self.screens.last_mut() {
            if let Some((sec, range)) = r.current_match.and_then(|i| r.matches.get(i)) {
                let lines = layout::wrap(&section_text(&r.report, *sec), w);
                let line = layout::line_of(&lines, range.start);
                if line < r.scroll || line >= r.scroll + h.max(1) {
                    r.scroll = line.saturating_sub(h / 3);
                }
            }
        }
    }

    fn act_report(&mut self, a: Action) {
        let (w, h) = self.report_text_size();
        let lang = self.lang;
        let Some(Screen::Report(r)) = self.screens.last_mut() else {
            return;
        };
        let n_sections = r.report.sections.len().max(1);
        let n_tables = r.report.tables.len();
        let max_scroll = || -> usize {
            layout::wrap(&section_text(&r.report, r.section), w)
                .len()
                .saturating_sub(1)
        };
        match a {
            Action::Down | Action::Up => {
                let down = a == Action::Down;
                match r.focus {
                    ReportFocus::Sections => {
                        let s = if down {
                            (r.section + 1).min(n_sections - 1)
                        } else {
                            r.section.saturating_sub(1)
                        };
                        if s != r.section {
                            r.section = s;
                            r.scroll = 0;
                        }
                    }
                    ReportFocus::Tables => {
                        r.table = if down {
                            (r.table + 1).min(n_tables.saturating_sub(1))
                        } else {
                            r.table.saturating_sub(1)
                        }
                    }
                }
            }
            Action::PageDown => {
                r.scroll = (r.scroll + h.saturating_sub(1).max(1)).min(max_scroll())
            }
            Action::PageUp => r.scroll = r.scroll.saturating_sub(h.saturating_sub(1).max(1)),
            Action::SwitchFocus => {
                r.focus = match r.focus {
                    ReportFocus::Sections if n_tables > 0 => ReportFocus::Tables,
                    _ => ReportFocus::Sections,
                }
            }
            Action::Open => {
                if r.focus == ReportFocus::Tables {
                    if let Some(t) = r.report.tables.get(r.table) {
                        let ts = TableState::new(&r.report, t);
                        self.screens.push(Screen::Table(Box::new(ts)));
                    }
                } else if n_tables > 0 {
                    r.focus = ReportFocus::Tables;
                }
            }
            Action::Find => {
                r.find = Some(FindPrompt {
                    input: TextInput::default(),
                    saved: (
                        r.matches.clone(),
                        r.current_match,
                        r.has_terms,
                        r.section,
                        r.scroll,
                    ),
                });
            }
            Action::NextMatch | Action::PrevMatch => {
                let n = r.matches.len();
                if n == 0 {
                    let t = lang.t();
                    self.status = Some(if !r.has_terms {
                        t.no_terms.into()
                    } else {
                        t.no_matches.into()
                    });
                    return;
                }
                let i = match (r.current_match, a == Action::NextMatch) {
                    (None, true) => 0,
                    (None, false) => n - 1,
                    (Some(i), true) => (i + 1) % n,
                    (Some(i), false) => (i + n - 1) % n,
                };
                r.current_match = Some(i);
                if r.section != r.matches[i].0 {
                    r.section = r.matches[i].0;
                    r.scroll = 0;
                }
                self.status = Some(crate::tui::i18n::fill(
                    lang.t().match_of,
                    &[("i", &(i + 1)), ("n", &n)],
                ));
                self.fit_report();
            }
            Action::CopySection => {
                let i = r.section;
                let text = section_text(&r.report, i);
                let heading = text.lines().next().unwrap_or_default().to_string();
                let (out, fmt) = match self.copy_format {
                    export::Format::Json => (
                        r.report
                            .sections
                            .get(i)
                            .and_then(|s| serde_json::to_string_pretty(s).ok())
                            .unwrap_or_default(),
                        "JSON",
                    ),
                    export::Format::Markdown => {
                        let body = text.split_once('\n').map_or("", |x| x.1);
                        (format!("## {heading}\n\n{body}\n"), "Markdown")
                    }
                    _ => (text, "text"),
                };
                self.effects.push(Effect::Copy {
                    text: out,
                    what: format!("section {heading} as {fmt}"),
                });
            }
            _ => {}
        }
    }

    /// `m`: the report (or the table) shown now becomes a bookmark, or stops being one.
    fn toggle_bookmark(&mut self) {
        let place = match self.screens.last() {
            Some(Screen::Report(r)) => Some(crate::tui::history::Place {
                path: r.report.path.clone(),
                agency: r.report.agency.clone().unwrap_or_default(),
                year: r.report.year,
                table: None,
            }),
            Some(Screen::Table(t)) => self.screens.iter().rev().find_map(|s| match s {
                Screen::Report(r) => Some(crate::tui::history::Place {
                    path: r.report.path.clone(),
                    agency: r.report.agency.clone().unwrap_or_default(),
                    year: r.report.year,
                    table: Some(t.table.id),
                }),
                _ => None,
            }),
            Some(Screen::Compare(_)) | None => None,
        };
        if let Some(p) = place {
            let label = p.label();
            let on = self.history.toggle_bookmark(p);
            let t = self.lang.t();
            self.status = Some(format!(
                "{}: {label}",
                if on { t.bookmarked } else { t.unbookmarked }
            ));
            self.save_history();
        }
    }

    /// `/` typed so far: the matches in the report, the view on the first one from where the
    /// reader is (the current section), as a pager's incremental search does.
    fn find_in_report(&mut self) {
        let Some(Screen::Report(r)) = self.screens.last_mut() else {
            return;
        };
        let Some(f) = &r.find else {
            return;
        };
        let (matches, has_terms) = find_matches(&r.report, &f.input.text);
        let from = f.saved.3;
        r.current_match = matches
            .iter()
            .position(|m| m.0 >= from)
            .or(if matches.is_empty() { None } else { Some(0) });
        r.matches = matches;
        r.has_terms = has_terms;
        if let Some(i) = r.current_match {
            let sec = r.matches[i].0;
            if r.section != sec {
                r.section = sec;
                r.scroll = 0;
            }
        }
        let n = r.matches.len();
        let t = self.lang.t();
        self.status = Some(match r.current_match {
            Some(i) => crate::tui::i18n::fill(t.match_of, &[("i", &(i + 1)), ("n", &n)]),
            None if has_terms => t.no_matches.to_string(),
            None => String::new(),
        });
        self.fit_report();
    }

    fn act_find(&mut self, a: Action) {
        let Some(Screen::Report(r)) = self.screens.last_mut() else {
            return;
        };
        match a {
            // Enter keeps the matches; n/N then move between them.
            Action::Open => r.find = None,
            // Esc puts back the matches and the place the reader had.
            Action::Back => {
                if let Some(f) = r.find.take() {
                    let (m, cur, terms, section, scroll) = f.saved;
                    r.matches = m;
                    r.current_match = cur;
                    r.has_terms = terms;
                    r.section = section;
                    r.scroll = scroll;
                    self.status = None;
                }
            }
            _ => {}
        }
    }

    fn grid_area(&self) -> Rect {
        match self.screens.last() {
            Some(Screen::Table(t)) => layout::table(self.area(), t.notes()).grid,
            _ => Rect::default(),
        }
    }

    fn fit_table(&mut self) {
        let area = self.grid_area();
        if let Some(Screen::Table(t)) = self.screens.last_mut() {
            t.offsets = layout::fit_offsets(&t.table, area, t.cur, t.offsets);
        }
    }

    /// After a resize: every table on the stack (one under a report opened by go-to too), so
    /// none keeps offsets that hide columns beside empty space.
    fn fit_all_tables(&mut self) {
        let area = self.area();
        for s in &mut self.screens {
            if let Screen::Table(t) = s {
                let grid = layout::table(area, t.notes()).grid;
                t.offsets = layout::fit_offsets(&t.table, grid, t.cur, t.offsets);
            }
        }
    }

    fn act_table(&mut self, a: Action) {
        if matches!(
            a,
            Action::Compare | Action::PrevYear | Action::NextYear | Action::Export
        ) {
            self.act_table_across(a);
            self.fit_table();
            return;
        }
        let page = self.grid_area().height.saturating_sub(1).max(1) as isize;
        let Some(Screen::Table(t)) = self.screens.last_mut() else {
            return;
        };
        let rows = t.table.rows.len();
        let cols = t.table.columns.len();
        if rows == 0 || cols == 0 {
            if a == Action::CopyTable {
                let text = export::table(&t.table, self.copy_format);
                let what = format!("table {} as {}", t.table.id, self.copy_format.name());
                self.effects.push(Effect::Copy { text, what });
            }
            return;
        }
        let mv = |t: &mut TableState, dr: isize, dc: isize| {
            t.cur.0 = (t.cur.0 as isize + dr).clamp(0, rows as isize - 1) as usize;
            t.cur.1 = (t.cur.1 as isize + dc).clamp(0, cols as isize - 1) as usize;
        };
        let extend = |t: &mut TableState, dr: isize, dc: isize| {
            if t.anchor.is_none() {
                t.anchor = Some(t.cur);
            }
            mv(t, dr, dc);
        };
        match a {
            Action::Up => mv(t, -1, 0),
            Action::Down => mv(t, 1, 0),
            Action::Left => mv(t, 0, -1),
            Action::Right => mv(t, 0, 1),
            Action::PageUp => mv(t, -page, 0),
            Action::PageDown => mv(t, page, 0),
            Action::Home => t.cur.1 = 0,
            Action::End => t.cur.1 = cols - 1,
            Action::ExtendUp => extend(t, -1, 0),
            Action::ExtendDown => extend(t, 1, 0),
            Action::ExtendLeft => extend(t, 0, -1),
            Action::ExtendRight => extend(t, 0, 1),
            Action::ToggleSelect => {
                t.anchor = match t.anchor {
                    Some(_) => None,
                    None => Some(t.cur),
                }
            }
            Action::Copy => {
                let sel = t.selection();
                let text = dress(
                    export::cells(&t.table, sel, self.copy_format),
                    t,
                    self.copy_format,
                    self.copy_header,
                    self.csv_bom,
                );
                let what = format!(
                    "{}×{} cells as {}",
                    sel.rows(),
                    sel.cols(),
                    self.copy_format.name()
                );
                self.effects.push(Effect::Copy { text, what });
            }
            Action::CopyTable => {
                let text = dress(
                    export::table(&t.table, self.copy_format),
                    t,
                    self.copy_format,
                    self.copy_header,
                    self.csv_bom,
                );
                let what = format!("table {} as {}", t.table.id, self.copy_format.name());
                self.effects.push(Effect::Copy { text, what });
            }
            _ => {}
        }
        self.fit_table();
    }

    fn on_mouse(&mut self, m: MouseEvent) {
        let (x, y) = (m.column, m.row);
        let scroll = match m.kind {
            MouseEventKind::ScrollDown => Some(Action::Down),
            MouseEventKind::ScrollUp => Some(Action::Up),
            _ => None,
        };
        if let Some(a) = scroll {
            match self.ctx() {
                Ctx::Report => self.act_report(if a == Action::Down {
                    Action::PageDown
                } else {
                    Action::PageUp
                }),
                Ctx::Help
                | Ctx::Results
                | Ctx::Query
                | Ctx::Table
                | Ctx::Compare
                | Ctx::FilterList => self.act(a),
                _ => {}
            }
            return;
        }
        let area = self.area();
        let inside = |r: Rect| x >= r.x && x < r.right() && y >= r.y && y < r.bottom();
        if self.overlay.is_some() {
            if matches!(m.kind, MouseEventKind::Down(_))
                && matches!(self.overlay, Some(Overlay::Help(_)))
            {
                self.overlay = None;
            }
            return;
        }
        match self.screens.last_mut() {
            None => {
                if m.kind != MouseEventKind::Down(MouseButton::Left) {
                    return;
                }
                let l = layout::search(area);
                if inside(l.query) {
                    self.search.focus = SearchFocus::Query;
                } else if inside(l.chips) {
                    let hit = self.chips().into_iter().find(|(_, s, at)| {
                        x >= *at && x < at + crate::output::grid::width(s) as u16
                    });
                    if let Some((chip, _, _)) = hit {
                        self.remove_chip(chip);
                    }
                } else if inside(l.list) {
                    let per = layout::hits_per_page(area);
                    let i = list_offset(self.search.selected, per)
                        + ((y - l.list.y) / layout::HIT_HEIGHT) as usize;
                    if i < self.hit_count() {
                        if i == self.search.selected {
                            self.act_search(Action::Open);
                        } else {
                            self.search.selected = i;
                        }
                    }
                }
            }
            Some(Screen::Report(r)) => {
                if m.kind != MouseEventKind::Down(MouseButton::Left) {
                    return;
                }
                let l = layout::report(area, r.report.tables.len());
                if inside(l.outline) && y > l.outline.y {
                    let i = (y - l.outline.y - 1) as usize;
                    if i < r.report.sections.len() {
                        r.focus = ReportFocus::Sections;
                        if r.section != i {
                            r.section = i;
                            r.scroll = 0;
                        }
                    }
                } else if inside(l.tables) && y > l.tables.y {
                    let i = (y - l.tables.y - 1) as usize;
                    if i < r.report.tables.len() {
                        r.focus = ReportFocus::Tables;
                        r.table = i;
                        self.act_report(Action::Open);
                    }
                }
            }
            // The compare screen takes the wheel only.
            Some(Screen::Compare(_)) => {}
            Some(Screen::Table(t)) => {
                let grid = layout::table(area, t.notes()).grid;
                let g = layout::grid(&t.table, grid, t.offsets.0, t.offsets.1);
                let col = g
                    .cols
                    .iter()
                    .find(|c| x >= c.1 && x < c.1 + c.2)
                    .map(|c| c.0);
                let row = g.rows.iter().find(|r| r.1 == y).map(|r| r.0);
                match (m.kind, row, col) {
                    (MouseEventKind::Down(MouseButton::Left), Some(r), Some(c)) => {
                        t.cur = (r, c);
                        t.anchor = Some((r, c));
                        t.dragging = true;
                    }
                    (MouseEventKind::Drag(MouseButton::Left), Some(r), Some(c)) if t.dragging => {
                        t.cur = (r, c);
                    }
                    (MouseEventKind::Up(MouseButton::Left), _, _) if t.dragging => {
                        t.dragging = false;
                        // A click without a drag moves the cursor; it selects nothing.
                        if t.anchor == Some(t.cur) {
                            t.anchor = None;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// A table copy as configured: the source line first (`copy.header`), and for CSV the
/// byte-order mark before everything (`copy.csv_bom`).
fn dress(body: String, t: &TableState, fmt: export::Format, header: bool, bom: bool) -> String {
    let mut out = String::new();
    if bom && fmt == export::Format::Csv {
        out.push_str(export::BOM);
    }
    if header {
        let source = format!("{} 表{} {}", t.report_label, t.table.id, t.table.title);
        out.push_str(&export::source_line(fmt, &source));
    }
    out.push_str(&body);
    out
}
