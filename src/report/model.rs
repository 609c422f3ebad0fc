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

/// A label of a table (title, column, row, group): the template's own words borrowed, a
/// label read from a report owned. Work across reports decodes tens of thousands of tables
/// whose labels are all the template's; borrowing them saves an allocation per label.
pub type Text = std::borrow::Cow<'static, str>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub label: Text,
    /// The heading a sub-row sits under in the template (`（三）不予公开`); display only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<Text>,
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
    pub title: Text,
    pub columns: Vec<Text>,
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

/// What a parser warning is about, so that a screen can put it beside its table and a later
/// reading can withdraw what an earlier one said, without matching on the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// How the bytes were decoded (`encoding: …`).
    Encoding,
    /// The document as a file: a PDF page that cannot be read, a scan without text.
    Document,
    Agency,
    Year,
    Title,
    Template,
    /// A table as read from the text.
    Table(TableId),
    /// A table as read from the document's own grid (a PDF's ruling lines, an HTML or DOCX
    /// table): it outranks what the text path said about the same table.
    Grid(TableId),
}

/// One warning of the parser: its topic, and the sentence shown to people and written in the
/// JSON contract (a string there, `table 3: …`, as FORMAT.md §6 has it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub topic: Topic,
    pub text: String,
}

impl Warning {
    pub fn new(topic: Topic, text: impl Into<String>) -> Warning {
        Warning {
            topic,
            text: text.into(),
        }
    }

    /// The table the warning is about, read from the text or from the document's grid.
    pub fn table(&self) -> Option<TableId> {
        match self.topic {
            Topic::Table(t) | Topic::Grid(t) => Some(t),
            _ => None,
        }
    }

    /// The topic a stored sentence was written under (a report read back from the index keeps
    /// only the sentence). A grid's warnings say `(from the document's table)` or `the
    /// document's table`.
    fn topic_of(text: &str) -> Topic {
        let head = text.split(':').next().unwrap_or("");
        let first = |p: &str| head.starts_with(p);
        if let Some(rest) = text.strip_prefix("table ") {
            let id = rest.split([':', ' ', ',']).next().and_then(TableId::parse);
            if let Some(id) = id {
                return if text.contains("the document's table") {
                    Topic::Grid(id)
                } else {
                    Topic::Table(id)
                };
            }
        }
        if first("encoding") {
            Topic::Encoding
        } else if first("agency") {
            Topic::Agency
        } else if first("year") {
            Topic::Year
        } else if first("title") {
            Topic::Title
        } else if first("template") {
            Topic::Template
        } else {
            Topic::Document
        }
    }
}

impl From<String> for Warning {
    fn from(text: String) -> Warning {
        Warning {
            topic: Warning::topic_of(&text),
            text,
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The sentence, for code that reads warnings as text (`w.contains("misread")`).
impl std::ops::Deref for Warning {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Warning {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Warning, D::Error> {
        String::deserialize(d).map(Warning::from)
    }
}

/// Adding a warning under its topic where a list of them is threaded through a reader.
pub trait Warnings {
    fn add(&mut self, topic: Topic, text: impl Into<String>);
}

impl Warnings for Vec<Warning> {
    fn add(&mut self, topic: Topic, text: impl Into<String>) {
        self.push(Warning::new(topic, text));
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
    pub warnings: Vec<Warning>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_ids_read_as_written_and_refuse_others() {
        assert_eq!(TableId::parse("2-1"), Some(TableId::T2_1));
        assert_eq!(TableId::parse(" 表3 "), Some(TableId::T3));
        assert_eq!(TableId::parse("2-2"), None);
        assert!("5".parse::<TableId>().is_err());
        assert_eq!(serde_json::to_string(&TableId::T2_9).unwrap(), "\"2-9\"");
        let mut ids = vec![TableId::T4, TableId::T2_5, TableId::T3, TableId::T2_1];
        ids.sort();
        assert_eq!(
            ids,
            [TableId::T2_1, TableId::T2_5, TableId::T3, TableId::T4]
        );
    }

    #[test]
    fn a_warning_is_a_string_in_json_and_keeps_its_topic_when_read_back() {
        let cases = [
            (Topic::Table(TableId::T3), "table 3, row x: found 5 figures"),
            (
                Topic::Table(TableId::T2_1),
                "table 2-1: row 规章 was not found",
            ),
            (
                Topic::Table(TableId::T4),
                "table 4 (政府信息公开行政复议、行政诉讼情况) was not found",
            ),
            (
                Topic::Grid(TableId::T3),
                "table 3 (from the document's table): a note",
            ),
            (
                Topic::Grid(TableId::T4),
                "table 4: row  is not in the document's table",
            ),
            (Topic::Agency, "agency: taken from the folder name"),
            (Topic::Year, "year: the title says 2023"),
            (Topic::Title, "title: no line ending in 年度报告"),
            (Topic::Template, "template: read as the 2021 template"),
            (Topic::Encoding, "encoding: GBK"),
            (Topic::Document, "scanned: no text layer"),
        ];
        for (topic, text) in cases {
            let w = Warning::new(topic, text);
            let json = serde_json::to_string(&w).unwrap();
            assert_eq!(json, serde_json::to_string(text).unwrap());
            let back: Warning = serde_json::from_str(&json).unwrap();
            assert_eq!(back, w, "{text}");
        }
        assert_eq!(
            Warning::new(Topic::Grid(TableId::T3), "x").table(),
            Some(TableId::T3)
        );
        assert_eq!(Warning::new(Topic::Year, "x").table(), None);
    }
}
