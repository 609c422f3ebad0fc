//! Every report's stored tables at once, for work across reports (totals, rankings, export).
//!
//! [`Index::report`] finds one document by a term query and restores its sections and checks;
//! reading thousands that way costs a lookup each. Here each segment's store is read in document
//! order (each compressed block is opened once) and only the stored contract is parsed: no
//! text, no sections, no checks.

use super::schema::all_terms;
use super::{Index, IndexError};
use crate::report::Report;
use tantivy::schema::Value;
use tantivy::TantivyDocument;

/// A report's stored contract (without sections, checks and text) and its file's hash.
#[derive(Debug, Clone)]
pub struct StoredReport {
    pub report: Report,
    /// blake3 of the file's bytes, hex, as recorded by the index.
    pub hash: String,
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
        let path_col = ff.str("path").map_err(terr)?;
        let hash_col = ff.str("hash").map_err(terr)?;
        let paths = all_terms(&path_col);
        let hashes = all_terms(&hash_col);
        let term = |col: &Option<tantivy::columnar::StrColumn>, terms: &[String], doc| {
            col.as_ref()
                .and_then(|c| c.ords().first(doc))
                .and_then(|o| terms.get(o as usize))
                .cloned()
                .unwrap_or_default()
        };
        let store = seg
            .get_store_reader(64)
            .map_err(|e| IndexError::Tantivy(e.to_string()))?;
        for doc in seg.doc_ids_alive() {
            let path = term(&path_col, &paths, doc);
            if !want(&path) {
                continue;
            }
            let d: TantivyDocument = store.get(doc).map_err(terr)?;
            let json = d
                .get_first(inner.fields.json)
                .and_then(|v| v.as_str())
                .unwrap_or("");
            let report: Report = serde_json::from_str(json)
                .map_err(|e| IndexError::Tantivy(format!("stored report for {path}: {e}")))?;
            out.push(StoredReport {
                report,
                hash: term(&hash_col, &hashes, doc),
            });
        }
    }
    Ok(out)
}
