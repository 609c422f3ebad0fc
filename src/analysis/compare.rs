//! One table of one agency across its years, side by side: each cell's value per year, which
//! cells changed from the year before, and the cross-year rule on the cells it concerns.

use super::Entry;
use crate::report::checks::{self, CARRIED_IN};
use crate::report::{CellStatus, TableId, Template, Text, Value};
use serde::Serialize;

/// The cross-year rule on one cell of `二、上年结转`: equal to last year's `四、结转下年度`?
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrossMark {
    /// `None`: a cell is empty, not assessable.
    pub ok: Option<bool>,
    /// Last year's 四、结转下年度继续办理 in this column.
    pub last: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareCell {
    pub row: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub column: String,
    /// One per year of [`Comparison::years`].
    pub values: Vec<Option<Value>>,
    /// Whether the year's table has this row and column (2019 and 2021 differ in places).
    pub present: Vec<bool>,
    /// Whether the value differs from the year before it in the comparison (both present).
    pub changed: Vec<bool>,
    /// The cell's status per year, where the reader recorded one.
    pub status: Vec<Option<CellStatus>>,
    /// The cross-year rule, on 二、上年结转 cells of a year that follows the one before it.
    pub cross: Vec<Option<CrossMark>>,
}

impl CompareCell {
    pub fn any_changed(&self) -> bool {
        self.changed.iter().any(|&c| c)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub agency: String,
    pub table: TableId,
    pub years: Vec<i32>,
    pub paths: Vec<String>,
    pub templates: Vec<Template>,
    /// Row by row, then column by column.
    pub cells: Vec<CompareCell>,
    /// Why there is nothing to compare, or what was set aside (a second report for a year).
    pub notes: Vec<String>,
}

impl Comparison {
    /// Whether there are at least two years to compare.
    pub fn is_comparable(&self) -> bool {
        self.years.len() >= 2
    }

    /// The indices of the cells that changed in any year, in order.
    pub fn changed_cells(&self) -> Vec<usize> {
        (0..self.cells.len())
            .filter(|&i| self.cells[i].any_changed())
            .collect()
    }

    /// The columns of the table, in order.
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for c in &self.cells {
            if !out.contains(&c.column.as_str()) {
                out.push(&c.column);
            }
        }
        out
    }
}

/// Compares table `table` over the reports of one agency in `entries` (those outside
/// `years` are left out). One report a year: the first by path; others are noted.
pub fn compare(
    agency: &str,
    entries: &[Entry],
    table: TableId,
    years: Option<(i32, i32)>,
) -> Comparison {
    compare_with(agency, entries, table, years, &[])
}

/// [`compare`], taking for a year with two reports the one whose path is in `prefer`.
pub fn compare_with(
    agency: &str,
    entries: &[Entry],
    table: TableId,
    years: Option<(i32, i32)>,
    prefer: &[String],
) -> Comparison {
    let mut chosen: Vec<&Entry> = Vec::new();
    let mut notes = Vec::new();
    let mut mine: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.agency == agency)
        .filter(|e| match (years, e.year) {
            (_, None) => false,
            (None, _) => true,
            (Some((lo, hi)), Some(y)) => y >= lo && y <= hi,
        })
        .collect();
    let unwanted = |e: &Entry| !prefer.contains(&e.path);
    mine.sort_by(|a, b| (a.year, unwanted(a), &a.path).cmp(&(b.year, unwanted(b), &b.path)));
    for e in mine {
        if chosen.last().is_some_and(|l| l.year == e.year) {
            notes.push(format!(
                "{} also has {} for {}; compared: {} (choose with --pick PATH)",
                agency,
                e.path,
                e.year.unwrap_or(0),
                chosen.last().map_or("", |l| l.path.as_str())
            ));
            continue;
        }
        chosen.push(e);
    }
    let without: Vec<i32> = chosen
        .iter()
        .filter(|e| e.table(table).is_none())
        .filter_map(|e| e.year)
        .collect();
    if !without.is_empty() {
        notes.push(format!(
            "no table {table} in the report of {}",
            without
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // Rows and columns in first-seen order over the years, latest template first so that the
    // 2021 shape leads and 2019-only rows follow.
    let mut rows: Vec<(Text, Option<Text>)> = Vec::new();
    let mut cols: Vec<Text> = Vec::new();
    for e in chosen.iter().rev() {
        if let Some(t) = e.table(table) {
            for r in &t.rows {
                let key = (r.label.clone(), r.group.clone());
                if !rows.contains(&key) {
                    rows.push(key);
                }
            }
            for c in &t.columns {
                if !cols.contains(c) {
                    cols.push(c.clone());
                }
            }
        }
    }
    let n = chosen.len();
    let mut cells = Vec::new();
    for (label, group) in &rows {
        for col in &cols {
            let mut cell = CompareCell {
                row: label.to_string(),
                group: group.as_deref().map(str::to_string),
                column: col.to_string(),
                values: vec![None; n],
                present: vec![false; n],
                changed: vec![false; n],
                status: vec![None; n],
                cross: vec![None; n],
            };
            for (i, e) in chosen.iter().enumerate() {
                let Some(t) = e.table(table) else { continue };
                let (Some(r), Some(c)) = (
                    t.rows
                        .iter()
                        .find(|r| &r.label == label && &r.group == group),
                    t.columns.iter().position(|x| x == col),
                ) else {
                    continue;
                };
                cell.present[i] = true;
                cell.values[i] = r.values.get(c).copied().flatten();
                cell.status[i] = r.status.get(c).copied();
            }
            for i in 1..n {
                cell.changed[i] = cell.present[i]
                    && cell.present[i - 1]
                    && !same(cell.values[i], cell.values[i - 1]);
            }
            cells.push(cell);
        }
    }
    if table == "3" {
        for i in 1..n {
            let (last, this) = (chosen[i - 1], chosen[i]);
            if last.year.map(|y| y + 1) != this.year {
                continue;
            }
            let (Some(tl), Some(tt)) = (last.table(TableId::T3), this.table(TableId::T3)) else {
                continue;
            };
            for x in checks::across_years(tl, tt) {
                if let Some(cell) = cells
                    .iter_mut()
                    .find(|c| c.row == CARRIED_IN && c.column == x.column_name)
                {
                    cell.cross[i] = Some(CrossMark {
                        ok: x.ok,
                        last: x.last,
                    });
                }
            }
        }
    }
    if n < 2 {
        notes.insert(
            0,
            match n {
                0 => format!("{agency} has no report with a year in the range asked"),
                _ => format!(
                    "{agency} has one year ({}): nothing to compare it with",
                    chosen[0].year.unwrap_or(0)
                ),
            },
        );
    }
    Comparison {
        agency: agency.to_string(),
        table,
        years: chosen.iter().filter_map(|e| e.year).collect(),
        paths: chosen.iter().map(|e| e.path.clone()).collect(),
        templates: chosen.iter().map(|e| e.template).collect(),
        cells,
        notes,
    }
}

fn same(a: Option<Value>, b: Option<Value>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x.as_f64() == y.as_f64(),
        (None, None) => true,
        _ => false,
    }
}
