//! The compare screen: one table of one agency across its years, a column at a time, changes
//! marked (`n` / `N` to the next), `w` writing the comparison to a CSV file.

use super::Effect;
use super::{Env, Handler, Outcome};
use crate::analysis::compare::Comparison;
use crate::analysis::{entry, Entry};
use crate::index::Backend;
use crate::report::{PlaceMap, Value};
use crate::tui::keys::{Action, Ctx};
use std::path::PathBuf;

/// One table of one agency across its years; the grid shows one column of the table at a time
/// (rows down, years across) and the cursor walks its rows.
pub struct State {
    pub cmp: Comparison,
    /// Which of the table's columns is shown.
    pub column: usize,
    /// The cursor: a row among [`State::visible`].
    pub cur: usize,
    /// First shown row.
    pub offset: usize,
}

impl State {
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
pub(super) fn agency_entries(backend: &dyn Backend, agency: &str) -> Vec<Entry> {
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
pub(crate) fn file_part(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .map(|c| if "/\\:*?\"<>|".contains(c) { '_' } else { c })
        .collect()
}

impl Handler for State {
    fn ctx(&self) -> Ctx {
        Ctx::Compare
    }

    fn handle(&mut self, a: Action, env: &Env) -> Vec<Outcome> {
        let page = env.area.height.saturating_sub(8).max(1) as usize;
        let c = self;
        let n = c.visible().len();
        let ncols = if c.one_row() { 1 } else { c.columns().len() };
        let mut out = Vec::new();
        match a {
            Action::Back => return vec![Outcome::Pop],
            Action::Down => c.cur = (c.cur + 1).min(n.saturating_sub(1)),
            Action::Up => c.cur = c.cur.saturating_sub(1),
            Action::PageDown => c.cur = (c.cur + page).min(n.saturating_sub(1)),
            Action::PageUp => c.cur = c.cur.saturating_sub(page),
            Action::Right if ncols > 0 => c.column = (c.column + 1) % ncols,
            Action::Left if ncols > 0 => c.column = (c.column + ncols - 1) % ncols,
            Action::NextMatch | Action::PrevMatch if !c.jump_diff(a == Action::NextMatch) => {
                out.push(Outcome::Status("no figure changed over these years".into()));
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
                return vec![Outcome::Effect(Effect::Write { path, text })];
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
        out
    }

    fn crumb(&self) -> Option<String> {
        Some(format!("表{} 逐年对比", self.cmp.table))
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
