//! A table, or a rectangle of its cells, as TSV, CSV, Markdown or JSON, ready to paste.

use crate::report::{CellStatus, Table, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Tsv,
    Csv,
    Markdown,
    Json,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Tsv => "TSV",
            Format::Csv => "CSV",
            Format::Markdown => "Markdown",
            Format::Json => "JSON",
        }
    }

    pub fn next(self) -> Format {
        match self {
            Format::Tsv => Format::Csv,
            Format::Csv => Format::Markdown,
            Format::Markdown => Format::Json,
            Format::Json => Format::Tsv,
        }
    }
}

/// A rectangle of a table's body: rows `r0..=r1`, value columns `c0..=c1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    pub r0: usize,
    pub r1: usize,
    pub c0: usize,
    pub c1: usize,
}

impl Selection {
    pub fn whole(t: &Table) -> Selection {
        Selection {
            r0: 0,
            r1: t.rows.len().saturating_sub(1),
            c0: 0,
            c1: t.columns.len().saturating_sub(1),
        }
    }

    pub fn rows(&self) -> usize {
        self.r1 - self.r0 + 1
    }

    pub fn cols(&self) -> usize {
        self.c1 - self.c0 + 1
    }
}

pub fn cell_text(v: Option<Value>) -> String {
    v.map_or(String::new(), |v| v.to_string())
}

/// The label a row is known by out of its grid: sub-rows (`3.其他`) carry their group.
fn row_label(row: &crate::report::Row) -> String {
    match &row.group {
        Some(g) => format!("{g} {}", row.label),
        None => row.label.to_string(),
    }
}

/// The cells of `sel`. TSV and CSV: the figures only, what a spreadsheet user pastes into a
/// range. Markdown: a table with the selected columns' headers and the rows' labels (a
/// Markdown table's first line is its header, so it must be the table's). JSON: the figures
/// with their columns' and rows' labels, and each cell's status when it was recorded.
pub fn cells(t: &Table, sel: Selection, fmt: Format) -> String {
    let rows: Vec<&crate::report::Row> = (sel.r0..=sel.r1).filter_map(|r| t.rows.get(r)).collect();
    let grid: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            (sel.c0..=sel.c1)
                .map(|c| cell_text(row.values.get(c).copied().flatten()))
                .collect()
        })
        .collect();
    let columns: Vec<String> = (sel.c0..=sel.c1)
        .map(|c| t.columns.get(c).map(|c| c.to_string()).unwrap_or_default())
        .collect();
    match fmt {
        Format::Json => {
            let vals: Vec<Vec<Option<Value>>> = rows
                .iter()
                .map(|row| {
                    (sel.c0..=sel.c1)
                        .map(|c| row.values.get(c).copied().flatten())
                        .collect()
                })
                .collect();
            let labels: Vec<String> = rows.iter().map(|r| row_label(r)).collect();
            let mut obj = serde_json::json!({
                "table": t.id,
                "columns": columns,
                "rows": labels,
                "values": vals,
            });
            // A copy carries how each figure was obtained, so an inferred or doubtful one is
            // never pasted as if it had been read.
            if rows.iter().any(|r| !r.status.is_empty()) {
                let status: Vec<Vec<Option<CellStatus>>> = rows
                    .iter()
                    .map(|row| {
                        (sel.c0..=sel.c1)
                            .map(|c| row.status.get(c).copied())
                            .collect()
                    })
                    .collect();
                obj["status"] = serde_json::json!(status);
            }
            serde_json::to_string(&obj).unwrap_or_default()
        }
        Format::Markdown => {
            let mut g = Vec::with_capacity(grid.len() + 1);
            let mut head = vec![String::new()];
            head.extend(columns);
            g.push(head);
            for (row, line) in rows.iter().zip(grid) {
                let mut l = vec![row_label(row)];
                l.extend(line);
                g.push(l);
            }
            join(&g, fmt, true)
        }
        _ => join(&grid, fmt, false),
    }
}

/// A copy's optional first line naming where the figures come from, e.g.
/// `某某市生态环境局 2022 表3 收到和处理政府信息公开申请情况`, as a comment of the format
/// (`#` in TSV and CSV, a paragraph before a Markdown table); none for JSON, which carries
/// the table's id itself.
pub fn source_line(fmt: Format, source: &str) -> String {
    match fmt {
        Format::Tsv | Format::Csv => format!("# {source}\n"),
        Format::Markdown => format!("{source}\n\n"),
        Format::Json => String::new(),
    }
}

/// CSV for Excel: a UTF-8 byte-order mark first, so the Chinese is not read as GBK.
pub const BOM: &str = "\u{feff}";

