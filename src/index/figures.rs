//! A report's figures in a compact binary form, kept in a fast column so that work across
//! reports (totals, rankings, export) reads them without the document store, the text or JSON.
//!
//! A table whose title, columns and rows are the template's (every table the parser makes) is
//! written as its id and its cells only; any other table as its JSON. Layout, all integers
//! little-endian or LEB128:
//!
//! ```text
//! VERSION u8 · failed checks (uleb) · source JSON (uleb length, bytes) · tables (uleb count)
//! table: id u8 · page (uleb, 0 = none, else page + 1) · kind u8 (0 = by shape, 1 = JSON)
//!   by shape: rows (uleb) · columns (uleb) · per row: has status u8 · per cell: tag u8
//!     (0 none · 1 int, zigzag uleb follows · 2 decimal, f64 follows) · status u8 if has status
//!   JSON: uleb length, bytes
//! ```

use crate::report::template::{self, Shape};
use crate::report::{CellStatus, Report, Row, Source, Table, TableId, Template, Text, Value};

const VERSION: u8 = 1;
const BY_SHAPE: u8 = 0;
const AS_JSON: u8 = 1;

/// What the figures column holds for one report.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub tables: Vec<Table>,
    pub source: Source,
    /// Rules of FORMAT.md §4 that fail on the report.
    pub failed_checks: usize,
}

