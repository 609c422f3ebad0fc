//! Reflowing text broken by PDF extraction: lines joined mid-sentence, with a map back.

/// Joins the hard line breaks that PDF extraction leaves mid-sentence, so the text wraps to
/// the screen and a phrase split across two lines can still be found. A break stays after
/// sentence-ending punctuation, after a short heading (`一、总体情况`), and before a line that
/// opens a numbered item.
pub fn reflow(text: &str) -> String {
    reflow_mapped(text).0
}

/// [`reflow`], and per kept line (start in `text`, start in the output, length), so that
/// positions in `text` can be moved to the output.
pub fn reflow_mapped(text: &str) -> (String, Vec<(usize, usize, usize)>) {
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