/// The whole table with its header row and row labels (JSON: with each cell's status).
pub fn table(t: &Table, fmt: Format) -> String {
    table_with(t, fmt, false)
}

/// [`table`]; with `status`, each column of figures is followed by a column of their statuses
/// (`read`, `inferred`, `blank`, `na`, `doubtful`) in TSV, CSV and Markdown.
pub fn table_with(t: &Table, fmt: Format, status: bool) -> String {
    if fmt == Format::Json {
        return serde_json::to_string_pretty(t).unwrap_or_default();
    }
    let mut grid = Vec::with_capacity(t.rows.len() + 1);
    let mut header = vec![String::new()];
    for c in &t.columns {
        header.push(c.to_string());
        if status {
            header.push(format!("{c} status"));
        }
    }
    grid.push(header);
    for row in &t.rows {
        // Pasted without its grid, `3.其他` means nothing: sub-rows carry their group.
        let label = match &row.group {
            Some(g) => format!("{g} {}", row.label),
            None => row.label.to_string(),
        };
        let mut line = vec![label];
        for (c, v) in row.values.iter().enumerate() {
            line.push(cell_text(*v));
            if status {
                line.push(row.status.get(c).map_or("", |s| s.as_str()).to_string());
            }
        }
        grid.push(line);
    }
    join(&grid, fmt, true)
}

fn join(grid: &[Vec<String>], fmt: Format, header: bool) -> String {
    let mut out = String::new();
    for (i, row) in grid.iter().enumerate() {
        match fmt {
            Format::Tsv => out.push_str(
                &row.iter()
                    .map(|c| c.replace(['\t', '\n'], " "))
                    .collect::<Vec<_>>()
                    .join("\t"),
            ),
            Format::Csv => out.push_str(
                &row.iter()
                    .map(|c| csv_field(c))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            Format::Markdown | Format::Json => {
                out.push_str("| ");
                out.push_str(
                    &row.iter()
                        .map(|c| c.replace('|', "\\|"))
                        .collect::<Vec<_>>()
                        .join(" | "),
                );
                out.push_str(" |");
                if i == 0 {
                    out.push('\n');
                    out.push_str(&"|---".repeat(row.len()));
                    out.push('|');
                }
                let _ = header;
            }
        }
        out.push('\n');
    }
    out
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Row;

    fn t() -> Table {
        Table {
            id: crate::report::TableId::T2_1,
            title: "第二十条第（一）项".into(),
            columns: vec![
                "本年制发件数".into(),
                "本年废止件数".into(),
                "现行有效件数".into(),
            ],
            rows: vec![
                Row {
                    label: "规章".into(),
                    group: None,
                    values: vec![Some(Value::Int(1)), None, Some(Value::Int(3))],
                    status: Vec::new(),
                },
                Row {
                    label: "行政规范性文件".into(),
                    group: None,
                    values: vec![
                        Some(Value::Int(4)),
                        Some(Value::Int(5)),
                        Some(Value::Dec(6.5)),
                    ],
                    status: Vec::new(),
                },
            ],
            page: None,
        }
    }

    #[test]
    fn cells_as_tsv_and_csv() {
        let sel = Selection {
            r0: 0,
            r1: 1,
            c0: 1,
            c1: 2,
        };
        assert_eq!(cells(&t(), sel, Format::Tsv), "\t3\n5\t6.5\n");
        assert_eq!(cells(&t(), sel, Format::Csv), ",3\n5,6.5\n");
        assert_eq!(
            cells(&t(), sel, Format::Json),
            r#"{"columns":["本年废止件数","现行有效件数"],"rows":["规章","行政规范性文件"],"table":"2-1","values":[[null,3],[5,6.5]]}"#
        );
        // Markdown: the table's own headers, never the first row of figures.
        assert_eq!(
            cells(&t(), sel, Format::Markdown),
            "|  | 本年废止件数 | 现行有效件数 |\n|---|---|---|\n| 规章 |  | 3 |\n| 行政规范性文件 | 5 | 6.5 |\n"
        );
    }

    #[test]
    fn sub_rows_carry_their_group_in_a_whole_table() {
        let mut t = t();
        t.rows[1].group = Some("（三）不予公开".into());
        let tsv = table(&t, Format::Tsv);
        assert!(
            tsv.contains("\n（三）不予公开 行政规范性文件\t4\t5\t6.5\n"),
            "{tsv}"
        );
    }

    #[test]
    fn whole_table_as_markdown() {
        let md = table(&t(), Format::Markdown);
        assert!(md.starts_with("|  | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n| 规章 | 1 |  | 3 |"), "{md}");
    }
}
