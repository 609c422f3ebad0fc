//! The browser across years on TestBackend: the compare screen (differences, next-difference
//! key, bar chart by year, empty state), `[` `]` between years keeping the cursor, and `w` exports.

mod common;

use common::synth::{Rng, Truth};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use nianbao::index::{Backend, MemoryIndex};
use nianbao::report;
use nianbao::tui::events::AppEvent;
use nianbao::tui::export::{self, Job, Progress};
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
    /// Where exports of the selection are written.
    dir: tempfile::TempDir,
    /// Export jobs sent and not run yet.
    jobs: Vec<Job>,
    /// Run every export job as soon as it is sent (as a quick thread would).
    answer: bool,
}

impl H {
    fn new(w: u16, h: u16, truths: &[Truth]) -> H {
        H::on(w, h, backend(truths))
    }

    fn on(w: u16, h: u16, b: Arc<dyn Backend>) -> H {
        let mut app = App::new((w, h), false, "corpus");
        app.handle(AppEvent::Engine(EngineMsg::Ready(b)));
        app.effects.clear();
        let dir = tempfile::tempdir().unwrap();
        app.export_dir = dir.path().to_path_buf();
        H {
            app,
            term: Terminal::new(TestBackend::new(w, h)).unwrap(),
            writes: Vec::new(),
            dir,
            jobs: Vec::new(),
            answer: true,
        }
    }

    fn pump(&mut self) {
        for e in std::mem::take(&mut self.app.effects) {
            match e {
                Effect::Write { path, text } => {
                    self.app.status = Some(format!("written to {}", path.display()));
                    self.writes.push((path, text));
                }
                Effect::Export(job) => self.jobs.push(job),
                _ => {}
            }
        }
        if self.answer {
            self.run_jobs();
        }
    }

    /// Runs every export job sent, in the order sent, as the export thread does, handing what
    /// it says to the browser.
    fn run_jobs(&mut self) {
        for job in std::mem::take(&mut self.jobs) {
            let said = std::cell::RefCell::new(Vec::new());
            let done = export::run(&job, &|p| said.borrow_mut().push(p));
            said.borrow_mut().push(Progress::Done(done));
            for progress in said.into_inner() {
                self.app.handle(AppEvent::Export {
                    generation: job.generation,
                    progress,
                });
            }
        }
    }

    /// The files in the export folder, by name.
    fn files(&self) -> Vec<String> {
        let mut out: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        out.sort();
        out
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap()
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
        common::screen_text(self.term.backend())
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
    assert_eq!(
        t.files(),
        [
            "nianbao-all-3-reports.csv",
            "nianbao-all-3-reports.dictionary.csv"
        ],
        "{:?}",
        t.app.status
    );
    let text = t.read("nianbao-all-3-reports.csv");
    let dict = t.read("nianbao-all-3-reports.dictionary.csv");
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
    let data = t.dir.path().join("nianbao-all-3-reports.csv");
    let said = t.app.status.clone().unwrap_or_default();
    assert!(
        said.starts_with(&format!("written to {} (3 reports;", data.display())),
        "{said}"
    );
    assert!(t.app.exporting.is_none());
}

/// The records of a CSV file (RFC 4180: quoted fields, doubled quotes, line breaks inside
/// quotes), read by hand so that the test does not lean on the writer's own code.
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rec = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => rec.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                rec.push(std::mem::take(&mut field));
                out.push(std::mem::take(&mut rec));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !rec.is_empty() {
        rec.push(field);
        out.push(rec);
    }
    out
}

/// The cells of a long-form CSV: agency, year, table, row, column, value and status of each
/// row (and the file's hash), in the file's order.
fn cells(text: &str) -> Vec<Vec<String>> {
    let recs = csv_records(text);
    let head = &recs[0];
    let at = |name: &str| head.iter().position(|h| h == name).unwrap();
    let cols = [
        "agency", "year", "table", "row", "column", "value", "status", "hash",
    ]
    .map(at);
    recs[1..]
        .iter()
        .map(|r| cols.iter().map(|&i| r[i].clone()).collect())
        .collect()
}

