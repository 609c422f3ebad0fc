//! Aligned text grids whose columns stay straight with Chinese text (display width, not bytes).

pub use crate::text::width;

/// `s` cut to at most `max` cells, with `…` when cut; never splits a character.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = crate::text::char_width(c);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// `s` cut to at most `max` cells by taking characters out of its middle (`…` in their place),
/// so both the start and the end of a long name stay readable: `宁夏回族自治区…交易中心`.
pub fn truncate_middle(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let cw = |c: char| crate::text::char_width(c);
    let budget = max - 1;
    // The end keeps the smaller half: an agency's kind (…交易中心) is at its end.
    let tail_budget = budget / 2;
    let mut tail: Vec<char> = Vec::new();
    let mut tw = 0;
    for c in s.chars().rev() {
        if tw + cw(c) > tail_budget {
            break;
        }
        tw += cw(c);
        tail.push(c);
    }
    let mut out = String::new();
    let mut hw = 0;
    for c in s.chars() {
        if hw + cw(c) + tw > budget {
            break;
        }
        hw += cw(c);
        out.push(c);
    }
    out.push('…');
    out.extend(tail.into_iter().rev());
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
    fn middle_cut_keeps_both_ends_within_the_width() {
        let name = "宁夏回族自治区石嘴山市大武口区公共资源交易中心";
        for max in 1..30 {
            let cut = truncate_middle(name, max);
            assert!(width(&cut) <= max, "{max}: {cut}");
        }
        let cut = truncate_middle(name, 21);
        assert!(
            cut.starts_with("宁夏回族") && cut.ends_with("交易中心"),
            "{cut}"
        );
        assert_eq!(truncate_middle("中卫市", 6), "中卫市");
    }

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
