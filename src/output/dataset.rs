//! The selected reports' tables as a dataset: long (one row per cell) or wide (one row per
//! report and table), as CSV, JSON Lines or XLSX, with a data dictionary; files are written
//! under a temporary name and renamed, so a failed export leaves no half-written file.

use super::export::csv_field;
use crate::analysis::Entry;
use crate::report::metrics::METRICS;
use crate::report::template::{section2_tables, table3_rows, T3_COLUMNS, T4_COLUMNS};
use crate::report::{TableId, Template, Value};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The columns of the long form, in order.
pub const LONG_FIELDS: [&str; 18] = [
    "agency",
    "province",
    "city",
    "county",
    "kind",
    "year",
    "template",
    "table",
    "row_index",
    "group",
    "row",
    "column",
    "value",
    "status",
    "path",
    "hash",
    "url",
    "published",
];

/// What each field of the long form means, for the dictionary.
const FIELD_NOTES: [&str; 18] = [
    "the agency's name as indexed",
    "province read from the name (or the --places file); empty when unknown",
    "city read from the name (or the --places file); empty when unknown",
    "county read from the name (or the --places file); empty when unknown",
    "人民政府, 办公室, 局, 委员会, 中心, 街道/乡镇 or 其他, from the end of the name",
    "the year the statistics cover",
    "2021, 2019 or free",
    "2-1, 2-5, 2-6, 2-8, 2-9, 3 or 4",
    "the row's position in the report's table, from 0",
    "the heading a sub-row sits under (（三）不予公开)",
    "the row's label in the template's wording",
    "the column's name",
    "the figure; empty when the cell could not be read (never 0 for an empty cell)",
    "read, inferred, ocr, blank, na or doubtful where the reader recorded it; empty otherwise",
    "the report's file",
    "blake3 of the file's bytes",
    "the source URL, where the file says",
    "the publication date, where the file says",
];

fn value_text(v: Option<Value>) -> String {
    v.map_or_else(String::new, |v| v.to_string())
}

/// The report-level fields of the long form, before `table`.
fn report_fields(e: &Entry) -> [String; 7] {
    [
        e.agency.clone(),
        e.place.province.clone().unwrap_or_default(),
        e.place.city.clone().unwrap_or_default(),
        e.place.county.clone().unwrap_or_default(),
        e.kind.as_str().to_string(),
        e.year.map_or_else(String::new, |y| y.to_string()),
        e.template.as_str().to_string(),
    ]
}

fn csv_line(w: &mut dyn Write, fields: &[String]) -> io::Result<()> {
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    w.write_all(line.join(",").as_bytes())?;
    w.write_all(b"\r\n")
}

const BOM: &[u8] = "\u{feff}".as_bytes();

pub fn long_csv(entries: &[Entry], bom: bool, w: &mut dyn Write) -> io::Result<()> {
    if bom {
        w.write_all(BOM)?;
    }
    csv_line(w, &LONG_FIELDS.map(String::from))?;
    // One record per cell, hundreds of thousands of them: written straight from the tables,
    // with each report's own fields escaped once, never one String per field.
    for e in entries {
        let mut head = Vec::new();
        for f in report_fields(e) {
            csv_write(&mut head, &f)?;
            head.push(b',');
        }
        let mut tail = Vec::new();
        for f in [
            e.path.as_str(),
            e.hash.as_str(),
            e.source.url.as_deref().unwrap_or(""),
            e.source.published.as_deref().unwrap_or(""),
        ] {
            tail.push(b',');
            csv_write(&mut tail, f)?;
        }
        tail.extend_from_slice(b"\r\n");
        for t in &e.tables {
            for (ri, r) in t.rows.iter().enumerate() {
                let mut row = Vec::new();
                csv_write(&mut row, t.id.as_str())?;
                write!(row, ",{ri},")?;
                csv_write(&mut row, r.group.as_deref().unwrap_or(""))?;
                row.push(b',');
                csv_write(&mut row, &r.label)?;
                row.push(b',');
                for (ci, col) in t.columns.iter().enumerate() {
                    w.write_all(&head)?;
                    w.write_all(&row)?;
                    csv_write(w, col)?;
                    w.write_all(b",")?;
                    if let Some(v) = r.values.get(ci).copied().flatten() {
                        write!(w, "{v}")?;
                    }
                    w.write_all(b",")?;
                    if let Some(st) = r.status.get(ci) {
                        w.write_all(st.as_str().as_bytes())?;
                    }
                    w.write_all(&tail)?;
                }
            }
        }
    }
    Ok(())
}

