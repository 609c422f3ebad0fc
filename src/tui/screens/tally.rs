//! The totals-and-ranking screen: over the reports the search selects (its text and chips),
//! a table summed by year and the reports ranked by a figure or a metric, worked out off the UI
//! thread (`tui::tally`); `t` switches the table, `m` the measure, `r` the order, Enter
//! compares the cursor's agency across its years and `w` writes the ranking to a CSV file.

use super::compare::{self, agency_entries, file_part};
use super::{Effect, Env, Handler, Outcome, Screen};
use crate::analysis::compare::compare;
use crate::analysis::DEFAULT_MIN_CASES;
use crate::index::Query;
use crate::output::export::csv_field;
use crate::report::{TableId, Value};
use crate::tui::keys::{Action, Ctx};
use crate::tui::tally::{measures, Board, By};
use std::path::PathBuf;

/// The tables `t` steps through: table 3 first (the one most people sum), then 4, then
/// section 二's.
pub const TABLES: [TableId; 7] = [
    TableId::T3,
    TableId::T4,
    TableId::T2_1,
    TableId::T2_5,
    TableId::T2_6,
    TableId::T2_8,
    TableId::T2_9,
];

/// Where the screen's board is.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Asked for under [`State::generation`]; nothing is shown until it comes.
    Computing,
    Ready(Box<Board>),
    Failed(String),
}

pub struct State {
    /// The selection: the search's text and chips when the screen was opened.
    pub query: Query,
    pub table: TableId,
    pub measures: Vec<By>,
    /// Into `measures`.
    pub by: usize,
    pub descending: bool,
    pub min_cases: f64,
    /// The job whose answer the screen waits for or shows; the browser sets it.
    pub generation: u64,
    pub answer: Answer,
    /// The cursor, among the ranked reports then the ones not ranked.
    pub cur: usize,
    /// First row of the ranking shown.
    pub offset: usize,
    /// First row of the sums shown.
    pub sums_offset: usize,
}

/// Which of the sums' rows are shown ([`State::sums_window`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SumsWindow {
    pub start: usize,
    pub take: usize,
    /// A line says how many rows are above / below.
    pub above: bool,
    pub below: bool,
}

/// A table's sums by year, as the screen shows them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sums {
    pub years: Vec<Option<i32>>,
    /// Reports summed, by year.
    pub counted: Vec<usize>,
    /// The column shown; `None`: a one-row table, its columns are the rows.
    pub column: Option<String>,
    /// Label, then the sum in each year (`None`: no counted report has the cell).
    pub rows: Vec<(String, Vec<Option<Value>>)>,
}

impl Sums {
    fn put(&mut self, label: &str, year: usize, years: usize, v: Option<Value>) {
        let i = match self.rows.iter().position(|(l, _)| l == label) {
            Some(i) => i,
            None => {
                self.rows.push((label.to_string(), vec![None; years]));
                self.rows.len() - 1
            }
        };
        self.rows[i].1[year] = v;
    }
}

/// One line of the ranking list.
#[derive(Debug, Clone, PartialEq)]
pub struct Line<'a> {
    /// `None`: not ranked.
    pub rank: Option<usize>,
    pub agency: &'a str,
    pub year: Option<i32>,
    pub value: Option<f64>,
    pub cases: Option<f64>,
    /// Why it is not ranked.
    pub reason: Option<&'a str>,
}

impl State {
    /// The screen over `query`, table 3, ranked by the first measure (予以公开率), most first.
    pub fn new(query: &Query) -> State {
        State {
            query: Query {
                limit: 0,
                offset: 0,
                ..query.clone()
            },
            table: TableId::T3,
            measures: measures(),
            by: 0,
            descending: true,
            min_cases: DEFAULT_MIN_CASES,
            generation: 0,
            answer: Answer::Computing,
            cur: 0,
            offset: 0,
            sums_offset: 0,
        }
    }

    pub fn by(&self) -> &By {
        &self.measures[self.by % self.measures.len()]
    }

    pub fn board(&self) -> Option<&Board> {
        match &self.answer {
            Answer::Ready(b) => Some(b),
            _ => None,
        }
    }

