//! The report screen: sections outline and tables list beside the section's text.

use super::{crumbs, status, wrapped_lines, Theme};
use crate::output::grid::truncate;
use crate::tui::layout;
use crate::tui::state::{section_text, App, ReportFocus, ReportState};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn draw(f: &mut Frame, app: &App, r: &ReportState, theme: &Theme, area: Rect) {
    let l = layout::report(area, r.report.tables.len());
    crumbs(
        f,
        app,
        theme,
        l.crumbs,
        &format!("模板 {} ", r.report.template),
    );
    outline(f, r, theme, l.outline);
    tables(f, r, theme, l.tables);
    text(f, r, theme, l.text);
    let right = match (r.current_match, r.matches.len()) {
        (_, 0) => format!("{} ", app.copy_format.name()),
        (Some(i), n) => format!("match {}/{n} · {} ", i + 1, app.copy_format.name()),
        (None, n) => format!("{n} matches · {} ", app.copy_format.name()),
    };
    status(
        f,
        app,
        theme,
        l.status,
        "j/k move · Tab sections⇄tables · Enter open table · n/N match · y copy section · Esc back · ? help",
        &right,
    );
}

fn pane(title: &str, focused: bool, theme: &Theme) -> Block<'static> {
    Block::new()
        .borders(Borders::ALL)
        .border_style(if focused {
            theme.focus_border()
        } else {
            theme.dim()
        })
        .title(title.to_string())
}

fn outline(f: &mut Frame, r: &ReportState, theme: &Theme, area: Rect) {
    let block = pane("章节", r.focus == ReportFocus::Sections, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = inner.width as usize;
    let skip = r
        .section
        .saturating_sub(inner.height.saturating_sub(1) as usize);
    let lines: Vec<Line> = r
        .report
        .sections
        .iter()
        .enumerate()
        .skip(skip)
        .map(|(i, s)| {
            let n = r.matches.iter().filter(|m| m.0 == i).count();
            let count = if n > 0 {
                format!(" ({n})")
            } else {
                String::new()
            };
            let text = truncate(&format!("{}、{}{count}", s.number, s.title), w);
            let style = if i == r.section {
                theme.selected()
            } else {
                Style::new()
            };
            Line::styled(text, style)
        })
        .collect();
    let lines = if lines.is_empty() {
        vec![Line::styled("（无章节）", theme.dim())]
    } else {
        lines
    };
    f.render_widget(Paragraph::new(lines), inner);
}

fn tables(f: &mut Frame, r: &ReportState, theme: &Theme, area: Rect) {
    let block = pane("表格", r.focus == ReportFocus::Tables, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = inner.width as usize;
    let skip = r
        .table
        .saturating_sub(inner.height.saturating_sub(1) as usize);
    let lines: Vec<Line> = r
        .report
        .tables
        .iter()
        .enumerate()
        .skip(skip)
        .map(|(i, t)| {
            let failed = r.failed_checks(&t.id);
            let mark = if failed > 0 {
                format!(" ✗{failed}")
            } else {
                String::new()
            };
            let text = truncate(
                &format!("表{} {}", t.id, t.title),
                w.saturating_sub(mark.len()),
            );
            let base = if i == r.table && r.focus == ReportFocus::Tables {
                theme.selected()
            } else if i == r.table {
                theme.strong()
            } else {
                Style::new()
            };
            Line::from(vec![
                Span::styled(text, base),
                Span::styled(mark, theme.error()),
            ])
        })
        .collect();
    let lines = if lines.is_empty() {
        vec![Line::styled("（无标准表格）", theme.dim())]
    } else {
        lines
    };
    f.render_widget(Paragraph::new(lines), inner);
}

fn text(f: &mut Frame, r: &ReportState, theme: &Theme, area: Rect) {
    let title = r
        .report
        .title
        .clone()
        .unwrap_or_else(|| r.report.path.clone());
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.dim())
        .title(truncate(&title, area.width.saturating_sub(2) as usize));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let body = section_text(&r.report, r.section);
    let hls: Vec<std::ops::Range<usize>> = r
        .matches
        .iter()
        .filter(|m| m.0 == r.section)
        .map(|m| m.1.clone())
        .collect();
    let current = r
        .current_match
        .and_then(|i| r.matches.get(i))
        .filter(|m| m.0 == r.section)
        .map(|m| &m.1);
    let lines = wrapped_lines(
        &body,
        &hls,
        current,
        inner.width as usize,
        r.scroll,
        inner.height as usize,
        theme,
    );
    f.render_widget(Paragraph::new(lines), inner);
}
