//! The totals-and-ranking screen: how many reports were summed and which were left out, the
//! table's sums by year, the ranking (small-sample rates greyed, never ranked) and a bar chart
//! of the ranked figure; "computing…" until the answer for the screen's settings comes.

use super::{crumbs, status, Theme};
use crate::output::across::{figure, plain};
use crate::output::grid::{pad, truncate, truncate_middle};
use crate::tui::screens::tally::{Answer, State as TallyState, Sums};
use crate::tui::state::App;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// Width of one year's column in the sums.
const YEAR_W: usize = 10;
/// Below this width there is no room for the chart beside the list.
const CHART_MIN_W: u16 = 70;

pub fn draw(f: &mut Frame, app: &App, t: &TallyState, theme: &Theme, area: Rect) {
    if area.height < 4 {
        return;
    }
    let (crumbs_area, body, status_area) = crate::tui::layout::framed(area);
    let w = body.width as usize;
    let order = if t.descending {
        "most first"
    } else {
        "least first"
    };
    let right = match t.board() {
        Some(b) => format!("{} reports ", b.selected),
        None => String::new(),
    };
    crumbs(f, app, theme, crumbs_area, &right);
    let title = format!(
        "表{} by year · ranked by {} · {order}",
        t.table,
        t.by().name()
    );
    let mut head = vec![Line::styled(truncate(&plain(&title), w), theme.strong())];
    let hint = "t table · m measure · r order · J/K sums · Enter compare · w CSV · ? help";
    let b = match &t.answer {
        Answer::Computing => {
            head.push(Line::styled(
                "computing… (totals and ranking over the reports this search selects)",
                theme.dim(),
            ));
            f.render_widget(Paragraph::new(head).wrap(Wrap { trim: false }), body);
            status(f, app, theme, status_area, hint, "computing… ");
            return;
        }
        Answer::Failed(e) => {
            head.push(Line::styled(
                format!("could not be worked out: {}", plain(e)),
                theme.error(),
            ));
            f.render_widget(Paragraph::new(head).wrap(Wrap { trim: false }), body);
            status(f, app, theme, status_area, hint, "");
            return;
        }
        Answer::Ready(b) => b,
    };
    if b.selected == 0 {
        head.push(Line::raw(""));
        head.push(Line::raw(
            "No report matches this search: there is nothing to sum or rank.",
        ));
        head.push(Line::styled(
            "Esc: back to the hits, and widen the query or remove a chip.",
            theme.dim(),
        ));
        f.render_widget(Paragraph::new(head).wrap(Wrap { trim: false }), body);
        status(f, app, theme, status_area, hint, "");
        return;
    }
    let sums = t.sums();
    let counted: usize = sums.counted.iter().sum();
    let left: Vec<String> = t
        .left_out()
        .iter()
        .map(|(why, n)| format!("{n} {}", plain(why)))
        .collect();
    let mut said = format!(
        "{} selected · {counted} summed in 表{}",
        b.selected, t.table
    );
    if !left.is_empty() {
        said.push_str(&format!(
            " · {} left out: {}",
            b.totals.left_out.len(),
            left.join(", ")
        ));
    }
    head.push(Line::raw(truncate(&said, w)));
    let head_h = head.len() as u16;
    f.render_widget(
        Paragraph::new(head),
        Rect {
            height: head_h.min(body.height),
            ..body
        },
    );
    let rest = body.height.saturating_sub(head_h);
    let sums_h = TallyState::sums_height(rest, sums.rows.len());
    let sums_area = Rect {
        y: body.y + head_h,
        height: sums_h,
        ..body
    };
    draw_sums(f, t, &sums, theme, sums_area);
    let rank_area = Rect {
        y: sums_area.bottom(),
        height: rest.saturating_sub(sums_h),
        ..body
    };
    draw_ranking(f, t, theme, rank_area);
    status(f, app, theme, status_area, hint, "");
}

