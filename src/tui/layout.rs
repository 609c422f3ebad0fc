//! Where each part of each screen goes for a terminal size; shared by drawing and mouse handling.

use crate::text::char_width;
use ratatui::layout::Rect;

pub struct SearchLayout {
    pub crumbs: Rect,
    pub query: Rect,
    pub chips: Rect,
    pub list: Rect,
    pub preview: Rect,
    pub status: Rect,
}

/// Each hit takes two lines: agency/year/title, then the snippet.
pub const HIT_HEIGHT: u16 = 2;

fn row(area: Rect, y: u16, h: u16) -> Rect {
    Rect::new(area.x, area.y + y, area.width, h)
}

fn body(area: Rect, top: u16) -> Rect {
    let h = area.height.saturating_sub(top + 1);
    Rect::new(area.x, area.y + top.min(area.height), area.width, h)
}

fn status(area: Rect) -> Rect {
    row(area, area.height.saturating_sub(1), area.height.min(1))
}

pub fn search(area: Rect) -> SearchLayout {
    let b = body(area, 3);
    let (list, preview) = if area.width >= 120 {
        let lw = b.width * 11 / 20;
        (
            Rect::new(b.x, b.y, lw, b.height),
            Rect::new(b.x + lw, b.y, b.width - lw, b.height),
        )
    } else {
        // Whole hits only: the list gets an even number of lines.
        let lh = (b.height * 11 / 20) & !1;
        (
            Rect::new(b.x, b.y, b.width, lh),
            Rect::new(b.x, b.y + lh, b.width, b.height - lh),
        )
    };
    SearchLayout {
        crumbs: row(area, 0, 1.min(area.height)),
        query: row(area, 1, 1.min(area.height.saturating_sub(1))),
        chips: row(area, 2, 1.min(area.height.saturating_sub(2))),
        list,
        preview,
        status: status(area),
    }
}

/// How many hits fit in the list.
/// A full screen of the across-reports views: the crumbs line, the body, the status line.
/// `area` is at least 3 rows high.
pub fn framed(area: Rect) -> (Rect, Rect, Rect) {
    let crumbs = Rect { height: 1, ..area };
    let status = Rect {
        y: area.bottom() - 1,
        height: 1,
        ..area
    };
    let body = Rect {
        y: area.y + 1,
        height: area.height - 2,
        ..area
    };
    (crumbs, body, status)
}

pub fn hits_per_page(area: Rect) -> usize {
    (search(area).list.height / HIT_HEIGHT).max(1) as usize
}

pub struct ReportLayout {
    pub crumbs: Rect,
    pub outline: Rect,
    pub tables: Rect,
    pub text: Rect,
    pub status: Rect,
}

pub fn report(area: Rect, n_tables: usize) -> ReportLayout {
    let b = body(area, 1);
    let left = (area.width / 3).clamp(20, 36).min(area.width);
    let th = ((n_tables as u16) + 2)
        .min(b.height / 2)
        .max(3.min(b.height));
    ReportLayout {
        crumbs: row(area, 0, 1.min(area.height)),
        outline: Rect::new(b.x, b.y, left, b.height.saturating_sub(th)),
        tables: Rect::new(b.x, b.y + b.height.saturating_sub(th), left, th),
        text: Rect::new(b.x + left, b.y, b.width - left, b.height),
        status: status(area),
    }
}

/// Width and height of the report text inside its border.
pub fn report_text_inner(area: Rect, n_tables: usize) -> (usize, usize) {
    let t = report(area, n_tables).text;
    (
        t.width.saturating_sub(2) as usize,
        t.height.saturating_sub(2) as usize,
    )
}

pub struct TableLayout {
    pub crumbs: Rect,
    pub grid: Rect,
    pub footer: Rect,
    pub status: Rect,
}

/// `notes`: lines wanted under the grid (failed rules, warnings, the legend).
pub fn table(area: Rect, notes: usize) -> TableLayout {
    let b = body(area, 1);
    let fh = (notes.min(4) as u16).min(b.height / 3);
    TableLayout {
        crumbs: row(area, 0, 1.min(area.height)),
        grid: Rect::new(b.x, b.y, b.width, b.height - fh),
        footer: Rect::new(b.x, b.y + b.height - fh, b.width, fh),
        status: status(area),
    }
}