/// `s` as one CSV field (quoted when it holds a comma, a quote or a line break).
fn csv_write(w: &mut dyn Write, s: &str) -> io::Result<()> {
    if s.contains([',', '"', '\n', '\r']) {
        w.write_all(b"\"")?;
        w.write_all(s.replace('"', "\"\"").as_bytes())?;
        w.write_all(b"\"")
    } else {
        w.write_all(s.as_bytes())
    }
}

pub fn long_jsonl(entries: &[Entry], w: &mut dyn Write) -> io::Result<()> {
    for e in entries {
        for t in &e.tables {
            for (ri, r) in t.rows.iter().enumerate() {
                for (ci, col) in t.columns.iter().enumerate() {
                    let obj = serde_json::json!({
                        "agency": e.agency,
                        "province": e.place.province,
                        "city": e.place.city,
                        "county": e.place.county,
                        "kind": e.kind.as_str(),
                        "year": e.year,
                        "template": e.template.as_str(),
                        "table": t.id,
                        "row_index": ri,
                        "group": r.group,
                        "row": r.label,
                        "column": col,
                        "value": r.values.get(ci).copied().flatten(),
                        "status": r.status.get(ci).map(|s| s.as_str()),
                        "path": e.path,
                        "hash": e.hash,
                        "url": e.source.url,
                        "published": e.source.published,
                    });
                    serde_json::to_writer(&mut *w, &obj)?;
                    w.write_all(b"\n")?;
                }
            }
        }
    }
    Ok(())
}

/// A wide table's header key for a cell: `row | column`, the group before a sub-row.
fn cell_key(group: Option<&str>, row: &str, column: &str) -> String {
    match (group, row) {
        (_, "") => column.to_string(),
        (Some(g), r) => format!("{g} {r} | {column}"),
        (None, r) => format!("{r} | {column}"),
    }
}

/// One table in wide form: the cell keys (in first-seen order) and, per report having the
/// table, its values under those keys.
pub struct Wide<'a> {
    pub table: TableId,
    pub keys: Vec<String>,
    pub rows: Vec<(&'a Entry, Vec<Option<Value>>)>,
}

pub const WIDE_FIELDS: [&str; 9] = [
    "agency", "province", "city", "county", "kind", "year", "template", "path", "hash",
];

/// The tables of `entries` in wide form, in table order.
pub fn wide(entries: &[Entry]) -> Vec<Wide<'_>> {
    let mut ids: Vec<TableId> = entries
        .iter()
        .flat_map(|e| e.tables.iter().map(|t| t.id))
        .collect();
    ids.sort();
    ids.dedup();
    ids.into_iter()
        .map(|id| {
            let mut keys: Vec<String> = Vec::new();
            let mut index = std::collections::HashMap::new();
            let mut rows = Vec::new();
            for e in entries {
                let Some(t) = e.table(id) else { continue };
                let mut vals: Vec<(usize, Option<Value>)> = Vec::new();
                for r in &t.rows {
                    for (ci, col) in t.columns.iter().enumerate() {
                        let k = cell_key(r.group.as_deref(), &r.label, col);
                        let at = *index.entry(k.clone()).or_insert_with(|| {
                            keys.push(k);
                            keys.len() - 1
                        });
                        vals.push((at, r.values.get(ci).copied().flatten()));
                    }
                }
                let mut row = vec![None; keys.len()];
                for (at, v) in vals {
                    row[at] = v;
                }
                rows.push((e, row));
            }
            for (_, r) in &mut rows {
                r.resize(keys.len(), None);
            }
            Wide {
                table: id,
                keys,
                rows,
            }
        })
        .collect()
}

