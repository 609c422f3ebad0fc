//! Cleaning decoded text into lines a reader and the parser can both use: markup, footers and
//! URL lines out, full-width digits folded, blank lines dropped, flattened web text re-split.

use std::borrow::Cow;

/// A line this long (bytes) is a whole report or page flattened by a web scraper; PDF text
/// lines are far shorter.
pub const FLAT_LINE: usize = 600;

/// Normalises a whole report. The result keeps the source's wording; only noise is removed.
pub fn clean(text: &str) -> String {
    let text = strip_markup(text);
    let mut out = String::with_capacity(text.len());
    // Each step borrows the line when it has nothing to change, as it has on most lines: a
    // copy per step and line was a third of this function's time.
    for raw in split_lines(&text) {
        let folded = fold_width(raw);
        let line = strip_markdown(&folded);
        let line = line.trim();
        if line.is_empty()
            || line.len() <= 40 && is_page_footer(line)
            || is_pipe_rule(line)
            || is_url_line(line)
        {
            continue;
        }
        let mut line = if line.contains('|') {
            Cow::Owned(pipes_to_tabs(line))
        } else {
            Cow::Borrowed(line)
        };
        if line.len() >= FLAT_LINE {
            line = Cow::Owned(strip_inline_footers(&line));
        }
        // Rows first, then their cells: on a flattened page the cell before a row's label
        // holds the last figure of the row before, and would make the label's empty padding
        // cell look like a blank between two figures.
        for piece in split_flattened(&line) {
            let piece = piece.trim();
            if piece.is_empty() {
                continue;
            }
            if piece.contains('\t') {
                out.push_str(&mark_empty_cells(piece));
            } else {
                out.push_str(piece);
            }
            out.push('\n');
        }
    }
    out
}

/// The text's pieces between `\n` and `\r` bytes, as `str::split(['\n', '\r'])` gives them,
/// found with `memchr` (the split by characters was as dear as the rest of the loop).
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memchr2(b'\n', b'\r', r.as_bytes()) {
            // Both are ASCII, so `i` is on a character boundary.
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// Markdown marks that are not wording: a heading's `#`s, `**bold**` and `__bold__`.
fn strip_markdown(line: &str) -> Cow<'_, str> {
    let t = line.trim_start();
    let hashes = t.len() - t.trim_start_matches('#').len();
    let t = if (1..=6).contains(&hashes)
        && t[hashes..].starts_with(|c: char| c.is_whitespace() || !c.is_ascii())
    {
        &t[hashes..]
    } else {
        line
    };
    let marked = |pair: &[u8]| memchr::memmem::find(t.as_bytes(), pair).is_some();
    if marked(b"**") || marked(b"__") {
        Cow::Owned(t.replace("**", "").replace("__", ""))
    } else {
        Cow::Borrowed(t)
    }
}

/// Full-width ASCII digits, letters and a few signs to half-width; the ideographic space to a
/// space. Full-width brackets and Chinese punctuation stay as they are: they are the wording.
pub fn fold_width(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| fold_char(c) == c) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().map(fold_char).collect())
    }
}

pub use crate::text::fold_figure_char as fold_char;

/// The character's form in a [`key`], or `None` when keys ignore it.
pub fn key_char(c: char) -> Option<char> {
    // Fast paths: most characters of a report are CJK ideographs or ASCII.
    if crate::text::is_han(c) {
        return Some(c);
    }
    if c.is_ascii() {
        return c.is_ascii_alphanumeric().then_some(c);
    }
    let c = fold_char(c);
    (c.is_alphanumeric() && !c.is_whitespace()).then_some(c)
}

/// Inline page footers (`- 3 -`) of a report flattened onto one line, which would otherwise
/// read as cells.
fn strip_inline_footers(line: &str) -> String {
    let words: Vec<&str> = line.split(' ').collect();
    let dash = |w: &str| matches!(w, "-" | "—" | "–" | "－");
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        if i + 2 < words.len()
            && dash(words[i])
            && dash(words[i + 2])
            && words[i + 1].len() <= 3
            && words[i + 1].bytes().all(|b| b.is_ascii_digit())
        {
            i += 3;
            continue;
        }
        out.push(words[i]);
        i += 1;
    }
    out.join(" ")
}

