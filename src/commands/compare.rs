//! `nianbao compare AGENCY [--table 3] [--years 2019..2024] [--column C] [--chart F] [--json]`.

use super::{agencies_for, open_index};
use crate::analysis::compare::compare_with;
use crate::analysis::figure::{FigureRef, Measure};
use crate::analysis::{self, Selection};
use crate::cli::{parse_years, CompareArgs, Config};
use crate::index::Query;
use crate::output::across;
use crate::report::metrics;
use std::io::Write;

pub fn run(
    config: &Config,
    args: &CompareArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<bool> {
    let table = args.table;
    let years = match &args.years {
        Some(y) => Some(parse_years(y).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let index = open_index(config, err)?;
    let names = agencies_for(&index, &args.agency)?;
    if names.len() > 1 {
        writeln!(out, "\"{}\" matches {} agencies:", args.agency, names.len())?;
        for n in &names {
            writeln!(out, "  {}", across::plain(n))?;
        }
        writeln!(out, "give more of the name, or the full name")?;
        return Ok(false);
    }
    let agency = &names[0];
    let chart = match &args.chart {
        Some(c) => Some(measure(c)?),
        None => None,
    };
    let sel = Selection {
        query: Query {
            agencies: vec![agency.clone()],
            ..Query::default()
        },
        ..Selection::default()
    };
    let entries = analysis::select(&index, &sel)?.entries;
    let mut prefer = Vec::new();
    for p in &args.pick {
        let canon = std::path::Path::new(p).canonicalize().ok();
        let Some(e) = entries.iter().find(|e| {
            e.path == *p
                || canon.is_some() && std::path::Path::new(&e.path).canonicalize().ok() == canon
        }) else {
            anyhow::bail!("--pick {p}: not a report of {agency}");
        };
        prefer.push(e.path.clone());
    }
    let c = compare_with(agency, &entries, table, years, &prefer);
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&c)?)?;
        return Ok(true);
    }
    for line in across::comparison(&c, args.column.as_deref()) {
        writeln!(out, "{line}")?;
    }
    if let Some(m) = &chart {
        let chosen: Vec<&analysis::Entry> = c
            .paths
            .iter()
            .filter_map(|p| entries.iter().find(|e| &e.path == p))
            .collect();
        let items: Vec<(String, Option<f64>)> = chosen
            .iter()
            .map(|e| {
                let v = match m {
                    Chart::Figure(f) => f.value(e),
                    Chart::Metric(m) => {
                        metrics::eval(m, &e.tables, metrics::DEFAULT_MIN_CASES).value
                    }
                };
                (e.year.map_or("?".into(), |y| y.to_string()), v)
            })
            .collect();
        writeln!(out)?;
        writeln!(out, "{}", chart_title(m))?;
        for line in across::bars(&items, 40) {
            writeln!(out, "{line}")?;
        }
    }
    Ok(true)
}

/// What a chart draws.
pub enum Chart {
    Figure(FigureRef),
    Metric(&'static metrics::Metric),
}

impl Chart {
    pub fn as_measure(&self) -> Measure<'_> {
        match self {
            Chart::Figure(f) => Measure::Figure(f),
            Chart::Metric(m) => Measure::Metric(m),
        }
    }
}

/// A metric by name or key, else a figure in words.
pub fn measure(s: &str) -> anyhow::Result<Chart> {
    Ok(match metrics::find(s) {
        Some(m) => Chart::Metric(m),
        None => Chart::Figure(FigureRef::parse(s)?),
    })
}

pub fn chart_title(c: &Chart) -> String {
    match c {
        Chart::Figure(f) => across::plain(&f.describe()),
        Chart::Metric(m) => format!("{} ({}) = {}", m.name, m.unit.as_str(), m.formula),
    }
}
