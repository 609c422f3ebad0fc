//! Reading the standard tables (2-1 … 2-9, 3, 4) out of a report's text, and telling the
//! template from their shape.

use super::keyed::Keyed;
use super::model::{
    CellStatus, Row, Table, TableId, Template, Text, Topic, Value, Warning, Warnings,
};
use super::template::{self, RowSpec, TableSpec, T3_COLUMNS, T3_TITLE, T4_COLUMNS, T4_TITLE};
use super::tokens::{tokenize, Tok, Unit};

/// Rows whose figures were read in an order that may not be their columns' (a flattened page,
/// figures in reading order over several lines, labels and figures in separate blocks), as
/// `(table id, row index)`: a broken rule on such a row is as likely our reading as the report.
pub type Uncertain = Vec<(TableId, usize)>;

/// The template and the standard tables found in `text` (already cleaned).
pub fn read(
    text: &str,
    keyed: &Keyed,
    year: Option<i32>,
    cites: Option<Template>,
    flat: bool,
    warnings: &mut Vec<Warning>,
) -> (Template, Vec<Table>, Uncertain) {
    let mut unc = Uncertain::new();
    let Some(template) = template_of(keyed, year, cites, warnings) else {
        return (Template::Free, Vec::new(), unc);
    };
    let mut tables = Vec::new();

    let t3_start = keyed.find("本年新收", 0);
    let t3_head = t3_start.map(|(s, _)| {
        keyed
            .rfind("收到和处理政府信息公开申请情况", s)
            .map_or(s.saturating_sub(600), |(h, _)| h)
    });
    // Section 二's tables end where table 3's header begins.
    let s2_end = t3_head.unwrap_or(text.len());
    read_section2(
        text,
        keyed,
        template,
        s2_end,
        &mut tables,
        (flat, &mut unc),
        warnings,
    );

    let t3_end = match t3_start {
        Some((s, _)) => keyed
            .find("结转下年度", s)
            .and_then(|(_, e)| keyed.find("行政复议", e))
            .or_else(|| keyed.find("行政复议", s))
            .map_or(text.len(), |(s, _)| line_start(text, s)),
        None => text.len(),
    };
    match t3_head {
        Some(head) => {
            let region = slice(text, head, t3_end);
            tables.push(read_table3(template, region, (flat, &mut unc), warnings));
        }
        None => warnings.add(Topic::Table(TableId::T3),
            "table 3 (收到和处理政府信息公开申请情况) was not found: its first row 本年新收政府信息公开申请数量 is not in the text",
        ),
    }

    let t4_from = if t3_head.is_some() { t3_end } else { 0 };
    match keyed.find("行政复议", t4_from) {
        Some((s, _)) => {
            let start = line_start(text, s);
            let end = section_five(text, start).unwrap_or(text.len());
            tables.push(read_table4(
                slice(text, start, end),
                (flat, &mut unc),
                warnings,
            ));
        }
        None => warnings.add(Topic::Table(TableId::T4),
            "table 4 (政府信息公开行政复议、行政诉讼情况) was not found: no 行政复议 heading after table 3",
        ),
    }
    (template, tables, unc)
}

fn slice(text: &str, start: usize, end: usize) -> &str {
    text.get(start..end.max(start)).unwrap_or("")
}

