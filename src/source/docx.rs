//! Word documents (.docx): the paragraphs in order and each table as a grid, merged cells
//! (`gridSpan`, `vMerge`) resolved.

use super::grid::{Builder, Grid};
use super::{Document, Format, SourceError};
use quick_xml::events::{BytesStart, Event};
use std::io::Read;

/// The most bytes of `word/document.xml` read (a report's is well under a megabyte).
const MAX_XML: u64 = 64 << 20;

fn damaged(reason: impl Into<String>) -> SourceError {
    SourceError::Damaged {
        format: "DOCX",
        reason: reason.into(),
    }
}

pub fn read(bytes: &[u8]) -> Result<Document, SourceError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| damaged(format!("not a complete zip archive ({e})")))?;
    let mut xml = Vec::new();
    {
        let part = zip
            .by_name("word/document.xml")
            .map_err(|_| damaged("the archive has no word/document.xml (not a Word document)"))?;
        part.take(MAX_XML)
            .read_to_end(&mut xml)
            .map_err(|e| damaged(format!("word/document.xml cannot be unpacked ({e})")))?;
    }
    let (text, tables) = body(&xml)?;
    Ok(Document {
        format: Format::Docx,
        text,
        tables,
        pages: None,
        warnings: Vec::new(),
        ocr: false,
    })
}

#[derive(Default)]
struct Cell {
    text: String,
    span: usize,
    continues: bool,
}

struct Table {
    grid: Builder,
    cell: Option<Cell>,
}

/// Where text goes: the innermost open table cell, else the body's text.
fn sink<'a>(text: &'a mut String, tables: &'a mut [Table]) -> &'a mut String {
    match tables.last_mut().and_then(|t| t.cell.as_mut()) {
        Some(c) => &mut c.text,
        None => text,
    }
}

fn attr_val(e: &BytesStart<'_>) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == b"val")
        .map(|a| String::from_utf8_lossy(&a.value).trim().to_string())
}

fn body(xml: &[u8]) -> Result<(String, Vec<Grid>), SourceError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut text = String::new();
    let mut grids = Vec::new();
    let mut open: Vec<Table> = Vec::new();
    let mut in_t = false;
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| damaged(format!("word/document.xml is not well-formed XML ({e})")))?;
        match ev {
            Event::Eof => break,
            Event::Start(e) if e.local_name().as_ref() == b"t" => in_t = true,
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"tbl" => open.push(Table {
                    grid: Builder::new(),
                    cell: None,
                }),
                b"tr" => {
                    if let Some(t) = open.last_mut() {
                        t.grid.row();
                    }
                }
                b"gridBefore" => {
                    if let (Some(t), Some(n)) = (open.last_mut(), attr_val(&e)) {
                        let n: usize = n.parse().unwrap_or(0);
                        if n > 0 {
                            t.grid.cell("", 1, n);
                        }
                    }
                }
                b"tc" => {
                    if let Some(t) = open.last_mut() {
                        t.cell = Some(Cell {
                            span: 1,
                            ..Cell::default()
                        });
                    }
                }
                b"gridSpan" => {
                    if let Some(c) = open.last_mut().and_then(|t| t.cell.as_mut()) {
                        c.span = attr_val(&e).and_then(|v| v.parse().ok()).unwrap_or(1);
                    }
                }
                b"vMerge" => {
                    if let Some(c) = open.last_mut().and_then(|t| t.cell.as_mut()) {
                        c.continues = attr_val(&e).is_none_or(|v| v != "restart");
                    }
                }
                b"tab" => sink(&mut text, &mut open).push('\t'),
                b"br" | b"cr" => sink(&mut text, &mut open).push('\n'),
                _ => {}
            },
            Event::Text(t) if in_t => {
                let s = t.decode().map_err(|e| damaged(format!("bad text ({e})")))?;
                sink(&mut text, &mut open).push_str(&s);
            }
            Event::GeneralRef(r) if in_t => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match r.decode().as_deref() {
                        Ok("amp") => Some('&'),
                        Ok("lt") => Some('<'),
                        Ok("gt") => Some('>'),
                        Ok("quot") => Some('"'),
                        Ok("apos") => Some('\''),
                        _ => None,
                    },
                };
                if let Some(c) = c {
                    sink(&mut text, &mut open).push(c);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_t = false,
                b"p" => {
                    let in_cell = open.last().is_some_and(|t| t.cell.is_some());
                    sink(&mut text, &mut open).push(if in_cell { ' ' } else { '\n' });
                }
                b"tc" => {
                    if let Some(t) = open.last_mut() {
                        if let Some(c) = t.cell.take() {
                            if c.continues {
                                t.grid.continue_above(c.span);
                            } else {
                                t.grid.cell(&c.text, 1, c.span);
                            }
                        }
                    }
                }
                b"tbl" => {
                    if let Some(t) = open.pop() {
                        if let Some(g) = t.grid.finish(None) {
                            let lines = g.to_text();
                            match open.last_mut().and_then(|t| t.cell.as_mut()) {
                                Some(c) => {
                                    c.text.push(' ');
                                    c.text.push_str(&lines.replace(['\n', '\t'], " "));
                                }
                                None => {
                                    if !text.is_empty() && !text.ends_with('\n') {
                                        text.push('\n');
                                    }
                                    text.push_str(&lines);
                                }
                            }
                            grids.push(g);
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    Ok((text, grids))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docx(document_xml: &str) -> Vec<u8> {
        use std::io::Write;
        let mut out = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut out);
        z.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        z.write_all(document_xml.as_bytes()).unwrap();
        z.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn merged_cells_and_blank_cells() {
        let xml = r#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
<w:p><w:r><w:t>某某局2023年</w:t></w:r><w:r><w:t>年度报告</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>（三）不予公开</w:t></w:r></w:p></w:tc>
<w:tc><w:p><w:r><w:t>1.属于国家秘密</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>2.其他 &amp; 法规</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>　</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>总计</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>不适用</w:t></w:r></w:p></w:tc></w:tr>
</w:tbl></w:body></w:document>"#;
        let doc = read(&docx(xml)).unwrap();
        assert!(
            doc.text.starts_with("某某局2023年年度报告\n"),
            "{}",
            doc.text
        );
        let g = &doc.tables[0];
        let t: Vec<Vec<&str>> = g
            .rows
            .iter()
            .map(|r| r.iter().map(|s| s.text.as_str()).collect())
            .collect();
        assert_eq!(
            t,
            vec![
                vec!["（三）不予公开", "1.属于国家秘密", "1"],
                vec!["（三）不予公开", "2.其他 & 法规", ""],
                vec!["总计", "总计", "不适用"],
            ]
        );
        assert!(g.rows[1][0].spanned && !g.rows[1][1].spanned && g.rows[2][1].spanned);
    }

    #[test]
    fn not_a_zip_or_not_word() {
        let e = read(b"PK\x03\x04 truncated").unwrap_err();
        assert!(e.to_string().contains("not a complete zip"), "{e}");
        let mut out = std::io::Cursor::new(Vec::new());
        {
            use std::io::Write;
            let mut z = zip::ZipWriter::new(&mut out);
            z.start_file("a.txt", zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(b"x").unwrap();
            z.finish().unwrap();
        }
        let e = read(&out.into_inner()).unwrap_err();
        assert!(e.to_string().contains("no word/document.xml"), "{e}");
    }
}
