//! The report screen: sections outline and tables list beside the section's text.

use super::{crumbs, marked_line, status, wrapped_lines, Theme};
use crate::output::grid::truncate;
use crate::tui::document::{DocLine, Document};
use crate::tui::layout;
use crate::tui::screens::report::{section_text, ReportFocus, State as ReportState};
use crate::tui::state::App;
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
        &format!(
            "{} {}{} ",
            app.lang.t().template,
            app.lang.template(r.report.template),
            provenance(&r.report.source)
        ),
    );
    outline(f, app, r, theme, l.outline);
    tables(f, app, r, theme, l.tables);
    text(f, r, theme, l.text);
    let right = match (r.current_match, r.matches.len()) {
        (_, 0) => format!("{} ", app.copy_format.name()),
        (Some(i), n) => format!("match {}/{n} · {} ", i + 1, app.copy_format.name()),
        (None, n) => format!("{n} matches · {} ", app.copy_format.name()),
    };
    match &r.find {
        None => status(f, app, theme, l.status, app.lang.t().hint_report, &right),
        Some(fp) => {
            // The `/` prompt on the foot line, what it found on the right, the real cursor in
            // the prompt (for an input method).
            use crate::output::grid::width;
            let found = app.status.clone().unwrap_or_default();
            let w = l.status.width as usize;
            let prompt = truncate(
                &format!("/{}", fp.input.text),
                w.saturating_sub(width(&found) + 2),
            );
            let pad = w.saturating_sub(width(&prompt) + width(&found));
            let line = Line::from(vec![
                Span::styled(prompt, theme.strong()),
                Span::raw(" ".repeat(pad)),
                Span::raw(found),
            ]);
            f.render_widget(Paragraph::new(line), l.status);
            let x = l.status.x + 1 + fp.input.cursor_width() as u16;
            f.set_cursor_position(ratatui::layout::Position::new(
                x.min(l.status.right().saturating_sub(1)),
                l.status.y,
            ));
        }
    }
}

/// Where a published document came from (` · pdf 5页`); nothing for a text file, the usual case.
fn provenance(s: &crate::report::Source) -> String {
    match s.format.as_deref() {
        None | Some("txt") | Some("md") => String::new(),
        Some(f) => match s.pages {
            Some(p) => format!(" · {f} {p}页"),
            None => format!(" · {f}"),
        },
    }
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

/// A bordered list with one selected line kept in view; `lines` gets the inner width.
#[allow(clippy::too_many_arguments)]
fn list_pane(
    f: &mut Frame,
    theme: &Theme,
    area: Rect,
    title: &str,
    focused: bool,
    selected: usize,
    empty: &str,
    lines: impl FnOnce(usize) -> Vec<Line<'static>>,
) {
    let block = pane(title, focused, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let skip = selected.saturating_sub(inner.height.saturating_sub(1) as usize);
    let mut lines: Vec<Line> = lines(inner.width as usize).into_iter().skip(skip).collect();
    if lines.is_empty() {
        lines.push(Line::styled(empty.to_string(), theme.dim()));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

fn outline(f: &mut Frame, app: &App, r: &ReportState, theme: &Theme, area: Rect) {
    let t = app.lang.t();
    let focused = r.focus == ReportFocus::Sections;
    list_pane(
        f,
        theme,
        area,
        t.sections,
        focused,
        r.section,
        t.no_sections,
        |w| {
            r.report
                .sections
                .iter()
                .enumerate()
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
                .collect()
        },
    );
}

fn tables(f: &mut Frame, app: &App, r: &ReportState, theme: &Theme, area: Rect) {
    let t = app.lang.t();
    let focused = r.focus == ReportFocus::Tables;
    list_pane(
        f,
        theme,
        area,
        t.tables,
        focused,
        r.table,
        t.no_tables,
        |w| {
            r.report
                .tables
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let failed = r.failed_checks(t.id);
                    let mark = if failed > 0 {
                        format!(" ✗{failed}")
                    } else {
                        String::new()
                    };
                    // Display width, not bytes: ✗ is one cell but three bytes.
                    let text = truncate(
                        &match t.page {
                            Some(p) => format!("表{} {} (第{p}页)", t.id, t.title),
                            None => format!("表{} {}", t.id, t.title),
                        },
                        w.saturating_sub(crate::output::grid::width(&mark)),
                    );
                    let base = if i == r.table && focused {
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
                .collect()
        },
    );
}

fn text(f: &mut Frame, r: &ReportState, theme: &Theme, area: Rect) {
    let title = r
        .report
        .title
        .clone()
        .unwrap_or_else(|| r.report.path.clone());
    // Which file this is (two files may give the same agency and year) and, for a scraped
    // page, when and where it was published.
    let src = &r.report.source;
    let mut foot = r.report.path.clone();
    if let Some(d) = &src.published {
        foot.push_str(&format!(" · 发布 {d}"));
    }
    if let Some(u) = &src.url {
        foot.push_str(&format!(" · {u}"));
    }
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.dim())
        .title(truncate(&title, area.width.saturating_sub(2) as usize))
        .title_bottom(truncate(&foot, area.width.saturating_sub(2) as usize));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if r.document {
        return document(f, r, theme, inner);
    }
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

/// `d`: the whole report, its tables' grids after their sections, from line `r.scroll`.
fn document(f: &mut Frame, r: &ReportState, theme: &Theme, inner: Rect) {
    let d = Document::new(&r.report, inner.width as usize);
    let w = inner.width as usize;
    let current = r.current_match.and_then(|i| r.matches.get(i));
    let lines: Vec<Line> = d
        .lines
        .iter()
        .skip(r.scroll)
        .take(inner.height as usize)
        .map(|l| match l {
            DocLine::Text { section, range } => {
                let hls: Vec<std::ops::Range<usize>> = r
                    .matches
                    .iter()
                    .filter(|m| m.0 == *section)
                    .map(|m| m.1.clone())
                    .collect();
                let cur = current.filter(|m| m.0 == *section).map(|m| &m.1);
                marked_line(&d.texts[*section], range.clone(), &hls, cur, theme)
            }
            DocLine::TableTitle { table, text } => {
                let failed = r
                    .report
                    .tables
                    .get(*table)
                    .map_or(0, |t| r.failed_checks(t.id));
                let mark = if failed > 0 {
                    format!(" ✗{failed}")
                } else {
                    String::new()
                };
                let text = truncate(text, w.saturating_sub(crate::output::grid::width(&mark)));
                Line::from(vec![
                    Span::styled(text, theme.strong()),
                    Span::styled(mark, theme.error()),
                ])
            }
            // Cut at the edge, not wrapped: the columns stay aligned; `Enter` on the table
            // shows all of it.
            DocLine::Grid { text, .. } => Line::raw(truncate(text, w)),
            DocLine::Note { text, .. } => Line::styled(text.clone(), theme.dim()),
            DocLine::Blank => Line::raw(""),
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
