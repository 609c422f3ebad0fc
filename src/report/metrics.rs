//! Named derived metrics (rates over tables 3 and 4), each with its formula and the cells behind it.
//!
//! A metric is a ratio of two sums of cells, times 100. Its denominator is its number of cases:
//! zero cases give no value (shown `—`, never NaN), and fewer cases than a threshold give a
//! value flagged as small, which is shown but never ranked. The same definitions serve one
//! report and a total over many (a pooled rate: the ratio of the summed cells).

use super::model::{Table, TableId, Value};
use serde::Serialize;

/// The cases a rate needs before it is ranked, unless the user says otherwise.
pub const DEFAULT_MIN_CASES: f64 = 30.0;

/// Which rows of a table a term adds up.
#[derive(Debug, Clone, Copy)]
pub enum Rows {
    /// The row with this label.
    Label(&'static str),
    /// Every row under this group heading (`（三）不予公开` 1–8).
    Group(&'static str),
    /// The first row (table 4 has one row without a label).
    First,
}

/// `sign` × the sum of `rows` in `column` of `table`.
#[derive(Debug, Clone, Copy)]
pub struct Term {
    pub table: TableId,
    pub rows: Rows,
    pub column: &'static str,
    pub sign: i8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Unit {
    /// Share of the denominator, in %.
    #[serde(rename = "%")]
    Percent,
    /// Per 100 requests.
    #[serde(rename = "per 100 requests")]
    Per100,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Percent => "%",
            Unit::Per100 => "per 100 requests",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// What the command line calls it (`disclosed`), besides its Chinese name.
    pub key: &'static str,
    pub name: &'static str,
    pub formula: &'static str,
    pub unit: Unit,
    pub numerator: &'static [Term],
    pub denominator: &'static [Term],
}

pub const NEW: &str = "一、本年新收政府信息公开申请数量";
pub const CARRIED_IN: &str = "二、上年结转政府信息公开申请数量";
pub const DISCLOSED: &str = "（一）予以公开";
pub const PARTLY: &str = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）";
pub const WITHHELD: &str = "（三）不予公开";
pub const UNAVAILABLE: &str = "（四）无法提供";
pub const NOT_HANDLED: &str = "（五）不予处理";
pub const TOTAL: &str = "（七）总计";
pub const CARRIED_OUT: &str = "四、结转下年度继续办理";
const ALL: &str = "总计";

const fn t3(label: &'static str) -> Term {
    Term {
        table: TableId::T3,
        rows: Rows::Label(label),
        column: ALL,
        sign: 1,
    }
}
const fn t3g(group: &'static str) -> Term {
    Term {
        table: TableId::T3,
        rows: Rows::Group(group),
        column: ALL,
        sign: 1,
    }
}
const fn t4(column: &'static str, sign: i8) -> Term {
    Term {
        table: TableId::T4,
        rows: Rows::First,
        column,
        sign,
    }
}

pub const METRICS: &[Metric] = &[
    Metric {
        key: "disclosed",
        name: "予以公开率",
        formula: "（一）予以公开 / （七）总计",
        unit: Unit::Percent,
        numerator: &[t3(DISCLOSED)],
        denominator: &[t3(TOTAL)],
    },
    Metric {
        key: "substantive",
        name: "实质公开率",
        formula: "（（一）予以公开 + （二）部分公开） / （七）总计",
        unit: Unit::Percent,
        numerator: &[t3(DISCLOSED), t3(PARTLY)],
        denominator: &[t3(TOTAL)],
    },
    Metric {
        key: "withheld",
        name: "不予公开率",
        formula: "（三）不予公开 1–8 / （七）总计",
        unit: Unit::Percent,
        numerator: &[t3g(WITHHELD)],
        denominator: &[t3(TOTAL)],
    },
    Metric {
        key: "unavailable",
        name: "无法提供率",
        formula: "（四）无法提供 1–3 / （七）总计",
        unit: Unit::Percent,
        numerator: &[t3g(UNAVAILABLE)],
        denominator: &[t3(TOTAL)],
    },
    Metric {
        key: "not-handled",
        name: "不予处理率",
        formula: "（五）不予处理 1–5 / （七）总计",
        unit: Unit::Percent,
        numerator: &[t3g(NOT_HANDLED)],
        denominator: &[t3(TOTAL)],
    },
    Metric {
        key: "carryover",
        name: "结转率",
        formula: "四、结转下年度继续办理 / （一、本年新收 + 二、上年结转）",
        unit: Unit::Percent,
        numerator: &[t3(CARRIED_OUT)],
        denominator: &[t3(NEW), t3(CARRIED_IN)],
    },
    Metric {
        key: "review-corrected",
        name: "复议纠错率",
        formula: "行政复议 结果纠正 / （行政复议 总计 − 行政复议 尚未审结）",
        unit: Unit::Percent,
        numerator: &[t4("行政复议 结果纠正", 1)],
        denominator: &[t4("行政复议 总计", 1), t4("行政复议 尚未审结", -1)],
    },
    Metric {
        key: "suit-corrected",
        name: "诉讼纠错率",
        formula: "行政诉讼 结果纠正（未经复议 + 复议后） / （行政诉讼 总计 − 尚未审结，两类合计）",
        unit: Unit::Percent,
        numerator: &[
            t4("行政诉讼 未经复议直接起诉 结果纠正", 1),
            t4("行政诉讼 复议后起诉 结果纠正", 1),
        ],
        denominator: &[
            t4("行政诉讼 未经复议直接起诉 总计", 1),
            t4("行政诉讼 未经复议直接起诉 尚未审结", -1),
            t4("行政诉讼 复议后起诉 总计", 1),
            t4("行政诉讼 复议后起诉 尚未审结", -1),
        ],
    },
    Metric {
        key: "review-rate",
        name: "被复议率",
        formula: "行政复议 总计 / 一、本年新收 × 100",
        unit: Unit::Per100,
        numerator: &[t4("行政复议 总计", 1)],
        denominator: &[t3(NEW)],
    },
    Metric {
        key: "suit-rate",
        name: "被诉率",
        formula: "（行政诉讼 未经复议直接起诉 总计 + 复议后起诉 总计） / 一、本年新收 × 100",
        unit: Unit::Per100,
        numerator: &[
            t4("行政诉讼 未经复议直接起诉 总计", 1),
            t4("行政诉讼 复议后起诉 总计", 1),
        ],
        denominator: &[t3(NEW)],
    },
];

/// The metric a user names by key or Chinese name.
pub fn find(name: &str) -> Option<&'static Metric> {
    let n = name.trim();
    METRICS.iter().find(|m| m.key == n || m.name == n)
}

/// One cell a metric read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellUse {
    pub table: TableId,
    pub row: String,
    pub column: String,
    /// `null`: the cell is empty or missing.
    pub value: Option<Value>,
    /// `num` or `den`, and `-` for a subtracted cell.
    pub part: &'static str,
}

/// A metric evaluated on some tables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricValue {
    pub key: &'static str,
    pub name: &'static str,
    /// `None` (shown `—`): a cell is empty or missing, or there are no cases.
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    /// The denominator: the number of cases the rate is over.
    pub cases: Option<f64>,
    /// Fewer cases than the threshold: shown, greyed, never ranked.
    pub small: bool,
    /// Why there is no value, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub cells: Vec<CellUse>,
}

