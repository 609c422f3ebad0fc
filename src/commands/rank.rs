//! `nianbao rank [QUERY] [filters] --by FIGURE|METRIC [--asc] [--limit N] [--json]`.

use super::compare::measure;
use super::open_index;
use super::select::select;
use crate::analysis::rank::rank;
use crate::cli::{Config, RankArgs};
use crate::output::across;
use std::io::Write;

pub fn run(
    config: &Config,
    args: &RankArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<bool> {
    let by = measure(&args.by)?;
    let index = open_index(config, err)?;
    let selected = select(&index, &args.select)?;
    let r = rank(
        &selected.entries,
        by.as_measure(),
        !args.asc,
        args.select.min_cases,
    );
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&r)?)?;
        return Ok(true);
    }
    for line in across::ranking(&r, args.limit) {
        writeln!(out, "{line}")?;
    }
    Ok(true)
}
