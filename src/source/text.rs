//! Plain text and Markdown reports: decoded as they are (UTF-8, UTF-16, GBK); no grids, the
//! text path reads their tables.

use super::{Document, Format, SourceError};
use crate::report::decode;

fn read_as(format: Format, bytes: &[u8]) -> Result<Document, SourceError> {
    let decoded = decode::decode(bytes)?;
    let mut doc = Document::text_only(format, decoded.text);
    if let Some(note) = decoded.note {
        doc.warnings.push(format!("encoding: {note}"));
    }
    Ok(doc)
}

pub fn read_txt(bytes: &[u8]) -> Result<Document, SourceError> {
    read_as(Format::Txt, bytes)
}

pub fn read_md(bytes: &[u8]) -> Result<Document, SourceError> {
    read_as(Format::Md, bytes)
}