impl MetricValue {
    /// The value as shown: `—` when there is none.
    pub fn shown(&self) -> String {
        match self.value {
            Some(v) => format!("{v:.1}"),
            None => "—".to_string(),
        }
    }
}

/// The sum of a term's cells, pushing each cell read onto `cells` when it is given (pooling
/// over thousands of reports needs only the sums); `None` if any is missing.
fn term_sum(
    tables: &[Table],
    t: &Term,
    part: &'static str,
    mut cells: Option<&mut Vec<CellUse>>,
) -> Option<f64> {
    let mut use_cell = |row: &dyn Fn() -> String, value: Option<Value>| {
        if let Some(cells) = cells.as_deref_mut() {
            cells.push(CellUse {
                table: t.table,
                row: row(),
                column: t.column.to_string(),
                value,
                part,
            });
        }
        value.map(Value::as_f64)
    };
    let Some(table) = tables.iter().find(|x| x.id == t.table) else {
        use_cell(&|| describe_rows(t.rows), None);
        return None;
    };
    let col = table.columns.iter().position(|c| c == t.column);
    let value_at = |r: &super::model::Row| col.and_then(|c| r.values.get(c).copied().flatten());
    match t.rows {
        Rows::Label(l) => match table.row(l) {
            Some(r) => use_cell(&|| l.to_string(), value_at(r)),
            None => use_cell(&|| l.to_string(), None),
        },
        Rows::First => match table.rows.first() {
            Some(r) => use_cell(&|| r.label.to_string(), value_at(r)),
            None => use_cell(&String::new, None),
        },
        Rows::Group(g) => {
            let rows: Vec<_> = table
                .rows
                .iter()
                .filter(|r| r.group.as_deref() == Some(g))
                .collect();
            if rows.is_empty() {
                return use_cell(&|| g.to_string(), None);
            }
            let mut sum = Some(0.0);
            for r in rows {
                let v = use_cell(&|| format!("{g} {}", r.label), value_at(r));
                sum = match (sum, v) {
                    (Some(s), Some(v)) => Some(s + v),
                    _ => None,
                };
            }
            sum
        }
    }
}

