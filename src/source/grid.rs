//! A table as a document draws it: a rectangle of slots, merged cells resolved.

/// One slot of a grid. A merged cell fills several slots: the first (top-left) holds it,
/// the others repeat its text with `spanned` set, so a row label merged over several rows
/// labels each of them, and a figure is counted once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Slot {
    /// The cell's text, whitespace (also `&nbsp;`, U+3000) collapsed to single spaces and trimmed.
    pub text: String,
    pub spanned: bool,
    /// Covered by a cell that starts further left (a horizontal merge): not a cell of its own.
    pub from_left: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Grid {
    pub rows: Vec<Vec<Slot>>,
    /// The page the table starts on (1-based), for a paged document.
    pub page: Option<u32>,
}

/// The most slots a merged cell may fill in either direction: more is damage, not a table.
pub const MAX_SPAN: usize = 64;
/// The most columns a grid keeps.
pub const MAX_COLS: usize = 256;

/// Cleans a cell's text: every kind of whitespace (`&nbsp;`, U+3000, line breaks) becomes one
/// space, and the ends are trimmed, so that a cell holding only those is empty.
pub fn clean_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace()
            || c == '\u{a0}'
            || c == '\u{3000}'
            || c == '\u{200b}'
            || c == '\u{feff}'
        {
            space = true;
            continue;
        }
        if c.is_control() {
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// Builds a grid from rows of cells given as (text, rowspan, colspan), resolving the spans the
/// way HTML tables do: each cell takes the first free slot of its row.
#[derive(Default)]
pub struct Builder {
    rows: Vec<Vec<Option<Slot>>>,
    row: usize,
    started: bool,
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Starts the next row.
    pub fn row(&mut self) {
        if self.started {
            self.row += 1;
        }
        self.started = true;
        self.ensure(self.row);
    }

    fn ensure(&mut self, r: usize) {
        while self.rows.len() <= r {
            self.rows.push(Vec::new());
        }
    }

    /// Adds a cell to the current row.
    pub fn cell(&mut self, text: &str, rowspan: usize, colspan: usize) {
        if !self.started {
            self.row();
        }
        let text = clean_cell(text);
        let (rs, cs) = (rowspan.clamp(1, MAX_SPAN), colspan.clamp(1, MAX_SPAN));
        let r = self.row;
        let mut c = 0;
        while self.rows[r].get(c).is_some_and(Option::is_some) {
            c += 1;
        }
        if c >= MAX_COLS {
            return;
        }
        for dr in 0..rs {
            self.ensure(r + dr);
            for dc in 0..cs.min(MAX_COLS - c) {
                let line = &mut self.rows[r + dr];
                while line.len() <= c + dc {
                    line.push(None);
                }
                if line[c + dc].is_none() {
                    line[c + dc] = Some(Slot {
                        text: text.clone(),
                        spanned: dr > 0 || dc > 0,
                        from_left: dc > 0,
                    });
                }
            }
        }
    }

    /// A vertical merge continued from the cell above (DOCX `vMerge`): fills the next free
    /// slots of this row with the text of the slot above, marked spanned.
    pub fn continue_above(&mut self, colspan: usize) {
        if !self.started {
            self.row();
        }
        let r = self.row;
        let mut c = 0;
        while self.rows[r].get(c).is_some_and(Option::is_some) {
            c += 1;
        }
        for dc in 0..colspan.clamp(1, MAX_SPAN) {
            if c + dc >= MAX_COLS {
                break;
            }
            let above = r
                .checked_sub(1)
                .and_then(|p| self.rows[p].get(c + dc).cloned().flatten())
                .map(|s| s.text)
                .unwrap_or_default();
            let line = &mut self.rows[r];
            while line.len() <= c + dc {
                line.push(None);
            }
            line[c + dc] = Some(Slot {
                text: above,
                spanned: true,
                from_left: dc > 0,
            });
        }
    }

    /// The grid, every row padded to the widest; `None` when it holds no cell.
    pub fn finish(self, page: Option<u32>) -> Option<Grid> {
        let width = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        if width == 0 {
            return None;
        }
        let rows = self
            .rows
            .into_iter()
            .filter(|r| !r.is_empty())
            .map(|r| {
                let mut r: Vec<Slot> = r.into_iter().map(Option::unwrap_or_default).collect();
                r.resize(width, Slot::default());
                r
            })
            .collect();
        Some(Grid { rows, page })
    }
}

impl Grid {
    /// The grid as text lines, cells separated by tabs (a merged cell once), for the text
    /// in reading order.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for row in &self.rows {
            let cells: Vec<&str> = row
                .iter()
                .filter(|s| !s.spanned)
                .map(|s| s.text.as_str())
                .collect();
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(g: &Grid) -> Vec<Vec<String>> {
        g.rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|s| {
                        if s.spanned {
                            format!("^{}", s.text)
                        } else {
                            s.text.clone()
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn spans_are_resolved_like_html() {
        let mut b = Builder::new();
        b.row();
        b.cell("三、本年度办理结果", 3, 1);
        b.cell("（三）不予公开", 2, 1);
        b.cell("1.属于国家秘密", 1, 1);
        b.cell("1", 1, 1);
        b.row();
        b.cell("2.其他", 1, 1);
        b.cell("\u{a0}\u{3000} ", 1, 1);
        b.row();
        b.cell("（四）无法提供", 1, 2);
        b.cell("不适用", 1, 1);
        let g = b.finish(Some(3)).unwrap();
        assert_eq!(
            texts(&g),
            vec![
                vec![
                    "三、本年度办理结果",
                    "（三）不予公开",
                    "1.属于国家秘密",
                    "1"
                ],
                vec!["^三、本年度办理结果", "^（三）不予公开", "2.其他", ""],
                vec![
                    "^三、本年度办理结果",
                    "（四）无法提供",
                    "^（四）无法提供",
                    "不适用"
                ],
            ]
        );
        assert_eq!(g.page, Some(3));
    }

    #[test]
    fn huge_spans_are_clamped() {
        let mut b = Builder::new();
        b.row();
        b.cell("x", 1_000_000, 1_000_000);
        let g = b.finish(None).unwrap();
        assert_eq!(g.rows.len(), MAX_SPAN);
        assert_eq!(g.rows[0].len(), MAX_SPAN);
    }
}
