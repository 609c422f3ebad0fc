//! What the browser remembers across sessions: queries, opened reports and bookmarks, in one
//! small JSON file in the user's data folder (`$XDG_DATA_HOME/nianbao/history.json`).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// At most this many queries and reports are kept; the oldest go first.
const KEEP: usize = 500;

/// A report opened, or bookmarked: its path in the index, and how to show it in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub path: String,
    pub agency: String,
    pub year: Option<i32>,
    /// A bookmarked table (`3`, `2-1`); `None` for the report itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<crate::report::TableId>,
}

impl Place {
    pub fn label(&self) -> String {
        let year = self.year.map_or(String::new(), |y| format!(" {y}"));
        let table = self
            .table
            .as_ref()
            .map_or(String::new(), |t| format!(" · 表{t}"));
        format!("{}{year}{table}", self.agency)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// Oldest first.
    #[serde(default)]
    pub queries: Vec<String>,
    /// Reports opened, oldest first, each once.
    #[serde(default)]
    pub reports: Vec<Place>,
    #[serde(default)]
    pub bookmarks: Vec<Place>,
    /// Where it is saved; `None` keeps it in memory only (tests, no home folder).
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

/// The history file's default place: the XDG data folder (`NIANBAO_DATA` overrides it).
pub fn default_file() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("NIANBAO_DATA").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d).join("history.json"));
    }
    directories::ProjectDirs::from("", "", "nianbao").map(|d| d.data_dir().join("history.json"))
}

impl History {
    /// Reads the history at `file`; a missing or unreadable file is an empty history (it is a
    /// convenience, never a reason not to start).
    pub fn load(file: Option<PathBuf>) -> History {
        let mut h = file
            .as_deref()
            .and_then(|f| std::fs::read(f).ok())
            .and_then(|b| serde_json::from_slice::<History>(&b).ok())
            .unwrap_or_default();
        h.file = file;
        h
    }

    /// Writes the file (a temporary file renamed over it, so a crash never leaves half of one).
    pub fn save(&self) -> std::io::Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = tmp_path(file);
        std::fs::write(&tmp, serde_json::to_vec(self).unwrap_or_default())?;
        std::fs::rename(&tmp, file)
    }

    /// Remembers a query (once: an older copy moves to the end). Blank queries are not kept.
    pub fn add_query(&mut self, q: &str) {
        let q = q.trim();
        if q.is_empty() {
            return;
        }
        self.queries.retain(|x| x != q);
        self.queries.push(q.to_string());
        trim(&mut self.queries);
    }

    pub fn add_report(&mut self, p: Place) {
        self.reports.retain(|x| x.path != p.path);
        self.reports.push(p);
        trim(&mut self.reports);
    }

    /// Adds the bookmark, or removes it when it is there. Returns whether it is there now.
    pub fn toggle_bookmark(&mut self, p: Place) -> bool {
        let same = |x: &Place| x.path == p.path && x.table == p.table;
        if self.bookmarks.iter().any(same) {
            self.bookmarks.retain(|x| !same(x));
            false
        } else {
            self.bookmarks.push(p);
            true
        }
    }

    /// Agencies of the reports opened, most recent first, each once.
    pub fn recent_agencies(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for p in self.reports.iter().rev() {
            if !out.contains(&p.agency) {
                out.push(p.agency.clone());
            }
        }
        out
    }
}

fn trim<T>(v: &mut Vec<T>) {
    if v.len() > KEEP {
        v.drain(..v.len() - KEEP);
    }
}

fn tmp_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    file.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_and_read_back_with_duplicates_moved_to_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub/history.json");
        let mut h = History::load(Some(file.clone()));
        assert!(h.queries.is_empty());
        for q in ["行政复议", "  ", "依申请公开", "行政复议"] {
            h.add_query(q);
        }
        let p = |path: &str, agency: &str| Place {
            path: path.into(),
            agency: agency.into(),
            year: Some(2024),
            table: None,
        };
        h.add_report(p("a.txt", "甲局"));
        h.add_report(p("b.txt", "乙局"));
        h.add_report(p("c.txt", "甲局"));
        assert!(h.toggle_bookmark(p("a.txt", "甲局")));
        h.save().unwrap();
        let back = History::load(Some(file));
        assert_eq!(back.queries, vec!["依申请公开", "行政复议"]);
        assert_eq!(back.recent_agencies(), vec!["甲局", "乙局"]);
        assert_eq!(back.bookmarks.len(), 1);
        let mut b = back;
        assert!(!b.toggle_bookmark(p("a.txt", "甲局")));
        assert!(b.bookmarks.is_empty());
    }

    #[test]
    fn a_damaged_file_is_an_empty_history() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("history.json");
        std::fs::write(&file, b"{not json").unwrap();
        let h = History::load(Some(file));
        assert!(h.queries.is_empty() && h.reports.is_empty());
    }
}
