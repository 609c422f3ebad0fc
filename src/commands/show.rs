//! `nianbao show AGENCY [YEAR] | PATH [--table ID] [--format F]`: one report, or one of its tables.

use super::{agencies_for, open_fresh};
use crate::cli::{Config, ShowFormat};
use crate::index::fresh::Staleness;
use crate::index::key_of;
use crate::index::Index;
use crate::output::{export, sanitize, summary};
use crate::report::{self, Report, TableId};
use std::io::Write;
use std::path::Path;

fn export_format(f: ShowFormat) -> Option<export::Format> {
    match f {
        ShowFormat::Text => None,
        ShowFormat::Tsv => Some(export::Format::Tsv),
        ShowFormat::Csv => Some(export::Format::Csv),
        ShowFormat::Md => Some(export::Format::Markdown),
        ShowFormat::Json => Some(export::Format::Json),
    }
}

/// Finds the report: a file path first, then agency (and year) in the index.
/// `Ok(None)` when the name is ambiguous (the candidates were listed on `out`).
fn find(
    config: &Config,
    target: &str,
    (year, pick): (Option<i32>, Option<usize>),
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Option<Report>> {
    let p = Path::new(target);
    if p.is_file() {
        return Ok(Some(report::parse_file(p)?));
    }
    let (index, stale) = open_fresh(config, err)?;
    if index.report(target).is_ok() {
        return current(config, &stale, target, &index, err).map(Some);
    }
    let names = agencies_for(&index, target)?;
    if names.len() > 1 {
        writeln!(out, "\"{target}\" matches {} agencies:", names.len())?;
        for n in &names {
            writeln!(out, "  {n}")?;
        }
        writeln!(out, "give more of the name, or the full name")?;
        return Ok(None);
    }
    let agency = &names[0];
    let mut reports = index.find(agency, year);
    if reports.is_empty() {
        let years: Vec<String> = index
            .find(agency, None)
            .iter()
            .filter_map(|r| r.year.map(|y| y.to_string()))
            .collect();
        anyhow::bail!(
            "{agency} has no report for {}; it has: {}",
            year.map_or("any year".into(), |y| y.to_string()),
            years.join(", ")
        );
    }
    // Without a year, the latest report.
    let latest = reports.iter().filter_map(|r| r.year).max();
    if year.is_none() {
        reports.retain(|r| r.year == latest);
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    // Two files of one agency and year: never one picked silently.
    let chosen = match (reports.len(), pick) {
        (1, None | Some(1)) => reports[0].path.clone(),
        (n, Some(k)) if (1..=n).contains(&k) => reports[k - 1].path.clone(),
        (n, _) => {
            let y = reports[0].year.map_or("?".into(), |y| y.to_string());
            writeln!(out, "{agency} has {n} reports for {y}:")?;
            for (i, r) in reports.iter().enumerate() {
                writeln!(out, "  {}. {}", i + 1, r.path)?;
            }
            writeln!(out, "choose one with --pick N, or give its path")?;
            return Ok(None);
        }
    };
    current(config, &stale, &chosen, &index, err).map(Some)
}

/// The report at `path` as the corpus holds it now: from the index, or, when the index could
/// not be updated and the file changed since, from the file itself (a stale figure is never
/// printed as read); an error when the file is gone.
fn current(
    config: &Config,
    stale: &Staleness,
    path: &str,
    index: &Index,
    err: &mut dyn Write,
) -> anyhow::Result<Report> {
    if !stale.is_fresh() {
        let key = key_of(&config.corpus, Path::new(path));
        if stale.removed.contains(&key) {
            anyhow::bail!("{path} is no longer in the corpus (the index is stale, see above)");
        }
        if stale.changed.contains(&key) {
            let file = config.corpus.join(&key);
            writeln!(
                err,
                "nianbao: {} changed since the index was built: read from the file",
                sanitize::clean(path)
            )?;
            return Ok(report::parse_file(&file)?);
        }
    }
    Ok(index.report(path)?)
}

pub fn run(
    config: &Config,
    target: &str,
    year: (Option<i32>, Option<usize>),
    table: Option<TableId>,
    (format, status): (ShowFormat, bool),
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<bool> {
    let Some(r) = find(config, target, year, out, err)? else {
        return Ok(false);
    };
    let fmt = export_format(format);
    if let Some(id) = table {
        let Some(t) = r.table(id) else {
            let ids: Vec<&str> = r.tables.iter().map(|t| t.id.as_str()).collect();
            anyhow::bail!(
                "{} has no table {id}; its tables: {}",
                r.path,
                if ids.is_empty() {
                    "none".into()
                } else {
                    ids.join(", ")
                }
            );
        };
        match fmt {
            None => write!(
                out,
                "{}\nmarks:\n{}",
                summary::table(&r, t),
                crate::output::marks::legend_lines("  ")
            )?,
            Some(f) => writeln!(out, "{}", export::table_with(t, f, status).trim_end())?,
        }
        return Ok(true);
    }
    match fmt {
        None => write!(out, "{}", summary::report(&r, false))?,
        Some(export::Format::Json) => writeln!(out, "{}", serde_json::to_string_pretty(&r)?)?,
        Some(f) => {
            for (i, t) in r.tables.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                if f == export::Format::Markdown {
                    writeln!(out, "### {} {}\n", t.id, t.title)?;
                } else {
                    writeln!(out, "{} {}", t.id, t.title)?;
                }
                writeln!(out, "{}", export::table_with(t, f, status).trim_end())?;
            }
        }
    }
    Ok(true)
}
