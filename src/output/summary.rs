//! The readable summary of a report that `nianbao parse` and `nianbao show` print.

use super::grid;
use crate::output::export::cell_text;
use crate::report::{Report, Table};
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
        out.push_str(&table(t));
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
        let _ = writeln!(
            out,
            "  FAILED {}: {} ≠ {}",
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

/// A table as an aligned grid; long row labels are cut, column headers are numbered above.
pub fn table(t: &Table) -> String {
    let mut out = String::new();
    let page = t.page.map_or(String::new(), |p| format!(" (page {p})"));
    let _ = writeln!(out, "table {} {}{page}", t.id, t.title);
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
        head.extend(t.columns.iter().cloned());
    } else {
        head.extend((1..=t.columns.len()).map(|i| format!("[{i}]")));
    }
    rows.push(head);
    let mut group: Option<&str> = None;
    for r in &t.rows {
        // Sub-rows (`1.属于国家秘密`) are ambiguous alone: their group heads them.
        if r.group.as_deref() != group {
            group = r.group.as_deref();
            if let Some(g) = group {
                rows.push(vec![g.to_string()]);
            }
        }
        let label = if r.group.is_some() {
            format!("  {}", r.label)
        } else {
            r.label.clone()
        };
        let mut line = vec![label];
        line.extend(r.values.iter().map(|v| {
            let s = cell_text(*v);
            if s.is_empty() {
                "—".into()
            } else {
                s
            }
        }));
        rows.push(line);
    }
    for l in grid::render(&rows, 36) {
        let _ = writeln!(out, "  {l}");
    }
    if is_turned {
        return out;
    }
    let cols: Vec<String> = t
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("[{}] {c}", i + 1))
        .collect();
    let _ = writeln!(out, "  {}", cols.join("  "));
    out
}
