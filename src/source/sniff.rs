//! What a file's bytes are, whatever its name says: PDF, zip (DOCX), old Word, web page or text.

/// What the first bytes of a file show it to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Zip,
    /// An OLE compound file: an old Word `.doc` (or `.xls`, `.wps`).
    Ole,
    Html,
    Text,
    Binary,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Pdf => "a PDF",
            Kind::Zip => "a zip archive, not a Word document",
            Kind::Ole => "an old Word .doc (or other OLE) file; save it as .docx or PDF",
            Kind::Html => {
                "a web page (HTML), perhaps a site's error or login page saved in its place"
            }
            Kind::Text => "plain text",
            Kind::Binary => "binary data of another kind",
        }
    }
}

/// Sniffs the bytes. Only the first kilobyte or so is looked at.
pub fn sniff(bytes: &[u8]) -> Kind {
    let head = &bytes[..bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return Kind::Pdf;
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Kind::Zip;
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Kind::Ole;
    }
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let trimmed = trim_start(&lower);
    let markup = [
        &b"<!doctype html"[..],
        b"<html",
        b"<head",
        b"<meta",
        b"<body",
        b"<?xml",
        b"<!--",
        b"<div",
        b"<table",
        b"<p>",
        b"<p ",
        b"<title",
        b"<style",
        b"<script",
    ];
    if markup.iter().any(|m| trimmed.starts_with(m))
        || find(&lower, b"<html").is_some() && find(&lower, b"<body").is_some()
    {
        return Kind::Html;
    }
    if head.contains(&0) && !looks_utf16(head) {
        return Kind::Binary;
    }
    Kind::Text
}

fn looks_utf16(head: &[u8]) -> bool {
    head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF])
}

fn trim_start(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(b);
    let i = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    &b[i..]
}

pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Kind::Pdf);
        assert_eq!(sniff(b"PK\x03\x04rest"), Kind::Zip);
        assert_eq!(sniff(b"\xEF\xBB\xBF  <!DOCTYPE html><html>"), Kind::Html);
        assert_eq!(
            sniff("<html>\n<head><meta charset=gbk>".as_bytes()),
            Kind::Html
        );
        assert_eq!(
            sniff("某某局2023年政府信息公开工作年度报告".as_bytes()),
            Kind::Text
        );
        assert_eq!(sniff(b"\x7fELF\x02\x01\x00\x00"), Kind::Binary);
    }
}
