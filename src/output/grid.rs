//! Aligned text grids whose columns stay straight with Chinese text (display width, not bytes).

use unicode_width::UnicodeWidthStr;

/// Display width of `s` in terminal cells (a Chinese character is 2).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` cells, with `…` when cut; never splits a character.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// `s` padded with spaces to `w` cells, on the right (`left_align`) or on the left.
pub fn pad(s: &str, w: usize, left_align: bool) -> String {
    let fill = " ".repeat(w.saturating_sub(width(s)));
    if left_align {
        format!("{s}{fill}")
    } else {
        format!("{fill}{s}")
    }
}

/// Renders rows of cells as lines; the first column is left-aligned, the others right-aligned.
/// `max_first` caps the first column's width.
pub fn render(rows: &[Vec<String>], max_first: usize) -> Vec<String> {
    let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; ncols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            let w = if i == 0 {
                width(c).min(max_first)
            } else {
                width(c)
            };
            widths[i] = widths[i].max(w);
        }
    }
    rows.iter()
        .map(|r| {
            let cells: Vec<String> = r
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if i == 0 {
                        pad(&truncate(c, max_first), widths[0], true)
                    } else {
                        pad(c, widths[i], false)
                    }
                })
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_columns_line_up() {
        let rows = vec![
            vec!["规章".to_string(), "0".into()],
            vec!["行政规范性文件".to_string(), "12".into()],
        ];
        let lines = render(&rows, 40);
        assert_eq!(width(&lines[0]), width(&lines[1]));
        assert_eq!(lines[0], "规章             0");
    }

    #[test]
    fn truncate_never_splits_a_character() {
        assert_eq!(truncate("中卫市公共资源交易中心", 7), "中卫市…");
        assert!(width(&truncate("中卫市公共资源交易中心", 8)) <= 8);
    }
}