fn line_start(text: &str, at: usize) -> usize {
    text.get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// The line of heading 五 after `from`, which ends table 4.
fn section_five(text: &str, from: usize) -> Option<usize> {
    let mut off = from;
    for (i, line) in text.get(from..)?.split_inclusive('\n').enumerate() {
        let l = line.trim_start();
        if i > 0 && (l.starts_with("五、") || l.starts_with("五.") || l.starts_with("五．")) {
            return Some(off);
        }
        off += line.len();
    }
    None
}

/// Tells the template: the shape of the tables first (their columns and rows are what the
/// figures mean), then the format notice the report cites, then the year. `None`: no
/// standard tables, a free-form report.
fn template_of(
    k: &Keyed,
    year: Option<i32>,
    cites: Option<Template>,
    warnings: &mut Vec<Warning>,
) -> Option<Template> {
    let has_t3 = k.contains("本年新收") && (k.contains("予以公开") || k.contains("结转下年度"));
    let has_s2 = k.contains("第二十条第");
    if !has_t3 && !has_s2 {
        return None;
    }
    let marks_2021 = [
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "本年收费金额",
        "逾期不补正",
        "缴纳费用",
    ];
    let marks_2019 = [
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "上一年项目数量",
        "本年增减",
        "采购总金额",
    ];
    let score = |marks: &[&str]| marks.iter().filter(|m| k.contains(m)).count();
    let (s21, mut s19) = (score(&marks_2021), score(&marks_2019));
    // Table 3's shape: in 2019 （六）其他处理 is one row of figures; in 2021 it heads three
    // sub-rows (逾期不补正, 缴纳费用, 其他). A single row outweighs any notice the text cites.
    if has_t3 && k.contains("其他处理") && s21 == 0 {
        s19 += 1;
    }
    if s21 > s19 {
        return Some(Template::T2021);
    }
    if s19 > s21 {
        return Some(Template::T2019);
    }
    if let Some(t) = cites {
        return Some(t);
    }
    match year {
        Some(y) if y <= 2020 => Some(Template::T2019),
        Some(_) => Some(Template::T2021),
        None => {
            warnings.add(Topic::Template, "template: the tables' columns, the format notice and the year are all missing; read as the 2021 template");
            Some(Template::T2021)
        }
    }
}

/// Anchor of a section-二 table: `第二十条第（一）项` without the brackets, as [`Keyed`] keys it.
fn anchor_of(id: TableId) -> &'static str {
    match id {
        TableId::T2_1 => "第二十条第一项",
        TableId::T2_5 => "第二十条第五项",
        TableId::T2_6 => "第二十条第六项",
        TableId::T2_8 => "第二十条第八项",
        _ => "第二十条第九项",
    }
}

/// Whether the text was a flattened page, and where uncertain rows are recorded.
type Order<'a> = (bool, &'a mut Uncertain);

fn read_section2(
    text: &str,
    keyed: &Keyed,
    template: Template,
    end: usize,
    tables: &mut Vec<Table>,
    (flat, unc): Order,
    warnings: &mut Vec<Warning>,
) {
    let specs = template::section2_tables(template);
    let full: Vec<Option<(usize, usize)>> = specs
        .iter()
        .map(|s| keyed.find(anchor_of(s.id), 0).filter(|&(a, _)| a < end))
        .collect();
    // Some reports write 第二十条 only once: `第（五）项` alone then anchors its table, looked
    // for only inside section 二's tables so that prose elsewhere cannot match.
    let s2_start = full.iter().flatten().map(|&(s, _)| s).min();
    let anchors: Vec<Option<(usize, usize)>> = specs
        .iter()
        .zip(&full)
        .map(|(spec, f)| {
            f.or_else(|| {
                let from = s2_start?;
                let short = anchor_of(spec.id).trim_start_matches("第二十条");
                keyed.find(short, from).filter(|&(a, _)| a < end)
            })
        })
        .collect();
    for (i, spec) in specs.iter().enumerate() {
        let Some((_, a_end)) = anchors[i] else {
            warnings.add(
                Topic::Table(spec.id),
                format!(
                    "table {} ({}) was not found in section 二",
                    spec.id, spec.title
                ),
            );
            continue;
        };
        let next = anchors[i + 1..]
            .iter()
            .flatten()
            .map(|&(s, _)| s)
            .find(|&s| s > a_end)
            .unwrap_or(end)
            .min(end);
        let region = slice(text, a_end, next);
        tables.push(read_rows_table(spec, region, (flat, &mut *unc), warnings));
    }
}

fn read_rows_table(
    spec: &TableSpec,
    region: &str,
    (flat, unc): Order,
    warnings: &mut Vec<Warning>,
) -> Table {
    let toks = tokenize(region);
    let mut uncertain = Vec::new();
    let rows = read_rows(
        spec.id,
        spec.rows,
        spec.columns.len(),
        spec.decimals,
        (&toks, flat),
        None,
        &mut uncertain,
        warnings,
    );
    unc.extend(uncertain.into_iter().map(|r| (spec.id, r)));
    Table {
        id: spec.id,
        title: Text::Borrowed(spec.title),
        columns: spec.columns.iter().map(|&c| Text::Borrowed(c)).collect(),
        rows,
        page: None,
    }
}

