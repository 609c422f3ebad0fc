//! `nianbao totals [QUERY] [filters] [--table 3] [--by province|city|county|kind] [--chart M] [--json]`.

use super::compare::{chart_title, measure, Chart};
use super::open_index;
use super::select::select;
use crate::analysis::totals::{as_table, totals, GroupBy};
use crate::analysis::FigureRef;
use crate::cli::{Config, TotalsArgs};
use crate::output::across;
use std::io::Write;

pub fn run(
    config: &Config,
    args: &TotalsArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<bool> {
    let table = args.table;
    let by = match &args.by {
        Some(b) => Some(GroupBy::parse(b).ok_or_else(|| {
            anyhow::anyhow!("cannot group by \"{b}\": use province, city, county or kind")
        })?),
        None => None,
    };
    let chart = match &args.chart {
        Some(c) => Some(match measure(c) {
            Ok(m) => m,
            // A row's words alone (`新收`) mean that row's 总计 in the summed table.
            Err(_) => Chart::Figure(FigureRef::parse(&format!("表{table} {c}"))?),
        }),
        None => None,
    };
    let index = open_index(config, err)?;
    let selected = select(&index, &args.select)?;
    let t = totals(&selected.entries, table, by, args.select.min_cases);
    if args.json {
        let v = serde_json::json!({
            "table": t.table,
            "selected": selected.entries.len(),
            "filtered_out": selected.filtered_out,
            "groups": t.groups,
            "left_out": t.left_out,
        });
        writeln!(out, "{}", serde_json::to_string(&v)?)?;
        return Ok(true);
    }
    writeln!(
        out,
        "{} reports selected{}",
        selected.entries.len(),
        if selected.filtered_out > 0 {
            format!(" ({} left out by --where)", selected.filtered_out)
        } else {
            String::new()
        }
    )?;
    for line in across::totals(&t) {
        writeln!(out, "{line}")?;
    }
    if let Some(c) = &chart {
        let items: Vec<(String, Option<f64>)> = t
            .groups
            .iter()
            .map(|g| {
                let label = match (&g.group, g.year) {
                    (Some(n), Some(y)) => format!("{y} {n}"),
                    (None, Some(y)) => y.to_string(),
                    (n, None) => n.clone().unwrap_or_else(|| "?".into()),
                };
                let v = match c {
                    Chart::Metric(m) => g
                        .metrics
                        .iter()
                        .find(|x| x.value.key == m.key)
                        .and_then(|x| x.value.value),
                    Chart::Figure(f) => f.value_in(&as_table(g, table)),
                };
                (label, v)
            })
            .collect();
        writeln!(out, "{}", chart_title(c))?;
        for line in across::bars(&items, 40) {
            writeln!(out, "{line}")?;
        }
    }
    Ok(true)
}
