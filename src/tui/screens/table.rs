//! The table screen: one table as a grid with a cell cursor, selections and copies, failed
//! checks marked; `c` compares it across the agency's years, `[` `]` step to the year before
//! or after, `w` writes it to a CSV file.

use super::compare::{self, agency_entries, file_part};
use super::{report_label, Effect, Screen};
use super::{Env, Handler, Outcome};
use crate::analysis::compare::compare;
use crate::output::export;
use crate::output::export::Selection;
use crate::report::{Report, Table};
use crate::tui::keys::{Action, Ctx};
use crate::tui::layout;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use std::collections::HashSet;
use std::path::PathBuf;

pub struct State {
    /// The table as shown (and copied): table 4 turned, the others as they are.
    pub table: Table,
    /// `table` is the report's table turned on its side.
    pub turned: bool,
    /// Agency and year, for the breadcrumbs.
    pub report_label: String,
    /// The report's source file (its path as indexed), for `o`.
    pub path: String,
    /// Cells read by a failed check: (row, col).
    pub failed: HashSet<(usize, usize)>,
    /// Rules that failed on this table, with whose the failure probably is, for the footer.
    pub failed_rules: Vec<String>,
    /// What the parser said about this table (a row split by arithmetic, not found…).
    pub warnings: Vec<String>,
    /// (row, col) of the cell cursor.
    pub cur: (usize, usize),
    /// The other corner of the selection while one is being made.
    pub anchor: Option<(usize, usize)>,
    /// First shown (row, column) of the scrolling part of the grid.
    pub offsets: (usize, usize),
    /// A mouse drag is selecting.
    pub dragging: bool,
    /// The report's agency and year, for stepping to other years and comparing.
    pub agency: Option<String>,
    pub year: Option<i32>,
}

impl State {
    pub fn new(report: &Report, table: &Table) -> State {
        // Table 4 turned on its side: its fifteen headers become readable row labels.
        let turn = crate::output::turn::wants_turning(table);
        let mut failed = HashSet::new();
        let mut failed_rules = Vec::new();
        for c in report.failed_checks() {
            if c.cells.iter().any(|r| r.table == table.id) {
                failed_rules.push(match c.blame {
                    Some(b) => format!("{} — {}", c.rule, b.explain()),
                    None => c.rule.clone(),
                });
                failed.extend(c.cells.iter().filter(|r| r.table == table.id).map(|r| {
                    if turn {
                        (r.col, r.row)
                    } else {
                        (r.row, r.col)
                    }
                }));
            }
        }
        State {
            table: if turn {
                crate::output::turn::turned(table)
            } else {
                table.clone()
            },
            turned: turn,
            report_label: report_label(report),
            path: report.path.clone(),
            failed,
            failed_rules,
            warnings: crate::output::summary::table_warnings(report, table.id)
                .map(|w| w.text.clone())
                .collect(),
            cur: (0, 0),
            anchor: None,
            offsets: (0, 0),
            dragging: false,
            agency: report.agency.clone(),
            year: report.year,
        }
    }

    /// Lines under the grid: failed rules, warnings and the legend of the marks.
    pub fn notes(&self) -> usize {
        self.failed_rules.len() + self.warnings.len() + 1
    }

    /// The selected rectangle, or the cursor's cell when nothing is selected.
    pub fn selection(&self) -> Selection {
        let a = self.anchor.unwrap_or(self.cur);
        Selection {
            r0: a.0.min(self.cur.0),
            r1: a.0.max(self.cur.0),
            c0: a.1.min(self.cur.1),
            c1: a.1.max(self.cur.1),
        }
    }

    pub fn is_selected(&self, r: usize, c: usize) -> bool {
        let s = self.selection();
        self.anchor.is_some() && (s.r0..=s.r1).contains(&r) && (s.c0..=s.c1).contains(&c)
    }
}

impl State {
    fn grid_area(&self, area: Rect) -> Rect {
        layout::table(area, self.notes()).grid
    }

    /// Scrolls so that the cursor's cell is in view.
    fn fit(&mut self, area: Rect) {
        let grid = self.grid_area(area);
        self.offsets = layout::fit_offsets(&self.table, grid, self.cur, self.offsets);
    }

