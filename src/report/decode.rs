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

/// Decodes a report's bytes. Never panics.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
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
        assert_eq!(decode("报告".as_bytes()).unwrap(), "报告");
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("报告".as_bytes());
        assert_eq!(decode(&b).unwrap(), "报告");
    }

    #[test]
    fn gbk_and_utf16() {
        let (gbk, _, _) = encoding_rs::GBK.encode("中卫市公共资源交易中心2024年");
        assert_eq!(decode(&gbk).unwrap(), "中卫市公共资源交易中心2024年");
        let mut u16 = vec![0xFF, 0xFE];
        for unit in "年度报告".encode_utf16() {
            u16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&u16).unwrap(), "年度报告");
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
