//! The arithmetic the template itself states (FORMAT.md §4), evaluated on one report's tables.

use super::model::{Blame, CellRef, CellStatus, Check, Table, TableId, Template, Value};
use super::template::{
    table3_total_rows, T3_COLUMNS, T3_FIRST_RESULT, T3_ROW_CARRIED_IN, T3_ROW_NEW,
};

/// Every rule of §4 that applies to the tables present, passed, failed or not assessable.
pub fn run(template: Template, tables: &[Table]) -> Vec<Check> {
    let mut checks = Vec::new();
    if let Some(t3) = tables.iter().find(|t| t.id == "3") {
        table3(template, t3, &mut checks);
    }
    if let Some(t4) = tables.iter().find(|t| t.id == "4") {
        table4(t4, &mut checks);
    }
    checks
}

fn cell(table: &Table, row: usize, col: usize) -> Option<Value> {
    table.rows.get(row)?.values.get(col).copied().flatten()
}

/// `left = right` where each side is a sum of cells; `None` when any cell is missing.
fn equation(
    rule: String,
    table: &Table,
    left: &[(usize, usize)],
    right: &[(usize, usize)],
) -> Check {
    let sum = |side: &[(usize, usize)]| -> Option<f64> {
        side.iter()
            .map(|&(r, c)| cell(table, r, c).map(Value::as_f64))
            .sum()
    };
    let cells: Vec<CellRef> = left
        .iter()
        .chain(right)
        .map(|&(row, col)| CellRef {
            table: table.id,
            row,
            col,
        })
        .collect();
    match (sum(left), sum(right)) {
        (Some(l), Some(r)) => {
            let ok = (l - r).abs() < 1e-6;
            let blame = (!ok).then(|| blame(table, &cells));
            Check {
                rule,
                ok: Some(ok),
                left: (!ok).then(|| as_value(l)),
                right: (!ok).then(|| as_value(r)),
                blame,
                cells,
            }
        }
        _ => Check {
            rule,
            ok: None,
            left: None,
            right: None,
            blame: None,
            cells,
        },
    }
}

/// Whose a failed rule probably is, from the statuses of the cells it reads: any cell that was
/// not read as written (inferred, OCR, doubtful) makes it our reading's.
fn blame(table: &Table, cells: &[CellRef]) -> Blame {
    let ours = cells.iter().any(|c| {
        table
            .rows
            .get(c.row)
            .and_then(|r| r.status.get(c.col))
            .is_some_and(|s| {
                matches!(
                    s,
                    CellStatus::Inferred | CellStatus::Ocr | CellStatus::Doubtful
                )
            })
    });
    if ours {
        Blame::Reading
    } else {
        Blame::Report
    }
}

/// The checks of `tables`, once their doubtful rows are marked: a rule that fails on a row
/// whose column order is `uncertain` marks that row doubtful, and the blame is then worked out
/// on the marked statuses.
pub fn assess(
    template: Template,
    tables: &mut [Table],
    uncertain: &[(TableId, usize)],
) -> Vec<Check> {
    let checks = run(template, tables);
    if mark_doubtful(tables, &checks, uncertain) {
        run(template, tables)
    } else {
        checks
    }
}

