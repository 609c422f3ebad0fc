//! Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030; everything else is refused.

use encoding_rs::{Encoding, BIG5, GB18030, UTF_16BE, UTF_16LE};

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
    // Validated once: most reports are UTF-8, and each pass over them costs as much again.
    let utf8 = std::str::from_utf8(bytes);
    if let Err(e) = utf8 {
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
    if utf8.is_err() {
        if let Some(d) = big5(bytes) {
            return d;
        }
    }
    decode_strict(bytes, utf8.ok()).map(|text| Decoded { text, note: None })
}

/// A Big5 (traditional Chinese) file, told from GBK by chardetng (Firefox's detector): both
/// are double-byte encodings over the same byte ranges, so Big5 read as GB18030 is mojibake
/// without a single decoding error. `None`: not Big5, decode as usual. Only for bytes that
/// are not UTF-8.
fn big5(bytes: &[u8]) -> Option<Result<Decoded, DecodeError>> {
    if Encoding::for_bom(bytes).is_some() || bytes.contains(&0) {
        return None;
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let sniffed = sniff_len(bytes);
    det.feed(&bytes[..sniffed], sniffed == bytes.len());
    if det.guess(None, chardetng::Utf8Detection::Deny) != BIG5 {
        return None;
    }
    let (text, had_errors) = BIG5.decode_without_bom_handling(bytes);
    if had_errors {
        return Some(Err(DecodeError::UnknownEncoding));
    }
    Some(check_text(text.into_owned()).map(|text| Decoded {
        text,
        note: Some("the file is Big5 (traditional Chinese) and was decoded as such".into()),
    }))
}

/// Non-ASCII bytes the detector reads before it decides: ~1,000 double-byte characters, far
/// more than it needs to tell Big5 from GBK (it was made to decide on the first kilobyte of
/// a web page). Fed a whole report, it was 8% of a build's CPU for the tenth of files that
/// are not UTF-8. The decision is still checked on every byte: a file taken for Big5 must
/// decode as Big5 without a single error, and any other must decode as GB18030.
const SNIFF_NON_ASCII: usize = 2048;

/// How many leading bytes the detector reads: up to and including the
/// [`SNIFF_NON_ASCII`]th non-ASCII byte, or all of them. ASCII (markup, figures, a Latin
/// header) says nothing about Big5 against GBK, so it does not count.
fn sniff_len(bytes: &[u8]) -> usize {
    let mut seen = 0;
    for (i, b) in bytes.iter().enumerate() {
        if !b.is_ascii() {
            seen += 1;
            if seen == SNIFF_NON_ASCII {
                // A character cut in two is fine: the detector is told more may follow.
                return i + 1;
            }
        }
    }
    bytes.len()
}

/// `utf8`: the bytes as text, if they are UTF-8.
fn decode_strict(bytes: &[u8], utf8: Option<&str>) -> Result<String, DecodeError> {
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
    if let Some(text) = utf8 {
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
    fn big5_is_decoded_as_big5_and_gbk_stays_gbk() {
        let text = "中衛市工業和信息化局2024年政府信息公開工作年度報告\n一、總體情況\n本年度共收到政府信息公開申請12件，辦結11件。\n";
        let (b5, _, unmappable) = BIG5.encode(text);
        assert!(!unmappable);
        let d = decode(&b5).unwrap();
        assert_eq!(d.text, text);
        assert!(d.note.unwrap().contains("Big5"));
        let simplified = "中卫市工业和信息化局2024年政府信息公开工作年度报告\n一、总体情况\n本年度共收到政府信息公开申请12件，办结11件。\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(simplified);
        let d = decode(&gbk).unwrap();
        assert_eq!((d.text.as_str(), d.note), (simplified, None));
        // Every shipped report, saved as GBK, is still read as GBK.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        for e in walkdir::WalkDir::new(root).into_iter().flatten() {
            if e.path().extension().is_some_and(|x| x == "txt") {
                let t = std::fs::read_to_string(e.path()).unwrap();
                let (gbk, _, unmappable) = encoding_rs::GBK.encode(&t);
                if !unmappable {
                    assert_eq!(decode(&gbk).unwrap().text, t, "{}", e.path().display());
                }
            }
        }
    }

    #[test]
    fn the_detector_reads_a_bounded_prefix_of_non_ascii_bytes() {
        assert_eq!(sniff_len(b"plain ascii"), 11);
        let long = "年度报告".repeat(1000);
        let (gbk, _, _) = encoding_rs::GBK.encode(&long);
        assert_eq!(sniff_len(&gbk), SNIFF_NON_ASCII);
        // Leading ASCII is read but not counted.
        let mut b = b"<p>2024</p>\n".repeat(500);
        let ascii = b.len();
        b.extend_from_slice(&gbk);
        assert_eq!(sniff_len(&b), ascii + SNIFF_NON_ASCII);
        assert_eq!(sniff_len(&gbk[..100]), 100);
    }

    #[test]
    fn a_long_big5_file_is_judged_on_its_beginning_and_checked_to_its_end() {
        let text = "中衛市工業和信息化局2024年政府信息公開工作年度報告\n一、總體情況\n本年度共收到政府信息公開申請12件，辦結11件。\n".repeat(80);
        let (b5, _, unmappable) = BIG5.encode(&text);
        assert!(!unmappable && sniff_len(&b5) < b5.len());
        let d = decode(&b5).unwrap();
        assert_eq!(d.text, text);
        assert!(d.note.unwrap().contains("Big5"));
        // A byte past the prefix that is not Big5: refused, never shown as GBK mojibake.
        let mut damaged = b5.into_owned();
        let last = damaged.len() - 3;
        damaged[last] = 0xFF;
        assert_eq!(decode(&damaged), Err(DecodeError::UnknownEncoding));
        // The same length of simplified GBK stays GBK.
        let simplified =
            "中卫市工业和信息化局2024年政府信息公开工作年度报告\n一、总体情况\n".repeat(80);
        let (gbk, _, _) = encoding_rs::GBK.encode(&simplified);
        assert_eq!(
            decode(&gbk).unwrap(),
            Decoded {
                text: simplified,
                note: None
            }
        );
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
