//! The `?` overlay: every key of the current context, read from the key table.

use super::Theme;
use crate::output::grid::{pad, width};
use crate::tui::keys::{self, Ctx};
use crate::tui::layout;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn draw(f: &mut Frame, ctx: Ctx, scroll: usize, theme: &Theme, area: Rect) {
    let items = keys::help(ctx);
    let kw = items
        .iter()
        .map(|(k, _)| width(k))
        .max()
        .unwrap_or(0)
        .min(28);
    let w = (kw + 4 + items.iter().map(|(_, h)| width(h)).max().unwrap_or(0) + 2) as u16;
    let r = layout::popup(area, w.max(30), items.len() as u16 + 3);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.focus_border())
        .title(format!(" 帮助 keys · {} ", ctx.name()))
        .title_bottom(" Esc/?/q close ");
    let inner = block.inner(r);
    super::clear_popup(f, r);
    f.render_widget(block, r);
    let lines: Vec<Line> = items
        .iter()
        .skip(scroll.min(items.len().saturating_sub(1)))
        .map(|(k, h)| {
            Line::from(vec![
                Span::styled(format!(" {} ", pad(k, kw, true)), theme.strong()),
                Span::raw(format!(" {h}")),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