    /// The ranking list: ranked reports in rank order, then those not ranked.
    pub fn lines(&self) -> Vec<Line<'_>> {
        let Some(b) = self.board() else {
            return Vec::new();
        };
        let r = &b.ranking;
        let ranked = r.ranked.iter().map(|x| Line {
            rank: Some(x.rank),
            agency: &x.agency,
            year: x.year,
            value: Some(x.value),
            cases: x.cases,
            reason: None,
        });
        let not = r.not_ranked.iter().map(|x| Line {
            rank: None,
            agency: &x.agency,
            year: x.year,
            value: x.value,
            cases: None,
            reason: Some(&x.reason),
        });
        ranked.chain(not).collect()
    }

    /// Why reports were left out of the sum, grouped (no table, no year, an empty or a
    /// doubtful cell), most first.
    pub fn left_out(&self) -> Vec<(String, usize)> {
        let Some(b) = self.board() else {
            return Vec::new();
        };
        let mut out: Vec<(String, usize)> = Vec::new();
        for l in &b.totals.left_out {
            let why = if l.reason.starts_with("no ") {
                l.reason.clone()
            } else if l.reason.ends_with("doubtful") {
                "a doubtful cell".to_string()
            } else {
                "an empty cell".to_string()
            };
            match out.iter_mut().find(|(w, _)| *w == why) {
                Some(x) => x.1 += 1,
                None => out.push((why, 1)),
            }
        }
        out.sort_by_key(|x| std::cmp::Reverse(x.1));
        out
    }

    /// The sums as a grid: one column per year, and for rows the table's rows at its 总计
    /// column (a one-row table such as table 4: its columns; a table without 总计: its
    /// first column, named).
    pub fn sums(&self) -> Sums {
        let mut s = Sums::default();
        let Some(b) = self.board() else {
            return s;
        };
        let groups = &b.totals.groups;
        s.years = groups.iter().map(|g| g.year).collect();
        s.counted = groups.iter().map(|g| g.n).collect();
        let one_row = groups.iter().all(|g| g.rows.len() <= 1);
        if one_row {
            for (gi, g) in groups.iter().enumerate() {
                for (ci, c) in g.columns.iter().enumerate() {
                    let v = g
                        .rows
                        .first()
                        .and_then(|r| r.values.get(ci).copied().flatten());
                    s.put(c, gi, groups.len(), v);
                }
            }
            return s;
        }
        let column = if groups.iter().any(|g| g.columns.iter().any(|c| c == "总计")) {
            "总计".to_string()
        } else {
            let first = groups.first().and_then(|g| g.columns.first()).cloned();
            first.unwrap_or_default()
        };
        for (gi, g) in groups.iter().enumerate() {
            let Some(ci) = g.columns.iter().position(|c| *c == column) else {
                continue;
            };
            for r in &g.rows {
                let label = match &r.group {
                    Some(gr) => format!("{gr} {}", r.label),
                    None => r.label.clone(),
                };
                s.put(
                    &label,
                    gi,
                    groups.len(),
                    r.values.get(ci).copied().flatten(),
                );
            }
        }
        s.column = Some(column);
        s
    }

    /// Takes the answer to job `generation`; false (and nothing changes) for any other job.
    pub fn receive(&mut self, generation: u64, answer: Result<Board, String>) -> bool {
        if generation != self.generation || self.answer != Answer::Computing {
            return false;
        }
        self.answer = match answer {
            Ok(b) => Answer::Ready(Box::new(b)),
            Err(e) => Answer::Failed(e),
        };
        let n = self.lines().len();
        self.cur = self.cur.min(n.saturating_sub(1));
        self.offset = self.offset.min(self.cur);
        true
    }

    /// The ranking as CSV: rank, agency, year, value, cases, path; the reports not ranked
    /// after, with no rank and their reason.
    pub fn csv(&self) -> String {
        let mut out = String::new();
        let Some(b) = self.board() else {
            return out;
        };
        let r = &b.ranking;
        out.push_str("rank,agency,year,value,cases,path,not ranked because\r\n");
        let year = |y: Option<i32>| y.map_or(String::new(), |y| y.to_string());
        let num = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
        for x in &r.ranked {
            out.push_str(&format!(
                "{},{},{},{},{},{},\r\n",
                x.rank,
                csv_field(&x.agency),
                year(x.year),
                x.value,
                num(x.cases),
                csv_field(&x.path)
            ));
        }
        for x in &r.not_ranked {
            out.push_str(&format!(
                ",{},{},{},,{},{}\r\n",
                csv_field(&x.agency),
                year(x.year),
                num(x.value),
                csv_field(&x.path),
                csv_field(&x.reason)
            ));
        }
        out
    }

    /// Rows of the ranking the screen shows at a time on a terminal of `height` lines.
    /// Lines for the sums (their header and rows) out of `rest`, what the screen has below
    /// its head: about two fifths, the ranking the rest.
    pub fn sums_height(rest: u16, rows: usize) -> u16 {
        let want = rows.saturating_add(1).min(u16::MAX as usize) as u16;
        want.min((rest * 2 / 5).max(3)).min(rest)
    }

    /// The sums' rows shown in `room` lines from row `offset`: the first row shown, how many,
    /// and whether a line says that rows are hidden above and below. At the end the last row
    /// fills the last line.
    pub fn sums_window(room: usize, rows: usize, offset: usize) -> SumsWindow {
        if rows <= room || room < 3 {
            let start = offset.min(rows.saturating_sub(room));
            return SumsWindow {
                start,
                take: room.min(rows),
                above: false,
                below: false,
            };
        }
        let start = offset.min(rows - (room - 1));
        let above = start > 0;
        let mut take = room - usize::from(above);
        let below = start + take < rows;
        take -= usize::from(below);
        SumsWindow {
            start,
            take,
            above,
            below,
        }
    }

    /// The sums' window on a screen `height` lines tall (crumbs, two lines of head, status).
    fn sums_window_on(&self, height: u16) -> SumsWindow {
        let rows = self.sums().rows.len();
        let room = State::sums_height(height.saturating_sub(4), rows).saturating_sub(1);
        State::sums_window(room as usize, rows, self.sums_offset)
    }

    pub fn page(height: u16) -> usize {
        (height as usize).saturating_sub(14).max(3)
    }

    fn recompute(&mut self) -> Vec<Outcome> {
        self.answer = Answer::Computing;
        vec![Outcome::Tally]
    }
}

