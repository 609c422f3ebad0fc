//! Work across reports: the reports a query selects, with place and kind, then totals, metrics,
//! rankings, comparisons across years and figure filters. Reads reports through the index's
//! public face only.

pub mod compare;
pub mod figure;
pub mod rank;
pub mod totals;

use crate::index::{Backend, IndexError, Query, StoredReport};
use crate::report::checks;
use crate::report::place::{self, Kind, Place, PlaceMap};
use crate::report::{CellStatus, Source, Table, TableId, Template};

/// The named metrics a ranking can be by, for front ends that reach the report layer through
/// this one.
pub use crate::report::metrics::{Metric, DEFAULT_MIN_CASES, METRICS};
pub use figure::{Condition, FigureRef, Filter};

#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("{0}")]
    Figure(String),
}

/// One selected report, with what work across reports needs and nothing else.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: String,
    pub agency: String,
    pub year: Option<i32>,
    pub template: Template,
    pub place: Place,
    pub kind: Kind,
    /// blake3 of the file, hex, as the index recorded it.
    pub hash: String,
    pub source: Source,
    pub tables: Vec<Table>,
    /// Arithmetic rules of FORMAT.md §4 that fail on this report.
    pub failed_checks: usize,
}

impl Entry {
    pub fn table(&self, id: TableId) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }

    /// Whether any cell's status is `inferred` (split from a run of digits, or a label matched
    /// despite a slip).
    pub fn has_inferred(&self) -> bool {
        self.tables.iter().any(|t| {
            t.rows
                .iter()
                .any(|r| r.status.contains(&CellStatus::Inferred))
        })
    }
}

/// What to select: the query (text and the filters of `search`) and the figure filters.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub query: Query,
    pub filters: Vec<Filter>,
    pub places: PlaceMap,
}

/// The selected reports, sorted by agency, year and path, and how many the figure filters
/// left out.
#[derive(Debug, Clone, Default)]
pub struct Selected {
    pub entries: Vec<Entry>,
    /// Reports the query matched that the figure filters left out.
    pub filtered_out: usize,
}

/// The reports `sel` selects: exactly those a search with its query counts, read through the
/// engine's face (the tantivy index or the memory engine alike).
pub fn select(engine: &dyn Backend, sel: &Selection) -> Result<Selected, AnalysisError> {
    let stored = engine.selected_reports(&sel.query)?;
    let mut entries: Vec<Entry> = stored
        .into_iter()
        .map(|s| stored_entry(s, &sel.places))
        .collect();
    entries.sort_by(|a, b| (&a.agency, a.year, &a.path).cmp(&(&b.agency, b.year, &b.path)));
    let before = entries.len();
    entries.retain(|e| sel.filters.iter().all(|f| f.accepts(e)));
    Ok(Selected {
        filtered_out: before - entries.len(),
        entries,
    })
}

/// An [`Entry`] from the figures the index keeps; the agency is the one the index lists (the
/// one `--agency` and the browser use).
pub fn stored_entry(s: StoredReport, places: &PlaceMap) -> Entry {
    Entry {
        place: if places.is_empty() {
            place::from_name(&s.agency)
        } else {
            places.place(&s.agency)
        },
        kind: place::kind(&s.agency),
        agency: s.agency,
        path: s.path,
        year: s.year,
        template: s.template,
        hash: s.hash,
        source: s.figures.source,
        tables: s.figures.tables,
        failed_checks: s.figures.failed_checks,
    }
}

/// An [`Entry`] from a report's contract.
pub fn entry(r: crate::report::Report, hash: String, places: &PlaceMap) -> Entry {
    let agency = r.agency.clone().unwrap_or_default();
    let failed_checks = checks::run(r.template, &r.tables)
        .iter()
        .filter(|c| c.ok == Some(false))
        .count();
    Entry {
        place: if places.is_empty() {
            place::from_name(&agency)
        } else {
            places.place(&agency)
        },
        kind: place::kind(&agency),
        agency,
        path: r.path,
        year: r.year,
        template: r.template,
        hash,
        source: r.source,
        tables: r.tables,
        failed_checks,
    }
}
