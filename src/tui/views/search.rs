//! The search screen: query line, filter chips, hits, preview of the selected hit, status.

use super::{crumbs, spans, status, wrapped_lines, Theme};
use crate::output::grid::{truncate, truncate_middle, width};
use crate::tui::keys::Ctx;
use crate::tui::layout;
use crate::tui::screens::search::{list_offset, SearchFocus};
use crate::tui::state::{App, Engine};
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn draw(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let l = layout::search(area);
    let t = app.lang.t();
    let engine = match &app.engine {
        Engine::Loading { done, total } if *total > 0 => {
            format!("{} {done}/{total} ", t.indexing)
        }
        Engine::Loading { .. } => format!("{}… ", t.indexing),
        Engine::Ready(_) => match app.updating {
            Some((d, n)) if n > 0 => format!("{} {d}/{n} ", t.updating),
            Some(_) => format!("{}… ", t.updating),
            None => String::new(),
        },
        Engine::Failed(_) => format!("{} ", t.index_unusable),
    };
    crumbs(f, app, theme, l.crumbs, &engine);
    query_line(f, app, theme, l.query);
    chips(f, app, theme, l.chips);
    match &app.engine {
        Engine::Failed(e) => failure(f, app, e, theme, l.list),
        Engine::Loading { done, total } if app.search.results.is_none() => {
            loading(f, app, *done, *total, theme, l.list)
        }
        _ => {
            hits(f, app, theme, l.list);
            preview(f, app, theme, l.preview);
        }
    }
    let right = match &app.search.results {
        Some(r) => {
            let ms = r.elapsed.as_secs_f64() * 1000.0;
            let more = if app.search.searching { "…" } else { "" };
            // First hits of a new query: more than these match, how many is being counted.
            let n = match r.total_is_exact() {
                true => r.total.to_string(),
                false => format!("{}+", r.total),
            };
            let hits = crate::tui::i18n::fill(t.hits, &[("n", &n), ("ms", &format!("{ms:.1}"))]);
            format!("{hits}{more} ")
        }
        // A failed engine will never answer: no promise of results.
        None if app.search.searching && !matches!(app.engine, Engine::Failed(_)) => {
            format!("{} ", t.searching)
        }
        None => String::new(),
    };
    let hint = match app.search.focus {
        SearchFocus::Query => t.hint_query,
        SearchFocus::Results => t.hint_results,
    };
    status(f, app, theme, l.status, hint, &right);
}

fn query_line(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let input = &app.search.input;
    let prompt = app.lang.t().prompt;
    let pw = width(prompt) as u16;
    let avail = area.width.saturating_sub(pw + 1) as usize;
    // Keep the cursor in view: show the tail of a long query.
    let mut start = 0;
    while input.text.is_char_boundary(start)
        && width(&input.text[start..input.cursor.max(start)]) > avail
    {
        start += input.text[start..].chars().next().map_or(1, char::len_utf8);
    }
    let shown = &input.text[start..];
    let style = if app.search.focus == SearchFocus::Query {
        theme.strong()
    } else {
        theme.dim()
    };
    let line = Line::from(vec![Span::styled(prompt, style), Span::raw(shown)]);
    f.render_widget(Paragraph::new(line), area);
    if app.ctx() == Ctx::Query && area.height > 0 {
        // The real cursor sits at the insertion point so an input method composes there.
        let x = area.x + pw + width(&input.text[start..input.cursor]) as u16;
        f.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
    }
}

fn chips(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let chips = app.chips();
    let t = app.lang.t();
    let mut sp = vec![Span::styled(t.chips_prefix, theme.dim())];
    if chips.is_empty() {
        sp.push(Span::styled(t.chips_none, theme.dim()));
    }
    for (_, text, _) in chips {
        sp.push(Span::styled(text, theme.chip()));
        sp.push(Span::raw(" "));
    }
    f.render_widget(Paragraph::new(Line::from(sp)), area);
}

fn loading(f: &mut Frame, app: &App, done: usize, total: usize, theme: &Theme, area: Rect) {
    let t = app.lang.t();
    let w = area.width.saturating_sub(4) as usize;
    let filled = (w * done).checked_div(total).unwrap_or(0).min(w);
    let lines = vec![
        Line::raw(""),
        Line::styled(
            format!(
                "  {}",
                crate::tui::i18n::fill(t.building, &[("done", &done), ("total", &total)])
            ),
            theme.strong(),
        ),
        Line::raw(format!(
            "  {}{}",
            "█".repeat(filled),
            "░".repeat(w - filled)
        )),
        Line::styled(format!("  {}", t.type_already), theme.dim()),
    ];
    f.render_widget(Paragraph::new(lines), area);
}

fn failure(f: &mut Frame, app: &App, e: &str, theme: &Theme, area: Rect) {
    let t = app.lang.t();
    let w = area.width.saturating_sub(4) as usize;
    let mut lines = vec![
        Line::raw(""),
        Line::styled(format!("  {}", t.cannot_open), theme.error()),
    ];
    for l in layout::wrap(e, w) {
        lines.push(Line::raw(format!("  {}", &e[l])));
    }
    lines.push(Line::raw(""));
    let hint = t.what_to_do;
    for l in layout::wrap(hint, w) {
        lines.push(Line::styled(format!("  {}", &hint[l]), theme.dim()));
    }
    f.render_widget(Paragraph::new(lines), area);
}