fn read_table3(
    template: Template,
    region: &str,
    (flat, unc): Order,
    warnings: &mut Vec<Warning>,
) -> Table {
    let specs = template::table3_rows(template);
    let toks = tokenize(region);
    // An eighth column (小计 of the 法人或其他组织 columns) is read and dropped.
    let head_end = Keyed::new(region).find("本年新收", 0).map_or(0, |(s, _)| s);
    let subtotal = region[..head_end].contains("小计");
    let mut uncertain = Vec::new();
    let rows = read_rows(
        TableId::T3,
        &specs,
        T3_COLUMNS.len(),
        false,
        (&toks, flat),
        Some(subtotal),
        &mut uncertain,
        warnings,
    );
    unc.extend(uncertain.into_iter().map(|r| (TableId::T3, r)));
    Table {
        id: TableId::T3,
        title: T3_TITLE.into(),
        columns: T3_COLUMNS.iter().map(|&c| Text::Borrowed(c)).collect(),
        rows,
        page: None,
    }
}

fn read_table4(region: &str, (flat, unc): Order, warnings: &mut Vec<Warning>) -> Table {
    let toks = tokenize(region);
    let n = T4_COLUMNS.len();
    let indexed: Vec<(usize, &Tok)> = toks.iter().enumerate().collect();
    let cells: Vec<(usize, &Tok)> = indexed.iter().copied().filter(|t| t.1.is_cell()).collect();
    let chosen: Vec<(usize, &Tok)> = if cells.len() > n {
        // More figures than cells: take the one run of exactly 15 that no text interrupts.
        let runs: Vec<Vec<(usize, &Tok)>> = indexed
            .split(|t| !t.1.is_cell())
            .filter(|r| r.len() == n)
            .map(|r| r.to_vec())
            .collect();
        if runs.len() == 1 {
            runs.into_iter().next().unwrap_or_default()
        } else {
            warnings.add(Topic::Table(TableId::T4), format!(
                "table 4: found {} figures where 15 were expected and could not tell which are the table's; its cells are left empty",
                cells.len()
            ));
            Vec::new()
        }
    } else {
        cells
    };
    let (values, status) = if chosen.is_empty() {
        if !toks.iter().any(Tok::is_cell) {
            warnings.add(Topic::Table(TableId::T4), "table 4: no figures found under the 行政复议/行政诉讼 headers; its cells are left empty");
        }
        (vec![None; n], vec![CellStatus::Doubtful; n])
    } else {
        if flat {
            unc.push((TableId::T4, 0));
        }
        let cells: Vec<&Tok> = chosen.iter().map(|&(_, t)| t).collect();
        cells_to_values(
            TableId::T4,
            "",
            &cells,
            (n, n),
            false,
            &table4_rule,
            warnings,
        )
    };
    Table {
        id: TableId::T4,
        title: T4_TITLE.into(),
        columns: T4_COLUMNS.iter().map(|&c| Text::Borrowed(c)).collect(),
        rows: vec![Row {
            label: Text::Borrowed(""),
            group: None,
            values,
            status,
        }],
        page: None,
    }
}

/// The arithmetic a row's figures must satisfy, used to split figures written together.
type RowRule = dyn Fn(&[i64]) -> bool;

fn table4_rule(v: &[i64]) -> bool {
    v.chunks(5)
        .all(|g| g.len() == 5 && g[4] == g[..4].iter().sum::<i64>())
}

fn table3_row_rule(v: &[i64]) -> bool {
    v.len() == 7 && v[6] == v[..6].iter().sum::<i64>()
}

fn table3_row_rule_subtotal(v: &[i64]) -> bool {
    v.len() == 8 && v[6] == v[1..6].iter().sum::<i64>() && v[7] == v[0] + v[6]
}

fn no_rule(_: &[i64]) -> bool {
    true
}