/// For a document read by OCR (FORMAT.md §7): every figure is marked `ocr` (and every cell OCR
/// found empty: `ocr` with no figure, as it may have missed one), and a figure is
/// kept only where the table's arithmetic holds: one that no passing rule reads, or that a
/// failing rule reads, is dropped (null, status still `ocr`), and the rules are run again
/// on what is left until every kept figure stands in a passing rule and in no failing one.
/// A table without rules (tables 1 and 2) keeps no OCR figure. Returns the final checks.
pub fn keep_ocr_where_arithmetic_holds(template: Template, tables: &mut [Table]) -> Vec<Check> {
    for t in tables.iter_mut() {
        for r in &mut t.rows {
            if r.status.len() != r.values.len() {
                // A row whose cells' origin was not recorded: nothing in it can be vouched for.
                r.values.iter_mut().for_each(|v| *v = None);
                continue;
            }
            for (v, s) in r.values.iter().zip(r.status.iter_mut()) {
                // A cell OCR found empty may hold a figure it missed: not known to be blank.
                if v.is_some() || *s == CellStatus::Blank {
                    *s = CellStatus::Ocr;
                }
            }
        }
    }
    loop {
        let checks = run(template, tables);
        let mut holds = std::collections::HashSet::new();
        let mut breaks = std::collections::HashSet::new();
        for c in &checks {
            let set = match c.ok {
                Some(true) => &mut holds,
                Some(false) => &mut breaks,
                None => continue,
            };
            set.extend(c.cells.iter().map(|x| (x.table, x.row, x.col)));
        }
        let mut dropped = false;
        for t in tables.iter_mut() {
            for (ri, r) in t.rows.iter_mut().enumerate() {
                for (ci, v) in r.values.iter_mut().enumerate() {
                    let key = (t.id, ri, ci);
                    if v.is_some() && (breaks.contains(&key) || !holds.contains(&key)) {
                        *v = None;
                        dropped = true;
                    }
                }
            }
        }
        if !dropped {
            return checks;
        }
    }
}

/// Marks doubtful the figures of every row that a failed rule reads and whose column order
/// was `uncertain` (FORMAT.md §7): a broken rule there is as likely our reading as the report.
/// Returns whether anything changed (the checks' blame must then be worked out again).
pub fn mark_doubtful(
    tables: &mut [Table],
    checks: &[Check],
    uncertain: &[(TableId, usize)],
) -> bool {
    let mut changed = false;
    for c in checks.iter().filter(|c| c.ok == Some(false)) {
        for cell in &c.cells {
            if !uncertain
                .iter()
                .any(|(t, r)| *t == cell.table && *r == cell.row)
            {
                continue;
            }
            let Some(row) = tables
                .iter_mut()
                .find(|t| t.id == cell.table)
                .and_then(|t| t.rows.get_mut(cell.row))
            else {
                continue;
            };
            for s in &mut row.status {
                if *s == CellStatus::Read {
                    *s = CellStatus::Doubtful;
                    changed = true;
                }
            }
        }
    }
    changed
}

fn as_value(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::Int(x as i64)
    } else {
        Value::Dec(x)
    }
}

fn table3(template: Template, t: &Table, out: &mut Vec<Check>) {
    let (total_row, carry_out_row) = table3_total_rows(template);
    if t.rows.len() <= carry_out_row {
        return;
    }
    let ncols = T3_COLUMNS.len();
    for (c, name) in T3_COLUMNS.iter().enumerate() {
        out.push(equation(
            format!("3: 一+二 = （七）+四 ({name})"),
            t,
            &[(T3_ROW_NEW, c), (T3_ROW_CARRIED_IN, c)],
            &[(total_row, c), (carry_out_row, c)],
        ));
    }
    for (c, name) in T3_COLUMNS.iter().enumerate() {
        let parts: Vec<_> = (T3_FIRST_RESULT..total_row).map(|r| (r, c)).collect();
        out.push(equation(
            format!("3: （七）总计 = （一）+…+（六） ({name})"),
            t,
            &[(total_row, c)],
            &parts,
        ));
    }
    for (r, row) in t.rows.iter().enumerate() {
        let parts: Vec<_> = (0..ncols - 1).map(|c| (r, c)).collect();
        out.push(equation(
            format!("3: 总计 = 自然人+法人或其他组织 ({})", row.label),
            t,
            &[(r, ncols - 1)],
            &parts,
        ));
    }
}

