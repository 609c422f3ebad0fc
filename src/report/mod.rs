//! Reading one annual report: decoding, normalising, parsing into the contract, checking its arithmetic.

pub mod checks;
pub mod decode;
mod grids;
mod header;
mod keyed;
mod layout;
mod meta;
pub mod metrics;
pub mod model;
pub mod normalize;
pub mod place;
mod reflow;
mod sections;
mod tables;
pub mod template;
mod tokens;

pub use layout::Hints;
pub use model::{
    Blame, CellRef, CellStatus, Check, Report, Row, Section, Source, Table, TableId, Template,
    Text, Topic, Value, Warning, Warnings,
};
pub use place::{Level, PlaceMap};
pub use reflow::{reflow, reflow_mapped};

use std::path::Path;

/// Why a file could not be read as a report. Parsing itself never fails: what it cannot
/// understand becomes a warning in the report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    Decode { path: String, reason: String },
}

impl ReportError {
    /// What went wrong, without the path: for lists that name the file already.
    pub fn reason(&self) -> String {
        match self {
            ReportError::Io { source, .. } => format!("cannot read: {source}"),
            ReportError::Decode { reason, .. } => reason.clone(),
        }
    }
}

/// Reads, decodes and parses the file at `path`, with the hints of the usual corpus layout
/// ([`Hints::from_path`]).
pub fn parse_file(path: &Path) -> Result<Report, ReportError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ReportError::Io {
        path: shown.clone(),
        source,
    })?;
    parse_bytes(&shown, &bytes)
}

/// Reads a report's raw bytes in whatever format they are (text, web page, DOCX, PDF: told by
/// `path`'s extension and confirmed by the bytes) and parses them; `path` is also recorded
/// in the report.
pub fn parse_bytes(path: &str, bytes: &[u8]) -> Result<Report, ReportError> {
    parse_bytes_with(path, bytes, &Hints::from_path(path))
}

/// [`parse_bytes`] with the hints the caller's corpus layout gives.
pub fn parse_bytes_with(path: &str, bytes: &[u8], hints: &Hints) -> Result<Report, ReportError> {
    let doc = crate::source::read(path, bytes).map_err(|e| ReportError::Decode {
        path: path.to_string(),
        reason: e.to_string(),
    })?;
    Ok(parse_document(path, &doc, hints))
}

/// Parses a document: its text as [`parse_text`] does, then its tables from the document's own
/// grids where it has them (the grid wins where the two readings disagree).
pub fn parse_document(path: &str, doc: &crate::source::Document, hints: &Hints) -> Report {
    let (mut report, mut uncertain) = read_text(path, &doc.text, hints);
    for (i, w) in doc.warnings.iter().enumerate() {
        report.warnings.insert(i, Warning::from(w.clone()));
    }
    grids::apply(
        report.template,
        &doc.tables,
        &mut report.tables,
        &mut uncertain,
        &mut report.warnings,
    );
    report.checks = if doc.ocr {
        checks::keep_ocr_where_arithmetic_holds(report.template, &mut report.tables)
    } else {
        checks::assess(report.template, &mut report.tables, &uncertain)
    };
    report.source.format = Some(doc.format.as_str().to_string());
    report.source.pages = doc.pages;
    report
}

/// The report without what follows from its text and tables (sections, checks): what an
/// index needs to store, about a third of the full contract. [`restore`] gives the report back.
pub fn without_derived(r: &Report) -> Report {
    Report {
        sections: Vec::new(),
        checks: Vec::new(),
        text: String::new(),
        ..r.clone()
    }
}

/// The report [`without_derived`] was given, from that form and the report's cleaned text.
pub fn restore(mut stored: Report, text: String) -> Report {
    stored.sections = sections::split(&text);
    stored.checks = checks::run(stored.template, &stored.tables);
    stored.text = text;
    stored
}

/// Parses decoded text, with the hints of the usual corpus layout ([`Hints::from_path`]).
/// Never panics, whatever the text.
pub fn parse_text(path: &str, text: &str) -> Report {
    parse_text_with(path, text, &Hints::from_path(path))
}

/// [`parse_text`] with the hints the caller's corpus layout gives.
pub fn parse_text_with(path: &str, text: &str, hints: &Hints) -> Report {
    let (mut report, uncertain) = read_text(path, text, hints);
    report.checks = checks::assess(report.template, &mut report.tables, &uncertain);
    report
}

/// The report the text gives, without its checks (worked out once, when every reading of the
/// document is in), and the rows whose figures' column order is not sure.
fn read_text(path: &str, text: &str, hints: &Hints) -> (Report, tables::Uncertain) {
    let cleaned = normalize::clean(text);
    // A scraped page's header block is metadata, never text of the report.
    let (head, body) = header::split(&cleaned);
    let clean = body.to_string();
    let mut warnings = Vec::new();
    let keyed = keyed::Keyed::new(&clean);
    let meta = meta::read(&clean, &keyed, hints, &head, &mut warnings);
    let secs = sections::split(&clean);
    // A page whose tables were flattened onto long lines (not merely long paragraphs): its
    // figures' column order is the scraper's.
    let flat = text.split('\n').any(|l| {
        l.len() >= normalize::FLAT_LINE
            && !l.contains('\t')
            && !l.contains("<td")
            && (l.contains("本年新收") || l.contains("第二十条第"))
    });
    let (template, tables, uncertain) =
        tables::read(&clean, &keyed, meta.year, meta.cites, flat, &mut warnings);
    let report = Report {
        path: path.to_string(),
        agency: meta.agency,
        year: meta.year,
        title: meta.title,
        template,
        source: Source {
            published: head.published,
            url: head.url,
            publisher: head.publisher,
            ..Source::default()
        },
        sections: secs,
        tables,
        checks: Vec::new(),
        warnings,
        text: clean,
    };
    (report, uncertain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_restored_from_its_stored_form_is_the_report() {
        let files = [
            "tests/fixtures/template2019.txt",
            "tests/fixtures/nonzero2021.txt",
            "corpus/中卫市工业和信息化局/2024.txt",
        ];
        let texts = files.map(|f| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(f);
            std::fs::read_to_string(path).expect("fixture")
        });
        for (file, text) in files.iter().zip(texts) {
            let r = parse_text(file, &text);
            assert!(!r.sections.is_empty() && !r.checks.is_empty(), "{file}");
            let stored = without_derived(&r);
            assert!(stored.sections.is_empty() && stored.checks.is_empty());
            let json = serde_json::to_string(&stored).expect("json");
            let back: Report = serde_json::from_str(&json).expect("parse");
            let restored = restore(back, r.text.clone());
            assert_eq!(restored, r, "{file}");
            // The cells of each check come back too (they are not in the JSON).
            assert_eq!(
                restored.checks.iter().map(|c| c.cells.len()).sum::<usize>(),
                r.checks.iter().map(|c| c.cells.len()).sum::<usize>()
            );
        }
    }
}
