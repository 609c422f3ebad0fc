//! The sum of one table over the selected reports, by year and an optional group (place, kind),
//! with the number of reports counted, the reports left out and why, and pooled metrics.
//!
//! A report counts toward a table's total only whole: every cell read, none doubtful. A report
//! with one empty cell is left out and named, rather than adding a partial table to the sum.
//! The 2019 and 2021 shapes of table 3 differ in （六）其他处理 only: the sum keeps the 2021
//! sub-rows (over 2021 reports alone, flagged) and adds the row `（六）其他处理` that is the
//! 2019 row or the sum of the three 2021 sub-rows, comparable across both. Rows and columns of
//! section-二 tables that differ by template are kept apart, each with its own count.

use super::Entry;
use crate::report::metrics::{self, MetricValue};
use crate::report::place::Level;
use crate::report::template::{table3_rows, T3_COLUMNS};
use crate::report::TableId;
use crate::report::{CellStatus, Row, Table, Template, Text, Value};
use serde::Serialize;
use std::collections::BTreeMap;

/// What totals are grouped by, besides the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Province,
    City,
    County,
    Kind,
}

impl GroupBy {
    pub fn parse(s: &str) -> Option<GroupBy> {
        match s.trim() {
            "province" | "省" => Some(GroupBy::Province),
            "city" | "市" => Some(GroupBy::City),
            "county" | "县" | "区县" => Some(GroupBy::County),
            "kind" | "类型" => Some(GroupBy::Kind),
            _ => None,
        }
    }

    /// The group of a report; `(unknown)` where its name does not say.
    pub fn key(self, e: &Entry) -> String {
        let level = match self {
            GroupBy::Province => Level::Province,
            GroupBy::City => Level::City,
            GroupBy::County => Level::County,
            GroupBy::Kind => return e.kind.as_str().to_string(),
        };
        e.place
            .level(level)
            .map_or_else(|| UNKNOWN.to_string(), str::to_string)
    }
}

