//! Naming one figure of the templates in words (`表3 新收 总计`), and filters on figures,
//! metrics and checks (`表3 新收 总计 >= 100`, `予以公开率 < 50`, failed checks, inferred cells).

use super::{AnalysisError, Entry};
use crate::report::metrics::{self, Metric};
use crate::report::template::{section2_tables, table3_rows, T3_COLUMNS, T4_COLUMNS};
use crate::report::{Table, TableId, Template};

/// One cell of a standard table, by its template wording.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FigureRef {
    pub table: TableId,
    /// The row's label (empty for table 4's one row).
    pub row: String,
    pub column: String,
}

impl FigureRef {
    /// `表3 一、本年新收… 总计`.
    pub fn describe(&self) -> String {
        if self.row.is_empty() {
            format!("表{} {}", self.table, self.column)
        } else {
            format!("表{} {} {}", self.table, self.row, self.column)
        }
    }

    /// The figure in one table, `None` if the row, the column or the figure is missing.
    pub fn value_in(&self, t: &Table) -> Option<f64> {
        let col = t.columns.iter().position(|c| *c == self.column)?;
        let row = if self.row.is_empty() {
            t.rows.first()?
        } else {
            t.row(&self.row)?
        };
        row.values.get(col).copied().flatten().map(|v| v.as_f64())
    }

    pub fn value(&self, e: &Entry) -> Option<f64> {
        self.value_in(e.table(self.table)?)
    }

    /// Resolves words such as `表3 新收 总计`, `3 予以公开` (the 总计 column when the words
    /// leave the column open) or `表4 行政复议 总计`.
    pub fn parse(words: &str) -> Result<FigureRef, AnalysisError> {
        let err = |m: String| AnalysisError::Figure(m);
        let mut it = words.split_whitespace();
        let first = it
            .next()
            .ok_or_else(|| err("name a figure: 表3 新收 总计".into()))?;
        let Some(table) = TableId::parse(first.trim_start_matches("table")) else {
            return Err(err(format!(
                "no table \"{first}\": use 表2-1, 表2-5, 表2-6, 表2-8, 表2-9, 表3 or 表4"
            )));
        };
        let words: Vec<&str> = it.collect();
        let shapes = shapes(table);
        let mut found: Vec<FigureRef> = Vec::new();
        for (rows, cols) in &shapes {
            for r in rows {
                for c in cols {
                    let hit = words.iter().all(|w| r.contains(w) || c.contains(w));
                    let f = FigureRef {
                        table,
                        row: r.clone(),
                        column: c.clone(),
                    };
                    if hit && !found.contains(&f) {
                        found.push(f);
                    }
                }
            }
        }
        if found.len() > 1 {
            // Words that name a row only mean its 总计 column; a word in the label itself
            // (`总计` in `（七）总计`) does not stand for the column too.
            let totals: Vec<FigureRef> = found
                .iter()
                .filter(|f| f.column == "总计")
                .cloned()
                .collect();
            if totals.len() == 1 {
                found = totals;
            } else {
                let exact: Vec<FigureRef> = found
                    .iter()
                    .filter(|f| words.iter().all(|w| f.column.contains(w)) || f.row.is_empty())
                    .cloned()
                    .collect();
                if exact.len() == 1 {
                    found = exact;
                }
            }
        }
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(err(format!(
                "no figure of 表{table} matches \"{}\"",
                words.join(" ")
            ))),
            n => Err(err(format!(
                "\"{}\" names {n} figures of 表{table}, e.g. {}; add a word of the row or the column",
                words.join(" "),
                found
                    .iter()
                    .take(3)
                    .map(FigureRef::describe)
                    .collect::<Vec<_>>()
                    .join(" · ")
            ))),
        }
    }
}

/// The (rows, columns) a table has in each template.
fn shapes(table: TableId) -> Vec<(Vec<String>, Vec<String>)> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    match table {
        TableId::T3 => [Template::T2021, Template::T2019]
            .iter()
            .map(|t| {
                (
                    table3_rows(*t)
                        .iter()
                        .map(|r| r.label.to_string())
                        .collect(),
                    s(T3_COLUMNS),
                )
            })
            .collect(),
        TableId::T4 => vec![(vec![String::new()], s(T4_COLUMNS))],
        _ => [Template::T2021, Template::T2019]
            .iter()
            .flat_map(|t| section2_tables(*t))
            .filter(|spec| spec.id == table)
            .map(|spec| {
                (
                    spec.rows.iter().map(|r| r.label.to_string()).collect(),
                    s(spec.columns),
                )
            })
            .collect(),
    }
}

