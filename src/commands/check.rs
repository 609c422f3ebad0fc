//! `nianbao check [--agency A] [--year Y [--pick N]] [--json]`: every rule that fails or cannot be assessed.
//!
//! The rules of one report come from the parser (`report.checks`); the rule across years
//! (this year's 二、上年结转 = last year's 四、结转下年度继续办理, per column, same agency) needs
//! two reports, so it is run here from the index.

use super::{agencies_for, open_index};
use crate::cli::{parse_years, Config};
use crate::report::{checks, Blame, Report, TableId, Value};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Debug, Serialize)]
pub struct Finding {
    pub path: String,
    pub agency: String,
    pub year: Option<i32>,
    pub rule: String,
    /// `false` failed, `null` not assessable.
    pub ok: Option<bool>,
    pub left: Option<Value>,
    pub right: Option<Value>,
    /// Whose a failed rule probably is: `report` (its figures were all read cleanly) or
    /// `reading` (a cell was inferred or is doubtful).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blame: Option<Blame>,
}

/// The cross-year findings (failed or not assessable) for two reports of one agency, `last`
/// the year before `this`; the rule itself is [`checks::across_years`].
pub fn across_years(agency: &str, last: &Report, this: &Report) -> Vec<Finding> {
    let (Some(t_this), Some(t_last)) = (this.table(TableId::T3), last.table(TableId::T3)) else {
        return Vec::new();
    };
    let (y, ly) = (this.year.unwrap_or(0), last.year.unwrap_or(0));
    checks::across_years(t_last, t_this)
        .into_iter()
        .filter(|x| x.ok != Some(true))
        .map(|x| Finding {
            path: this.path.clone(),
            agency: agency.to_string(),
            year: this.year,
            rule: format!(
                "跨年: {y} 二、上年结转 = {ly} 四、结转下年度继续办理 ({})",
                x.column_name
            ),
            ok: x.ok,
            left: x.this,
            right: x.last,
            blame: None,
        })
        .collect()
}

pub fn run(
    config: &Config,
    agency: Option<&str>,
    (year, pick): (Option<&str>, Option<usize>),
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<bool> {
    let index = open_index(config, err)?;
    let names = match agency {
        Some(a) => Some(agencies_for(&index, a)?),
        None => None,
    };
    let years = match year {
        Some(y) => Some(parse_years(y).map_err(anyhow::Error::msg)?),
        None => None,
    };
    // One agency and one year with two files: both are checked, and said to be; `--pick N`
    // checks one of them.
    let mut left_out: Vec<String> = Vec::new();
    if let (Some([name]), Some((y, y2))) = (names.as_deref(), years) {
        let mut files: Vec<String> = index
            .find(name, Some(y))
            .into_iter()
            .map(|r| r.path)
            .collect();
        files.sort();
        match pick {
            _ if y != y2 => {}
            Some(k) if (1..=files.len()).contains(&k) => {
                left_out = files
                    .iter()
                    .filter(|p| **p != files[k - 1])
                    .cloned()
                    .collect();
            }
            Some(k) => anyhow::bail!("--pick {k}: {name} has {} report(s) for {y}", files.len()),
            None if files.len() > 1 => {
                writeln!(
                    err,
                    "nianbao: {name} has {} reports for {y}, all checked:",
                    files.len()
                )?;
                for (i, f) in files.iter().enumerate() {
                    writeln!(err, "  {}. {f}", i + 1)?;
                }
                writeln!(err, "check one with --pick N")?;
            }
            None => {}
        }
    } else if pick.is_some() {
        anyhow::bail!(
            "--pick chooses among the reports of one agency (--agency) for one year (--year)"
        );
    }
    let in_years = |y: Option<i32>| match (years, y) {
        (None, _) => true,
        (Some((lo, hi)), Some(y)) => y >= lo && y <= hi,
        (Some(_), None) => false,
    };
    // Per agency, its reports by year (the year before the range too, for the cross-year rule).
    // Two files for one year are both kept: the rule is run on each pair, never on one
    // file picked silently.
    let mut by_agency: BTreeMap<String, BTreeMap<i32, Vec<Report>>> = BTreeMap::new();
    let mut findings = Vec::new();
    for r in index.reports() {
        if names.as_ref().is_some_and(|n| !n.contains(&r.agency)) || left_out.contains(&r.path) {
            continue;
        }
        let wanted = in_years(r.year);
        let previous = r.year.is_some_and(|y| in_years(Some(y + 1)));
        if !wanted && !previous {
            continue;
        }
        let rep = index.report(&r.path)?;
        if wanted {
            for c in rep.checks.iter().filter(|c| c.ok != Some(true)) {
                findings.push(Finding {
                    path: rep.path.clone(),
                    agency: r.agency.clone(),
                    year: rep.year,
                    rule: c.rule.clone(),
                    ok: c.ok,
                    left: c.left,
                    right: c.right,
                    blame: c.blame,
                });
            }
        }
        if let Some(y) = r.year {
            if !r.agency.is_empty() {
                by_agency
                    .entry(r.agency.clone())
                    .or_default()
                    .entry(y)
                    .or_default()
                    .push(rep);
            }
        }
    }
    for (agency, reps) in &by_agency {
        for (y, these) in reps {
            if !in_years(Some(*y)) {
                continue;
            }
            let Some(lasts) = reps.get(&(y - 1)) else {
                continue;
            };
            for this in these {
                for last in lasts {
                    let mut found = across_years(agency, last, this);
                    if lasts.len() > 1 {
                        // Which of last year's files the figures were compared with.
                        for f in &mut found {
                            f.rule.push_str(&format!(" [{}: {}]", y - 1, last.path));
                        }
                    }
                    findings.extend(found);
                }
            }
        }
    }
    let failed = findings.iter().filter(|f| f.ok == Some(false)).count();
    if json {
        writeln!(out, "{}", serde_json::to_string(&findings)?)?;
    } else {
        for f in &findings {
            let year = f.year.map_or("?".into(), |y| y.to_string());
            let whose = f
                .blame
                .map_or(String::new(), |b| format!(" — {}", b.explain()));
            let what = match (f.ok, f.left, f.right) {
                (Some(false), Some(l), Some(r)) => format!("FAILED: {l} ≠ {r}{whose}"),
                (Some(false), _, _) => "FAILED".to_string(),
                _ => "not assessable (a cell it needs is empty)".to_string(),
            };
            writeln!(
                out,
                "{} {}  {}  {}\n    {}",
                f.agency, year, f.rule, what, f.path
            )?;
        }
        writeln!(
            out,
            "{} rule{} failed, {} not assessable",
            failed,
            if failed == 1 { "" } else { "s" },
            findings.len() - failed
        )?;
    }
    Ok(failed == 0)
}