/// Finds each row's label in order and reads the figures between it and the next label.
/// `subtotal`: `Some(true)` when table 3 has an eighth (小计) column to drop.
/// Where `key` stands in `window` with exactly one character different, if it stands there
/// once and only once (as byte offsets in `window`). A key of three or four characters is too
/// short to tell a slip from another word, unless it is all the text the window holds (a row
/// of table 2: `行政许可` between two rows of figures). `#` (a figure) never stands for a
/// character.
fn one_slip_match(window: &str, key: &str) -> Option<(usize, usize)> {
    let key: Vec<char> = key.chars().collect();
    let chars: Vec<(usize, char)> = window.char_indices().collect();
    let text = chars.iter().filter(|&&(_, c)| c != '#').count();
    if key.len() < 3 || key.len() < 5 && text > key.len() + 2 {
        return None;
    }
    let mut hit = None;
    for start in 0..chars.len().saturating_sub(key.len() - 1) {
        let cand = &chars[start..start + key.len()];
        if cand.iter().any(|&(_, c)| c == '#') {
            continue;
        }
        let diff = cand.iter().zip(&key).filter(|((_, a), b)| a != *b).count();
        if diff == 1 {
            if hit.is_some() {
                return None;
            }
            let end = chars
                .get(start + key.len())
                .map_or(window.len(), |&(b, _)| b);
            hit = Some((cand[0].0, end));
        }
    }
    hit
}