fn draw_sums(f: &mut Frame, t: &TallyState, s: &Sums, theme: &Theme, area: Rect) {
    if area.height == 0 {
        return;
    }
    let w = area.width as usize;
    if s.years.is_empty() {
        let line = format!(
            "No report of the selection has a whole 表{}: nothing summed.",
            t.table
        );
        f.render_widget(
            Paragraph::new(Line::styled(truncate(&line, w), theme.dim())),
            area,
        );
        return;
    }
    // The latest years that fit beside a label of at least 16 cells.
    let fit = (w.saturating_sub(16) / YEAR_W).max(1);
    let from = s.years.len().saturating_sub(fit);
    let label_w = w.saturating_sub(YEAR_W * (s.years.len() - from)).min(48);
    let caption = match &s.column {
        Some(c) => format!("sum of {} ", plain(c)),
        None => "sum ".to_string(),
    };
    let mut header = pad(&truncate(&caption, label_w), label_w, true);
    for y in &s.years[from..] {
        header.push_str(&pad(
            &y.map_or("?".into(), |y| y.to_string()),
            YEAR_W,
            false,
        ));
    }
    let mut lines = vec![Line::styled(header, theme.strong())];
    let room = (area.height as usize).saturating_sub(1);
    let win = TallyState::sums_window(room, s.rows.len(), t.sums_offset);
    if win.above {
        lines.push(Line::styled(
            format!("↑ {} rows above (K)", win.start),
            theme.dim(),
        ));
    }
    for (label, values) in s.rows.iter().skip(win.start).take(win.take) {
        let label = plain(label);
        let mut text = pad(&truncate(&label, label_w.saturating_sub(1)), label_w, true);
        for v in &values[from..] {
            let shown = v.map_or("—".to_string(), |v| v.to_string());
            text.push_str(&pad(&shown, YEAR_W, false));
        }
        lines.push(Line::raw(text));
    }
    if win.below {
        let more = s.rows.len() - win.start - win.take;
        lines.push(Line::styled(format!("… {more} more rows (J)"), theme.dim()));
    }
    f.render_widget(Paragraph::new(lines), area);
}

fn draw_ranking(f: &mut Frame, t: &TallyState, theme: &Theme, area: Rect) {
    if area.height < 3 {
        return;
    }
    let lines = t.lines();
    let metric = t.board().is_some_and(|b| b.ranking.formula.is_some());
    let chart = area.width >= CHART_MIN_W;
    let list_w = if chart {
        (area.width * 4 / 7).max(40)
    } else {
        area.width
    };
    let list_area = Rect {
        width: list_w,
        ..area
    };
    // Header, rows, and a line for the cursor's reason or the metric's formula.
    let page = (area.height as usize).saturating_sub(2);
    let (num_w, year_w, val_w, cases_w) = (4, 5, 9, if metric { 8 } else { 0 });
    let agency_w = (list_w as usize).saturating_sub(num_w + year_w + val_w + cases_w);
    let mut out = vec![Line::styled(
        format!(
            "{}{}{}{}{}",
            pad("#", num_w, true),
            pad("agency", agency_w, true),
            pad("year", year_w, true),
            pad("value", val_w, false),
            if metric {
                pad("cases", cases_w, false)
            } else {
                String::new()
            }
        ),
        theme.strong(),
    )];
    for (i, l) in lines.iter().enumerate().skip(t.offset).take(page) {
        let value = l.value.map_or("—".to_string(), figure);
        let text = format!(
            "{}{}{}{}{}",
            pad(&l.rank.map_or("-".into(), |r| r.to_string()), num_w, true),
            pad(
                // Agencies of one place share the start of their names: keep both ends.
                &truncate_middle(&plain(l.agency), agency_w.saturating_sub(1)),
                agency_w,
                true
            ),
            pad(&l.year.map_or("?".into(), |y| y.to_string()), year_w, true),
            pad(&value, val_w, false),
            if metric {
                pad(&l.cases.map_or(String::new(), figure), cases_w, false)
            } else {
                String::new()
            }
        );
        // Not ranked: greyed, whatever its value (a rate over too few cases keeps it).
        let mut style = if l.rank.is_none() {
            theme.dim()
        } else {
            Style::new()
        };
        if i == t.cur {
            style = style.patch(theme.selected());
        }
        out.push(Line::styled(text, style));
    }
    if lines.is_empty() {
        out.push(Line::styled("no report to rank", theme.dim()));
    }
    let foot = match lines.get(t.cur) {
        Some(l) if l.rank.is_none() => {
            format!("not ranked: {}", plain(l.reason.unwrap_or("")))
        }
        _ => match t.board().and_then(|b| b.ranking.formula.clone()) {
            Some(formula) => plain(&formula),
            None => String::new(),
        },
    };
    let foot_area = Rect {
        y: area.bottom() - 1,
        height: 1,
        ..list_area
    };
    f.render_widget(Paragraph::new(out), list_area);
    f.render_widget(
        Paragraph::new(Line::styled(
            truncate(&foot, list_area.width as usize),
            theme.dim(),
        )),
        foot_area,
    );
    if chart {
        // Level with the list's rows, below its header.
        let chart_area = Rect {
            x: area.x + list_w + 1,
            y: area.y + 1,
            width: area.width.saturating_sub(list_w + 1),
            height: area.height.saturating_sub(2),
        };
        draw_chart(f, t, theme, chart_area);
    }
}

