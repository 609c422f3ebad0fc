//! The table screen: a grid with frozen labels and headers, cell cursor, selection, failed cells.

use super::{crumbs, status, Theme};
use crate::output::export::cell_text;
use crate::output::grid::{pad, truncate};
use crate::report::CellStatus;
use crate::tui::layout;
use crate::tui::screens::table::State as TableState;
use crate::tui::state::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// The marks of the grid in one line.
const LEGEND_LINE: &str =
    "! rule fails · ~ inferred · ? doubtful · — none given · n/a 不适用 · · not read";

pub fn draw(f: &mut Frame, app: &App, t: &TableState, theme: &Theme, area: Rect) {
    let l = layout::table(area, t.notes());
    let sel = t.selection();
    let sel_text = if t.anchor.is_some() {
        format!(
            "{} {}×{} · ",
            app.lang.t().selection,
            sel.rows(),
            sel.cols()
        )
    } else {
        String::new()
    };
    crumbs(
        f,
        app,
        theme,
        l.crumbs,
        &format!("{sel_text}{} ", app.copy_format.name()),
    );
    grid(f.buffer_mut(), t, theme, l.grid);
    // Failed rules, then the parser's warnings about this table; the legend of the marks
    // always on the last line (`?` explains them in full).
    let room = (l.footer.height as usize).saturating_sub(1);
    let mut footer: Vec<Line> = t
        .failed_rules
        .iter()
        .map(|r| Line::styled(format!("✗ {r}"), theme.error()))
        .chain(
            t.warnings
                .iter()
                .map(|w| Line::styled(format!("⚠ {w}"), theme.dim())),
        )
        .take(room)
        .collect();
    if l.footer.height > 0 {
        footer.push(Line::styled(LEGEND_LINE, theme.dim()));
    }
    f.render_widget(Paragraph::new(footer), l.footer);
    // Where the cursor is, in full: row label, column name, value.
    let here = match t.table.rows.get(t.cur.0) {
        Some(row) => format!(
            "{}{} · {} = {}",
            row.group
                .as_ref()
                .map_or(String::new(), |g| format!("{g} · ")),
            row.label,
            t.table.columns.get(t.cur.1).map_or("", |s| s.as_ref()),
            {
                let v = cell_text(row.values.get(t.cur.1).copied().flatten());
                if v.is_empty() {
                    app.lang.t().empty_cell.to_string()
                } else {
                    v
                }
            }
        ),
        None => app.lang.t().empty_table.into(),
    };
    status(f, app, theme, l.status, &here, app.lang.t().hint_table);
}

fn grid(buf: &mut Buffer, t: &TableState, theme: &Theme, area: Rect) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let g = layout::grid(&t.table, area, t.offsets.0, t.offsets.1);
    let lw = g.label_w as usize;
    // Frozen header: the column names, cut to their column's width.
    buf.set_stringn(
        area.x,
        g.header_y,
        pad(&format!("表{}", t.table.id), lw, true),
        lw,
        theme.dim(),
    );
    for &(c, x, w) in &g.cols {
        let name = t.table.columns.get(c).map_or("", |s| s.as_ref());
        let style = if c == t.cur.1 {
            theme.strong()
        } else {
            theme.dim()
        };
        buf.set_stringn(
            x,
            g.header_y,
            pad(&truncate(name, w as usize), w as usize, false),
            w as usize,
            style,
        );
    }
    for &(r, y) in &g.groups {
        let group = t.table.rows.get(r).and_then(|row| row.group.as_deref());
        if let Some(group) = group {
            // Dimmed and without cells, so it does not read as a row of figures.
            let text = truncate(group, area.width as usize);
            buf.set_stringn(area.x, y, text, area.width as usize, theme.dim());
        }
    }
    for &(r, y) in &g.rows {
        let Some(row) = t.table.rows.get(r) else {
            continue;
        };
        // Frozen row labels, padded by display width so Chinese labels keep columns straight.
        let label = pad(&truncate(&row.label, lw), lw, true);
        let ls = if r == t.cur.0 {
            theme.strong()
        } else {
            Style::new()
        };
        buf.set_stringn(area.x, y, label, lw, ls);
        for &(c, x, w) in &g.cols {
            let v = cell_text(row.values.get(c).copied().flatten());
            // An empty cell says why: `—` none in the report, `n/a` 不适用, `·` not read.
            let v = if v.is_empty() {
                crate::output::marks::shown(None, row.status.get(c).copied(), false)
            } else {
                v
            };
            let failed = t.failed.contains(&(r, c));
            // A cell's mark, in its own padding so it shows without colour too: `!` a failed
            // check reads it, `~` inferred (or OCR), `?` doubtful.
            let mark = if failed {
                Some('!')
            } else {
                match row.status.get(c) {
                    Some(CellStatus::Inferred | CellStatus::Ocr) => Some('~'),
                    Some(CellStatus::Doubtful) => Some('?'),
                    _ => None,
                }
            };
            let marked = mark.is_some() && crate::output::grid::width(&v) < w as usize;
            let text = match mark {
                Some(m) if marked => pad(&format!("{m}{v}"), w as usize, false),
                _ => pad(&v, w as usize, false),
            };
            let mut style = Style::new();
            if t.is_selected(r, c) {
                style = style.patch(theme.range());
            }
            if (r, c) == t.cur {
                style = style.patch(theme.selected());
            }
            if failed {
                style = style.patch(theme.error());
            }
            if let (Some(m), false) = (mark, marked) {
                let ms = if failed {
                    theme.error()
                } else {
                    theme.strong()
                };
                buf.set_stringn(x - 1, y, m.to_string(), 1, ms);
            }
            buf.set_stringn(x, y, text, w as usize, style);
        }
    }
}
