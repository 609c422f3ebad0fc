//! The selection shared by `totals`, `rank` and `export`: a query, its filters, figure filters.

use super::agencies_for;
use crate::analysis::{self, Filter, Selected, Selection};
use crate::cli::{parse_years, SelectArgs};
use crate::index::{Index, Query};
use crate::report::place::PlaceMap;
use crate::report::Template;
use anyhow::Context;

/// The selection the command line asks for.
pub fn selection(index: &Index, args: &SelectArgs) -> anyhow::Result<Selection> {
    let agencies = match &args.agency {
        Some(a) => agencies_for(index, a)?,
        None => Vec::new(),
    };
    let years = match &args.year {
        Some(y) => Some(parse_years(y).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let template =
        match &args.template {
            Some(t) => Some(Template::parse(t).ok_or_else(|| {
                anyhow::anyhow!("unknown template \"{t}\": use 2021, 2019 or free")
            })?),
            None => None,
        };
    let filters = args
        .filters
        .iter()
        .map(|f| Filter::parse(f))
        .collect::<Result<Vec<_>, _>>()?;
    let places = match &args.places {
        Some(p) => PlaceMap::load(p)?,
        None => PlaceMap::default(),
    };
    if !(args.min_cases >= 0.0 && args.min_cases.is_finite()) {
        anyhow::bail!("--min-cases must be a number of cases, 0 or more");
    }
    Ok(Selection {
        query: Query {
            text: args.query.join(" "),
            agencies,
            years,
            template,
            limit: 0,
            offset: 0,
            ..Query::default()
        },
        filters,
        places,
    })
}

/// The reports the command line selects.
pub fn select(index: &Index, args: &SelectArgs) -> anyhow::Result<Selected> {
    let sel = selection(index, args)?;
    analysis::select(index, &sel).context("cannot read the selected reports")
}