/// A centred box for an overlay, at most `w`×`h`.
pub fn popup(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Punctuation that may not start a line (closing marks, pauses, stops): kept with the
/// character before it.
const NO_LINE_START: &str = "，。、；：！？）》」』】〕〉”’…—·%％,.;:!?)]}";
/// Punctuation that may not end a line (opening marks): kept with the character after it.
const NO_LINE_END: &str = "（《「『【〔〈“‘([{";

/// Whether a line may break between `a` and `b`. Never inside a run of digits or Latin (a
/// phone number `0955-7067697`, a web address, a word), nor inside a date (`2012年3月5日`),
/// nor before closing or after opening punctuation (the usual Chinese line-breaking rules).
fn may_break(a: char, b: char) -> bool {
    let run = |c: char| c.is_ascii_graphic();
    if run(a) && run(b) {
        return false;
    }
    let date_char = |c: char| matches!(c, '年' | '月' | '日' | '号');
    if (a.is_ascii_digit() && date_char(b)) || (matches!(a, '年' | '月') && b.is_ascii_digit()) {
        return false;
    }
    if NO_LINE_START.contains(b) || NO_LINE_END.contains(a) {
        return false;
    }
    // A space ends a line; it does not open one.
    b != ' '
}

/// The help overlay's box and how far it can scroll: (box, lines shown, the largest scroll).
pub fn help(area: Rect, items: &[(String, String)]) -> (Rect, usize, usize) {
    use crate::output::grid::width;
    let kw = items
        .iter()
        .map(|(k, _)| width(k))
        .max()
        .unwrap_or(0)
        .min(28);
    let w = (kw + 4 + items.iter().map(|(_, h)| width(h)).max().unwrap_or(0) + 2) as u16;
    let r = popup(area, w.max(30), items.len() as u16 + 2);
    let shown = r.height.saturating_sub(2) as usize;
    (r, shown, items.len().saturating_sub(shown))
}

/// Lines of `text` wrapped at `width` display cells, as byte ranges (newlines not included).
/// Breaks between Chinese characters and at spaces, where [`may_break`] allows; a run that
/// cannot fit on a line of its own is cut where the line ends.
pub fn wrap(text: &str, width: usize) -> Vec<std::ops::Range<usize>> {
    let width = width.max(2);
    let mut out = Vec::new();
    let mut start = 0;
    let mut w = 0;
    // The last place the current line may break (a byte offset after `start`).
    let mut last_break: Option<usize> = None;
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            out.push(start..i);
            start = i + 1;
            w = 0;
            last_break = None;
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            if i > start && may_break(p, c) {
                last_break = Some(i);
            }
        }
        prev = Some(c);
        let cw = char_width(c);
        if w + cw > width {
            if c == ' ' {
                // A space at the edge ends the line, unseen.
                out.push(start..i);
                start = i + 1;
                w = 0;
                last_break = None;
                prev = None;
                continue;
            }
            match last_break {
                Some(b) if b > start && crate::output::grid::width(&text[b..i]) + cw <= width => {
                    out.push(start..b);
                    start = b;
                    w = crate::output::grid::width(&text[b..i]);
                }
                _ => {
                    out.push(start..i);
                    start = i;
                    w = 0;
                }
            }
            last_break = None;
        }
        w += cw;
    }
    out.push(start..text.len());
    out
}

/// Index of the wrapped line holding byte `pos`.
pub fn line_of(lines: &[std::ops::Range<usize>], pos: usize) -> usize {
    lines
        .iter()
        .position(|l| pos < l.end || (pos == l.end && l.is_empty()))
        .unwrap_or(lines.len().saturating_sub(1))
}

/// Where the cells of a table go in a grid area: frozen labels on the left, frozen headers on top.
pub struct GridGeom {
    /// Width of the frozen row-label column.
    pub label_w: u16,
    /// Visible value columns: (column, x, width).
    pub cols: Vec<(usize, u16, u16)>,
    /// Visible rows: (row, y).
    pub rows: Vec<(usize, u16)>,
    /// Group heading lines (table 3's `（三）不予公开`): (the row it heads, y). One stands above
    /// the first row of each group, and above the top row when it is inside a group, so a
    /// sub-row such as `1.属于国家秘密` is never shown without its group.
    pub groups: Vec<(usize, u16)>,
    /// The header line's y.
    pub header_y: u16,
}

/// Natural widths: (label column, each value column); headers are capped so wide names
/// (table 4's) do not push every number off screen; the full name is in the footer.
pub fn grid_widths(t: &crate::report::Table) -> (usize, Vec<usize>) {
    use crate::output::grid::width;
    let label = t
        .rows
        .iter()
        .map(|r| width(&r.label))
        .max()
        .unwrap_or(0)
        .max(2);
    let cols = (0..t.columns.len())
        .map(|c| {
            let vals = t
                .rows
                .iter()
                .map(|r| {
                    width(&crate::output::export::cell_text(
                        r.values.get(c).copied().flatten(),
                    ))
                })
                .max()
                .unwrap_or(0);
            let head = t.columns.get(c).map_or(0, |h| width(h)).min(12);
            vals.max(head).max(3)
        })
        .collect();
    (label, cols)
}

fn label_width(natural: usize, area: Rect) -> u16 {
    (natural as u16)
        .min((area.width * 2 / 5).max(8))
        .min(area.width)
}

