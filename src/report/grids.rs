//! The standard tables read from a document's own table structure (its grids): each grid row
//! is matched to the template's rows by its label, with the same wording rules as the text
//! path. Where the grid and the text reading disagree, the grid wins and a warning says so.

use super::model::{
    CellStatus, Row, Table, TableId, Template, Text, Topic, Value, Warning, Warnings,
};
use super::normalize::key;
use super::tables::{value_of, Uncertain};
use super::template::{self, RowSpec, T3_COLUMNS, T3_TITLE, T4_COLUMNS, T4_TITLE};
use super::tokens::{tokenize, Tok};
use crate::source::Grid;

/// What one grid cell holds.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    /// Nothing, or only whitespace / `&nbsp;` / U+3000.
    Empty,
    /// `不适用`.
    Na,
    /// `/`, `-`, `—`, `无`: no figure.
    Mark,
    Num(Tok),
    /// More than one figure in one cell.
    Many,
    /// Label text.
    Text,
}

impl Cell {
    fn of(text: &str) -> Cell {
        let t = text.trim();
        if t.is_empty() {
            return Cell::Empty;
        }
        if key(t) == "不适用" {
            return Cell::Na;
        }
        let toks = tokenize(t);
        if toks.is_empty() {
            return Cell::Empty;
        }
        if !toks.iter().all(Tok::is_cell) {
            return Cell::Text;
        }
        match toks.as_slice() {
            [Tok::Blank(m)] if m == "不适用" => Cell::Na,
            [Tok::Blank(_)] => Cell::Mark,
            [n @ Tok::Num { .. }] => Cell::Num(n.clone()),
            _ if toks.iter().all(|t| matches!(t, Tok::Blank(_))) => Cell::Mark,
            _ => Cell::Many,
        }
    }

    fn is_value(&self) -> bool {
        !matches!(self, Cell::Text)
    }
}

/// A grid row as distinct cells (horizontal merges counted once), with where it comes from.
struct GRow {
    grid: usize,
    page: Option<u32>,
    /// Text of each distinct cell, left to right.
    texts: Vec<String>,
    cells: Vec<Cell>,
}

impl GRow {
    /// The number of value cells at the end of the row.
    fn value_run(&self) -> usize {
        self.cells.iter().rev().take_while(|c| c.is_value()).count()
    }

    /// The most specific label: the last text cell before the row's last `n` cells.
    fn label(&self, n: usize) -> Option<String> {
        let end = self.cells.len().checked_sub(n)?;
        self.texts[..end]
            .iter()
            .zip(&self.cells)
            .rev()
            .find(|(_, c)| matches!(c, Cell::Text))
            .map(|(t, _)| key(t))
    }

    /// All the label cells before the last `n`, joined.
    fn full_label(&self, n: usize) -> String {
        let end = self.cells.len().saturating_sub(n);
        key(&self.texts[..end].concat())
    }
}

fn rows_of(grids: &[Grid]) -> Vec<GRow> {
    let mut out = Vec::new();
    for (gi, g) in grids.iter().enumerate() {
        for r in &g.rows {
            let texts: Vec<String> = r
                .iter()
                .filter(|s| !s.from_left)
                .map(|s| s.text.clone())
                .collect();
            let cells = texts.iter().map(|t| Cell::of(t)).collect();
            out.push(GRow {
                grid: gi,
                page: g.page,
                texts,
                cells,
            });
        }
    }
    out
}

/// A row's figures and their statuses, as a grid gives them.
type GridRow = (Vec<Option<Value>>, Vec<CellStatus>);

/// One template table as the grids give it: per template row, the values and statuses, or
/// `None` where no grid row gives that row.
struct FromGrid {
    rows: Vec<Option<GridRow>>,
    page: Option<u32>,
    notes: Vec<String>,
}

fn value_and_status(
    cell: &Cell,
    decimals: bool,
    notes: &mut Vec<String>,
) -> Option<(Option<Value>, CellStatus)> {
    match cell {
        Cell::Empty | Cell::Mark => Some((None, CellStatus::Blank)),
        Cell::Na => Some((None, CellStatus::Na)),
        Cell::Num(t) => match value_of(t, decimals) {
            Ok(v) => Some((v, CellStatus::Read)),
            Err(why) => {
                notes.push(why);
                None
            }
        },
        Cell::Many | Cell::Text => None,
    }
}

