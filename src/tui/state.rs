//! Everything the browser shows, as plain data: views read it, only `events.rs` changes it.

pub use super::input::TextInput;
use super::keys::Ctx;
pub use super::screens::Overlay;
use super::worker::Request;
use crate::index::{match_ranges, parse_query, Backend, Passage, Query, SearchResults};
use crate::output::export::{Format, Selection};
use crate::report::{Report, Table, TableId};
use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchFocus {
    Query,
    Results,
}

pub struct SearchState {
    pub input: TextInput,
    pub focus: SearchFocus,
    pub results: Option<SearchResults>,
    pub selected: usize,
    /// Generation of the newest request; results of any other generation are stale.
    pub generation: u64,
    /// A request is out and its results not in yet.
    pub searching: bool,
    pub error: Option<String>,
    /// The outstanding request only asks for more of the same hits: keep the selection.
    pub more: bool,
    /// The outstanding request re-runs the same search on a new engine (after a background
    /// update): select this hit (by path) again if it is still found.
    pub keep: Option<String>,
}

/// The engine as the browser sees it.
pub enum Engine {
    Loading { done: usize, total: usize },
    Ready(Arc<dyn Backend>),
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFocus {
    Sections,
    Tables,
}

pub struct ReportState {
    pub report: Report,
    /// The search had words to find (else next / previous match has nothing to look for).
    pub has_terms: bool,
    pub section: usize,
    pub focus: ReportFocus,
    pub table: usize,
    /// First shown line of the section's wrapped text.
    pub scroll: usize,
    /// Every match: (section, byte range in the section's display text).
    pub matches: Vec<(usize, Range<usize>)>,
    pub current_match: Option<usize>,
    /// The `/` prompt while it is open, with the matches and position it replaced (restored
    /// by Esc).
    pub find: Option<FindPrompt>,
}

/// What `/` replaced: matches, current match, whether there were terms, section, scroll.
pub type SavedFind = (
    Vec<(usize, Range<usize>)>,
    Option<usize>,
    bool,
    usize,
    usize,
);

pub struct FindPrompt {
    pub input: TextInput,
    pub saved: SavedFind,
}

impl ReportState {
    pub fn new(report: Report, query: &str) -> ReportState {
        let (matches, has_terms) = find_matches(&report, query);
        let section = matches.first().map_or(0, |m| m.0);
        ReportState {
            report,
            has_terms,
            section,
            focus: ReportFocus::Sections,
            table: 0,
            scroll: 0,
            matches,
            current_match: None,
            find: None,
        }
    }

