//! Text for work across reports: a comparison across years, totals, a ranking, and bars.

use super::grid::{self, render, width};
use crate::analysis::compare::Comparison;
use crate::analysis::rank::Ranking;
use crate::analysis::totals::{GroupTotal, Totals};
use crate::report::{TableId, Value};

/// Report text with control characters dropped, so that nothing a report says reaches the
/// terminal as a control sequence.
pub fn plain(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

fn num(v: Option<Value>) -> String {
    v.map_or_else(|| "—".to_string(), |v| v.to_string())
}

/// A figure or rate as shown: integers without decimals, others with one.
pub fn figure(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:.1}")
    }
}

/// The comparison as text: one line per row, one column per year; `column` picks the table
/// column shown (all columns, one block each, when `None` and the table has several rows).
pub fn comparison(c: &Comparison, column: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    out.push(format!(
        "{} · 表{} · {}",
        plain(&c.agency),
        c.table,
        c.years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    ));
    for n in &c.notes {
        out.push(format!("  {}", plain(n)));
    }
    if !c.is_comparable() {
        return out;
    }
    let columns = c.columns();
    let one_row = c
        .cells
        .iter()
        .all(|x| x.row == c.cells.first().map_or("", |f| f.row.as_str()));
    let mut header = vec![if one_row { "column" } else { "row" }.to_string()];
    header.extend(c.years.iter().map(|y| format!("{y} ")));
    let blocks: Vec<Option<&str>> = if one_row {
        vec![None]
    } else {
        match column {
            Some("all") => columns.iter().map(|c| Some(*c)).collect(),
            Some(col) => vec![Some(col)],
            // The 总计 column tells most; every column on request.
            None if columns.contains(&"总计") => vec![Some("总计")],
            None => columns.iter().map(|c| Some(*c)).collect(),
        }
    };
    for block in blocks {
        let mut rows = vec![header.clone()];
        for cell in c
            .cells
            .iter()
            .filter(|x| block.is_none_or(|b| x.column == b))
        {
            let label = if one_row {
                cell.column.clone()
            } else {
                match &cell.group {
                    Some(g) => format!("{g} {}", cell.row),
                    None => cell.row.clone(),
                }
            };
            let mut line = vec![plain(&label)];
            for i in 0..c.years.len() {
                let mut s = if cell.present[i] {
                    num(cell.values[i])
                } else {
                    "·".to_string()
                };
                s.push(if cell.changed[i] { '*' } else { ' ' });
                if let Some(x) = &cell.cross[i] {
                    s = match x.ok {
                        Some(true) => format!("✓{s}"),
                        Some(false) => format!("✗(≠{}){s}", num(x.last)),
                        None => format!("?{s}"),
                    };
                }
                line.push(s);
            }
            rows.push(line);
        }
        if let Some(b) = block {
            out.push(String::new());
            out.push(format!("[{}]", plain(b)));
        }
        out.extend(render(&rows, 40));
    }
    out.push(String::new());
    out.push(
        "* differs from the year before · · not in that year's template · ✓/✗ 二、上年结转 = last year's 四、结转下年度继续办理 (✗ shows last year's figure; ? not assessable)"
            .to_string(),
    );
    out
}

/// A group's sums as text, with its metrics.
pub fn group_total(g: &GroupTotal, table: TableId) -> Vec<String> {
    let mut out = Vec::new();
    let year = g.year.map_or("?".to_string(), |y| y.to_string());
    out.push(match &g.group {
        Some(name) => format!("表{table} · {year} · {} · N = {}", plain(name), g.n),
        None => format!("表{table} · {year} · N = {}", g.n),
    });
    let mut rows = vec![{
        let mut h = vec!["row".to_string()];
        h.extend(g.columns.iter().map(|c| plain(c)));
        h
    }];
    let mut notes = Vec::new();
    for r in &g.rows {
        let mut line = vec![plain(&match &r.group {
            Some(gr) => format!("{gr} {}", r.label),
            None if r.label.is_empty() => "(row)".to_string(),
            None => r.label.clone(),
        })];
        line.extend(r.values.iter().map(|v| num(*v)));
        if let Some(n) = &r.note {
            notes.push(format!("  {}: {}", plain(&r.label), n));
        }
        rows.push(line);
    }
    out.extend(render(&rows, 36));
    out.extend(notes);
    for m in &g.metrics {
        let v = &m.value;
        let shown = v.value.map_or("—".to_string(), |x| format!("{x:.1}"));
        let small = if v.small {
            " (few cases: not ranked)"
        } else {
            ""
        };
        out.push(format!(
            "  {} {}  [{} / {} over {} reports]{}",
            v.name,
            shown,
            v.numerator.map_or("—".into(), figure),
            v.cases.map_or("—".into(), figure),
            m.reports,
            small
        ));
    }
    out
}