/// `uncertain` receives the rows whose figures' column order is not sure (see [`Uncertain`]).
#[allow(clippy::too_many_arguments)]
fn read_rows(
    id: TableId,
    specs: &[RowSpec],
    ncols: usize,
    decimals: bool,
    (toks, flat): (&[Tok], bool),
    subtotal: Option<bool>,
    uncertain: &mut Vec<usize>,
    warnings: &mut Vec<Warning>,
) -> Vec<Row> {
    // The labels' text, keyed, with a '#' for each cell so that no label matches across a figure.
    let mut hay = String::new();
    let mut owner: Vec<(usize, usize)> = Vec::new(); // (byte in hay, token index)
    for (ti, t) in toks.iter().enumerate() {
        match t {
            Tok::Text(s) | Tok::Blank(s) if !t.is_cell() || t.is_word_mark() => {
                for c in super::normalize::key(s).chars() {
                    owner.push((hay.len(), ti));
                    hay.push(c);
                }
            }
            _ => {
                owner.push((hay.len(), ti));
                hay.push('#');
            }
        }
    }
    let tok_at = |byte: usize| -> usize {
        let i = owner.partition_point(|&(b, _)| b < byte);
        owner.get(i).map_or(toks.len(), |&(_, t)| t)
    };
    // Labels as byte ranges of `hay`, found in template order.
    let mut found: Vec<Option<(usize, usize)>> = Vec::with_capacity(specs.len());
    let mut cursor = 0usize;
    for spec in specs {
        let at = spec.keys.iter().find_map(|k| {
            let kk = super::normalize::key(k);
            hay.get(cursor..)?
                .find(&kk)
                .map(|p| (cursor + p, cursor + p + kk.len()))
        });
        if let Some((_, e)) = at {
            cursor = e;
        }
        found.push(at);
    }
    // A label no key finds may carry an OCR slip (行政法复议, 申淸): between the labels found
    // on either side, the row's full wording with one character different is taken for it.
    let mut slipped = vec![false; specs.len()];
    for i in 0..specs.len() {
        if found[i].is_some() {
            continue;
        }
        let lo = found[..i].iter().flatten().last().map_or(0, |&(_, e)| e);
        let hi = found[i + 1..]
            .iter()
            .flatten()
            .next()
            .map_or(hay.len(), |&(s, _)| s);
        let mut keys: Vec<String> = specs[i]
            .keys
            .iter()
            .chain([&specs[i].label])
            .map(|k| super::normalize::key(k))
            .collect();
        keys.sort_by_key(|k| std::cmp::Reverse(k.chars().count()));
        let window = hay.get(lo..hi).unwrap_or("");
        if let Some(at) = keys.iter().find_map(|k| one_slip_match(window, k)) {
            found[i] = Some((lo + at.0, lo + at.1));
            slipped[i] = true;
            warnings.add(
                Topic::Table(id),
                format!(
                    "table {id}: row {} found with one character misread",
                    specs[i].label
                ),
            );
        }
    }
    // Label spans as token ranges [first, last].
    let spans: Vec<Option<(usize, usize)>> = found
        .iter()
        .map(|f| {
            let (s, e) = (*f)?;
            // The token holding the label's last character.
            let last = owner.partition_point(|&(b, _)| b < e).saturating_sub(1);
            Some((tok_at(s), owner.get(last).map_or(toks.len(), |&(_, t)| t)))
        })
        .collect();

    let (source_cols, rule): (usize, &RowRule) = match subtotal {
        Some(true) => (ncols + 1, &table3_row_rule_subtotal),
        Some(false) => (ncols, &table3_row_rule),
        None => (ncols, &no_rule),
    };

    let mut rows: Vec<Row> = specs
        .iter()
        .map(|s| Row {
            label: Text::Borrowed(s.label),
            group: s.group.map(Text::Borrowed),
            values: vec![None; ncols],
            // Until a row's figures are read, its cells are unread.
            status: vec![CellStatus::Doubtful; ncols],
        })
        .collect();
    // The figures that belong to each row: normally those after its label, up to the next
    // (as token indices).
    let cells_between = |from: usize, to: usize| -> Vec<usize> {
        (from..to.max(from).min(toks.len()))
            .filter(|&i| toks[i].is_cell())
            .collect()
    };
    let mut segments: Vec<Option<Vec<usize>>> = (0..specs.len())
        .map(|i| {
            let (_, last) = spans[i]?;
            let next_start = spans[i + 1..]
                .iter()
                .flatten()
                .map(|&(f, _)| f)
                .next()
                .unwrap_or(toks.len());
            Some(trim_word_marks(
                toks,
                cells_between(last + 1, next_start),
                source_cols,
            ))
        })
        .collect();
    let mut shifted = false;
    // Some converters put each row's figures before its label. Told by the shape: every label
    // found, a full row of figures just before the first label and none after the last.
    if spans.iter().all(Option::is_some) && specs.len() > 1 {
        let first = spans[0].map_or(0, |(f, _)| f);
        let lead_from = toks[..first]
            .iter()
            .rposition(|t| !t.is_cell())
            .map_or(0, |p| p + 1);
        let lead = cells_between(lead_from, first);
        let tail_empty = segments
            .last()
            .is_some_and(|s| s.as_ref().is_some_and(Vec::is_empty));
        if lead.len() == source_cols && tail_empty {
            let mut moved = vec![Some(lead)];
            moved.extend(segments.iter().take(specs.len() - 1).cloned());
            segments = moved;
            shifted = true;
        }
    }

    // Rows whose label stood with no figures after it, waiting for a block of figures.
    let mut pending: Vec<usize> = Vec::new();
    for i in 0..specs.len() {
        let Some(cells) = segments[i].take() else {
            warnings.add(
                Topic::Table(id),
                format!(
                    "table {id}: row {} was not found; its cells are left empty",
                    specs[i].label
                ),
            );
            continue;
        };
        if cells.is_empty() {
            pending.push(i);
            continue;
        }
        // Labels in one block and their figures in another: the block after the last label
        // holds every waiting row's figures, in order.
        if !pending.is_empty() && cells.len() == source_cols * (pending.len() + 1) {
            pending.push(i);
            for (chunk, &r) in cells.chunks(source_cols).zip(&pending) {
                let chunk: Vec<&Tok> = chunk.iter().map(|&t| &toks[t]).collect();
                (rows[r].values, rows[r].status) = cells_to_values(
                    id,
                    specs[r].label,
                    &chunk,
                    (ncols, source_cols),
                    decimals,
                    rule,
                    warnings,
                );
                // Figures in a block of their own: their order is the converter's.
                uncertain.push(r);
            }
            pending.clear();
            continue;
        }
        for &r in &pending {
            warnings.add(
                Topic::Table(id),
                format!(
                    "table {id}: row {} has no figures; its cells are left empty",
                    specs[r].label
                ),
            );
        }
        pending.clear();
        // Figures over several lines in reading order (a last one alone on a line) keep their
        // columns' order; a flattened page or figures printed before their labels may not.
        if flat || shifted {
            uncertain.push(i);
        }
        let cells: Vec<&Tok> = cells.iter().map(|&t| &toks[t]).collect();
        (rows[i].values, rows[i].status) = cells_to_values(
            id,
            specs[i].label,
            &cells,
            (ncols, source_cols),
            decimals,
            rule,
            warnings,
        );
    }
    // A row found by its label's wording with a slip: its figures are ours to doubt.
    for (row, _) in rows.iter_mut().zip(&slipped).filter(|(_, &s)| s) {
        for st in &mut row.status {
            if *st == CellStatus::Read {
                *st = CellStatus::Inferred;
            }
        }
    }
    for &r in &pending {
        warnings.add(
            Topic::Table(id),
            format!(
                "table {id}: row {} has no figures; its cells are left empty",
                specs[r].label
            ),
        );
    }
    rows
}

