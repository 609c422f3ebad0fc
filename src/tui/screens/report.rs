//! The report screen: outline, tables and a section's text with the query's matches marked;
//! `/` finds in the report, `n` / `N` step through the matches, Enter opens a table.

use super::{report_label, Effect, Screen};
use super::{table, Env, Handler, Outcome};
use crate::index::{match_ranges, parse_query, Clause};
use crate::output::export;
use crate::report::{Report, TableId};
pub use crate::tui::document::section_text;
use crate::tui::document::Document;
use crate::tui::i18n;
use crate::tui::input::TextInput;
use crate::tui::keys::{Action, Ctx};
use crate::tui::layout;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFocus {
    Sections,
    Tables,
}

pub struct State {
    pub report: Report,
    /// The search that opened the report: its matches are marked, and marked again when the
    /// report is reloaded after its file changed.
    pub clauses: Vec<Clause>,
    /// The search had words to find (else next / previous match has nothing to look for).
    pub has_terms: bool,
    pub section: usize,
    pub focus: ReportFocus,
    pub table: usize,
    /// First shown line of the section's wrapped text.
    pub scroll: usize,
    /// Every match: (section, byte range in the section's display text).
    pub matches: Vec<(usize, Range<usize>)>,
    pub current_match: Option<usize>,
    /// The `/` prompt while it is open, with the matches and position it replaced (restored
    /// by Esc).
    pub find: Option<FindPrompt>,
    /// `d`: the whole report as one document with its tables inline; `scroll` is then a line
    /// of the document and `section` the section of its first shown line.
    pub document: bool,
}

/// What `/` replaced: matches, current match, whether there were terms, section, scroll.
pub type SavedFind = (
    Vec<(usize, Range<usize>)>,
    Option<usize>,
    bool,
    usize,
    usize,
);

pub struct FindPrompt {
    pub input: TextInput,
    pub saved: SavedFind,
}

impl State {
    pub fn new(report: Report, clauses: Vec<Clause>) -> State {
        let (matches, has_terms) = find_matches(&report, &clauses);
        let section = matches.first().map_or(0, |m| m.0);
        State {
            report,
            clauses,
            has_terms,
            section,
            focus: ReportFocus::Sections,
            table: 0,
            scroll: 0,
            matches,
            current_match: None,
            find: None,
            document: false,
        }
    }

    /// Failed checks of one table.
    pub fn failed_checks(&self, table_id: TableId) -> usize {
        self.report
            .failed_checks()
            .filter(|c| c.cells.first().is_some_and(|r| r.table == table_id))
            .count()
    }
}

/// Every match of `clauses` in the report's sections, as (section, byte range in the section's
/// display text), and whether the query has words to find. The index's own matching, so the
/// report marks what the search found, and `/` finds what a search would.
pub fn find_matches(report: &Report, clauses: &[Clause]) -> (Vec<(usize, Range<usize>)>, bool) {
    let mut matches: Vec<(usize, Range<usize>)> = Vec::new();
    for (i, _) in report.sections.iter().enumerate() {
        let text = section_text(report, i);
        for (r, _) in match_ranges(&text, clauses) {
            match matches.last_mut() {
                // Clauses may overlap (行政 and 行政复议): one mark, not two.
                Some((s, last)) if *s == i && r.start <= last.end => last.end = last.end.max(r.end),
                _ => matches.push((i, r)),
            }
        }
    }
    (matches, clauses.iter().any(|c| !c.exclude))
}

impl State {
    /// Width and height of the text pane.
    fn text_size(&self, area: Rect) -> (usize, usize) {
        layout::report_text_inner(area, self.report.tables.len())
    }

    /// The report as one document, for the text pane of `area`.
    pub fn doc(&self, area: Rect) -> Document {
        Document::new(&self.report, self.text_size(area).0)
    }