pub const UNKNOWN: &str = "(unknown)";
/// The row that maps 2019's （六）其他处理 onto 2021's three sub-rows.
pub const OTHER_COMBINED: &str = "（六）其他处理";
const OTHER_GROUP: &str = "（六）其他处理";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TotalRow {
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// One per column of [`GroupTotal::columns`]; `null` where no counted report has the cell.
    pub values: Vec<Option<Value>>,
    /// Reports summed in each cell.
    pub n: Vec<usize>,
    /// How the row maps across templates, where it does not simply exist in both.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupTotal {
    pub year: Option<i32>,
    /// The place or kind, when grouped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Reports counted (whole tables summed).
    pub n: usize,
    pub columns: Vec<String>,
    pub rows: Vec<TotalRow>,
    /// Pooled over the counted reports: summed numerators over summed denominators of those
    /// whose cells the metric needs (table 4 may lack), their number in `reports`.
    pub metrics: Vec<PooledMetric>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PooledMetric {
    #[serde(flatten)]
    pub value: MetricValue,
    pub reports: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    pub path: String,
    pub agency: String,
    pub year: Option<i32>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    pub table: TableId,
    pub groups: Vec<GroupTotal>,
    pub left_out: Vec<LeftOut>,
}

/// Why a report's table is not counted, or `None` if it is.
pub fn why_left_out(e: &Entry, table: TableId) -> Option<String> {
    let Some(t) = e.table(table) else {
        return Some(format!("no table {table}"));
    };
    if e.year.is_none() {
        return Some("no year".into());
    }
    for r in &t.rows {
        for (c, v) in r.values.iter().enumerate() {
            let col = t.columns.get(c).map_or("", |c| c.as_ref());
            let status = r.status.get(c).copied();
            if v.is_none() {
                let what = match status {
                    Some(CellStatus::Na) => "not applicable",
                    Some(CellStatus::Blank) => "blank",
                    _ => "empty",
                };
                return Some(format!("{} {col} is {what}", shown_label(r)));
            }
            if status == Some(CellStatus::Doubtful) {
                return Some(format!("{} {col} is doubtful", shown_label(r)));
            }
        }
    }
    None
}

fn shown_label(r: &Row) -> String {
    match (&r.group, r.label.as_ref()) {
        (_, "") => "the row".to_string(),
        (Some(g), l) => format!("{g} {l}"),
        (None, l) => l.to_string(),
    }
}

/// One group's running sums, keyed by row and column label.
#[derive(Default)]
struct Acc {
    n: usize,
    rows: Vec<(String, Option<String>)>,
    columns: Vec<String>,
    /// By row, then column: the sum, whether a decimal was added, the reports added.
    cells: Vec<Vec<Option<(f64, bool, usize)>>>,
    templates: BTreeMap<Template, usize>,
    entries: Vec<usize>,
    /// The row and column indexes of the last table added, by its labels: the tables of one
    /// template have the same labels, so most tables are mapped by one comparison per row.
    last_map: Option<(Vec<usize>, Vec<usize>)>,
}

impl Acc {
    fn row_index(&mut self, label: &str, group: Option<&str>) -> usize {
        match self
            .rows
            .iter()
            .position(|(l, g)| l == label && g.as_deref() == group)
        {
            Some(i) => i,
            None => {
                self.rows.push((label.to_string(), group.map(String::from)));
                self.rows.len() - 1
            }
        }
    }
    fn col_index(&mut self, name: &str) -> usize {
        match self.columns.iter().position(|c| c == name) {
            Some(i) => i,
            None => {
                self.columns.push(name.to_string());
                self.columns.len() - 1
            }
        }
    }
    fn add(&mut self, r: usize, c: usize, v: Value) {
        if self.cells.len() <= r {
            self.cells.resize(r + 1, Vec::new());
        }
        let row = &mut self.cells[r];
        if row.len() <= c {
            row.resize(c + 1, None);
        }
        let cell = row[c].get_or_insert((0.0, false, 0));
        cell.0 += v.as_f64();
        cell.1 |= matches!(v, Value::Dec(_));
        cell.2 += 1;
    }

    fn cell(&self, r: usize, c: usize) -> Option<&(f64, bool, usize)> {
        self.cells
            .get(r)
            .and_then(|row| row.get(c))
            .and_then(Option::as_ref)
    }

    /// Where `t`'s rows and columns go in this group.
    fn map(&mut self, t: &Table) -> (Vec<usize>, Vec<usize>) {
        if let Some((rows, cols)) = &self.last_map {
            let same = rows.len() == t.rows.len()
                && cols.len() == t.columns.len()
                && t.rows.iter().zip(rows).all(|(r, &i)| {
                    let (l, g) = &self.rows[i];
                    *l == r.label && g.as_deref() == r.group.as_deref()
                })
                && t.columns
                    .iter()
                    .zip(cols)
                    .all(|(c, &i)| self.columns[i] == *c);
            if same {
                return (rows.clone(), cols.clone());
            }
        }
        let rows: Vec<usize> = t
            .rows
            .iter()
            .map(|r| self.row_index(&r.label, r.group.as_deref()))
            .collect();
        let cols: Vec<usize> = t.columns.iter().map(|c| self.col_index(c)).collect();
        self.last_map = Some((rows.clone(), cols.clone()));
        (rows, cols)
    }
}

/// Table `table` summed over `entries`, per year (and group).
pub fn totals(entries: &[Entry], table: TableId, by: Option<GroupBy>, min_cases: f64) -> Totals {
    let mut groups: BTreeMap<(Option<i32>, Option<String>), Acc> = BTreeMap::new();
    let mut left_out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if let Some(reason) = why_left_out(e, table) {
            left_out.push(LeftOut {
                path: e.path.clone(),
                agency: e.agency.clone(),
                year: e.year,
                reason,
            });
            continue;
        }
        let Some(t) = e.table(table) else { continue };
        let key = (e.year, by.map(|b| b.key(e)));
        let acc = groups.entry(key).or_default();
        if acc.rows.is_empty() && table == "3" {
            // Rows in the 2021 order, the combined （六） row before its sub-rows.
            for spec in table3_rows(Template::T2021) {
                if spec.group == Some(OTHER_GROUP)
                    && !acc.rows.iter().any(|r| r.0 == OTHER_COMBINED)
                {
                    acc.row_index(OTHER_COMBINED, None);
                }
                acc.row_index(spec.label, spec.group);
            }
            for c in T3_COLUMNS {
                acc.col_index(c);
            }
        }
        acc.n += 1;
        acc.entries.push(i);
        *acc.templates.entry(e.template).or_default() += 1;
        let (row_at, cols) = acc.map(t);
        for (row, &r) in t.rows.iter().zip(&row_at) {
            for (c, v) in row.values.iter().enumerate() {
                if let (Some(v), Some(&ci)) = (v, cols.get(c)) {
                    acc.add(r, ci, *v);
                }
            }
        }
        if table == "3" && e.template != Template::T2019 {
            // 2021's three （六） sub-rows make the combined row.
            let combined = acc.row_index(OTHER_COMBINED, None);
            for (c, _) in t.columns.iter().enumerate() {
                let sum: Option<Value> = t
                    .rows
                    .iter()
                    .filter(|r| r.group.as_deref() == Some(OTHER_GROUP))
                    .map(|r| r.values.get(c).copied().flatten())
                    .try_fold(Value::Int(0), |a, v| {
                        v.map(|v| match (a, v) {
                            (Value::Int(x), Value::Int(y)) => Value::Int(x + y),
                            (a, v) => Value::Dec(a.as_f64() + v.as_f64()),
                        })
                    });
                if let (Some(v), Some(&ci)) = (sum, cols.get(c)) {
                    acc.add(combined, ci, v);
                }
            }
        }
    }
    let groups = groups
        .into_iter()
        .map(|((year, group), acc)| finish(year, group, acc, entries, table, min_cases))
        .collect();
    Totals {
        table,
        groups,
        left_out,
    }
}

