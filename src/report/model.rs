//! The report contract of FORMAT.md §6: what a parsed report is, independent of how it was read.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Which generation of the official template a report follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum Template {
    #[serde(rename = "2021")]
    T2021,
    #[serde(rename = "2019")]
    T2019,
    #[serde(rename = "free")]
    Free,
}

impl Template {
    pub fn as_str(self) -> &'static str {
        match self {
            Template::T2021 => "2021",
            Template::T2019 => "2019",
            Template::Free => "free",
        }
    }

    pub fn parse(s: &str) -> Option<Template> {
        match s.trim() {
            "2021" => Some(Template::T2021),
            "2019" => Some(Template::T2019),
            "free" => Some(Template::Free),
            _ => None,
        }
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One table cell's figure. Counts are integers; fees (万元) may be decimals.
/// Kept apart so that an integer is never printed as `3.0`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Int(i64),
    Dec(f64),
}

impl Value {
    pub fn as_f64(self) -> f64 {
        match self {
            Value::Int(i) => i as f64,
            Value::Dec(d) => d,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Dec(d) => write!(f, "{d}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The Chinese numeral of the heading: `一`, `二`, …
    pub number: String,
    pub title: String,
    pub text: String,
}

/// How a cell's figure was obtained (FORMAT.md §7). `0`, [`CellStatus::Blank`] and
/// [`CellStatus::Na`] are different answers and stay apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CellStatus {
    /// As written in the source.
    Read,
    /// Split from a run of digits by the template's arithmetic, or a label matched despite a slip.
    Inferred,
    /// Read from an image by OCR.
    Ocr,
    /// Empty, or a mark such as `/` `-` `—` `无`: no figure.
    Blank,
    /// `不适用`: not applicable.
    Na,
    /// Read, but its row breaks the arithmetic in a layout whose column order is uncertain.
    Doubtful,
}

impl CellStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CellStatus::Read => "read",
            CellStatus::Inferred => "inferred",
            CellStatus::Ocr => "ocr",
            CellStatus::Blank => "blank",
            CellStatus::Na => "na",
            CellStatus::Doubtful => "doubtful",
        }
    }
}

impl fmt::Display for CellStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub label: String,
    /// The heading a sub-row sits under in the template (`（三）不予公开`); display only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// One entry per column; `None` where the cell could not be read.
    pub values: Vec<Option<Value>>,
    /// One entry per column, beside `values`; empty where the reader did not record statuses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<CellStatus>,
}

/// Which standard table of the templates (FORMAT.md §3): written `2-1` … `4` in the JSON,
/// on the command line and on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TableId {
    #[serde(rename = "2-1")]
    T2_1,
    #[serde(rename = "2-5")]
    T2_5,
    #[serde(rename = "2-6")]
    T2_6,
    #[serde(rename = "2-8")]
    T2_8,
    #[serde(rename = "2-9")]
    T2_9,
    #[serde(rename = "3")]
    T3,
    #[serde(rename = "4")]
    T4,
}

impl TableId {
    pub const ALL: [TableId; 7] = [
        TableId::T2_1,
        TableId::T2_5,
        TableId::T2_6,
        TableId::T2_8,
        TableId::T2_9,
        TableId::T3,
        TableId::T4,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TableId::T2_1 => "2-1",
            TableId::T2_5 => "2-5",
            TableId::T2_6 => "2-6",
            TableId::T2_8 => "2-8",
            TableId::T2_9 => "2-9",
            TableId::T3 => "3",
            TableId::T4 => "4",
        }
    }

    /// `2-1`, `2-5`, …, `3`, `4`, also written `表3`; surrounding spaces are ignored.
    pub fn parse(s: &str) -> Option<TableId> {
        let s = s.trim().trim_start_matches('表');
        TableId::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for TableId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for TableId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TableId::parse(s).ok_or_else(|| {
            let all: Vec<&str> = TableId::ALL.iter().map(|t| t.as_str()).collect();
            format!("no table {s:?}; the tables are {}", all.join(", "))
        })
    }
}

impl PartialEq<str> for TableId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for TableId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub id: TableId,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    /// The page the table starts on, for a paged source (PDF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

impl Table {
    pub fn row(&self, label: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.label == label)
    }
}

/// One arithmetic rule of FORMAT.md §4 and its outcome on this report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub rule: String,
    /// `Some(true)` passed, `Some(false)` failed, `None` not assessable (a cell it needs is null).
    pub ok: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub right: Option<Value>,
    /// Whose a failed rule probably is: the report's own figures, or our reading of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blame: Option<Blame>,
    /// The cells the rule reads, for marking them in a grid; not part of the JSON contract.
    #[serde(skip)]
    pub cells: Vec<CellRef>,
}

/// Whose a failed rule probably is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Blame {
    /// Every cell the rule reads was read cleanly, in a layout whose column order is sure: the
    /// report's own figures do not add up.
    Report,
    /// A cell the rule reads was inferred (split from a run of digits, a label read despite a
    /// slip, OCR) or is doubtful (figures in an order that may not be the columns'): our
    /// reading may be what is wrong.
    Reading,
}

impl Blame {
    pub fn as_str(self) -> &'static str {
        match self {
            Blame::Report => "report",
            Blame::Reading => "reading",
        }
    }

    /// For people: whose the failure probably is.
    pub fn explain(self) -> &'static str {
        match self {
            Blame::Report => "the report's own figures (all read cleanly)",
            Blame::Reading => "probably our reading (inferred or doubtful cells)",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellRef {
    pub table: TableId,
    pub row: usize,
    pub col: usize,
}

/// Where a report came from (FORMAT.md §7); every field is optional, absent when unknown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// `txt`, `md`, `pdf`, `html`, `docx`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// Publication date as given by the page (`2024-01-20`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

impl Source {
    pub fn is_empty(&self) -> bool {
        *self == Source::default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub path: String,
    pub agency: Option<String>,
    pub year: Option<i32>,
    pub title: Option<String>,
    pub template: Template,
    #[serde(default, skip_serializing_if = "Source::is_empty")]
    pub source: Source,
    pub sections: Vec<Section>,
    pub tables: Vec<Table>,
    pub checks: Vec<Check>,
    pub warnings: Vec<String>,
    /// The whole text as read (decoded, markup removed), for search and display; not in the JSON.
    #[serde(skip)]
    pub text: String,
}

impl Report {
    pub fn table(&self, id: TableId) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }

    pub fn failed_checks(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.ok == Some(false))
    }
}
