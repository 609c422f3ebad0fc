//! The filters panel: agency picker, regions, years, templates and failed checks, each value
//! with its count of hits.

use super::Theme;
use crate::output::grid::{pad, truncate, width};
use crate::report::Level;
use crate::tui::layout;
use crate::tui::screens::filters::{FilterPane, State};
use crate::tui::state::App;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn draw(f: &mut Frame, app: &App, p: &State, theme: &Theme, area: Rect) {
    let r = layout::popup(area, 100, 22);
    let outer = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.focus_border())
        .title(app.lang.t().filters_title)
        .title_bottom(app.lang.t().filters_keys);
    let inner = outer.inner(r);
    super::clear_popup(f, r);
    f.render_widget(outer, r);
    if inner.height < 3 || inner.width < 20 {
        return;
    }
    // Names are long: agencies above regions in the left half, years and templates beside.
    let aw = inner.width / 2;
    let yw = inner.width / 4;
    let ah = (inner.height * 3 / 5).max(3).min(inner.height);
    let boxes = [
        Rect::new(inner.x, inner.y, aw, ah),
        Rect::new(inner.x, inner.y + ah, aw, inner.height - ah),
        Rect::new(inner.x + aw, inner.y, yw, inner.height),
        Rect::new(
            inner.x + aw + yw,
            inner.y,
            inner.width - aw - yw,
            inner.height,
        ),
    ];
    let block = |title: &str, pane: FilterPane| {
        Block::new()
            .borders(Borders::ALL)
            .border_style(if p.pane == pane {
                theme.focus_border()
            } else {
                theme.dim()
            })
            .title(title.to_string())
    };
    // Agencies: an input line, then the matches with their counts.
    let b = block(app.lang.t().pane_agency, FilterPane::Agency);
    let ai = b.inner(boxes[0]);
    f.render_widget(b, boxes[0]);
    let agencies = &p.agencies;
    let mut lines = vec![Line::from(vec![
        Span::styled("› ", theme.strong()),
        Span::raw(p.agency_input.text.as_str()),
    ])];
    let rows = ai.height.saturating_sub(1) as usize;
    let skip = p.agency_cursor.saturating_sub(rows.saturating_sub(1));
    for (i, (name, n)) in agencies.iter().enumerate().skip(skip).take(rows) {
        let on = app.query.agencies.contains(name);
        let cur = p.pane == FilterPane::Agency && i == p.agency_cursor;
        lines.push(value_line(
            &format!("{} {name}", if on { "✓" } else { " " }),
            p.shown(*n),
            ai.width,
            cur,
            theme,
        ));
    }
    if agencies.is_empty() {
        lines.push(Line::styled(app.lang.t().agency_hint, theme.dim()));
    }
    f.render_widget(Paragraph::new(lines), ai);
    if p.pane == FilterPane::Agency {
        let x = ai.x + 2 + p.agency_input.cursor_width() as u16;
        f.set_cursor_position(Position::new(x.min(ai.right().saturating_sub(1)), ai.y));
    }
    // Regions: the level, then the place.
    let b = block(app.lang.t().pane_region, FilterPane::Region);
    let ri = b.inner(boxes[1]);
    f.render_widget(b, boxes[1]);
    let skip = p
        .region_cursor
        .saturating_sub((ri.height as usize).saturating_sub(1));
    let lines: Vec<Line> = p
        .regions
        .iter()
        .enumerate()
        .skip(skip)
        .map(|(i, (r, n))| {
            let on = app.query.regions.contains(r);
            let cur = p.pane == FilterPane::Region && i == p.region_cursor;
            let level = match r.level {
                Level::Province => "省",
                Level::City => "市",
                Level::County => "县",
            };
            value_line(
                &format!("{} {level} {}", if on { "✓" } else { " " }, r.name),
                p.shown(*n),
                ri.width,
                cur,
                theme,
            )
        })
        .collect();
    f.render_widget(Paragraph::new(lines), ri);
    // Years.
    let b = block(app.lang.t().pane_year, FilterPane::Year);
    let yi = b.inner(boxes[2]);
    f.render_widget(b, boxes[2]);
    let years = &p.years;
    let skip = p
        .year_cursor
        .saturating_sub((yi.height as usize).saturating_sub(1));
    let lines: Vec<Line> = years
        .iter()
        .enumerate()
        .skip(skip)
        .map(|(i, (y, n))| {
            let on = app.query.years.is_some_and(|(a, b)| a <= *y && *y <= b);
            let cur = p.pane == FilterPane::Year && i == p.year_cursor;
            value_line(
                &format!("{} {y}", if on { "✓" } else { " " }),
                p.shown(*n),
                yi.width,
                cur,
                theme,
            )
        })
        .collect();
    f.render_widget(Paragraph::new(lines), yi);
    // Templates.
    let b = block(app.lang.t().pane_template, FilterPane::Template);
    let ti = b.inner(boxes[3]);
    f.render_widget(b, boxes[3]);
    let mut lines: Vec<Line> = p
        .templates
        .iter()
        .enumerate()
        .map(|(i, (t, n))| {
            let on = app.query.template == Some(*t);
            let cur = p.pane == FilterPane::Template && i == p.template_cursor;
            value_line(
                &format!("{} {}", if on { "✓" } else { " " }, app.lang.template(*t)),
                p.shown(*n),
                ti.width,
                cur,
                theme,
            )
        })
        .collect();
    // Failed checks: a row of its own under the templates.
    let cur = p.pane == FilterPane::Template && p.template_cursor == p.templates.len();
    let on = if app.query.failed_only { "✓" } else { " " };
    lines.push(value_line(
        &format!("{on} {}", app.lang.t().failed_checks),
        p.shown(p.failed),
        ti.width,
        cur,
        theme,
    ));
    f.render_widget(Paragraph::new(lines), ti);
}

/// `name … count`, the count right-aligned; `…` while the count is being made.
fn value_line(name: &str, n: Option<u64>, w: u16, cur: bool, theme: &Theme) -> Line<'static> {
    let count = match n {
        Some(n) => format!(" {n}"),
        None => " …".to_string(),
    };
    let w = w as usize;
    let name = truncate(name, w.saturating_sub(width(&count)));
    let text = format!(
        "{}{count}",
        pad(&name, w.saturating_sub(width(&count)), true)
    );
    Line::styled(text, if cur { theme.selected() } else { Style::new() })
}
