//! The `?` overlay: every key of the current context, read from the key table.

use super::Theme;
use crate::output::grid::{pad, width};
use crate::tui::i18n::Lang;
use crate::tui::keys::{self, Ctx};
use crate::tui::layout;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn draw(f: &mut Frame, ctx: Ctx, lang: Lang, scroll: usize, theme: &Theme, area: Rect) {
    let items = keys::help_lines(ctx, lang);
    let t = lang.t();
    let kw = items
        .iter()
        .map(|(k, _)| width(k))
        .max()
        .unwrap_or(0)
        .min(28);
    let (r, shown, max_scroll) = layout::help(area, &items);
    let scroll = scroll.min(max_scroll);
    // Where the view is, so a long help shows that it goes on (and where it ends).
    let position = if max_scroll == 0 {
        String::new()
    } else {
        let more = if scroll < max_scroll { " ↓" } else { "" };
        let less = if scroll > 0 { "↑ " } else { "" };
        format!(
            " {less}{}–{}/{}{more} ·",
            scroll + 1,
            (scroll + shown).min(items.len()),
            items.len()
        )
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.focus_border())
        .title(format!(" {} · {} ", t.help_title, ctx.name_in(lang)))
        .title_bottom(format!("{position} {} ", t.help_close));
    let inner = block.inner(r);
    super::clear_popup(f, r);
    f.render_widget(block, r);
    let lines: Vec<Line> = items
        .iter()
        .skip(scroll)
        .map(|(k, h)| {
            Line::from(vec![
                Span::styled(format!(" {} ", pad(k, kw, true)), theme.strong()),
                Span::raw(format!(" {h}")),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
