//! Splitting a table's text into cells: numbers (with their units and notes set aside), marks
//! that stand for "no figure", and label text.

use super::normalize::fold_width;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A figure as written: the digits (maybe a run of several cells written together), an
    /// optional sign and decimals, and the unit written after it.
    Num {
        raw: String,
        unit: Unit,
    },
    /// `/`, `-`, `—`, `无`, `不适用`: a cell with no figure, which is not 0. Holds the mark:
    /// a Chinese mark (`无`) may also be a piece of a label broken by a space (`无 法提供`).
    Blank(String),
    Text(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    None,
    Yuan,
    WanYuan,
}

impl Tok {
    /// A Chinese blank mark, which may be a piece of label text rather than a cell.
    pub fn is_word_mark(&self) -> bool {
        matches!(self, Tok::Blank(m) if !m.is_ascii() && m.chars().all(crate::text::is_han))
    }

    pub fn is_cell(&self) -> bool {
        matches!(self, Tok::Num { .. } | Tok::Blank(_))
    }
}

/// Marks that stand for "no figure" (the text is width-folded first, so `／` and `－` are here
/// as `/` and `-`).
const BLANK_MARKS: &[&str] = &[
    "/",
    "\\",
    "-",
    "--",
    "—",
    "——",
    "–",
    "―",
    "无",
    "不适用",
    "空",
    "*",
    "×",
];

/// Units and counters that may follow a figure inside a cell.
const COUNTERS: &[&str] = &[
    "万元", "元", "件", "个", "条", "项", "次", "人次", "人", "份", "家",
];

/// Tokenises a piece of table text. Never panics.
pub fn tokenize(text: &str) -> Vec<Tok> {
    let text = fold_width(text);
    let mut toks = Vec::new();
    for field in text.split(|c: char| c.is_whitespace() || c == '|' || c == '│') {
        if field.is_empty() {
            continue;
        }
        if BLANK_MARKS.contains(&field) {
            toks.push(Tok::Blank(field.to_string()));
            continue;
        }
        if is_link(field) {
            push_text(&mut toks, field);
            continue;
        }
        split_field(field, &mut toks);
    }
    merge_texts(toks)
}

