//! Reading one annual report: decoding, normalising, parsing into the contract, checking its arithmetic.

pub mod checks;
pub mod decode;
mod keyed;
mod meta;
pub mod model;
pub mod normalize;
mod sections;
mod tables;
pub mod template;
mod tokens;

pub use model::{CellRef, Check, Report, Row, Section, Table, Template, Value};

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

/// Reads, decodes and parses the file at `path`.
pub fn parse_file(path: &Path) -> Result<Report, ReportError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ReportError::Io {
        path: shown.clone(),
        source,
    })?;
    parse_bytes(&shown, &bytes)
}

/// Decodes and parses a report's raw bytes; `path` is only recorded in the report.
pub fn parse_bytes(path: &str, bytes: &[u8]) -> Result<Report, ReportError> {
    let decoded = decode::decode(bytes).map_err(|e| ReportError::Decode {
        path: path.to_string(),
        reason: e.to_string(),
    })?;
    let mut report = parse_text(path, &decoded.text);
    if let Some(note) = decoded.note {
        report.warnings.insert(0, format!("encoding: {note}"));
    }
    Ok(report)
}

/// Parses decoded text. Never panics, whatever the text.
pub fn parse_text(path: &str, text: &str) -> Report {
    let clean = normalize::clean(text);
    let mut warnings = Vec::new();
    let keyed = keyed::Keyed::new(&clean);
    let meta = meta::read(&clean, &keyed, path, &mut warnings);
    let secs = sections::split(&clean);
    let (template, tables) = tables::read(&clean, &keyed, meta.year, meta.cites, &mut warnings);
    let checks = checks::run(template, &tables);
    Report {
        path: path.to_string(),
        agency: meta.agency,
        year: meta.year,
        title: meta.title,
        template,
        sections: secs,
        tables,
        checks,
        warnings,
        text: clean,
    }
}