/// Reads the template rows `specs` (each with `ncols` figures) from the grid rows, in the
/// template's order, the way the text path finds labels: each row after the previous one.
/// `subtotal`: the table has an eighth (小计) column, read and dropped.
fn read_rows(
    specs: &[RowSpec],
    ncols: usize,
    decimals: bool,
    rows: &[GRow],
    subtotal: bool,
) -> FromGrid {
    let width = if subtotal { ncols + 1 } else { ncols };
    let mut out = FromGrid {
        rows: vec![None; specs.len()],
        page: None,
        notes: Vec::new(),
    };
    let mut cursor = 0;
    let mut matched: Vec<Option<usize>> = vec![None; specs.len()];
    for (i, spec) in specs.iter().enumerate() {
        let keys: Vec<String> = spec.keys.iter().map(|k| key(k)).collect();
        // A sub-row is never its group's heading (`（六）其他处理` is not `3.其他`): a
        // document that gives the group as one row gives none of its sub-rows.
        let group = spec.group.map(key);
        let is_group = |l: &str| group.as_deref().is_some_and(|g| l == g);
        let hit = keys.iter().find_map(|k| {
            (cursor..rows.len()).find(|&r| {
                rows[r].value_run() >= width
                    && rows[r]
                        .label(width)
                        .is_some_and(|l| l.contains(k.as_str()) && !is_group(&l))
            })
        });
        let Some(r) = hit else { continue };
        matched[i] = Some(r);
        cursor = r + 1;
        let row = &rows[r];
        let cells = &row.cells[row.cells.len() - width..];
        let mut values = Vec::with_capacity(ncols);
        let mut status = Vec::with_capacity(ncols);
        let mut ok = true;
        for (ci, c) in cells.iter().enumerate() {
            if subtotal && ci == ncols - 1 {
                continue; // the 小计 column
            }
            match value_and_status(c, decimals, &mut out.notes) {
                Some((v, s)) => {
                    values.push(v);
                    status.push(s);
                }
                None => ok = false,
            }
        }
        if ok {
            out.page = out.page.or(row.page);
            out.rows[i] = Some((values, status));
        }
    }
    // A row whose label is misprinted (`2.其他法律行政止公开`) is still its row when it stands
    // alone between its two neighbours' rows, shares its list number and most of its
    // characters: the figures are read, the row's identity inferred (with a warning).
    for i in 1..specs.len().saturating_sub(1) {
        let (Some(p), None, Some(n)) = (matched[i - 1], matched[i], matched[i + 1]) else {
            continue;
        };
        if n != p + 2 || rows[p + 1].value_run() < width {
            continue;
        }
        let Some(label) = rows[p + 1].label(width) else {
            continue;
        };
        let want = key(specs[i].label);
        let number = |s: &str| {
            s.chars()
                .take_while(|c| c.is_ascii_digit())
                .collect::<String>()
        };
        let shared = label.chars().filter(|c| want.contains(*c)).count();
        if number(&label) != number(&want) || shared * 3 < want.chars().count() * 2 {
            continue;
        }
        let cells = &rows[p + 1].cells[rows[p + 1].cells.len() - width..];
        let mut values = Vec::with_capacity(ncols);
        let mut status = Vec::with_capacity(ncols);
        let mut ok = true;
        for (ci, c) in cells.iter().enumerate() {
            if subtotal && ci == ncols - 1 {
                continue;
            }
            match value_and_status(c, decimals, &mut out.notes) {
                Some((v, s)) => {
                    values.push(v);
                    status.push(if s == CellStatus::Read {
                        CellStatus::Inferred
                    } else {
                        s
                    });
                }
                None => ok = false,
            }
        }
        if ok {
            out.notes.push(format!(
                "the row printed as \"{}\" is taken for {} (it stands between that row's neighbours)",
                rows[p + 1].texts[..rows[p + 1].cells.len() - width].last().map_or("", |t| t.as_str()),
                specs[i].label
            ));
            out.rows[i] = Some((values, status));
        }
    }
    out
}

/// Whether the grid holding table 3's first row has a 小计 column.
fn has_subtotal(rows: &[GRow]) -> bool {
    let Some(first) = rows
        .iter()
        .position(|r| r.full_label(0).contains("本年新收"))
    else {
        return false;
    };
    let g = rows[first].grid;
    rows.iter()
        .filter(|r| r.grid == g)
        .any(|r| r.texts.iter().any(|t| key(t) == "小计"))
}

