//! The selection shared by `totals`, `rank` and `export`: a query, its filters, figure filters.

use crate::analysis::{self, Filter, Selected, Selection};
use crate::cli::SelectArgs;
use crate::index::Index;
use crate::report::PlaceMap;
use anyhow::Context;

/// The selection the command line asks for.
pub fn selection(index: &Index, args: &SelectArgs) -> anyhow::Result<Selection> {
    let filters = args
        .conditions
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
        query: super::filters::query(index, args.query.join(" "), &args.filters)?,
        filters,
        places,
    })
}

/// The reports the command line selects.
pub fn select(index: &Index, args: &SelectArgs) -> anyhow::Result<Selected> {
    let sel = selection(index, args)?;
    analysis::select(index, &sel).context("cannot read the selected reports")
}