    /// Makes sure the current match (if any) is in view.
    fn fit(&mut self, area: Rect) {
        let (w, h) = self.text_size(area);
        if self.document {
            let d = self.doc(area);
            if let Some((sec, range)) = self.current_match.and_then(|i| self.matches.get(i)) {
                let line = d.line_of(*sec, range.start);
                if line < self.scroll || line >= self.scroll + h.max(1) {
                    self.scroll = line.saturating_sub(h / 3).min(d.max_scroll(h));
                }
                self.section = *sec;
            }
            return;
        }
        let r = self;
        if let Some((sec, range)) = r.current_match.and_then(|i| r.matches.get(i)) {
            let lines = layout::wrap(&section_text(&r.report, *sec), w);
            let line = layout::line_of(&lines, range.start);
            if line < r.scroll || line >= r.scroll + h.max(1) {
                r.scroll = line.saturating_sub(h / 3);
            }
        }
    }

    /// `d`: into the document at the place the reader was, or back to that place's section.
    fn toggle_document(&mut self, area: Rect) {
        let (_, h) = self.text_size(area);
        let d = self.doc(area);
        if self.document {
            let top = self.scroll.min(d.lines.len().saturating_sub(1));
            self.section = d.section_at(top);
            self.scroll =
                top.saturating_sub(d.section_start.get(self.section).copied().unwrap_or(0));
            // A table's lines are not the section's text: its end instead.
            let text_lines = layout::wrap(
                &d.texts[self.section.min(d.texts.len() - 1)],
                self.text_size(area).0,
            )
            .len();
            self.scroll = self.scroll.min(text_lines.saturating_sub(1));
        } else {
            let start = d.section_start.get(self.section).copied().unwrap_or(0);
            self.scroll = (start + self.scroll).min(d.max_scroll(h));
        }
        self.document = !self.document;
    }

    /// The keys that move through the document; `false` for the others (the sections view's).
    fn act_document(&mut self, a: Action, env: &Env) -> bool {
        let (_, h) = self.text_size(env.area);
        let d = self.doc(env.area);
        let page = h.saturating_sub(1).max(1);
        match (a, self.focus) {
            (Action::Down | Action::Up, ReportFocus::Sections) => {
                let n = d.section_start.len();
                let s = d.section_at(self.scroll);
                // Up from inside a section goes to its start first, as a pager's section key.
                let s = match a {
                    Action::Down => (s + 1).min(n.saturating_sub(1)),
                    _ if self.scroll > d.section_start[s] => s,
                    _ => s.saturating_sub(1),
                };
                self.scroll = d.section_start[s].min(d.max_scroll(h));
                self.section = s;
            }
            (Action::Down | Action::Up, ReportFocus::Tables) => {
                let n = self.report.tables.len();
                self.table = match a {
                    Action::Down => (self.table + 1).min(n.saturating_sub(1)),
                    _ => self.table.saturating_sub(1),
                };
                if let Some(&l) = d.table_start.get(self.table) {
                    self.scroll = l.min(d.max_scroll(h));
                }
            }
            (Action::PageDown, _) => self.scroll = (self.scroll + page).min(d.max_scroll(h)),
            (Action::PageUp, _) => self.scroll = self.scroll.saturating_sub(page),
            _ => return false,
        }
        self.section = d.section_at(self.scroll);
        true
    }

    /// The table under the cursor of the tables pane, as a screen.
    fn open_table(&self) -> Option<Screen> {
        let t = self.report.tables.get(self.table)?;
        Some(Screen::Table(Box::new(table::State::new(&self.report, t))))
    }

    /// Keys of the `/` prompt.
    fn act_find(&mut self, a: Action) -> Vec<Outcome> {
        let r = self;
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
                    return vec![Outcome::ClearStatus];
                }
            }
            _ => {}
        }
        Vec::new()
    }
}

impl Handler for State {
    fn ctx(&self) -> Ctx {
        if self.find.is_some() {
            Ctx::ReportFind
        } else {
            Ctx::Report
        }
    }

