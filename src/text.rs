//! Text primitives every layer shares: which characters are Chinese, width folding, display width.
//!
//! One definition each, so that the parser, the document readers, the tokenizer and the screen
//! agree on what a Chinese character is.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A Han ideograph: the unified blocks (with extension A and the supplementary planes) and the
/// compatibility ideographs. Not 〇, kana, hangul or punctuation.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// A character of a script written without spaces between words: Han, 〇, kana and hangul.
/// The tokenizer cuts these into characters and pairs; a space between two of them is layout.
pub fn is_cjk(c: char) -> bool {
    is_han(c) || matches!(c as u32, 0x3007 | 0x3040..=0x30FF | 0xAC00..=0xD7AF)
}

/// [`is_cjk`], or CJK punctuation and full-width forms (`，` `（` `２`): characters a typesetter
/// puts no space beside, so a gap between two of them in a PDF is not a space.
pub fn is_wide(c: char) -> bool {
    is_cjk(c) || matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF)
}

/// Every full-width ASCII form (`２０２４`, `Ａ`, `（`) and the ideographic space as ASCII: for
/// search, where `（二）` and `(二)` must find each other.
pub fn fold_width(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    }
}

/// Full-width digits, letters and the signs of a figure (`．－＋％／｜`) as ASCII, and every
/// kind of space as a space. Full-width brackets and Chinese punctuation stay: for the parser
/// they are the wording of a label.
pub fn fold_figure_char(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '．' | '－' | '＋' | '％' | '／' | '｜' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        '\u{3000}' | '\u{a0}' | '\u{2002}'..='\u{200b}' | '\u{feff}' => ' ',
        _ => c,
    }
}

/// Display width in terminal cells (a Chinese character is 2, a control character 0).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Display width of one character in terminal cells.
pub fn char_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_is_ideographs_only() {
        for c in ['中', '㐀', '豈', '𠀀', '鿿'] {
            assert!(is_han(c), "{c}");
        }
        for c in ['〇', 'あ', '한', '，', 'a', '２'] {
            assert!(!is_han(c), "{c}");
        }
    }

    #[test]
    fn cjk_adds_the_other_spaceless_scripts() {
        for c in ['中', '〇', 'あ', 'カ', '한'] {
            assert!(is_cjk(c), "{c}");
        }
        for c in ['，', '（', 'a', '1', ' '] {
            assert!(!is_cjk(c), "{c}");
        }
    }

    #[test]
    fn wide_adds_punctuation_and_full_width_forms() {
        for c in ['中', '，', '。', '（', '２', '\u{3000}'] {
            assert!(is_wide(c), "{c}");
        }
        assert!(!is_wide('a') && !is_wide(','));
    }

    #[test]
    fn the_two_folds_differ_on_chinese_punctuation() {
        assert_eq!(fold_width('２'), '2');
        assert_eq!(fold_figure_char('２'), '2');
        assert_eq!(fold_width('（'), '(');
        assert_eq!(fold_figure_char('（'), '（');
        assert_eq!(fold_width('\u{3000}'), ' ');
        assert_eq!(fold_figure_char('\u{a0}'), ' ');
        assert_eq!(fold_width('\u{a0}'), '\u{a0}');
    }

    #[test]
    fn widths_count_cells() {
        assert_eq!(width("中卫2024"), 8);
        assert_eq!(char_width('中'), 2);
        assert_eq!(char_width('\u{7}'), 0);
    }
}