fn finish(
    year: Option<i32>,
    group: Option<String>,
    acc: Acc,
    entries: &[Entry],
    table: TableId,
    min_cases: f64,
) -> GroupTotal {
    let mixed = acc.templates.len() > 1;
    let rows = acc
        .rows
        .iter()
        .enumerate()
        .filter_map(|(r, (label, g))| {
            let cells: Vec<Option<&(f64, bool, usize)>> =
                (0..acc.columns.len()).map(|c| acc.cell(r, c)).collect();
            if cells.iter().all(Option::is_none) {
                return None;
            }
            let values = cells
                .iter()
                .map(|c| {
                    c.map(|&(s, dec, _)| {
                        if dec {
                            Value::Dec(s)
                        } else {
                            Value::Int(s as i64)
                        }
                    })
                })
                .collect();
            let n: Vec<usize> = cells.iter().map(|c| c.map_or(0, |x| x.2)).collect();
            let note = if table == "3" && label == OTHER_COMBINED && g.is_none() {
                Some(
                    "2019 （六）其他处理 = 2021 （六） 1.+2.+3.: comparable across templates"
                        .into(),
                )
            } else if table == "3" && g.as_deref() == Some(OTHER_GROUP) && mixed {
                Some(format!(
                    "2021 template only: {} of {} reports",
                    n.iter().max().copied().unwrap_or(0),
                    acc.n
                ))
            } else if n.iter().any(|&k| k != acc.n) {
                Some(format!(
                    "in {} of {} reports (the templates differ)",
                    n.iter().max().copied().unwrap_or(0),
                    acc.n
                ))
            } else {
                None
            };
            Some(TotalRow {
                label: label.clone(),
                group: g.clone(),
                values,
                n,
                note,
            })
        })
        .collect();
    let metrics = metrics::METRICS
        .iter()
        .map(|m| pooled(m, acc.entries.iter().map(|&i| &entries[i]), min_cases))
        .collect();
    GroupTotal {
        year,
        group,
        n: acc.n,
        columns: acc.columns,
        rows,
        metrics,
    }
}

/// A metric pooled over reports: the summed numerators over the summed denominators of the
/// reports where both are known.
pub fn pooled<'a>(
    m: &'static metrics::Metric,
    entries: impl Iterator<Item = &'a Entry>,
    min_cases: f64,
) -> PooledMetric {
    let (mut num, mut den, mut k) = (0.0, 0.0, 0);
    for e in entries {
        if let (Some(a), Some(b)) = metrics::parts(m, &e.tables) {
            num += a;
            den += b;
            k += 1;
        }
    }
    let value = (k > 0 && den > 0.0).then(|| num / den * 100.0);
    let reason = if k == 0 {
        Some("no report has the cells".to_string())
    } else if den <= 0.0 {
        Some("no cases (the denominator is 0)".to_string())
    } else {
        None
    };
    PooledMetric {
        value: MetricValue {
            key: m.key,
            name: m.name,
            value,
            numerator: (k > 0).then_some(num),
            cases: (k > 0).then_some(den),
            small: value.is_some() && den < min_cases,
            reason,
            cells: Vec::new(),
        },
        reports: k,
    }
}

/// A table of sums as a [`Table`], for the grid printers.
pub fn as_table(g: &GroupTotal, id: TableId) -> Table {
    Table {
        id,
        title: Text::Borrowed(""),
        columns: g.columns.iter().map(|c| Text::Owned(c.clone())).collect(),
        rows: g
            .rows
            .iter()
            .map(|r| Row {
                label: Text::Owned(r.label.clone()),
                group: r.group.clone().map(Text::Owned),
                values: r.values.clone(),
                status: Vec::new(),
            })
            .collect(),
        page: None,
    }
}