impl Handler for State {
    fn ctx(&self) -> Ctx {
        Ctx::Tally
    }

    fn handle(&mut self, a: Action, env: &Env) -> Vec<Outcome> {
        let n = self.lines().len();
        let page = State::page(env.area.height);
        match a {
            Action::Back => return vec![Outcome::Pop],
            Action::Down => self.cur = (self.cur + 1).min(n.saturating_sub(1)),
            Action::Up => self.cur = self.cur.saturating_sub(1),
            Action::PageDown => self.cur = (self.cur + page).min(n.saturating_sub(1)),
            Action::PageUp => self.cur = self.cur.saturating_sub(page),
            Action::Home => self.cur = 0,
            Action::End => self.cur = n.saturating_sub(1),
            Action::NextTable | Action::PrevTable => {
                let i = TABLES.iter().position(|t| *t == self.table).unwrap_or(0);
                let k = TABLES.len();
                let step = if a == Action::NextTable { 1 } else { k - 1 };
                self.table = TABLES[(i + step) % k];
                self.sums_offset = 0;
                return self.recompute();
            }
            Action::NextMeasure | Action::PrevMeasure => {
                let k = self.measures.len();
                let step = if a == Action::NextMeasure { 1 } else { k - 1 };
                self.by = (self.by + step) % k;
                self.cur = 0;
                self.offset = 0;
                return self.recompute();
            }
            Action::SumsDown => {
                // Not past the window's last start: `K` then moves at once.
                let w = self.sums_window_on(env.area.height);
                if w.below {
                    self.sums_offset = w.start + 1;
                }
            }
            Action::SumsUp => {
                let w = self.sums_window_on(env.area.height);
                self.sums_offset = w.start.saturating_sub(1);
            }
            Action::Reverse => {
                self.descending = !self.descending;
                self.cur = 0;
                self.offset = 0;
                return self.recompute();
            }
            Action::Export => {
                let Some(b) = self.board() else {
                    return vec![Outcome::Status("nothing written: still computing".into())];
                };
                if b.ranking.ranked.is_empty() && b.ranking.not_ranked.is_empty() {
                    return vec![Outcome::Status(
                        "nothing written: no report is selected".into(),
                    )];
                }
                let what = match self.query.text.trim() {
                    "" => "all".to_string(),
                    t => file_part(&t.chars().take(24).collect::<String>()).replace(' ', "_"),
                };
                let path = PathBuf::from(format!(
                    "nianbao-rank-{}-{what}-{}-reports.csv",
                    file_part(&self.by().name()).replace(' ', "_"),
                    b.selected
                ));
                return vec![Outcome::Effect(Effect::Write {
                    path,
                    text: self.csv(),
                })];
            }
            Action::Open => {
                let Some(agency) = self.lines().get(self.cur).map(|l| l.agency.to_string()) else {
                    return Vec::new();
                };
                let Some(backend) = env.backend else {
                    return vec![Outcome::Status("the index is not ready yet".into())];
                };
                let cmp = compare(&agency, &agency_entries(backend, &agency), self.table, None);
                let st = compare::State {
                    cmp,
                    column: 0,
                    cur: 0,
                    offset: 0,
                };
                return vec![Outcome::Push(Screen::Compare(Box::new(st)))];
            }
            _ => {}
        }
        // Keep the cursor on screen.
        if self.cur < self.offset {
            self.offset = self.cur;
        } else if self.cur >= self.offset + page {
            self.offset = self.cur + 1 - page;
        }
        Vec::new()
    }