/// Turns a row's cell tokens into `ncols` values and their statuses. Figures written together
/// (`640020470`) are split only where the row's arithmetic leaves exactly one reading.
fn cells_to_values(
    id: TableId,
    label: &str,
    cells: &[&Tok],
    (ncols, source_cols): (usize, usize),
    decimals: bool,
    rule: &RowRule,
    warnings: &mut Vec<Warning>,
) -> (Vec<Option<Value>>, Vec<CellStatus>) {
    let row_name = if label.is_empty() {
        String::new()
    } else {
        format!(" row {label}")
    };
    let runs = cells
        .iter()
        .any(|t| matches!(t, Tok::Num { raw, .. } if raw.len() > 1 && raw.starts_with('0')));
    let unread = vec![CellStatus::Doubtful; source_cols];
    let (values, status): (Vec<Option<Value>>, Vec<CellStatus>) = if cells.len() == source_cols
        && !runs
    {
        let mut vs = Vec::with_capacity(source_cols);
        let mut st = Vec::with_capacity(source_cols);
        for t in cells {
            match value_of(t, decimals) {
                Ok(v) => {
                    vs.push(v);
                    st.push(status_of(t));
                }
                Err(why) => {
                    warnings.add(
                        Topic::Table(id),
                        format!("table {id}{row_name}: {why}; the cell is left empty"),
                    );
                    vs.push(None);
                    st.push(CellStatus::Doubtful);
                }
            }
        }
        (vs, st)
    } else if cells.len() < source_cols || runs {
        match split_runs(cells, source_cols, rule) {
            Split::One(vs, inferred) => {
                let raw: Vec<String> = cells.iter().map(|t| raw_of(t)).collect();
                let read: Vec<String> = vs
                    .iter()
                    .map(|v| v.map_or("-".into(), |x| x.to_string()))
                    .collect();
                warnings.add(Topic::Table(id), format!(
                    "table {id}{row_name}: figures written together ({}) were split as {} — the only reading the row's arithmetic allows; check against the source",
                    raw.join(" "),
                    read.join(" ")
                ));
                let st = inferred
                    .iter()
                    .map(|&i| {
                        if i {
                            CellStatus::Inferred
                        } else {
                            CellStatus::Read
                        }
                    })
                    .collect();
                (vs.into_iter().map(|v| v.map(Value::Int)).collect(), st)
            }
            Split::None | Split::Many => {
                warnings.add(Topic::Table(id), format!(
                    "table {id}{row_name}: found {} figures ({}) for {} columns and could not tell which cell each belongs to; the row is left empty",
                    cells.len(),
                    cells.iter().map(|t| raw_of(t)).collect::<Vec<_>>().join(" "),
                    source_cols
                ));
                (vec![None; source_cols], unread)
            }
        }
    } else {
        warnings.add(
            Topic::Table(id),
            format!(
                "table {id}{row_name}: found {} figures ({}) for {} columns; the row is left empty",
                cells.len(),
                cells
                    .iter()
                    .map(|t| raw_of(t))
                    .collect::<Vec<_>>()
                    .join(" "),
                source_cols
            ),
        );
        (vec![None; source_cols], unread)
    };
    if source_cols == ncols + 1 {
        // Drop the 小计 column (the seventh of eight).
        let keep = |i: &usize| *i != ncols - 1;
        (
            values
                .into_iter()
                .enumerate()
                .filter(|(i, _)| keep(i))
                .map(|(_, v)| v)
                .collect(),
            status
                .into_iter()
                .enumerate()
                .filter(|(i, _)| keep(i))
                .map(|(_, v)| v)
                .collect(),
        )
    } else {
        (values, status)
    }
}

/// The status of a cell read from one token: a figure as written, `不适用`, or a blank mark.
fn status_of(t: &Tok) -> CellStatus {
    match t {
        Tok::Num { .. } => CellStatus::Read,
        Tok::Blank(m) if m == "不适用" => CellStatus::Na,
        _ => CellStatus::Blank,
    }
}

