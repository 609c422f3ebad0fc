//! Every report's figures at once, for work across reports (totals, rankings, export).
//!
//! [`Index::report`] finds one document by a term query and restores it from the document
//! store, text and all; reading thousands that way costs a store block and a JSON parse each.
//! Here everything comes from fast columns: the path, agency, year, template and hash, and the
//! tables in the compact form of `figures.rs`. The document store is not touched.

use super::figures::{self, Figures};
use super::schema::{all_bytes, all_terms, PackedTerms, NO_YEAR};
use super::{Index, IndexError};
use crate::report::Template;
use std::borrow::Cow;

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

/// A dictionary-encoded column's values for the documents wanted: the whole dictionary read
/// in one stream when most documents are wanted, one lookup per document when few are (one
/// agency's years out of 100,000 reports must not read every report's figures).
struct Values {
    col: Option<tantivy::columnar::BytesColumn>,
    all: Option<PackedTerms>,
}

impl Values {
    fn new(col: Option<tantivy::columnar::BytesColumn>, stream: bool) -> Values {
        let all = stream.then(|| all_bytes(&col));
        Values { col, all }
    }

    fn get(&self, doc: tantivy::DocId) -> Option<Cow<'_, [u8]>> {
        let col = self.col.as_ref()?;
        let ord = col.ords().first(doc)?;
        match &self.all {
            Some(all) => all.get(ord as usize).map(Cow::Borrowed),
            None => {
                let mut buf = Vec::new();
                col.ord_to_bytes(ord, &mut buf)
                    .ok()?
                    .then_some(Cow::Owned(buf))
            }
        }
    }

    fn text(&self, doc: tantivy::DocId) -> String {
        self.get(doc)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }
}

/// The stored reports whose path `want` accepts, in no particular order.
pub(crate) fn stored_reports(
    index: &Index,
    want: &dyn Fn(&str) -> bool,
) -> Result<Vec<StoredReport>, IndexError> {
    let inner = &index.inner;
    let mut out = Vec::new();
    for seg in inner.searcher.segment_readers() {
        let path_col = seg.fast_fields().str("path").map_err(terr)?;
        let paths = all_terms(&path_col);
        let wanted: Vec<(tantivy::DocId, String)> = seg
            .doc_ids_alive()
            .filter_map(|doc| {
                let o = path_col.as_ref()?.ords().first(doc)?;
                let p = paths.get(o as usize)?;
                want(p).then(|| (doc, p.clone()))
            })
            .collect();
        read_segment(seg, wanted, &mut out)?;
    }
    Ok(out)
}

/// The stored reports of `docs` (sorted, as the selection gives them), in that order.
pub(crate) fn stored_docs(
    index: &Index,
    docs: &[tantivy::DocAddress],
) -> Result<Vec<StoredReport>, IndexError> {
    let mut out = Vec::with_capacity(docs.len());
    for (seg, wanted) in paths_by_segment(index, docs)? {
        read_segment(seg, wanted, &mut out)?;
    }
    Ok(out)
}

/// The paths of `docs` (sorted), in that order.
pub(crate) fn doc_paths(
    index: &Index,
    docs: &[tantivy::DocAddress],
) -> Result<Vec<String>, IndexError> {
    Ok(paths_by_segment(index, docs)?
        .into_iter()
        .flat_map(|(_, w)| w.into_iter().map(|(_, p)| p))
        .collect())
}

/// Documents of one segment, each with its path.
type Wanted = Vec<(tantivy::DocId, String)>;

/// `docs` (sorted) by segment, each with its path.
fn paths_by_segment<'a>(
    index: &'a Index,
    docs: &[tantivy::DocAddress],
) -> Result<Vec<(&'a tantivy::SegmentReader, Wanted)>, IndexError> {
    let segs = index.inner.searcher.segment_readers();
    let mut out = Vec::new();
    for group in docs.chunk_by(|a, b| a.segment_ord == b.segment_ord) {
        let Some(seg) = segs.get(group[0].segment_ord as usize) else {
            return Err(IndexError::Tantivy(
                "a selected report's segment is gone".into(),
            ));
        };
        let stream = group.len() * 8 >= seg.num_docs() as usize;
        let col = seg.fast_fields().str("path").map_err(terr)?.map(Into::into);
        let paths = Values::new(col, stream);
        let wanted = group
            .iter()
            .map(|a| (a.doc_id, paths.text(a.doc_id)))
            .collect();
        out.push((seg, wanted));
    }
    Ok(out)
}

fn terr(e: tantivy::TantivyError) -> IndexError {
    IndexError::Tantivy(e.to_string())
}

/// The figures of `wanted` (documents of `seg` with their paths), appended to `out`.
fn read_segment(
    seg: &tantivy::SegmentReader,
    wanted: Wanted,
    out: &mut Vec<StoredReport>,
) -> Result<(), IndexError> {
    if wanted.is_empty() {
        return Ok(());
    }
    let ff = seg.fast_fields();
    let stream = wanted.len() * 8 >= seg.num_docs() as usize;
    let column = |name: &str| -> Result<Values, IndexError> {
        let col = ff.str(name).map_err(terr)?.map(Into::into);
        Ok(Values::new(col, stream))
    };
    let (agencies, templates, hashes) = (column("agency")?, column("template")?, column("hash")?);
    let figures_col = Values::new(ff.bytes("figures").map_err(terr)?, stream);
    let years = ff.i64("year").map_err(terr)?;
    for (doc, path) in wanted {
        let template = templates
            .get(doc)
            .and_then(|b| Template::parse(std::str::from_utf8(&b).ok()?))
            .unwrap_or(Template::Free);
        let figures = figures_col
            .get(doc)
            .ok_or_else(|| IndexError::Tantivy(format!("no stored figures for {path}")))
            .and_then(|b| {
                figures::decode(&b, template)
                    .map_err(|e| IndexError::Tantivy(format!("{path}: {e}")))
            })?;
        out.push(StoredReport {
            agency: agencies.text(doc),
            year: years.first(doc).filter(|&y| y != NO_YEAR).map(|y| y as i32),
            template,
            hash: hashes.text(doc),
            figures,
            path,
        });
    }
    Ok(())
}
