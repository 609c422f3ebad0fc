//! The browser across years on TestBackend: the compare screen (differences, next-difference
//! key, bar chart by year, empty state), `[` `]` between years keeping the cursor, and `w` exports.

mod common;

use common::synth::{Rng, Truth};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use nianbao::index::{Backend, MemoryIndex};
use nianbao::report;
use nianbao::tui::events::AppEvent;
use nianbao::tui::state::{App, Effect, Screen};
use nianbao::tui::views;
use nianbao::tui::worker::EngineMsg;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::PathBuf;
use std::sync::Arc;

const AGENCY: &str = "宁夏回族自治区中卫市财政局";
const ONE: &str = "沙坡头区文昌镇人民政府";

/// Three years of one agency (2021–2023) from generated figures, and one agency with one year.
fn truths() -> Vec<Truth> {
    let mut rng = Rng(77);
    let mut out: Vec<Truth> = Vec::new();
    for y in 2021..=2023 {
        let carried = out.last().map(|l: &Truth| {
            let o = &l.t3[l.t3.len() - 1];
            std::array::from_fn(|c| o[c].unwrap())
        });
        out.push(Truth::generate(&mut rng, AGENCY, y, carried, 9));
    }
    out.push(Truth::generate(&mut rng, ONE, 2023, None, 4));
    out
}

fn backend(truths: &[Truth]) -> Arc<dyn Backend> {
    let reports = truths
        .iter()
        .map(|t| report::parse_text(&format!("corpus/{}/{}.txt", t.agency, t.year), &t.text()))
        .collect();
    Arc::new(MemoryIndex::new(reports))
}

struct H {
    app: App,
    term: Terminal<TestBackend>,
    writes: Vec<(PathBuf, String)>,
}

impl H {
    fn new(w: u16, h: u16, truths: &[Truth]) -> H {
        let b = backend(truths);
        let mut app = App::new((w, h), false, "corpus");
        app.handle(AppEvent::Engine(EngineMsg::Ready(b)));
        app.effects.clear();
        H {
            app,
            term: Terminal::new(TestBackend::new(w, h)).unwrap(),
            writes: Vec::new(),
        }
    }

    fn pump(&mut self) {
        for e in std::mem::take(&mut self.app.effects) {
            if let Effect::Write { path, text } = e {
                self.app.status = Some(format!("written to {}", path.display()));
                self.writes.push((path, text));
            }
        }
    }

    fn key(&mut self, code: KeyCode) -> &mut Self {
        let m = match code {
            KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
            _ => KeyModifiers::NONE,
        };
        self.app.handle(AppEvent::Key(KeyEvent::new(code, m)));
        self.pump();
        self
    }