pub fn grid(t: &crate::report::Table, area: Rect, row_off: usize, col_off: usize) -> GridGeom {
    let (label, widths) = grid_widths(t);
    let label_w = label_width(label, area);
    let mut cols = Vec::new();
    let mut x = area.x + label_w;
    for (c, w) in widths.iter().enumerate().skip(col_off) {
        let w = *w as u16;
        // One space between columns; a partly visible last column is not drawn.
        if x + 1 + w > area.right() {
            break;
        }
        cols.push((c, x + 1, w));
        x += 1 + w;
    }
    let mut rows = Vec::new();
    let mut groups = Vec::new();
    let mut y = area.y + 1;
    for r in row_off..t.rows.len() {
        let group = t.rows[r].group.as_ref();
        let opens = r == row_off || t.rows[r - 1].group.as_ref() != group;
        if group.is_some() && opens && y < area.bottom() {
            groups.push((r, y));
            y += 1;
        }
        if y >= area.bottom() {
            break;
        }
        rows.push((r, y));
        y += 1;
    }
    GridGeom {
        label_w,
        cols,
        rows,
        groups,
        header_y: area.y,
    }
}

/// Scroll offsets that keep the cursor `cur` visible, moving as little as possible, and never
/// leave empty space after the last row or column while earlier ones are scrolled away (after
/// the window grew).
pub fn fit_offsets(
    t: &crate::report::Table,
    area: Rect,
    cur: (usize, usize),
    offsets: (usize, usize),
) -> (usize, usize) {
    let (mut ro, mut co) = offsets;
    if cur.0 < ro {
        ro = cur.0;
    }
    // Group lines take rows of the screen too: scroll until the cursor's row is drawn.
    while ro < cur.0 && !grid(t, area, ro, co).rows.iter().any(|r| r.0 == cur.0) {
        ro += 1;
    }
    if cur.1 < co {
        co = cur.1;
    }
    while co < cur.1 && !grid(t, area, ro, co).cols.iter().any(|c| c.0 == cur.1) {
        co += 1;
    }
    let last_row = t.rows.len().saturating_sub(1);
    let last_col = t.columns.len().saturating_sub(1);
    // Scroll back while one more earlier row (column) fits with the last still shown; the
    // cursor is between them, so it stays in view.
    while ro > 0
        && grid(t, area, ro - 1, co)
            .rows
            .iter()
            .any(|r| r.0 == last_row)
    {
        ro -= 1;
    }
    while co > 0
        && grid(t, area, ro, co - 1)
            .cols
            .iter()
            .any(|c| c.0 == last_col)
    {
        co -= 1;
    }
    (ro, co)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_counts_display_width() {
        let lines = wrap("一二三四五\nab", 4);
        let text = "一二三四五\nab";
        let shown: Vec<&str> = lines.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(shown, vec!["一二", "三四", "五", "ab"]);
    }

    #[test]
    fn wrap_keeps_latin_words_whole() {
        let text = "run nianbao index";
        let shown: Vec<&str> = wrap(text, 10).into_iter().map(|r| &text[r]).collect();
        assert_eq!(shown, vec!["run ", "nianbao ", "index"]);
    }

    fn shown(text: &str, w: usize) -> Vec<&str> {
        wrap(text, w).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn wrap_never_breaks_numbers_dates_or_phone_numbers() {
        // Seen: `于2|012年` and `0955-7067|697`.
        let text = "本机关于2012年成立，电话0955-7067697，于2024年3月15日公开。";
        for w in 14..40 {
            let lines = shown(text, w);
            assert_eq!(lines.concat(), text, "width {w}");
            for run in ["2012年", "0955-7067697", "2024年3月15日"] {
                assert!(
                    lines.iter().any(|l| l.contains(run)),
                    "width {w}: {run} broken in {lines:?}"
                );
            }
        }
        assert_eq!(
            shown("本机关于2012年成立", 8),
            vec!["本机关于", "2012年成", "立"]
        );
        // A run longer than the line is still cut, not lost.
        let long = "https://example.gov.cn/xxgk/2024";
        assert_eq!(shown(long, 10).concat(), long);
    }

    #[test]
    fn wrap_keeps_closing_punctuation_off_line_starts_and_opening_off_line_ends() {
        let text = "一二三，四五六。七《八九》";
        for w in 4..12 {
            for line in shown(text, w) {
                let first = line.chars().next().unwrap_or(' ');
                let last = line.chars().last().unwrap_or(' ');
                assert!(
                    !"，。、》".contains(first),
                    "width {w}: {line:?} starts with {first}"
                );
                assert!(last != '《', "width {w}: {line:?} ends with 《");
            }
        }
        assert_eq!(shown("一二三，四五", 6), vec!["一二", "三，四", "五"]);
    }

    #[test]
    fn layouts_fit_small_terminals() {
        for (w, h) in [(80, 24), (20, 5), (1, 1), (0, 0), (200, 60)] {
            let a = Rect::new(0, 0, w, h);
            let s = search(a);
            assert!(s.list.bottom() <= a.bottom() && s.preview.bottom() <= a.bottom());
            let r = report(a, 7);
            assert!(r.text.right() <= a.right());
            let t = table(a, 5);
            assert!(t.footer.bottom() <= a.bottom());
        }
    }
}