/// Table 4: the last row of 15 figures in a grid that speaks of 行政复议.
fn read_table4(rows: &[GRow]) -> FromGrid {
    let n = T4_COLUMNS.len();
    let mut out = FromGrid {
        rows: vec![None],
        page: None,
        notes: Vec::new(),
    };
    let grids_with_heading: Vec<usize> = rows
        .iter()
        .filter(|r| r.texts.iter().any(|t| key(t).contains("行政复议")))
        .map(|r| r.grid)
        .collect();
    let Some(row) = rows
        .iter()
        .rev()
        .find(|r| grids_with_heading.contains(&r.grid) && r.value_run() >= n)
    else {
        return out;
    };
    let mut values = Vec::with_capacity(n);
    let mut status = Vec::with_capacity(n);
    for c in &row.cells[row.cells.len() - n..] {
        match value_and_status(c, false, &mut out.notes) {
            Some((v, s)) => {
                values.push(v);
                status.push(s);
            }
            None => return out,
        }
    }
    out.page = row.page;
    out.rows[0] = Some((values, status));
    out
}

/// Puts what the grids give into `tables` (read from the text), the grid winning. A row the
/// grid decides (its figures, or none) leaves `uncertain`: its column order is the grid's.
pub fn apply(
    template: Template,
    grids: &[Grid],
    tables: &mut Vec<Table>,
    uncertain: &mut Uncertain,
    warnings: &mut Vec<Warning>,
) {
    if template == Template::Free || grids.is_empty() {
        return;
    }
    let rows = rows_of(grids);
    let mut wanted: Vec<(Table, FromGrid)> = Vec::new();
    for spec in template::section2_tables(template) {
        let got = read_rows(spec.rows, spec.columns.len(), spec.decimals, &rows, false);
        let t = Table {
            id: spec.id,
            title: spec.title.into(),
            columns: spec.columns.iter().map(|&c| Text::Borrowed(c)).collect(),
            rows: spec
                .rows
                .iter()
                .map(|s| empty_row(s, spec.columns.len()))
                .collect(),
            page: None,
        };
        wanted.push((t, got));
    }
    let t3 = template::table3_rows(template);
    let got3 = read_rows(&t3, T3_COLUMNS.len(), false, &rows, has_subtotal(&rows));
    wanted.push((
        Table {
            id: TableId::T3,
            title: T3_TITLE.into(),
            columns: T3_COLUMNS.iter().map(|&c| Text::Borrowed(c)).collect(),
            rows: t3.iter().map(|s| empty_row(s, T3_COLUMNS.len())).collect(),
            page: None,
        },
        got3,
    ));
    wanted.push((
        Table {
            id: TableId::T4,
            title: T4_TITLE.into(),
            columns: T4_COLUMNS.iter().map(|&c| Text::Borrowed(c)).collect(),
            rows: vec![Row {
                label: Text::Borrowed(""),
                group: None,
                values: vec![None; T4_COLUMNS.len()],
                status: Vec::new(),
            }],
            page: None,
        },
        read_table4(&rows),
    ));

    for (fresh, got) in wanted {
        if got.rows.iter().all(Option::is_none) {
            continue;
        }
        let id = fresh.id;
        for n in &got.notes {
            warnings.add(
                Topic::Grid(id),
                format!("table {id} (from the document's table): {n}"),
            );
        }
        let idx = match tables.iter().position(|t| t.id == id) {
            Some(i) => i,
            None => {
                tables.push(fresh);
                tables.len() - 1
            }
        };
        let table = &mut tables[idx];
        table.page = got.page.or(table.page);
        let complete = got.rows.iter().all(Option::is_some);
        // The document's table is the authority on its rows: where it holds most of the
        // template's rows, a row it does not have is not read from the text either (the text
        // reading would take a neighbour's figures for it).
        let found = got.rows.iter().filter(|r| r.is_some()).count();
        if !complete && found * 2 >= got.rows.len() {
            for (ri, g) in got.rows.iter().enumerate() {
                let Some(row) = table.rows.get_mut(ri) else {
                    continue;
                };
                if g.is_none() && row.values.iter().any(Option::is_some) {
                    warnings.add(Topic::Grid(id), format!(
                        "table {id}: row {} is not in the document's table; its cells are left empty",
                        row.label
                    ));
                    row.values = vec![None; row.values.len()];
                    row.status = Vec::new();
                    uncertain.retain(|&u| u != (id, ri));
                }
            }
        }
        let mut differ = Vec::new();
        for (ri, g) in got.rows.into_iter().enumerate() {
            let Some((values, status)) = g else { continue };
            let Some(row) = table.rows.get_mut(ri) else {
                continue;
            };
            let disagree = row.values.iter().zip(&values).any(|(t, g)| {
                matches!((t, g), (Some(a), Some(b)) if a.as_f64() != b.as_f64())
                    || matches!((t, g), (Some(_), None))
            });
            if disagree {
                let show = |v: &[Option<Value>]| {
                    v.iter()
                        .map(|x| x.map_or("-".to_string(), |x| x.to_string()))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                differ.push(format!(
                    "{}: table {} / text {}",
                    if row.label.is_empty() {
                        "the row"
                    } else {
                        &row.label
                    },
                    show(&values),
                    show(&row.values)
                ));
            }
            // The text path's complaints about this row no longer apply.
            let label = row.label.clone();
            warnings.retain(|w| {
                !(w.topic == Topic::Table(id) && (label.is_empty() || w.contains(label.as_ref())))
            });
            row.values = values;
            row.status = status;
            uncertain.retain(|&u| u != (id, ri));
        }
        if complete {
            warnings.retain(|w| w.topic != Topic::Table(id));
        }
        if !differ.is_empty() {
            warnings.add(Topic::Grid(id), format!(
                "table {id}: the document's table and its text read differently; the table's figures are used ({})",
                differ.join("; ")
            ));
        }
    }
    tables.sort_by_key(|t| t.id);
}

fn empty_row(s: &RowSpec, n: usize) -> Row {
    Row {
        label: Text::Borrowed(s.label),
        group: s.group.map(Text::Borrowed),
        values: vec![None; n],
        status: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::grid::Builder;

    fn grid(rows: &[&[&str]]) -> Grid {
        let mut b = Builder::new();
        for r in rows {
            b.row();
            for c in *r {
                b.cell(c, 1, 1);
            }
        }
        b.finish(Some(2)).unwrap()
    }

    #[test]
    fn cells_are_told_apart() {
        assert_eq!(Cell::of(""), Cell::Empty);
        assert_eq!(Cell::of("不适用"), Cell::Na);
        assert_eq!(Cell::of("/"), Cell::Mark);
        assert_eq!(Cell::of("—"), Cell::Mark);
        assert!(matches!(Cell::of("22（其中修订16件）"), Cell::Num(_)));
        assert_eq!(Cell::of("1 2"), Cell::Many);
        assert_eq!(Cell::of("规章"), Cell::Text);
        assert_eq!(Cell::of("1.属于国家秘密"), Cell::Text);
    }

    #[test]
    fn section2_rows_by_label_with_blank_and_na() {
        let g = grid(&[
            &["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            &["规章", "0", "", "不适用"],
            &["行政规范性文件", "3", "1", "12"],
        ]);
        let mut tables = Vec::new();
        let mut w = Vec::new();
        apply(Template::T2021, &[g], &mut tables, &mut Vec::new(), &mut w);
        let t = tables.iter().find(|t| t.id == "2-1").unwrap();
        assert_eq!(t.page, Some(2));
        assert_eq!(t.rows[0].values, vec![Some(Value::Int(0)), None, None]);
        assert_eq!(
            t.rows[0].status,
            vec![CellStatus::Read, CellStatus::Blank, CellStatus::Na]
        );
        assert_eq!(
            t.rows[1].values,
            vec![
                Some(Value::Int(3)),
                Some(Value::Int(1)),
                Some(Value::Int(12))
            ]
        );
        // Nothing else was in the grids.
        assert!(tables.iter().all(|t| t.id == "2-1"), "{tables:?}");
    }

    #[test]
    fn the_grid_wins_over_the_text_with_a_warning() {
        let g = grid(&[&["行政许可", "550"]]);
        let mut tables = vec![Table {
            id: TableId::T2_5,
            title: "第二十条第（五）项".into(),
            columns: vec!["本年处理决定数量".into()],
            rows: vec![Row {
                label: "行政许可".into(),
                group: None,
                values: vec![Some(Value::Int(55))],
                status: Vec::new(),
            }],
            page: None,
        }];
        let mut w = vec![Warning::from(
            "table 2-5 row 行政许可: something the text path said".to_string(),
        )];
        apply(Template::T2021, &[g], &mut tables, &mut Vec::new(), &mut w);
        assert_eq!(tables[0].rows[0].values, vec![Some(Value::Int(550))]);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("read differently") && w[0].contains("table 550 / text 55"),
            "{w:?}"
        );
    }
}