    /// The keys across reports: compare, the year before / after, export.
    fn across(&mut self, a: Action, env: &Env) -> Vec<Outcome> {
        let Some(backend) = env.backend else {
            return Vec::new();
        };
        let Some(agency) = self.agency.clone() else {
            return vec![Outcome::Status(
                "this report has no agency: nothing to compare".into(),
            )];
        };
        let (year, table, cur) = (self.year, self.table.id, self.cur);
        match a {
            Action::Compare => {
                let cmp = compare(&agency, &agency_entries(backend, &agency), table, None);
                // Start on the cursor's row and column where the table has them.
                let (row, col) = if self.turned {
                    (None, None)
                } else {
                    (
                        self.table.rows.get(cur.0).map(|r| r.label.clone()),
                        self.table.columns.get(cur.1).cloned(),
                    )
                };
                let mut st = compare::State {
                    cmp,
                    column: 0,
                    cur: 0,
                    offset: 0,
                };
                if let Some(c) = col.and_then(|c| st.columns().iter().position(|x| *x == c)) {
                    st.column = c;
                }
                if let Some(r) = row {
                    let vis = st.visible();
                    if let Some(i) = vis.iter().position(|&i| st.cmp.cells[i].row == r) {
                        st.cur = i;
                    }
                }
                return vec![Outcome::Push(Screen::Compare(Box::new(st)))];
            }
            Action::PrevYear | Action::NextYear => {
                let Some(y) = year else {
                    return Vec::new();
                };
                let mut years: Vec<(i32, String)> = backend
                    .find(&agency, None)
                    .into_iter()
                    .filter_map(|r| Some((r.year?, r.path)))
                    .collect();
                years.sort();
                let target = if a == Action::PrevYear {
                    years.iter().rev().find(|(x, _)| *x < y)
                } else {
                    years.iter().find(|(x, _)| *x > y)
                };
                let Some((ty, path)) = target.cloned() else {
                    return vec![Outcome::Status(format!(
                        "{agency}: no report {} {y}",
                        if a == Action::PrevYear {
                            "before"
                        } else {
                            "after"
                        }
                    ))];
                };
                let Ok(report) = backend.report(&path) else {
                    return Vec::new();
                };
                let Some(t) = report.table(table) else {
                    return vec![Outcome::Status(format!("{agency} {ty}: no table {table}"))];
                };
                let mut ts = State::new(&report, t);
                ts.cur = (
                    cur.0.min(ts.table.rows.len().saturating_sub(1)),
                    cur.1.min(ts.table.columns.len().saturating_sub(1)),
                );
                ts.fit(env.area);
                return vec![
                    Outcome::Replace(Screen::Table(Box::new(ts))),
                    Outcome::Status(format!("{agency} {ty} · 表{table}")),
                ];
            }
            Action::Export => {
                let text = export::table(&self.table, export::Format::Csv);
                let path = PathBuf::from(format!(
                    "nianbao-{}-{}-表{}.csv",
                    file_part(&agency),
                    year.map_or("?".into(), |y| y.to_string()),
                    table
                ));
                return vec![Outcome::Effect(Effect::Write { path, text })];
            }
            _ => {}
        }
        Vec::new()
    }
}

impl Handler for State {
    fn ctx(&self) -> Ctx {
        Ctx::Table
    }

    fn handle(&mut self, a: Action, env: &Env) -> Vec<Outcome> {
        match a {
            // Esc clears the selection first, then goes back.
            Action::Back if self.anchor.take().is_some() => return Vec::new(),
            Action::Back => return vec![Outcome::Pop],
            Action::Compare | Action::PrevYear | Action::NextYear | Action::Export => {
                let out = self.across(a, env);
                self.fit(env.area);
                return out;
            }
            _ => {}
        }
        let page = self.grid_area(env.area).height.saturating_sub(1).max(1) as isize;
        let copy = env.copy;
        let t = &mut *self;
        let rows = t.table.rows.len();
        let cols = t.table.columns.len();
        if rows == 0 || cols == 0 {
            if a == Action::CopyTable {
                let text = export::table(&t.table, copy.format);
                let what = format!("table {} as {}", t.table.id, copy.format.name());
                return vec![Outcome::Effect(Effect::Copy { text, what })];
            }
            return Vec::new();
        }
        let mv = |t: &mut State, dr: isize, dc: isize| {
            t.cur.0 = (t.cur.0 as isize + dr).clamp(0, rows as isize - 1) as usize;
            t.cur.1 = (t.cur.1 as isize + dc).clamp(0, cols as isize - 1) as usize;
        };
        let extend = |t: &mut State, dr: isize, dc: isize| {
            if t.anchor.is_none() {
                t.anchor = Some(t.cur);
            }
            mv(t, dr, dc);
        };
        let mut out = Vec::new();
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
                let text = dress(export::cells(&t.table, sel, copy.format), t, copy);
                let what = format!(
                    "{}×{} cells as {}",
                    sel.rows(),
                    sel.cols(),
                    copy.format.name()
                );
                out.push(Outcome::Effect(Effect::Copy { text, what }));
            }
            Action::CopyTable => {
                let text = dress(export::table(&t.table, copy.format), t, copy);
                let what = format!("table {} as {}", t.table.id, copy.format.name());
                out.push(Outcome::Effect(Effect::Copy { text, what }));
            }
            _ => {}
        }
        t.fit(env.area);
        out
    }

    /// A click moves the cursor; a drag selects.
    fn mouse(&mut self, m: MouseEvent, env: &Env) -> Vec<Outcome> {
        if matches!(
            m.kind,
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp
        ) {
            return Vec::new();
        }
        let (x, y) = (m.column, m.row);
        let t = self;
        let grid = layout::table(env.area, t.notes()).grid;
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
        Vec::new()
    }

    /// After a resize every table on the stack is fitted (one under a report opened by go-to
    /// too), so none keeps offsets that hide columns beside empty space.
    fn resized(&mut self, area: Rect) {
        self.fit(area);
    }

    fn crumb(&self) -> Option<String> {
        Some(format!("表{} {}", self.table.id, self.table.title))
    }
}

/// A table copy as configured: the source line first (`copy.header`), and for CSV the
/// byte-order mark before everything (`copy.csv_bom`).
fn dress(body: String, t: &State, copy: super::Copying) -> String {
    let mut out = String::new();
    if copy.csv_bom && copy.format == export::Format::Csv {
        out.push_str(export::BOM);
    }
    if copy.header {
        let source = format!("{} 表{} {}", t.report_label, t.table.id, t.table.title);
        out.push_str(&export::source_line(copy.format, &source));
    }
    out.push_str(&body);
    out
}