/// On an index of the generated corpus, for a query and a year chip: the browser's export is,
/// cell for cell, the file `nianbao export` writes for the same query and filter, and it names
/// each report's file hash as the command does.
#[test]
fn w_writes_the_rows_nianbao_export_writes() {
    let tr = truths();
    let env = common::Env {
        dir: tempfile::tempdir().unwrap(),
    };
    for x in &tr {
        env.write(&format!("{}/{}.txt", x.agency, x.year), x.text().as_bytes());
    }
    env.ok(&["index"]);
    let index: Arc<dyn Backend> = Arc::new(nianbao::index::Index::open(&env.index()).unwrap());
    let mut t = H::on(80, 24, index);
    t.app.query.years = Some((2022, 2023));
    t.keys("财政").key(KeyCode::Esc).keys("w");
    let said = t.app.status.clone().unwrap_or_default();
    assert!(said.contains("(2 reports;"), "{said}");
    let browser = t.read("nianbao-财政-2-reports.csv");
    let cli_path = env.dir.path().join("cli.csv");
    env.ok(&[
        "export",
        "财政",
        "--year",
        "2022..2023",
        "--format",
        "csv",
        "-o",
        cli_path.to_str().unwrap(),
    ]);
    let cli = std::fs::read_to_string(&cli_path).unwrap();
    let (b, c) = (cells(&browser), cells(&cli));
    // Two reports of the 2021 template: table 3 alone is 25 rows × 7 columns each.
    assert!(b.len() > 2 * 25 * 7, "{}", b.len());
    assert_eq!(b, c);
    let years: std::collections::BTreeSet<&str> = b.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(years.into_iter().collect::<Vec<_>>(), ["2022", "2023"]);
    // The hash the index recorded: blake3 of the file's bytes.
    let want = blake3::hash(tr[1].text().as_bytes()).to_hex().to_string();
    assert!(b.iter().filter(|r| r[1] == "2022").all(|r| r[7] == want));
    assert_eq!(
        t.read("nianbao-财政-2-reports.dictionary.csv"),
        std::fs::read_to_string(env.dir.path().join("cli.dictionary.csv")).unwrap()
    );
}

/// While an export is on its way the browser answers keys and says "writing…"; when the query
/// changes before the job has run, the job writes nothing — neither under its own name nor
/// under the new query's — and the status line says it was cancelled. `w` then writes the new
/// selection; a selection of nothing writes nothing and says so.
#[test]
fn a_stale_export_is_not_written_under_the_new_query() {
    let tr = truths();
    let mut t = H::new(80, 24, &tr);
    t.answer = false;
    t.keys("财政").key(KeyCode::Esc).keys("w");
    assert_eq!(t.jobs.len(), 1);
    assert!(t.screen().contains("selecting the reports to write…"));
    // Keys still work meanwhile: back to the query line, and the query changes.
    t.key(KeyCode::Char('/')).keys(" 2022");
    assert_eq!(t.app.search.input.text, "财政 2022");
    assert!(t.app.exporting.is_none());
    t.run_jobs();
    assert!(t.files().is_empty(), "{:?}", t.files());
    let said = t.app.status.clone().unwrap_or_default();
    assert!(
        said.starts_with("export cancelled: the query changed"),
        "{said}"
    );
    // The new query's own export.
    t.answer = true;
    t.key(KeyCode::Esc).keys("w");
    assert_eq!(
        t.files(),
        [
            "nianbao-财政_2022-1-reports.csv",
            "nianbao-财政_2022-1-reports.dictionary.csv"
        ]
    );
    // A chip the selection does not have: nothing matches, nothing is written.
    t.app.query.years = Some((1999, 1999));
    t.keys("/").key(KeyCode::Esc).keys("w");
    assert_eq!(
        t.app.status.as_deref(),
        Some("nothing written: no report matches")
    );
    assert_eq!(t.files().len(), 2);
}

/// The status line says "writing N reports…" from the thread's count until the export is done,
/// on keys that clear other messages too, then names the file written.
#[test]
fn the_status_line_says_writing_n_reports_until_the_export_is_done() {
    let tr = truths();
    let mut t = H::new(80, 24, &tr);
    t.answer = false;
    t.keys("财政").key(KeyCode::Esc).keys("w");
    let job = t.jobs.pop().unwrap();
    let said = std::cell::RefCell::new(Vec::new());
    let done = export::run(&job, &|p| said.borrow_mut().push(p));
    let said = said.into_inner();
    assert_eq!(said, [Progress::Writing(3)]);
    let generation = job.generation;
    for progress in said {
        t.app.handle(AppEvent::Export {
            generation,
            progress,
        });
    }
    assert!(t.screen().contains("writing 3 reports…"));
    t.keys("j");
    assert!(t.screen().contains("writing 3 reports…"));
    t.app.handle(AppEvent::Export {
        generation,
        progress: Progress::Done(done),
    });
    let s = t.screen();
    assert!(s.contains("written to ") && !s.contains("writing"), "{s}");
    assert_eq!(t.files().len(), 2);
}