/// Removes HTML comments, tags and entities left by web scrapers. Angle brackets used as
/// Chinese title marks (`<中华人民共和国…>`) are kept: only tags with ASCII names go.
fn strip_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("<!--") {
            rest = match after.find("-->") {
                Some(end) => &after[end + 3..],
                None => "",
            };
            continue;
        }
        if let Some(after_lt) = tail.strip_prefix('<') {
            if let Some(len) = tag_len(tail) {
                let tag = &tail[..len];
                let lower = tag.to_ascii_lowercase();
                if lower.starts_with("<br")
                    || lower.starts_with("</p")
                    || lower.starts_with("<p")
                    || lower.starts_with("</tr")
                    || lower.starts_with("<div")
                    || lower.starts_with("</div")
                {
                    out.push('\n');
                } else if lower.starts_with("<td") || lower.starts_with("<th") {
                    out.push('\t');
                } else {
                    out.push(' ');
                }
                rest = &tail[len..];
                continue;
            }
            out.push('<');
            rest = after_lt;
            continue;
        }
        // An entity.
        let entities = [
            ("&nbsp;", " "),
            ("&lt;", "<"),
            ("&gt;", ">"),
            ("&amp;", "&"),
            ("&quot;", "\""),
            ("&ldquo;", "“"),
            ("&rdquo;", "”"),
            ("&mdash;", "—"),
        ];
        if let Some((e, r)) = entities.iter().find(|(e, _)| tail.starts_with(e)) {
            out.push_str(r);
            rest = &tail[e.len()..];
            continue;
        }
        out.push('&');
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// Length of an HTML tag at the start of `s` (`<p>`, `</td>`, `<span class="x">`,
/// `<http://…>`), or `None` when the `<` opens something else.
fn tag_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix('<')?;
    let first = body.chars().next()?;
    let is_tag = first.is_ascii_alphabetic()
        || (first == '/' || first == '!')
            && body[1..].starts_with(|c: char| c.is_ascii_alphabetic());
    if !is_tag {
        return None;
    }
    let end = body.find('>')?;
    let inner = &body[..end];
    if end > 400 || inner.contains('<') || inner.contains('\n') {
        return None;
    }
    // A tag's name is ASCII; `<中华…>` never gets here, but `<a中文>` would: refuse non-ASCII names.
    let name: String = inner
        .trim_start_matches(['/', '!'])
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    if !name.is_ascii() {
        return None;
    }
    Some(end + 2)
}

/// `- 5 -`, `— 12 —`, `第 3 页`, `第3页 共10页`, `5/12`.
fn is_page_footer(line: &str) -> bool {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let dashes = ['-', '—', '–', '－', '―'];
    let inner = compact.trim_matches(&dashes[..]);
    if inner.len() < compact.len()
        && !inner.is_empty()
        && inner.len() <= 4
        && inner.chars().all(|c| c.is_ascii_digit())
    {
        return compact.starts_with(&dashes[..]) && compact.ends_with(&dashes[..]);
    }
    if let Some(rest) = compact.strip_prefix('第') {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let after = &rest[digits.len()..];
        if !digits.is_empty()
            && (after == "页" || after.starts_with("页共") && after.ends_with('页'))
        {
            return true;
        }
    }
    false
}

fn is_url_line(line: &str) -> bool {
    let l = line.trim_matches(|c: char| "<>()（）".contains(c));
    (l.starts_with("http://") || l.starts_with("https://") || l.starts_with("www."))
        && l.chars().all(|c| c.is_ascii_graphic())
}

/// A Markdown table rule such as `|---|:---:|`.
fn is_pipe_rule(line: &str) -> bool {
    line.contains('-')
        && line
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '+'))
}

fn pipes_to_tabs(line: &str) -> String {
    if line.starts_with('|') || line.matches('|').count() >= 2 {
        line.trim_matches('|').replace('|', "\t")
    } else {
        line.to_string()
    }
}

/// In a tab- or pipe-separated row an empty cell between two figures is a cell with no
/// figure: it is marked `—` so that it is not lost (a lost cell shifts the others).
/// Empty cells before the first figure, or right after a label, pad the label columns and
/// stay as they are.
fn mark_empty_cells(line: &str) -> String {
    let cells: Vec<&str> = line.split('\t').collect();
    let is_fig = |c: &str| {
        let c = c.trim();
        c.bytes().any(|b| b.is_ascii_digit())
            && !c.ends_with('.')
            && c.bytes()
                .all(|b| b.is_ascii_digit() || b".,+-".contains(&b))
    };
    let (Some(first), Some(last)) = (
        cells.iter().position(|c| is_fig(c)),
        cells.iter().rposition(|c| is_fig(c)),
    ) else {
        return line.to_string();
    };
    if !cells[first..last].iter().any(|c| c.trim().is_empty()) {
        return line.to_string();
    }
    // An empty cell is a blank figure when the nearest filled cell before it is a figure;
    // after a label (`3. 其他\t\t0`, a row run into the one before) it pads the label columns.
    let mut after_figure = false;
    cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if c.trim().is_empty() {
                if after_figure && i < last {
                    return "—";
                }
            } else {
                after_figure = is_fig(c);
            }
            c
        })
        .collect::<Vec<_>>()
        .join("\t")
}

