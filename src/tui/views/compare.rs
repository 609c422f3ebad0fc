//! The compare screen: one table of one agency across its years, a column of the table at a
//! time, changed figures marked, the cross-year rule on 二、上年结转, and a bar chart of the
//! cursor's figure by year.

use super::{crumbs, status, Theme};
use crate::output::across::plain;
use crate::output::grid::{pad, truncate, width};
use crate::tui::screens::compare::State as CompareState;
use crate::tui::state::App;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Wrap};
use ratatui::Frame;

/// Width of one year's column: a figure, the change mark and the cross-year mark.
const YEAR_W: usize = 9;

pub fn draw(f: &mut Frame, app: &App, c: &CompareState, theme: &Theme, area: Rect) {
    if area.height < 4 {
        return;
    }
    let (crumbs_area, body, status_area) = crate::tui::layout::framed(area);
    let cmp = &c.cmp;
    crumbs(
        f,
        app,
        theme,
        crumbs_area,
        &format!("{} 年 ", cmp.years.len()),
    );
    let columns = c.columns();
    let title = if c.one_row() {
        format!("{} · 表{}", plain(&cmp.agency), cmp.table)
    } else {
        format!(
            "{} · 表{} · 列 {} ({}/{})",
            plain(&cmp.agency),
            cmp.table,
            columns.get(c.column).map_or("", |s| s),
            c.column + 1,
            columns.len()
        )
    };
    let mut lines: Vec<Line> = vec![Line::styled(
        truncate(&title, body.width as usize),
        theme.strong(),
    )];
    if !cmp.is_comparable() {
        for n in &cmp.notes {
            lines.push(Line::raw(""));
            lines.push(Line::raw(plain(n)));
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled("Esc: back to the table", theme.dim()));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
        status(f, app, theme, status_area, "Esc back · ? help", "");
        return;
    }
    // Rows: the grid takes what the bar chart (its caption, bars, figures and years) leaves.
    let spark_h: u16 = match body.height {
        20.. => 8,
        14..=19 => 6,
        _ => 0,
    };
    let grid_h = (body.height - 1).saturating_sub(spark_h + 1) as usize;
    let years_w = YEAR_W * cmp.years.len();
    let label_w = (body.width as usize)
        .saturating_sub(years_w + 1)
        .clamp(8, 60);
    let mut head = pad("", label_w, true);
    for y in &cmp.years {
        head.push_str(&pad(&y.to_string(), YEAR_W, false));
    }
    lines.push(Line::styled(head, theme.strong()));
    let vis = c.visible();
    let shown = grid_h.saturating_sub(1);
    for (k, &i) in vis.iter().enumerate().skip(c.offset).take(shown) {
        let cell = &cmp.cells[i];
        let label = if c.one_row() {
            cell.column.clone()
        } else {
            match &cell.group {
                Some(g) => format!("{g} {}", cell.row),
                None => cell.row.clone(),
            }
        };
        let base = if k == c.cur {
            theme.selected()
        } else {
            Style::new()
        };
        let mut spans = vec![Span::styled(
            pad(&truncate(&plain(&label), label_w), label_w, true),
            base,
        )];
        for y in 0..cmp.years.len() {
            let mut s = if cell.present[y] {
                cell.values[y].map_or("—".to_string(), |v| v.to_string())
            } else {
                "·".to_string()
            };
            if cell.changed[y] {
                s.push('*');
            }
            let mut style = base;
            if let Some(x) = &cell.cross[y] {
                match x.ok {
                    Some(true) => s = format!("✓{s}"),
                    Some(false) => {
                        s = format!("✗{s}");
                        style = style.patch(theme.error());
                    }
                    None => s = format!("?{s}"),
                }
            }
            if cell.changed[y] {
                style = style.patch(theme.hl());
            }
            let cellw = YEAR_W.min(width(&s) + 2).max(YEAR_W);
            spans.push(Span::styled(pad(&s, cellw, false), style));
        }
        lines.push(Line::from(spans));
    }
    let grid_area = Rect {
        height: body.height - spark_h,
        ..body
    };
    f.render_widget(Paragraph::new(lines), grid_area);
    if spark_h > 0 {
        let series = c.series();
        // A year whose report lacks the table is `·` (nothing read), not `—` (none given).
        let present = |i: usize| {
            c.visible()
                .get(c.cur)
                .is_some_and(|&k| cmp.cells[k].present.get(i).copied().unwrap_or(false))
        };
        let mark = |i: usize, v: &Option<crate::report::Value>| match v {
            Some(v) => v.to_string(),
            None if present(i) => "—".to_string(),
            None => "·".to_string(),
        };
        let caption = format!(
            "逐年: {}",
            cmp.years
                .iter()
                .zip(&series)
                .enumerate()
                .map(|(i, (y, v))| format!("{y} {}", mark(i, v)))
                .collect::<Vec<_>>()
                .join(" · ")
        );
        let cap_area = Rect {
            y: body.bottom() - spark_h,
            height: 1,
            ..body
        };
        f.render_widget(
            Paragraph::new(Line::styled(
                truncate(&caption, body.width as usize),
                theme.dim(),
            )),
            cap_area,
        );
        // One bar per year, labelled with its year and its figure; an empty figure (—) or a
        // year without the report (·) is a bar of nothing, never a zero. A bar of nothing
        // carries no figure in ratatui: the caption above says every year's, 0 and — included.
        let bars: Vec<Bar> = cmp
            .years
            .iter()
            .zip(&series)
            .enumerate()
            .map(|(i, (y, v))| {
                let value = v.map_or(0, |v| v.as_f64().max(0.0).round() as u64);
                let text = mark(i, v);
                Bar::default()
                    .value(value)
                    .text_value(text)
                    .label(Line::from(y.to_string()))
            })
            .collect();
        let n = bars.len().max(1) as u16;
        // Wide enough for a year under each bar and a figure in it; narrower bars when many
        // years would not fit.
        let bar_w = ((body.width.saturating_sub(n)) / n).clamp(4, 8);
        let chart_area = Rect {
            y: body.bottom() - spark_h + 1,
            height: spark_h - 1,
            width: ((bar_w + 1) * n).min(body.width),
            ..body
        };
        f.render_widget(
            BarChart::default()
                .data(BarGroup::default().bars(&bars))
                .bar_width(bar_w)
                .bar_gap(1)
                .bar_style(theme.chip())
                .value_style(theme.strong().patch(theme.selected()))
                .label_style(theme.dim()),
            chart_area,
        );
    }
    let changed = c.cmp.changed_cells().len();
    status(
        f,
        app,
        theme,
        status_area,
        "n/N next change · h/l column · w write CSV · Esc back · ? help",
        &format!("{changed} changed "),
    );
}
