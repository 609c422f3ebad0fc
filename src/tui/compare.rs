//! The browser across years: the compare screen's state and keys, `[` `]` from a table to the
//! same table of the year before or after (cursor kept), and `w` exporting what is shown.

use super::keys::Action;
use super::state::{App, Effect, Screen, TableState};
use crate::analysis::compare::{compare, Comparison};
use crate::analysis::{entry, Entry};
use crate::index::Backend;
use crate::report::{PlaceMap, TableId, Value};
use std::path::PathBuf;

/// One table of one agency across its years; the grid shows one column of the table at a time
/// (rows down, years across) and the cursor walks its rows.
pub struct CompareState {
    pub cmp: Comparison,
    /// Which of the table's columns is shown.
    pub column: usize,
    /// The cursor: a row among [`CompareState::visible`].
    pub cur: usize,
    /// First shown row.
    pub offset: usize,
}

impl CompareState {
    pub fn columns(&self) -> Vec<&str> {
        self.cmp.columns()
    }

    /// Indices into `cmp.cells` of the shown column's cells, in row order. A table with one
    /// row (table 4) shows all its columns as rows instead.
    pub fn visible(&self) -> Vec<usize> {
        if self.one_row() {
            return (0..self.cmp.cells.len()).collect();
        }
        let cols = self.columns();
        let Some(col) = cols.get(self.column) else {
            return Vec::new();
        };
        (0..self.cmp.cells.len())
            .filter(|&i| self.cmp.cells[i].column == *col)
            .collect()
    }

    pub fn one_row(&self) -> bool {
        let first = self.cmp.cells.first().map(|c| c.row.as_str());
        self.cmp.cells.iter().all(|c| Some(c.row.as_str()) == first)
    }

    /// The cursor's cell's values over the years (for the sparkline).
    pub fn series(&self) -> Vec<Option<Value>> {
        self.visible()
            .get(self.cur)
            .map(|&i| self.cmp.cells[i].values.clone())
            .unwrap_or_default()
    }

    /// Moves the cursor to the next (or previous) shown row with a changed figure, wrapping
    /// around; false when no row changed.
    pub fn jump_diff(&mut self, forward: bool) -> bool {
        let vis = self.visible();
        let n = vis.len();
        for step in 1..=n {
            let i = if forward {
                (self.cur + step) % n
            } else {
                (self.cur + n * 2 - step) % n
            };
            if self.cmp.cells[vis[i]].any_changed() {
                self.cur = i;
                return true;
            }
        }
        false
    }

