//! Snippets and highlights: where a query's clauses occur in a report's text, and the passages
//! around the best place, for the hit list and the preview.

use super::syntax::{snippet_chars, Clause};
use super::Passage;
use crate::report::reflow_mapped;
use std::ops::Range;

/// Characters of context before a match in a snippet, and the snippet's length in characters.
const SNIPPET_BEFORE: usize = 24;
const SNIPPET_CHARS: usize = 110;
const PREVIEW_BEFORE: usize = 240;
const PREVIEW_CHARS: usize = 900;

/// Byte ranges of `text` where the query's clauses (not the excluded ones) occur, found by a
/// plain substring search of each clause's pieces over [`snippet_chars`]: far cheaper than
/// re-tokenising the report, and it marks the same characters the index matched (a word may
/// also be marked inside a longer word). Sorted by start. Each range comes with the clause's
/// index.
pub fn match_ranges(text: &str, clauses: &[Clause]) -> Vec<(Range<usize>, usize)> {
    if clauses.iter().all(|c| c.exclude) {
        return Vec::new();
    }
    // Fast path: most reports contain what was typed exactly as typed; `match_indices` finds
    // it without building the normalised copy. Only a clause with no exact occurrence (case,
    // full-width digits, spaces inside words) needs the slower search below.
    let mut out = Vec::new();
    let mut slow = Vec::new();
    for (ci, c) in clauses.iter().enumerate() {
        if c.exclude {
            continue;
        }
        let before = out.len();
        for piece in &c.pieces {
            let needle: String = piece.iter().collect();
            // memchr's searcher, not `str::match_indices`: a third of a snippet's time went
            // to std's two-way search. Both give the same non-overlapping matches, and a match
            // of whole UTF-8 characters in UTF-8 text starts and ends on character boundaries.
            if needle.is_empty() {
                continue;
            }
            out.extend(
                memchr::memmem::find_iter(text.as_bytes(), needle.as_bytes())
                    .map(|i| (i..i + needle.len(), ci)),
            );
        }
        if out.len() == before {
            slow.push(ci);
        }
    }
    if slow.is_empty() {
        out.sort_by_key(|(r, _)| (r.start, r.end));
        return out;
    }
    let hay = snippet_chars(text);
    for (ci, c) in clauses.iter().enumerate() {
        if !slow.contains(&ci) {
            continue;
        }
        for piece in &c.pieces {
            let Some(&first) = piece.first() else {
                continue;
            };
            let n = piece.len();
            let mut i = 0;
            while i + n <= hay.len() {
                if hay[i].0 == first && hay[i..i + n].iter().map(|h| h.0).eq(piece.iter().copied())
                {
                    out.push((hay[i].1.start..hay[i + n - 1].1.end, ci));
                    i += n;
                } else {
                    i += 1;
                }
            }
        }
    }
    out.sort_by_key(|(r, _)| (r.start, r.end));
    out
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The byte range of a window around `center`: `before` characters before it, `len` long.
fn bounds(text: &str, center: usize, before: usize, len: usize) -> (usize, usize) {
    let center = floor_boundary(text, center);
    let start = text[..center]
        .char_indices()
        .rev()
        .nth(before.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let end = text[start..]
        .char_indices()
        .nth(len)
        .map_or(text.len(), |(i, _)| start + i);
    (start, end)
}

/// The match ranges within `start..end`, moved by `to_out` into the window's text, touching
/// ones merged.
fn mapped(
    ranges: &[Range<usize>],
    start: usize,
    end: usize,
    to_out: impl Fn(usize) -> usize,
) -> Vec<Range<usize>> {
    let mut highlights: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        if r.end <= start || r.start >= end {
            continue;
        }
        let a = to_out(r.start.max(start));
        let b = to_out(r.end.min(end));
        if a >= b {
            continue;
        }
        match highlights.last_mut() {
            Some(last) if a <= last.end => last.end = last.end.max(b),
            _ => highlights.push(a..b),
        }
    }
    highlights
}

/// The window's text without trailing whitespace, and its highlights cut to it.
fn finish(mut out: String, mut highlights: Vec<Range<usize>>) -> Passage {
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    for h in &mut highlights {
        h.end = h.end.min(trimmed);
    }
    highlights.retain(|h| h.start < h.end);
    Passage {
        text: out,
        highlights,
    }
}

/// A window of `text` around `center` (byte), `before` chars before and `len` chars long,
/// with the match ranges falling in it. `one_line` folds whitespace runs into one space.
fn window(
    text: &str,
    center: usize,
    before: usize,
    len: usize,
    ranges: &[Range<usize>],
    one_line: bool,
) -> Passage {
    let (start, end) = bounds(text, center, before, len);
    // Copied a run of kept characters at a time (a passage is built for every hit, 50 a
    // keystroke). `marks` holds (source offset, output offset, is whitespace) for every
    // whitespace character and for the first character after each: between two marks the
    // output is the source shifted, which is all the highlights need.
    let mut out = String::with_capacity(end - start);
    let mut marks: Vec<(usize, usize, bool)> = vec![(start, 0, false)];
    let (mut run, mut in_space) = (start, false);
    for (i, c) in text[start..end].char_indices() {
        let src = start + i;
        if !c.is_whitespace() {
            if in_space {
                marks.push((src, out.len(), false));
                run = src;
                in_space = false;
            }
            continue;
        }
        if !in_space {
            out.push_str(&text[run..src]);
        }
        marks.push((src, out.len(), true));
        if one_line || c != '\n' {
            if !in_space && !out.is_empty() {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
            run = src + c.len_utf8();
            marks.push((run, out.len(), false));
        }
    }
    if !in_space {
        out.push_str(&text[run..end]);
    }
    // The output offset of the character starting at or after `b` (the end: the output's).
    let to_out = |b: usize| -> usize {
        let mut b = b.clamp(start, end);
        while !text.is_char_boundary(b) {
            b += 1;
        }
        if b >= end {
            return out.len();
        }
        let m = marks[marks.partition_point(|m| m.0 <= b) - 1];
        if m.2 {
            m.1
        } else {
            m.1 + (b - m.0)
        }
    };
    let highlights = mapped(ranges, start, end, to_out);
    finish(out, highlights)
}

/// The snippet (one line) and the preview (lines kept) around the best match: the place where
/// the most different clauses match close together, the first such place on a tie.
pub fn passages(text: &str, clauses: &[Clause]) -> (Passage, Passage) {
    let found = match_ranges(text, clauses);
    let ranges: Vec<Range<usize>> = found.iter().map(|(r, _)| r.clone()).collect();
    let mut best = (0usize, 0usize);
    for (i, (r, _)) in found.iter().enumerate() {
        let limit = r.start + SNIPPET_CHARS * 3;
        let mut seen: Vec<usize> = found[i..]
            .iter()
            .take_while(|(x, _)| x.start < limit)
            .map(|(_, c)| *c)
            .collect();
        seen.sort_unstable();
        seen.dedup();
        if seen.len() > best.0 {
            best = (seen.len(), r.start);
        }
    }
    let center = best.1;
    let before_snip = if found.is_empty() { 0 } else { SNIPPET_BEFORE };
    let before_prev = if found.is_empty() { 0 } else { PREVIEW_BEFORE };
    (
        window(text, center, before_snip, SNIPPET_CHARS, &ranges, true),
        reflow_passage(&window(
            text,
            center,
            before_prev,
            PREVIEW_CHARS,
            &ranges,
            false,
        )),
    )
}

/// A passage reflowed as the report view shows text (`report::reflow`), its highlights moved
/// to where their text is after the reflow.
fn reflow_passage(p: &Passage) -> Passage {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::syntax::parse_query;

    fn marked(text: &str, query: &str) -> Vec<String> {
        match_ranges(text, &parse_query(query))
            .into_iter()
            .map(|(r, _)| text[r].to_string())
            .collect()
    }

    /// The window as first written, a character at a time: what [`window`] is held to.
    fn window_by_char(
        text: &str,
        center: usize,
        before: usize,
        len: usize,
        ranges: &[Range<usize>],
        one_line: bool,
    ) -> Passage {
        let (start, end) = bounds(text, center, before, len);
        // Copy the window, mapping source byte offsets to output offsets for the highlights.
        let mut out = String::with_capacity(end - start);
        let mut map: Vec<(usize, usize)> = Vec::new();
        let mut in_space = false;
        for (i, c) in text[start..end].char_indices() {
            let src = start + i;
            map.push((src, out.len()));
            if c.is_whitespace() && (one_line || c != '\n') {
                if !in_space && !out.is_empty() {
                    out.push(' ');
                }
                in_space = true;
            } else {
                out.push(c);
                in_space = false;
            }
        }
        map.push((end, out.len()));
        let to_out = |b: usize| -> usize {
            match map.binary_search_by_key(&b, |&(s, _)| s) {
                Ok(i) => map[i].1,
                Err(i) => map.get(i).map_or(out.len(), |m| m.1),
            }
        };
        let highlights = mapped(ranges, start, end, to_out);
        finish(out, highlights)
    }

    /// The run-at-a-time window gives what the character-at-a-time one gave, on text with
    /// every kind of whitespace, multi-byte characters and ranges that cut characters.
    #[test]
    fn window_matches_the_char_by_char_window() {
        use proptest::prelude::*;
        let piece = prop::sample::select(vec![
            "甲",
            "乙",
            "a",
            " ",
            "  ",
            "\n",
            "\n\n",
            "\u{3000}",
            "\t",
            "行政复议",
            "\r\n",
            "x y",
        ]);
        let case = (
            prop::collection::vec(piece, 0..60),
            0usize..400,
            0usize..30,
            0usize..80,
            prop::collection::vec((0usize..400, 0usize..12), 0..6),
            any::<bool>(),
        );
        proptest!(ProptestConfig::with_cases(3000), |((pieces, center, before, len, raw, one_line) in case)| {
            let text: String = pieces.concat();
            let mut ranges: Vec<Range<usize>> = raw
                .into_iter()
                .map(|(a, n)| a.min(text.len())..(a + n).min(text.len()))
                .collect();
            ranges.sort_by_key(|r| (r.start, r.end));
            let new = window(&text, center, before, len, &ranges, one_line);
            let old = window_by_char(&text, center, before, len, &ranges, one_line);
            prop_assert_eq!(new, old, "{:?} {} {} {}", text, center, before, len);
        });
    }

    #[test]
    fn highlights_follow_the_index_normalisation() {
        assert_eq!(marked("本机关行政复议两件", "行政复议"), ["行政复议"]);
        // Spaces inside words (PDF text), full-width digits, upper case.
        assert_eq!(marked("交易中 心负责", "交易中心"), ["交易中 心"]);
        assert_eq!(marked("２０２４年度", "2024年"), ["２０２４年"]);
        assert_eq!(marked("拨打12345热线", "12345热线"), ["12345热线"]);
        assert_eq!(marked("PDF 文件", "pdf"), ["PDF"]);
        // Every clause, not the excluded one; a phrase across punctuation is two pieces.
        assert_eq!(
            marked("中卫市行政复议", "中卫 行政复议 -市"),
            ["中卫", "行政复议"]
        );
        assert_eq!(marked("行政，复议", "\"行政,复议\""), ["行政", "复议"]);
        assert!(marked("行政复议", "-行政").is_empty());
    }

    #[test]
    fn snippet_is_centred_on_the_match() {
        let text = format!("{}行政复议{}", "甲".repeat(500), "乙".repeat(500));
        let (snip, preview) = passages(&text, &parse_query("行政复议"));
        assert_eq!(snip.highlights.len(), 1);
        assert_eq!(&snip.text[snip.highlights[0].clone()], "行政复议");
        assert!(snip.text.starts_with('甲'));
        assert_eq!(&preview.text[preview.highlights[0].clone()], "行政复议");
    }

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