fn table4(t: &Table, out: &mut Vec<Check>) {
    if t.rows.is_empty() {
        return;
    }
    for (g, name) in [
        "行政复议",
        "行政诉讼 未经复议直接起诉",
        "行政诉讼 复议后起诉",
    ]
    .iter()
    .enumerate()
    {
        let base = g * 5;
        out.push(equation(
            format!("4: {name} 总计 = 结果维持+结果纠正+其他结果+尚未审结"),
            t,
            &[(0, base + 4)],
            &[(0, base), (0, base + 1), (0, base + 2), (0, base + 3)],
        ));
    }
}

/// Table 3's row that the cross-year rule reads in this year's report.
pub const CARRIED_IN: &str = "二、上年结转政府信息公开申请数量";
/// Table 3's row that the cross-year rule reads in last year's report.
pub const CARRIED_OUT: &str = "四、结转下年度继续办理";

/// One column of the rule across years (FORMAT.md §4): this year's 二、上年结转 = last year's
/// 四、结转下年度继续办理. Not a check of one report: it needs two of one agency.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossYear {
    pub column: usize,
    pub column_name: String,
    /// The row of 二、上年结转 in this year's table 3, for marking the cell.
    pub row: usize,
    /// `None` when either cell is empty: not assessable, never passed.
    pub ok: Option<bool>,
    /// This year's 二、上年结转.
    pub this: Option<Value>,
    /// Last year's 四、结转下年度继续办理.
    pub last: Option<Value>,
}

/// The cross-year rule on every column, passed or not, for two table 3s of one agency, `last`
/// the year before `this`. Empty when either table lacks its row.
pub fn across_years(last: &Table, this: &Table) -> Vec<CrossYear> {
    let Some(row) = this.rows.iter().position(|r| r.label == CARRIED_IN) else {
        return Vec::new();
    };
    let Some(cout) = last.row(CARRIED_OUT) else {
        return Vec::new();
    };
    let cin = &this.rows[row];
    this.columns
        .iter()
        .enumerate()
        .map(|(c, col)| {
            let this_v = cin.values.get(c).copied().flatten();
            let last_v = cout.values.get(c).copied().flatten();
            let ok = match (this_v, last_v) {
                (Some(a), Some(b)) => Some((a.as_f64() - b.as_f64()).abs() < 1e-9),
                _ => None,
            };
            CrossYear {
                column: c,
                column_name: col.to_string(),
                row,
                ok,
                this: this_v,
                last: last_v,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ocr_figures_are_kept_only_where_a_rule_holds() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/corpus/中卫市工业和信息化局/2024.txt"
        ))
        .unwrap();
        let read = crate::report::parse_text("2024.txt", &text);
        let mut tables = read.tables.clone();
        // A figure misread by OCR: 7 more than printed.
        let t3 = tables.iter_mut().find(|t| t.id == TableId::T3).unwrap();
        let printed = t3.rows[0].values[0].map(Value::as_f64).unwrap();
        t3.rows[0].values[0] = Some(Value::Int(printed as i64 + 7));
        let checks = keep_ocr_where_arithmetic_holds(read.template, &mut tables);
        assert!(checks.iter().all(|c| c.ok != Some(false)), "{checks:?}");
        let mut kept = 0;
        for (t, orig) in tables.iter().zip(&read.tables) {
            for (r, o) in t.rows.iter().zip(&orig.rows) {
                for (ci, v) in r.values.iter().enumerate() {
                    if let Some(v) = v {
                        assert!(t.id == TableId::T3 || t.id == TableId::T4, "{:?}", t.id);
                        assert_eq!(r.status[ci], CellStatus::Ocr);
                        assert_eq!(Some(*v), o.values[ci]);
                        kept += 1;
                    }
                }
            }
        }
        let t3 = tables.iter().find(|t| t.id == TableId::T3).unwrap();
        assert_eq!(t3.rows[0].values[0], None, "the misread figure is dropped");
        assert_eq!(t3.rows[0].status[0], CellStatus::Ocr);
        assert!(kept > 20, "only {kept} figures kept");
    }
}