fn hits(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let Some(r) = &app.search.results else {
        return;
    };
    if let Some(e) = &app.search.error {
        f.render_widget(
            Paragraph::new(Line::styled(format!(" {e}"), theme.error())),
            area,
        );
        return;
    }
    if r.hits.is_empty() {
        // No filter and no word, and still nothing: the folder itself is empty.
        let empty_corpus = app.search.input.text.trim().is_empty() && !app.query.has_filters();
        let t = app.lang.t();
        let msg = if empty_corpus {
            crate::tui::i18n::fill(t.empty_corpus, &[("corpus", &app.corpus)])
        } else {
            t.no_hits.to_string()
        };
        let w = area.width.saturating_sub(2) as usize;
        let lines: Vec<Line> = layout::wrap(&msg, w)
            .into_iter()
            .map(|l| Line::styled(format!(" {}", &msg[l]), theme.dim()))
            .collect();
        f.render_widget(Paragraph::new(lines), area);
        return;
    }
    let per = layout::hits_per_page(Rect::new(0, 0, app.size.0, app.size.1));
    let first = list_offset(app.search.selected, per);
    let w = area.width as usize;
    let mut lines = Vec::new();
    for (i, h) in r
        .hits
        .iter()
        .enumerate()
        .skip(first)
        .take((area.height / layout::HIT_HEIGHT) as usize)
    {
        let sel = i == app.search.selected;
        let (head, year, title) = hit_line(sel, &h.agency, h.year, &h.title, w);
        let base = if sel { theme.selected() } else { Style::new() };
        let pad = w.saturating_sub(width(&head) + width(&year) + width(&title));
        lines.push(Line::from(vec![
            Span::styled(head, base.patch(theme.strong())),
            Span::styled(year, base.patch(theme.strong())),
            Span::styled(title, base),
            Span::styled(" ".repeat(pad), base),
        ]));
        let mut sp = vec![Span::raw("    ")];
        sp.extend(spans(
            &h.snippet.text,
            &h.snippet.highlights,
            theme.dim(),
            theme.hl(),
        ));
        lines.push(Line::from(sp));
    }
    f.render_widget(Paragraph::new(lines), area);
}

fn preview(f: &mut Frame, app: &App, theme: &Theme, area: Rect) {
    let Some(h) = app
        .search
        .results
        .as_ref()
        .and_then(|r| r.hits.get(app.search.selected))
    else {
        return;
    };
    let title = format!(
        " {} {} {} ",
        app.lang.t().preview,
        h.agency,
        h.year.map_or(String::new(), |y| y.to_string())
    );
    // Beside the list (wide terminals) the preview needs a left edge too.
    let borders = if area.x > 0 {
        Borders::TOP | Borders::LEFT
    } else {
        Borders::TOP
    };
    let block = Block::new().borders(borders).title(Span::styled(
        truncate(&title, area.width as usize),
        theme.dim(),
    ));
    let inner = block.inner(area);
    f.render_widget(block, area);
    // Reflowed by the index as the report view shows text, highlights on their text.
    let p = &h.preview;
    // Start a little before the first match so it is in view.
    let lines = layout::wrap(&p.text, inner.width as usize);
    let first = p
        .highlights
        .first()
        .map_or(0, |r| layout::line_of(&lines, r.start));
    let skip = if first < inner.height as usize {
        0
    } else {
        first.saturating_sub(1)
    };
    let text = wrapped_lines(
        &p.text,
        &p.highlights,
        None,
        inner.width as usize,
        skip,
        inner.height as usize,
        theme,
    );
    f.render_widget(Paragraph::new(text), inner);
}

/// A hit's first line in three parts for `w` cells: marker and agency, year, title. The year
/// never truncates; a long agency is cut in its middle (two years of one agency stay
/// distinguishable, and its kind at the end stays readable); the title takes what is left.
pub fn hit_line(
    selected: bool,
    agency: &str,
    year: Option<i32>,
    title: &str,
    w: usize,
) -> (String, String, String) {
    let marker = if selected { "› " } else { "  " };
    let year = format!("{}  ", year.map_or("----".to_string(), |y| y.to_string()));
    let fixed = width(marker) + width(&year) + 2;
    // The agency gets at most three fifths of what is left, the title the rest.
    let room = w.saturating_sub(fixed);
    let agency_max = if width(agency) + 12 <= room {
        width(agency)
    } else {
        (room * 3 / 5).max(room.min(6))
    };
    let agency = truncate_middle(agency, agency_max);
    let head = format!("{marker}{agency}  ");
    let title = truncate(title, w.saturating_sub(width(&head) + width(&year)));
    (head, year, title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_agency_names_never_push_the_year_out() {
        let agency = "宁夏回族自治区石嘴山市大武口区人民政府办公室政务公开科";
        for w in [30, 40, 60, 66] {
            let (head, year, title) = hit_line(false, agency, Some(2023), "标题", w);
            let all = format!("{head}{year}{title}");
            assert!(width(&all) <= w, "{w}: {all}");
            assert!(year.contains("2023"), "{w}: {all}");
            assert!(
                head.contains("…") && head.trim_end().ends_with("科"),
                "{w}: {head}"
            );
        }
        let (a, _, _) = hit_line(false, agency, Some(2022), "", 40);
        let (b, _, _) = hit_line(false, agency, Some(2023), "", 40);
        assert_eq!(
            a, b,
            "the agency is cut the same way; the year tells them apart"
        );
    }
}
