//! `nianbao open AGENCY [YEAR]`: settles which agency is meant before the browser starts.

use super::index_dir;
use crate::cli::Config;
use crate::index::Index;
use std::io::Write;

/// The exact agency name to open, or `None` when `agency` names several (they are listed on
/// `err`, as `nianbao show` lists them) or none. Decided on the existing index; without a
/// usable one the browser builds it and its go-to prompt lists the candidates instead.
pub fn resolve(
    config: &Config,
    agency: &str,
    year: Option<i32>,
    err: &mut dyn Write,
) -> anyhow::Result<Option<String>> {
    let Ok(index) = index_dir(config).and_then(|d| Ok(Index::open(&d)?)) else {
        return Ok(Some(agency.to_string()));
    };
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
            Ok(Some(name.clone()))
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