/// A bar level with each row of the list, as long as the row's value against the largest
/// ranked value (eighths of a cell); rows not ranked get none, the cursor's bar is marked.
/// Scaled by every ranked row, not the rows shown, so that scrolling never rescales it.
fn draw_chart(f: &mut Frame, t: &TallyState, theme: &Theme, area: Rect) {
    let lines = t.lines();
    let ranked = |l: &crate::tui::screens::tally::Line<'_>| l.rank.and(l.value);
    let max = lines
        .iter()
        .filter_map(ranked)
        .fold(0.0f64, |m, v| m.max(v));
    if max <= 0.0 || area.height == 0 {
        let line = Line::styled("nothing ranked to chart", theme.dim());
        f.render_widget(Paragraph::new(line), area);
        return;
    }
    let rows: Vec<Line> = lines
        .iter()
        .enumerate()
        .skip(t.offset)
        .take(area.height as usize)
        .map(|(i, l)| {
            let text = ranked(l).map_or(String::new(), |v| bar(v / max, area.width));
            let style = if i == t.cur { theme.hl() } else { theme.chip() };
            Line::styled(text, style)
        })
        .collect();
    f.render_widget(Paragraph::new(rows), area);
}

/// A horizontal bar `share` (0–1) of `cells` long, to an eighth of a cell.
fn bar(share: f64, cells: u16) -> String {
    const EIGHTHS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    let eighths = (share.clamp(0.0, 1.0) * f64::from(cells) * 8.0).round() as usize;
    let mut out = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        out.push(EIGHTHS[eighths % 8 - 1]);
    }
    // A value above zero is never drawn as nothing.
    if out.is_empty() && share > 0.0 {
        out.push(EIGHTHS[0]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_are_drawn_to_an_eighth_of_a_cell() {
        assert_eq!(bar(1.0, 4), "████");
        assert_eq!(bar(0.5, 4), "██");
        // 0.3 × 4 cells = 9.6 eighths → 10: one full cell and a quarter.
        assert_eq!(bar(0.3, 4), "█▎");
        assert_eq!(bar(0.0, 4), "");
        assert_eq!(bar(0.001, 4), "▏", "a value above zero shows");
        assert_eq!(bar(2.0, 3), "███", "never past the area");
        assert_eq!(bar(f64::NAN, 3), "", "NaN clamps to nothing");
    }
}