/// A web address or e-mail: its digits (`/art/2024/1/1/art_123.html`) are not figures. Whole
/// URL lines are dropped when the text is cleaned; these are the ones a flattened page keeps
/// inline, in the middle of a table.
fn is_link(field: &str) -> bool {
    // Most fields are figures or Chinese: no letters, no link, no allocation.
    if !field.bytes().any(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let f = field.to_ascii_lowercase();
    f.contains("://")
        || f.contains("www.")
        || f.contains(".htm")
        || (f.contains('@') && f.contains('.'))
}

/// Splits one whitespace-free field: label text and figures may touch (`数量0000000`).
fn split_field(field: &str, toks: &mut Vec<Tok>) {
    let mut rest = field;
    while !rest.is_empty() {
        if let Some((num, after)) = take_number(rest) {
            // `1.属于…`, `2、…`: a list number belongs to the label.
            if after.starts_with(['.', '、', '．']) && !num.contains('.') {
                let end = num.len() + after.chars().next().map_or(0, char::len_utf8);
                push_text(toks, &rest[..end]);
                rest = &rest[end..];
                continue;
            }
            // `2024年`, `5楼`, `30号`, `12345热线`: a figure of the prose, not a cell.
            if after.starts_with(|c: char| "年月日号楼室%‰期届批".contains(c)) {
                let end = num.len() + after.chars().next().map_or(0, char::len_utf8);
                push_text(toks, &rest[..end]);
                rest = &rest[end..];
                continue;
            }
            let mut after = after;
            let mut unit = Unit::None;
            if let Some(c) = COUNTERS.iter().find(|c| after.starts_with(**c)) {
                unit = match *c {
                    "万元" => Unit::WanYuan,
                    "元" => Unit::Yuan,
                    _ => Unit::None,
                };
                after = &after[c.len()..];
            }
            // A note right after the figure: `22（其中修订16件）` is 22.
            if let Some(close) = note_end(after) {
                after = &after[close..];
            }
            toks.push(Tok::Num {
                raw: num.to_string(),
                unit,
            });
            rest = after;
            continue;
        }
        // Text up to the next digit that starts a figure.
        let mut end = rest.len();
        for (i, c) in rest.char_indices().skip(1) {
            if c.is_ascii_digit()
                || (c == '-' && rest[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
            {
                end = i;
                break;
            }
        }
        // A parenthesised note that holds figures is text, not cells: `（其中16件）`.
        if rest.starts_with(['（', '(']) {
            if let Some(close) = note_end(rest) {
                end = end.max(close);
            }
        }
        push_text(toks, &rest[..end]);
        rest = &rest[end..];
    }
}

/// `[sign]digits[,ddd][.digits]` at the start of `s`, and what follows.
fn take_number(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits_start = i;
    while i < b.len()
        && (b[i].is_ascii_digit() || b[i] == b',' && i + 3 < b.len() + 1 && is_thousands(&b[i..]))
    {
        i += 1;
    }
    if i == digits_start {
        return None;
    }
    if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    Some((&s[..i], &s[i..]))
}

fn is_thousands(b: &[u8]) -> bool {
    b.len() >= 4
        && b[0] == b','
        && b[1..4].iter().all(u8::is_ascii_digit)
        && (b.len() == 4 || !b[4].is_ascii_digit())
}

/// Byte length of a bracketed note at the start of `s`, closing bracket included.
fn note_end(s: &str) -> Option<usize> {
    let open = s.chars().next()?;
    let close = match open {
        '（' => '）',
        '(' => ')',
        _ => return None,
    };
    s.find(close).map(|i| i + close.len_utf8())
}

fn push_text(toks: &mut Vec<Tok>, s: &str) {
    if !s.is_empty() {
        toks.push(Tok::Text(s.to_string()));
    }
}

fn merge_texts(toks: Vec<Tok>) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(toks.len());
    for t in toks {
        if let (Tok::Text(s), Some(Tok::Text(prev))) = (&t, out.last_mut()) {
            prev.push_str(s);
            continue;
        }
        out.push(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(raw: &str) -> Tok {
        Tok::Num {
            raw: raw.into(),
            unit: Unit::None,
        }
    }

    #[test]
    fn spaces_tabs_and_pipes_separate_cells() {
        assert_eq!(
            tokenize("规章\t0 12 |3"),
            vec![Tok::Text("规章".into()), num("0"), num("12"), num("3")]
        );
    }

    #[test]
    fn digits_of_a_web_address_are_not_figures() {
        assert_eq!(
            tokenize("0 http://www.example.gov.cn/art/2024/1/1/art_123.html 5"),
            vec![
                num("0"),
                Tok::Text("http://www.example.gov.cn/art/2024/1/1/art_123.html".into()),
                num("5")
            ]
        );
        assert!(tokenize("网址：www.nx12345.gov.cn 邮箱 ab12@zw.gov.cn")
            .iter()
            .all(|t| matches!(t, Tok::Text(_))));
    }

    #[test]
    fn list_numbers_stay_in_labels() {
        assert_eq!(
            tokenize("1.属于国家秘密 0"),
            vec![Tok::Text("1.属于国家秘密".into()), num("0")]
        );
    }

    #[test]
    fn marks_are_blank_cells_and_20_is_one_cell() {
        assert_eq!(
            tokenize("/ - — 无 20"),
            vec![
                Tok::Blank("/".into()),
                Tok::Blank("-".into()),
                Tok::Blank("—".into()),
                Tok::Blank("无".into()),
                num("20")
            ]
        );
    }

    #[test]
    fn notes_and_units_are_set_aside() {
        assert_eq!(tokenize("22（其中修订16件）"), vec![num("22")]);
        assert_eq!(
            tokenize("251000元 12.5万元"),
            vec![
                Tok::Num {
                    raw: "251000".into(),
                    unit: Unit::Yuan
                },
                Tok::Num {
                    raw: "12.5".into(),
                    unit: Unit::WanYuan
                }
            ]
        );
    }

    #[test]
    fn label_touching_figures_is_split() {
        assert_eq!(
            tokenize("申请数量640020470"),
            vec![Tok::Text("申请数量".into()), num("640020470")]
        );
    }

    #[test]
    fn full_width_digits_and_negative_numbers() {
        assert_eq!(tokenize("１２ -2"), vec![num("12"), num("-2")]);
    }
}