pub fn totals(t: &Totals) -> Vec<String> {
    let mut out = Vec::new();
    for g in &t.groups {
        out.extend(group_total(g, t.table));
        out.push(String::new());
    }
    if t.groups.is_empty() {
        out.push(format!(
            "no report of the selection has a whole table {}",
            t.table
        ));
    }
    if !t.left_out.is_empty() {
        out.push(format!("left out ({}):", t.left_out.len()));
        for l in &t.left_out {
            out.push(format!(
                "  {} {}  {}  {}",
                plain(&l.agency),
                l.year.map_or("?".into(), |y| y.to_string()),
                plain(&l.reason),
                plain(&l.path)
            ));
        }
    }
    out
}

pub fn ranking(r: &Ranking, limit: usize) -> Vec<String> {
    let mut out = vec![format!(
        "ranked by {} {}{}",
        plain(&r.by),
        if r.descending {
            "(most first)"
        } else {
            "(least first)"
        },
        r.formula
            .as_ref()
            .map_or(String::new(), |f| format!(" · {}", plain(f)))
    )];
    let metric = r.formula.is_some();
    let mut head = vec!["  #  agency".to_string(), "year".into(), "value".into()];
    if metric {
        head.push("cases".into());
    }
    let mut rows = vec![head];
    for x in r.ranked.iter().take(limit) {
        let mut line = vec![
            format!("{:>3}  {}", x.rank, plain(&x.agency)),
            x.year.map_or("?".into(), |y| y.to_string()),
            figure(x.value),
        ];
        if metric {
            line.push(x.cases.map_or(String::new(), figure));
        }
        rows.push(line);
    }
    if r.ranked.is_empty() {
        out.push("no report could be ranked".to_string());
    } else {
        out.extend(render(&rows, 48));
    }
    if r.ranked.len() > limit {
        out.push(format!("… {} more (--limit)", r.ranked.len() - limit));
    }
    if !r.not_ranked.is_empty() {
        out.push(format!("not ranked ({}):", r.not_ranked.len()));
        for x in r.not_ranked.iter().take(limit) {
            out.push(format!(
                "  {} {}  {}{}",
                plain(&x.agency),
                x.year.map_or("?".into(), |y| y.to_string()),
                x.value
                    .map_or(String::new(), |v| format!("{} · ", figure(v))),
                plain(&x.reason)
            ));
        }
        if r.not_ranked.len() > limit {
            out.push(format!("  … {} more", r.not_ranked.len() - limit));
        }
    }
    out
}

/// Horizontal bars, one per label, scaled to `max_width` cells; `—` for no value.
pub fn bars(items: &[(String, Option<f64>)], max_width: usize) -> Vec<String> {
    let top = items
        .iter()
        .filter_map(|(_, v)| *v)
        .fold(0.0f64, |a, b| a.max(b.abs()));
    let label_w = items
        .iter()
        .map(|(l, _)| width(l))
        .max()
        .unwrap_or(0)
        .min(24);
    items
        .iter()
        .map(|(l, v)| {
            let label = grid::pad(&grid::truncate(&plain(l), 24), label_w, true);
            match v {
                None => format!("{label}  —"),
                Some(x) => {
                    let cells = if top > 0.0 {
                        ((x.abs() / top) * max_width as f64).round() as usize
                    } else {
                        0
                    };
                    format!("{label}  {} {}", "█".repeat(cells), figure(*x))
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_show_a_dash_for_none() {
        let b = bars(
            &[
                ("2021".into(), Some(10.0)),
                ("2022".into(), Some(5.0)),
                ("2023".into(), None),
                ("2024".into(), Some(0.0)),
            ],
            10,
        );
        assert_eq!(b[0], format!("2021  {} 10", "█".repeat(10)));
        assert_eq!(b[1], format!("2022  {} 5", "█".repeat(5)));
        assert_eq!(b[2], "2023  —");
        assert_eq!(b[3], "2024   0");
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(plain("a\x1b[2Jb\u{9b}c\n"), "a[2Jbc");
    }
}