fn wide_head(e: &Entry) -> Vec<String> {
    let [a, p, c, k, kind, y, t] = report_fields(e);
    vec![a, p, c, k, kind, y, t, e.path.clone(), e.hash.clone()]
}

pub fn wide_csv(w: &Wide, bom: bool, out: &mut dyn Write) -> io::Result<()> {
    if bom {
        out.write_all(BOM)?;
    }
    let mut head: Vec<String> = WIDE_FIELDS.iter().map(|s| s.to_string()).collect();
    head.extend(w.keys.iter().cloned());
    csv_line(out, &head)?;
    for (e, vals) in &w.rows {
        let mut line = wide_head(e);
        line.extend(vals.iter().map(|v| value_text(*v)));
        csv_line(out, &line)?;
    }
    Ok(())
}

pub fn wide_jsonl(tables: &[Wide], out: &mut dyn Write) -> io::Result<()> {
    for w in tables {
        for (e, vals) in &w.rows {
            let cells: serde_json::Map<String, serde_json::Value> = w
                .keys
                .iter()
                .zip(vals)
                .map(|(k, v)| (k.clone(), serde_json::json!(v)))
                .collect();
            let obj = serde_json::json!({
                "table": w.table,
                "agency": e.agency,
                "province": e.place.province,
                "city": e.place.city,
                "county": e.place.county,
                "kind": e.kind.as_str(),
                "year": e.year,
                "template": e.template.as_str(),
                "path": e.path,
                "hash": e.hash,
                "cells": cells,
            });
            serde_json::to_writer(&mut *out, &obj)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// The data dictionary: the export's fields, each template's tables (rows and columns), and
/// the metrics with their formulas. Columns: kind, template, table, group, name, meaning.
pub fn dictionary() -> Vec<[String; 6]> {
    let s = |x: &str| x.to_string();
    let mut out = Vec::new();
    for (f, n) in LONG_FIELDS.iter().zip(FIELD_NOTES) {
        out.push([s("field"), s(""), s(""), s(""), s(f), s(n)]);
    }
    for t in [Template::T2021, Template::T2019] {
        let tpl = t.as_str();
        for spec in section2_tables(t) {
            for r in spec.rows {
                out.push([
                    s("row"),
                    s(tpl),
                    s(spec.id.as_str()),
                    s(""),
                    s(r.label),
                    s(spec.title),
                ]);
            }
            for c in spec.columns {
                out.push([
                    s("column"),
                    s(tpl),
                    s(spec.id.as_str()),
                    s(""),
                    s(c),
                    s(spec.title),
                ]);
            }
        }
        for r in table3_rows(t) {
            out.push([
                s("row"),
                s(tpl),
                s("3"),
                s(r.group.unwrap_or("")),
                s(r.label),
                s(crate::report::template::T3_TITLE),
            ]);
        }
        for c in T3_COLUMNS {
            out.push([
                s("column"),
                s(tpl),
                s("3"),
                s(""),
                s(c),
                s(crate::report::template::T3_TITLE),
            ]);
        }
        for c in T4_COLUMNS {
            out.push([
                s("column"),
                s(tpl),
                s("4"),
                s(""),
                s(c),
                s(crate::report::template::T4_TITLE),
            ]);
        }
    }
    for m in METRICS {
        out.push([
            s("metric"),
            s(""),
            s(
                if m.denominator.iter().any(|t| t.table == "4")
                    || m.numerator.iter().any(|t| t.table == "4")
                {
                    "3,4"
                } else {
                    "3"
                },
            ),
            s(m.key),
            s(m.name),
            format!("{} ({}); no value over 0 cases", m.formula, m.unit.as_str()),
        ]);
    }
    out
}

pub const DICTIONARY_FIELDS: [&str; 6] = ["kind", "template", "table", "group", "name", "meaning"];

pub fn dictionary_csv(bom: bool, out: &mut dyn Write) -> io::Result<()> {
    if bom {
        out.write_all(BOM)?;
    }
    csv_line(out, &DICTIONARY_FIELDS.map(String::from))?;
    for d in dictionary() {
        csv_line(out, &d)?;
    }
    Ok(())
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot write {path}: {reason}")]
    Xlsx { path: PathBuf, reason: String },
}

/// The temporary name `path` is written under before it is renamed into place: in the same
/// folder (a rename within one file system), hidden, and unique to this process.
fn temp_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "export".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.nianbao-{}.tmp", std::process::id()))
}

/// Writes `path` through `fill` under a temporary name, then renames it into place. On any
/// failure the temporary file is removed and `path` is untouched.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), ExportError> {
    let tmp = temp_name(path);
    let err = |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let result = (|| {
        let file = std::fs::File::create(&tmp)?;
        let mut w = io::BufWriter::with_capacity(1 << 20, file);
        fill(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}

/// One sheet per table (wide form) and a `dictionary` sheet, saved under a temporary name
/// and renamed.
pub fn xlsx(entries: &[Entry], path: &Path) -> Result<(), ExportError> {
    use rust_xlsxwriter::Workbook;
    let xerr = |e: rust_xlsxwriter::XlsxError| ExportError::Xlsx {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let mut book = Workbook::new();
    for w in wide(entries) {
        let sheet = book.add_worksheet();
        sheet.set_name(format!("表{}", w.table)).map_err(xerr)?;
        for (col, h) in WIDE_FIELDS
            .iter()
            .map(|s| s.to_string())
            .chain(w.keys.iter().cloned())
            .enumerate()
        {
            sheet.write_string(0, col as u16, h).map_err(xerr)?;
        }
        for (i, (e, vals)) in w.rows.iter().enumerate() {
            let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
            for (c, h) in wide_head(e).into_iter().enumerate() {
                sheet.write_string(row, c as u16, h).map_err(xerr)?;
            }
            for (c, v) in vals.iter().enumerate() {
                let c = (WIDE_FIELDS.len() + c) as u16;
                match v {
                    Some(Value::Int(x)) => sheet.write_number(row, c, *x as f64).map(|_| ()),
                    Some(Value::Dec(x)) => sheet.write_number(row, c, *x).map(|_| ()),
                    None => Ok(()),
                }
                .map_err(xerr)?;
            }
        }
    }
    let sheet = book.add_worksheet();
    sheet.set_name("dictionary").map_err(xerr)?;
    for (c, h) in DICTIONARY_FIELDS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).map_err(xerr)?;
    }
    for (r, d) in dictionary().iter().enumerate() {
        for (c, v) in d.iter().enumerate() {
            sheet
                .write_string((r + 1) as u32, c as u16, v.as_str())
                .map_err(xerr)?;
        }
    }
    let tmp = temp_name(path);
    let saved = book.save(&tmp).map_err(xerr).and_then(|_| {
        std::fs::rename(&tmp, path).map_err(|source| ExportError::Io {
            path: path.to_path_buf(),
            source,
        })
    });
    if saved.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    saved
}

/// `out.csv` → `out.3.csv`: the file of one table in a wide CSV export; also `dictionary`.
pub fn sibling(path: &Path, part: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or_else(|| "export".into(), |s| s.to_string_lossy().into_owned());
    let ext = path
        .extension()
        .map_or_else(String::new, |e| format!(".{}", e.to_string_lossy()));
    path.with_file_name(format!("{stem}.{part}{ext}"))
}

/// `out.jsonl` → `out.dictionary.csv`: the data dictionary beside a CSV or JSON Lines export.
pub fn dictionary_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or_else(|| "export".into(), |s| s.to_string_lossy().into_owned());
    path.with_file_name(format!("{stem}.dictionary.csv"))
}