    fn keys(&mut self, s: &str) -> &mut Self {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    /// Opens table 3 of `agency`'s report for `year` through the go-to prompt.
    fn open_table3(&mut self, agency: &str, year: i32) -> &mut Self {
        self.app.handle(AppEvent::Key(KeyEvent::new(
            KeyCode::Char('g'),
            KeyModifiers::CONTROL,
        )));
        self.keys(&format!("{agency} {year}")).key(KeyCode::Enter);
        let n = match self.app.screens.last() {
            Some(Screen::Report(r)) => r.report.tables.iter().position(|t| t.id == "3").unwrap(),
            _ => panic!("no report"),
        };
        self.key(KeyCode::Tab);
        for _ in 0..n {
            self.keys("j");
        }
        self.key(KeyCode::Enter)
    }

    fn screen(&mut self) -> String {
        self.term.draw(|f| views::draw(f, &self.app)).unwrap();
        let buf = self.term.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let mut line = String::new();
            let mut skip = 0;
            for x in 0..buf.area.width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let sym = buf[(x, y)].symbol();
                line.push_str(sym);
                skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    fn table_cur(&self) -> ((usize, usize), Option<i32>) {
        match self.app.screens.last() {
            Some(Screen::Table(t)) => (t.cur, t.year),
            _ => panic!("not on a table"),
        }
    }
}

const SIZES: [(u16, u16); 2] = [(80, 24), (140, 40)];

#[test]
fn brackets_step_to_the_same_table_of_the_year_before_and_after_keeping_the_cursor() {
    let tr = truths();
    let mut t = H::new(80, 24, &tr);
    t.open_table3(AGENCY, 2022).keys("jjjll");
    assert_eq!(t.table_cur(), ((3, 2), Some(2022)));
    t.keys("]");
    assert_eq!(t.table_cur(), ((3, 2), Some(2023)));
    // The figure under the cursor is 2023's.
    match t.app.screens.last() {
        Some(Screen::Table(s)) => assert_eq!(
            s.table.rows[3].values[2].map(|v| v.as_f64() as i64),
            tr[2].t3[3][2]
        ),
        _ => unreachable!(),
    }
    t.keys("]");
    assert_eq!(t.table_cur(), ((3, 2), Some(2023)), "no year after 2023");
    assert!(t
        .app
        .status
        .as_deref()
        .unwrap()
        .contains("no report after 2023"));
    t.keys("[[");
    assert_eq!(t.table_cur(), ((3, 2), Some(2021)));
    // Esc still goes back to the report the table was opened from.
    t.key(KeyCode::Esc);
    assert!(matches!(t.app.screens.last(), Some(Screen::Report(_))));
}

#[test]
fn compare_screen_marks_changes_jumps_to_them_and_charts_the_cursor_by_year() {
    let tr = truths();
    for (w, h) in SIZES {
        let mut t = H::new(w, h, &tr);
        t.open_table3(AGENCY, 2023).keys("C");
        let s = match t.app.screens.last() {
            Some(Screen::Compare(c)) => c,
            _ => panic!("no compare screen"),
        };
        assert_eq!(s.cmp.years, vec![2021, 2022, 2023]);
        insta::assert_snapshot!(format!("compare_{w}x{h}"), t.screen());
        // `n` goes to the next row whose figure changed, and the bar chart follows it.
        t.keys("n");
        let (row, values) = match t.app.screens.last() {
            Some(Screen::Compare(c)) => {
                let i = c.visible()[c.cur];
                (c.cmp.cells[i].row.clone(), c.series())
            }
            _ => unreachable!(),
        };
        let r = common::synth::t3_rows(false)
            .iter()
            .position(|(l, _)| *l == row)
            .unwrap();
        let truth: Vec<Option<i64>> = tr[..3].iter().map(|x| x.t3[r][0]).collect();
        assert_eq!(
            values
                .iter()
                .map(|v| v.map(|v| v.as_f64() as i64))
                .collect::<Vec<_>>(),
            truth
        );
        assert!(truth.windows(2).any(|p| p[0] != p[1]), "{row} changed");
        let screen = t.screen();
        // Under the bars: each year and, in its bar, its figure.
        let lines: Vec<&str> = screen.lines().collect();
        let years = lines
            .iter()
            .rposition(|l| l.trim_start().starts_with("2021"))
            .unwrap();
        assert!(lines[years].contains("2022") && lines[years].contains("2023"));
        for v in truth.iter().flatten() {
            assert!(
                lines[years - 1].contains(&v.to_string()),
                "{v} in {}",
                lines[years - 1]
            );
        }
        insta::assert_snapshot!(format!("compare_next_change_{w}x{h}"), screen);
    }
}

#[test]
fn compare_of_an_agency_with_one_year_says_so() {
    let tr = truths();
    for (w, h) in SIZES {
        let mut t = H::new(w, h, &tr);
        t.open_table3(ONE, 2023).keys("C");
        let s = t.screen();
        assert!(s.contains("has one year (2023)"), "{s}");
        insta::assert_snapshot!(format!("compare_one_year_{w}x{h}"), s);
        t.key(KeyCode::Esc);
        assert!(matches!(t.app.screens.last(), Some(Screen::Table(_))));
    }
}

#[test]
fn w_writes_the_comparison_and_the_table() {
    let tr = truths();
    let mut t = H::new(80, 24, &tr);
    t.open_table3(AGENCY, 2022).keys("w");
    let (path, text) = t.writes.pop().unwrap();
    assert_eq!(
        path,
        PathBuf::from(format!("nianbao-{AGENCY}-2022-表3.csv"))
    );
    assert!(text.starts_with(",自然人,商业企业") || text.contains("自然人"));
    t.keys("C").keys("w");
    let (path, text) = t.writes.pop().unwrap();
    assert_eq!(
        path,
        PathBuf::from(format!("nianbao-{AGENCY}-表3-2021_2022_2023.csv"))
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "row,group,column,2021,2022,2023,changed in");
    // One line per cell: 25 rows × 7 columns of the 2021 template.
    assert_eq!(lines.len(), 1 + 25 * 7);
    let new_total = format!(
        "一、本年新收政府信息公开申请数量,,总计,{},{},{}",
        tr[0].t3[0][6].unwrap(),
        tr[1].t3[0][6].unwrap(),
        tr[2].t3[0][6].unwrap()
    );
    assert!(
        lines.iter().any(|l| l.starts_with(&new_total)),
        "{new_total}"
    );
    // The write itself: a temporary name, then renamed; nothing left over.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.csv");
    let msg = nianbao::tui::compare::write_export(&p, &text);
    assert!(msg.starts_with("written to"));
    assert_eq!(std::fs::read_to_string(&p).unwrap(), text);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    let bad = nianbao::tui::compare::write_export(&dir.path().join("no/x.csv"), &text);
    assert!(bad.starts_with("cannot write"), "{bad}");
}

/// `w` in the hit list: every selected report (the agency filter's three years), one row per
/// cell, the figures those the generator put in; the dictionary beside it.
#[test]
fn w_in_the_hit_list_writes_the_selection_in_long_form() {
    let tr = truths();
    let mut t = H::new(80, 24, &tr);
    t.app.query.agencies = vec![AGENCY.to_string()];
    t.key(KeyCode::Esc).keys("w");
    assert_eq!(t.writes.len(), 2, "{:?}", t.app.status);
    let (path, text) = t.writes.pop().unwrap();
    let (dict_path, dict) = t.writes.pop().unwrap();
    assert_eq!(path, PathBuf::from("nianbao-all-3-reports.csv"));
    assert_eq!(
        dict_path,
        PathBuf::from("nianbao-all-3-reports.dictionary.csv")
    );
    assert!(dict.lines().count() > 10);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], nianbao::output::dataset::LONG_FIELDS.join(","));
    // Three reports of the 2021 template: table 3 alone is 25 rows × 7 columns each.
    let t3: Vec<Vec<&str>> = lines[1..]
        .iter()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[7] == "3")
        .collect();
    assert_eq!(t3.len(), 3 * 25 * 7);
    assert!(lines[1..].iter().all(|l| l.starts_with(AGENCY)));
    for (k, truth) in tr[..3].iter().enumerate() {
        let year = truth.year.to_string();
        for (r, row) in truth.t3.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let cell = t3
                    .iter()
                    .filter(|f| f[5] == year && f[8] == r.to_string())
                    .nth(c)
                    .unwrap_or_else(|| panic!("{k} {r} {c}"));
                let want = v.map_or(String::new(), |v| v.to_string());
                assert_eq!(cell[12], want, "{year} row {r} column {c}");
            }
        }
    }
    assert_eq!(
        t.app.status.as_deref(),
        Some("written to nianbao-all-3-reports.csv")
    );
}