/// A Chinese mark at the edge of a row's figures when there are too many is a piece of the
/// next or previous label broken by a space (`无 法提供`), not a cell.
fn trim_word_marks(toks: &[Tok], mut cells: Vec<usize>, n: usize) -> Vec<usize> {
    while cells.len() > n && cells.last().is_some_and(|&t| toks[t].is_word_mark()) {
        cells.pop();
    }
    while cells.len() > n && cells.first().is_some_and(|&t| toks[t].is_word_mark()) {
        cells.remove(0);
    }
    cells
}

fn raw_of(t: &Tok) -> String {
    match t {
        Tok::Num { raw, .. } => raw.clone(),
        Tok::Blank(m) => m.clone(),
        Tok::Text(s) => s.clone(),
    }
}

pub(super) fn value_of(t: &Tok, decimals: bool) -> Result<Option<Value>, String> {
    let Tok::Num { raw, unit } = t else {
        return Ok(None);
    };
    let clean: String = raw.chars().filter(|&c| c != ',' && c != '+').collect();
    let scale = |x: f64| if *unit == Unit::Yuan { x / 10000.0 } else { x };
    if clean.contains('.') || (*unit == Unit::Yuan && decimals) {
        if !decimals {
            return Err(format!(
                "\"{raw}\" is not a whole number in a column of counts"
            ));
        }
        let x: f64 = clean
            .parse()
            .map_err(|_| format!("\"{raw}\" is not a number"))?;
        let x = scale(x);
        return Ok(Some(if x.fract() == 0.0 && x.abs() < 1e15 {
            Value::Int(x as i64)
        } else {
            Value::Dec(x)
        }));
    }
    clean
        .parse::<i64>()
        .map(|i| Some(Value::Int(i)))
        .map_err(|_| format!("\"{raw}\" is not a number"))
}

enum Split {
    None,
    /// The figures, and for each whether it was cut out of a longer run of digits.
    One(Vec<Option<i64>>, Vec<bool>),
    Many,
}

/// Every way to cut the cell tokens' digits into `n` figures (no leading zeros) that satisfies
/// `rule`; `One` only when exactly one exists. Blank marks are one empty cell each; a row with
/// a blank or a decimal is never split.
fn split_runs(cells: &[&Tok], n: usize, rule: &RowRule) -> Split {
    let mut digit_runs: Vec<&str> = Vec::new();
    for t in cells {
        match t {
            Tok::Num { raw, .. } if raw.bytes().all(|b| b.is_ascii_digit()) => digit_runs.push(raw),
            _ => return Split::None,
        }
    }
    let total_digits: usize = digit_runs.iter().map(|r| r.len()).sum();
    if total_digits < n || digit_runs.len() > n {
        return Split::None;
    }
    let mut search = SplitSearch {
        n,
        rule,
        found: None,
        count: 0,
        budget: 200_000,
        cur: Vec::with_capacity(n),
        owner: Vec::with_capacity(n),
        runs: digit_runs.len(),
    };
    search.walk(&digit_runs, 0);
    let (count, found, budget) = (search.count, search.found, search.budget);
    match (count, found) {
        (1, Some((v, owner))) if budget > 0 => {
            let cut = owner
                .iter()
                .map(|o| owner.iter().filter(|x| *x == o).count() > 1)
                .collect();
            Split::One(v.into_iter().map(Some).collect(), cut)
        }
        (0, _) => Split::None,
        _ => Split::Many,
    }
}

struct SplitSearch<'a> {
    n: usize,
    rule: &'a RowRule,
    found: Option<(Vec<i64>, Vec<usize>)>,
    count: usize,
    /// Steps left; a search that runs out is ambiguous, never a guess.
    budget: usize,
    cur: Vec<i64>,
    /// For each figure of `cur`, the run of digits it was cut from.
    owner: Vec<usize>,
    runs: usize,
}

