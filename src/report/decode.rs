//! Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030; everything else is refused.

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error(
        "the file looks binary (it contains NUL bytes or control characters), not a text report"
    )]
    Binary,
    #[error(
        "the file is neither UTF-8, UTF-16 nor GBK/GB18030 text (tried each; re-save it as UTF-8)"
    )]
    UnknownEncoding,
}

/// Decoded text, and what the reader should know about how it was decoded.
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// Set when the text was recovered from a damaged file.
    pub note: Option<String>,
}

/// Decodes a report's bytes. A UTF-8 file with a few damaged bytes is read with those bytes
/// replaced (and a note), rather than refused or misread as GBK. Never panics.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Err(e) = std::str::from_utf8(bytes) {
        // A few stray bytes in a long UTF-8 text (a GBK text gives a replacement for nearly
        // every Chinese character, far above this ratio).
        if e.valid_up_to() > 0 && Encoding::for_bom(bytes).is_none() && !bytes.contains(&0) {
            let lossy = String::from_utf8_lossy(bytes);
            let bad = lossy.matches('\u{FFFD}').count();
            if bad * 1000 <= lossy.chars().count() {
                let text = check_text(lossy.into_owned())?;
                return Ok(Decoded {
                    text,
                    note: Some(format!(
                        "the file is UTF-8 with {bad} damaged byte sequence(s), shown as �; figures next to them may be missing"
                    )),
                });
            }
        }
    }
    decode_strict(bytes).map(|text| Decoded { text, note: None })
}

fn decode_strict(bytes: &[u8]) -> Result<String, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors && enc != UTF_16LE && enc != UTF_16BE {
            return Err(DecodeError::UnknownEncoding);
        }
        return check_text(text.into_owned());
    }
    if bytes.contains(&0) {
        return Err(DecodeError::Binary);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return check_text(text.to_string());
    }
    // Not UTF-8: Chinese reports that are not UTF-8 are GBK or GB18030 (a superset of GBK).
    let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(DecodeError::UnknownEncoding);
    }
    check_text(text.into_owned())
}

fn check_text(text: String) -> Result<String, DecodeError> {
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if controls * 20 > text.chars().count().max(1) || text.contains('\0') {
        return Err(DecodeError::Binary);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("报告".as_bytes()).unwrap().text, "报告");
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("报告".as_bytes());
        assert_eq!(decode(&b).unwrap().text, "报告");
    }

    #[test]
    fn gbk_and_utf16() {
        let (gbk, _, _) = encoding_rs::GBK.encode("中卫市公共资源交易中心2024年");
        assert_eq!(decode(&gbk).unwrap().text, "中卫市公共资源交易中心2024年");
        let mut u16 = vec![0xFF, 0xFE];
        for unit in "年度报告".encode_utf16() {
            u16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&u16).unwrap().text, "年度报告");
    }

    #[test]
    fn a_few_damaged_bytes_in_utf8_are_replaced_with_a_note() {
        let mut b = "中卫市公共资源交易中心2024年政府信息公开工作年度报告。"
            .repeat(60)
            .into_bytes();
        b.insert(30, 0xFF);
        let d = decode(&b).unwrap();
        assert_eq!(d.text.matches('\u{FFFD}').count(), 1);
        assert!(d.note.unwrap().contains("1 damaged"));
        // A GBK text is not mistaken for damaged UTF-8.
        let text = "年度报告 2024 ".repeat(50);
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let d = decode(&gbk).unwrap();
        assert!(d.text.starts_with("年度报告") && d.note.is_none());
    }

    #[test]
    fn empty_binary_and_unknown_are_errors() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b"  \n\n"), Err(DecodeError::Empty));
        assert_eq!(
            decode(b"\x7fELF\x02\x01\x01\0\0\0"),
            Err(DecodeError::Binary)
        );
        assert_eq!(
            decode(&[0x81, 0x20, 0xff, 0xfe, 0x81]),
            Err(DecodeError::UnknownEncoding)
        );
    }
}
