//! Running a user's query: parsing its syntax, filters, ranking, snippets and facet counts.

use super::agency::AgencyMatcher;
use super::{AgencyYears, Index, IndexError, Query, ReportRef, SearchResults};
use crate::report::Report;
use std::path::{Path, PathBuf};

/// What an open [`Index`] shares between its clones.
pub struct Inner {
    pub(crate) dir: PathBuf,
    pub(crate) agency_years: Vec<AgencyYears>,
    pub(crate) agency_matcher: AgencyMatcher,
    pub(crate) reports: Vec<ReportRef>,
}

pub(crate) fn open(dir: &Path) -> Result<Index, IndexError> {
    let _ = dir;
    todo!()
}

pub(crate) fn search(index: &Index, q: &Query) -> Result<SearchResults, IndexError> {
    let _ = (index, q);
    todo!()
}

pub(crate) fn load_report(index: &Index, path: &str) -> Result<Report, IndexError> {
    let _ = (index, path);
    todo!()
}