fn describe_rows(rows: Rows) -> String {
    match rows {
        Rows::Label(l) | Rows::Group(l) => l.to_string(),
        Rows::First => String::new(),
    }
}

fn side(
    tables: &[Table],
    terms: &[Term],
    part: &'static str,
    mut cells: Option<&mut Vec<CellUse>>,
) -> Option<f64> {
    let mut total = Some(0.0);
    for t in terms {
        let p = if t.sign < 0 { "-" } else { part };
        let v = term_sum(tables, t, p, cells.as_deref_mut());
        total = match (total, v) {
            (Some(a), Some(v)) => Some(a + f64::from(t.sign) * v),
            _ => None,
        };
    }
    total
}

/// The metric's numerator and denominator over `tables`, as [`eval`] gives them, without
/// recording the cells read: for pooling a metric over many reports.
pub fn parts(m: &Metric, tables: &[Table]) -> (Option<f64>, Option<f64>) {
    (
        side(tables, m.numerator, "num", None),
        side(tables, m.denominator, "den", None),
    )
}

/// The metric over `tables` (one report's, or sums over many). `min_cases`: below it the
/// value is flagged [`MetricValue::small`].
pub fn eval(m: &Metric, tables: &[Table], min_cases: f64) -> MetricValue {
    let mut cells = Vec::new();
    let num = side(tables, m.numerator, "num", Some(&mut cells));
    let den = side(tables, m.denominator, "den", Some(&mut cells));
    let (value, reason) = match (num, den) {
        (Some(n), Some(d)) if d > 0.0 => (Some(n / d * 100.0), None),
        (Some(_), Some(0.0)) => (None, Some("no cases (the denominator is 0)".into())),
        (Some(_), Some(_)) => (None, Some("the denominator is negative".into())),
        _ => {
            let missing = cells
                .iter()
                .find(|c| c.value.is_none())
                .map(|c| format!("表{} {} {} is empty or missing", c.table, c.row, c.column))
                .unwrap_or_default();
            (None, Some(missing))
        }
    };
    MetricValue {
        key: m.key,
        name: m.name,
        value,
        numerator: num,
        cases: den,
        small: value.is_some() && den.is_some_and(|d| d < min_cases),
        reason,
        cells,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::Row;
    use crate::report::template::{table3_rows, T3_COLUMNS, T3_TITLE, T4_COLUMNS};
    use crate::report::Template;

    fn table3(template: Template, f: impl Fn(usize, usize) -> Option<i64>) -> Table {
        Table {
            id: TableId::T3,
            title: T3_TITLE.into(),
            columns: T3_COLUMNS.iter().map(|&s| s.into()).collect(),
            rows: table3_rows(template)
                .iter()
                .enumerate()
                .map(|(r, s)| Row {
                    label: s.label.into(),
                    group: s.group.map(Into::into),
                    values: (0..7).map(|c| f(r, c).map(Value::Int)).collect(),
                    status: Vec::new(),
                })
                .collect(),
            page: None,
        }
    }

    #[test]
    fn parts_are_the_numerator_and_cases_eval_reads() {
        type Cells = Box<dyn Fn(usize, usize) -> Option<i64>>;
        let cases: [(Template, Cells); 3] = [
            (
                Template::T2021,
                Box::new(|r, c| Some((r * 7 + c) as i64 % 13)),
            ),
            (Template::T2019, Box::new(|r, c| Some((r + c) as i64))),
            (
                Template::T2021,
                Box::new(|r, c| (r != 3).then_some(c as i64)),
            ),
        ];
        for (template, f) in cases {
            let tables = [table3(template, f)];
            for m in METRICS {
                let v = eval(m, &tables, 30.0);
                assert_eq!(parts(m, &tables), (v.numerator, v.cases), "{}", m.key);
            }
        }
    }

    #[test]
    fn every_label_a_metric_reads_is_a_template_row_or_column() {
        for t in [Template::T2021, Template::T2019] {
            let rows = table3_rows(t);
            for m in METRICS {
                for term in m.numerator.iter().chain(m.denominator) {
                    match (term.table, term.rows) {
                        (TableId::T3, Rows::Label(l)) => {
                            assert!(rows.iter().any(|r| r.label == l), "{l}")
                        }
                        (TableId::T3, Rows::Group(g)) => {
                            assert!(rows.iter().any(|r| r.group == Some(g)), "{g}")
                        }
                        (TableId::T4, Rows::First) => {
                            assert!(T4_COLUMNS.contains(&term.column), "{}", term.column)
                        }
                        _ => panic!("unexpected term in {}", m.key),
                    }
                    if term.table == "3" {
                        assert!(T3_COLUMNS.contains(&term.column));
                    }
                }
            }
        }
    }

    #[test]
    fn rates_from_cells_and_no_value_over_zero_cases() {
        // Row r, column c holds r + 1 in every column: the 总计 column (6) too.
        let t = table3(Template::T2021, |r, _| Some(r as i64 + 1));
        let (total_row, _) = crate::report::template::table3_total_rows(Template::T2021);
        let m = find("予以公开率").unwrap();
        let v = eval(m, std::slice::from_ref(&t), DEFAULT_MIN_CASES);
        // （一）予以公开 is row 2 (value 3); （七）总计 is row total_row.
        let want = 3.0 / (total_row as f64 + 1.0) * 100.0;
        assert!((v.value.unwrap() - want).abs() < 1e-9);
        assert_eq!(v.cells.len(), 2);
        assert!(v.small, "{} cases is fewer than 30", total_row + 1);
        // （三）不予公开 sums its eight rows (4..=11 → values 5..=12).
        let w = eval(find("withheld").unwrap(), std::slice::from_ref(&t), 1.0);
        assert_eq!(w.numerator, Some((5..=12).sum::<i64>() as f64));
        assert!(!w.small);

        let zero = table3(Template::T2021, |_, _| Some(0));
        let z = eval(m, &[zero], DEFAULT_MIN_CASES);
        assert_eq!((z.value, z.shown().as_str(), z.small), (None, "—", false));
        assert!(z.reason.unwrap().contains("no cases"));

        let holes = table3(Template::T2019, |r, _| (r != 2).then_some(5));
        let h = eval(m, &[holes], DEFAULT_MIN_CASES);
        assert_eq!(h.value, None);
        assert!(h.reason.unwrap().contains("予以公开"));
        // Table 4 absent: the review rate has no value, and says why.
        let r = eval(find("review-rate").unwrap(), &[t], 1.0);
        assert!(r.value.is_none() && r.reason.unwrap().contains("表4"));
    }
}
