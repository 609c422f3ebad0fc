//! Drawing: small components that read the browser's state and never change it.

pub(super) mod bookmarks;
pub(super) mod compare;
pub(super) mod filters;
pub(super) mod goto;
pub(super) mod help;
pub(super) mod report;
pub(super) mod search;
pub(super) mod table;
pub(super) mod tally;

use super::layout;
use super::state::{App, Overlay, Screen};
use crate::output::grid::{truncate, width};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use std::ops::Range;

/// Styles, with colour only when NO_COLOR is not set (then modifiers carry the meaning).
pub struct Theme {
    color: bool,
    p: crate::tui::config::Palette,
}

impl Theme {
    pub fn new(no_color: bool, p: crate::tui::config::Palette) -> Theme {
        Theme {
            color: !no_color,
            p,
        }
    }
    fn pick(&self, colored: Style, plain: Style) -> Style {
        if self.color {
            colored
        } else {
            plain
        }
    }
    /// A query match in text.
    pub fn hl(&self) -> Style {
        self.pick(
            Style::new()
                .fg(self.p.highlight)
                .add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
    }
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn strong(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        // Dimmed, in the terminal's own colour: colour 8 (dark grey) vanishes on dark themes.
        self.pick(Style::new().add_modifier(Modifier::DIM), Style::new())
    }
    pub fn chip(&self) -> Style {
        self.pick(
            Style::new().fg(self.p.accent),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }
    pub fn error(&self) -> Style {
        self.pick(
            Style::new().fg(self.p.error).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }
    /// Cells in a selection (the cursor is `selected`).
    pub fn range(&self) -> Style {
        self.pick(
            Style::new().bg(self.p.selection).fg(Color::White),
            Style::new().add_modifier(Modifier::UNDERLINED),
        )
    }
    pub fn focus_border(&self) -> Style {
        self.pick(
            Style::new().fg(self.p.accent),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }
}

/// Draws the whole browser for the current state: the screen on top, then the overlay.
///
/// Screens never draw themselves (they hold state and keys); this match names each one's
/// drawing, so a new screen that is not drawn does not compile.
pub fn draw(f: &mut Frame, app: &App) {
    let area = f.area();
    let theme = Theme::new(app.no_color, app.palette);
    match app.screens.last() {
        None => search::draw(f, app, &theme, area),
        Some(Screen::Report(r)) => report::draw(f, app, r, &theme, area),
        Some(Screen::Table(t)) => table::draw(f, app, t, &theme, area),
        Some(Screen::Compare(c)) => compare::draw(f, app, c, &theme, area),
        Some(Screen::Tally(t)) => tally::draw(f, app, t, &theme, area),
    }
    match &app.overlay {
        None => {}
        Some(Overlay::Help(h)) => help::draw(f, h.ctx, app.lang, h.scroll, &theme, area),
        Some(Overlay::Bookmarks(b)) => bookmarks::draw(f, app, b.cursor, &theme, area),
        Some(Overlay::Filters(p)) => filters::draw(f, app, p, &theme, area),
        Some(Overlay::Goto(g)) => goto::draw(f, app, g, &theme, area),
    }
}

/// `text` as spans with `hl` on the highlighted byte ranges (ranges off char boundaries skipped).
pub fn spans<'a>(text: &'a str, hls: &[Range<usize>], base: Style, hl: Style) -> Vec<Span<'a>> {
    let mut out = Vec::new();
    let mut at = 0;
    for r in hls {
        let ok = r.start >= at
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end);
        if !ok {
            continue;
        }
        if r.start > at {
            out.push(Span::styled(&text[at..r.start], base));
        }
        out.push(Span::styled(&text[r.clone()], base.patch(hl)));
        at = r.end;
    }
    if at < text.len() {
        out.push(Span::styled(&text[at..], base));
    }
    out
}

/// `text` wrapped at `w` cells, lines `skip..skip+h`, highlights on; `current` gets `cur_style`.
pub fn wrapped_lines<'a>(
    text: &'a str,
    hls: &[Range<usize>],
    current: Option<&Range<usize>>,
    w: usize,
    skip: usize,
    h: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    layout::wrap(text, w)
        .into_iter()
        .skip(skip)
        .take(h)
        .map(|line| marked_line(text, line, hls, current, theme))
        .collect()
}