    /// Failed checks of one table.
    pub fn failed_checks(&self, table_id: TableId) -> usize {
        self.report
            .failed_checks()
            .filter(|c| c.cells.first().is_some_and(|r| r.table == table_id))
            .count()
    }
}

/// Every match of `query` in the report's sections, as (section, byte range in the section's
/// display text), and whether the query has words to find. The index's own matching, so the
/// report marks what the search found, and `/` finds what a search would.
pub fn find_matches(report: &Report, query: &str) -> (Vec<(usize, Range<usize>)>, bool) {
    let clauses = parse_query(query);
    let mut matches: Vec<(usize, Range<usize>)> = Vec::new();
    for (i, _) in report.sections.iter().enumerate() {
        let text = section_text(report, i);
        for (r, _) in match_ranges(&text, &clauses) {
            match matches.last_mut() {
                // Clauses may overlap (行政 and 行政复议): one mark, not two.
                Some((s, last)) if *s == i && r.start <= last.end => last.end = last.end.max(r.end),
                _ => matches.push((i, r)),
            }
        }
    }
    (matches, clauses.iter().any(|c| !c.exclude))
}

/// A section as shown and copied: its heading line, then its text reflowed.
pub fn section_text(r: &Report, i: usize) -> String {
    match r.sections.get(i) {
        Some(s) => format!("{}、{}\n{}", s.number, s.title, reflow(s.text.trim())),
        None if i == 0 => reflow(&r.text),
        None => String::new(),
    }
}

/// Joins the hard line breaks that PDF extraction leaves mid-sentence, so the text wraps to
/// the screen and a phrase split across two lines can still be found. A break stays after
/// sentence-ending punctuation, after a short heading (`一、总体情况`), and before a line that
/// opens a numbered item.
pub fn reflow(text: &str) -> String {
    reflow_mapped(text).0
}

/// [`reflow`] of a passage, its highlights moved to where their text is after the reflow.
pub fn reflow_passage(p: &Passage) -> Passage {
    let (text, lines) = reflow_mapped(&p.text);
    // lines: (start in the source, start in the output, length) of each kept line.
    let to_out = |pos: usize, is_end: bool| -> usize {
        let i = lines.partition_point(|l| l.0 <= pos);
        match (i.checked_sub(1).and_then(|k| lines.get(k)), lines.get(i)) {
            (Some(l), _) if pos <= l.0 + l.2 => l.1 + (pos - l.0),
            // Between lines (spaces, blank lines): a start moves to the next line's start,
            // an end back to the previous line's end.
            (Some(l), Some(n)) => {
                if is_end {
                    l.1 + l.2
                } else {
                    n.1
                }
            }
            (Some(l), None) => l.1 + l.2,
            (None, Some(n)) => n.1,
            (None, None) => 0,
        }
    };
    let mut highlights: Vec<Range<usize>> = Vec::new();
    for h in &p.highlights {
        let r = to_out(h.start, false)..to_out(h.end, true);
        if r.start < r.end && text.is_char_boundary(r.start) && text.is_char_boundary(r.end) {
            highlights.push(r);
        }
    }
    Passage { text, highlights }
}

/// The reflowed text and, per kept line, (start in `text`, start in the output, length).
fn reflow_mapped(text: &str) -> (String, Vec<(usize, usize, usize)>) {
    // Each non-blank line, trimmed, with where it starts in `text`.
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut at = 0;
    for raw in text.split('\n') {
        let lead = raw.len() - raw.trim_start().len();
        let line = raw.trim();
        if !line.is_empty() {
            lines.push((at + lead, line));
        }
        at += raw.len() + 1;
    }
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(lines.len());
    for (i, &(from, line)) in lines.iter().enumerate() {
        map.push((from, out.len(), line.len()));
        out.push_str(line);
        let Some(&(_, next)) = lines.get(i + 1) else {
            break;
        };
        let ends = line.ends_with(['。', '：', ':', '；', '！', '？', '）']);
        let numeral = |c: char| "一二三四五六七八九十".contains(c);
        // A short line opening with 一、 is a heading, not the first line of a paragraph.
        let heading = line.starts_with(numeral)
            && line.trim_start_matches(numeral).starts_with('、')
            && line.chars().count() <= 20
            && !line.ends_with(['，', '、']);
        let opens = next.starts_with('（')
            || next.starts_with('(')
            || next.starts_with(numeral)
            || next.chars().next().is_some_and(|c| c.is_ascii_digit())
                && next
                    .chars()
                    .nth(1)
                    .is_some_and(|c| c == '.' || c == '、' || c == '．');
        if ends || heading || opens {
            out.push('\n');
        }
    }
    (out, map)
}

pub struct TableState {
    /// The table as shown (and copied): table 4 turned, the others as they are.
    pub table: Table,
    /// `table` is the report's table turned on its side.
    pub turned: bool,
    /// Agency and year, for the breadcrumbs.
    pub report_label: String,
    /// Cells read by a failed check: (row, col).
    pub failed: HashSet<(usize, usize)>,
    /// Rules that failed on this table, with whose the failure probably is, for the footer.
    pub failed_rules: Vec<String>,
    /// What the parser said about this table (a row split by arithmetic, not found…).
    pub warnings: Vec<String>,
    /// (row, col) of the cell cursor.
    pub cur: (usize, usize),
    /// The other corner of the selection while one is being made.
    pub anchor: Option<(usize, usize)>,
    /// First shown (row, column) of the scrolling part of the grid.
    pub offsets: (usize, usize),
    /// A mouse drag is selecting.
    pub dragging: bool,
    /// The report's agency and year, for stepping to other years and comparing.
    pub agency: Option<String>,
    pub year: Option<i32>,
}

impl TableState {
    pub fn new(report: &Report, table: &Table) -> TableState {
        // Table 4 turned on its side: its fifteen headers become readable row labels.
        let turn = crate::output::turn::wants_turning(table);
        let mut failed = HashSet::new();
        let mut failed_rules = Vec::new();
        for c in report.failed_checks() {
            if c.cells.iter().any(|r| r.table == table.id) {
                failed_rules.push(match c.blame {
                    Some(b) => format!("{} — {}", c.rule, b.explain()),
                    None => c.rule.clone(),
                });
                failed.extend(c.cells.iter().filter(|r| r.table == table.id).map(|r| {
                    if turn {
                        (r.col, r.row)
                    } else {
                        (r.row, r.col)
                    }
                }));
            }
        }
        TableState {
            table: if turn {
                crate::output::turn::turned(table)
            } else {
                table.clone()
            },
            turned: turn,
            report_label: report_label(report),
            failed,
            failed_rules,
            warnings: crate::output::summary::table_warnings(report, table.id)
                .map(|w| w.text.clone())
                .collect(),
            cur: (0, 0),
            anchor: None,
            offsets: (0, 0),
            dragging: false,
            agency: report.agency.clone(),
            year: report.year,
        }
    }

