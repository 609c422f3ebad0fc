//! The query language: words ANDed, `"phrases"`, `-exclusions`, and how a query sees text
//! (widths folded, letters lowercased, whitespace between CJK characters ignored).

use super::tokenizer;
use std::ops::Range;

/// One part of a user's query: a word or phrase, to find or to exclude.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub exclude: bool,
    /// Terms with positions relative to the first, as [`tokenizer::query_terms`] gives them.
    pub terms: Vec<(usize, String)>,
    /// What to highlight: the clause's text as [`snippet_chars`] sees it, split at
    /// punctuation (the index does not match across it either).
    pub pieces: Vec<Vec<char>>,
}

/// Splits the user's syntax: whitespace separates terms (ANDed), `"…"` makes a phrase, a
/// leading `-` excludes. Full-width quotes and minus count too. Parts with nothing
/// searchable (punctuation alone) are dropped.
pub fn parse_query(text: &str) -> Vec<Clause> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().map(tokenizer::fold_width).collect();
    let is_quote = |c: char| matches!(c, '"' | '“' | '”');
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut exclude = false;
        if chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace()) {
            exclude = true;
            i += 1;
        }
        let part: String;
        if is_quote(chars[i]) {
            let start = i + 1;
            let mut j = start;
            while j < chars.len() && !is_quote(chars[j]) {
                j += 1;
            }
            part = chars[start..j].iter().collect();
            i = j + 1;
        } else {
            let start = i;
            let mut j = i;
            while j < chars.len() && !chars[j].is_whitespace() && !is_quote(chars[j]) {
                j += 1;
            }
            part = chars[start..j].iter().collect();
            i = j;
        }
        let terms = tokenizer::query_terms(&part);
        if !terms.is_empty() {
            out.push(Clause {
                exclude,
                terms,
                pieces: pieces(&part),
            });
        }
    }
    out
}

/// The characters of `text` as a highlight search sees them, with the byte range each comes
/// from: widths folded, letters lowercased, whitespace dropped (the index ignores whitespace
/// between CJK characters, and words are whole tokens on both sides of a space anyway).
pub fn snippet_chars(text: &str) -> Vec<(char, Range<usize>)> {
    let mut out = Vec::with_capacity(text.len() / 2);
    for (b, raw) in text.char_indices() {
        let c = tokenizer::fold_width(raw);
        let r = b..b + raw.len_utf8();
        if c.is_whitespace() {
            continue;
        }
        // Cheapest tests first: most characters are CJK, and `is_alphabetic` is a slow lookup.
        if tokenizer::is_cjk(c) {
            out.push((c, r));
        } else if c.is_ascii() {
            out.push((c.to_ascii_lowercase(), r));
        } else if c.is_alphabetic() {
            for l in c.to_lowercase() {
                out.push((l, r.clone()));
            }
        } else {
            out.push((c, r));
        }
    }
    out
}

/// A query part's highlight pieces: its searchable runs between punctuation marks.
fn pieces(part: &str) -> Vec<Vec<char>> {
    let mut out: Vec<Vec<char>> = Vec::new();
    let mut cur = Vec::new();
    for (c, _) in snippet_chars(part) {
        if tokenizer::is_cjk(c) || c.is_alphanumeric() {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}
