//! Every report's figures at once, for work across reports (totals, rankings, export).
//!
//! [`Index::report`] finds one document by a term query and restores it from the document
//! store, text and all; reading thousands that way costs a store block and a JSON parse each.
//! Here everything comes from fast columns: the path, agency, year, template and hash, and the
//! tables in the compact form of `figures.rs`. The document store is not touched.

use super::figures::{self, Figures};
use super::schema::{all_bytes, all_terms, NO_YEAR};
use super::{Index, IndexError};
use crate::report::Template;

/// One report's figures as the index keeps them for work across reports.
#[derive(Debug, Clone)]
pub struct StoredReport {
    pub path: String,
    pub agency: String,
    pub year: Option<i32>,
    pub template: Template,
    /// blake3 of the file's bytes, hex, as recorded by the index.
    pub hash: String,
    pub figures: Figures,
}

/// The stored reports whose path `want` accepts, in no particular order.
pub(crate) fn stored_reports(
    index: &Index,
    want: &dyn Fn(&str) -> bool,
) -> Result<Vec<StoredReport>, IndexError> {
    let inner = &index.inner;
    let terr = |e: tantivy::TantivyError| IndexError::Tantivy(e.to_string());
    let mut out = Vec::new();
    for seg in inner.searcher.segment_readers() {
        let ff = seg.fast_fields();
        let str_col = |name: &str| -> Result<_, IndexError> {
            let col = ff.str(name).map_err(terr)?;
            let terms = all_terms(&col);
            Ok((col, terms))
        };
        let (path_col, paths) = str_col("path")?;
        let (agency_col, agencies) = str_col("agency")?;
        let (template_col, templates) = str_col("template")?;
        let (hash_col, hashes) = str_col("hash")?;
        let figures_col = ff.bytes("figures").map_err(terr)?;
        let blobs = all_bytes(&figures_col);
        let years = ff.i64("year").map_err(terr)?;
        let term = |col: &Option<tantivy::columnar::StrColumn>, terms: &[String], doc| {
            col.as_ref()
                .and_then(|c| c.ords().first(doc))
                .and_then(|o| terms.get(o as usize))
                .cloned()
                .unwrap_or_default()
        };
        for doc in seg.doc_ids_alive() {
            let path = term(&path_col, &paths, doc);
            if !want(&path) {
                continue;
            }
            let template =
                Template::parse(&term(&template_col, &templates, doc)).unwrap_or(Template::Free);
            let blob = figures_col
                .as_ref()
                .and_then(|c| c.ords().first(doc))
                .and_then(|o| blobs.get(o as usize));
            let figures = blob
                .ok_or_else(|| IndexError::Tantivy(format!("no stored figures for {path}")))
                .and_then(|b| {
                    figures::decode(b, template)
                        .map_err(|e| IndexError::Tantivy(format!("{path}: {e}")))
                })?;
            out.push(StoredReport {
                agency: term(&agency_col, &agencies, doc),
                year: years.first(doc).filter(|&y| y != NO_YEAR).map(|y| y as i32),
                template,
                hash: term(&hash_col, &hashes, doc),
                figures,
                path,
            });
        }
    }
    Ok(out)
}
