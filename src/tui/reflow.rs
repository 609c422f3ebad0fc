//! Reflowing text broken by PDF extraction: lines joined mid-sentence, highlights moved along.

use crate::index::Passage;
use std::ops::Range;

/// Joins the hard line breaks that PDF extraction leaves mid-sentence, so the text wraps to
/// the screen and a phrase split across two lines can still be found. A break stays after
/// sentence-ending punctuation, after a short heading (`一、总体情况`), and before a line that
/// opens a numbered item.
pub fn reflow(text: &str) -> String {
    reflow_mapped(text).0
}

/// [`reflow`] of a passage, its highlights moved to where their text is after the reflow.
pub fn reflow_passage(p: &Passage) -> Passage {
    let (text, lines) = reflow_mapped(&p.text);
    // lines: (start in the source, start in the output, length) of each kept line.
    let to_out = |pos: usize, is_end: bool| -> usize {
        let i = lines.partition_point(|l| l.0 <= pos);
        match (i.checked_sub(1).and_then(|k| lines.get(k)), lines.get(i)) {
            (Some(l), _) if pos <= l.0 + l.2 => l.1 + (pos - l.0),
            // Between lines (spaces, blank lines): a start moves to the next line's start,
            // an end back to the previous line's end.
            (Some(l), Some(n)) => {
                if is_end {
                    l.1 + l.2
                } else {
                    n.1
                }
            }
            (Some(l), None) => l.1 + l.2,
            (None, Some(n)) => n.1,
            (None, None) => 0,
        }
    };
    let mut highlights: Vec<Range<usize>> = Vec::new();
    for h in &p.highlights {
        let r = to_out(h.start, false)..to_out(h.end, true);
        if r.start < r.end && text.is_char_boundary(r.start) && text.is_char_boundary(r.end) {
            highlights.push(r);
        }
    }
    Passage { text, highlights }
}

/// The reflowed text and, per kept line, (start in `text`, start in the output, length).
fn reflow_mapped(text: &str) -> (String, Vec<(usize, usize, usize)>) {
    // Each non-blank line, trimmed, with where it starts in `text`.
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut at = 0;
    for raw in text.split('\n') {
        let lead = raw.len() - raw.trim_start().len();
        let line = raw.trim();
        if !line.is_empty() {
            lines.push((at + lead, line));
        }
        at += raw.len() + 1;
    }
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(lines.len());
    for (i, &(from, line)) in lines.iter().enumerate() {
        map.push((from, out.len(), line.len()));
        out.push_str(line);
        let Some(&(_, next)) = lines.get(i + 1) else {
            break;
        };
        let ends = line.ends_with(['。', '：', ':', '；', '！', '？', '）']);
        let numeral = |c: char| "一二三四五六七八九十".contains(c);
        // A short line opening with 一、 is a heading, not the first line of a paragraph.
        let heading = line.starts_with(numeral)
            && line.trim_start_matches(numeral).starts_with('、')
            && line.chars().count() <= 20
            && !line.ends_with(['，', '、']);
        let opens = next.starts_with('（')
            || next.starts_with('(')
            || next.starts_with(numeral)
            || next.chars().next().is_some_and(|c| c.is_ascii_digit())
                && next
                    .chars()
                    .nth(1)
                    .is_some_and(|c| c == '.' || c == '、' || c == '．');
        if ends || heading || opens {
            out.push('\n');
        }
    }
    (out, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflow_keeps_highlights_on_their_text() {
        let text = "一、总体情况\n\n　　本机关收到行政\n复议申请一件，\n已办结。\n（二）其他";
        let hl = |s: &str| {
            let i = text.find(s).unwrap_or(0);
            i..i + s.len()
        };
        // A phrase split by the line break, and one after a blank line and an indent.
        let p = Passage {
            text: text.to_string(),
            highlights: vec![hl("本机关"), hl("行政\n复议"), hl("已办结")],
        };
        let r = reflow_passage(&p);
        assert_eq!(
            r.text,
            "一、总体情况\n本机关收到行政复议申请一件，已办结。\n（二）其他"
        );
        let shown: Vec<&str> = r.highlights.iter().map(|h| &r.text[h.clone()]).collect();
        assert_eq!(shown, vec!["本机关", "行政复议", "已办结"]);
    }

    #[test]
    fn reflow_of_text_without_breaks_is_the_text() {
        let p = Passage {
            text: "  依申请公开  ".into(),
            highlights: std::iter::once(2..8).collect(),
        };
        let r = reflow_passage(&p);
        assert_eq!(r.text, "依申请公开");
        assert_eq!(&r.text[r.highlights[0].clone()], "依申");
    }
}
