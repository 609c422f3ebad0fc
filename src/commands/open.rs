//! `nianbao open AGENCY [YEAR] [--pick N] | PATH`: settles which report is meant before the browser starts.

use super::index_dir;
use crate::cli::Config;
use crate::index::Index;
use std::io::Write;

/// What the browser opens.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// An agency (exact name, or as typed when no index could be read) and maybe a year.
    Agency(String, Option<i32>),
    /// One report, by its path in the index.
    Report(String),
}

/// What to open, or `None` when `agency` names several agencies, or the agency has several
/// reports for the year and `pick` does not choose one (they are listed on `err`, as `nianbao
/// show` lists them), or none. Decided on the existing index, brought up to date first;
/// without a usable one the browser builds it and its go-to prompt lists the candidates.
pub fn resolve(
    config: &Config,
    agency: &str,
    year: Option<i32>,
    pick: Option<usize>,
    err: &mut dyn Write,
) -> anyhow::Result<Option<Target>> {
    let Ok(index) = index_dir(config).and_then(|d| Ok(Index::open(&d)?)) else {
        return Ok(Some(Target::Agency(agency.to_string(), year)));
    };
    // A report added since the last build is found, a removed one is not.
    let (index, _) = super::refresh(config, index, err)?;
    // A report's path, as the index lists it or as a file.
    if year.is_none() {
        if let Some(path) = report_path(&index, agency) {
            return Ok(Some(Target::Report(path)));
        }
    }
    let names = index.resolve_agency(agency);
    match names.as_slice() {
        [] => {
            writeln!(
                err,
                "nianbao: no agency matches \"{agency}\"; `nianbao agencies` lists them all"
            )?;
            Ok(None)
        }
        [name] => {
            if year.is_some() && index.find(name, year).is_empty() {
                let years: Vec<String> = index
                    .find(name, None)
                    .iter()
                    .filter_map(|r| r.year.map(|y| y.to_string()))
                    .collect();
                writeln!(
                    err,
                    "nianbao: {name} has no report for {}; it has: {}",
                    year.map_or(String::new(), |y| y.to_string()),
                    years.join(", ")
                )?;
                return Ok(None);
            }
            let y = year.or_else(|| index.find(name, None).iter().filter_map(|r| r.year).max());
            let mut reports = index.find(name, y);
            reports.sort_by(|a, b| a.path.cmp(&b.path));
            match (reports.len(), pick) {
                (0 | 1, None | Some(1)) => Ok(Some(Target::Agency(name.clone(), year))),
                (n, Some(k)) if (1..=n).contains(&k) => {
                    Ok(Some(Target::Report(reports[k - 1].path.clone())))
                }
                (n, _) => {
                    let y = y.map_or("?".into(), |y| y.to_string());
                    writeln!(err, "{name} has {n} reports for {y}:")?;
                    for (i, r) in reports.iter().enumerate() {
                        writeln!(err, "  {}. {}", i + 1, r.path)?;
                    }
                    writeln!(err, "choose one with --pick N, or give its path")?;
                    Ok(None)
                }
            }
        }
        _ => {
            writeln!(err, "\"{agency}\" matches {} agencies:", names.len())?;
            for n in &names {
                writeln!(err, "  {n}")?;
            }
            writeln!(err, "give more of the name, or the full name")?;
            Ok(None)
        }
    }
}

/// The index's path of the report `target` names: its path in the index, or a file of it.
fn report_path(index: &Index, target: &str) -> Option<String> {
    if let Some(r) = index.reports().into_iter().find(|r| r.path == target) {
        return Some(r.path);
    }
    let file = std::path::Path::new(target);
    if !file.is_file() {
        return None;
    }
    let want = file.canonicalize().ok()?;
    index
        .reports()
        .into_iter()
        .find(|r| {
            std::path::Path::new(&r.path)
                .canonicalize()
                .is_ok_and(|p| p == want)
        })
        .map(|r| r.path)
}