    /// Lines under the grid: failed rules, warnings and the legend of the marks.
    pub fn notes(&self) -> usize {
        self.failed_rules.len() + self.warnings.len() + 1
    }

    /// The selected rectangle, or the cursor's cell when nothing is selected.
    pub fn selection(&self) -> Selection {
        let a = self.anchor.unwrap_or(self.cur);
        Selection {
            r0: a.0.min(self.cur.0),
            r1: a.0.max(self.cur.0),
            c0: a.1.min(self.cur.1),
            c1: a.1.max(self.cur.1),
        }
    }

    pub fn is_selected(&self, r: usize, c: usize) -> bool {
        let s = self.selection();
        self.anchor.is_some() && (s.r0..=s.r1).contains(&r) && (s.c0..=s.c1).contains(&c)
    }
}

pub fn report_label(r: &Report) -> String {
    let agency = r.agency.as_deref().unwrap_or("（机构不详）");
    match r.year {
        Some(y) => format!("{agency} {y}"),
        None => agency.to_string(),
    }
}

/// A screen above the search screen.
pub enum Screen {
    Report(Box<ReportState>),
    Table(Box<TableState>),
    /// One table of one agency across its years (src/tui/compare.rs).
    Compare(Box<super::compare::CompareState>),
}

/// Work the event loop does on the browser's behalf after an event has been handled.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Search(Request),
    /// Put `text` on the clipboard; `what` is for the status line.
    Copy {
        text: String,
        what: String,
    },
    /// Write `text` to the file `path` (an export), saying where on the status line.
    Write {
        path: std::path::PathBuf,
        text: String,
    },
}

pub struct App {
    pub search: SearchState,
    /// The query as the engine takes it: the text of the query line (copied in when a search
    /// is sent), the filter chips and how many hits to fetch.
    pub query: Query,
    /// Screens above the search screen; the last one is shown.
    pub screens: Vec<Screen>,
    pub overlay: Option<Overlay>,
    pub engine: Engine,
    pub status: Option<String>,
    pub copy_format: Format,
    pub size: (u16, u16),
    pub no_color: bool,
    pub quit: bool,
    pub effects: Vec<Effect>,
    /// `nianbao open AGENCY YEAR`: done once the engine is ready.
    pub pending_open: Option<(String, Option<i32>)>,
    /// Where the corpus is, for error messages.
    pub corpus: String,
    /// Progress of the background update of a usable index.
    pub updating: Option<(usize, usize)>,
    /// Queries, reports and bookmarks remembered across sessions.
    pub history: super::history::History,
    /// Recalling queries: (position in the history, the query typed before the recall).
    pub recall: Option<(usize, String)>,
    /// The language of the screens.
    pub lang: super::i18n::Lang,
    /// Copies of tables start with a line naming agency, year and table (config `copy.header`).
    pub copy_header: bool,
    /// CSV copies start with a byte-order mark, for Excel (config `copy.csv_bom`).
    pub csv_bom: bool,
    pub palette: super::config::Palette,
}

/// The fewest hits a search asks for first. Building snippets is most of a
/// search's cost, so more are asked for only when the user scrolls near the end.
pub const HIT_LIMIT: usize = 10;

impl App {
    pub fn new(size: (u16, u16), no_color: bool, corpus: &str) -> App {
        App {
            search: SearchState {
                input: TextInput::default(),
                focus: SearchFocus::Query,
                results: None,
                selected: 0,
                generation: 0,
                searching: false,
                error: None,
                more: false,
                keep: None,
            },
            query: Query {
                limit: HIT_LIMIT,
                ..Query::default()
            },
            screens: Vec::new(),
            overlay: None,
            engine: Engine::Loading { done: 0, total: 0 },
            status: None,
            copy_format: Format::Tsv,
            size,
            no_color,
            quit: false,
            effects: Vec::new(),
            pending_open: None,
            corpus: corpus.to_string(),
            updating: None,
            history: Default::default(),
            recall: None,
            lang: super::i18n::Lang::En,
            copy_header: false,
            csv_bom: false,
            palette: Default::default(),
        }
    }

