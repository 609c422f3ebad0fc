//! `nianbao agencies [--json]`: every agency with the years it has reports for.

use super::open_index;
use crate::cli::Config;
use crate::output::grid;
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
    if json {
        let v: Vec<serde_json::Value> = list
            .iter()
            .map(|a| serde_json::json!({"agency": a.name, "years": a.years, "reports": a.reports}))
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
        writeln!(
            out,
            "{}  {}",
            grid::pad(name, w, true),
            years_text(&a.years)
        )?;
    }
    writeln!(
        out,
        "{} agencies, {} reports",
        list.len(),
        index.num_reports()
    )?;
    Ok(true)
}
