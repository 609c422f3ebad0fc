//! `nianbao agencies [--json]`: every agency with the years it has reports for.

use super::open_index;
use crate::cli::Config;
use crate::output::grid;
use std::collections::BTreeMap;
use std::io::Write;

/// `2017, 2021–2024`: consecutive years as ranges.
pub fn years_text(years: &[i32]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < years.len() {
        let mut j = i;
        while j + 1 < years.len() && years[j + 1] == years[j] + 1 {
            j += 1;
        }
        parts.push(if i == j {
            years[i].to_string()
        } else {
            format!("{}–{}", years[i], years[j])
        });
        i = j + 1;
    }
    parts.join(", ")
}

pub fn run(
    config: &Config,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<bool> {
    let index = open_index(config, err)?;
    let list = index.agencies();
    // Years with more than one file, per agency: `show`, `open` and `check` list them and
    // ask which one is meant.
    let mut twice: BTreeMap<&str, BTreeMap<i32, Vec<String>>> = BTreeMap::new();
    let reports = index.reports();
    for r in &reports {
        if let Some(y) = r.year {
            twice
                .entry(r.agency.as_str())
                .or_default()
                .entry(y)
                .or_default()
                .push(r.path.clone());
        }
    }
    for years in twice.values_mut() {
        years.retain(|_, paths| paths.len() > 1);
    }
    let dups = |name: &str| twice.get(name).cloned().unwrap_or_default();
    if json {
        let v: Vec<serde_json::Value> = list
            .iter()
            .map(|a| {
                let d: Vec<serde_json::Value> = dups(&a.name)
                    .into_iter()
                    .map(|(y, paths)| serde_json::json!({"year": y, "paths": paths}))
                    .collect();
                serde_json::json!({"agency": a.name, "years": a.years, "reports": a.reports, "duplicates": d})
            })
            .collect();
        writeln!(out, "{}", serde_json::Value::Array(v))?;
        return Ok(true);
    }
    let w = list.iter().map(|a| grid::width(&a.name)).max().unwrap_or(0);
    for a in &list {
        let name = if a.name.is_empty() {
            "(unknown)"
        } else {
            &a.name
        };
        let d = dups(&a.name);
        let note = if d.is_empty() {
            String::new()
        } else {
            let parts: Vec<String> = d
                .iter()
                .map(|(y, p)| format!("{} files for {y}", p.len()))
                .collect();
            format!("  ({})", parts.join(", "))
        };
        writeln!(
            out,
            "{}  {}{note}",
            grid::pad(name, w, true),
            years_text(&a.years)
        )?;
    }
    let years_twice: usize = twice.values().map(BTreeMap::len).sum();
    let more = if years_twice == 0 {
        String::new()
    } else {
        format!(
            "; {years_twice} agency-years with more than one file (`nianbao show AGENCY YEAR` lists them)"
        )
    };
    writeln!(
        out,
        "{} agencies, {} reports{more}",
        list.len(),
        index.num_reports()
    )?;
    Ok(true)
}