    /// Where key presses go now.
    pub fn ctx(&self) -> Ctx {
        if let Some(o) = &self.overlay {
            return o.handler().ctx();
        }
        match self.screens.last() {
            Some(Screen::Report(r)) if r.find.is_some() => Ctx::ReportFind,
            Some(Screen::Report(_)) => Ctx::Report,
            Some(Screen::Table(_)) => Ctx::Table,
            Some(Screen::Compare(_)) => Ctx::Compare,
            None => match self.search.focus {
                SearchFocus::Query => Ctx::Query,
                SearchFocus::Results => Ctx::Results,
            },
        }
    }

    /// Agency candidates and the year typed in a go-to prompt (see `screens::goto`).
    pub fn goto_candidates(&self, input: &str) -> (Vec<String>, Option<i32>) {
        let b = self.backend();
        super::screens::goto::candidates(b.as_deref(), &self.history, input)
    }

    pub fn backend(&self) -> Option<Arc<dyn Backend>> {
        match &self.engine {
            Engine::Ready(b) => Some(b.clone()),
            _ => None,
        }
    }

    /// Breadcrumbs: where the user is, from the search down.
    pub fn breadcrumbs(&self) -> Vec<String> {
        let mut out = vec![self.lang.t().crumb_search.to_string()];
        for s in &self.screens {
            match s {
                Screen::Report(r) => out.push(report_label(&r.report)),
                Screen::Table(t) => out.push(format!("表{} {}", t.table.id, t.table.title)),
                Screen::Compare(c) => out.push(format!("表{} 逐年对比", c.cmp.table)),
            }
        }
        out
    }
}

/// One removable filter chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chip {
    Agency(usize),
    Years,
    Template,
}

impl App {
    /// The chips in display order with their text and starting column.
    pub fn chips(&self) -> Vec<(Chip, String, u16)> {
        let t = self.lang.t();
        let mut out = Vec::new();
        for (i, a) in self.query.agencies.iter().enumerate() {
            out.push((Chip::Agency(i), format!("[{}:{a} ×]", t.chip_agency)));
        }
        if let Some((a, b)) = self.query.years {
            let y = if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            };
            out.push((Chip::Years, format!("[{}:{y} ×]", t.chip_year)));
        }
        if let Some(t) = self.query.template {
            let name = self.lang.template(t);
            out.push((
                Chip::Template,
                format!("[{}:{name} ×]", self.lang.t().chip_template),
            ));
        }
        let mut x = crate::output::grid::width(self.lang.t().chips_prefix) as u16;
        out.into_iter()
            .map(|(c, s)| {
                let at = x;
                x += crate::output::grid::width(&s) as u16 + 1;
                (c, s, at)
            })
            .collect()
    }
}

/// First hit shown when `selected` is selected: the list scrolls a page at a time.
pub fn list_offset(selected: usize, per_page: usize) -> usize {
    let per_page = per_page.max(1);
    selected / per_page * per_page
}

/// The status line after a copy: what was copied and through which channels.
pub fn copy_status(lang: super::i18n::Lang, what: &str, via: &str) -> String {
    super::i18n::fill(lang.t().copied, &[("what", &what), ("via", &via)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflow_keeps_highlights_on_their_text() {
        let text = "一、总体情况\n\n　　本机关收到行政\n复议申请一件，\n已办结。\n（二）其他";
        let hl = |s: &str| {
            let i = text.find(s).unwrap_or(0);
            i..i + s.len()
        };
        // A phrase split by the line break, and one after a blank line and an indent.
        let p = Passage {
            text: text.to_string(),
            highlights: vec![hl("本机关"), hl("行政\n复议"), hl("已办结")],
        };
        let r = reflow_passage(&p);
        assert_eq!(
            r.text,
            "一、总体情况\n本机关收到行政复议申请一件，已办结。\n（二）其他"
        );
        let shown: Vec<&str> = r.highlights.iter().map(|h| &r.text[h.clone()]).collect();
        assert_eq!(shown, vec!["本机关", "行政复议", "已办结"]);
    }

    #[test]
    fn reflow_of_text_without_breaks_is_the_text() {
        let p = Passage {
            text: "  依申请公开  ".into(),
            highlights: std::iter::once(2..8).collect(),
        };
        let r = reflow_passage(&p);
        assert_eq!(r.text, "依申请公开");
        assert_eq!(&r.text[r.highlights[0].clone()], "依申");
    }
}