    fn handle(&mut self, a: Action, env: &Env) -> Vec<Outcome> {
        if self.find.is_some() {
            return self.act_find(a);
        }
        if a == Action::Document {
            self.toggle_document(env.area);
            return Vec::new();
        }
        if self.document && self.act_document(a, env) {
            return Vec::new();
        }
        let (w, h) = self.text_size(env.area);
        let lang = env.lang;
        let r = &mut *self;
        let n_sections = r.report.sections.len().max(1);
        let n_tables = r.report.tables.len();
        let max_scroll = |r: &State| -> usize {
            layout::wrap(&section_text(&r.report, r.section), w)
                .len()
                .saturating_sub(1)
        };
        match a {
            Action::Back => return vec![Outcome::Pop],
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
                r.scroll = (r.scroll + h.saturating_sub(1).max(1)).min(max_scroll(r))
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
                    return r.open_table().map(Outcome::Push).into_iter().collect();
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
                    return vec![Outcome::Status(if !r.has_terms {
                        t.no_terms.into()
                    } else {
                        t.no_matches.into()
                    })];
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
                r.fit(env.area);
                return vec![Outcome::Status(i18n::fill(
                    lang.t().match_of,
                    &[("i", &(i + 1)), ("n", &n)],
                ))];
            }
            Action::CopySection => {
                let i = r.section;
                let text = section_text(&r.report, i);
                let heading = text.lines().next().unwrap_or_default().to_string();
                let (out, fmt) = match env.copy.format {
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
                return vec![Outcome::Effect(Effect::Copy {
                    text: out,
                    what: format!("section {heading} as {fmt}"),
                })];
            }
            _ => {}
        }
        Vec::new()
    }

    fn input(&mut self) -> Option<&mut TextInput> {
        self.find.as_mut().map(|f| &mut f.input)
    }

    /// `/` typed so far: the matches in the report, the view on the first one from where the
    /// reader is (the current section), as a pager's incremental search does.
    fn edited(&mut self, env: &Env) -> Vec<Outcome> {
        let r = &mut *self;
        let Some(f) = &r.find else {
            return Vec::new();
        };
        let (matches, has_terms) = find_matches(&r.report, &parse_query(&f.input.text));
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
        let t = env.lang.t();
        let status = match r.current_match {
            Some(i) => i18n::fill(t.match_of, &[("i", &(i + 1)), ("n", &n)]),
            None if has_terms => t.no_matches.to_string(),
            None => String::new(),
        };
        r.fit(env.area);
        vec![Outcome::Status(status)]
    }

    fn mouse(&mut self, m: MouseEvent, env: &Env) -> Vec<Outcome> {
        let (x, y) = (m.column, m.row);
        let r = &mut *self;
        match m.kind {
            // The wheel pages the text.
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp if r.find.is_none() => {
                let a = if m.kind == MouseEventKind::ScrollDown {
                    Action::PageDown
                } else {
                    Action::PageUp
                };
                return r.handle(a, env);
            }
            MouseEventKind::Down(MouseButton::Left) => {}
            _ => return Vec::new(),
        }
        let inside = |r: Rect| x >= r.x && x < r.right() && y >= r.y && y < r.bottom();
        let l = layout::report(env.area, r.report.tables.len());
        if inside(l.outline) && y > l.outline.y {
            let i = (y - l.outline.y - 1) as usize;
            if i < r.report.sections.len() {
                r.focus = ReportFocus::Sections;
                if r.document {
                    let (_, h) = r.text_size(env.area);
                    let d = r.doc(env.area);
                    r.section = i;
                    r.scroll = d.section_start[i].min(d.max_scroll(h));
                } else if r.section != i {
                    r.section = i;
                    r.scroll = 0;
                }
            }
        } else if inside(l.tables) && y > l.tables.y {
            let i = (y - l.tables.y - 1) as usize;
            if i < r.report.tables.len() {
                r.focus = ReportFocus::Tables;
                r.table = i;
                return r.handle(Action::Open, env);
            }
        }
        Vec::new()
    }

    fn crumb(&self) -> Option<String> {
        Some(report_label(&self.report))
    }
}
