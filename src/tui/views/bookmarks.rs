//! The bookmarks list: reports and tables marked with `m`, to jump back to.

use super::{clear_popup, Theme};
use crate::output::grid::truncate;
use crate::tui::layout;
use crate::tui::state::App;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(f: &mut Frame, app: &App, cursor: usize, theme: &Theme, area: Rect) {
    use ratatui::widgets::{Block, Borders};
    let t = app.lang.t();
    let marks = &app.history.bookmarks;
    let r = layout::popup(area, 64, (marks.len() as u16 + 2).clamp(4, 20));
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.focus_border())
        .title(t.bookmarks_title)
        .title_bottom(t.bookmarks_keys);
    let inner = block.inner(r);
    clear_popup(f, r);
    f.render_widget(block, r);
    if marks.is_empty() {
        f.render_widget(
            Paragraph::new(Line::styled(t.no_bookmarks, theme.dim())),
            inner,
        );
        return;
    }
    let h = inner.height.max(1) as usize;
    let skip = cursor.saturating_sub(h - 1);
    let lines: Vec<Line> = marks
        .iter()
        .enumerate()
        .skip(skip)
        .take(h)
        .map(|(i, p)| {
            let style = if i == cursor {
                theme.selected()
            } else {
                Style::new()
            };
            Line::styled(
                truncate(&format!(" {}", p.label()), inner.width as usize),
                style,
            )
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
