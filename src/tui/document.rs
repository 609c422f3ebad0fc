//! The report as one document: every section's wrapped text, each table's grid (as `show`
//! prints it) after the section it belongs to, line by line for scrolling and drawing.

use super::layout;
use crate::output::summary;
use crate::report::reflow;
use crate::report::Report;
use std::ops::Range;

/// One line of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum DocLine {
    /// A wrapped line of a section: a byte range of `Document::texts[section]`.
    Text {
        section: usize,
        range: Range<usize>,
    },
    /// A table's title.
    TableTitle {
        table: usize,
        text: String,
    },
    /// A line of a table's grid: shown whole or cut at the edge, never wrapped (a wrapped
    /// grid loses its columns).
    Grid {
        table: usize,
        text: String,
    },
    /// A note under a table (its column names, a warning), wrapped.
    Note {
        table: usize,
        text: String,
    },
    Blank,
}

pub struct Document {
    /// Each section's text as the sections view shows it (heading line first).
    pub texts: Vec<String>,
    pub lines: Vec<DocLine>,
    /// The first line of each section.
    pub section_start: Vec<usize>,
    /// The first line of each table.
    pub table_start: Vec<usize>,
}

/// The section a table comes after: the one numbered as the table's first figure (table 3
/// after 三、, tables 2-1… after 二、); the last one when none is.
fn owner(r: &Report, table: &crate::report::Table) -> usize {
    const NUMERALS: [&str; 9] = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let id = table.id.to_string();
    let n = id
        .chars()
        .next()
        .and_then(|c| c.to_digit(10))
        .and_then(|d| NUMERALS.get((d as usize).checked_sub(1)?));
    n.and_then(|n| r.sections.iter().position(|s| s.number == *n))
        .unwrap_or(r.sections.len().saturating_sub(1))
}

impl Document {
    /// The document of `r` for a text pane `w` cells wide.
    pub fn new(r: &Report, w: usize) -> Document {
        let n_sections = r.sections.len().max(1);
        let texts: Vec<String> = (0..n_sections).map(|i| section_text(r, i)).collect();
        let owners: Vec<usize> = r.tables.iter().map(|t| owner(r, t)).collect();
        let mut lines = Vec::new();
        let mut section_start = Vec::with_capacity(n_sections);
        let mut table_start = vec![0; r.tables.len()];
        for (s, text) in texts.iter().enumerate() {
            section_start.push(lines.len());
            for range in layout::wrap(text, w) {
                lines.push(DocLine::Text { section: s, range });
            }
            for (i, t) in r.tables.iter().enumerate() {
                if owners[i] != s {
                    continue;
                }
                let parts = summary::table_text(r, t);
                lines.push(DocLine::Blank);
                table_start[i] = lines.len();
                lines.push(DocLine::TableTitle {
                    table: i,
                    text: format!("表{} {}", t.id, t.title),
                });
                for g in parts.grid {
                    lines.push(DocLine::Grid { table: i, text: g });
                }
                for n in parts.notes {
                    for piece in layout::wrap(&n, w) {
                        lines.push(DocLine::Note {
                            table: i,
                            text: n[piece].to_string(),
                        });
                    }
                }
            }
            lines.push(DocLine::Blank);
        }
        Document {
            texts,
            lines,
            section_start,
            table_start,
        }
    }

    /// The section line `i` is in (a table's lines are in the section they follow).
    pub fn section_at(&self, i: usize) -> usize {
        self.section_start
            .iter()
            .rposition(|&s| s <= i)
            .unwrap_or(0)
    }

    /// The line of the byte `pos` of section `s`'s text.
    pub fn line_of(&self, s: usize, pos: usize) -> usize {
        let start = self.section_start.get(s).copied().unwrap_or(0);
        let n = self.lines[start..]
            .iter()
            .take_while(|l| matches!(l, DocLine::Text { section, .. } if *section == s))
            .position(|l| matches!(l, DocLine::Text { range, .. } if pos < range.end))
            .unwrap_or(0);
        start + n
    }

    /// The largest first line that still fills a pane `h` lines high.
    pub fn max_scroll(&self, h: usize) -> usize {
        self.lines.len().saturating_sub(h.max(1))
    }
}

/// A section as shown and copied: its heading line, then its text reflowed.
pub fn section_text(r: &Report, i: usize) -> String {
    match r.sections.get(i) {
        Some(s) => format!("{}、{}\n{}", s.number, s.title, reflow(s.text.trim())),
        None if i == 0 => reflow(&r.text),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        crate::report::parse_file(&root.join("tests/fixtures/nonzero2021.txt")).unwrap()
    }

    #[test]
    fn tables_follow_their_sections_and_every_line_is_placed() {
        let r = report();
        let d = Document::new(&r, 60);
        assert_eq!(d.section_start.len(), r.sections.len());
        assert_eq!(d.table_start.len(), r.tables.len());
        for (i, t) in r.tables.iter().enumerate() {
            let s = d.section_at(d.table_start[i]);
            let want = format!("{}", t.id).chars().next().unwrap();
            let numeral = ["一", "二", "三", "四"][want.to_digit(10).unwrap() as usize - 1];
            assert_eq!(r.sections[s].number, numeral, "table {}", t.id);
            assert!(
                matches!(&d.lines[d.table_start[i]], DocLine::TableTitle { text, .. } if text.starts_with(&format!("表{}", t.id)))
            );
        }
        // Every section's text is there, in order, each line within the width.
        for (s, text) in d.texts.iter().enumerate() {
            let shown: String = d
                .lines
                .iter()
                .filter_map(|l| match l {
                    DocLine::Text { section, range } if *section == s => Some(&text[range.clone()]),
                    _ => None,
                })
                .collect();
            let squeeze = |x: &str| x.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            assert_eq!(squeeze(&shown), squeeze(text));
        }
        // Table 3's grid lines are whole (not wrapped) and aligned: the same width each.
        let t3 = r
            .tables
            .iter()
            .position(|t| t.id == crate::report::TableId::T3)
            .unwrap();
        let grid: Vec<&String> = d
            .lines
            .iter()
            .filter_map(|l| match l {
                DocLine::Grid { table, text } if *table == t3 => Some(text),
                _ => None,
            })
            .collect();
        assert!(grid.len() > 10);
        assert!(grid.iter().any(|g| g.contains("44")));
    }

    #[test]
    fn a_match_is_found_on_its_line() {
        let r = report();
        let d = Document::new(&r, 40);
        let s = 1;
        let text = &d.texts[s];
        let pos = text.len() - 1;
        let line = d.line_of(s, pos);
        assert!(
            matches!(&d.lines[line], DocLine::Text { section, range } if *section == s && range.contains(&pos))
        );
        assert_eq!(d.section_at(line), s);
    }
}