/// Web pages saved as text put a whole report on one line. Headings (`二、…`, `第二十条…`)
/// and table-3 row labels are put back at the start of a line so that the rest of the parser
/// sees the same shape as in PDF text. Short lines are never touched.
fn split_flattened(line: &str) -> Vec<&str> {
    if line.len() < FLAT_LINE {
        return vec![line];
    }
    let mut cuts = Vec::new();
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if k == 0 {
            continue;
        }
        let prev = chars[k - 1].1;
        let next = chars.get(k + 1).map(|&(_, c)| c);
        let boundary =
            prev.is_whitespace() || "。；：！？）”".contains(prev) || prev.is_ascii_digit();
        let numbered = is_cjk_numeral(c) && next == Some('、');
        let article = c == '第' && line[i..].starts_with("第二十条");
        if boundary && (numbered || article) {
            cuts.push(i);
        }
    }
    let mut pieces = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for cut in cuts {
        pieces.push(&line[start..cut]);
        start = cut;
    }
    pieces.push(&line[start..]);
    pieces
}

pub fn is_cjk_numeral(c: char) -> bool {
    "一二三四五六七八九十".contains(c)
}

/// A key for comparing wording: no whitespace or punctuation, half-width digits.
/// `（二）部分 公开` and `(二)部分公开` give the same key.
pub fn key(s: &str) -> String {
    s.chars().filter_map(key_char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn lines_split_and_widths_fold_as_the_plain_versions_do(
            text in "[a\\n\\r一２　|*_ ]{0,24}"
        ) {
            let ours: Vec<&str> = split_lines(&text).collect();
            let std: Vec<&str> = text.split(['\n', '\r']).collect();
            proptest::prop_assert_eq!(ours, std);
            let folded: String = text.chars().map(fold_char).collect();
            proptest::prop_assert_eq!(fold_width(&text), folded);
        }
    }

    #[test]
    fn drops_footers_urls_blank_lines_and_comments() {
        let t = "标题\n\n- 5 -\n\nhttp://www.nxzw.gov.cn/a/b.html\n<!--[if !supportLists]-->一、总体情况<br/>正文&nbsp;内容\n第 3 页\n";
        assert_eq!(clean(t), "标题\n一、总体情况\n正文 内容\n");
    }

    #[test]
    fn markdown_marks_are_not_wording() {
        assert_eq!(
            clean("# 某某市民政局2022年政府信息公开工作年度报告\n## **一、总体情况**\n全年**公开**信息 5条\n#12 号\n"),
            "某某市民政局2022年政府信息公开工作年度报告\n一、总体情况\n全年公开信息 5条\n#12 号\n"
        );
    }

    #[test]
    fn keeps_chinese_angle_quotes() {
        assert_eq!(
            clean("关于印发<中华人民共和国政府信息公开工作年度报告格式>的通知"),
            "关于印发<中华人民共和国政府信息公开工作年度报告格式>的通知\n"
        );
    }

    #[test]
    fn folds_full_width_digits_only() {
        assert_eq!(fold_width("２０２４年（一）　规章"), "2024年（一） 规章");
    }

    #[test]
    fn markdown_pipes_become_cells() {
        assert_eq!(
            clean("| 规章 | 0 | 0 | 0 |\n|---|---|---|---|\n"),
            "规章 \t 0 \t 0 \t 0\n"
        );
    }

    #[test]
    fn flattened_line_is_split_at_headings() {
        let body = "正文。".repeat(120);
        let line = format!(
            "首页>年报 一、总体情况{body}二、主动公开政府信息情况 第二十条第（一）项 规章 0 0 0"
        );
        let out = clean(&line);
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines.iter().any(|l| l.starts_with("二、主动公开")),
            "{lines:?}"
        );
        assert!(lines.iter().any(|l| l.starts_with("第二十条")), "{lines:?}");
    }

    #[test]
    fn key_ignores_spacing_and_bracket_width() {
        assert_eq!(key("（二） 部分 公开"), key("(二)部分公开"));
    }
}
