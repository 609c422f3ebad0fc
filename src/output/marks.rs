//! The marks a cell carries on screen (`!`, `~`, `?`) and what an empty cell shows (`—`,
//! `n/a`, `·`), with the legend that explains them: shared by `show` and the browser.

use crate::report::{CellStatus, Value};

/// The mark before a figure for how it was obtained: `~` inferred (or read by OCR), `?`
/// doubtful; nothing for a figure read as written.
pub fn status_mark(status: Option<CellStatus>) -> &'static str {
    match status {
        Some(CellStatus::Inferred | CellStatus::Ocr) => "~",
        Some(CellStatus::Doubtful) => "?",
        _ => "",
    }
}

/// A cell as shown: the figure with its marks (`!` when a rule that reads it fails), or for
/// an empty cell `—` (the report gives no figure), `n/a` (不适用) or `·` (not read).
pub fn shown(value: Option<Value>, status: Option<CellStatus>, failed: bool) -> String {
    let body = match value {
        Some(v) => format!("{}{v}", status_mark(status)),
        None => match status {
            Some(CellStatus::Blank) => "—".to_string(),
            Some(CellStatus::Na) => "n/a".to_string(),
            _ => "·".to_string(),
        },
    };
    if failed {
        format!("!{body}")
    } else {
        body
    }
}

/// Every mark [`shown`] can put in a cell, and what it means.
pub const LEGEND: &[(&str, &str)] = &[
    ("!", "a rule of the template that reads it fails"),
    ("~", "inferred: split from digits run together, or slip"),
    ("?", "doubtful: breaks a rule, column order uncertain"),
    ("—", "no figure in the report (empty, / - — 无)"),
    ("n/a", "不适用 (not applicable)"),
    ("·", "not read: could not be told from the text"),
];

/// The legend on one line per mark, indented.
pub fn legend_lines(indent: &str) -> String {
    LEGEND
        .iter()
        .map(|(m, what)| format!("{indent}{m:<4}{what}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_blank_na_and_unread_look_different() {
        let v = Some(Value::Int(0));
        let shown_as = [
            shown(v, Some(CellStatus::Read), false),
            shown(None, Some(CellStatus::Blank), false),
            shown(None, Some(CellStatus::Na), false),
            shown(None, Some(CellStatus::Doubtful), false),
            shown(v, Some(CellStatus::Inferred), false),
            shown(v, Some(CellStatus::Doubtful), true),
        ];
        assert_eq!(shown_as, ["0", "—", "n/a", "·", "~0", "!?0"]);
        // Every mark used is explained.
        for m in ["!", "~", "?", "—", "n/a", "·"] {
            assert!(LEGEND.iter().any(|(l, _)| *l == m), "{m}");
        }
    }
}
