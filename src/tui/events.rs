//! Turning input and engine messages into changes of the browser's state: a key goes to the
//! screen that has the focus (an overlay, the top of the stack, or the search screen), and the
//! [`Outcome`]s it gives back are done here.

use super::keys::{self, Action, Ctx};
use super::layout;
use super::screens::{filters, goto, help, report, table, Copying, Env, Handler, Outcome};
use super::state::*;
use super::worker::{EngineMsg, Request};
use crate::index::{Clause, Query, Stage};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind};
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

/// The handler of the screen that has the focus, with its [`Env`] beside it.
macro_rules! focused {
    ($app:ident) => {{
        let env = env!($app);
        let h: &mut dyn Handler = match ($app.overlay.as_mut(), $app.screens.last_mut()) {
            (Some(o), _) => o.handler_mut(),
            (None, Some(s)) => s.handler_mut(),
            (None, None) => &mut $app.search,
        };
        (h, env)
    }};
}

/// Everything the browser reacts to.
#[derive(Debug)]
pub enum AppEvent {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    Engine(EngineMsg),
    /// The answer to a totals-and-ranking job.
    Tally {
        generation: u64,
        board: Result<crate::tui::tally::Board, String>,
    },
    /// Word from the export thread about a job.
    Export {
        generation: u64,
        progress: crate::tui::export::Progress,
    },
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
                let area = self.area();
                for s in &mut self.screens {
                    s.handler_mut().resized(area);
                }
            }
            AppEvent::Engine(m) => self.on_engine(m),
            AppEvent::Tally { generation, board } => self.on_tally(generation, board),
            AppEvent::Export {
                generation,
                progress,
            } => self.on_export(generation, progress),
        }
    }

    /// `w` in the hit list: every report the query and its chips select, written by the export
    /// thread; "writing…" stays on the status line until it has answered.
    fn request_export(&mut self) {
        let Some(engine) = self.backend() else {
            self.status = Some("the index is not ready yet".into());
            return;
        };
        let query = Query {
            limit: 0,
            offset: 0,
            ..self.query.clone()
        };
        self.export_generation += 1;
        let generation = self.export_generation;
        self.export_live.set(generation);
        // The complete search of this very query counted what the export selects; first hits
        // or a search on its way have no exact count yet, and none is shown.
        let counted = match &self.search.results {
            Some(r) if !self.search.searching && r.stage == Stage::Complete => Some(r.total),
            _ => None,
        };
        let says = match counted {
            Some(n) => format!("writing {n} reports…"),
            None => "selecting the reports to write…".to_string(),
        };
        self.exporting = Some(Exporting {
            generation,
            query: query.clone(),
            says,
        });
        self.effects.push(Effect::Export(crate::tui::export::Job {
            generation,
            engine: crate::tui::tally::EngineRef(engine),
            query,
            bom: self.csv_bom,
            dir: self.export_dir.clone(),
            live: self.export_live.clone(),
        }));
    }

    /// Word from the export thread: shown while it is about the export still wanted, dropped
    /// otherwise.
    fn on_export(&mut self, generation: u64, progress: crate::tui::export::Progress) {
        use crate::tui::export::Progress;
        let Some(x) = self
            .exporting
            .as_mut()
            .filter(|x| x.generation == generation)
        else {
            return;
        };
        match progress {
            Progress::Writing(n) => x.says = format!("writing {n} reports…"),
            Progress::Done(done) => {
                self.exporting = None;
                self.status = Some(match done {
                    Ok(w) => format!(
                        "written to {} ({} reports; fields in {})",
                        w.data.display(),
                        w.reports,
                        w.dictionary.display()
                    ),
                    Err(e) => e,
                });
            }
        }
    }

    /// The query the export on its way selects is no longer the browser's: it is dropped (the
    /// thread renames nothing into place) rather than written after the user moved on.
    fn drop_stale_export(&mut self) {
        let Some(x) = &self.exporting else {
            return;
        };
        let now = Query {
            limit: 0,
            offset: 0,
            ..self.query.clone()
        };
        if x.query == now {
            return;
        }
        self.exporting = None;
        // No job has this generation: the thread sees every job sent so far is stale.
        self.export_generation += 1;
        self.export_live.set(self.export_generation);
        self.status =
            Some("export cancelled: the query changed (w writes the new selection)".into());
    }

    /// The answer to a totals-and-ranking job: shown by the screen that waits for that job,
    /// dropped when no screen does (it asked again since, or was closed).
    fn on_tally(&mut self, generation: u64, board: Result<crate::tui::tally::Board, String>) {
        for s in self.screens.iter_mut().rev() {
            if let Screen::Tally(t) = s {
                if t.generation == generation {
                    t.receive(generation, board);
                    return;
                }
            }
        }
    }

    /// Sends the job of the totals-and-ranking screen at `i` of the stack, under a new
    /// generation: the screen shows "computing…" until its answer comes.
    fn request_tally(&mut self, i: usize) {
        let Some(engine) = self.backend() else {
            self.status = Some("the index is not ready yet".into());
            return;
        };
        let Some(Screen::Tally(t)) = self.screens.get_mut(i) else {
            return;
        };
        self.tally_generation += 1;
        t.generation = self.tally_generation;
        t.answer = crate::tui::screens::tally::Answer::Computing;
        self.effects.push(Effect::Tally(crate::tui::tally::Job {
            generation: t.generation,
            engine: crate::tui::tally::EngineRef(engine),
            query: t.query.clone(),
            table: t.table,
            by: t.by().clone(),
            descending: t.descending,
            min_cases: t.min_cases,
        }));
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
        let h: &mut dyn Handler = match (self.overlay.as_mut(), self.screens.last_mut()) {
            (Some(o), _) => o.handler_mut(),
            (None, Some(s)) => s.handler_mut(),
            (None, None) => &mut self.search,
        };
        h.input()
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

    /// The focused text box changed: its screen reacts (searches, finds, lists candidates).
    fn after_edit(&mut self) {
        let (h, env) = focused!(self);
        let out = h.edited(&env);
        self.apply(out);
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
                Outcome::Open {
                    path,
                    query,
                    clauses,
                } => {
                    if let Err(e) = self.open_report(&path, &query, clauses) {
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
                Outcome::Search => self.request_search(),
                Outcome::MoreHits => self.more_hits(),
                Outcome::Tally => {
                    if let Some(i) = self.screens.len().checked_sub(1) {
                        self.request_tally(i);
                    }
                }
                Outcome::Export => self.request_export(),
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
        if let Err(e) = self.open_report(&p.path, "", Vec::new()) {
            self.status = Some(e);
            return;
        }
        if let Some(id) = &p.table {
            if let Some(Screen::Report(r)) = self.screens.last() {
                if let Some(t) = r.report.tables.iter().find(|t| &t.id == id) {
                    let ts = table::State::new(&r.report, t);
                    self.screens.push(Screen::Table(Box::new(ts)));
                }
            }
        }
    }

    /// Sends the query and filters to the worker under a new generation.
    pub fn request_search(&mut self) {
        self.query.limit = self.first_limit();
        self.search.more = false;
        self.search.keep = None;
        self.send_search(true);
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
        self.send_search(false);
    }

    /// `first_hits`: a new query, drawn from its first hits before its complete search; not
    /// for more hits of the same query or the same query again, whose order must hold still.
    fn send_search(&mut self, first_hits: bool) {
        self.search.generation += 1;
        self.search.searching = true;
        self.query.text.clone_from(&self.search.input.text);
        self.drop_stale_export();
        self.effects.push(Effect::Search(Request {
            generation: self.search.generation,
            query: self.query.clone(),
            first_hits,
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
            self.send_search(false);
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
                    self.reload_open_reports();
                    // A board of the old engine is not the corpus as it is now.
                    for i in 0..self.screens.len() {
                        if matches!(self.screens[i], Screen::Tally(_)) {
                            self.request_tally(i);
                        }
                    }
                } else if !self.search.searching {
                    self.request_search();
                }
                self.refresh_overlay();
                if let Some(path) = self.pending_report.take() {
                    self.pending_open = None;
                    if let Err(e) = self.open_report(&path, "", Vec::new()) {
                        self.status = Some(e);
                    }
                } else if let Some((agency, year)) = self.pending_open.take() {
                    self.open_named(&agency, year);
                }
            }
            EngineMsg::Results {
                generation,
                results,
            } => {
                // A stale answer is dropped: the user has typed since.
                if self.search.receive(generation, results) {
                    self.refresh_overlay();
                }
            }
        }
    }

    fn act(&mut self, a: Action) {
        let ctx = self.ctx();
        if ctx.types_text() && self.act_text(a) {
            return;
        }
        match a {
            Action::ForceQuit | Action::Quit => self.quit = true,
            Action::Help => self.overlay = Some(Overlay::Help(help::State::new(ctx))),
            Action::Back if self.overlay.is_some() => self.overlay = None,
            Action::Filters => {
                let p = filters::State::new(&env!(self), self.search.results.as_ref());
                self.overlay = Some(Overlay::Filters(p));
            }
            Action::Goto => self.overlay = Some(Overlay::Goto(goto::State::new("", &env!(self)))),
            Action::Bookmarks => self.overlay = Some(Overlay::Bookmarks(Default::default())),
            Action::Bookmark => self.toggle_bookmark(),
            Action::OpenSource => {
                let path = match self.screens.last() {
                    Some(Screen::Report(r)) => Some(r.report.path.clone()),
                    Some(Screen::Table(t)) => Some(t.path.clone()),
                    _ => None,
                };
                if let Some(p) = path {
                    self.effects.push(Effect::OpenSource(p));
                }
            }
            Action::RemoveChip => {
                if let Some(&(chip, _, _)) = self.chips().last() {
                    self.remove_chip(chip);
                }
            }
            Action::CycleFormat => {
                self.copy_format = self.copy_format.next();
                self.status = Some(format!("copy format: {}", self.copy_format.name()));
            }
            _ => {
                let (h, env) = focused!(self);
                let out = h.handle(a, &env);
                self.apply(out);
            }
        }
    }

    pub fn remove_chip(&mut self, chip: Chip) {
        if search::remove_chip(&mut self.query, chip) {
            self.request_search();
        }
    }

    /// Loads a report and shows it above the current screen.
    pub fn open_report(
        &mut self,
        path: &str,
        query: &str,
        clauses: Vec<Clause>,
    ) -> Result<(), String> {
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
            .push(Screen::Report(Box::new(report::State::new(
                report, clauses,
            ))));
        Ok(())
    }

    /// After an update of the engine: an open report whose file changed is shown as it is now,
    /// never with its old figures; the tables and comparisons opened from it (they show the old
    /// figures) are closed. A report whose file is gone stays, said to be gone.
    fn reload_open_reports(&mut self) {
        let Some(backend) = self.backend() else {
            return;
        };
        let mut first_changed = None;
        let mut said = Vec::new();
        for (i, s) in self.screens.iter_mut().enumerate() {
            let Screen::Report(r) = s else { continue };
            let path = r.report.path.clone();
            match backend.report(&path) {
                Ok(new) => {
                    let old = &r.report;
                    let same = new.tables == old.tables
                        && new.text == old.text
                        && (&new.agency, new.year, &new.title)
                            == (&old.agency, old.year, &old.title);
                    if !same {
                        **r = report::State::new(new, r.clauses.clone());
                        first_changed.get_or_insert(i);
                        said.push(format!("{path} changed on disk: shown as it is now"));
                    }
                }
                Err(_) => said.push(format!(
                    "{path} is no longer in the corpus: shown as it was"
                )),
            }
        }
        if let Some(i) = first_changed {
            self.screens.truncate(i + 1);
        }
        if !said.is_empty() {
            self.status = Some(said.join("; "));
        }
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
        let mut paths: Vec<String> = backend
            .find(name, year)
            .into_iter()
            .map(|r| r.path)
            .collect();
        paths.sort();
        let path = paths.first().cloned().ok_or_else(|| {
            let list: Vec<String> = years.iter().map(i32::to_string).collect();
            format!(
                "{name} has no report for {}; it has: {}",
                year.map_or("any year".into(), |y| y.to_string()),
                list.join(", ")
            )
        })?;
        self.open_report(&path, "", Vec::new())?;
        // Two files for one agency and year: never one shown as if it were the only one (its
        // path is in the report's border; the others are named here).
        if paths.len() > 1 {
            self.status = Some(format!(
                "{name} has {} reports for {}: this is {path}; also {}",
                paths.len(),
                year.map_or("?".into(), |y| y.to_string()),
                paths[1..].join(", ")
            ));
        }
        Ok(())
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
            Some(Screen::Compare(_)) | Some(Screen::Tally(_)) | None => None,
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

    fn on_mouse(&mut self, m: MouseEvent) {
        let scroll = match m.kind {
            MouseEventKind::ScrollDown => Some(Action::Down),
            MouseEventKind::ScrollUp => Some(Action::Up),
            _ => None,
        };
        if let Some(a) = scroll {
            match self.ctx() {
                // The report pages its text with the wheel.
                Ctx::Report => {}
                Ctx::Help
                | Ctx::Results
                | Ctx::Query
                | Ctx::Table
                | Ctx::Compare
                | Ctx::Tally
                | Ctx::FilterList => return self.act(a),
                _ => return,
            }
        }
        if self.overlay.is_some() {
            if matches!(m.kind, MouseEventKind::Down(_))
                && matches!(self.overlay, Some(Overlay::Help(_)))
            {
                self.overlay = None;
            }
            return;
        }
        let (h, env) = focused!(self);
        let out = h.mouse(m, &env);
        self.apply(out);
    }
}