/// The line `line` (a byte range) of `text`, with the highlights `hls` (byte ranges of
/// `text`) marked and `current` marked as the current one.
pub fn marked_line<'a>(
    text: &'a str,
    line: Range<usize>,
    hls: &[Range<usize>],
    current: Option<&Range<usize>>,
    theme: &Theme,
) -> Line<'a> {
    let local: Vec<Range<usize>> = hls
        .iter()
        .filter(|r| r.end > line.start && r.start < line.end)
        .map(|r| r.start.max(line.start) - line.start..r.end.min(line.end) - line.start)
        .collect();
    let s = &text[line.clone()];
    let mut sp = Vec::new();
    let mut at = 0;
    for (r, abs) in local.iter().zip(
        hls.iter()
            .filter(|r| r.end > line.start && r.start < line.end),
    ) {
        if !(s.is_char_boundary(r.start) && s.is_char_boundary(r.end)) || r.start < at {
            continue;
        }
        if r.start > at {
            sp.push(Span::raw(&s[at..r.start]));
        }
        let style = if Some(abs) == current {
            theme.hl().patch(theme.selected())
        } else {
            theme.hl()
        };
        sp.push(Span::styled(&s[r.clone()], style));
        at = r.end;
    }
    if at < s.len() {
        sp.push(Span::raw(&s[at..]));
    }
    Line::from(sp)
}

/// The top line: where the user is.
pub fn crumbs(f: &mut Frame, app: &App, theme: &Theme, area: Rect, right: &str) {
    let path = app.breadcrumbs().join(" › ");
    let rw = width(right);
    let left = truncate(
        &format!(" nianbao › {path}"),
        (area.width as usize).saturating_sub(rw + 1),
    );
    let pad = (area.width as usize).saturating_sub(width(&left) + rw);
    let line = Line::from(vec![
        Span::styled(left, theme.strong()),
        Span::raw(" ".repeat(pad)),
        Span::styled(right.to_string(), theme.dim()),
    ]);
    f.render_widget(
        Paragraph::new(line).style(Style::new().add_modifier(Modifier::REVERSED)),
        area,
    );
}

/// The bottom line: a message or hints on the left, figures on the right.
pub fn status(f: &mut Frame, app: &App, theme: &Theme, area: Rect, hint: &str, right: &str) {
    // An export on its way says so on every screen until it is done.
    let message = app
        .status
        .as_deref()
        .or(app.exporting.as_ref().map(|x| x.says.as_str()));
    let (text, style) = match message {
        Some(s) => (s, theme.strong()),
        None => (hint, theme.dim()),
    };
    // A message wins over the figures on the right when both do not fit.
    let right = if message.is_some() && width(text) + width(right) + 2 > area.width as usize {
        ""
    } else {
        right
    };
    let rw = width(right);
    let left = truncate(text, (area.width as usize).saturating_sub(rw + 2));
    let pad = (area.width as usize).saturating_sub(width(&left) + rw);
    let line = Line::from(vec![
        Span::styled(left, style),
        Span::raw(" ".repeat(pad)),
        Span::raw(right.to_string()),
    ]);
    f.render_widget(Paragraph::new(line), area);
}

/// Clears the box of an overlay, and the halves of wide characters cut by its edges: a Chinese
/// character straddling the left border would otherwise hide the border in the terminal.
pub fn clear_popup(f: &mut Frame, r: Rect) {
    f.render_widget(ratatui::widgets::Clear, r);
    let buf = f.buffer_mut();
    let area = buf.area;
    for y in r.y..r.bottom() {
        if r.x > area.x {
            let c = &mut buf[(r.x - 1, y)];
            if width(c.symbol()) > 1 {
                c.set_symbol(" ");
            }
        }
        if r.right() < area.right() {
            let c = &mut buf[(r.right(), y)];
            if c.symbol().is_empty() {
                c.set_symbol(" ");
            }
        }
    }
}
