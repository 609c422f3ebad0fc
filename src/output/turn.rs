//! Tables with many columns and one row (table 4's fifteen) turned on their side for reading.

use crate::report::{CellStatus, Row, Table, Text};

/// Whether `t` reads better turned: a row or two under many columns. Table 4's fifteen
/// two-level headers (`行政诉讼 复议后起诉 结果维持`) cannot be read across any terminal.
pub fn wants_turning(t: &Table) -> bool {
    !t.rows.is_empty() && t.rows.len() <= 2 && t.columns.len() > 8
}

/// `t` with rows and columns swapped. A column's header `A B C` becomes the row `C` under the
/// group `A · B`, so the first levels of a two-level header head their rows as table 3's
/// groups do. Cell (r, c) of `t` is cell (c, r) of the result.
pub fn turned(t: &Table) -> Table {
    let columns = t
        .rows
        .iter()
        .map(|r| {
            let label = match &r.group {
                Some(g) => format!("{g} {}", r.label),
                None => r.label.to_string(),
            };
            if label.trim().is_empty() {
                Text::Borrowed("数量")
            } else {
                Text::Owned(label)
            }
        })
        .collect();
    let rows = t
        .columns
        .iter()
        .enumerate()
        .map(|(c, head)| {
            let words: Vec<&str> = head.split_whitespace().collect();
            let (group, label) = match words.split_last() {
                Some((last, rest)) if !rest.is_empty() => {
                    (Some(rest.join(" · ")), last.to_string())
                }
                _ => (None, head.to_string()),
            };
            let any_status = t.rows.iter().any(|r| !r.status.is_empty());
            Row {
                label: label.into(),
                group: group.map(Text::Owned),
                values: t
                    .rows
                    .iter()
                    .map(|r| r.values.get(c).copied().flatten())
                    .collect(),
                status: if any_status {
                    t.rows
                        .iter()
                        .map(|r| r.status.get(c).copied().unwrap_or(CellStatus::Read))
                        .collect()
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    Table {
        id: t.id,
        title: t.title.clone(),
        columns,
        rows,
        page: t.page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Value;

    #[test]
    fn table_4_turns_into_fifteen_grouped_rows() {
        let heads = [
            "行政复议 结果维持",
            "行政复议 总计",
            "行政诉讼 未经复议直接起诉 结果纠正",
            "行政诉讼 复议后起诉 总计",
            "a",
            "b",
            "c",
            "d",
            "e",
        ];
        let t = Table {
            id: crate::report::TableId::T4,
            title: "政府信息公开行政复议、行政诉讼情况".into(),
            columns: heads.iter().map(|&s| s.into()).collect(),
            rows: vec![Row {
                label: "".into(),
                group: None,
                values: (0..9).map(|i| Some(Value::Int(i))).collect(),
                status: Vec::new(),
            }],
            page: None,
        };
        assert!(wants_turning(&t));
        let u = turned(&t);
        assert_eq!(u.columns, vec!["数量"]);
        assert_eq!(u.rows.len(), 9);
        assert_eq!(u.rows[2].label, "结果纠正");
        assert_eq!(
            u.rows[2].group.as_deref(),
            Some("行政诉讼 · 未经复议直接起诉")
        );
        assert_eq!(u.rows[2].values, vec![Some(Value::Int(2))]);
        assert_eq!(u.rows[4].group, None);
    }
}