    /// The comparison as CSV: one line per cell, one column per year, and a `changed` list.
    pub fn csv(&self) -> String {
        use crate::output::export::csv_field;
        let mut out = String::new();
        let mut head = vec!["row".to_string(), "group".into(), "column".into()];
        head.extend(self.cmp.years.iter().map(i32::to_string));
        head.push("changed in".into());
        out.push_str(&head.join(","));
        out.push_str("\r\n");
        for c in &self.cmp.cells {
            let mut line = vec![
                csv_field(&c.row),
                csv_field(c.group.as_deref().unwrap_or("")),
                csv_field(&c.column),
            ];
            line.extend(
                c.values
                    .iter()
                    .map(|v| v.map_or(String::new(), |v| v.to_string())),
            );
            let changed: Vec<String> = self
                .cmp
                .years
                .iter()
                .zip(&c.changed)
                .filter(|(_, &ch)| ch)
                .map(|(y, _)| y.to_string())
                .collect();
            line.push(changed.join(" "));
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

/// The reports of `agency` as entries for work across years, read through the backend.
fn agency_entries(backend: &dyn Backend, agency: &str) -> Vec<Entry> {
    let places = PlaceMap::default();
    backend
        .find(agency, None)
        .iter()
        .filter_map(|p| backend.report(&p.path).ok())
        .map(|mut r| {
            r.agency = Some(agency.to_string());
            entry(r, String::new(), &places)
        })
        .collect()
}

/// A file name from report text: no path separators, no control characters.
fn file_part(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .map(|c| if "/\\:*?\"<>|".contains(c) { '_' } else { c })
        .collect()
}

/// Where the table screen is: agency, year, table id, cursor.
type TablePlace = (String, Option<i32>, TableId, (usize, usize));

impl App {
    fn table_agency(&self) -> Option<TablePlace> {
        match self.screens.last() {
            Some(Screen::Table(t)) => Some((t.agency.clone()?, t.year, t.table.id, t.cur)),
            _ => None,
        }
    }

    /// The table screen's keys across reports: compare, the year before / after, export.
    pub(super) fn act_table_across(&mut self, a: Action) {
        let Some(backend) = self.backend() else {
            return;
        };
        let Some((agency, year, table, cur)) = self.table_agency() else {
            self.status = Some("this report has no agency: nothing to compare".into());
            return;
        };
        match a {
            Action::Compare => {
                let cmp = compare(&agency, &agency_entries(&*backend, &agency), table, None);
                // Start on the cursor's row and column where the table has them.
                let (row, col) = match self.screens.last() {
                    Some(Screen::Table(t)) if !t.turned => (
                        t.table.rows.get(cur.0).map(|r| r.label.clone()),
                        t.table.columns.get(cur.1).cloned(),
                    ),
                    _ => (None, None),
                };
                let mut st = CompareState {
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
                self.screens.push(Screen::Compare(Box::new(st)));
            }
            Action::PrevYear | Action::NextYear => {
                let Some(y) = year else { return };
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
                    self.status = Some(format!(
                        "{agency}: no report {} {y}",
                        if a == Action::PrevYear {
                            "before"
                        } else {
                            "after"
                        }
                    ));
                    return;
                };
                let Ok(report) = backend.report(&path) else {
                    return;
                };
                let Some(t) = report.table(table) else {
                    self.status = Some(format!("{agency} {ty}: no table {table}"));
                    return;
                };
                let mut ts = TableState::new(&report, t);
                ts.cur = (
                    cur.0.min(ts.table.rows.len().saturating_sub(1)),
                    cur.1.min(ts.table.columns.len().saturating_sub(1)),
                );
                if let Some(s) = self.screens.last_mut() {
                    *s = Screen::Table(Box::new(ts));
                }
                self.status = Some(format!("{agency} {ty} · 表{table}"));
            }
            Action::Export => {
                let Some(Screen::Table(t)) = self.screens.last() else {
                    return;
                };
                let text =
                    crate::output::export::table(&t.table, crate::output::export::Format::Csv);
                let path = PathBuf::from(format!(
                    "nianbao-{}-{}-表{}.csv",
                    file_part(&agency),
                    year.map_or("?".into(), |y| y.to_string()),
                    table
                ));
                self.effects.push(Effect::Write { path, text });
            }
            _ => {}
        }
    }

    /// Keys of the compare screen.
    pub(super) fn act_compare(&mut self, a: Action) {
        let page = self.size.1.saturating_sub(8).max(1) as usize;
        let Some(Screen::Compare(c)) = self.screens.last_mut() else {
            return;
        };
        let n = c.visible().len();
        let ncols = if c.one_row() { 1 } else { c.columns().len() };
        match a {
            Action::Down => c.cur = (c.cur + 1).min(n.saturating_sub(1)),
            Action::Up => c.cur = c.cur.saturating_sub(1),
            Action::PageDown => c.cur = (c.cur + page).min(n.saturating_sub(1)),
            Action::PageUp => c.cur = c.cur.saturating_sub(page),
            Action::Right if ncols > 0 => c.column = (c.column + 1) % ncols,
            Action::Left if ncols > 0 => c.column = (c.column + ncols - 1) % ncols,
            Action::NextMatch | Action::PrevMatch if !c.jump_diff(a == Action::NextMatch) => {
                self.status = Some("no figure changed over these years".into());
            }
            Action::Export => {
                let path = PathBuf::from(format!(
                    "nianbao-{}-表{}-{}.csv",
                    file_part(&c.cmp.agency),
                    c.cmp.table,
                    c.cmp
                        .years
                        .iter()
                        .map(i32::to_string)
                        .collect::<Vec<_>>()
                        .join("_")
                ));
                let text = c.csv();
                self.effects.push(Effect::Write { path, text });
                return;
            }
            _ => {}
        }
        // Keep the cursor on screen.
        let shown = page;
        if c.cur < c.offset {
            c.offset = c.cur;
        } else if c.cur >= c.offset + shown {
            c.offset = c.cur + 1 - shown;
        }
    }
}

/// Writes an export (under a temporary name, then renamed) and says how it went, for the
/// status line.
pub fn write_export(path: &std::path::Path, text: &str) -> String {
    match crate::output::dataset::write_atomic(path, |w| w.write_all(text.as_bytes())) {
        Ok(()) => format!("written to {}", path.display()),
        Err(e) => e.to_string(),
    }
}