    fn crumb(&self) -> Option<String> {
        Some(format!("表{} 合计与排名", self.table))
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_sums_window_shows_what_fits_and_says_what_is_hidden() {
        let w = |room, rows, offset| {
            let x = State::sums_window(room, rows, offset);
            (x.start, x.take, x.above, x.below)
        };
        // All rows fit: no lines about hidden rows, whatever the offset.
        assert_eq!(w(6, 4, 0), (0, 4, false, false));
        assert_eq!(w(6, 4, 3), (0, 4, false, false));
        // 27 rows in 6 lines: 5 rows and "… more" at the top of the list.
        assert_eq!(w(6, 27, 0), (0, 5, false, true));
        // Scrolled: a line above, 4 rows, a line below.
        assert_eq!(w(6, 27, 3), (3, 4, true, true));
        // At the end: the last 5 rows, the last row on the last line.
        assert_eq!(w(6, 27, 22), (22, 5, true, false));
        assert_eq!(w(6, 27, 100), (22, 5, true, false));
        // Too little room for the lines about hidden rows.
        assert_eq!(w(2, 27, 5), (5, 2, false, false));
        assert_eq!(w(0, 27, 5), (5, 0, false, false));
    }

    use super::*;
    use crate::analysis::rank::Ranking;
    use crate::analysis::totals::Totals;
    use crate::tui::history::History;
    use crate::tui::i18n::Lang;
    use crate::tui::screens::Copying;
    use ratatui::layout::Rect;

    fn env<'a>(history: &'a History, query: &'a Query) -> Env<'a> {
        Env {
            area: Rect::new(0, 0, 80, 24),
            lang: Lang::En,
            backend: None,
            history,
            query,
            copy: Copying {
                format: crate::output::export::Format::Tsv,
                header: false,
                csv_bom: false,
            },
        }
    }

    fn board(selected: usize) -> Board {
        Board {
            selected,
            totals: Totals {
                table: TableId::T3,
                groups: Vec::new(),
                left_out: Vec::new(),
            },
            ranking: Ranking {
                by: "x".into(),
                formula: None,
                descending: true,
                ranked: Vec::new(),
                not_ranked: Vec::new(),
            },
        }
    }

    #[test]
    fn only_the_answer_to_the_job_waited_for_is_taken() {
        let mut s = State::new(&Query::default());
        s.generation = 7;
        assert!(!s.receive(6, Ok(board(1))), "an older job");
        assert_eq!(s.answer, Answer::Computing);
        assert!(s.receive(7, Ok(board(2))));
        assert_eq!(s.board().map(|b| b.selected), Some(2));
        // Once answered, a second answer to the same job changes nothing.
        assert!(!s.receive(7, Ok(board(3))));
        assert_eq!(s.board().map(|b| b.selected), Some(2));
    }

    #[test]
    fn keys_change_the_settings_and_ask_again_without_showing_the_old_board() {
        let (h, q) = (History::default(), Query::default());
        let e = env(&h, &q);
        let mut s = State::new(&q);
        s.answer = Answer::Ready(Box::new(board(5)));
        let mut seen = Vec::new();
        for _ in 0..TABLES.len() {
            let out = s.handle(Action::NextTable, &e);
            assert!(matches!(out[..], [Outcome::Tally]));
            assert_eq!(s.answer, Answer::Computing, "the old board is not shown");
            seen.push(s.table);
        }
        assert_eq!(s.table, TableId::T3, "round the seven tables");
        seen.sort_by_key(|t| t.as_str());
        seen.dedup();
        assert_eq!(seen.len(), TABLES.len());
        s.handle(Action::PrevTable, &e);
        assert_eq!(s.table, TableId::T2_9);
        let n = s.measures.len();
        assert!(n >= 14, "ten metrics and four figures: {n}");
        s.handle(Action::PrevMeasure, &e);
        assert_eq!(s.by, n - 1);
        assert!(matches!(s.by(), By::Figure(_)));
        s.handle(Action::NextMeasure, &e);
        assert_eq!(s.by().name(), "予以公开率");
        assert!(s.descending);
        s.handle(Action::Reverse, &e);
        assert!(!s.descending);
        // Nothing to write or open while computing.
        let out = s.handle(Action::Export, &e);
        assert!(matches!(&out[..], [Outcome::Status(m)] if m.contains("still computing")));
        assert!(s.handle(Action::Open, &e).is_empty());
        assert!(matches!(s.handle(Action::Back, &e)[..], [Outcome::Pop]));
    }
}