impl SplitSearch<'_> {
    fn walk(&mut self, runs: &[&str], pos: usize) {
        if self.count > 1 || self.budget == 0 {
            return;
        }
        self.budget -= 1;
        let Some(run) = runs.first() else {
            if self.cur.len() == self.n && (self.rule)(&self.cur) {
                self.count += 1;
                self.found = Some((self.cur.clone(), self.owner.clone()));
            }
            return;
        };
        if pos == run.len() {
            self.walk(&runs[1..], 0);
            return;
        }
        let later_runs = runs.len() - 1; // each later run gives at least one figure
        let later_digits: usize = runs[1..].iter().map(|r| r.len()).sum();
        let max_len = if run.as_bytes()[pos] == b'0' {
            1
        } else {
            (run.len() - pos).min(9)
        };
        for len in 1..=max_len {
            if self.cur.len() + 1 > self.n {
                break;
            }
            let slots_left = self.n - self.cur.len() - 1;
            let digits_left = run.len() - pos - len + later_digits;
            if digits_left < slots_left || slots_left < later_runs {
                continue;
            }
            let Ok(v) = run[pos..pos + len].parse::<i64>() else {
                continue;
            };
            self.cur.push(v);
            self.owner.push(self.runs - runs.len());
            self.walk(runs, pos + len);
            self.cur.pop();
            self.owner.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_slip_is_found_once_and_only_in_text() {
        // Byte offsets: each character is 3 bytes.
        assert_eq!(
            one_slip_match("##属于国家秘蜜##", "属于国家秘密"),
            Some((2, 20))
        );
        assert_eq!(
            one_slip_match("##属于国家秘密##", "属于国家机关"),
            None,
            "two slips"
        );
        assert_eq!(
            one_slip_match("属于国家秘#", "属于国家秘密"),
            None,
            "a figure is no letter"
        );
        assert_eq!(
            one_slip_match("属于国家秘蜜属于国家秘米", "属于国家秘密"),
            None,
            "two readings"
        );
        // A short key only when it is all the text there is.
        assert_eq!(one_slip_match("#行政许叮#", "行政许可"), Some((1, 13)));
        assert_eq!(one_slip_match("#行政许叮及其他事项#", "行政许可"), None);
    }

    fn ints(v: &[Option<Value>]) -> Vec<Option<i64>> {
        v.iter()
            .map(|x| {
                x.map(|x| match x {
                    Value::Int(i) => i,
                    Value::Dec(d) => d as i64,
                })
            })
            .collect()
    }

    #[test]
    fn run_split_only_when_unique() {
        let t = tokenize("640020470");
        let cells: Vec<&Tok> = t.iter().collect();
        let mut w = Vec::new();
        let (v, st) = cells_to_values(
            TableId::T3,
            "x",
            &cells,
            (7, 7),
            false,
            &table3_row_rule,
            &mut w,
        );
        assert_eq!(st, vec![CellStatus::Inferred; 7]);
        assert_eq!(
            ints(&v),
            vec![
                Some(64),
                Some(0),
                Some(0),
                Some(2),
                Some(0),
                Some(4),
                Some(70)
            ]
        );
        assert_eq!(w.len(), 1, "{w:?}");
        // "1111" for 3 count columns without arithmetic: 1|1|11, 1|11|1, 11|1|1: ambiguous.
        let t = tokenize("1111");
        let cells: Vec<&Tok> = t.iter().collect();
        let (v, st) = cells_to_values(
            TableId::T2_1,
            "规章",
            &cells,
            (3, 3),
            false,
            &no_rule,
            &mut w,
        );
        assert_eq!(v, vec![None, None, None]);
        assert_eq!(st, vec![CellStatus::Doubtful; 3], "not read, not blank");
        // Only the figures cut out of a longer run are inferred; `64` stood alone.
        let t = tokenize("64 0020470");
        let cells: Vec<&Tok> = t.iter().collect();
        let (v, st) = cells_to_values(
            TableId::T3,
            "x",
            &cells,
            (7, 7),
            false,
            &table3_row_rule,
            &mut w,
        );
        assert_eq!(ints(&v)[0], Some(64));
        assert_eq!(st[0], CellStatus::Read);
        assert!(st[1..].iter().all(|s| *s == CellStatus::Inferred));
    }

    #[test]
    fn all_zero_run_is_forced() {
        let t = tokenize("000000000000000");
        let cells: Vec<&Tok> = t.iter().collect();
        let mut w = Vec::new();
        let (v, _) = cells_to_values(
            TableId::T4,
            "",
            &cells,
            (15, 15),
            false,
            &table4_rule,
            &mut w,
        );
        assert_eq!(ints(&v), vec![Some(0); 15]);
    }
}