/// Why stored figures could not be read (a column written by another version, or damage).
#[derive(Debug, thiserror::Error)]
#[error("stored figures cannot be read: {0}")]
pub struct FiguresError(&'static str);

pub fn encode(r: &Report) -> Vec<u8> {
    let mut out = vec![VERSION];
    uleb(&mut out, r.failed_checks().count() as u64);
    let source = if r.source.is_empty() {
        Vec::new()
    } else {
        serde_json::to_vec(&r.source).unwrap_or_default()
    };
    bytes(&mut out, &source);
    uleb(&mut out, r.tables.len() as u64);
    for t in &r.tables {
        out.push(id_code(t.id));
        uleb(&mut out, t.page.map_or(0, |p| p as u64 + 1));
        match template::shape(r.template, t.id).filter(|s| fits(t, s)) {
            Some(_) => {
                out.push(BY_SHAPE);
                uleb(&mut out, t.rows.len() as u64);
                uleb(&mut out, t.columns.len() as u64);
                for row in &t.rows {
                    let has_status = row.status.len() == row.values.len() && !row.status.is_empty();
                    out.push(has_status as u8);
                    for (c, v) in row.values.iter().enumerate() {
                        match v {
                            None => out.push(0),
                            Some(Value::Int(i)) => {
                                out.push(1);
                                uleb(&mut out, ((i << 1) ^ (i >> 63)) as u64);
                            }
                            Some(Value::Dec(d)) => {
                                out.push(2);
                                out.extend_from_slice(&d.to_le_bytes());
                            }
                        }
                        if has_status {
                            out.push(status_code(row.status[c]));
                        }
                    }
                }
            }
            None => {
                out.push(AS_JSON);
                bytes(&mut out, &serde_json::to_vec(t).unwrap_or_default());
            }
        }
    }
    out
}

/// The figures `encode` wrote for a report of `template`.
pub fn decode(mut b: &[u8], template: Template) -> Result<Figures, FiguresError> {
    let bad = FiguresError;
    if take_u8(&mut b)? != VERSION {
        return Err(bad("another version"));
    }
    let failed_checks = take_uleb(&mut b)? as usize;
    let source_json = take_bytes(&mut b)?;
    let source = if source_json.is_empty() {
        Source::default()
    } else {
        serde_json::from_slice(source_json).map_err(|_| bad("source"))?
    };
    let n = take_uleb(&mut b)? as usize;
    let mut tables = Vec::with_capacity(n.min(16));
    for _ in 0..n {
        let id = id_of(take_u8(&mut b)?).ok_or(bad("table id"))?;
        let page = match take_uleb(&mut b)? {
            0 => None,
            p => Some(u32::try_from(p - 1).map_err(|_| bad("page"))?),
        };
        match take_u8(&mut b)? {
            BY_SHAPE => {
                let shape = template::shape(template, id).ok_or(bad("no such table"))?;
                let nrows = take_uleb(&mut b)? as usize;
                let ncols = take_uleb(&mut b)? as usize;
                if nrows != shape.rows.len() || ncols != shape.columns.len() {
                    return Err(bad("table shape"));
                }
                let mut rows = Vec::with_capacity(nrows);
                for &(label, group) in &shape.rows {
                    let has_status = take_u8(&mut b)? == 1;
                    let mut values = Vec::with_capacity(ncols);
                    let mut status = Vec::with_capacity(if has_status { ncols } else { 0 });
                    for _ in 0..ncols {
                        values.push(match take_u8(&mut b)? {
                            0 => None,
                            1 => {
                                let z = take_uleb(&mut b)?;
                                Some(Value::Int(((z >> 1) as i64) ^ -((z & 1) as i64)))
                            }
                            2 => {
                                let (x, rest) = b.split_first_chunk::<8>().ok_or(bad("short"))?;
                                b = rest;
                                Some(Value::Dec(f64::from_le_bytes(*x)))
                            }
                            _ => return Err(bad("cell")),
                        });
                        if has_status {
                            status.push(status_of(take_u8(&mut b)?).ok_or(bad("status"))?);
                        }
                    }
                    rows.push(Row {
                        label: Text::Borrowed(label),
                        group: group.map(Text::Borrowed),
                        values,
                        status,
                    });
                }
                tables.push(Table {
                    id,
                    title: Text::Borrowed(shape.title),
                    columns: shape.columns.iter().map(|&c| Text::Borrowed(c)).collect(),
                    rows,
                    page,
                });
            }
            AS_JSON => {
                let json = take_bytes(&mut b)?;
                let mut t: Table = serde_json::from_slice(json).map_err(|_| bad("table JSON"))?;
                t.page = page;
                tables.push(t);
            }
            _ => return Err(bad("table kind")),
        }
    }
    Ok(Figures {
        tables,
        source,
        failed_checks,
    })
}

/// Whether `t` has exactly the template's title, columns and rows.
fn fits(t: &Table, s: &Shape) -> bool {
    t.title == s.title
        && t.columns.len() == s.columns.len()
        && t.columns.iter().zip(s.columns).all(|(a, b)| a == b)
        && t.rows.len() == s.rows.len()
        && t.rows.iter().zip(&s.rows).all(|(r, (label, group))| {
            r.label == *label && r.group.as_deref() == *group && r.values.len() == s.columns.len()
        })
}

fn id_code(id: TableId) -> u8 {
    TableId::ALL.iter().position(|&t| t == id).unwrap_or(0) as u8
}

fn id_of(code: u8) -> Option<TableId> {
    TableId::ALL.get(code as usize).copied()
}

const STATUSES: [CellStatus; 6] = [
    CellStatus::Read,
    CellStatus::Inferred,
    CellStatus::Ocr,
    CellStatus::Blank,
    CellStatus::Na,
    CellStatus::Doubtful,
];

fn status_code(s: CellStatus) -> u8 {
    STATUSES.iter().position(|&x| x == s).unwrap_or(0) as u8
}

fn status_of(code: u8) -> Option<CellStatus> {
    STATUSES.get(code as usize).copied()
}

fn uleb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn bytes(out: &mut Vec<u8>, b: &[u8]) {
    uleb(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn take_u8(b: &mut &[u8]) -> Result<u8, FiguresError> {
    let (&x, rest) = b.split_first().ok_or(FiguresError("short"))?;
    *b = rest;
    Ok(x)
}

fn take_uleb(b: &mut &[u8]) -> Result<u64, FiguresError> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let x = take_u8(b)?;
        v |= ((x & 0x7f) as u64) << shift;
        if x & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(FiguresError("number too long"))
}

fn take_bytes<'a>(b: &mut &'a [u8]) -> Result<&'a [u8], FiguresError> {
    let n = usize::try_from(take_uleb(b)?).map_err(|_| FiguresError("length"))?;
    if n > b.len() {
        return Err(FiguresError("short"));
    }
    let (x, rest) = b.split_at(n);
    *b = rest;
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn shipped() -> Vec<Report> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        for dir in ["corpus", "tests/fixtures", "tests/documents"] {
            for e in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
                if e.file_type().is_file() && crate::source::is_report_file(e.path()) {
                    if let Ok(r) = crate::report::parse_file(e.path()) {
                        out.push(r);
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_shipped_report_comes_back_whole() {
        let reports = shipped();
        assert!(reports.len() >= 5, "{}", reports.len());
        let mut by_shape = 0;
        for r in &reports {
            let f = decode(&encode(r), r.template).unwrap();
            assert_eq!(f.tables, r.tables, "{}", r.path);
            assert_eq!(f.source, r.source, "{}", r.path);
            assert_eq!(f.failed_checks, r.failed_checks().count(), "{}", r.path);
            by_shape += r
                .tables
                .iter()
                .filter(|t| template::shape(r.template, t.id).is_some_and(|s| fits(t, &s)))
                .count();
        }
        // The compact form is the common case, not the fallback.
        assert!(by_shape * 10 >= reports.iter().map(|r| r.tables.len()).sum::<usize>() * 9);
    }

    #[test]
    fn a_table_off_the_template_is_kept_as_json() {
        let mut r = crate::report::parse_text("x.txt", "");
        r.template = Template::T2021;
        r.tables = vec![Table {
            id: TableId::T3,
            title: "自制的表".into(),
            columns: vec!["甲".into()],
            rows: vec![Row {
                label: "乙".into(),
                group: Some("丙".into()),
                values: vec![Some(Value::Dec(-1.5))],
                status: vec![CellStatus::Doubtful],
            }],
            page: Some(3),
        }];
        let f = decode(&encode(&r), r.template).unwrap();
        assert_eq!(f.tables, r.tables);
    }

    fn value() -> impl Strategy<Value = Option<Value>> {
        prop_oneof![
            Just(None),
            any::<i64>().prop_map(|i| Some(Value::Int(i))),
            (-1e12f64..1e12).prop_map(|d| Some(Value::Dec(d))),
        ]
    }

    proptest! {
        #[test]
        fn any_figures_in_the_template_shape_round_trip(
            seed in proptest::collection::vec((value(), 0usize..6), 7 * 30),
            page in proptest::option::of(0u32..5000),
            with_status in any::<bool>(),
            t2019 in any::<bool>(),
        ) {
            let template = if t2019 { Template::T2019 } else { Template::T2021 };
            let shape = template::shape(template, TableId::T3).unwrap();
            let mut cells = seed.into_iter().cycle();
            let rows = shape.rows.iter().map(|&(label, group)| {
                let cs: Vec<_> = (0..shape.columns.len()).map(|_| cells.next().unwrap()).collect();
                Row {
                    label: label.into(),
                    group: group.map(Into::into),
                    values: cs.iter().map(|c| c.0).collect(),
                    status: if with_status { cs.iter().map(|c| STATUSES[c.1]).collect() } else { Vec::new() },
                }
            }).collect();
            let mut r = crate::report::parse_text("x.txt", "");
            r.template = template;
            r.tables = vec![Table {
                id: TableId::T3,
                title: shape.title.into(),
                columns: shape.columns.iter().map(|&c| c.into()).collect(),
                rows,
                page,
            }];
            let b = encode(&r);
            prop_assert_eq!(decode(&b, template).unwrap().tables, r.tables);
            // Cut anywhere, it is an error, never a panic.
            for cut in 0..b.len() {
                let _ = decode(&b[..cut], template);
            }
        }

        #[test]
        fn any_bytes_are_an_error_or_figures_never_a_panic(b in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode(&b, Template::T2021);
        }
    }
}