/// What a filter or a ranking reads from a report: a figure or a metric.
#[derive(Debug, Clone, Copy)]
pub enum Measure<'a> {
    Figure(&'a FigureRef),
    Metric(&'static Metric),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
    Ne,
}

impl Op {
    fn test(self, a: f64, b: f64) -> bool {
        match self {
            Op::Ge => a >= b,
            Op::Gt => a > b,
            Op::Le => a <= b,
            Op::Lt => a < b,
            Op::Eq => (a - b).abs() < 1e-9,
            Op::Ne => (a - b).abs() >= 1e-9,
        }
    }
}

/// A comparison of a figure or a metric with a number.
#[derive(Debug, Clone)]
pub struct Condition {
    pub figure: Option<FigureRef>,
    pub metric: Option<&'static Metric>,
    pub op: Op,
    pub number: f64,
}

/// A filter on the reports of a selection.
#[derive(Debug, Clone)]
pub enum Filter {
    /// A figure or a metric compared with a number; a report without the figure fails it.
    Compare(Condition),
    /// At least one arithmetic rule of FORMAT.md §4 fails.
    FailedChecks,
    /// At least one cell was inferred.
    Inferred,
}

const OPS: [(&str, Op); 10] = [
    (">=", Op::Ge),
    ("≥", Op::Ge),
    ("<=", Op::Le),
    ("≤", Op::Le),
    ("!=", Op::Ne),
    ("≠", Op::Ne),
    ("==", Op::Eq),
    (">", Op::Gt),
    ("<", Op::Lt),
    ("=", Op::Eq),
];

impl Filter {
    /// `表3 新收 总计 >= 100`, `予以公开率 < 50`, `has failed checks`, `has inferred cells`.
    pub fn parse(s: &str) -> Result<Filter, AnalysisError> {
        let t = s.trim();
        let squeezed: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
        match squeezed.as_str() {
            "has failed checks" | "failed checks" | "failed-checks" => {
                return Ok(Filter::FailedChecks)
            }
            "has inferred cells" | "inferred cells" | "inferred" => return Ok(Filter::Inferred),
            _ => {}
        }
        let (at, sym, op) = OPS
            .iter()
            .filter_map(|(sym, op)| t.find(sym).map(|at| (at, *sym, *op)))
            .min_by_key(|(at, sym, _)| (*at, std::cmp::Reverse(sym.len())))
            .ok_or_else(|| {
                AnalysisError::Figure(format!(
                    "\"{t}\" is not a filter: write 表3 新收 总计 >= 100, 予以公开率 < 50, has failed checks or has inferred cells"
                ))
            })?;
        let (lhs, rhs) = (t[..at].trim(), t[at + sym.len()..].trim());
        let number: f64 = rhs
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite())
            .ok_or_else(|| {
                AnalysisError::Figure(format!("\"{rhs}\" in \"{t}\" is not a number"))
            })?;
        let (figure, metric) = match metrics::find(lhs) {
            Some(m) => (None, Some(m)),
            None => (Some(FigureRef::parse(lhs)?), None),
        };
        Ok(Filter::Compare(Condition {
            figure,
            metric,
            op,
            number,
        }))
    }

    pub fn accepts(&self, e: &Entry) -> bool {
        match self {
            Filter::FailedChecks => e.failed_checks > 0,
            Filter::Inferred => e.has_inferred(),
            Filter::Compare(c) => {
                let v = match (&c.figure, c.metric) {
                    (Some(f), _) => f.value(e),
                    (None, Some(m)) => {
                        metrics::eval(m, &e.tables, metrics::DEFAULT_MIN_CASES).value
                    }
                    (None, None) => None,
                };
                v.is_some_and(|v| c.op.test(v, c.number))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_named_in_words() {
        let f = FigureRef::parse("表3 新收 总计").unwrap();
        assert_eq!(
            (f.table.as_str(), f.row.as_str(), f.column.as_str()),
            ("3", "一、本年新收政府信息公开申请数量", "总计")
        );
        let f = FigureRef::parse("3 予以公开").unwrap();
        assert_eq!(
            (f.row.as_str(), f.column.as_str()),
            ("（一）予以公开", "总计")
        );
        let f = FigureRef::parse("表3 予以公开 自然人").unwrap();
        assert_eq!(f.column, "自然人");
        let f = FigureRef::parse("表3 （七）总计").unwrap();
        assert_eq!((f.row.as_str(), f.column.as_str()), ("（七）总计", "总计"));
        let f = FigureRef::parse("表4 行政复议 总计").unwrap();
        assert_eq!((f.row.as_str(), f.column.as_str()), ("", "行政复议 总计"));
        let f = FigureRef::parse("表2-1 规章 现行有效件数").unwrap();
        assert_eq!(f.table, "2-1");
        let e = FigureRef::parse("表4 总计").unwrap_err().to_string();
        assert!(e.contains("names 3 figures"), "{e}");
        assert!(FigureRef::parse("表9 x").is_err());
        assert!(FigureRef::parse("表3 不存在的行").is_err());
    }

    #[test]
    fn filters_in_words() {
        match Filter::parse("表3 新收 总计 ≥ 100").unwrap() {
            Filter::Compare(c) => {
                assert_eq!(c.op, Op::Ge);
                assert_eq!(c.number, 100.0);
                assert_eq!(c.figure.unwrap().column, "总计");
            }
            f => panic!("{f:?}"),
        }
        match Filter::parse("表4 行政复议 总计 > 0").unwrap() {
            Filter::Compare(c) => assert_eq!((c.op, c.number), (Op::Gt, 0.0)),
            f => panic!("{f:?}"),
        }
        match Filter::parse("予以公开率<=50.5").unwrap() {
            Filter::Compare(c) => {
                assert_eq!(c.metric.unwrap().key, "disclosed");
                assert_eq!((c.op, c.number), (Op::Le, 50.5));
            }
            f => panic!("{f:?}"),
        }
        assert!(matches!(
            Filter::parse("has failed checks").unwrap(),
            Filter::FailedChecks
        ));
        assert!(matches!(
            Filter::parse(" has  inferred cells ").unwrap(),
            Filter::Inferred
        ));
        assert!(Filter::parse("表3 新收 总计 >= lots").is_err());
        assert!(Filter::parse("表3 新收 总计").is_err());
        assert!(Filter::parse("表3 新收 总计 >= NaN").is_err());
    }
}
