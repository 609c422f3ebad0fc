//! The go-to prompt: an agency (Chinese or pinyin) and a year, with the matching agencies listed.

use super::Theme;
use crate::output::grid::{truncate, width};
use crate::tui::layout;
use crate::tui::screens::goto::State;
use crate::tui::state::App;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

const PROMPT: &str = "› ";

pub fn draw(f: &mut Frame, app: &App, g: &State, theme: &Theme, area: Rect) {
    let r = layout::popup(area, 64, 14);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.focus_border())
        .title(app.lang.t().goto_title)
        .title_bottom(app.lang.t().goto_keys);
    let inner = block.inner(r);
    super::clear_popup(f, r);
    f.render_widget(block, r);
    if inner.height == 0 {
        return;
    }
    let w = inner.width as usize;
    let years_of = |years: &[i32]| -> String {
        years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(PROMPT, theme.strong()),
        Span::raw(g.input.text.as_str()),
    ])];
    if let Some(e) = &g.error {
        for l in layout::wrap(e, w) {
            lines.push(Line::styled(e[l].to_string(), theme.error()));
        }
    } else if g.lacks_year(g.cursor) {
        // Said before Enter, not after: the year typed is not one this agency has.
        let (_, years) = &g.cands[g.cursor];
        let y = g.year.map_or(String::new(), |y| y.to_string());
        let t = app.lang.t();
        let text = format!(
            "{}: {y} — {} {}",
            t.year_label,
            t.year_missing,
            years_of(years)
        );
        lines.push(Line::styled(truncate(&text, w), theme.error()));
    } else {
        let t = app.lang.t();
        let y = g.year.map_or(t.latest_year.to_string(), |y| y.to_string());
        lines.push(Line::styled(format!("{}: {y}", t.year_label), theme.dim()));
    }
    let shown = inner.height.saturating_sub(2).max(1) as usize;
    let skip = g.cursor.saturating_sub(shown - 1);
    for (i, (name, years)) in g.cands.iter().enumerate().skip(skip).take(shown) {
        let style = if i == g.cursor {
            theme.selected()
        } else if g.lacks_year(i) {
            theme.dim()
        } else {
            Style::new()
        };
        let text = truncate(&format!(" {name}  {}", years_of(years)), w);
        lines.push(Line::styled(text, style));
    }
    if g.cands.is_empty() && !g.input.text.trim().is_empty() && g.error.is_none() {
        lines.push(Line::styled(app.lang.t().no_agency, theme.dim()));
    }
    f.render_widget(Paragraph::new(lines), inner);
    let x = inner.x + width(PROMPT) as u16 + g.input.cursor_width() as u16;
    f.set_cursor_position(Position::new(
        x.min(inner.right().saturating_sub(1)),
        inner.y,
    ));
}
