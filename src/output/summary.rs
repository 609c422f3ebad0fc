//! The readable summary of a report that `nianbao parse` and `nianbao show` print.

use super::grid;
use super::marks;
use crate::report::{Report, Table, TableId, Warning};
use std::fmt::Write;

pub fn report(r: &Report, with_sections: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", r.path);
    let _ = writeln!(
        out,
        "  agency:   {}",
        r.agency.as_deref().unwrap_or("(unknown)")
    );
    let _ = writeln!(
        out,
        "  year:     {}",
        r.year.map_or("(unknown)".into(), |y| y.to_string())
    );
    let _ = writeln!(
        out,
        "  title:    {}",
        r.title.as_deref().unwrap_or("(none)")
    );
    let _ = writeln!(out, "  template: {}", r.template);
    if let Some(f) = &r.source.format {
        let pages = r
            .source
            .pages
            .map_or(String::new(), |p| format!(", {p} pages"));
        let _ = writeln!(out, "  source:   {f}{pages}");
    }
    // What the page it was scraped from says about it (FORMAT.md §7), when it says anything.
    let src = &r.source;
    for (name, v) in [
        ("published", &src.published),
        ("publisher", &src.publisher),
        ("url", &src.url),
    ] {
        if let Some(v) = v {
            let _ = writeln!(out, "  {:<10}{v}", format!("{name}:"));
        }
    }
    let secs: Vec<String> = r
        .sections
        .iter()
        .map(|s| format!("{}、{}", s.number, s.title))
        .collect();
    let _ = writeln!(
        out,
        "  sections: {}",
        if secs.is_empty() {
            "(none)".into()
        } else {
            secs.join(" · ")
        }
    );
    for t in &r.tables {
        out.push('\n');
        out.push_str(&table(r, t));
    }
    if !r.tables.is_empty() {
        let _ = write!(out, "\nmarks:\n{}", marks::legend_lines("  "));
    }
    let failed: Vec<_> = r.failed_checks().collect();
    let unassessable = r.checks.iter().filter(|c| c.ok.is_none()).count();
    let _ = writeln!(
        out,
        "\nchecks: {} passed, {} failed, {} not assessable",
        r.checks.iter().filter(|c| c.ok == Some(true)).count(),
        failed.len(),
        unassessable
    );
    for c in failed {
        let side = |v: Option<crate::report::Value>| v.map_or("?".into(), |v| v.to_string());
        let whose = c
            .blame
            .map_or(String::new(), |b| format!(" — {}", b.explain()));
        let _ = writeln!(
            out,
            "  FAILED {}: {} ≠ {}{whose}",
            c.rule,
            side(c.left),
            side(c.right)
        );
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(out, "warnings:");
        for w in &r.warnings {
            let _ = writeln!(out, "  - {w}");
        }
    }
    if with_sections {
        for s in &r.sections {
            let _ = writeln!(out, "\n{}、{}\n{}", s.number, s.title, s.text);
        }
    }
    out
}

/// The warnings the parser gave about one table (`table 3: …`).
pub fn table_warnings(r: &Report, id: TableId) -> impl Iterator<Item = &Warning> {
    r.warnings.iter().filter(move |w| w.table() == Some(id))
}

/// A table as [`table`] prints it, in parts: its title line, the grid's lines (to be shown
/// whole or cut, never wrapped) and the notes under it (the numbered column names, warnings).
pub struct TableText {
    pub title: String,
    pub grid: Vec<String>,
    pub notes: Vec<String>,
}

/// A table as an aligned grid; long row labels are cut, column headers are numbered above.
/// Cells carry their marks (see [`marks::LEGEND`]); the table's warnings follow it.
pub fn table(r: &Report, t: &Table) -> String {
    let parts = table_text(r, t);
    let mut out = format!("{}\n", parts.title);
    for l in parts.grid.iter().chain(&parts.notes) {
        let _ = writeln!(out, "  {l}");
    }
    out
}

/// [`table`] in parts.
pub fn table_text(r: &Report, t: &Table) -> TableText {
    let failed = |row: usize, col: usize| {
        r.failed_checks().any(|c| {
            c.cells
                .iter()
                .any(|x| x.table == t.id && x.row == row && x.col == col)
        })
    };
    let page = t.page.map_or(String::new(), |p| format!(" (page {p})"));
    let title = format!("table {} {}{page}", t.id, t.title);
    // Table 4: fifteen rows under their groups, the headers as labels; no legend needed.
    let turned;
    let is_turned = super::turn::wants_turning(t);
    let t = if is_turned {
        turned = super::turn::turned(t);
        &turned
    } else {
        t
    };
    let mut rows = Vec::with_capacity(t.rows.len() + 1);
    let mut head = vec![String::new()];
    if is_turned {
        head.extend(t.columns.iter().map(|c| c.to_string()));
    } else {
        head.extend((1..=t.columns.len()).map(|i| format!("[{i}]")));
    }
    rows.push(head);
    let mut group: Option<&str> = None;
    for (i, row) in t.rows.iter().enumerate() {
        // Sub-rows (`1.属于国家秘密`) are ambiguous alone: their group heads them.
        if row.group.as_deref() != group {
            group = row.group.as_deref();
            if let Some(g) = group {
                rows.push(vec![g.to_string()]);
            }
        }
        let label = if row.group.is_some() {
            format!("  {}", row.label)
        } else {
            row.label.to_string()
        };
        let mut line = vec![label];
        line.extend(
            row.values
                .iter()
                .enumerate()
                .map(|(c, v)| marks::shown(*v, row.status.get(c).copied(), failed(i, c))),
        );
        rows.push(line);
    }
    let grid = grid::render(&rows, 36);
    let mut notes = Vec::new();
    if is_turned {
        return TableText { title, grid, notes };
    }
    let cols: Vec<String> = t
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("[{}] {c}", i + 1))
        .collect();
    notes.push(cols.join("  "));
    for w in table_warnings(r, t.id) {
        notes.push(format!("⚠ {w}"));
    }
    TableText { title, grid, notes }
}
